// Real servers the scale-out tests and benches start on loopback beside the proxies: a
// redis-server, the sandbox platform on its own (tessera-sandbox), and nginx in front with
// deploy/nginx/tessera-proxy.conf, the file docs/deploy.md shows.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { ROOT } from './harness.mjs';

/** A port free on loopback now. */
export async function freePort() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

async function listening(port, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    const up = await new Promise((r) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); r(true); });
      s.on('error', () => r(false));
    });
    if (up) return;
    if (Date.now() > end) throw new Error(`${what} did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function exited(child) {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => child.once('exit', r));
}

/** Debian's redis-server on its own port, nothing written to disk. `stop` and `start` again keep the port. */
export async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tessera-redis-'));
  let child;
  const redis = {
    port,
    url: `redis://127.0.0.1:${port}/`,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
        { stdio: 'ignore' });
      await listening(port, 10_000, 'redis-server');
    },
    async stop() {
      if (!child) return;
      const done = exited(child);
      child.kill('SIGKILL');
      await done;
      child = null;
    },
    async close() { await redis.stop(); rmSync(dir, { recursive: true, force: true }); },
  };
  await redis.start();
  return redis;
}

/** The sandbox platform alone (the proxies reach it as they would HangHut). */
export async function startSandbox(apiKey, env = {}) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'tessera-sandbox-'));
  const bin = process.env.TESSERA_SANDBOX_BIN || join(ROOT, 'target', 'debug', 'tessera-sandbox');
  const child = spawn(bin, [], {
    env: { ...process.env, SANDBOX_API_KEY: apiKey, SANDBOX_LISTEN: `127.0.0.1:${port}`, SANDBOX_DB: join(dir, 'sandbox.sqlite'),
      RUST_LOG: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`sandbox did not start: ${err}`)), 20_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^(http:\/\/\S+)/m);
      if (m) { clearTimeout(timer); resolve(m[1].replace(/\/$/, '')); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`sandbox exited (${code}): ${err}`)); });
  });
  return {
    url,
    dir,
    async close() {
      const done = exited(child);
      child.kill('SIGTERM');
      await done;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function nginxBin() {
  for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx']) {
    if (existsSync(candidate)) return candidate;
  }
  return 'nginx';
}

/**
 * nginx on `port` in front of the proxies at `proxyPorts`: the upstream block of
 * deploy/nginx/tessera-site.conf with these ports, and deploy/nginx/tessera-proxy.conf included as is.
 */
export async function startNginx(port, proxyPorts) {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-nginx-'));
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub));
  const servers = proxyPorts.map((p) => `        server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`).join('\n');
  const conf = `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 16384; }
http {
    access_log off;
    client_body_temp_path ${dir}/body;
    proxy_temp_path ${dir}/proxy;
    fastcgi_temp_path ${dir}/fastcgi;
    uwsgi_temp_path ${dir}/uwsgi;
    scgi_temp_path ${dir}/scgi;
    upstream tessera_proxies {
${servers}
        keepalive 32;
    }
    server {
        listen 127.0.0.1:${port};
        include ${join(ROOT, 'deploy', 'nginx', 'tessera-proxy.conf')};
    }
}
`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child = spawn(nginxBin(), ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const failed = new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`nginx exited (${code}): ${err}`))));
  await Promise.race([listening(port, 10_000, 'nginx'), failed]);
  failed.catch(() => {});
  return {
    url: `http://127.0.0.1:${port}`,
    errors: () => (existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : ''),
    async close() {
      const done = exited(child);
      child.kill('SIGQUIT');
      await done;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
