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
                .layer(axum::middleware::from_fn(cache_for_name))
                .service(widget),
        )
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-cache")))
}

/// How long a browser may keep a widget file, by its name: the files whose name carries a hash
/// of their content (scripts/build-widget.sh) never change, so forever; the loader, the one
/// stable name site owners embed, for five minutes, so a new build reaches returning buyers
/// soon (it then asks again, and a 304 costs a few bytes). Anything else is checked each time.
fn cache_control(path: &str) -> Option<HeaderValue> {
    let name = path.rsplit('/').next().unwrap_or_default();
    let stem = name.rsplit_once('.').map(|(stem, _)| stem).unwrap_or(name);
    let hashed = stem.rsplit_once('-').is_some_and(|(_, hash)| {
        hash.len() == 12 && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    });
    if hashed {
        Some(HeaderValue::from_static("public, max-age=31536000, immutable"))
    } else if path == "/tessera.js" {
        Some(HeaderValue::from_static("public, max-age=300"))
    } else {
        None
    }
}

async fn cache_for_name(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let value = cache_control(request.uri().path());
    let mut response = next.run(request).await;
    let served = response.status().is_success() || response.status() == axum::http::StatusCode::NOT_MODIFIED;
    if let (Some(value), true) = (value, served) {
        response.headers_mut().insert(header::CACHE_CONTROL, value);
    }
    response
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
/// to compile, requests only to this origin (here the proxy is the page's own server), and
/// HTML put into the page only through Trusted Types policies it names (the loader's
/// `tessera`, for the first view).
pub const STRICT_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; \
    style-src 'self'; require-trusted-types-for 'script'; trusted-types tessera";

/// The demo page under a strict Content Security Policy, to show the widget needs nothing
/// inline. (The demo's `data:` icon would break `default-src 'self'`, so it is left out.)
async fn strict_csp_page(State(app): State<AppState>) -> impl IntoResponse {
    let page = render_demo(&app).replace("  <link rel=\"icon\" href=\"data:,\">\n", "");
    ([(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(STRICT_CSP))], Html(page))
}

#[cfg(test)]
mod tests {
    use super::cache_control;

    #[test]
    fn hashed_names_are_immutable_the_loader_short_and_the_rest_checked() {
        let immutable = Some("public, max-age=31536000, immutable");
        for path in
            ["/tessera-widget-0123456789ab.js", "/tessera-widget_bg-abcdef012345.wasm", "/lang/de-0a1b2c3d4e5f.txt"]
        {
            assert_eq!(cache_control(path).as_ref().map(|v| v.to_str().unwrap()), immutable, "{path}");
        }
        assert_eq!(cache_control("/tessera.js").unwrap(), "public, max-age=300");
        for path in
            ["/tessera-widget.js", "/demo-host.css", "/integrity.json", "/tessera-widget-0123456789AB.js", "/x-123.js"]
        {
            assert!(cache_control(path).is_none(), "{path}");
        }
    }
}
