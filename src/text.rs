//! Every string a buyer reads, in one table per language so translations are a new table,
//! not a hunt through components. `{n}`, `{email}`… are filled in by `fill`.

use tessera_core::{Field, Problem};

pub struct Texts {
    pub loading: &'static str,
    pub events_heading: &'static str,
    pub no_events: &'static str,
    pub from_price: &'static str,
    pub view_tickets: &'static str,
    pub back_to_events: &'static str,
    pub choose_tickets: &'static str,
    pub sold_out: &'static str,
    pub few_left: &'static str,
    pub left: &'static str,
    pub quantity: &'static str,
    pub decrease: &'static str,
    pub increase: &'static str,
    pub quantity_hint: &'static str,
    pub your_details: &'static str,
    pub name: &'static str,
    pub email: &'static str,
    pub phone: &'static str,
    pub optional: &'static str,
    pub order_summary: &'static str,
    pub total: &'static str,
    pub checkout: &'static str,
    pub checkout_pending: &'static str,
    pub pick_a_tier: &'static str,
    pub not_on_sale: &'static str,
    pub all_sold_out: &'static str,
    pub fix_fields: &'static str,
    pub err_unreachable: &'static str,
    pub err_not_found: &'static str,
    pub err_sold_out: &'static str,
    pub err_busy: &'static str,
    pub err_rate_limited: &'static str,
    pub err_unavailable: &'static str,
    pub err_generic: &'static str,
    pub retry: &'static str,
    pub paid_title: &'static str,
    pub paid_body: &'static str,
    pub paid_body_generic: &'static str,
    pub cancelled_title: &'static str,
    pub cancelled_body: &'static str,
    pub dismiss: &'static str,
    pub field_missing: &'static str,
    pub field_invalid_email: &'static str,
    pub field_invalid_phone: &'static str,
    pub field_invalid: &'static str,
    pub field_too_long: &'static str,
    pub qty_min: &'static str,
    pub qty_max: &'static str,
    pub qty_available: &'static str,
    pub tier_sold_out: &'static str,
    pub tier_unknown: &'static str,
    pub promo_toggle: &'static str,
    pub promo_label: &'static str,
    pub promo_apply: &'static str,
    pub promo_applying: &'static str,
    pub promo_remove: &'static str,
    pub promo_applied: &'static str,
    pub promo_unknown: &'static str,
    pub promo_expired: &'static str,
    pub promo_used_up: &'static str,
    pub promo_inactive: &'static str,
    pub promo_too_short: &'static str,
    pub promo_invalid: &'static str,
    pub discount: &'static str,
}

pub const EN: Texts = Texts {
    loading: "Loading tickets…",
    events_heading: "Upcoming events",
    no_events: "There are no events on sale right now.",
    from_price: "From {price}",
    view_tickets: "Choose your tickets for {title}",
    back_to_events: "All events",
    choose_tickets: "Choose your tickets",
    sold_out: "Sold out",
    few_left: "Only {n} left",
    left: "{n} left",
    quantity: "Quantity",
    decrease: "Fewer tickets",
    increase: "More tickets",
    quantity_hint: "Up to {n} per order",
    your_details: "Your details",
    name: "Full name",
    email: "Email",
    phone: "Phone",
    optional: "optional",
    order_summary: "Order summary",
    total: "Total",
    checkout: "Continue to payment",
    checkout_pending: "Starting checkout…",
    pick_a_tier: "Choose a ticket type to continue.",
    not_on_sale: "Tickets for this event are not on sale.",
    all_sold_out: "This event is sold out.",
    fix_fields: "Please check the highlighted fields.",
    err_unreachable: "We can't reach the ticket service. Check your connection and try again.",
    err_not_found: "This event could not be found. It may have been removed.",
    err_sold_out:
        "Sorry, those tickets just sold out. Availability has been updated: choose fewer tickets or another type.",
    err_busy: "The ticket service is busy. Please try again in {n} seconds.",
    err_rate_limited: "Too many requests from this device. Please wait {n} seconds and try again.",
    err_unavailable: "The ticket service is not responding. Please try again in a moment.",
    err_generic: "Something went wrong. Please try again.",
    retry: "Try again",
    paid_title: "Payment complete: you're going!",
    paid_body: "{quantity} × {tier} for {event}. Your tickets are on their way to {email}.",
    paid_body_generic: "Your tickets are on their way to your email.",
    cancelled_title: "Payment cancelled",
    cancelled_body: "No money was taken. Your selection is still here if you'd like to try again.",
    dismiss: "Done",
    field_missing: "Please enter your {field}.",
    field_invalid_email: "Enter an email address like name@example.com.",
    field_invalid_phone: "Enter a phone number with 6 to 15 digits, or leave it empty.",
    field_invalid: "This doesn't look right.",
    field_too_long: "Use at most {n} characters.",
    qty_min: "Choose at least 1 ticket.",
    qty_max: "You can buy up to {n} tickets per order.",
    qty_available: "Only {n} left in this ticket type.",
    tier_sold_out: "This ticket type is sold out.",
    tier_unknown: "Choose a ticket type.",
    promo_toggle: "Have a promo code?",
    promo_label: "Promo code",
    promo_apply: "Apply",
    promo_applying: "Checking…",
    promo_remove: "Remove",
    promo_applied: "{code} applied: {off} off.",
    promo_unknown: "This code isn't valid for this event. Check it and try again.",
    promo_expired: "This code has expired.",
    promo_used_up: "This code has been used up.",
    promo_inactive: "This code is no longer active.",
    promo_too_short: "Promo codes have at least 3 characters.",
    promo_invalid: "Promo codes use only letters, digits, - and _.",
    discount: "Discount ({code})",
};

/// The language table for a BCP 47 tag. Only English exists so far.
pub fn texts(_locale: &str) -> &'static Texts {
    &EN
}

pub fn fill(template: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (key, value) in pairs {
        out = out.replace(&format!("{{{key}}}"), value);
    }
    out
}

/// A core validation problem as a sentence for the buyer.
pub fn problem(t: &Texts, field: Field, problem: Problem) -> String {
    let n = |n: u32| n.to_string();
    match (field, problem) {
        (Field::PromoCode, p) => match p {
            Problem::Expired => t.promo_expired,
            Problem::UsedUp => t.promo_used_up,
            Problem::Inactive => t.promo_inactive,
            Problem::BelowMinimum(_) => t.promo_too_short,
            Problem::Invalid | Problem::TooLong(_) => t.promo_invalid,
            _ => t.promo_unknown,
        }
        .into(),
        (Field::Quantity, Problem::BelowMinimum(_)) => t.qty_min.into(),
        (Field::Quantity, Problem::AboveMaximum(m)) => fill(t.qty_max, &[("n", &n(m))]),
        (Field::Quantity, Problem::AboveAvailability(a)) if a > 0 => fill(t.qty_available, &[("n", &n(a))]),
        (_, Problem::SoldOut) | (_, Problem::AboveAvailability(_)) => t.tier_sold_out.into(),
        (Field::TierId, _) => t.tier_unknown.into(),
        (_, Problem::NotOnSale) => t.not_on_sale.into(),
        (Field::Email, Problem::Invalid) => t.field_invalid_email.into(),
        (Field::Phone, Problem::Invalid) => t.field_invalid_phone.into(),
        (_, Problem::TooLong(m)) => fill(t.field_too_long, &[("n", &n(m))]),
        (f, Problem::Missing) => {
            let what = match f {
                Field::Name => t.name,
                Field::Email => t.email,
                Field::Phone => t.phone,
                _ => t.quantity,
            };
            fill(t.field_missing, &[("field", &what.to_lowercase())])
        }
        _ => t.field_invalid.into(),
    }
}
