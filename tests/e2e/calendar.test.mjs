// The list as a month calendar (`view="calendar"`), operated with the keyboard alone: an ARIA
// grid (WAI-ARIA APG date picker) whose days carry their events, a day opening its events, an
// event its tickets, and Back to the same day. The browser's clock is fixed on 1 December 2026,
// so the calendar opens on the sandbox's first event (Manila Jazz Night, 12 December 2026)
// whatever day the test runs; the other seeded events are on 16 January and 20 February 2027
// (crates/sandbox/src/seed.rs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProxy, launchBrowser, screenshot, watchPage, writeArtifact, until, ROOT, ARTIFACTS, E2E_SECRETS } from './harness.mjs';

const AXE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const TODAY = new Date('2026-12-01T10:00:00+08:00');

let proxy, browser;
before(async () => { proxy = await startProxy(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await proxy?.stop(); });

/** A page of the proxy's origin with `body` and the loader, on the fixed day; and what it asked for. */
async function hostPage(body) {
  const page = await browser.newPage({ viewport: { width: 900, height: 900 } });
  await page.clock.setFixedTime(TODAY);
  const asked = [];
  page.on('request', (r) => asked.push(r.url()));
  const url = `${proxy.url}/test-host-${Math.random().toString(36).slice(2)}`;
  await page.route(url, (route) => route.fulfill({
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>calendar host</title>
      <style>body { margin: 0; font: 16px/1.5 sans-serif } main { max-width: 48rem; margin: 0 auto; padding: 1rem }</style></head>
      <body><main><a href="#top" id="before">Before the widget</a>${body}</main>
      <script async src="/widget/tessera.js"></script></body></html>`,
  }));
  const problems = watchPage(page);
  await page.goto(url);
  return { page, asked, problems };
}

/** What has the keyboard focus, looking through shadow roots. */
function focused(page) {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    // A day's name is its words for screen readers (the number and titles are hidden from them).
    const name = el.getAttribute('aria-label') || el.querySelector('.tessera-visually-hidden')?.textContent || el.innerText || '';
    return { tag: el.tagName.toLowerCase(), name: name.trim(), tabindex: el.getAttribute('tabindex') };
  });
}

async function press(page, key, times = 1) {
  for (let i = 0; i < times; i++) await page.keyboard.press(key);
}

/** Presses `key` (Tab or Shift+Tab) until `matches(focused)`; fails after 30 stops. */
async function tabTo(page, what, matches, key = 'Tab') {
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press(key);
    if (matches(await focused(page))) return;
  }
  assert.fail(`${key} never reached ${what}`);
}

/** Waits for the focus to be on `name` (a day unless `tag` says otherwise), the one day in the Tab order. */
async function focusIs(page, name, tag = 'td') {
  // Focus moves once the new month or view is drawn (the next animation frame).
  let now;
  for (let i = 0; i < 40; i++) {
    now = await focused(page);
    if (now.name === name) break;
    await page.waitForTimeout(50);
  }
  assert.equal(now.name, name);
  assert.equal(now.tag, tag);
  if (tag === 'td') assert.equal(now.tabindex, '0');
}

/** Serious and critical axe violations inside the widget; fails when there are any. */
async function audit(page, state) {
  await page.addScriptTag({ content: AXE });
  const { violations, looked } = await page.evaluate(async () => {
    const r = await window.axe.run({ include: [['tessera-tickets']] });
    return {
      violations: r.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
        .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => JSON.stringify(n.target)) })),
      // Nodes checked inside the shadow root (axe names one through it with a nested selector).
      looked: r.passes.flatMap((p) => p.nodes).filter((n) => n.target.some(Array.isArray)).length,
    };
  });
  assert.ok(looked > 0, `${state}: axe checked nothing inside the widget`);
  writeArtifact(`axe-${state}.json`, JSON.stringify(violations, null, 2));
  assert.deepEqual(violations, [], `${state}: ${JSON.stringify(violations, null, 2)}`);
}

test('the calendar is operated by keyboard alone: days, months, a day\'s events, an event and back', async () => {
  const { page, asked, problems } = await hostPage('<tessera-tickets id="w" view="calendar" locale="en-GB"></tessera-tickets>');
  const widget = page.locator('#w');
  const grid = widget.getByRole('grid', { name: 'December 2026' });
  await grid.waitFor();

  // Weekdays from the buyer's locale, the week starting on Monday in en-GB.
  const headers = await grid.getByRole('columnheader').allInnerTexts();
  assert.deepEqual(headers, ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']);
  assert.equal(await grid.getByRole('row').count(), 6, 'a header row and five weeks');
  // A day with an event says so in its name; the others are only their date.
  await grid.getByRole('gridcell', { name: 'Saturday 12 December, 1 event' }).waitFor();
  assert.equal(await grid.getByRole('gridcell', { name: /event/ }).count(), 1);
  assert.equal(await grid.getByRole('gridcell', { name: 'Friday 11 December' }).count(), 1);
  // The month heading is announced politely when it changes.
  const heading = widget.getByRole('heading', { name: 'December 2026' });
  assert.equal(await heading.getAttribute('aria-live'), 'polite');
  // One tab stop in the grid (roving tabindex), on the first upcoming event's day.
  assert.equal(await grid.locator('td[tabindex="0"]').count(), 1);
  // No list first view asked for: the calendar is drawn by the wasm only.
  assert.ok(!asked.some((u) => u.includes('/api/v1/events/view')), asked.join('\n'));
  await audit(page, 'calendar');
  mkdirSync(join(ROOT, 'docs', 'images'), { recursive: true });
  await screenshot(widget, 'state-calendar');
  copyFileSync(join(ARTIFACTS, 'state-calendar.png'), join(ROOT, 'docs', 'images', 'state-calendar.png'));

  // Tab into the grid from the page: past the month buttons, onto the focused day.
  await page.locator('#before').focus();
  await tabTo(page, 'the grid', (f) => f.tag === 'td');
  await focusIs(page, 'Saturday 12 December, 1 event');
  await press(page, 'ArrowLeft');
  await focusIs(page, 'Friday 11 December');
  await press(page, 'ArrowRight');
  await press(page, 'ArrowUp');
  await focusIs(page, 'Saturday 5 December');
  await press(page, 'Home');
  await focusIs(page, 'Monday 30 November');
  // Across the month's start: the grid shows November now.
  await widget.getByRole('grid', { name: 'November 2026' }).waitFor();
  await press(page, 'End');
  await focusIs(page, 'Sunday 6 December');
  await widget.getByRole('grid', { name: 'December 2026' }).waitFor();
  // Enter on a day without events stays in the grid.
  await press(page, 'Enter');
  await focusIs(page, 'Sunday 6 December');

  // By month: the same day of the next month, the heading changed.
  await press(page, 'ArrowDown'); // 13 December
  await press(page, 'PageDown');
  await focusIs(page, 'Wednesday 13 January');
  await widget.getByRole('heading', { name: 'January 2027' }).waitFor();
  await press(page, 'ArrowRight', 3);
  await focusIs(page, 'Saturday 16 January, 1 event');
  await press(page, 'PageDown');
  await focusIs(page, 'Tuesday 16 February');
  await press(page, 'ArrowRight', 4);
  await focusIs(page, 'Saturday 20 February, 1 event');
  await press(page, 'PageUp');
  await focusIs(page, 'Wednesday 20 January');
  await press(page, 'ArrowLeft', 4);
  await focusIs(page, 'Saturday 16 January, 1 event');

  // Enter opens the day: its events, the heading focused.
  await press(page, 'Enter');
  const day = widget.getByRole('heading', { name: 'Saturday, 16 January 2027' });
  await day.waitFor();
  await focusIs(page, 'Saturday, 16 January 2027', 'h2');
  await widget.getByRole('heading', { name: 'Cebu Comedy Night' }).waitFor();
  await audit(page, 'calendar-day');
  // Back to the calendar: the same month, the same day focused.
  await tabTo(page, 'Back to the calendar', (f) => f.name.includes('Back to the calendar'), 'Shift+Tab');
  await press(page, 'Enter');
  await widget.getByRole('grid', { name: 'January 2027' }).waitFor();
  await focusIs(page, 'Saturday 16 January, 1 event');

  // Space opens it too; the event's tickets open in place, as in the list.
  await press(page, 'Space');
  await day.waitFor();
  await tabTo(page, 'the event\'s tickets', (f) => f.name === 'Choose your tickets for Cebu Comedy Night');
  await press(page, 'Enter');
  await widget.getByRole('radio', { name: /Front Row/ }).waitFor();
  await tabTo(page, 'All events', (f) => f.name.includes('All events'), 'Shift+Tab');
  await press(page, 'Enter');
  await widget.getByRole('grid', { name: 'January 2027' }).waitFor();
  await focusIs(page, 'Saturday 16 January, 1 event');

  // The month buttons move the month and keep their own focus.
  await tabTo(page, 'Next month', (f) => f.name === 'Next month', 'Shift+Tab');
  await press(page, 'Enter');
  await widget.getByRole('grid', { name: 'February 2027' }).waitFor();
  await focusIs(page, 'Next month', 'button');
  await press(page, 'Enter');
  await widget.getByRole('grid', { name: 'March 2027' }).waitFor();
  await widget.getByText('No events in March 2027.').waitFor();
  assert.deepEqual(problems, []);
});

test('view="calendar" on a div and through Tessera.mount, in German, and back to cards when it changes', async () => {
  const { page, asked } = await hostPage('<div id="plain" data-tessera-view="calendar" data-tessera-locale="de-DE"></div><div id="manual"></div>');
  const plain = page.locator('#plain');
  await plain.getByRole('grid', { name: 'Dezember 2026' }).waitFor();
  assert.deepEqual(await plain.getByRole('columnheader').allInnerTexts(), ['Mo', 'Di', 'Mi', 'Do', 'Fr', 'Sa', 'So']);
  await plain.getByRole('button', { name: 'Vorheriger Monat' }).waitFor();
  await plain.getByRole('gridcell', { name: /^Samstag, 12\. Dezember, 1 Veranstaltung$/ }).waitFor();

  // In en-US the week starts on Sunday.
  await page.evaluate(() => window.Tessera.mount(document.getElementById('manual'), { view: 'calendar', locale: 'en-US' }));
  const manual = page.locator('#manual');
  await manual.getByRole('grid', { name: 'December 2026' }).waitFor();
  assert.equal((await manual.getByRole('columnheader').allInnerTexts())[0], 'Sun');
  await manual.getByRole('gridcell', { name: 'Saturday, December 12, 1 event' }).click();
  await manual.getByRole('heading', { name: 'Manila Jazz Night' }).waitFor();
  assert.ok(!asked.some((u) => u.includes('/api/v1/events/view')), 'no list first view for a calendar');

  // A changed view mounts the widget again, as a changed event or locale does.
  await page.evaluate(() => document.getElementById('plain').setAttribute('data-tessera-view', 'list'));
  await plain.getByRole('button', { name: 'Tickets für Manila Jazz Night auswählen' }).waitFor();
  assert.equal(await plain.getByRole('grid').count(), 0);
  await page.evaluate(() => document.getElementById('plain').setAttribute('data-tessera-view', 'calendar'));
  await plain.getByRole('grid', { name: 'Dezember 2026' }).waitFor();
});

test('a month beyond the first page of the list is read when the buyer goes there', async () => {
  // 22 more events on the platform: April 2027 has one a day from the 1st to the 20th, and
  // Friday 14 May two. The list's first page (20 by start time) then ends on 17 April.
  const auth = { Authorization: `Bearer ${E2E_SECRETS.TESSERA_SANDBOX_API_KEY}`, 'Content-Type': 'application/json' };
  const create = (title, start) => fetch(`${proxy.sandboxUrl}/events`, {
    method: 'POST', headers: auth,
    body: JSON.stringify({ title, start_datetime: start, status: 'active', venue_name: 'Rizal Park', capacity: 100, ticket_price: 500 }),
  }).then((r) => { assert.equal(r.status, 201, `creating ${title}`); });
  for (let d = 1; d <= 20; d++) await create(`April Night ${d}`, `2027-04-${String(d).padStart(2, '0')}T19:00:00+08:00`);
  await create('May Matinee', '2027-05-14T14:00:00+08:00');
  await create('May Evening', '2027-05-14T20:00:00+08:00');
  await until(async () => {
    const r = await fetch(`${proxy.url}/api/v1/events?page=2`);
    return r.ok && (await r.json()).events.length === 5;
  }, 15000, 'the proxy to list the new events on two pages');

  const { page, asked } = await hostPage('<tessera-tickets id="w" view="calendar" locale="en-GB"></tessera-tickets>');
  const widget = page.locator('#w');
  await widget.getByRole('grid', { name: 'December 2026' }).waitFor();
  assert.ok(!asked.some((u) => u.includes('page=2')), 'December needs only the first page');
  await widget.getByRole('button', { name: 'Next month' }).click();
  await widget.getByRole('button', { name: 'Next month' }).click();
  await widget.getByRole('button', { name: 'Next month' }).click();
  await widget.getByRole('button', { name: 'Next month' }).click();
  const april = widget.getByRole('grid', { name: 'April 2027' });
  await april.waitFor();
  // The days after the 17th are on the second page.
  await april.getByRole('gridcell', { name: 'Tuesday 20 April, 1 event' }).waitFor();
  assert.equal(await april.getByRole('gridcell', { name: /1 event$/ }).count(), 20);
  assert.ok(asked.some((u) => u.includes('/api/v1/events?page=2')));
  await widget.getByRole('button', { name: 'Next month' }).click();
  await widget.getByRole('gridcell', { name: 'Friday 14 May, 2 events' }).click();
  await widget.getByRole('heading', { name: 'Friday, 14 May 2027' }).waitFor();
  assert.deepEqual(await widget.getByRole('heading', { level: 3 }).allInnerTexts(), ['May Matinee', 'May Evening']);
});
