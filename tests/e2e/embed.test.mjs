// Embedding: widgets added after the page loaded mount by themselves, and the host page
// hears what buyers do through DOM events.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProxy, launchBrowser } from './harness.mjs';

const COMEDY = 'b9baeb52-bb2f-455d-be03-6dc10b9c4841';
let proxy, browser;
before(async () => { proxy = await startProxy(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await proxy?.stop(); });

test('an element added after load (as a single-page app does) gets its widget', async () => {
  const page = await browser.newPage();
  await page.goto(proxy.url + '/');
  await page.locator('tessera-tickets').first().getByRole('radio', { name: /General Admission/ }).waitFor();
  await page.evaluate((event) => {
    const el = document.createElement('div');
    el.id = 'late';
    el.setAttribute('data-tessera-event', event);
    document.querySelector('main').append(el);
  }, COMEDY);
  await page.locator('#late').getByRole('radio', { name: /Front Row/ }).waitFor();
  assert.equal(await page.locator('tessera-tickets, [data-tessera-event]').count(), 3);
});

test('the host page hears ready, tier-change, checkout and error', async () => {
  const page = await browser.newPage();
  const heard = [];
  // Forwarded to the test as they happen, so the checkout event survives the navigation.
  await page.exposeFunction('recordTesseraEvent', (name, detail) => heard.push({ name, detail }));
  await page.addInitScript(() => {
    for (const name of ['ready', 'tier-change', 'checkout', 'error']) {
      document.addEventListener(`tessera:${name}`, (e) => window.recordTesseraEvent(name, e.detail));
    }
  });
  await page.goto(proxy.url + '/');
  const widget = page.locator('tessera-tickets').first();
  await widget.getByRole('radio', { name: /VIP/ }).check();
  await page.evaluate(() => {
    const el = document.createElement('tessera-tickets');
    document.querySelector('main').append(el);
    return window.Tessera.mount(el, { event: 'no-such-event' });
  });
  await widget.getByLabel('Full name').fill('Rosa Lim');
  await widget.getByLabel('Email').fill('rosa@example.com');
  await widget.getByRole('button', { name: 'Continue to payment' }).click();
  await page.waitForURL(/\/checkout\/pi_/);

  const one = (name) => heard.find((h) => h.name === name)?.detail;
  assert.equal(one('ready')?.title, 'Manila Jazz Night', JSON.stringify(heard));
  assert.deepEqual(one('tier-change'), {
    event_id: '344c5b2c-7de4-4174-863f-682207408add', tier_id: '445f60a4-c8f6-495d-8885-c4cd58f4a79e',
    tier_name: 'VIP', price: { amount: 250000, currency: 'PHP' },
  });
  assert.deepEqual(one('checkout'), {
    event_id: '344c5b2c-7de4-4174-863f-682207408add', tier_id: '445f60a4-c8f6-495d-8885-c4cd58f4a79e',
    quantity: 1, total: { amount: 250000, currency: 'PHP' }, promo_code: null,
  });
  assert.equal(one('error')?.kind, 'not_found');
  assert.match(one('error')?.message, /could not be found/);
});
