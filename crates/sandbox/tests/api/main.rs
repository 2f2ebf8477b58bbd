//! The sandbox over real HTTP: each test starts its own sandbox on 127.0.0.1:0 with a
//! temporary SQLite file and talks to it with reqwest.

mod helpers;

mod attendees;
mod auth;
mod checkouts;
mod events;
mod hosted_page;
mod promo_codes;
mod rate_limit;
mod tickets;
mod webhooks;
