// The states a buyer meets when things go wrong between viewing and paying.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProxy, launchBrowser, screenshot } from './harness.mjs';

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

test('seats that go while the buyer decides: a clear 409 message and the new availability', async () => {
  const { proxy, page, widget } = await open();
  await widget.getByRole('radio', { name: /VIP/ }).check();
  for (let i = 0; i < 2; i++) await widget.getByRole('button', { name: 'More tickets' }).click();
  assert.equal(await widget.getByLabel('Quantity').inputValue(), '3');
  await fillBuyer(widget);

  // Another buyer takes two of the three VIP seats first.
  const other = await fetch(proxy.url + '/api/v1/checkout', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ event_id: JAZZ, tier_id: JAZZ_VIP, quantity: 2,
      customer: { name: 'Other Buyer', email: 'other@example.com' } }),
  });
  assert.equal(other.status, 201);

  await widget.getByRole('button', { name: 'Continue to payment' }).click();
  await widget.getByRole('alert').filter({ hasText: 'just sold out' }).waitFor();
  await widget.getByRole('radio', { name: /VIP.*Only 1 left/ }).waitFor();
  assert.equal(await widget.getByLabel('Quantity').inputValue(), '1', 'the quantity is lowered to what is left');
  assert.ok(page.url().startsWith(proxy.url), 'the buyer stays on the page');
  await screenshot(widget, 'state-sold-out-conflict');
});

test('a platform answering 429 is explained with how long to wait', async () => {
  // Two upstream reads load the page (event and list); the checkout's fresh read is the third.
  const { widget } = await open({ TESSERA_SANDBOX_RATE_LIMIT: '2' });
  await widget.getByRole('heading', { name: 'Manila Jazz Night' }).waitFor();
  await fillBuyer(widget);
  await widget.getByRole('button', { name: 'Continue to payment' }).click();
  const alert = widget.getByRole('alert').filter({ hasText: 'busy' });
  await alert.waitFor();
  assert.match(await alert.innerText(), /try again in \d+ seconds/);
  await screenshot(widget, 'state-platform-busy');
});
