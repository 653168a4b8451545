#!/bin/sh
# kernel_files.sh HVWAKE — run --kernel: kvm_stat -1's layout and names,
# counted as the kernel counts them, the per-VM views, the debugfs paths,
# the XICS dump of every source, and no guest or rm_entry interval shorter
# than the hardware allows.
hv=$1
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
"$hv" run mix --quiet --set sim.warmup=1ms --set sim.duration=10ms --set vm.vm1.dev_irq_rate=20000 --kernel "$dir/k" --csv -o "$dir/m.csv" || fail "run failed"
metric() { awk -F, -v k="$1" '$1 == k { print $2 }' "$dir/m.csv"; }
# the first section: kvm_stat -1 -d, "%-42s%10d%10d", sorted, book3s.c's debugfs_entries
awk '/^==> kvm_stat -1 -d <==$/{s=1; next} s && /^$/{exit} s && !/^#/' "$dir/k" > "$dir/all"
[ "$(wc -l < "$dir/all")" -eq 27 ] || fail "expected the 27 debugfs_entries, got $(wc -l < "$dir/all")"
grep -Evq '^[a-z_]+ {1,41} {0,9}[0-9]{1,10} {0,9}[0-9]{1,10}$' "$dir/all" && fail "a line is not '%-42s%10d%10d'"
awk 'length($0) != 62' "$dir/all" | grep -q . && fail "a line is not 62 characters wide"
cut -c1-42 "$dir/all" | sed 's/ *$//' > "$dir/names"
LC_ALL=C sort -c "$dir/names" || fail "the names are not in kvm_stat's sorted order"
for n in exits mmio sig sysc inst_emu dec ext_intr queue_intr halt_poll_success_ns halt_poll_fail_ns halt_wait_ns \
         halt_successful_poll halt_attempted_poll halt_successful_wait halt_poll_invalid halt_wakeup pf_storage \
         sp_storage pf_instruc sp_instruc ld ld_slow st st_slow pthru_all pthru_host pthru_bad_aff; do
    grep -qx "$n" "$dir/names" || fail "no $n"
done
# counted as the kernel: current over the whole 10 ms = the kvm.* metrics; total includes the warm-up
for n in exits ext_intr dec queue_intr halt_wakeup halt_successful_wait halt_wait_ns; do
    total=$(awk -v n="$n" '$1 == n {print $2}' "$dir/all"); cur=$(awk -v n="$n" '$1 == n {print $3}' "$dir/all")
    [ "$cur" = "$(metric "kvm.$n")" ] || fail "$n current $cur, kvm.$n $(metric "kvm.$n")"
    [ "$total" -ge "$cur" ] || fail "$n total $total < current $cur"
done
[ "$(awk '$1 == "ext_intr" {print $3}' "$dir/all")" -gt 0 ] || fail "no ext_intr (EXTERNAL and H_DOORBELL exits)"
# per VM (kvm_stat -p PID): the VMs add up to the whole
for n in exits ext_intr queue_intr; do
    sum=$(awk -v n="$n" '/^==> kvm_stat -1 -d -p [0-9]+ <==$/{s=1} /^==> hvwake/{s=0} s && $1 == n {t += $2} END {print t}' "$dir/k")
    [ "$sum" = "$(awk -v n="$n" '$1 == n {print $2}' "$dir/all")" ] || fail "per-VM $n totals do not add up"
done
[ "$(grep -c '^==> kvm_stat -1 -d -p [0-9]* <==$' "$dir/k")" -eq 4 ] || fail "expected 4 per-VM views"
grep -q '^# vm vm0 (-g vm0): /sys/kernel/debug/kvm/4000-11/<name>$' "$dir/k" || fail "no kvm/<pid>-<fd> path for vm0"
# hvwake's own counters, apart
awk '/^==> hvwake counters/{s=1; next} s && /^$/{exit} s && !/^#/ {print $1}' "$dir/k" > "$dir/own"
for n in hcalls hcalls_rm hcalls_vm cede prod user_exits grab_waits; do grep -qx "$n" "$dir/own" || fail "no hvwake $n"; done
grep -qx exits "$dir/own" && fail "a kernel name among hvwake's counters"
# debugfs timings per VCPU under kvm/vm<pid>/vcpu<N>, no guest interval under
# kvm_hrfid_tail + kvm_intr_save, no rm_entry of 0
[ "$(grep -c '^==> kvm/vm[0-9]*/vcpu[0-9]*/timings <==$' "$dir/k")" -eq 64 ] || fail "expected 64 timings files"
edge=$("$hv" costs | awk '$1 == "kvm_hrfid_tail" || $1 == "kvm_intr_save" {t += $2} END {print t}')
[ "$edge" -gt 0 ] || fail "no kvm_hrfid_tail/kvm_intr_save rows"
awk -v e="$edge" '$1 == "guest:" && $2 > 0 && $4 < e {bad++} END {exit bad > 0}' "$dir/k" || fail "a guest interval under $edge ns"
awk '$1 == "rm_entry:" && $2 > 0 && $4 == 0 {bad++} END {exit bad > 0}' "$dir/k" || fail "a 0 ns rm_entry"
[ "$(awk '$1 == "guest:" {print $4}' "$dir/k" | sort -n | head -1)" -eq "$edge" ] || fail "the shortest guest interval is not the hardware minimum $edge ns"
# the XICS dump: every source of every ICS, as xics_debug_show prints
[ "$(grep -c '^==> powerpc/kvm-xics-c000000ff[0-9a-f]* <==$' "$dir/k")" -eq 4 ] || fail "expected 4 XICS files"
[ "$(grep -c '^irq 0x' "$dir/k")" -eq 1024 ] || fail "expected 1024 sources (vm1's ICS), got $(grep -c '^irq 0x' "$dir/k")"
echo "ok"
