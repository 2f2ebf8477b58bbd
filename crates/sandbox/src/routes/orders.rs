use super::data;
use crate::error::SandboxError;
use crate::json_body::QueryPairs;
use crate::orders::{self, MAX_PER_PAGE};
use crate::pagination::Page;
use crate::server::AppState;
use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

pub(super) async fn list(
    State(state): State<AppState>,
    QueryPairs(query): QueryPairs,
) -> Result<Json<Value>, SandboxError> {
    let page = Page::from_query(&query, MAX_PER_PAGE)?;
    let event_id = query.get("event_id").map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let (orders, total) = state.db.call(move |c| orders::list(c, event_id.as_deref(), page)).await?;
    Ok(data(json!({ "orders": orders, "meta": page.short_meta(total) })))
}
