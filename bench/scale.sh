#!/usr/bin/env bash
# bench/scale.sh — the whole model's speed, cost curve and memory on the
# e880 presets, interleaved, on this machine, in one run (docs/performance.md,
# "The whole model").
#
# Builds hvwake's release preset (unless HVWAKE is given), then for R
# rounds runs, in the same order each round:
#   - the engine alone: hvwake bench phold --lps 65536 --events 16 --end 5
#     (PHOLD L: N = 65536, E = 16), and the whole model: hvwake bench model
#     e880-ycsb; the per-round ratio model / engine of events per second
#     (target: at least 0.40);
#   - the size curve: e880-ycsb's guests on 6, 12, 24, 48 and 96 VMs with
#     the machine scaled with them (hw.chips = VMs / 6: 2 vcores per VM, one
#     per core, as on the E880), and the time curve: e880-ycsb for 12.5, 25
#     and 50 ms of simulated time (warm-up a fifth of it); per round the
#     ratio of each point's event-loop time to the previous point's (target:
#     doubling costs at most 2.2x).
# It prints the medians over rounds with the spread [min-max], then the
# memory figures (one run each, heap in use is the same every run):
# bytes per VCPU (48 -> 96 VMs on the 16-chip machine), per core (6 VMs on
# 1 -> 16 chips) and per pending event (the engine's own accounting), peak
# RSS of both presets (limit: 1 GiB), and whether memory stays bounded over
# a 10x longer run, with and without a trace (--trace-limit).
#
# With -i, also the instructions per event at each size of the size curve
# (valgrind --tool=callgrind, 2 ms + 3 ms of simulated time, the whole
# process): they repeat exactly where wall-clock times are noisy.
#
# Usage: bench/scale.sh [-r ROUNDS] [-p PLOT.svg] [-i] [-q] [HVWAKE]
#   -r ROUNDS   interleaved rounds (default 5)
#   -p FILE     also draw the cost curves (gnuplot, SVG) into FILE, a path
#               relative to the repository's root unless absolute (as in
#               docs/performance.md: -p docs/img/scale.svg); skipped with a
#               message when gnuplot is not installed
#   -i          instruction counts (needs valgrind; about a minute more)
#   -q          quick: a tenth of the simulated times, one round, no 10x
#               memory runs (checks that the script works; its figures mean
#               nothing)
# Takes about 2-3 minutes with the defaults on a 2-core machine.
set -euo pipefail

ROUNDS=5 PLOT="" QUICK=0 INSN=0
while getopts "r:p:iqh" opt; do
  case $opt in
    r) ROUNDS=$OPTARG ;;
    p) PLOT=$OPTARG ;;
    i) INSN=1 ;;
    q) QUICK=1 ROUNDS=1 ;;
    h) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "scale.sh: bad option; see -h" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
case $ROUNDS in ''|*[!0-9]*|0) echo "scale.sh: -r needs a positive integer, got '$ROUNDS'" >&2; exit 2 ;; esac

ROOT=$(cd -P "$(dirname "$0")/.." && pwd) # -P: also through a symlinked bench/ (docs/gen.sh)
case $PLOT in ''|/*) ;; *) PLOT=$ROOT/$PLOT ;; esac
TMP=$(mktemp -d /tmp/hv-scale.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
if [ $# -ge 1 ]; then
  HV=$1
  [ -x "$HV" ] || { echo "scale.sh: '$HV' is not an executable" >&2; exit 2; }
else
  (cd "$ROOT" && nice cmake --preset release >/dev/null && nice cmake --build build/release >/dev/null) \
    || { echo "scale.sh: hvwake release build failed" >&2; exit 1; }
  HV=$ROOT/build/release/src/cli/hvwake
fi

# Simulated times (ns): the presets' own, or a tenth of them with -q.
div=1; [ $QUICK = 1 ] && div=10
ms() { awk -v v="$1" -v d="$div" 'BEGIN { printf "%dus", v * 1000 / d }'; }
WARM=$(ms 5) DUR=$(ms 20)
TIMES="12.5 25 50"                 # ms of simulated time, warm-up a fifth
VMS="6 12 24 48 96"

echo "# scale.sh: $(date -u +%Y-%m-%dT%H:%M:%SZ) host=$(hostname) cpus=$(nproc) rounds=$ROUNDS$([ $QUICK = 1 ] && echo ' QUICK (figures mean nothing)')"
echo "# cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "# load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# hvwake: $("$HV" --version)"

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
model() { "$HV" bench model "$@"; }

# ---- interleaved rounds ---------------------------------------------------
RES=$TMP/results # lines: series point round loop_s events ev_per_s build_s
for r in $(seq "$ROUNDS"); do
  out=$("$HV" bench phold --lps 65536 --events 16 --end $([ $QUICK = 1 ] && echo 0.5 || echo 5))
  echo "engine L $r $(field loop_s <<<"$out") $(field events <<<"$out") $(field ev_per_s <<<"$out") $(field init_s <<<"$out")" >>"$RES"
  out=$(model e880-ycsb --set sim.warmup="$WARM" --set sim.duration="$DUR")
  echo "model e880 $r $(field loop_s <<<"$out") $(field events <<<"$out") $(field ev_per_s <<<"$out") $(field build_s <<<"$out")" >>"$RES"
  for v in $VMS; do
    out=$(model e880-ycsb --set hw.chips=$((v / 6)) --set vm.db.count="$v" --set sim.warmup="$WARM" --set sim.duration="$DUR")
    echo "vms $v $r $(field loop_s <<<"$out") $(field events <<<"$out") $(field ev_per_s <<<"$out") $(field build_s <<<"$out")" >>"$RES"
  done
  for t in $TIMES; do
    out=$(model e880-ycsb --set sim.warmup="$(ms "$(awk -v t="$t" 'BEGIN { print t / 5 }')")" \
                          --set sim.duration="$(ms "$(awk -v t="$t" 'BEGIN { print t * 4 / 5 }')")")
    echo "time $t $r $(field loop_s <<<"$out") $(field events <<<"$out") $(field ev_per_s <<<"$out") $(field build_s <<<"$out")" >>"$RES"
  done
  [ -t 2 ] && echo "# round $r/$ROUNDS done" >&2
done

# ---- speed and cost tables ------------------------------------------------
awk -v vms="$VMS" -v times="$TIMES" -v plotdat="$TMP/plot.dat" '
function sort(a, n,   i, j, t) { for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t } }
function med(a, n) { sort(a, n); return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
function spread(a, n, f) { sort(a, n); return sprintf("[" f "-" f "]", a[1], a[n]) }
{ loop[$1, $2, $3] = $4; ev[$1, $2] = $5; rate[$1, $2, $3] = $6; build[$1, $2, $3] = $7; if ($3 > R) R = $3 }
END {
  printf "\nWhole model against the engine: events per second, median of %d interleaved rounds [min-max]\n", R
  printf "%-58s %10s %16s %24s\n", "run", "events", "loop_s", "events/s"
  for (r = 1; r <= R; r++) { a[r] = loop["engine", "L", r]; b[r] = rate["engine", "L", r] / 1e6 }
  printf "%-58s %10d %7.3f %-8s %8.2fM %-15s\n", "engine: bench phold --lps 65536 --events 16 --end 5", ev["engine", "L"],
    med(a, R), spread(a, R, "%.2f"), med(b, R), spread(b, R, "%.2f")
  for (r = 1; r <= R; r++) { a[r] = loop["model", "e880", r]; b[r] = rate["model", "e880", r] / 1e6; x[r] = rate["model", "e880", r] / rate["engine", "L", r] }
  printf "%-58s %10d %7.3f %-8s %8.2fM %-15s\n", "model:  bench model e880-ycsb", ev["model", "e880"],
    med(a, R), spread(a, R, "%.2f"), med(b, R), spread(b, R, "%.2f")
  m = med(x, R)
  printf "ratio model / engine (per round): %.2f %s; target >= 0.40: %s\n", m, spread(x, R, "%.2f"), (m >= 0.40 ? "met" : "MISSED")

  printf "\nCost against size: e880-ycsb guests on VMs / 6 chips of 12 cores (2 vcores per VM, one per core), median of %d rounds\n", R
  printf "%5s %5s %6s %6s %10s %7s %-13s %9s %8s  %s\n", "VMs", "chips", "cores", "VCPUs", "events", "loop_s", "[min-max]", "events/s", "build_s", "x previous (target <= 2.2) [min-max]"
  n = split(vms, V, " "); prev = ""
  for (i = 1; i <= n; i++) {
    v = V[i]
    for (r = 1; r <= R; r++) { a[r] = loop["vms", v, r]; b[r] = rate["vms", v, r]; c[r] = build["vms", v, r] }
    l = med(a, R); sp = spread(a, R, "%.2f"); rt = med(b, R); bl = med(c, R)
    if (prev != "") { for (r = 1; r <= R; r++) x[r] = loop["vms", v, r] / loop["vms", prev, r]; xm = med(x, R); xs = sprintf("%.2f %s %s", xm, spread(x, R, "%.2f"), xm <= 2.2 ? "met" : "MISSED") } else xs = "-"
    printf "%5d %5d %6d %6d %10d %7.3f %-13s %8.2fM %8.4f  %s\n", v, v / 6, 2 * v, 16 * v, ev["vms", v], l, sp, rt / 1e6, bl, xs
    if (i == 1) l1 = l
    printf "vms %g %g\n", v / V[1], l / l1 > plotdat
    prev = v
  }
  printf "\nCost against simulated time: e880-ycsb, warm-up a fifth of the time, median of %d rounds\n", R
  printf "%7s %10s %7s %-13s %9s  %s\n", "sim_ms", "events", "loop_s", "[min-max]", "events/s", "x previous (target <= 2.2) [min-max]"
  n = split(times, T, " "); prev = ""
  for (i = 1; i <= n; i++) {
    t = T[i]
    for (r = 1; r <= R; r++) { a[r] = loop["time", t, r]; b[r] = rate["time", t, r] }
    l = med(a, R); sp = spread(a, R, "%.2f"); rt = med(b, R)
    if (prev != "") { for (r = 1; r <= R; r++) x[r] = loop["time", t, r] / loop["time", prev, r]; xm = med(x, R); xs = sprintf("%.2f %s %s", xm, spread(x, R, "%.2f"), xm <= 2.2 ? "met" : "MISSED") } else xs = "-"
    printf "%7s %10d %7.3f %-13s %8.2fM  %s\n", t, ev["time", t], l, sp, rt / 1e6, xs
    if (i == 1) t1 = l
    printf "time %g %g\n", t / T[1], l / t1 > plotdat
    prev = t
  }
}' "$RES"

# ---- instructions ---------------------------------------------------------
if [ $INSN = 1 ]; then
  if ! command -v valgrind >/dev/null 2>&1; then
    echo "# valgrind is not installed: no instruction counts (apt-get install valgrind)"
  else
    echo
    echo "Instructions per event (callgrind, the whole process: run e880-ycsb's guests on VMs / 6 chips, $(ms 2) + $(ms 3))"
    printf "%5s %10s %15s %9s  %s\n" VMs events instructions per_event "instructions x previous (target <= 2.2)"
    pi=""
    for v in $VMS; do
      valgrind --tool=callgrind --callgrind-out-file=/dev/null "$HV" run e880-ycsb --quiet --set hw.chips=$((v / 6)) \
        --set vm.db.count="$v" --set sim.warmup="$(ms 2)" --set sim.duration="$(ms 3)" >"$TMP/cg.out" 2>"$TMP/cg.err" \
        || { cat "$TMP/cg.err" >&2; exit 1; }
      ir=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$TMP/cg.err")
      evs=$(sed -n 's/^sim\.events  *\([0-9]*\) .*/\1/p' "$TMP/cg.out")
      awk -v v="$v" -v ir="$ir" -v e="$evs" -v pi="$pi" 'BEGIN {
        printf "%5d %10d %15d %9.0f  %s\n", v, e, ir, ir / e, pi == "" ? "-" : sprintf("%.2f %s", ir / pi, ir / pi <= 2.2 ? "met" : "MISSED") }'
      pi=$ir
    done
  fi
fi

# ---- memory ---------------------------------------------------------------
mem() { # ARGS... -> "heap_built heap_end rss_peak_kb vcpus cores peak_pending engine_bytes_per_event"
  local out; out=$(model "$@")
  echo "$(field heap_built <<<"$out") $(field heap_end <<<"$out") $(field rss_peak_kb <<<"$out") $(field vcpus <<<"$out") $(field cores <<<"$out") $(field peak_pending <<<"$out") $(field engine_bytes_per_event <<<"$out")"
}
S="--set sim.warmup=$WARM --set sim.duration=$DUR"
read -r h48 _ _ c48 _ _ _ <<<"$(mem e880-ycsb --set vm.db.count=48 $S)"
read -r h96 e96 r96 c96 k96 p96 b96 <<<"$(mem e880-ycsb $S)"
read -r h1c _ _ _ k1c _ _ <<<"$(mem e880-ycsb --set hw.chips=1 --set vm.db.count=6 $S)"
read -r h16c _ _ _ k16c _ _ <<<"$(mem e880-ycsb --set vm.db.count=6 $S)"
read -r hm em rm _ _ pm bm <<<"$(mem e880-mixed $S)"
echo
echo "Memory (heap in use: glibc mallinfo2, the same every run; peak RSS: getrusage)"
if [ "$h96" -lt 0 ]; then
  echo "heap in use: not available from this C library (bench model prints -1); peak RSS only"
else
  awk -v h48="$h48" -v h96="$h96" -v c48="$c48" -v c96="$c96" -v h1="$h1c" -v h16="$h16c" -v k1="$k1c" -v k16="$k16c" 'BEGIN {
    printf "per VCPU (with its share of its VM: guest kernel, virtio-net, vhost workers, ycsb clients): %.0f bytes (heap of the built model, 48 -> 96 VMs on 192 cores)\n", (h96 - h48) / (c96 - c48)
    printf "per core (8 hardware threads, a host CPU, its KVM and XICS state): %.0f bytes (6 VMs, %d -> %d cores)\n", (h16 - h1) / (k16 - k1), k1, k16 }'
fi
echo "per pending event: $b96 bytes per event slot (e880-ycsb, engine accounting sim.engine_event_bytes; $p96 events pending at the peak)"
printf "%-12s %14s %14s %12s  %s\n" preset heap_built heap_end rss_peak "limit 1 GiB"
for p in e880-ycsb e880-mixed; do
  if [ $p = e880-ycsb ]; then hb=$h96 he=$e96 rs=$r96; else hb=$hm he=$em rs=$rm; fi
  printf "%-12s %12.1fMB %12.1fMB %10.1fMB  %s\n" $p "$(awk -v x="$hb" 'BEGIN { print x / 1048576 }')" \
    "$(awk -v x="$he" 'BEGIN { print x / 1048576 }')" "$(awk -v x="$rs" 'BEGIN { print x / 1024 }')" \
    "$([ "$rs" -le 1048576 ] && echo fits || echo EXCEEDED)"
done
if [ $QUICK = 0 ]; then
  echo
  echo "Bounded over a 10x longer run (e880-ycsb, 25 ms against 250 ms of simulated time)"
  read -r _ e1 r1 _ _ p1 _ <<<"$(mem e880-ycsb)"
  read -r _ e10 r10 _ _ p10 _ <<<"$(mem e880-ycsb --set sim.duration=245ms)"
  printf "%-10s %12s %12s %12s\n" sim_ms heap_end rss_peak peak_pending
  printf "%-10s %10.1fMB %10.1fMB %12d\n" 25 "$(awk -v x="$e1" 'BEGIN { print x / 1048576 }')" "$(awk -v x="$r1" 'BEGIN { print x / 1024 }')" "$p1"
  printf "%-10s %10.1fMB %10.1fMB %12d\n" 250 "$(awk -v x="$e10" 'BEGIN { print x / 1048576 }')" "$(awk -v x="$r10" 'BEGIN { print x / 1024 }')" "$p10"
  if [ -x /usr/bin/time ]; then
    echo "with a trace of the whole run, at most 200000 records (run --trace F --timeline-window 1s --trace-limit 200000):"
    for d in 20ms 245ms; do
      /usr/bin/time -f "%M" -o "$TMP/rss" "$HV" run e880-ycsb --quiet --set sim.duration=$d --trace "$TMP/t.trace" \
        --timeline-window 1s --trace-limit 200000 --force >/dev/null 2>"$TMP/err" || { cat "$TMP/err" >&2; exit 1; }
      printf "%-10s %10s %10.1fMB  (%s)\n" "$([ $d = 20ms ] && echo 25 || echo 250)" "" \
        "$(awk -v x="$(tail -n 1 "$TMP/rss")" 'BEGIN { print x / 1024 }')" "$(grep -o 'later records.*dropped' "$TMP/err" | head -1 || true)"
    done
  else
    echo "(/usr/bin/time is not installed: the run with a trace is skipped)"
  fi
fi

# ---- plot -------------------------------------------------------------------
if [ -n "$PLOT" ]; then
  if ! command -v gnuplot >/dev/null 2>&1; then
    echo "# gnuplot is not installed: no plot (apt-get install gnuplot-nox)"
  else
    grep '^vms ' "$TMP/plot.dat" | cut -d' ' -f2- >"$TMP/vms.dat"
    grep '^time ' "$TMP/plot.dat" | cut -d' ' -f2- >"$TMP/time.dat"
    gnuplot <<EOF
set terminal svg size 640,420 dynamic font "sans,12"
set output "$PLOT"
set logscale xy 2
set xrange [0.9:20]
set yrange [0.9:40]
set xlabel "size (VMs and cores / 6 VMs on 12 cores; simulated time / 12.5 ms)"
set ylabel "event-loop wall time / the first point's"
set key top left
set grid
f(x) = x
g(x) = x ** (log(2.2) / log(2))
plot f(x) title "linear" with lines dashtype 2 lc rgb "#888888", \
     g(x) title "2.2x per doubling (the limit)" with lines dashtype 3 lc rgb "#cc4444", \
     "$TMP/vms.dat" using 1:2 title "VMs with the machine" with linespoints pt 7 lc rgb "#2266aa", \
     "$TMP/time.dat" using 1:2 title "simulated time" with linespoints pt 5 lc rgb "#22aa66"
EOF
    echo "# plot: ${PLOT#"$ROOT"/}"
  fi
fi
