//! Placing the order: the checkout as a Leptos `Action`, one Idempotency-Key per order as
//! placed, and what each answer means for the buyer.

use leptos::prelude::*;
use tessera_core::{CheckoutRequest, CheckoutStarted, Field};
use wasm_bindgen::JsCast;

use crate::api::{self, ApiProblem};
use crate::context::Shop;
use crate::handoff::{self, PendingOrder};
use crate::host_events;
use crate::order::Order;

type Placed = (CheckoutRequest, String);

#[derive(Clone, Copy)]
pub struct Checkout {
    pub action: Action<Placed, Result<CheckoutStarted, ApiProblem>>,
    /// The last order placed and its key: pressing Checkout again for the same order (after a
    /// timeout, say) finds the session the first press opened instead of opening a second one.
    placed: StoredValue<Option<Placed>>,
}

impl Checkout {
    pub fn new(proxy: String) -> Self {
        let action = Action::new_local(move |(request, key): &Placed| {
            let (proxy, request, key) = (proxy.clone(), request.clone(), key.clone());
            async move { api::checkout(&proxy, &request, &key).await }
        });
        Checkout { action, placed: StoredValue::new(None) }
    }

    /// Sends `request`, with the key of the last order if it is the same order.
    pub fn place(&self, request: CheckoutRequest) {
        let key = self
            .placed
            .with_value(|p| p.as_ref().filter(|(same, _)| *same == request).map(|(_, key)| key.clone()))
            .unwrap_or_else(idempotency_key);
        self.placed.set_value(Some((request.clone(), key.clone())));
        self.action.dispatch((request, key));
    }
}

/// What a checkout's answer changes. `Ok`: the host page hears `tessera:checkout`, the order
/// is remembered for the return, and the whole page goes to pay. An order problem is shown
/// beside its field; anything else in `alert`, and a sold-out answer reads the event again.
pub fn answered(
    shop: &Shop,
    order: Order,
    alert: RwSignal<Option<ApiProblem>>,
    reload: Callback<()>,
    result: Result<CheckoutStarted, ApiProblem>,
) {
    match result {
        Ok(CheckoutStarted { checkout_url, .. }) => {
            if let (Some(event), Some(tier)) = (order.event.get_untracked(), order.selected.get_untracked()) {
                let promo = order.promo.get_untracked();
                let quantity = order.quantity.get_untracked();
                let detail = host_events::Checkout {
                    event_id: event.id.as_str(),
                    tier_id: tier.id.as_str(),
                    quantity,
                    total: order.price.get_untracked().map(|p| p.total),
                    promo_code: promo.as_ref().map(|p| p.code.as_str()),
                };
                shop.emit("checkout", &detail);
                let pending = PendingOrder {
                    event_title: event.title.clone(),
                    tier_id: tier.id.as_str().to_owned(),
                    tier_name: tier.name.clone(),
                    quantity,
                    email: order.email.get_untracked().trim().to_owned(),
                };
                handoff::remember(event.id.as_str(), &pending);
            }
            handoff::go_to(&checkout_url);
        }
        Err(ApiProblem::Invalid(fields)) => {
            // The code expired or ran out since the preview: say so beside it, and show the
            // price without it rather than a discount that no longer exists.
            if let Some(f) = fields.iter().find(|f| f.field == Field::PromoCode) {
                order.promo.set(None);
                order.promo_problem.set(Some(f.problem));
            }
            order.show_all.set(true);
            alert.set(None);
        }
        Err(problem) => {
            shop.emit_error(&problem);
            // Seats may have gone: show what is left now.
            if problem == ApiProblem::SoldOut {
                reload.run(());
            }
            alert.set(Some(problem));
        }
    }
}

/// A fresh random key (`crypto.randomUUID()`), or the time and a random number where the
/// browser has none (an insecure context).
fn idempotency_key() -> String {
    let uuid = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &"crypto".into()).ok())
        .and_then(|crypto| {
            let make = js_sys::Reflect::get(&crypto, &"randomUUID".into()).ok()?;
            make.dyn_into::<js_sys::Function>().ok()?.call0(&crypto).ok()
        })
        .and_then(|v| v.as_string());
    uuid.unwrap_or_else(|| format!("t-{}-{}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e15) as u64))
}
