//! The widget's components in a real headless Chromium (wasm-bindgen-test): each test
//! mounts a piece into a fresh container with fixture data and reads the DOM as a buyer
//! would see it. No network: the end-to-end tests cover the proxy round trips.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use tessera_core::{
    AppliedPromo, CheckoutRequest, Currency, Customer, Discount, Event, EventId, EventStatus, EventSummary, Field,
    FieldError, Money, Problem, PromoCode, Snapshot, Tier, TierCount, TierId,
};
use tessera_widget::components::{BuyerForm, Ctx, OrderSummary, QuantityPicker, TierPicker};
use tessera_widget::order_state::OrderState;
use tessera_widget::wire::{self, ToJs};
use tessera_widget::{format, text};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn tier(id: &str, name: &str, pesos: i64, available: u32) -> Tier {
    Tier { id: TierId::parse(id).unwrap(), name: name.into(), price: Money::new(pesos * 100, Currency::PHP), available }
}

fn jazz() -> Event {
    Event {
        id: EventId::parse("jazz").unwrap(),
        title: "Manila Jazz Night".into(),
        status: EventStatus::Active,
        start_datetime: "2026-12-12T20:00:00+08:00".into(),
        venue_name: Some("The Podium Hall".into()),
        description: None,
        currency: Currency::PHP,
        tiers: vec![
            tier("ga", "General Admission", 1000, 160),
            tier("vip", "VIP", 2500, 3),
            tier("early", "Early Bird", 750, 0),
        ],
    }
}

/// A fresh container in the document, and an order for the Jazz fixture with `tier` chosen.
fn setup(tier: &str) -> (HtmlElement, OrderState) {
    let document = web_sys::window().unwrap().document().unwrap();
    let container: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&container).unwrap();
    let order = OrderState::new();
    order.event.set(Some(jazz()));
    order.tier.set(Some(TierId::parse(tier).unwrap()));
    (container, order)
}

fn ctx() -> Ctx {
    let host: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    Ctx { proxy: "http://127.0.0.1:9".into(), locale: "en-PH".into(), t: text::texts("en"), host }
}

fn find(root: &HtmlElement, selector: &str) -> HtmlElement {
    root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("no {selector}")).unchecked_into()
}

fn input(root: &HtmlElement, selector: &str) -> HtmlInputElement {
    find(root, selector).unchecked_into()
}

/// Lets Leptos run effects and re-render after a change.
async fn settle() {
    let p = js_sys::Promise::resolve(&wasm_bindgen::JsValue::NULL);
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
    gloo_timer().await;
}

async fn gloo_timer() {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 10).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

#[wasm_bindgen_test]
fn money_is_formatted_by_the_browser_for_the_locale() {
    assert_eq!(format::money(Money::new(100_000, Currency::PHP), "en-PH"), "₱1,000.00");
    assert_eq!(format::money(Money::new(100_000, Currency::EUR), "de-DE").replace('\u{a0}', " "), "1.000,00 €");
    assert_eq!(format::money(Money::new(1_000, Currency::BRL), "pt-BR").replace('\u{a0}', " "), "R$ 10,00");
}

#[wasm_bindgen_test]
fn event_dates_show_the_events_own_wall_clock_time() {
    let shown = format::event_date("2026-12-12T20:00:00+08:00", "en-US");
    assert!(shown.contains("Dec") && shown.contains("12") && shown.contains("8:00"), "{shown}");
    assert!(shown.contains("PM"), "{shown}");
}

#[wasm_bindgen_test]
async fn tiers_show_price_and_availability_and_sold_out_cannot_be_chosen() {
    let (root, order) = setup("ga");
    let c = ctx();
    leptos::mount::mount_to(root.clone(), move || {
        provide_context(c);
        view! { <TierPicker order=order/> }
    })
    .forget();
    settle().await;
    let text = root.text_content().unwrap();
    assert!(text.contains("General Admission") && text.contains("₱1,000.00") && text.contains("160 left"), "{text}");
    assert!(text.contains("Only 3 left"), "{text}");
    assert!(text.contains("Sold out"), "{text}");
    assert!(input(&root, "#tier-early").disabled(), "sold-out tier must be disabled");
    assert!(input(&root, "#tier-ga").checked());
    // Choosing VIP by its label updates the order.
    find(&root, "label[for=tier-vip]").click();
    settle().await;
    assert_eq!(order.tier.get_untracked().unwrap().as_str(), "vip");
}

#[wasm_bindgen_test]
async fn quantity_is_bounded_by_what_the_tier_has_left() {
    let (root, order) = setup("vip");
    let c = ctx();
    leptos::mount::mount_to(root.clone(), move || {
        provide_context(c);
        view! { <QuantityPicker order=order/> }
    })
    .forget();
    settle().await;
    let more = find(&root, "button[aria-label='More tickets']");
    for _ in 0..5 {
        more.click();
        settle().await;
    }
    assert_eq!(order.quantity.get_untracked(), 3, "VIP has 3 left");
    assert_eq!(input(&root, "#tessera-qty").value(), "3");
    assert!(more.unchecked_ref::<web_sys::HtmlButtonElement>().disabled());
    assert!(root.text_content().unwrap().contains("Up to 3 per order"));
    // Typing more than allowed is clamped, not accepted.
    let field = input(&root, "#tessera-qty");
    field.set_value("9");
    field.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    settle().await;
    assert_eq!(order.quantity.get_untracked(), 3);
}

#[wasm_bindgen_test]
async fn buyer_fields_show_inline_problems_once_left_and_link_them_for_screen_readers() {
    let (root, order) = setup("ga");
    let c = ctx();
    leptos::mount::mount_to(root.clone(), move || {
        provide_context(c);
        view! { <BuyerForm order=order/> }
    })
    .forget();
    settle().await;
    let email = input(&root, "#tessera-email");
    assert_eq!(email.get_attribute("aria-invalid").as_deref(), Some("false"));
    assert!(root.query_selector(".tessera-field-error").unwrap().is_none(), "no error before the buyer types");

    email.set_value("juan@");
    email.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    email.dispatch_event(&web_sys::Event::new("blur").unwrap()).unwrap();
    settle().await;
    assert_eq!(email.get_attribute("aria-invalid").as_deref(), Some("true"));
    let described = email.get_attribute("aria-describedby").unwrap();
    let message = find(&root, &format!("#{described}")).text_content().unwrap();
    assert!(message.contains("name@example.com"), "{message}");

    email.set_value("juan@example.com");
    email.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    settle().await;
    assert_eq!(email.get_attribute("aria-invalid").as_deref(), Some("false"));

    order.show_all.set(true);
    settle().await;
    let text = root.text_content().unwrap();
    assert!(text.contains("Please enter your full name."), "{text}");
    assert!(!text.contains("Please enter your phone"), "phone is optional: {text}");
}

#[wasm_bindgen_test]
async fn the_summary_prices_the_order_with_core_and_follows_the_quantity() {
    let (root, order) = setup("ga");
    let c = ctx();
    leptos::mount::mount_to(root.clone(), move || {
        provide_context(c);
        view! { <OrderSummary order=order/> }
    })
    .forget();
    order.quantity.set(2);
    settle().await;
    let text = root.text_content().unwrap();
    assert!(text.contains("2 × General Admission"), "{text}");
    assert_eq!(find(&root, ".tessera-total-amount").text_content().unwrap(), "₱2,000.00");
    order.quantity.set(3);
    settle().await;
    assert_eq!(find(&root, ".tessera-total-amount").text_content().unwrap(), "₱3,000.00");
}

// --- wire: the widget reads and writes the proxy's JSON without serde; serde writes and
// reads it on the proxy. Each fixture goes through both, so a renamed field fails here.

fn promo(discount: Discount) -> AppliedPromo {
    AppliedPromo { code: PromoCode::parse("earlybird").unwrap(), discount }
}

#[wasm_bindgen_test]
fn wire_reads_what_the_proxys_serde_writes() {
    let mut event = jazz();
    assert_eq!(wire::parse::<Event>(&serde_json::to_string(&event).unwrap()), Some(event.clone()));
    event.venue_name = None;
    event.description = Some("Doors at 7".into());
    assert_eq!(wire::parse::<Event>(&serde_json::to_string(&event).unwrap()), Some(event.clone()));

    let summary = event.summary();
    assert_eq!(wire::parse::<EventSummary>(&serde_json::to_string(&summary).unwrap()), Some(summary));
    let empty = EventSummary { lowest_price: None, ..jazz().summary() };
    assert_eq!(wire::parse::<EventSummary>(&serde_json::to_string(&empty).unwrap()), Some(empty));

    let snapshot = Snapshot {
        status: EventStatus::Active,
        tiers: vec![TierCount { id: TierId::parse("ga").unwrap(), available: 158 }],
    };
    assert_eq!(wire::parse::<Snapshot>(&serde_json::to_string(&snapshot).unwrap()), Some(snapshot));

    for discount in [
        Discount::Percentage { basis_points: 2000 },
        Discount::FixedAmount { amount: Money::new(50_000, Currency::PHP) },
    ] {
        let applied = promo(discount);
        assert_eq!(wire::parse::<AppliedPromo>(&serde_json::to_string(&applied).unwrap()), Some(applied));
    }

    let problems = [Problem::Missing, Problem::AboveAvailability(3), Problem::TooLong(40), Problem::UsedUp];
    for (field, problem) in Field::ALL.into_iter().zip(problems.into_iter().cycle()) {
        let error = FieldError { field, problem };
        assert_eq!(wire::parse::<FieldError>(&serde_json::to_string(&error).unwrap()), Some(error));
    }
}

#[wasm_bindgen_test]
fn wire_refuses_shapes_the_proxy_never_sends() {
    let good = serde_json::to_value(jazz()).unwrap();
    let variants: [(&str, serde_json::Value); 5] = [
        ("a fractional amount", serde_json::json!(1.5)),
        ("a negative count", serde_json::json!(-1)),
        ("a path as id", serde_json::json!("../admin")),
        ("a number as title", serde_json::json!(7)),
        ("no tiers", serde_json::Value::Null),
    ];
    for (what, value) in variants {
        let mut bad = good.clone();
        match what {
            "a fractional amount" => bad["tiers"][0]["price"]["amount"] = value,
            "a negative count" => bad["tiers"][0]["available"] = value,
            "a path as id" => bad["id"] = value,
            "a number as title" => bad["title"] = value,
            _ => bad["tiers"] = value,
        }
        assert_eq!(wire::parse::<Event>(&bad.to_string()), None, "{what}");
    }
    assert!(wire::parse::<Event>("not json").is_none());
}

#[wasm_bindgen_test]
fn wire_writes_what_the_proxys_serde_reads() {
    let mut request = CheckoutRequest {
        event_id: "jazz".into(),
        tier_id: "vip".into(),
        quantity: 2,
        customer: Customer { name: "Ana Cruz".into(), email: "ana@example.com".into(), phone: None },
        promo_code: None,
    };
    // CheckoutRequest refuses unknown fields: an extra key written here would fail the parse.
    let text = |r: &CheckoutRequest| wire::stringify(&r.to_js()).unwrap();
    assert_eq!(serde_json::from_str::<CheckoutRequest>(&text(&request)).unwrap(), request);
    request.customer.phone = Some("+63 917 123 4567".into());
    request.promo_code = Some("EARLYBIRD".into());
    assert_eq!(serde_json::from_str::<CheckoutRequest>(&text(&request)).unwrap(), request);

    let money = Money::new(160_000, Currency::PHP);
    assert_eq!(serde_json::from_str::<Money>(&wire::stringify(&money.to_js()).unwrap()).unwrap(), money);
}
