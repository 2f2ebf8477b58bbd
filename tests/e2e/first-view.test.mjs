// The first view: the proxy renders an event's widget as HTML with the same components the wasm
// then hydrates. Prices show before the wasm arrives, the form works without it, and the wasm
// takes over the same nodes without drawing them again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProxy, launchBrowser, screenshot, until } from './harness.mjs';

const JAZZ = '344c5b2c-7de4-4174-863f-682207408add';
const JAZZ_GA = '7122821e-fc22-4c41-9e36-6d497ab07f8f';

let proxy, browser;
before(async () => { proxy = await startProxy(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await proxy?.stop(); });

/** General Admission's seats left, as the proxy reads them now. */
async function gaLeft() {
  const event = await (await fetch(`${proxy.url}/api/v1/events/${JAZZ}`, { cache: 'no-store' })).json();
  return event.tiers.find((t) => t.name === 'General Admission').available;
}

/**
 * A page of the demo whose wasm is held back until `release()` is called (or never, when
 * `block`): what a buyer on a slow connection, or a browser that cannot run it, sees.
 */
async function pageWithHeldWasm({ block = false } = {}) {
  const page = await browser.newPage();
  const console_ = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') console_.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => console_.push(`pageerror: ${e.message}`));
  let release;
  const released = new Promise((r) => { release = r; });
  await page.route('**/*.wasm', async (route) => {
    if (block) return route.abort();
    await released;
    return route.continue();
  });
  await page.goto(proxy.url + '/');
  return { page, console: console_, release };
}

test('with the wasm blocked, the prices show and a purchase completes through the form and the hosted page', async () => {
  const before = await gaLeft();
  const { page } = await pageWithHeldWasm({ block: true });
  const widget = page.locator('tessera-tickets').first();
  const ga = widget.getByRole('radio', { name: /General Admission.*₱1,000\.00.*\d+ left/ });
  await ga.waitFor();
  await screenshot(widget, 'state-first-view-without-wasm');
  await ga.check();
  await widget.getByLabel('Quantity').fill('2');
  await widget.getByLabel('Full name').fill('Lia Santos');
  await widget.getByLabel('Email').fill('lia@example.com');
  await widget.getByRole('button', { name: 'Continue to payment' }).click();
  // The proxy answered the form with the platform's hosted page.
  await page.waitForURL(/\/checkout\/pi_/);
  await page.getByText('₱2,000.00').first().waitFor();
  await page.getByRole('button', { name: /^Pay/ }).click();
  await page.waitForURL((u) => u.toString().startsWith(proxy.url + '/') && u.searchParams.get('tessera_status') === 'success');
  await until(async () => (await gaLeft()) === before - 2, 10_000, 'the sale to show in the availability');
  await page.close();
});

/** What the widget's shadow root holds: element count and the text a buyer reads. */
function snapshotOf(page) {
  return page.locator('tessera-tickets').first().evaluate((el) => {
    const root = el.shadowRoot.querySelector('.tessera');
    return { elements: root.querySelectorAll('*').length, sections: root.querySelectorAll('section.tessera-event').length,
      radios: root.querySelectorAll('input[type=radio]').length, text: root.textContent };
  });
}

test('the wasm takes over the first view: no node drawn twice, no console warning, and it then works', async () => {
  const { page, console: problems, release } = await pageWithHeldWasm();
  const widget = page.locator('tessera-tickets').first();
  await widget.getByRole('radio', { name: /General Admission/ }).waitFor();
  const first = await snapshotOf(page);
  const ready = page.evaluate(() => new Promise((r) => document.addEventListener('tessera:ready', () => r(true), { once: true })));
  release();
  await ready;
  const hydrated = await snapshotOf(page);
  assert.equal(hydrated.sections, 1, 'one event view');
  assert.equal(hydrated.radios, 3, 'three tiers, once each');
  assert.equal(hydrated.elements, first.elements, 'the same nodes, not a second copy');
  assert.equal(hydrated.text, first.text, 'the same text: the first view is the widget');
  // It is the widget now: the stepper and the summary follow the buyer.
  await widget.getByRole('button', { name: 'More tickets' }).click();
  assert.equal(await widget.getByLabel('Quantity').inputValue(), '2');
  await widget.locator('.tessera-total-amount', { hasText: '₱2,000.00' }).waitFor();
  assert.deepEqual(problems, [], 'no console warning or error');
  await page.close();
});

test('a sale made between the first view and the wasm shows once the wasm has taken over', async () => {
  const { page, release } = await pageWithHeldWasm();
  const widget = page.locator('tessera-tickets').first();
  const label = widget.locator('label', { hasText: 'General Admission' });
  await label.waitFor();
  const shown = Number((await label.innerText()).match(/(\d+) left/)[1]);
  // Another buyer holds three seats through this shop while this page waits for its wasm.
  const other = await fetch(proxy.url + '/api/v1/checkout', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ event_id: JAZZ, tier_id: JAZZ_GA, quantity: 3,
      customer: { name: 'Other Buyer', email: 'other@example.com' } }),
  });
  assert.equal(other.status, 201, await other.text());
  assert.match(await label.innerText(), new RegExp(`${shown} left`), 'the first view is still the one rendered');
  release();
  await widget.locator('label', { hasText: `${shown - 3} left` }).waitFor({ timeout: 10_000 });
  await page.close();
});

test('what a buyer chose and typed before the wasm ran is still there after, and sells', async () => {
  const { page, console: problems, release } = await pageWithHeldWasm();
  const widget = page.locator('tessera-tickets').first();
  await widget.getByRole('radio', { name: /VIP/ }).check();
  await widget.getByRole('button', { name: 'More tickets' }).click(); // before the wasm: kept, made again after
  await widget.getByLabel('Full name').fill('Ana Cruz');
  await widget.getByLabel('Email').fill('ana@example.com');
  const ready = page.evaluate(() => new Promise((r) => document.addEventListener('tessera:ready', () => r(true), { once: true })));
  release();
  await ready;
  assert.ok(await widget.getByRole('radio', { name: /VIP/ }).isChecked(), 'the tier chosen');
  assert.equal(await widget.getByLabel('Full name').inputValue(), 'Ana Cruz');
  assert.equal(await widget.getByLabel('Email').inputValue(), 'ana@example.com');
  await until(async () => (await widget.getByLabel('Quantity').inputValue()) === '2', 5000, 'the early click on More tickets');
  // The widget's own summary knows them: the wasm's signals hold what the buyer did.
  await widget.locator('.tessera-total-amount', { hasText: '₱5,000.00' }).waitFor();
  await widget.getByRole('button', { name: 'Continue to payment' }).click();
  await page.waitForURL(/\/checkout\/pi_/);
  await page.getByText('₱5,000.00').first().waitFor();
  assert.deepEqual(problems, [], 'no console warning or error');
  await page.close();
});

test('the list\'s first view shows its events before the wasm, and a card chosen meanwhile opens once it runs', async () => {
  const blocked = await pageWithHeldWasm({ block: true });
  const list = blocked.page.locator('tessera-tickets').nth(1);
  await list.getByRole('heading', { name: 'Upcoming events' }).waitFor();
  assert.equal(await list.getByRole('listitem').count(), 3, 'the three active demo events');
  await list.getByText(/From ₱/).first().waitFor();
  await blocked.page.close();

  const { page, console: problems, release } = await pageWithHeldWasm();
  const held = page.locator('tessera-tickets').nth(1);
  await held.getByRole('button', { name: 'Choose your tickets for Cebu Comedy Night' }).click();
  const cards = await held.evaluate((el) => el.shadowRoot.querySelectorAll('*').length);
  release();
  await held.getByRole('radio', { name: /Front Row/ }).waitFor();
  await held.getByRole('button', { name: /All events/ }).click();
  await held.getByRole('heading', { name: 'Upcoming events' }).waitFor();
  assert.equal(await held.getByRole('listitem').count(), 3);
  assert.equal(await held.evaluate((el) => el.shadowRoot.querySelectorAll('*').length), cards, 'the same list again, once');
  assert.deepEqual(problems, [], 'no console warning or error');
  await page.close();
});

test('a second page view revalidates with 304s and downloads no widget file again', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const seen = new Map();
  cdp.on('Network.requestWillBeSent', (e) => seen.set(e.requestId, { url: e.request.url, bytes: 0, status: null, cached: false }));
  cdp.on('Network.requestServedFromCache', (e) => { const r = seen.get(e.requestId); if (r) r.cached = true; });
  cdp.on('Network.responseReceived', (e) => {
    const r = seen.get(e.requestId);
    if (r) { r.status = e.response.status; r.cached ||= e.response.fromDiskCache || e.response.fromPrefetchCache; }
  });
  // What came over the wire: a revalidated copy is a 304 here and a 200 (from the cache) above.
  // CDP does not order it against requestWillBeSent, so it is kept apart.
  const wire = new Map();
  cdp.on('Network.responseReceivedExtraInfo', (e) => wire.set(e.requestId, e.statusCode));
  cdp.on('Network.loadingFinished', (e) => { const r = seen.get(e.requestId); if (r) r.bytes = e.encodedDataLength; });
  // Listening before the page's scripts run: the wasm may be ready before a later listener.
  await page.addInitScript(() => document.addEventListener('tessera:ready', () => { window.__tesseraReady = true; }));
  await page.goto(proxy.url + '/');
  const widget = page.locator('tessera-tickets').first();
  await widget.getByRole('radio', { name: /General Admission/ }).waitFor();
  await page.waitForFunction(() => window.__tesseraReady === true, null, { timeout: 15_000 });
  // Past the first view's freshness (the catalogue's TTL), so it is asked for again.
  await new Promise((r) => setTimeout(r, 2500));
  seen.clear();
  await page.goto(proxy.url + '/');
  await widget.getByRole('radio', { name: /General Admission/ }).waitFor();
  await until(async () => [...seen.values()].some((r) => r.url.includes('/view?')), 5000, 'the first view to be asked for');
  // The glue and the wasm run after the first view is shown: every file in before counting.
  await page.waitForFunction(() => window.__tesseraReady === true, null, { timeout: 15_000 });
  await until(async () => [...seen.values()].every((r) => r.cached || r.status !== null), 5000, 'every request to be answered');
  for (const [id, r] of seen) r.wire = wire.get(id);
  const widgetFiles = [...seen.values()].filter((r) => /\/widget\//.test(r.url));
  assert.ok(widgetFiles.length >= 3, `widget files asked for: ${widgetFiles.map((r) => r.url)}`);
  for (const r of widgetFiles) {
    assert.ok(r.cached || r.wire === 304, `${r.url} came from the cache or as a 304 (status ${r.wire ?? r.status}, ${r.bytes} B)`);
  }
  const view = [...seen.values()].find((r) => r.url.includes('/view?'));
  assert.equal(view.wire, 304, `the first view was revalidated (status ${view.wire}, ${view.bytes} B)`);
  await context.close();
});
