// Three proxies behind nginx, over one Redis and one sandbox platform, as docs/deploy.md sets
// them up: what one proxy learns shows in pages streaming from another, a delivery or an
// Idempotency-Key taken at one is known at the others, a proxy killed mid-run loses its
// viewers to the others and none of the deliveries it took, and Redis may stop for a while.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProxy, launchBrowser, screenshot, until, ROOT } from './harness.mjs';
import { startRedis, startSandbox, startNginx, freePort } from './servers.mjs';

const JAZZ = '344c5b2c-7de4-4174-863f-682207408add';
const GA = '7122821e-fc22-4c41-9e36-6d497ab07f8f';
const KEY = 'hh_live_e2e_scale_out_key_7a1c44';
const SECRET = 'whsec_e2e_scale_out_webhook_secret_9d2e';

let redis, sandbox, nginx, browser;
/** The three proxies by name, and the settings each was started with (to restart one). */
const proxies = {};
const settings = {};

async function startNamed(name, extra = {}) {
  proxies[name] = await startProxy({ ...settings[name], ...extra });
  return proxies[name];
}

before(async () => {
  redis = await startRedis();
  sandbox = await startSandbox(KEY);
  const nginxPort = await freePort();
  const ports = [await freePort(), await freePort(), await freePort()];
  for (const [i, name] of ['a', 'b', 'c'].entries()) {
    settings[name] = {
      TESSERA_LISTEN: `127.0.0.1:${ports[i]}`,
      TESSERA_PUBLIC_URL: `http://127.0.0.1:${nginxPort}/`,
      TESSERA_UPSTREAM: sandbox.url,
      TESSERA_API_KEY: KEY,
      TESSERA_HANGHUT_WEBHOOK_SECRET: SECRET,
      TESSERA_REDIS_URL: redis.url,
      TESSERA_TRUSTED_PROXIES: '127.0.0.1',
      TESSERA_DEMO_EVENT: JAZZ,
    };
    await startNamed(name);
    settings[name].TESSERA_DATA_DIR = proxies[name].dataDir;
  }
  nginx = await startNginx(nginxPort, ports);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  for (const p of Object.values(proxies)) await p?.stop().catch(() => {});
  await nginx?.close();
  await sandbox?.close();
  await redis?.close();
});

const gaLeft = async (widget) => {
  const text = await widget.locator('label', { hasText: 'General Admission' }).innerText();
  return Number(text.match(/(\d+) left/)[1]);
};
const gaSays = (widget, n) => widget.getByRole('radio', { name: new RegExp(`General Admission.* ${n} left`) });

/** A proxy's own address (its `url` is where buyers reach it: nginx). */
const direct = (name) => `http://${settings[name].TESSERA_LISTEN}`;

/** The names of the proxies holding live streams now, by their own /metrics. */
async function streaming() {
  const names = [];
  for (const name of Object.keys(proxies)) {
    const text = await fetch(`${direct(name)}/metrics`).then((r) => r.text()).catch(() => '');
    const viewers = Number(text.match(/^tessera_live_viewers (\d+)/m)?.[1] ?? 0);
    if (viewers > 0) names.push(name);
  }
  return names;
}

/** A sale made on the platform itself (an organiser's box office): nobody's proxy hears of it but by webhook. */
async function sellOnPlatform(quantity) {
  const auth = { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' };
  const r = await fetch(`${sandbox.url}/checkouts`, {
    method: 'POST', headers: auth,
    body: JSON.stringify({ event_id: JAZZ, tier_id: GA, quantity, customer: { name: 'Box Office', email: 'box@example.com' },
      success_url: 'https://elsewhere.example/ok' }),
  });
  const body = await r.json();
  assert.equal(r.status, 201, JSON.stringify(body));
  const paid = await fetch(`${body.data.checkout_url}/pay`, { method: 'POST', redirect: 'manual' });
  assert.equal(paid.status, 303);
}

/** HangHut's `ticket.purchased`, signed as HangHut signs it (HMAC-SHA256 of the body, hex). */
function purchaseDelivery() {
  const body = JSON.stringify({ id: `evt_${randomUUID()}`, type: 'ticket.purchased', created_at: new Date().toISOString(),
    data: { ticket_id: randomUUID(), event_id: JAZZ, amount: 1000 } });
  return { body, signature: createHmac('sha256', SECRET).update(body).digest('hex') };
}

async function deliver(name, { body, signature }, signal) {
  const r = await fetch(`${direct(name)}/webhooks/hanghut`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-HangHut-Signature': signature }, body, signal,
  });
  return { status: r.status, body: await r.json() };
}

async function openWidget() {
  const page = await browser.newPage();
  await page.goto(nginx.url + '/');
  const widget = page.locator('tessera-tickets').first();
  await widget.getByRole('radio', { name: /General Admission/ }).waitFor();
  return { page, widget };
}

test('docs/deploy.md shows the nginx configuration these tests run, and the systemd unit, as they are', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'deploy.md'), 'utf8');
  for (const file of ['deploy/nginx/tessera-proxy.conf', 'deploy/nginx/tessera-site.conf', 'deploy/systemd/tessera-proxy@.service']) {
    assert.ok(doc.includes(readFileSync(join(ROOT, file), 'utf8')), `docs/deploy.md does not show ${file} as it is`);
  }
});

test('a webhook taken by one proxy shows within a second on a page streaming through nginx from another; its replay to a third is a duplicate', async () => {
  const { page, widget } = await openWidget();
  const [holder] = await until(async () => { const s = await streaming(); return s.length ? s : null; }, 5000, 'the page\'s live stream');
  const [taker, replayed] = ['a', 'b', 'c'].filter((n) => n !== holder);
  const start = await gaLeft(widget);

  await sellOnPlatform(2);
  const delivery = purchaseDelivery();
  const sent = Date.now();
  const first = await deliver(taker, delivery);
  assert.deepEqual([first.status, first.body.duplicate], [200, false], JSON.stringify(first.body));
  await gaSays(widget, start - 2).waitFor({ timeout: 1000 });
  console.log(`# a webhook at proxy ${taker} shown by a page streaming from proxy ${holder} ${Date.now() - sent} ms after it was sent`);
  await screenshot(page, 'state-scale-out-webhook-elsewhere');

  const again = await deliver(replayed, delivery);
  assert.deepEqual([again.status, again.body.duplicate], [200, true], 'the platform\'s retry to another proxy is a duplicate');
  await new Promise((r) => setTimeout(r, 700));
  assert.equal(await gaLeft(widget), start - 2, 'the duplicate changed nothing');
  await page.close();
});

test('the same Idempotency-Key at two proxies opens one session on the platform', async () => {
  const platformGa = async () => {
    const r = await fetch(`${sandbox.url}/events/${JAZZ}`, { headers: { Authorization: `Bearer ${KEY}` } });
    return (await r.json()).data.ticket_tiers.find((t) => t.id === GA).available;
  };
  const before = await platformGa();
  const key = randomUUID();
  const order = JSON.stringify({ event_id: JAZZ, tier_id: GA, quantity: 2, customer: { name: 'Ana Reyes', email: 'ana@example.com' } });
  const answers = [];
  for (const name of ['a', 'b']) {
    const r = await fetch(`${direct(name)}/api/v1/checkout`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'Idempotency-Key': key }, body: order,
    });
    answers.push({ status: r.status, replayed: r.headers.get('idempotent-replayed'), body: await r.json() });
  }
  assert.deepEqual(answers.map((a) => a.status), [201, 201], JSON.stringify(answers));
  assert.equal(answers[1].replayed, 'true');
  assert.equal(answers[1].body.checkout_url, answers[0].body.checkout_url, 'proxy b answers with the session proxy a opened');
  assert.equal(await platformGa(), before - 2, 'one session holds seats on the platform, not two');
});

test('a proxy killed mid-run: its viewers go on through nginx with the others, and a delivery it had taken is applied when it is back', async () => {
  const { page, widget } = await openWidget();
  const [holder] = await until(async () => { const s = await streaming(); return s.length ? s : null; }, 5000, 'the page\'s live stream');
  const start = await gaLeft(widget);
  await proxies[holder].kill();
  const others = ['a', 'b', 'c'].filter((n) => n !== holder);
  // The page's stream is back, on another proxy.
  const now = await until(async () => { const s = await streaming(); return s.length ? s : null; }, 15_000, 'the stream on another proxy');
  assert.ok(others.includes(now[0]), `streaming from ${now}`);
  await sellOnPlatform(1);
  assert.equal((await deliver(others[0], purchaseDelivery())).status, 200);
  await gaSays(widget, start - 1).waitFor({ timeout: 5000 });

  // Back with its data, told to stop between writing a delivery to its inbox and applying it;
  // killed again there; started once more, it applies what it had written.
  await startNamed(holder, { TESSERA_TEST_HOLD_WEBHOOK_APPLY: '1' });
  await sellOnPlatform(1);
  const held = new AbortController();
  const pending = deliver(holder, purchaseDelivery(), held.signal).catch(() => null);
  await until(async () => proxies[holder].logs.join('').includes('holding the delivery unapplied'), 5000, 'the delivery in the inbox');
  await proxies[holder].kill();
  held.abort();
  await pending;
  assert.equal(await gaLeft(widget), start - 1, 'not applied yet: the proxy died first');
  await startNamed(holder);
  await gaSays(widget, start - 2).waitFor({ timeout: 5000 });
  assert.match(proxies[holder].logs.join(''), /replayed webhook deliveries a previous run left unapplied/);
  await page.close();
});

test('Redis stopped for 10 s and started again: buyers are served throughout, and what happened meanwhile reaches every page', async () => {
  const { page, widget } = await openWidget();
  const [holder] = await until(async () => { const s = await streaming(); return s.length ? s : null; }, 5000, 'the page\'s live stream');
  const start = await gaLeft(widget);
  const other = ['a', 'b', 'c'].find((n) => n !== holder);
  await redis.stop();
  const stopped = Date.now();
  await until(async () => (await fetch(`${direct(holder)}/readyz`)).status === 503, 5000, 'readyz to say Redis is down');
  // Served meanwhile, through nginx.
  const served = await fetch(`${nginx.url}/api/v1/events/${JAZZ}`);
  assert.equal(served.status, 200);
  await sellOnPlatform(1);
  const taken = await deliver(other, purchaseDelivery());
  assert.deepEqual([taken.status, taken.body.duplicate], [200, false], 'a delivery is still taken without Redis');
  await new Promise((r) => setTimeout(r, Math.max(0, 10_000 - (Date.now() - stopped))));
  await redis.start();
  await until(async () => (await fetch(`${direct(holder)}/readyz`)).status === 200, 10_000, 'readyz to say ready again');
  // The holder listens again and reads what it watches afresh. Its reconnection backs off, and
  // on a loaded 2-core CI machine this once took longer than 10 s (the same run alone: well under).
  await gaSays(widget, start - 1).waitFor({ timeout: 20_000 });
  await page.close();
});
