//! Mounting one widget in the container the loader made in a host element's shadow root, and
//! unmounting it when the element leaves the page.

use std::any::Any;

use leptos::prelude::*;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

use crate::components::{ListView, Widget};
use crate::context::Shop;
use crate::handoff;
use crate::text;

/// What the loader says about one widget (`JSON.stringify`ed by it).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MountOptions {
    /// The folder the widget's files were served from, with a trailing slash.
    pub base: String,
    /// The language files' names in that folder, by language (`de` → `lang/de-1a2b….txt`).
    pub lang: std::collections::HashMap<String, String>,
    /// The proxy's base URL.
    pub proxy: String,
    /// One event, or the list of events when absent.
    pub event: Option<String>,
    /// The site owner's locale, or the browser's when absent.
    pub locale: Option<String>,
    /// How the list is shown: `calendar`, or cards when absent.
    pub view: Option<String>,
    /// The return from a hosted checkout that the loader found on the page's URL and gives to
    /// this widget: `success` or `cancelled`, and the event it was for.
    pub status: Option<String>,
    pub return_event: Option<String>,
    /// The read the first view in the widget's root was rendered from, when there is one: an
    /// event's, or in list mode the first page's.
    pub initial: Option<tessera_core::EventRead>,
    pub initial_list: Option<tessera_core::EventPageRead>,
    /// `data-tessera-datalayer` is on the element: GA4 ecommerce events for `window.dataLayer`.
    pub datalayer: bool,
}

/// A view mounted in an element, until dropped: then its nodes are taken out and its reactive
/// owner is cleaned up, so its tasks end (the live stream is closed, timers cleared) and its
/// listeners are removed.
pub struct Mounted {
    owner: Owner,
    handle: Option<Box<dyn Any>>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        drop(self.handle.take());
        // Leptos's own handle only drops its owner, and a task spawned under it holds a strong
        // reference to it (the task is what the cleanup would cancel): cleaned up here instead.
        self.owner.cleanup();
    }
}

/// `view` mounted in `root`, under an owner of its own.
pub fn mount_view<V: IntoView + 'static>(root: HtmlElement, view: impl FnOnce() -> V + 'static) -> Mounted {
    let owner = Owner::new();
    let handle = owner.with(|| leptos::mount::mount_to(root, view));
    Mounted { owner, handle: Some(Box::new(handle)) }
}

/// `view` taking over the first view already in `root` (rendered by the proxy from the same
/// components and data), without drawing it again.
#[cfg(feature = "hydrate")]
pub fn hydrate_view<V: IntoView + 'static>(root: HtmlElement, view: impl FnOnce() -> V + 'static) -> Mounted {
    let changed = crate::early::changed_inputs(&root);
    // Leptos hydrates under a root owner of its own: kept here, to be cleaned up on unmount.
    let owner = std::rc::Rc::new(std::cell::RefCell::new(None));
    let handle = leptos::mount::hydrate_from(root.clone(), {
        let owner = owner.clone();
        move || {
            *owner.borrow_mut() = Owner::current();
            view()
        }
    });
    let owner = owner.take().expect("hydration runs its view under an owner");
    crate::early::restore(changed);
    crate::early::announce_hydrated(&root);
    Mounted { owner, handle: Some(Box::new(handle)) }
}

/// A mounted widget, for the loader: `unmount` (or `free`) when its element leaves the page.
/// Until its language's strings have arrived there is nothing mounted yet; unmounting then
/// means it never will be.
#[wasm_bindgen]
pub struct MountedWidget {
    mounted: std::rc::Rc<std::cell::RefCell<Option<Mounted>>>,
    gone: std::rc::Rc<std::cell::Cell<bool>>,
}

#[wasm_bindgen]
impl MountedWidget {
    pub fn unmount(&mut self) {
        self.gone.set(true);
        drop(self.mounted.borrow_mut().take());
    }
}

/// Mounts a widget in `root` (a container in `host`'s shadow root) as `options` (JSON) say:
/// taking over the first view in `root` when `options.initial` is the read it was drawn from,
/// drawing it afresh otherwise.
#[wasm_bindgen]
pub fn mount(root: HtmlElement, host: HtmlElement, options: &str) -> MountedWidget {
    let options: MountOptions = crate::json::from_str(options).unwrap_or_default();
    let trimmed = |v: Option<String>| v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
    let event = trimmed(options.event);
    // A tag that is not one (a typo in an attribute) reads as the browser's language.
    let locale = trimmed(options.locale)
        .and_then(|tag| crate::format::canonical_locale(&tag))
        .or_else(|| web_sys::window()?.navigator().language())
        .unwrap_or_else(|| "en".into());
    let returned = options
        .status
        .and_then(|status| handoff::returned(&status, options.return_event.as_deref().unwrap_or_default()))
        .filter(|r| event.is_none() || event.as_deref() == Some(r.event_id.as_str()));
    // Seats held for this buyer are drawn by the wasm (the first view knows nothing of them).
    let held = event.as_deref().is_some_and(|id| handoff::hold(id).is_some());
    let initial = options.initial.filter(|read| !held && event.as_deref() == Some(read.event.id.as_str()));
    let list_view = ListView::parse(options.view.as_deref());
    // The calendar has no first view (src/components/event_calendar.rs says why).
    let initial_list =
        options.initial_list.filter(|_| event.is_none() && returned.is_none() && list_view == ListView::Cards);
    let drawn = initial.is_some() || initial_list.is_some();
    let data_layer = options.datalayer;
    let proxy = options.proxy.trim_end_matches('/').to_owned();
    let widget = MountedWidget { mounted: Default::default(), gone: Default::default() };
    let (mounted, gone) = (widget.mounted.clone(), widget.gone.clone());
    let start = {
        let locale = locale.clone();
        move |t: &'static text::Texts| {
            if gone.get() {
                return;
            }
            // The first view is in the locale's language; when its file could not be fetched the
            // widget reads in English, so it is drawn afresh rather than half in each.
            let in_its_language = t.language == text::language(&locale).unwrap_or("en");
            let take_over = drawn && in_its_language;
            if (drawn && !in_its_language) || (held && !drawn) {
                root.set_inner_html("");
            }
            let shop = Shop::new(proxy, locale, t, Some(host)).with_data_layer(data_layer);
            let view =
                move || view! { class = "tessera-el", <Widget shop event returned initial initial_list list_view /> };
            let done = if take_over { hydrate_or_mount(root, view) } else { mount_view(root, view) };
            *mounted.borrow_mut() = Some(done);
        }
    };
    // English is compiled in; another language waits for its file (once per page), while the
    // first view, already in that language, stays on screen.
    match text::ready(&locale) {
        Some(t) => start(t),
        None => {
            let file = text::language(&locale).map(|code| {
                let name = options.lang.get(code).cloned().unwrap_or_else(|| format!("lang/{code}.txt"));
                format!("{}{name}", options.base)
            });
            wasm_bindgen_futures::spawn_local(async move { start(text::load(&locale, file).await) });
        }
    }
    widget
}

/// The first view in `root` taken over; a build without hydration draws it afresh instead.
fn hydrate_or_mount<V: IntoView + 'static>(root: HtmlElement, view: impl FnOnce() -> V + 'static) -> Mounted {
    #[cfg(feature = "hydrate")]
    return hydrate_view(root, view);
    #[cfg(not(feature = "hydrate"))]
    {
        root.set_inner_html("");
        mount_view(root, view)
    }
}
