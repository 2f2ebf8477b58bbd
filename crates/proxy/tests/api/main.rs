//! The proxy over real HTTP against a real sandbox platform (SQLite, signed webhooks).
mod checkout;
mod events;
mod hardening;
mod helpers;
mod live;
mod promo;
mod webhooks;
