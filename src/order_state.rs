//! The buyer's order as it is being put together: reactive signals for each choice, and the
//! checks of `tessera-core` derived from them, so every component reads the same truth.

use tessera_core::{
    AppliedPromo, CheckoutRequest, Customer, Event, Field, FieldError, OrderPrice, Problem, Quantity, Tier, TierId,
};

use crate::state::Sig;

#[derive(Clone, Copy)]
pub struct OrderState {
    pub event: Sig<Option<Event>>,
    pub tier: Sig<Option<TierId>>,
    pub quantity: Sig<u32>,
    pub name: Sig<String>,
    pub email: Sig<String>,
    pub phone: Sig<String>,
    /// Fields the buyer has left at least once: their problems are shown from then on.
    pub touched: Sig<Vec<Field>>,
    /// After a checkout attempt every problem is shown.
    pub show_all: Sig<bool>,
    /// The code the proxy confirmed, with its rule: the discount is priced here, locally.
    pub promo: Sig<Option<AppliedPromo>>,
    /// Why the code the buyer typed was not applied (local check, preview or checkout).
    pub promo_problem: Sig<Option<Problem>>,
}

impl OrderState {
    pub fn new() -> Self {
        OrderState {
            event: Sig::new(None),
            tier: Sig::new(None),
            quantity: Sig::new(1),
            name: Sig::new(String::new()),
            email: Sig::new(String::new()),
            phone: Sig::new(String::new()),
            touched: Sig::new(Vec::new()),
            show_all: Sig::new(false),
            promo: Sig::new(None),
            promo_problem: Sig::new(None),
        }
    }

    pub fn selected_tier(&self) -> Option<Tier> {
        let id = self.tier.get()?;
        self.event.with(|e| e.as_ref()?.tier(&id).cloned())
    }

    pub fn max_quantity(&self) -> u32 {
        self.selected_tier().map(|t| Quantity::max_for(&t)).unwrap_or(0)
    }

    /// The fewest tickets the chosen tier takes per order (the platform's rule; 1 by default).
    pub fn min_quantity(&self) -> u32 {
        self.selected_tier().map(|t| Quantity::min_for(&t)).unwrap_or(1)
    }

    /// The id of the event shown, read untracked (for host events and requests, not views).
    pub fn event_id(&self) -> Option<String> {
        self.event.with_untracked(|e| e.as_ref().map(|e| e.id.as_str().to_owned()))
    }

    pub fn request(&self) -> CheckoutRequest {
        let phone = self.phone.get();
        CheckoutRequest {
            event_id: self.event.with(|e| e.as_ref().map(|e| e.id.as_str().to_owned()).unwrap_or_default()),
            tier_id: self.tier.get().map(String::from).unwrap_or_default(),
            quantity: i64::from(self.quantity.get()),
            customer: Customer {
                name: self.name.get(),
                email: self.email.get(),
                phone: (!phone.trim().is_empty()).then_some(phone),
            },
            promo_code: self.promo.with(|p| p.as_ref().map(|p| p.code.as_str().to_owned())),
        }
    }

    /// Every problem with the order, from the same function the proxy runs.
    pub fn problems(&self) -> Vec<FieldError> {
        let request = self.request();
        self.event.with(|e| match e {
            Some(event) => self.promo.with(|p| request.validate(event, p.as_ref()).err().unwrap_or_default()),
            None => Vec::new(),
        })
    }

    /// The problem to show beside `field`, if the buyer should see it yet.
    pub fn visible_problem(&self, field: Field) -> Option<Problem> {
        let shown = self.show_all.get() || self.touched.with(|t| t.contains(&field));
        if !shown {
            return None;
        }
        self.problems().into_iter().find(|e| e.field == field).map(|e| e.problem)
    }

    pub fn touch(&self, field: Field) {
        if !self.touched.with_untracked(|t| t.contains(&field)) {
            self.touched.update(|t| t.push(field));
        }
    }

    /// Subtotal, discount and total: the same function the proxy prices the checkout with.
    pub fn price(&self) -> Option<OrderPrice> {
        let tier = self.selected_tier()?;
        let quantity = Quantity::new(i64::from(self.quantity.get())).ok()?;
        self.promo.with(|p| OrderPrice::with_discount(tier.price, quantity, p.as_ref().map(|p| &p.discount)).ok())
    }

    /// Picks a sensible tier for a freshly loaded event (keeping the buyer's choice when it
    /// still exists) and keeps the quantity within what that tier can take.
    pub fn settle_selection(&self, preferred: Option<&str>) {
        let choice = self.event.with_untracked(|e| {
            let e = e.as_ref()?;
            // A tier can be chosen when an order of it is possible now: on sale, with seats
            // enough for its own minimum.
            let open = |t: &Tier| Quantity::max_for(t) > 0;
            let keep = self.tier.get_untracked().filter(|id| e.tier(id).is_some_and(open));
            let preferred = preferred.and_then(|p| e.tiers.iter().find(|t| t.id.as_str() == p && open(t)));
            keep.or_else(|| preferred.map(|t| t.id.clone()))
                .or_else(|| e.tiers.iter().find(|t| open(t)).map(|t| t.id.clone()))
        });
        self.tier.set(choice);
        self.clamp_quantity();
    }

    /// Keeps the quantity within what the tier can take: lowered to its maximum (`true` when
    /// it had to), raised to its minimum.
    pub fn clamp_quantity(&self) -> bool {
        let (min, max) =
            self.selected_tier().map(|t| (Quantity::min_for(&t), Quantity::max_for(&t).max(1))).unwrap_or((1, 1));
        let q = self.quantity.get_untracked();
        if q > max {
            self.quantity.set(max);
            return true;
        }
        if q < min {
            self.quantity.set(min);
        }
        false
    }
}

impl Default for OrderState {
    fn default() -> Self {
        Self::new()
    }
}
