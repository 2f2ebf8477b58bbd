//! GA4's ecommerce events (`view_item`, `select_item`, `begin_checkout`, `purchase`) pushed to
//! `window.dataLayer`, Google Tag Manager's queue, when the site owner puts
//! `data-tessera-datalayer` on the widget's element. GA4 wants prices as numbers in major units;
//! they are for reports only, so a float is fine here (the order itself stays in minor units).

use serde::Serialize;
use tessera_core::{Money, Tier};
use wasm_bindgen::{JsCast, JsValue};

#[derive(Serialize)]
pub struct Ecommerce<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coupon: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_list_name: Option<&'a str>,
    pub items: Vec<Item<'a>>,
}

/// A tier of an event: GA4's item is what is sold, so its id is the tier's and its variant the
/// tier's name.
#[derive(Serialize)]
pub struct Item<'a> {
    pub item_id: &'a str,
    pub item_name: &'a str,
    pub item_variant: &'a str,
    pub price: f64,
    pub quantity: u32,
}

impl<'a> Item<'a> {
    pub fn of(title: &'a str, tier_id: &'a str, tier_name: &'a str, price: Money, quantity: u32) -> Self {
        Item { item_id: tier_id, item_name: title, item_variant: tier_name, price: major(price), quantity }
    }

    pub fn tier(title: &'a str, tier: &'a Tier, quantity: u32) -> Self {
        Item::of(title, tier.id.as_str(), &tier.name, tier.price, quantity)
    }
}

impl Ecommerce<'_> {
    pub fn items(items: Vec<Item<'_>>) -> Ecommerce<'_> {
        Ecommerce { transaction_id: None, currency: None, value: None, coupon: None, item_list_name: None, items }
    }
}

/// `money` in major units, as GA4's `value` and `price` take it.
pub fn major(money: Money) -> f64 {
    money.amount as f64 / 10f64.powi(money.currency.exponent() as i32)
}

#[derive(Serialize)]
struct Push<'a> {
    event: &'a str,
    ecommerce: &'a Ecommerce<'a>,
}

/// Pushes `{ecommerce: null}` and then the event, as Google's guide asks, so one event's fields
/// never leak into the next one's in GTM's merged state.
pub fn push(event: &str, ecommerce: &Ecommerce<'_>) {
    let Some(window) = web_sys::window() else { return };
    let name = JsValue::from_str("dataLayer");
    let layer = js_sys::Reflect::get(&window, &name).ok().filter(JsValue::is_object).unwrap_or_else(|| {
        let fresh = js_sys::Array::new();
        let _ = js_sys::Reflect::set(&window, &name, &fresh);
        fresh.into()
    });
    // GTM replaces the array's `push` with its own: call whatever is there.
    let Some(push) =
        js_sys::Reflect::get(&layer, &"push".into()).ok().and_then(|f| f.dyn_into::<js_sys::Function>().ok())
    else {
        return;
    };
    let clear = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&clear, &"ecommerce".into(), &JsValue::NULL);
    let _ = push.call1(&layer, &clear);
    let _ = push.call1(&layer, &crate::json::to_js(&Push { event, ecommerce }));
}
