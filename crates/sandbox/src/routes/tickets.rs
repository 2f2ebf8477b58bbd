use super::data;
use crate::clock::now;
use crate::error::SandboxError;
use crate::server::AppState;
use crate::tickets;
use axum::extract::{Path, State};
use axum::Json;
use serde_json::Value;

pub(super) async fn show(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, SandboxError> {
    let ticket = state.db.call(move |c| tickets::find(c, &id)).await?;
    Ok(data(ticket.to_json()))
}

pub(super) async fn refund(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, SandboxError> {
    let at = now();
    let (ticket, notified) = state.db.call(move |c| tickets::refund(c, &id, at)).await?;
    if notified {
        state.wake_webhook_sender();
    }
    Ok(data(ticket.refund_json()))
}

pub(super) async fn check_in(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, SandboxError> {
    let at = now();
    let (ticket, notified) = state.db.call(move |c| tickets::check_in(c, &id, at)).await?;
    if notified {
        state.wake_webhook_sender();
    }
    Ok(data(ticket.check_in_json()))
}
