//! Leaving for the hosted checkout and coming back. Before the buyer leaves, the order is
//! remembered in sessionStorage so the page they return to can say what they bought; the
//! proxy's return URL carries `tessera_status` and `tessera_event`, which the loader reads off
//! the address bar and gives to the widget of that event.
//!
//! A buyer who leaves the hosted page without paying (Back, a closed tab) comes back to seats
//! the platform still holds: the [`Hold`] (no personal data in it) is kept in localStorage until
//! the session's expiry, so the widget can offer to go on paying, in this tab or a new one.

use serde::{Deserialize, Serialize};
use tessera_core::Money;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PendingOrder {
    pub event_title: String,
    pub tier_id: String,
    pub tier_name: String,
    pub quantity: u32,
    pub email: String,
    /// The platform's reference for the checkout; the purchase event's `checkout_id`.
    #[serde(default)]
    pub checkout_id: String,
    #[serde(default)]
    pub total: Option<Money>,
}

/// Seats a checkout holds until `expires_at`, and the page where they are paid for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hold {
    pub tier_id: String,
    pub tier_name: String,
    pub quantity: u32,
    pub checkout_url: String,
    /// RFC 3339, as the platform wrote it.
    pub expires_at: String,
}

impl Hold {
    /// Milliseconds since the epoch at which the platform lets the seats go.
    pub fn expires_ms(&self) -> f64 {
        js_sys::Date::parse(&self.expires_at)
    }

    /// Whole seconds left at `now_ms` (0 once expired, and for an expiry that cannot be read).
    pub fn seconds_left(&self, now_ms: f64) -> u32 {
        let left = ((self.expires_ms() - now_ms) / 1000.0).ceil();
        if left.is_nan() || left <= 0.0 {
            0
        } else {
            left as u32
        }
    }
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

fn hold_key(event_id: &str) -> String {
    format!("tessera:hold:{event_id}")
}

/// Kept across tabs and restarts (a closed tab still has seats held), but only until expiry.
fn lasting() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

pub fn remember_hold(event_id: &str, hold: &Hold) {
    let (Some(storage), Some(text)) = (lasting(), crate::json::to_string(hold)) else { return };
    let _ = storage.set_item(&hold_key(event_id), &text);
}

/// The seats held for `event_id`, expired or not (the widget says which).
pub fn hold(event_id: &str) -> Option<Hold> {
    let text = lasting()?.get_item(&hold_key(event_id)).ok()??;
    crate::json::from_str(&text)
}

pub fn forget_hold(event_id: &str) {
    if let Some(storage) = lasting() {
        let _ = storage.remove_item(&hold_key(event_id));
    }
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
    // Paid, or cancelled on the platform's page (which lets the seats go): nothing is held.
    forget_hold(event_id);
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
