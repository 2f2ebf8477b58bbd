//! Money, percentages, dates and plural forms in the buyer's locale, written by tessera-core
//! (`tessera_core::Locale`) as the browser's `Intl` writes them: the proxy renders a first view
//! with the same functions, so the text shown before the wasm runs is the text it keeps
//! (tests/web.rs holds every locale core writes to Chromium's Intl). Dates are shown in the
//! event's own UTC offset, so a buyer abroad still sees the time printed on the ticket.

use chrono::{DateTime, FixedOffset};
use tessera_core::{Locale, Money};

/// `tag` as the browser's Intl takes it ("pt_BR" and "pt-br" → "pt-BR"); `None` when it is not a
/// language tag at all ("x", "en US"), so a site owner's typo reads as the browser's language.
pub fn canonical_locale(tag: &str) -> Option<String> {
    #[wasm_bindgen::prelude::wasm_bindgen]
    extern "C" {
        #[wasm_bindgen(catch, js_namespace = Intl, js_name = getCanonicalLocales)]
        fn canonical_locales(tag: &str) -> Result<js_sys::Array, wasm_bindgen::JsValue>;
    }
    canonical_locales(&tag.trim().replace('_', "-")).ok()?.get(0).as_string()
}

/// "₱1,000.00" (en-PH), "1.000,00 €" (de-DE).
pub fn money(m: Money, locale: &str) -> String {
    Locale::parse(locale).money(m)
}

/// A percentage discount ("20%", "20 %", "12,5 %") from basis points.
pub fn percent(basis_points: u32, locale: &str) -> String {
    Locale::parse(locale).percent(basis_points)
}

/// The plural category (`one`, `many`, `other`) that `locale`'s language uses for the count `n`.
pub fn plural_category(locale: &str, n: u32) -> &'static str {
    Locale::parse(locale).plural(n).as_str()
}

/// "Sat, Dec 12, 2026, 8:00 PM" for "2026-12-12T20:00:00+08:00", whatever the buyer's zone: the
/// wall-clock time in the event's own offset.
pub fn event_date(rfc3339: &str, locale: &str) -> String {
    match DateTime::<FixedOffset>::parse_from_rfc3339(rfc3339) {
        Ok(at) => Locale::parse(locale).date_time(at.naive_local()),
        Err(_) => rfc3339.to_owned(),
    }
}

/// "20:15" (en-GB), "8:15 PM" (en-US): a moment (milliseconds since the epoch) in the buyer's own
/// time, by the browser's Intl. Only the wasm writes it (a hold is never in a first view).
pub fn clock(ms: f64, locale: &str) -> String {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"hour".into(), &"numeric".into());
    let _ = js_sys::Reflect::set(&options, &"minute".into(), &"2-digit".into());
    let locales = js_sys::Array::of1(&locale.into());
    let format = js_sys::Intl::DateTimeFormat::new(&locales, &options).format();
    format
        .call1(&wasm_bindgen::JsValue::NULL, &js_sys::Date::new(&ms.into()))
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}
