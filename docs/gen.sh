#!/bin/sh
# docs/gen.sh HVWAKE [--check] [--slow] [--measured] [FILE.md...]
#
# Every output shown in README.md and docs/*.md comes from the command
# written next to it (docs/gen.awk lists the markers: <!-- run: CMD -->,
# <!-- session -->, <!-- file: NAME -->, <!-- measured: CMD -->, "slow"
# variants). Without --check the blocks are regenerated in place — review
# the change with git diff, as for the goldens. With --check (the `docs`
# test) nothing is written and every block whose shown output differs from
# what its command prints now is reported with its file and line; status 1.
#
#   --slow      also check blocks marked slow (long runs; HV_DOCS_SLOW=1
#               does the same). Regenerating always runs them.
#   --measured  also regenerate the blocks of wall-clock measurements
#               (never checked: they vary from run to run).
#
# The commands run with HVWAKE first on PATH (as `hvwake`), in a scratch
# directory per file (where bench/ is the repository's bench/), in the
# order they appear; the source revision of the binary is shown as REV, the
# scratch directory as /shared/study. Outputs are the same with any build of
# one source (same seed and inputs give byte-identical output).
set -u
[ $# -ge 1 ] && [ -x "$1" ] || { echo "usage: docs/gen.sh HVWAKE [--check] [--slow] [--measured] [FILE.md...]" >&2; exit 2; }
hv=$(cd "$(dirname "$1")" && pwd)/$(basename "$1"); shift
root=$(cd "$(dirname "$0")/.." && pwd)
mode=gen; slow=${HV_DOCS_SLOW:-0}; measured=0; files=""
for a in "$@"; do
    case "$a" in
        --check) mode=check ;;
        --slow) slow=1 ;;
        --measured) measured=1 ;;
        -*) echo "docs/gen.sh: unknown option '$a'; expected --check, --slow or --measured" >&2; exit 2 ;;
        *) files="$files $a" ;;
    esac
done
[ -n "$files" ] || files="$root/README.md $(ls "$root"/docs/*.md)"
rev=$("$hv" --version | sed -n 's/^hvwake [^ ]* (source \(.*\))$/\1/p')
[ "$rev" = unknown ] && rev="" # built outside git: nothing to normalize (and "unknown" is a word of messages)
tmp=$(mktemp -d /tmp/hv_docs.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/bin" && ln -s "$hv" "$tmp/bin/hvwake"
status=0; total=0; changed=0; skipped=0
for f in $files; do
    work=$(mktemp -d "$tmp/work.XXXXXX") && work=$(cd "$work" && pwd -P) && ctl=$(mktemp -d "$tmp/ctl.XXXXXX") || exit 1
    ln -s "$root/bench" "$work/bench" || exit 1 # measured blocks run bench/SCRIPT.sh
    name=${f#"$root"/}
    awk -v mode="$mode" -v slow="$slow" -v measured="$measured" -v work="$work" -v ctl="$ctl" \
        -v bin="$tmp/bin" -v rev="$rev" -v file="$name" -f "$root/docs/gen.awk" "$f" || status=1
    read -r c d s e < "$ctl/counts" || { echo "docs/gen.sh: $name: not processed" >&2; status=1; continue; }
    total=$((total + c)); skipped=$((skipped + s))
    [ "$e" -eq 0 ] || status=1
    if [ "$d" -gt 0 ]; then
        changed=$((changed + d))
        if [ "$mode" = check ]; then
            status=1
        elif ! cmp -s "$ctl/new.md" "$f"; then
            cp "$ctl/new.md" "$f" && echo "docs/gen.sh: regenerated $d block(s) of $name"
        fi
    fi
done
if [ "$mode" = check ]; then
    echo "docs/gen.sh: $total output blocks checked, $changed differ, $skipped skipped (slow or measured: --slow checks the slow ones)"
else
    echo "docs/gen.sh: $total output blocks run, $changed regenerated, $skipped kept (measured: --measured reruns them)"
fi
exit $status
