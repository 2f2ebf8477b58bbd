//! `GET /api/v1/events/{id}/live`: Server-Sent Events, one `availability` event per change
//! with a full snapshot, heartbeats every 15 s. A reconnecting EventSource sends
//! `Last-Event-ID`; it gets the current snapshot only if it has not seen it already.
//!
//! When the proxy shuts down, each stream ends with a `reconnect` event whose `retry` field
//! sets the browser's reconnection delay (1 to 3 s, spread so viewers do not all return in the
//! same instant); the browser's EventSource then reconnects by itself, to this proxy once it is
//! back or to another behind the same address.

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use std::convert::Infallible;
use std::time::Duration;
use tokio_stream::wrappers::BroadcastStream;

use super::AppState;
use crate::client_addr::ClientAddr;
use crate::error::{ApiError, ErrorBody};
use crate::live::Versioned;

fn to_sse(v: &Versioned) -> Event {
    Event::default()
        .event("availability")
        .id(v.id.clone())
        .json_data(&v.snapshot)
        .unwrap_or_else(|_| Event::default().comment("unserializable snapshot"))
}

/// The last event of a stream closed by a shutdown.
fn reconnect() -> Event {
    Event::default()
        .event("reconnect")
        .retry(Duration::from_millis(1000 + fastrand::u64(0..2000)))
        .data("the server is restarting; reconnect")
}

#[utoipa::path(
    get,
    path = "/api/v1/events/{id}/live",
    operation_id = "streamAvailability",
    tag = "events",
    params(
        ("id" = String, Path, description = "The event's id"),
        ("Last-Event-ID" = Option<String>, Header, nullable = false,
            description = "The `id` of the last `availability` event seen (sent by a reconnecting EventSource)"),
    ),
    responses(
        (status = 200, content_type = "text/event-stream", body = String,
            description = "Server-Sent Events that do not end until the proxy shuts down. \
                `event: availability`, `id: {boot}-{version}`, `data:` a JSON `Snapshot` \
                (`{status, tiers: [{id, available}]}`), on connect (unless `Last-Event-ID` is \
                the current one) and on every change; a `heartbeat` comment every 15 s; at \
                shutdown, `event: reconnect` with a `retry:` of 1 to 3 s."),
        (status = 404, description = "No such event", body = ErrorBody),
        (status = 429, description = "This client address already holds as many live streams as it may \
            (`TESSERA_LIVE_STREAMS_PER_CLIENT`)", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before asking again"))),
        (status = 502, description = "The platform refused this shop's API key or answered nonsense", body = ErrorBody),
        (status = 503, description = "The platform is down or limiting us and there is no copy of this event", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before asking again"))),
    )
)]
pub async fn stream(
    State(app): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    ClientAddr(client): ClientAddr,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let id = super::events::event_id(id)?;
    // Taken before the stream exists and held by it: refused here, nothing was opened.
    let slot = app.stream_slots.take_shared(client).await.ok_or(ApiError::TooManyStreams(app.stream_slots.limit()))?;
    let (current, rx) = app.live.subscribe(&id).await.map_err(|e| app.read_error(e))?;
    let seen = headers.get("last-event-id").and_then(|v| v.to_str().ok()) == Some(current.id.as_str());
    let first = (!seen).then(|| Ok(to_sse(&current)));
    // A viewer that lagged behind just skips ahead: the next snapshot is complete.
    // What was published before `current` (including `current` itself) is already covered.
    let after = current.version;
    let updates = BroadcastStream::new(rx)
        .filter_map(move |item| async move { item.ok().filter(|v| v.version > after).map(|v| Ok(to_sse(&v))) });
    // Counted from here until the stream is dropped: the viewer left, or the proxy shut down.
    let viewer = app.metrics.live_viewer();
    let body = stream::iter(first)
        .chain(updates)
        .take_until(app.live.closed())
        .chain(stream::once(async { Ok(reconnect()) }))
        .map(move |event| {
            let _counted = (&viewer, &slot);
            event
        });
    Ok(Sse::new(body).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)).text("heartbeat")))
}
