//! Money and dates through the browser's Intl, in the buyer's locale: no formatting tables
//! shipped in the wasm, except money in English and Filipino locales (`WRITTEN_HERE`), which is
//! on the way to the first price. Dates are shown in the event's own UTC offset (a buyer abroad
//! still sees the time printed on the ticket).

use js_sys::{Array, Date, Intl, Object, Reflect};
use std::cell::RefCell;
use tessera_core::Money;
use wasm_bindgen::{JsCast, JsValue};

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = Intl, js_name = getCanonicalLocales)]
    fn canonical_locales(tag: &str) -> Result<Array, JsValue>;
}

/// `tag` as the browser's Intl takes it ("pt_BR" and "pt-br" → "pt-BR"); `None` when it is not a
/// language tag at all ("x", "en US"). Intl throws on such a tag, and a formatter that cannot be
/// made would stop the widget, so the site owner's tag is checked once, here.
pub fn canonical_locale(tag: &str) -> Option<String> {
    let tag: String = tag.chars().map(|c| if c == '_' { '-' } else { c }).collect();
    canonical_locales(&tag).ok()?.get(0).as_string()
}

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

thread_local! {
    // A formatter costs the browser far more to make than to use (a millisecond or more each on
    // a phone), and every price and total of a widget uses one of the same few.
    static FORMATTERS: RefCell<Vec<(String, Object)>> = const { RefCell::new(Vec::new()) };
}

/// The formatter for `key`, made by `make` the first time. `make` is a `&dyn`: a generic one
/// would copy this lookup into each of the three formatters' callers.
fn formatter(key: String, make: &dyn Fn() -> Object) -> Object {
    FORMATTERS.with_borrow_mut(|all| match all.iter().find(|(k, _)| *k == key) {
        Some((_, f)) => f.clone(),
        None => {
            let f = make();
            all.push((key, f.clone()));
            f
        }
    })
}

/// What an Intl formatter's `format` makes of `value`; `None` if it throws.
fn apply(format: js_sys::Function, value: &JsValue) -> Option<String> {
    format.call1(&JsValue::NULL, value).ok().and_then(|v| v.as_string())
}

/// The locales whose currency text the widget writes itself, with `Money::display`, for the
/// currencies that have a sign there: the browser's first currency formatter costs about 55 ms
/// at 4× CPU before the first price can show (bench/RESULTS.md). The widget's test
/// `money_written_here_is_what_the_browsers_intl_writes` holds each to Intl.
pub const WRITTEN_HERE: [&str; 5] = ["en", "en-US", "en-PH", "fil", "fil-PH"];

pub fn money(m: Money, locale: &str) -> String {
    if m.currency.symbol().is_some() && WRITTEN_HERE.contains(&locale) {
        return m.display();
    }
    let scale = 10f64.powi(m.currency.exponent() as i32);
    // Display only: the amount itself stays integral everywhere else.
    let value = m.amount as f64 / scale;
    let code = m.currency.code();
    let fmt: Intl::NumberFormat = formatter([locale, " ", &code].concat(), &|| {
        Intl::NumberFormat::new(&locales(locale), &options(&[("style", "currency"), ("currency", &code)])).into()
    })
    .unchecked_into();
    apply(fmt.format(), &JsValue::from_f64(value))
        // A browser without this currency's data still shows the amount.
        .unwrap_or_else(|| m.display())
}

/// A percentage discount in the buyer's locale ("20%", "20 %", "12.5%") from basis points.
pub fn percent(basis_points: u32, locale: &str) -> String {
    let fmt: Intl::NumberFormat = formatter([locale, " %"].concat(), &|| {
        Intl::NumberFormat::new(&locales(locale), &options(&[("style", "percent"), ("maximumFractionDigits", "2")]))
            .into()
    })
    .unchecked_into();
    let share = f64::from(basis_points) / 10_000.0;
    // The locale was checked at mount (`canonical_locale`), so Intl does not throw here.
    apply(fmt.format(), &JsValue::from_f64(share)).unwrap_or_default()
}

/// The wall-clock fields of an RFC 3339 time ("2026-12-12T20:00:00+08:00" → 2026, 12, 12,
/// 20, 0), read as written: the offset is where the event is, and that is the time shown.
pub fn wall_clock(rfc3339: &str) -> Option<[u32; 5]> {
    let b = rfc3339.as_bytes();
    let num = |from: usize, len: usize| -> Option<u32> {
        let digits = b.get(from..from + len)?;
        digits.iter().try_fold(0u32, |n, d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    let separators = [(4, b'-'), (7, b'-'), (13, b':')];
    if separators.iter().any(|&(i, c)| b.get(i) != Some(&c)) || !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let fields = [num(0, 4)?, num(5, 2)?, num(8, 2)?, num(11, 2)?, num(14, 2)?];
    let valid = (1..=12).contains(&fields[1]) && (1..=31).contains(&fields[2]) && fields[3] < 24 && fields[4] < 60;
    valid.then_some(fields)
}

/// Whether `event_date` for `locale` is cheap now: its formatter is made. The browser's first
/// date formatter costs ~15 ms to make (60 ms at 4× CPU throttling, bench/RESULTS.md).
pub fn dates_ready(locale: &str) -> bool {
    FORMATTERS.with_borrow(|all| all.iter().any(|(k, _)| k == locale))
}

/// "Sat, 12 Dec 2026, 8:00 PM" for "2026-12-12T20:00:00+08:00", whatever the buyer's zone.
pub fn event_date(rfc3339: &str, locale: &str) -> String {
    let Some([year, month, day, hour, minute]) = wall_clock(rfc3339) else { return rfc3339.to_owned() };
    // The wall-clock time in the event's offset, placed at UTC and formatted in UTC.
    let ms = Date::utc(f64::from(year), f64::from(month - 1))
        + f64::from(day - 1) * 86_400_000.0
        + f64::from(hour * 3600 + minute * 60) * 1000.0;
    let date = Date::new(&JsValue::from_f64(ms));
    let fmt: Intl::DateTimeFormat = formatter(locale.to_owned(), &|| {
        Intl::DateTimeFormat::new(
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
        )
        .into()
    })
    .unchecked_into();
    apply(fmt.format(), &date).unwrap_or_else(|| rfc3339.to_owned())
}

#[cfg(test)]
mod tests {
    use super::wall_clock;

    #[test]
    fn wall_clock_reads_the_time_as_written_in_its_own_offset() {
        assert_eq!(wall_clock("2026-12-12T20:00:00+08:00"), Some([2026, 12, 12, 20, 0]));
        assert_eq!(wall_clock("2027-01-31T09:45:00-03:00"), Some([2027, 1, 31, 9, 45]));
        assert_eq!(wall_clock("2026-12-12T20:00:00Z"), Some([2026, 12, 12, 20, 0]));
    }

    #[test]
    fn wall_clock_refuses_what_is_not_a_time() {
        for bad in [
            "",
            "2026-12-12",
            "2026-13-01T10:00:00Z",
            "2026-12-32T10:00:00Z",
            "2026-12-12T24:00:00Z",
            "2026/12/12T10:00:00Z",
            "2026-12-12T1a:00:00Z",
            "２０２６-12-12T10:00:00Z",
        ] {
            assert_eq!(wall_clock(bad), None, "{bad}");
        }
    }
}
