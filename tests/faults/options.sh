#!/bin/sh
# options.sh HVWAKE RESULTS_TOOL — conflicting or repeated options are
# errors naming the flag typed, never last-one-wins; --duration and --set
# sim.duration apply in command-line order.
. "$(dirname "$0")/lib.sh"
cd "$T" || exit 1
R="run smoke --quiet --set sim.warmup=0ns"
V="--set sim.duration=1ms --set sim.warmup=0ns"

expect "the same key in two --vary" 2 "^hvwake compare: --vary kvm\.h_ipi_redirect=0,1: key kvm\.h_ipi_redirect is also varied by --vary kvm\.h_ipi_redirect=1,0; expected each key in one --vary$" \
    "$hv" compare smoke $V --vary kvm.h_ipi_redirect=1,0 --vary kvm.h_ipi_redirect=0,1
expect "the same key twice in one --variant" 2 "^hvwake sweep: --variant a:kvm\.guest_ipi=targeted,kvm\.guest_ipi=reschedule: key kvm\.guest_ipi assigned twice" \
    "$hv" sweep smoke $V --out s --variant a:kvm.guest_ipi=targeted,kvm.guest_ipi=reschedule
expect "a key in a --variant and a --vary" 2 "key kvm\.guest_ipi is also set by --variant a:kvm\.guest_ipi=targeted" \
    "$hv" compare smoke $V --variant a:kvm.guest_ipi=targeted --vary kvm.guest_ipi=targeted,reschedule
[ -e s ] && fail "sweep created its directory although its options were refused"
for c in "run smoke" "compare smoke --vary kvm.h_ipi_redirect=1,0" "merge s"; do
    expect "$c --json --csv" 2 "option --csv conflicts with --json; expected one output format" "$hv" $c --json --csv
done
for c in "$R -o a -o b:-o" "$R --trace a --trace b:--trace" "$R --timeline-window 1ms --timeline-window 2ms:--timeline-window" \
         "compare smoke --vary kvm.h_ipi_redirect=1,0 --replications 2 --replications 3:--replications" \
         "sweep smoke --vary kvm.h_ipi_redirect=1,0 --out a --out b:--out" \
         "sweep smoke --vary kvm.h_ipi_redirect=1,0 --out a --shard 1/2 --shard 2/2:--shard" \
         "sweep smoke --vary kvm.h_ipi_redirect=1,0 --out a --jobs 1 --jobs 2:--jobs" \
         "merge s -o a -o b:-o" "plot s -o a.svg -o b.svg:-o" "plot s --kind bars --kind cdf -o a.svg:--kind" \
         "validate --seed 1 --seed 2:--seed" "bench hcall --seed 1 --seed 2:--seed" "show-config --json --json:--json"; do
    expect "${c%%:*}" 2 "option ${c##*:} given twice" "$hv" ${c%%:*}
done
expect "compare --shard" 2 "option --shard is not used by this command" "$hv" compare smoke --vary kvm.h_ipi_redirect=1,0 --shard 1/2
expect "two scenarios" 2 "a second scenario 'default' after 'smoke'; expected one NAME\|FILE" "$hv" run smoke default

# --duration and --set sim.duration: command-line order, labelled with the
# flag typed.
expect "--duration then --set" 0 '"sim.duration": 2000000,' "$hv" $R --duration 1ms --set sim.duration=2ms --json
expect "--set then --duration" 0 '"sim.duration": "--duration"' "$hv" $R --set sim.duration=2ms --duration 1ms --json
expect "--set then --duration: the value" 0 '"sim.duration": 1000000,' "$hv" $R --set sim.duration=2ms --duration 1ms --json
expect "a bad --duration names the flag" 2 "^hvwake run: --duration 5: missing unit in '5'" \
    "$hv" $R --duration 5
expect "a bad --seed names the flag" 2 "^hvwake run: --seed x: 'x' is not an unsigned integer" "$hv" $R --seed x
finish
