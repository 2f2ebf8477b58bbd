//! Conditional GETs for the catalogue's reads (events, an event, its first view): a strong
//! `ETag` of the exact body and a `Cache-Control` as long as the catalogue keeps its copy, so a
//! browser that asks again within that time asks nobody, and one that asks later gets a 304 of
//! a few bytes when nothing changed (RFC 9110 §8.8.3, §13.1.2). The tag is weak: the API's
//! answers are compressed on the way out, and a gzip or brotli copy is the same content in
//! other bytes (RFC 9110 §8.8.1), so any of them revalidates with it.

use std::time::Duration;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The entity tag of `body`: the first 16 bytes of its SHA-256, in hex, quoted, weak.
pub fn etag_of(body: &[u8]) -> String {
    let digest = Sha256::digest(body);
    format!("W/\"{}\"", hex::encode(&digest[..16]))
}

/// Whether an `If-None-Match` header names `etag` (weak comparison, as RFC 9110 asks of it).
pub fn none_match(header: Option<&HeaderValue>, etag: &str) -> bool {
    let Some(value) = header.and_then(|v| v.to_str().ok()) else { return false };
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    value.trim() == "*" || value.split(',').any(|tag| opaque(tag) == opaque(etag))
}

/// `Cache-Control` for a copy the catalogue keeps `ttl`: whole seconds, rounded up, at least one.
pub fn cache_control(ttl: Duration) -> HeaderValue {
    let secs = (ttl.as_millis().div_ceil(1000) as u64).max(1);
    HeaderValue::from_str(&format!("public, max-age={secs}")).expect("digits are a valid header value")
}

/// `value` as JSON with its `ETag` and `Cache-Control`, or a 304 when the request already has it.
pub fn json<T: Serialize>(request: &HeaderMap, value: &T, ttl: Duration) -> Response {
    let body = serde_json::to_vec(value).expect("the API's types always serialise");
    let etag = HeaderValue::from_str(&etag_of(&body)).expect("hex in quotes is a valid header value");
    let headers = [(header::ETAG, etag.clone()), (header::CACHE_CONTROL, cache_control(ttl))];
    if none_match(request.get(header::IF_NONE_MATCH), etag.to_str().unwrap_or_default()) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    (headers, [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_body_has_the_same_tag_and_another_another() {
        assert_eq!(etag_of(b"{\"a\":1}"), etag_of(b"{\"a\":1}"));
        assert_ne!(etag_of(b"{\"a\":1}"), etag_of(b"{\"a\":2}"));
        assert_eq!(etag_of(b"").len(), 36);
    }

    #[test]
    fn if_none_match_names_the_tag_alone_in_a_list_weakly_or_as_a_star() {
        let tag = etag_of(b"x");
        let header = |v: &str| HeaderValue::from_str(v).unwrap();
        assert!(none_match(Some(&header(&tag)), &tag));
        assert!(none_match(Some(&header(&format!("\"other\", {tag}"))), &tag));
        assert!(none_match(Some(&header(tag.trim_start_matches("W/"))), &tag));
        assert!(none_match(Some(&header("*")), &tag));
        assert!(!none_match(Some(&header("\"other\"")), &tag));
        assert!(!none_match(Some(&header("")), &tag));
        assert!(!none_match(None, &tag));
    }

    #[test]
    fn a_copy_is_fresh_for_the_catalogues_ttl_in_whole_seconds() {
        assert_eq!(cache_control(Duration::from_secs(2)), "public, max-age=2");
        assert_eq!(cache_control(Duration::from_millis(2_500)), "public, max-age=3");
        assert_eq!(cache_control(Duration::ZERO), "public, max-age=1");
    }
}
