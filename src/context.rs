//! What every component of one widget knows about it, provided once at its root
//! (`provide_context`) and read where needed (`use_context`).

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use serde::Serialize;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

use crate::text::Texts;

#[derive(Clone)]
pub struct Shop {
    /// The proxy's base URL, without a trailing slash.
    pub proxy: String,
    /// The buyer's locale, canonical (`pt-BR`): money, dates and plurals follow it.
    pub locale: String,
    pub t: &'static Texts,
    /// The element the site owner placed: host-page events are sent from it. Only ever touched
    /// on the page's one thread; none when the proxy renders a first view.
    host: Option<SendWrapper<HtmlElement>>,
    /// `data-tessera-datalayer` on the element: GA4 ecommerce events go to `window.dataLayer` too.
    data_layer: bool,
}

impl Shop {
    pub fn new(proxy: String, locale: String, t: &'static Texts, host: Option<HtmlElement>) -> Self {
        Shop { proxy, locale, t, host: host.map(SendWrapper::new), data_layer: false }
    }

    pub fn with_data_layer(mut self, on: bool) -> Self {
        self.data_layer = on;
        self
    }

    pub fn host(&self) -> Option<&HtmlElement> {
        self.host.as_deref()
    }

    /// Sends `tessera:{name}` to the host page.
    pub fn emit(&self, name: &str, detail: &impl Serialize) {
        if let Some(host) = self.host() {
            crate::host_events::emit(host, name, detail);
        }
    }

    /// A GA4 ecommerce event for `window.dataLayer`, when the site owner asked for them; built
    /// only then.
    pub fn ecommerce<'a>(&self, event: &str, build: impl FnOnce() -> crate::data_layer::Ecommerce<'a>) {
        if self.data_layer && self.host.is_some() {
            crate::data_layer::push(event, &build());
        }
    }

    /// `tessera:error` with what the buyer was told.
    pub fn emit_error(&self, problem: &crate::api::ApiProblem) {
        let message = crate::components::problem_message(self.t, problem);
        self.emit("error", &crate::host_events::Error { kind: problem.kind(), message: &message });
    }

    /// Moves focus to the element `id` of this widget once the current render is in the page.
    pub fn focus_soon(&self, id: &'static str) {
        let Some(host) = self.host.clone() else { return };
        request_animation_frame(move || {
            if let Some(el) = host.shadow_root().and_then(|root| root.get_element_by_id(id)) {
                let _ = el.unchecked_into::<HtmlElement>().focus();
            }
        });
    }
}

/// The widget's [`Shop`]; every component is rendered under one.
pub fn shop() -> Shop {
    expect_context::<Shop>()
}
