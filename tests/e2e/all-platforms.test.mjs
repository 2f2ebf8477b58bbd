// One list for every platform (issue 21): a list widget on a host page of its own holds the
// embedded sandbox's HangHut events beside a TicketWave event (described by its signed
// event.published) and a vivenu event (its signed event.created), soonest first; the cards of
// events sold elsewhere say where before they are opened, a TicketWave card opens its hand-off
// and the link goes to TicketWave's page; axe finds nothing serious or critical.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProxy, launchBrowser, screenshot, watchPage, writeArtifact, ROOT } from './harness.mjs';

const AXE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const VIVENU_KEY = 'e2e-vivenu-hmac-key-all-platforms-91c2';
const TICKETWAVE_SECRET = 'e2e-ticketwave-secret-all-platforms-3d7a';
let proxy, browser;
before(async () => {
  proxy = await startProxy({
    TESSERA_TICKETWAVE_URL: 'sandbox',
    TESSERA_TICKETWAVE_WEBHOOK_SECRET: TICKETWAVE_SECRET,
    TESSERA_TICKETWAVE_UTC_OFFSET: '+02:00',
    TESSERA_VIVENU_HMAC_KEY: VIVENU_KEY,
  });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await proxy?.stop(); });

async function post(path, body, headers) {
  const r = await fetch(`${proxy.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  assert.equal(r.status, 200, await r.text());
}

const hmac = (key, body) => createHmac('sha256', key).update(body).digest('hex');

async function vivenuEventCreated() {
  const body = JSON.stringify({
    id: 'wh_e2e_list_created', type: 'event.created', mode: 'prod',
    data: { event: {
      _id: '64f0a11', name: 'Harbour Lights Festival', start: '2026-12-31T20:00:00+01:00', locationName: 'Harbour Stage',
      tickets: [{ _id: 'tt-day', name: 'Day Pass', price: 45, amount: 200, active: true }],
    } },
  });
  await post('/webhooks/vivenu', body, { 'x-vivenu-signature': hmac(VIVENU_KEY, body) });
}

async function ticketwavePublished() {
  const body = JSON.stringify({
    event: 'event.published', timestamp: '2026-12-01T09:00:00.000Z',
    data: {
      eventId: 'evt_winter', title: 'Winter Jazz Gala', slug: 'winter-jazz-gala-2027', date: '2027-02-01', startTime: '19:00',
      venue: 'Harbour Hall', totalCapacity: 120, tiers: [{ name: 'Standard', price: '30.00', quantity: 120 }],
      url: 'https://www.ticketwavehq.com/events/winter-jazz-gala-2027',
    },
  });
  await post('/webhooks/ticketwave', body,
    { 'x-ticketwave-signature': hmac(TICKETWAVE_SECRET, body), 'x-ticketwave-event': 'event.published' });
}

/** A host page of its own with one list widget. */
async function hostPage() {
  const page = await browser.newPage();
  const url = `${proxy.url}/all-platforms-host`;
  await page.route(url, (route) => route.fulfill({
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Every platform</title></head>
      <body><main><h1>What's on</h1><tessera-tickets proxy="${proxy.url}"></tessera-tickets></main>
      <script async src="/widget/tessera.js"></script></body></html>`,
  }));
  await page.goto(url);
  return page;
}

/** Serious and critical violations inside the widget (axe reaches into open shadow roots). */
async function audit(page, state) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.addScriptTag({ content: AXE });
  const { violations, checked } = await page.evaluate(async () => {
    const r = await window.axe.run({ include: [['tessera-tickets']] });
    return {
      violations: r.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
        .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => JSON.stringify(n.target)) })),
      // Buttons axe found named: proof that it looked inside the shadow root.
      checked: (r.passes.find((p) => p.id === 'button-name')?.nodes.length) ?? 0,
    };
  });
  assert.ok(checked > 0, `${state}: axe checked no button inside the widget`);
  writeArtifact(`axe-${state}.json`, JSON.stringify(violations, null, 2));
  assert.deepEqual(violations, [], `${state}: ${JSON.stringify(violations, null, 2)}`);
}

test('the list shows the TicketWave and vivenu events beside HangHut\'s in start order, and a TicketWave card opens its hand-off', async () => {
  await vivenuEventCreated();
  await ticketwavePublished();
  const page = await hostPage();
  const problems = watchPage(page);
  const widget = page.locator('tessera-tickets');
  await widget.getByRole('heading', { name: 'Upcoming events' }).waitFor();
  await widget.getByRole('heading', { name: 'Winter Jazz Gala' }).waitFor();

  const titles = await widget.locator('li h3').allInnerTexts();
  assert.deepEqual(titles, [
    'Manila Jazz Night', // HangHut, 12 December
    'Harbour Lights Festival', // vivenu, 31 December
    'Cebu Comedy Night', // HangHut, 16 January
    'Winter Jazz Gala', // TicketWave, 1 February
    'Davao Indie Fest', // HangHut, 20 February
  ]);
  // TicketWave's own demo events (July and October 2026) have taken place: not listed.
  assert.equal(await widget.getByRole('heading', { name: 'Summer Pool Party' }).count(), 0);

  const card = (title) => widget.getByRole('listitem').filter({ has: page.getByRole('heading', { name: title }) });
  await card('Winter Jazz Gala').getByText('Tickets for this event are sold on TicketWave.').waitFor();
  await card('Harbour Lights Festival').getByText('Tickets for this event are sold on vivenu.').waitFor();
  assert.equal(await card('Manila Jazz Night').getByText(/sold on/).count(), 0, 'HangHut sells here');
  await screenshot(page, 'state-all-platforms-list');
  await audit(page, 'all-platforms-list');

  // The TicketWave card opens the event, which says where the buyer pays and links there.
  await widget.getByRole('button', { name: 'Choose your tickets for Winter Jazz Gala' }).click();
  await widget.getByRole('heading', { name: 'Winter Jazz Gala' }).waitFor();
  const onward = widget.getByRole('link', { name: 'Continue on TicketWave' });
  await onward.waitFor();
  assert.equal(await onward.getAttribute('href'), 'https://www.ticketwavehq.com/events/winter-jazz-gala-2027');
  assert.equal(await widget.getByRole('button', { name: 'Continue to payment' }).count(), 0, 'no checkout here');
  await screenshot(page, 'state-all-platforms-handoff');
  await audit(page, 'all-platforms-handoff');

  // Following it: the host page hears tessera:handoff, and the whole page goes to TicketWave.
  await page.route('https://www.ticketwavehq.com/**', (route) => route.fulfill({
    contentType: 'text/html', body: '<!doctype html><title>TicketWave</title><h1>Winter Jazz Gala on TicketWave</h1>',
  }));
  const handoff = page.evaluate(() => new Promise((resolve) => {
    document.addEventListener('tessera:handoff', (e) => resolve(e.detail), { once: true });
  }));
  await onward.click();
  assert.deepEqual(await handoff, {
    event_id: 'ticketwave:evt_winter', platform: 'TicketWave', url: 'https://www.ticketwavehq.com/events/winter-jazz-gala-2027',
  });
  await page.waitForURL('https://www.ticketwavehq.com/events/winter-jazz-gala-2027');
  await page.getByRole('heading', { name: 'Winter Jazz Gala on TicketWave' }).waitFor();
  assert.deepEqual(problems, []);
});

test('the list\'s API answer is the same order, and its first view is drawn from it', async () => {
  const list = await (await fetch(`${proxy.url}/api/v1/events`, { cache: 'no-store' })).json();
  const titles = list.events.map((e) => e.title);
  assert.deepEqual(titles.slice(0, 5),
    ['Manila Jazz Night', 'Harbour Lights Festival', 'Cebu Comedy Night', 'Winter Jazz Gala', 'Davao Indie Fest']);
  assert.equal(list.stale, false);
  const view = await (await fetch(`${proxy.url}/api/v1/events/view?locale=en`)).json();
  assert.deepEqual(view.read.events.map((e) => e.title), titles);
  assert.match(view.html, /sold on TicketWave/);
});
