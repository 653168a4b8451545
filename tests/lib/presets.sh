# tests/lib/presets.sh — the embedded presets and the span a test runs each
# for, in one place; sourced by tests/golden/golden.sh (the goldens),
# tests/golden/fingerprint.sh and tests/kvm/presets_both_modes.sh (every
# preset in both host modes), so that the list and the spans they check
# cannot drift apart.

# preset_names HVWAKE: the embedded presets, one name a line (hvwake
# scenarios); fails, with a message, when it lists none.
preset_names() {
    _names=$("$1" scenarios | awk '{print $1}')
    [ -n "$_names" ] || { echo "no presets listed by $1 scenarios" >&2; return 1; }
    printf '%s\n' "$_names"
}

# preset_span PRESET: the --set arguments of the span PRESET runs for: 1 ms
# of warm-up and 2 ms measured; the e880 presets (192 cores, 96 VMs) 20 us
# + 80 us, as a debug build checks the whole model after every event (tens
# of us an event at that size), so 1 ms + 2 ms would take minutes, and
# 80 us still covers their boot and the first requests of every guest.
preset_span() {
    case $1 in
    e880-*) echo "--set sim.warmup=20us --set sim.duration=80us" ;;
    *) echo "--set sim.warmup=1ms --set sim.duration=2ms" ;;
    esac
}
