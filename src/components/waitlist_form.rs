use leptos::prelude::*;
use tessera_core::{Email, Field, TierId, WaitlistRequest};

use super::problem_message;
use crate::api::{self, ApiProblem};
use crate::context::shop;
use crate::order::Order;
use crate::text::{fill, problem};

/// "Get an email when tickets are back", beside the order when a tier is sold out: an email,
/// a consent box and one request (an `Action`). Shown only where the proxy keeps waiting lists
/// (`GET /api/v1/waitlist`, asked once a tier is sold out), and gone again when seats are back.
#[component]
pub fn WaitlistForm(order: Order) -> impl IntoView {
    let shop = shop();
    // Tiers on sale but with nothing left: not those whose sale is over or not open yet.
    let sold_out = Memo::new(move |_| {
        order.event.with(|e| {
            e.as_ref()
                .map(|e| {
                    e.tiers
                        .iter()
                        .filter(|t| t.available == 0 && !t.sale_closed && t.sale_opens_at.is_none())
                        .map(|t| (t.id.clone(), t.name.clone()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let any_sold_out = Memo::new(move |_| sold_out.with(|s| !s.is_empty()));
    // Asked for once a tier is sold out, not for every event shown.
    let offered = LocalResource::new(move || {
        let (proxy, ask) = (shop.proxy.clone(), any_sold_out.get());
        async move { ask && api::waitlist_offer(&proxy).await.is_ok_and(|o| o.offered) }
    });
    move || {
        (offered.get().unwrap_or(false) && any_sold_out.get())
            .then(|| view! { class = "tessera-el", <WaitlistFields order sold_out /> })
    }
}

#[component]
fn WaitlistFields(order: Order, sold_out: Memo<Vec<(TierId, String)>>) -> impl IntoView {
    let shop = shop();
    let t = shop.t;
    let chosen = RwSignal::new(sold_out.with_untracked(|s| s.first().map(|(id, _)| id.clone())));
    // The tier asked about stays one that is sold out as counts change.
    Effect::new(move |_| {
        let tiers = sold_out.get();
        if !chosen.with_untracked(|c| tiers.iter().any(|(id, _)| Some(id) == c.as_ref())) {
            chosen.set(tiers.first().map(|(id, _)| id.clone()));
        }
    });
    let name_of = move |id: &Option<TierId>| {
        sold_out.with(|s| s.iter().find(|(tier, _)| Some(tier) == id.as_ref()).map(|(_, name)| name.clone()))
    };
    let email = RwSignal::new(String::new());
    let consent = RwSignal::new(false);
    let email_error = RwSignal::new(None::<String>);
    let consent_error = RwSignal::new(None::<String>);
    let status = RwSignal::new(String::new());
    let trouble = RwSignal::new(None::<String>);
    let join = Action::new_local({
        let proxy = shop.proxy.clone();
        move |request: &WaitlistRequest| {
            let (proxy, request) = (proxy.clone(), request.clone());
            async move { api::join_waitlist(&proxy, &request).await }
        }
    });
    let focus = shop.clone();
    Effect::new(move |_| match join.value().get() {
        None => {}
        Some(Ok(joined)) => {
            let tier = name_of(&TierId::parse(&joined.tier_id).ok()).unwrap_or_default();
            status.set(fill(t.waitlist_joined(), &[("tier", &tier), ("email", email.get_untracked().trim())]));
        }
        Some(Err(ApiProblem::Invalid(fields))) => {
            match fields.iter().find(|f| f.field == Field::Email) {
                Some(f) => email_error.set(Some(problem(t, Field::Email, f.problem))),
                None => trouble.set(Some(t.err_generic().to_owned())),
            }
            focus.focus_soon("tessera-waitlist-email");
        }
        Some(Err(other)) => trouble.set(Some(problem_message(t, &other))),
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if join.pending().get_untracked() {
            return;
        }
        status.set(String::new());
        trouble.set(None);
        let parsed = Email::parse(&email.get_untracked());
        email_error.set(parsed.as_ref().err().map(|p| problem(t, Field::Email, *p)));
        consent_error.set((!consent.get_untracked()).then(|| t.waitlist_consent_missing().to_owned()));
        let (Ok(address), true, Some(event_id), Some(tier)) =
            (parsed, consent.get_untracked(), order.event_id(), chosen.get_untracked())
        else {
            let first = if email_error.with_untracked(Option::is_some) {
                "tessera-waitlist-email"
            } else {
                "tessera-waitlist-consent"
            };
            return shop.focus_soon(first);
        };
        join.dispatch(WaitlistRequest {
            event_id,
            tier_id: tier.to_string(),
            email: address.as_str().to_owned(),
            consent: true,
            page_url: web_sys::window().and_then(|w| w.location().href().ok()),
        });
    };
    let heading = move || fill(t.waitlist_heading(), &[("tier", &name_of(&chosen.get()).unwrap_or_default())]);
    let several = move || sold_out.with(|s| s.len() > 1);
    let pending = join.pending();
    view! { class = "tessera-el",
        <section class="tessera-waitlist" part="waitlist" aria-labelledby="tessera-waitlist-heading">
            <h3 id="tessera-waitlist-heading">{heading}</h3>
            <p class="tessera-hint">{t.waitlist_intro()}</p>
            <form novalidate on:submit=submit>
                {move || several().then(|| view! { class = "tessera-el",
                    <div class="tessera-field">
                        <label for="tessera-waitlist-tier">{t.waitlist_tier()}</label>
                        <select
                            id="tessera-waitlist-tier"
                            on:change=move |ev| chosen.set(TierId::parse(&event_target_value(&ev)).ok())
                        >
                            {move || sold_out.get().into_iter().map(|(id, name)| {
                                let selected = chosen.with(|c| c.as_ref() == Some(&id));
                                view! { class = "tessera-el", <option value=id.to_string() selected=selected>{name}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                })}
                <div class="tessera-field">
                    <label for="tessera-waitlist-email">{t.waitlist_email()}</label>
                    <input
                        id="tessera-waitlist-email"
                        type="email"
                        autocomplete="email"
                        required
                        aria-invalid=move || email_error.with(Option::is_some).to_string()
                        aria-describedby=move || email_error.with(Option::is_some).then_some("tessera-waitlist-email-error")
                        prop:value=move || email.get()
                        on:input=move |ev| {
                            email.set(event_target_value(&ev));
                            email_error.set(None);
                        }
                    />
                    {move || email_error.get().map(|e| view! { class = "tessera-el",
                        <p class="tessera-field-error" id="tessera-waitlist-email-error">{e}</p>
                    })}
                </div>
                <div class="tessera-field tessera-consent">
                    <input
                        id="tessera-waitlist-consent"
                        type="checkbox"
                        required
                        aria-invalid=move || consent_error.with(Option::is_some).to_string()
                        aria-describedby=move || consent_error.with(Option::is_some).then_some("tessera-waitlist-consent-error")
                        prop:checked=move || consent.get()
                        on:change=move |ev| {
                            consent.set(event_target_checked(&ev));
                            consent_error.set(None);
                        }
                    />
                    <label for="tessera-waitlist-consent">{t.waitlist_consent()}</label>
                    {move || consent_error.get().map(|e| view! { class = "tessera-el",
                        <p class="tessera-field-error" id="tessera-waitlist-consent-error">{e}</p>
                    })}
                </div>
                <button type="submit" class="tessera-waitlist-join" aria-disabled=move || pending.get().to_string()>
                    {move || if pending.get() { t.waitlist_joining() } else { t.waitlist_join() }}
                </button>
                // Always in the page, so the result is announced politely when it comes.
                <p
                    class=move || if trouble.with(Option::is_some) { "tessera-waitlist-status tessera-waitlist-trouble" } else { "tessera-waitlist-status" }
                    role="status"
                >
                    {move || trouble.get().unwrap_or_else(|| status.get())}
                </p>
            </form>
        </section>
    }
}
