//! DOM events the widget sends to the host page for its analytics: `tessera:ready`,
//! `tessera:tier-change`, `tessera:checkout`, `tessera:handoff` (a buyer leaving for a platform
//! that sells the event on its own page) and `tessera:error`. They bubble and cross the shadow
//! root, so one listener on `document` hears every widget. Each detail is a serde type here.

use serde::Serialize;
use tessera_core::Money;
use wasm_bindgen::JsCast;
use web_sys::{CustomEvent, CustomEventInit, HtmlElement};

#[derive(Serialize)]
pub struct Ready<'a> {
    pub event_id: &'a str,
    pub title: &'a str,
}

#[derive(Serialize)]
pub struct TierChange<'a> {
    pub event_id: &'a str,
    pub tier_id: &'a str,
    pub tier_name: &'a str,
    pub price: Money,
}

#[derive(Serialize)]
pub struct Checkout<'a> {
    pub event_id: &'a str,
    pub tier_id: &'a str,
    pub quantity: u32,
    pub total: Option<Money>,
    pub promo_code: Option<&'a str>,
}

#[derive(Serialize)]
pub struct Handoff<'a> {
    pub event_id: &'a str,
    pub platform: &'a str,
    pub url: &'a str,
}

#[derive(Serialize)]
pub struct Error<'a> {
    /// The proxy's error code (README, "Errors"), or `unreachable`.
    pub kind: &'a str,
    /// What the buyer was told.
    pub message: &'a str,
}

/// Sends `tessera:{name}` from `host` with `detail` as plain JSON data.
pub fn emit(host: &HtmlElement, name: &str, detail: &impl Serialize) {
    let detail = crate::json::to_js(detail);
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&detail);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(&format!("tessera:{name}"), &init) {
        let _ = host.unchecked_ref::<web_sys::EventTarget>().dispatch_event(&event);
    }
}
