// The whole purchase with the keyboard alone: Tab, arrows, Enter and typing, no clicks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startProxy, launchBrowser } from './harness.mjs';

let proxy, browser;
before(async () => { proxy = await startProxy(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await proxy?.stop(); });

/** The focused element, looking through shadow roots: what a keyboard user is on. */
function focused(page) {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    const label = el.labels && el.labels[0] ? el.labels[0].innerText : '';
    return { tag: el.tagName.toLowerCase(), type: el.type || '', text: (el.innerText || '').trim(), label, checked: !!el.checked };
  });
}

/** Presses Tab until `matches(focused)`; fails after 40 stops. */
async function tabTo(page, what, matches) {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    if (matches(await focused(page))) return;
  }
  assert.fail(`Tab never reached ${what}`);
}

test('a buyer completes a purchase with the keyboard alone', async () => {
  const page = await browser.newPage();
  await page.goto(proxy.url + '/');
  const widget = page.locator('tessera-tickets').first();
  await widget.getByRole('radio', { name: /General Admission/ }).waitFor();

  await tabTo(page, 'the chosen tier', (f) => f.type === 'radio' && f.label.includes('General Admission'));
  await page.keyboard.press('ArrowDown'); // VIP, as in any radio group
  let f = await focused(page);
  assert.ok(f.label.includes('VIP') && f.checked, JSON.stringify(f));
  assert.ok(await widget.getByRole('radio', { name: /VIP/ }).isChecked());

  await tabTo(page, 'More tickets', (f) => f.tag === 'button' && f.text === '+');
  await page.keyboard.press('Enter');
  assert.equal(await widget.getByLabel('Quantity').inputValue(), '2');

  await tabTo(page, 'Full name', (f) => f.label.startsWith('Full name'));
  await page.keyboard.type('Kai Navarro');
  await tabTo(page, 'Email', (f) => f.label.startsWith('Email'));
  await page.keyboard.type('kai@example.com');
  await tabTo(page, 'Continue to payment', (f) => f.tag === 'button' && f.text === 'Continue to payment');
  await page.keyboard.press('Enter');

  await page.waitForURL(/\/checkout\/pi_/);
  await tabTo(page, 'Pay', (f) => f.tag === 'button' && f.text.startsWith('Pay'));
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.toString().startsWith(proxy.url + '/'));
  const notice = widget.getByRole('status').filter({ hasText: 'Payment complete' });
  await notice.waitFor();
  assert.match(await notice.innerText(), /2 × VIP/);
});
