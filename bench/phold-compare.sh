#!/usr/bin/env bash
# bench/phold-compare.sh — hvwake's engine against the PHOLD reference
# programs, interleaved, on this machine, in one run.
#
# Builds, into a temporary directory (never into the tree):
#   - the plain C binary-heap PHOLD  (../shared/bench-anchors/c-heap-phold.c),
#     gcc -O2 -std=c11, as that directory's README says
#   - the ns-3 PHOLD, when libns3-dev is installed (ns3-phold.cc),
#     g++ -O2 -std=c++17 -lns3-core
# and hvwake's release build (cmake --preset release). Then, for R rounds,
# runs every engine once per case. The order of the engines rotates by one
# each round (-o fixed keeps it), so no engine always runs first or after
# the same neighbour. Prints the configuration it ran with (compilers,
# flags, CPU, kernel, huge pages, commit, load per round), then per case
# each engine's events/s and the per-round ratios hvwake / fastest ns-3
# scheduler and hvwake / C binary heap as median [min-max] over the rounds.
# Every engine must report the same committed event count and checksum for
# a case (hvwake with --sampler zig draws a different stream and is only
# timed).
#
# Usage: bench/phold-compare.sh [-r ROUNDS] [-c "CASES"] [-q "NS3_QUEUES"]
#                               [-o rotate|fixed] [-w WARMUP] [-p CPU] [-v]
#   -r ROUNDS   interleaved rounds (default 5)
#   -c CASES    from S M L Sg Mg Lg (default all six; g = --grid 1000000)
#   -q QUEUES   ns-3 schedulers (default "pq map": pq is ns-3's fastest,
#               map its default; heap was never the fastest in our runs and
#               calendar collapses at L, add them with -q "pq heap map")
#   -o ORDER    rotate (default) or fixed engine order within a round
#   -w WARMUP   rounds run first and not counted (default 0)
#   -p CPU      pin every engine to this CPU (taskset -c); default: not pinned
#   -v          also print every run (case engine round events/s events chk)
# Environment: ANCHORS (default <repo>/../shared/bench-anchors).
# Sizes: S = N 1024 E 1 T 5000, M = N 1024 E 16 T 300, L = N 65536 E 16 T 5.
# Takes about 6-8 minutes with the defaults on a 2-core machine.
# Known difference: with a grid, the ns-3 program also runs the initial
# events that fall exactly on T_END (they are scheduled before its Stop
# event; 7 of 4.77 M events at Lg), so its count and checksum differ there;
# the table says so ("differs") and it does not matter for timing.
set -euo pipefail

ROUNDS=5
CASES="S M L Sg Mg Lg"
NS3_QUEUES="pq map"
ORDER=rotate
WARMUP=0
PIN=""
VERBOSE=0
while getopts "r:c:q:o:w:p:vh" opt; do
  case $opt in
    r) ROUNDS=$OPTARG ;;
    c) CASES=$OPTARG ;;
    q) NS3_QUEUES=$OPTARG ;;
    o) ORDER=$OPTARG ;;
    w) WARMUP=$OPTARG ;;
    p) PIN=$OPTARG ;;
    v) VERBOSE=1 ;;
    h) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "phold-compare: bad option; see -h" >&2; exit 2 ;;
  esac
done
case $ROUNDS in ''|*[!0-9]*|0) echo "phold-compare: -r needs a positive integer, got '$ROUNDS'" >&2; exit 2 ;; esac
case $WARMUP in ''|*[!0-9]*) echo "phold-compare: -w needs a non-negative integer, got '$WARMUP'" >&2; exit 2 ;; esac
case $ORDER in rotate|fixed) ;; *) echo "phold-compare: -o needs rotate or fixed, got '$ORDER'" >&2; exit 2 ;; esac
RUN=()
if [ -n "$PIN" ]; then
  case $PIN in *[!0-9]*) echo "phold-compare: -p needs a CPU number, got '$PIN'" >&2; exit 2 ;; esac
  command -v taskset >/dev/null || { echo "phold-compare: -p needs taskset (util-linux)" >&2; exit 2; }
  RUN=(taskset -c "$PIN")
fi

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ANCHORS=${ANCHORS:-$ROOT/../shared/bench-anchors}
TMP=$(mktemp -d /tmp/phold-compare.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
load() { cut -d' ' -f1-3 /proc/loadavg; }

# ---- build ---------------------------------------------------------------
(cd "$ROOT" && nice cmake --preset release >/dev/null && nice cmake --build build/release >/dev/null) \
  || { echo "phold-compare: hvwake release build failed" >&2; exit 1; }
HV=$ROOT/build/release/src/cli/hvwake
cache() { sed -n "s/^$1:[A-Z]*=//p" "$ROOT/build/release/CMakeCache.txt"; }

C_FLAGS="-O2 -std=c11"
NS3_FLAGS="-O2 -std=c++17"
HAVE_C=0 HAVE_NS3=0
if [ -f "$ANCHORS/c-heap-phold.c" ]; then
  # shellcheck disable=SC2086
  gcc $C_FLAGS -o "$TMP/c-heap-phold" "$ANCHORS/c-heap-phold.c" -lm && HAVE_C=1
else
  echo "# NOTE: $ANCHORS/c-heap-phold.c not found (no ../shared): C binary-heap comparison SKIPPED"
fi
if [ -f "$ANCHORS/ns3-phold.cc" ]; then
  # shellcheck disable=SC2086
  if g++ $NS3_FLAGS -o "$TMP/ns3-phold" "$ANCHORS/ns3-phold.cc" -I/usr/include -lns3-core \
       2>"$TMP/ns3-build.log"; then
    HAVE_NS3=1
  else
    echo "# NOTE: ns-3 PHOLD did not build (is libns3-dev installed?): ns-3 comparison SKIPPED"
    sed 's/^/#   /' "$TMP/ns3-build.log" | head -5
  fi
else
  echo "# NOTE: $ANCHORS/ns3-phold.cc not found (no ../shared): ns-3 comparison SKIPPED"
fi

# ---- the configuration of this run ---------------------------------------
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ] && commit="$commit+uncommitted changes"
thp=$(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo unknown)
echo "# phold-compare: $(date -u +%Y-%m-%dT%H:%M:%SZ) host=$(hostname) rounds=$ROUNDS warm-up=$WARMUP order=$ORDER pin=${PIN:-none}"
echo "# cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) CPUs;" \
     "$(lscpu 2>/dev/null | sed -n 's/^\(L[23]\) cache: *\(.*\)/\1 \2/p' | sed -n '1h;1!H;${g;s/\n/; /g;p}')"
echo "# kernel: $(uname -sr); transparent huge pages: $thp (hvwake's pool asks for them, the references do not)"
echo "# hvwake: commit $commit, release preset: $(cache CMAKE_C_COMPILER) ($($(cache CMAKE_C_COMPILER) -dumpfullversion 2>/dev/null))" \
     "CMAKE_C_FLAGS='$(cache CMAKE_C_FLAGS)' CMAKE_C_FLAGS_RELEASE='$(cache CMAKE_C_FLAGS_RELEASE)' HV_CHECKS=$(cache HV_CHECKS)"
[ $HAVE_C = 1 ] && echo "# c-binary: gcc ($(gcc -dumpfullversion)) $C_FLAGS, $ANCHORS/c-heap-phold.c"
[ $HAVE_NS3 = 1 ] && echo "# ns-3: g++ ($(g++ -dumpfullversion)) $NS3_FLAGS -lns3-core," \
     "$(dpkg-query -W -f='${Package} ${Version}' libns3-dev 2>/dev/null || echo 'libns3-dev version unknown')"
echo "# load: $(load) (start)"

case_args() { # case -> "N E T GRID"
  case $1 in
    S) echo "1024 1 5000 0" ;;  M) echo "1024 16 300 0" ;;  L) echo "65536 16 5 0" ;;
    Sg) echo "1024 1 5000 1000000" ;; Mg) echo "1024 16 300 1000000" ;; Lg) echo "65536 16 5 1000000" ;;
    *) echo "phold-compare: unknown case '$1' (S M L Sg Mg Lg)" >&2; exit 2 ;;
  esac
}
for c in $CASES; do case_args "$c" >/dev/null; done

ENGINES="hvwake hvwake-zig"
[ $HAVE_C = 1 ] && ENGINES="$ENGINES c-binary"
[ $HAVE_NS3 = 1 ] && for q in $NS3_QUEUES; do ENGINES="$ENGINES ns3-$q"; done
echo "# engines: $ENGINES"

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }
read -r -a ENG <<<"$ENGINES"
NE=${#ENG[@]}

# ---- interleaved rounds: every engine once per case per round -------------
RES=$TMP/results # lines: case engine round ev_per_s events chk
ROUNDLOAD=""
for r in $(seq $((1 - WARMUP)) "$ROUNDS"); do
  [ "$r" -ge 1 ] && ROUNDLOAD="$ROUNDLOAD r$r:$(cut -d' ' -f1 /proc/loadavg)"
  shift_by=0
  [ "$ORDER" = rotate ] && shift_by=$(( (r - 1 + NE * (WARMUP + 1)) % NE ))
  for c in $CASES; do
    read -r N E T G <<<"$(case_args "$c")"
    for k in $(seq 0 $((NE - 1))); do
      e=${ENG[$(( (k + shift_by) % NE ))]}
      case $e in
        hvwake) out=$("${RUN[@]}" "$HV" bench phold --lps "$N" --events "$E" --end "$T" --grid "$G") ;;
        hvwake-zig) out=$("${RUN[@]}" "$HV" bench phold --lps "$N" --events "$E" --end "$T" --grid "$G" --sampler zig) ;;
        c-binary) out=$("${RUN[@]}" "$TMP/c-heap-phold" -q binary -n "$N" -e "$E" -t "$T" -g "$G") ;;
        ns3-*) out=$("${RUN[@]}" "$TMP/ns3-phold" -q "${e#ns3-}" -n "$N" -e "$E" -t "$T" -g "$G") ;;
      esac
      [ "$r" -ge 1 ] && echo "$c $e $r $(field ev_per_s <<<"$out") $(field events <<<"$out") $(field chk <<<"$out")" >>"$RES"
    done
  done
  if [ "$r" -ge 1 ]; then echo "# round $r/$ROUNDS done" >&2; else echo "# warm-up round done" >&2; fi
done
echo "# load at the start of each round (1-min average):$ROUNDLOAD; at the end: $(load)"
if [ $VERBOSE = 1 ]; then
  echo "# every run: case engine round events/s events chk"
  sed 's/^/#   /' "$RES"
fi

# ---- report ----------------------------------------------------------------
awk -v cases="$CASES" -v engines="$ENGINES" '
function sortn(a, n,   i, j, t) {
  for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
}
function median(a, n) { return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
# "median<u> [min-max]" of a[1..n] (sorted in place), values scaled by s, format f, unit u
function spread(a, n, s, f, u,   m) {
  sortn(a, n); m = median(a, n)
  return sprintf(f "%s [" f "-" f "]", m / s, u, a[1] / s, a[n] / s)
}
{ v[$1, $2, $3] = $4; ev[$1, $2] = $5; chk[$1, $2] = $6; if ($3 > R) R = $3 }
END {
  nc = split(cases, C, " "); ne = split(engines, E, " ")
  printf "\nEvents/s over %d interleaved rounds, median [min-max] (M = 10^6)\n", R
  printf "%-4s", "case"; for (k = 1; k <= ne; k++) printf "  %-21s", E[k]; printf "\n"
  for (i = 1; i <= nc; i++) {
    c = C[i]; printf "%-4s", c
    for (k = 1; k <= ne; k++) { for (r = 1; r <= R; r++) a[r] = v[c, E[k], r]; printf "  %-21s", spread(a, R, 1e6, "%.2f", "M") }
    printf "\n"
  }
  printf "\nRatios of the same round, median [min-max] over rounds (ns-3 best = fastest ns-3 scheduler in that round)\n"
  printf "%-4s %8s %8s  %-21s  %-21s  %-21s  %-21s  %s\n", "case", "events", "ns3-best", "hv/ns3best", "hv/c-binary", "hvzig/ns3best", "hvzig/c-binary", "count+chk of the others"
  for (i = 1; i <= nc; i++) {
    c = C[i]; best = ""; hasc = 0; hasn = 0
    for (r = 1; r <= R; r++) {
      b = 0; bn = ""
      for (k = 1; k <= ne; k++) if (E[k] ~ /^ns3-/) { hasn = 1; if (v[c, E[k], r] > b) { b = v[c, E[k], r]; bn = E[k] } }
      nb[bn]++
      x1[r] = b ? v[c, "hvwake", r] / b : 0; x3[r] = b ? v[c, "hvwake-zig", r] / b : 0
      if ((c, "c-binary", r) in v) { hasc = 1; x2[r] = v[c, "hvwake", r] / v[c, "c-binary", r]; x4[r] = v[c, "hvwake-zig", r] / v[c, "c-binary", r] }
    }
    for (q in nb) if (nb[q] > 0 && (best == "" || nb[q] > nb[best])) best = q
    delete nb
    same = ""
    for (k = 1; k <= ne; k++) if (E[k] != "hvwake-zig" && (ev[c, E[k]] != ev[c, "hvwake"] || chk[c, E[k]] != chk[c, "hvwake"]))
      same = same sprintf(" %s:%+d", E[k], ev[c, E[k]] - ev[c, "hvwake"])
    same = same == "" ? "same" : "differs (events vs hvwake):" same
    printf "%-4s %8s %8s  %-21s  %-21s  %-21s  %-21s  %s\n", c, ev[c, "hvwake"], hasn ? best : "-",
      hasn ? spread(x1, R, 1, "%.2f", "x") : "-", hasc ? spread(x2, R, 1, "%.2f", "x") : "-",
      hasn ? spread(x3, R, 1, "%.2f", "x") : "-", hasc ? spread(x4, R, 1, "%.2f", "x") : "-", same
  }
}' "$RES"
