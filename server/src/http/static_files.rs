//! Static files: the landing page, the SDK with content hashing, and the demo and
//! editor single-page apps.
//!
//! `/sdk/waymark.js` is the runtime's wasm-bindgen glue with its reference to
//! `waymark_bg.wasm` rewritten to `waymark_bg.<hash>.wasm` when loaded: the glue is
//! revalidated on every load (`no-cache` + ETag) and the wasm it names is cached for a
//! year (`immutable`), so a new build reaches users at once and an unchanged one costs
//! a 304. Files are re-read when they change on disk. Under `/demo/` and `/editor/`
//! a path that is no file and has no extension gets the app's `index.html`, so
//! History-API routes survive a reload. Path safety (no `..`) is `ServeDir`'s.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use super::error::ApiError;
use super::public::{etag_of, not_modified};
use super::AppState;

const GLUE: &str = "waymark.js";
const WASM: &str = "waymark_bg.wasm";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The SDK as last read from disk, keyed by the files' size and modification time.
#[derive(Default)]
pub struct SdkCache {
    loaded: Mutex<Option<Arc<Sdk>>>,
}

struct Sdk {
    stamp: Stamp,
    glue: Bytes,
    glue_etag: String,
    /// `waymark_bg.<hash>.wasm`
    wasm_name: String,
    wasm: Bytes,
}

type Stamp = [(u64, Option<SystemTime>); 2];

fn stamp(dir: &Path) -> std::io::Result<Stamp> {
    let meta = |name: &str| -> std::io::Result<(u64, Option<SystemTime>)> {
        let meta = std::fs::metadata(dir.join(name))?;
        Ok((meta.len(), meta.modified().ok()))
    };
    Ok([meta(GLUE)?, meta(WASM)?])
}

impl SdkCache {
    /// The SDK on disk, re-read when it changed. While a rebuild has removed the
    /// files, the last build read keeps being served.
    fn get(&self, dir: &Path) -> std::io::Result<Arc<Sdk>> {
        match self.read(dir) {
            Err(error) => match self.loaded.lock().expect("sdk cache lock").as_ref() {
                Some(previous) => Ok(previous.clone()),
                None => Err(error),
            },
            ok => ok,
        }
    }

    fn read(&self, dir: &Path) -> std::io::Result<Arc<Sdk>> {
        let now = stamp(dir)?;
        let mut loaded = self.loaded.lock().expect("sdk cache lock");
        if let Some(sdk) = loaded.as_ref().filter(|sdk| sdk.stamp == now) {
            return Ok(sdk.clone());
        }
        let wasm = std::fs::read(dir.join(WASM))?;
        let hash = &hex::encode(Sha256::digest(&wasm))[..16];
        let wasm_name = format!("waymark_bg.{hash}.wasm");
        let glue = std::fs::read_to_string(dir.join(GLUE))?.replace(WASM, &wasm_name);
        let sdk = Arc::new(Sdk {
            stamp: now,
            glue_etag: etag_of(glue.as_bytes()),
            glue: Bytes::from(glue),
            wasm_name,
            wasm: Bytes::from(wasm),
        });
        *loaded = Some(sdk.clone());
        Ok(sdk)
    }
}

/// Every path no API route took.
pub async fn fallback(State(state): State<Arc<AppState>>, request: Request) -> Response {
    let www = state.config.www_dir.clone();
    let path = request.uri().path().to_owned();
    if path.starts_with("/v1/") || path == "/v1" {
        return ApiError::not_found(format!(
            "no endpoint {} {path}: see /v1/openapi.json",
            request.method()
        ))
        .into_response();
    }
    let response = match path.as_str() {
        "/" => serve_file(www.join("index.html"), request).await,
        "/sdk/waymark.js" => sdk_glue(&state, &request),
        "/demo" | "/editor" => redirect_to_folder(request.uri()),
        _ => {
            if let Some(rest) = path.strip_prefix("/sdk/") {
                sdk_file(&state, rest, request).await
            } else if let Some(rest) = path.strip_prefix("/demo/") {
                spa(www.join("demo"), rest, request).await
            } else if let Some(rest) = path.strip_prefix("/editor/") {
                spa(www.join("editor"), rest, request).await
            } else {
                serve_dir(www, &path[1..], request).await
            }
        }
    };
    no_cache_unless_set(response)
}

fn no_cache_unless_set(mut response: Response) -> Response {
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        response
            .headers_mut()
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-cache"));
    }
    response
}

fn redirect_to_folder(uri: &Uri) -> Response {
    let query = uri.query().map(|q| format!("?{q}")).unwrap_or_default();
    Redirect::permanent(&format!("{}/{query}", uri.path())).into_response()
}

fn sdk_glue(state: &AppState, request: &Request) -> Response {
    let sdk = match state.sdk.get(&state.config.www_dir.join("sdk")) {
        Ok(sdk) => sdk,
        Err(error) => return sdk_missing(&error),
    };
    let mut response = if not_modified(request.headers(), &sdk.glue_etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
            sdk.glue.clone(),
        )
            .into_response()
    };
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(etag) = HeaderValue::from_str(&sdk.glue_etag) {
        headers.insert(header::ETAG, etag);
    }
    response
}

fn sdk_missing(error: &std::io::Error) -> Response {
    tracing::warn!(%error, "the SDK is not built; run ./build.sh");
    (
        StatusCode::NOT_FOUND,
        "the Waymark SDK is not built on this server: run ./build.sh\n",
    )
        .into_response()
}

async fn sdk_file(state: &AppState, rest: &str, request: Request) -> Response {
    let hashed = rest.starts_with("waymark_bg.") && rest.ends_with(".wasm") && rest != WASM;
    if !hashed {
        return serve_dir(state.config.www_dir.join("sdk"), rest, request).await;
    }
    match state.sdk.get(&state.config.www_dir.join("sdk")) {
        Ok(sdk) if sdk.wasm_name == rest => {
            let headers = [
                (header::CONTENT_TYPE, "application/wasm"),
                (header::CACHE_CONTROL, IMMUTABLE),
            ];
            (headers, sdk.wasm.clone()).into_response()
        }
        // An older build's name: that content is gone, and must not be cached as
        // if it were this build's.
        Ok(_) => (
            StatusCode::NOT_FOUND,
            "no such SDK build; reload the page\n",
        )
            .into_response(),
        Err(error) => sdk_missing(&error),
    }
}

/// Serves `rest` (still percent-encoded) from `dir` with `ServeDir`, which refuses
/// paths that leave the folder.
async fn serve_dir(dir: PathBuf, rest: &str, request: Request) -> Response {
    let request = with_path(request, rest);
    match ServeDir::new(dir).oneshot(request).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    }
}

async fn serve_file(file: PathBuf, request: Request) -> Response {
    match ServeFile::new(file).oneshot(request).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    }
}

/// The request with its path replaced by `/rest`, query kept.
fn with_path(mut request: Request, rest: &str) -> Request {
    let path_and_query = match request.uri().query() {
        Some(query) => format!("/{rest}?{query}"),
        None => format!("/{rest}"),
    };
    if let Ok(uri) = path_and_query.parse::<Uri>() {
        *request.uri_mut() = uri;
    }
    request
}

/// A file of the app, or its `index.html` for a route (a path with no extension).
async fn spa(dir: PathBuf, rest: &str, request: Request) -> Response {
    let last = rest.rsplit('/').next().unwrap_or("");
    let is_route = !last.contains('.');
    let (parts, body) = request.into_parts();
    let again = Request::from_parts(parts.clone(), Body::empty());
    let response = serve_dir(dir.clone(), rest, Request::from_parts(parts, body)).await;
    if response.status() == StatusCode::NOT_FOUND && is_route {
        return serve_file(dir.join("index.html"), again).await;
    }
    response
}
