// Theming from the host page only: three widgets, three stylesheets' worth of custom
// properties and ::part() rules, three different looks (and light/dark by preference).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProxy, launchBrowser, screenshot } from './harness.mjs';

let proxy, browser;
before(async () => { proxy = await startProxy(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await proxy?.stop(); });

async function looks(page) {
  return page.evaluate(() => [...document.querySelectorAll('tessera-tickets')].map((host) => {
    const root = host.shadowRoot;
    if (!root.querySelector('button[type=submit]')) return null; // a list of events
    const button = getComputedStyle(root.querySelector('button[type=submit]'));
    const box = getComputedStyle(root.querySelector('.tessera'));
    return { accent: button.backgroundColor, transform: button.textTransform, background: box.backgroundColor,
      radius: box.borderTopLeftRadius, font: box.fontFamily };
  }));
}

test('three themes set only from the host page give three looks', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
  await page.goto(proxy.url + '/themes');
  const widgets = page.locator('tessera-tickets');
  for (let i = 0; i < 3; i++) await widgets.nth(i).getByRole('radio', { name: /General Admission/ }).waitFor();
  const [bayside, midnight, festival] = await looks(page);
  assert.equal(bayside.accent, 'rgb(11, 92, 173)', 'the default accent');
  assert.equal(midnight.accent, 'rgb(192, 132, 252)');
  assert.equal(midnight.background, 'rgb(17, 24, 39)');
  assert.equal(midnight.transform, 'uppercase', '::part(checkout-button) reaches in');
  assert.equal(festival.radius, '0px');
  assert.match(festival.font, /DejaVu Serif/);
  for (const [i, name] of ['bayside', 'midnight', 'festival'].entries()) {
    await screenshot(widgets.nth(i), `theme-${name}`);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'themes-side-by-side');
});

test('a dark page preference gives the default theme dark colours', async () => {
  const page = await browser.newPage({ colorScheme: 'dark' });
  await page.goto(proxy.url + '/');
  await page.locator('tessera-tickets').first().getByRole('radio', { name: /General Admission/ }).waitFor();
  const [dark] = await looks(page);
  assert.equal(dark.background, 'rgb(13, 17, 23)');
  assert.equal(dark.accent, 'rgb(90, 162, 240)');
});
