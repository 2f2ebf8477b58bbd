//! Every string a buyer reads, so translations are a file in `lang/`, not a hunt through
//! components. English is compiled in; another language is fetched by the buyers who read it.
//!
//! A language file is `key: value` lines and `#` comments. A string with a count has one line
//! per plural form the language has (`qty_max.one:`, `qty_max.other:`), chosen by the browser's
//! `Intl.PluralRules`, so "up to 1 ticket" and "up to 3 tickets" are each right in every
//! language. `{n}`, `{tier}`… are filled in by [`fill`]. A key a file lacks reads in English.

use std::collections::HashMap;
use std::sync::OnceLock;

use tessera_core::{Field, Problem};

macro_rules! texts {
    (
        strings { $($key:ident: $english:expr,)* }
        counted { $($ckey:ident: [$one:expr, $other:expr $(,)?],)* }
    ) => {
        /// The keys of a language file, in the order English lists them; counted strings have
        /// `.one` and `.other` (and whatever other forms their language has).
        pub const KEYS: &[&str] = &[$(stringify!($key),)*];
        pub const COUNTED_KEYS: &[&str] = &[$(stringify!($ckey),)*];

        const ENGLISH: &[(&str, &str)] = &[
            $((stringify!($key), $english),)*
            $((concat!(stringify!($ckey), ".one"), $one), (concat!(stringify!($ckey), ".other"), $other),)*
            ("lowercase_field", "true"),
        ];

        impl Texts {
            $(
                pub fn $key(&self) -> &str {
                    self.get(stringify!($key))
                }
            )*
            $(
                /// The string for `n`, in the plural form the language uses for it, `{n}` filled.
                pub fn $ckey(&self, n: u32) -> String {
                    self.counted(stringify!($ckey), n)
                }
            )*
        }
    };
}

texts! {
    strings {
        loading: "Loading tickets…",
        events_heading: "Upcoming events",
        no_events: "There are no events on sale right now.",
        from_price: "From {price}",
        view_tickets: "Choose your tickets for {title}",
        back_to_events: "All events",
        choose_tickets: "Choose your tickets",
        sold_out: "Sold out",
        few_left: "Only {n} left",
        quantity: "Quantity",
        decrease: "Fewer tickets",
        increase: "More tickets",
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
        held_title: "{quantity} × {tier} held for you until {time}",
        held_left: "{time} left to pay",
        held_other: "Choose other tickets",
        held_ended_title: "Your hold has ended",
        held_released: "The {quantity} × {tier} held for you were released. You can choose tickets again below.",
        calendar_previous: "Previous month",
        calendar_next: "Next month",
        calendar_back: "Back to the calendar",
        calendar_empty_month: "No events in {month}.",
        calendar_keys: "Arrow keys move between days, Page Up and Page Down between months.",
        waitlist_heading: "{tier} is sold out: get an email if tickets come back",
        waitlist_intro: "Leave your email and we'll write to you if seats of this ticket type are released.",
        waitlist_tier: "Ticket type",
        waitlist_email: "Your email",
        waitlist_consent: "Email me about tickets of this type. I can leave the waiting list at any time.",
        waitlist_consent_missing: "Tick the box so we may email you.",
        waitlist_join: "Join the waiting list",
        waitlist_joining: "Joining…",
        waitlist_joined: "You're on the waiting list for {tier}. We'll email {email} if tickets come back.",
    }
    counted {
        held_minutes_left: ["{n} minute left to pay for your tickets.", "{n} minutes left to pay for your tickets."],
        held_seconds_left: ["{n} second left to pay for your tickets.", "{n} seconds left to pay for your tickets."],
        left: ["{n} left", "{n} left"],
        calendar_events: ["{n} event", "{n} events"],
        quantity_hint: ["Up to {n} ticket per order", "Up to {n} tickets per order"],
        qty_min: ["Choose at least {n} ticket.", "Choose at least {n} tickets."],
        qty_max: ["You can buy up to {n} ticket per order.", "You can buy up to {n} tickets per order."],
        err_busy: [
            "The ticket service is busy. Please try again in {n} second.",
            "The ticket service is busy. Please try again in {n} seconds.",
        ],
        err_rate_limited: [
            "Too many requests from this device. Please wait {n} second and try again.",
            "Too many requests from this device. Please wait {n} seconds and try again.",
        ],
    }
}

/// One language's strings.
#[derive(Debug)]
pub struct Texts {
    /// The language (`en`, `es`, `de`, `pt-BR`, `fil`): its plural rules choose the forms.
    pub language: &'static str,
    strings: HashMap<String, String>,
    /// Whether a field's label is lower-cased when it fills `{field}` in `field_missing`
    /// ("Please enter your full name."). False where nouns keep their capitals (German).
    pub lowercase_field: bool,
}

fn english_strings() -> &'static HashMap<String, String> {
    static EN: OnceLock<HashMap<String, String>> = OnceLock::new();
    EN.get_or_init(|| ENGLISH.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
}

impl Texts {
    pub fn english() -> Texts {
        Texts { language: "en", strings: english_strings().clone(), lowercase_field: true }
    }

    /// A language file as [`Texts`] for `language`.
    pub fn parse(language: &'static str, file: &str) -> Texts {
        let strings: HashMap<String, String> = file
            .lines()
            .filter(|line| !line.trim_start().starts_with('#'))
            .filter_map(|line| line.split_once(':'))
            .map(|(key, value)| (key.trim().to_owned(), value.trim().to_owned()))
            .filter(|(key, value)| !key.is_empty() && !value.is_empty())
            .collect();
        let lowercase_field = strings.get("lowercase_field").is_none_or(|v| v == "true");
        Texts { language, strings, lowercase_field }
    }

    fn get(&self, key: &str) -> &str {
        self.strings.get(key).or_else(|| english_strings().get(key)).map(String::as_str).unwrap_or_default()
    }

    /// The form of `key` for `n`: the language's own form for `n`'s plural category (as
    /// `Intl.PluralRules` names it; tessera-core's rules), else its `other` form, else English's.
    fn counted(&self, key: &str, n: u32) -> String {
        let category = crate::format::plural_category(self.language, n);
        let form =
            |strings: &HashMap<String, String>, category: &str| strings.get(&format!("{key}.{category}")).cloned();
        let template = form(&self.strings, category)
            .or_else(|| form(&self.strings, "other"))
            .or_else(|| form(english_strings(), if n == 1 { "one" } else { "other" }))
            .unwrap_or_default();
        fill(&template, &[("n", &n.to_string())])
    }

    /// Every key this table has, for the tests that hold translations to English.
    #[cfg(test)]
    fn keys(&self) -> std::collections::BTreeSet<&str> {
        self.strings.keys().map(String::as_str).collect()
    }
}

/// The language file for a BCP 47 tag (`None`: English), chosen by its primary language
/// subtag alone, ignoring case: `es` → Spanish, `de` → German, `pt` → Brazilian Portuguese (for
/// every region, `pt-PT` included, since it is the only Portuguese), `fil` or `tl` → Filipino.
pub fn language(locale: &str) -> Option<&'static str> {
    let primary = locale.trim().split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
    match primary.as_str() {
        "es" => Some("es"),
        "de" => Some("de"),
        "pt" => Some("pt-BR"),
        "fil" | "tl" => Some("fil"),
        _ => None,
    }
}

thread_local! {
    /// Languages read so far on this page: each file is fetched once, however many widgets.
    static LOADED: std::cell::RefCell<Vec<&'static Texts>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// English, made once: a table lives as long as the page, like the widgets that read it.
pub fn english() -> &'static Texts {
    static EN: OnceLock<&'static Texts> = OnceLock::new();
    EN.get_or_init(|| Box::leak(Box::new(Texts::english())))
}

/// The strings for `locale` from the files built into the crate: how the proxy, which renders
/// first views, reads them (the wasm fetches them instead, see [`load`]).
#[cfg(feature = "ssr")]
pub fn bundled(locale: &str) -> &'static Texts {
    static FILES: [(&str, &str); 4] = [
        ("es", include_str!("../lang/es.txt")),
        ("de", include_str!("../lang/de.txt")),
        ("pt-BR", include_str!("../lang/pt-BR.txt")),
        ("fil", include_str!("../lang/fil.txt")),
    ];
    static TABLES: OnceLock<Vec<&'static Texts>> = OnceLock::new();
    let Some(code) = language(locale) else { return english() };
    let tables = TABLES
        .get_or_init(|| FILES.iter().map(|(code, file)| &*Box::leak(Box::new(Texts::parse(code, file)))).collect());
    tables.iter().find(|t| t.language == code).copied().unwrap_or_else(english)
}

/// The strings for `locale` if they are at hand now: English, or a language already read.
pub fn ready(locale: &str) -> Option<&'static Texts> {
    match language(locale) {
        None => Some(english()),
        Some(code) => LOADED.with_borrow(|l| l.iter().find(|t| t.language == code).copied()),
    }
}

/// The strings for `locale`, fetching its language's `file` when they are not at hand. A file
/// that cannot be read leaves the buyer with English rather than without a widget.
pub async fn load(locale: &str, file: Option<String>) -> &'static Texts {
    if let Some(t) = ready(locale) {
        return t;
    }
    let (Some(code), Some(file)) = (language(locale), file) else { return english() };
    let Ok(text) = crate::api::get_text(&file).await else { return english() };
    // Another widget on the page may have read it meanwhile.
    if let Some(t) = ready(locale) {
        return t;
    }
    let t: &'static Texts = Box::leak(Box::new(Texts::parse(code, &text)));
    LOADED.with_borrow_mut(|l| l.push(t));
    t
}

/// `template` with each `{key}` of `pairs` replaced by its value; other braces stay as written.
pub fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
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
    let n = |n: u32| n.to_string();
    match (field, problem) {
        (Field::PromoCode, p) => match p {
            Problem::Expired => t.promo_expired(),
            Problem::UsedUp => t.promo_used_up(),
            Problem::Inactive => t.promo_inactive(),
            Problem::BelowMinimum(_) => t.promo_too_short(),
            Problem::Invalid | Problem::TooLong(_) => t.promo_invalid(),
            _ => t.promo_unknown(),
        }
        .to_owned(),
        (Field::Quantity, Problem::BelowMinimum(m)) => t.qty_min(m),
        (Field::Quantity, Problem::AboveMaximum(m)) => t.qty_max(m),
        (Field::Quantity, Problem::AboveAvailability(a)) if a > 0 => fill(t.qty_available(), &[("n", &n(a))]),
        (_, Problem::SoldOut) | (_, Problem::AboveAvailability(_)) => t.tier_sold_out().to_owned(),
        (Field::TierId, _) => t.tier_unknown().to_owned(),
        (_, Problem::NotOnSale) => t.not_on_sale().to_owned(),
        (Field::Email, Problem::Invalid) => t.field_invalid_email().to_owned(),
        (Field::Phone, Problem::Invalid) => t.field_invalid_phone().to_owned(),
        (_, Problem::TooLong(m)) => fill(t.field_too_long(), &[("n", &n(m))]),
        (f, Problem::Missing) => {
            let what = match f {
                Field::Name => t.name(),
                Field::Email => t.email(),
                Field::Phone => t.phone(),
                _ => t.quantity(),
            };
            // Labels are sentence case, so only the first letter changes.
            let what = if t.lowercase_field { lower_first(what) } else { what.to_owned() };
            fill(t.field_missing(), &[("field", &what)])
        }
        _ => t.field_invalid().to_owned(),
    }
}

fn lower_first(label: &str) -> String {
    let mut chars = label.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    pub const FILES: [(&str, &str); 4] = [
        ("es", include_str!("../lang/es.txt")),
        ("de", include_str!("../lang/de.txt")),
        ("pt-BR", include_str!("../lang/pt-BR.txt")),
        ("fil", include_str!("../lang/fil.txt")),
    ];

    fn tables() -> Vec<Texts> {
        let mut tables = vec![Texts::english()];
        tables.extend(FILES.map(|(code, file)| Texts::parse(code, file)));
        tables
    }

    fn table(code: &str) -> Texts {
        tables().into_iter().find(|t| t.language == code).unwrap()
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
    fn locale_picks_a_language_file_by_primary_subtag() {
        let cases = [
            ("es-ES", Some("es")),
            ("es-MX", Some("es")),
            ("ES", Some("es")),
            ("de-AT", Some("de")),
            ("pt-BR", Some("pt-BR")),
            ("pt-PT", Some("pt-BR")),
            ("pt_br", Some("pt-BR")),
            ("fil-PH", Some("fil")),
            ("FIL", Some("fil")),
            ("tl-PH", Some("fil")),
            ("en-AU", None),
            ("en", None),
            ("xx", None),
            ("", None),
            ("esp", None),
            ("fi", None),
            ("-es", None),
        ];
        for (tag, want) in cases {
            assert_eq!(language(tag), want, "locale {tag:?}");
        }
        for (code, _) in FILES {
            assert_eq!(language(code), Some(code), "{code}.txt is reachable");
        }
    }

    /// Every file has exactly English's keys: each string once, each counted string with an
    /// `other` form and a `one` form (every language here has both), and `lowercase_field`.
    #[test]
    fn every_language_file_has_every_key_and_no_other() {
        let english = Texts::english();
        let want = english.keys();
        for (code, file) in FILES {
            let t = Texts::parse(code, file);
            assert_eq!(t.keys(), want, "lang/{code}.txt");
            let lines = file.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()).count();
            assert_eq!(lines, want.len(), "lang/{code}.txt has a key twice or a line that is not `key: value`");
        }
    }

    #[test]
    fn tables_are_distinct_and_complete() {
        let tables = tables();
        for t in &tables {
            for key in t.keys() {
                let value = &t.strings[key];
                assert!(!value.trim().is_empty(), "{}.{key} is empty", t.language);
            }
        }
        let distinct: BTreeSet<Vec<(&String, &String)>> = tables
            .iter()
            .map(|t| {
                let mut v: Vec<_> = t.strings.iter().collect();
                v.sort();
                v
            })
            .collect();
        assert_eq!(distinct.len(), tables.len(), "two tables are identical");
    }

    #[test]
    fn every_translation_keeps_the_english_placeholders() {
        let en = Texts::english();
        for t in tables() {
            for key in en.keys() {
                let (english, value) = (&en.strings[key], &t.strings[key]);
                assert_eq!(
                    placeholders(value),
                    placeholders(english),
                    "{}.{key}: {value:?} against {english:?}",
                    t.language
                );
            }
        }
    }

    #[test]
    fn counted_keys_are_listed_with_both_forms() {
        let en = Texts::english();
        for key in COUNTED_KEYS {
            assert!(en.strings.contains_key(&format!("{key}.one")), "{key}.one");
            assert!(en.strings.contains_key(&format!("{key}.other")), "{key}.other");
            assert!(!KEYS.contains(key), "{key} is both counted and not");
        }
    }

    #[test]
    fn missing_field_keeps_german_capitals() {
        let en = Texts::english();
        assert_eq!(problem(&en, Field::Name, Problem::Missing), "Please enter your full name.");
        assert_eq!(problem(&table("es"), Field::Email, Problem::Missing), "Introduce tu correo electrónico.");
        let de = table("de");
        assert_eq!(problem(&de, Field::Name, Problem::Missing), "Bitte füllen Sie „Vor- und Nachname“ aus.");
        assert_eq!(problem(&de, Field::Email, Problem::Missing), "Bitte füllen Sie „E-Mail“ aus.");
        assert_eq!(problem(&table("pt-BR"), Field::Phone, Problem::Missing), "Informe seu telefone.");
        assert_eq!(problem(&table("fil"), Field::Phone, Problem::Missing), "Pakilagay ang iyong contact number.");
    }

    #[test]
    fn a_file_without_a_key_reads_that_key_in_english() {
        let t = Texts::parse("es", "loading: Cargando…\n");
        assert_eq!((t.loading(), t.checkout()), ("Cargando…", "Continue to payment"));
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
            ("month", "December 2026"),
            ("time", "20:15"),
        ];
        for t in tables() {
            for key in t.keys() {
                let filled = fill(&t.strings[key], &pairs);
                assert!(placeholders(&filled).is_empty(), "{}.{key} left {filled:?}", t.language);
            }
        }
    }
}
