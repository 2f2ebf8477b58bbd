use leptos::prelude::*;

use super::use_ctx;
use crate::api::ApiProblem;
use crate::text::{fill, Texts};

pub fn problem_message(t: &Texts, problem: &ApiProblem) -> String {
    match problem {
        ApiProblem::Unreachable => t.err_unreachable.into(),
        ApiProblem::NotFound => t.err_not_found.into(),
        ApiProblem::SoldOut => t.err_sold_out.into(),
        ApiProblem::Invalid(_) => t.fix_fields.into(),
        ApiProblem::RateLimited(s) => fill(t.err_rate_limited, &[("n", &s.to_string())]),
        ApiProblem::Busy(s) => fill(t.err_busy, &[("n", &s.to_string())]),
        ApiProblem::Unavailable => t.err_unavailable.into(),
        ApiProblem::Other(m) if !m.is_empty() => m.clone(),
        ApiProblem::Other(_) => t.err_generic.into(),
    }
}

/// What went wrong, said so a buyer knows what to do; with a retry button where retrying helps.
#[component]
pub fn ProblemView(problem: ApiProblem, #[prop(optional)] retry: Option<Callback<()>>) -> impl IntoView {
    let t = use_ctx().t;
    let message = problem_message(t, &problem);
    view! {
        <div class="tessera-problem" role="alert" part="problem">
            <p>{message}</p>
            {retry.map(|r| view! {
                <button type="button" class="tessera-retry" on:click=move |_| r.run(())>{t.retry}</button>
            })}
        </div>
    }
}
