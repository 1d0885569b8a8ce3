//! Which browser origins may call an app's public endpoints.
//!
//! Owns origin syntax (`scheme://host[:port]`, as browsers send it), the server's own
//! origins (always allowed: the demo and editor pages are served from here), and a
//! short-lived cache of each app's allowed origins so the hot path (events) does not
//! read the database per request. Changes made through this process's API clear the
//! cache at once; other processes on the same database see them within [`TTL`].

use std::collections::{HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::db::{self, Db};

/// How long an app's origins are trusted from memory.
pub const TTL: Duration = Duration::from_secs(5);
/// Entries kept at most; past it the cache starts over (it is only a cache).
const MAX_ENTRIES: usize = 10_000;

/// The normal form of an origin, or why it is not one: a scheme of http or https, a
/// host, maybe a port, nothing else (`https://app.example.com:8443`).
pub fn normalize(origin: &str) -> Result<String, String> {
    let url =
        url::Url::parse(origin.trim()).map_err(|e| format!("`{origin}` is not a URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("`{origin}` must use http or https"));
    }
    if url.host_str().is_none() {
        return Err(format!("`{origin}` has no host"));
    }
    if url.path() != "/"
        || url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
    {
        return Err(format!(
            "`{origin}` is not an origin: give only scheme, host and port, like `https://app.example.com`"
        ));
    }
    Ok(url.origin().ascii_serialization())
}

/// The server's own origins for a bound address: loopback and unspecified addresses
/// are reached as both 127.0.0.1 and localhost; plus the configured public URL.
pub fn own_origins(addr: SocketAddr, public_url: Option<&str>) -> Vec<String> {
    let port = addr.port();
    let mut origins = Vec::new();
    if addr.ip().is_loopback() || addr.ip().is_unspecified() {
        origins.push(format!("http://127.0.0.1:{port}"));
        origins.push(format!("http://localhost:{port}"));
    } else {
        origins.push(format!("http://{addr}"));
    }
    if let Some(public) = public_url.and_then(|url| url::Url::parse(url).ok()) {
        let origin = public.origin().ascii_serialization();
        if origin != "null" && !origins.contains(&origin) {
            origins.push(origin);
        }
    }
    origins
}

/// Whether `origin` names the host the request was sent to (`Host` header): then
/// the page calling is one of ours, whatever name it used to reach us.
pub fn is_same_origin(origin: &str, host: Option<&str>) -> bool {
    let (Some(host), Ok(url)) = (host, url::Url::parse(origin)) else {
        return false;
    };
    let Some(origin_host) = url.host_str() else {
        return false;
    };
    let authority = match url.port() {
        Some(port) => format!("{origin_host}:{port}"),
        None => origin_host.to_owned(),
    };
    authority.eq_ignore_ascii_case(host)
}

/// An app as the public endpoints need it.
#[derive(Debug)]
pub struct PublicApp {
    pub id: String,
    pub origins: HashSet<String>,
}

/// When an app was read, and what was found.
type Entry = (Instant, Option<Arc<PublicApp>>);

#[derive(Default)]
pub struct AppCache {
    entries: RwLock<HashMap<String, Entry>>,
}

impl AppCache {
    /// The app, from memory when recently read; `None` when there is no such app.
    pub async fn get(&self, db: &Db, id: &str) -> Result<Option<Arc<PublicApp>>, db::Error> {
        if let Some((at, app)) = self.entries.read().expect("cache lock").get(id) {
            if at.elapsed() < TTL {
                return Ok(app.clone());
            }
        }
        let mut conn = db.pool().acquire().await?;
        let app = db::apps::get(&mut conn, id).await?.map(|app| {
            Arc::new(PublicApp {
                id: app.id,
                origins: app.origins.into_iter().collect(),
            })
        });
        let mut entries = self.entries.write().expect("cache lock");
        if entries.len() >= MAX_ENTRIES {
            entries.clear();
        }
        entries.insert(id.to_owned(), (Instant::now(), app.clone()));
        Ok(app)
    }

    /// Forgets an app after it changed here.
    pub fn forget(&self, id: &str) {
        self.entries.write().expect("cache lock").remove(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalized_and_paths_refused() {
        assert_eq!(
            normalize("https://App.Example.com").unwrap(),
            "https://app.example.com"
        );
        assert_eq!(normalize("https://a.test:443/").unwrap(), "https://a.test");
        assert_eq!(
            normalize("http://a.test:8080").unwrap(),
            "http://a.test:8080"
        );
        assert!(normalize("https://a.test/app").is_err());
        assert!(normalize("ftp://a.test").is_err());
        assert!(normalize("a.test").is_err());
    }

    #[test]
    fn a_loopback_server_owns_both_its_ip_and_localhost_origins() {
        let own = own_origins(
            "127.0.0.1:4321".parse().unwrap(),
            Some("https://waymark.example.com/x"),
        );
        assert_eq!(
            own,
            vec![
                "http://127.0.0.1:4321",
                "http://localhost:4321",
                "https://waymark.example.com"
            ]
        );
    }

    #[test]
    fn same_origin_compares_the_origin_with_the_host_header() {
        assert!(is_same_origin(
            "http://127.0.0.1:4321",
            Some("127.0.0.1:4321")
        ));
        assert!(!is_same_origin(
            "http://evil.test:4321",
            Some("127.0.0.1:4321")
        ));
        assert!(!is_same_origin("http://127.0.0.1:4321", None));
    }
}
