//! Request extractors and field readers that answer in HangHut's error format with a message
//! naming the field, instead of axum's plain-text rejections.

use crate::error::{Result, SandboxError};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use serde_json::{Map, Number, Value};
use std::collections::HashMap;

/// A JSON request body as a `Value`, so each field can be checked and reported on its own.
/// The Content-Type is not insisted on: the body is what matters to a sandbox.
pub(crate) struct JsonBody(pub Value);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = SandboxError;

    async fn from_request(req: Request, state: &S) -> Result<Self> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| SandboxError::BadRequest(format!("Could not read the request body: {}", e.body_text())))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(SandboxError::BadRequest("Request body must be a JSON object".into()));
        }
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| SandboxError::BadRequest(format!("Request body is not valid JSON: {e}")))
    }
}

/// The query string as plain pairs; each endpoint parses the ones it knows.
pub(crate) struct QueryPairs(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for QueryPairs {
    type Rejection = SandboxError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self> {
        Query::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map(|Query(q)| QueryPairs(q))
            .map_err(|e| SandboxError::BadRequest(format!("Query string is not valid: {}", e.body_text())))
    }
}

pub(crate) fn object<'a>(body: &'a Value, what: &str) -> Result<&'a Map<String, Value>> {
    body.as_object().ok_or_else(|| SandboxError::BadRequest(format!("{what} must be a JSON object")))
}

/// Absent and `null` read the same: "not given".
fn given<'a>(obj: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.get(key).filter(|v| !v.is_null())
}

/// A non-blank string, trimmed. `name` is the dotted path the client sees (`customer.email`).
pub(crate) fn required_str(obj: &Map<String, Value>, key: &str, name: &str) -> Result<String> {
    optional_str(obj, key, name)?.ok_or_else(|| SandboxError::BadRequest(format!("{name} is required")))
}

/// A string, trimmed; blank counts as not given.
pub(crate) fn optional_str(obj: &Map<String, Value>, key: &str, name: &str) -> Result<Option<String>> {
    match given(obj, key) {
        None => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.trim().to_owned())),
        Some(_) => Err(SandboxError::BadRequest(format!("{name} must be a string"))),
    }
}

/// A JSON integer no smaller than `min`; `1.5` and `"2"` are refused, not coerced.
pub(crate) fn optional_int(obj: &Map<String, Value>, key: &str, name: &str, min: i64) -> Result<Option<i64>> {
    let Some(value) = given(obj, key) else { return Ok(None) };
    match value.as_i64() {
        Some(n) if n >= min => Ok(Some(n)),
        _ => Err(SandboxError::BadRequest(format!("{name} must be an integer of at least {min}"))),
    }
}

pub(crate) fn required_int(obj: &Map<String, Value>, key: &str, name: &str, min: i64) -> Result<i64> {
    match given(obj, key) {
        None => Err(SandboxError::BadRequest(format!("{name} is required"))),
        Some(_) => optional_int(obj, key, name, min).map(|n| n.unwrap_or_default()),
    }
}

pub(crate) fn optional_number<'a>(obj: &'a Map<String, Value>, key: &str, name: &str) -> Result<Option<&'a Number>> {
    match given(obj, key) {
        None => Ok(None),
        Some(Value::Number(n)) => Ok(Some(n)),
        Some(_) => Err(SandboxError::BadRequest(format!("{name} must be a number"))),
    }
}

/// An absolute http(s) URL, the only kind a browser can be redirected to or a webhook posted to.
pub(crate) fn check_http_url(raw: &str, name: &str) -> Result<()> {
    let ok = reqwest::Url::parse(raw)
        .map(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty()))
        .unwrap_or(false);
    if ok {
        Ok(())
    } else {
        Err(SandboxError::BadRequest(format!(
            "{name} must be an absolute http or https URL, like https://your-site.com/path"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn integers_are_not_coerced_from_floats_or_strings() {
        let o = obj(json!({"a": 2, "b": 1.5, "c": "2", "d": 0}));
        assert_eq!(required_int(&o, "a", "a", 1).unwrap(), 2);
        for key in ["b", "c", "d"] {
            assert_eq!(
                required_int(&o, key, key, 1).unwrap_err().to_string(),
                format!("{key} must be an integer of at least 1")
            );
        }
        assert_eq!(required_int(&o, "missing", "missing", 1).unwrap_err().to_string(), "missing is required");
    }

    #[test]
    fn blank_strings_count_as_missing() {
        let o = obj(json!({"a": "  ", "b": 3, "c": " x "}));
        assert_eq!(required_str(&o, "a", "a").unwrap_err().to_string(), "a is required");
        assert_eq!(required_str(&o, "b", "b").unwrap_err().to_string(), "b must be a string");
        assert_eq!(required_str(&o, "c", "c").unwrap(), "x");
    }

    #[test]
    fn only_absolute_http_urls_are_accepted() {
        assert!(check_http_url("https://shop.example/thanks?x=1", "u").is_ok());
        assert!(check_http_url("http://127.0.0.1:8080/ok", "u").is_ok());
        for bad in ["/relative", "ftp://example.com", "javascript:alert(1)", "not a url", "https://"] {
            assert!(check_http_url(bad, "u").is_err(), "{bad}");
        }
    }
}
