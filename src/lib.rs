//! tessera's embeddable ticket widget: a Leptos app compiled to wasm.
//!
//! `tessera.js` (the loader) defines the `<tessera-tickets>` element; each element that is
//! connected to the page gets a shadow root, and the loader calls [`mount`] for it, keeping
//! the handle it returns until the element leaves the page. Pricing and validation come from
//! `tessera-core`, the same code the proxy runs; the widget never holds a secret and never
//! decides a price the server would not.

// The typed views of the larger components nest deeper than rustc's default allows where Leptos does
// not erase them (`erase_components` is set for the wasm only: .cargo/config.toml).
#![recursion_limit = "256"]

pub mod api;
pub mod calendar;
pub mod checkout;
pub mod components;
pub mod context;
pub mod data_layer;
pub mod early;
pub mod feed;
#[cfg(feature = "ssr")]
pub mod first_view;
pub mod format;
pub mod handoff;
pub mod host_events;
pub mod json;
pub mod live;
pub mod mount;
pub mod order;
pub mod text;
pub mod updates;

pub use mount::{mount, MountedWidget};
