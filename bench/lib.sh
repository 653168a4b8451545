# bench/lib.sh — what the bench scripts that write measured blocks into the
# docs share (bench/workloads.sh, m1.sh, m3.sh; sourced first, with the
# script's arguments HVWAKE [--check]):
#   hv, mode, root, tmp  the hvwake binary, --check or empty, the source
#                        tree, a scratch directory removed at exit;
#   block, shown         a block of text, a command shown with its output;
#   compare_json, stats, mean, pct, num
#                        a compare's JSON and the statistics in it;
#   keep_current, write_blocks
#                        a file or the docs' marked regions brought up to
#                        date, or (--check) only compared.
# A measurement that fails inside a pipeline (`... | block NAME`) cannot
# stop the script from its subshell: it leaves $tmp/failed, and
# write_blocks then writes nothing and fails.
bench_name=$(basename "$0")
hv=$1
mode=$2
[ -x "$hv" ] || { echo "usage: bench/$bench_name HVWAKE [--check]" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# failed MESSAGE: a measurement failed; stop (this subshell, and through
# $tmp/failed the writing of every block)
failed() { echo "$*" >&2; : > "$tmp/failed"; exit 1; }

# block NAME: stdin becomes the block NAME
block() { cat > "$tmp/$1.block"; }

# shown CMD...: a fenced block with the command line and its output
# (without the configuration header)
shown() {
    printf '```\n$ hvwake'
    for a in "$@"; do printf ' %s' "$a"; done
    printf '\n'
    "$hv" "$@" > "$tmp/shown" || failed "hvwake $* failed"
    grep -v '^#' "$tmp/shown"
    printf '```\n'
}

# compare_json OUT ARGS...: hvwake compare ARGS --json into the file OUT
compare_json() {
    out=$1; shift
    "$hv" compare "$@" --json > "$out" || failed "hvwake compare $* failed"
}

# stats FILE METRIC K: "mean ci diff diff_ci ratio significant" of variant K
# (1 = the first: diff 0, ratio 1, not significant) from the "metrics"
# section of a compare's JSON (one line per metric: each variant's
# statistics, the later ones with their difference to the first); an empty
# distribution's figures are null
stats() {
    awk -v m="$2" -v k="$3" '
        function field(s, key) {
            if (!match(s, "\"" key "\": [^,}]+"))
                return ""
            return substr(s, RSTART + length(key) + 4, RLENGTH - length(key) - 4)
        }
        index($0, "\"" m "\": [{") {
            line = $0
            sub(/^[^[]*\[\{/, "", line)
            split(line, o, /\}, \{/)
            s = o[k]
            if (k == 1)
                printf "%s %s 0 0 1 false\n", field(s, "mean"), field(s, "ci")
            else
                printf "%s %s %s %s %s %s\n", field(s, "mean"), field(s, "ci"), field(s, "diff"),
                    field(s, "diff_ci"), field(s, "ratio"), field(s, "significant")
            found = 1
            exit
        }
        END { if (!found) exit 1 }' "$1" || failed "no metric $2 in $1"
}

# mean FILE METRIC K: the mean of variant K
mean() { stats "$1" "$2" "$3" | awk '{print $1}'; }

# pct FILE METRIC K: "+1.2% ± 0.3%*", variant K against the first (the 95%
# half-width of the difference's interval in percent of the first's mean;
# * = significant); "-" when there is no ratio
pct() {
    base=$(mean "$1" "$2" 1)
    stats "$1" "$2" "$3" | awk -v b="$base" '{
        if ($5 == "null" || b == "null" || b == 0) { printf "-"; exit }
        printf "%+.1f%% ± %.1f%%%s", ($5 - 1) * 100, $4 / b * 100, ($6 == "true" ? "*" : "") }'
}

# num X: 3 significant digits, or an integer from 100 on (in magnitude);
# null as -
num() { awk -v x="$1" 'BEGIN { if (x == "null") printf "-"; else printf(x >= 100 || x <= -100 ? "%.0f" : "%.3g", x) }'; }

# keep_current NEW FILE: FILE takes NEW's bytes when they differ
# ("updated FILE"); with --check that is only reported ("FILE is not
# current"), with status 1
keep_current() {
    cmp -s "$1" "$2" && return 0
    if [ "$mode" = "--check" ]; then
        echo "$2 is not current (bench/$bench_name regenerates it)"
        return 1
    fi
    cp "$1" "$2" && echo "updated $2"
}

# write_blocks FILE...: each block NAME between its markers
#     <!-- SCRIPT:NAME -->  ...  <!-- /SCRIPT:NAME -->
# (SCRIPT = this script's name) in each FILE, kept current; a marker with
# no block is an error, and nothing is written after a failed measurement
write_blocks() {
    [ -e "$tmp/failed" ] && { echo "a measurement failed: nothing written" >&2; return 1; }
    _status=0
    for _f in "$@"; do
        awk -v dir="$tmp" -v tag="$bench_name" '
            # the NAME of a line "PREFIX NAME -->", else ""
            function marker(s, prefix,   rest) {
                if (index(s, prefix) != 1)
                    return ""
                rest = substr(s, length(prefix) + 1)
                return rest ~ /^[a-z0-9-]+ -->$/ ? substr(rest, 1, length(rest) - 4) : ""
            }
            (name = marker($0, "<!-- " tag ":")) != "" {
                print
                f = dir "/" name ".block"
                if ((getline l < f) <= 0) { print "no block " name > "/dev/stderr"; exit 1 }
                do print l; while ((getline l < f) > 0)
                close(f); skip = 1; next
            }
            marker($0, "<!-- /" tag ":") != "" { skip = 0 }
            !skip { print }' "$_f" > "$tmp/filled" || return 1
        keep_current "$tmp/filled" "$_f" || _status=1
    done
    return $_status
}
