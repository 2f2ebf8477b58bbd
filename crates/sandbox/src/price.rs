//! HangHut prices are JSON numbers in PHP major units (`"price": 1000` is ₱1,000); the
//! sandbox stores integer centavos. Conversion goes through decimal text in both
//! directions, so no stored amount ever passes through floating-point arithmetic.

use serde_json::Number;
use std::str::FromStr;
use tessera_core::{Currency, Money, MoneyError};

/// Every HangHut amount is in Philippine pesos.
pub const CURRENCY: Currency = Currency::PHP;

pub fn money(minor: i64) -> Money {
    Money::new(minor, CURRENCY)
}

/// 100000 centavos → `1000`; 99950 → `999.5`. Whole amounts stay JSON integers as in the document.
pub fn to_major_number(minor: i64) -> Number {
    let text = money(minor).to_major_string();
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.') } else { &text };
    // `to_major_string` only ever yields an optional sign, digits and at most one point.
    Number::from_str(text).expect("a plain decimal is a valid JSON number")
}

/// A JSON number in major units → centavos, refusing what would need rounding.
pub fn from_major_number(n: &Number) -> Result<i64, MoneyError> {
    Money::from_major_str(&n.to_string(), CURRENCY).map(|m| m.amount)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(minor: i64) -> String {
        serde_json::to_string(&to_major_number(minor)).unwrap()
    }

    #[test]
    fn whole_peso_prices_serialize_as_json_integers() {
        assert_eq!(json(100_000), "1000");
        assert_eq!(json(0), "0");
        assert_eq!(json(15_000), "150");
    }

    #[test]
    fn centavos_serialize_without_trailing_zeros() {
        assert_eq!(json(99_950), "999.5");
        assert_eq!(json(59_950), "599.5");
        assert_eq!(json(1), "0.01");
        assert_eq!(json(123_456_789), "1234567.89");
    }

    #[test]
    fn json_numbers_convert_to_exact_centavos() {
        let n = |s: &str| serde_json::from_str::<Number>(s).unwrap();
        assert_eq!(from_major_number(&n("800")), Ok(80_000));
        assert_eq!(from_major_number(&n("599.50")), Ok(59_950));
        assert_eq!(from_major_number(&n("0.1")), Ok(10));
        assert_eq!(from_major_number(&n("1.005")), Err(MoneyError::TooPrecise));
    }

    #[test]
    fn conversion_round_trips() {
        for minor in [0, 1, 10, 99, 100, 59_950, 250_000, 987_654_321] {
            assert_eq!(from_major_number(&to_major_number(minor)), Ok(minor), "{minor}");
        }
    }
}
