//! HangHut's webhook body parser (`tessera_proxy::inbox::parse_hanghut`), which reads a
//! delivery after its signature checked out. Never panics; what it keeps is bounded.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::{EventId, PromoCode};
use tessera_proxy::inbox::parse_hanghut;

fuzz_target!(|data: &[u8]| {
    let Ok(entry) = parse_hanghut(data) else { return };
    assert_eq!(entry.platform, "hanghut");
    assert!(!entry.delivery_id.trim().is_empty() && entry.delivery_id.len() <= 200);
    if let Some(order) = &entry.order_id {
        assert!(!order.is_empty() && order.len() <= 200);
    }
    // A code counts only against an order.
    assert!(entry.promo_code.is_none() || entry.order_id.is_some());
    if let Some(code) = &entry.promo_code {
        assert_eq!(PromoCode::parse(code).map(|c| c.as_str().to_owned()).as_deref(), Ok(code.as_str()));
    }
    if let Some(id) = &entry.event_id {
        assert!(EventId::parse(id).is_ok());
    }
});
