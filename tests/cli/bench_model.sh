#!/bin/sh
# bench_model.sh HVWAKE — hvwake bench model runs the model hvwake run runs:
# the same events on the same scenario and options, the scenario's size as
# written, and memory figures that make sense (the heap grows while the
# model is built; a peak resident set). Its wall-clock figures are not
# checked (speed is measured in bench/, never asserted).
hv=$1
[ -x "$hv" ] || { echo "usage: bench_model.sh HVWAKE" >&2; exit 2; }
fail=0
want=$("$hv" run smoke --quiet --set vm.db.count=2 --duration 2ms | sed -n 's/^sim\.events  *\([0-9]*\) .*/\1/p')
line=$("$hv" bench model smoke --set vm.db.count=2 --duration 2ms) || { echo "not ok - bench model failed"; exit 1; }
echo "# $line"
get() { printf '%s\n' "$line" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
check() { # NAME TEST
    if eval "$2"; then echo "ok - $1"; else echo "not ok - $1 ($2)"; fail=1; fi
}
check "events as hvwake run's sim.events ($want)" '[ -n "$want" ] && [ "$(get events)" = "$want" ]'
check "the scenario's size" '[ "$(get vms)" = 2 ] && [ "$(get vcpus)" = 32 ] && [ "$(get cores)" = 20 ] && [ "$(get threads)" = 160 ]'
check "simulated time = warm-up + duration" '[ "$(get sim_ns)" = 3000000 ]'
check "events per second from the loop" 'awk "BEGIN { exit !($(get ev_per_s) > 0 && $(get loop_s) > 0) }"'
check "the heap grows with the model" '[ "$(get heap_built)" -eq -1 ] || [ "$(get heap_built)" -gt "$(get heap_base)" ]'
check "a peak resident set" '[ "$(get rss_peak_kb)" -gt 0 ]'
check "engine bytes per event slot" 'awk "BEGIN { exit !($(get engine_bytes_per_event) >= 64) }"'
"$hv" bench model smoke --set vm.db.nope=1 >/dev/null 2>&1; st=$?
check "a bad scenario exits 2" '[ $st -eq 2 ]'
exit $fail
