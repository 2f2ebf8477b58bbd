//! (c) Cached `GET /api/v1/events/{id}` per second with the proxy on one core (one tokio
//! worker, pinned with taskset by bench/run.sh). `cached_reads [seconds] [connections]`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tessera_bench::*;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let seconds: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let connections: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(32);
    let cpu = std::env::var("PROXY_CPU").unwrap_or_else(|_| "0".into());
    let proxy = start_proxy(&[("TOKIO_WORKER_THREADS", "1".into())], &["taskset", "-c", &cpu]).await;
    let url = format!("{}/api/v1/events/{JAZZ}", proxy.url);
    let http = reqwest::Client::builder().pool_max_idle_per_host(connections).build().unwrap();
    assert_eq!(http.get(&url).send().await.unwrap().status().as_u16(), 200);

    let done = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let (http, url, done, failed) = (http.clone(), url.clone(), done.clone(), failed.clone());
            tokio::spawn(async move {
                while Instant::now() < until {
                    match http.get(&url).send().await {
                        Ok(r) if r.status().is_success() => {
                            let _ = r.bytes().await;
                            done.fetch_add(1, Ordering::Relaxed);
                        }
                        _ => {
                            failed.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            })
        })
        .collect();
    for w in workers {
        w.await.unwrap();
    }
    let elapsed = started.elapsed().as_secs_f64();
    let n = done.load(Ordering::Relaxed);
    println!(
        "cached event reads: {n} in {elapsed:.1} s with {connections} connections = {:.0} requests/s on one core ({} failed)",
        n as f64 / elapsed,
        failed.load(Ordering::Relaxed)
    );
}
