//! The proxy over real HTTP against a real sandbox platform (SQLite, signed webhooks).
mod checkout;
mod events;
mod helpers;
// mod promo; (lands with the sandbox half of promo codes)
mod webhooks;
