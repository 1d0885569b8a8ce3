//! What the host page told us: the options of `init` and the user of `identify`.
//!
//! Owns turning loosely typed JavaScript values into a [`Config`] and a [`User`],
//! with defaults for everything but the app key, so that a typo in a host page gives
//! a console warning and a working runtime rather than an exception.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use waymark::map::SortedMap;

use crate::dom;

/// Who is using the page: an id for progress and analytics, and the attributes
/// audience rules look at (`role`, `department`, `locale`, ...).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct User {
    pub id: Option<String>,
    pub attributes: SortedMap<String>,
}

impl User {
    /// Reads `"u-42"`, `{id: "u-42", role: "buyer"}` or nothing. Values that are
    /// not strings are turned into strings; `null` and `undefined` are left out.
    pub fn from_js(value: &JsValue) -> User {
        if let Some(id) = value.as_string() {
            return User {
                id: Some(id),
                attributes: SortedMap::new(),
            };
        }
        let Some(obj) = value.dyn_ref::<Object>() else {
            return User::default();
        };
        let mut user = User::default();
        for entry in Object::entries(obj).iter() {
            let pair = Array::from(&entry);
            let (Some(key), value) = (pair.get(0).as_string(), pair.get(1)) else {
                continue;
            };
            if value.is_null() || value.is_undefined() || value.is_object() {
                continue;
            }
            let text = value
                .as_string()
                .or_else(|| {
                    // The browser writes the number (no float formatting in the wasm).
                    let n = js_sys::Number::from(value.as_f64()?);
                    n.to_string_with_radix(10).ok().map(String::from)
                })
                .or_else(|| {
                    value
                        .as_bool()
                        .map(|b| (if b { "true" } else { "false" }).to_owned())
                })
                .unwrap_or_default();
            if key == "id" {
                user.id = Some(text);
            } else {
                user.attributes.insert(key, text);
            }
        }
        user
    }

    /// The part of the localStorage key that names the user.
    pub fn storage_name(&self) -> &str {
        self.id.as_deref().unwrap_or("anonymous")
    }
}

/// Everything `init` was given, with defaults filled in.
#[derive(Clone, Debug)]
pub struct Config {
    /// Base URL of the Waymark server, without a trailing slash.
    pub server: String,
    pub app: String,
    pub user: User,
    /// BCP 47 tag; the browser's language when not given.
    pub locale: String,
    /// Guides given inline (an array of definitions); the server catalog is not
    /// fetched then.
    pub guides: Option<JsValue>,
    /// Show the "Help" launcher button.
    pub launcher: bool,
    /// Record the time of every repositioning frame (see `Waymark.bench()`).
    pub bench: bool,
}

impl Config {
    /// Reads the options of `init`. `default_server` is where the SDK was loaded
    /// from, when known.
    pub fn from_js(options: &JsValue, default_server: &str) -> Result<Config, String> {
        let get = |key: &str| Reflect::get(options, &JsValue::from_str(key)).ok();
        let app = dom::get_str(options, "app").unwrap_or_default();
        if app.trim().is_empty() {
            return Err("init needs `app`, the key of your app on the Waymark server".into());
        }
        let server = dom::get_str(options, "server")
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| default_server.to_owned());
        let server = if server.is_empty() {
            dom::window()
                .and_then(|w| w.location().origin().ok())
                .unwrap_or_default()
        } else {
            server
        };
        let user = get("user").map(|u| User::from_js(&u)).unwrap_or_default();
        let locale = dom::get_str(options, "locale")
            .filter(|l| !l.is_empty())
            .or_else(|| user.attributes.get("locale").cloned())
            .or_else(|| dom::window().and_then(|w| w.navigator().language()))
            .unwrap_or_else(|| "en".into());
        let guides = get("guides").filter(Array::is_array);
        let flag = |key: &str, default: bool| get(key).and_then(|v| v.as_bool()).unwrap_or(default);
        Ok(Config {
            server: server.trim_end_matches('/').to_owned(),
            app: app.trim().to_owned(),
            user,
            locale,
            guides,
            launcher: flag("launcher", true),
            bench: flag("bench", false),
        })
    }

    pub fn catalog_url(&self) -> String {
        [&self.server, "/v1/apps/", &encode(&self.app), "/guides"].concat()
    }

    pub fn events_url(&self) -> String {
        [&self.server, "/v1/apps/", &encode(&self.app), "/events"].concat()
    }
}

fn encode(segment: &str) -> String {
    js_sys::encode_uri_component(segment).into()
}
