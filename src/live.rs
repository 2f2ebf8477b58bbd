//! Following an event's availability: an EventSource on the proxy's SSE stream, and polling
//! where a stream cannot be held open (a proxy or network that closes it for good).
//!
//! These are the bodies of tasks a component spawns with
//! `spawn_local_scoped_with_cancellation`: when the widget is unmounted its owner is cleaned
//! up, the task is dropped, and with it the EventSource (closed) and any pending timer
//! (cleared). Nothing outlives the element.

use std::time::Duration;

use futures_util::StreamExt;
use gloo_net::eventsource::futures::EventSource;
use gloo_timers::future::sleep;
use tessera_core::Snapshot;

use crate::api;

/// How often to ask when streaming is impossible; polls go through the proxy's cache.
pub const POLL_EVERY: Duration = Duration::from_secs(5);
/// Streams that fail this many times in a row give way to polling.
const STREAM_ATTEMPTS: u32 = 4;

/// Calls `on_snapshot` with every availability change of `event_id`, for as long as the task
/// runs. The browser's EventSource reconnects by itself (sending Last-Event-ID); when it gives
/// up, the stream is opened again after growing pauses, and after a few failures in a row
/// polling takes over.
pub async fn follow(proxy: String, event_id: String, on_snapshot: impl Fn(Snapshot)) {
    let url = api::event_url(&proxy, &event_id) + "/live";
    let mut failures = 0;
    while failures < STREAM_ATTEMPTS {
        let Ok(mut source) = EventSource::new(&url) else { break };
        let Ok(mut messages) = source.subscribe("availability") else { break };
        let mut heard = false;
        // Ends when the browser gives the stream up (CLOSED), not while it reconnects.
        while let Some(Ok((_, message))) = messages.next().await {
            heard = true;
            if let Some(snapshot) = message.data().as_string().and_then(|d| crate::json::from_str(&d)) {
                on_snapshot(snapshot);
            }
        }
        drop(messages);
        source.close();
        failures = if heard { 0 } else { failures + 1 };
        sleep(Duration::from_millis(500 * 2u64.pow(failures.min(5)))).await;
    }
    loop {
        sleep(POLL_EVERY).await;
        if let Ok(read) = api::event(&proxy, &event_id).await {
            on_snapshot(Snapshot::of(&read.event));
        }
    }
}
