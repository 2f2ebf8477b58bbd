use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use tessera_core::EventId;

use super::AppState;
use crate::error::ApiError;

#[derive(Deserialize)]
pub struct ListQuery {
    page: Option<String>,
}

pub async fn list(State(app): State<AppState>, Query(q): Query<ListQuery>) -> Result<impl IntoResponse, ApiError> {
    let page = match q.page.as_deref() {
        None => 1,
        Some(p) => p
            .parse::<u32>()
            .ok()
            .filter(|p| (1..=10_000).contains(p))
            .ok_or_else(|| ApiError::BadRequest("page must be a whole number from 1".into()))?,
    };
    let page = app.catalogue.page(page).await?;
    Ok(Json(page.as_ref().clone()))
}

pub async fn one(State(app): State<AppState>, Path(id): Path<String>) -> Result<impl IntoResponse, ApiError> {
    // An id that cannot exist is simply not found; no need to ask the platform.
    let id = EventId::parse(&id).map_err(|_| ApiError::NotFound("Event not found"))?;
    let read = app.catalogue.event(&id).await?;
    let mut body = serde_json::to_value(read.event.as_ref()).map_err(|e| ApiError::Internal(e.to_string()))?;
    if read.stale {
        // The platform is unreachable: the widget says the counts may be out of date.
        body["stale"] = serde_json::Value::Bool(true);
    }
    Ok(Json(body))
}

pub async fn no_such_route() -> ApiError {
    ApiError::NotFound("No such API endpoint")
}
