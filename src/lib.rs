//! tessera's embeddable ticket widget: Rust on Leptos's reactive core, compiled to wasm.
//!
//! `tessera.js` (the loader) imports this module once and calls `mount` for every
//! `<tessera-tickets>` / `[data-tessera-event]` element. Pricing and
//! validation come from `tessera-core`, the same code the proxy runs; the widget never
//! holds a secret and never decides a price the server would not.

pub mod api;
pub mod components;
pub mod dom;
pub mod format;
pub mod handoff;
pub mod host_events;
pub mod live;
pub mod mount;
pub mod order_state;
pub mod state;
pub mod text;
pub mod wire;

use wasm_bindgen::prelude::*;

/// talc instead of std's dlmalloc: 1.6 KB less brotli (bench/RESULTS.md, issue 8). The widget is
/// single-threaded wasm, which is what this constructor is for (it panics anywhere else).
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// Mounts a widget in `element`, for the loader: once for each host element it finds, and for
/// `Tessera.mount(element, options)`, whose options it has checked and written onto the element
/// as attributes (parsing them here cost the wasm about 1.5 KB). `base` is the folder the widget
/// was served from, `default_proxy` the proxy for an element that names none; `status` and
/// `event_id` are the return from a hosted checkout that the loader found on the page's URL and
/// gives this widget (`status` empty when none). Finding the elements is the loader's too: its
/// few lines of script cost less than the wasm's search did.
#[wasm_bindgen]
pub fn mount(element: web_sys::HtmlElement, base: &str, default_proxy: &str, status: &str, event_id: &str) {
    let assets = mount::Assets { base: base.to_owned(), default_proxy: default_proxy.to_owned() };
    let options = mount::options_from_element(&element);
    mount::mount(&element, options, &assets, handoff::returned(status, event_id));
}
