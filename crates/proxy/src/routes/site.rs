//! The built widget (Trunk's dist/, with precompressed siblings when present) under
//! `/widget/`, and a demo host page at `/` that embeds it the way a site owner would.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use axum::Router;
use std::path::Path;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use super::checkout::html_escape;
use super::AppState;

const DEMO_PAGE: &str = include_str!("../../demo/index.html");

pub fn routes(widget_dir: &Path) -> Router<AppState> {
    if !widget_dir.join("tessera.js").is_file() {
        tracing::warn!(dir = %widget_dir.display(), "the widget is not built here; run scripts/build-widget.sh");
    }
    let widget = ServeDir::new(widget_dir).precompressed_br().precompressed_gzip();
    Router::new()
        .route("/", get(demo_page))
        // The loader's name never changes, so browsers must check it is current.
        .nest_service("/widget", widget)
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-cache")))
}

async fn demo_page(State(app): State<AppState>) -> impl IntoResponse {
    let featured = app.demo_event.as_deref().map(html_escape).unwrap_or_default();
    Html(DEMO_PAGE.replace("{{FEATURED_EVENT}}", &featured))
}
