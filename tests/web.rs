//! The widget's components in a real headless Chromium (wasm-bindgen-test): each test mounts
//! a component into a fresh container with fixture data and reads the DOM as a buyer would see
//! it. No network: the end-to-end tests cover the proxy round trips. A whole event view reads
//! its event from a stand-in `fetch` and its live updates from a stand-in `EventSource` (see
//! `serve`), fed what the proxy's serde writes.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use tessera_core::{
    Currency, Event, EventId, EventRead, EventStatus, Field, Money, Resale, Snapshot, SoldElsewhere, Tier, TierId,
};
use tessera_widget::components::{BuyerForm, EventView, OrderSummary, QuantityPicker, TierPicker};
use tessera_widget::context::Shop;
use tessera_widget::order::Order;
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

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh container in the document.
fn container() -> HtmlElement {
    let root: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&root).unwrap();
    root
}

/// The widget's context for tests: English, in the Philippines, with a host element of its own.
fn shop() -> Shop {
    let host: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    Shop::new("http://127.0.0.1:9".into(), "en-PH".into(), text::english(), Some(host))
}

/// `view` mounted in `root` under `shop`, until the handle is dropped.
fn mount(root: &HtmlElement, shop: Shop, view: impl FnOnce() -> AnyView + 'static) -> impl Sized {
    tessera_widget::mount::mount_view(root.clone(), move || {
        provide_context(shop);
        view()
    })
}

/// An order for the Jazz fixture with `tier` chosen, made inside `f`'s reactive owner.
fn order_for(tier: &str) -> Order {
    let order = Order::new();
    order.event.set(Some(jazz()));
    order.tier.set(Some(TierId::parse(tier).unwrap()));
    order
}

fn find(root: &HtmlElement, selector: &str) -> HtmlElement {
    root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("no {selector}")).unchecked_into()
}

fn input(root: &HtmlElement, selector: &str) -> HtmlInputElement {
    find(root, selector).unchecked_into()
}

async fn timer(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

/// Lets Leptos run effects and re-render after a change.
async fn settle() {
    timer(10).await;
    timer(10).await;
}

fn fire(el: &HtmlElement, event: &str) {
    el.dispatch_event(&web_sys::Event::new(event).unwrap()).unwrap();
}

// --- Intl: money, percentages, dates and plurals as the browser writes them

/// What the browser's own Intl writes for `m` in `locale`.
fn intl_money(m: Money, locale: &str) -> String {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"style".into(), &"currency".into()).unwrap();
    js_sys::Reflect::set(&options, &"currency".into(), &m.currency.code().into()).unwrap();
    let f = js_sys::Intl::NumberFormat::new(&js_sys::Array::of1(&locale.into()), &options);
    let major = m.amount as f64 / 10f64.powi(m.currency.exponent() as i32);
    f.format().call1(&wasm_bindgen::JsValue::NULL, &major.into()).unwrap().as_string().unwrap()
}

fn intl_percent(basis_points: u32, locale: &str) -> String {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"style".into(), &"percent".into()).unwrap();
    js_sys::Reflect::set(&options, &"maximumFractionDigits".into(), &2.into()).unwrap();
    let f = js_sys::Intl::NumberFormat::new(&js_sys::Array::of1(&locale.into()), &options);
    f.format()
        .call1(&wasm_bindgen::JsValue::NULL, &(f64::from(basis_points) / 10_000.0).into())
        .unwrap()
        .as_string()
        .unwrap()
}

fn intl_date(at: chrono::NaiveDateTime, locale: &str) -> String {
    let options = js_sys::Object::new();
    for (k, v) in [
        ("timeZone", "UTC"),
        ("weekday", "short"),
        ("day", "numeric"),
        ("month", "short"),
        ("year", "numeric"),
        ("hour", "numeric"),
        ("minute", "2-digit"),
    ] {
        js_sys::Reflect::set(&options, &k.into(), &v.into()).unwrap();
    }
    let f = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::of1(&locale.into()), &options);
    let date = js_sys::Date::new(&(at.and_utc().timestamp_millis() as f64).into());
    f.format().call1(&wasm_bindgen::JsValue::NULL, &date).unwrap().as_string().unwrap()
}

fn intl_plural(n: u32, locale: &str) -> String {
    let rules = js_sys::Intl::PluralRules::new(&js_sys::Array::of1(&locale.into()), &js_sys::Object::new());
    rules.select(f64::from(n)).as_string().unwrap()
}

/// Every locale tessera-core writes for, and tags that read as one of them: what core writes
/// must be what this browser's Intl writes for the tag itself.
const LOCALE_TAGS: [&str; 16] = [
    "en-US", "en-GB", "en-AU", "es-ES", "es-MX", "de-DE", "de-AT", "de-CH", "pt-BR", "pt-PT", "fil-PH", "en", "en-PH",
    "es", "de", "fil",
];

#[wasm_bindgen_test]
fn money_core_writes_is_what_the_browsers_intl_writes() {
    let codes = ["PHP", "EUR", "BRL", "USD", "AUD", "GBP", "JPY", "CHF", "MXN", "CAD", "KWD", "SEK"];
    let amounts = [0, 5, 99, 1_000, 99_999, 100_000, 1_000_000, 123_456_789, -40_000, -1];
    let mut checked = 0;
    for tag in LOCALE_TAGS {
        let locale = tessera_core::Locale::parse(tag);
        for code in codes {
            for amount in amounts {
                let m = Money::new(amount, Currency::parse(code).unwrap());
                assert_eq!(locale.money(m), intl_money(m, tag), "{tag} {code} {amount}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, LOCALE_TAGS.len() * 12 * 10);
    // The sandbox's hosted page writes English itself too (`Money::display`).
    for code in ["PHP", "EUR", "BRL", "AUD", "USD", "GBP", "JPY", "CHF", "KWD"] {
        for amount in [0, 5, 1_000, 123_456_789, -40_000] {
            let m = Money::new(amount, Currency::parse(code).unwrap());
            assert_eq!(m.display(), intl_money(m, "en-US"), "{code} {amount}");
        }
    }
}

#[wasm_bindgen_test]
fn percentages_core_writes_are_what_the_browsers_intl_writes() {
    for tag in LOCALE_TAGS {
        let locale = tessera_core::Locale::parse(tag);
        for bp in [0, 1, 50, 1_000, 1_250, 2_000, 3_333, 10_000, 12_345] {
            assert_eq!(locale.percent(bp), intl_percent(bp, tag), "{tag} {bp}");
        }
    }
    assert_eq!(format::percent(1_250, "de-DE").replace('\u{a0}', " "), "12,5 %");
}

#[wasm_bindgen_test]
fn dates_core_writes_are_what_the_browsers_intl_writes() {
    use chrono::NaiveDate;
    for tag in LOCALE_TAGS {
        let locale = tessera_core::Locale::parse(tag);
        // Every month, every weekday (the 1st to the 7th of each month), every hour of the day.
        for month in 1..=12 {
            for day in 1..=7 {
                let hour = (month * 7 + day) % 24;
                let at =
                    NaiveDate::from_ymd_opt(2026, month, day).unwrap().and_hms_opt(hour, (day * 7) % 60, 0).unwrap();
                assert_eq!(locale.date_time(at), intl_date(at, tag), "{tag} {at}");
            }
        }
        for hour in 0..24 {
            let at = NaiveDate::from_ymd_opt(2027, 1, 31).unwrap().and_hms_opt(hour, 5, 0).unwrap();
            assert_eq!(locale.date_time(at), intl_date(at, tag), "{tag} {at}");
        }
    }
    let shown = format::event_date("2027-01-31T23:30:00-03:00", "en-US");
    assert_eq!(shown, "Sun, Jan 31, 2027, 11:30 PM", "the event's own wall-clock time");
    assert_eq!(format::event_date("not a date", "en-US"), "not a date");
}

#[wasm_bindgen_test]
fn plural_categories_core_chooses_are_the_browsers() {
    for tag in LOCALE_TAGS {
        let locale = tessera_core::Locale::parse(tag);
        for n in (0..=250).chain([1_000, 1_001, 1_000_000, 2_000_000, 1_000_001]) {
            assert_eq!(locale.plural(n).as_str(), intl_plural(n, tag), "{tag} {n}");
        }
    }
}

#[wasm_bindgen_test]
fn locale_tags_are_canonical_and_a_typo_is_refused() {
    assert_eq!(format::canonical_locale("pt_br").as_deref(), Some("pt-BR"));
    assert_eq!(format::canonical_locale("EN-us").as_deref(), Some("en-US"));
    assert_eq!(format::canonical_locale("en US"), None);
    assert_eq!(format::canonical_locale("x"), None);
}

/// Each language's own plural forms, chosen by Intl.PluralRules.
#[wasm_bindgen_test]
fn counts_use_each_languages_plural_forms() {
    let files = [
        ("es", include_str!("../lang/es.txt")),
        ("de", include_str!("../lang/de.txt")),
        ("pt-BR", include_str!("../lang/pt-BR.txt")),
        ("fil", include_str!("../lang/fil.txt")),
    ];
    let en = text::english();
    assert_eq!(en.qty_max(1), "You can buy up to 1 ticket per order.");
    assert_eq!(en.qty_max(4), "You can buy up to 4 tickets per order.");
    assert_eq!(en.err_busy(1), "The ticket service is busy. Please try again in 1 second.");
    assert_eq!(en.qty_min(2), "Choose at least 2 tickets.");
    let t = |code: &'static str| {
        let file = files.iter().find(|(c, _)| *c == code).unwrap().1;
        text::Texts::parse(code, file)
    };
    assert_eq!(t("de").qty_max(1), "Sie können bis zu 1 Ticket pro Bestellung kaufen.");
    assert_eq!(t("de").qty_max(3), "Sie können bis zu 3 Tickets pro Bestellung kaufen.");
    assert_eq!(t("es").qty_max(1), "Puedes comprar hasta 1 entrada por pedido.");
    assert_eq!(t("es").left(1), "Queda 1");
    assert_eq!(t("es").left(7), "Quedan 7");
    assert_eq!(t("pt-BR").qty_max(1), "Você pode comprar até 1 ingresso por pedido.");
    assert_eq!(t("pt-BR").left(2), "Restam 2");
    assert_eq!(t("fil").qty_max(1), "Hanggang 1 ticket lang ang puwedeng bilhin bawat order.");
    // The category is the browser's: Portuguese (Brazil) says "one" for 0 and 1.
    assert_eq!(format::plural_category("pt-BR", 0), "one");
    assert_eq!(format::plural_category("en", 0), "other");
}

// --- components

#[wasm_bindgen_test]
async fn tiers_show_price_and_availability_and_sold_out_cannot_be_chosen() {
    let root = container();
    let order = order_for("ga");
    let _view = mount(&root, shop(), move || view! { <TierPicker order list_only=false /> }.into_any());
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
    assert!(input(&root, "#tier-vip").checked() && !input(&root, "#tier-ga").checked());
}

#[wasm_bindgen_test]
async fn quantity_is_bounded_by_what_the_tier_has_left() {
    let root = container();
    let order = order_for("vip");
    let _view = mount(&root, shop(), move || view! { <QuantityPicker order /> }.into_any());
    settle().await;
    let more = find(&root, "button[aria-label='More tickets']");
    for _ in 0..5 {
        more.click();
        settle().await;
    }
    assert_eq!(order.quantity.get_untracked(), 3, "VIP has 3 left");
    assert_eq!(input(&root, "#tessera-qty").value(), "3");
    assert!(more.unchecked_ref::<web_sys::HtmlButtonElement>().disabled());
    assert!(root.text_content().unwrap().contains("Up to 3 tickets per order"));
    // Typing more than allowed is clamped, not accepted.
    let field = input(&root, "#tessera-qty");
    field.set_value("9");
    fire(&field, "change");
    settle().await;
    assert_eq!(order.quantity.get_untracked(), 3);
    assert_eq!(input(&root, "#tessera-qty").value(), "3");
}

#[wasm_bindgen_test]
async fn a_limit_of_one_per_order_says_one_ticket() {
    let root = container();
    let order = order_for("ga");
    let mut event = jazz();
    event.tiers[0].max_per_order = Some(1);
    order.event.set(Some(event));
    order.quantity.set(2);
    order.show_all.set(true);
    let _view = mount(&root, shop(), move || view! { <QuantityPicker order /> }.into_any());
    settle().await;
    let text = root.text_content().unwrap();
    assert!(text.contains("You can buy up to 1 ticket per order."), "{text}");
}

#[wasm_bindgen_test]
async fn buyer_fields_show_inline_problems_once_left_and_link_them_for_screen_readers() {
    let root = container();
    let order = order_for("ga");
    let _view = mount(&root, shop(), move || view! { <BuyerForm order /> }.into_any());
    settle().await;
    let email = input(&root, "#tessera-email");
    assert_eq!(email.get_attribute("aria-invalid").as_deref(), Some("false"));
    assert!(root.query_selector(".tessera-field-error").unwrap().is_none(), "no error before the buyer types");

    email.set_value("juan@");
    fire(&email, "input");
    fire(&email, "blur");
    settle().await;
    assert_eq!(email.get_attribute("aria-invalid").as_deref(), Some("true"));
    let described = email.get_attribute("aria-describedby").unwrap();
    let message = find(&root, &format!("#{described}")).text_content().unwrap();
    assert!(message.contains("name@example.com"), "{message}");

    email.set_value("juan@example.com");
    fire(&email, "input");
    settle().await;
    assert_eq!(email.get_attribute("aria-invalid").as_deref(), Some("false"));
    assert_eq!(email.get_attribute("aria-describedby"), None);

    order.show_all.set(true);
    settle().await;
    let text = root.text_content().unwrap();
    assert!(text.contains("Please enter your full name."), "{text}");
    assert!(!text.contains("Please enter your phone"), "phone is optional: {text}");
}

#[wasm_bindgen_test]
async fn the_summary_prices_the_order_with_core_and_follows_the_quantity() {
    let root = container();
    let order = order_for("ga");
    let _view = mount(&root, shop(), move || view! { <OrderSummary order /> }.into_any());
    order.quantity.set(2);
    settle().await;
    let text = root.text_content().unwrap();
    assert!(text.contains("2 × General Admission"), "{text}");
    assert_eq!(find(&root, ".tessera-total-amount").text_content().unwrap(), "₱2,000.00");
    order.quantity.set(3);
    settle().await;
    assert_eq!(find(&root, ".tessera-total-amount").text_content().unwrap(), "₱3,000.00");
}

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
    let root = container();
    let order = order_for("ga");
    order.event.set(Some(with_sale_periods()));
    order.tier.set(None);
    order.settle_selection(None);
    assert_eq!(order.tier.get_untracked().unwrap().as_str(), "ga", "the first tier on sale is chosen");
    let _view = mount(&root, shop(), move || view! { <TierPicker order list_only=false /> }.into_any());
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
    let root = container();
    let order = order_for("ga");
    let mut event = jazz();
    event.tiers[0].min_per_order = Some(2);
    event.tiers[0].max_per_order = Some(4);
    order.event.set(Some(event));
    order.settle_selection(None);
    assert_eq!(order.quantity.get_untracked(), 2, "a tier of at least 2 starts at 2");
    let _view = mount(&root, shop(), move || view! { <QuantityPicker order /> }.into_any());
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
    fire(&field, "change");
    settle().await;
    assert_eq!(order.quantity.get_untracked(), 2, "typing 1 gives the minimum");
    let problems = order.problems.get_untracked();
    assert!(problems.iter().all(|p| p.field != Field::Quantity), "{problems:?}");
}

// --- the whole event view against a stand-in proxy

/// The event as `GET /api/v1/events/{id}` answers it, `stale` when the platform was unreachable.
fn event_json(event: &Event, stale: bool) -> String {
    serde_json::to_string(&EventRead { event: event.clone(), stale }).unwrap()
}

/// Replaces the page's `fetch` and `EventSource` (once): events are answered from
/// `__tessera.bodies[id]` (404 when absent), and every stream opened is kept to push to.
fn stand_in_proxy() {
    js_sys::Function::new_no_args(
        r#"
        if (globalThis.__tessera) return;
        const t = globalThis.__tessera = { bodies: {}, reads: {}, sources: [] };
        window.fetch = async (request) => {
            const url = typeof request === 'string' ? request : request.url;
            const id = decodeURIComponent(String(url).split('/').pop());
            t.reads[id] = (t.reads[id] || 0) + 1;
            const body = t.bodies[id];
            return body === undefined
                ? new Response('{"error":{"message":"Event not found","status":404,"code":"not_found"}}', { status: 404 })
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

/// How many stand-in streams of `id` are open.
fn open_streams(id: &str) -> u32 {
    let code = "return globalThis.__tessera.sources.filter(s => s.readyState !== 2 && s.url.includes('/events/' + id + '/live')).length;";
    js_sys::Function::new_with_args("id", code)
        .call1(&wasm_bindgen::JsValue::NULL, &id.into())
        .unwrap()
        .as_f64()
        .unwrap() as u32
}

/// Waits (up to `seconds`) until `root` shows `text`, or fails with what it shows.
async fn until_shown(root: &HtmlElement, text: &str, seconds: u32) {
    for _ in 0..seconds * 50 {
        if root.text_content().unwrap_or_default().contains(text) {
            return;
        }
        timer(20).await;
    }
    panic!("never showed {text:?}; shows {:?}", root.text_content());
}

async fn until_gone(root: &HtmlElement, text: &str, seconds: u32) {
    for _ in 0..seconds * 50 {
        if !root.text_content().unwrap_or_default().contains(text) {
            return;
        }
        timer(20).await;
    }
    panic!("still shows {text:?}: {:?}", root.text_content());
}

/// An event view of `event` as the stand-in proxy serves it, once its title is shown; its
/// container and the host element the widget's DOM events come from.
async fn event_view(event: &Event, stale: bool) -> (HtmlElement, HtmlElement, impl Sized) {
    let id = event.id.to_string();
    serve(&id, &event_json(event, stale));
    let root = container();
    let shop = shop();
    let host = shop.host().unwrap().clone();
    let handle = mount(&root, shop, move || view! { <EventView id returned=None /> }.into_any());
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
async fn unmounting_an_event_view_closes_its_live_stream() {
    let event = event_called("unmounted");
    let (root, _host, handle) = event_view(&event, false).await;
    assert_eq!(open_streams("unmounted"), 1);
    drop(handle);
    settle().await;
    assert_eq!(open_streams("unmounted"), 0, "the stream closes with the widget");
    assert_eq!(root.text_content().unwrap(), "", "and its nodes leave the page");
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
        // Every element the views write also has the scope class (components/mod.rs says why).
        let class = row.class_name();
        let classes: Vec<&str> = class.split_whitespace().filter(|c| *c != "tessera-el").collect();
        assert_eq!(classes, ["tessera-tier", "tessera-listed"]);
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
    let detail = js_sys::JSON::stringify(&seen.get(0)).unwrap().as_string().unwrap();
    let detail: serde_json::Value = serde_json::from_str(&detail).unwrap();
    assert_eq!(detail, serde_json::json!({"event_id": "ticketwave", "platform": "TicketWave", "url": url}));
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

#[wasm_bindgen_test]
async fn an_event_that_is_not_there_says_so_with_a_retry() {
    stand_in_proxy();
    let root = container();
    let _view = mount(&root, shop(), move || view! { <EventView id="missing".to_owned() returned=None /> }.into_any());
    until_shown(&root, "This event could not be found.", 3).await;
    let alert = find(&root, ".tessera-problem[role=alert]");
    assert!(alert.text_content().unwrap().contains("Try again"));
    // Once it exists, Try again shows it.
    serve("missing", &event_json(&event_called("missing"), false));
    find(&root, "button.tessera-retry").click();
    until_shown(&root, "Manila Jazz Night", 3).await;
    assert!(root.query_selector(".tessera-problem").unwrap().is_none());
}

/// A widget unmounted while its read is still on its way (an element whose `event` changes
/// right after it is added) must not stop the next one from showing what it reads.
#[wasm_bindgen_test]
async fn a_widget_mounted_right_after_another_is_unmounted_still_shows_its_read() {
    stand_in_proxy();
    let first = container();
    let gone =
        mount(&first, shop(), move || view! { <EventView id="slow-and-gone".to_owned() returned=None /> }.into_any());
    drop(gone);
    let root = container();
    let _view =
        mount(&root, shop(), move || view! { <EventView id="missing-too".to_owned() returned=None /> }.into_any());
    until_shown(&root, "This event could not be found.", 3).await;
}

/// Widgets mounted together, one of whose events is missing: each shows its own read.
#[wasm_bindgen_test]
async fn widgets_mounted_together_each_show_their_own_read_or_problem() {
    serve("together", &event_json(&event_called("together"), false));
    let (good, bad) = (container(), container());
    let _good = mount(&good, shop(), move || view! { <EventView id="together".to_owned() returned=None /> }.into_any());
    let _bad =
        mount(&bad, shop(), move || view! { <EventView id="missing-together".to_owned() returned=None /> }.into_any());
    until_shown(&good, "Manila Jazz Night", 3).await;
    until_shown(&bad, "This event could not be found.", 3).await;
}

#[wasm_bindgen_test]
async fn two_missing_events_mounted_together_each_say_so() {
    stand_in_proxy();
    let (one, two) = (container(), container());
    let _one =
        mount(&one, shop(), move || view! { <EventView id="missing-one".to_owned() returned=None /> }.into_any());
    let _two =
        mount(&two, shop(), move || view! { <EventView id="missing-two".to_owned() returned=None /> }.into_any());
    timer(500).await;
    let (a, b) = (one.inner_html(), two.inner_html());
    assert!(a.contains("could not be found") && b.contains("could not be found"), "one: {a}\n\ntwo: {b}");
}
