//! Promo codes: what a code is, the discount it gives, when it may be used, and how a
//! discount is taken off an order. The widget's preview and the proxy's checkout both price
//! through [`Discount::of`], so what the buyer is shown is what the buyer is charged.
//!
//! Rounding: a percentage discount is rounded to the nearest minor unit, halves away from
//! zero (20% of ₱0.05 is ₱0.01; 50% of ₱0.01 is ₱0.01). A fixed amount is capped at the
//! subtotal, so a total is never negative; a total of zero (a free order) is allowed.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::event::EventId;
use crate::money::{Money, MoneyError};

pub const CODE_MIN_CHARS: usize = 3;
pub const CODE_MAX_CHARS: usize = 40;
/// 100% in basis points.
pub const FULL_PERCENT_BP: u32 = 10_000;

/// Why a code cannot be applied. `Unknown` also covers another event's code: a buyer must
/// not learn which codes exist elsewhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PromoProblem {
    TooShort,
    TooLong,
    /// Characters other than letters, digits, '-' and '_'.
    Invalid,
    Unknown,
    Expired,
    UsedUp,
    Inactive,
}

impl fmt::Display for PromoProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PromoProblem::TooShort => "promo code must be at least 3 characters",
            PromoProblem::TooLong => "promo code must be at most 40 characters",
            PromoProblem::Invalid => "promo code may contain only letters, digits, '-' and '_'",
            PromoProblem::Unknown => "this promo code is not valid for this event",
            PromoProblem::Expired => "this promo code has expired",
            PromoProblem::UsedUp => "this promo code has been used up",
            PromoProblem::Inactive => "this promo code is no longer active",
        })
    }
}

impl std::error::Error for PromoProblem {}

/// A code as stored and compared: trimmed and upper-cased, so " earlybird" finds EARLYBIRD.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PromoCode(String);

impl PromoCode {
    pub fn parse(raw: &str) -> Result<Self, PromoProblem> {
        let code = raw.trim();
        let chars = crate::text::char_count(code);
        if chars < CODE_MIN_CHARS {
            return Err(PromoProblem::TooShort);
        }
        if chars > CODE_MAX_CHARS {
            return Err(PromoProblem::TooLong);
        }
        if !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
            return Err(PromoProblem::Invalid);
        }
        Ok(PromoCode(code.to_ascii_uppercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PromoCode {
    type Error = PromoProblem;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        PromoCode::parse(&s)
    }
}

impl From<PromoCode> for String {
    fn from(c: PromoCode) -> String {
        c.0
    }
}

impl fmt::Display for PromoCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a code takes off. Percentages are kept in basis points (20% = 2000) so that 12.5%
/// stays exact; fixed amounts are money in the event's currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "DiscountWire", into = "DiscountWire")]
pub enum Discount {
    Percentage { basis_points: u32 },
    FixedAmount { amount: Money },
}

/// A discount on the wire: `{"type": "percentage", "basis_points": 2000}` or
/// `{"type": "fixed_amount", "amount": {"amount": 10000, "currency": "PHP"}}`. A flat struct
/// rather than serde's internally tagged enum, whose buffering of unknown shapes adds kilobytes
/// to the widget.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
struct DiscountWire {
    #[serde(rename = "type")]
    #[cfg_attr(feature = "openapi", schema(inline))]
    kind: DiscountKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    basis_points: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    amount: Option<Money>,
}

#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
enum DiscountKind {
    Percentage,
    FixedAmount,
}

#[cfg(feature = "openapi")]
crate::openapi::schema_of_wire!(Discount, DiscountWire, "Discount");

impl TryFrom<DiscountWire> for Discount {
    type Error = &'static str;
    fn try_from(w: DiscountWire) -> Result<Self, Self::Error> {
        match (w.kind, w.basis_points, w.amount) {
            (DiscountKind::Percentage, Some(basis_points), _) => Ok(Discount::Percentage { basis_points }),
            (DiscountKind::FixedAmount, _, Some(amount)) => Ok(Discount::FixedAmount { amount }),
            (DiscountKind::Percentage, None, _) => Err("a percentage discount needs basis_points"),
            (DiscountKind::FixedAmount, _, None) => Err("a fixed_amount discount needs amount"),
        }
    }
}

impl From<Discount> for DiscountWire {
    fn from(d: Discount) -> Self {
        match d {
            Discount::Percentage { basis_points } => {
                DiscountWire { kind: DiscountKind::Percentage, basis_points: Some(basis_points), amount: None }
            }
            Discount::FixedAmount { amount } => {
                DiscountWire { kind: DiscountKind::FixedAmount, basis_points: None, amount: Some(amount) }
            }
        }
    }
}

impl Discount {
    /// A percentage from its decimal text ("20", "12.5"): more than 0, at most 100, at most
    /// two decimals.
    pub fn percentage(text: &str) -> Result<Self, DiscountError> {
        let (whole, frac) = text.trim().split_once('.').unwrap_or((text.trim(), ""));
        let digits_ok = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() || !digits_ok(whole) || !digits_ok(frac) || whole.len() > 6 {
            return Err(DiscountError::NotANumber);
        }
        let frac = frac.trim_end_matches('0');
        if frac.len() > 2 {
            return Err(DiscountError::TooPrecise);
        }
        let whole: u32 = whole.parse().map_err(|_| DiscountError::NotANumber)?;
        let frac: u32 = format!("{frac:0<2}").parse().map_err(|_| DiscountError::NotANumber)?;
        Self::percentage_bp(whole * 100 + frac)
    }

    pub fn percentage_bp(basis_points: u32) -> Result<Self, DiscountError> {
        if basis_points == 0 || basis_points > FULL_PERCENT_BP {
            return Err(DiscountError::OutOfRange);
        }
        Ok(Discount::Percentage { basis_points })
    }

    pub fn fixed_amount(amount: Money) -> Result<Self, DiscountError> {
        if amount.amount <= 0 {
            return Err(DiscountError::OutOfRange);
        }
        Ok(Discount::FixedAmount { amount })
    }

    /// The amount taken off `subtotal`: within `[0, subtotal]`.
    pub fn of(&self, subtotal: Money) -> Result<Money, MoneyError> {
        let off = match *self {
            Discount::Percentage { basis_points } => {
                let exact = i128::from(subtotal.amount) * i128::from(basis_points);
                let full = i128::from(FULL_PERCENT_BP);
                // Halves away from zero: add half a unit in the direction of the sign.
                let rounded = (exact.abs() + full / 2) / full * exact.signum();
                i64::try_from(rounded).map_err(|_| MoneyError::Overflow)?
            }
            Discount::FixedAmount { amount } => {
                if amount.currency != subtotal.currency {
                    return Err(MoneyError::CurrencyMismatch);
                }
                amount.amount
            }
        };
        Ok(Money::new(off.clamp(0, subtotal.amount.max(0)), subtotal.currency))
    }

    /// "20%" or the fixed amount in major units, for messages and the hosted page.
    pub fn describe(&self) -> String {
        match self {
            Discount::Percentage { basis_points } => {
                let (whole, frac) = (basis_points / 100, basis_points % 100);
                if frac == 0 {
                    format!("{whole}%")
                } else {
                    format!("{whole}.{}%", format!("{frac:02}").trim_end_matches('0'))
                }
            }
            Discount::FixedAmount { amount } => amount.display(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DiscountError {
    NotANumber,
    TooPrecise,
    OutOfRange,
}

impl fmt::Display for DiscountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DiscountError::NotANumber => "discount_amount must be a number",
            DiscountError::TooPrecise => "discount_amount has too many decimal places",
            DiscountError::OutOfRange => "discount_amount must be more than 0 (and at most 100 for a percentage)",
        })
    }
}

impl std::error::Error for DiscountError {}

/// A code with its rules, as the platform (and the proxy's record of it) holds it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromoRule {
    pub code: PromoCode,
    pub event_id: EventId,
    pub discount: Discount,
    /// `None` is unlimited.
    pub usage_limit: Option<u32>,
    pub usage_count: u32,
    pub expires_at: Option<DateTime<Utc>>,
    pub is_active: bool,
}

impl PromoRule {
    /// Whether a buyer of `event` may use this code at `now`.
    pub fn check(&self, event: &EventId, now: DateTime<Utc>) -> Result<AppliedPromo, PromoProblem> {
        if &self.event_id != event {
            return Err(PromoProblem::Unknown);
        }
        if !self.is_active {
            return Err(PromoProblem::Inactive);
        }
        if self.expires_at.is_some_and(|at| now >= at) {
            return Err(PromoProblem::Expired);
        }
        if self.usage_limit.is_some_and(|limit| self.usage_count >= limit) {
            return Err(PromoProblem::UsedUp);
        }
        Ok(AppliedPromo { code: self.code.clone(), discount: self.discount })
    }
}

/// What the widget is told about a valid code: enough to price, nothing about other codes
/// or how often this one was used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppliedPromo {
    pub code: PromoCode,
    pub discount: Discount,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use chrono::TimeZone;

    fn php(minor: i64) -> Money {
        Money::new(minor, Currency::PHP)
    }

    fn pct(text: &str) -> Discount {
        Discount::percentage(text).unwrap()
    }

    #[test]
    fn codes_are_trimmed_upper_cased_and_at_least_three_characters() {
        assert_eq!(PromoCode::parse("  earlyBird ").unwrap().as_str(), "EARLYBIRD");
        assert_eq!(PromoCode::parse("ab"), Err(PromoProblem::TooShort));
        assert_eq!(PromoCode::parse("  ab  "), Err(PromoProblem::TooShort));
        assert_eq!(PromoCode::parse("abc").unwrap().as_str(), "ABC");
        assert_eq!(PromoCode::parse("two words"), Err(PromoProblem::Invalid));
        assert_eq!(PromoCode::parse(&"X".repeat(41)), Err(PromoProblem::TooLong));
        assert_eq!(PromoCode::parse("SUMMER-26_VIP").unwrap().as_str(), "SUMMER-26_VIP");
    }

    #[test]
    fn percentages_parse_exactly_and_stay_within_range() {
        assert_eq!(pct("20"), Discount::Percentage { basis_points: 2000 });
        assert_eq!(pct("12.5"), Discount::Percentage { basis_points: 1250 });
        assert_eq!(pct("100"), Discount::Percentage { basis_points: 10_000 });
        assert_eq!(pct("0.01"), Discount::Percentage { basis_points: 1 });
        assert_eq!(Discount::percentage("0"), Err(DiscountError::OutOfRange));
        assert_eq!(Discount::percentage("100.01"), Err(DiscountError::OutOfRange));
        assert_eq!(Discount::percentage("1000"), Err(DiscountError::OutOfRange));
        assert_eq!(Discount::percentage("12.345"), Err(DiscountError::TooPrecise));
        assert_eq!(Discount::percentage("-5"), Err(DiscountError::NotANumber));
        assert_eq!(Discount::percentage("abc"), Err(DiscountError::NotANumber));
        assert_eq!(Discount::fixed_amount(php(0)), Err(DiscountError::OutOfRange));
    }

    #[test]
    fn twenty_percent_of_two_thousand_pesos_is_four_hundred() {
        assert_eq!(pct("20").of(php(200_000)).unwrap(), php(40_000));
    }

    #[test]
    fn percentages_round_half_away_from_zero() {
        assert_eq!(pct("50").of(php(1)).unwrap(), php(1)); // 0.5 → 1
        assert_eq!(pct("50").of(php(3)).unwrap(), php(2)); // 1.5 → 2
        assert_eq!(pct("20").of(php(12)).unwrap(), php(2)); // 2.4 → 2
        assert_eq!(pct("12.5").of(php(4)).unwrap(), php(1)); // 0.5 → 1
        assert_eq!(pct("33.33").of(php(100)).unwrap(), php(33)); // 33.33 → 33
    }

    #[test]
    fn a_full_percentage_or_a_large_fixed_amount_makes_the_order_free() {
        assert_eq!(pct("100").of(php(59_950)).unwrap(), php(59_950));
        let big = Discount::fixed_amount(php(1_000_000)).unwrap();
        assert_eq!(big.of(php(59_950)).unwrap(), php(59_950));
        assert_eq!(big.of(php(0)).unwrap(), php(0));
    }

    #[test]
    fn a_fixed_amount_in_another_currency_is_refused() {
        let eur = Discount::fixed_amount(Money::new(500, Currency::EUR)).unwrap();
        assert_eq!(eur.of(php(10_000)), Err(MoneyError::CurrencyMismatch));
    }

    #[test]
    fn descriptions_read_like_a_receipt() {
        assert_eq!(pct("20").describe(), "20%");
        assert_eq!(pct("12.5").describe(), "12.5%");
        assert_eq!(pct("0.05").describe(), "0.05%");
        assert_eq!(Discount::fixed_amount(php(15_000)).unwrap().describe(), "₱150.00");
    }

    fn rule() -> PromoRule {
        PromoRule {
            code: PromoCode::parse("EARLYBIRD").unwrap(),
            event_id: EventId::parse("344c5b2c-7de4-4174-863f-682207408add").unwrap(),
            discount: pct("20"),
            usage_limit: Some(2),
            usage_count: 0,
            expires_at: Some(Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap()),
            is_active: true,
        }
    }

    #[test]
    fn rules_refuse_other_events_expiry_exhaustion_and_deactivation() {
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
        let event = rule().event_id.clone();
        assert_eq!(rule().check(&event, now).unwrap().discount, pct("20"));
        let other = EventId::parse("d0d5a7e5-8e64-4a49-a7a4-2a4b0d0e4c11").unwrap();
        assert_eq!(rule().check(&other, now), Err(PromoProblem::Unknown));
        let expiry = rule().expires_at.unwrap();
        assert_eq!(rule().check(&event, expiry), Err(PromoProblem::Expired), "expired at the instant itself");
        let used = PromoRule { usage_count: 2, ..rule() };
        assert_eq!(used.check(&event, now), Err(PromoProblem::UsedUp));
        let one_left = PromoRule { usage_count: 1, ..rule() };
        assert!(one_left.check(&event, now).is_ok());
        let unlimited = PromoRule { usage_limit: None, usage_count: 10_000, ..rule() };
        assert!(unlimited.check(&event, now).is_ok());
        let off = PromoRule { is_active: false, ..rule() };
        assert_eq!(off.check(&event, now), Err(PromoProblem::Inactive));
    }

    #[test]
    fn the_preview_wire_format_is_stable() {
        let applied = AppliedPromo { code: PromoCode::parse("earlybird").unwrap(), discount: pct("20") };
        let json = serde_json::to_string(&applied).unwrap();
        assert_eq!(json, r#"{"code":"EARLYBIRD","discount":{"type":"percentage","basis_points":2000}}"#);
        assert!(serde_json::from_str::<AppliedPromo>(
            r#"{"code":"x","discount":{"type":"percentage","basis_points":1}}"#
        )
        .is_err());
    }

    #[test]
    fn discounts_keep_their_json_shape_both_ways() {
        let fixed = Discount::FixedAmount { amount: Money::new(10_000, crate::money::Currency::PHP) };
        let fixed_json = serde_json::to_string(&fixed).unwrap();
        assert!(fixed_json.starts_with(r#"{"type":"fixed_amount","amount":"#), "{fixed_json}");
        assert_eq!(serde_json::from_str::<Discount>(&fixed_json).unwrap(), fixed);
        let pct: Discount = serde_json::from_str(r#"{"basis_points":1250,"type":"percentage","extra":1}"#).unwrap();
        assert_eq!(pct, Discount::Percentage { basis_points: 1250 });
        for bad in
            [r#"{"type":"percentage"}"#, r#"{"type":"fixed_amount","basis_points":5}"#, r#"{"type":"bogo"}"#, r#"{}"#]
        {
            assert!(serde_json::from_str::<Discount>(bad).is_err(), "{bad}");
        }
    }
}
