//! The few browser facilities the editor uses besides the DOM yew manages: the
//! session's token, files in and out, the location hash it routes by, and which
//! apps refuse the app panel's frame.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

const TOKEN_KEY: &str = "waymark-editor:token";
const APP_KEY: &str = "waymark-editor:app";

fn session() -> Option<web_sys::Storage> {
    gloo::utils::window().session_storage().ok().flatten()
}

fn local() -> Option<web_sys::Storage> {
    gloo::utils::window().local_storage().ok().flatten()
}

/// The token of this tab's session. Kept in session storage: it is gone when the
/// tab closes, and never shared with other sites.
pub fn saved_token() -> Option<String> {
    session()?.get_item(TOKEN_KEY).ok().flatten()
}

pub fn save_token(token: Option<&str>) {
    if let Some(s) = session() {
        let _ = match token {
            Some(t) => s.set_item(TOKEN_KEY, t),
            None => s.remove_item(TOKEN_KEY),
        };
    }
}

/// The app last worked on, remembered across sessions (it is not a secret).
pub fn saved_app() -> Option<String> {
    local()?.get_item(APP_KEY).ok().flatten()
}

pub fn save_app(app: &str) {
    if let Some(s) = local() {
        let _ = s.set_item(APP_KEY, app);
    }
}

/// Offers JSON `text` as a file download named `name`.
pub fn download(name: &str, text: &str) {
    download_as(name, text, "application/json");
}

/// Offers `text` of media type `mime` as a file download named `name`.
pub fn download_as(name: &str, text: &str, mime: &str) {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let document = gloo::utils::document();
    if let Ok(a) = document.create_element("a") {
        let a: web_sys::HtmlAnchorElement = a.unchecked_into();
        a.set_href(&url);
        a.set_download(name);
        a.click();
    }
    // The browser reads the blob after this task: free it a little later.
    gloo::timers::callback::Timeout::new(30_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
}

/// The text of a file the agent chose.
pub async fn read_file(file: &web_sys::File) -> Option<String> {
    JsFuture::from(file.text()).await.ok()?.as_string()
}

/// The route in the location hash, without `#`.
pub fn hash() -> String {
    let hash = gloo::utils::window().location().hash().unwrap_or_default();
    hash.trim_start_matches('#').to_owned()
}

pub fn set_hash(route: &str) {
    let _ = gloo::utils::window().location().set_hash(route);
}

/// Rewrites the hash in place: no new history entry, no `hashchange`. For state a
/// page keeps in its address (the Insights filters) as it changes.
pub fn replace_hash(route: &str) {
    if let Ok(history) = gloo::utils::window().history() {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("#{route}")));
    }
}

/// The origin of this page: where the API and the editor live.
pub fn origin() -> String {
    gloo::utils::window()
        .location()
        .origin()
        .unwrap_or_default()
}

const UNFRAMEABLE_KEY: &str = "waymark-editor:unframeable:";

/// Whether the app at `origin` refused the editor's frame before (its runtime
/// answered in a window, never in the frame), so its panel opens in window mode.
pub fn unframeable(origin: &str) -> bool {
    local()
        .and_then(|s| {
            s.get_item(&format!("{UNFRAMEABLE_KEY}{origin}"))
                .ok()
                .flatten()
        })
        .is_some()
}

/// Remembers (`true`) or forgets that the app at `origin` refuses to be framed.
pub fn remember_unframeable(origin: &str, refused: bool) {
    let Some(storage) = local() else { return };
    let key = format!("{UNFRAMEABLE_KEY}{origin}");
    let _ = if refused {
        storage.set_item(&key, "1")
    } else {
        storage.remove_item(&key)
    };
}

fn unsaved_key(app: &str, id: &str) -> String {
    format!("waymark-editor:unsaved:{app}:{id}")
}

/// Unsaved edits of a guide kept in this browser, with when they were made.
pub fn unsaved(app: &str, id: &str) -> Option<(String, i64)> {
    let text = local()?.get_item(&unsaved_key(app, id)).ok().flatten()?;
    let (at, json) = text.split_once('\n')?;
    Some((json.to_owned(), at.parse().ok()?))
}

/// Keeps (`Some`) or forgets (`None`) a guide's unsaved edits in this browser, so a
/// closed tab or a crash does not lose them.
pub fn keep_unsaved(app: &str, id: &str, json: Option<&str>) {
    let Some(storage) = local() else { return };
    let key = unsaved_key(app, id);
    let _ = match json {
        Some(json) => storage.set_item(&key, &format!("{}\n{json}", js_sys::Date::now() as i64)),
        None => storage.remove_item(&key),
    };
}
