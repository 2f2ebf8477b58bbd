// After paying: the buyer is back on the very page they bought from (when the site owner allowed
// its origin), the host page hears `tessera:purchase`, and with data-tessera-datalayer GA4's
// ecommerce events reach window.dataLayer in order. Each host page is served by the test on an
// origin of its own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProxy, launchBrowser, watchPage, screenshot, startHostServer } from './harness.mjs';

const JAZZ = '344c5b2c-7de4-4174-863f-682207408add';
const VIP = 'VIP';
let proxy, browser, ONE, TWO, one, two;

before(async () => {
  // Two shops, each its own server and origin, allowed before the proxy starts.
  one = await startHostServer(() => proxy.url);
  two = await startHostServer(() => proxy.url);
  ONE = one.origin;
  TWO = two.origin;
  proxy = await startProxy({ TESSERA_ALLOWED_ORIGINS: `${ONE},${TWO}` });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await proxy?.stop();
  await Promise.all([one?.close(), two?.close()]);
});

/** A page of `url`'s shop holding `body`. */
async function shopPage(context, url, body) {
  const u = new URL(url);
  (u.origin === ONE ? one : two).pages.set(u.pathname, body);
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

/** Chooses `tier` × `quantity`, fills the buyer in, and pays on the sandbox's hosted page. */
async function buy(page, tier, quantity) {
  const widget = page.locator('tessera-tickets');
  await widget.getByRole('radio', { name: new RegExp(tier) }).check();
  for (let n = 1; n < quantity; n++) await widget.getByRole('button', { name: 'More tickets' }).click();
  await widget.getByLabel('Full name').fill('Ana Reyes');
  await widget.getByLabel('Email').fill('ana@example.com');
  await widget.getByRole('button', { name: 'Continue to payment' }).click();
  await page.waitForURL(/\/checkout\/pi_/);
  const checkout = page.url();
  await page.getByRole('button', { name: /^Pay/ }).click();
  return checkout;
}

test('two shops on two allowed origins each get their buyers back to the page they bought on', async () => {
  for (const [origin, path] of [[ONE, '/concerts/jazz?ref=newsletter'], [TWO, '/events#tickets']]) {
    const context = await browser.newContext();
    const page = await shopPage(context, origin + path, `<tessera-tickets event="${JAZZ}"></tessera-tickets>`);
    const problems = watchPage(page);
    await buy(page, 'General Admission', 1);
    await page.waitForURL((u) => u.origin === origin);
    const back = new URL(page.url());
    const sent = new URL(origin + path);
    assert.equal(back.pathname, sent.pathname, `${origin}: back on the page bought from`);
    assert.equal(back.hash, sent.hash);
    const widget = page.locator('tessera-tickets');
    await widget.getByRole('status').filter({ hasText: 'Payment complete' }).waitFor();
    // The loader took the outcome off the address; the page's own query stays.
    assert.equal(new URL(page.url()).search, sent.search, page.url());
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('a checkout naming a page on an origin that is not allowed returns the buyer to the configured page', async () => {
  const context = await browser.newContext();
  const page = await shopPage(context, ONE + '/shop', `<tessera-tickets event="${JAZZ}"></tessera-tickets>`);
  // What a script or a client outside the widget could send: another site as the return page.
  let rewritten = false;
  await page.route(`${proxy.url}/api/v1/checkout`, async (route) => {
    const body = JSON.parse(route.request().postData());
    body.page_url = 'http://evil.localhost:9/phish';
    rewritten = true;
    await route.continue({ postData: JSON.stringify(body) });
  });
  await buy(page, 'General Admission', 1);
  // No TESSERA_SUCCESS_URL is set here: the proxy's own page is the configured one.
  await page.waitForURL((u) => u.toString().startsWith(proxy.url + '/'));
  assert.ok(rewritten);
  await page.locator('tessera-tickets').first().getByRole('status').filter({ hasText: 'Payment complete' }).waitFor();
  await context.close();
});

test('after a paid return the host page hears tessera:purchase once, and the dataLayer has GA4 events in order', async () => {
  const context = await browser.newContext();
  const heard = [];
  // Recorded as they happen (the pushes before the checkout are on a page that is left).
  await context.exposeBinding('recordForTest', (_, kind, value) => heard.push({ kind, value: JSON.parse(value) }));
  await context.addInitScript(() => {
    window.dataLayer = window.dataLayer || [];
    const push = window.dataLayer.push;
    window.dataLayer.push = function (...entries) {
      entries.forEach((e) => window.recordForTest('dataLayer', JSON.stringify(e)));
      return push.apply(this, entries);
    };
    document.addEventListener('tessera:purchase', (e) => window.recordForTest('purchase', JSON.stringify(e.detail)));
  });
  const page = await shopPage(context, TWO + '/jazz',
    `<tessera-tickets event="${JAZZ}" data-tessera-datalayer></tessera-tickets>`);
  const checkout = await buy(page, VIP, 2);
  await page.waitForURL((u) => u.origin === TWO);
  await page.locator('tessera-tickets').getByRole('status').filter({ hasText: 'Payment complete' }).waitFor();
  await screenshot(page, 'state-purchase-event');

  const purchases = heard.filter((h) => h.kind === 'purchase').map((h) => h.value);
  assert.equal(purchases.length, 1, JSON.stringify(heard));
  const [p] = purchases;
  assert.deepEqual(Object.keys(p).sort(), ['checkout_id', 'event_id', 'quantity', 'tier_id', 'tier_name', 'title', 'total']);
  assert.equal(p.event_id, JAZZ);
  assert.equal(p.title, 'Manila Jazz Night');
  assert.equal(p.tier_name, VIP);
  assert.equal(p.quantity, 2);
  assert.equal(p.total.currency, 'PHP');
  assert.ok(Number.isInteger(p.total.amount) && p.total.amount > 0, JSON.stringify(p.total));
  assert.ok(checkout.includes(p.checkout_id), `${p.checkout_id} is the session's (${checkout})`);
  assert.ok(!JSON.stringify(p).includes('ana@example.com') && !JSON.stringify(p).includes('Ana Reyes'), 'no personal data');

  // GA4: each event preceded by the {ecommerce: null} that clears the last one.
  const pushes = heard.filter((h) => h.kind === 'dataLayer').map((h) => h.value);
  const events = pushes.filter((e) => e.event).map((e) => e.event);
  assert.deepEqual(events.slice(0, 4), ['view_item', 'select_item', 'begin_checkout', 'purchase'], JSON.stringify(events));
  for (const [i, e] of pushes.entries()) {
    if (e.event) assert.deepEqual(pushes[i - 1], { ecommerce: null }, `${e.event} follows a clearing push`);
  }
  const byName = (name) => pushes.find((e) => e.event === name).ecommerce;
  assert.equal(byName('select_item').items[0].item_variant, VIP);
  const begin = byName('begin_checkout');
  assert.equal(begin.currency, 'PHP');
  assert.equal(begin.items[0].quantity, 2);
  const purchase = byName('purchase');
  assert.equal(purchase.transaction_id, p.checkout_id);
  assert.equal(purchase.value, p.total.amount / 100, 'GA4 value in major units');
  assert.equal(purchase.currency, 'PHP');
  assert.deepEqual(purchase.items.map((i) => [i.item_id, i.item_variant, i.quantity]), [[p.tier_id, VIP, 2]]);

  // A reload is not a second purchase.
  await page.reload();
  await page.locator('tessera-tickets').getByRole('radio', { name: /VIP|General Admission/ }).first().waitFor();
  assert.equal(heard.filter((h) => h.kind === 'purchase').length, 1);
  await context.close();
});

test('without data-tessera-datalayer nothing is pushed to window.dataLayer', async () => {
  const context = await browser.newContext();
  const page = await shopPage(context, ONE + '/quiet', `<tessera-tickets event="${JAZZ}"></tessera-tickets>`);
  const widget = page.locator('tessera-tickets');
  await widget.getByRole('radio', { name: /General Admission/ }).check();
  assert.equal(await page.evaluate(() => window.dataLayer), undefined);
  await context.close();
});

test('the declaration file is served beside the loader', async () => {
  const r = await fetch(`${proxy.url}/widget/tessera.d.ts`);
  assert.equal(r.status, 200);
  const text = await r.text();
  for (const name of ['TesseraTicketsElement', 'TesseraPurchaseDetail', "'tessera:purchase'", 'HTMLElementTagNameMap']) {
    assert.ok(text.includes(name), name);
  }
});
