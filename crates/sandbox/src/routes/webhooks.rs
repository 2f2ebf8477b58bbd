use super::created;
use crate::clock::now;
use crate::error::SandboxError;
use crate::json_body::JsonBody;
use crate::server::AppState;
use crate::webhooks::{self, Registration};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::Value;

pub(super) async fn register(
    State(state): State<AppState>,
    JsonBody(body): JsonBody,
) -> Result<(StatusCode, Json<Value>), SandboxError> {
    let registration = Registration::from_json(&body)?;
    let at = now();
    let shown = state.db.call(move |c| webhooks::register(c, &registration, at)).await?;
    Ok(created(shown))
}
