//! The webhook parsers of TicketWave, vivenu, Ingresse and Tixel (issue 7), which read a
//! delivery once its signature or URL token checked out. The first byte picks the platform,
//! the rest is the body. Never panics, and reads the same bytes the same way every time: a
//! platform's retry must be recognised as the delivery it repeats.
#![no_main]

use libfuzzer_sys::fuzz_target;
use secrecy::SecretString;
use tessera_core::{Currency, EventId};
use tessera_proxy::providers::{self, Change, Parsed, WebhookFormat};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, body)) = data.split_first() else { return };
    let offset = providers::ticketwave::utc_offset("+02:00").unwrap();
    let secret = || SecretString::from("fuzz-secret-of-enough-length-000");
    let format: Box<dyn WebhookFormat> = match pick % 4 {
        0 => Box::new(providers::ticketwave::TicketWaveWebhooks::new(secret(), Currency::EUR, offset)),
        1 => Box::new(providers::vivenu::VivenuWebhooks::new(secret(), pick & 4 != 0)),
        2 => Box::new(providers::ingresse::IngresseWebhooks::new(secret(), Currency::BRL)),
        _ => Box::new(providers::tixel::TixelWebhooks::new(secret())),
    };
    let headers = Default::default();
    let first = format.parse(&headers, body);
    assert_eq!(first, format.parse(&headers, body), "the same bytes, the same delivery");
    let Ok(Parsed::Apply(delivery)) = first else { return };
    assert!(!delivery.id.is_empty());
    for change in &delivery.changes {
        // Whatever a delivery names must make a tessera event id once prefixed, or be refused.
        if let Some(event) = change.event() {
            assert!(!event.is_empty());
            let _ = EventId::parse(&format!("vivenu:{event}"));
        }
        if let Change::Sold { tickets, .. } = change {
            assert!(tickets.iter().all(|t| t.quantity > 0 && !t.tier.is_empty()), "{change:?}");
        }
    }
});
