// Each language renders its own strings, and money in its own format through the browser's Intl.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProxy, launchBrowser, screenshot, ROOT } from './harness.mjs';

/** The names scripts/build-widget.sh gave the widget's files (a hash of each in it). */
const DIST_NAMES = JSON.parse(readFileSync(join(ROOT, 'dist', 'files.json'), 'utf8'));

const JAZZ = '344c5b2c-7de4-4174-863f-682207408add';
let proxy, browser;
before(async () => { proxy = await startProxy(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await proxy?.stop(); });

/** The demo page of `server` with a widget of the Jazz event in `locale` on top of it. */
async function localized(server, locale) {
  const page = await browser.newPage();
  await page.goto(server.url + '/');
  await page.evaluate(({ locale, event }) => {
    const el = document.createElement('tessera-tickets');
    el.id = 'localized';
    document.querySelector('main').prepend(el);
    return window.Tessera.mount(el, { event, locale });
  }, { locale, event: JAZZ });
  return { page, widget: page.locator('#localized') };
}

const LOCALES = [
  { locale: 'en-PH', checkout: 'Continue to payment', tiers: 'Choose your tickets' },
  { locale: 'es-ES', checkout: 'Continuar al pago', promo: '¿Tienes un código promocional?' },
  { locale: 'de-DE', checkout: 'Weiter zur Zahlung' },
  { locale: 'pt-BR', checkout: 'Ir para o pagamento' },
  { locale: 'fil-PH' },
];

for (const { locale, checkout, promo } of LOCALES) {
  test(`${locale}: own strings and money format`, async () => {
    const { page, widget } = await localized(proxy, locale);
    const ga = widget.getByRole('radio', { name: /General Admission/ });
    await ga.waitFor();
    const expectedPrice = await page.evaluate((l) =>
      new Intl.NumberFormat(l, { style: 'currency', currency: 'PHP' }).format(1000), locale);
    const label = await widget.locator('label', { hasText: 'General Admission' }).innerText();
    assert.ok(label.includes(expectedPrice), `${label} shows ${expectedPrice}`);
    const button = widget.locator('button[type=submit]');
    if (checkout) assert.equal((await button.innerText()).trim(), checkout);
    // Read from its language file as UTF-8, accents and all.
    if (promo) await widget.getByRole('button', { name: promo }).waitFor();
    if (!locale.startsWith('en')) {
      assert.notEqual((await button.innerText()).trim(), 'Continue to payment', 'not the English string');
    }
    await screenshot(widget, `locale-${locale}`);
  });
}

// A tier with one seat left can take an order of one: each language says so in its own
// singular, chosen by the browser's Intl.PluralRules, and its plural for more.
const UP_TO = {
  'en-PH': ['Up to 1 ticket per order', 'Up to 10 tickets per order'],
  'es-ES': ['Hasta 1 entrada por pedido', 'Hasta 10 entradas por pedido'],
  'de-DE': ['Bis zu 1 Ticket pro Bestellung', 'Bis zu 10 Tickets pro Bestellung'],
  'pt-BR': ['Até 1 ingresso por pedido', 'Até 10 ingressos por pedido'],
  'fil-PH': ['Hanggang 1 ticket bawat order', 'Hanggang 10 ticket bawat order'],
};

test('a limit of one per order is said in each language\'s singular, more in its plural', async () => {
  const key = 'hh_live_e2e_locales_plural';
  const own = await startProxy({ TESSERA_SANDBOX_API_KEY: key });
  try {
    // Another shop holds two of VIP's three seats: one is left.
    const hold = await fetch(own.sandboxUrl + '/checkouts', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ event_id: JAZZ, tier_id: '445f60a4-c8f6-495d-8885-c4cd58f4a79e', quantity: 2,
        customer: { name: 'Other Buyer', email: 'other@example.com' }, success_url: 'https://elsewhere.example/' }),
    });
    assert.equal(hold.status, 201);
    for (const [locale, [one, many]] of Object.entries(UP_TO)) {
      const { page, widget } = await localized(own, locale);
      await widget.getByRole('radio', { name: /General Admission/ }).check();
      await widget.getByText(many, { exact: true }).waitFor();
      await widget.getByRole('radio', { name: /VIP/ }).check();
      await widget.getByText(one, { exact: true }).waitFor();
      await page.close();
    }
  } finally {
    await own.stop();
  }
});

// Languages other than English are files fetched beside the wasm; one that cannot be read
// (a CDN hiccup, a strict proxy) must leave the buyer with an English widget, not none.
test('language files are served as UTF-8 text, compressed, to any origin', async () => {
  const r = await fetch(`${proxy.url}/widget/${DIST_NAMES.lang.de}`, { headers: { Origin: 'https://shop.example', 'Accept-Encoding': 'br' } });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/plain; charset=utf-8');
  assert.equal(r.headers.get('access-control-allow-origin'), '*');
  assert.match(await r.text(), /^checkout: Weiter zur Zahlung$/m);
});

test('a language file that cannot be fetched leaves the buyer with English', async () => {
  const page = await browser.newPage();
  const asked = [];
  await page.route('**/widget/lang/**', (route) => { asked.push(route.request().url()); return route.abort(); });
  await page.goto(proxy.url + '/');
  await page.evaluate(({ event }) => {
    const el = document.createElement('tessera-tickets');
    el.id = 'fallback';
    document.querySelector('main').prepend(el);
    return window.Tessera.mount(el, { event, locale: 'de-DE' });
  }, { event: JAZZ });
  const widget = page.locator('#fallback');
  // The first view comes in German from the proxy; the wasm, without its German, draws it again
  // in English (not half in each).
  await widget.getByRole('button', { name: 'Continue to payment' }).waitFor();
  await widget.getByRole('radio', { name: /General Admission/ }).waitFor();
  assert.deepEqual(asked.map((u) => new URL(u).pathname), [`/widget/${DIST_NAMES.lang.de}`]);
  assert.equal(await widget.getByText('Weiter zur Zahlung').count(), 0, 'no German left over');
  await page.close();
});

// A site owner's tag as people write it ("pt_BR") or mistype it: Intl throws on what is not a
// tag, and before this the widget stopped at its first price (and with it every widget on the page).
test('a locale with an underscore is read as its tag, and one that is no tag as the browser\'s language', async () => {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(proxy.url + '/');
  await page.evaluate(({ event }) => {
    for (const [id, locale] of [['underscored', 'pt_BR'], ['typo', 'en US']]) {
      const el = document.createElement('tessera-tickets');
      el.id = id;
      el.setAttribute('locale', locale);
      document.querySelector('main').prepend(el);
      window.Tessera.mount(el, { event });
    }
  }, { event: JAZZ });
  const underscored = page.locator('#underscored');
  await underscored.getByRole('button', { name: 'Ir para o pagamento' }).waitFor();
  const [brazilian, browsers] = await page.evaluate(() => ['pt-BR', navigator.language].map((l) =>
    new Intl.NumberFormat(l, { style: 'currency', currency: 'PHP' }).format(1000)));
  assert.ok((await underscored.locator('label', { hasText: 'General Admission' }).innerText()).includes(brazilian));
  const typo = page.locator('#typo');
  await typo.getByRole('button', { name: 'Continue to payment' }).waitFor();
  assert.ok((await typo.locator('label', { hasText: 'General Admission' }).innerText()).includes(browsers));
  assert.deepEqual(errors, []);
  await page.close();
});
