//! Names and the week's start in the buyer's locale, from the browser's Intl.

use chrono::{Datelike, NaiveDate, Weekday};
use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::calendar::Month;

/// The buyer's today, on their own clock.
pub fn today() -> NaiveDate {
    let now = js_sys::Date::new_0();
    NaiveDate::from_ymd_opt(now.get_full_year() as i32, now.get_month() + 1, now.get_date()).unwrap_or_default()
}

/// `day` written by `Intl.DateTimeFormat` with `options`.
pub fn date_text(day: NaiveDate, locale: &str, options: &[(&str, &str)]) -> String {
    // Noon on the buyer's clock: the same day in every zone's daylight-saving change.
    let date = js_sys::Date::new_with_year_month_day_hr(day.year() as u32, day.month0() as i32, day.day() as i32, 12);
    let opts = Object::new();
    for (key, value) in options {
        let _ = Reflect::set(&opts, &JsValue::from_str(key), &JsValue::from_str(value));
    }
    date.to_locale_date_string(locale, &opts).into()
}

/// "Saturday, December 12" (en-US), "Samstag, 12. Dezember" (de).
pub fn day_name(day: NaiveDate, locale: &str) -> String {
    date_text(day, locale, &[("weekday", "long"), ("day", "numeric"), ("month", "long")])
}

/// "December 2026", "diciembre de 2026".
pub fn month_name(month: Month, locale: &str) -> String {
    date_text(month.first_day(), locale, &[("month", "long"), ("year", "numeric")])
}

/// The weekday's name, `width` "short" or "long".
pub fn weekday_name(weekday: Weekday, locale: &str, width: &str) -> String {
    // 4 January 2026 was a Sunday.
    let sunday = NaiveDate::from_ymd_opt(2026, 1, 4).unwrap_or_default();
    let day = sunday + chrono::Days::new(u64::from(weekday.num_days_from_sunday()));
    date_text(day, locale, &[("weekday", width)])
}

/// The locale's first day of the week (`Intl.Locale`'s week info: 1 is Monday, 7 Sunday);
/// Monday where the browser does not say.
pub fn week_start(locale: &str) -> Weekday {
    let first_day = (|| {
        let ctor = Reflect::get(&Reflect::get(&js_sys::global(), &"Intl".into()).ok()?, &"Locale".into()).ok()?;
        let ctor: js_sys::Function = ctor.dyn_into().ok()?;
        let args = js_sys::Array::of1(&JsValue::from_str(locale));
        let tag = Reflect::construct(&ctor, &args).ok()?;
        // `getWeekInfo()` now; `weekInfo`, the older getter, in Chromium before 130.
        let info = match Reflect::get(&tag, &"getWeekInfo".into()).ok()?.dyn_into::<js_sys::Function>() {
            Ok(get) => get.call0(&tag).ok()?,
            Err(_) => Reflect::get(&tag, &"weekInfo".into()).ok()?,
        };
        Reflect::get(&info, &"firstDay".into()).ok()?.as_f64()
    })();
    match first_day.map(|d| d as u8) {
        Some(7) => Weekday::Sun,
        Some(6) => Weekday::Sat,
        Some(d @ 1..=5) => Weekday::try_from(d - 1).unwrap_or(Weekday::Mon),
        _ => Weekday::Mon,
    }
}
