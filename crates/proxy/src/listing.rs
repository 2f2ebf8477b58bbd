//! One list of events for every platform: the events each source gives, merged into one order
//! by start time and cut into pages. Plain functions; the catalogue (`Catalogue::list`) reads
//! the sources and keeps the merged list.
//!
//! What is listed: events on sale (`active`). HangHut's list is HangHut's word: it lists what it
//! sells and marks an event that is over with another status, so its events are listed as it
//! gives them (and the sandbox's fixed demo dates do not fall out of the list as the calendar
//! passes them). The other sources have no such word (TicketWave's admin list holds past events;
//! a feed only knows what webhooks said), and none tells when an event ends, so their events
//! that have started are left out: a buyer browsing a list wants what is still to come, and an
//! event already running is still sold by its own widget (`event=`). An event whose start cannot
//! be read is kept, after the others, rather than hidden.

use chrono::{DateTime, Utc};
use tessera_core::{EventStatus, EventSummary, PageMeta};

/// The events of every source worth listing at `now`, soonest first; ties (and events at the
/// same instant) by id, so the order, and with it every page, is the same at every read.
/// An id listed by two sources is kept once.
pub fn upcoming(events: impl IntoIterator<Item = EventSummary>, now: DateTime<Utc>) -> Vec<EventSummary> {
    let mut listed: Vec<(i64, EventSummary)> = events
        .into_iter()
        .filter(|e| e.status == EventStatus::Active)
        .filter_map(|e| match starts(&e) {
            Some(at) if at < now && crate::catalogue::platform_of(&e.id) != crate::providers::Platform::HangHut => None,
            at => Some((at.map_or(i64::MAX, |t| t.timestamp_millis()), e)),
        })
        .collect();
    listed.sort_by(|(a, x), (b, y)| a.cmp(b).then_with(|| x.id.cmp(&y.id)));
    listed.dedup_by(|(_, x), (_, y)| x.id == y.id);
    listed.into_iter().map(|(_, e)| e).collect()
}

fn starts(event: &EventSummary) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(event.start_datetime.trim()).ok().map(|t| t.with_timezone(&Utc))
}

/// Page `page` (from 1) of `events`, `per_page` a page. A page past the end is empty, with
/// the meta saying where the list ends.
pub fn page(events: &[EventSummary], page: u32, per_page: u32) -> (Vec<EventSummary>, PageMeta) {
    let per_page = per_page.max(1);
    let total = u32::try_from(events.len()).unwrap_or(u32::MAX);
    let total_pages = total.div_ceil(per_page);
    let from = (page.max(1) as usize - 1).saturating_mul(per_page as usize);
    let shown = events.iter().skip(from).take(per_page as usize).cloned().collect();
    (shown, PageMeta { page, per_page, total, total_pages, has_more: page < total_pages })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tessera_core::EventId;

    fn event(id: &str, start: &str) -> EventSummary {
        EventSummary {
            id: EventId::parse(id).unwrap(),
            title: id.into(),
            status: EventStatus::Active,
            start_datetime: start.into(),
            venue_name: None,
            lowest_price: None,
            available: 1,
            sold_elsewhere: None,
        }
    }

    fn ids(events: &[EventSummary]) -> Vec<&str> {
        events.iter().map(|e| e.id.as_str()).collect()
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-03T12:00:00Z").unwrap().with_timezone(&Utc)
    }

    #[test]
    fn events_of_every_source_are_ordered_by_the_instant_they_start_whatever_their_offset() {
        let merged = upcoming(
            [
                event("hh-late", "2027-01-16T19:30:00+08:00"),
                // 20:00 in Madrid is 03:00 the next day in Manila: after the 02:00+08:00 one.
                event("vivenu:a", "2026-12-31T20:00:00+01:00"),
                event("hh-early", "2027-01-01T02:00:00+08:00"),
                event("ticketwave:b", "2026-12-12T20:00:00+08:00"),
                event("ticketwave:a", "2026-12-12T13:00:00+01:00"),
            ],
            now(),
        );
        assert_eq!(ids(&merged), ["ticketwave:a", "ticketwave:b", "hh-early", "vivenu:a", "hh-late"]);
    }

    #[test]
    fn started_events_of_feeds_drafts_and_cancellations_are_left_out_and_unreadable_starts_go_last() {
        let mut cancelled = event("cancelled", "2027-01-01T00:00:00Z");
        cancelled.status = EventStatus::Cancelled;
        let mut draft = event("draft", "2027-01-01T00:00:00Z");
        draft.status = EventStatus::Draft;
        let merged = upcoming(
            [
                event("ingresse:9", ""),
                event("ticketwave:past", "2026-07-15T14:00:00+02:00"),
                event("vivenu:just-started", "2026-12-03T11:59:59Z"),
                event("hanghut-listed", "2026-12-02T20:00:00+08:00"),
                event("now", "2026-12-03T12:00:00Z"),
                cancelled,
                draft,
                event("soon", "2026-12-04T00:00:00Z"),
            ],
            now(),
        );
        assert_eq!(ids(&merged), ["hanghut-listed", "now", "soon", "ingresse:9"]);
    }

    #[test]
    fn an_id_two_sources_list_is_listed_once() {
        let merged = upcoming([event("x", "2027-01-01T00:00:00Z"), event("x", "2027-01-01T00:00:00Z")], now());
        assert_eq!(ids(&merged), ["x"]);
    }

    #[test]
    fn pages_split_the_list_and_say_where_it_ends() {
        let all: Vec<EventSummary> = (0..45).map(|n| event(&format!("e{n:02}"), "2027-01-01T00:00:00Z")).collect();
        let (first, meta) = page(&all, 1, 20);
        assert_eq!((first.len(), ids(&first)[0]), (20, "e00"));
        assert_eq!(meta, PageMeta { page: 1, per_page: 20, total: 45, total_pages: 3, has_more: true });
        let (second, meta) = page(&all, 2, 20);
        assert_eq!((ids(&second)[0], ids(&second)[19], meta.has_more), ("e20", "e39", true));
        let (last, meta) = page(&all, 3, 20);
        assert_eq!((ids(&last), meta.has_more), (vec!["e40", "e41", "e42", "e43", "e44"], false));
        let (beyond, meta) = page(&all, 4, 20);
        assert!(beyond.is_empty());
        assert_eq!(meta, PageMeta { page: 4, per_page: 20, total: 45, total_pages: 3, has_more: false });
        let (exact, meta) = page(&all[..40], 2, 20);
        assert_eq!((exact.len(), meta.total_pages, meta.has_more), (20, 2, false));
        let (none, meta) = page(&[], 1, 20);
        assert!(none.is_empty());
        assert_eq!(meta, PageMeta { page: 1, per_page: 20, total: 0, total_pages: 0, has_more: false });
    }
}
