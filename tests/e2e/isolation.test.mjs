// The widget on pages it does not control: a strict Content Security Policy, and a host
// stylesheet that restyles everything it can reach.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProxy, launchBrowser } from './harness.mjs';

let proxy, browser;
before(async () => { proxy = await startProxy(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await proxy?.stop(); });

/** A new page, and the Content Security Policy violations it reports from its first script on. */
async function pageRecordingViolations() {
  const page = await browser.newPage();
  const violations = [];
  await page.exposeFunction('recordViolation', (v) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation',
      (e) => window.recordViolation(`${e.effectiveDirective}: ${e.blockedURI}`), true);
  });
  return { page, violations };
}

test('a page with a strict CSP (no inline script or style) completes a purchase', async () => {
  const { page, violations } = await pageRecordingViolations();
  const response = await page.goto(proxy.url + '/csp');
  assert.match(response.headers()['content-security-policy'], /script-src 'self' 'wasm-unsafe-eval'/);
  const widget = page.locator('tessera-tickets').first();
  await widget.getByRole('radio', { name: /General Admission/ }).check();
  await widget.getByLabel('Full name').fill('Ines Garcia');
  await widget.getByLabel('Email').fill('ines@example.com');
  await widget.getByRole('button', { name: 'Continue to payment' }).click();
  await page.waitForURL(/\/checkout\/pi_/);
  await page.getByRole('button', { name: /^Pay/ }).click();
  await page.waitForURL((u) => u.toString().startsWith(proxy.url + '/'));
  await widget.getByRole('status').filter({ hasText: 'Payment complete' }).waitFor();
  assert.deepEqual(violations, []);
});

test('under the strict CSP with Trusted Types, the first view shows and sells before any wasm', async () => {
  const { page, violations } = await pageRecordingViolations();
  await page.route('**/*.wasm', (route) => route.abort());
  const response = await page.goto(proxy.url + '/csp');
  assert.match(response.headers()['content-security-policy'], /require-trusted-types-for 'script'; trusted-types tessera/);
  const widget = page.locator('tessera-tickets').first();
  await widget.getByRole('radio', { name: /General Admission/ }).check();
  await widget.getByLabel('Full name').fill('Ines Garcia');
  await widget.getByLabel('Email').fill('ines@example.com');
  await widget.getByRole('button', { name: 'Continue to payment' }).click();
  await page.waitForURL(/\/checkout\/pi_/);
  assert.deepEqual(violations, []);
  await page.close();
});

const HOSTILE = `
  * { font-family: "Comic Sans MS", serif !important; color: #f0f !important; letter-spacing: 3px !important;
      line-height: 3 !important; box-sizing: content-box !important; }
  div { border: 5px dashed red !important; margin: 20px !important; padding: 30px !important; background: yellow !important; }
  button { background: lime !important; color: black !important; padding: 40px !important; font-size: 30px !important;
           border-radius: 0 !important; text-transform: uppercase !important; }
  input, label, p, span, h2 { display: block !important; font-size: 40px !important; float: right !important; }
`;

// Sizes are left out on purpose: the host page decides how much room the widget gets.
async function stylesOf(page) {
  const widget = page.locator('tessera-tickets').first();
  await widget.getByRole('radio', { name: /General Admission/ }).waitFor();
  return page.evaluate(() => {
    const root = document.querySelector('tessera-tickets').shadowRoot;
    const props = ['color', 'background-color', 'font-family', 'font-size', 'letter-spacing', 'line-height',
      'padding-top', 'margin-top', 'border-top-width', 'border-top-style', 'display', 'float', 'text-transform',
      'box-sizing', 'border-top-left-radius', 'text-align', 'font-weight'];
    const pick = (sel) => {
      const cs = getComputedStyle(root.querySelector(sel));
      return Object.fromEntries(props.map((p) => [p, cs.getPropertyValue(p)]));
    };
    return {
      root: pick('.tessera'), title: pick('.tessera-title'), tier: pick('.tessera-tier label'),
      input: pick('input[type=email]'), checkout: pick('button[type=submit]'), step: pick('.tessera-step'),
    };
  });
}

test('a host stylesheet restyling *, div and button leaves the widget as it was', async () => {
  const clean = await browser.newPage();
  await clean.goto(proxy.url + '/');
  const expected = await stylesOf(clean);

  const hostile = await browser.newPage();
  await hostile.addInitScript((css) => {
    document.addEventListener('DOMContentLoaded', () => {
      const style = document.createElement('style');
      style.textContent = css;
      document.head.append(style);
    });
  }, HOSTILE);
  await hostile.goto(proxy.url + '/');
  const actual = await stylesOf(hostile);
  assert.deepEqual(actual, expected);
});
