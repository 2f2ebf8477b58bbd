// The waiting list of a sold-out tier in Chromium, against real parts: a buyer signs up in the
// widget (by labels and roles), a ticket of that tier is refunded on the sandbox platform (its
// signed ticket.refunded webhook reaches the proxy), the email is read from a real SMTP server
// on loopback (aiosmtpd, tests/smtp/mailbox.py), its links are followed, and the unsubscribe
// page removes the entry. The site owner's signed webhook is verified as the README shows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { startProxy, launchBrowser, until, screenshot, axeViolations, watchPage, ROOT, E2E_SECRETS } from './harness.mjs';

const JAZZ = '344c5b2c-7de4-4174-863f-682207408add';
const VIP = '445f60a4-c8f6-495d-8885-c4cd58f4a79e';
const OWNER_SECRET = 'whsec_e2e_waitlist_owner_secret_7c1d';
const SANDBOX_KEY = E2E_SECRETS.TESSERA_SANDBOX_API_KEY;

let proxy, browser, mailbox, owner;

/** aiosmtpd on a free loopback port; `messages` fills as mail arrives. */
async function startMailbox() {
  const child = spawn(join(ROOT, '.venv-tools', 'bin', 'python'), [join(ROOT, 'tests', 'smtp', 'mailbox.py')], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const messages = [];
  const lines = createInterface({ input: child.stdout });
  const port = await new Promise((resolve, reject) => {
    child.once('error', reject);
    lines.once('line', (line) => resolve(JSON.parse(line).port));
  });
  lines.on('line', (line) => messages.push(JSON.parse(line)));
  return { port, messages, stop: () => { child.stdin.end(); child.kill(); } };
}

/**
 * The README's verification of `X-Tessera-Signature: t=<unix>,v1=<hex>`: HMAC-SHA256 of
 * `${t}.${rawBody}` with the secret, compared in constant time, `t` within five minutes.
 */
function verifyTesseraSignature(header, rawBody, secret, toleranceSeconds = 300) {
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=')));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The site owner's endpoint: every delivery's signature header and raw body. */
async function startOwner() {
  const deliveries = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      deliveries.push({ signature: req.headers['x-tessera-signature'], body });
      res.end('ok');
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${server.address().port}/hooks/waitlist`, deliveries, stop: () => server.close() };
}

before(async () => {
  mailbox = await startMailbox();
  owner = await startOwner();
  proxy = await startProxy({
    TESSERA_SMTP_URL: `smtp://127.0.0.1:${mailbox.port}`,
    TESSERA_MAIL_FROM: 'Manila Jazz Tickets <tickets@shop.example>',
    TESSERA_WAITLIST_WEBHOOK_URL: owner.url,
    TESSERA_WAITLIST_WEBHOOK_SECRET: OWNER_SECRET,
  });
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await proxy?.stop(); mailbox?.stop(); owner?.stop(); });

/** A call to the sandbox platform's own API, as the site owner's back office would make it. */
async function platform(path, init = {}) {
  const r = await fetch(`${proxy.sandboxUrl}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${SANDBOX_KEY}`, 'content-type': 'application/json', ...init.headers },
  });
  const body = await r.json();
  assert.ok(r.ok, `${path}: ${r.status} ${JSON.stringify(body)}`);
  return body.data;
}

/** Buys `quantity` tickets of a tier on the platform and pays on its hosted page. */
async function buyOnPlatform(tier, quantity) {
  const session = await platform('/checkouts', {
    method: 'POST',
    body: JSON.stringify({
      event_id: JAZZ, tier_id: tier, quantity,
      customer: { name: 'Other Buyer', email: 'other@example.com' }, success_url: 'https://elsewhere.example/ok',
    }),
  });
  const paid = await fetch(`${session.checkout_url}/pay`, { method: 'POST', redirect: 'manual' });
  assert.equal(paid.status, 303);
}

/** A page of the proxy's origin holding only the widget (the demo page has others). */
async function hostPage(body) {
  const page = await browser.newPage();
  const problems = watchPage(page);
  const url = `${proxy.url}/waitlist-host-${Math.random().toString(36).slice(2)}`;
  await page.route(url, (route) => route.fulfill({
    contentType: 'text/html; charset=utf-8',
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Jazz night tickets</title>
      <style>body { margin: 0; font: 16px/1.5 sans-serif } main { max-width: 40rem; margin: 0 auto }</style></head>
      <body><main><h1>Manila Jazz Night</h1>${body}</main><script async src="/widget/tessera.js"></script></body></html>`,
  }));
  await page.goto(url);
  return { page, url, problems };
}

test('a buyer joins the waiting list of a sold-out tier, is emailed after a refund, and unsubscribes', async () => {
  // VIP has 3 seats left in the seed; another buyer takes them.
  await buyOnPlatform(VIP, 3);
  const { page, url, problems } = await hostPage(`<tessera-tickets id="w" event="${JAZZ}"></tessera-tickets>`);
  const widget = page.locator('#w');
  await widget.getByRole('radio', { name: /VIP.*Sold out/ }).waitFor();

  // Early Bird is sold out too (the seed's), so the buyer says which tier.
  const region = widget.getByRole('region', { name: /is sold out: get an email/ });
  await region.waitFor();
  await region.getByLabel('Ticket type').selectOption({ label: 'VIP' });
  await region.getByRole('heading', { name: 'VIP is sold out: get an email if tickets come back' }).waitFor();
  assert.deepEqual(await axeViolations(page, 'waitlist-form'), [], 'the form passes axe');

  // Nothing filled in: each problem beside its field, focus on the first.
  await region.getByRole('button', { name: 'Join the waiting list' }).click();
  await region.getByText('Enter an email address like name@example.com.').or(region.getByText(/Please enter your/)).waitFor();
  await region.getByText('Tick the box so we may email you.').waitFor();
  const email = region.getByLabel('Your email');
  assert.equal(await email.getAttribute('aria-invalid'), 'true');
  assert.equal(await email.evaluate((el) => el.getRootNode().activeElement === el), true, 'focus is on the email');
  assert.deepEqual(await axeViolations(page, 'waitlist-form-errors'), [], 'the form with its errors passes axe');

  await email.fill('ana.reyes@example.com');
  await region.getByRole('checkbox', { name: /Email me about tickets of this type/ }).check();
  await screenshot(widget, 'waitlist-form');
  await region.getByRole('button', { name: 'Join the waiting list' }).click();
  const status = region.getByRole('status');
  await until(async () => /You're on the waiting list for VIP/.test(await status.textContent()), 10_000, 'the sign-up');
  assert.match(await status.textContent(), /ana\.reyes@example\.com/);
  assert.equal(mailbox.messages.length, 0, 'no email while the tier is sold out');

  // A refund on the platform: one VIP seat comes back.
  const attendees = await platform(`/events/${JAZZ}/attendees?status=sold&per_page=100`);
  const ticket = attendees.attendees.find((a) => a.tier.name === 'VIP');
  assert.ok(ticket, JSON.stringify(attendees));
  await platform(`/tickets/${ticket.ticket_id}/refund`, { method: 'POST' });

  const mail = await until(() => mailbox.messages[0], 15_000, 'the waiting-list email');
  assert.deepEqual(mail.rcpt_tos, ['ana.reyes@example.com']);
  assert.equal(mail.subject, 'Tickets are back: VIP at Manila Jazz Night');
  assert.ok(mail.text.includes(url), `the email links to the page the buyer signed up on:\n${mail.text}`);
  assert.equal(mail.headers['List-Unsubscribe-Post'], 'List-Unsubscribe=One-Click');
  const unsubscribe = mail.headers['List-Unsubscribe'].replace(/^<|>$/g, '');
  assert.ok(unsubscribe.startsWith(`${proxy.url}/waitlist/unsubscribe/`), unsubscribe);
  assert.ok(mail.text.includes(unsubscribe), 'the unsubscribe link is in the text too');
  // The widget hears the seat is back: VIP can be chosen again, and the form asks about Early Bird only.
  await widget.getByRole('radio', { name: /VIP/ }).and(page.locator(':enabled')).waitFor();
  await region.getByRole('heading', { name: 'Early Bird is sold out: get an email if tickets come back' }).waitFor();

  // The owner's webhook, verified the README's way.
  const delivery = await until(() => owner.deliveries[0], 10_000, "the owner's webhook");
  assert.ok(verifyTesseraSignature(delivery.signature, delivery.body, OWNER_SECRET), delivery.signature);
  assert.ok(!verifyTesseraSignature(delivery.signature, delivery.body, 'another secret'));
  assert.ok(!verifyTesseraSignature(delivery.signature, delivery.body.replace('"notified":1', '"notified":9'), OWNER_SECRET));
  const event = JSON.parse(delivery.body);
  assert.equal(event.type, 'waitlist.notified');
  assert.deepEqual(event.data, { event_id: JAZZ, tier_id: VIP, available: 1, notified: 1, failed: 0, waiting: 0 });

  // The event link opens the shop's page with the widget.
  const shop = await browser.newPage();
  await shop.route(url, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>shop</title><h1>back at the shop</h1>' }));
  const opened = await shop.goto(mail.text.match(/https?:\/\/\S*waitlist-host-\S*/)[0]);
  assert.equal(opened.status(), 200);
  await shop.close();

  // The unsubscribe link: a page that asks first, then removes on the button.
  const leave = await browser.newPage();
  await leave.goto(unsubscribe);
  await leave.getByRole('heading', { name: 'Leave the waiting list?' }).waitFor();
  assert.match(await leave.locator('main').textContent(), /VIP at Manila Jazz Night/);
  await leave.getByRole('button', { name: 'Leave the waiting list' }).click();
  await leave.getByRole('heading', { name: 'You have left the waiting list' }).waitFor();
  assert.equal((await fetch(unsubscribe)).status, 404, 'the link finds no entry any more');
  // Gone from every list and the sent log: a purge finds nothing left.
  assert.match(await proxy.command('waitlist', 'purge', 'ana.reyes@example.com'), /removed 0 rows/);
  assert.equal(mailbox.messages.length, 1, 'one email for one return of seats');
  await leave.close();
  assert.deepEqual(problems, []);
  await page.close();
});
