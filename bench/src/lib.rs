//! Shared by the benchmarks: the real proxy binary as a child process on loopback, a raw
//! SSE viewer, the proxy's resident memory, percentiles.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

pub const JAZZ: &str = tessera_sandbox::seed::JAZZ_NIGHT;
pub const WEBHOOK_SECRET: &str = "whsec_bench_secret";
pub const SANDBOX_KEY: &str = "hh_live_bench_inspector_key";

pub struct Proxy {
    pub child: Child,
    pub url: String,
    pub addr: String,
    pub sandbox_url: Option<String>,
    _dir: tempfile::TempDir,
}

/// The release proxy binary (built by bench/run.sh).
pub fn proxy_bin() -> PathBuf {
    std::env::var_os("TESSERA_PROXY_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/release/tessera-proxy"))
}

/// Starts the proxy with `env` (plus a fresh data dir) under `wrapper` (e.g. `taskset -c 0`).
pub async fn start_proxy(env: &[(&str, String)], wrapper: &[&str]) -> Proxy {
    let dir = tempfile::tempdir().unwrap();
    let bin = proxy_bin();
    let mut cmd = match wrapper.split_first() {
        Some((first, rest)) => {
            let mut c = Command::new(first);
            c.args(rest).arg(&bin);
            c
        }
        None => Command::new(&bin),
    };
    cmd.env("TESSERA_LISTEN", "127.0.0.1:0")
        .env("TESSERA_DATA_DIR", dir.path())
        .env("TESSERA_WIDGET_DIR", dir.path())
        .env("TESSERA_LOG", "warn")
        .env("TESSERA_HANGHUT_WEBHOOK_SECRET", WEBHOOK_SECRET)
        .env("TESSERA_SANDBOX_API_KEY", SANDBOX_KEY)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let (mut url, mut sandbox_url) = (None, None);
    while let Some(line) = lines.next_line().await.unwrap() {
        if let Some(u) = line.strip_prefix("tessera proxy listening on ") {
            url = Some(u.trim_end_matches('/').to_owned());
        } else if let Some(rest) = line.strip_prefix("upstream: ") {
            sandbox_url = rest.strip_prefix("embedded sandbox at ").map(str::to_owned);
            break;
        }
    }
    let url = url.expect("the proxy printed its URL");
    let addr = url.trim_start_matches("http://").to_owned();
    Proxy { child, url, addr, sandbox_url, _dir: dir }
}

impl Proxy {
    /// Resident memory of the proxy process, in bytes (from /proc).
    pub fn rss(&self) -> u64 {
        let pid = self.child.id().expect("running");
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
        let kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .unwrap();
        kb * 1024
    }
}

/// One buyer's open stream, read at the byte level (no client library per viewer: 10,000 of
/// them must fit in the load generator too).
pub struct Viewer {
    reader: BufReader<TcpStream>,
}

impl Viewer {
    pub async fn connect(addr: &str, event: &str) -> std::io::Result<Viewer> {
        let mut stream = TcpStream::connect(addr).await?;
        let request =
            format!("GET /api/v1/events/{event}/live HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n");
        stream.write_all(request.as_bytes()).await?;
        Ok(Viewer { reader: BufReader::with_capacity(1024, stream) })
    }

    /// Waits for the next `availability` event; when it arrived.
    pub async fn next_update(&mut self) -> std::io::Result<Instant> {
        let mut line = String::new();
        loop {
            line.clear();
            if self.reader.read_line(&mut line).await? == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            if line.trim_end() == "event: availability" {
                return Ok(Instant::now());
            }
        }
    }
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// Lets this process (and the proxy it starts) hold many sockets.
pub fn raise_fd_limit(n: u64) {
    let (_, hard) = rlimit::Resource::NOFILE.get().unwrap_or((1024, 1024));
    let _ = rlimit::Resource::NOFILE.set(n.min(hard).max(1024), hard.max(n.min(hard)));
}

/// Changes a tier's availability on the platform without telling the proxy (a hold made
/// straight on the sandbox), then tells it with a signed `ticket.purchased` webhook.
pub async fn change_and_notify(http: &reqwest::Client, proxy: &Proxy, n: u32) -> Instant {
    let sandbox = proxy.sandbox_url.as_deref().expect("sandbox upstream");
    let r = http
        .post(format!("{sandbox}/checkouts"))
        .bearer_auth(SANDBOX_KEY)
        .json(&serde_json::json!({
            "event_id": JAZZ, "tier_id": tessera_sandbox::seed::JAZZ_GA, "quantity": 1,
            "customer": {"name": "Bench Buyer", "email": "bench@example.com"},
            "success_url": "https://bench.example/ok"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201, "{}", r.text().await.unwrap_or_default());
    let body = serde_json::json!({
        "id": format!("evt_bench_{n}_{}", fastrand::u64(..)), "type": "ticket.purchased",
        "created_at": "2026-11-23T00:00:00Z", "data": {"ticket_id": "bench", "event_id": JAZZ, "amount": 1000}
    })
    .to_string();
    let signature = tessera_proxy::webhook::sign(WEBHOOK_SECRET.as_bytes(), body.as_bytes());
    let sent = Instant::now();
    let r = http
        .post(format!("{}/webhooks/hanghut", proxy.url))
        .header("X-HangHut-Signature", signature)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    sent
}
