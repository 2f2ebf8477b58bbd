// tessera vs pretix's widget (issues 8, 18 and 19): bytes on the wire, before the first price and in
// all, time from navigation start to the first tier price on screen (headless Chromium, cold cache:
// unthrottled, 4× CPU throttling, and DevTools' "Fast 4G" network profile), JS heap and wasm memory
// after render, and the proxy's own figures (from bench/run.sh's binaries).
// Run by bench/compare.sh, which builds everything and fetches pretix first; see bench/RESULTS.md.
//
// node bench/compare.mjs [--runs N] [--pretix DIR] [--cached-reads FILE] [--sse FILE] [--write-results]
// (--cached-reads and --sse: the printed output of target/release/cached_reads and sse_fanout)
import { createServer } from 'node:http';
import { readFileSync, writeFileSync, mkdirSync, existsSync, cpSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { gzipSync, brotliCompressSync, constants as zc } from 'node:zlib';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import os from 'node:os';
import { chromium } from 'playwright-core';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const RUNS = Number(opt('--runs', 25));
const PRETIX_DIR = opt('--pretix', join(ROOT, 'bench', 'out', 'pretix-assets'));
const CACHED_READS = opt('--cached-reads', null);
const SSE = opt('--sse', null);
const WRITE = args.includes('--write-results');
// `--ab DIR`: instead of pretix, a second tessera build (a copy of another dist/) served by a
// second proxy; only the two builds' first-price times are printed. For trying one change.
const AB = opt('--ab', null);
const OUT = join(ROOT, 'bench', 'out', 'compare');
mkdirSync(OUT, { recursive: true });
const log = (...a) => console.error('   ', ...a);

// A snapshot of dist/: the proxy serves it and its sizes are measured, so a rebuild of dist/
// elsewhere during the run cannot mix two builds.
const DIST = join(OUT, 'dist');
rmSync(DIST, { recursive: true, force: true });
cpSync(join(ROOT, 'dist'), DIST, { recursive: true });
// The names scripts/build-widget.sh gave the files the loader fetches.
const NAMES = JSON.parse(readFileSync(join(DIST, 'files.json'), 'utf8'));
const wasmHash = createHash('sha256').update(readFileSync(join(DIST, NAMES.wasm))).digest('hex').slice(0, 12);

// ---------- bytes ----------
const gz = (b) => gzipSync(b, { level: 9 }).length;
const br = (b) => brotliCompressSync(b, { params: {
  [zc.BROTLI_PARAM_QUALITY]: 11, [zc.BROTLI_PARAM_LGWIN]: 24, [zc.BROTLI_PARAM_SIZE_HINT]: b.length } }).length;
const sizes = (files) => files.map(([name, path]) => {
  const b = readFileSync(path);
  return { name, raw: b.length, gzip: gz(b), brotli: br(b) };
});
const tesseraFiles = sizes([['tessera.js', 'tessera.js'], ['glue', NAMES.js], ['wasm', NAMES.wasm], ['stylesheet', NAMES.css]]
  .map(([name, f]) => [name, join(DIST, f)]));
const pretixFiles = sizes([['widget/v2.en.js', join(PRETIX_DIR, 'widget', 'v2.en.js')], ['v2.css', join(PRETIX_DIR, 'v2.css')]]);
const total = (fs) => ({ raw: sum(fs.map((f) => f.raw)), gzip: sum(fs.map((f) => f.gzip)), brotli: sum(fs.map((f) => f.brotli)) });
function sum(xs) { return xs.reduce((a, b) => a + b, 0); }

// ---------- servers ----------
function listen(handler) {
  return new Promise((resolve) => {
    const s = createServer(handler);
    s.keepAliveTimeout = 5000;
    s.listen(0, '127.0.0.1', () => resolve({ server: s, url: `http://127.0.0.1:${s.address().port}` }));
  });
}
const unexpected = [];

log('starting the release proxy (embedded sandbox) and the two local origins');
const host = await listen((req, res) => hostPages(req, res));
const proxy = await startProxy({ TESSERA_ALLOWED_ORIGINS: host.url, TESSERA_WIDGET_DIR: DIST });
const proxyB = AB ? await startProxy({ TESSERA_ALLOWED_ORIGINS: host.url, TESSERA_WIDGET_DIR: AB }) : null;

/** The release proxy with its embedded sandbox on a free port (as tests/e2e/harness.mjs starts it). */
async function startProxy(env) {
  const dataDir = mkdtempSync(join(os.tmpdir(), 'tessera-compare-'));
  const child = spawn(process.env.TESSERA_PROXY_BIN || join(ROOT, 'target', 'release', 'tessera-proxy'), [], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TESSERA_LISTEN: '127.0.0.1:0', TESSERA_DATA_DIR: dataDir, TESSERA_LOG: 'warn', ...env },
  });
  let out = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the proxy did not start:\n${out}`)), 30_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m && /upstream: /.test(out)) { clearTimeout(timer); resolve(m[1].replace(/\/$/, '')); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the proxy exited (${code}):\n${out}`)); });
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// The event: the sandbox's event with exactly three tiers, as the widget reads it from the proxy.
const list = await (await fetch(`${proxy.url}/api/v1/events`)).json();
let event = null;
for (const e of list.events) {
  const full = await (await fetch(`${proxy.url}/api/v1/events/${e.id}`)).json();
  if (full.tiers.length === 3) { event = full; break; }
}
if (!event) throw new Error('the sandbox has no event with exactly three tiers');
log(`event: ${event.title} (${event.tiers.map((t) => `${t.name} ${t.price.amount / 100} ${t.price.currency}`).join(', ')})`);

// pretix's side: its widget files and the product list its widget requests, the same event.
const pretixJs = readFileSync(join(PRETIX_DIR, 'widget', 'v2.en.js'));
const pretixCss = readFileSync(join(PRETIX_DIR, 'v2.css'));
const pretix = await listen((req, res) => pretixServer(req, res));
const productList = pretixProductList(event, pretix.url);
writeFileSync(join(OUT, 'pretix-product-list.json'), JSON.stringify(productList, null, 2));

function pretixProductList(ev, origin) {
  const places = 2;
  const dec = (minor) => (minor / 10 ** places).toFixed(places);
  const start = new Date(ev.start_datetime);
  return {
    target_url: `${origin}/demo/jazz/`, subevent: null, currency: ev.currency, currency_places: places,
    display_net_prices: false, use_native_spinners: false, show_variations_expanded: false,
    waiting_list_enabled: false, voucher_explanation_text: '', error: null, cart_exists: false,
    name: ev.title, frontpage_text: ev.description ? `<p>${ev.description}</p>` : '', location: ev.venue_name ?? '',
    date_range: start.toLocaleString('en-US', { month: 'long', day: 'numeric', year: 'numeric', timeZone: 'UTC' })
      + ' ' + start.toISOString().slice(11, 16),
    vouchers_exist: true, // tessera shows its promo field; pretix shows its voucher field when codes exist
    items_by_category: [{ id: null, name: null, description: null, items: ev.tiers.map((t, i) => {
      const price = { gross: dec(t.price.amount), net: dec(t.price.amount), tax: '0.00', rate: '0.00', name: '', includes_mixed_tax_rate: false };
      return {
        id: 100 + i, name: t.name, picture: null, picture_fullsize: null, description: null, has_variations: false,
        current_unavailability_reason: null, order_min: null, order_max: Math.min(t.available, 10),
        price, suggested_price: price, min_price: null, max_price: null, allow_waitinglist: false,
        mandatory_priced_addons: false, free_price: false,
        avail: t.available > 0 ? [100, t.available] : [0, 0], // Quota.AVAILABILITY_OK / _GONE, quota left shown
        original_price: null, variations: [],
      };
    }) }],
    display_add_to_cart: true, itemnum: ev.tiers.length, has_seating_plan: false, has_seating_plan_waitinglist: false,
    poweredby: '<a href="https://pretix.eu" target="_blank" rel="noopener">event ticketing powered by pretix</a>',
  };
}

// Both origins answer the way the real servers do: the widget's files brotli-compressed (the proxy
// serves Trunk's precompressed .br; pretix's Django gzips, a CDN would brotli: same footing), CORS
// open, no-cache; the JSON brotli-compressed too (the proxy compresses its API answers).
const preBr = new Map();
function send(req, res, body, type, compress) {
  const headers = { 'content-type': type, 'access-control-allow-origin': '*', 'cache-control': 'no-cache' };
  if (compress && /\bbr\b/.test(req.headers['accept-encoding'] || '')) {
    if (!preBr.has(body)) preBr.set(body, brotliCompressSync(body, { params: { [zc.BROTLI_PARAM_QUALITY]: 11 } }));
    body = preBr.get(body);
    headers['content-encoding'] = 'br';
    headers.vary = 'accept-encoding';
  }
  headers['content-length'] = body.length;
  res.writeHead(200, headers);
  res.end(body);
}
function notFound(req, res) { unexpected.push(req.url); res.writeHead(404, { 'access-control-allow-origin': '*' }); res.end(); }

function pretixServer(req, res) {
  const url = new URL(req.url, pretix.url);
  if (url.pathname === '/widget/v2.en.js') return send(req, res, pretixJs, 'text/javascript', true);
  if (url.pathname === '/demo/jazz/widget/v2.css') return send(req, res, pretixCss, 'text/css', true);
  if (url.pathname === '/demo/jazz/widget/product_list') {
    return send(req, res, Buffer.from(JSON.stringify(productList)), 'application/json', true);
  }
  return notFound(req, res);
}

// Plain host pages, each on the site owner's origin, each embedding its widget as documented.
const page = (title, head, body) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
${head}
</head><body>
<h1>Tickets</h1>
${body}
</body></html>`;
function hostPages(req, res) {
  const path = req.url.split('?')[0];
  if (path === '/favicon.ico') { res.writeHead(204); return res.end(); }
  const html = {
    '/tessera.html': () => page('tessera', `<script async src="${proxy.url}/widget/tessera.js"></script>`,
      `<tessera-tickets event="${event.id}"></tessera-tickets>`),
    '/pretix.html': () => page('pretix',
      `<link rel="stylesheet" type="text/css" href="${pretix.url}/demo/jazz/widget/v2.css" crossorigin>
<script type="text/javascript" src="${pretix.url}/widget/v2.en.js" async crossorigin></script>`,
      `<pretix-widget event="${pretix.url}/demo/jazz/"></pretix-widget>`),
    '/tessera-b.html': () => page('tessera b', `<script async src="${proxyB.url}/widget/tessera.js"></script>`,
      `<tessera-tickets event="${event.id}"></tessera-tickets>`),
    '/blank.html': () => page('blank', '', '<p>No widget.</p>'),
  }[path];
  if (!html) return notFound(req, res);
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
  res.end(html());
}

// ---------- the probe, installed before any page script ----------
// Resolves when the first tier price is in the DOM with a digit in it, rendered (checkVisibility:
// tessera keeps its root hidden until its stylesheet has arrived) and with every stylesheet of the
// page loaded (pretix's <link> is render-blocking). Checked on every DOM mutation (also inside
// shadow roots) and every animation frame; `frame` is the next animation frame after that.
function probe(selector) {
  const b = { roots: [document] };
  window.__bench = b;
  let resolve;
  b.done = new Promise((r) => { resolve = r; });
  for (const name of ['instantiateStreaming', 'instantiate']) {
    const orig = WebAssembly[name];
    if (!orig) continue;
    WebAssembly[name] = function (...a) {
      return orig.apply(this, a).then((r) => {
        if (b.instantiated === undefined) b.instantiated = performance.now();
        const inst = r.instance || r;
        for (const v of Object.values(inst.exports || {})) if (v instanceof WebAssembly.Memory) b.memory = v;
        return r;
      });
    };
  }
  const sheetsLoaded = () => b.roots.every((root) =>
    [...root.querySelectorAll('link[rel=stylesheet]')].every((l) => l.sheet));
  const check = () => {
    if (b.firstPrice !== undefined) return;
    for (const root of b.roots) {
      const el = root.querySelector(selector);
      if (el && /\d/.test(el.textContent) && el.checkVisibility() && sheetsLoaded()) {
        b.firstPrice = performance.now();
        b.text = el.textContent.trim();
        mo.disconnect();
        requestAnimationFrame(() => { b.frame = performance.now(); resolve(); console.debug('bench:done'); });
        return;
      }
    }
  };
  const mo = new MutationObserver(check);
  const watch = (root) => mo.observe(root, { childList: true, subtree: true, attributes: true, characterData: true });
  watch(document);
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (...a) {
    const sr = attach.apply(this, a);
    b.roots.push(sr);
    watch(sr);
    return sr;
  };
  document.addEventListener('load', check, true);
  // tessera's widget answers the buyer from here on (the wasm has taken over the first view).
  document.addEventListener('tessera:ready', () => {
    if (b.ready === undefined) { b.ready = performance.now(); console.debug('bench:ready'); }
  });
  const tick = () => { check(); if (b.firstPrice === undefined) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
}

const sides = {
  tessera: { url: () => `${host.url}/tessera.html`, selector: '.tessera-tier-price', api: '/api/v1/events/' },
  pretix: { url: () => `${host.url}/pretix.html`, selector: '.pretix-widget-pricebox span', api: '/widget/product_list' },
};
if (AB) {
  delete sides.pretix;
  sides['tessera-b'] = { ...sides.tessera, url: () => `${host.url}/tessera-b.html` };
}

// Debian's Chromium (scripts/setup.sh), launched with the end-to-end tests' flags.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
const chromiumVersion = browser.version();

// DevTools' "Fast 4G" preset (as Puppeteer's PredefinedNetworkConditions has it): 9 Mbit/s down,
// 1.5 up, each ×0.9, and 60 ms × 2.75 = 165 ms of latency added to every request.
const FAST_4G = { offline: false, latency: 60 * 2.75, downloadThroughput: (9e6 / 8) * 0.9, uploadThroughput: (1.5e6 / 8) * 0.9 };

/** `promise`, or an error saying `why()` after 30 s. */
function within(promise, why) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(why())), 30_000); })])
    .finally(() => clearTimeout(timer));
}

/** One page load in a fresh context (cold HTTP and code caches). */
async function load(side, { rate = 1, net = null, memory = false, network = false, profile = false, trace = false } = {}) {
  const context = await browser.newContext();
  try {
    const p = await context.newPage();
    const cdp = await context.newCDPSession(p);
    if (rate !== 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    const transfers = [];
    if (network || net) {
      await cdp.send('Network.enable');
      if (net) await cdp.send('Network.emulateNetworkConditions', net);
      // CDP's timestamps are monotonic seconds; wallTime beside them maps them to the page's clock.
      const urls = new Map();
      let offset = null;
      cdp.on('Network.requestWillBeSent', (e) => { offset ??= e.wallTime * 1000 - e.timestamp * 1000; });
      cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
      cdp.on('Network.loadingFinished', (e) => transfers.push({
        url: urls.get(e.requestId), bytes: e.encodedDataLength, end: e.timestamp * 1000 + offset }));
    }
    const errors = [];
    p.on('pageerror', (e) => errors.push(e.message));
    // The probe says when the price is shown and when the widget is ready on the console: waiting
    // for them with waitForFunction would put Playwright's injected script (tens of ms of script
    // evaluation at 4× CPU) on the page's main thread in the middle of the load being measured.
    const said = new Map();
    const heard = (what) => new Promise((r) => said.set(what, r));
    const done = heard('bench:done'), ready = heard('bench:ready');
    p.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
      said.get(m.text())?.();
    });
    await p.addInitScript(probe, sides[side].selector);
    if (profile) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    }
    if (trace) {
      await browser.startTracing(p, { categories: ['toplevel', 'blink.user_timing', 'devtools.timeline',
        'disabled-by-default-devtools.timeline', 'v8.execute', 'v8.wasm', 'loading'] });
    }
    await p.goto(sides[side].url(), { waitUntil: 'commit' });
    await within(done, () => `${side}: no price within 30 s (${errors.join('; ')})`);
    // The first view shows prices before the wasm has run: wait for it, to say when it did.
    if (side.startsWith('tessera')) {
      await within(ready, () => `${side}: not ready within 30 s (${errors.join('; ')})`);
    }
    const r = await p.evaluate((api) => {
      const b = window.__bench;
      // When the event's data had arrived (resource timing; cross-origin entries keep responseEnd).
      const data = performance.getEntriesByType('resource').find((e) => e.name.includes(api));
      const wasm = performance.getEntriesByType('resource').find((e) => e.name.endsWith('.wasm'));
      const script = performance.getEntriesByType('resource').find((e) => /tessera\.js|v2\.en\.js/.test(e.name));
      return { firstPrice: b.firstPrice, frame: b.frame, text: b.text, dataArrived: data ? data.responseEnd : null,
        scriptArrived: script ? script.responseEnd : null, dataAsked: data ? data.startTime : null,
        wasmArrived: wasm ? wasm.responseEnd : null, instantiated: b.instantiated ?? null, ready: b.ready ?? null,
        firstPriceAt: performance.timeOrigin + b.firstPrice };
    }, sides[side].api);
    if (profile) r.profile = (await cdp.send('Profiler.stop')).profile;
    if (trace) r.trace = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
    if (memory || network) {
      await p.waitForTimeout(1000); // settled: tessera's live stream open, both idle
      await cdp.send('HeapProfiler.collectGarbage');
      const heap = await cdp.send('Runtime.getHeapUsage');
      r.heapUsed = heap.usedSize;
      r.wasm = await p.evaluate(() => (window.__bench.memory ? window.__bench.memory.buffer.byteLength : 0));
    }
    if (network || net) {
      r.transfers = transfers;
      // What the widget had received when its first price showed (its requests, not the page).
      r.bytesBeforePrice = sum(transfers.filter((t) => t.url && !t.url.startsWith(host.url) && t.end <= r.firstPriceAt)
        .map((t) => t.bytes));
    }
    if (errors.length) r.errors = errors;
    return r;
  } finally {
    await context.close();
  }
}

async function blankHeap() {
  const context = await browser.newContext();
  const p = await context.newPage();
  const cdp = await context.newCDPSession(p);
  await p.addInitScript(probe, 'nothing');
  await p.goto(`${host.url}/blank.html`);
  await p.waitForTimeout(1000);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await context.close();
  return usedSize;
}

const pct = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]; };
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/** Ends the browser, the proxies and the local origins. */
async function shutdown() {
  await browser.close();
  await proxy.stop();
  await proxyB?.stop();
  host.server.close();
  pretix.server.close();
}

// Warm the servers and the OS file cache (not the browser: every measured load has a fresh context).
for (const side of Object.keys(sides)) {
  const w = await load(side, { network: true });
  log(`${side}: renders "${w.text}"${w.errors ? `, page errors: ${w.errors.join('; ')}` : ''}`);
  if (w.errors) throw new Error(`${side}: the page reported errors (unexpected requests: ${unexpected.join(', ')})`);
}
// `PROFILE=1 node bench/compare.mjs …`: one tessera load under the CPU profiler (4× throttled),
// its self time by function printed, then exit: where the time after instantiation goes.
if (process.env.PROFILE) {
  const r = await load('tessera', { rate: 4, profile: true });
  const { profile } = r;
  writeFileSync(join(OUT, 'tessera.cpuprofile'), JSON.stringify(profile));
  const self = new Map();
  const dt = profile.timeDeltas;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  profile.samples.forEach((id, i) => {
    const n = byId.get(id); const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`;
    self.set(key, (self.get(key) || 0) + dt[i] / 1000);
  });
  log(`first price ${r.firstPrice.toFixed(0)} ms, instantiated ${r.instantiated.toFixed(0)} ms`);
  for (const [k, v] of [...self].sort((a, c) => c[1] - a[1]).slice(0, 40)) log(`${v.toFixed(1).padStart(7)} ms  ${k}`);
  await shutdown();
  process.exit(0);
}
// `TRACE=1 node bench/compare.mjs …`: one tessera load (4× throttled) under Chrome's tracer; the
// renderer main thread's top-level tasks over 1 ms are printed in order, with where they start
// relative to navigation: what the main thread does before the first price, and where it waits.
if (process.env.TRACE) {
  const side = ['pretix', 'tessera-b'].includes(process.env.TRACE) ? process.env.TRACE : 'tessera';
  const r = await load(side, { rate: Number(process.env.RATE || 4), trace: true });
  const events = r.trace;
  writeFileSync(join(OUT, `${side}.trace.json`), JSON.stringify(events));
  const main = events.find((e) => e.name === 'thread_name' && e.args.name === 'CrRendererMain' &&
    events.some((x) => x.pid === e.pid && x.name === 'navigationStart'));
  const nav = events.find((e) => e.pid === main.pid && e.name === 'navigationStart').ts;
  const top = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.name === 'RunTask');
  const inside = (t) => events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e !== t &&
    e.ts >= t.ts && e.ts + (e.dur || 0) <= t.ts + t.dur && e.name !== 'RunTask');
  log(`instantiated ${r.instantiated?.toFixed(0)} ms, first price ${r.firstPrice.toFixed(0)} ms (after navigation start)`);
  for (const t of top) {
    if (t.dur < 1000 || t.ts < nav) continue;
    const kids = inside(t).sort((a, c) => c.dur - a.dur).slice(0, 3).map((e) => `${e.name} ${(e.dur / 1000).toFixed(1)}`);
    log(`${((t.ts - nav) / 1000).toFixed(0).padStart(5)} ms +${(t.dur / 1000).toFixed(1).padStart(6)}  ${kids.join(', ')}`);
  }
  await shutdown();
  process.exit(0);
}
if (AB) {
  for (const rate of [1, 4]) {
    const t = { tessera: [], 'tessera-b': [] };
    for (let i = 0; i < RUNS; i++) for (const side of Object.keys(t)) t[side].push(await load(side, { rate }));
    const [a, b] = [median(t.tessera.map((r) => r.firstPrice)), median(t['tessera-b'].map((r) => r.firstPrice))];
    for (const side of Object.keys(t)) {
      const m = (k) => median(t[side].map((r) => r[k])).toFixed(0);
      log(`  ${side}: script ${m('scriptArrived')}, data asked ${m('dataAsked')}, received ${m('dataArrived')}, ` +
        `price ${m('firstPrice')}, instantiated ${m('instantiated')}, ready ${m('ready')} ms`);
      t[side] = t[side].map((r) => r.firstPrice);
    }
    log(`${rate}×: dist/ ${a.toFixed(0)} ms (p90 ${pct(t.tessera, 0.9).toFixed(0)}), ${AB} ${b.toFixed(0)} ms ` +
      `(p90 ${pct(t['tessera-b'], 0.9).toFixed(0)}); dist/ ÷ other ${(a / b).toFixed(2)}`);
  }
  await shutdown();
  process.exit(0);
}
const inspect = {};
for (const side of Object.keys(sides)) inspect[side] = await load(side, { network: true });

const loadBefore = os.loadavg()[0];
if (loadBefore > 1.5) log(`warning: load average ${loadBefore.toFixed(2)} on ${os.cpus().length} cores: other work will slow both widgets' timings`);
const timings = {};
// `4g`: the Fast 4G profile, CPU unthrottled.
for (const rate of [1, 4, '4g']) {
  log(`${RUNS} cold loads per side, ${rate === '4g' ? 'Fast 4G network' : `CPU throttling ${rate}×`}`);
  for (const side of Object.keys(sides)) timings[`${side}@${rate}`] = [];
  for (let i = 0; i < RUNS; i++) {
    for (const side of Object.keys(sides)) { // alternate, so drift hits both alike
      const how = rate === '4g' ? { net: FAST_4G } : { rate, memory: rate === 1 };
      timings[`${side}@${rate}`].push(await load(side, how));
    }
  }
}
const loadAfter = os.loadavg()[0];
const blank = [];
for (let i = 0; i < 5; i++) blank.push(await blankHeap());
await shutdown();
if (unexpected.length) log(`unexpected requests (404): ${[...new Set(unexpected)].join(', ')}`);
writeFileSync(join(OUT, 'runs.json'), JSON.stringify({ timings, inspect, blank }, null, 2));

// ---------- the table ----------
const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
const fmtMs = (n) => `${n.toFixed(0)} ms`;
const ratio = (a, b) => (b ? (a / b).toFixed(2) : '—');
const T = (side, rate, key = 'firstPrice') => timings[`${side}@${rate}`].map((r) => r[key]);
const M = (side, key) => median(timings[`${side}@1`].map((r) => r[key]));
const tt = total(tesseraFiles), pt = total(pretixFiles);
// What the widget fetches (its files and the event's JSON, headers included), not the host page.
const wire = (side) => sum(inspect[side].transfers.filter((t) => t.url && !t.url.startsWith(host.url)).map((t) => t.bytes));

const rows = [];
const row = (figure, t, p, r) => rows.push(`| ${figure} | ${t} | ${p} | ${r} |`);
for (const k of ['raw', 'gzip', 'brotli']) row(`widget files, total ${k} (bytes)`, fmtInt(tt[k]), fmtInt(pt[k]), ratio(tt[k], pt[k]));
row('transferred by the widget for one page load (bytes: its files brotli, the event JSON, headers)', fmtInt(wire('tessera')), fmtInt(wire('pretix')), ratio(wire('tessera'), wire('pretix')));
const before = (side) => median(T(side, '4g', 'bytesBeforePrice'));
row('of which received before the first tier price showed (bytes, Fast 4G, median)', fmtInt(before('tessera')), fmtInt(before('pretix')), ratio(before('tessera'), before('pretix')));
for (const rate of [1, 4, '4g']) {
  const label = { 1: 'no throttling', 4: '4× CPU throttling', '4g': 'Fast 4G network (165 ms latency, 8.1 Mbit/s)' }[rate];
  for (const [q, name] of [[0.5, 'median'], [0.9, 'p90']]) {
    const a = pct(T('tessera', rate), q), b = pct(T('pretix', rate), q);
    row(`navigation start → first tier price on screen, ${label}, ${name}`, fmtMs(a), fmtMs(b), ratio(a, b));
  }
  const da = median(T('tessera', rate, 'dataArrived')), db = median(T('pretix', rate, 'dataArrived'));
  row(`of which: navigation start → event data received, ${label}, median`, fmtMs(da), fmtMs(db), ratio(da, db));
  // Where tessera's time goes before the price: the wasm on the wire, then compiled and instantiated.
  // (After the first price since issue 19: the first view does not wait for the wasm.)
  const wa = median(T('tessera', rate, 'wasmArrived')), wi = median(T('tessera', rate, 'instantiated'));
  const wr = median(T('tessera', rate, 'ready'));
  row(`navigation start → tessera's wasm received / instantiated / widget interactive (hydrated), ${label}, median`,
    `${fmtMs(wa)} / ${fmtMs(wi)} / ${fmtMs(wr)}`, 'no wasm', '—');
}
const hT = M('tessera', 'heapUsed'), hP = M('pretix', 'heapUsed'), wT = M('tessera', 'wasm'), bl = median(blank);
row('JS heap used after render and GC (bytes, median)', fmtInt(hT), fmtInt(hP), ratio(hT, hP));
row(`JS heap over the same page without a widget (${fmtInt(bl)} B)`, fmtInt(hT - bl), fmtInt(hP - bl), ratio(hT - bl, hP - bl));
row('wasm linear memory after render (bytes)', fmtInt(wT), '0 (no wasm)', '—');
row('JS heap + wasm memory (bytes)', fmtInt(hT + wT), fmtInt(hP), ratio(hT + wT, hP));

const proxyFig = parseProxyFigures();
if (proxyFig) {
  const na = 'not measured (Django app, not part of this bench)';
  row(`proxy: cached event reads per second, one core (${proxyFig.cached.connections} connections, ${proxyFig.cached.seconds} s)`, fmtInt(proxyFig.cached.rps), na, '—');
  const none = 'no live updates (availability as of page load)';
  row(`proxy: SSE, memory per viewer (${fmtInt(proxyFig.sse.viewers)} viewers)`, `${proxyFig.sse.kibPerViewer} KiB`, none, '—');
  row(`proxy: SSE, webhook → viewer p50 / p99 / slowest (${fmtInt(proxyFig.sse.deliveries)} deliveries)`, `${proxyFig.sse.p50} / ${proxyFig.sse.p99} / ${proxyFig.sse.last}`, none, '—');
}

function parseProxyFigures() {
  if (!CACHED_READS || !SSE || !existsSync(CACHED_READS) || !existsSync(SSE)) return null;
  const c = readFileSync(CACHED_READS, 'utf8').match(/cached event reads: (\d+) in ([\d.]+) s with (\d+) connections = (\d+) requests\/s/);
  const s = readFileSync(SSE, 'utf8');
  const viewers = s.match(/^viewers: (\d+)/m), kib = s.match(/([\d.]+) KiB per viewer/);
  const all = s.match(/all rounds: p50 ([\d.]+ ms), p99 ([\d.]+ ms), last ([\d.]+ ms) \((\d+) deliveries\)/);
  if (!c || !viewers || !kib || !all) throw new Error('cannot read the proxy benchmarks\' output');
  return {
    cached: { rps: Number(c[4]), seconds: Number(c[2]), connections: Number(c[3]) },
    sse: { viewers: Number(viewers[1]), kibPerViewer: kib[1], p50: all[1], p99: all[2], last: all[3], deliveries: Number(all[4]) },
  };
}

const filesTable = ['| widget | file | raw | gzip | brotli |', '|---|---|---:|---:|---:|',
  ...tesseraFiles.map((f) => `| tessera | ${f.name} | ${fmtInt(f.raw)} | ${fmtInt(f.gzip)} | ${fmtInt(f.brotli)} |`),
  `| tessera | **total** | **${fmtInt(tt.raw)}** | **${fmtInt(tt.gzip)}** | **${fmtInt(tt.brotli)}** |`,
  ...pretixFiles.map((f) => `| pretix | ${f.name} | ${fmtInt(f.raw)} | ${fmtInt(f.gzip)} | ${fmtInt(f.brotli)} |`),
  `| pretix | **total** | **${fmtInt(pt.raw)}** | **${fmtInt(pt.gzip)}** | **${fmtInt(pt.brotli)}** |`].join('\n');
const mainTable = ['| figure | tessera | pretix | tessera/pretix |', '|---|---:|---:|---:|', ...rows].join('\n');

const cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1] || os.cpus()[0]?.model;
const osName = (readFileSync('/etc/os-release', 'utf8').match(/PRETTY_NAME="([^"]*)"/) || [])[1] || os.type();
const machine = `${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${osName} (Linux ${os.release()}), `
  + `Chromium ${chromiumVersion} headless, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; `
  + `1-minute load average ${loadBefore.toFixed(2)} before the browser runs, ${loadAfter.toFixed(2)} after`;
const pretixVersion = (() => { try { return JSON.parse(readFileSync(join(PRETIX_DIR, 'sources.json'), 'utf8')).wheel.replace(/^pretix-|-py3.*$/g, ''); } catch { return '?'; } })();
const tesseraCommit = (() => { try { return execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']).toString().trim(); } catch { return '?'; } })();
const dirty = (() => { try { return execFileSync('git', ['-C', ROOT, 'status', '--porcelain', '--', 'src', 'crates', 'Cargo.toml', 'style', 'loader']).toString().trim() ? ' plus uncommitted changes' : ''; } catch { return ''; } })();

const report = `Machine: ${machine}.
tessera at ${tesseraCommit}${dirty} (wasm sha256 ${wasmHash}…); pretix ${pretixVersion} (PyPI wheel). ${RUNS} cold loads per side and setting.

${filesTable}

${mainTable}
`;
console.log(report);
writeFileSync(join(OUT, 'table.md'), report);

if (WRITE) {
  const path = join(ROOT, 'bench', 'RESULTS.md');
  const begin = '<!-- compare.sh: begin -->', end = '<!-- compare.sh: end -->';
  let md = readFileSync(path, 'utf8');
  const block = `${begin}\n${report}${end}`;
  if (md.includes(begin) && md.includes(end)) md = md.slice(0, md.indexOf(begin)) + block + md.slice(md.indexOf(end) + end.length);
  else md = `${md.trimEnd()}\n\n## tessera vs pretix (issue 8)\n\n${block}\n`;
  writeFileSync(path, md);
  log('bench/RESULTS.md updated (section "tessera vs pretix (issue 8)")');
}
