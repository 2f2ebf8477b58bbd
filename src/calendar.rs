//! The arithmetic of the calendar view (`view="calendar"`), kept apart from the DOM so it is
//! tested natively: which month a day is in, the weeks of a month as the buyer's locale lays
//! them out, where a key moves the focused day (the WAI-ARIA APG date-picker grid's keys),
//! the day an event is on, and whether the pages read so far cover a month.
//!
//! An event's day is the date in its own offset (its `start_datetime` carries the venue's), so
//! a buyer abroad sees it on the day printed on the ticket, as the list's dates are.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Days, FixedOffset, Months, NaiveDate, Weekday};
use tessera_core::EventSummary;

/// One month of one year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

impl Month {
    pub fn of(day: NaiveDate) -> Month {
        Month { year: day.year(), month: day.month() }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or_default()
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or_default()
    }

    pub fn next(self) -> Month {
        Month::of(self.first_day() + Months::new(1))
    }

    pub fn previous(self) -> Month {
        Month::of(self.first_day() - Months::new(1))
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        Month::of(day) == self
    }
}

/// The weeks of `month`, each seven cells from `week_start`; a cell is a day of the month, or
/// `None` for a day of the month before or after (drawn blank, as the APG example does).
pub fn weeks(month: Month, week_start: Weekday) -> Vec<[Option<NaiveDate>; 7]> {
    let mut day = start_of_week(month.first_day(), week_start);
    let mut weeks = Vec::new();
    while day <= month.last_day() {
        let mut week = [None; 7];
        for cell in &mut week {
            *cell = month.contains(day).then_some(day);
            day = day + Days::new(1);
        }
        weeks.push(week);
    }
    weeks
}

/// The seven weekdays in the order the locale's week runs, for the column headers.
pub fn weekdays(week_start: Weekday) -> [Weekday; 7] {
    let mut days = [week_start; 7];
    for i in 1..7 {
        days[i] = days[i - 1].succ();
    }
    days
}

/// The first day of the week `day` is in.
pub fn start_of_week(day: NaiveDate, week_start: Weekday) -> NaiveDate {
    day - Days::new(u64::from(day.weekday().days_since(week_start)))
}

/// The keys of the grid (the APG date picker's), as `KeyboardEvent.key` names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    PreviousDay,
    NextDay,
    PreviousWeek,
    NextWeek,
    WeekStart,
    WeekEnd,
    PreviousMonth,
    NextMonth,
    PreviousYear,
    NextYear,
}

impl Move {
    /// The move a key makes (PageUp/PageDown with Shift move by a year), or none.
    pub fn of_key(key: &str, shift: bool) -> Option<Move> {
        Some(match key {
            "ArrowLeft" => Move::PreviousDay,
            "ArrowRight" => Move::NextDay,
            "ArrowUp" => Move::PreviousWeek,
            "ArrowDown" => Move::NextWeek,
            "Home" => Move::WeekStart,
            "End" => Move::WeekEnd,
            "PageUp" if shift => Move::PreviousYear,
            "PageDown" if shift => Move::NextYear,
            "PageUp" => Move::PreviousMonth,
            "PageDown" => Move::NextMonth,
            _ => return None,
        })
    }

    /// Where the focus goes from `day`: across month boundaries, and a month or year away on
    /// the same day of the month, or that month's last day when it is shorter (31 Jan → 28 Feb).
    pub fn from(self, day: NaiveDate, week_start: Weekday) -> NaiveDate {
        let moved = match self {
            Move::PreviousDay => day.checked_sub_days(Days::new(1)),
            Move::NextDay => day.checked_add_days(Days::new(1)),
            Move::PreviousWeek => day.checked_sub_days(Days::new(7)),
            Move::NextWeek => day.checked_add_days(Days::new(7)),
            Move::WeekStart => Some(start_of_week(day, week_start)),
            Move::WeekEnd => start_of_week(day, week_start).checked_add_days(Days::new(6)),
            Move::PreviousMonth => day.checked_sub_months(Months::new(1)),
            Move::NextMonth => day.checked_add_months(Months::new(1)),
            Move::PreviousYear => day.checked_sub_months(Months::new(12)),
            Move::NextYear => day.checked_add_months(Months::new(12)),
        };
        moved.unwrap_or(day)
    }
}

/// The day `start_datetime` is on in its own offset; `None` when it is not RFC 3339.
pub fn event_day(start_datetime: &str) -> Option<NaiveDate> {
    DateTime::<FixedOffset>::parse_from_rfc3339(start_datetime).ok().map(|at| at.date_naive())
}

/// The events of `events` by day, each day's in the order given (the list's, by start time).
pub fn by_day(events: &[EventSummary]) -> BTreeMap<NaiveDate, Vec<EventSummary>> {
    let mut days: BTreeMap<NaiveDate, Vec<EventSummary>> = BTreeMap::new();
    for event in events {
        if let Some(day) = event_day(&event.start_datetime) {
            days.entry(day).or_default().push(event.clone());
        }
    }
    days
}

/// The day the calendar opens on: the first event's on or after `today`, else `today`.
pub fn first_day(days: &BTreeMap<NaiveDate, Vec<EventSummary>>, today: NaiveDate) -> NaiveDate {
    days.range(today..).next().map(|(day, _)| *day).unwrap_or(today)
}

/// Whether another page must be read before `month` can be drawn whole: the list comes by
/// start time, so the pages read cover a month once one of their events is after its end.
/// `last` is the latest day read so far.
pub fn needs_more(last: Option<NaiveDate>, month: Month, has_more: bool) -> bool {
    has_more && last.is_none_or(|last| last <= month.last_day())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tessera_core::{EventId, EventStatus};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

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

    #[test]
    fn months_step_across_years() {
        let dec = Month { year: 2026, month: 12 };
        assert_eq!(dec.next(), Month { year: 2027, month: 1 });
        assert_eq!(dec.next().previous(), dec);
        assert_eq!(Month { year: 2027, month: 1 }.previous(), dec);
        assert_eq!(Month { year: 2028, month: 2 }.last_day(), day(2028, 2, 29));
        assert_eq!(dec.last_day(), day(2026, 12, 31));
    }

    #[test]
    fn a_month_is_laid_out_from_the_locales_first_weekday() {
        // December 2026 begins on a Tuesday.
        let dec = Month { year: 2026, month: 12 };
        let monday = weeks(dec, Weekday::Mon);
        assert_eq!(monday.len(), 5);
        assert_eq!(
            monday[0],
            [
                None,
                Some(day(2026, 12, 1)),
                Some(day(2026, 12, 2)),
                Some(day(2026, 12, 3)),
                Some(day(2026, 12, 4)),
                Some(day(2026, 12, 5)),
                Some(day(2026, 12, 6))
            ]
        );
        assert_eq!(monday[4][3], Some(day(2026, 12, 31)));
        assert_eq!(monday[4][4], None);
        let sunday = weeks(dec, Weekday::Sun);
        assert_eq!(sunday[0][2], Some(day(2026, 12, 1)));
        assert_eq!(sunday[0][0..2], [None, None]);
        // A February that begins on the week's first day fills exactly four rows.
        assert_eq!(weeks(Month { year: 2027, month: 2 }, Weekday::Mon).len(), 4);
        // Every day of the month appears once.
        let days: Vec<_> = sunday.iter().flatten().flatten().collect();
        assert_eq!(days.len(), 31);
    }

    #[test]
    fn weekday_headers_follow_the_week_start() {
        assert_eq!(weekdays(Weekday::Sun)[0..2], [Weekday::Sun, Weekday::Mon]);
        assert_eq!(weekdays(Weekday::Mon)[6], Weekday::Sun);
        assert_eq!(weekdays(Weekday::Sat)[1], Weekday::Sun);
    }

    #[test]
    fn arrow_keys_move_by_day_and_week_across_months() {
        let mon = Weekday::Mon;
        assert_eq!(Move::of_key("ArrowRight", false).unwrap().from(day(2026, 12, 31), mon), day(2027, 1, 1));
        assert_eq!(Move::of_key("ArrowLeft", false).unwrap().from(day(2027, 1, 1), mon), day(2026, 12, 31));
        assert_eq!(Move::of_key("ArrowDown", false).unwrap().from(day(2026, 12, 28), mon), day(2027, 1, 4));
        assert_eq!(Move::of_key("ArrowUp", false).unwrap().from(day(2026, 12, 3), mon), day(2026, 11, 26));
        assert_eq!(Move::of_key("Enter", false), None);
    }

    #[test]
    fn home_and_end_go_to_the_locales_week_start_and_end() {
        // Thursday 3 December 2026.
        let thu = day(2026, 12, 3);
        assert_eq!(Move::WeekStart.from(thu, Weekday::Mon), day(2026, 11, 30));
        assert_eq!(Move::WeekEnd.from(thu, Weekday::Mon), day(2026, 12, 6));
        assert_eq!(Move::WeekStart.from(thu, Weekday::Sun), day(2026, 11, 29));
        assert_eq!(Move::WeekEnd.from(thu, Weekday::Sun), day(2026, 12, 5));
        // Already there: stays.
        assert_eq!(Move::WeekStart.from(day(2026, 11, 30), Weekday::Mon), day(2026, 11, 30));
    }

    #[test]
    fn page_keys_move_by_month_and_year_keeping_the_day_where_it_exists() {
        let mon = Weekday::Mon;
        assert_eq!(Move::of_key("PageDown", false).unwrap().from(day(2026, 12, 12), mon), day(2027, 1, 12));
        assert_eq!(Move::of_key("PageUp", false).unwrap().from(day(2027, 1, 16), mon), day(2026, 12, 16));
        assert_eq!(Move::NextMonth.from(day(2027, 1, 31), mon), day(2027, 2, 28));
        assert_eq!(Move::of_key("PageDown", true).unwrap().from(day(2028, 2, 29), mon), day(2029, 2, 28));
        assert_eq!(Move::of_key("PageUp", true).unwrap().from(day(2027, 1, 16), mon), day(2026, 1, 16));
    }

    #[test]
    fn an_event_is_on_the_day_of_its_own_offset() {
        // 20:00 in Manila is noon UTC; 23:30 in Manila is still the 12th there, the 12th in UTC too;
        // 01:00 on the 13th in Manila is the 12th in UTC, and on the 13th in the calendar.
        assert_eq!(event_day("2026-12-12T20:00:00+08:00"), Some(day(2026, 12, 12)));
        assert_eq!(event_day("2026-12-13T01:00:00+08:00"), Some(day(2026, 12, 13)));
        assert_eq!(event_day("2026-12-12T23:30:00-05:00"), Some(day(2026, 12, 12)));
        assert_eq!(event_day("next friday"), None);
    }

    #[test]
    fn events_are_grouped_by_day_in_list_order() {
        let events = [
            event("a", "2026-12-12T18:00:00+08:00"),
            event("b", "2026-12-12T20:00:00+08:00"),
            event("c", "2027-01-16T19:30:00+08:00"),
            event("bad", "soon"),
        ];
        let days = by_day(&events);
        assert_eq!(days.len(), 2);
        let ids: Vec<_> = days[&day(2026, 12, 12)].iter().map(|e| e.title.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
    }

    #[test]
    fn the_calendar_opens_on_the_first_upcoming_event_or_today() {
        let days = by_day(&[event("past", "2026-11-20T20:00:00+08:00"), event("next", "2027-01-16T19:30:00+08:00")]);
        assert_eq!(first_day(&days, day(2026, 12, 3)), day(2027, 1, 16));
        // An event today counts as upcoming.
        assert_eq!(first_day(&days, day(2027, 1, 16)), day(2027, 1, 16));
        assert_eq!(first_day(&days, day(2027, 2, 1)), day(2027, 2, 1));
        assert_eq!(first_day(&BTreeMap::new(), day(2026, 12, 3)), day(2026, 12, 3));
    }

    #[test]
    fn pages_are_read_until_one_ends_after_the_month_shown() {
        let dec = Month { year: 2026, month: 12 };
        assert!(needs_more(None, dec, true));
        assert!(needs_more(Some(day(2026, 12, 20)), dec, true));
        assert!(needs_more(Some(day(2026, 12, 31)), dec, true), "the next page may hold more of the 31st");
        assert!(!needs_more(Some(day(2027, 1, 1)), dec, true));
        assert!(!needs_more(Some(day(2026, 12, 20)), dec, false));
        assert!(!needs_more(None, dec, false));
    }
}
