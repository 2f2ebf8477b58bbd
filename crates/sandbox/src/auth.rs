//! Bearer-key authentication for every `/v1` route. The presented key is never logged or
//! echoed; requests carry only the index of the key that matched (for rate limiting).

use crate::error::SandboxError;
use crate::server::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::Response;

/// Which configured key authenticated the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct KeyIndex(pub usize);

pub(crate) async fn require_api_key(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Result<Response, SandboxError> {
    let index = bearer_token(req.headers())
        .and_then(|presented| matching_key(&state.config.api_keys, presented))
        .ok_or(SandboxError::Unauthorized)?;
    req.extensions_mut().insert(KeyIndex(index));
    Ok(next.run(req).await)
}

/// The token of an `Authorization: Bearer <token>` header (scheme case-insensitive).
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim()).filter(|t| !t.is_empty())
}

pub(crate) fn matching_key(keys: &[String], presented: &str) -> Option<usize> {
    keys.iter().position(|k| constant_time_eq(k.as_bytes(), presented.as_bytes()))
}

/// Compares without stopping at the first differing byte, so response timing does not
/// reveal how much of a guessed key was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn bearer_tokens_are_read_from_the_authorization_header() {
        assert_eq!(bearer_token(&headers("Bearer hh_live_a")), Some("hh_live_a"));
        assert_eq!(bearer_token(&headers("bearer  hh_live_a ")), Some("hh_live_a"));
        assert_eq!(bearer_token(&headers("Basic abc")), None);
        assert_eq!(bearer_token(&headers("Bearer")), None);
        assert_eq!(bearer_token(&HeaderMap::new()), None);
    }

    #[test]
    fn only_an_exact_configured_key_matches() {
        let keys = vec!["hh_live_one".to_owned(), "hh_live_two".to_owned()];
        assert_eq!(matching_key(&keys, "hh_live_two"), Some(1));
        assert_eq!(matching_key(&keys, "hh_live_tw"), None);
        assert_eq!(matching_key(&keys, "hh_live_two2"), None);
    }
}
