#!/usr/bin/env bash
# bench/phold-compare.sh — hvwake's engine against the PHOLD reference
# programs, interleaved, on this machine, in one run.
#
# Builds, into a temporary directory (never into the tree):
#   - the plain C binary-heap PHOLD  (../shared/bench-anchors/c-heap-phold.c)
#   - the ns-3 PHOLD, when libns3-dev is installed (ns3-phold.cc)
# and hvwake's release build (cmake --preset release). Then, for R rounds,
# runs every engine once per case, in the same order each round, and
# prints per case the median events/s of each engine and the median over
# rounds of the per-round ratios hvwake / best ns-3 scheduler and
# hvwake / C binary heap. Every engine must report the same committed
# event count and checksum for a case (hvwake with --sampler zig draws a
# different stream and is only timed).
#
# Usage: bench/phold-compare.sh [-r ROUNDS] [-c "CASES"] [-q "NS3_QUEUES"]
#   -r ROUNDS   interleaved rounds (default 5)
#   -c CASES    from S M L Sg Mg Lg (default all six; g = --grid 1000000)
#   -q QUEUES   ns-3 schedulers (default "pq map": pq is ns-3's fastest,
#               map its default; heap was never the fastest in our runs and
#               calendar collapses at L, add them with -q "pq heap map")
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
while getopts "r:c:q:h" opt; do
  case $opt in
    r) ROUNDS=$OPTARG ;;
    c) CASES=$OPTARG ;;
    q) NS3_QUEUES=$OPTARG ;;
    h) sed -n '2,/^set -euo/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "phold-compare: bad option; see -h" >&2; exit 2 ;;
  esac
done
case $ROUNDS in ''|*[!0-9]*|0) echo "phold-compare: -r needs a positive integer, got '$ROUNDS'" >&2; exit 2 ;; esac

ROOT=$(cd "$(dirname "$0")/.." && pwd)
ANCHORS=${ANCHORS:-$ROOT/../shared/bench-anchors}
TMP=$(mktemp -d /tmp/phold-compare.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

echo "# phold-compare: $(date -u +%Y-%m-%dT%H:%M:%SZ) host=$(hostname) cpus=$(nproc) rounds=$ROUNDS"
echo "# cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "# load: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- build ---------------------------------------------------------------
(cd "$ROOT" && nice cmake --preset release >/dev/null && nice cmake --build build/release >/dev/null) \
  || { echo "phold-compare: hvwake release build failed" >&2; exit 1; }
HV=$ROOT/build/release/src/cli/hvwake

HAVE_C=0 HAVE_NS3=0
if [ -f "$ANCHORS/c-heap-phold.c" ]; then
  gcc -O2 -std=c11 -o "$TMP/c-heap-phold" "$ANCHORS/c-heap-phold.c" -lm && HAVE_C=1
else
  echo "# NOTE: $ANCHORS/c-heap-phold.c not found (no ../shared): C binary-heap comparison SKIPPED"
fi
if [ -f "$ANCHORS/ns3-phold.cc" ]; then
  if g++ -O2 -std=c++17 -o "$TMP/ns3-phold" "$ANCHORS/ns3-phold.cc" -I/usr/include -lns3-core \
       2>"$TMP/ns3-build.log"; then
    HAVE_NS3=1
  else
    echo "# NOTE: ns-3 PHOLD did not build (is libns3-dev installed?): ns-3 comparison SKIPPED"
    sed 's/^/#   /' "$TMP/ns3-build.log" | head -5
  fi
else
  echo "# NOTE: $ANCHORS/ns3-phold.cc not found (no ../shared): ns-3 comparison SKIPPED"
fi

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

# ---- interleaved rounds: every engine once per case per round -------------
RES=$TMP/results # lines: case engine round ev_per_s events chk
for r in $(seq "$ROUNDS"); do
  for c in $CASES; do
    read -r N E T G <<<"$(case_args "$c")"
    for e in $ENGINES; do
      case $e in
        hvwake) out=$("$HV" bench phold --lps "$N" --events "$E" --end "$T" --grid "$G") ;;
        hvwake-zig) out=$("$HV" bench phold --lps "$N" --events "$E" --end "$T" --grid "$G" --sampler zig) ;;
        c-binary) out=$("$TMP/c-heap-phold" -q binary -n "$N" -e "$E" -t "$T" -g "$G") ;;
        ns3-*) out=$("$TMP/ns3-phold" -q "${e#ns3-}" -n "$N" -e "$E" -t "$T" -g "$G") ;;
      esac
      echo "$c $e $r $(field ev_per_s <<<"$out") $(field events <<<"$out") $(field chk <<<"$out")" >>"$RES"
    done
  done
  echo "# round $r/$ROUNDS done" >&2
done

# ---- report ----------------------------------------------------------------
awk -v cases="$CASES" -v engines="$ENGINES" '
function median(a, n,   i, j, t) {
  for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
  return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{ v[$1, $2, $3] = $4; ev[$1, $2] = $5; chk[$1, $2] = $6; if ($3 > R) R = $3 }
END {
  nc = split(cases, C, " "); ne = split(engines, E, " ")
  printf "\nMedian events/s over %d interleaved rounds (M = 10^6)\n", R
  printf "%-4s", "case"; for (k = 1; k <= ne; k++) printf " %11s", E[k]; printf "\n"
  for (i = 1; i <= nc; i++) {
    c = C[i]; printf "%-4s", c
    for (k = 1; k <= ne; k++) { for (r = 1; r <= R; r++) a[r] = v[c, E[k], r]; printf " %10.2fM", median(a, R) / 1e6 }
    printf "\n"
  }
  printf "\nRatios (median over rounds of the per-round ratio; ns-3 best = fastest ns-3 scheduler in that round)\n"
  printf "%-4s %10s %12s %11s %14s %14s %16s  %s\n", "case", "events", "ns3-best", "hv/ns3best", "hv/c-binary", "hvzig/ns3best", "hvzig/c-binary", "count+chk of the others"
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
    printf "%-4s %10s %12s %11s %14s %14s %16s  %s\n", c, ev[c, "hvwake"], hasn ? best : "-",
      hasn ? sprintf("%.2fx", median(x1, R)) : "-", hasc ? sprintf("%.2fx", median(x2, R)) : "-",
      hasn ? sprintf("%.2fx", median(x3, R)) : "-", hasc ? sprintf("%.2fx", median(x4, R)) : "-", same
  }
}' "$RES"
