#!/bin/sh
# same_twice.sh HVWAKE ARGS... — run the command twice; pass if both succeed
# and their stdout is byte-identical (determinism: same seed, same output).
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
"$@" > "$dir/a" || { echo "first run failed"; exit 1; }
"$@" > "$dir/b" || { echo "second run failed"; exit 1; }
if ! cmp -s "$dir/a" "$dir/b"; then
    echo "outputs differ:"; diff "$dir/a" "$dir/b" | head -20; exit 1
fi
[ -s "$dir/a" ] || { echo "empty output"; exit 1; }
echo "ok: $(wc -c < "$dir/a") identical bytes"
