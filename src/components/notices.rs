use leptos::prelude::*;

use crate::api::ApiProblem;
use crate::context::shop;
use crate::text::Texts;

/// What a buyer is told about a problem, in their language.
pub fn problem_message(t: &Texts, problem: &ApiProblem) -> String {
    match problem {
        ApiProblem::Unreachable => t.err_unreachable().to_owned(),
        ApiProblem::NotFound => t.err_not_found().to_owned(),
        ApiProblem::SoldOut => t.err_sold_out().to_owned(),
        ApiProblem::Invalid(_) => t.fix_fields().to_owned(),
        ApiProblem::RateLimited(s) => t.err_rate_limited(*s),
        ApiProblem::Busy(s) => t.err_busy(*s),
        ApiProblem::Unavailable => t.err_unavailable().to_owned(),
        ApiProblem::Other(m) if !m.is_empty() => m.clone(),
        ApiProblem::Other(_) => t.err_generic().to_owned(),
    }
}

/// The problem an `ErrorBoundary` caught: the first of its errors that is one of ours.
pub fn problem_from_errors(errors: &ArcRwSignal<Errors>) -> ApiProblem {
    errors
        .with(|errors| errors.iter().find_map(|(_, e)| e.downcast_ref::<ApiProblem>().cloned()))
        .unwrap_or_else(|| ApiProblem::Other(String::new()))
}

/// What went wrong, said so a buyer knows what to do; with a retry button where retrying helps.
#[component]
pub fn ProblemView(problem: ApiProblem, #[prop(optional)] retry: Option<Callback<()>>) -> impl IntoView {
    let t = shop().t;
    view! { class = "tessera-el",
        <div class="tessera-problem" role="alert" part="problem">
            <p>{problem_message(t, &problem)}</p>
            {retry.map(|retry| view! { class = "tessera-el",
                <button type="button" class="tessera-retry" on:click=move |_| retry.run(())>{t.retry()}</button>
            })}
        </div>
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    view! { class = "tessera-el", <p class="tessera-loading" role="status">{shop().t.loading()}</p> }
}
