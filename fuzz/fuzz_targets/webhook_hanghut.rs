//! HangHut's webhook body parser (`tessera_proxy::providers::hanghut::parse`), which reads a
//! delivery after its signature checked out. Never panics; what it keeps is bounded.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::{EventId, PromoCode};
use tessera_proxy::providers::hanghut::parse;
use tessera_proxy::providers::Change;

fuzz_target!(|data: &[u8]| {
    let Ok(delivery) = parse(data) else { return };
    assert!(!delivery.id.trim().is_empty() && delivery.id.len() <= 200);
    for change in &delivery.changes {
        match change {
            Change::Refresh { event } => assert!(EventId::parse(event).is_ok()),
            // A code counts only against an order of a purchase.
            Change::PromoUsed { event, order, code } => {
                assert_eq!(delivery.kind, "ticket.purchased");
                assert!(EventId::parse(event).is_ok());
                assert!(!order.is_empty() && order.len() <= 200);
                assert_eq!(PromoCode::parse(code).map(|c| c.as_str().to_owned()).as_deref(), Ok(code.as_str()));
            }
            other => panic!("HangHut deliveries only refresh and count codes: {other:?}"),
        }
    }
});
