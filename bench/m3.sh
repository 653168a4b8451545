#!/bin/sh
# bench/m3.sh HVWAKE [--check] — measure what docs/m3-secondaries.md and the
# README report about M3 (secondary threads online, parked by a stopper for
# each guest entry), and write it there.
#
# Every measured block of docs/m3-secondaries.md (and the README's M3 block)
# sits between the markers
#     <!-- m3.sh:NAME -->  ...  <!-- /m3.sh:NAME -->
# and is produced here by the hvwake commands it names; the prose around the
# blocks states no measured number. The figures are docs/m3/NAME.svg,
# rendered by gnuplot from docs/m3/NAME.dat with docs/m3/NAME.gp, all three
# written here (without gnuplot the .dat and .gp are written and the
# rendering command is printed). Run it after any change to the model and
# review the diff; --check only reports whether the blocks and the figures'
# data and scripts are current (exit 1 if not; the SVG bytes depend on the
# gnuplot version and are not compared). It takes a few minutes on one core
# (5 replications of the mixed preset's 10 ms + 100 ms per point).
. "$(dirname "$0")/lib.sh"
doc=$root/docs/m3-secondaries.md
readme=$root/README.md
figdir=$root/docs/m3
mkdir -p "$tmp/fig"
reps=5
modes="--variant SMT-off:host.secondaries=offline --variant M3:host.secondaries=online"

# pair FILE ARGS...: the two modes compared on the mixed preset with ARGS,
# as compare's JSON (variant 1 SMT-off, 2 M3)
pair() {
    f=$1; shift
    # shellcheck disable=SC2086
    compare_json "$f" mixed $modes --replications $reps "$@"
}

# get FILE METRIC FIELD: mean/ci of SMT-off (om, oc) or M3 (mm, mc), the
# change in percent of the SMT-off mean (pct) and * if significant (sig)
get() {
    case $3 in
    om) stats "$1" "$2" 1 | awk '{ print $1 }' ;;
    oc) stats "$1" "$2" 1 | awk '{ print $2 }' ;;
    mm) stats "$1" "$2" 2 | awk '{ print $1 }' ;;
    mc) stats "$1" "$2" 2 | awk '{ print $2 }' ;;
    pct) { stats "$1" "$2" 1; stats "$1" "$2" 2; } | awk 'NR == 1 { b = $1 } NR == 2 { print (b != 0 ? ($1 - b) / b * 100 : 0) }' ;;
    sig) stats "$1" "$2" 2 | awk '{ print ($6 == "true" ? "*" : "") }' ;;
    esac
}

# cell FILE METRIC [SCALE UNIT]: "off → on (±x%*)", values divided by SCALE
cell() {
    s=${3:-1}
    o=$(awk -v v="$(get "$1" "$2" om)" -v s="$s" 'BEGIN { print v / s }')
    n=$(awk -v v="$(get "$1" "$2" mm)" -v s="$s" 'BEGIN { print v / s }')
    printf '%s → %s%s (%+.0f%%%s)' "$(num "$o")" "$(num "$n")" "${4:-}" "$(get "$1" "$2" pct)" "$(get "$1" "$2" sig)"
}

# datline FILE X METRIC...: "X off.mean off.ci m3.mean m3.ci ..." for a figure
datline() {
    f=$1; x=$2; shift 2
    printf '%s' "$x"
    for m in "$@"; do printf ' %s %s %s %s' "$(get "$f" "$m" om)" "$(get "$f" "$m" oc)" "$(get "$f" "$m" mm)" "$(get "$f" "$m" mc)"; done
    printf '\n'
}

# figure NAME XLABEL TITLE: the gnuplot script of a 2 x 2 figure over
# NAME.dat (columns: x, then 4 per metric: SMT-off mean, ci, M3 mean, ci)
# for the four metrics named in $panels ("title|ylabel|log" each, in column
# order)
figure() {
    name=$1; xlabel=$2; title=$3
    {
        echo "# docs/m3/$name.gp — written by bench/m3.sh; renders $name.svg from $name.dat"
        echo "if (!exists(\"outfile\")) outfile = '$name.svg'"
        echo "set terminal svg size 960,720 dynamic font 'sans,11'"
        echo "set output outfile"
        echo "set multiplot layout 2,2 title '$title'"
        echo "set key top left"
        echo "set grid"
        echo "set xlabel '$xlabel'"
        i=0
        echo "$panels" | tr ';' '\n' | while IFS='|' read -r t y log; do
            c=$((2 + 4 * i))
            if [ "$log" = log ]; then echo "set logscale y"; else echo "unset logscale y"; fi
            echo "set title '$t'"
            echo "set ylabel '$y'"
            echo "plot '$name.dat' using 1:$c:$((c + 1)) with yerrorlines title 'SMT-off (upstream)', '' using 1:$((c + 2)):$((c + 3)) with yerrorlines title 'M3 (secondaries online)'"
            i=$((i + 1))
        done
        echo "unset multiplot"
    } > "$tmp/fig/$name.gp"
}

metrics=hostload.work_per_s,hostload.sched_latency_ns.mean,hostload.sched_latency_ns.p99,hostload.wakeup_latency_ns.p99,hostload.misses,ycsb.ops_per_s,ycsb.latency_ns.mean,ycsb.latency_ns.p99,kvm.entry_latency_ns.mean,kvm.entry_latency_ns.p99,m3.park_wait_ns.mean,m3.park_wait_ns.p99,m3.park_timeouts,kvm.core_exits.total,kvm.core_exits.host_ipi,m1.redirect_delayed,m3.host_ipi_exits,m3.host_ipis_deferred,host.ipi.reschedule,m3.parks,m3.parks_preempting,m3.stolen_frac,m3.stolen_max_frac,m3.host_cpu_spread_frac,host.hrtimer.primary_late_ns.p99,host.hrtimer.secondary_late_ns.p99,host.hrtimer.secondary_late_ns.max,m3.timer_exits,host.cpu.busy_frac

# 1. The mixed preset, both modes, every figure the issue names.
# shellcheck disable=SC2086
shown compare mixed $modes --replications $reps --metrics $metrics --explain | block mixed
# The README's excerpt: the same runs, the headline rows.
# shellcheck disable=SC2086
shown compare mixed $modes --replications $reps --metrics ycsb.ops_per_s,ycsb.latency_ns.p99,hostload.work_per_s,hostload.sched_latency_ns.p99,kvm.entry_latency_ns.mean,m3.stolen_frac,host.hrtimer.secondary_late_ns.p99 --explain | block readme

# 2. Host load: the service's threads (demand = tasks x 0.25 CPU), 32 clients.
panels="host work|CPU-seconds per second|;host task scheduling latency p99|ns|log;guest throughput (YCSB)|operations per second|;guest latency p99 (YCSB)|ns|log"
figmetrics="hostload.work_per_s hostload.sched_latency_ns.p99 ycsb.ops_per_s ycsb.latency_ns.p99"
{
    echo "| host service threads (CPUs of demand) | host work per s | host sched latency p99 (us) | guest ops per s | guest p99 (us) | entry latency (us) | stolen per secondary |"
    echo "|---|---|---|---|---|---|---|"
    : > "$tmp/fig/host-load.dat"
    for t in 8 16 32 48 64 80 96; do
        pair "$tmp/h$t.json" --set hostload.tasks=$t --metrics $(echo $figmetrics kvm.entry_latency_ns.mean m3.stolen_frac | tr ' ' ,)
        # shellcheck disable=SC2086
        datline "$tmp/h$t.json" $t $figmetrics >> "$tmp/fig/host-load.dat"
        echo "| $t ($(awk -v t=$t 'BEGIN { print t / 4 }')) | $(cell "$tmp/h$t.json" hostload.work_per_s) | $(cell "$tmp/h$t.json" hostload.sched_latency_ns.p99 1000) | $(cell "$tmp/h$t.json" ycsb.ops_per_s) | $(cell "$tmp/h$t.json" ycsb.latency_ns.p99 1000) | $(cell "$tmp/h$t.json" kvm.entry_latency_ns.mean 1000) | $(num "$(get "$tmp/h$t.json" m3.stolen_frac mm)") |"
    done
    echo
    # read back: where M3 raises and lowers guest throughput (computed)
    for t in 8 16 32 48 64 80 96; do echo "$t $(get "$tmp/h$t.json" ycsb.ops_per_s pct) $(get "$tmp/h$t.json" ycsb.ops_per_s sig) $(get "$tmp/h$t.json" ycsb.latency_ns.p99 pct) $(get "$tmp/h$t.json" ycsb.latency_ns.p99 sig)"; done |
        awk '{ t[NR] = $1; o[NR] = $2; os[NR] = $3; p[NR] = $4; ps[NR] = ($5 == "*") }
            END {
                lo = ""; hi = ""
                for (i = 1; i <= NR; i++) {
                    if (o[i] < 0 && os[i] == "*") lo = lo (lo == "" ? "" : ", ") t[i]
                    if (o[i] > 0 && os[i] == "*") hi = hi (hi == "" ? "" : ", ") t[i]
                }
                printf "Read back: M3 lowers the guest'"'"'s throughput significantly at %s service threads and raises it at %s (the rest: no significant change).\n",
                    lo == "" ? "no" : lo, hi == "" ? "no" : hi
            }'
    echo
    echo "Each row: \`hvwake compare mixed $modes --replications $reps --json --set hostload.tasks=N --metrics ...\`; a cell is SMT-off → M3 (the means over the replications) and the change in percent of SMT-off, \`*\` = significant (the 95% interval of the difference excludes 0). Figure: docs/m3/host-load.svg."
} | block host-load
figure host-load 'host service threads (each 0.25 CPU of demand)' 'mixed preset, 32 YCSB clients: SMT-off vs M3, by host load'

# 3. Guest load: YCSB clients, 48 service threads.
{
    echo "| YCSB clients | host work per s | host sched latency p99 (us) | guest ops per s | guest p99 (us) | entry latency (us) | stolen per secondary |"
    echo "|---|---|---|---|---|---|---|"
    : > "$tmp/fig/guest-load.dat"
    for c in 8 16 32 64 128; do
        pair "$tmp/g$c.json" --set ycsb.clients=$c --metrics $(echo $figmetrics kvm.entry_latency_ns.mean m3.stolen_frac | tr ' ' ,)
        # shellcheck disable=SC2086
        datline "$tmp/g$c.json" $c $figmetrics >> "$tmp/fig/guest-load.dat"
        echo "| $c | $(cell "$tmp/g$c.json" hostload.work_per_s) | $(cell "$tmp/g$c.json" hostload.sched_latency_ns.p99 1000) | $(cell "$tmp/g$c.json" ycsb.ops_per_s) | $(cell "$tmp/g$c.json" ycsb.latency_ns.p99 1000) | $(cell "$tmp/g$c.json" kvm.entry_latency_ns.mean 1000) | $(num "$(get "$tmp/g$c.json" m3.stolen_frac mm)") |"
    done
    echo
    echo "Each row: \`hvwake compare mixed $modes --replications $reps --json --set ycsb.clients=N --metrics ...\` (48 service threads: 12 CPUs of demand). Figure: docs/m3/guest-load.svg."
} | block guest-load
figure guest-load 'YCSB clients (closed loop, 50 us think time)' 'mixed preset, 48 service threads: SMT-off vs M3, by guest load'

# 4. The map: guest throughput and host scheduling latency, M3 against SMT-off.
{
    printf '| service threads \\\\ YCSB clients |'
    for c in 8 32 128; do printf ' %s |' "$c"; done
    printf '\n|---|---|---|---|\n'
    for t in 16 48 80; do
        printf '| %s (%s CPUs) |' "$t" "$(awk -v t=$t 'BEGIN { print t / 4 }')"
        for c in 8 32 128; do
            pair "$tmp/m$t-$c.json" --set hostload.tasks=$t --set ycsb.clients=$c --metrics ycsb.ops_per_s,ycsb.latency_ns.p99,hostload.sched_latency_ns.p99
            printf ' ops %+.0f%%%s, p99 %+.0f%%%s; host p99 %+.0f%%%s |' \
                "$(get "$tmp/m$t-$c.json" ycsb.ops_per_s pct)" "$(get "$tmp/m$t-$c.json" ycsb.ops_per_s sig)" \
                "$(get "$tmp/m$t-$c.json" ycsb.latency_ns.p99 pct)" "$(get "$tmp/m$t-$c.json" ycsb.latency_ns.p99 sig)" \
                "$(get "$tmp/m$t-$c.json" hostload.sched_latency_ns.p99 pct)" "$(get "$tmp/m$t-$c.json" hostload.sched_latency_ns.p99 sig)"
        done
        printf '\n'
    done
    echo
    echo "Each cell: \`hvwake compare mixed $modes --replications $reps --json --set hostload.tasks=T --set ycsb.clients=C --metrics ycsb.ops_per_s,ycsb.latency_ns.p99,hostload.sched_latency_ns.p99\`: M3's change against SMT-off of the guest's throughput, its p99 latency and the host tasks' p99 scheduling latency; \`*\` = significant."
} | block map

# 5. The anti-tickless kthread's threshold (drawback 2): M3 only.
# shellcheck disable=SC2086
shown compare mixed --vary cost.m3_timer_threshold=20us,100us,1ms,10ms --replications $reps \
    --metrics host.hrtimer.secondary_late_ns.p99,host.hrtimer.secondary_late_ns.max,m3.timer_exits,kvm.core_exits.hdec,kvm.core_exits.total,ycsb.ops_per_s,ycsb.latency_ns.p99 \
    --explain | block threshold

# 6. Drawback 1: CPU-bound host tasks, the time the scheduler does not see.
{
    echo "| CPU-bound host tasks | host work per s | host tasks' work spread | worst task's shortfall | stolen per secondary (mean / most) | migrations | guest ops per s |"
    echo "|---|---|---|---|---|---|---|"
    for n in 20 80 160; do
        pair "$tmp/f$n.json" --set hostload.kind=cpu --set hostload.tasks=$n --metrics hostload.work_per_s,m3.host_cpu_spread_frac,m3.host_cpu_shortfall_frac,m3.stolen_frac,m3.stolen_max_frac,host.migrations,ycsb.ops_per_s
        echo "| $n | $(cell "$tmp/f$n.json" hostload.work_per_s) | $(cell "$tmp/f$n.json" m3.host_cpu_spread_frac) | $(cell "$tmp/f$n.json" m3.host_cpu_shortfall_frac) | $(num "$(get "$tmp/f$n.json" m3.stolen_frac mm)") / $(num "$(get "$tmp/f$n.json" m3.stolen_max_frac mm)") | $(cell "$tmp/f$n.json" host.migrations) | $(cell "$tmp/f$n.json" ycsb.ops_per_s) |"
    done
    echo
    echo "Each row: \`hvwake compare mixed $modes --replications $reps --json --set hostload.kind=cpu --set hostload.tasks=N --metrics ...\`; cells as above (SMT-off → M3)."
} | block fairness

status=0
write_blocks "$doc" "$readme" || status=1
[ -e "$tmp/failed" ] && exit 1
mkdir -p "$figdir"
for g in "$tmp"/fig/*.gp; do
    name=$(basename "$g" .gp)
    for ext in dat gp; do
        keep_current "$tmp/fig/$name.$ext" "$figdir/$name.$ext" || status=1
    done
    [ "$mode" = "--check" ] && continue
    if command -v gnuplot > /dev/null 2>&1; then
        (cd "$figdir" && gnuplot -e "outfile='$name.svg.tmp'" "$name.gp" && mv "$name.svg.tmp" "$name.svg") ||
            { echo "gnuplot failed on $figdir/$name.gp" >&2; exit 1; }
        echo "rendered $figdir/$name.svg"
    else
        echo "gnuplot is not installed: render with (cd docs/m3 && gnuplot $name.gp)"
    fi
done
exit $status
