//! tessera's embeddable ticket widget: Rust on Leptos's reactive core, compiled to wasm.
//!
//! `tessera.js` (the loader) imports this module once and calls `boot`, which mounts a
//! widget in every `<tessera-tickets>` / `[data-tessera-event]` element. Pricing and
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

/// Called by the loader with the URL of the folder it was served from and, the first time, the
/// return from a hosted checkout it found on the page's URL (`status` empty when none).
#[wasm_bindgen]
pub fn boot(base: &str, default_proxy: &str, status: &str, event_id: &str) {
    let assets = mount::Assets { base: base.to_owned(), default_proxy: default_proxy.to_owned() };
    mount::mount_all(&assets, handoff::returned(status, event_id));
}

/// `Tessera.mount(element, options)` for pages that create elements themselves. The loader has
/// checked the options and written them onto the element as its attributes, so the element is
/// read as `boot` reads any other (parsing the options here cost the wasm about 1.5 KB).
#[wasm_bindgen]
pub fn mount(element: web_sys::HtmlElement, base: &str, default_proxy: &str) {
    let assets = mount::Assets { base: base.to_owned(), default_proxy: default_proxy.to_owned() };
    mount::mount(&element, mount::options_from_element(&element), &assets, None);
}
