//! `tessera-proxy`: reads `TESSERA_*` configuration and serves until Ctrl-C or SIGTERM.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use tessera_proxy::{Application, Config};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = <tessera_proxy::cli::Cli as clap::Parser>::parse();
    let settings = &cli.settings;
    let json_logs = match settings.get("TESSERA_LOG_FORMAT").as_deref().map(str::trim) {
        None | Some("" | "text") => false,
        Some("json") => true,
        Some(other) => {
            eprintln!("tessera-proxy: configuration error: TESSERA_LOG_FORMAT is not valid: {other:?} (text or json)");
            return ExitCode::from(2);
        }
    };
    let filter = settings.get("TESSERA_LOG").unwrap_or_else(|| "info".into());
    let filter = match EnvFilter::try_new(&filter) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("tessera-proxy: configuration error: TESSERA_LOG is not valid: {e}");
            return ExitCode::from(2);
        }
    };
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json_logs {
        // One JSON object a line, the event's fields at the top level, for a log collector.
        logs.json().flatten_event(true).init();
    } else {
        // Colours only for a person at a terminal, not in a log file or a journal.
        logs.with_ansi(std::io::stderr().is_terminal()).init();
    }

    let config = match Config::from_settings(settings) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("tessera-proxy: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(command) = cli.command {
        return match tessera_proxy::cli::run(command, config, settings).await {
            Ok(done) => {
                println!("{done}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("tessera-proxy: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let app = match Application::build(config).await {
        Ok(app) => app,
        Err(e) => {
            eprintln!("tessera-proxy: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    // Scripts and tests read this line to find the port.
    println!("tessera proxy listening on {}", app.public_url());
    // Before the upstream line, which tools wait for as the last one.
    if let Some(ticketwave) = app.ticketwave_sandbox_url() {
        println!("ticketwave: embedded sandbox at {ticketwave}");
    }
    match app.sandbox_base_url() {
        Some(sandbox) => println!("upstream: embedded sandbox at {sandbox}"),
        None => println!("upstream: the HangHut API at TESSERA_UPSTREAM"),
    }
    let _ = std::io::stdout().flush();

    match app.run_until(shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tessera-proxy: server error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
