//! Money, percentages, dates and plural forms as the browser's Intl writes them in the buyer's
//! locale: no formatting tables in the wasm. Dates are shown in the event's own UTC offset, so
//! a buyer abroad still sees the time printed on the ticket.

use std::cell::RefCell;

use chrono::{DateTime, FixedOffset};
use js_sys::{Array, Date, Intl, Object, Reflect};
use tessera_core::Money;
use wasm_bindgen::{JsCast, JsValue};

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = Intl, js_name = getCanonicalLocales)]
    fn canonical_locales(tag: &str) -> Result<Array, JsValue>;
}

/// `tag` as the browser's Intl takes it ("pt_BR" and "pt-br" → "pt-BR"); `None` when it is not a
/// language tag at all ("x", "en US"). Intl throws on such a tag, so a site owner's typo is
/// caught once, here, instead of at the first price.
pub fn canonical_locale(tag: &str) -> Option<String> {
    canonical_locales(&tag.trim().replace('_', "-")).ok()?.get(0).as_string()
}

fn options(pairs: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
}

fn locales(locale: &str) -> Array {
    Array::of1(&JsValue::from_str(locale))
}

thread_local! {
    // A formatter costs the browser far more to make than to use (a millisecond or more each on
    // a phone), and every price of a widget uses one of the same few.
    static FORMATTERS: RefCell<Vec<(String, Object)>> = const { RefCell::new(Vec::new()) };
}

/// The formatter for `key`, made by `make` the first time.
fn formatter(key: String, make: impl FnOnce() -> Object) -> Object {
    if let Some(f) = FORMATTERS.with_borrow(|all| all.iter().find(|(k, _)| *k == key).map(|(_, f)| f.clone())) {
        return f;
    }
    let f = make();
    FORMATTERS.with_borrow_mut(|all| all.push((key, f.clone())));
    f
}

fn number_format(key: String, locale: &str, opts: &[(&str, JsValue)]) -> Intl::NumberFormat {
    formatter(key, || Intl::NumberFormat::new(&locales(locale), &options(opts)).into()).unchecked_into()
}

/// "₱1,000.00" (en), "1.000,00 €" (de): an amount in minor units, in the buyer's locale.
pub fn money(m: Money, locale: &str) -> String {
    let code = m.currency.code();
    let scale = 10f64.powi(m.currency.exponent() as i32);
    // Display only: the amount itself stays integral everywhere else.
    let value = m.amount as f64 / scale;
    let format = number_format(
        format!("{locale} {code}"),
        locale,
        &[("style", "currency".into()), ("currency", code.as_str().into())],
    );
    format
        .format()
        .call1(&JsValue::NULL, &JsValue::from_f64(value))
        .ok()
        .and_then(|v| v.as_string())
        // A browser without this currency's data still shows the amount.
        .unwrap_or_else(|| m.display())
}

/// A percentage discount ("20%", "20 %", "12,5 %") from basis points.
pub fn percent(basis_points: u32, locale: &str) -> String {
    let format = number_format(
        format!("{locale} %"),
        locale,
        &[("style", "percent".into()), ("maximumFractionDigits", 2.into())],
    );
    let share = f64::from(basis_points) / 10_000.0;
    format
        .format()
        .call1(&JsValue::NULL, &JsValue::from_f64(share))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// The plural category (`one`, `few`, `other`…) that `language` uses for the count `n`.
pub fn plural_category(language: &str, n: u32) -> String {
    let rules: Intl::PluralRules =
        formatter(format!("{language} plural"), || Intl::PluralRules::new(&locales(language), &Object::new()).into())
            .unchecked_into();
    rules.select(f64::from(n)).as_string().unwrap_or_else(|| "other".into())
}

/// "Sat, 12 Dec 2026, 8:00 PM" for "2026-12-12T20:00:00+08:00", whatever the buyer's zone: the
/// wall-clock time in the event's own offset.
pub fn event_date(rfc3339: &str, locale: &str) -> String {
    let Ok(at) = DateTime::<FixedOffset>::parse_from_rfc3339(rfc3339) else { return rfc3339.to_owned() };
    // The wall-clock time placed at UTC, and formatted in UTC.
    let wall = at.naive_local().and_utc().timestamp_millis();
    let format: Intl::DateTimeFormat = formatter(format!("{locale} date"), || {
        let opts = [
            ("timeZone", "UTC"),
            ("weekday", "short"),
            ("day", "numeric"),
            ("month", "short"),
            ("year", "numeric"),
            ("hour", "numeric"),
            ("minute", "2-digit"),
        ]
        .map(|(k, v)| (k, JsValue::from_str(v)));
        Intl::DateTimeFormat::new(&locales(locale), &options(&opts)).into()
    })
    .unchecked_into();
    let date = Date::new(&JsValue::from_f64(wall as f64));
    format.format().call1(&JsValue::NULL, &date).ok().and_then(|v| v.as_string()).unwrap_or_else(|| rfc3339.to_owned())
}
