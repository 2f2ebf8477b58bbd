// The ticketing platform goes down while buyers look: the proxy serves its last copy of the
// event marked stale, and the widget says availability may be out of date (politely, beside
// the tiers) while still showing every tier, price and count; once the platform answers again,
// the widget's next read is fresh and the note goes.
//
// The platform here is a real one that can be broken: the sandbox of one proxy (A), reached by
// a second proxy (B, the one buyers use) through a small HTTP relay in this file that passes
// requests through or answers 503 as a platform in trouble does.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { startProxy, launchBrowser, screenshot, until } from './harness.mjs';

const JAZZ = '344c5b2c-7de4-4174-863f-682207408add';
const KEY = 'hh_live_e2e_outage_platform_key';
const STALE = "Availability may be out of date: we can't reach the ticketing platform right now.";

/** An HTTP relay to `target` (an origin) that can be switched to answer 503 to everything. */
async function startRelay(target) {
  const state = { mode: 'pass', seen: 0 };
  const sockets = new Set();
  const server = createServer((req, res) => {
    state.seen++;
    if (state.mode === 'down') {
      req.resume();
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"Service temporarily unavailable","status":503}}');
      return;
    }
    const upstream = request(target + req.url, { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
      (answer) => { res.writeHead(answer.statusCode, answer.headers); answer.pipe(res); });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    state,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

let platform, relay, proxy, browser;
before(async () => {
  platform = await startProxy({ TESSERA_SANDBOX_API_KEY: KEY });
  relay = await startRelay(new URL(platform.sandboxUrl).origin);
  proxy = await startProxy({
    TESSERA_UPSTREAM: `${relay.url}${new URL(platform.sandboxUrl).pathname}`,
    TESSERA_API_KEY: KEY,
    TESSERA_DEMO_EVENT: JAZZ,
    TESSERA_UPSTREAM_TIMEOUT_MS: '2000',
  });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await proxy?.stop();
  await relay?.close();
  await platform?.stop();
});

test('while the platform is down the widget keeps its tiers and says they may be out of date; a fresh read clears it', async () => {
  const page = await browser.newPage();
  await page.goto(proxy.url + '/');
  const widget = page.locator('tessera-tickets').first();
  const ga = widget.getByRole('radio', { name: /General Admission.*₱1,000\.00.*\d+ left/ });
  await ga.waitFor();
  const note = widget.getByRole('status').filter({ hasText: STALE });
  assert.equal(await note.count(), 0, 'no note while the platform answers');
  // A second buyer who opened the page before the outage and never reloads.
  const watcher = await browser.newPage();
  await watcher.goto(proxy.url + '/');
  const watching = watcher.locator('tessera-tickets').first();
  await watching.getByRole('radio', { name: /General Admission/ }).waitFor();
  const watcherNote = watching.getByRole('status').filter({ hasText: STALE });
  const seenBefore = relay.state.seen;
  assert.ok(seenBefore > 0, 'the proxy reads the platform through the relay');

  // The platform breaks. The proxy notices on its next read and serves its last copy, stale.
  relay.state.mode = 'down';
  const body = await until(async () => {
    const answer = await (await fetch(`${proxy.url}/api/v1/events/${JAZZ}`)).json();
    return answer.stale === true && answer;
  }, 20_000, 'the proxy to serve the event marked stale');
  assert.ok(body.tiers.length > 0, 'the last copy still has its tiers');
  // The page already open hears it over its live stream, without a reload.
  await watcherNote.waitFor({ timeout: 10_000 });

  // A buyer arriving now (or reloading) sees the tiers, with the note beside them.
  await page.reload();
  await ga.waitFor();
  await note.waitFor();
  assert.equal(await note.getAttribute('role'), 'status', 'said politely to screen readers');
  for (const tier of ['General Admission', 'VIP']) {
    const label = await widget.locator('label', { hasText: tier }).innerText();
    assert.match(label, /₱[\d,]+\.00/, `${tier} keeps its price`);
    assert.match(label, /\d+ left|Sold out/, `${tier} keeps its availability`);
  }
  // The order can still be put together from the last copy; checkout re-checks it fresh.
  await widget.getByRole('button', { name: 'Continue to payment' }).waitFor();
  await screenshot(widget, 'state-stale-availability');

  // The platform answers again: the widget, still asking while its copy is stale, gets a
  // fresh answer and the note goes, without a reload.
  relay.state.mode = 'pass';
  const healedAt = Date.now();
  await note.waitFor({ state: 'detached', timeout: 30_000 });
  await watcherNote.waitFor({ state: 'detached', timeout: 30_000 });
  console.log(`# stale note gone ${Date.now() - healedAt} ms after the platform answered again`);
  await ga.waitFor();
  // A read the proxy began while the platform was still down may answer stale once more.
  await until(async () => (await (await fetch(`${proxy.url}/api/v1/events/${JAZZ}`)).json()).stale === undefined,
    10_000, 'the proxy to read the platform again');
});
