// A buyer's whole path, as a buyer takes it: the demo host page, the widget in it, the
// sandbox's hosted checkout, and back to the host page with the sale visible.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProxy, launchBrowser, screenshot, watchPage } from './harness.mjs';

let proxy, browser;
before(async () => { proxy = await startProxy(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await proxy?.stop(); });

/** "160 left" / "Only 3 left" → 160 / 3 */
function leftIn(text) {
  const m = text.match(/(\d+) left/);
  assert.ok(m, `no availability in ${JSON.stringify(text)}`);
  return Number(m[1]);
}

test('a buyer buys two tickets through the widget and lands back with a confirmation', async () => {
  const page = await browser.newPage();
  const problems = watchPage(page);
  await page.goto(proxy.url + '/');

  const widget = page.locator('tessera-tickets').first();
  const ga = widget.getByRole('radio', { name: /General Admission/ });
  await ga.waitFor();
  await screenshot(page, 'state-event-loaded');
  const gaLabel = widget.locator('label', { hasText: 'General Admission' });
  const before = leftIn(await gaLabel.innerText());
  assert.match(await gaLabel.innerText(), /₱1,000\.00/);
  assert.ok(await widget.getByRole('radio', { name: /Early Bird/ }).isDisabled(), 'sold-out tier is disabled');

  await ga.check();
  await widget.getByRole('button', { name: 'More tickets' }).click();
  assert.equal(await widget.getByLabel('Quantity').inputValue(), '2');

  // Checkout without details: inline errors, focus on the first one, nothing sent.
  await widget.getByRole('button', { name: 'Continue to payment' }).click();
  await widget.getByText('Please enter your full name.').waitFor();
  assert.equal(await widget.getByLabel('Full name').evaluate((el) => el === el.getRootNode().activeElement), true,
    'focus moves to the first field to fix');
  await screenshot(page, 'state-validation-errors');

  await widget.getByLabel('Full name').fill('Juan Dela Cruz');
  await widget.getByLabel('Email').fill('juan@example.com');
  assert.equal(await widget.locator('.tessera-total-amount').innerText(), '₱2,000.00');
  await screenshot(page, 'state-ready-to-pay');

  await widget.getByRole('button', { name: 'Continue to payment' }).click();

  // The sandbox's hosted checkout page.
  await page.waitForURL(/\/checkout\/pi_/);
  await page.getByText('₱2,000.00').first().waitFor();
  await screenshot(page, 'state-hosted-checkout');
  await page.getByRole('button', { name: /^Pay/ }).click();

  // Back on the host page.
  await page.waitForURL((u) => u.toString().startsWith(proxy.url + '/'));
  const notice = widget.getByRole('status').filter({ hasText: 'Payment complete' });
  await notice.waitFor();
  assert.match(await notice.innerText(), /2 × General Admission for Manila Jazz Night/);
  assert.match(await notice.innerText(), /juan@example\.com/);
  assert.ok(!/tessera_(status|event)/.test(page.url()), 'the return parameters are removed from the address bar');
  await widget.getByRole('radio', { name: /General Admission/ }).waitFor();
  const after = leftIn(await widget.locator('label', { hasText: 'General Admission' }).innerText());
  assert.equal(after, before - 2, 'the sale shows in availability');
  await screenshot(page, 'state-payment-complete');
  assert.deepEqual(problems, []);
});

test('a buyer who cancels on the hosted page comes back to a calm message and their selection', async () => {
  const page = await browser.newPage();
  await page.goto(proxy.url + '/');
  const widget = page.locator('tessera-tickets').first();
  await widget.getByRole('radio', { name: /VIP/ }).check();
  await widget.getByLabel('Full name').fill('Maria Santos');
  await widget.getByLabel('Email').fill('maria@example.com');
  await widget.getByRole('button', { name: 'Continue to payment' }).click();
  await page.waitForURL(/\/checkout\/pi_/);
  await page.getByRole('button', { name: 'Cancel' }).click();

  await page.waitForURL((u) => u.toString().startsWith(proxy.url + '/'));
  await widget.getByRole('status').filter({ hasText: 'Payment cancelled' }).waitFor();
  assert.ok(await widget.getByRole('radio', { name: /VIP/ }).isChecked(), 'the same tier is chosen again');
  assert.equal(await widget.getByLabel('Email').inputValue(), 'maria@example.com');
  await screenshot(page, 'state-payment-cancelled');
});

test('the event list opens an event and goes back', async () => {
  const page = await browser.newPage();
  await page.goto(proxy.url + '/');
  const list = page.locator('tessera-tickets').nth(1);
  await list.getByRole('heading', { name: 'Upcoming events' }).waitFor();
  await screenshot(page, 'state-event-list');
  assert.equal(await list.getByRole('listitem').count(), 3, 'the three active demo events, not the draft');
  await list.getByRole('button', { name: 'Choose your tickets for Cebu Comedy Night' }).click();
  await list.getByRole('radio', { name: /Front Row/ }).waitFor();
  await list.getByRole('button', { name: /All events/ }).click();
  await list.getByRole('heading', { name: 'Upcoming events' }).waitFor();
});

test('an unreachable proxy is explained with a way to retry', async () => {
  const page = await browser.newPage();
  await page.goto(proxy.url + '/');
  // A widget pointed at a port where nothing listens.
  await page.evaluate(() => {
    const el = document.createElement('tessera-tickets');
    el.id = 'offline';
    document.querySelector('main').prepend(el);
    return window.Tessera.mount(el, { event: 'any', proxy: 'http://127.0.0.1:1' });
  });
  const widget = page.locator('#offline');
  await widget.getByRole('alert').filter({ hasText: "can't reach the ticket service" }).waitFor();
  assert.ok(await widget.getByRole('button', { name: 'Try again' }).isVisible());
  await screenshot(widget, 'state-unreachable');
});

test('an unknown event says so', async () => {
  const page = await browser.newPage();
  await page.goto(proxy.url + '/');
  await page.evaluate(() => {
    const el = document.createElement('tessera-tickets');
    el.id = 'missing';
    document.querySelector('main').prepend(el);
    return window.Tessera.mount(el, { event: 'no-such-event' });
  });
  await page.locator('#missing').getByRole('alert').filter({ hasText: 'could not be found' }).waitFor();
});
