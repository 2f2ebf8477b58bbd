//! Money and dates through the browser's Intl, in the buyer's locale: no formatting tables
//! shipped in the wasm. Dates are shown in the event's own UTC offset (a buyer abroad
//! still sees the time printed on the ticket).

use js_sys::{Array, Date, Intl, Object, Reflect};
use tessera_core::Money;
use wasm_bindgen::JsValue;

fn options(pairs: &[(&str, &str)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    o
}

fn locales(locale: &str) -> Array {
    Array::of1(&JsValue::from_str(locale))
}

pub fn money(m: Money, locale: &str) -> String {
    let scale = 10f64.powi(m.currency.exponent() as i32);
    // Display only: the amount itself stays integral everywhere else.
    let value = m.amount as f64 / scale;
    let fmt =
        Intl::NumberFormat::new(&locales(locale), &options(&[("style", "currency"), ("currency", m.currency.code())]));
    fmt.format()
        .call1(&JsValue::NULL, &JsValue::from_f64(value))
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| m.display())
}

/// "Sat, 12 Dec 2026, 8:00 PM" for "2026-12-12T20:00:00+08:00", whatever the buyer's zone.
pub fn event_date(rfc3339: &str, locale: &str) -> String {
    let Ok(at) = chrono::DateTime::parse_from_rfc3339(rfc3339) else { return rfc3339.to_owned() };
    let local = at.naive_local();
    use chrono::{Datelike, Timelike};
    // The wall-clock time in the event's offset, placed at UTC and formatted in UTC.
    let ms = Date::utc(local.year() as f64, local.month0() as f64)
        + (local.day() as f64 - 1.0) * 86_400_000.0
        + local.num_seconds_from_midnight() as f64 * 1000.0;
    let date = Date::new(&JsValue::from_f64(ms));
    let fmt = Intl::DateTimeFormat::new(
        &locales(locale),
        &options(&[
            ("timeZone", "UTC"),
            ("weekday", "short"),
            ("day", "numeric"),
            ("month", "short"),
            ("year", "numeric"),
            ("hour", "numeric"),
            ("minute", "2-digit"),
        ]),
    );
    fmt.format().call1(&JsValue::NULL, &date).ok().and_then(|v| v.as_string()).unwrap_or_else(|| rfc3339.to_owned())
}
