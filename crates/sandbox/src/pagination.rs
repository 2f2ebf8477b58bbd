//! `page` / `per_page` as the HangHut document describes them: 1-based pages, 20 per page by
//! default, and a per-endpoint maximum that larger requests are clamped to (not refused).

use crate::error::{Result, SandboxError};
use serde_json::{json, Value};
use std::collections::HashMap;

pub(crate) const DEFAULT_PER_PAGE: u32 = 20;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Page {
    pub page: u32,
    pub per_page: u32,
}

impl Page {
    pub(crate) fn from_query(query: &HashMap<String, String>, max_per_page: u32) -> Result<Page> {
        let page = positive(query, "page")?.unwrap_or(1);
        let per_page = positive(query, "per_page")?.unwrap_or(DEFAULT_PER_PAGE).min(max_per_page);
        Ok(Page { page, per_page })
    }

    pub(crate) fn limit(&self) -> i64 {
        i64::from(self.per_page)
    }

    pub(crate) fn offset(&self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }

    pub(crate) fn total_pages(&self, total: i64) -> i64 {
        (total + self.limit() - 1) / self.limit()
    }

    pub(crate) fn has_more(&self, total: i64) -> bool {
        i64::from(self.page) < self.total_pages(total)
    }

    /// The events list's `meta`, exactly as in the document.
    pub(crate) fn full_meta(&self, total: i64) -> Value {
        json!({
            "page": self.page,
            "per_page": self.per_page,
            "total": total,
            "total_pages": self.total_pages(total),
            "has_more": self.has_more(total),
        })
    }

    /// The orders list's shorter `meta`, exactly as in the document.
    pub(crate) fn short_meta(&self, total: i64) -> Value {
        json!({ "page": self.page, "total": total, "has_more": self.has_more(total) })
    }
}

fn positive(query: &HashMap<String, String>, name: &str) -> Result<Option<u32>> {
    let Some(raw) = query.get(name) else { return Ok(None) };
    match raw.trim().parse::<u32>() {
        Ok(n) if n >= 1 => Ok(Some(n)),
        _ => Err(SandboxError::BadRequest(format!("{name} must be an integer of at least 1"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn defaults_are_page_one_of_twenty() {
        assert_eq!(Page::from_query(&q(&[]), 50).unwrap(), Page { page: 1, per_page: 20 });
    }

    #[test]
    fn per_page_above_the_maximum_is_clamped() {
        assert_eq!(Page::from_query(&q(&[("per_page", "500")]), 50).unwrap().per_page, 50);
    }

    #[test]
    fn zero_negative_and_non_integer_values_are_refused() {
        for bad in ["0", "-1", "1.5", "two", ""] {
            let err = Page::from_query(&q(&[("page", bad)]), 50).unwrap_err();
            assert_eq!(err.to_string(), "page must be an integer of at least 1", "{bad}");
            assert!(Page::from_query(&q(&[("per_page", bad)]), 50).is_err(), "{bad}");
        }
    }

    #[test]
    fn meta_counts_pages_and_says_whether_more_follow() {
        let p = Page { page: 1, per_page: 2 };
        assert_eq!(p.full_meta(3), json!({"page":1,"per_page":2,"total":3,"total_pages":2,"has_more":true}));
        let last = Page { page: 2, per_page: 2 };
        assert!(!last.has_more(3));
        assert_eq!(last.total_pages(0), 0);
    }
}
