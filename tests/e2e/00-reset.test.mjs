// Runs first (node --test runs the files of tests/e2e/ one at a time, in name order, with
// --test-concurrency=1 as scripts/test.sh passes it): the secret scan of zz-secrets.test.mjs
// then reads only what this run's proxies said and answered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, TRANSCRIPT, TRANSCRIPT_PREFIX } from './harness.mjs';

function running(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

test('a run starts with an empty secret-scan transcript, and finished runs leave none behind', () => {
  rmSync(TRANSCRIPT, { force: true });
  for (const name of existsSync(ARTIFACTS) ? readdirSync(ARTIFACTS) : []) {
    const pid = Number(name.match(new RegExp(`^${TRANSCRIPT_PREFIX}(\\d+)\\.jsonl$`))?.[1]);
    // Another run going on right now keeps its own.
    if (pid && !running(pid)) rmSync(join(ARTIFACTS, name), { force: true });
  }
  assert.equal(existsSync(TRANSCRIPT), false);
});
