// Embedding: widgets added after the page loaded mount by themselves, and the host page
// hears what buyers do through DOM events.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProxy, launchBrowser, watchPage, until } from './harness.mjs';

const COMEDY = 'b9baeb52-bb2f-455d-be03-6dc10b9c4841';
let proxy, browser;
let SHOP; // another origin (localhost, not 127.0.0.1), whose page the test serves itself
before(async () => {
  const { createServer } = await import('node:net');
  const port = await new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
  SHOP = `http://localhost:${port}`;
  proxy = await startProxy({ TESSERA_LISTEN: `127.0.0.1:${port}`, TESSERA_ALLOWED_ORIGINS: SHOP });
  browser = await launchBrowser();
});
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

test('Tessera.mount\'s options win over the element\'s attributes, and options that are not strings are refused', async () => {
  const page = await browser.newPage();
  await page.goto(proxy.url + '/');
  const refused = await page.evaluate(() => {
    const el = document.createElement('div');
    document.querySelector('main').append(el);
    return window.Tessera.mount(el, { event: 42 }).then(() => 'mounted', (e) => `${e.name}: ${e.message}`);
  });
  assert.equal(refused, 'TypeError: tessera: bad options: event, proxy and locale must be strings');
  await page.evaluate((event) => {
    const el = document.createElement('div');
    el.id = 'manual';
    el.setAttribute('data-tessera-event', 'no-such-event');
    el.setAttribute('data-tessera-locale', 'en');
    document.querySelector('main').append(el);
    return window.Tessera.mount(el, { event, locale: 'de-DE' });
  }, COMEDY);
  const manual = page.locator('#manual');
  await manual.getByRole('radio', { name: /Front Row/ }).waitFor();
  await manual.getByRole('button', { name: 'Weiter zur Zahlung' }).waitFor();
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

test('the loader can be pinned with integrity and loaded from another origin', async () => {
  const { readFileSync } = await import('node:fs');
  const { createHash } = await import('node:crypto');
  const { join } = await import('node:path');
  const { ROOT } = await import('./harness.mjs');
  const published = JSON.parse(readFileSync(join(ROOT, 'dist', 'integrity.json'), 'utf8'))['tessera.js'];
  const r = await fetch(proxy.url + '/widget/tessera.js', { headers: { Origin: 'https://shop.example' } });
  assert.equal(r.headers.get('access-control-allow-origin'), '*');
  const body = Buffer.from(await r.arrayBuffer());
  assert.equal(published, 'sha384-' + createHash('sha384').update(body).digest('base64'));

  // A page on another site embeds the widget with that value (the proxy allows its origin).
  // Both origins are on this machine, which Chromium's local-network checks would stop; a real
  // shop and a real proxy are both public, so those checks are off for this one browser.
  const crossSite = await launchBrowser(['--disable-features=LocalNetworkAccessChecks,PrivateNetworkAccessRespectPreflightResults']);
  const page = await crossSite.newPage();
  try {
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  await page.route(`${SHOP}/shop`, (route) => route.fulfill({
    contentType: 'text/html',
    body: `<!doctype html><html lang="en"><title>Shop</title><main>
      <tessera-tickets event="344c5b2c-7de4-4174-863f-682207408add" proxy="${proxy.url}"></tessera-tickets></main>
      <script async src="${proxy.url}/widget/tessera.js" integrity="${published}" crossorigin="anonymous"></script>`,
  }));
  await page.goto(`${SHOP}/shop`);
  await page.locator('tessera-tickets').getByRole('radio', { name: /General Admission/ }).waitFor({ timeout: 10_000 })
    .catch((e) => { throw new Error(`${e.message}\n${problems.join('\n')}`); });
  assert.deepEqual(problems, []);
  } finally {
    await crossSite.close();
  }
});

test('a return from the checkout goes to the widget of its event, else to the first list, else to no one; the page keeps its own address and history state', async () => {
  const JAZZ = '344c5b2c-7de4-4174-863f-682207408add';
  const page = await browser.newPage();
  const problems = watchPage(page);
  // A single-page app's router keeps its state in history.state: the loader must not wipe it.
  await page.addInitScript(() => history.replaceState({ app: 'router' }, ''));
  // /shop has two lists and Comedy's widget; /shop-comedy only Comedy's.
  await page.route(new RegExp(`^${proxy.url}/shop`), (route) => {
    const list = (id) => (route.request().url().includes('/shop-comedy') ? '' : `<tessera-tickets id="${id}"></tessera-tickets>`);
    return route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><html lang="en"><title>Shop</title><main>
        ${list('list-1')}
        <div id="comedy" data-tessera-event="${COMEDY}"></div>
        ${list('list-2')}</main>
        <script async src="${proxy.url}/widget/tessera.js"></script>`,
    });
  });
  const notices = async () => {
    const out = {};
    for (const id of ['list-1', 'comedy', 'list-2']) out[id] = await page.locator(`#${id} .tessera-notice`).count();
    return out;
  };

  // Jazz has no widget of its own here: the first list hears about it.
  await page.goto(`${proxy.url}/shop?ref=home&tessera_status=cancelled&tessera_event=${JAZZ}#tickets`);
  await page.locator('#list-1').getByRole('status').filter({ hasText: 'Payment cancelled' }).waitFor();
  await page.locator('#comedy').getByRole('radio', { name: /Front Row/ }).waitFor();
  assert.deepEqual(await notices(), { 'list-1': 1, comedy: 0, 'list-2': 0 });
  assert.equal(page.url(), `${proxy.url}/shop?ref=home#tickets`);
  assert.deepEqual(await page.evaluate(() => history.state), { app: 'router' });

  // Comedy has one: it hears, and the lists do not.
  await page.goto(`${proxy.url}/shop?tessera_status=success&tessera_event=${COMEDY}`);
  await page.locator('#comedy').getByRole('status').filter({ hasText: 'Payment complete' }).waitFor();
  await page.locator('#list-2').getByRole('button').first().waitFor();
  assert.deepEqual(await notices(), { 'list-1': 0, comedy: 1, 'list-2': 0 });
  assert.equal(page.url(), `${proxy.url}/shop`);

  // No widget for Jazz and no list: nobody is told, and the order remembered for Jazz (with the
  // buyer's email) is forgotten all the same.
  const key = `tessera:pending:${JAZZ}`;
  await page.evaluate((k) => sessionStorage.setItem(k, '{"email":"rosa@example.com"}'), key);
  await page.goto(`${proxy.url}/shop-comedy?tessera_status=success&tessera_event=${JAZZ}`);
  await page.locator('#comedy').getByRole('radio', { name: /Front Row/ }).waitFor();
  assert.equal(await page.locator('#comedy .tessera-notice').count(), 0);
  assert.equal(await page.evaluate((k) => sessionStorage.getItem(k), key), null);
  assert.equal(page.url(), `${proxy.url}/shop-comedy`);
  assert.deepEqual(problems, []);
});

test('a loader in the page head mounts each widget as the parser reaches it, and its first view does not wait for the rest of the page; a return from the checkout still finds its widget further down', async () => {
  const JAZZ = '344c5b2c-7de4-4174-863f-682207408add';
  const page = await browser.newPage();
  const problems = watchPage(page);
  const ready = [];
  await page.exposeFunction('recordReady', (title) => ready.push(title));
  await page.addInitScript(() => document.addEventListener('tessera:ready', (e) => window.recordReady(e.detail.title)));
  // A script in the middle of the page that takes a second: the parser stops there, so the page
  // is still loading (no DOMContentLoaded) while the first widget is already on it.
  let slowDone = 0;
  await page.route(`${proxy.url}/slow.js`, async (route) => {
    await new Promise((r) => setTimeout(r, 1000));
    slowDone = Date.now();
    return route.fulfill({ contentType: 'text/javascript', body: '/* slow */' });
  });
  await page.route(new RegExp(`^${proxy.url}/head-shop`), (route) => route.fulfill({
    contentType: 'text/html',
    body: `<!doctype html><html lang="en"><head><title>Shop</title>
      <script src="${proxy.url}/widget/tessera.js"></script></head><body><main>
      <tessera-tickets id="jazz" event="${JAZZ}"></tessera-tickets>
      <script src="${proxy.url}/slow.js"></script>
      <div id="list" data-tessera-event=""></div>
      <div id="comedy" data-tessera-event="${COMEDY}"></div></main></body></html>`,
  }));
  let jazzView = 0;
  page.on('request', (r) => { if (r.url().includes(`/events/${JAZZ}/view`)) jazzView ||= Date.now(); });

  await page.goto(`${proxy.url}/head-shop`);
  await page.locator('#comedy').getByRole('radio', { name: /Front Row/ }).waitFor();
  await page.locator('#list').getByRole('button').first().waitFor();
  assert.ok(jazzView && slowDone && jazzView < slowDone,
    `Jazz's first view was asked for ${jazzView - slowDone} ms after the page's slow script finished`);
  // Both event widgets came to life once each (the list says nothing until an event is chosen).
  await until(() => ready.length >= 2, 10_000, 'both event widgets ready');
  await page.waitForTimeout(300);
  assert.deepEqual([...ready].sort(), ['Cebu Comedy Night', 'Manila Jazz Night']);

  // Back from paying for Comedy: its widget is below the slow script, yet it hears, and Jazz's,
  // parsed first, does not.
  await page.goto(`${proxy.url}/head-shop?tessera_status=success&tessera_event=${COMEDY}`);
  await page.locator('#comedy').getByRole('status').filter({ hasText: 'Payment complete' }).waitFor();
  await page.locator('#jazz').getByRole('radio', { name: /General Admission/ }).waitFor();
  assert.equal(await page.locator('#jazz .tessera-notice').count(), 0);
  assert.equal(await page.locator('#list .tessera-notice').count(), 0);
  assert.deepEqual(problems, []);
});
