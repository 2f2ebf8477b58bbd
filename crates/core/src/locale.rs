//! Money, percentages, dates and plural forms written the way a browser's `Intl` writes them,
//! for the locales the widget is made for. The proxy renders a widget's first view with these
//! and the widget hydrates and updates it with the same functions, so the text a buyer sees
//! first is the text it keeps. The widget's browser tests hold every profile here to
//! Chromium's `Intl` (tests/web.rs).
//!
//! A locale is one of the profiles below, chosen by language and region (`de-AT`, `pt_pt`);
//! a region without a profile of its own takes its language's first one (`es-AR` is written
//! as `es-ES`), and a language without any takes `en-US`.

use chrono::{Datelike, NaiveDateTime, Timelike};

use crate::money::{Currency, Money};

const NBSP: char = '\u{a0}';

/// How a currency amount is laid out around its sign.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    /// `¤#,##0.00`: the sign before the number, a space only after a sign that is letters
    /// (`₱1.00`, `CHF 1.00`).
    Before,
    /// `¤ #,##0.00`: the sign, a space, the number (`R$ 1,00`).
    BeforeSpaced,
    /// `¤ #,##0.00;¤-#,##0.00`: as `BeforeSpaced`, a minus between sign and number (de-CH).
    BeforeSpacedMinusAfter,
    /// `#,##0.00 ¤`: the number, a space, the sign (`1,00 €`).
    After,
}

/// How a date and time are written: the tokens of `Intl.DateTimeFormat` with weekday short,
/// day numeric, month short, year numeric, hour numeric and minute 2-digit.
#[derive(Clone, Copy, Debug)]
enum Part {
    Weekday,
    Day,
    Month,
    /// The month as two digits (pt-PT writes its dates with numbers).
    MonthNumber,
    Year,
    /// 0–23, not padded.
    Hour24,
    /// 1–12, not padded.
    Hour12,
    Minute,
    DayPeriod,
    Text(&'static str),
}

use Part::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Plurals {
    /// en, de, es, pt-PT: `one` for 1.
    One,
    /// pt (Brazil): `one` for 0 and 1.
    ZeroOrOne,
    /// fil: `one` unless the last digit is 4, 6 or 9.
    Filipino,
}

#[derive(Debug)]
struct Profile {
    tag: &'static str,
    language: &'static str,
    decimal: char,
    group: char,
    /// 2 where a four-digit number has no group separator (es, pt-PT).
    min_grouping: usize,
    layout: Layout,
    /// The signs this locale writes for currencies; every other currency is written with its code.
    signs: &'static [(&'static str, &'static str)],
    percent_space: bool,
    date: &'static [Part],
    weekdays: [&'static str; 7],
    months: [&'static str; 12],
    day_periods: [&'static str; 2],
    plurals: Plurals,
    /// Extra plural category `many` for millions (es, pt).
    many_millions: bool,
}

const EN_SIGNS: &[(&str, &str)] = &[
    ("PHP", "₱"),
    ("EUR", "€"),
    ("BRL", "R$"),
    ("USD", "$"),
    ("AUD", "A$"),
    ("GBP", "£"),
    ("JPY", "¥"),
    ("MXN", "MX$"),
    ("CAD", "CA$"),
];
const EN_GB_SIGNS: &[(&str, &str)] = &[
    ("PHP", "₱"),
    ("EUR", "€"),
    ("BRL", "R$"),
    ("USD", "US$"),
    ("AUD", "A$"),
    ("GBP", "£"),
    ("JPY", "JP¥"),
    ("MXN", "MX$"),
    ("CAD", "CA$"),
];
const DE_SIGNS: &[(&str, &str)] = &[
    ("EUR", "€"),
    ("BRL", "R$"),
    ("USD", "$"),
    ("AUD", "AU$"),
    ("GBP", "£"),
    ("JPY", "¥"),
    ("MXN", "MX$"),
    ("CAD", "CA$"),
];
const DE_CH_SIGNS: &[(&str, &str)] =
    &[("BRL", "R$"), ("USD", "$"), ("AUD", "AU$"), ("GBP", "£"), ("JPY", "¥"), ("MXN", "MX$"), ("CAD", "CA$")];
const PT_SIGNS: &[(&str, &str)] = &[
    ("EUR", "€"),
    ("BRL", "R$"),
    ("USD", "US$"),
    ("AUD", "AU$"),
    ("GBP", "£"),
    ("JPY", "JP¥"),
    ("MXN", "MX$"),
    ("CAD", "CA$"),
];

const EN_WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const EN_MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const ES_WEEKDAYS: [&str; 7] = ["dom", "lun", "mar", "mié", "jue", "vie", "sáb"];
const DE_WEEKDAYS: [&str; 7] = ["So.", "Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa."];
const DE_MONTHS: [&str; 12] =
    ["Jan.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sept.", "Okt.", "Nov.", "Dez."];
const NO_NAMES: [&str; 12] = [""; 12];

const EN_US_DATE: &[Part] = &[
    Weekday,
    Text(", "),
    Month,
    Text(" "),
    Day,
    Text(", "),
    Year,
    Text(", "),
    Hour12,
    Text(":"),
    Minute,
    Text(" "),
    DayPeriod,
];
const DAY_MONTH_24H: &[Part] =
    &[Weekday, Text(", "), Day, Text(" "), Month, Text(" "), Year, Text(", "), Hour24, Text(":"), Minute];
const DE_DATE: &[Part] =
    &[Weekday, Text(", "), Day, Text(". "), Month, Text(" "), Year, Text(", "), Hour24, Text(":"), Minute];

static PROFILES: [Profile; 11] = [
    Profile {
        tag: "en-US",
        language: "en",
        decimal: '.',
        group: ',',
        min_grouping: 1,
        layout: Layout::Before,
        signs: EN_SIGNS,
        percent_space: false,
        date: EN_US_DATE,
        weekdays: EN_WEEKDAYS,
        months: EN_MONTHS,
        day_periods: ["AM", "PM"],
        plurals: Plurals::One,
        many_millions: false,
    },
    Profile {
        tag: "en-GB",
        language: "en",
        decimal: '.',
        group: ',',
        min_grouping: 1,
        layout: Layout::Before,
        signs: EN_GB_SIGNS,
        percent_space: false,
        date: DAY_MONTH_24H,
        weekdays: EN_WEEKDAYS,
        months: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sept", "Oct", "Nov", "Dec"],
        day_periods: ["AM", "PM"],
        plurals: Plurals::One,
        many_millions: false,
    },
    Profile {
        tag: "en-AU",
        language: "en",
        decimal: '.',
        group: ',',
        min_grouping: 1,
        layout: Layout::Before,
        signs: &[("AUD", "$")],
        percent_space: false,
        date: &[
            Weekday,
            Text(", "),
            Day,
            Text(" "),
            Month,
            Text(" "),
            Year,
            Text(", "),
            Hour12,
            Text(":"),
            Minute,
            Text(" "),
            DayPeriod,
        ],
        weekdays: EN_WEEKDAYS,
        months: ["Jan", "Feb", "Mar", "Apr", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec"],
        day_periods: ["am", "pm"],
        plurals: Plurals::One,
        many_millions: false,
    },
    Profile {
        tag: "es-ES",
        language: "es",
        decimal: ',',
        group: '.',
        min_grouping: 2,
        layout: Layout::After,
        signs: &[("EUR", "€"), ("USD", "US$")],
        percent_space: true,
        date: DAY_MONTH_24H,
        weekdays: ES_WEEKDAYS,
        months: ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"],
        day_periods: ["a. m.", "p. m."],
        plurals: Plurals::One,
        many_millions: true,
    },
    Profile {
        tag: "es-MX",
        language: "es",
        decimal: '.',
        group: ',',
        min_grouping: 1,
        layout: Layout::Before,
        signs: &[("MXN", "$")],
        percent_space: false,
        date: &[
            Weekday,
            Text(", "),
            Day,
            Text(" de "),
            Month,
            Text(" de "),
            Year,
            Text(", "),
            Hour12,
            Text(":"),
            Minute,
            Text(" "),
            DayPeriod,
        ],
        weekdays: ES_WEEKDAYS,
        months: ["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"],
        day_periods: ["a.m.", "p.m."],
        plurals: Plurals::One,
        many_millions: true,
    },
    Profile {
        tag: "de-DE",
        language: "de",
        decimal: ',',
        group: '.',
        min_grouping: 1,
        layout: Layout::After,
        signs: DE_SIGNS,
        percent_space: true,
        date: DE_DATE,
        weekdays: DE_WEEKDAYS,
        months: DE_MONTHS,
        day_periods: ["AM", "PM"],
        plurals: Plurals::One,
        many_millions: false,
    },
    Profile {
        tag: "de-AT",
        language: "de",
        decimal: ',',
        group: '.',
        min_grouping: 1,
        layout: Layout::BeforeSpaced,
        signs: DE_SIGNS,
        percent_space: true,
        date: DE_DATE,
        weekdays: DE_WEEKDAYS,
        months: ["Jän.", "Feb.", "März", "Apr.", "Mai", "Juni", "Juli", "Aug.", "Sep.", "Okt.", "Nov.", "Dez."],
        day_periods: ["AM", "PM"],
        plurals: Plurals::One,
        many_millions: false,
    },
    Profile {
        tag: "de-CH",
        language: "de",
        decimal: '.',
        group: '\'',
        min_grouping: 1,
        layout: Layout::BeforeSpacedMinusAfter,
        signs: DE_CH_SIGNS,
        percent_space: false,
        date: DE_DATE,
        weekdays: DE_WEEKDAYS,
        months: DE_MONTHS,
        day_periods: ["AM", "PM"],
        plurals: Plurals::One,
        many_millions: false,
    },
    Profile {
        tag: "pt-BR",
        language: "pt",
        decimal: ',',
        group: '.',
        min_grouping: 1,
        layout: Layout::BeforeSpaced,
        signs: PT_SIGNS,
        percent_space: false,
        date: &[
            Weekday,
            Text(", "),
            Day,
            Text(" de "),
            Month,
            Text(" de "),
            Year,
            Text(", "),
            Hour24,
            Text(":"),
            Minute,
        ],
        weekdays: ["dom.", "seg.", "ter.", "qua.", "qui.", "sex.", "sáb."],
        months: ["jan.", "fev.", "mar.", "abr.", "mai.", "jun.", "jul.", "ago.", "set.", "out.", "nov.", "dez."],
        day_periods: ["AM", "PM"],
        plurals: Plurals::ZeroOrOne,
        many_millions: true,
    },
    Profile {
        tag: "pt-PT",
        language: "pt",
        decimal: ',',
        group: NBSP,
        min_grouping: 2,
        layout: Layout::After,
        signs: PT_SIGNS,
        percent_space: false,
        date: &[
            Weekday,
            Text(", "),
            Day,
            Text("/"),
            MonthNumber,
            Text("/"),
            Year,
            Text(", "),
            Hour24,
            Text(":"),
            Minute,
        ],
        weekdays: ["domingo", "segunda", "terça", "quarta", "quinta", "sexta", "sábado"],
        months: NO_NAMES,
        day_periods: ["AM", "PM"],
        plurals: Plurals::One,
        many_millions: true,
    },
    Profile {
        tag: "fil-PH",
        language: "fil",
        decimal: '.',
        group: ',',
        min_grouping: 1,
        layout: Layout::Before,
        signs: EN_SIGNS,
        percent_space: false,
        date: EN_US_DATE,
        weekdays: ["Lin", "Lun", "Mar", "Miy", "Huw", "Biy", "Sab"],
        months: ["Ene", "Peb", "Mar", "Abr", "May", "Hun", "Hul", "Ago", "Set", "Okt", "Nob", "Dis"],
        day_periods: ["AM", "PM"],
        plurals: Plurals::Filipino,
        many_millions: false,
    },
];

/// The plural category of a count, as `Intl.PluralRules` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plural {
    One,
    Many,
    Other,
}

impl Plural {
    pub fn as_str(self) -> &'static str {
        match self {
            Plural::One => "one",
            Plural::Many => "many",
            Plural::Other => "other",
        }
    }
}

/// A locale the widget writes money, dates and counts for.
#[derive(Clone, Copy, Debug)]
pub struct Locale {
    profile: &'static Profile,
}

impl PartialEq for Locale {
    fn eq(&self, other: &Self) -> bool {
        self.profile.tag == other.profile.tag
    }
}

impl Locale {
    /// Every locale with a profile of its own (the tests hold each to `Intl`).
    pub const TAGS: [&'static str; 11] =
        ["en-US", "en-GB", "en-AU", "es-ES", "es-MX", "de-DE", "de-AT", "de-CH", "pt-BR", "pt-PT", "fil-PH"];

    /// The locale for a BCP 47 tag, any case, `_` or `-`: its own profile, else its language's
    /// first (`tl` is Filipino), else `en-US`.
    pub fn parse(tag: &str) -> Locale {
        let mut subtags = tag.trim().split(['-', '_']);
        let language = subtags.next().unwrap_or_default().to_ascii_lowercase();
        let language = if language == "tl" { "fil".to_owned() } else { language };
        // The region is the first two-letter (or three-digit) subtag after the language.
        let region = subtags.find(|s| s.len() == 2 || (s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit())));
        let region = region.map(str::to_ascii_uppercase);
        let same_language = PROFILES.iter().filter(|p| p.language == language);
        let exact = same_language.clone().find(|p| Some(&p.tag[p.language.len() + 1..]) == region.as_deref());
        let profile = exact.or_else(|| same_language.clone().next()).unwrap_or(&PROFILES[0]);
        Locale { profile }
    }

    /// The profile's tag (`en-US`…), as `Intl` takes it.
    pub fn tag(&self) -> &'static str {
        self.profile.tag
    }

    /// The language (`en`, `es`, `de`, `pt`, `fil`).
    pub fn language(&self) -> &'static str {
        self.profile.language
    }

    /// A whole number as this locale groups its digits (`1,234`, `1.234`, `1234` in es).
    fn grouped(&self, digits: &str) -> String {
        let p = self.profile;
        let group = digits.len() >= 3 + p.min_grouping;
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 2);
        for (i, digit) in digits.chars().enumerate() {
            if group && i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(p.group);
            }
            out.push(digit);
        }
        out
    }

    /// The amount's digits without its sign: grouped whole part, decimal separator, minor digits.
    fn number(&self, minor: u64, exponent: u32) -> String {
        let scale = 10u64.pow(exponent);
        let mut out = self.grouped(&(minor / scale).to_string());
        if exponent > 0 {
            out.push(self.profile.decimal);
            let fraction = (minor % scale).to_string();
            out.extend(std::iter::repeat_n('0', exponent as usize - fraction.len()));
            out.push_str(&fraction);
        }
        out
    }

    fn sign(&self, currency: Currency) -> String {
        let code = currency.code();
        self.profile.signs.iter().find(|(c, _)| *c == code).map(|(_, s)| (*s).to_owned()).unwrap_or(code)
    }

    /// `₱1,000.00` (en-US), `1.000,00 €` (de-DE), `R$ 10,00` (pt-BR).
    pub fn money(&self, m: Money) -> String {
        let number = self.number(m.amount.unsigned_abs(), m.currency.exponent());
        let sign = self.sign(m.currency);
        let minus = if m.amount < 0 { "-" } else { "" };
        match self.profile.layout {
            Layout::Before => {
                let space = if sign.chars().last().is_some_and(char::is_alphabetic) { "\u{a0}" } else { "" };
                format!("{minus}{sign}{space}{number}")
            }
            Layout::BeforeSpaced => format!("{minus}{sign}{NBSP}{number}"),
            Layout::BeforeSpacedMinusAfter if m.amount < 0 => format!("{sign}-{number}"),
            Layout::BeforeSpacedMinusAfter => format!("{sign}{NBSP}{number}"),
            Layout::After => format!("{minus}{number}{NBSP}{sign}"),
        }
    }

    /// A share in basis points (`2000` is `20%`, `20 %` in de-DE), with at most two decimals.
    pub fn percent(&self, basis_points: u32) -> String {
        let (whole, hundredths) = (basis_points / 100, basis_points % 100);
        let mut out = self.grouped(&whole.to_string());
        if hundredths > 0 {
            out.push(self.profile.decimal);
            let fraction = format!("{hundredths:02}");
            out.push_str(fraction.trim_end_matches('0'));
        }
        if self.profile.percent_space {
            out.push(NBSP);
        }
        out.push('%');
        out
    }

    /// A wall-clock date and time as `Intl.DateTimeFormat` writes it with weekday short, day
    /// numeric, month short, year numeric, hour numeric and minute 2-digit:
    /// `Sat, Dec 12, 2026, 8:00 PM` (en-US), `Sa., 12. Dez. 2026, 20:00` (de-DE).
    pub fn date_time(&self, at: NaiveDateTime) -> String {
        let p = self.profile;
        let mut out = String::new();
        for part in p.date {
            match *part {
                Weekday => out.push_str(p.weekdays[at.weekday().num_days_from_sunday() as usize]),
                Day => out.push_str(&at.day().to_string()),
                Month => out.push_str(p.months[at.month0() as usize]),
                MonthNumber => out.push_str(&format!("{:02}", at.month())),
                Year => out.push_str(&at.year().to_string()),
                Hour24 => out.push_str(&at.hour().to_string()),
                Hour12 => out.push_str(
                    &match at.hour() % 12 {
                        0 => 12,
                        h => h,
                    }
                    .to_string(),
                ),
                Minute => out.push_str(&format!("{:02}", at.minute())),
                DayPeriod => out.push_str(p.day_periods[usize::from(at.hour() >= 12)]),
                Text(text) => out.push_str(text),
            }
        }
        out
    }

    /// The plural category of the count `n` in this locale's language.
    pub fn plural(&self, n: u32) -> Plural {
        let p = self.profile;
        if p.many_millions && n != 0 && n.is_multiple_of(1_000_000) {
            return Plural::Many;
        }
        let one = match p.plurals {
            Plurals::One => n == 1,
            Plurals::ZeroOrOne => n <= 1,
            Plurals::Filipino => !matches!(n % 10, 4 | 6 | 9),
        };
        if one {
            Plural::One
        } else {
            Plural::Other
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(h, min, 0).unwrap()
    }

    #[test]
    fn tags_find_their_profile_else_their_languages_else_english() {
        for (tag, want) in [
            ("en-PH", "en-US"),
            ("EN_gb", "en-GB"),
            ("en", "en-US"),
            ("es", "es-ES"),
            ("es-AR", "es-ES"),
            ("es-MX", "es-MX"),
            ("de-AT", "de-AT"),
            ("de-Latn-CH", "de-CH"),
            ("pt", "pt-BR"),
            ("pt-PT", "pt-PT"),
            ("tl", "fil-PH"),
            ("fil", "fil-PH"),
            ("ja-JP", "en-US"),
            ("", "en-US"),
        ] {
            assert_eq!(Locale::parse(tag).tag(), want, "{tag}");
        }
        for tag in Locale::TAGS {
            assert_eq!(Locale::parse(tag).tag(), tag);
        }
    }

    #[test]
    fn money_is_laid_out_as_each_locale_writes_it() {
        let eur = |amount| Money::new(amount, Currency::EUR);
        let php = |amount| Money::new(amount, Currency::PHP);
        assert_eq!(Locale::parse("en-US").money(php(100_000)), "₱1,000.00");
        assert_eq!(Locale::parse("en-US").money(Money::new(100, Currency::parse("CHF").unwrap())), "CHF\u{a0}1.00");
        assert_eq!(Locale::parse("es-ES").money(eur(100_000)), "1000,00\u{a0}€");
        assert_eq!(Locale::parse("es-ES").money(eur(1_000_000)), "10.000,00\u{a0}€");
        assert_eq!(Locale::parse("de-DE").money(eur(-123_456_789)), "-1.234.567,89\u{a0}€");
        assert_eq!(Locale::parse("de-CH").money(php(-40_000)), "PHP-400.00");
        assert_eq!(Locale::parse("pt-BR").money(Money::new(1_000, Currency::BRL)), "R$\u{a0}10,00");
        assert_eq!(Locale::parse("pt-PT").money(eur(123_456_789)), "1\u{a0}234\u{a0}567,89\u{a0}€");
        assert_eq!(Locale::parse("en-GB").money(Money::new(1_500, Currency::parse("JPY").unwrap())), "JP¥1,500");
    }

    #[test]
    fn percentages_keep_up_to_two_decimals() {
        assert_eq!(Locale::parse("en-US").percent(2_000), "20%");
        assert_eq!(Locale::parse("en-US").percent(1_250), "12.5%");
        assert_eq!(Locale::parse("de-DE").percent(1_250), "12,5\u{a0}%");
        assert_eq!(Locale::parse("en-US").percent(1), "0.01%");
    }

    #[test]
    fn dates_follow_each_locales_pattern() {
        let evening = at(2026, 12, 12, 20, 0);
        assert_eq!(Locale::parse("en-US").date_time(evening), "Sat, Dec 12, 2026, 8:00 PM");
        assert_eq!(Locale::parse("en-GB").date_time(at(2027, 1, 3, 9, 5)), "Sun, 3 Jan 2027, 9:05");
        assert_eq!(Locale::parse("de-DE").date_time(evening), "Sa., 12. Dez. 2026, 20:00");
        assert_eq!(Locale::parse("es-MX").date_time(at(2026, 5, 1, 0, 30)), "vie, 1 de may de 2026, 12:30 a.m.");
        assert_eq!(Locale::parse("pt-PT").date_time(at(2027, 1, 3, 9, 5)), "domingo, 3/01/2027, 9:05");
        assert_eq!(Locale::parse("fil").date_time(evening), "Sab, Dis 12, 2026, 8:00 PM");
    }

    #[test]
    fn plural_categories_follow_each_language() {
        let en = Locale::parse("en");
        assert_eq!((en.plural(0), en.plural(1), en.plural(2)), (Plural::Other, Plural::One, Plural::Other));
        let pt = Locale::parse("pt-BR");
        assert_eq!((pt.plural(0), pt.plural(1), pt.plural(2)), (Plural::One, Plural::One, Plural::Other));
        assert_eq!(Locale::parse("es").plural(1_000_000), Plural::Many);
        let fil = Locale::parse("fil");
        assert_eq!((fil.plural(4), fil.plural(5), fil.plural(16)), (Plural::Other, Plural::One, Plural::Other));
    }
}
