//! Several proxies over one real `redis-server` (Debian's, started here on loopback): the
//! upstream budget they share, and what each does while Redis is down.

use serde_json::Value;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tessera_proxy::redis_link::RedisLink;
use tessera_proxy::upstream::Budget;

use crate::helpers::*;

/// A `redis-server` of its own on a free loopback port, nothing written to disk.
pub struct RedisServer {
    child: Option<Child>,
    pub port: u16,
    dir: tempfile::TempDir,
}

impl RedisServer {
    pub async fn start() -> RedisServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let mut server = RedisServer { child: None, port, dir: tempfile::tempdir().unwrap() };
        server.resume().await;
        server
    }

    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Starts it again on the same port (after `stop`).
    pub async fn resume(&mut self) {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            .arg("--dir")
            .arg(self.dir.path())
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server (Debian's redis-server package; scripts/setup.sh installs it)");
        self.child = Some(child);
        let port = self.port;
        let up = eventually(Duration::from_secs(10), async || {
            tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok()
        })
        .await;
        assert!(up, "redis-server did not start on port {port}");
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Three proxies' links to `redis`, each beating, once all three count one another.
async fn three_links(redis: &RedisServer) -> Vec<(RedisLink, tokio::task::JoinHandle<()>)> {
    let links: Vec<_> = (0..3)
        .map(|_| {
            let link = RedisLink::new(&redis.url()).unwrap();
            let beat = link.heartbeat();
            (link, beat)
        })
        .collect();
    let counted = eventually(Duration::from_secs(10), async || links.iter().all(|(l, _)| l.proxies() == 3)).await;
    assert!(counted, "the proxies did not count one another");
    links
}

/// Calls every `budget` lets out while each is asked as fast as it answers, for `period`.
async fn admitted(budgets: &[Budget], period: Duration) -> usize {
    let count = Arc::new(AtomicUsize::new(0));
    let end = Instant::now() + period;
    let tasks: Vec<_> = budgets
        .iter()
        .cloned()
        .map(|budget| {
            let count = count.clone();
            tokio::spawn(async move {
                while Instant::now() < end {
                    match budget.acquire().await {
                        Ok(()) => {
                            count.fetch_add(1, Ordering::SeqCst);
                        }
                        Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                    }
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    count.load(Ordering::SeqCst)
}

#[tokio::test]
async fn three_proxies_share_one_budget_and_one_block_after_a_429() {
    let redis = RedisServer::start().await;
    let links = three_links(&redis).await;
    let name = format!("test:{}", uuid::Uuid::new_v4());
    // 12 a minute for all three: a burst of 2, then one every 6 s.
    let budgets: Vec<Budget> = links.iter().map(|(l, _)| Budget::shared(12, &name, l.clone())).collect();
    let total = admitted(&budgets, Duration::from_secs(8)).await;
    // In 8 s: the burst, the turns at 6 s and (reserved within 1.5 s) at 12 s at most. Each
    // proxy on its own budget of 12 would have let out as many again, three times over.
    assert!((3..=4).contains(&total), "{total} calls let out by three proxies on one budget of 12 a minute");

    // A 429 seen by one proxy holds all of them.
    let fresh = format!("test:{}", uuid::Uuid::new_v4());
    let budgets: Vec<Budget> = links.iter().map(|(l, _)| Budget::shared(600, &fresh, l.clone())).collect();
    budgets[0].back_off(Duration::from_secs(5));
    let held = eventually(Duration::from_secs(3), async || budgets[2].acquire().await.is_err()).await;
    assert!(held, "another proxy went on calling after the platform's 429");
    let wait = budgets[1].acquire().await.unwrap_err();
    assert!(wait > Duration::from_secs(2) && wait <= Duration::from_secs(6), "{wait:?}");
}

#[tokio::test]
async fn while_redis_is_down_each_proxy_keeps_to_its_share_and_says_so() {
    let mut redis = RedisServer::start().await;
    let links = three_links(&redis).await;
    let name = format!("test:{}", uuid::Uuid::new_v4());
    let budgets: Vec<Budget> = links.iter().map(|(l, _)| Budget::shared(60, &name, l.clone())).collect();
    let app = spawn_app_with(|c| c.redis_url = Some(redis.url().into())).await;
    let ready = |app: &TestApp| {
        let url = format!("{}/readyz", app.url);
        let http = app.http.clone();
        async move {
            let r = http.get(url).send().await.unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let up = eventually(Duration::from_secs(5), async || ready(&app).await.1["redis"] == "ok").await;
    assert!(up, "{:?}", ready(&app).await);
    assert_eq!(ready(&app).await.0, 200);

    redis.stop();
    // Each of three proxies keeps to 60 / 3 = 20 a minute: a burst of 3, then one every 3.5 s.
    let alone = admitted(&budgets, Duration::from_secs(3)).await;
    assert!(alone <= 3 * 4, "{alone} calls by three proxies without Redis, each on a share of 20 a minute");
    assert!(alone >= 3, "each proxy still calls on its own share: {alone}");
    let (status, body) = ready(&app).await;
    let unready = eventually(Duration::from_secs(5), async || ready(&app).await.0 == 503).await;
    assert!(unready, "readyz with Redis down: {status} {body}");
    assert_eq!(ready(&app).await.1["redis"], "down");
    let metrics = app.http.get(format!("{}/metrics", app.url)).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("tessera_redis_up 0"), "{metrics}");
    // Buyers are still served meanwhile.
    assert_eq!(app.get(&format!("/api/v1/events/{}", tessera_sandbox::seed::JAZZ_NIGHT)).await.0, 200);

    redis.resume().await;
    let back = eventually(Duration::from_secs(10), async || ready(&app).await.0 == 200).await;
    assert!(back, "readyz after Redis came back: {:?}", ready(&app).await);
    let metrics = app.http.get(format!("{}/metrics", app.url)).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("tessera_redis_up 1"), "{metrics}");
}
