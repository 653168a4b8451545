#!/bin/sh
# bench/workloads.sh HVWAKE [--check] — measure what docs/workloads.md
# reports about the request/response workloads, and write it there.
#
# Every measured block of docs/workloads.md sits between the markers
#     <!-- workloads.sh:NAME -->  ...  <!-- /workloads.sh:NAME -->
# and is produced here by the hvwake commands it shows (docs/gen.sh leaves
# these regions to this script); the prose around the blocks states no
# measured number. Run it after any change to the model
# (e.g. a new cost table) and review the diff; --check only reports whether
# the files are current (exit 1 if not). It takes about a minute on one core
# (every compare uses 5 replications of the presets' 10 ms + 100 ms).
. "$(dirname "$0")/lib.sh"
doc=$root/docs/workloads.md
reps=5
mech="--variant base-2013:kvm.guest_ipi=reschedule,kvm.h_ipi_redirect=0 --variant M2:kvm.h_ipi_redirect=0 --variant M2+M1:kvm.h_ipi_redirect=1"

# shapes PRESET AREA OPS_METRIC LAT_METRIC: the mechanisms per guest SMT mode
shapes() {
    p=$1; a=$2; ops=$3; lat=$4
    echo "| threads/vcore | H_IPIs to a target not running, per op (M2+M1) | H_TOO_HARD per op (M2) | whole-core exits per op (2013 / M2 / M2+M1) | $lat: M2 vs 2013 | M1: M2+M1 vs M2 | ${lat%.mean}.p99: M1 | $ops: M2 vs 2013 | M1: M2+M1 vs M2 |"
    echo "|---|---|---|---|---|---|---|---|---|"
    for t in 1 2 4 8; do
        m="$a.hipi_not_running_per_op,$a.hipi_too_hard_per_op,$a.core_exits_per_op,$ops,$lat,${lat%.mean}.p99"
        compare_json "$tmp/m2.json" "$p" --set "vm.*.threads_per_vcore=$t" --replications $reps --metrics "$m" \
            --variant base-2013:kvm.guest_ipi=reschedule,kvm.h_ipi_redirect=0 --variant M2:kvm.h_ipi_redirect=0
        compare_json "$tmp/m1.json" "$p" --set "vm.*.threads_per_vcore=$t" --replications $reps --metrics "$m" \
            --variant M2:kvm.h_ipi_redirect=0 --variant M2+M1:kvm.h_ipi_redirect=1
        echo "$t|$(pct "$tmp/m1.json" "$lat" 2)|$(pct "$tmp/m1.json" "$ops" 2)" >> "$tmp/rows"
        echo "| $t | $(num "$(mean "$tmp/m1.json" $a.hipi_not_running_per_op 2)") | $(num "$(mean "$tmp/m1.json" $a.hipi_too_hard_per_op 1)") | $(num "$(mean "$tmp/m2.json" $a.core_exits_per_op 1)") / $(num "$(mean "$tmp/m1.json" $a.core_exits_per_op 1)") / $(num "$(mean "$tmp/m1.json" $a.core_exits_per_op 2)") | $(pct "$tmp/m2.json" "$lat" 2) | $(pct "$tmp/m1.json" "$lat" 2) | $(pct "$tmp/m1.json" "${lat%.mean}.p99" 2) | $(pct "$tmp/m2.json" "$ops" 2) | $(pct "$tmp/m1.json" "$ops" 2) |"
    done
    echo
    # the M1 column read back: where it matters most and least, and where
    # it is not significant (computed from the rows above)
    awk -F'|' '{ l = $2; o = $3; sub(/%.*/, "", l); sub(/%.*/, "", o)
            lat[$1] = l + 0; ls[$1] = ($2 ~ /\*$/) ? "*" : "-"; ops[$1] = o + 0; os[$1] = ($3 ~ /\*$/) ? "*" : "-"; t[NR] = $1 }
        END {
            hi = t[1]; lo = t[1]
            for (i = 1; i <= NR; i++) { if (lat[t[i]] < lat[hi]) hi = t[i]; if (lat[t[i]] > lat[lo]) lo = t[i] }
            printf "Read back: M1 lowers the mean latency most at %s threads per vcore (%+.1f%%) and least at %s (%+.1f%%)", hi, lat[hi], lo, lat[lo]
            ns = ""
            for (i = 1; i <= NR; i++) if (ls[t[i]] != "*") ns = ns (ns == "" ? "" : ", ") t[i]
            printf "%s", ns == "" ? "; every latency change is significant" : "; not significant at " ns " threads per vcore"
            ns = ""
            for (i = 1; i <= NR; i++) if (os[t[i]] != "*") ns = ns (ns == "" ? "" : ", ") t[i]
            printf "%s.\n", ns == "" ? "; every throughput change is significant" : "; the throughput change is not significant at " ns " threads per vcore"
        }' "$tmp/rows"
    rm -f "$tmp/rows"
    echo
    echo "Each row: \`hvwake compare $p --set vm.*.threads_per_vcore=N --replications $reps --json --metrics ...\` with the variants named in the header; a cell is the change of the mean with the 95% half-width of the paired interval of the difference (the variants run on the same random streams), in percent of the first variant's mean; \`*\` = significant."
}

ymetrics=ycsb.ops_per_s,ycsb.latency_ns.mean,ycsb.latency_ns.p50,ycsb.latency_ns.p99,ycsb.hipi_not_running_per_op,ycsb.hipi_too_hard_per_op,ycsb.core_exits_per_op
rmetrics=tcp_rr.stream_transactions_per_s,tcp_rr.rtt_ns.mean,tcp_rr.rtt_ns.p99,tcp_rr.hipi_not_running_per_op,tcp_rr.core_exits_per_op

# shellcheck disable=SC2086
shown compare ycsb $mech --replications $reps --metrics $ymetrics --explain | block ycsb-mechanisms
shapes ycsb ycsb ycsb.ops_per_s ycsb.latency_ns.mean | block ycsb-shapes
# shellcheck disable=SC2086
shown compare ycsb-overcommit $mech --replications $reps --metrics $ymetrics,host.cpu.busy_frac --explain | block ycsb-overcommit
# shellcheck disable=SC2086
shown compare tcp-rr-2vm $mech --replications $reps --metrics $rmetrics --explain | block tcp-rr-2vm
# shellcheck disable=SC2086
shown compare tcp-rr-2vm --set tcp_rr.streams=16 $mech --replications $reps --metrics tcp_rr.transactions_per_s,tcp_rr.rtt_ns.mean,tcp_rr.rtt_ns.p99,tcp_rr.hipi_not_running_per_op,tcp_rr.core_exits_per_op,guest.os.busy_frac --explain | block tcp-rr-2vm-16
shapes tcp-rr-2vm tcp_rr tcp_rr.stream_transactions_per_s tcp_rr.rtt_ns.mean | block tcp-rr-shapes
# shellcheck disable=SC2086
shown compare tcp-rr-external $mech --replications $reps --metrics $rmetrics --explain | block tcp-rr-external
shown compare tcp-rr-2vm --vary kvm.halt_poll_ns=0,10000,200000 --replications $reps \
    --metrics tcp_rr.rtt_ns.mean,tcp_rr.rtt_ns.p99,tcp_rr.stream_transactions_per_s,tcp_rr.vcore_wakeups_per_op,tcp_rr.halt_poll_ns_per_op,host.cpu.busy_frac \
    --explain | block halt-poll

write_blocks "$doc"
