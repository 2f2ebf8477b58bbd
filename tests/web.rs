//! The widget's components in a real headless Chromium (wasm-bindgen-test): each test
//! mounts a piece into a fresh container with fixture data and reads the DOM as a buyer
//! would see it. No network: the end-to-end tests cover the proxy round trips. A whole event
//! view reads its event from a stand-in `fetch` and its live updates from a stand-in
//! `EventSource` (see `serve`), fed what the proxy's serde writes.
#![cfg(target_arch = "wasm32")]

use reactive_graph::owner::Owner;
use tessera_core::{
    AppliedPromo, CheckoutRequest, Currency, Customer, Discount, Event, EventId, EventStatus, EventSummary, Field,
    FieldError, Money, Problem, PromoCode, Resale, Snapshot, SoldElsewhere, Tier, TierCount, TierId,
};
use tessera_widget::api::EventRead;
use tessera_widget::components::{self, buyer_form, order_summary, quantity_picker, tier_picker, Ctx};
use tessera_widget::dom::{self, El};
use tessera_widget::order_state::OrderState;
use tessera_widget::state::{Kept, Sig};
use tessera_widget::wire::{self, ToJs};
use tessera_widget::{format, text};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn tier(id: &str, name: &str, pesos: i64, available: u32) -> Tier {
    Tier::new(TierId::parse(id).unwrap(), name, Money::new(pesos * 100, Currency::PHP), available)
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
        sold_elsewhere: None,
        resale: None,
    }
}

/// A fresh container in the document, and an order for the Jazz fixture with `tier` chosen.
fn setup(tier: &str) -> (HtmlElement, OrderState) {
    let container = container();
    let order = OrderState::new();
    order.event.set(Some(jazz()));
    order.tier.set(Some(TierId::parse(tier).unwrap()));
    (container, order)
}

fn ctx() -> Ctx {
    let host: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    Ctx { proxy: "http://127.0.0.1:9".into(), locale: "en-PH".into(), t: &text::EN, host }
}

fn find(root: &HtmlElement, selector: &str) -> HtmlElement {
    root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("no {selector}")).unchecked_into()
}

fn input(root: &HtmlElement, selector: &str) -> HtmlInputElement {
    find(root, selector).unchecked_into()
}

/// `view` built in `root` for the widget `c` (leaked, as `components::widget` does); dropping
/// the owner ends it.
fn mount(root: &HtmlElement, c: Ctx, view: impl FnOnce(&'static Ctx) -> El + 'static) -> Owner {
    let c: &'static Ctx = Box::leak(Box::new(c));
    dom::mount_in(root, move || view(c))
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

/// What the browser's own Intl writes for `m` in `locale`.
fn intl_money(m: Money, locale: &str) -> String {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"style".into(), &"currency".into()).unwrap();
    js_sys::Reflect::set(&options, &"currency".into(), &m.currency.code().into()).unwrap();
    let f = js_sys::Intl::NumberFormat::new(&js_sys::Array::of1(&locale.into()), &options);
    let major = m.amount as f64 / 10f64.powi(m.currency.exponent() as i32);
    f.format().call1(&wasm_bindgen::JsValue::NULL, &major.into()).unwrap().as_string().unwrap()
}

#[wasm_bindgen_test]
fn money_written_here_is_what_the_browsers_intl_writes() {
    // Every currency with a sign of its own here, one without, and ones of 0 and 3 digits.
    let codes = ["PHP", "EUR", "BRL", "AUD", "USD", "GBP", "JPY", "CHF", "KWD", "CAD"];
    let amounts = [0, 5, 99, 1_000, 100_000, 123_456_789, -40_000];
    let mut checked = 0;
    for locale in format::WRITTEN_HERE {
        for code in codes {
            for amount in amounts {
                let m = Money::new(amount, Currency::parse(code).unwrap());
                assert_eq!(format::money(m, locale), intl_money(m, locale), "{locale} {code} {amount}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 5 * 10 * 7);
    // Other English locales write some signs differently, so they stay with Intl.
    let dollars = Money::new(500, Currency::USD);
    assert_eq!(format::money(dollars, "en-GB"), "US$5.00");
    assert_eq!(format::money(dollars, "en-CA"), "US$5.00");
}

#[wasm_bindgen_test]
fn percentage_discounts_are_formatted_for_the_locale() {
    assert_eq!(format::percent(2_000, "en-PH"), "20%");
    assert_eq!(format::percent(1_250, "en-US"), "12.5%");
    assert_eq!(format::percent(1_250, "de-DE").replace('\u{a0}', " "), "12,5 %");
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
    std::mem::forget(mount(&root, c, move |c| tier_picker(c, order, false)));
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
    std::mem::forget(mount(&root, c, move |c| quantity_picker(c, order)));
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
    std::mem::forget(mount(&root, c, move |c| buyer_form(c, order)));
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
    std::mem::forget(mount(&root, c, move |c| order_summary(c, order)));
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

    // The platform's per-order rules and sale periods, and where else the event is sold.
    event.tiers[0].min_per_order = Some(2);
    event.tiers[0].max_per_order = Some(4);
    event.tiers[1].sale_opens_at = Some("2030-03-01T10:00:00-03:00".into());
    event.tiers[2].sale_closed = true;
    event.sold_elsewhere =
        Some(SoldElsewhere { platform: "TicketWave".into(), url: Some("https://tw.example/e/1".into()) });
    event.resale = Some(Resale { platform: "Tixel".into(), sold: 12 });
    assert_eq!(wire::parse::<Event>(&serde_json::to_string(&event).unwrap()), Some(event.clone()));
    event.sold_elsewhere = Some(SoldElsewhere { platform: "vivenu".into(), url: None });
    assert_eq!(wire::parse::<Event>(&serde_json::to_string(&event).unwrap()), Some(event.clone()));

    // `GET /api/v1/events/{id}`: the event flattened, with `stale` only when it is.
    let read = wire::parse::<EventRead>(&serde_json::to_string(&event).unwrap()).unwrap();
    assert_eq!((read.event, read.stale), (event.clone(), false));
    let read = wire::parse::<EventRead>(&event_json(&event, true)).unwrap();
    assert_eq!((read.event, read.stale), (event.clone(), true));

    let summary = event.summary();
    assert_eq!(wire::parse::<EventSummary>(&serde_json::to_string(&summary).unwrap()), Some(summary));
    let empty = EventSummary { lowest_price: None, ..jazz().summary() };
    assert_eq!(wire::parse::<EventSummary>(&serde_json::to_string(&empty).unwrap()), Some(empty));

    let snapshot = Snapshot {
        status: EventStatus::Active,
        tiers: vec![TierCount { id: TierId::parse("ga").unwrap(), available: 158 }],
        stale: false,
    };
    assert_eq!(wire::parse::<Snapshot>(&serde_json::to_string(&snapshot).unwrap()), Some(snapshot.clone()));
    let stale = Snapshot { stale: true, ..snapshot };
    assert_eq!(wire::parse::<Snapshot>(&serde_json::to_string(&stale).unwrap()), Some(stale));

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
    let variants: [(&str, serde_json::Value); 10] = [
        ("a fractional amount", serde_json::json!(1.5)),
        ("a negative count", serde_json::json!(-1)),
        ("a path as id", serde_json::json!("../admin")),
        ("a number as title", serde_json::json!(7)),
        ("a negative minimum", serde_json::json!(-2)),
        ("a word as sale_closed", serde_json::json!("yes")),
        ("a number as sale_opens_at", serde_json::json!(2030)),
        ("sold_elsewhere without platform", serde_json::json!({"url": "https://tw.example/"})),
        ("resale without a count", serde_json::json!({"platform": "Tixel"})),
        ("no tiers", serde_json::Value::Null),
    ];
    for (what, value) in variants {
        let mut bad = good.clone();
        match what {
            "a fractional amount" => bad["tiers"][0]["price"]["amount"] = value,
            "a negative count" => bad["tiers"][0]["available"] = value,
            "a path as id" => bad["id"] = value,
            "a number as title" => bad["title"] = value,
            "a negative minimum" => bad["tiers"][0]["min_per_order"] = value,
            "a word as sale_closed" => bad["tiers"][0]["sale_closed"] = value,
            "a number as sale_opens_at" => bad["tiers"][0]["sale_opens_at"] = value,
            "sold_elsewhere without platform" => bad["sold_elsewhere"] = value,
            "resale without a count" => bad["resale"] = value,
            _ => bad["tiers"] = value,
        }
        assert_eq!(wire::parse::<Event>(&bad.to_string()), None, "{what}");
    }
    let mut stale = good.clone();
    stale["stale"] = serde_json::json!("maybe");
    assert!(wire::parse::<EventRead>(&stale.to_string()).is_none(), "a stale flag that is not a boolean");
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

// --- tiers outside their sale period, the platform's per-order rules

/// The Jazz fixture with a presale tier whose sale opens later and a tier whose sale is over,
/// around General Admission.
fn with_sale_periods() -> Event {
    let mut event = jazz();
    let mut presale = tier("presale", "Presale", 900, 50);
    presale.sale_opens_at = Some("2030-03-01T10:00:00-03:00".into());
    let mut closed = tier("door", "Door", 1200, 40);
    closed.sale_closed = true;
    event.tiers = vec![presale, tier("ga", "General Admission", 1000, 160), closed];
    event
}

#[wasm_bindgen_test]
async fn tiers_outside_their_sale_period_show_name_price_and_why_and_cannot_be_chosen() {
    let (root, order) = setup("ga");
    order.event.set(Some(with_sale_periods()));
    order.tier.set(None);
    order.settle_selection(None);
    assert_eq!(order.tier.get_untracked().unwrap().as_str(), "ga", "the first tier on sale is chosen");
    let c = ctx();
    std::mem::forget(mount(&root, c, move |c| tier_picker(c, order, false)));
    settle().await;
    let when = format::event_date("2030-03-01T10:00:00-03:00", "en-PH");
    let presale = find(&root, "label[for=tier-presale]").text_content().unwrap();
    assert!(presale.contains("Presale") && presale.contains("₱900.00"), "{presale}");
    assert!(presale.contains(&format!("Sale opens {when}")), "{presale}");
    assert!(!presale.contains("50 left"), "{presale}");
    let door = find(&root, "label[for=tier-door]").text_content().unwrap();
    assert!(door.contains("Door") && door.contains("₱1,200.00") && door.contains("Not on sale"), "{door}");
    assert!(input(&root, "#tier-presale").disabled() && input(&root, "#tier-door").disabled());
    assert!(!input(&root, "#tier-ga").disabled());
    // Its label does nothing either.
    find(&root, "label[for=tier-presale]").click();
    settle().await;
    assert_eq!(order.tier.get_untracked().unwrap().as_str(), "ga");
}

#[wasm_bindgen_test]
async fn quantity_starts_at_the_tiers_minimum_and_stays_within_its_rules() {
    let (root, order) = setup("ga");
    let mut event = jazz();
    event.tiers[0].min_per_order = Some(2);
    event.tiers[0].max_per_order = Some(4);
    order.event.set(Some(event));
    order.settle_selection(None);
    assert_eq!(order.quantity.get_untracked(), 2, "a tier of at least 2 starts at 2");
    let c = ctx();
    std::mem::forget(mount(&root, c, move |c| quantity_picker(c, order)));
    settle().await;
    assert_eq!(input(&root, "#tessera-qty").value(), "2");
    let fewer = find(&root, "button[aria-label='Fewer tickets']");
    assert!(fewer.unchecked_ref::<web_sys::HtmlButtonElement>().disabled(), "cannot go below 2");
    assert!(root.text_content().unwrap().contains("2 to 4 per order"), "{}", root.text_content().unwrap());
    let more = find(&root, "button[aria-label='More tickets']");
    for _ in 0..5 {
        more.click();
        settle().await;
    }
    assert_eq!(order.quantity.get_untracked(), 4, "at most 4 per order");
    let field = input(&root, "#tessera-qty");
    field.set_value("1");
    field.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    settle().await;
    assert_eq!(order.quantity.get_untracked(), 2, "typing 1 gives the minimum");
    assert!(order.problems().iter().all(|p| p.field != Field::Quantity), "{:?}", order.problems());
}

// --- the whole event view against a stand-in proxy

/// The event as `GET /api/v1/events/{id}` answers it, `stale` when the platform was unreachable.
fn event_json(event: &Event, stale: bool) -> String {
    let mut v = serde_json::to_value(event).unwrap();
    if stale {
        v["stale"] = serde_json::Value::Bool(true);
    }
    v.to_string()
}

/// Replaces the page's `fetch` and `EventSource` (once): events are answered from
/// `__tessera.bodies[id]` (404 when absent), and every stream opened is kept to push to.
fn stand_in_proxy() {
    js_sys::Function::new_no_args(
        r#"
        if (globalThis.__tessera) return;
        const t = globalThis.__tessera = { bodies: {}, reads: {}, sources: [] };
        window.fetch = async (url) => {
            const id = decodeURIComponent(String(url).split('/').pop());
            t.reads[id] = (t.reads[id] || 0) + 1;
            const body = t.bodies[id];
            return body === undefined
                ? new Response('{"error":{"message":"Event not found","status":404}}', { status: 404 })
                : new Response(body, { status: 200, headers: { 'content-type': 'application/json' } });
        };
        window.EventSource = class extends EventTarget {
            constructor(url) { super(); this.url = String(url); this.readyState = 1; t.sources.push(this); }
            close() { this.readyState = 2; }
        };
        "#,
    )
    .call0(&wasm_bindgen::JsValue::NULL)
    .unwrap();
}

/// What the stand-in proxy answers for `id` from now on.
fn serve(id: &str, body: &str) {
    stand_in_proxy();
    js_sys::Function::new_with_args("id, body", "globalThis.__tessera.bodies[id] = body;")
        .call2(&wasm_bindgen::JsValue::NULL, &id.into(), &body.into())
        .unwrap();
}

/// Sends `snapshot` as an `availability` event on every open stream of `id`.
fn push(id: &str, snapshot: &Snapshot) {
    let code = "for (const s of globalThis.__tessera.sources) \
        if (s.readyState !== 2 && s.url.includes('/events/' + id + '/live')) \
            s.dispatchEvent(new MessageEvent('availability', { data }));";
    let data = serde_json::to_string(snapshot).unwrap();
    js_sys::Function::new_with_args("id, data", code)
        .call2(&wasm_bindgen::JsValue::NULL, &id.into(), &data.into())
        .unwrap();
}

/// Waits (up to `seconds`) until `root` shows `text`, or fails with what it shows.
async fn until_shown(root: &HtmlElement, text: &str, seconds: u32) {
    for _ in 0..seconds * 50 {
        if root.text_content().unwrap_or_default().contains(text) {
            return;
        }
        gloo_timer().await;
        gloo_timer().await;
    }
    panic!("never showed {text:?}; shows {:?}", root.text_content());
}

async fn until_gone(root: &HtmlElement, text: &str, seconds: u32) {
    for _ in 0..seconds * 50 {
        if !root.text_content().unwrap_or_default().contains(text) {
            return;
        }
        gloo_timer().await;
        gloo_timer().await;
    }
    panic!("still shows {text:?}: {:?}", root.text_content());
}

/// An event view of `event` as the stand-in proxy serves it, once its title is shown; its
/// container and the host element the widget's DOM events come from.
async fn event_view(event: &Event, stale: bool) -> (HtmlElement, HtmlElement, impl Sized) {
    let id = event.id.to_string();
    serve(&id, &event_json(event, stale));
    let (root, _) = setup("ga");
    let c = ctx();
    let host = c.host.clone();
    let handle = mount(&root, c, move |c| components::event_view(c, id, None, None));
    until_shown(&root, &event.title, 3).await;
    settle().await;
    (root, host, handle)
}

/// The polite live region the event view announces every change in.
fn heard(root: &HtmlElement) -> String {
    find(root, "p.tessera-visually-hidden[aria-live=polite]").text_content().unwrap()
}

/// The visible note beside the tiers, itself a polite live region (`role="status"`).
fn note(root: &HtmlElement) -> String {
    find(root, "form p.tessera-live-note[role=status]").text_content().unwrap()
}

const STALE: &str = "Availability may be out of date: we can't reach the ticketing platform right now.";

fn event_called(id: &str) -> Event {
    Event { id: EventId::parse(id).unwrap(), ..jazz() }
}

#[wasm_bindgen_test]
async fn stale_availability_is_noted_and_announced_politely_and_a_live_update_clears_it() {
    let event = event_called("stale-live");
    let (root, _host, handle) = event_view(&event, true).await;
    let text = root.text_content().unwrap();
    assert!(text.contains(STALE), "{text}");
    // The last known prices and counts are still there, and can still be bought.
    assert!(text.contains("₱1,000.00") && text.contains("160 left") && text.contains("Only 3 left"), "{text}");
    assert!(!input(&root, "#tier-ga").disabled());
    assert!(root.query_selector("button.tessera-checkout").unwrap().is_some());
    assert_eq!(note(&root), STALE);
    // It sits right after the tiers.
    let after_tiers = find(&root, "fieldset.tessera-tiers").next_element_sibling().unwrap();
    assert_eq!(after_tiers.text_content().unwrap(), STALE);
    assert!(!text.contains("resold"), "no resale line without resale: {text}");

    let mut snapshot = Snapshot::of(&event);
    snapshot.tiers[0].available = 158;
    push("stale-live", &snapshot);
    until_shown(&root, "158 left", 2).await;
    assert!(!root.text_content().unwrap().contains(STALE), "a live update is fresh from the platform");
    assert_eq!(heard(&root), "General Admission: 158 left now.");
    assert_eq!(note(&root), "General Admission: 158 left now.", "the buyer's own tier");
    drop(handle);
}

#[wasm_bindgen_test]
async fn a_stale_event_is_read_again_until_a_fresh_answer_clears_the_note() {
    let event = event_called("stale-reread");
    let (root, _host, handle) = event_view(&event, true).await;
    assert!(root.text_content().unwrap().contains(STALE));
    let mut fresh = event.clone();
    fresh.tiers[0].available = 150;
    serve("stale-reread", &event_json(&fresh, false));
    until_gone(&root, STALE, 8).await;
    let text = root.text_content().unwrap();
    assert!(text.contains("150 left"), "{text}");
    assert_eq!(note(&root), "");
    drop(handle);
}

#[wasm_bindgen_test]
async fn a_cancelled_event_says_so_and_offers_nothing_to_buy() {
    let event = Event { status: EventStatus::Cancelled, ..event_called("cancelled") };
    let (root, _host, handle) = event_view(&event, false).await;
    let text = root.text_content().unwrap();
    assert!(text.contains("This event has been cancelled."), "{text}");
    assert!(!text.contains("not on sale"), "{text}");
    assert!(root.query_selector("input, button.tessera-checkout, a.tessera-checkout").unwrap().is_none(), "{text}");
    drop(handle);
}

#[wasm_bindgen_test]
async fn a_live_cancellation_switches_the_view_and_is_announced_politely() {
    let event = event_called("cancelled-live");
    let (root, _host, handle) = event_view(&event, false).await;
    assert!(root.query_selector("#tier-ga").unwrap().is_some());
    let snapshot = Snapshot { status: EventStatus::Cancelled, ..Snapshot::of(&event) };
    push("cancelled-live", &snapshot);
    until_shown(&root, "This event has been cancelled.", 2).await;
    assert!(root.query_selector("input, button.tessera-checkout").unwrap().is_none());
    assert_eq!(heard(&root), "This event has been cancelled.");
    drop(handle);
}

/// Tiers listed without a choice: their radios are off (and hidden by the stylesheet), and
/// there is no other field and no checkout button.
fn nothing_to_choose(root: &HtmlElement) {
    let radios = root.query_selector_all("input").unwrap();
    assert_eq!(radios.length(), 3);
    for i in 0..radios.length() {
        let radio: HtmlInputElement = radios.item(i).unwrap().unchecked_into();
        assert!(radio.type_() == "radio" && radio.disabled(), "{}", radio.id());
        let row = radio.parent_element().unwrap();
        assert_eq!(row.class_name(), "tessera-tier tessera-listed");
    }
    assert!(root.query_selector("button.tessera-checkout").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn an_event_sold_elsewhere_lists_its_tiers_and_says_where_before_linking_there() {
    let url = "https://ticketwave.example/events/42";
    let event = Event {
        sold_elsewhere: Some(SoldElsewhere { platform: "TicketWave".into(), url: Some(url.into()) }),
        ..event_called("ticketwave")
    };
    let (root, host, handle) = event_view(&event, false).await;
    let text = root.text_content().unwrap();
    // Tiers, prices and availability, with nothing to choose or fill in here.
    assert!(text.contains("General Admission") && text.contains("₱1,000.00") && text.contains("160 left"), "{text}");
    assert!(text.contains("VIP") && text.contains("Only 3 left") && text.contains("Sold out"), "{text}");
    nothing_to_choose(&root);
    assert!(!text.contains("Continue to payment") && !text.contains("Full name"), "{text}");
    assert!(
        text.contains("Tickets for this event are sold on TicketWave. You'll finish your purchase there."),
        "{text}"
    );
    let link = find(&root, "a.tessera-checkout");
    assert_eq!(link.text_content().unwrap(), "Continue on TicketWave");
    assert_eq!(link.get_attribute("href").as_deref(), Some(url));
    assert_eq!(link.get_attribute("target").as_deref(), Some("_top"), "the whole page goes, as to a checkout");
    assert_eq!(link.get_attribute("part").as_deref(), Some("checkout-button"));

    // Following it tells the host page's analytics (the navigation itself is stopped here).
    let seen = js_sys::Array::new();
    let record = {
        let seen = seen.clone();
        wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::CustomEvent)>::new(move |e: web_sys::CustomEvent| {
            seen.push(&e.detail());
        })
    };
    host.add_event_listener_with_callback("tessera:handoff", record.as_ref().unchecked_ref()).unwrap();
    let stay =
        wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(|e: web_sys::Event| e.prevent_default());
    let window = web_sys::window().unwrap();
    window.add_event_listener_with_callback_and_bool("click", stay.as_ref().unchecked_ref(), true).unwrap();
    link.click();
    settle().await;
    window.remove_event_listener_with_callback_and_bool("click", stay.as_ref().unchecked_ref(), true).unwrap();
    assert_eq!(seen.length(), 1, "one tessera:handoff");
    let detail = seen.get(0);
    assert_eq!(wire::string(&detail, "platform").as_deref(), Some("TicketWave"));
    assert_eq!(wire::string(&detail, "url").as_deref(), Some(url));
    assert_eq!(wire::string(&detail, "event_id").as_deref(), Some("ticketwave"));
    drop(handle);
}

#[wasm_bindgen_test]
async fn an_event_sold_elsewhere_without_a_link_names_the_platform_only() {
    for url in [None, Some("javascript:alert(1)")] {
        let id = if url.is_none() { "vivenu" } else { "vivenu-bad-link" };
        let event = Event {
            sold_elsewhere: Some(SoldElsewhere { platform: "vivenu".into(), url: url.map(String::from) }),
            ..event_called(id)
        };
        let (root, _host, handle) = event_view(&event, false).await;
        let text = root.text_content().unwrap();
        assert!(text.contains("Tickets for this event are sold on vivenu."), "{text}");
        assert!(!text.contains("finish your purchase"), "{text}");
        assert!(root.query_selector("a").unwrap().is_none(), "{text}");
        nothing_to_choose(&root);
        assert!(text.contains("General Admission") && text.contains("₱1,000.00"), "{text}");
        drop(handle);
    }
}

#[wasm_bindgen_test]
async fn resale_is_one_quiet_line_beside_the_tiers() {
    let event = Event { resale: Some(Resale { platform: "Tixel".into(), sold: 12 }), ..event_called("resale") };
    let (root, _host, handle) = event_view(&event, false).await;
    assert_eq!(find(&root, ".tessera-resale").text_content().unwrap(), "Tickets resold on Tixel: 12");
    // Buying here is unchanged.
    assert!(root.query_selector("button.tessera-checkout").unwrap().is_some());
    drop(handle);
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh container in the document.
fn container() -> HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    root
}

#[wasm_bindgen_test]
async fn a_switch_keeps_its_elements_until_its_key_changes_and_then_ends_the_old_effects() {
    let root = container();
    let (mode, label) = (Sig::new(0u8), Sig::new("a".to_owned()));
    // How often the first part's own effect ran: it must stop once that part is gone.
    let runs = Kept::new(std::rc::Rc::new(std::cell::Cell::new(0)));
    let owner = dom::mount_in(&root, move || {
        dom::el("div")
            .switch(
                move || mode.get(),
                move || {
                    let runs = runs.get_value();
                    let part = match mode.get() {
                        // Read while building: under a switch that must not make the part depend on it.
                        0 => dom::el("input").attr("id", "typed").attr("data-built-with", &label.get()).text_fn(
                            move || {
                                runs.set(runs.get() + 1);
                                label.get()
                            },
                        ),
                        _ => dom::el("p").attr("id", "other"),
                    };
                    vec![part]
                },
            )
            .child(dom::el("span").attr("id", "after"))
    });
    let first = find(&root, "#typed");
    // A signal read inside the part changes: the part updates in place, the element stays.
    label.set("b".into());
    settle().await;
    assert!(find(&root, "#typed").is_same_node(Some(&first)), "the input must not be replaced");
    assert_eq!(first.text_content().unwrap(), "b");
    assert_eq!(first.get_attribute("data-built-with").as_deref(), Some("a"));
    let runs_before = runs.get_value().get();
    // The key changes: the part is replaced where it was, before its later sibling.
    mode.set(1);
    settle().await;
    assert!(root.query_selector("#typed").unwrap().is_none());
    assert_eq!(find(&root, "#other").next_element_sibling().unwrap().id(), "after");
    label.set("c".into());
    settle().await;
    assert_eq!(runs.get_value().get(), runs_before, "the removed part's effect still ran");
    drop(owner);
}

#[wasm_bindgen_test]
async fn attributes_flags_and_properties_follow_their_signals() {
    let root = container();
    let on = Sig::new(true);
    let owner = dom::mount_in(&root, move || {
        dom::el("input")
            .attr("id", "box")
            .attr("type", "checkbox")
            .flag_fn("disabled", move || !on.get())
            .attr_fn("aria-label", move || on.get().then(|| "on".to_owned()))
            .prop_fn("checked", move || on.get().into())
    });
    let el = input(&root, "#box");
    assert!(el.checked() && !el.disabled());
    assert_eq!(el.get_attribute("aria-label").as_deref(), Some("on"));
    on.set(false);
    settle().await;
    assert!(!el.checked() && el.disabled());
    assert_eq!(el.get_attribute("aria-label"), None, "None removes the attribute");
    drop(owner);
}

#[wasm_bindgen_test]
async fn signals_notify_what_read_them_tracked_and_end_with_their_owner() {
    let root = container();
    let (shown, quiet) = (Sig::new(1u32), Sig::new(10u32));
    let made = Kept::new(None::<(Sig<String>, Kept<u8>)>);
    let owner = dom::mount_in(&root, move || {
        made.set_value(Some((Sig::new("inner".to_owned()), Kept::new(7))));
        // `quiet` is read untracked: changing it alone must not redraw.
        dom::el("p").attr("id", "sum").text_fn(move || (shown.get() + quiet.get_untracked()).to_string())
    });
    let sum = find(&root, "#sum");
    assert_eq!(sum.text_content().unwrap(), "11");
    quiet.set(20);
    settle().await;
    assert_eq!(sum.text_content().unwrap(), "11", "an untracked read subscribed");
    shown.update(|n| *n += 1);
    settle().await;
    assert_eq!(sum.text_content().unwrap(), "22");
    let (inner, kept) = made.get_value().unwrap();
    assert_eq!((inner.try_get_untracked().as_deref(), kept.try_get_value()), (Some("inner"), Some(7)));
    drop(owner);
    assert_eq!(inner.try_get_untracked(), None, "a signal outlived its owner");
    assert_eq!(kept.try_get_value(), None, "a kept value outlived its owner");
}

/// Resolves after the next animation frame and a task after it: past the next paint.
async fn after_next_paint() {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        let resolve = resolve.clone();
        let w = web_sys::window().unwrap();
        let again = w.clone();
        let f = wasm_bindgen::closure::Closure::once_into_js(move || {
            again.set_timeout_with_callback(&resolve).unwrap();
        });
        w.request_animation_frame(f.unchecked_ref()).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

#[wasm_bindgen_test]
async fn slow_text_waits_for_the_first_paint_unless_it_is_ready() {
    let root = container();
    let owner = dom::mount_in(&root, || {
        dom::el("p")
            .child(dom::el("time").attr("id", "later").text_soon(false, || "Sat, 12 Dec 2026".into()))
            .child(dom::el("time").attr("id", "now").text_soon(true, || "Sun, 13 Dec 2026".into()))
    });
    assert_eq!(find(&root, "#now").text_content().unwrap(), "Sun, 13 Dec 2026");
    assert_eq!(find(&root, "#later").text_content().unwrap(), "", "written before the paint");
    after_next_paint().await;
    after_next_paint().await;
    assert_eq!(find(&root, "#later").text_content().unwrap(), "Sat, 12 Dec 2026");
    // Once a locale's date formatter is made, its dates are written at once.
    let _ = format::event_date("2026-12-12T20:00:00+08:00", "en-GB");
    assert!(format::dates_ready("en-GB") && !format::dates_ready("xx-unused"));
    drop(owner);
}
