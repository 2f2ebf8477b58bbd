//! Leaving for the hosted checkout and coming back. Before the buyer leaves, the order is
//! remembered in sessionStorage so the page they return to can say what they bought; the
//! proxy's return URL carries `tessera_status` and `tessera_event`.

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

/// Reads the return parameters once, then removes them from the address bar (a reload
/// should not announce the payment again) and forgets the remembered order.
pub fn take_return() -> Option<Return> {
    let window = crate::dom::window();
    let href = window.location().href().ok()?;
    let url = web_sys::Url::new(&href).ok()?;
    let params = url.search_params();
    let outcome = match params.get("tessera_status")?.as_str() {
        "success" => Outcome::Paid,
        "cancelled" => Outcome::Cancelled,
        _ => return None,
    };
    let event_id = params.get("tessera_event")?;
    params.delete("tessera_status");
    params.delete("tessera_event");
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url.href()));
    }
    let pending = storage().and_then(|s| {
        let key = storage_key(&event_id);
        let text = s.get_item(&key).ok()??;
        let _ = s.remove_item(&key);
        wire::parse(&text)
    });
    Some(Return { outcome, event_id, pending })
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
