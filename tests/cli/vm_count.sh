#!/bin/sh
# vm_count.sh HVWAKE — a [vm "NAME"] section with count = N is the same
# model as N sections NAME0 .. NAME<N-1> written out (same metrics, same
# kvm_stat per VM, same trace), pinned copies included, and the copies
# carry their own names into the per-VM outputs.
hv=$1
[ -x "$hv" ] || { echo "usage: vm_count.sh HVWAKE" >&2; exit 2; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0

head='[sim]
warmup = 1ms
duration = 3ms

[hw]
chips = 1
cores_per_chip = 10
'
vm='vcpus = 4
threads_per_vcore = 2
guest = mix'
{ printf '%s\n[vm "web"]\ncount = 3\n%s\n\n' "$head" "$vm"
  printf '[vm "db"]\ncount = 2\nfirst_core = 6\n%s\n' "$vm"; } >"$tmp/count.ini"
{ printf '%s\n' "$head"
  for i in 0 1 2; do printf '[vm "web%d"]\n%s\n\n' $i "$vm"; done
  printf '[vm "db0"]\nfirst_core = 6\n%s\n\n[vm "db1"]\nfirst_core = 8\n%s\n' "$vm" "$vm"; } >"$tmp/written.ini"

for f in count written; do
    "$hv" run "$tmp/$f.ini" --quiet --kernel "$tmp/$f.kernel" --trace "$tmp/$f.trace" >"$tmp/$f.out" 2>"$tmp/$f.err" \
        || { echo "not ok - run $f.ini failed:"; sed 's/^/#   /' "$tmp/$f.err"; exit 1; }
    grep -v '^#' "$tmp/$f.out" >"$tmp/$f.metrics"
done
for part in metrics kernel trace; do
    if cmp -s "$tmp/count.$part" "$tmp/written.$part"; then
        echo "ok - count = N gives the same $part as N sections"
    else
        echo "not ok - count = N and N sections differ in $part:"
        diff "$tmp/written.$part" "$tmp/count.$part" | head -10 | sed 's/^/#   /'
        fail=1
    fi
done
for name in web0 web1 web2 db0 db1; do
    if grep -q "^# vm $name (-g $name)" "$tmp/count.kernel"; then
        echo "ok - the kernel output names $name"
    else
        echo "not ok - the kernel output does not name $name"; fail=1
    fi
done
# The configuration echo keeps the section, not its copies.
if grep -q '^#   vm\.web\.count  *= 3 ' "$tmp/count.out" && ! grep -q 'vm\.web0\.' "$tmp/count.out"; then
    echo "ok - the echo shows vm.web.count = 3"
else
    echo "not ok - the echo does not show vm.web.count = 3 alone"; fail=1
fi
exit $fail
