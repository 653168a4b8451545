#!/bin/sh
# kvm_stat.sh HVWAKE DATA — hvwake kvm-stat (perf kvm stat report for POWER):
#   - data/kvm_stat_small.trace, a trace in the kernel's text format written
#     by hand, gives the tables computed by hand (data/*.expected: perf's
#     pairing per thread, begins replaced, ends without a begin and threads
#     without a kvm_guest_enter ignored, RETURN_TO_HOST/UNKNOWN names, ties
#     in hash order, --key time, --event, --vcpu);
#   - the same events as `trace-cmd report -t` prints them (no irq flags,
#     padded event names, ns timestamps) give the same tables;
#   - bad input is refused with file:line and exit 2;
#   - hvwake's own trace gives both tables.
hv=$1; data=$2
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
small=$data/kvm_stat_small.trace

"$hv" kvm-stat "$small" > "$dir/out" || fail "kvm-stat on the small trace failed"
diff "$data/kvm_stat_small.expected" "$dir/out" || fail "the small trace's tables differ from the hand-computed ones"
"$hv" kvm-stat "$small" --event vmexit --key time > "$dir/out" || fail "kvm-stat --event vmexit --key time failed"
diff "$data/kvm_stat_small.time.expected" "$dir/out" || fail "--key time: not sorted by average time"
"$hv" kvm-stat "$small" --vcpu 1 --event vmexit > "$dir/out" || fail "kvm-stat --vcpu 1 failed"
grep -q "Analyze events for all VMs, VCPU 1:" "$dir/out" || fail "--vcpu 1: no VCPU 1 header"
# VCPU 1's exits are traced by the runner (thread of VCPU 0): perf attributes none to VCPU 1
grep -q "^Total Samples:0, Total events handled time:0.00us.$" "$dir/out" || fail "--vcpu 1: exits attributed to VCPU 1"
"$hv" kvm-stat "$small" --vcpu 1 --event hcall > "$dir/out" || fail "kvm-stat --vcpu 1 --event hcall failed"
grep -q "^Total Samples:2, Total events handled time:8.00us.$" "$dir/out" || fail "--vcpu 1: not VCPU 1's hcalls"

# trace-cmd report's layout: "cpus=N", no irq flags, event names padded to
# 20 characters, nanosecond timestamps (-t); standard input
{ echo "cpus=4"; grep -v '^#' "$small" | sed -E 's/\] (\.\.\.\.|d\.\.\.) /] /; s/(\.[0-9]{6}):/\1000:/' |
    awk '{ i = index($0, ": "); j = index(substr($0, i + 2), ": "); n = substr($0, i + 2, j);
           printf "%s%-21s %s\n", substr($0, 1, i + 1), n, substr($0, i + j + 3) }'; } > "$dir/tc.txt"
grep -q "kvm_guest_exit:       VCPU 0" "$dir/tc.txt" || fail "the trace-cmd layout was not made"
"$hv" kvm-stat - < "$dir/tc.txt" > "$dir/out" || fail "kvm-stat on trace-cmd's layout failed"
diff "$data/kvm_stat_small.expected" "$dir/out" || fail "trace-cmd's layout gives other tables"

# bad input: file:line, exit 2
printf '# tracer: nop\n    CPU 0/KVM-5002  [000] ....   100.000010: kvm_guest_exit: VCPU 0: trap=NOPE pc=0x0 msr=0x0, ceded=0\n' > "$dir/bad"
"$hv" kvm-stat "$dir/bad" > /dev/null 2> "$dir/err"; rc=$?
[ $rc -eq 2 ] || fail "an unknown trap name: exit $rc, expected 2"
grep -q "bad:2: kvm_guest_exit: 'NOPE' after 'trap=' is neither a kernel name nor 0x-hex" "$dir/err" || { cat "$dir/err"; fail "no file:line message for a bad trap"; }
printf 'hello world\n' > "$dir/junk"
"$hv" kvm-stat "$dir/junk" > /dev/null 2> "$dir/err"; rc=$?
[ $rc -eq 2 ] && grep -q "junk:1: no CPU column" "$dir/err" || fail "a line that is no event: exit $rc, $(cat "$dir/err")"
printf '# tracer: nop\n          <idle>-0     [002] d...   100.000150: sched_switch: prev_comm=swapper/2\n' > "$dir/none"
"$hv" kvm-stat "$dir/none" > /dev/null 2> "$dir/err"; rc=$?
[ $rc -eq 2 ] && grep -q "has no kvm_hv events" "$dir/err" || fail "a trace with no kvm_hv event: exit $rc"
"$hv" kvm-stat "$dir/nonexistent" > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "a missing file: exit $rc"
"$hv" kvm-stat "$small" --event nope > /dev/null 2>&1; rc=$?
[ $rc -eq 2 ] || fail "--event nope: exit $rc"

# hvwake's own trace
"$hv" run mix --quiet --set sim.warmup=1ms --set sim.duration=2ms --trace "$dir/t.txt" > /dev/null || fail "run failed"
"$hv" kvm-stat "$dir/t.txt" > "$dir/out" || fail "kvm-stat on hvwake's trace failed"
grep -Eq "^ +UNKNOWN +[1-9][0-9]* " "$dir/out" || fail "no H_DOORBELL (UNKNOWN to perf) exits in hvwake's trace"
grep -Eq "^ +SYSCALL +[1-9][0-9]* " "$dir/out" || fail "no SYSCALL exits in hvwake's trace"
[ "$(grep -c '^Total Samples:' "$dir/out")" -eq 2 ] || fail "expected two tables"
echo "ok"
