// Runs last (files run in name order, one at a time): no secret a proxy was given appears in
// anything any proxy of this run said or answered. The harness wrote it all to the transcript:
// every stdout and stderr line of every proxy (and its admin commands), and every response a
// browser page or a test's own fetch got from a proxy or its embedded platform, headers and
// body. The cargo suite scans its own proxies the same way (crates/proxy/tests/api/leaks.rs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { TRANSCRIPT, E2E_SECRETS } from './harness.mjs';

// Well under what a whole run produces (12 proxies, about 1,000 log lines at the harness's
// debug level, about 130 distinct bodies), so a harness that stopped recording, or a run of a
// few files only, cannot pass unnoticed.
const AT_LEAST = { proxies: 8, logLines: 300, responses: 60 };

/** The secrets the transcript's proxies were given, and where any of them shows up. */
export function scan(entries) {
  const secrets = new Set(Object.values(E2E_SECRETS));
  for (const e of entries) if (e.kind === 'proxy') for (const s of e.secrets) secrets.add(s);
  const counts = { proxies: 0, logLines: 0, responses: 0, repeats: 0, unreadable: 0 };
  const leaks = [];
  for (const e of entries) {
    let text;
    if (e.kind === 'proxy') { counts.proxies++; continue; }
    if (e.kind === 'log') { counts.logLines++; text = e.line; }
    else if (e.kind === 'response') {
      // A repeated body was scanned where it first appeared; its headers are scanned here.
      if (e.repeat) counts.repeats++;
      else if (e.unreadable) counts.unreadable++;
      else counts.responses++;
      // latin1 keeps every byte of a binary body as one character: a secret in it reads as itself.
      const body = e.body_base64 === undefined ? e.body ?? '' : Buffer.from(e.body_base64, 'base64').toString('latin1');
      text = `${e.url}\n${JSON.stringify(e.headers)}\n${body}`;
    } else {
      leaks.push(`an entry of unknown kind in ${e.file}: ${JSON.stringify(e).slice(0, 200)}`);
      continue;
    }
    for (const secret of secrets) {
      if (text.includes(secret)) {
        const where = e.kind === 'log' ? `a ${e.stream} line` : `the ${e.status} answer to ${e.url} (${e.via})`;
        leaks.push(`${secret.slice(0, 10)}… in ${where}, during ${e.file}`);
      }
    }
  }
  return { secrets, counts, leaks };
}

test('the scan finds a secret in a log line, a header or a body', () => {
  const proxy = { kind: 'proxy', file: 'x', secrets: ['hh_live_planted_for_the_check'] };
  const clean = { kind: 'log', file: 'x', stream: 'stderr', line: 'INFO request finished' };
  assert.deepEqual(scan([proxy, clean]).leaks, []);
  for (const leaky of [
    { kind: 'log', file: 'x', stream: 'stderr', line: 'key=hh_live_planted_for_the_check' },
    { kind: 'response', file: 'x', url: 'u', status: 200, headers: { 'x-debug': 'hh_live_planted_for_the_check' }, body: '' },
    { kind: 'response', file: 'x', url: 'u', status: 200, headers: {}, body: `{"k":"${E2E_SECRETS.TESSERA_HANGHUT_WEBHOOK_SECRET}"}` },
    { kind: 'response', file: 'x', url: 'u', status: 200, headers: {},
      body_base64: Buffer.concat([Buffer.from([0, 0xff]), Buffer.from('hh_live_planted_for_the_check')]).toString('base64') },
  ]) {
    assert.equal(scan([proxy, clean, leaky]).leaks.length, 1, JSON.stringify(leaky));
  }
});

test('no proxy of this run said or answered any secret it was given', (t) => {
  assert.ok(existsSync(TRANSCRIPT), `${TRANSCRIPT} is missing: run the whole directory (node --test --test-concurrency=1 tests/e2e/)`);
  const lines = readFileSync(TRANSCRIPT, 'utf8').split('\n').filter(Boolean);
  const { secrets, counts, leaks } = scan(lines.map((line) => JSON.parse(line)));
  const summary = `scanned ${counts.logLines} log lines and ${counts.responses} response bodies ` +
    `(plus ${counts.repeats} repeated bodies and ${counts.unreadable} unreadable ones, headers only) ` +
    `from ${counts.proxies} proxies for ${secrets.size} secrets`;
  t.diagnostic(summary);
  assert.deepEqual(leaks, [], 'secrets leaked');
  for (const [what, least] of Object.entries(AT_LEAST)) {
    assert.ok(counts[what] >= least, `only ${counts[what]} ${what} in the transcript (at least ${least} expected): ${summary}`);
  }
});
