//! An embedded, HangHut-compatible ticketing platform over real HTTP, backed by SQLite.
//! It is tessera's default upstream: the demo and every test run against it, so nobody needs
//! a HangHut account. It follows the HangHut API document's paths, fields, statuses and error
//! shapes exactly, and must not drift from them, move money, send mail, or log API keys and
//! webhook secrets. It is a stand-in, not a product: one organiser, one currency (PHP).
//!
//! Deliberate choices, where the document is silent or inconsistent:
//! - A tier's `available` also subtracts seats held by open, unexpired checkout sessions
//!   (the document says total − sold): holds must count or two sessions could sell one seat.
//!   Sessions past `expires_at` release their seats lazily on the next read or write.
//! - `ticket.purchased` / `ticket.refunded` / `ticket.checked_in` data also carries `tier_id`.
//! - `GET /tickets/:id` says `checked_in` for a scanned ticket, the check-in response says
//!   `used`, each as in the document's own example.
//! - The 429 message names the configured window: "per minute" for the document's 60 s.
//! - Webhook URLs may be plain http (loopback receivers in tests); configured targets with
//!   an empty `events` list receive every type.
//! - Promo codes (`POST /promo-codes`): the response also carries `event_id` and
//!   `expires_at`; `GET` and `PUT /promo-codes/:id` (`{"is_active": bool}`) are sandbox
//!   extensions. `POST /checkouts` takes an optional `promo_code`; an open session reserves
//!   one use and paying counts it. `expires_at` may be in the past (an already-expired code).
//! - `ticket.purchased` data also carries `order_id` (the checkout's `pi_` id) and, when a
//!   code was used, `promo_code`; `amount` stays the tier's unit price.
//! - `GET /events/:id/attendees`: tickets carry no number of their own, so `ticket_number`
//!   is `TK-` and the ticket's insertion sequence (`TK-00042`). `per_page` above 100 is
//!   clamped like every other list's maximum; `meta` is the orders list's short one.
//! - `POST /checkouts` honours an `Idempotency-Key` header for a day: a repeat gets the first
//!   session back (the proxy retries a lost answer with it).

mod attendees;
mod auth;
mod checkouts;
mod clock;
mod config;
mod db;
mod error;
mod event_changes;
mod events;
mod hosted_page;
mod idempotency;
mod json_body;
mod orders;
mod outbox;
mod pagination;
mod price;
mod promo_codes;
mod rate_limit;
mod routes;
pub mod seed;
mod server;
mod serving;
pub mod signature;
mod tickets;
pub mod ticketwave;
mod webhook_sender;
mod webhooks;

pub use config::{SandboxConfig, WebhookTarget, API_KEY_PREFIX};
pub use error::SandboxError;
pub use outbox::{retry_delay, MAX_ATTEMPTS};
pub use routes::router;
pub use server::{AppState, RunningSandbox};
pub use webhooks::EVENT_TYPES;
