//! The real `tessera-proxy` binary as a child process, for what only a process can show:
//! being killed, being sent SIGTERM, starting again over the same data directory. Everything
//! it prints goes into the leak scan's transcript.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::helpers::eventually;
use crate::leaks::{transcript, LeakCheck};

pub struct ProxyProcess {
    child: Child,
    pub url: String,
    lines: Arc<Mutex<Vec<String>>>,
    _leaks: LeakCheck,
}

impl ProxyProcess {
    /// Starts the binary over `data_dir` with only `env` set (and a free port), and waits
    /// until it says where it listens.
    pub async fn start(data_dir: &Path, env: &[(&str, &str)]) -> ProxyProcess {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tessera-proxy"));
        command
            .env_clear()
            .env("TESSERA_LISTEN", "127.0.0.1:0")
            .env("TESSERA_DATA_DIR", data_dir)
            .env("TESSERA_LOG", "debug")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (name, value) in env {
            if name.contains("KEY") || name.contains("SECRET") {
                transcript().forbid(value);
            }
        }
        let mut child = command.spawn().expect("the proxy binary starts");
        let lines: Arc<Mutex<Vec<String>>> = Arc::default();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        for pipe in [Box::new(stdout) as Box<dyn std::io::Read + Send>, Box::new(stderr)] {
            let lines = lines.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                    transcript().log_line(line.as_bytes());
                    lines.lock().unwrap().push(line);
                }
            });
        }
        let mut proxy = ProxyProcess { child, url: String::new(), lines, _leaks: LeakCheck };
        let prefix = "tessera proxy listening on ";
        let started = eventually(Duration::from_secs(30), async || proxy.line_with(prefix).is_some()).await;
        assert!(started, "the proxy did not start: {:#?}", proxy.lines());
        let line = proxy.line_with(prefix).unwrap();
        proxy.url = line.trim_start_matches(prefix).trim().trim_end_matches('/').to_owned();
        proxy
    }

    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    pub fn line_with(&self, needle: &str) -> Option<String> {
        self.lines().into_iter().find_map(|l| l.find(needle).map(|at| l[at..].to_owned()))
    }

    /// Waits until the process has printed a line containing `needle`.
    pub async fn wait_for_line(&self, needle: &str, within: Duration) -> bool {
        eventually(within, async || self.line_with(needle).is_some()).await
    }

    /// SIGKILL: no clean-up, no last word.
    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// Sends a signal by name (`TERM`, `INT`) with the system's `kill`.
    pub fn signal(&self, name: &str) {
        let sent = Command::new("kill").args(["-s", name, &self.child.id().to_string()]).status().unwrap();
        assert!(sent.success(), "kill -s {name}");
    }

    /// The exit status, if the process exits within `within`.
    pub async fn exit_within(&mut self, within: Duration) -> Option<ExitStatus> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if tokio::time::Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for ProxyProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
