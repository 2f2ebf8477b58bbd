//! The built widget (Trunk's dist/, with precompressed siblings when present) under
//! `/widget/`, and a demo host page at `/` that embeds it the way a site owner would.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::path::Path;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use super::checkout::html_escape;
use super::AppState;

const DEMO_PAGE: &str = include_str!("../../demo/index.html");
const THEMES_PAGE: &str = include_str!("../../demo/themes.html");
const PLATFORMS_PAGE: &str = include_str!("../../demo/platforms.html");

pub fn routes(widget_dir: &Path) -> Router<AppState> {
    if !widget_dir.join("tessera.js").is_file() {
        tracing::warn!(dir = %widget_dir.display(), "the widget is not built here; run scripts/build-widget.sh");
    }
    let widget = ServeDir::new(widget_dir).precompressed_br().precompressed_gzip();
    Router::new()
        .route("/", get(demo_page))
        .route("/csp", get(strict_csp_page))
        .route("/themes", get(themes_page))
        .route("/platforms", get(|| async { Html(PLATFORMS_PAGE) }))
        // The loader's name never changes, so browsers must check it is current.
        // Other sites load these files: the module import, the wasm fetch and an `integrity`
        // check on the loader all need CORS. They are public, so any origin may read them.
        .nest_service(
            "/widget",
            tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::overriding(
                    header::ACCESS_CONTROL_ALLOW_ORIGIN,
                    HeaderValue::from_static("*"),
                ))
                .layer(axum::middleware::map_response(utf8_text))
                .service(widget),
        )
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-cache")))
}

/// The widget's language files (`lang/*.txt`) are UTF-8; `ServeDir` names them `text/plain`
/// without a charset, which a browser showing one would read as Latin-1.
async fn utf8_text<B>(mut response: Response<B>) -> Response<B> {
    if response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v == "text/plain") {
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    }
    response
}

fn render_demo(app: &AppState) -> String {
    with_featured(DEMO_PAGE, app)
}

fn with_featured(page: &str, app: &AppState) -> String {
    let featured = app.demo_event.as_deref().map(html_escape).unwrap_or_default();
    page.replace("{{FEATURED_EVENT}}", &featured)
}

/// The same widget three times, themed three ways by the page's own stylesheet.
async fn themes_page(State(app): State<AppState>) -> impl IntoResponse {
    Html(with_featured(THEMES_PAGE, &app))
}

async fn demo_page(State(app): State<AppState>) -> impl IntoResponse {
    Html(render_demo(&app))
}

/// The policy a careful site owner serves: no inline script or style anywhere, wasm allowed
/// to compile, requests only to this origin (here the proxy is the page's own server).
pub const STRICT_CSP: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; style-src 'self'";

/// The demo page under a strict Content Security Policy, to show the widget needs nothing
/// inline. (The demo's `data:` icon would break `default-src 'self'`, so it is left out.)
async fn strict_csp_page(State(app): State<AppState>) -> impl IntoResponse {
    let page = render_demo(&app).replace("  <link rel=\"icon\" href=\"data:,\">\n", "");
    ([(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(STRICT_CSP))], Html(page))
}
