#!/bin/sh
# docs_examples.sh HVWAKE DOC.md — the examples of a doc page run as
# written (issue 18: docs/scenarios.md showed a --set the program refused).
# In a temporary folder, in page order:
#   - every line starting with "hvwake " in a ```sh block runs (its
#     trailing "# comment" dropped) and must exit 0 with nothing on stderr;
#   - every inline `hvwake ...` span runs the same way;
#   - an ```ini block is saved as NAME when the line before it is
#     <!-- file: NAME --> (the commands after it use it), else as
#     example-K.ini and then it must load: `hvwake show-config` exits 0.
# The outputs shown (``` blocks after <!-- run: COMMAND -->) are checked by
# docs/gen.sh --check (the docs test), for every page.
hv=$1; doc=$2
[ -x "$hv" ] && [ -f "$doc" ] || { echo "usage: docs_examples.sh HVWAKE DOC.md" >&2; exit 2; }
case $hv in /*) ;; *) hv=$(pwd)/$hv ;; esac
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/run" "$tmp/blocks"
# The page as a list of items: "KIND<TAB>ARG<TAB>BLOCKFILE".
awk -v dir="$tmp/blocks" '
    function flush_inline(line,    s, m) {
        s = line
        while (match(s, /`hvwake [^`]*`/)) {
            printf "inline\t%s\t-\n", substr(s, RSTART + 1, RLENGTH - 2)
            s = substr(s, RSTART + RLENGTH)
        }
    }
    inblock {
        if ($0 ~ /^```[ \t]*$/) { inblock = 0; close(file); next }
        print > file; next
    }
    /^```/ {
        k++; file = dir "/" k; inblock = 1; printf "" > file
        lang = substr($0, 4); sub(/[ \t]+$/, "", lang)
        arg = "-"
        if (prev ~ /^<!-- file: .* -->$/) { arg = prev; sub(/^<!-- file: /, "", arg); sub(/ -->$/, "", arg); lang = "ini-file" }
        printf "%s\t%s\t%s\n", (lang == "" ? "text" : lang), arg, file
        next
    }
    { flush_inline($0); if ($0 !~ /^[ \t]*$/) prev = $0 }
' "$doc" >"$tmp/items" || exit 1

cd "$tmp/run" || exit 1
PATH=$(dirname "$hv"):$PATH; export PATH
n=0; fail=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
bad() { n=$((n + 1)); echo "not ok $n - $1"; fail=1; }
# run CMD: exit 0 and an empty stderr.
run() {
    sh -c "$1" >"$tmp/out" 2>"$tmp/err"; st=$?
    if [ "$st" = 0 ] && [ ! -s "$tmp/err" ]; then ok "$1"; else
        bad "$1 (exit $st)"; sed 's/^/#   /' "$tmp/err" | head -20; fi
}
k=0
tab=$(printf '\t')
while IFS=$tab read -r kind arg file; do
    case $kind in
    sh)
        while IFS= read -r line; do
            case $line in hvwake\ *) run "$(printf '%s' "$line" | sed 's/[[:space:]][[:space:]]*#.*$//')" ;; esac
        done <"$file" ;;
    inline)
        run "$arg" ;;
    ini)
        k=$((k + 1)); cp "$file" "example-$k.ini"; run "hvwake show-config example-$k.ini" ;;
    ini-file)
        cp "$file" "$arg" ;;
    esac
done <"$tmp/items"
[ "$n" -gt 0 ] || bad "no example found in $doc"
echo "1..$n"
exit $fail
