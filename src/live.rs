//! Following an event's availability: an EventSource on the proxy's SSE stream, and polling
//! where a stream cannot be held open (a proxy or network that closes it for good).

use reactive_graph::owner::on_cleanup;
use std::time::Duration;
use tessera_core::Snapshot;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{EventSource, MessageEvent};

use crate::api::{self, EventRead};
use crate::dom::set_timeout;
use crate::state::{Handler, Kept, Sig};

/// How often to ask when streaming is impossible; polls go through the proxy's cache.
pub const POLL_EVERY: Duration = Duration::from_secs(5);
/// Streams that fail this many times in a row give way to polling.
const STREAM_ATTEMPTS: u32 = 4;

/// Calls `on_snapshot` with every availability change of `event_id` until the widget goes
/// away. The browser's EventSource reconnects by itself (sending Last-Event-ID); when it
/// gives up, we reopen it with growing pauses, then fall back to polling.
pub fn follow(proxy: String, event_id: String, on_snapshot: Handler<Snapshot>) {
    let alive = Sig::new(true);
    let current = Kept::new(None::<EventSource>);
    on_cleanup(move || {
        alive.set(false);
        current.with_value(|s| s.as_ref().map(EventSource::close));
    });
    open(proxy, event_id, on_snapshot, alive, current, 0);
}

fn open(
    proxy: String,
    event_id: String,
    on_snapshot: Handler<Snapshot>,
    alive: Sig<bool>,
    current: Kept<Option<EventSource>>,
    failures: u32,
) {
    // Read with `try_`: a reopening timer may fire after the widget's owner has gone.
    if alive.try_get_untracked() != Some(true) {
        return;
    }
    if failures >= STREAM_ATTEMPTS {
        return instead(proxy, event_id, on_snapshot, alive);
    }
    let url = crate::api::event_url(&proxy, &event_id) + "/live";
    let Ok(source) = EventSource::new(&url) else { return instead(proxy, event_id, on_snapshot, alive) };

    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |m: MessageEvent| {
        let Some(text) = m.data().as_string() else { return };
        if let Some(snapshot) = crate::wire::parse::<Snapshot>(&text) {
            on_snapshot.run(snapshot);
        }
    });
    crate::dom::dom(&source).listen("availability", on_message.as_ref());
    on_message.forget();

    let opened = Kept::new(false);
    let on_open = Closure::<dyn FnMut()>::new(move || opened.set_value(true));
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    on_open.forget();

    let on_error = {
        let source = source.clone();
        Closure::<dyn FnMut()>::new(move || {
            // CONNECTING: the browser is already retrying. CLOSED: it gave up; we decide.
            if source.ready_state() != EventSource::CLOSED {
                return;
            }
            let failures = if opened.get_value() { 0 } else { failures + 1 };
            let pause = Duration::from_millis(500 * 2u64.pow(failures.min(5)));
            let (proxy, event_id) = (proxy.clone(), event_id.clone());
            set_timeout(move || open(proxy, event_id, on_snapshot, alive, current, failures), pause);
        })
    };
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    current.set_value(Some(source));
}

/// Polling in place of the stream, for as long as the widget is there.
fn instead(proxy: String, event_id: String, on_snapshot: Handler<Snapshot>, alive: Sig<bool>) {
    let on_read = Handler::new(move |read: EventRead| on_snapshot.run(Snapshot::of(&read.event)));
    poll(proxy, event_id, on_read, alive);
}

/// Reads the event every `POLL_EVERY` (through the proxy's cache) while `alive` is true and its
/// owner is there, and hands each answer to `on_read`: the fallback for a stream, and how a
/// widget showing a stale copy finds out that the platform answers again. (A flag, not a
/// closure: `poll` is then one function, not one for each caller's closure.)
pub fn poll(proxy: String, event_id: String, on_read: Handler<EventRead>, alive: Sig<bool>) {
    let still = move || alive.try_get_untracked() == Some(true);
    if !still() {
        return;
    }
    set_timeout(
        move || {
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(read) = api::event(&proxy, &event_id).await {
                    // Checked again: the widget may have gone while the answer was on its way.
                    if still() {
                        on_read.run(read);
                    }
                }
                poll(proxy, event_id, on_read, alive);
            });
        },
        POLL_EVERY,
    );
}
