use super::{focus_soon, Ctx};
use crate::dom::{el, el_class, El};
use crate::handoff::{Outcome, Return};
use crate::state::Handler;
use crate::text::fill;
use tessera_core::text::decimal;

/// Tells the buyer how the hosted checkout ended. Focus moves here so screen readers read it.
pub fn return_notice(ctx: &'static Ctx, returned: Return, on_dismiss: Handler<()>) -> El {
    let t = ctx.t;
    focus_soon(&ctx.host, "tessera-notice");
    let (class, title, body) = match &returned.outcome {
        Outcome::Paid => {
            let body = match &returned.pending {
                Some(p) => fill(
                    t.paid_body(),
                    &[
                        ("quantity", &decimal(p.quantity.into())),
                        ("tier", &p.tier_name),
                        ("event", &p.event_title),
                        ("email", &p.email),
                    ],
                ),
                None => t.paid_body_generic().to_owned(),
            };
            ("tessera-notice tessera-notice-success", t.paid_title(), body)
        }
        Outcome::Cancelled => {
            ("tessera-notice tessera-notice-cancelled", t.cancelled_title(), t.cancelled_body().to_owned())
        }
    };
    el_class("div", class)
        .attr("id", "tessera-notice")
        .attr("role", "status")
        .attr("tabindex", "-1")
        .attr("part", "notice")
        .child(el_class("h3", "tessera-notice-title").text(title))
        .child(el("p").text(&body))
        .child(
            el_class("button", "tessera-dismiss")
                .attr("type", "button")
                .on("click", move |_| on_dismiss.run(()))
                .text(t.dismiss()),
        )
}
