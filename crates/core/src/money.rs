//! Money is an integer count of a currency's minor units (centavos, cents). Floats never
//! hold an amount: upstream decimals are converted exactly, or refused.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An ISO 4217 code (three upper-case ASCII letters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    pub const PHP: Currency = Currency(*b"PHP");
    pub const EUR: Currency = Currency(*b"EUR");
    pub const BRL: Currency = Currency(*b"BRL");
    pub const AUD: Currency = Currency(*b"AUD");
    pub const USD: Currency = Currency(*b"USD");

    pub fn parse(code: &str) -> Result<Self, MoneyError> {
        let b = code.trim().as_bytes();
        if b.len() != 3 || !b.iter().all(u8::is_ascii_alphabetic) {
            return Err(MoneyError::BadCurrency);
        }
        Ok(Currency([b[0].to_ascii_uppercase(), b[1].to_ascii_uppercase(), b[2].to_ascii_uppercase()]))
    }

    /// A code configuration names: `parse`, and in ISO 4217's list, so a typo (`EUE`) stops
    /// start-up instead of reading as a currency with cents.
    pub fn parse_iso(code: &str) -> Result<Self, MoneyError> {
        let currency = Currency::parse(code)?;
        if currency.is_iso() {
            Ok(currency)
        } else {
            Err(MoneyError::NotIso)
        }
    }

    /// The three letters. Built a char at a time from the ASCII letters `parse` allows: borrowing
    /// them as a `&str` would need `str::from_utf8`, whose validation is 0.6 KB of the widget.
    pub fn code(&self) -> String {
        self.0.iter().map(|&b| char::from(b)).collect()
    }

    /// Digits after the decimal point: ISO 4217's minor unit, from `iso_currency`'s table, so
    /// the widget and the proxy (both through here) never disagree on what an amount means.
    ///
    /// Codes ISO gives no minor unit (gold, silver, XDR, the bond units, XTS, XXX) get 0: their
    /// amounts count whole units, and a platform sending a fraction of one is refused
    /// (`TooPrecise`) rather than rounded. A well-formed code ISO does not list gets 2, as
    /// before: ISO's own default and the minor unit of every code added in recent years (ZWG,
    /// VED, SLE, XCG), so a currency newer than the crate still reads right, and an event in
    /// it is not lost. Configuration refuses such codes instead ([`Currency::is_iso`]), where
    /// one is a typo a person can fix.
    pub fn exponent(&self) -> u32 {
        match self.iso() {
            Some(iso) => iso.exponent().map_or(0, u32::from),
            None => 2,
        }
    }

    /// Whether ISO 4217 (as `iso_currency` knows it) lists this code.
    pub fn is_iso(&self) -> bool {
        self.iso().is_some()
    }

    /// A walk over the crate's codes rather than its `from_code`: that is a `match` of 180
    /// string arms, about 2 KB more of the widget's wasm than this loop over its code table.
    fn iso(&self) -> Option<iso_currency::Currency> {
        use iso_currency::IntoEnumIterator;
        iso_currency::Currency::iter().find(|c| c.code().as_bytes() == self.0)
    }

    /// The sign English writes before an amount of this currency, where every English and
    /// Filipino locale the widget formats itself agrees on it (`None`: the code is written).
    pub fn symbol(&self) -> Option<&'static str> {
        // On the code as one number: on the byte strings, each arm is three comparisons.
        const fn code(c: &[u8; 3]) -> u32 {
            u32::from_le_bytes([c[0], c[1], c[2], 0])
        }
        const PHP: u32 = code(b"PHP");
        const EUR: u32 = code(b"EUR");
        const BRL: u32 = code(b"BRL");
        const AUD: u32 = code(b"AUD");
        const USD: u32 = code(b"USD");
        const GBP: u32 = code(b"GBP");
        const JPY: u32 = code(b"JPY");
        Some(match code(&self.0) {
            PHP => "₱",
            EUR => "€",
            BRL => "R$",
            AUD => "A$",
            USD => "$",
            GBP => "£",
            JPY => "¥",
            _ => return None,
        })
    }
}

impl TryFrom<String> for Currency {
    type Error = MoneyError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Currency::parse(&s)
    }
}

impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.code()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Money {
    /// Minor units: 100000 PHP is ₱1,000.00.
    pub amount: i64,
    pub currency: Currency,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoneyError {
    BadCurrency,
    /// Three letters, but no code of ISO 4217 (`Currency::parse_iso`).
    NotIso,
    /// Not a plain decimal number (sign, digits, at most one point).
    NotANumber,
    /// More decimal places than the currency has: converting would round.
    TooPrecise,
    Overflow,
    CurrencyMismatch,
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MoneyError::BadCurrency => "currency must be a three-letter ISO 4217 code",
            MoneyError::NotIso => "currency is not a code of ISO 4217 (such as EUR, USD, PHP)",
            MoneyError::NotANumber => "amount is not a decimal number",
            MoneyError::TooPrecise => "amount has more decimal places than its currency",
            MoneyError::Overflow => "amount is too large",
            MoneyError::CurrencyMismatch => "amounts are in different currencies",
        })
    }
}

impl std::error::Error for MoneyError {}

impl Money {
    pub fn new(amount: i64, currency: Currency) -> Self {
        Money { amount, currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Money { amount: 0, currency }
    }

    /// Converts a decimal in major units ("1000", "1499.5", "-3.25") to minor units exactly.
    /// Platforms send prices as JSON numbers (HangHut) or decimal strings (TicketWave);
    /// going through text keeps 0.1 + 0.2 problems out.
    pub fn from_major_str(text: &str, currency: Currency) -> Result<Self, MoneyError> {
        let text = text.trim();
        let (negative, digits) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if whole.is_empty() && frac.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(MoneyError::NotANumber);
        }
        let exp = currency.exponent() as usize;
        let frac = frac.trim_end_matches('0');
        if frac.len() > exp {
            return Err(MoneyError::TooPrecise);
        }
        let scale = 10i64.pow(exp as u32);
        let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| MoneyError::Overflow)? };
        let frac_minor: i64 =
            if frac.is_empty() { 0 } else { format!("{frac:0<exp$}").parse().map_err(|_| MoneyError::Overflow)? };
        let amount = whole.checked_mul(scale).and_then(|m| m.checked_add(frac_minor)).ok_or(MoneyError::Overflow)?;
        Ok(Money { amount: if negative { -amount } else { amount }, currency })
    }

    /// The amount in major units as a plain decimal string ("1000", "1499.50").
    pub fn to_major_string(&self) -> String {
        let exp = self.currency.exponent();
        let scale = 10u64.pow(exp);
        let abs = self.amount.unsigned_abs();
        let mut out = String::from(if self.amount < 0 { "-" } else { "" });
        crate::text::push_decimal(&mut out, abs / scale);
        if exp > 0 {
            out.push('.');
            crate::text::push_zero_padded(&mut out, abs % scale, exp as usize);
        }
        out
    }

    pub fn times(&self, n: u32) -> Result<Money, MoneyError> {
        self.amount
            .checked_mul(i64::from(n))
            .map(|amount| Money { amount, currency: self.currency })
            .ok_or(MoneyError::Overflow)
    }

    pub fn checked_sub(&self, other: Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch);
        }
        self.amount
            .checked_sub(other.amount)
            .map(|amount| Money { amount, currency: self.currency })
            .ok_or(MoneyError::Overflow)
    }

    /// English with a currency sign ("₱1,000.00", "-$5.00", "¥1,500", "CHF 12.50"): what
    /// browsers' `Intl.NumberFormat("en-US", {style: "currency"})` writes, for server-made pages
    /// and for the widget's own first prices (`tessera_widget::format::money`, whose test holds
    /// this to the browser's Intl). No `format!`: the widget would pay for `core::fmt`.
    pub fn display(&self) -> String {
        let exp = self.currency.exponent();
        let scale = 10u64.pow(exp);
        let abs = self.amount.unsigned_abs();
        let mut out = String::from(if self.amount < 0 { "-" } else { "" });
        match self.currency.symbol() {
            Some(sign) => out.push_str(sign),
            None => {
                out.push_str(&self.currency.code());
                out.push('\u{a0}');
            }
        }
        let whole = crate::text::decimal(abs / scale);
        for (i, digit) in whole.bytes().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(char::from(digit));
        }
        if exp > 0 {
            out.push('.');
            crate::text::push_zero_padded(&mut out, abs % scale, exp as usize);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn major_strings_convert_exactly() {
        let php = Currency::PHP;
        assert_eq!(Money::from_major_str("1000", php).unwrap().amount, 100_000);
        assert_eq!(Money::from_major_str("1499.5", php).unwrap().amount, 149_950);
        assert_eq!(Money::from_major_str("0.01", php).unwrap().amount, 1);
        assert_eq!(Money::from_major_str(".5", php).unwrap().amount, 50);
        assert_eq!(Money::from_major_str("-3.25", php).unwrap().amount, -325);
        assert_eq!(Money::from_major_str("12.3400", php).unwrap().amount, 1234);
        assert_eq!(Money::from_major_str("500", Currency::parse("JPY").unwrap()).unwrap().amount, 500);
    }

    #[test]
    fn major_strings_that_would_round_or_are_not_numbers_are_refused() {
        let php = Currency::PHP;
        assert_eq!(Money::from_major_str("1.005", php), Err(MoneyError::TooPrecise));
        assert_eq!(Money::from_major_str("1e3", php), Err(MoneyError::NotANumber));
        assert_eq!(Money::from_major_str("", php), Err(MoneyError::NotANumber));
        assert_eq!(Money::from_major_str(".", php), Err(MoneyError::NotANumber));
        assert_eq!(Money::from_major_str("1,000", php), Err(MoneyError::NotANumber));
        assert_eq!(Money::from_major_str("99999999999999999999", php), Err(MoneyError::Overflow));
    }

    #[test]
    fn display_groups_thousands_and_keeps_minor_digits() {
        assert_eq!(Money::new(100_000, Currency::PHP).display(), "₱1,000.00");
        assert_eq!(Money::new(123_456_789, Currency::PHP).display(), "₱1,234,567.89");
        assert_eq!(Money::new(5, Currency::EUR).display(), "€0.05");
        assert_eq!(Money::new(-40_000, Currency::PHP).display(), "-₱400.00");
        assert_eq!(Money::new(150_000, Currency::parse("JPY").unwrap()).display(), "¥150,000");
        assert_eq!(Money::new(1_250, Currency::parse("chf").unwrap()).display(), "CHF\u{a0}12.50");
        assert_eq!(Money::new(999, Currency::parse("KWD").unwrap()).display(), "KWD\u{a0}0.999");
    }

    #[test]
    fn currency_codes_are_validated_and_uppercased() {
        assert_eq!(Currency::parse("php").unwrap(), Currency::PHP);
        assert!(Currency::parse("PH").is_err());
        assert!(Currency::parse("P1P").is_err());
        let json = serde_json::to_string(&Money::new(100, Currency::BRL)).unwrap();
        assert_eq!(json, r#"{"amount":100,"currency":"BRL"}"#);
        assert!(serde_json::from_str::<Money>(r#"{"amount":1,"currency":"xx"}"#).is_err());
    }

    /// ISO 4217's list one (the SIX table), typed here rather than read from the crate: every
    /// code whose minor unit is not 2, by minor unit; the last are its "N.A." (no minor unit).
    const NOT_TWO: [(u32, &str); 4] = [
        (0, "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"),
        (3, "BHD IQD JOD KWD LYD OMR TND"),
        (4, "CLF UYW"),
        // No minor unit: amounts count whole units (see `exponent`).
        (0, "XAU XAG XPT XPD XDR XBA XBB XBC XBD XSU XUA XTS XXX"),
    ];

    fn iso_minor_unit(code: &str) -> u32 {
        NOT_TWO.iter().find(|(_, codes)| codes.split(' ').any(|c| c == code)).map_or(2, |(e, _)| *e)
    }

    #[test]
    fn every_iso_4217_code_has_its_minor_unit() {
        use iso_currency::IntoEnumIterator;
        let mut seen = 0;
        for iso in iso_currency::Currency::iter() {
            let code = iso.code();
            let currency = Currency::parse(code).unwrap();
            assert_eq!(currency.exponent(), iso_minor_unit(code), "{code}");
            assert!(currency.is_iso(), "{code}");
            seen += 1;
        }
        // ISO lists about 180 codes: a crate that lost its table would pass the loop above.
        assert!(seen >= 170, "only {seen} codes");
        for code in NOT_TWO.iter().flat_map(|(_, codes)| codes.split(' ')) {
            assert!(Currency::parse(code).unwrap().is_iso(), "{code} is no longer known");
        }
        for code in ["EUR", "USD", "PHP", "BRL", "CHF", "GBP", "ZWG", "XCG", "SLE", "VED"] {
            assert_eq!(Currency::parse(code).unwrap().exponent(), 2, "{code}");
        }
    }

    #[test]
    fn a_well_formed_code_iso_does_not_list_reads_as_two_decimals() {
        for code in ["QQQ", "EUE", "BTC"] {
            let c = Currency::parse(code).unwrap();
            assert!(!c.is_iso(), "{code}");
            assert_eq!(c.exponent(), 2, "{code}");
        }
        assert_eq!(Money::from_major_str("1.5", Currency::parse("QQQ").unwrap()).unwrap().amount, 150);
        // Configuration is stricter: there an unknown code is a typo.
        assert_eq!(Currency::parse_iso("EUE"), Err(MoneyError::NotIso));
        assert_eq!(Currency::parse_iso("eu"), Err(MoneyError::BadCurrency));
        assert_eq!(Currency::parse_iso(" xpf "), Ok(Currency::parse("XPF").unwrap()));
    }

    #[test]
    fn zero_and_three_decimal_currencies_parse_and_display_end_to_end() {
        let bif = Currency::parse("BIF").unwrap();
        let xpf = Currency::parse("xpf").unwrap();
        let kwd = Currency::parse("KWD").unwrap();
        // Was 100 times off: BIF and XPF were read as having cents.
        let m = Money::from_major_str("5000", bif).unwrap();
        assert_eq!((m.amount, m.display(), m.to_major_string()), (5000, "BIF\u{a0}5,000".into(), "5000".into()));
        assert_eq!(Money::from_major_str("5000.00", bif).unwrap().amount, 5000);
        assert_eq!(Money::from_major_str("5000.5", bif), Err(MoneyError::TooPrecise));
        let m = Money::from_major_str("1250", xpf).unwrap();
        assert_eq!((m.amount, m.display()), (1250, "XPF\u{a0}1,250".into()));
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(json, r#"{"amount":1250,"currency":"XPF"}"#);
        assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
        let m = Money::from_major_str("12.345", kwd).unwrap();
        assert_eq!((m.amount, m.display(), m.to_major_string()), (12_345, "KWD\u{a0}12.345".into(), "12.345".into()));
        assert_eq!(Money::from_major_str("0.5", kwd).unwrap().amount, 500);
        assert_eq!(Money::from_major_str("1.2345", kwd), Err(MoneyError::TooPrecise));
        let clf = Currency::parse("CLF").unwrap();
        assert_eq!(Money::from_major_str("1.2345", clf).unwrap().display(), "CLF\u{a0}1.2345");
        let xau = Currency::parse("XAU").unwrap();
        assert_eq!(Money::from_major_str("2", xau).unwrap().display(), "XAU\u{a0}2");
        assert_eq!(Money::from_major_str("2.5", xau), Err(MoneyError::TooPrecise));
    }

    #[test]
    fn multiplication_detects_overflow() {
        assert!(Money::new(i64::MAX / 2, Currency::PHP).times(3).is_err());
        assert_eq!(Money::new(100_000, Currency::PHP).times(2).unwrap().amount, 200_000);
    }
}
