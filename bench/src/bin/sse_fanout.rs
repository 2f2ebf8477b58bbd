//! (a) Many SSE viewers on one proxy: memory per viewer, and the time from one webhook to
//! each viewer receiving the update (p50, p99, max). `sse_fanout [viewers] [rounds]`.

use std::time::{Duration, Instant};
use tessera_bench::*;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let viewers: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let rounds: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(5);
    raise_fd_limit(viewers as u64 * 2 + 1024);
    let proxy = start_proxy(&[], &[]).await;
    let http = reqwest::Client::new();

    // A first viewer warms the feed and the catalogue, so the baseline is a running proxy.
    let mut warm = Viewer::connect(&proxy.addr, JAZZ).await.unwrap();
    warm.next_update().await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = proxy.rss();

    let connect_started = Instant::now();
    let mut open = Vec::with_capacity(viewers);
    for batch in (0..viewers).collect::<Vec<_>>().chunks(500) {
        let handles: Vec<_> = batch
            .iter()
            .map(|_| {
                let addr = proxy.addr.clone();
                tokio::spawn(async move {
                    let mut v = Viewer::connect(&addr, JAZZ).await?;
                    v.next_update().await?;
                    Ok::<_, std::io::Error>(v)
                })
            })
            .collect();
        for h in handles {
            open.push(h.await.unwrap().expect("viewer connected"));
        }
    }
    let connected_in = connect_started.elapsed();
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = proxy.rss();
    let per_viewer = (after.saturating_sub(before)) as f64 / viewers as f64;

    println!("viewers: {viewers} (connected and served their first snapshot in {})", ms(connected_in));
    println!(
        "proxy RSS: {:.1} MiB before, {:.1} MiB with all viewers: {:.1} KiB per viewer",
        before as f64 / 1048576.0,
        after as f64 / 1048576.0,
        per_viewer / 1024.0
    );

    let mut all = Vec::new();
    for round in 0..rounds {
        let waiting: Vec<_> = open
            .drain(..)
            .map(|mut v| {
                tokio::spawn(async move {
                    let at = v.next_update().await;
                    (v, at)
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(200)).await;
        let sent = change_and_notify(&http, &proxy, round as u32).await;
        let mut lat = Vec::with_capacity(viewers);
        for w in waiting {
            let (v, at) = tokio::time::timeout(Duration::from_secs(30), w).await.expect("update within 30 s").unwrap();
            lat.push(at.expect("stream stayed open").saturating_duration_since(sent));
            open.push(v);
        }
        lat.sort();
        println!(
            "round {}: webhook → viewer p50 {}, p99 {}, last {}",
            round + 1,
            ms(percentile(&lat, 0.5)),
            ms(percentile(&lat, 0.99)),
            ms(*lat.last().unwrap())
        );
        all.extend(lat);
    }
    all.sort();
    println!(
        "all rounds: p50 {}, p99 {}, last {} ({} deliveries)",
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.99)),
        ms(*all.last().unwrap()),
        all.len()
    );
}
