// Shared by the end-to-end tests: starts the real proxy binary (with its embedded sandbox
// platform, real SQLite, real signed webhooks) on a free port, and a real headless Chromium.
//
// Everything a proxy says (each stdout and stderr line) and everything it answers (each
// response the browser or a test's own `fetch` gets from it, headers and body) goes into one
// transcript, with the secrets that proxy was given. zz-secrets.test.mjs, which runs last,
// fails if any of them shows up; 00-reset.test.mjs, which runs first, starts the run's transcript
// afresh and removes those of earlier runs.
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, appendFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, dirname, basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS = join(ROOT, 'tests', 'e2e', 'artifacts');
/**
 * One JSON object a line: `{kind: "proxy" | "log" | "response", ...}` (see `record`). One file
 * per run: `node --test` runs each test file as a child of one runner process, so the runner's
 * pid names the run, and two runs at once (or a single file run by hand) do not mix.
 */
export const TRANSCRIPT_PREFIX = 'secrets-transcript-';
export const TRANSCRIPT = join(ARTIFACTS, `${TRANSCRIPT_PREFIX}${process.ppid}.jsonl`);

/** Secrets every proxy gets unless its test sets its own: known, so the scan can look for them. */
export const E2E_SECRETS = {
  TESSERA_SANDBOX_API_KEY: 'hh_live_e2e_harness_sandbox_key_5f0c2b9e',
  TESSERA_HANGHUT_WEBHOOK_SECRET: 'whsec_e2e_harness_webhook_secret_d41e7a63',
};
/** Every variable of the proxy's configuration that holds a secret (crates/proxy/src/config.rs). */
export const SECRET_VARS = ['TESSERA_API_KEY', 'TESSERA_HANGHUT_WEBHOOK_SECRET', 'TESSERA_SANDBOX_API_KEY',
  'TESSERA_TICKETWAVE_PASSWORD', 'TESSERA_TICKETWAVE_WEBHOOK_SECRET', 'TESSERA_VIVENU_HMAC_KEY',
  'TESSERA_INGRESSE_TOKEN', 'TESSERA_TIXEL_TOKEN', 'TESSERA_SMTP_URL', 'TESSERA_WAITLIST_WEBHOOK_SECRET'];

const TEST_FILE = basename(process.argv[1] ?? 'unknown');

/** Appends one entry to the transcript; synchronous, so nothing is lost when the test process ends. */
function record(entry) {
  mkdirSync(ARTIFACTS, { recursive: true });
  appendFileSync(TRANSCRIPT, JSON.stringify({ file: TEST_FILE, ...entry }) + '\n');
}

/** Origins of the proxies (and their embedded platforms) started here: whose answers are recorded. */
const proxyOrigins = new Set();

function fromProxy(url) {
  try { return proxyOrigins.has(new URL(url).origin); } catch { return false; }
}

// A body seen before (the widget's wasm on every page load) is recorded once per test file.
const bodiesSeen = new Set();

function recordResponse(via, url, status, headers, body) {
  const sha256 = createHash('sha256').update(body).digest('hex');
  const repeat = bodiesSeen.has(sha256);
  bodiesSeen.add(sha256);
  let content = { repeat };
  if (!repeat) {
    const text = body.toString('utf8');
    // A binary body (the wasm) as base64; the scan reads it back byte for byte.
    content = Buffer.from(text, 'utf8').equals(body) ? { body: text } : { body_base64: body.toString('base64') };
  }
  record({ kind: 'response', via, url, status, headers, sha256, ...content });
}

/** Splits a child's output into lines for the transcript (a chunk may end mid-line). */
function recordLines(stream, name, onText) {
  let rest = '';
  // Whole characters only, even when a chunk ends inside one.
  stream.setEncoding('utf8');
  stream.on('data', (d) => {
    const text = d.toString();
    onText?.(text);
    const lines = (rest + text).split('\n');
    rest = lines.pop();
    for (const line of lines) record({ kind: 'log', stream: name, line });
  });
  stream.on('end', () => { if (rest) record({ kind: 'log', stream: name, line: rest }); });
}

// The tests' own requests to a proxy are answers a client gets too.
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const response = await realFetch(input, init);
  const type = response.headers.get('content-type') ?? '';
  // A live stream never ends; its snapshots are the same ones the event read answers.
  if (fromProxy(response.url) && !type.includes('text/event-stream')) {
    const body = Buffer.from(await response.clone().arrayBuffer());
    recordResponse('fetch', response.url, response.status, Object.fromEntries(response.headers), body);
  }
  return response;
};

/** Starts `target/debug/tessera-proxy`; resolves once it prints its URL. */
export async function startProxy(env = {}) {
  // A restarted proxy is given its old data directory back.
  const dataDir = env.TESSERA_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'tessera-e2e-'));
  const bin = process.env.TESSERA_PROXY_BIN || join(ROOT, 'target', 'debug', 'tessera-proxy');
  // A test that sets its own secrets keeps them; the others get the harness's known ones.
  const secretEnv = { ...E2E_SECRETS, ...env };
  const childEnv = {
    ...process.env,
    TESSERA_LISTEN: '127.0.0.1:0',
    TESSERA_DATA_DIR: dataDir,
    TESSERA_WIDGET_DIR: join(ROOT, 'dist'),
    // Debug for tessera's own crates and the access log: the more a proxy says, the more
    // chance a leak has to show in the transcript.
    TESSERA_LOG: 'info,tessera_proxy=debug,tessera_sandbox=debug,tower_http=debug',
    ...secretEnv,
  };
  record({ kind: 'proxy', secrets: SECRET_VARS.map((name) => childEnv[name]).filter(Boolean) });
  const child = spawn(bin, [], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs = [];
  recordLines(child.stderr, 'stderr', (text) => logs.push(text));
  let out = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`proxy did not start:\n${out}\n${logs.join('')}`)), 30_000);
    recordLines(child.stdout, 'stdout');
    child.stdout.on('data', (d) => {
      out += d.toString();
      const m = out.match(/listening on (http:\/\/\S+)/);
      // The sandbox line follows the URL line; wait for it when the sandbox is the upstream.
      const upstreamKnown = /upstream: /.test(out) || env.TESSERA_UPSTREAM;
      if (m && upstreamKnown) { clearTimeout(timer); resolve(m[1].replace(/\/$/, '')); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`proxy exited (${code}):\n${logs.join('')}`)); });
  });
  const sandbox = out.match(/upstream: embedded sandbox at (http:\/\/\S+)/)?.[1];
  const ticketwave = out.match(/ticketwave: embedded sandbox at (http:\/\/\S+)/)?.[1];
  proxyOrigins.add(new URL(url).origin);
  if (sandbox) proxyOrigins.add(new URL(sandbox).origin);
  if (ticketwave) proxyOrigins.add(new URL(ticketwave).origin);
  return {
    url,
    logs,
    dataDir,
    /** The embedded platform's own API base (`…/v1`), when the sandbox is the upstream. */
    sandboxUrl: sandbox,
    /** The embedded TicketWave's origin, with `TESSERA_TICKETWAVE_URL=sandbox`. */
    ticketwaveUrl: ticketwave,
    /** Runs an admin command of the same binary over the same data, e.g. `promo create …`. */
    async command(...args) {
      const { stdout, stderr } = await promisify(execFile)(bin, args, {
        cwd: ROOT, env: { ...process.env, TESSERA_DATA_DIR: dataDir, ...secretEnv },
      });
      for (const [name, text] of [['stdout', stdout], ['stderr', stderr]]) {
        for (const line of text.split('\n').filter(Boolean)) record({ kind: 'log', stream: `${args[0]} ${name}`, line });
      }
      return stdout.trim();
    },
    /** Ends it at once (SIGKILL): nothing is finished, the data directory is kept. */
    async kill() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      // The last lines (the shutdown's) are read before the data directory goes.
      await Promise.all([child.stdout, child.stderr].map((s) => s.readableEnded ? null : new Promise((r) => s.once('end', r))));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(extraArgs = []) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', ...extraArgs],
  });
  recordResponsesOf(browser);
  return browser;
}

/** Every response a page of `browser` gets from a proxy goes into the transcript. */
function recordResponsesOf(browser) {
  const reading = new Set();
  // `browser.newPage()` goes through `newContext` too, so this sees every page.
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (...args) => {
    const context = await newContext(...args);
    context.on('response', (response) => {
      const url = response.url();
      const headers = response.headers();
      if (!fromProxy(url) || (headers['content-type'] ?? '').includes('text/event-stream')) return;
      const status = response.status();
      const read = (status >= 300 && status < 400 ? Promise.resolve(Buffer.alloc(0)) : response.body())
        .then((body) => recordResponse('browser', url, status, headers, body))
        // A page that navigated away before the body arrived: its headers are still scanned.
        .catch((e) => record({ kind: 'response', via: 'browser', url, status, headers, unreadable: e.message.split('\n')[0] }));
      reading.add(read);
      read.finally(() => reading.delete(read));
    });
    return context;
  };
  // Bodies still being read when the test closes the browser are waited for (briefly).
  const close = browser.close.bind(browser);
  browser.close = async (...args) => {
    await Promise.race([Promise.allSettled([...reading]), new Promise((r) => setTimeout(r, 5_000))]);
    return close(...args);
  };
}

/** Waits until `check()` is truthy, asking every 250 ms for at most `ms`. */
export async function until(check, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Saves a screenshot of the page (or one widget) under tests/e2e/artifacts/. */
export async function screenshot(target, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await target.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

/** Fails the test on any console error or uncaught exception in the page. */
export function watchPage(page) {
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  return problems;
}

export function writeArtifact(name, text) {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, name), text);
}

/**
 * axe-core over the widgets on `page` (it reaches into open shadow roots): the serious and
 * critical violations, written to artifacts/axe-{state}.json; an empty list is a pass.
 */
export async function axeViolations(page, state) {
  const { readFileSync } = await import('node:fs');
  await page.addScriptTag({ content: readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8') });
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run({ include: [['tessera-tickets'], ['[data-tessera-event]'], ['[data-tessera-view]']] });
    return r.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => JSON.stringify(n.target)) }));
  });
  writeArtifact(`axe-${state}.json`, JSON.stringify(violations, null, 2));
  return violations;
}

/** A port nothing listens on now, on loopback. */
export async function freeLoopbackPort() {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

/**
 * A site owner's web server on loopback, for host pages on an origin other than the proxy's.
 * (A page a test fulfils with `page.route` is not on loopback to Chromium, which then keeps it
 * from the proxy; nor is a redirect back to it, such as the checkout's return, routed.) Every
 * path answers with a page holding `pages.get(path)` (or `fallback`) and the loader from
 * `proxyUrl()`, asked at each request since the proxy usually starts after its shops.
 */
export async function startHostServer(proxyUrl, fallback = '') {
  const { createServer } = await import('node:http');
  const pages = new Map();
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head>
      <body><main><h1>Tickets</h1>${pages.get(path) ?? fallback}</main>
      <script async src="${proxyUrl()}/widget/tessera.js"></script></body></html>`);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    /** `http://localhost:{port}`: another origin than the proxy's `127.0.0.1` one. */
    origin: `http://localhost:${server.address().port}`,
    pages,
    close: () => new Promise((r) => server.close(r)),
  };
}
