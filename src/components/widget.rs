use super::{event_list, event_view};
use crate::dom::El;
use crate::mount::WidgetConfig;
use crate::text::Texts;

/// What every component needs to know about its widget.
#[derive(Clone)]
pub struct Ctx {
    pub proxy: String,
    pub locale: String,
    pub t: &'static Texts,
    pub host: web_sys::HtmlElement,
}

/// One widget in `root`, in the strings `t`: an event, or the list of events when the site
/// owner named none.
pub fn widget(root: El, config: WidgetConfig, t: &'static Texts) -> El {
    // Passed to each component by hand, not as Leptos context: context's lookup by type cost the
    // wasm 1.25 KB of brotli (bench/RESULTS.md). Leaked like the widget's owner (mount.rs): a
    // widget lives as long as the page, and a `'static` reference is free to copy into closures.
    let ctx: &'static Ctx =
        Box::leak(Box::new(Ctx { proxy: config.proxy, locale: config.locale, t, host: config.host }));
    match config.event {
        Some(id) => root.child(event_view(ctx, id, config.returned, None)),
        None => event_list(ctx, root, config.returned),
    }
}
