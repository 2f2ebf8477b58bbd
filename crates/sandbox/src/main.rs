//! Runs the sandbox on its own: `SANDBOX_API_KEY=hh_live_... tessera-sandbox`.

use std::process::ExitCode;
use tessera_sandbox::{RunningSandbox, SandboxConfig, API_KEY_PREFIX};

const DEFAULT_LISTEN: &str = "127.0.0.1:4010";
const DEFAULT_DB: &str = "./data/sandbox.sqlite";

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "tessera_sandbox=info,tower_http=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("tessera-sandbox: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let api_key = std::env::var("SANDBOX_API_KEY").map_err(|_| {
        format!("set SANDBOX_API_KEY to the key clients will send (it must start with {API_KEY_PREFIX})")
    })?;
    let listen = std::env::var("SANDBOX_LISTEN").unwrap_or_else(|_| DEFAULT_LISTEN.into());
    let db_path = std::env::var("SANDBOX_DB").unwrap_or_else(|_| DEFAULT_DB.into());

    let config = SandboxConfig::new(db_path, api_key);
    config.validate().map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .map_err(|e| format!("cannot listen on {listen} (SANDBOX_LISTEN): {e}"))?;
    let sandbox = RunningSandbox::start(config, listener).await.map_err(|e| e.to_string())?;
    println!("{}", sandbox.base_url());

    tokio::signal::ctrl_c().await.map_err(|e| format!("cannot wait for Ctrl-C: {e}"))?;
    sandbox.shutdown().await;
    Ok(())
}
