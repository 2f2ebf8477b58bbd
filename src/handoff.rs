//! Leaving for the hosted checkout and coming back. Before the buyer leaves, the order is
//! remembered in sessionStorage so the page they return to can say what they bought; the
//! proxy's return URL carries `tessera_status` and `tessera_event`, which the loader reads.

use wasm_bindgen::JsValue;

use crate::wire::{self, FromJs, ToJs};

#[derive(Clone, Debug, PartialEq)]
pub struct PendingOrder {
    pub event_title: String,
    pub tier_id: String,
    pub tier_name: String,
    pub quantity: u32,
    pub email: String,
}

impl FromJs for PendingOrder {
    fn from_js(v: &JsValue) -> Option<Self> {
        Some(PendingOrder {
            event_title: wire::string(v, "event_title")?,
            tier_id: wire::string(v, "tier_id")?,
            tier_name: wire::string(v, "tier_name")?,
            quantity: wire::count(v, "quantity")?,
            email: wire::string(v, "email")?,
        })
    }
}

impl ToJs for PendingOrder {
    fn to_js(&self) -> JsValue {
        wire::object(&[
            ("event_title", self.event_title.as_str().into()),
            ("tier_id", self.tier_id.as_str().into()),
            ("tier_name", self.tier_name.as_str().into()),
            ("quantity", self.quantity.into()),
            ("email", self.email.as_str().into()),
        ])
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Paid,
    Cancelled,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Return {
    pub outcome: Outcome,
    pub event_id: String,
    pub pending: Option<PendingOrder>,
}

/// loader/tessera.js removes this key too, when no widget on the page takes the return.
fn storage_key(event_id: &str) -> String {
    ["tessera:pending:", event_id].concat()
}

fn storage() -> Option<web_sys::Storage> {
    crate::dom::window().session_storage().ok()?
}

pub fn remember(event_id: &str, order: &PendingOrder) {
    let Some(storage) = storage() else { return };
    if let Some(text) = wire::stringify(&order.to_js()) {
        let _ = storage.set_item(&storage_key(event_id), &text);
    }
}

/// The buyer's return from the hosted checkout, as the loader read it from the page's URL
/// (`tessera_status`, `tessera_event`; it also takes them off the address bar, so a reload does
/// not announce the payment again): `status` is empty when there was none. The order remembered
/// for that event is read and forgotten.
pub fn returned(status: &str, event_id: &str) -> Option<Return> {
    let outcome = match status {
        "success" => Outcome::Paid,
        "cancelled" => Outcome::Cancelled,
        _ => return None,
    };
    let pending = storage().and_then(|s| {
        let key = storage_key(event_id);
        let text = s.get_item(&key).ok()??;
        let _ = s.remove_item(&key);
        wire::parse(&text)
    });
    Some(Return { outcome, event_id: event_id.to_owned(), pending })
}

/// Sends the whole page (not just a frame) to the hosted checkout.
pub fn go_to(url: &str) {
    let window = crate::dom::window();
    let top = window.top().ok().flatten();
    let moved = top.map(|t| t.location().set_href(url).is_ok()).unwrap_or(false);
    if !moved {
        let _ = window.location().set_href(url);
    }
}
