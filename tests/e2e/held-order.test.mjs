// A buyer who leaves the hosted checkout without paying (Back, a closed tab) and comes back
// while the platform still holds the seats: "2 × VIP held for you until …", a countdown, and the
// same checkout to pay at; at expiry the seats are released and the form is back. The embedded
// sandbox holds seats for 40 s here instead of HangHut's 30 minutes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProxy, launchBrowser, watchPage, screenshot, axeViolations, startHostServer } from './harness.mjs';

const JAZZ = '344c5b2c-7de4-4174-863f-682207408add';
const HOLD_SECONDS = 40;
let proxy, browser, shop;

before(async () => {
  shop = await startHostServer(() => proxy.url, `<tessera-tickets event="${JAZZ}"></tessera-tickets>`);
  proxy = await startProxy({ TESSERA_SANDBOX_CHECKOUT_SECONDS: String(HOLD_SECONDS), TESSERA_ALLOWED_ORIGINS: shop.origin });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await proxy?.stop(); await shop?.close(); });

async function hostPage(context) {
  const page = await context.newPage();
  await page.goto(`${shop.origin}/test-host-held`);
  return page;
}

/** "… 158 left" → 158, as the widget shows the tier. */
async function left(widget, tier) {
  const text = await widget.locator('label', { hasText: tier }).innerText();
  if (/Sold out/i.test(text)) return 0;
  return Number(text.match(/(\d+) left/)[1]);
}

/** Two seats of `tier` to the hosted page; its URL. */
async function leaveForCheckout(page, tier) {
  const widget = page.locator('tessera-tickets');
  await widget.getByRole('radio', { name: new RegExp(tier) }).check();
  await widget.getByRole('button', { name: 'More tickets' }).click();
  await widget.getByLabel('Full name').fill('Ana Reyes');
  await widget.getByLabel('Email').fill('ana@example.com');
  await widget.getByRole('button', { name: 'Continue to payment' }).click();
  await page.waitForURL(/\/checkout\/pi_/);
  return page.url();
}

test('back from the hosted page: the held order is shown with a countdown and paid from it', async () => {
  const context = await browser.newContext();
  const page = await hostPage(context);
  const problems = watchPage(page);
  const checkout = await leaveForCheckout(page, 'VIP');
  await page.goBack();

  const widget = page.locator('tessera-tickets');
  const held = widget.getByRole('region', { name: /2 × VIP held for you until \d{1,2}:\d{2}/ });
  await held.waitFor();
  // Focus is on it, so a screen reader starts there.
  assert.equal(await held.evaluate((el) => el === el.getRootNode().activeElement), true);
  const timer = held.getByRole('timer');
  assert.match(await timer.innerText(), /^0:\d{2} left to pay$/);
  const first = await timer.innerText();
  await page.waitForTimeout(1500);
  assert.notEqual(await timer.innerText(), first, 'the countdown moves');
  assert.equal(await widget.getByRole('button', { name: 'Continue to payment' }).count(), 1, 'the form is not shown meanwhile');
  assert.deepEqual(await axeViolations(page, 'held-order'), []);
  await screenshot(page, 'state-held-order');

  await held.getByRole('button', { name: 'Continue to payment' }).click();
  await page.waitForURL(/\/checkout\/pi_/);
  assert.equal(page.url(), checkout, 'the same checkout, not a new one');
  await page.getByRole('button', { name: /^Pay/ }).click();
  await page.waitForURL((u) => u.pathname === '/test-host-held');
  await widget.getByRole('status').filter({ hasText: 'Payment complete' }).waitFor();
  // Paid: nothing is held any more, in this tab or another.
  const again = await context.newPage();
  await again.goto(page.url().split('?')[0]);
  await again.locator('tessera-tickets').getByRole('radio', { name: /VIP/ }).waitFor();
  assert.equal(await again.locator('tessera-tickets').getByRole('region', { name: /held for you/ }).count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a closed tab comes back to its hold, and at expiry the seats are released and the form is back', async () => {
  const context = await browser.newContext();
  const first = await hostPage(context);
  const GA = 'General Admission';
  await first.locator('tessera-tickets').getByRole('radio', { name: new RegExp(GA) }).waitFor();
  const before = await left(first.locator('tessera-tickets'), GA);
  await leaveForCheckout(first, GA);
  await first.close();

  const page = await hostPage(context);
  const problems = watchPage(page);
  const widget = page.locator('tessera-tickets');
  await widget.getByRole('region', { name: /2 × General Admission held for you/ }).waitFor();
  // What a screen reader is told, besides the countdown (a timer, not read out every second).
  await widget.locator('.tessera-held [role=status]').evaluate((el) => {
    window.__said = [];
    new MutationObserver(() => { if (el.textContent) window.__said.push(el.textContent); })
      .observe(el, { childList: true, characterData: true, subtree: true });
  });

  const released = widget.getByRole('status').filter({ hasText: 'Your hold has ended' });
  await released.waitFor({ timeout: (HOLD_SECONDS + 10) * 1000 });
  assert.match(await released.innerText(), /The 2 × General Admission held for you were released/);
  const said = await page.evaluate(() => window.__said);
  assert.deepEqual(said, ['30 seconds left to pay for your tickets.'], 'announced at the marks only, not every second');
  // The form is back, and the seats with it.
  await widget.getByLabel('Full name').waitFor();
  let now = 0;
  for (let i = 0; i < 50 && now !== before; i++) {
    now = await left(widget, GA);
    if (now !== before) await page.waitForTimeout(200);
  }
  assert.equal(now, before, 'the released seats are on sale again');
  assert.deepEqual(await axeViolations(page, 'hold-released'), []);
  await screenshot(page, 'state-hold-released');
  assert.deepEqual(problems, []);
  await context.close();
});
