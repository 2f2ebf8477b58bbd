use super::Ctx;
use crate::api::ApiProblem;
use crate::dom::{el, el_class, El};
use crate::state::Handler;
use crate::text::{fill, Texts};
use tessera_core::text::decimal;

pub fn problem_message(t: &Texts, problem: &ApiProblem) -> String {
    match problem {
        ApiProblem::Unreachable => t.err_unreachable().into(),
        ApiProblem::NotFound => t.err_not_found().into(),
        ApiProblem::SoldOut => t.err_sold_out().into(),
        ApiProblem::Invalid(_) => t.fix_fields().into(),
        ApiProblem::RateLimited(s) => fill(t.err_rate_limited(), &[("n", &decimal((*s).into()))]),
        ApiProblem::Busy(s) => fill(t.err_busy(), &[("n", &decimal((*s).into()))]),
        ApiProblem::Unavailable => t.err_unavailable().into(),
        ApiProblem::Other(m) if !m.is_empty() => m.clone(),
        ApiProblem::Other(_) => t.err_generic().into(),
    }
}

/// What went wrong, said so a buyer knows what to do; with a retry button where retrying helps.
pub fn problem_view(ctx: &'static Ctx, problem: ApiProblem, retry: Option<Handler<()>>) -> El {
    let t = ctx.t;
    let message = problem_message(t, &problem);
    el_class("div", "tessera-problem")
        .attr("role", "alert")
        .attr("part", "problem")
        .child(el("p").text(&message))
        .child_opt(retry.map(|r| {
            el_class("button", "tessera-retry").attr("type", "button").on("click", move |_| r.run(())).text(t.retry())
        }))
}
