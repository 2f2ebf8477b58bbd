// Live availability: two buyers on the same event; what one buys (and what is refunded)
// shows in the other's widget within 2 seconds, without a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProxy, launchBrowser, screenshot } from './harness.mjs';

const JAZZ = '344c5b2c-7de4-4174-863f-682207408add';
const KEY = 'hh_live_e2e_live_inspector';
let proxy, browser;
before(async () => { proxy = await startProxy({ TESSERA_SANDBOX_API_KEY: KEY }); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await proxy?.stop(); });

const gaLeft = async (widget) => {
  const text = await widget.locator('label', { hasText: 'General Admission' }).innerText();
  return Number(text.match(/(\d+) left/)[1]);
};

test('a purchase in one page and a refund show in another within 2 seconds', async () => {
  const watcher = await browser.newPage();
  await watcher.goto(proxy.url + '/');
  const watching = watcher.locator('tessera-tickets').first();
  await watching.getByRole('radio', { name: /General Admission/ }).waitFor();
  const start = await gaLeft(watching);
  const gaSays = (n) => watching.getByRole('radio', { name: new RegExp(`General Admission.* ${n} left`) });

  const buyer = await browser.newPage();
  await buyer.goto(proxy.url + '/');
  const buying = buyer.locator('tessera-tickets').first();
  await buying.getByRole('radio', { name: /General Admission/ }).check();
  await buying.getByRole('button', { name: 'More tickets' }).click();
  await buying.getByLabel('Full name').fill('Lea Cruz');
  await buying.getByLabel('Email').fill('lea@example.com');
  await buying.getByRole('button', { name: 'Continue to payment' }).click();
  await buyer.waitForURL(/\/checkout\/pi_/);
  await buyer.getByRole('button', { name: /^Pay/ }).click();
  await buyer.waitForURL((u) => u.toString().startsWith(proxy.url + '/'));

  const paidAt = Date.now();
  await gaSays(start - 2).waitFor({ timeout: 2000 });
  console.log(`# purchase seen by the other page ${Date.now() - paidAt} ms after the buyer was back`);
  assert.match(await watching.locator('[aria-live="polite"]').last().innerText(), new RegExp(`General Admission: ${start - 2} left now`));
  await screenshot(watcher, 'state-live-update');

  // A refund on the platform (by the organiser) comes back as a signed webhook.
  const auth = { Authorization: `Bearer ${KEY}` };
  const attendees = await (await fetch(`${proxy.sandboxUrl}/events/${JAZZ}/attendees?status=sold&per_page=100`, { headers: auth })).json();
  const ticket = attendees.data.attendees.find((a) => a.customer.email === 'lea@example.com');
  assert.ok(ticket, JSON.stringify(attendees).slice(0, 500));
  const refund = await fetch(`${proxy.sandboxUrl}/tickets/${ticket.ticket_id}/refund`, { method: 'POST', headers: auth });
  assert.equal(refund.status, 200);
  const refundedAt = Date.now();
  await gaSays(start - 1).waitFor({ timeout: 2000 });
  console.log(`# refund seen ${Date.now() - refundedAt} ms after the platform answered`);
  assert.equal(await gaLeft(watching), start - 1);
});
