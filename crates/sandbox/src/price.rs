//! HangHut prices are JSON numbers in PHP major units (`"price": 1000` is ₱1,000); the
//! sandbox stores integer centavos. Conversion goes through decimal text in both
//! directions, so no stored amount ever passes through floating-point arithmetic.

use serde_json::Number;
use std::str::FromStr;
use tessera_core::{Currency, Discount, Money, MoneyError};

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

/// What a checkout session charges, in centavos: `total = subtotal - discount`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Priced {
    pub subtotal_minor: i64,
    pub discount_minor: i64,
    pub total_minor: i64,
}

/// Prices `quantity` tickets at `unit_minor` with an optional promo discount, by the same
/// rule tessera's widget previews with (`OrderPrice::with_discount`, which is `Discount::of`
/// on the subtotal). `OrderPrice` itself takes a `Quantity`, capped at the widget's per-order
/// maximum; the sandbox sells larger orders too, so it calls `Discount::of` directly. A test
/// below holds the two to the same answer.
pub(crate) fn price_order(unit_minor: i64, quantity: i64, discount: Option<&Discount>) -> Result<Priced, MoneyError> {
    let quantity = u32::try_from(quantity).map_err(|_| MoneyError::Overflow)?;
    let subtotal = money(unit_minor).times(quantity)?;
    let off = match discount {
        Some(d) => d.of(subtotal)?,
        None => Money::zero(CURRENCY),
    };
    let total = subtotal.checked_sub(off)?;
    Ok(Priced { subtotal_minor: subtotal.amount, discount_minor: off.amount, total_minor: total.amount })
}

/// A percentage in basis points as the JSON number a client sent: 2000 → `20`, 1250 → `12.5`.
pub(crate) fn percent_number(basis_points: u32) -> Number {
    let (whole, frac) = (basis_points / 100, basis_points % 100);
    let text =
        if frac == 0 { whole.to_string() } else { format!("{whole}.{frac:02}").trim_end_matches('0').to_owned() };
    Number::from_str(&text).expect("a plain decimal is a valid JSON number")
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

    #[test]
    fn percentages_echo_as_the_numbers_sent() {
        let j = |bp| serde_json::to_string(&percent_number(bp)).unwrap();
        assert_eq!(
            (j(2000), j(10_000), j(1250), j(1), j(3333)),
            ("20".into(), "100".into(), "12.5".into(), "0.01".into(), "33.33".into())
        );
    }

    #[test]
    fn twenty_percent_off_two_thousand_pesos_charges_sixteen_hundred() {
        let d = Discount::percentage("20").unwrap();
        assert_eq!(
            price_order(100_000, 2, Some(&d)),
            Ok(Priced { subtotal_minor: 200_000, discount_minor: 40_000, total_minor: 160_000 })
        );
        assert_eq!(
            price_order(100_000, 2, None),
            Ok(Priced { subtotal_minor: 200_000, discount_minor: 0, total_minor: 200_000 })
        );
        let big = Discount::fixed_amount(money(500_000)).unwrap();
        assert_eq!(price_order(59_950, 1, Some(&big)).unwrap().total_minor, 0, "capped at the subtotal");
    }

    /// The sandbox charges exactly what tessera's widget previews, to the centavo.
    #[test]
    fn the_sandbox_price_equals_the_widget_preview() {
        use tessera_core::{OrderPrice, Quantity};
        let mut discounts: Vec<Discount> = [1u32, 1, 333, 1250, 2000, 3333, 5000, 9999, 10_000]
            .into_iter()
            .map(|bp| Discount::percentage_bp(bp).unwrap())
            .collect();
        discounts.extend([1, 5, 15_000, 99_950, 10_000_000].map(|m| Discount::fixed_amount(money(m)).unwrap()));
        for unit in [0, 1, 3, 5, 12, 99, 59_950, 74_999, 100_000, 250_001] {
            for qty in 1..=10 {
                for d in &discounts {
                    let preview = OrderPrice::with_discount(money(unit), Quantity::new(qty).unwrap(), Some(d)).unwrap();
                    let charged = price_order(unit, qty, Some(d)).unwrap();
                    assert_eq!(
                        (charged.subtotal_minor, charged.discount_minor, charged.total_minor),
                        (preview.subtotal.amount, preview.discount.amount, preview.total.amount),
                        "{unit} x {qty} with {d:?}"
                    );
                }
            }
        }
    }
}
