use reactive_graph::owner::{provide_context, use_context};

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

pub fn use_ctx() -> Ctx {
    use_context::<Ctx>().expect("components render inside widget()")
}

/// One widget in `root`, in the strings `t`: an event, or the list of events when the site
/// owner named none.
pub fn widget(root: El, config: WidgetConfig, t: &'static Texts) -> El {
    provide_context(Ctx { proxy: config.proxy.clone(), locale: config.locale.clone(), t, host: config.host.clone() });
    match config.event {
        Some(id) => root.child(event_view(id, config.returned, None)),
        None => event_list(root, config.returned),
    }
}
