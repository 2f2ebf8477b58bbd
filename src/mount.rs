//! Mounting one widget in the container the loader made in a host element's shadow root, and
//! unmounting it when the element leaves the page.

use std::any::Any;

use leptos::prelude::*;
use serde::Deserialize;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

use crate::components::Widget;
use crate::context::Shop;
use crate::handoff;
use crate::text;

/// What the loader says about one widget (`JSON.stringify`ed by it).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MountOptions {
    /// The folder the widget's files were served from, with a trailing slash.
    pub base: String,
    /// The proxy's base URL.
    pub proxy: String,
    /// One event, or the list of events when absent.
    pub event: Option<String>,
    /// The site owner's locale, or the browser's when absent.
    pub locale: Option<String>,
    /// The return from a hosted checkout that the loader found on the page's URL and gives to
    /// this widget: `success` or `cancelled`, and the event it was for.
    pub status: Option<String>,
    pub return_event: Option<String>,
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

/// A mounted widget, for the loader: `unmount` (or `free`) when its element leaves the page.
#[wasm_bindgen]
pub struct MountedWidget {
    mounted: Option<Mounted>,
}

#[wasm_bindgen]
impl MountedWidget {
    pub fn unmount(&mut self) {
        self.mounted.take();
    }
}

/// Mounts a widget in `root` (a container in `host`'s shadow root) as `options` (JSON) say.
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
    let proxy = options.proxy.trim_end_matches('/').to_owned();
    let base = options.base;
    let host = send_wrapper::SendWrapper::new(host);
    let mounted = mount_view(root, move || {
        // English is compiled in; another language waits for its file (once per page).
        let texts = LocalResource::new(move || {
            let (base, locale) = (base.clone(), locale.clone());
            async move { (text::load(&base, &locale).await, locale) }
        });
        let parts = (proxy, host, event, returned);
        view! {
            <Suspense>
                {move || {
                    let (proxy, host, event, returned) = parts.clone();
                    Suspend::new(async move {
                        let (t, locale) = texts.await;
                        view! { <Widget shop=Shop::new(proxy, locale, t, Some((*host).clone())) event returned /> }
                    })
                }}
            </Suspense>
        }
        .into_any()
    });
    MountedWidget { mounted: Some(mounted) }
}
