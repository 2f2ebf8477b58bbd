//! An order for one tier: the checkout request as it arrives, its validation against the
//! event, and its price. The widget runs `CheckoutRequest::validate` for inline errors and
//! `OrderPrice::of` for the summary; the proxy runs the very same functions before it asks
//! the platform for a checkout session.

use crate::buyer::{BuyerName, Email, Phone};
use crate::event::{Event, EventId, Tier, TierId};
use crate::money::{Money, MoneyError};
use crate::promo::{AppliedPromo, Discount, PromoCode, PromoProblem};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Tickets one order may hold. Platforms' own limits are higher; this keeps a single buyer
/// from emptying a tier and bounds the damage of a scripted checkout.
pub const MAX_PER_ORDER: u32 = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Field {
    EventId,
    TierId,
    Quantity,
    Name,
    Email,
    Phone,
    PromoCode,
}

impl Field {
    pub const ALL: [Field; 7] =
        [Field::EventId, Field::TierId, Field::Quantity, Field::Name, Field::Email, Field::Phone, Field::PromoCode];

    pub fn as_str(&self) -> &'static str {
        match self {
            Field::EventId => "event_id",
            Field::TierId => "tier_id",
            Field::Quantity => "quantity",
            Field::Name => "customer.name",
            Field::Email => "customer.email",
            Field::Phone => "customer.phone",
            Field::PromoCode => "promo_code",
        }
    }
}

/// What is wrong with a field. An enum, not text, so the widget can say it in the buyer's
/// language; `Display` is the English the proxy returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ProblemWire", into = "ProblemWire")]
pub enum Problem {
    Missing,
    Invalid,
    TooLong(u32),
    BelowMinimum(u32),
    AboveMaximum(u32),
    /// More tickets than the tier has left (the limit is what is left).
    AboveAvailability(u32),
    SoldOut,
    Unknown,
    NotOnSale,
    Expired,
    UsedUp,
    Inactive,
}

/// A problem on the wire: `{"kind": "too_long", "limit": 100}` or `{"kind": "missing"}`.
/// A flat struct rather than serde's adjacently tagged enum, whose buffering adds kilobytes
/// to the widget.
#[derive(Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
struct ProblemWire {
    #[cfg_attr(feature = "openapi", schema(inline))]
    kind: ProblemKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    limit: Option<u32>,
}

#[derive(Clone, Copy, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
enum ProblemKind {
    Missing,
    Invalid,
    TooLong,
    BelowMinimum,
    AboveMaximum,
    AboveAvailability,
    SoldOut,
    Unknown,
    NotOnSale,
    Expired,
    UsedUp,
    Inactive,
}

#[cfg(feature = "openapi")]
crate::openapi::schema_of_wire!(Problem, ProblemWire, "Problem");

impl TryFrom<ProblemWire> for Problem {
    type Error = &'static str;
    fn try_from(w: ProblemWire) -> Result<Self, Self::Error> {
        use ProblemKind as K;
        let limit = || w.limit.ok_or("this kind of problem needs a limit");
        Ok(match w.kind {
            K::Missing => Problem::Missing,
            K::Invalid => Problem::Invalid,
            K::TooLong => Problem::TooLong(limit()?),
            K::BelowMinimum => Problem::BelowMinimum(limit()?),
            K::AboveMaximum => Problem::AboveMaximum(limit()?),
            K::AboveAvailability => Problem::AboveAvailability(limit()?),
            K::SoldOut => Problem::SoldOut,
            K::Unknown => Problem::Unknown,
            K::NotOnSale => Problem::NotOnSale,
            K::Expired => Problem::Expired,
            K::UsedUp => Problem::UsedUp,
            K::Inactive => Problem::Inactive,
        })
    }
}

impl From<Problem> for ProblemWire {
    fn from(p: Problem) -> Self {
        use ProblemKind as K;
        let (kind, limit) = match p {
            Problem::Missing => (K::Missing, None),
            Problem::Invalid => (K::Invalid, None),
            Problem::TooLong(n) => (K::TooLong, Some(n)),
            Problem::BelowMinimum(n) => (K::BelowMinimum, Some(n)),
            Problem::AboveMaximum(n) => (K::AboveMaximum, Some(n)),
            Problem::AboveAvailability(n) => (K::AboveAvailability, Some(n)),
            Problem::SoldOut => (K::SoldOut, None),
            Problem::Unknown => (K::Unknown, None),
            Problem::NotOnSale => (K::NotOnSale, None),
            Problem::Expired => (K::Expired, None),
            Problem::UsedUp => (K::UsedUp, None),
            Problem::Inactive => (K::Inactive, None),
        };
        ProblemWire { kind, limit }
    }
}

impl From<PromoProblem> for Problem {
    fn from(p: PromoProblem) -> Problem {
        match p {
            PromoProblem::TooShort => Problem::BelowMinimum(crate::promo::CODE_MIN_CHARS as u32),
            PromoProblem::TooLong => Problem::TooLong(crate::promo::CODE_MAX_CHARS as u32),
            PromoProblem::Invalid => Problem::Invalid,
            PromoProblem::Unknown => Problem::Unknown,
            PromoProblem::Expired => Problem::Expired,
            PromoProblem::UsedUp => Problem::UsedUp,
            PromoProblem::Inactive => Problem::Inactive,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: Field,
    pub problem: Problem,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.field {
            Field::EventId => "event",
            Field::TierId => "ticket tier",
            Field::Quantity => "quantity",
            Field::Name => "name",
            Field::Email => "email",
            Field::Phone => "phone number",
            Field::PromoCode => "promo code",
        };
        match self.problem {
            Problem::Missing => write!(f, "{what} is required"),
            Problem::Invalid => write!(f, "{what} is not valid"),
            Problem::TooLong(n) => write!(f, "{what} must be at most {n} characters"),
            Problem::BelowMinimum(n) if self.field == Field::PromoCode => {
                write!(f, "{what} must be at least {n} characters")
            }
            Problem::BelowMinimum(n) => write!(f, "{what} must be at least {n}"),
            Problem::AboveMaximum(n) => write!(f, "{what} must be at most {n} per order"),
            Problem::AboveAvailability(0) | Problem::SoldOut => write!(f, "this ticket tier is sold out"),
            Problem::AboveAvailability(n) => write!(f, "only {n} tickets are left in this tier"),
            Problem::Unknown if self.field == Field::PromoCode => write!(f, "{}", PromoProblem::Unknown),
            Problem::Unknown => write!(f, "{what} does not exist for this event"),
            Problem::Expired => write!(f, "{}", PromoProblem::Expired),
            Problem::UsedUp => write!(f, "{}", PromoProblem::UsedUp),
            Problem::Inactive => write!(f, "{}", PromoProblem::Inactive),
            Problem::NotOnSale => write!(f, "this event is not on sale"),
        }
    }
}

/// A ticket count between 1 and `MAX_PER_ORDER`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Quantity(u32);

impl Quantity {
    pub fn new(n: i64) -> Result<Self, Problem> {
        if n < 1 {
            return Err(Problem::BelowMinimum(1));
        }
        if n > i64::from(MAX_PER_ORDER) {
            return Err(Problem::AboveMaximum(MAX_PER_ORDER));
        }
        Ok(Quantity(n as u32))
    }

    /// The quantity a tier can take, or why not: its sale period, its seats left and the
    /// platform's per-order rules for it, within tessera's own `MAX_PER_ORDER`.
    pub fn for_tier(n: i64, tier: &Tier) -> Result<Self, Problem> {
        if !tier.on_sale() {
            return Err(Problem::NotOnSale);
        }
        if tier.available == 0 {
            return Err(Problem::SoldOut);
        }
        let q = Quantity::new(n)?;
        let min = Quantity::min_for(tier);
        if q.0 < min {
            return Err(Problem::BelowMinimum(min));
        }
        let most = tier.max_per_order.map_or(MAX_PER_ORDER, |m| m.clamp(1, MAX_PER_ORDER));
        if q.0 > most {
            return Err(Problem::AboveMaximum(most));
        }
        if q.0 > tier.available {
            return Err(Problem::AboveAvailability(tier.available));
        }
        Ok(q)
    }

    /// Largest quantity a buyer may pick for a tier (0 when it cannot be bought now).
    pub fn max_for(tier: &Tier) -> u32 {
        let most = tier.max_per_order.map_or(MAX_PER_ORDER, |m| m.clamp(1, MAX_PER_ORDER));
        let max = tier.available.min(most);
        if !tier.on_sale() || max < Quantity::min_for(tier) {
            0
        } else {
            max
        }
    }

    /// Smallest quantity an order of this tier may have.
    pub fn min_for(tier: &Tier) -> u32 {
        tier.min_per_order.unwrap_or(1).clamp(1, MAX_PER_ORDER)
    }

    pub fn get(&self) -> u32 {
        self.0
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Customer {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// The checkout request as the widget sends it. Fields are raw so that every problem can
/// be reported per field instead of as one parse failure. There is deliberately no price
/// and no redirect URL in it: both are decided by the server. `page_url` is only where the
/// buyer is; the proxy returns them there only when its origin is one the site owner allowed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckoutRequest {
    pub event_id: String,
    pub tier_id: String,
    pub quantity: i64,
    #[serde(default)]
    pub customer: Customer,
    /// As typed; blank means none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promo_code: Option<String>,
    /// The page the widget is on (`location.href`): the buyer comes back to it after paying or
    /// cancelling when its origin is in `TESSERA_ALLOWED_ORIGINS`, else to the configured pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(examples("https://shop.example/concerts?month=12")))]
    pub page_url: Option<String>,
}

/// An order that passed every check against the event as last known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidOrder {
    pub event_id: EventId,
    pub tier_id: TierId,
    pub quantity: Quantity,
    pub name: BuyerName,
    pub email: Email,
    pub phone: Option<Phone>,
    pub promo_code: Option<PromoCode>,
    pub price: OrderPrice,
}

impl CheckoutRequest {
    /// Checks only the buyer's details: what the widget can say before any tier is known.
    pub fn customer_errors(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let mut check = |field, r: Result<(), Problem>| {
            if let Err(problem) = r {
                errors.push(FieldError { field, problem });
            }
        };
        check(Field::Name, BuyerName::parse(&self.customer.name).map(drop));
        check(Field::Email, Email::parse(&self.customer.email).map(drop));
        check(Field::Phone, Phone::parse_optional(self.customer.phone.as_deref()).map(drop));
        errors
    }

    /// The promo code the buyer typed, if any, in its compared form.
    pub fn promo_code(&self) -> Option<Result<PromoCode, PromoProblem>> {
        let raw = self.promo_code.as_deref().map(str::trim).filter(|c| !c.is_empty())?;
        Some(PromoCode::parse(raw))
    }

    /// Every problem with this request against `event`, or the order to hand off. `promo` is
    /// the rule found for the request's code (the caller looks it up and checks it); a code
    /// without a matching `promo` is unknown.
    pub fn validate(&self, event: &Event, promo: Option<&AppliedPromo>) -> Result<ValidOrder, Vec<FieldError>> {
        let mut errors = Vec::new();
        let fail = |errors: &mut Vec<FieldError>, field, problem| errors.push(FieldError { field, problem });

        if EventId::parse(&self.event_id).ok().as_ref() != Some(&event.id) {
            fail(&mut errors, Field::EventId, Problem::Unknown);
        } else if !event.on_sale() {
            fail(&mut errors, Field::EventId, Problem::NotOnSale);
        }
        let tier = match TierId::parse(&self.tier_id) {
            Ok(id) => event.tier(&id),
            Err(_) if self.tier_id.trim().is_empty() => {
                fail(&mut errors, Field::TierId, Problem::Missing);
                None
            }
            Err(_) => None,
        };
        if tier.is_none() && !errors.iter().any(|e| e.field == Field::TierId) {
            fail(&mut errors, Field::TierId, Problem::Unknown);
        }
        let quantity = match tier {
            Some(t) => Quantity::for_tier(self.quantity, t),
            None => Quantity::new(self.quantity),
        };
        if let Err(problem) = quantity {
            fail(&mut errors, Field::Quantity, problem);
        }
        errors.extend(self.customer_errors());
        let promo_code = match self.promo_code() {
            None => None,
            Some(Err(problem)) => {
                fail(&mut errors, Field::PromoCode, problem.into());
                None
            }
            Some(Ok(code)) if promo.is_some_and(|p| p.code == code) => Some(code),
            Some(Ok(_)) => {
                fail(&mut errors, Field::PromoCode, Problem::Unknown);
                None
            }
        };
        let discount = promo_code.as_ref().and(promo).map(|p| &p.discount);

        match (tier, quantity) {
            (Some(tier), Ok(quantity)) if errors.is_empty() => {
                let price = OrderPrice::with_discount(tier.price, quantity, discount)
                    .map_err(|_| vec![FieldError { field: Field::Quantity, problem: Problem::Invalid }])?;
                Ok(ValidOrder {
                    event_id: event.id.clone(),
                    tier_id: tier.id.clone(),
                    quantity,
                    // Parsed above without error.
                    name: BuyerName::parse(&self.customer.name).map_err(|_| errors.clone())?,
                    email: Email::parse(&self.customer.email).map_err(|_| errors.clone())?,
                    phone: Phone::parse_optional(self.customer.phone.as_deref()).map_err(|_| errors.clone())?,
                    promo_code,
                    price,
                })
            }
            _ => Err(errors),
        }
    }
}

/// The money side of an order, all in the tier's currency and minor units.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPrice {
    pub unit_price: Money,
    pub quantity: u32,
    pub subtotal: Money,
    pub discount: Money,
    pub total: Money,
}

impl OrderPrice {
    pub fn of(unit_price: Money, quantity: Quantity) -> Result<Self, MoneyError> {
        Self::with_discount(unit_price, quantity, None)
    }

    /// Subtotal, the discount taken off it (see `promo` for the rounding) and the total.
    pub fn with_discount(
        unit_price: Money,
        quantity: Quantity,
        discount: Option<&Discount>,
    ) -> Result<Self, MoneyError> {
        let subtotal = unit_price.times(quantity.get())?;
        let discount = match discount {
            Some(d) => d.of(subtotal)?,
            None => Money::zero(unit_price.currency),
        };
        Ok(OrderPrice {
            unit_price,
            quantity: quantity.get(),
            subtotal,
            discount,
            total: subtotal.checked_sub(discount)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::EventStatus;
    use crate::money::Currency;
    use crate::promo::FULL_PERCENT_BP;

    #[test]
    fn problems_keep_their_json_shape_both_ways() {
        let cases = [
            (Problem::Missing, r#"{"kind":"missing"}"#),
            (Problem::TooLong(100), r#"{"kind":"too_long","limit":100}"#),
            (Problem::AboveAvailability(3), r#"{"kind":"above_availability","limit":3}"#),
            (Problem::UsedUp, r#"{"kind":"used_up"}"#),
        ];
        for (problem, json) in cases {
            assert_eq!(serde_json::to_string(&problem).unwrap(), json);
            assert_eq!(serde_json::from_str::<Problem>(json).unwrap(), problem);
        }
        assert!(serde_json::from_str::<Problem>(r#"{"kind":"too_long"}"#).is_err());
        assert!(serde_json::from_str::<Problem>(r#"{"kind":"on_fire"}"#).is_err());
    }

    fn event() -> Event {
        let tier = |id: &str, price, available| {
            Tier::new(TierId::parse(id).unwrap(), id.to_uppercase(), Money::new(price, Currency::PHP), available)
        };
        Event {
            id: EventId::parse("ev-1").unwrap(),
            title: "Jazz".into(),
            status: EventStatus::Active,
            start_datetime: "2026-03-27T19:00:00+08:00".into(),
            venue_name: None,
            description: None,
            currency: Currency::PHP,
            tiers: vec![tier("ga", 100_000, 50), tier("vip", 250_000, 3), tier("early", 75_000, 0)],
            sold_elsewhere: None,
            resale: None,
        }
    }

    #[test]
    fn a_tiers_own_per_order_rules_apply_within_the_global_maximum() {
        let mut t = event().tiers[0].clone();
        t.min_per_order = Some(2);
        t.max_per_order = Some(4);
        assert_eq!(Quantity::for_tier(1, &t), Err(Problem::BelowMinimum(2)));
        assert_eq!(Quantity::for_tier(5, &t), Err(Problem::AboveMaximum(4)));
        assert_eq!(Quantity::for_tier(4, &t).map(|q| q.get()), Ok(4));
        assert_eq!((Quantity::min_for(&t), Quantity::max_for(&t)), (2, 4));
        t.max_per_order = Some(50);
        assert_eq!(Quantity::for_tier(11, &t), Err(Problem::AboveMaximum(MAX_PER_ORDER)));
        t.available = 1;
        assert_eq!(Quantity::max_for(&t), 0, "one seat left cannot fill an order of at least two");
    }

    #[test]
    fn a_tier_outside_its_sale_period_takes_no_order() {
        let mut t = event().tiers[0].clone();
        t.sale_opens_at = Some("2030-01-01T10:00:00-03:00".into());
        assert_eq!(Quantity::for_tier(1, &t), Err(Problem::NotOnSale));
        assert_eq!(Quantity::max_for(&t), 0);
        t.sale_opens_at = None;
        t.sale_closed = true;
        assert_eq!(Quantity::for_tier(1, &t), Err(Problem::NotOnSale));
        let json = serde_json::to_value(&event().tiers[0]).unwrap();
        assert!(json.get("sale_closed").is_none() && json.get("sale_opens_at").is_none(), "{json}");
    }

    fn request(tier: &str, quantity: i64) -> CheckoutRequest {
        CheckoutRequest {
            event_id: "ev-1".into(),
            tier_id: tier.into(),
            quantity,
            customer: Customer { name: "Juan".into(), email: "juan@example.com".into(), phone: None },
            promo_code: None,
            page_url: None,
        }
    }

    fn earlybird() -> AppliedPromo {
        AppliedPromo { code: PromoCode::parse("EARLYBIRD").unwrap(), discount: Discount::percentage("20").unwrap() }
    }

    #[test]
    fn a_promo_code_takes_its_discount_off_the_subtotal() {
        let mut r = request("ga", 2);
        r.promo_code = Some(" earlybird ".into());
        let order = r.validate(&event(), Some(&earlybird())).unwrap();
        assert_eq!(order.promo_code.unwrap().as_str(), "EARLYBIRD");
        assert_eq!(order.price.subtotal.amount, 200_000);
        assert_eq!(order.price.discount.amount, 40_000);
        assert_eq!(order.price.total.amount, 160_000);
    }

    #[test]
    fn a_promo_code_without_its_rule_is_unknown_and_a_blank_one_is_none() {
        let mut r = request("ga", 1);
        r.promo_code = Some("OTHER".into());
        assert_eq!(problems(r.validate(&event(), Some(&earlybird()))), [(Field::PromoCode, Problem::Unknown)]);
        assert_eq!(problems(r.validate(&event(), None)), [(Field::PromoCode, Problem::Unknown)]);
        r.promo_code = Some("ab".into());
        assert_eq!(problems(r.validate(&event(), None)), [(Field::PromoCode, Problem::BelowMinimum(3))]);
        r.promo_code = Some("   ".into());
        assert_eq!(r.validate(&event(), Some(&earlybird())).unwrap().price.discount.amount, 0);
    }

    #[test]
    fn promo_problems_read_clearly() {
        let e = |problem| FieldError { field: Field::PromoCode, problem }.to_string();
        assert_eq!(e(Problem::BelowMinimum(3)), "promo code must be at least 3 characters");
        assert_eq!(e(Problem::Unknown), "this promo code is not valid for this event");
        assert_eq!(e(Problem::Expired), "this promo code has expired");
        assert_eq!(e(Problem::UsedUp), "this promo code has been used up");
    }

    fn problems(r: Result<ValidOrder, Vec<FieldError>>) -> Vec<(Field, Problem)> {
        r.unwrap_err().into_iter().map(|e| (e.field, e.problem)).collect()
    }

    #[test]
    fn a_valid_order_is_priced_in_minor_units() {
        let order = request("ga", 2).validate(&event(), None).unwrap();
        assert_eq!(order.quantity.get(), 2);
        assert_eq!(order.price.subtotal, Money::new(200_000, Currency::PHP));
        assert_eq!(order.price.total, Money::new(200_000, Currency::PHP));
        assert_eq!(order.price.discount.amount, 0);
    }

    #[test]
    fn checkout_rejects_quantity_zero_negative_and_above_per_order_maximum() {
        assert_eq!(problems(request("ga", 0).validate(&event(), None)), [(Field::Quantity, Problem::BelowMinimum(1))]);
        assert_eq!(problems(request("ga", -3).validate(&event(), None)), [(Field::Quantity, Problem::BelowMinimum(1))]);
        assert_eq!(
            problems(request("ga", 11).validate(&event(), None)),
            [(Field::Quantity, Problem::AboveMaximum(MAX_PER_ORDER))]
        );
    }

    #[test]
    fn checkout_rejects_quantity_above_availability() {
        assert_eq!(
            problems(request("vip", 4).validate(&event(), None)),
            [(Field::Quantity, Problem::AboveAvailability(3))]
        );
        assert!(request("vip", 3).validate(&event(), None).is_ok());
    }

    #[test]
    fn checkout_rejects_a_sold_out_tier() {
        assert_eq!(problems(request("early", 1).validate(&event(), None)), [(Field::Quantity, Problem::SoldOut)]);
    }

    #[test]
    fn checkout_rejects_unknown_or_missing_tier_and_other_events() {
        assert_eq!(problems(request("nope", 1).validate(&event(), None)), [(Field::TierId, Problem::Unknown)]);
        assert_eq!(problems(request(" ", 1).validate(&event(), None)), [(Field::TierId, Problem::Missing)]);
        let mut r = request("ga", 1);
        r.event_id = "ev-2".into();
        assert_eq!(problems(r.validate(&event(), None)), [(Field::EventId, Problem::Unknown)]);
    }

    #[test]
    fn checkout_rejects_an_event_not_on_sale() {
        let mut e = event();
        e.status = EventStatus::Cancelled;
        assert_eq!(problems(request("ga", 1).validate(&e, None)), [(Field::EventId, Problem::NotOnSale)]);
    }

    #[test]
    fn checkout_reports_every_buyer_problem_at_once() {
        let mut r = request("ga", 1);
        r.customer = Customer { name: " ".into(), email: "".into(), phone: Some("x".into()) };
        assert_eq!(
            problems(r.validate(&event(), None)),
            [(Field::Name, Problem::Missing), (Field::Email, Problem::Missing), (Field::Phone, Problem::Invalid)]
        );
    }

    #[test]
    fn request_json_has_no_price_or_url_fields() {
        let json =
            r#"{"event_id":"ev-1","tier_id":"ga","quantity":1,"customer":{"name":"J","email":"j@x.io"},"price":1}"#;
        assert!(serde_json::from_str::<CheckoutRequest>(json).is_err());
        let json = r#"{"event_id":"ev-1","tier_id":"ga","quantity":1.5,"customer":{"name":"J","email":"j@x.io"}}"#;
        assert!(serde_json::from_str::<CheckoutRequest>(json).is_err());
    }

    #[test]
    fn max_for_is_bounded_by_availability_and_order_limit() {
        let e = event();
        assert_eq!(Quantity::max_for(&e.tiers[0]), MAX_PER_ORDER);
        assert_eq!(Quantity::max_for(&e.tiers[1]), 3);
        assert_eq!(Quantity::max_for(&e.tiers[2]), 0);
    }

    #[test]
    fn field_errors_read_as_english_sentences() {
        let e = FieldError { field: Field::Quantity, problem: Problem::AboveAvailability(3) };
        assert_eq!(e.to_string(), "only 3 tickets are left in this tier");
        let e = FieldError { field: Field::Email, problem: Problem::Missing };
        assert_eq!(e.to_string(), "email is required");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn any_discount() -> impl Strategy<Value = Discount> {
            prop_oneof![
                (1u32..=FULL_BP).prop_map(|bp| Discount::percentage_bp(bp).unwrap()),
                (1i64..=10_000_000).prop_map(|a| Discount::fixed_amount(Money::new(a, Currency::PHP)).unwrap()),
            ]
        }
        const FULL_BP: u32 = FULL_PERCENT_BP;

        /// The rounding rule written the long way, as a second opinion.
        fn expected_discount(subtotal: i64, d: &Discount) -> i64 {
            match *d {
                Discount::Percentage { basis_points } => {
                    let exact = i128::from(subtotal) * i128::from(basis_points);
                    let (q, r) = (exact / 10_000, exact % 10_000);
                    (if 2 * r >= 10_000 { q + 1 } else { q }) as i64
                }
                Discount::FixedAmount { amount } => amount.amount.min(subtotal),
            }
        }

        proptest! {
            #[test]
            fn discounts_stay_within_the_subtotal_and_totals_add_up(
                unit in 0i64..=5_000_000, qty in 1i64..=10, d in any_discount()
            ) {
                let price = OrderPrice::with_discount(Money::new(unit, Currency::PHP), Quantity::new(qty).unwrap(), Some(&d)).unwrap();
                prop_assert!(price.discount.amount >= 0 && price.discount.amount <= price.subtotal.amount);
                prop_assert_eq!(price.total.amount + price.discount.amount, price.subtotal.amount);
                prop_assert_eq!(price.discount.amount, expected_discount(price.subtotal.amount, &d));
            }

            /// The widget's preview (a rule that went through the proxy's JSON) and the proxy's
            /// own pricing of the same checkout request agree to the minor unit.
            #[test]
            fn the_server_price_equals_the_widget_preview(
                unit in 0i64..=5_000_000, qty in 1i64..=3, d in any_discount(), code in "[a-zA-Z0-9]{3,12}"
            ) {
                let mut e = event();
                e.tiers[0].price = Money::new(unit, Currency::PHP);
                let server_rule = AppliedPromo { code: PromoCode::parse(&code).unwrap(), discount: d };
                let wire = serde_json::to_string(&server_rule).unwrap();
                let widget_rule: AppliedPromo = serde_json::from_str(&wire).unwrap();

                let mut r = request("ga", qty);
                r.promo_code = Some(code.to_lowercase());
                let preview = r.validate(&e, Some(&widget_rule)).unwrap().price;
                let wire_request: CheckoutRequest = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
                let charged = wire_request.validate(&e, Some(&server_rule)).unwrap().price;
                prop_assert_eq!(preview, charged);
            }
        }
    }
}
