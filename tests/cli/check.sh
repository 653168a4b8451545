#!/bin/sh
# check.sh STATUS REGEX HVWAKE ARGS... — run HVWAKE ARGS; pass if the exit
# status is STATUS and stdout+stderr match the (grep -E) REGEX.
want=$1; pattern=$2; shift 2
out=$("$@" 2>&1); got=$?
if [ "$got" != "$want" ]; then
    echo "exit status $got, expected $want:"; echo "$out"; exit 1
fi
if ! printf '%s\n' "$out" | grep -Eq -- "$pattern"; then
    echo "output does not match /$pattern/:"; echo "$out"; exit 1
fi
echo "ok: status $got, /$pattern/"
