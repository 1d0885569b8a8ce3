//! Per-app help desks and category routing.
//!
//! An app may file its tickets in a help desk of its own (purchasing in RT's queue
//! "Purchasing", HR in Zendesk); an app without one uses the server's `[helpdesk]`.
//! Each app also has a routing table: a guide's `category` names a target whose
//! meaning depends on the connector ([`Routing::route`], [`target_field`]); an
//! unmapped category gets the table's `default`, or else the connector's own default.
//!
//! Owns the rules that keep credentials write-only: which keys of each kind are
//! credentials ([`secret_fields`]), the view of a configuration without them
//! ([`redacted`], which says `token_set: true` instead), and the merge of a new
//! configuration that leaves a credential out with the stored one ([`merge`]). A stored
//! credential is kept only for the same kind and the same URL origin: a changed URL
//! must be given its credential again, so a stored secret is never sent to a host it
//! was not entered for. It must not store anything or know HTTP.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::HelpdeskConfig;

/// Where each category of an app's tickets goes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Routing {
    /// The target of a category not in `categories`; when absent, the connector's own
    /// default (RT's `queue`, Zammad's `group`, Jira's `request_type_id`, or none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// A guide's `category` → the target, as the help desk names it: RT queue,
    /// Zendesk `group_id`, ServiceNow `assignment_group`, Jira `requestTypeId`,
    /// Freshdesk `group_id`, Zammad `group`, BMC `Assigned Group`, the webhook's
    /// `route` field.
    #[serde(default)]
    pub categories: BTreeMap<String, String>,
}

/// At most this many categories per app.
pub const MAX_CATEGORIES: usize = 200;
/// A category or a target, at most this long.
pub const MAX_TEXT: usize = 200;

impl Routing {
    /// The target for a ticket's category: its mapping, else `default`, else None
    /// (the connector's configured default).
    pub fn route(&self, category: Option<&str>) -> Option<String> {
        category
            .and_then(|c| self.categories.get(c.trim()))
            .or(self.default.as_ref())
            .cloned()
    }

    pub fn is_empty(&self) -> bool {
        self.default.is_none() && self.categories.is_empty()
    }

    /// Refuses empty or overlong names and targets the connector `kind` cannot take
    /// (Zendesk's and Freshdesk's group ids are numbers); the error is `(path, why)`
    /// with the path below `routing`.
    pub fn check(&self, kind: &str) -> Result<(), (String, String)> {
        if self.categories.len() > MAX_CATEGORIES {
            return Err((
                "categories".into(),
                format!("at most {MAX_CATEGORIES} categories"),
            ));
        }
        if let Some(d) = &self.default {
            check_target(kind, d).map_err(|m| ("default".to_owned(), m))?;
        }
        for (category, target) in &self.categories {
            let at = format!("categories.{category}");
            if category.trim().is_empty() || category.trim() != category {
                return Err((
                    at,
                    "a category is a non-empty name without spaces around it".into(),
                ));
            }
            if category.chars().count() > MAX_TEXT {
                return Err((at, format!("a category has at most {MAX_TEXT} characters")));
            }
            check_target(kind, target).map_err(|m| (at, m))?;
        }
        Ok(())
    }
}

fn check_target(kind: &str, target: &str) -> Result<(), String> {
    if target.trim().is_empty() {
        return Err(format!("give the {}", target_field(kind)));
    }
    if target.chars().count() > MAX_TEXT {
        return Err(format!("at most {MAX_TEXT} characters"));
    }
    if matches!(kind, "zendesk" | "freshdesk") && target.trim().parse::<u64>().is_err() {
        return Err(format!(
            "`{target}` is not a number: {} takes the group's numeric id",
            target_field(kind)
        ));
    }
    Ok(())
}

/// What a routing target sets in the help desk of `kind`.
pub fn target_field(kind: &str) -> &'static str {
    match kind {
        "rt" => "RT queue",
        "zendesk" => "Zendesk group_id",
        "freshdesk" => "Freshdesk group_id",
        "servicenow" => "ServiceNow assignment_group",
        "jira" => "Jira Service Management requestTypeId",
        "bmc" => "BMC Helix Assigned Group",
        "zammad" => "Zammad group",
        "webhook" => "webhook's route field",
        _ => "routing target (the built-in inbox ignores it)",
    }
}

/// The credential keys of each kind: never answered, exported or logged.
pub fn secret_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "rt" => &["token", "password"],
        "zendesk" | "jira" => &["api_token"],
        "freshdesk" => &["api_key"],
        "servicenow" | "bmc" => &["password"],
        "zammad" => &["token"],
        "webhook" => &["secret"],
        _ => &[],
    }
}

/// The kind of a configuration, as written in `kind`.
pub fn kind_of(cfg: &HelpdeskConfig) -> &'static str {
    match cfg {
        HelpdeskConfig::Inbox => "inbox",
        HelpdeskConfig::Rt(_) => "rt",
        HelpdeskConfig::Zendesk(_) => "zendesk",
        HelpdeskConfig::Freshdesk(_) => "freshdesk",
        HelpdeskConfig::Servicenow(_) => "servicenow",
        HelpdeskConfig::Jira(_) => "jira",
        HelpdeskConfig::Bmc(_) => "bmc",
        HelpdeskConfig::Zammad(_) => "zammad",
        HelpdeskConfig::Webhook(_) => "webhook",
    }
}

/// The configuration without its credentials: each credential key `k` becomes
/// `k_set: true` (or `false` when the kind has it but none is stored).
pub fn redacted(cfg: &HelpdeskConfig) -> Value {
    let mut value = serde_json::to_value(cfg).unwrap_or(Value::Null);
    let kind = kind_of(cfg);
    if let Value::Object(map) = &mut value {
        for key in secret_fields(kind) {
            let set = map
                .remove(*key)
                .is_some_and(|v| v.as_str().is_some_and(|s| !s.is_empty()));
            map.insert(format!("{key}_set"), Value::Bool(set));
        }
    }
    value
}

/// Reads an environment variable (the importer's `k_env` keys).
pub type EnvLookup<'a> = &'a (dyn Fn(&str) -> Option<String> + Sync);

/// A configuration that could not be taken: `(path below the configuration, why)`.
pub type Refusal = (String, String);

/// Reads a configuration given as JSON and checks it.
///
/// Keys `k_set` (from [`redacted`]) are ignored. A credential left out (absent,
/// null or empty) takes `stored`'s when `stored` is the same kind at the same URL
/// origin; with `env` (the importer), `k_env: "NAME"` reads the credential from that
/// environment variable. A credential is never part of a refusal's text.
pub fn merge(
    given: &Value,
    stored: Option<&HelpdeskConfig>,
    env: Option<EnvLookup<'_>>,
) -> Result<HelpdeskConfig, Refusal> {
    let Value::Object(given) = given else {
        return Err((
            String::new(),
            "give an object with `kind` and that help desk's keys".into(),
        ));
    };
    let kind =
        match given.get("kind") {
            Some(Value::String(k)) => k.clone(),
            Some(_) => return Err(("kind".into(), "must be a string".into())),
            None => return Err((
                "kind".into(),
                "missing: inbox, rt, zendesk, freshdesk, servicenow, jira, bmc, zammad or webhook"
                    .into(),
            )),
        };
    let secrets = secret_fields(&kind);
    // `k_set: true` (an export's or a GET's word that a credential exists) must end
    // with a credential, or the setting would silently lose it.
    let promised: Vec<&str> = secrets
        .iter()
        .copied()
        .filter(|k| given.get(&format!("{k}_set")) == Some(&Value::Bool(true)))
        .collect();
    let mut map = Map::new();
    for (key, value) in given {
        if key
            .strip_suffix("_set")
            .is_some_and(|k| secrets.contains(&k))
        {
            continue;
        }
        if let Some(k) = key.strip_suffix("_env").filter(|k| secrets.contains(k)) {
            let Some(read) = env else {
                return Err((key.clone(), "unknown key".into()));
            };
            let Value::String(name) = value else {
                return Err((
                    key.clone(),
                    "must be the name of an environment variable".into(),
                ));
            };
            let secret = read(name).filter(|s| !s.is_empty()).ok_or_else(|| {
                (
                    key.clone(),
                    format!("the environment variable `{name}` is not set"),
                )
            })?;
            map.insert(k.to_owned(), Value::String(secret));
            continue;
        }
        if secrets.contains(&key.as_str()) {
            match value {
                Value::Null => continue,
                Value::String(s) if s.is_empty() => continue,
                Value::String(_) => {}
                _ => return Err((key.clone(), "must be a string".into())),
            }
        }
        if !map.contains_key(key) {
            map.insert(key.clone(), value.clone());
        }
    }
    let url = map.get("url").and_then(Value::as_str).map(str::to_owned);
    if let Some(stored) = stored.filter(|s| kind_of(s) == kind) {
        let old = serde_json::to_value(stored).unwrap_or(Value::Null);
        let same_place = match (url.as_deref(), old["url"].as_str()) {
            (Some(new), Some(old)) => origin(new).is_some() && origin(new) == origin(old),
            _ => false,
        };
        for key in secrets {
            if map.contains_key(*key) {
                continue;
            }
            if let Some(secret) = old.get(*key).filter(|v| v.is_string()) {
                if !same_place {
                    return Err((
                        (*key).to_owned(),
                        "give the credential again: the URL's host changed, and a stored credential is only sent where it was entered for".into(),
                    ));
                }
                map.insert((*key).to_owned(), secret.clone());
            }
        }
    }
    if let Some(missing) = promised.iter().find(|k| !map.contains_key(**k)) {
        let how = if env.is_some() {
            format!(
                "give `{missing}`, or `{missing}_env` naming an environment variable that holds it"
            )
        } else {
            format!("give `{missing}`")
        };
        return Err((
            (*missing).to_owned(),
            format!("the credential is set where this came from but not stored here: {how}"),
        ));
    }
    let cfg: HelpdeskConfig =
        serde_json::from_value(Value::Object(map)).map_err(|e| refusal(&e.to_string()))?;
    check(&cfg)?;
    Ok(cfg)
}

/// An app's help-desk setting as given (the API's PUT, an import), checked: the
/// configuration merged with `stored` (see [`merge`]; None or null: the server's
/// help desk, of kind `server_kind`) and the routing checked against the kind it
/// will be used with. Refusal paths start at `helpdesk.` or `routing.`.
pub fn check_setting(
    given: Option<&Value>,
    routing: &Routing,
    stored: Option<&HelpdeskConfig>,
    server_kind: &str,
    env: Option<EnvLookup<'_>>,
) -> Result<Option<HelpdeskConfig>, Refusal> {
    let cfg = match given {
        None | Some(Value::Null) => None,
        Some(v) => Some(merge(v, stored, env).map_err(|(p, m)| (join("helpdesk", &p), m))?),
    };
    let kind = cfg.as_ref().map(kind_of).unwrap_or(server_kind);
    routing
        .check(kind)
        .map_err(|(p, m)| (join("routing", &p), m))?;
    Ok(cfg)
}

fn join(at: &str, path: &str) -> String {
    if path.is_empty() {
        at.to_owned()
    } else {
        format!("{at}.{path}")
    }
}

/// A configuration's URL must be http(s) with a host.
pub fn check(cfg: &HelpdeskConfig) -> Result<(), Refusal> {
    let value = serde_json::to_value(cfg).unwrap_or(Value::Null);
    if let Some(url) = value.get("url").and_then(Value::as_str) {
        match url::Url::parse(url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {}
            Ok(u) => {
                return Err((
                    "url".into(),
                    format!(
                        "`{}:` is not a web address: give http:// or https:// with a host",
                        u.scheme()
                    ),
                ))
            }
            Err(e) => {
                return Err((
                    "url".into(),
                    format!("not a URL ({e}): give e.g. https://helpdesk.example.com"),
                ))
            }
        }
        if url.contains('@') {
            return Err((
                "url".into(),
                "put credentials in their own keys, not in the URL".into(),
            ));
        }
    }
    Ok(())
}

fn origin(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()
        .map(|u| u.origin().ascii_serialization())
        .filter(|o| o != "null")
}

/// serde's message about a configuration, with the key it names as the path.
fn refusal(message: &str) -> Refusal {
    let message = match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    };
    let named = message
        .split('`')
        .nth(1)
        .map(str::to_owned)
        .unwrap_or_default();
    if message.starts_with("unknown variant") {
        ("kind".into(), message.to_owned())
    } else if message.starts_with("missing field") || message.starts_with("unknown field") {
        (named, message.to_owned())
    } else {
        (String::new(), message.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rt(url: &str) -> HelpdeskConfig {
        serde_json::from_value(json!({"kind": "rt", "url": url, "token": "s3cr3t"})).unwrap()
    }

    #[test]
    fn the_redacted_view_says_a_credential_is_set_without_it() {
        let view = redacted(&rt("https://rt.example.com"));
        assert_eq!(view["token_set"], true);
        assert_eq!(view["password_set"], false);
        assert!(!view.to_string().contains("s3cr3t"), "{view}");
    }

    #[test]
    fn a_credential_left_out_is_kept_for_the_same_origin_only() {
        let stored = rt("https://rt.example.com");
        let kept = merge(
            &json!({"kind": "rt", "url": "https://rt.example.com/", "queue": "Purchasing", "token_set": true}),
            Some(&stored),
            None,
        )
        .unwrap();
        assert_eq!(serde_json::to_value(&kept).unwrap()["token"], "s3cr3t");
        let (path, why) = merge(
            &json!({"kind": "rt", "url": "https://evil.example.net"}),
            Some(&stored),
            None,
        )
        .unwrap_err();
        assert_eq!(path, "token");
        assert!(why.contains("URL's host changed"), "{why}");
    }

    #[test]
    fn bad_configurations_are_refused_by_the_key_at_fault() {
        let bad = |v: Value| merge(&v, None, None).unwrap_err().0;
        assert_eq!(
            bad(json!({"kind": "jitterbug", "url": "https://x.test"})),
            "kind"
        );
        assert_eq!(bad(json!({"kind": "rt", "token": "t"})), "url");
        assert_eq!(bad(json!({"kind": "rt", "url": "not a url"})), "url");
        assert_eq!(bad(json!({"kind": "rt", "url": "ftp://x.test"})), "url");
        assert_eq!(
            bad(json!({"kind": "rt", "url": "https://x.test", "colour": 1})),
            "colour"
        );
        assert_eq!(
            bad(json!({"kind": "zammad", "url": "https://x.test", "token": 5})),
            "token"
        );
    }

    #[test]
    fn routing_maps_a_category_then_falls_back_to_the_default() {
        let r = Routing {
            default: Some("General".into()),
            categories: [("purchasing".to_owned(), "Purchasing".to_owned())].into(),
        };
        assert_eq!(r.route(Some("purchasing")).as_deref(), Some("Purchasing"));
        assert_eq!(r.route(Some("hr")).as_deref(), Some("General"));
        assert_eq!(r.route(None).as_deref(), Some("General"));
        assert_eq!(Routing::default().route(Some("hr")), None);
        let numeric = Routing {
            default: None,
            categories: [("hr".to_owned(), "People".to_owned())].into(),
        };
        let (path, why) = numeric.check("zendesk").unwrap_err();
        assert_eq!(path, "categories.hr");
        assert!(why.contains("group_id"), "{why}");
        assert!(numeric.check("rt").is_ok());
    }
}
