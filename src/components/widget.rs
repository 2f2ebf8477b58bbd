use leptos::prelude::*;

use super::{EventList, EventView};
use crate::mount::WidgetConfig;
use crate::text::{self, Texts};

/// What every component needs to know about its widget.
#[derive(Clone)]
pub struct Ctx {
    pub proxy: String,
    pub locale: String,
    pub t: &'static Texts,
    pub host: web_sys::HtmlElement,
}

pub fn use_ctx() -> Ctx {
    use_context::<Ctx>().expect("components render inside <Widget>")
}

#[component]
pub fn Widget(config: WidgetConfig) -> impl IntoView {
    provide_context(Ctx {
        proxy: config.proxy.clone(),
        locale: config.locale.clone(),
        t: text::texts(&config.locale),
        host: config.host.clone(),
    });
    match config.event {
        Some(id) => view! { <EventView event_id=id returned=config.returned/> }.into_any(),
        None => view! { <EventList returned=config.returned/> }.into_any(),
    }
}
