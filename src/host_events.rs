//! DOM events the widget sends to the host page (`tessera:ready`, `tessera:tier-change`,
//! `tessera:checkout`, `tessera:handoff` {event_id, platform, url} when a buyer leaves for a
//! platform that sells the event on its own page, `tessera:error`), so site owners can feed
//! their analytics. They bubble
//! and cross the shadow root, so one listener on `document` hears every widget.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CustomEvent, HtmlElement};

use crate::wire;

/// Sends `tessera:{name}` from `host` with a plain-data detail made of `pairs`.
pub fn emit(host: &HtmlElement, name: &str, pairs: &[(&str, JsValue)]) {
    send(host, name, &wire::object(pairs));
}

/// Sends `tessera:{name}` from `host` with `detail` (made once, sent on every click).
pub fn send(host: &HtmlElement, name: &str, detail: &JsValue) {
    let init = wire::object(&[("bubbles", JsValue::TRUE), ("composed", JsValue::TRUE), ("detail", detail.clone())]);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(&["tessera:", name].concat(), init.unchecked_ref()) {
        crate::dom::dom(host).dispatch(&event);
    }
}
