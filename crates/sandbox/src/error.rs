//! The crate's one error type and its mapping to HangHut's error format
//! `{"error":{"message":"...","status":N}}`, applied at the HTTP edge only.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// 400: the message names the field and what to send instead.
    #[error("{0}")]
    BadRequest(String),
    #[error("Invalid or missing API key. Send it as: Authorization: Bearer hh_live_...")]
    Unauthorized,
    #[error("{0}")]
    NotFound(String),
    /// 409: sold out, not on sale, or already in the requested state.
    #[error("{0}")]
    Conflict(String),
    /// 429 with the HangHut document's wording.
    #[error("Rate limit exceeded. Max {limit} requests per {window}.")]
    RateLimited { limit: u32, window: String, retry_after_secs: u64 },
    #[error("invalid sandbox configuration: {0}")]
    Config(String),
    #[error("database: {0}")]
    Database(#[from] rusqlite::Error),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Internal(String),
}

pub type Result<T, E = SandboxError> = std::result::Result<T, E>;

impl SandboxError {
    pub fn status(&self) -> StatusCode {
        match self {
            SandboxError::BadRequest(_) => StatusCode::BAD_REQUEST,
            SandboxError::Unauthorized => StatusCode::UNAUTHORIZED,
            SandboxError::NotFound(_) => StatusCode::NOT_FOUND,
            SandboxError::Conflict(_) => StatusCode::CONFLICT,
            SandboxError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            SandboxError::Config(_) | SandboxError::Database(_) | SandboxError::Io(_) | SandboxError::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// What the client is told: our own faults are logged, never described to the caller.
    pub fn public_message(&self) -> String {
        if self.status().is_server_error() {
            "Internal server error".to_owned()
        } else {
            self.to_string()
        }
    }
}

pub(crate) fn error_body(status: StatusCode, message: &str) -> Response {
    let body = json!({ "error": { "message": message, "status": status.as_u16() } });
    (status, Json(body)).into_response()
}

impl IntoResponse for SandboxError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let mut response = error_body(status, &self.public_message());
        match &self {
            SandboxError::RateLimited { retry_after_secs, .. } => {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            }
            SandboxError::Unauthorized => {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            _ => {}
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_are_not_described_to_clients() {
        let e = SandboxError::Internal("disk on fire at /secret/path".into());
        assert_eq!(e.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(e.public_message(), "Internal server error");
    }

    #[test]
    fn rate_limit_message_matches_the_hanghut_document() {
        let e = SandboxError::RateLimited { limit: 100, window: "minute".into(), retry_after_secs: 7 };
        assert_eq!(e.public_message(), "Rate limit exceeded. Max 100 requests per minute.");
        assert_eq!(e.status(), StatusCode::TOO_MANY_REQUESTS);
    }
}
