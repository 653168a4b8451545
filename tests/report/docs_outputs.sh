#!/bin/sh
# docs_outputs.sh HVWAKE DOC.md — every block of DOC.md preceded by
# <!-- output of: COMMAND; status N --> is exactly what COMMAND prints
# (stdout and stderr) and N its exit status, the commands run in page order
# in one temporary folder with hvwake first in PATH. A command that uses
# trace-cmd (or kvm-stat on a trace.dat, which runs it) is skipped, with a
# message, where trace-cmd is not installed (exit 77 when every block was
# skipped).
hv=$1; doc=$2
case $hv in /*) ;; *) hv=$(pwd)/$hv ;; esac
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/run" "$tmp/blocks"
awk -v dir="$tmp/blocks" '
    inblock { if ($0 ~ /^```[ \t]*$/) { inblock = 0; close(file); prev = ""; next } print > file; next }
    /^```/ && prev ~ /^<!-- output of: .* -->$/ {
        k++; file = dir "/" k; inblock = 1; printf "" > file
        arg = prev; sub(/^<!-- output of: /, "", arg); sub(/ -->$/, "", arg)
        printf "%s\t%s\n", file, arg; next }
    /^```/ { skip = !skip; next }
    !skip && $0 !~ /^[ \t]*$/ { prev = $0 }
' "$doc" > "$tmp/items" || exit 1
cd "$tmp/run" || exit 1
PATH=$(dirname "$hv"):$PATH; export PATH
n=0; ran=0; fail=0
tab=$(printf '\t')
while IFS=$tab read -r file arg; do
    n=$((n + 1))
    cmd=${arg%; status *}; want=${arg##*; status }
    case $cmd in *trace-cmd*|*kvm-stat*.dat*)
        if ! command -v trace-cmd >/dev/null 2>&1; then echo "ok $n # SKIP trace-cmd is not installed: $cmd"; continue; fi ;;
    esac
    ran=$((ran + 1))
    sh -c "$cmd" > "$tmp/out" 2>&1; st=$?
    if [ "$st" = "$want" ] && cmp -s "$tmp/out" "$file"; then echo "ok $n - $cmd"; else
        echo "not ok $n - $cmd: exit $st (page: $want); diff page output:"; diff "$file" "$tmp/out" | head -20; fail=1; fi
done < "$tmp/items"
[ "$n" -gt 0 ] || { echo "no output block in $doc"; exit 1; }
echo "1..$n"
[ "$fail" = 0 ] && [ "$ran" = 0 ] && exit 77
exit $fail
