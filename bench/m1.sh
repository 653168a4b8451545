#!/bin/sh
# bench/m1.sh HVWAKE [--check] — measure what docs/m1-redirect.md reports
# about M1 (the H_IPI redirect): its gain over the H_TOO_HARD fallback, the
# bound (kvm.wake_policy = oracle), the redirect policies, where it stops
# helping, race R5, and VM destroy / CPU offline under fire; write it there.
#
# Every measured block of docs/m1-redirect.md sits between the markers
#     <!-- m1.sh:NAME -->  ...  <!-- /m1.sh:NAME -->
# and is produced here by the hvwake commands it names; the prose around
# the blocks states no measured number. The figures (docs/figures/m1-*.svg)
# are drawn by `hvwake plot` when gnuplot is installed (else skipped, with a
# message). --check only reports whether the text blocks are current (exit 1
# if not) and draws no figure. It takes a few minutes on two cores.
. "$(dirname "$0")/lib.sh"
doc=$root/docs/m1-redirect.md
figs=$root/docs/figures
reps=5     # fallback / M1 / oracle
preps=10   # the policies (differences of about 1%)
policies="nearest rotate idle busy warm"
gain="--variant fallback:kvm.h_ipi_redirect=0 --variant M1:kvm.h_ipi_redirect=1 --variant oracle:kvm.wake_policy=oracle"
pvariants="--variant upstream:"
for p in $policies; do pvariants="$pvariants --variant $p:kvm.redirect_policy=$p"; done
pvariants="$pvariants --variant oracle:kvm.wake_policy=oracle"

# The workloads of the tables: "label|preset|--set args|throughput|latency|area"
workloads() {
    for t in 1 2 4 8; do
        echo "ycsb, $t thread$([ $t = 1 ] || echo s) per vcore|ycsb|--set vm.*.threads_per_vcore=$t|ycsb.ops_per_s|ycsb.latency_ns.mean|ycsb"
    done
    echo "ycsb-overcommit|ycsb-overcommit||ycsb.ops_per_s|ycsb.latency_ns.mean|ycsb"
    echo "tcp-rr-2vm|tcp-rr-2vm||tcp_rr.stream_transactions_per_s|tcp_rr.rtt_ns.mean|tcp_rr"
}

# ---- M1 against the fallback, and the bound --------------------------------
gain_table() {
    echo "| workload | H_IPIs to a target not running, per op | throughput, fallback (1/s) | M1 vs fallback | oracle vs fallback | M1's share of the oracle's gain | latency: M1 vs fallback | latency: oracle vs fallback | wakeup latency (ns): fallback / M1 / oracle |"
    echo "|---|---|---|---|---|---|---|---|---|"
    workloads | while IFS='|' read -r label p sets ops lat area; do
        f=$tmp/gain-$p-$(echo "$sets" | tr -dc '0-9').json
        # shellcheck disable=SC2086
        compare_json "$f" "$p" $sets $gain --replications $reps \
            --metrics "$ops,$lat,wake.latency_ns.mean,$area.hipi_not_running_per_op"
        share=$(awk -v b="$(mean "$f" "$ops" 1)" -v m="$(mean "$f" "$ops" 2)" -v o="$(mean "$f" "$ops" 3)" \
            'BEGIN { if (o - b > 0) printf "%.0f%%", (m - b) / (o - b) * 100; else printf "-" }')
        echo "| $label | $(num "$(mean "$f" "$area.hipi_not_running_per_op" 2)") | $(num "$(mean "$f" "$ops" 1)") | $(pct "$f" "$ops" 2) | $(pct "$f" "$ops" 3) | $share | $(pct "$f" "$lat" 2) | $(pct "$f" "$lat" 3) | $(num "$(mean "$f" wake.latency_ns.mean 1)") / $(num "$(mean "$f" wake.latency_ns.mean 2)") / $(num "$(mean "$f" wake.latency_ns.mean 3)") |"
        echo "$label|$(pct "$f" "$ops" 2)|$share" >> "$tmp/gain.rows"
    done
    echo
    awk -F'|' '{ sig = ($2 ~ /\*$/); v = $2; sub(/%.*/, "", v); v += 0
            if (NR == 1 || v > hi) { hi = v; hl = $1 } if (NR == 1 || v < lo) { lo = v; ll = $1 }
            if (!sig) ns = ns (ns == "" ? "" : "; ") $1 }
        END { printf "Read back: M1 raises throughput most on %s (%+.1f%%) and least on %s (%+.1f%%)", hl, hi, ll, lo
              printf "%s.\n", ns == "" ? "; every change is significant" : "; not significant on " ns }' "$tmp/gain.rows"
    echo
    echo "Each row: \`hvwake compare PRESET [--set vm.*.threads_per_vcore=N] $gain --replications $reps --json --metrics ...\`; a change is the difference of the means with the 95% half-width of the paired interval of the difference (the variants run on the same random streams), in percent of the fallback's mean; \`*\` = significant. Throughput is \`ycsb.ops_per_s\` or \`tcp_rr.stream_transactions_per_s\`, latency \`ycsb.latency_ns.mean\` or \`tcp_rr.rtt_ns.mean\`, the wakeup latency \`wake.latency_ns.mean\`."
}

# ---- the policies -----------------------------------------------------------
policy_tables() {
    hdr="| workload | upstream |"
    sep="|---|---|"
    for p in $policies oracle; do hdr="$hdr $p |"; sep="$sep---|"; done
    pm="m1.scan_probes.mean,m1.scan_probes.count,m1.scan_hints,m1.no_free_core,m1.redirect_gini_frac,m1.redirect_core_max_pct,m1.host_task_delay_ns,m1.redirect_handled,m1.kick_delay_ns.mean,m1.cas_failures"
    workloads | while IFS='|' read -r label p sets ops lat area; do
        f=$tmp/pol-$p-$(echo "$sets" | tr -dc '0-9').json
        # shellcheck disable=SC2086
        compare_json "$f" "$p" $sets $pvariants --replications $preps \
            --metrics "$ops,$lat,wake.latency_ns.mean,wake.latency_ns.p99,$pm"
        echo "$label|$f|$ops|$lat" >> "$tmp/pol.rows"
    done
    for what in wake.latency_ns.mean wake.latency_ns.p99 ops lat; do
        case $what in
            ops) echo "Throughput (\`ycsb.ops_per_s\`, \`tcp_rr.stream_transactions_per_s\`), each policy against upstream:" ;;
            lat) echo "Request latency (\`ycsb.latency_ns.mean\`, \`tcp_rr.rtt_ns.mean\`), each policy against upstream:" ;;
            *) echo "\`$what\` (ns), each policy against upstream:" ;;
        esac
        echo
        echo "$hdr"
        echo "$sep"
        while IFS='|' read -r label f ops lat; do
            case $what in ops) m=$ops ;; lat) m=$lat ;; *) m=$what ;; esac
            row="| $label | $(num "$(mean "$f" "$m" 1)") |"
            k=2
            for p in $policies oracle; do row="$row $(pct "$f" "$m" $k) |"; k=$((k + 1)); done
            echo "$row"
        done < "$tmp/pol.rows"
        echo
    done
    # read back: the best policy by throughput, its significance, its gap to the oracle
    echo "Read back (the policy with the highest mean throughput per workload, against upstream and the oracle):"
    echo
    while IFS='|' read -r label f ops lat; do
        best=""; bk=0; k=2
        for p in $policies; do
            m=$(mean "$f" "$ops" $k)
            if [ -z "$best" ] || awk -v a="$m" -v b="$bm" 'BEGIN { exit !(a > b) }'; then best=$p; bm=$m; bk=$k; fi
            k=$((k + 1))
        done
        ok=$(stats "$f" "$ops" $bk | awk '{ print ($6 == "true" && $3 > 0) ? "beats upstream with 95% confidence" : "does not beat upstream with 95% confidence" }')
        wk=$(stats "$f" wake.latency_ns.mean $bk | awk '{ print ($6 == "true" && $3 < 0) ? "its wakeups are faster (significant)" : "its wakeups are not significantly faster" }')
        closes=$(awk -v u="$(mean "$f" "$ops" 1)" -v b="$bm" -v o="$(mean "$f" "$ops" 7)" \
            'BEGIN { if (o - u > 0) printf "%.0f%%", (b - u) / (o - u) * 100; else printf "none" }')
        echo "- $label: \`$best\` ($(pct "$f" "$ops" $bk) throughput, $(pct "$f" wake.latency_ns.mean $bk) wakeup latency) $ok; $wk; it closes $closes of upstream's throughput gap to the oracle ($(pct "$f" "$ops" 7))."
    done < "$tmp/pol.rows"
    echo
    echo "Each workload: \`hvwake compare PRESET [--set vm.*.threads_per_vcore=N] ${pvariants# } --replications $preps --json --metrics ...\`; a cell is the difference of the means with the 95% half-width of the paired interval of the difference (the variants run on the same random streams), in percent of upstream's mean; \`*\` = significant. Picking the best of five after the fact is a multiple comparison: a difference near its interval's edge is weak evidence."
}

# What each policy costs and how it spreads the kicks (means over the
# replications of the policy compares above).
policy_costs() {
    for p in ycsb ycsb-overcommit; do
        f=$(awk -F'|' -v p="$p" '$1 == p || $1 == p ", 1 thread per vcore" { print $2; exit }' "$tmp/pol.rows")
        [ "$p" = ycsb ] && echo "ycsb, 1 thread per vcore:" || echo "$p:"
        echo
        echo "| policy | cores read per scan | host-idle hints per scan | scans that found no free core | Gini of kicks per core | busiest core, % of the mean | host task time delayed per kick (ns) | RM_HOST_ACTION posted -> kick (ns) | CAS failures |"
        echo "|---|---|---|---|---|---|---|---|---|"
        k=1
        for pol in upstream $policies; do
            scans=$(mean "$f" m1.scan_probes.count $k)
            echo "| $pol | $(num "$(mean "$f" m1.scan_probes.mean $k)") | $(awk -v h="$(mean "$f" m1.scan_hints $k)" -v s="$scans" 'BEGIN { printf "%.2f", s ? h / s : 0 }') | $(awk -v n="$(mean "$f" m1.no_free_core $k)" -v s="$scans" 'BEGIN { printf "%.1f%%", s ? n / s * 100 : 0 }') | $(num "$(mean "$f" m1.redirect_gini_frac $k)") | $(num "$(mean "$f" m1.redirect_core_max_pct $k)")% | $(awk -v d="$(mean "$f" m1.host_task_delay_ns $k)" -v n="$(mean "$f" m1.redirect_handled $k)" 'BEGIN { printf "%.0f", n ? d / n : 0 }') | $(num "$(mean "$f" m1.kick_delay_ns.mean $k)") | $(num "$(mean "$f" m1.cas_failures $k)") |"
            k=$((k + 1))
        done
        echo
    done
    echo "From the same runs as the tables above (\`m1.scan_probes\`, \`m1.scan_hints\`, \`m1.no_free_core\`, \`m1.redirect_gini_frac\`, \`m1.redirect_core_max_pct\`, \`m1.host_task_delay_ns\` / \`m1.redirect_handled\`, \`m1.kick_delay_ns.mean\`, \`m1.cas_failures\`; docs/metrics.md)."
}

# ---- where M1 stops helping: free cores run out -------------------------------
free_cores() {
    echo "| VCPUs per VM (vcores on the 20 cores) | H_IPIs to a target not running, per op | scans that found no free core (M1) | throughput: M1 vs fallback | oracle vs fallback | latency: M1 vs fallback | oracle vs fallback |"
    echo "|---|---|---|---|---|---|---|"
    for n in 4 8 12 16 20; do
        f=$tmp/free-$n.json
        # shellcheck disable=SC2086
        compare_json "$f" ycsb-overcommit --set "vm.*.vcpus=$n" $gain --replications $reps \
            --metrics ycsb.ops_per_s,ycsb.latency_ns.mean,ycsb.hipi_not_running_per_op,m1.no_free_core,m1.scan_probes.count
        nf=$(awk -v n="$(mean "$f" m1.no_free_core 2)" -v s="$(mean "$f" m1.scan_probes.count 2)" 'BEGIN { printf "%.1f%%", s ? n / s * 100 : 0 }')
        echo "| $n ($((3 * n))) | $(num "$(mean "$f" ycsb.hipi_not_running_per_op 2)") | $nf | $(pct "$f" ycsb.ops_per_s 2) | $(pct "$f" ycsb.ops_per_s 3) | $(pct "$f" ycsb.latency_ns.mean 2) | $(pct "$f" ycsb.latency_ns.mean 3) |"
        echo "$n|$(pct "$f" ycsb.ops_per_s 2)|$nf" >> "$tmp/free.rows"
    done
    echo
    awk -F'|' '{ if ($2 !~ /\*$/) ns = ns (ns == "" ? "" : ", ") $1; v = $3; sub(/%/, "", v); if (v + 0 > mx) { mx = v + 0; at = $1 } }
        END { printf "Read back: the throughput gain of M1 is %s; at most %.1f%% of the scans found no free core (%s VCPUs per VM).\n",
                  ns == "" ? "significant at every size" : "not significant at " ns " VCPUs per VM", mx, at }' "$tmp/free.rows"
    echo
    echo "Each row: \`hvwake compare ycsb-overcommit --set vm.*.vcpus=N $gain --replications $reps --json --metrics ...\` (three 16-VCPU guests by default; a VM's vcores must fit the 20 cores, so 20 is the largest size)."
}

# ---- race R5, VM destroy and CPU offline under fire ---------------------------
# shown_lines PATTERN STATUS CMD...: the lines of stdout and stderr that
# match PATTERN, with the source path of a failed check cut; the exit
# status must be STATUS
shown_lines() {
    pat=$1; want=$2; shift 2
    printf '```\n$ hvwake'
    for a in "$@"; do printf ' %s' "$a"; done
    printf " 2>&1 | grep -E '%s'\n" "$pat"
    "$hv" "$@" > "$tmp/out" 2>&1; got=$?
    [ "$got" = "$want" ] || { cat "$tmp/out" >&2; failed "hvwake $*: exit status $got, expected $want"; }
    grep -E "$pat" "$tmp/out" | sed -e 's|^/[^ ]*/src/|src/|'
    printf '(exit status %s)\n```\n' "$got"
}

fire="--set sim.warmup=2ms --set sim.duration=25ms --set kvm.redirect_send=4.6 --set vm.*.threads_per_vcore=2"
# the workload guests: ycsb-overcommit's db2 (and tcp-rr-2vm's server) destroyed at 3 ms
wfire="--set sim.warmup=2ms --set sim.duration=4ms --set kvm.redirect_send=4.6"

gain_table | block gain
policy_tables | block policies
policy_costs | block policy-costs
free_cores | block free-cores
for p in ycsb ycsb-overcommit; do
    shown compare "$p" --variant 4.11:kvm.redirect_send=4.11 --variant 4.6:kvm.redirect_send=4.6 --replications $reps \
        --metrics m1.r5_swallowed,m1.r5_delay_ns.mean,m1.r5_delay_ns.p99,m1.r5_delay_ns.max,m1.redirect_delayed,m1.kick_delay_ns.p99,m1.kick_delay_ns.max,wake.latency_ns.p99,ycsb.ops_per_s,ycsb.latency_ns.p99 --explain
done | block r5
# shellcheck disable=SC2086
{
    shown_lines 'destroy_inflight|kvm\.sig |guest\.work_items_per_s' 0 run mix --quiet $fire --set vm.vm1.destroy_at=5ms
    shown_lines 'invariant|I-no-UAF' 1 run mix --quiet $fire --set vm.vm1.destroy_at=5ms --set kvm.no_drain_dbg=1
    shown_lines 'destroy_inflight|kvm\.sig |ycsb\.ops_per_s|ycsb\.abandoned' 0 run ycsb-overcommit --quiet $wfire --set vm.db2.destroy_at=3ms
    shown_lines 'invariant|I-no-UAF' 1 run ycsb-overcommit --quiet $wfire --set vm.db2.destroy_at=3ms --set kvm.no_drain_dbg=1
    shown_lines 'kvm\.sig |tcp_rr\.transactions |tcp_rr\.abandoned' 0 run tcp-rr-2vm --quiet $wfire --set vm.server.destroy_at=3ms
    shown_lines 'offline_drained|hipi\.redirected' 0 run mix --quiet $fire --set host.hotplug_core=1 --set host.hotplug_off_at=10ms --set host.hotplug_on_at=20ms
    shown_lines 'invariant|race R6' 1 run mix --quiet $fire --set host.hotplug_core=1 --set host.hotplug_off_at=10ms --set host.hotplug_on_at=20ms --set kvm.no_drain_dbg=1
} | block fire

# ---- figures (hvwake plot; gnuplot renders them when installed) ---------------
if [ "$mode" != "--check" ]; then
    if command -v gnuplot > /dev/null 2>&1; then
        mkdir -p "$figs"
        # shellcheck disable=SC2086
        "$hv" sweep ycsb --out "$tmp/fig" $pvariants --replications $preps --jobs 2 > /dev/null 2>&1 || exit 1
        # shellcheck disable=SC2086
        "$hv" sweep ycsb-overcommit --out "$tmp/free" $gain --vary 'vm.*.vcpus=4,8,12,16,20' \
            --replications $reps --jobs 2 > /dev/null 2>&1 || exit 1
        # figure NAME RESULTS PLOT-OPTIONS...
        figure() {
            name=$1; res=$2; shift 2
            "$hv" plot "$res" "$@" -o "$tmp/$name.svg" > /dev/null 2>&1 || { echo "hvwake plot $res $* failed" >&2; exit 1; }
            keep_current "$tmp/$name.svg" "$figs/$name.svg"
        }
        figure m1-policies-wake-bars "$tmp/fig" --kind bars --metric wake.latency_ns.mean
        figure m1-policies-wake-cdf "$tmp/fig" --kind cdf --metric wake.latency_ns
        figure m1-free-cores "$tmp/free" --kind curve --metric ycsb.ops_per_s
    else
        echo "gnuplot is not installed: the figures in docs/figures were not redrawn" >&2
    fi
fi

write_blocks "$doc"
