#!/bin/sh
# report_browser.sh HVWAKE OUTDIR — hvwake report as a reader sees it: a
# compare of M1/M2 on the smoke preset and one run, each written as JSON and
# as a report, opened in headless Chromium (report_browser.mjs: no console
# errors, nothing loaded, every number of the JSON in the page, figures
# drawn) with a screenshot of each saved in OUTDIR (report-compare.png,
# report-run.png). The README's docs/img/report.png is report-compare.png:
#   ctest -R report_browser && cp build/dev/tests/report/report-compare.png docs/img/report.png
# Skipped (status 77) where chromium or node is missing: .ci/run installs
# chromium in CI.
hv=$1; out=$2
here=$(cd "$(dirname "$0")" && pwd)
command -v chromium >/dev/null 2>&1 || { echo "SKIP: chromium is not installed (apt-get install chromium; .ci/run installs it when CI=true)"; exit 77; }
node --experimental-websocket -e 'typeof WebSocket === "function" || process.exit(1)' >/dev/null 2>&1 \
    || { echo "SKIP: no node with WebSocket (node >= 20.10; the DevTools client is a node script)"; exit 77; }
d=$(mktemp -d /tmp/hv_report_browser.XXXXXX)
trap 'rm -rf "$d"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
mkdir -p "$out" || fail "cannot create $out"
cd "$d" || fail "cd $d"
"$hv" compare smoke --variant M1+M2:kvm.h_ipi_redirect=1 --variant no-M1:kvm.h_ipi_redirect=0 \
    --variant no-M2:kvm.guest_ipi=reschedule --replications 3 --set sim.duration=4ms --json -o compare.json \
    || fail "compare"
"$hv" report compare.json -o compare.html 2>/dev/null || fail "report of the compare"
"$hv" run smoke --quiet --duration 2ms --json -o run.json || fail "run"
"$hv" report run.json -o run.html 2>/dev/null || fail "report of the run"
status=0
node --experimental-websocket --no-warnings "$here/report_browser.mjs" compare.html compare.json \
    "$out/report-compare.png" 1000x1060 || status=1
node --experimental-websocket --no-warnings "$here/report_browser.mjs" run.html run.json \
    "$out/report-run.png" 1000x1200 || status=1
exit $status
