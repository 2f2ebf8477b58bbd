//! DOM events the widget sends to the host page for its analytics: `tessera:ready`,
//! `tessera:tier-change`, `tessera:checkout`, `tessera:purchase` (back from a paid checkout),
//! `tessera:handoff` (a buyer leaving for a platform that sells the event on its own page) and
//! `tessera:error`. loader/tessera.d.ts types each detail; a test holds the two together. They bubble and cross the shadow
//! root, so one listener on `document` hears every widget. Each detail is a serde type here.

use serde::Serialize;
use tessera_core::Money;
use wasm_bindgen::JsCast;
use web_sys::{CustomEvent, CustomEventInit, HtmlElement};

#[derive(Serialize)]
pub struct Ready<'a> {
    pub event_id: &'a str,
    pub title: &'a str,
}

#[derive(Serialize)]
pub struct TierChange<'a> {
    pub event_id: &'a str,
    pub tier_id: &'a str,
    pub tier_name: &'a str,
    pub price: Money,
}

#[derive(Serialize)]
pub struct Checkout<'a> {
    pub event_id: &'a str,
    pub tier_id: &'a str,
    pub quantity: u32,
    pub total: Option<Money>,
    pub promo_code: Option<&'a str>,
}

/// Back from a paid checkout: what was bought, and the platform's reference. No personal data.
#[derive(Serialize)]
pub struct Purchase<'a> {
    pub event_id: &'a str,
    pub title: &'a str,
    pub tier_id: &'a str,
    pub tier_name: &'a str,
    pub quantity: u32,
    pub total: Option<Money>,
    pub checkout_id: &'a str,
}

#[derive(Serialize)]
pub struct Handoff<'a> {
    pub event_id: &'a str,
    pub platform: &'a str,
    pub url: &'a str,
}

#[derive(Serialize)]
pub struct Error<'a> {
    /// The proxy's error code (README, "Errors"), or `unreachable`.
    pub kind: &'a str,
    /// What the buyer was told.
    pub message: &'a str,
}

/// Sends `tessera:{name}` from `host` with `detail` as plain JSON data.
pub fn emit(host: &HtmlElement, name: &str, detail: &impl Serialize) {
    let detail = crate::json::to_js(detail);
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&detail);
    if let Ok(event) = CustomEvent::new_with_event_init_dict(&format!("tessera:{name}"), &init) {
        let _ = host.unchecked_ref::<web_sys::EventTarget>().dispatch_event(&event);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tessera_core::Currency;

    /// The fields `interface` declares in loader/tessera.d.ts, in order.
    fn declared(interface: &str) -> Vec<String> {
        let file = include_str!("../loader/tessera.d.ts");
        let start = file.find(&format!("export interface {interface} {{")).unwrap_or_else(|| panic!("no {interface}"));
        let body = &file[start..];
        let body = &body[body.find('{').unwrap() + 1..body.find("\n}").unwrap()];
        body.lines()
            .map(str::trim)
            .filter(|l| !l.starts_with("/**") && !l.starts_with('*') && l.contains(':'))
            .map(|l| l.split(':').next().unwrap().trim_end_matches('?').to_owned())
            .collect()
    }

    fn fields(detail: impl Serialize) -> Vec<String> {
        let value = serde_json::to_value(detail).unwrap();
        // serde_json keeps the struct's order with `preserve_order`; compare as sets otherwise.
        let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    }

    fn sorted(mut v: Vec<String>) -> Vec<String> {
        v.sort();
        v
    }

    #[test]
    fn the_declaration_file_has_every_field_of_every_detail_and_no_other() {
        let php = Money::new(100_000, Currency::parse("PHP").unwrap());
        let (e, t) = ("ev", "tier");
        let cases: [(&str, Vec<String>); 7] = [
            ("TesseraReadyDetail", fields(Ready { event_id: e, title: "T" })),
            ("TesseraTierChangeDetail", fields(TierChange { event_id: e, tier_id: t, tier_name: "VIP", price: php })),
            (
                "TesseraCheckoutDetail",
                fields(Checkout { event_id: e, tier_id: t, quantity: 2, total: Some(php), promo_code: None }),
            ),
            (
                "TesseraPurchaseDetail",
                fields(Purchase {
                    event_id: e,
                    title: "T",
                    tier_id: t,
                    tier_name: "VIP",
                    quantity: 2,
                    total: Some(php),
                    checkout_id: "cs_1",
                }),
            ),
            ("TesseraHandoffDetail", fields(Handoff { event_id: e, platform: "ticketwave", url: "https://x.example" })),
            ("TesseraErrorDetail", fields(Error { kind: "sold_out", message: "m" })),
            ("TesseraMoney", fields(php)),
        ];
        for (interface, rust) in cases {
            assert_eq!(sorted(declared(interface)), rust, "{interface} in loader/tessera.d.ts");
        }
    }
}
