//! The checkout request parsers and the order check behind them: the JSON body
//! (`checkout::parse_json`) and the plain-HTML form (`CheckoutForm::into_request`), each then
//! `CheckoutRequest::validate`d against a fixed event, as `POST /api/v1/checkout` does.
//! Never panics; an accepted order's price is the server's own, within bounds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::{
    AppliedPromo, CheckoutRequest, Currency, Discount, Event, EventId, EventStatus, Money, Tier, TierId,
};
use tessera_proxy::checkout::{fingerprint, parse_json, CheckoutForm};

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
        tiers: vec![
            tier("ga", 100_000, 50),
            tier("vip", 250_000, 3),
            tier("early", 75_000, 0),
            tier("free", 0, 100),
            // A price whose order overflows i64: must be refused, not wrap or panic.
            tier("huge", i64::MAX / 4, 10),
        ],
        sold_elsewhere: None,
        resale: None,
    }
}

/// The rule the proxy would find for the request's code, varied by the input.
fn promo_for(request: &CheckoutRequest, pick: u8) -> Option<AppliedPromo> {
    let code = request.promo_code()?.ok()?;
    let discount = match pick % 4 {
        0 => return None,
        1 => Discount::percentage_bp(u32::from(pick) * 40 + 1).ok()?,
        2 => Discount::percentage_bp(10_000).ok()?,
        _ => Discount::fixed_amount(Money::new(i64::from(pick) * 1_000_000, Currency::PHP)).ok()?,
    };
    Some(AppliedPromo { code, discount })
}

fn check(request: &CheckoutRequest, event: &Event, pick: u8) {
    // The idempotency fingerprint: the same order always hashes the same.
    let again: CheckoutRequest = serde_json::from_slice(&serde_json::to_vec(request).unwrap()).unwrap();
    assert_eq!(&again, request);
    assert_eq!(fingerprint(&again), fingerprint(request));

    let promo = promo_for(request, pick);
    let Ok(order) = request.validate(event, promo.as_ref()) else { return };
    let tier = event.tier(&order.tier_id).expect("an order is for a tier of the event");
    let q = order.quantity.get();
    assert!((1..=tier.available.min(10)).contains(&q));
    let p = order.price;
    assert_eq!(p.unit_price, tier.price, "the unit price is the tier's");
    assert_eq!(p.quantity, q);
    assert_eq!(p.subtotal.amount, tier.price.amount * i64::from(q));
    assert!(0 <= p.discount.amount && p.discount.amount <= p.subtotal.amount);
    assert_eq!(p.total.amount, p.subtotal.amount - p.discount.amount);
    assert!(promo.is_some() || p.discount.amount == 0);
}

fuzz_target!(|data: &[u8]| {
    let event = event();
    let pick = data.last().copied().unwrap_or(0);
    if let Ok(request) = parse_json(data) {
        check(&request, &event, pick);
    }
    if let Ok(form) = serde_urlencoded::from_bytes::<CheckoutForm>(data) {
        if let Ok(request) = form.into_request() {
            check(&request, &event, pick);
        }
    }
});
