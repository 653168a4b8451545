#!/bin/sh
# bad_cli.sh HVWAKE BADDIR — the input rules of issue 18 through the
# program (real rooms): each bad input exits with status 2, prints nothing
# on stdout and exactly the expected "hvwake show-config: WHERE:LINE: what
# is wrong; what was expected" lines on stderr; each good one exits 0.
# BADDIR is tests/scn/bad (its files that use only [sim] run in both the
# fake-room test_scn_bad and here); real-room inputs are written below.
hv=$1; bad=$2
[ -x "$hv" ] && [ -d "$bad" ] || { echo "usage: bad_cli.sh HVWAKE BADDIR" >&2; exit 2; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0; n=0
p="hvwake show-config: "

# expect STATUS EXPECTED_STDERR ARGS... (of show-config)
expect() {
    want=$1; msg=$2; shift 2
    n=$((n + 1))
    "$hv" show-config "$@" >"$tmp/out" 2>"$tmp/err"; got=$?
    printf '%s\n' "$msg" >"$tmp/want"
    [ -z "$msg" ] && : >"$tmp/want"
    if [ "$got" != "$want" ] || ! cmp -s "$tmp/err" "$tmp/want" || { [ "$want" != 0 ] && [ -s "$tmp/out" ]; }; then
        echo "not ok $n - show-config $(printf '%s' "$*" | head -c 100)"
        echo "# exit status $got (expected $want); stderr:"; sed 's/^/#   /' "$tmp/err"
        echo "# expected:"; sed 's/^/#   /' "$tmp/want"
        fail=1
    else
        echo "ok $n - exit $got: $(head -c 100 "$tmp/want" | head -n 1)"
    fi
}

# Files of the corpus.
expect 2 "${p}$bad/latin1_label.ini:3: invalid UTF-8 (byte 0xe9 at offset 55); expected UTF-8 text" \
    "$bad/latin1_label.ini"
expect 2 "${p}$bad/bom_then_error.ini:3: sim.seed: 'abc' is not an unsigned integer; expected an integer in [0, 18446744073709551615]" \
    "$bad/bom_then_error.ini"
expect 2 "${p}$bad/long_value.ini:2: sim.duration: unknown unit 'minutes' in '111111111111111111111111111111111111111111111111111111111111...(908 bytes)'; expected a time with a unit ns, us, ms or s (e.g. 100ms)" \
    "$bad/long_value.ini"
# At most 50 errors, then the reader stops and says so.
want=$(i=1; while [ $i -le 50 ]; do
    echo "${p}$bad/many_errors.ini:$((i + 1)): unknown key 'k$i' in [sim]; expected one of: seed run replications duration warmup checks label description (hvwake keys)"
    i=$((i + 1)); done
    echo "${p}... stopped after 50 errors (the limit); the rest of the input was not checked")
expect 2 "$want" "$bad/many_errors.ini"

# A cross-key error names the key that is wrong, at its own location.
printf '[hw]\nthreads_per_core = 8\nsubcores_per_core = 3\n' >"$tmp/subcores.ini"
expect 2 "${p}$tmp/subcores.ini:3: hw.subcores_per_core = 3: hw.subcores_per_core must be 1, 2 or 4" "$tmp/subcores.ini"
expect 2 "${p}--set hw.subcores_per_core=2: split-core needs hw.threads_per_core = 8 (threads_per_subcore 8, 4 or 2)" \
    --set hw.threads_per_core=4 --set hw.subcores_per_core=2

# (preset mix: four VMs vm0..vm3 of 16 VCPUs, 8 threads per vcore)
expect 2 "${p}--set vm.vm0.vcpus=200: 25 vcores cannot fit on 20 cores; expected at most 160 VCPUs" \
    mix --set vm.vm0.vcpus=200
# A wildcard is quoted as typed, for each instance it made wrong.
want=$(for v in 0 1 2 3; do
    echo "${p}--set vm.*.threads_per_vcore=3: vm.vm$v.threads_per_vcore = 3: a vcore has a power of two threads; expected 1, 2, 4 or 8"
    done)
expect 2 "$want" mix --set 'vm.*.threads_per_vcore=3'
expect 2 "${p}--set host.hotplug_on_at=1ms: not after host.hotplug_off_at (5000000 ns): the core must go offline before it comes back; expected 0 (never) or a later time" \
    --set host.hotplug_core=2 --set host.hotplug_off_at=5ms --set host.hotplug_on_at=1ms
printf 'include = preset:mix\n\n[hw]\nchips = 1\n\n[host]\nhotplug_core = 10\n' >"$tmp/hotplug.ini"
expect 2 "${p}$tmp/hotplug.ini:7: host.hotplug_core = 10: core 10 does not exist (the machine has 10 cores); expected -1 (none) or a core below 10" \
    "$tmp/hotplug.ini"

# Copies of a VM (vm.NAME.count) and the VM limits: at most 128 [vm]
# sections, 1024 VMs in all, every VM name distinct and short enough.
printf '[vm "a"]\nvcpus = 1\ncount = 1024\n\n[vm "b"]\nvcpus = 1\n' >"$tmp/count_total.ini"
expect 2 "${p}$tmp/count_total.ini:3: vm.a.count = 1024: the VMs number 1025 in all; expected at most 1024" \
    "$tmp/count_total.ini"
expect 2 "${p}--set vm.db.count=1025: 1025 is out of range; expected an integer in [1, 1024]" \
    ycsb --set vm.db.count=1025
printf '[vm "a"]\nvcpus = 1\ncount = 12\n\n[vm "a1"]\nvcpus = 1\ncount = 2\n\n[vm "b"]\nvcpus = 1\ncount = 2\n\n[vm "b1"]\nvcpus = 1\n' >"$tmp/count_names.ini"
expect 2 "${p}$tmp/count_names.ini:7: vm.a1.count = 2: its copy a10 has the name of a copy of [vm \"a\"]; expected distinct VM names
${p}$tmp/count_names.ini:7: vm.a1.count = 2: its copy a11 has the name of a copy of [vm \"a\"]; expected distinct VM names
${p}$tmp/count_names.ini:11: vm.b.count = 2: its copy b1 has the name of the VM [vm \"b1\"]; expected distinct VM names" \
    "$tmp/count_names.ini"
printf '[vm "abcdefghijklmnopqrstuvwxyz0123"]\nvcpus = 1\ncount = 100\n' >"$tmp/count_long.ini"
expect 2 "${p}$tmp/count_long.ini:3: vm.abcdefghijklmnopqrstuvwxyz0123.count = 100: the name of its last copy, abcdefghijklmnopqrstuvwxyz012399, is longer than 31 bytes; expected a shorter [vm] name or fewer copies" \
    "$tmp/count_long.ini"
expect 2 "${p}--set vm.vm0.first_core=17: its 2 copies of 2 vcores each, pinned one after the other from core 17, do not fit the 20 cores of the machine; expected -1 (not pinned) or at most 16" \
    mix --set vm.vm0.count=2 --set vm.vm0.first_core=17
expect 2 "${p}--set vm.vm1.first_core=2: core 2 is already pinned to another VM's vcore; expected VMs pinned to distinct cores" \
    mix --set vm.vm0.count=2 --set vm.vm0.first_core=0 --set vm.vm1.first_core=2
expect 0 "" mix --set vm.vm0.count=2 --set vm.vm0.first_core=0 --set vm.vm1.first_core=4
: >"$tmp/sections.ini"
i=0; while [ $i -le 128 ]; do printf '[vm "v%d"]\nvcpus = 1\n' $i >>"$tmp/sections.ini"; i=$((i + 1)); done
expect 2 "${p}$tmp/sections.ini:257: too many [vm] sections; expected at most 128" "$tmp/sections.ini"

# Nothing clamped: underflow, negative zero.
expect 2 "${p}--set mix.p_hpte=1e-400: '1e-400' is too small for a double (not 0 but below 2.2250738585072014e-308: it would be stored as 0); expected 0 or a number in [0, 1]" \
    --set mix.p_hpte=1e-400
expect 2 "${p}--set mix.p_hpte=-0: '-0' is a negative zero; expected 0 without a sign, or a number in [0, 1]" \
    --set mix.p_hpte=-0
expect 2 "${p}--set host.hotplug_core=-0: '-0' is a negative zero; expected 0 without a sign, or an integer in [-1, 4095]" \
    --set host.hotplug_core=-0

# UTF-8 only, and long values shortened with the "expected" part kept.
latin1=$(printf 'sim.label=caf\351')
expect 2 "${p}--set $latin1: invalid UTF-8 (byte 0xe9 at offset 3 of the value); expected UTF-8 text" \
    --set "$latin1"
long=$(printf '%05000d' 0 | tr 0 x)
expect 2 "${p}--set mix.p_hpte=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...(5011 bytes): 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...(5000 bytes)' is not a number; expected a number in [0, 1]" \
    --set "mix.p_hpte=$long"

# Good input: a byte-order mark, a valid number of 75 characters.
printf '\357\273\277# with a byte-order mark\n[sim]\nseed = 7\n' >"$tmp/bom.ini"
expect 0 "" "$tmp/bom.ini"
grep -q '^seed = 7 ' "$tmp/out" || { echo "not ok - the BOM file's seed is not 7"; fail=1; }
expect 0 "" --set mix.p_hpte=0.0000000000000000000000000000000000000000000000000000000000000000000000001
grep -q '^p_hpte = 1e-73 ' "$tmp/out" || { echo "not ok - p_hpte is not 1e-73"; fail=1; }

echo "1..$n"
exit $fail
