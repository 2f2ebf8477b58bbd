//! The widget's view layer: elements built directly with the DOM, kept up to date by Leptos's
//! reactive graph (signals, memos, `RenderEffect` and owners).
//!
//! Why not `view!`: Leptos's renderer (tachys) gives every view its own Rust type and builds,
//! mounts and rebuilds each of them with code generated for that type. Measured on this widget
//! (bench/RESULTS.md, issue 8), that code was about half of the wasm every buyer downloads.
//! Here there is one element type, and every dynamic part is a boxed closure driven by one
//! `RenderEffect`, so a new view adds its own few calls and nothing more. Each generic method
//! below only boxes its closure and hands it to a plain function: keep it that way, or each
//! call site gets its own copy of the body.

use reactive_graph::effect::RenderEffect;
use reactive_graph::graph::untrack;
use reactive_graph::owner::{on_cleanup, Owner};
use std::time::Duration;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, Node};

/// One element being built; `.0` once it is done.
pub struct El(pub Element);

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    // The page's `window`, read once. `web_sys::window()` finds it through `globalThis` and an
    // `instanceof` check, which costs the wasm an import and code for what is always there.
    #[wasm_bindgen(thread_local_v2, js_name = window)]
    static WINDOW: web_sys::Window;
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// Any DOM object (document, element, window), for the calls the widget makes all the time,
    /// bound without web-sys's `catch`: they cannot throw with the widget's constant tags and
    /// names, its own nodes and its own listeners, and each `catch` costs the glue a wrapper and
    /// every call a check (bench/RESULTS.md).
    pub type Dom;
    #[wasm_bindgen(method, js_name = createElement)]
    fn create(this: &Dom, tag: &str) -> Element;
    #[wasm_bindgen(method, js_name = setAttribute)]
    pub fn set(this: &Dom, name: &str, value: &str);
    #[wasm_bindgen(method, js_name = removeAttribute)]
    pub fn unset(this: &Dom, name: &str);
    #[wasm_bindgen(method, js_name = appendChild)]
    pub fn append(this: &Dom, child: &Node);
    #[wasm_bindgen(method, js_name = insertBefore)]
    fn insert(this: &Dom, child: &Node, before: &Node);
    #[wasm_bindgen(method, js_name = addEventListener)]
    pub fn listen(this: &Dom, kind: &str, f: &JsValue);
    #[wasm_bindgen(method, js_name = requestAnimationFrame)]
    fn frame(this: &Dom, f: &JsValue);
    #[wasm_bindgen(method, js_name = setTimeout)]
    fn timeout(this: &Dom, f: &JsValue, ms: u32);
    #[wasm_bindgen(method, js_name = querySelector)]
    pub fn query(this: &Dom, selector: &str) -> Option<Element>;
    #[wasm_bindgen(method, js_name = querySelectorAll)]
    pub fn query_all(this: &Dom, selector: &str) -> web_sys::NodeList;
    /// A host page's listener that throws is reported by the browser, not thrown here.
    #[wasm_bindgen(method, js_name = dispatchEvent)]
    pub fn dispatch(this: &Dom, event: &web_sys::Event);
    #[wasm_bindgen(method)]
    pub fn focus(this: &Dom);
}

/// `node` (or the window) for the calls above.
pub fn dom(node: &JsValue) -> &Dom {
    node.unchecked_ref()
}

/// The page's window: the widget only ever runs in a page.
pub fn window() -> web_sys::Window {
    WINDOW.with(web_sys::Window::clone)
}

pub fn document() -> web_sys::Document {
    window().document().expect("a document")
}

/// `<tag>`.
pub fn el(tag: &str) -> El {
    El(dom(&document()).create(tag))
}

/// `<tag class="…">`, the most common start.
pub fn el_class(tag: &str, class: &str) -> El {
    el(tag).attr("class", class)
}

/// Keeps `effect` running for as long as the current owner (the widget, or the part of it
/// a `switch` built) is there.
fn keep(effect: RenderEffect<()>) {
    on_cleanup(move || drop(effect));
}

/// Runs `f` now and again whenever a signal it read changes.
pub fn effect(f: impl FnMut() + 'static) {
    effect_boxed(Box::new(f))
}

fn effect_boxed(mut f: Box<dyn FnMut()>) {
    keep(RenderEffect::new(move |_| f()));
}

impl El {
    pub fn attr(self, name: &str, value: &str) -> Self {
        dom(&self.0).set(name, value);
        self
    }

    /// An attribute that follows `f`; `None` removes it.
    pub fn attr_fn(self, name: &'static str, f: impl Fn() -> Option<String> + 'static) -> Self {
        self.attr_boxed(name, Box::new(f))
    }

    /// An ARIA state (`aria-invalid`, `aria-disabled`) that says "true" or "false" as `f` does.
    pub fn aria_fn(self, name: &'static str, f: impl Fn() -> bool + 'static) -> Self {
        self.attr_boxed(name, Box::new(move || Some(String::from(if f() { "true" } else { "false" }))))
    }

    /// A boolean attribute (`disabled`, `hidden`) present while `f` is true.
    pub fn flag_fn(self, name: &'static str, f: impl Fn() -> bool + 'static) -> Self {
        self.attr_boxed(name, Box::new(move || f().then(String::new)))
    }

    fn attr_boxed(self, name: &'static str, f: Box<dyn Fn() -> Option<String>>) -> Self {
        let el = self.0.clone();
        let mut last: Option<Option<String>> = None;
        effect_boxed(Box::new(move || {
            let value = f();
            if last.as_ref() == Some(&value) {
                return;
            }
            match &value {
                Some(v) => dom(&el).set(name, v),
                None => dom(&el).unset(name),
            }
            last = Some(value);
        }));
        self
    }

    /// A DOM property (`value`, `checked`) that follows `f`: properties, not attributes, are
    /// what an input shows once the buyer has touched it.
    pub fn prop_fn(self, name: &'static str, f: impl Fn() -> JsValue + 'static) -> Self {
        self.prop_boxed(name, Box::new(f))
    }

    fn prop_boxed(self, name: &'static str, f: Box<dyn Fn() -> JsValue>) -> Self {
        let el = JsValue::from(self.0.clone());
        let name = JsValue::from_str(name);
        effect_boxed(Box::new(move || {
            let value = f();
            // Writing the same value again would move the caret of an input being typed in.
            if js_sys::Reflect::get(&el, &name).is_ok_and(|now| js_sys::Object::is(&now, &value)) {
                return;
            }
            let _ = js_sys::Reflect::set(&el, &name, &value);
        }));
        self
    }

    /// Listens for `event` for as long as the element lives.
    pub fn on(self, event: &str, f: impl FnMut(web_sys::Event) + 'static) -> Self {
        self.on_boxed(event, Box::new(f))
    }

    fn on_boxed(self, event: &str, f: Box<dyn FnMut(web_sys::Event)>) -> Self {
        // Given to the browser: it is collected with the element.
        let f = Closure::wrap(f).into_js_value();
        dom(&self.0).listen(event, &f);
        self
    }

    pub fn text(self, text: &str) -> Self {
        dom(&self.0).append(&document().create_text_node(text));
        self
    }

    /// Text that is slow to make and not what the buyer came for (an event's date, through the
    /// browser's first date formatter): written now when `ready`, otherwise after the next
    /// paint, so the prices beside it are not held back by it.
    pub fn text_soon(self, ready: bool, f: impl FnOnce() -> String + 'static) -> Self {
        if ready {
            return self.text(&f());
        }
        let node = document().create_text_node("");
        dom(&self.0).append(&node);
        after_paint(Box::new(move || node.set_data(&f())));
        self
    }

    /// Text that follows `f`; the node stays in place, so a live region announces the change.
    pub fn text_fn(self, f: impl Fn() -> String + 'static) -> Self {
        self.text_boxed(Box::new(f))
    }

    fn text_boxed(self, f: Box<dyn Fn() -> String>) -> Self {
        let node = document().create_text_node("");
        dom(&self.0).append(&node);
        let mut last: Option<String> = None;
        effect_boxed(Box::new(move || {
            let text = f();
            if last.as_deref() != Some(text.as_str()) {
                node.set_data(&text);
                last = Some(text);
            }
        }));
        self
    }

    pub fn child(self, child: El) -> Self {
        dom(&self.0).append(&child.0);
        self
    }

    /// A child that may not be there.
    pub fn child_opt(self, child: Option<El>) -> Self {
        match child {
            Some(child) => self.child(child),
            None => self,
        }
    }

    pub fn children(self, children: Vec<El>) -> Self {
        children.into_iter().fold(self, El::child)
    }

    /// What `f` builds, built again whenever a signal `f` read changes: the old elements and
    /// the effects made for them go, and the new ones take their place.
    pub fn dyn_child(self, f: impl Fn() -> Option<El> + 'static) -> Self {
        self.region(Box::new(|| true), Box::new(move || f().into_iter().collect()))
    }

    /// Like `dyn_child`, for a list.
    pub fn dyn_children(self, f: impl Fn() -> Vec<El> + 'static) -> Self {
        self.region(Box::new(|| true), Box::new(f))
    }

    /// What `build` makes (read untracked), built again only when `key` changes: for parts
    /// with inputs in them, which must not be replaced under a buyer's typing.
    pub fn switch<K: PartialEq + 'static>(
        self,
        key: impl Fn() -> K + 'static,
        build: impl Fn() -> Vec<El> + 'static,
    ) -> Self {
        let mut last = None;
        let changed = move || {
            let key = Some(key());
            let changed = key != last;
            last = key;
            changed
        };
        self.region(Box::new(changed), Box::new(move || untrack(&build)))
    }

    /// The one place children come and go: whenever `changed` says so, `build` replaces what
    /// is shown.
    fn region(self, mut changed: Box<dyn FnMut() -> bool>, build: Box<dyn Fn() -> Vec<El>>) -> Self {
        let parent = self.0.clone();
        // Later siblings stay after the region's own nodes.
        let marker: Node = document().create_comment("").into();
        dom(&parent).append(&marker);
        // The parts' owner hangs off the view's owner, not the effect's: an effect clears its
        // own owner before every run, which would end the effects of parts kept as they are.
        let base = Owner::current().unwrap_or_default();
        let mut shown: Vec<Element> = Vec::new();
        let mut owner: Option<Owner> = None;
        effect_boxed(Box::new(move || {
            if !changed() {
                return;
            }
            let parts_owner = base.child();
            let parts = parts_owner.with(&build);
            if let Some(old) = owner.replace(parts_owner) {
                old.cleanup();
            }
            for old in shown.drain(..) {
                old.remove();
            }
            for part in parts {
                dom(&parent).insert(&part.0, &marker);
                shown.push(part.0);
            }
        }));
        self
    }
}

/// Runs `f` once the browser has painted what the DOM holds now: in a task queued from the next
/// animation frame, which comes just before that paint.
fn after_paint(f: Box<dyn FnOnce()>) {
    next_frame(move || set_timeout(f, Duration::ZERO));
}

/// Runs `f` before the browser's next paint, once this render pass is in the DOM.
pub fn next_frame(f: impl FnOnce() + 'static) {
    dom(&window()).frame(&js_once(f));
}

/// Runs `f` once, `pause` from now.
pub fn set_timeout(f: impl FnOnce() + 'static, pause: Duration) {
    dom(&window()).timeout(&js_once(f), pause.as_millis() as u32);
}

/// `f` as a JS function for a timer or a frame to call once. Every such callback is the same
/// `dyn FnMut()` closure type, so wasm-bindgen emits its glue once (`Closure::once_into_js`
/// emits it for each closure).
fn js_once(f: impl FnOnce() + 'static) -> JsValue {
    js_once_boxed(Box::new(f))
}

fn js_once_boxed(f: Box<dyn FnOnce()>) -> JsValue {
    let mut f = Some(f);
    Closure::<dyn FnMut()>::new(move || {
        if let Some(f) = f.take() {
            f()
        }
    })
    .into_js_value()
}

/// Builds a view under a new owner and puts it in `root`; the owner is what keeps the view's
/// effects and signals alive, and dropping it (or `cleanup`) ends them.
pub fn mount_in(root: &Node, view: impl FnOnce() -> El) -> Owner {
    init_executor();
    let owner = Owner::new();
    let node = owner.with(view);
    dom(root).append(&node.0);
    owner
}

/// `spawn_local` and effects run on the browser's microtask queue.
fn init_executor() {
    let _ = any_spawner::Executor::init_wasm_bindgen();
}

/// The `value` an input event's target has now.
pub fn target_value(ev: &web_sys::Event) -> String {
    ev.target()
        .and_then(|t| js_sys::Reflect::get(&t, &JsValue::from_str("value")).ok())
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}
