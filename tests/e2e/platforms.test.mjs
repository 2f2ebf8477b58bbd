// One page, two platforms (issue 7): a widget on a TicketWave event (read from the embedded
// TicketWave sandbox's API) and one on a vivenu event (built from vivenu's signed webhooks).
// A sale on TicketWave and a vivenu transaction each reach their widget by webhook, without a
// reload; both widgets say where the buyer will pay before they leave.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { startProxy, launchBrowser, screenshot, watchPage } from './harness.mjs';

const VIVENU_KEY = 'e2e-vivenu-hmac-key-7c1d93f0';
let proxy, browser;
before(async () => {
  proxy = await startProxy({
    TESSERA_TICKETWAVE_URL: 'sandbox',
    TESSERA_TICKETWAVE_WEBHOOK_SECRET: 'e2e-ticketwave-webhook-secret-4be2',
    TESSERA_TICKETWAVE_UTC_OFFSET: '+02:00',
    TESSERA_VIVENU_HMAC_KEY: VIVENU_KEY,
  });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await proxy?.stop(); });

/** Sends a delivery as vivenu does: the raw JSON, signed with the webhook's hmacKey. */
async function vivenu(delivery) {
  const body = JSON.stringify(delivery);
  const signature = createHmac('sha256', VIVENU_KEY).update(body).digest('hex');
  const r = await fetch(`${proxy.url}/webhooks/vivenu`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-vivenu-signature': signature }, body,
  });
  assert.equal(r.status, 200, await r.text());
}

const festival = {
  id: 'wh_e2e_created', type: 'event.created', mode: 'prod',
  data: { event: {
    _id: '64f0c0ffee', name: 'Harbour Lights Festival', start: '2026-12-31T20:00:00+01:00', locationName: 'Harbour Stage',
    tickets: [
      { _id: 'tt-day', name: 'Day Pass', price: 45, amount: 200, active: true },
      { _id: 'tt-vip', name: 'VIP Pass', price: 120.5, amount: 20, active: true, maxAmountPerOrder: 4 },
    ],
  } },
};

const left = async (widget, tier) => {
  const text = await widget.locator('label', { hasText: tier }).innerText();
  return Number(text.match(/(\d+) left/)[1]);
};

test('widgets on a TicketWave and a vivenu event update from their webhooks', async () => {
  await vivenu(festival);
  const page = await browser.newPage();
  const problems = watchPage(page);
  await page.route(`${proxy.url}/two-platforms`, (route) => route.fulfill({
    contentType: 'text/html',
    body: `<!doctype html><html lang="en"><title>Two platforms</title><main>
      <tessera-tickets event="ticketwave:evt_x9y8z7" proxy="${proxy.url}"></tessera-tickets>
      <tessera-tickets event="vivenu:64f0c0ffee" proxy="${proxy.url}"></tessera-tickets></main>
      <script async src="${proxy.url}/widget/tessera.js"></script>`,
  }));
  await page.goto(`${proxy.url}/two-platforms`);
  const ticketwave = page.locator('tessera-tickets').nth(0);
  const vivenuWidget = page.locator('tessera-tickets').nth(1);

  await ticketwave.getByRole('heading', { name: 'Summer Pool Party' }).waitFor();
  await vivenuWidget.getByRole('heading', { name: 'Harbour Lights Festival' }).waitFor();
  assert.equal(await left(ticketwave, 'VIP'), 100);
  assert.equal(await left(vivenuWidget, 'VIP Pass'), 20);
  assert.match(await vivenuWidget.locator('label', { hasText: 'VIP Pass' }).innerText(), /120[.,]50/);

  // Before the buyer leaves: where they will pay, and for TicketWave a link to its page.
  await ticketwave.getByText('Tickets for this event are sold on TicketWave.', { exact: false }).waitFor();
  const onward = ticketwave.getByRole('link', { name: 'Continue on TicketWave' });
  assert.equal(await onward.getAttribute('href'), 'https://www.ticketwavehq.com/events/summer-pool-party-2026');
  await vivenuWidget.getByText('Tickets for this event are sold on vivenu.', { exact: false }).waitFor();
  assert.equal(await vivenuWidget.getByRole('link').count(), 0, 'vivenu gave no page to link to');
  assert.equal(await page.getByRole('button', { name: 'Continue to payment' }).count(), 0);
  await screenshot(page, 'state-two-platforms');

  // A sale on TicketWave: its sandbox sends the signed order.created to the proxy.
  const sold = await fetch(`${proxy.ticketwaveUrl}/sandbox/orders`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ eventId: 'evt_x9y8z7', tierName: 'VIP', quantity: 2, customerName: 'Jane Smith', customerEmail: 'jane@example.com' }),
  });
  assert.equal(sold.status, 201, await sold.text());
  await ticketwave.locator('label', { hasText: 'VIP' }).filter({ hasText: '98 left' }).waitFor({ timeout: 5000 });

  // A vivenu transaction of three VIP passes, then its cancellation.
  const transaction = (type) => ({
    id: `wh_e2e_${type}`, type, mode: 'prod',
    data: {
      transaction: { _id: 'tx_e2e_1', eventId: '64f0c0ffee', email: 'buyer@example.com', name: 'Buyer' },
      tickets: [1, 2, 3].map((n) => ({ _id: `tk_${n}`, eventId: '64f0c0ffee', ticketTypeId: 'tt-vip', name: 'Buyer' })),
    },
  });
  await vivenu(transaction('transaction.complete'));
  await vivenuWidget.locator('label', { hasText: 'VIP Pass' }).filter({ hasText: '17 left' }).waitFor({ timeout: 5000 });
  assert.equal(await left(vivenuWidget, 'Day Pass'), 200);
  await vivenu(transaction('transaction.canceled'));
  await vivenuWidget.locator('label', { hasText: 'VIP Pass' }).filter({ hasText: '20 left' }).waitFor({ timeout: 5000 });
  await screenshot(page, 'state-two-platforms-after-sales');
  assert.deepEqual(problems, []);
});

test('the demo page for TicketWave shows its event through the same widget', async () => {
  const page = await browser.newPage();
  await page.goto(`${proxy.url}/platforms`);
  const widget = page.locator('tessera-tickets');
  await widget.getByRole('heading', { name: 'Summer Pool Party' }).waitFor();
  await widget.getByRole('link', { name: 'Continue on TicketWave' }).waitFor();
  await screenshot(page, 'state-demo-platforms');
});

test('a TicketWave cancellation shows the event as cancelled', async () => {
  const page = await browser.newPage();
  await page.route(`${proxy.url}/cancelled`, (route) => route.fulfill({
    contentType: 'text/html',
    body: `<!doctype html><html lang="en"><title>TicketWave</title><main>
      <tessera-tickets event="ticketwave:evt_x9y8z7" proxy="${proxy.url}"></tessera-tickets></main>
      <script async src="${proxy.url}/widget/tessera.js"></script>`,
  }));
  await page.goto(`${proxy.url}/cancelled`);
  const widget = page.locator('tessera-tickets');
  await widget.getByRole('heading', { name: 'Summer Pool Party' }).waitFor();
  // The organiser cancels on TicketWave: its signed event.cancelled reaches the widget.
  const payload = JSON.stringify({ event: 'event.cancelled', timestamp: '2026-04-10T08:00:00.000Z',
    data: { eventId: 'evt_x9y8z7', title: 'Summer Pool Party', date: '2026-07-15', reason: 'weather', totalOrdersRefunded: 0, totalRefundAmount: '0.00', currency: 'EUR' } });
  const signature = createHmac('sha256', 'e2e-ticketwave-webhook-secret-4be2').update(payload).digest('hex');
  const r = await fetch(`${proxy.url}/webhooks/ticketwave`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-ticketwave-signature': signature, 'x-ticketwave-event': 'event.cancelled' }, body: payload,
  });
  assert.equal(r.status, 200, await r.text());
  // Shown in place of the tiers, and said once in the polite live region.
  await widget.getByText('This event has been cancelled.').first().waitFor({ timeout: 5000 });
  assert.equal(await widget.locator('[aria-live="polite"]').filter({ hasText: 'This event has been cancelled.' }).count(), 1);
  assert.equal(await widget.getByRole('link', { name: 'Continue on TicketWave' }).count(), 0);
  await screenshot(widget, 'state-event-cancelled');
});
