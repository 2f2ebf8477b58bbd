use std::time::Duration;

/// How long to wait from a `Retry-After` header (delay-seconds or an HTTP date, RFC 9110
/// §10.2.3). HangHut's document only says to wait for its 60-second window, so that is the
/// answer when the header is absent or unreadable.
pub fn parse_retry_after(value: Option<&str>, now: chrono::DateTime<chrono::Utc>) -> Duration {
    const WINDOW: Duration = Duration::from_secs(60);
    let Some(value) = value.map(str::trim) else { return WINDOW };
    if let Ok(secs) = value.parse::<u64>() {
        return Duration::from_secs(secs.min(3600));
    }
    match chrono::DateTime::parse_from_rfc2822(value) {
        Ok(at) => {
            (at.with_timezone(&chrono::Utc) - now).to_std().unwrap_or(Duration::ZERO).min(Duration::from_secs(3600))
        }
        Err(_) => WINDOW,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn reads_seconds_dates_and_falls_back_to_the_window() {
        let now = chrono::Utc.with_ymd_and_hms(2026, 3, 21, 10, 0, 0).unwrap();
        assert_eq!(parse_retry_after(Some("7"), now), Duration::from_secs(7));
        assert_eq!(parse_retry_after(Some("Sat, 21 Mar 2026 10:00:30 GMT"), now), Duration::from_secs(30));
        assert_eq!(parse_retry_after(Some("Sat, 21 Mar 2026 09:00:00 GMT"), now), Duration::ZERO);
        assert_eq!(parse_retry_after(None, now), Duration::from_secs(60));
        assert_eq!(parse_retry_after(Some("soon"), now), Duration::from_secs(60));
        assert_eq!(parse_retry_after(Some("999999"), now), Duration::from_secs(3600));
    }
}
