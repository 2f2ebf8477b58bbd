// The states a buyer meets when things go wrong between viewing and paying.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProxy, launchBrowser, screenshot, until } from './harness.mjs';

const JAZZ = '344c5b2c-7de4-4174-863f-682207408add';
const JAZZ_VIP = '445f60a4-c8f6-495d-8885-c4cd58f4a79e';
const started = [];
after(async () => { for (const s of started) await s.close(); });

async function open(env = {}) {
  const proxy = await startProxy(env);
  const browser = await launchBrowser();
  started.push({ close: async () => { await browser.close(); await proxy.stop(); } });
  const page = await browser.newPage();
  await page.goto(proxy.url + '/');
  const widget = page.locator('tessera-tickets').first();
  await widget.getByRole('radio', { name: /VIP/ }).waitFor();
  return { proxy, page, widget };
}

async function fillBuyer(widget) {
  await widget.getByLabel('Full name').fill('Juan Dela Cruz');
  await widget.getByLabel('Email').fill('juan@example.com');
}

test('seats that go unseen by the proxy: a clear 409 message and the new availability', async () => {
  const key = 'hh_live_e2e_errors_inspector';
  const { proxy, page, widget } = await open({ TESSERA_SANDBOX_API_KEY: key });
  await widget.getByRole('radio', { name: /VIP/ }).check();
  for (let i = 0; i < 2; i++) await widget.getByRole('button', { name: 'More tickets' }).click();
  assert.equal(await widget.getByLabel('Quantity').inputValue(), '3');
  await fillBuyer(widget);

  // Another shop on the same platform holds two of the three VIP seats: no webhook tells
  // this proxy (holds are not sales), so only the checkout's fresh read finds out.
  const other = await fetch(proxy.sandboxUrl + '/checkouts', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ event_id: JAZZ, tier_id: JAZZ_VIP, quantity: 2,
      customer: { name: 'Other Buyer', email: 'other@example.com' }, success_url: 'https://elsewhere.example/' }),
  });
  assert.equal(other.status, 201);

  await widget.getByRole('button', { name: 'Continue to payment' }).click();
  await widget.getByRole('alert').filter({ hasText: 'just sold out' }).waitFor();
  await widget.getByRole('radio', { name: /VIP.*Only 1 left/ }).waitFor();
  // The new count can arrive over the live stream while the checkout is under way, which leaves
  // the quantity alone; the event the widget reads again after the 409 then lowers it.
  const quantity = widget.getByLabel('Quantity');
  await until(async () => (await quantity.inputValue()) === '1', 5000, 'the quantity to be lowered').catch(() => {});
  assert.equal(await quantity.inputValue(), '1', 'the quantity is lowered to what is left');
  assert.ok(page.url().startsWith(proxy.url), 'the buyer stays on the page');
  await screenshot(widget, 'state-sold-out-conflict');
});

test('seats taken through this shop while the buyer decides: the quantity is lowered live, with the reason', async () => {
  const { proxy, widget } = await open();
  await widget.getByRole('radio', { name: /VIP/ }).check();
  for (let i = 0; i < 2; i++) await widget.getByRole('button', { name: 'More tickets' }).click();
  const other = await fetch(proxy.url + '/api/v1/checkout', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ event_id: JAZZ, tier_id: JAZZ_VIP, quantity: 2,
      customer: { name: 'Other Buyer', email: 'other@example.com' } }),
  });
  assert.equal(other.status, 201);
  await widget.getByRole('status').filter({ hasText: 'Only 1 VIP left now, so your quantity is now 1.' }).waitFor({ timeout: 2000 });
  assert.equal(await widget.getByLabel('Quantity').inputValue(), '1');
  await widget.getByRole('radio', { name: /VIP.*Only 1 left/ }).waitFor();
  await screenshot(widget, 'state-live-quantity-lowered');
});

test('a platform that is down is told as unavailable, not as busy, to the buyer and to the host page', async () => {
  // Nothing listens where this proxy looks for its platform, and it has no copy of the event.
  const proxy = await startProxy({ TESSERA_UPSTREAM: 'http://127.0.0.1:9/v1', TESSERA_API_KEY: 'hh_live_e2e_errors_down',
    TESSERA_UPSTREAM_TIMEOUT_MS: '1000' });
  const browser = await launchBrowser();
  started.push({ close: async () => { await browser.close(); await proxy.stop(); } });
  const answer = await fetch(`${proxy.url}/api/v1/events/${JAZZ}`);
  assert.equal(answer.status, 503);
  assert.ok(answer.headers.get('retry-after'), 'says when to come back');
  assert.equal((await answer.json()).error.code, 'platform_down');
  const page = await browser.newPage();
  const kinds = [];
  await page.exposeFunction('recordTesseraError', (kind) => kinds.push(kind));
  await page.addInitScript(() => document.addEventListener('tessera:error', (e) => window.recordTesseraError(e.detail.kind)));
  await page.goto(proxy.url + '/');
  const widget = page.locator('tessera-tickets').first();
  const alert = widget.getByRole('alert').filter({ hasText: 'not responding' });
  await alert.waitFor();
  assert.doesNotMatch(await alert.innerText(), /busy/);
  await widget.getByRole('button', { name: 'Try again' }).waitFor();
  await until(async () => kinds.includes('platform_down'), 5000, 'tessera:error with kind platform_down');
  assert.ok(!kinds.includes('platform_busy'), `kinds heard: ${kinds}`);
  await screenshot(widget, 'state-platform-down');
});

test('a platform answering 429 is explained with how long to wait', async () => {
  // Two upstream reads load the page (event and list); the checkout's create is the third.
  const { widget } = await open({ TESSERA_SANDBOX_RATE_LIMIT: '2' });
  await widget.getByRole('heading', { name: 'Manila Jazz Night' }).waitFor();
  await fillBuyer(widget);
  await widget.getByRole('button', { name: 'Continue to payment' }).click();
  const alert = widget.getByRole('alert').filter({ hasText: 'busy' });
  await alert.waitFor();
  assert.match(await alert.innerText(), /try again in \d+ seconds?\./);
  await screenshot(widget, 'state-platform-busy');
});
