#!/bin/sh
# timeline.sh HVWAKE — the timeline has one track per hardware thread (160 for
# the mix preset's machine) with the hw modes as states, and closes as JSON.
hv=$1
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
"$hv" run mix --quiet --set sim.warmup=1ms --set sim.duration=10ms --timeline "$dir/t.json" --timeline-window 500us > /dev/null || { echo "run failed"; exit 1; }
tracks=$(grep -o '"name":"thread_name","args":{"name":"cpu [0-9]*' "$dir/t.json" | sort -u | wc -l)
[ "$tracks" -eq 160 ] || { echo "expected 160 thread tracks, got $tracks"; exit 1; }
for state in guest kvm_rm offline_nap guest_nap host; do
    grep -q "\"ph\":\"X\",\"pid\":1,\"tid\":[0-9]*,\"name\":\"$state\"" "$dir/t.json" || { echo "no $state slice"; exit 1; }
done
tail -c 4 "$dir/t.json" | grep -q ']}' || { echo "the JSON document is not closed"; exit 1; }
echo "ok: $tracks tracks"
