//! The hosted checkout page a buyer is sent to: plain HTML with two form buttons, no script,
//! so it works with JavaScript off and with a screen reader. Every value from a request is
//! escaped. Not under `/v1`: no API key and no rate limit, as on the real platform.

use crate::checkouts::{self, Session, SessionStatus};
use crate::clock::{now, rfc3339};
use crate::error::SandboxError;
use crate::price::money;
use crate::server::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};

const SANDBOX_NOTE: &str =
    "This is the tessera sandbox, a stand-in for HangHut's payment page: no money moves and no card is charged.";

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:0;background:#f6f6f4;color:#1d1d1b}\
main{max-width:32rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:.75rem;border:1px solid #ddd}\
h1{font-size:1.5rem;margin-top:0}dl{display:grid;grid-template-columns:auto 1fr;gap:.5rem 1rem}\
dt{font-weight:600}dd{margin:0}.total{font-size:1.25rem}form{display:inline-block;margin:1rem .5rem 0 0}\
button{font:inherit;padding:.75rem 1.25rem;border-radius:.5rem;border:1px solid #1d1d1b;cursor:pointer}\
button.pay{background:#1d4ed8;border-color:#1d4ed8;color:#fff}button.cancel{background:#fff}\
button:focus-visible,a:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}\
.note{margin-top:2rem;font-size:.875rem;color:#555}";

pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <link rel=\"icon\" href=\"data:,\">\n<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}\n\
         <p class=\"note\">{SANDBOX_NOTE}</p>\n</main>\n</body>\n</html>\n",
        title = escape(title),
    )
}

fn link(href: &str, text: &str) -> String {
    format!("<p><a href=\"{}\">{}</a></p>", escape(href), escape(text))
}

/// With a promo code: the subtotal and a line like "Promo EARLYBIRD (20%)  −₱400.00".
fn discount_lines(session: &Session) -> String {
    let Some(promo) = &session.promo else { return String::new() };
    format!(
        "<dt>Subtotal</dt><dd>{subtotal}</dd>\n<dt>Promo {code} ({what})</dt><dd>\u{2212}{off}</dd>\n",
        subtotal = money(session.subtotal_minor).display(),
        code = escape(&promo.code),
        what = escape(&promo.discount.describe()),
        off = money(session.discount_minor).display(),
    )
}

/// The checkout page for a session in any state.
pub(crate) fn render_session(session: &Session) -> String {
    let unit = money(session.unit_price_minor).display();
    let total = money(session.total_minor).display();
    let id = escape(&session.id);
    let mut body = format!(
        "<h1>{title}</h1>\n<dl>\n<dt>Ticket tier</dt><dd>{tier}</dd>\n<dt>Quantity</dt><dd>{qty}</dd>\n\
         <dt>Unit price</dt><dd>{unit}</dd>\n{discount}<dt>Total</dt><dd class=\"total\">{total}</dd>\n\
         <dt>Buyer</dt><dd>{name}<br>{email}</dd>\n</dl>\n",
        title = escape(&session.event_title),
        tier = escape(&session.tier_name),
        qty = session.quantity,
        discount = discount_lines(session),
        name = escape(&session.customer_name),
        email = escape(&session.customer_email),
    );
    match session.status {
        SessionStatus::Open => {
            body.push_str(&format!(
                "<p>Your seats are held until {expires}.</p>\n\
                 <form method=\"post\" action=\"/checkout/{id}/pay\"><button type=\"submit\" class=\"pay\">Pay {total}</button></form>\n\
                 <form method=\"post\" action=\"/checkout/{id}/cancel\"><button type=\"submit\" class=\"cancel\">Cancel</button></form>",
                expires = rfc3339(session.expires_at),
            ));
        }
        SessionStatus::Paid => {
            body.push_str(
                "<h2 role=\"status\">Payment received</h2>\n<p>This checkout is paid; the tickets were issued.</p>\n",
            );
            body.push_str(&link(&session.success_url, "Return to the shop"));
        }
        SessionStatus::Cancelled => {
            body.push_str("<h2 role=\"status\">Checkout cancelled</h2>\n<p>Nothing was charged and the seats were released.</p>\n");
            if let Some(url) = &session.cancel_url {
                body.push_str(&link(url, "Return to the shop"));
            }
        }
        SessionStatus::Expired => {
            body.push_str(
                "<h2 role=\"status\">This checkout session expired</h2>\n\
                 <p>Nothing was charged and the seats were released. Go back to the shop to start a new checkout.</p>\n",
            );
            if let Some(url) = &session.cancel_url {
                body.push_str(&link(url, "Return to the shop"));
            }
        }
    }
    page(&format!("Checkout: {}", session.event_title), &body)
}

pub(crate) fn render_message(heading: &str, message: &str) -> String {
    page(heading, &format!("<h1>{}</h1>\n<p>{}</p>", escape(heading), escape(message)))
}

fn html(status: StatusCode, body: String) -> Response {
    (status, [(header::CACHE_CONTROL, "no-store")], Html(body)).into_response()
}

fn error_page(err: SandboxError) -> Response {
    match err {
        SandboxError::NotFound(_) => html(
            StatusCode::NOT_FOUND,
            render_message(
                "Checkout not found",
                "This checkout link is not valid. Go back to the shop and start again.",
            ),
        ),
        other => {
            let status = other.status();
            html(status, render_message("Checkout unavailable", &other.public_message()))
        }
    }
}

pub(crate) async fn show(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let at = now();
    match state.db.call(move |c| checkouts::load(c, &id, at)).await {
        Ok(session) => html(StatusCode::OK, render_session(&session)),
        Err(e) => error_page(e),
    }
}

pub(crate) async fn pay(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let at = now();
    let paid = state.db.call(move |c| checkouts::pay(c, &id, at)).await;
    match paid {
        Ok(payment) => {
            if !payment.ticket_ids.is_empty() {
                state.wake_webhook_sender();
            }
            Redirect::to(&payment.session.success_url).into_response()
        }
        Err(e) => error_page(e),
    }
}

pub(crate) async fn cancel(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let at = now();
    match state.db.call(move |c| checkouts::cancel(c, &id, at)).await {
        Ok(session) => match &session.cancel_url {
            Some(url) => Redirect::to(url).into_response(),
            None => html(
                StatusCode::OK,
                render_message("Payment cancelled", "Nothing was charged and the seats were released."),
            ),
        },
        Err(e) => error_page(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn session(status: SessionStatus) -> Session {
        Session {
            id: "pi_1".into(),
            event_id: "e".into(),
            event_title: "Jazz <Night>".into(),
            tier_id: "t".into(),
            tier_name: "VIP".into(),
            quantity: 2,
            unit_price_minor: 100_000,
            subtotal_minor: 200_000,
            discount_minor: 0,
            total_minor: 200_000,
            promo: None,
            customer_name: "<script>alert(1)</script>".into(),
            customer_email: "juan@example.com".into(),
            success_url: "https://shop.example/ok?a=1&b=2".into(),
            cancel_url: None,
            status,
            expires_at: Utc::now(),
        }
    }

    #[test]
    fn open_sessions_show_peso_totals_and_both_buttons() {
        let html = render_session(&session(SessionStatus::Open));
        assert!(html.contains("<dd>₱1,000.00</dd>"));
        assert!(html.contains("Pay ₱2,000.00</button>"));
        assert!(html.contains("action=\"/checkout/pi_1/pay\""));
        assert!(html.contains(">Cancel</button>"));
        assert!(html.contains("<main>") && html.contains("<h1>"));
        assert!(html.contains("no money moves"));
    }

    #[test]
    fn a_promo_code_shows_subtotal_discount_and_the_discounted_total() {
        let html = render_session(&Session {
            discount_minor: 40_000,
            total_minor: 160_000,
            promo: Some(crate::checkouts::SessionPromo {
                id: "pc_1".into(),
                code: "EARLYBIRD".into(),
                discount: tessera_core::Discount::percentage("20").unwrap(),
            }),
            ..session(SessionStatus::Open)
        });
        assert!(html.contains("<dt>Subtotal</dt><dd>₱2,000.00</dd>"), "{html}");
        assert!(html.contains("<dt>Promo EARLYBIRD (20%)</dt><dd>−₱400.00</dd>"), "{html}");
        assert!(html.contains("<dd class=\"total\">₱1,600.00</dd>"), "{html}");
        assert!(html.contains("Pay ₱1,600.00</button>"), "{html}");
        let plain = render_session(&session(SessionStatus::Open));
        assert!(!plain.contains("Subtotal") && !plain.contains("Promo"));
    }

    #[test]
    fn buyer_data_is_escaped() {
        let html = render_session(&session(SessionStatus::Open));
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("Jazz &lt;Night&gt;"));
    }

    #[test]
    fn closed_sessions_show_their_state_instead_of_buttons() {
        for (status, words) in [
            (SessionStatus::Paid, "Payment received"),
            (SessionStatus::Cancelled, "Checkout cancelled"),
            (SessionStatus::Expired, "expired"),
        ] {
            let html = render_session(&session(status));
            assert!(html.contains(words), "{status:?}");
            assert!(!html.contains("<button"), "{status:?}");
        }
        assert!(render_session(&session(SessionStatus::Paid)).contains("href=\"https://shop.example/ok?a=1&amp;b=2\""));
    }
}
