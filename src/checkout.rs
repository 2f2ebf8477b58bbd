//! Placing the order: the checkout as a Leptos `Action`, one Idempotency-Key per order as
//! placed, and what each answer means for the buyer.

use leptos::prelude::*;
use tessera_core::{CheckoutRequest, CheckoutStarted, Field, Money};
use wasm_bindgen::JsCast;

use crate::api::{self, ApiProblem};
use crate::context::Shop;
use crate::data_layer;
use crate::handoff::{self, Hold, Outcome, PendingOrder, Return};
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
    pub fn place(&self, mut request: CheckoutRequest) {
        // Back to this page after paying, if the proxy allows its origin.
        request.page_url = web_sys::window().and_then(|w| w.location().href().ok());
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
        Ok(CheckoutStarted { checkout_url, expires_at, checkout_id }) => {
            if let (Some(event), Some(tier)) = (order.event.get_untracked(), order.selected.get_untracked()) {
                let promo = order.promo.get_untracked();
                let code = promo.as_ref().map(|p| p.code.as_str());
                let quantity = order.quantity.get_untracked();
                let total = order.price.get_untracked().map(|p| p.total);
                let detail = host_events::Checkout {
                    event_id: event.id.as_str(),
                    tier_id: tier.id.as_str(),
                    quantity,
                    total,
                    promo_code: code,
                };
                shop.emit("checkout", &detail);
                shop.ecommerce("begin_checkout", || data_layer::Ecommerce {
                    currency: total.map(|t| t.currency.code()),
                    value: total.map(data_layer::major),
                    coupon: code,
                    ..data_layer::Ecommerce::items(vec![data_layer::Item::tier(&event.title, &tier, quantity)])
                });
                let pending = PendingOrder {
                    event_title: event.title.clone(),
                    tier_id: tier.id.as_str().to_owned(),
                    tier_name: tier.name.clone(),
                    quantity,
                    email: order.email.get_untracked().trim().to_owned(),
                    checkout_id: checkout_id.clone(),
                    total,
                };
                handoff::remember(event.id.as_str(), &pending);
                let hold = Hold {
                    tier_id: pending.tier_id,
                    tier_name: pending.tier_name,
                    quantity,
                    checkout_url: checkout_url.clone(),
                    expires_at,
                };
                handoff::remember_hold(event.id.as_str(), &hold);
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

/// Back from a paid checkout this tab started: the host page hears `tessera:purchase` (and
/// GA4's `purchase`), once, since the order remembered for the return is forgotten on reading.
/// A return with nothing remembered (another tab, a shared link) says nothing: it proves nothing.
pub fn announce_purchase(shop: &Shop, returned: &Return) {
    let Some(p) = returned.pending.as_ref().filter(|_| returned.outcome == Outcome::Paid) else { return };
    let detail = host_events::Purchase {
        event_id: &returned.event_id,
        title: &p.event_title,
        tier_id: &p.tier_id,
        tier_name: &p.tier_name,
        quantity: p.quantity,
        total: p.total,
        checkout_id: &p.checkout_id,
    };
    shop.emit("purchase", &detail);
    shop.ecommerce("purchase", || {
        let unit = p.total.map(|t| Money::new(t.amount / i64::from(p.quantity.max(1)), t.currency));
        data_layer::Ecommerce {
            transaction_id: Some(&p.checkout_id),
            currency: p.total.map(|t| t.currency.code()),
            value: p.total.map(data_layer::major),
            ..data_layer::Ecommerce::items(
                unit.map(|unit| data_layer::Item::of(&p.event_title, &p.tier_id, &p.tier_name, unit, p.quantity))
                    .into_iter()
                    .collect(),
            )
        }
    });
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
