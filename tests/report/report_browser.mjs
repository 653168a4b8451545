// report_browser.mjs PAGE.html RESULTS.json SCREENSHOT.png [WIDTHxHEIGHT]
//
// Opens an hvwake report in headless Chromium through the DevTools protocol
// (no npm package: node's WebSocket, node >= 20 with --experimental-websocket)
// and checks it as a reader would see it:
//   - no console error, no uncaught exception, no log error (warnings are
//     printed);
//   - no request but the page itself, and no failed load;
//   - the key numbers in the DOM: every statistic of compare/merge --json
//     (or every metric of run --json) equals the data-value of its table
//     cell, and the visible text shows each variant's name;
//   - every figure drew something;
// then saves a screenshot of the top of the page. Prints "ok"/"not ok"
// lines and exits 1 on any failure.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const [page, resultsPath, shotPath, size = '1200x1500'] = process.argv.slice(2);
const [W, H] = size.split('x').map(Number);
const results = JSON.parse(readFileSync(resultsPath, 'utf8'));
const profile = mkdtempSync(join(tmpdir(), 'hv-chromium-'));
const chromium = spawn(process.env.CHROMIUM || 'chromium', [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  `--user-data-dir=${profile}`, '--remote-debugging-port=0', '--remote-allow-origins=*', 'about:blank',
], { stdio: ['ignore', 'ignore', 'pipe'] });
let chromiumErr = '';
chromium.stderr.on('data', (d) => { chromiumErr += d; });

let failed = 0;
const check = (ok, what, detail = '') => {
  console.log(`${ok ? 'ok' : 'not ok'} - ${what}${ok || !detail ? '' : `: ${detail}`}`);
  if (!ok) failed++;
};
const finish = (code) => {
  // Chromium writes into its profile until it has exited: remove it after.
  // Its helper processes (crashpad, renderers) may still be writing for a
  // moment after the browser process is gone: retry on ENOTEMPTY/EBUSY, and
  // never let the clean-up decide the test's result.
  const done = () => {
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
    } catch (e) {
      console.log(`# could not remove the Chromium profile ${profile}: ${e.message}`);
    }
    process.exit(code);
  };
  if (chromium.exitCode !== null || chromium.signalCode !== null) done();
  chromium.once('exit', done);
  chromium.kill('SIGTERM');
};
const timer = setTimeout(() => { console.log('not ok - timed out after 100 s'); finish(1); }, 100000);

// The DevTools endpoint Chromium writes into its profile.
async function endpoint() {
  const file = join(profile, 'DevToolsActivePort');
  for (let i = 0; i < 300; i++) {
    if (existsSync(file)) {
      const [port, path] = readFileSync(file, 'utf8').split('\n');
      if (port && path) return `ws://127.0.0.1:${port}${path}`;
    }
    if (chromium.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Chromium did not start: ${chromiumErr.slice(-500)}`);
}

const ws = new WebSocket(await endpoint());
await new Promise((r, j) => { ws.onopen = r; ws.onerror = j; });
let nextId = 1;
const pending = new Map();
const events = [];
ws.onmessage = (m) => {
  const msg = JSON.parse(m.data);
  if (msg.id && pending.has(msg.id)) {
    const { resolve: ok, reject } = pending.get(msg.id);
    pending.delete(msg.id);
    if (msg.error) reject(new Error(JSON.stringify(msg.error)));
    else ok(msg.result);
  } else if (msg.method) events.push(msg);
};
const send = (method, params = {}, sessionId) => new Promise((ok, reject) => {
  const id = nextId++;
  pending.set(id, { resolve: ok, reject });
  ws.send(JSON.stringify({ id, method, params, sessionId }));
});

const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
const s = (method, params) => send(method, params, sessionId);
await s('Page.enable');
await s('Runtime.enable');
await s('Log.enable');
await s('Network.enable');
await s('Emulation.setDeviceMetricsOverride', { width: W, height: H, deviceScaleFactor: 1, mobile: false });
const url = `file://${resolve(page)}`;
await s('Page.navigate', { url });
for (let i = 0; i < 600 && !events.some((e) => e.method === 'Page.loadEventFired'); i++)
  await new Promise((r) => setTimeout(r, 50)); // up to 30 s on a loaded machine
check(events.some((e) => e.method === 'Page.loadEventFired'), 'the page loaded');

const problems = events.filter((e) =>
  (e.method === 'Runtime.consoleAPICalled' && ['error', 'assert'].includes(e.params.type)) ||
  e.method === 'Runtime.exceptionThrown' ||
  (e.method === 'Log.entryAdded' && e.params.entry.level === 'error'));
check(problems.length === 0, 'no console errors or exceptions',
  problems.map((e) => JSON.stringify(e.params).slice(0, 300)).join('\n'));
for (const e of events.filter((x) => (x.method === 'Runtime.consoleAPICalled' && x.params.type === 'warning') ||
  (x.method === 'Log.entryAdded' && x.params.entry.level === 'warning')))
  console.log(`# console warning: ${JSON.stringify(e.params).slice(0, 300)}`);
const requests = events.filter((e) => e.method === 'Network.requestWillBeSent').map((e) => e.params.request.url);
const others = requests.filter((u) => u !== url);
check(others.length === 0, 'nothing loaded but the page itself', others.join(', '));
const failedLoads = events.filter((e) => e.method === 'Network.loadingFailed');
check(failedLoads.length === 0, 'no failed resource loads', failedLoads.map((e) => e.params.errorText).join(', '));

// The page as data: each metric row's data-value cells, the text, the figures.
const dom = (await s('Runtime.evaluate', {
  returnByValue: true,
  expression: `(() => {
    const rows = {};
    for (const tr of document.querySelectorAll('#metrics tr[data-metric]'))
      rows[tr.dataset.metric] = [...tr.querySelectorAll('[data-value]')].map((td) => td.dataset.value);
    const figs = [...document.querySelectorAll('svg.figure')].map((g) => ({
      id: g.id, marks: g.querySelectorAll('polyline, rect[fill-opacity], circle').length }));
    return { rows, text: document.body.innerText, title: document.title, figs };
  })()`,
})).result.value;

check(dom.title === `hvwake report: ${results.scenario}`, 'the title names the scenario', dom.title);
const num = (v) => (v === 'null' ? null : Number(v));
const same = (a, b) => (a === null || b === null ? a === b : a === b || (Number.isNaN(a) && Number.isNaN(b)));
let compared = 0;
const mismatches = [];
if (results.runs) { // compare or merge --json: every statistic of every metric
  check(results.variants.every((v) => dom.text.includes(v)), 'every variant is named on the page');
  for (const [metric, stats] of Object.entries(results.metrics)) {
    const cells = (dom.rows[metric] || []).map(num);
    const want = stats.flatMap((st, v) => (v ? [st.mean, st.diff, st.ratio] : [st.mean]));
    if (cells.length !== want.length || !want.every((w, i) => same(w, cells[i])))
      mismatches.push(`${metric}: page ${JSON.stringify(cells)}, JSON ${JSON.stringify(want)}`);
    compared += want.length;
  }
} else { // run --json: every metric's value
  for (const [metric, value] of Object.entries(results.metrics)) {
    const cells = (dom.rows[metric] || []).map(num);
    if (cells.length !== 1 || !same(cells[0], value)) mismatches.push(`${metric}: page ${cells}, JSON ${value}`);
    compared++;
  }
}
check(mismatches.length === 0 && compared > 0, `the page shows the ${compared} numbers of ${resultsPath}`,
  mismatches.slice(0, 5).join('\n'));
const hists = Object.keys(results.histograms || (results.runs && results.runs[0].histograms) || {});
check(dom.figs.filter((f) => f.id.startsWith('cdf-')).length === hists.length,
  `one CDF per histogram (${hists.length})`, JSON.stringify(dom.figs));
const empty = dom.figs.filter((f) => f.marks === 0 && !dom.text.includes('no samples'));
check(dom.figs.length > 0 && empty.length === 0, `every figure draws something (${dom.figs.length} figures)`,
  JSON.stringify(empty));

const shot = await s('Page.captureScreenshot', { format: 'png', clip: { x: 0, y: 0, width: W, height: H, scale: 1 } });
writeFileSync(shotPath, Buffer.from(shot.data, 'base64'));
check(existsSync(shotPath), `screenshot saved to ${shotPath}`);
clearTimeout(timer);
ws.close();
finish(failed ? 1 : 0);
