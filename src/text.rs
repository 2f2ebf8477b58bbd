//! Every string a buyer reads, in one table per language so translations are a new file in
//! `lang/`, not a hunt through components. `{n}`, `{email}`… are filled in by `fill`.

use std::cell::RefCell;
use tessera_core::text::decimal;

use tessera_core::{Field, Problem};

/// `Texts` and its reader. English is compiled in; every other language is a file in `lang/`
/// (`es.txt`…) fetched only by the buyers who read it, so the wasm every buyer downloads carries
/// one table instead of five (measured in bench/RESULTS.md, issue 8). The strings are one array
/// read by position, so reading a file is one loop rather than code for each key.
macro_rules! texts {
    (lowercase_field: $lowercase_field:expr; $($key:ident: $english:expr,)*) => {
        #[allow(non_camel_case_types)]
        enum Key {
            $($key,)*
        }

        /// The keys, in the order a language file lists them.
        const KEYS: &[&str] = &[$(stringify!($key),)*];

        pub struct Texts {
            strings: [&'static str; KEYS.len()],
            /// Whether a field's label is lower-cased when it fills `{field}` in `field_missing`
            /// ("Please enter your full name."). False where nouns keep their capitals (German).
            pub lowercase_field: bool,
        }

        impl Texts {
            $(
                pub fn $key(&self) -> &'static str {
                    self.strings[Key::$key as usize]
                }
            )*
        }

        pub const EN: Texts = Texts { strings: [$($english,)*], lowercase_field: $lowercase_field };
    };
}

texts! {
    lowercase_field: true;
    loading: "Loading tickets…",
    events_heading: "Upcoming events",
    no_events: "There are no events on sale right now.",
    from_price: "From {price}",
    view_tickets: "Choose your tickets for {title}",
    back_to_events: "All events",
    choose_tickets: "Choose your tickets",
    sold_out: "Sold out",
    few_left: "Only {n} left",
    left: "{n} left",
    quantity: "Quantity",
    decrease: "Fewer tickets",
    increase: "More tickets",
    quantity_hint: "Up to {n} per order",
    your_details: "Your details",
    name: "Full name",
    email: "Email",
    phone: "Phone",
    optional: "optional",
    order_summary: "Order summary",
    total: "Total",
    checkout: "Continue to payment",
    checkout_pending: "Starting checkout…",
    pick_a_tier: "Choose a ticket type to continue.",
    not_on_sale: "Tickets for this event are not on sale.",
    all_sold_out: "This event is sold out.",
    fix_fields: "Please check the highlighted fields.",
    err_unreachable: "We can't reach the ticket service. Check your connection and try again.",
    err_not_found: "This event could not be found. It may have been removed.",
    err_sold_out:
        "Sorry, those tickets just sold out. Availability has been updated: choose fewer tickets or another type.",
    err_busy: "The ticket service is busy. Please try again in {n} seconds.",
    err_rate_limited: "Too many requests from this device. Please wait {n} seconds and try again.",
    err_unavailable: "The ticket service is not responding. Please try again in a moment.",
    err_generic: "Something went wrong. Please try again.",
    retry: "Try again",
    paid_title: "Payment complete: you're going!",
    paid_body: "{quantity} × {tier} for {event}. Your tickets are on their way to {email}.",
    paid_body_generic: "Your tickets are on their way to your email.",
    cancelled_title: "Payment cancelled",
    cancelled_body: "No money was taken. Your selection is still here if you'd like to try again.",
    dismiss: "Done",
    field_missing: "Please enter your {field}.",
    field_invalid_email: "Enter an email address like name@example.com.",
    field_invalid_phone: "Enter a phone number with 6 to 15 digits, or leave it empty.",
    field_invalid: "This doesn't look right.",
    field_too_long: "Use at most {n} characters.",
    qty_min: "Choose at least 1 ticket.",
    qty_max: "You can buy up to {n} tickets per order.",
    qty_available: "Only {n} left in this ticket type.",
    tier_sold_out: "This ticket type is sold out.",
    tier_unknown: "Choose a ticket type.",
    promo_toggle: "Have a promo code?",
    promo_label: "Promo code",
    promo_apply: "Apply",
    promo_applying: "Checking…",
    promo_remove: "Remove",
    promo_applied: "{code} applied: {off} off.",
    promo_unknown: "This code isn't valid for this event. Check it and try again.",
    promo_expired: "This code has expired.",
    promo_used_up: "This code has been used up.",
    promo_inactive: "This code is no longer active.",
    promo_too_short: "Promo codes have at least 3 characters.",
    promo_invalid: "Promo codes use only letters, digits, - and _.",
    discount: "Discount ({code})",
    live_left: "{tier}: {n} left now.",
    live_sold_out: "{tier} just sold out.",
    live_pick_another: "{tier} just sold out. Please choose another ticket type.",
    live_lowered: "Only {n} {tier} left now, so your quantity is now {n}.",
    stale: "Availability may be out of date: we can't reach the ticketing platform right now.",
    event_cancelled: "This event has been cancelled.",
    sale_opens: "Sale opens {when}",
    off_sale: "Not on sale",
    quantity_range: "{min} to {n} per order",
    sold_on: "Tickets for this event are sold on {platform}.",
    finish_there: "You'll finish your purchase there.",
    continue_on: "Continue on {platform}",
    resold: "Tickets resold on {platform}: {n}",
}

/// FNV-1a over the keys, in order. A language file gives it on its first line (`keys: …`); a file
/// made for other keys (one a release behind, still in some cache) is then read as English
/// rather than into the wrong places. Worked out at compile time, so the key names themselves
/// stay out of the wasm (about 0.5 KB of brotli, bench/RESULTS.md).
const KEYS_HASH: u32 = {
    let mut hash: u32 = 0x811c_9dc5;
    let mut i = 0;
    while i < KEYS.len() {
        let key = KEYS[i].as_bytes();
        let mut j = 0;
        while j <= key.len() {
            let byte = if j < key.len() { key[j] } else { b'\n' };
            hash = (hash ^ byte as u32).wrapping_mul(0x0100_0193);
            j += 1;
        }
        i += 1;
    }
    hash
};

impl Texts {
    /// A language file: `key: value` lines, `#` comments, read by position: `keys: KEYS_HASH`,
    /// then one line for each key in `Texts`'s order, then `lowercase_field`. The keys are for
    /// translators and for this crate's tests, which hold every file to that order. (Split at a
    /// `char`, not at `": "`: a `&str` pattern brings the two-way string searcher into the wasm.)
    pub fn parse(file: &'static str) -> Texts {
        let mut t = Texts { strings: EN.strings, lowercase_field: EN.lowercase_field };
        let mut values = file.lines().filter(|l| !l.starts_with('#')).filter_map(|l| Some(l.split_once(':')?.1.trim()));
        if values.next() != Some(decimal(KEYS_HASH.into()).as_str()) {
            return t;
        }
        for (string, value) in t.strings.iter_mut().zip(values.by_ref()) {
            *string = value;
        }
        if let Some(value) = values.next() {
            t.lowercase_field = value == "true";
        }
        t
    }

    /// Every string as (key, value).
    #[cfg(test)]
    fn all(&self) -> Vec<(&'static str, &'static str)> {
        KEYS.iter().copied().zip(self.strings).collect()
    }
}

/// The language file for a BCP 47 tag (`None`: English), chosen by its primary language
/// subtag alone, ignoring case (`_` is accepted as a separator too, as in `pt_BR`):
/// `es` → Spanish, `de` → German, `pt` → Brazilian Portuguese (for every region, `pt-PT`
/// included, since it is the only Portuguese), `fil` or `tl` → Filipino. Any other tag,
/// an empty one included, is English.
pub fn language(locale: &str) -> Option<&'static str> {
    let primary = locale.trim().split(['-', '_']).next().unwrap_or_default();
    let is = |code: &str| primary.eq_ignore_ascii_case(code);
    if is("es") {
        Some("es")
    } else if is("de") {
        Some("de")
    } else if is("pt") {
        Some("pt-BR")
    } else if is("fil") || is("tl") {
        Some("fil")
    } else {
        None
    }
}

thread_local! {
    /// Languages read so far on this page: each file is fetched once, however many widgets.
    static LOADED: RefCell<Vec<(&'static str, &'static Texts)>> = const { RefCell::new(Vec::new()) };
}

/// The strings for `locale` if they are at hand now: English, or a language already read.
pub fn ready(locale: &str) -> Option<&'static Texts> {
    match language(locale) {
        None => Some(&EN),
        Some(code) => LOADED.with_borrow(|l| l.iter().find(|(c, _)| *c == code).map(|(_, t)| *t)),
    }
}

/// The strings for `locale`, fetching its file from `{base}lang/` when needed. A file that
/// cannot be read leaves the buyer with English rather than without a widget.
pub async fn load(base: &str, locale: &str) -> &'static Texts {
    if let Some(t) = ready(locale) {
        return t;
    }
    let Some(code) = language(locale) else { return &EN };
    let Some(file) = crate::api::get_text(&[base, "lang/", code, ".txt"].concat()).await else { return &EN };
    // Another widget on the page may have read it meanwhile.
    if let Some(t) = ready(locale) {
        return t;
    }
    // Leaked once per language and page: a table lives as long as the widgets reading it,
    // which is the page, and `&'static` keeps `Texts` the same for compiled-in English.
    let t: &'static Texts = Box::leak(Box::new(Texts::parse(Box::leak(file.into_boxed_str()))));
    LOADED.with_borrow_mut(|l| l.push((code, t)));
    t
}

/// `template` with each `{key}` of `pairs` replaced by its value; other braces stay as written.
pub fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    // One pass over the template: `str::replace` per key brings a substring searcher (1 KB of wasm).
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        rest = &rest[open..];
        let value = rest.find('}').and_then(|close| {
            let key = &rest[1..close];
            pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| (*v, close + 1))
        });
        match value {
            Some((value, end)) => {
                out.push_str(value);
                rest = &rest[end..];
            }
            None => {
                out.push('{');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// A core validation problem as a sentence for the buyer.
pub fn problem(t: &Texts, field: Field, problem: Problem) -> String {
    let n = |n: u32| decimal(n.into());
    match (field, problem) {
        (Field::PromoCode, p) => match p {
            Problem::Expired => t.promo_expired(),
            Problem::UsedUp => t.promo_used_up(),
            Problem::Inactive => t.promo_inactive(),
            Problem::BelowMinimum(_) => t.promo_too_short(),
            Problem::Invalid | Problem::TooLong(_) => t.promo_invalid(),
            _ => t.promo_unknown(),
        }
        .into(),
        (Field::Quantity, Problem::BelowMinimum(_)) => t.qty_min().into(),
        (Field::Quantity, Problem::AboveMaximum(m)) => fill(t.qty_max(), &[("n", &n(m))]),
        (Field::Quantity, Problem::AboveAvailability(a)) if a > 0 => fill(t.qty_available(), &[("n", &n(a))]),
        (_, Problem::SoldOut) | (_, Problem::AboveAvailability(_)) => t.tier_sold_out().into(),
        (Field::TierId, _) => t.tier_unknown().into(),
        (_, Problem::NotOnSale) => t.not_on_sale().into(),
        (Field::Email, Problem::Invalid) => t.field_invalid_email().into(),
        (Field::Phone, Problem::Invalid) => t.field_invalid_phone().into(),
        (_, Problem::TooLong(m)) => fill(t.field_too_long(), &[("n", &n(m))]),
        (f, Problem::Missing) => {
            let what = match f {
                Field::Name => t.name(),
                Field::Email => t.email(),
                Field::Phone => t.phone(),
                _ => t.quantity(),
            };
            let what = if t.lowercase_field { lower_first(what) } else { what.to_owned() };
            fill(t.field_missing(), &[("field", &what)])
        }
        _ => t.field_invalid().into(),
    }
}

/// "Full name" → "full name". Labels are sentence case, so only the first letter changes;
/// `str::to_lowercase` would compile Unicode's case tables (12 KB) into the wasm for this.
fn lower_first(label: &str) -> String {
    let mut s = label.to_owned();
    if let Some(first) = s.get_mut(0..1) {
        first.make_ascii_lowercase();
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    const FILES: [(&str, &str); 4] = [
        ("es", include_str!("../lang/es.txt")),
        ("de", include_str!("../lang/de.txt")),
        ("pt-BR", include_str!("../lang/pt-BR.txt")),
        ("fil", include_str!("../lang/fil.txt")),
    ];

    /// English and every language file, read as the widget reads them.
    fn tables() -> Vec<(&'static str, Texts)> {
        let mut tables = vec![("en", Texts::parse(""))];
        tables.extend(FILES.map(|(code, file)| (code, Texts::parse(file))));
        tables
    }

    fn table(code: &str) -> Texts {
        tables().into_iter().find(|(c, _)| *c == code).unwrap().1
    }

    /// The `{name}` tokens of a template.
    fn placeholders(s: &str) -> BTreeSet<&str> {
        let mut found = BTreeSet::new();
        let mut rest = s;
        while let Some(open) = rest.find('{') {
            rest = &rest[open + 1..];
            let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
            if rest[end..].starts_with('}') && end > 0 {
                found.insert(&rest[..end]);
            }
        }
        found
    }

    #[test]
    fn fill_replaces_known_keys_and_leaves_other_braces() {
        let pairs = [("n", "3"), ("tier", "VIP")];
        assert_eq!(fill("Only {n} {tier} left, {n}!", &pairs), "Only 3 VIP left, 3!");
        assert_eq!(fill("{other} {n} { n} {} {", &pairs), "{other} 3 { n} {} {");
        assert_eq!(fill("Café {tier}…", &pairs), "Café VIP…");
        assert_eq!(fill("", &pairs), "");
    }

    #[test]
    fn placeholder_helper_reads_tokens() {
        assert_eq!(
            placeholders("{quantity} × {tier} for {event}, {tier}"),
            BTreeSet::from(["event", "quantity", "tier"])
        );
        assert!(placeholders("no tokens, { not one }, {}").is_empty());
    }

    #[test]
    fn locale_picks_a_language_file_by_primary_subtag() {
        let cases = [
            ("es-ES", Some("es")),
            ("es-MX", Some("es")),
            ("ES", Some("es")),
            ("de-AT", Some("de")),
            ("de", Some("de")),
            ("pt-BR", Some("pt-BR")),
            ("pt-PT", Some("pt-BR")),
            ("pt_br", Some("pt-BR")),
            ("fil-PH", Some("fil")),
            ("FIL", Some("fil")),
            ("tl", Some("fil")),
            ("tl-PH", Some("fil")),
            ("en-AU", None),
            ("en", None),
            ("xx", None),
            ("", None),
            ("e", None),
            ("esp", None),
            ("fi", None),
            ("-es", None),
        ];
        for (tag, want) in cases {
            assert_eq!(language(tag), want, "locale {tag:?}");
            // English needs no fetch; the others wait for their file.
            assert_eq!(ready(tag).is_some(), want.is_none(), "locale {tag:?}");
        }
        for (code, _) in FILES {
            assert_eq!(language(code), Some(code), "{code}.txt is reachable");
        }
    }

    /// Every file names the keys it was made for, then lists every key once, in `Texts`'s
    /// order, and nothing else: the wasm reads the lines by position.
    #[test]
    fn every_language_file_lists_every_key_in_order() {
        let expected: Vec<&str> = ["keys"].into_iter().chain(KEYS.iter().copied()).chain(["lowercase_field"]).collect();
        for (code, file) in FILES {
            let lines: Vec<(&str, &str)> =
                file.lines().filter(|l| !l.starts_with('#')).map(|l| l.split_once(": ").unwrap_or((l, ""))).collect();
            let keys: Vec<&str> = lines.iter().map(|(k, _)| *k).collect();
            assert_eq!(keys, expected, "lang/{code}.txt");
            assert_eq!(lines[0].1, KEYS_HASH.to_string(), "lang/{code}.txt's keys line");
        }
    }

    #[test]
    fn a_file_made_for_other_keys_reads_in_english() {
        let behind = "# a file a release behind\nkeys: 12345\nloading: Cargando…\n";
        assert_eq!(Texts::parse(behind).loading(), EN.loading());
        let hash = KEYS_HASH.to_string();
        let short = Box::leak(format!("keys: {hash}\nloading: Cargando…\n").into_boxed_str());
        let t = Texts::parse(short);
        assert_eq!((t.loading(), t.checkout(), t.lowercase_field), ("Cargando…", EN.checkout(), true));
    }

    #[test]
    fn the_keys_hash_follows_the_keys_and_their_order() {
        assert_ne!(KEYS_HASH, 0x811c_9dc5);
        // The same FNV-1a at run time, over the keys as the files list them.
        let mut hash: u32 = 0x811c_9dc5;
        for byte in KEYS.iter().flat_map(|k| k.bytes().chain([b'\n'])) {
            hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
        }
        assert_eq!(hash, KEYS_HASH);
    }

    #[test]
    fn tables_are_distinct_and_complete() {
        let tables = tables();
        for (name, t) in &tables {
            for (field, value) in t.all() {
                assert!(!value.trim().is_empty(), "{name}.{field} is empty");
                assert_eq!(value, value.trim(), "{name}.{field} has stray spaces");
            }
        }
        let names: BTreeSet<_> = tables.iter().map(|(_, t)| t.all()).collect();
        assert_eq!(names.len(), tables.len(), "two tables are identical");
    }

    #[test]
    fn every_translation_keeps_the_english_placeholders() {
        let en = EN.all();
        for (name, t) in tables() {
            for ((field, english), (same_field, value)) in en.iter().zip(t.all()) {
                assert_eq!(*field, same_field);
                assert_eq!(
                    placeholders(value),
                    placeholders(english),
                    "{name}.{field}: {value:?} against English {english:?}"
                );
            }
        }
    }

    #[test]
    fn lowering_the_first_letter_lowers_every_label_fully() {
        for (name, t) in tables().iter().filter(|(_, t)| t.lowercase_field) {
            for label in [t.name(), t.email(), t.phone(), t.quantity()] {
                assert_eq!(lower_first(label), label.to_lowercase(), "{name}: {label}");
            }
        }
    }

    #[test]
    fn missing_field_keeps_german_capitals() {
        assert_eq!(problem(&EN, Field::Name, Problem::Missing), "Please enter your full name.");
        assert_eq!(problem(&table("es"), Field::Email, Problem::Missing), "Introduce tu correo electrónico.");
        let de = table("de");
        assert_eq!(problem(&de, Field::Name, Problem::Missing), "Bitte füllen Sie „Vor- und Nachname“ aus.");
        assert_eq!(problem(&de, Field::Email, Problem::Missing), "Bitte füllen Sie „E-Mail“ aus.");
        assert_eq!(problem(&table("pt-BR"), Field::Phone, Problem::Missing), "Informe seu telefone.");
        assert_eq!(problem(&table("fil"), Field::Phone, Problem::Missing), "Pakilagay ang iyong contact number.");
    }

    #[test]
    fn filled_templates_leave_no_token_behind() {
        let pairs = [
            ("n", "3"),
            ("price", "€10"),
            ("title", "Gig"),
            ("tier", "VIP"),
            ("quantity", "2"),
            ("event", "Gig"),
            ("email", "a@example.com"),
            ("field", "name"),
            ("code", "SAVE10"),
            ("off", "10%"),
            ("when", "Sat, 1 Mar 2030, 10:00 AM"),
            ("platform", "TicketWave"),
            ("min", "2"),
        ];
        for (name, t) in tables() {
            for (field, value) in t.all() {
                let filled = fill(value, &pairs);
                assert!(placeholders(&filled).is_empty(), "{name}.{field} left {filled:?}");
            }
        }
    }
}
