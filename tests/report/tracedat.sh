#!/bin/sh
# tracedat.sh HVWAKE — `run --trace F.dat` read back by trace-cmd (what
# KernelShark opens it with): every event of the text trace of the same run
# appears in `trace-cmd report`, in the same order, with the same thread,
# CPU, time and fields; `trace-cmd report -t` gives the nanoseconds the text
# rounds to microseconds; the file declares the 11 kvm_hv formats and
# trace-cmd reads it without a warning; hvwake kvm-stat gives the same
# samples from the trace.dat (through trace-cmd) as from the text.
# Exits 77 (CTest SKIP_RETURN_CODE) when trace-cmd is missing.
hv=$1
if ! command -v trace-cmd >/dev/null 2>&1; then
    echo "SKIP: trace-cmd is not installed (apt-get install trace-cmd; .ci/run installs it in CI)"; exit 77
fi
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# every event kind: userspace exits, no M1, an idle VM, a device
set -- mix --quiet --set sim.warmup=1ms --set sim.duration=3ms --set mix.p_user=0.02 \
    --set kvm.h_ipi_redirect=0 --set vm.vm3.guest=idle --set vm.vm2.dev_irq_rate=20000 --set mix.idle_mean=300us
"$hv" run "$@" --trace "$dir/t.txt" > /dev/null || fail "run --trace t.txt failed"
"$hv" run "$@" --trace "$dir/t.dat" > /dev/null || fail "run --trace t.dat failed"
head -c 10 "$dir/t.dat" | od -c | head -1 | grep -q 'D   t   r   a   c   i   n   g' || fail "no trace.dat magic"
trace-cmd report -i "$dir/t.dat" > "$dir/r.txt" 2> "$dir/r.err" || { cat "$dir/r.err"; fail "trace-cmd report failed"; }
[ ! -s "$dir/r.err" ] || { cat "$dir/r.err"; fail "trace-cmd report warned"; }
head -1 "$dir/r.txt" | grep -qx "cpus=160" || fail "expected cpus=160, got $(head -1 "$dir/r.txt")"
# the same lines once the text's irq-info column goes and spaces are squeezed
grep -v '^#' "$dir/t.txt" | sed -E 's/ \.\.\.\. / /' | tr -s ' ' | sed 's/^ //' > "$dir/a"
tail -n +2 "$dir/r.txt" | tr -s ' ' | sed 's/^ //' > "$dir/b"
n=$(wc -l < "$dir/a")
[ "$n" -gt 1000 ] || fail "only $n events"
cmp -s "$dir/a" "$dir/b" || { diff "$dir/a" "$dir/b" | head; fail "trace-cmd report differs from the text trace"; }
# nanoseconds, rounded to the text's microseconds
trace-cmd report -t -i "$dir/t.dat" | tail -n +2 |
    awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/ && split(substr($i, 1, length($i) - 1), t, ".") == 2 &&
                                         length(t[2]) == 9) {
           us = int((t[2] + 500) / 1000); s = t[1]; if (us >= 1000000) { us -= 1000000; s++ }
           printf "%d.%06d\n", s, us; break } }' > "$dir/ns"
awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+\.[0-9]+:$/) { print substr($i, 1, length($i) - 1); break } }' \
    "$dir/b" > "$dir/us"
[ "$(wc -l < "$dir/ns")" -eq "$n" ] || fail "trace-cmd report -t: $(wc -l < "$dir/ns") timestamps for $n events"
cmp -s "$dir/ns" "$dir/us" || { diff "$dir/ns" "$dir/us" | head; fail "the ns timestamps do not round to the text's"; }
# the formats
[ "$(trace-cmd report --events -i "$dir/t.dat" | grep -c '^name: kvm')" -eq 11 ] || fail "expected the 11 kvm_hv formats"
trace-cmd report --events -i "$dir/t.dat" | grep -q 'print fmt: "VCPU %d: ret=%s hcall_rc=%s", REC->vcpu_id, __print_symbolic(REC->ret, {0, "RESUME_GUEST"}' \
    || fail "kvm_hcall_exit's format is not the kernel's"
# kvm-stat: the same samples from the trace.dat as from the text
"$hv" kvm-stat "$dir/t.txt" | awk '/^ +[A-Z_]+ +[0-9]+ /{print $1, $2}' > "$dir/k.txt" || fail "kvm-stat on the text failed"
"$hv" kvm-stat "$dir/t.dat" | awk '/^ +[A-Z_]+ +[0-9]+ /{print $1, $2}' > "$dir/k.dat" || fail "kvm-stat on the trace.dat failed"
[ -s "$dir/k.txt" ] && cmp -s "$dir/k.txt" "$dir/k.dat" || { diff "$dir/k.txt" "$dir/k.dat"; fail "kvm-stat samples differ between text and trace.dat"; }
echo "ok: $n events"
