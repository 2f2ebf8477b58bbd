//! What both embedded platforms (HangHut and TicketWave) do to serve: the origin they
//! advertise, the server task that stops on a signal, and the stop with a grace period.

use axum::Router;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// How long open requests and a delivery in flight get to finish at shutdown.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A URL a client on this machine can open: a wildcard bind address means "this host".
pub(crate) fn origin_of(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

/// Serves `app` on `listener` until `stopped` turns true, then lets open requests finish.
/// Handlers may read the client's address (`ConnectInfo<SocketAddr>`). `what` names the server
/// in the error logged if serving fails.
pub(crate) fn serve_until_stopped(
    listener: tokio::net::TcpListener,
    app: Router,
    mut stopped: watch::Receiver<bool>,
    what: &'static str,
) -> JoinHandle<()> {
    let app = app.into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move {
        let shutdown = async move {
            let _ = stopped.wait_for(|s| *s).await;
        };
        if let Err(e) = axum::serve(listener, app).with_graceful_shutdown(shutdown).await {
            tracing::error!(error = %e, server = what, "sandbox server stopped with an error");
        }
    })
}

/// Signals `stop` and waits up to the grace period for each task, aborting what is left.
pub(crate) async fn stop_tasks(stop: &watch::Sender<bool>, tasks: [JoinHandle<()>; 2]) {
    let _ = stop.send(true);
    for mut task in tasks {
        if tokio::time::timeout(SHUTDOWN_GRACE, &mut task).await.is_err() {
            task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_binds_are_advertised_as_loopback() {
        assert_eq!(origin_of("0.0.0.0:4010".parse().unwrap()), "http://127.0.0.1:4010");
        assert_eq!(origin_of("[::]:4010".parse().unwrap()), "http://[::1]:4010");
        assert_eq!(origin_of("192.168.1.5:80".parse().unwrap()), "http://192.168.1.5:80");
    }
}
