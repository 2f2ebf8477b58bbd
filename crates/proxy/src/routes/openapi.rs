//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 document of the public API, generated from
//! the handlers' `#[utoipa::path]` attributes and the types they read and write, so it cannot
//! drift from the code unnoticed (schemathesis checks the running proxy against it).

use axum::Json;
use std::sync::OnceLock;
use utoipa::OpenApi;

use super::{checkout, events, first_view, live, promo, waitlist, webhooks};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "tessera proxy",
        description = "The public API of a tessera proxy: the catalogue for widgets, live availability, promo-code \
            previews, the checkout hand-off and the platform's webhooks. Every error is \
            `{\"error\": {\"message\", \"status\", \"code\", \"fields\"?}}`, also for a method a path does not \
            take (405, with an `Allow` header): `message` is for people, `code` (`ErrorCode`) for programs, and a \
            client should read a code it does not know by its status. A 503 carries `Retry-After`. Money is an \
            integer count of minor units. POSTs from a browser page must come from an allowed origin (a request \
            without `Origin` is not from one).",
        license(name = "MIT OR Apache-2.0"),
    ),
    paths(
        events::list,
        events::one,
        first_view::list,
        first_view::event,
        live::stream,
        promo::preview,
        waitlist::join,
        waitlist::offer,
        checkout::create,
        webhooks::hanghut,
        webhooks::signed,
        webhooks::with_token,
        document,
    ),
    components(schemas(tessera_core::Snapshot)),
    tags(
        (name = "events", description = "What is on sale and what is left"),
        (name = "orders", description = "Promo-code previews and the checkout hand-off"),
        (name = "webhooks", description = "Signed deliveries from the ticketing platform"),
        (name = "meta", description = "This document"),
    )
)]
pub struct ApiDoc;

/// The document as JSON, built once.
pub fn json() -> &'static serde_json::Value {
    static DOC: OnceLock<serde_json::Value> = OnceLock::new();
    DOC.get_or_init(|| serde_json::to_value(ApiDoc::openapi()).expect("the OpenAPI document always serialises"))
}

#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    operation_id = "getOpenApiDocument",
    tag = "meta",
    responses((status = 200, description = "This document (OpenAPI 3.1)", content_type = "application/json", body = Object))
)]
pub async fn document() -> Json<&'static serde_json::Value> {
    Json(json())
}
