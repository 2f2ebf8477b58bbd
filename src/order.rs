//! The buyer's order as it is being put together: a signal for each choice, and the checks
//! and prices of tessera-core derived from them, so every component reads the same truth.

use leptos::prelude::*;
use tessera_core::{
    AppliedPromo, CheckoutRequest, Customer, Event, Field, FieldError, OrderPrice, Problem, Quantity, Tier, TierId,
};

#[derive(Clone, Copy)]
pub struct Order {
    pub event: RwSignal<Option<Event>>,
    pub tier: RwSignal<Option<TierId>>,
    pub quantity: RwSignal<u32>,
    pub name: RwSignal<String>,
    pub email: RwSignal<String>,
    pub phone: RwSignal<String>,
    /// Fields the buyer has left at least once: their problems are shown from then on.
    pub touched: RwSignal<Vec<Field>>,
    /// After a checkout attempt every problem is shown.
    pub show_all: RwSignal<bool>,
    /// The code the proxy confirmed, with its rule: the discount is priced here, locally.
    pub promo: RwSignal<Option<AppliedPromo>>,
    /// Why the code the buyer typed was not applied (local check, preview or checkout).
    pub promo_problem: RwSignal<Option<Problem>>,
    /// The chosen tier as the event now has it.
    pub selected: Memo<Option<Tier>>,
    /// Subtotal, discount and total: the function the proxy prices the checkout with.
    pub price: Memo<Option<OrderPrice>>,
    /// Every problem with the order, from the function the proxy checks it with.
    pub problems: Memo<Vec<FieldError>>,
}

impl Order {
    pub fn new() -> Self {
        let event = RwSignal::new(None::<Event>);
        let tier = RwSignal::new(None::<TierId>);
        let quantity = RwSignal::new(1);
        let (name, email, phone) =
            (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
        let promo = RwSignal::new(None::<AppliedPromo>);
        let selected = Memo::new(move |_| {
            let id = tier.get()?;
            event.with(|e| e.as_ref()?.tier(&id).cloned())
        });
        let price = Memo::new(move |_| {
            let tier = selected.get()?;
            let quantity = Quantity::new(i64::from(quantity.get())).ok()?;
            promo.with(|p| OrderPrice::with_discount(tier.price, quantity, p.as_ref().map(|p| &p.discount)).ok())
        });
        let choices = Choices { event, tier, quantity, name, email, phone, promo };
        let problems = Memo::new(move |_| {
            let request = choices.request();
            event.with(|e| match e {
                Some(event) => promo.with(|p| request.validate(event, p.as_ref()).err().unwrap_or_default()),
                None => Vec::new(),
            })
        });
        Order {
            event,
            tier,
            quantity,
            name,
            email,
            phone,
            touched: RwSignal::new(Vec::new()),
            show_all: RwSignal::new(false),
            promo,
            promo_problem: RwSignal::new(None),
            selected,
            price,
            problems,
        }
    }

    pub fn max_quantity(&self) -> u32 {
        self.selected.with(|t| t.as_ref().map(Quantity::max_for).unwrap_or(0))
    }

    /// The fewest tickets the chosen tier takes per order (the platform's rule; 1 by default).
    pub fn min_quantity(&self) -> u32 {
        self.selected.with(|t| t.as_ref().map(Quantity::min_for).unwrap_or(1))
    }

    /// The id of the event shown, read untracked (for host events and requests, not views).
    pub fn event_id(&self) -> Option<String> {
        self.event.with_untracked(|e| e.as_ref().map(|e| e.id.as_str().to_owned()))
    }

    /// The order as the proxy takes it, read untracked.
    pub fn request(&self) -> CheckoutRequest {
        let o = *self;
        let choices = Choices {
            event: o.event,
            tier: o.tier,
            quantity: o.quantity,
            name: o.name,
            email: o.email,
            phone: o.phone,
            promo: o.promo,
        };
        untrack(|| choices.request())
    }

    /// The problem to show beside `field`, if the buyer should see it yet.
    pub fn visible_problem(&self, field: Field) -> Option<Problem> {
        let shown = self.show_all.get() || self.touched.with(|t| t.contains(&field));
        if !shown {
            return None;
        }
        self.problems.with(|all| all.iter().find(|e| e.field == field).map(|e| e.problem))
    }

    pub fn touch(&self, field: Field) {
        if !self.touched.with_untracked(|t| t.contains(&field)) {
            self.touched.update(|t| t.push(field));
        }
    }

    /// Picks a sensible tier for a freshly loaded event (keeping the buyer's choice when it
    /// still exists, else `preferred`, else the first that can be bought) and keeps the quantity
    /// within what that tier can take.
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
        if self.tier.get_untracked() != choice {
            self.tier.set(choice);
        }
        self.clamp_quantity();
    }

    /// Keeps the quantity within what the tier can take: lowered to its maximum (`true` when
    /// it had to), raised to its minimum.
    pub fn clamp_quantity(&self) -> bool {
        let (min, max) =
            untrack(|| self.selected.with(|t| t.as_ref().map(|t| (Quantity::min_for(t), Quantity::max_for(t).max(1)))))
                .unwrap_or((1, 1));
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

impl Default for Order {
    fn default() -> Self {
        Self::new()
    }
}

/// What the buyer chose, before anything is derived from it.
#[derive(Clone, Copy)]
struct Choices {
    event: RwSignal<Option<Event>>,
    tier: RwSignal<Option<TierId>>,
    quantity: RwSignal<u32>,
    name: RwSignal<String>,
    email: RwSignal<String>,
    phone: RwSignal<String>,
    promo: RwSignal<Option<AppliedPromo>>,
}

impl Choices {
    fn request(&self) -> CheckoutRequest {
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
            // Where the buyer is, added by the checkout when it is placed.
            page_url: None,
        }
    }
}
