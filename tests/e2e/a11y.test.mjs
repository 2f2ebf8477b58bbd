// axe-core over each main state of the widget: no serious or critical violation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProxy, launchBrowser, ROOT, writeArtifact } from './harness.mjs';

const AXE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
let proxy, browser;
before(async () => { proxy = await startProxy(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await proxy?.stop(); });

/** Serious and critical violations inside the widgets (axe reaches into open shadow roots). */
async function audit(page, state) {
  await page.addScriptTag({ content: AXE });
  const { violations, labelled } = await page.evaluate(async () => {
    const r = await window.axe.run({ include: [['tessera-tickets']] });
    return {
      violations: r.violations.filter((v) => ['serious', 'critical'].includes(v.impact))
        .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => JSON.stringify(n.target)) })),
      // Inputs axe found labelled: proof that it looked inside the shadow roots.
      labelled: (r.passes.find((p) => p.id === 'label')?.nodes.length) ?? 0,
    };
  });
  assert.ok(labelled > 0, `${state}: axe checked no form control inside the widgets`);
  writeArtifact(`axe-${state}.json`, JSON.stringify(violations, null, 2));
  assert.deepEqual(violations, [], `${state}: ${JSON.stringify(violations, null, 2)}`);
}

test('the event view, its errors and a promo code pass axe', async () => {
  const page = await browser.newPage();
  await page.goto(proxy.url + '/');
  const widget = page.locator('tessera-tickets').first();
  await widget.getByRole('radio', { name: /General Admission/ }).waitFor();
  await page.locator('tessera-tickets').nth(1).getByRole('heading', { name: 'Upcoming events' }).waitFor();
  await audit(page, 'event-and-list');

  await widget.getByRole('button', { name: 'Continue to payment' }).click();
  await widget.getByText('Please enter your full name.').waitFor();
  await audit(page, 'validation-errors');

  await widget.getByRole('button', { name: 'Have a promo code?' }).click();
  await widget.getByLabel('Promo code').fill('NOPE123');
  await widget.getByRole('button', { name: 'Apply' }).click();
  await widget.getByRole('alert').filter({ hasText: "isn't valid" }).waitFor();
  await audit(page, 'promo-refused');
});

test('the returning-buyer notices pass axe', async () => {
  const page = await browser.newPage();
  await page.goto(proxy.url + '/');
  const widget = page.locator('tessera-tickets').first();
  await widget.getByRole('radio', { name: /VIP/ }).check();
  await widget.getByLabel('Full name').fill('Maria Santos');
  await widget.getByLabel('Email').fill('maria@example.com');
  await widget.getByRole('button', { name: 'Continue to payment' }).click();
  await page.waitForURL(/\/checkout\/pi_/);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await page.waitForURL((u) => u.toString().startsWith(proxy.url + '/'));
  await widget.getByRole('status').filter({ hasText: 'Payment cancelled' }).waitFor();
  await audit(page, 'payment-cancelled');
});
