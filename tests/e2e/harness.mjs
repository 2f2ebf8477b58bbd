// Shared by the end-to-end tests: starts the real proxy binary (with its embedded sandbox
// platform, real SQLite, real signed webhooks) on a free port, and a real headless Chromium.
import { spawn, execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ARTIFACTS = join(ROOT, 'tests', 'e2e', 'artifacts');

/** Starts `target/debug/tessera-proxy`; resolves once it prints its URL. */
export async function startProxy(env = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-e2e-'));
  const bin = process.env.TESSERA_PROXY_BIN || join(ROOT, 'target', 'debug', 'tessera-proxy');
  const child = spawn(bin, [], {
    cwd: ROOT,
    env: {
      ...process.env,
      TESSERA_LISTEN: '127.0.0.1:0',
      TESSERA_DATA_DIR: dataDir,
      TESSERA_WIDGET_DIR: join(ROOT, 'dist'),
      TESSERA_LOG: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs = [];
  child.stderr.on('data', (d) => logs.push(d.toString()));
  let out = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`proxy did not start:\n${out}\n${logs.join('')}`)), 30_000);
    child.stdout.on('data', (d) => {
      out += d.toString();
      const m = out.match(/listening on (http:\/\/\S+)/);
      // The sandbox line follows the URL line; wait for it when the sandbox is the upstream.
      const upstreamKnown = /upstream: /.test(out) || env.TESSERA_UPSTREAM;
      if (m && upstreamKnown) { clearTimeout(timer); resolve(m[1].replace(/\/$/, '')); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`proxy exited (${code}):\n${logs.join('')}`)); });
  });
  const sandbox = out.match(/embedded sandbox at (http:\/\/\S+)/)?.[1];
  return {
    url,
    logs,
    dataDir,
    /** The embedded platform's own API base (`…/v1`), when the sandbox is the upstream. */
    sandboxUrl: sandbox,
    /** Runs an admin command of the same binary over the same data, e.g. `promo create …`. */
    async command(...args) {
      const { stdout } = await promisify(execFile)(bin, args, {
        cwd: ROOT, env: { ...process.env, TESSERA_DATA_DIR: dataDir, ...env },
      });
      return stdout.trim();
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(extraArgs = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', ...extraArgs],
  });
}

/** Saves a screenshot of the page (or one widget) under tests/e2e/artifacts/. */
export async function screenshot(target, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await target.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

/** Fails the test on any console error or uncaught exception in the page. */
export function watchPage(page) {
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  return problems;
}

export function writeArtifact(name, text) {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, name), text);
}
