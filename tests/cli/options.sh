#!/bin/sh
# options.sh HVWAKE SRCDIR — the command table (src/cli/commands.c) is the
# one list of every command's options, both ways:
#   - every option the table lists for a command is accepted by the
#     command's parser: "hvwake CMD OPT [VALUE] --zz-not-an-option" fails on
#     --zz-not-an-option, never with "unknown option 'OPT'";
#   - every option a command's source compares an argument with is in the
#     table for that command (src/cli/cmd_*.c);
#   - hvwake help CMD prints exactly hvwake CMD --help, for every command.
# The lists come from the generated completion, itself made from the table.
set -u
hv=$1; src=$2
fail() { echo "FAIL: $*"; status=1; }
status=0
d=$(mktemp -d /tmp/hv_cli_options.XXXXXX)
trap 'rm -rf "$d"' EXIT
"$hv" help --completion > "$d/comp" || { echo "FAIL: help --completion"; exit 1; }
# lines:     "run") opts="--help --set --seed ..." ;;
sed -n 's/^    "\([a-z -]*\)") opts="\([^"]*\)" ;;$/\1:\2/p' "$d/comp" > "$d/opts"
[ "$(wc -l < "$d/opts")" -ge 15 ] || { echo "FAIL: too few commands in the completion: $(cat "$d/opts")"; exit 1; }
value() { # a valid value for an option of the table, from its placeholder
    case "$1" in
        --set) echo sim.seed=1 ;; --vary) echo sim.seed=1,2 ;; --variant) echo a:sim.seed=1 ;;
        --shard) echo 1/1 ;; --kind) [ "$2" = plot ] && echo bars || echo null ;; --metric) echo ops ;;
        --x) echo sim.seed ;; --duration|--timeline-window) echo 1ms ;; --sampler) echo log ;;
        --signal) echo futex ;; --bug) echo none ;; --guest-ipi) echo targeted ;; --h-prod) echo fixed ;;
        --cost) echo kvm_rm_hcall=479 ;; --fit) echo default ;; --event) echo vmexit ;; --key) echo sample ;;
        --metrics) echo ycsb.ops_per_s ;;
        -o|--trace|--timeline|--kernel) echo "$d/out.svg" ;; --out) echo "$d/dir" ;;
        *) echo 1 ;;
    esac
}
n=0
while IFS=: read -r cmd opts; do
    [ "$cmd" = help ] && continue # its options print and exit
    for o in $opts; do
        [ "$o" = --help ] && continue
        # does the table give it a value? (the help line shows "  FLAG ARG")
        if "$hv" help $cmd | grep -Eq "^  $o [^ ]"; then args="$o $(value "$o" "$cmd")"; else args="$o"; fi
        out=$("$hv" $cmd $args --zz-not-an-option 2>&1 </dev/null); st=$?
        n=$((n + 1))
        if [ $st -eq 0 ] || echo "$out" | grep -q "unknown option '$o'" || ! echo "$out" | grep -q -- "--zz-not-an-option"; then
            fail "hvwake $cmd $args --zz-not-an-option: status $st, expected a failure on --zz-not-an-option: $out"
        fi
    done
    diff "$("$hv" help $cmd > "$d/h1"; echo "$d/h1")" "$("$hv" $cmd --help > "$d/h2"; echo "$d/h2")" >/dev/null \
        || fail "hvwake help $cmd differs from hvwake $cmd --help"
done < "$d/opts"
echo "ok - $n options of the table accepted by their commands"
# The sources: every "--option" a command compares with is in its table row.
for f in "$src"/src/cli/cmd_*.c; do
    b=$(basename "$f" .c); b=${b#cmd_}
    case "$b" in bench) cmd="bench phold" ;; bench_hcall) cmd="bench hcall" ;; bench_model) cmd="bench model" ;;
        show_config) cmd=show-config ;;
        kvm_stat) cmd=kvm-stat ;; *) cmd=$b ;; esac
    row=$(grep "^$cmd:" "$d/opts" | cut -d: -f2)
    [ -n "$row" ] || { fail "$f: no command '$cmd' in the table"; continue; }
    for o in $(grep -o 'strcmp([a-z]*, "-[-a-z][-a-z]*")' "$f" | sed 's/.*"\(-[-a-z]*\)")/\1/' | sort -u); do
        case " $row -h " in *" $o "*) ;; *) fail "$f compares with $o, which the table does not list for $cmd" ;; esac
    done
done
echo "ok - every option in the sources is in the table"
exit $status
