// Three proxies behind nginx over one Redis and one sandbox platform (the topology of
// docs/deploy.md), under load. Two runs:
//
//   node bench/scale-out.mjs widgets [--widgets 1500] [--minutes 5] [--buy-every 3]
//     Simulated widgets through nginx: each loads its event and keeps its live stream open, and
//     reloads about once a minute; a purchase every few seconds goes through a proxy, the hosted
//     page and the platform's signed webhook. A counting proxy in front of the platform records
//     every API call: the most in any 60 s window, and how many were answered 429.
//
//     With --no-redis, the same three proxies without Redis: each on its own (the comparison).
//
//   node bench/scale-out.mjs viewers [--viewers 20000]
//     As many live streams as the machine holds, spread over the three proxies; one sale's
//     webhook to one proxy; how long until each viewer has the new count (p50, p99, last), and
//     the proxies' memory per viewer.
//
// Needs `cargo build -p tessera-proxy -p tessera-sandbox` (release binaries with --release
// and TESSERA_PROXY_BIN / TESSERA_SANDBOX_BIN), redis-server and nginx (scripts/setup.sh).
import http from 'node:http';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ROOT } from '../tests/e2e/harness.mjs';
import { startRedis, startSandbox, startNginx, freePort } from '../tests/e2e/servers.mjs';

const JAZZ = '344c5b2c-7de4-4174-863f-682207408add';
const GA = '7122821e-fc22-4c41-9e36-6d497ab07f8f';
const KEY = 'hh_live_bench_scale_out_key_0001';
const mode = process.argv[2];
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/** An HTTP request with node's own client (fetch's pool is not made for 20,000 streams). */
function request(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const r = http.request(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    r.on('error', reject);
    if (body) r.write(body);
    r.end();
  });
}

/** Forwards to the platform and notes each call's time and status. */
async function startCounter(target) {
  const calls = [];
  const port = await freePort();
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const out = http.request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers, agent },
      (answer) => {
        calls.push({ t: Date.now(), status: answer.statusCode, path: req.url });
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      });
    out.on('error', () => { calls.push({ t: Date.now(), status: 0 }); res.destroy(); });
    req.pipe(out);
  });
  await new Promise((r) => server.listen(port, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${port}${upstream.pathname}`, calls, close: () => server.close() };
}

function startProxyProcess(env) {
  const bin = process.env.TESSERA_PROXY_BIN || join(ROOT, 'target', 'debug', 'tessera-proxy');
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
  const child = spawn(bin, [], { env: { ...process.env, TESSERA_DATA_DIR: dataDir, TESSERA_WIDGET_DIR: join(ROOT, 'dist'), TESSERA_LOG: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (/listening on/.test(out)) resolve({ child, pid: child.pid, close: async () => { child.kill('SIGTERM'); await new Promise((r) => child.once('exit', r)); rmSync(dataDir, { recursive: true, force: true }); } });
    });
    child.once('exit', (code) => reject(new Error(`proxy exited ${code}`)));
  });
}

const rssKiB = (pid) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);

async function shop() {
  const redis = await startRedis();
  const sandbox = await startSandbox(KEY);
  const counter = await startCounter(sandbox.url);
  const nginxPort = await freePort();
  const ports = [await freePort(), await freePort(), await freePort()];
  // The platform signs its webhooks to nginx with the secret it hands out at registration.
  const reg = await request(`${sandbox.url}/webhooks`, { method: 'POST', headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ url: `http://127.0.0.1:${nginxPort}/webhooks/hanghut`, events: ['ticket.purchased', 'ticket.refunded'] }) });
  const secret = JSON.parse(reg.body).data?.secret ?? JSON.parse(reg.body).secret;
  if (!secret) throw new Error(`webhook registration: ${reg.status} ${reg.body}`);
  const proxies = [];
  for (const port of ports) {
    proxies.push(await startProxyProcess({
      TESSERA_LISTEN: `127.0.0.1:${port}`, TESSERA_PUBLIC_URL: `http://127.0.0.1:${nginxPort}/`,
      TESSERA_UPSTREAM: counter.url, TESSERA_API_KEY: KEY, TESSERA_HANGHUT_WEBHOOK_SECRET: secret,
      ...(process.argv.includes('--no-redis') ? {} : { TESSERA_REDIS_URL: redis.url }), TESSERA_TRUSTED_PROXIES: '127.0.0.1', TESSERA_DEMO_EVENT: JAZZ,
      // Simulated widgets come from one address: the per-client caps are a different test.
      TESSERA_LIVE_STREAMS_PER_CLIENT: '100000', TESSERA_CHECKOUTS_PER_MINUTE: '100000', TESSERA_PROMO_PREVIEWS_PER_MINUTE: '100000',
    }));
  }
  const nginx = await startNginx(nginxPort, ports);
  return {
    redis, sandbox, counter, nginx, proxies, ports, secret,
    async close() {
      for (const p of proxies) await p.close();
      await nginx.close(); counter.close(); await sandbox.close(); await redis.close();
    },
  };
}

/** A live stream that calls `onSnapshot(snapshot)` for every availability event. */
function openStream(url, onSnapshot) {
  return new Promise((resolve, reject) => {
    const r = http.get(url, { agent: false, headers: { Accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) { res.resume(); reject(new Error(`stream: ${res.statusCode}`)); return; }
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        buffer += d;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.includes('event: availability')) {
            const data = block.split('\n').find((l) => l.startsWith('data:'));
            onSnapshot(JSON.parse(data.slice(5)));
          }
        }
      });
      resolve({ close: () => r.destroy() });
    });
    r.on('error', reject);
  });
}
const gaOf = (snapshot) => snapshot.tiers.find((t) => t.id === GA).available;

/** The most calls in any 60 s window (sliding over each call's time). */
function busiestMinute(times) {
  let best = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j] - times[i] >= 60_000) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

async function buyOnce(base) {
  const order = { event_id: JAZZ, tier_id: GA, quantity: 1, customer: { name: 'Bench Buyer', email: 'bench@example.com' } };
  const r = await request(`${base}/api/v1/checkout`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() }, body: JSON.stringify(order) });
  if (r.status !== 201) return r.status;
  const { checkout_url: url } = JSON.parse(r.body);
  const paid = await request(`${url}/pay`, { method: 'POST' });
  return paid.status === 303 ? 201 : paid.status;
}

async function widgets() {
  const n = arg('widgets', 1500), minutes = arg('minutes', 5), buyEvery = arg('buy-every', 3) * 1000;
  const s = await shop();
  const base = s.nginx.url;
  const end = Date.now() + minutes * 60_000;
  const stats = { loads: 0, loadFailures: 0, purchases: 0, purchaseAnswers: {}, updates: 0 };
  const streams = [];
  async function widget() {
    // Arrive within the first 30 s, then reload about once a minute, as pages come and go.
    await sleep(Math.random() * 30_000);
    while (Date.now() < end) {
      const r = await request(`${base}/api/v1/events/${JAZZ}`).catch(() => ({ status: 0 }));
      stats.loads++;
      if (r.status !== 200) stats.loadFailures++;
      const stream = await openStream(`${base}/api/v1/events/${JAZZ}/live`, () => stats.updates++).catch(() => null);
      if (stream) streams.push(stream);
      await sleep(45_000 + Math.random() * 30_000);
      stream?.close();
    }
  }
  const buyer = (async () => {
    await sleep(5_000);
    while (Date.now() < end) {
      const status = await buyOnce(base).catch(() => 0);
      stats.purchases++;
      stats.purchaseAnswers[status] = (stats.purchaseAnswers[status] ?? 0) + 1;
      await sleep(buyEvery);
    }
  })();
  const started = Date.now();
  await Promise.all([...Array.from({ length: n }, widget), buyer]);
  for (const st of streams) st.close();
  const api = s.counter.calls;
  const result = {
    widgets: n, minutes, seconds: Math.round((Date.now() - started) / 1000), ...stats,
    platform_calls: api.length, busiest_60s_window: busiestMinute(api.map((c) => c.t)),
    answered_429: api.filter((c) => c.status === 429).length,
    calls_by_path: Object.entries(api.reduce((m, c) => { const k = c.path?.split('?')[0].replace(/[0-9a-f-]{36}|pi_\w+/g, ':id'); m[k] = (m[k] ?? 0) + 1; return m; }, {})),
  };
  console.log(JSON.stringify(result, null, 2));
  await s.close();
}

/**
 * One process's share of the viewers (a process may hold only so many sockets): opens `count`
 * streams over `ports`, then for each `{target}` message reports when each stream saw it.
 */
async function viewerClient() {
  const ports = process.argv[3].split(',').map(Number), count = Number(process.argv[4]);
  let target = null, since = 0;
  const seen = [];
  const streams = [];
  for (let i = 0; i < count; i++) {
    const st = await openStream(`http://127.0.0.1:${ports[i % ports.length]}/api/v1/events/${JAZZ}/live`, (snap) => {
      if (target !== null && gaOf(snap) === target) seen.push(Date.now() - since);
    }).catch((e) => { console.error(`viewer ${i}: ${e.message}`); return null; });
    if (!st) break;
    streams.push(st);
  }
  process.send({ open: streams.length });
  process.on('message', async (m) => {
    if (m.target === undefined) { for (const st of streams) st.close(); process.exit(0); }
    seen.length = 0; target = m.target; since = m.since;
    const deadline = Date.now() + 30_000;
    while (seen.length < streams.length && Date.now() < deadline) await sleep(20);
    process.send({ seen: [...seen] });
    target = null;
  });
}

async function viewers() {
  const n = arg('viewers', 20000);
  const clients = arg('clients', 2);
  const s = await shop();
  const rssBefore = s.proxies.map((p) => rssKiB(p.pid));
  const opened = Date.now();
  const { fork } = await import('node:child_process');
  const children = Array.from({ length: clients }, () =>
    fork(process.argv[1], ['viewer-client', s.ports.join(','), String(Math.ceil(n / clients))], { stdio: 'inherit' }));
  const next = (child) => new Promise((r) => child.once('message', r));
  const open = (await Promise.all(children.map(next))).reduce((a, m) => a + m.open, 0);
  const openMs = Date.now() - opened;
  await sleep(3000);
  const rssAfter = s.proxies.map((p) => rssKiB(p.pid));
  const results = [];
  for (let round = 0; round < 3; round++) {
    const ev = JSON.parse((await request(`http://127.0.0.1:${s.ports[0]}/api/v1/events/${JAZZ}`)).body);
    const target = ev.tiers.find((t) => t.id === GA).available - 1;
    const since = Date.now();
    const answers = children.map(next);
    for (const c of children) c.send({ target, since });
    // The sale: a checkout through nginx holds a seat, the buyer pays on the hosted page, and
    // the platform's webhook follows; viewers see the hold's count. Timed from the checkout.
    await buyOnce(s.nginx.url);
    const sorted = (await Promise.all(answers)).flatMap((m) => m.seen).sort((a, b) => a - b);
    const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    results.push({ reached: sorted.length, of: open, p50_ms: q(0.5), p99_ms: q(0.99), last_ms: sorted.at(-1) });
    await sleep(2000);
  }
  const perViewer = rssAfter.map((a, i) => a - rssBefore[i]).reduce((x, y) => x + y, 0) / open;
  console.log(JSON.stringify({ viewers: open, open_seconds: Math.round(openMs / 1000),
    rss_mib_before: rssBefore.map((k) => Math.round(k / 1024)), rss_mib_after: rssAfter.map((k) => Math.round(k / 1024)),
    kib_per_viewer: Math.round(perViewer * 10) / 10, rounds: results }, null, 2));
  for (const c of children) c.send({});
  await s.close();
}

if (mode === 'viewer-client') { await viewerClient(); }
else if (mode === 'widgets') await widgets();
else if (mode === 'viewers') await viewers();
else { console.error('usage: node bench/scale-out.mjs widgets|viewers [options]'); process.exit(2); }
if (mode !== 'viewer-client') process.exit(0);
