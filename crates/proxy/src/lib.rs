//! tessera's proxy: the only place that holds the ticketing platform's API key.
//!
//! It serves widgets a buyer-safe view of the catalogue (cached, so many buyers cost the
//! platform few requests), re-validates every order with `tessera-core` before creating a
//! hosted checkout upstream, and receives the platform's signed webhooks. It must never
//! send a secret to a browser, a response body or a log line, and never trust a price or a
//! redirect URL from a client.

pub mod catalogue;
pub mod checkout;
pub mod claims;
pub mod cli;
pub mod client_addr;
pub mod config;
pub mod cross_origin;
pub mod error;
pub mod feed;
pub mod health;
pub mod http_cache;
pub mod inbox;
pub mod listing;
pub mod live;
pub mod live_bus;
pub mod metrics;
pub mod migrations;
pub mod peer_deliveries;
pub mod platform_config;
pub mod promo;
pub mod providers;
pub mod rate_limit;
pub mod redis_link;
pub mod routes;
pub mod settings;
pub mod shared_reads;
pub mod startup;
pub mod store;
pub mod stream_slots;
pub mod upstream;
pub mod waitlist;
pub mod webhook;

pub use config::Config;
pub use error::ApiError;
pub use startup::Application;
