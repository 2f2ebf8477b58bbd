//! The widget's component tree, one concept a file:
//!
//! Widget                      (provides the Shop context; one event, or the list)
//! ├── EventList               (list mode: a card per event, opening one in place)
//! │   └── EventCalendar       (view="calendar": a month grid; a day opens its events' cards)
//! └── EventView               (one event: its read, live updates, the order)
//!     ├── ReturnNotice        (payment complete / cancelled, after the hosted checkout)
//!     ├── HeldOrder           (seats a checkout still holds: until when, and back to paying)
//!     ├── HoldReleased        (the hold ended unpaid: the seats were released)
//!     ├── EventHeader         (title, date, venue)
//!     └── OrderForm
//!         ├── TierPicker      (radio group; price, availability or sale period per tier)
//!         ├── LiveNote        (what a live update changed about the buyer's choice; stale data)
//!         ├── QuantityPicker  (bounded by availability and the tier's per-order limits)
//!         ├── BuyerForm       (name, email, optional phone, inline errors)
//!         ├── PromoField      (one preview request, then priced locally)
//!         ├── OrderSummary    (priced by tessera-core; the total is announced politely)
//!         ├── CheckoutButton  (its label follows the checkout action)
//!         ├── SoldElsewhere   (bought on another platform's page: where, and a link there)
//!         └── WaitlistForm    (a sold-out tier: an email when tickets come back)
//! ProblemView and Loading are the error and loading states every read shares.
//!
//! Every `view!` starts with `class = "tessera-el",` (a class on each element it writes). Without
//! one, Leptos 0.8's `view!` builds each fully static subtree from a string through
//! `<template>.innerHTML`, which a host page that enforces Trusted Types refuses: a view drawn
//! afresh there (the return from the checkout, a held order, the calendar, a list opening an
//! event) stopped at "Loading tickets…". A scope class is the macro's own switch for building
//! those nodes one by one instead (leptos_macro's `disable_inert_html`); the wasm came out
//! 723 B of brotli smaller. tests/e2e/isolation.test.mjs buys and returns on such a page.

mod buyer_form;
mod checkout_button;
mod event_calendar;
mod event_header;
mod event_list;
mod event_view;
mod held_order;
mod live_note;
mod notices;
mod order_form;
mod order_summary;
mod promo_field;
mod quantity_picker;
mod return_notice;
mod sold_elsewhere;
mod tier_picker;
mod waitlist_form;
mod widget;

pub use buyer_form::BuyerForm;
pub use checkout_button::CheckoutButton;
pub use event_calendar::EventCalendar;
pub use event_header::EventHeader;
pub(crate) use event_list::EventCard;
pub use event_list::{EventList, ListView};
pub use event_view::EventView;
pub use held_order::{HeldOrder, HoldReleased};
pub use live_note::{Announcer, LiveNote};
pub use notices::{problem_from_errors, problem_message, Loading, ProblemView};
pub use order_form::OrderForm;
pub use order_summary::OrderSummary;
pub use promo_field::PromoField;
pub use quantity_picker::QuantityPicker;
pub use return_notice::ReturnNotice;
pub use sold_elsewhere::SoldElsewhere;
pub use tier_picker::TierPicker;
pub use waitlist_form::WaitlistForm;
pub use widget::Widget;
