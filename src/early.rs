//! What a buyer did in a first view before the wasm ran, carried over when the wasm takes it
//! over: hydration sets each input's value and checked state from the widget's signals, which
//! would wipe a name typed or a tier chosen while the wasm was still arriving.

use wasm_bindgen::JsCast;
use web_sys::{Event, EventInit, HtmlElement, HtmlInputElement};

/// An input the buyer changed: its value and whether it is checked, as they left it.
pub struct Changed {
    input: HtmlInputElement,
    value: String,
    checked: bool,
}

/// The inputs in `root` whose value or checked state differs from what the first view drew.
pub fn changed_inputs(root: &HtmlElement) -> Vec<Changed> {
    let Ok(inputs) = root.query_selector_all("input") else { return Vec::new() };
    (0..inputs.length())
        .filter_map(|i| inputs.item(i)?.dyn_into::<HtmlInputElement>().ok())
        .filter(|input| input.value() != input.default_value() || input.checked() != input.default_checked())
        .map(|input| Changed { value: input.value(), checked: input.checked(), input })
        .collect()
}

/// `changed` put back as the buyer left them, each announced to the widget as the buyer's own
/// input would have been (`input`, then `change`), so its signals hold them too.
pub fn restore(changed: Vec<Changed>) {
    let init = EventInit::new();
    init.set_bubbles(true);
    for Changed { input, value, checked } in changed {
        let radio = matches!(input.type_().as_str(), "radio" | "checkbox");
        if radio && !checked {
            continue; // the one checked instead says it
        }
        if radio {
            input.set_checked(true);
        } else {
            input.set_value(&value);
        }
        for kind in ["input", "change"] {
            if let Ok(event) = Event::new_with_event_init_dict(kind, &init) {
                let _ = input.dispatch_event(&event);
            }
        }
    }
}

/// Tells the loader the widget now answers clicks, so it replays those made before (`tessera-hydrated` on `root`).
pub fn announce_hydrated(root: &HtmlElement) {
    if let Ok(event) = Event::new("tessera-hydrated") {
        let _ = root.dispatch_event(&event);
    }
}
