use std::time::Duration;

use leptos::prelude::*;

use crate::context::shop;
use crate::format;
use crate::handoff::{self, Hold};
use crate::text::fill;

/// Seconds left at which a screen reader is told how long remains; the ticking clock itself is
/// a `timer`, which assistive technology does not read out every second.
const MARKS: [u32; 5] = [600, 300, 120, 60, 30];

/// The mark crossed when `before` seconds left became `now`, if one was (the nearest, when a
/// sleeping tab wakes past several).
pub fn mark_crossed(before: u32, now: u32) -> Option<u32> {
    MARKS.iter().rev().copied().find(|&mark| before > mark && now <= mark)
}

/// "14:05": minutes and seconds left.
pub fn minutes_seconds(left: u32) -> String {
    format!("{}:{:02}", left / 60, left % 60)
}

/// Seats a checkout still holds for a buyer who left its page without paying: until when, a
/// countdown, and the same checkout to go on with. At expiry `on_released` gets the hold (the
/// platform has let the seats go); `on_dropped` is the buyer choosing other tickets instead.
#[component]
pub fn HeldOrder(hold: Hold, on_released: Callback<Hold>, on_dropped: Callback<()>) -> impl IntoView {
    let shop = shop();
    let t = shop.t;
    shop.focus_soon("tessera-held");
    let expires = hold.expires_ms();
    let now = RwSignal::new(js_sys::Date::now());
    let stored = StoredValue::new(hold.clone());
    let left = Memo::new(move |_| stored.with_value(|h| h.seconds_left(now.get())));
    if let Ok(tick) = set_interval_with_handle(move || now.set(js_sys::Date::now()), Duration::from_secs(1)) {
        on_cleanup(move || tick.clear());
    }
    let said = RwSignal::new(String::new());
    Effect::new(move |before: Option<u32>| {
        let now = left.get();
        if let Some(mark) = before.and_then(|before| mark_crossed(before, now)) {
            said.set(if mark >= 60 { t.held_minutes_left(mark / 60) } else { t.held_seconds_left(mark) });
        }
        if now == 0 && before.is_none_or(|b| b > 0) {
            on_released.run(stored.get_value());
        }
        now
    });
    let until = format::clock(expires, &shop.locale);
    let title =
        fill(t.held_title(), &[("quantity", &hold.quantity.to_string()), ("tier", &hold.tier_name), ("time", &until)]);
    let url = hold.checkout_url.clone();
    view! { class = "tessera-el",
        <div class="tessera-notice tessera-held" id="tessera-held" role="region" aria-labelledby="tessera-held-title"
            tabindex="-1" part="held">
            <h3 class="tessera-notice-title" id="tessera-held-title">{title}</h3>
            <p class="tessera-countdown" role="timer">
                {move || fill(t.held_left(), &[("time", &minutes_seconds(left.get()))])}
            </p>
            <p class="tessera-visually-hidden" role="status">{move || said.get()}</p>
            <button type="button" class="tessera-checkout" part="checkout-button" on:click=move |_| handoff::go_to(&url)>
                {t.checkout()}
            </button>
            <button type="button" class="tessera-link" on:click=move |_| on_dropped.run(())>{t.held_other()}</button>
        </div>
    }
}

/// The hold ended before the buyer paid: the seats went back on sale, and the form is back.
#[component]
pub fn HoldReleased(hold: Hold, on_dismiss: Callback<()>) -> impl IntoView {
    let shop = shop();
    let t = shop.t;
    shop.focus_soon("tessera-released");
    let body = fill(t.held_released(), &[("quantity", &hold.quantity.to_string()), ("tier", &hold.tier_name)]);
    view! { class = "tessera-el",
        <div class="tessera-notice tessera-notice-cancelled" id="tessera-released" role="status" tabindex="-1"
            part="notice">
            <h3 class="tessera-notice-title">{t.held_ended_title()}</h3>
            <p>{body}</p>
            <button type="button" class="tessera-dismiss" on:click=move |_| on_dismiss.run(())>{t.dismiss()}</button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_screen_reader_hears_the_marks_only() {
        let heard: Vec<u32> = (1..=900).rev().filter_map(|now| mark_crossed(now + 1, now)).collect();
        assert_eq!(heard, MARKS);
        // A tab asleep for a while wakes past several marks: the nearest is said, once.
        assert_eq!(mark_crossed(700, 100), Some(120));
        assert_eq!(mark_crossed(100, 100), None);
    }

    #[test]
    fn the_countdown_reads_minutes_and_seconds() {
        assert_eq!(minutes_seconds(0), "0:00");
        assert_eq!(minutes_seconds(65), "1:05");
        assert_eq!(minutes_seconds(1800), "30:00");
    }
}
