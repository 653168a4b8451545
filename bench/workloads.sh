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
hv=$1
mode=$2
[ -x "$hv" ] || { echo "usage: bench/workloads.sh HVWAKE [--check]" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
doc=$root/docs/workloads.md
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
reps=5
mech="--variant base-2013:kvm.guest_ipi=reschedule,kvm.h_ipi_redirect=0 --variant M2:kvm.h_ipi_redirect=0 --variant M2+M1:kvm.h_ipi_redirect=1"

# block NAME: stdin becomes the block NAME
block() { cat > "$tmp/$1.block"; }

# shown CMD...: a fenced block with the command line and its output
# (without the configuration header)
shown() {
    printf '```\n$ hvwake'
    for a in "$@"; do printf ' %s' "$a"; done
    printf '\n'
    "$hv" "$@" | grep -v '^#' || { echo "hvwake $* failed" >&2; exit 1; }
    printf '```\n'
}

# cells FILE METRIC: "base.mean on.mean pct pct_ci sig" of a 2-variant
# compare's JSON (its "metrics" section has one line per metric: the
# statistics of each variant, the second with its difference to the first;
# pct: change in percent, pct_ci: the 95% half-width of the difference in
# percent of the base mean, sig: * when significant, else -)
cells() {
    awk -v m="$2" '
        function field(s, k) {
            if (!match(s, "\"" k "\": [^,}]+"))
                return ""
            return substr(s, RSTART + length(k) + 4, RLENGTH - length(k) - 4)
        }
        index($0, "\"" m "\": [{") {
            line = $0
            sub(/^[^[]*\[\{/, "", line)
            split(line, o, /\}, \{/)
            b = field(o[1], "mean"); v = field(o[2], "mean"); r = field(o[2], "ratio")
            ci = field(o[2], "diff_ci"); sig = field(o[2], "significant")
            printf "%s %s %.1f %.1f %s\n", b, v, (r == "null" ? 0 : (r - 1) * 100),
                (b != 0 && ci != "null" ? ci / b * 100 : 0), (sig == "true" ? "*" : "-")
            found = 1
        }
        END { if (!found) { print "no metric " m " in " FILENAME > "/dev/stderr"; exit 1 } }' "$1"
}

# delta FILE METRIC: "-8.2% ± 0.8%*"
delta() {
    cells "$1" "$2" | awk '{ printf "%+.1f%% ± %.1f%%%s", $3, $4, ($5 == "*" ? "*" : "") }'
}

# val FILE METRIC WHICH(1 base, 2 variant): the mean, 3 significant digits
val() {
    cells "$1" "$2" | awk -v w="$3" '{ v = (w == 1 ? $1 : $2); printf(v >= 100 ? "%.0f" : "%.3g", v) }'
}

# shapes PRESET AREA OPS_METRIC LAT_METRIC: the mechanisms per guest SMT mode
shapes() {
    p=$1; a=$2; ops=$3; lat=$4
    echo "| threads/vcore | H_IPIs to a target not running, per op (M2+M1) | H_TOO_HARD per op (M2) | whole-core exits per op (2013 / M2 / M2+M1) | $lat: M2 vs 2013 | M1: M2+M1 vs M2 | ${lat%.mean}.p99: M1 | $ops: M2 vs 2013 | M1: M2+M1 vs M2 |"
    echo "|---|---|---|---|---|---|---|---|---|"
    for t in 1 2 4 8; do
        m="$a.hipi_not_running_per_op,$a.hipi_too_hard_per_op,$a.core_exits_per_op,$ops,$lat,${lat%.mean}.p99"
        "$hv" compare "$p" --set "vm.*.threads_per_vcore=$t" --replications $reps --json --metrics "$m" \
            --variant base-2013:kvm.guest_ipi=reschedule,kvm.h_ipi_redirect=0 --variant M2:kvm.h_ipi_redirect=0 \
            > "$tmp/m2.json" || exit 1
        "$hv" compare "$p" --set "vm.*.threads_per_vcore=$t" --replications $reps --json --metrics "$m" \
            --variant M2:kvm.h_ipi_redirect=0 --variant M2+M1:kvm.h_ipi_redirect=1 > "$tmp/m1.json" || exit 1
        echo "$t $(cells "$tmp/m1.json" "$lat") $(cells "$tmp/m1.json" "$ops")" >> "$tmp/rows"
        echo "| $t | $(val "$tmp/m1.json" $a.hipi_not_running_per_op 2) | $(val "$tmp/m1.json" $a.hipi_too_hard_per_op 1) | $(val "$tmp/m2.json" $a.core_exits_per_op 1) / $(val "$tmp/m1.json" $a.core_exits_per_op 1) / $(val "$tmp/m1.json" $a.core_exits_per_op 2) | $(delta "$tmp/m2.json" "$lat") | $(delta "$tmp/m1.json" "$lat") | $(delta "$tmp/m1.json" "${lat%.mean}.p99") | $(delta "$tmp/m2.json" "$ops") | $(delta "$tmp/m1.json" "$ops") |"
    done
    echo
    # the M1 column read back: where it matters most and least, and where
    # it is not significant (computed from the rows above)
    awk '{ lat[$1] = $4; ls[$1] = $6; ops[$1] = $9; os[$1] = $11; t[NR] = $1 }
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

# Put each block between its markers; a marker pair missing is an error.
fill() {
    awk -v dir="$tmp" '
        match($0, /^<!-- workloads\.sh:[a-z0-9-]+ -->$/) {
            print; name = substr($0, 19, length($0) - 22)
            f = dir "/" name ".block"
            if ((getline l < f) <= 0) { print "no block " name > "/dev/stderr"; exit 1 }
            do print l; while ((getline l < f) > 0)
            close(f); skip = 1; next
        }
        /^<!-- \/workloads\.sh:[a-z0-9-]+ -->$/ { skip = 0 }
        !skip { print }' "$1" > "$2"
}
status=0
for f in "$doc"; do
    fill "$f" "$tmp/out" || exit 1
    if [ "$mode" = "--check" ]; then
        cmp -s "$f" "$tmp/out" || { echo "$f is not current (bench/workloads.sh regenerates it)"; status=1; }
    else
        cmp -s "$f" "$tmp/out" || { cp "$tmp/out" "$f"; echo "updated $f"; }
    fi
done
exit $status
