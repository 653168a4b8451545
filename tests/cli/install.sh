#!/bin/sh
# install.sh CMAKE BUILDDIR — cmake --install puts the binary, the manual
# page and the bash completion in place (into a scratch prefix); the page
# names every command of the table and renders when man or groff is there;
# the completion loads in bash and completes commands, options and values.
set -u
cmake=$1; build=$2
p=$(mktemp -d /tmp/hv_install.XXXXXX)
trap 'rm -rf "$p"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$cmake" --install "$build" --prefix "$p" >/dev/null || fail "cmake --install"
hv=$p/bin/hvwake
[ -x "$hv" ] || fail "no $hv"
man1=$(find "$p" -name hvwake.1 | head -1); comp=$(find "$p" -path '*bash-completion/completions/hvwake' | head -1)
[ -n "$man1" ] && [ -n "$comp" ] || fail "installed: $(find "$p" -type f)"
echo "ok - installed $hv, $man1, $comp"
head -3 "$man1" | grep -q '^\.TH HVWAKE 1 ' || fail "the manual page has no .TH line"
"$hv" --help | sed -n 's/^  \([a-z][a-z-]*\( [a-z]*\)\?\)  .*/\1/p' | sed 's/ *$//' > "$p/cmds"
[ "$(wc -l < "$p/cmds")" -ge 15 ] || fail "commands listed: $(cat "$p/cmds")"
while read -r c; do
    r=$(echo "$c" | sed 's/-/\\-/g') # troff writes - as \-
    grep -qF ".SS \"hvwake $r " "$man1" || grep -qF ".SS \"hvwake $r\"" "$man1" \
        || fail "the manual page has no section for '$c'"
done < "$p/cmds"
echo "ok - the manual page has a section for each of the $(wc -l < "$p/cmds") commands"
if command -v groff >/dev/null 2>&1; then
    groff -man -Tutf8 -ww "$man1" 2>"$p/err" >/dev/null && [ ! -s "$p/err" ] || fail "groff: $(cat "$p/err")"
    echo "ok - groff renders it without warnings"
elif command -v man >/dev/null 2>&1; then
    man -l "$man1" >/dev/null 2>&1 || fail "man -l"
    echo "ok - man renders it"
else
    echo "ok - render the manual page # SKIP neither groff nor man is installed"
fi
command -v bash >/dev/null 2>&1 || { echo "ok - completion # SKIP no bash"; exit 0; }
complete_words() { # the completion of the words given, the last one being completed
    PATH="$p/bin:$PATH" bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _hvwake; printf "%s\n" "${COMPREPLY[@]}"' \
        sh "$comp" hvwake "$@"
}
complete_words re | grep -qx report || fail "hvwake re<TAB>: $(complete_words re)"
complete_words bench "" | grep -qx hcall || fail "hvwake bench <TAB>: $(complete_words bench '')"
complete_words plot --kind "" | tr '\n' ' ' | grep -q "^bars curve cdf $" || fail "plot --kind <TAB>: $(complete_words plot --kind '')"
complete_words run --tim | grep -qx -- --timeline-window || fail "run --tim<TAB>: $(complete_words run --tim)"
complete_words run smo | grep -qx smoke || fail "run smo<TAB> (presets): $(complete_words run smo)"
complete_words run --set sim.dur | grep -qx sim.duration= || fail "run --set sim.dur<TAB>: $(complete_words run --set sim.dur)"
complete_words bench hcall --guest-ipi "" | grep -qx reschedule || fail "bench hcall --guest-ipi <TAB>"
echo "ok - the completion completes commands, options, presets, keys and choices"
