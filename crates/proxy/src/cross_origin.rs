//! What a browser on another site may do here, and how much of a request the proxy waits for.
//!
//! CORS only stops a foreign page from *reading* an answer; a "simple" cross-site request
//! (a form post, `text/plain`) is still sent and acted on. So the POST endpoints also refuse
//! any request whose `Origin` the site owner has not allowed (the proxy's own origin always
//! is). A request without `Origin` is not from a cross-site browser page (browsers send it on
//! every cross-origin request and every POST), so `curl`, servers and old forms still work.
//!
//! Bodies are read here, whole, within a size limit and a time limit, so neither a large nor a
//! trickling body ties up a handler; the handler then gets the buffered bytes.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::Duration;

use crate::error::ApiError;

/// Origins allowed to call the API from a browser, as `scheme://host[:port]`.
#[derive(Debug, Clone)]
pub struct AllowedOrigins(Arc<[String]>);

impl AllowedOrigins {
    pub fn new(origins: &[String]) -> Self {
        AllowedOrigins(origins.iter().map(|o| o.trim_end_matches('/').to_ascii_lowercase()).collect())
    }

    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    /// Whether a request carrying this `Origin` header (if any) may change anything.
    pub fn permits(&self, origin: Option<&HeaderValue>) -> bool {
        match origin {
            None => true,
            // "null" (sandboxed frames, file: pages) is never a configured origin.
            Some(value) => value.to_str().is_ok_and(|o| self.contains(o)),
        }
    }

    /// Whether `origin` (`scheme://host[:port]`) is one of them.
    pub fn contains(&self, origin: &str) -> bool {
        self.0.iter().any(|allowed| allowed.eq_ignore_ascii_case(origin))
    }
}

/// Middleware: refuses requests that change state from an origin not allowed (403).
pub async fn refuse_foreign_origins(State(allowed): State<AllowedOrigins>, request: Request, next: Next) -> Response {
    let safe = matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && !allowed.permits(request.headers().get(header::ORIGIN)) {
        tracing::info!(origin = ?request.headers().get(header::ORIGIN), path = %request.uri().path(), "refused a request from a foreign origin");
        return ApiError::Forbidden(
            "Requests from this site are not allowed; the shop owner can allow its origin in the proxy configuration",
        )
        .into_response();
    }
    next.run(request).await
}

/// How much of a request body the proxy takes, and how long it waits for it.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    pub max_bytes: usize,
    pub read_timeout: Duration,
}

/// Middleware: buffers the body within `BodyLimits`: 413 when it is larger, 408 (and the
/// connection closed) when it does not arrive in time.
pub async fn read_body_in_time(State(limits): State<BodyLimits>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let declared = parts.headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_bytes as u64) {
        return with_close(ApiError::PayloadTooLarge(limits.max_bytes).into_response());
    }
    let bytes = match tokio::time::timeout(limits.read_timeout, axum::body::to_bytes(body, limits.max_bytes)).await {
        Err(_) => {
            tracing::info!(path = %parts.uri.path(), "cut off a client that did not send its request in time");
            return with_close(ApiError::RequestTimeout.into_response());
        }
        Ok(Err(e)) if is_length_limit(&e) => {
            return with_close(ApiError::PayloadTooLarge(limits.max_bytes).into_response())
        }
        Ok(Err(_)) => return ApiError::BadRequest("The request body could not be read".into()).into_response(),
        Ok(Ok(bytes)) => bytes,
    };
    next.run(Request::from_parts(parts, Body::from(bytes))).await
}

fn is_length_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = err.source();
    }
    false
}

/// The rest of an unread body is not worth waiting for: end the connection after answering.
fn with_close(mut response: Response) -> Response {
    response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_configured_origins_and_requests_without_one_are_permitted() {
        let allowed = AllowedOrigins::new(&["https://shop.example/".into(), "http://127.0.0.1:8080".into()]);
        let v = HeaderValue::from_static;
        assert!(allowed.permits(None));
        assert!(allowed.permits(Some(&v("https://shop.example"))));
        assert!(allowed.permits(Some(&v("HTTPS://SHOP.EXAMPLE"))));
        assert!(allowed.permits(Some(&v("http://127.0.0.1:8080"))));
        assert!(!allowed.permits(Some(&v("http://shop.example"))), "another scheme is another origin");
        assert!(!allowed.permits(Some(&v("https://shop.example.evil.example"))));
        assert!(!allowed.permits(Some(&v("http://127.0.0.1:8081"))));
        assert!(!allowed.permits(Some(&v("null"))));
        assert!(!allowed.permits(Some(&v(""))));
    }
}
