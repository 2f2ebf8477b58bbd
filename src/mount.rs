//! Mounting one widget in a host element, inside its own shadow root so the host page's CSS
//! cannot reach in and ours cannot leak out. The loader finds the elements (`tessera.js`).

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{Element, HtmlElement};

use crate::components::widget;
use crate::dom::{dom, el, el_class, El};
use crate::handoff::Return;
use crate::text;

/// What one widget shows and where it talks to.
#[derive(Clone, Debug, PartialEq)]
pub struct WidgetConfig {
    /// Proxy base URL without a trailing slash.
    pub proxy: String,
    /// One event, or the list of events when absent.
    pub event: Option<String>,
    pub locale: String,
    /// The buyer came back from the checkout this widget started.
    pub returned: Option<Return>,
    /// The element the site owner placed: host-page events are sent from it.
    pub host: HtmlElement,
}

/// What a host element asks for, from its attributes.
#[derive(Debug, Default)]
pub struct MountOptions {
    pub event: Option<String>,
    pub proxy: Option<String>,
    pub locale: Option<String>,
}

/// Where the widget's files live and which proxy to use when an element names none.
#[derive(Clone, Debug)]
pub struct Assets {
    pub base: String,
    pub default_proxy: String,
}

pub fn options_from_element(el: &Element) -> MountOptions {
    let attr = |name: &str| el.get_attribute(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    MountOptions {
        event: attr("event").or_else(|| attr("data-tessera-event")),
        proxy: attr("proxy").or_else(|| attr("data-tessera-proxy")),
        locale: attr("locale").or_else(|| attr("data-tessera-locale")),
    }
}

fn browser_locale() -> String {
    crate::dom::window().navigator().language().unwrap_or_else(|| "en".into())
}

pub fn mount(host: &HtmlElement, opts: MountOptions, assets: &Assets, returned: Option<Return>) {
    if host.shadow_root().is_some() {
        return; // already mounted: including the script twice must not double the widget
    }
    // The init as a plain object: web-sys's `ShadowRootInit` costs an import and an enum table.
    let init = crate::wire::object(&[("mode", "open".into())]);
    let Ok(shadow) = host.attach_shadow(init.unchecked_ref()) else { return };
    // A <link> rather than inline <style>: works under a strict style-src CSP. The widget stays
    // hidden until the sheet has arrived, so unstyled controls never jump under a buyer's click.
    let root = el_class("div", "tessera").attr("part", "root").attr("hidden", "").0;
    let link = el("link").attr("rel", "stylesheet").attr("href", &[assets.base.as_str(), "tessera.css"].concat()).0;
    let reveal = {
        let root = root.clone();
        wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || dom(&root).unset("hidden")).into_js_value()
    };
    // A missing sheet must not hide the widget: show it plain rather than not at all.
    dom(&link).listen("load", &reveal);
    dom(&link).listen("error", &reveal);
    dom(&shadow).append(&link);

    let event = opts.event.clone();
    let config = WidgetConfig {
        host: host.clone(),
        proxy: opts.proxy.unwrap_or_else(|| assets.default_proxy.clone()).trim_end_matches('/').to_owned(),
        // A tag that is not one (a typo in an attribute) reads as the browser's language.
        locale: opts.locale.and_then(|tag| crate::format::canonical_locale(&tag)).unwrap_or_else(browser_locale),
        returned: returned.filter(|r| event.is_none() || event.as_deref() == Some(r.event_id.as_str())),
        event,
    };
    let locale = config.locale.clone();
    // The widget lives as long as the page: its owner is never dropped.
    let show = move |t| std::mem::forget(crate::dom::mount_in(&shadow, move || widget(El(root), config, t)));
    // English is compiled in; another language waits for its file (once per page).
    match text::ready(&locale) {
        Some(t) => show(t),
        None => {
            let base = assets.base.clone();
            spawn_local(async move { show(text::load(&base, &locale).await) });
        }
    }
}
