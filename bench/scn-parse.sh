#!/bin/sh
# bench/scn-parse.sh [HVWAKE] — how the scenario reader's time grows with
# the input (issue 18: it must be linear). For N entries it writes two
# files and times `hvwake show-config` on each (best of 3, wall clock):
#   valid   include = preset:default, then N section headers ([sim] and
#           [vm "vm0"] in turn): read, applied, validated, echoed;
#   keys    N distinct keys in one [sim] section: every one goes through
#           the duplicate-key check; they are unknown keys, so the command
#           stops at 50 errors and exits 2 after reading the whole file.
# Prints N, bytes, seconds and ns per entry for each; a linear reader
# keeps ns/entry flat as N grows 10x.
# Usage: bench/scn-parse.sh [build/release/src/cli/hvwake]
hv=${1:-build/release/src/cli/hvwake}
[ -x "$hv" ] || { echo "no $hv: build it first (cmake --workflow --preset run)" >&2; exit 2; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

best() { # FILE: best of 3 wall-clock seconds of show-config FILE
    b=
    for r in 1 2 3; do
        t0=$(date +%s%N)
        "$hv" show-config "$1" >/dev/null 2>&1
        t1=$(date +%s%N)
        t=$((t1 - t0))
        [ -z "$b" ] || [ "$t" -lt "$b" ] && b=$t
    done
    echo "$b"
}

printf '%-6s %9s %10s %9s %9s\n' kind entries bytes seconds ns/entry
for n in 10000 100000 400000; do
    awk -v n="$n" 'BEGIN { print "include = preset:default"
        for (i = 0; i < n; i += 2) { print "[sim]"; print "[vm \"vm0\"]" } }' >"$tmp/valid.ini"
    awk -v n="$n" 'BEGIN { print "[sim]"; for (i = 0; i < n; i++) printf "k%07d = %d\n", i, i }' >"$tmp/keys.ini"
    for kind in valid keys; do
        f=$tmp/$kind.ini
        ns=$(best "$f")
        awk -v k="$kind" -v n="$n" -v b="$(wc -c <"$f")" -v ns="$ns" \
            'BEGIN { printf "%-6s %9d %10d %9.3f %9.0f\n", k, n, b, ns / 1e9, ns / n }'
    done
done
