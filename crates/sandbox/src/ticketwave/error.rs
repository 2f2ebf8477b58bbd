//! Errors as the TicketWave document shows them: `{"error": "message"}` with 400, 401, 404
//! (and 409 for a state that forbids the action, 429, 500, where the document is silent).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

#[derive(Debug, thiserror::Error)]
pub(crate) enum TwError {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(&'static str),
    #[error("{0}")]
    NotFound(&'static str),
    #[error("{0}")]
    Conflict(String),
    #[error("Too many requests. Limit: {limit} requests per {window}.")]
    RateLimited { limit: u32, window: String, retry_after_secs: u64 },
    #[error("{0}")]
    Internal(String),
}

pub(crate) type TwResult<T> = Result<T, TwError>;

/// The document's own message for a body without what an endpoint needs.
pub(crate) fn missing_fields() -> TwError {
    TwError::BadRequest("Missing required fields".into())
}

impl From<rusqlite::Error> for TwError {
    fn from(e: rusqlite::Error) -> Self {
        TwError::Internal(format!("database: {e}"))
    }
}

impl From<crate::error::SandboxError> for TwError {
    fn from(e: crate::error::SandboxError) -> Self {
        TwError::Internal(e.to_string())
    }
}

impl TwError {
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            TwError::BadRequest(_) => StatusCode::BAD_REQUEST,
            TwError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            TwError::NotFound(_) => StatusCode::NOT_FOUND,
            TwError::Conflict(_) => StatusCode::CONFLICT,
            TwError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            TwError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for TwError {
    fn into_response(self) -> Response {
        let status = self.status();
        // Our own faults are logged, never described to the caller.
        let message = if let TwError::Internal(detail) = &self {
            tracing::error!(error = %detail, "TicketWave sandbox request failed");
            "Internal server error".to_owned()
        } else {
            self.to_string()
        };
        let mut response = (status, Json(serde_json::json!({ "error": message }))).into_response();
        match &self {
            TwError::RateLimited { retry_after_secs, .. } => {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            }
            TwError::Unauthorized(_) => {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            _ => {}
        }
        response
    }
}
