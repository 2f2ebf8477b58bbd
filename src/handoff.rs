//! Leaving for the hosted checkout and coming back. Before the buyer leaves, the order is
//! remembered in sessionStorage so the page they return to can say what they bought; the
//! proxy's return URL carries `tessera_status` and `tessera_event`, which the loader reads off
//! the address bar and gives to the widget of that event.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PendingOrder {
    pub event_title: String,
    pub tier_id: String,
    pub tier_name: String,
    pub quantity: u32,
    pub email: String,
}

#[derive(Clone, Copy, Debug, PartialEq)]
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
    format!("tessera:pending:{event_id}")
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

pub fn remember(event_id: &str, order: &PendingOrder) {
    let (Some(storage), Some(text)) = (storage(), crate::json::to_string(order)) else { return };
    let _ = storage.set_item(&storage_key(event_id), &text);
}

/// The buyer's return from the hosted checkout, as the loader read it from the page's URL
/// (`status` empty when there was none). The order remembered for that event is read and
/// forgotten, so a reload does not announce the payment again.
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
        crate::json::from_str(&text)
    });
    Some(Return { outcome, event_id: event_id.to_owned(), pending })
}

/// Sends the whole page (not just a frame) to the hosted checkout.
pub fn go_to(url: &str) {
    let Some(window) = web_sys::window() else { return };
    let moved = window.top().ok().flatten().is_some_and(|top| top.location().set_href(url).is_ok());
    if !moved {
        let _ = window.location().set_href(url);
    }
}
