use leptos::prelude::*;
use tessera_core::SoldElsewhere;

use super::use_ctx;
use crate::host_events::emit;
use crate::text::fill;

/// For an event whose tickets are bought on the platform's own page: says so before the
/// buyer leaves, and links there (the whole page goes, as with a hosted checkout). Without
/// a link from the platform, the sentence alone.
#[component]
pub fn SoldElsewhereNote(event_id: String, place: SoldElsewhere) -> impl IntoView {
    let ctx = use_ctx();
    let t = ctx.t;
    let platform = [("platform", place.platform.as_str())];
    let said = fill(t.sold_on, &platform);
    let link = place.link().map(|url| {
        let host = StoredValue::new_local(ctx.host.clone());
        let detail = StoredValue::new((event_id, place.platform.clone(), url.to_owned()));
        // `tessera:handoff` for the host page's analytics; the link then navigates as usual.
        let left = move |_| {
            detail.with_value(|(event, platform, url)| {
                let pairs = [("event_id", event.into()), ("platform", platform.into()), ("url", url.into())];
                emit(&host.get_value(), "handoff", &pairs)
            })
        };
        view! {
            <a class="tessera-checkout" part="checkout-button" href=url.to_owned() target="_top" on:click=left>
                {fill(t.continue_on, &platform)}
            </a>
        }
    });
    let said = if link.is_some() { format!("{said} {}", t.finish_there) } else { said };
    view! {
        <div class="tessera-elsewhere">
            <p>{said}</p>
            {link}
        </div>
    }
}
