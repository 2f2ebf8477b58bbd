// The widget as a real custom element in a host page that changes under it, as single-page
// apps do: removed and added again, its attributes changed, its space reserved while it loads.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProxy, launchBrowser, until } from './harness.mjs';

const JAZZ = '344c5b2c-7de4-4174-863f-682207408add';
const COMEDY = 'b9baeb52-bb2f-455d-be03-6dc10b9c4841';

let proxy, browser;
before(async () => { proxy = await startProxy(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await proxy?.stop(); });

/** The proxy's own count of open live streams (`GET /metrics`). */
async function liveViewers() {
  const text = await (await fetch(proxy.url + '/metrics')).text();
  const m = text.match(/^tessera_live_viewers (\d+)/m);
  assert.ok(m, `no tessera_live_viewers in /metrics:\n${text}`);
  return Number(m[1]);
}

/**
 * A page of the proxy's origin with `body` in its <main> and the loader after it, served by the
 * test (the proxy's own demo page has widgets of its own). `init` runs before the page's own
 * scripts; `viewport` sizes the page.
 */
async function hostPage(body, { init, viewport } = {}) {
  const page = await browser.newPage(viewport ? { viewport } : {});
  const url = `${proxy.url}/test-host-${Math.random().toString(36).slice(2)}`;
  await page.route(url, (route) => route.fulfill({
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host</title>
      <style>body { margin: 0; font: 16px/1.5 sans-serif } main { max-width: 40rem; margin: 0 auto }</style></head>
      <body><main>${body}</main><script async src="/widget/tessera.js"></script></body></html>`,
  }));
  if (init) await page.addInitScript(init);
  await page.goto(url);
  return page;
}

/**
 * Counts, in `window.__open()`, the EventSources open and the timers pending (set, neither
 * fired nor cleared) on a page: an init script for `hostPage`.
 */
function countStreamsAndTimers() {
  const counts = { sources: new Set(), timers: new Set() };
  const Source = window.EventSource;
  window.EventSource = class extends Source {
    constructor(...args) { super(...args); counts.sources.add(this); }
    close() { counts.sources.delete(this); super.close(); }
  };
  const [set, clear, every, stop] = [setTimeout, clearTimeout, setInterval, clearInterval];
  window.setTimeout = (fn, ms, ...rest) => {
    const id = set((...a) => { counts.timers.delete(id); if (typeof fn === 'function') fn(...a); }, ms, ...rest);
    counts.timers.add(id);
    return id;
  };
  window.clearTimeout = (id) => { counts.timers.delete(id); clear(id); };
  window.setInterval = (fn, ms, ...rest) => { const id = every(fn, ms, ...rest); counts.timers.add(id); return id; };
  window.clearInterval = (id) => { counts.timers.delete(id); stop(id); };
  window.__open = () => ({
    sources: [...counts.sources].filter((s) => s.readyState !== 2).length,
    timers: counts.timers.size,
  });
}

test('an element removed and added again 30 times leaves no live stream open and no timer running', async () => {
  const baseline = await liveViewers();
  const page = await hostPage(`<tessera-tickets id="w" event="${JAZZ}"></tessera-tickets>`, { init: countStreamsAndTimers });
  const widget = page.locator('#w');
  await widget.getByRole('radio', { name: /General Admission/ }).waitFor();
  await until(async () => (await page.evaluate(() => window.__open().sources)) === 1, 5000, 'the first stream');
  const once = await page.evaluate(() => window.__open());
  assert.equal(once.sources, 1, 'one widget follows its event on one stream');
  await until(async () => (await liveViewers()) === baseline + 1, 5000, 'the proxy to count the viewer');

  for (let i = 0; i < 30; i++) {
    await page.evaluate(() => {
      const el = document.getElementById('w');
      const parent = el.parentNode;
      el.remove();
      parent.append(el);
    });
    // Each time the widget is back, showing its tiers, as a buyer navigating back would see it.
    await widget.getByRole('radio', { name: /General Admission/ }).waitFor();
  }
  await until(async () => (await page.evaluate(() => window.__open().sources)) === 1, 5000, 'one stream after 30 remounts');
  const after30 = await page.evaluate(() => window.__open());
  assert.equal(after30.sources, 1, 'only the widget now in the page has a stream open');
  assert.ok(after30.timers <= once.timers, `timers pending: ${after30.timers} after 30 remounts, ${once.timers} after one`);
  await until(async () => (await liveViewers()) === baseline + 1, 10_000, 'the proxy to count one viewer again');

  // Gone for good: nothing of it keeps running, in the page or on the proxy.
  await page.evaluate(() => document.getElementById('w').remove());
  await until(async () => (await page.evaluate(() => window.__open().sources)) === 0, 5000, 'no stream open');
  const gone = await page.evaluate(() => window.__open());
  assert.equal(gone.timers, 0, `no widget timer pending once it is gone (${gone.timers})`);
  await until(async () => (await liveViewers()) === baseline, 10_000, 'the proxy to count no viewer');
  await page.close();
});

test('setting event on a mounted element shows the other event; properties mirror the attributes', async () => {
  const page = await hostPage(`<tessera-tickets id="w" event="${JAZZ}"></tessera-tickets>`);
  const widget = page.locator('#w');
  await widget.getByRole('heading', { name: 'Manila Jazz Night' }).waitFor();
  assert.equal(await page.evaluate(() => document.getElementById('w').event), '344c5b2c-7de4-4174-863f-682207408add');
  assert.ok(await page.evaluate(() => document.getElementById('w').matches(':defined')), 'a defined custom element');
  await page.evaluate((id) => document.getElementById('w').setAttribute('event', id), COMEDY);
  await widget.getByRole('heading', { name: 'Cebu Comedy Night' }).waitFor();
  assert.equal(await widget.getByRole('heading', { name: 'Manila Jazz Night' }).count(), 0);
  // The property does the same.
  await page.evaluate((id) => { document.getElementById('w').event = id; }, JAZZ);
  await widget.getByRole('heading', { name: 'Manila Jazz Night' }).waitFor();
  assert.equal(await page.evaluate(() => document.getElementById('w').getAttribute('event')), JAZZ);
  await page.evaluate(() => { document.getElementById('w').locale = 'de-DE'; });
  await widget.getByRole('button', { name: 'Weiter zur Zahlung' }).waitFor();
  await page.close();
});

/** The cumulative layout shift of a page with `body`, from load until its widget shows prices. */
async function shiftWhileLoading(body) {
  const below = `<h2>Getting there</h2><p>${'The venue is a short walk from the station. '.repeat(40)}</p>`;
  const page = await hostPage(`<h1>Our next shows</h1>${body}${below}`, {
    viewport: { width: 1280, height: 720 },
    init: () => {
      window.__shift = 0;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__shift += entry.value;
      }).observe({ type: 'layout-shift', buffered: true });
    },
  });
  await page.locator('tessera-tickets').getByRole('radio', { name: /General Admission/ }).waitFor();
  // Whatever the last render moved is recorded by the next frame.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const shift = await page.evaluate(() => window.__shift);
  const height = await page.locator('tessera-tickets').evaluate((el) => el.getBoundingClientRect().height);
  await page.close();
  return { shift, height };
}

test('the page below the widget does not move while it loads, when its height is reserved as README says', async () => {
  // Without a reservation the page below jumps as the tiers arrive: the measure sees it.
  const bare = await shiftWhileLoading(`<tessera-tickets event="${JAZZ}"></tessera-tickets>`);
  assert.ok(bare.shift > 0.1, `without a reservation the page shifts (${bare.shift.toFixed(3)})`);
  // README: the host page's own CSS reserves the widget's height for the event (measured once).
  const reserved = await shiftWhileLoading(`<style>tessera-tickets { display: block; min-height: ${Math.ceil(bare.height)}px }</style>
    <tessera-tickets event="${JAZZ}"></tessera-tickets>`);
  console.log(`# cumulative layout shift: ${bare.shift.toFixed(3)} unreserved, ${reserved.shift.toFixed(3)} reserved (${Math.ceil(bare.height)}px)`);
  assert.ok(reserved.shift < 0.1, `cumulative layout shift ${reserved.shift.toFixed(3)} with the height reserved`);
});
