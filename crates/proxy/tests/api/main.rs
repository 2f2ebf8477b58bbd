//! The proxy over real HTTP against a real sandbox platform (SQLite, signed webhooks).
mod checkout;
mod events;
mod faults;
mod first_view;
mod hardening;
mod helpers;
mod leaks;
mod live;
mod openapi;
mod ops;
mod platforms;
mod process;
mod promo;
mod restarts;
mod ticketwave;
mod ticketwave_client;
mod webhooks;
