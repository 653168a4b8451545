# lib.sh — helpers of the fault-injection tests (sourced by each *.sh here).
# Each test gets HVWAKE and RESULTS_TOOL as $1 $2, works in a fresh
# directory $T (removed at exit), prints "ok - NAME" / "not ok - NAME" lines
# and exits 1 if any check failed.
hv=$1; tool=$2
[ -x "$hv" ] || { echo "usage: $0 HVWAKE RESULTS_TOOL"; exit 2; }
T=$(mktemp -d /tmp/hv_faults.XXXXXX) || exit 1
chmod 755 "$T"
trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT
bad=0
fail() { echo "not ok - $*"; bad=1; }

# expect NAME STATUS REGEX CMD... — CMD exits with STATUS and its stdout and
# stderr together match the grep -E REGEX.
expect() {
    _name=$1; _want=$2; _re=$3; shift 3
    _out=$("$@" 2>&1); _got=$?
    if [ "$_got" != "$_want" ]; then
        fail "$_name: exit status $_got, expected $_want: $_out"; return 1
    fi
    if ! printf '%s\n' "$_out" | grep -Eq -- "$_re"; then
        fail "$_name: the output does not match /$_re/: $_out"; return 1
    fi
    echo "ok - $_name"
}

# keep FILE... saves copies; unchanged NAME FILE... checks they are intact.
keep() { for _f in "$@"; do cp "$_f" "$_f.kept" || exit 1; done; }
unchanged() {
    _name=$1; shift
    for _f in "$@"; do
        cmp -s "$_f" "$_f.kept" || { fail "$_name: $_f was changed or destroyed"; return 1; }
    done
    echo "ok - $_name: previous results intact"
}

# no_temps NAME DIR — no temporary file left in DIR.
no_temps() {
    _left=$(ls -a "$2" | grep -E '\.tmp-')
    if [ -n "$_left" ]; then fail "$1: left in $2: $_left"; return 1; fi
    echo "ok - $1: nothing left behind"
}

# alive PID — the process exists and is not a zombie.
alive() {
    if [ -r /proc/$1/stat ]; then
        ! grep -q ') Z ' /proc/$1/stat 2>/dev/null
    else
        _st=$(ps -o stat= -p "$1" 2>/dev/null)
        [ -n "$_st" ] && [ "${_st#Z}" = "$_st" ]
    fi
}

# kids PID — the child processes of PID (pgrep, else /proc).
kids() {
    if command -v pgrep >/dev/null 2>&1; then
        pgrep -P "$1"
    else
        grep -l "^[0-9]* ([^)]*) [A-Za-z] $1 " /proc/[0-9]*/stat 2>/dev/null | sed 's|/proc/\([0-9]*\)/stat|\1|'
    fi
}

# children PID N — the worker processes of PID, waiting up to 5 s for N.
children() {
    _i=0
    while [ $_i -lt 100 ]; do
        _k=$(kids "$1" | tr '\n' ' ')
        [ $(echo $_k | wc -w) -ge "$2" ] && { echo $_k; return 0; }
        sleep 0.05; _i=$((_i + 1))
    done
    echo $_k
}

# interrupt VAR SIG STATUS ARGS... — start hvwake $VAR ARGS in the
# background, send SIG once it runs, expect it to end with STATUS. A
# background job of a script ignores SIGINT: env --default-signal gives it
# the default action back, as a terminal's Ctrl-C would find it.
interrupt() {
    eval "_args=\$$1"; _sig=$2; _want=$3; shift 3
    if [ "$_sig" = INT ]; then
        env --default-signal=INT true 2>/dev/null || { echo "ok - SIGINT # SKIP env --default-signal missing"; return 0; }
        env --default-signal=INT "$hv" $_args "$@" 2>"$T/int.err" & _p=$!
    else
        "$hv" $_args "$@" 2>"$T/int.err" & _p=$!
    fi
    sleep 0.5
    kill -$_sig $_p; wait $_p; _st=$?
    if [ $_st = $_want ]; then echo "ok - $_args: SIG$_sig: exit $_st"; else
        fail "$_args: after SIG$_sig exit $_st, expected $_want: $(cat "$T/int.err")"; fi
}

# interrupt_pool SIG DELAY MESSAGE ARGS... — start hvwake ARGS, a parent
# with workers, in the background (SIGINT given its default action, as in
# interrupt), send it SIG DELAY seconds after its first worker runs: it
# must end with 128 + the signal's number, say MESSAGE (a grep pattern) on
# stderr and leave no worker running.
interrupt_pool() {
    _sig=$1; _delay=$2; _msg=$3; shift 3
    if [ "$_sig" = INT ]; then
        env --default-signal=INT true 2>/dev/null || { echo "ok - SIGINT # SKIP env --default-signal missing"; return 0; }
        env --default-signal=INT "$hv" "$@" 2>"$T/int.err" & _p=$!
    else
        "$hv" "$@" 2>"$T/int.err" & _p=$!
    fi
    _w=$(children $_p 1)
    sleep "$_delay"
    kill -$_sig $_p; wait $_p; _st=$?
    _want=143; [ "$_sig" = INT ] && _want=130
    [ $_st = $_want ] && echo "ok - parent SIG$_sig: exit $_st" ||
        fail "parent SIG$_sig: exit $_st, expected $_want: $(cat "$T/int.err")"
    grep -q "$_msg" "$T/int.err" || fail "parent SIG$_sig message: $(cat "$T/int.err")"
    for _k in $_w; do alive $_k && fail "parent SIG$_sig: worker $_k still runs"; done
    return 0
}

finish() { [ $bad = 0 ] && echo "# all passed"; exit $bad; }

# A tiny sweep (4 jobs of 1 ms) and a long one (jobs that run for minutes,
# to be killed or interrupted).
SMALL="smoke --vary kvm.h_ipi_redirect=1,0 --replications 2 --set sim.duration=1ms --set sim.warmup=0ns"
LONG="smoke --vary sim.duration=100s,101s --set sim.warmup=0ns --jobs 2"
