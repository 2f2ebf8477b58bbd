//! A TicketWave-compatible platform over real HTTP (shared/seeds/ticketwave-api.txt), so the
//! demo and the tests need no TicketWave account. It runs on its own port with its own SQLite
//! state, follows the document's paths, headers, JSON field names, statuses and signature
//! scheme, and must not log passwords, tokens or webhook secrets. A stand-in, not a product:
//! one organiser account, no money moves.
//!
//! Choices where the document is silent (the proxy's client accepts each of them):
//! - Login answers `{"token": "<HS256 JWT>", "expiresAt": "<RFC 3339>"}`; the JWT has `sub`,
//!   `email`, `iat` and `exp` (7 days ahead, configurable). Wrong credentials: 401
//!   `{"error": "Invalid credentials"}`; a body without both fields: 400 with the document's
//!   own "Missing required fields". A missing, invalid, expired or revoked token: 401
//!   `{"error": ...}` with `WWW-Authenticate: Bearer`.
//! - Events (`GET /api/admin/events` is a bare JSON array) carry `id, title, slug, status
//!   (draft|published|cancelled), date, startTime, endTime, venue, totalCapacity, currency,
//!   url, tiers[{name, price, quantity, sold}]`. Tiers have no id: the name is the id.
//!   Prices are decimal strings in the event's currency ("25.00"); dates and times carry no
//!   zone. `POST` creates a draft; `PUT` publishes it (`event.published`), changes details
//!   or replaces the tier list (keeping sales); `status: "cancelled"` cancels as `/cancel`.
//! - Rate limits (see `limits`): sliding window per account or client address, 429
//!   `{"error"}` with `Retry-After`, `X-RateLimit-Remaining` on every `/api` response.
//! - Errors beyond the document's 400/401/404: 409 when the state forbids the action (sold
//!   out, not on sale, already refunded, already checked in), 500 with no detail.
//! - Webhooks: see `webhooks` and `sender`. Timestamps are `2026-04-02T15:30:00.000Z`.
//!   `order.refunded`'s `isFullRefund` means the order is now refunded in full (only then
//!   are its tickets back on sale); cancelling an event refunds its orders and sends one
//!   `event.cancelled`, no `order.refunded` per order.
//!
//! Sandbox-only controls (not TicketWave's; no token, not rate limited):
//! - `POST /sandbox/orders {"eventId", "tierName", "quantity"?, "customerName",
//!   "customerEmail", "phone"?}` → 201, a paid order (as `order.created` shows it) and an
//!   `order.created` webhook: how a sale happens, since the document has no checkout.
//! - `POST /sandbox/revoke-tokens` → 204: every token issued so far answers 401 from now on.

mod auth;
mod body;
mod config;
mod error;
mod event_changes;
mod events;
mod limits;
mod orders;
mod scan;
pub mod seed;
mod sender;
mod server;
mod store;
mod webhooks;

pub use config::TicketWaveConfig;
pub use sender::{EVENT_HEADER, SIGNATURE_HEADER};
pub use server::{start, RunningTicketWave};
pub use webhooks::EVENT_TYPES;

use chrono::{DateTime, SecondsFormat, Utc};

fn now() -> DateTime<Utc> {
    Utc::now()
}

/// The document's timestamps: `2026-04-02T15:30:00.000Z`.
fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}
