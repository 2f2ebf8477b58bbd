//! tessera's shared rules: the same code prices and validates an order in the browser
//! (preview, inline errors) and in the proxy (the authoritative check), so the two can
//! never disagree.
//!
//! Pure Rust, no I/O, no platform-specific types: every upstream's data is converted into
//! these types at the proxy's edge. Kept small because every byte ships to every buyer.

pub mod api;
pub mod availability;
pub mod buyer;
pub mod event;
pub mod live;
pub mod locale;
pub mod money;
#[cfg(feature = "openapi")]
mod openapi;
pub mod order;
pub mod promo;
pub mod text;

pub use api::{
    CheckoutStarted, ErrorBody, ErrorCode, ErrorDetail, EventPageRead, EventRead, FirstView, ListFirstView, PageMeta,
    PromoPreviewRequest, WaitlistJoined, WaitlistOffer, WaitlistRequest,
};
pub use availability::Availability;
pub use buyer::{BuyerName, Email, Phone};
pub use event::{Event, EventId, EventStatus, EventSummary, Resale, SoldElsewhere, Tier, TierId};
pub use live::{Snapshot, TierChange, TierCount};
pub use locale::{Locale, Plural};
pub use money::{Currency, Money, MoneyError};
pub use order::{CheckoutRequest, Customer, Field, FieldError, OrderPrice, Problem, Quantity, ValidOrder};
pub use promo::{AppliedPromo, Discount, DiscountError, PromoCode, PromoProblem, PromoRule};
