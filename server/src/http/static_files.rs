//! Static files: the landing page, the SDK with content hashing, and the demo and
//! editor single-page apps, each sent Brotli- or gzip-compressed when the client
//! accepts it ([`encoding`]).
//!
//! `/sdk/waymark.js` is the runtime's wasm-bindgen glue with its reference to
//! `waymark_bg.wasm` rewritten to `waymark_bg.<hash>.wasm` when loaded: the glue is
//! revalidated on every load (`no-cache` + ETag → 304) and the wasm it names is
//! cached for a year (`immutable`), so a new build reaches users at once and an
//! unchanged one costs a 304. Files are re-read when they change on disk. The glue is
//! compressed here, once per build, since its bytes are not the file's; its ETag
//! names the coding. Every other file, the wasm included, goes out as the copy
//! `build.sh` wrote beside it (`.br`, `.gz`) when that copy is current.
//!
//! Everything under `/sdk/` may be loaded by any page on any origin: host apps add it
//! with a `<script type="module">` (a CORS request) and it is public, so it is sent
//! with `Access-Control-Allow-Origin: *` (no credentials), `Cross-Origin-Resource-Policy:
//! cross-origin` (for pages with `Cross-Origin-Embedder-Policy: require-corp`) and
//! `Timing-Allow-Origin: *`; preflights are answered. The API's own origin checks
//! (`origins`) are not touched by this.
//!
//! Under `/demo/` and `/editor/` a path that is no file and has no extension gets the
//! app's `index.html`, so History-API routes survive a reload. Path safety (no `..`)
//! is `ServeDir`'s.

mod encoding;

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, SystemTime};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};
use tower::{Layer, ServiceExt};
use tower_http::cors::{self, CorsLayer};
use tower_http::services::{ServeDir, ServeFile};

use self::encoding::{Coding, Encoded};
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
    /// The rewritten glue, compressed here.
    glue: Encoded,
    /// The identity glue's ETag; other codings add their name to it.
    glue_etag: String,
    /// `waymark_bg.<hash>.wasm`
    wasm_name: String,
    /// The wasm and those of its copies on disk that match it.
    wasm: Encoded,
}

/// Size and modification time of the glue, the wasm and the wasm's `.br` and `.gz`
/// copies (`None`: no such file).
type Stamp = [Option<(u64, Option<SystemTime>)>; 4];

fn stamp(dir: &Path) -> std::io::Result<Stamp> {
    let meta = |path: &Path| -> std::io::Result<(u64, Option<SystemTime>)> {
        let meta = std::fs::metadata(path)?;
        Ok((meta.len(), meta.modified().ok()))
    };
    let wasm = dir.join(WASM);
    let copy = |coding| encoding::copy_path(&wasm, coding).and_then(|path| meta(&path).ok());
    Ok([
        Some(meta(&dir.join(GLUE))?),
        Some(meta(&wasm)?),
        copy(Coding::Br),
        copy(Coding::Gzip),
    ])
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
        let wasm_path = dir.join(WASM);
        let wasm = std::fs::read(&wasm_path)?;
        let hash = &hex::encode(Sha256::digest(&wasm))[..16];
        let wasm_name = format!("waymark_bg.{hash}.wasm");
        let glue = std::fs::read_to_string(dir.join(GLUE))?.replace(WASM, &wasm_name);
        let sdk = Arc::new(Sdk {
            stamp: now,
            glue_etag: etag_of(glue.as_bytes()),
            glue: Encoded::compress(Bytes::from(glue)),
            wasm_name,
            wasm: Encoded::with_copies(Bytes::from(wasm), &wasm_path),
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
        "/demo" | "/editor" => redirect_to_folder(request.uri()),
        _ => {
            if let Some(rest) = path.strip_prefix("/sdk/") {
                sdk(state, rest.to_owned(), request).await
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

/// CORS for the SDK: any origin, no credentials, GET and HEAD. A preflight is
/// answered here (200, cached by the browser for a day); no `Vary: Origin`, since
/// the answer is the same for every origin.
static SDK_CORS: LazyLock<CorsLayer> = LazyLock::new(|| {
    CorsLayer::new()
        .allow_origin(cors::Any)
        .allow_methods([Method::GET, Method::HEAD])
        .allow_headers(cors::Any)
        .max_age(Duration::from_secs(24 * 60 * 60))
        .vary([])
});

/// A file under `/sdk/` (`rest` is the path after it), loadable from any origin.
async fn sdk(state: Arc<AppState>, rest: String, request: Request) -> Response {
    let files = tower::service_fn(move |request: Request| {
        let state = state.clone();
        let rest = rest.clone();
        async move { Ok::<_, Infallible>(sdk_file(&state, &rest, request).await) }
    });
    let mut response = match SDK_CORS.layer(files).oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let headers = response.headers_mut();
    headers.insert(
        HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("cross-origin"),
    );
    headers.insert(
        HeaderName::from_static("timing-allow-origin"),
        HeaderValue::from_static("*"),
    );
    response
}

async fn sdk_file(state: &AppState, rest: &str, request: Request) -> Response {
    let hashed = rest.starts_with("waymark_bg.") && rest.ends_with(".wasm") && rest != WASM;
    if rest != GLUE && !hashed {
        return serve_dir(state.config.www_dir.join("sdk"), rest, request).await;
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return method_not_allowed();
    }
    let sdk = match state.sdk.get(&state.config.www_dir.join("sdk")) {
        Ok(sdk) => sdk,
        Err(error) => return sdk_missing(&error),
    };
    let headers = request.headers();
    if rest == GLUE {
        let (coding, body) = sdk.glue.choose(headers);
        let etag = etag_for(&sdk.glue_etag, coding);
        let response = if not_modified(headers, &etag) {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            body.into_response()
        };
        let response = encoded(
            response,
            coding,
            "text/javascript; charset=utf-8",
            "no-cache",
        );
        return with_etag(response, &etag);
    }
    if sdk.wasm_name != rest {
        // An older build's name: that content is gone, and must not be cached as
        // if it were this build's.
        return (
            StatusCode::NOT_FOUND,
            "no such SDK build; reload the page\n",
        )
            .into_response();
    }
    let (coding, body) = sdk.wasm.choose(headers);
    encoded(body.into_response(), coding, "application/wasm", IMMUTABLE)
}

/// The ETag of the glue in `coding`: each coding's bytes are another representation,
/// so caches must not take one for another.
fn etag_for(identity: &str, coding: Coding) -> String {
    match coding {
        Coding::Identity => identity.to_owned(),
        _ => format!(
            "{}-{}\"",
            identity.strip_suffix('"').unwrap_or(identity),
            coding.token()
        ),
    }
}

/// A body held in memory (or a 304 for it), with the headers that say what it is.
fn encoded(
    mut response: Response,
    coding: Coding,
    content_type: &'static str,
    cache_control: &'static str,
) -> Response {
    let status = response.status();
    let headers = response.headers_mut();
    if status == StatusCode::OK {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    }
    if let Some(value) = coding.content_encoding() {
        headers.insert(header::CONTENT_ENCODING, value);
    }
    headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    response
}

fn with_etag(mut response: Response, etag: &str) -> Response {
    if let Ok(etag) = HeaderValue::from_str(etag) {
        response.headers_mut().insert(header::ETAG, etag);
    }
    response
}

fn method_not_allowed() -> Response {
    (
        StatusCode::METHOD_NOT_ALLOWED,
        [(header::ALLOW, "GET, HEAD, OPTIONS")],
        "the SDK's files are read with GET or HEAD\n",
    )
        .into_response()
}

fn sdk_missing(error: &std::io::Error) -> Response {
    tracing::warn!(%error, "the SDK is not built; run ./build.sh");
    (
        StatusCode::NOT_FOUND,
        "the Waymark SDK is not built on this server: run ./build.sh\n",
    )
        .into_response()
}

/// `request` told to accept only the coding it will be answered in: the one it
/// prefers among those `file` has a current copy in (identity when it has none, or
/// when the path is none `ServeDir` would serve). `ServeDir` and `ServeFile` then
/// open that copy, so an out-of-date one is never sent.
async fn accept_current_copies(mut request: Request, file: Option<PathBuf>) -> Request {
    let mut coding = Coding::Identity;
    if let Some(file) = file {
        let headers = request.headers();
        let br = encoding::accepts(headers, Coding::Br)
            && encoding::has_fresh_copy(&file, Coding::Br).await;
        let gzip = encoding::accepts(headers, Coding::Gzip)
            && encoding::has_fresh_copy(&file, Coding::Gzip).await;
        coding = encoding::negotiate(headers, |c| match c {
            Coding::Br => br,
            Coding::Gzip => gzip,
            Coding::Identity => true,
        });
    }
    request.headers_mut().insert(
        header::ACCEPT_ENCODING,
        HeaderValue::from_static(coding.token()),
    );
    request
}

/// The answer of a file service, which differs by `Accept-Encoding`.
fn varies_by_encoding(mut response: Response) -> Response {
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    response
}

/// Serves `rest` (still percent-encoded) from `dir` with `ServeDir`, which refuses
/// paths that leave the folder, from its current precompressed copy when there is one.
async fn serve_dir(dir: PathBuf, rest: &str, request: Request) -> Response {
    let request = with_path(request, rest);
    let request = accept_current_copies(request, encoding::file_for(&dir, rest)).await;
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip();
    match files.oneshot(request).await {
        Ok(response) => varies_by_encoding(response.map(Body::new)),
        Err(never) => match never {},
    }
}

async fn serve_file(file: PathBuf, request: Request) -> Response {
    let request = accept_current_copies(request, Some(file.clone())).await;
    let files = ServeFile::new(file).precompressed_br().precompressed_gzip();
    match files.oneshot(request).await {
        Ok(response) => varies_by_encoding(response.map(Body::new)),
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
