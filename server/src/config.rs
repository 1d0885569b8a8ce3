//! Configuration: defaults, then `waymark.toml`, then `WAYMARK_<KEY>` environment
//! variables, then command-line flags, each overriding the one before.
//!
//! Owns the list of keys and their defaults. Keys are flat so every one maps to one
//! variable (`rate_limit_ip_per_s` ↔ `WAYMARK_RATE_LIMIT_IP_PER_S`). It must not hold
//! secrets where they could be printed: the admin token is a [`Secret`], whose `Debug`
//! shows nothing, and [`Config::database_url_for_logs`] hides passwords.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Deserializer, Serialize};

/// The file read when no `--config` is given and it exists.
pub const DEFAULT_FILE: &str = "waymark.toml";

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port.
    pub addr: SocketAddr,
    /// `sqlite://path/to/waymark.db` (created when missing) or `postgres://…`.
    pub database_url: String,
    /// Static pages: `index.html`, `demo/`, `editor/`, `sdk/`.
    pub www_dir: PathBuf,
    /// Guide files published into the `demo` app at start-up.
    pub guides_dir: PathBuf,
    /// When set, this is an admin token (so scripts and tests know it); when not, one
    /// is made on first run and printed once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_token: Option<Secret>,
    /// Where users reach this server (`https://waymark.example.com`), when behind a
    /// proxy; its origin counts as the server's own.
    pub public_url: Option<String>,
    /// Extra origins allowed for the `demo` app, besides the server's own.
    #[serde(deserialize_with = "list_or_comma_string")]
    pub demo_origins: Vec<String>,
    /// Public endpoints, per client IP: sustained requests per second (0: no limit).
    pub rate_limit_ip_per_s: u32,
    /// Public endpoints, per client IP: requests allowed in a burst.
    pub rate_limit_ip_burst: u32,
    /// Public endpoints, per app: sustained requests per second (0: no limit).
    pub rate_limit_app_per_s: u32,
    /// Public endpoints, per app: requests allowed in a burst.
    pub rate_limit_app_burst: u32,
    /// Take the client IP from the last `X-Forwarded-For` hop (only behind a proxy
    /// you run: anyone can send the header).
    pub trust_forwarded_for: bool,
    /// Events in one batch, at most.
    pub events_max_batch: usize,
    /// Bytes in one events request body, at most.
    pub events_max_bytes: usize,
    /// Bytes in any other JSON request body (guides, apps), at most.
    pub body_max_bytes: usize,
    /// Bytes in an imported bundle, at most.
    pub bundle_max_bytes: usize,
    /// Connections in the database pool.
    pub db_max_connections: u32,
    /// Seconds that in-flight requests and workers get to finish on shutdown.
    pub shutdown_timeout_s: u64,
    /// `text` (readable) or `json` (one object per line, for log shippers).
    pub log_format: LogFormat,
    /// Where tickets go: `{ kind = "inbox" }` (default), `rt`, `zendesk`, `freshdesk`,
    /// `servicenow`, `jira`, `bmc`, `zammad` or `webhook`, with that help desk's keys
    /// (variables: `WAYMARK_HELPDESK__KIND`, `WAYMARK_HELPDESK__URL`, ...).
    pub helpdesk: crate::helpdesk::HelpdeskConfig,
    /// Ticket delivery: backoff, `give_up_after` (default `7d`), the help desk's
    /// request timeout and the lease (`WAYMARK_OUTBOX__GIVE_UP_AFTER`, ...).
    pub outbox: crate::outbox::RetryPolicy,
    /// The Insights page (`WAYMARK_INSIGHTS__TICKET_COST`).
    pub insights: InsightsConfig,
}

/// What the Insights figures are computed with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InsightsConfig {
    /// What one L1 ticket costs, in the admin's currency: cost avoided is resolved
    /// help sessions times this.
    pub ticket_cost: f64,
    /// How long the event writer must be quiet before the users it stored events
    /// for have their help sessions recomputed in the background
    /// (`crate::insights_refresh`), so a burst is done together.
    pub refresh_delay_ms: u64,
    /// How often the background refresh also looks on its own (for events another
    /// server process stored).
    pub refresh_poll_ms: u64,
}

impl Default for InsightsConfig {
    fn default() -> Self {
        InsightsConfig {
            ticket_cost: waymark::metrics::Config::default().ticket_cost,
            refresh_delay_ms: 500,
            refresh_poll_ms: 60_000,
        }
    }
}

impl InsightsConfig {
    /// The core's metrics configuration with this ticket cost.
    pub fn metrics(&self) -> waymark::metrics::Config {
        waymark::metrics::Config {
            ticket_cost: self.ticket_cost,
            ..waymark::metrics::Config::default()
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: "sqlite://waymark.db".to_owned(),
            www_dir: PathBuf::from("www"),
            guides_dir: PathBuf::from("guides"),
            admin_token: None,
            public_url: None,
            demo_origins: Vec::new(),
            rate_limit_ip_per_s: 100,
            rate_limit_ip_burst: 400,
            rate_limit_app_per_s: 2000,
            rate_limit_app_burst: 5000,
            trust_forwarded_for: false,
            events_max_batch: 500,
            events_max_bytes: 256 * 1024,
            body_max_bytes: 1024 * 1024,
            bundle_max_bytes: 16 * 1024 * 1024,
            db_max_connections: 8,
            shutdown_timeout_s: 20,
            log_format: LogFormat::Text,
            helpdesk: Default::default(),
            outbox: Default::default(),
            insights: Default::default(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// A value that must never be printed: `Debug` and `Display` show `<redacted>`.
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<'de> Deserialize<'de> for Secret {
    /// Environment values that look like numbers arrive as numbers; a token is text.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Int(i64),
            Uint(u64),
        }
        Ok(Secret(match Raw::deserialize(d)? {
            Raw::Text(s) => s,
            Raw::Int(n) => n.to_string(),
            Raw::Uint(n) => n.to_string(),
        }))
    }
}

/// `["https://a", "https://b"]` in TOML, or `https://a,https://b` in a variable.
fn list_or_comma_string<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        List(Vec<String>),
        Text(String),
    }
    Ok(match Raw::deserialize(d)? {
        Raw::List(list) => list,
        Raw::Text(text) => text
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

/// Why the configuration could not be read; names the key or the file.
#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(String);

impl Config {
    /// Reads the configuration: `file` (or `waymark.toml` when present), then the
    /// `WAYMARK_*` variables.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) if !path.is_file() => {
                return Err(ConfigError(format!("no such file: {}", path.display())))
            }
            Some(path) => figment = figment.merge(Toml::file(path)),
            None => figment = figment.merge(Toml::file(DEFAULT_FILE)),
        }
        // Only the keys Config knows: WAYMARK_URL and friends used by test scripts are
        // not configuration.
        let keys = Config::keys();
        // Nested keys (`[helpdesk]`, `[outbox]`) take `__` in their variables.
        figment = figment.merge(
            Env::prefixed("WAYMARK_")
                .filter(move |key| {
                    // Variables come as written (`HELPDESK__KIND`); keys are lowercase.
                    let key = key.as_str().to_ascii_lowercase();
                    keys.iter().any(|k| {
                        key == *k
                            || key
                                .strip_prefix(*k)
                                .is_some_and(|rest| rest.starts_with("__"))
                    })
                })
                .split("__"),
        );
        let config: Config = figment
            .extract()
            .map_err(|error| ConfigError(error.to_string()))?;
        config.outbox.check().map_err(ConfigError)?;
        Ok(config)
    }

    /// Every key, lowercase, as written in `waymark.toml`.
    pub fn keys() -> Vec<&'static str> {
        vec![
            "addr",
            "database_url",
            "www_dir",
            "guides_dir",
            "admin_token",
            "public_url",
            "demo_origins",
            "rate_limit_ip_per_s",
            "rate_limit_ip_burst",
            "rate_limit_app_per_s",
            "rate_limit_app_burst",
            "trust_forwarded_for",
            "events_max_batch",
            "events_max_bytes",
            "body_max_bytes",
            "bundle_max_bytes",
            "db_max_connections",
            "shutdown_timeout_s",
            "log_format",
            "helpdesk",
            "outbox",
            "insights",
        ]
    }

    /// The database URL with any password taken out, for logs and messages.
    pub fn database_url_for_logs(&self) -> String {
        match url::Url::parse(&self.database_url) {
            Ok(mut url) if url.password().is_some() => {
                let _ = url.set_password(Some("***"));
                url.to_string()
            }
            _ => self.database_url.clone(),
        }
    }
}

#[cfg(test)]
// figment's Jail fixes the closures' error type.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;

    #[test]
    fn environment_overrides_the_file_and_numbers_can_be_tokens() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "waymark.toml",
                "addr = \"0.0.0.0:9000\"\nrate_limit_ip_per_s = 5\ndemo_origins = [\"https://a.test\"]\n",
            )?;
            jail.set_env("WAYMARK_RATE_LIMIT_IP_PER_S", "7");
            jail.set_env("WAYMARK_ADMIN_TOKEN", "123456");
            jail.set_env("WAYMARK_URL", "http://not-a-key");
            let config = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(config.addr.port(), 9000);
            assert_eq!(config.rate_limit_ip_per_s, 7);
            assert_eq!(config.demo_origins, vec!["https://a.test"]);
            assert_eq!(
                config.admin_token.as_ref().map(Secret::expose),
                Some("123456")
            );
            Ok(())
        });
    }

    #[test]
    fn nested_keys_such_as_the_help_desk_come_from_upper_case_variables() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("WAYMARK_HELPDESK__KIND", "rt");
            jail.set_env("WAYMARK_HELPDESK__URL", "http://rt.test");
            jail.set_env("WAYMARK_HELPDESK__USERNAME", "root");
            jail.set_env("WAYMARK_HELPDESK__PASSWORD", "password");
            jail.set_env("WAYMARK_OUTBOX__BASE_MS", "300");
            jail.set_env("WAYMARK_OUTBOX__GIVE_UP_AFTER", "36h");
            let config = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(
                config.outbox.give_up_after,
                std::time::Duration::from_secs(36 * 3600)
            );
            let helpdesk = serde_json::to_value(&config.helpdesk).map_err(|e| e.to_string())?;
            assert_eq!(helpdesk["kind"], "rt", "{helpdesk}");
            assert_eq!(helpdesk["url"], "http://rt.test");
            assert_eq!(config.outbox.base_ms, 300);
            Ok(())
        });
    }

    #[test]
    fn an_outbox_lease_shorter_than_a_delivery_is_refused_by_its_key() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("WAYMARK_OUTBOX__TIMEOUT_MS", "30000");
            jail.set_env("WAYMARK_OUTBOX__LEASE_MS", "60000");
            let err = Config::load(None).unwrap_err().to_string();
            assert!(err.contains("outbox.lease_ms"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn the_ticket_cost_defaults_to_the_core_s_and_the_environment_overrides_it() {
        figment::Jail::expect_with(|jail| {
            let config = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(
                config.insights.ticket_cost,
                waymark::metrics::Config::default().ticket_cost
            );
            jail.set_env("WAYMARK_INSIGHTS__TICKET_COST", "35.5");
            let config = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(config.insights.ticket_cost, 35.5);
            assert_eq!(config.insights.metrics().ticket_cost, 35.5);
            jail.set_env("WAYMARK_INSIGHTS__TICKET_COST", "40");
            let config = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(config.insights.ticket_cost, 40.0);
            Ok(())
        });
    }

    #[test]
    fn origins_may_be_a_comma_separated_variable() {
        figment::Jail::expect_with(|jail| {
            jail.set_env("WAYMARK_DEMO_ORIGINS", "https://a.test, https://b.test");
            let config = Config::load(None).map_err(|e| e.to_string())?;
            assert_eq!(
                config.demo_origins,
                vec!["https://a.test", "https://b.test"]
            );
            Ok(())
        });
    }

    #[test]
    fn every_field_is_a_key_and_the_example_file_lists_and_parses_them_all() {
        let defaults = serde_json::to_value(Config::default()).unwrap();
        let mut fields: Vec<&str> = defaults
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        fields.push("admin_token");
        fields.sort();
        let mut keys = Config::keys();
        keys.sort();
        assert_eq!(fields, keys);

        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("waymark.example.toml");
        let text = std::fs::read_to_string(&example).unwrap();
        for key in Config::keys() {
            assert!(
                text.contains(&format!("{key} =")),
                "waymark.example.toml lacks `{key}`"
            );
        }
        figment::Jail::expect_with(|_| {
            let config = Config::load(Some(&example)).map_err(|e| e.to_string())?;
            assert_eq!(config.events_max_batch, 500);
            Ok(())
        });
    }

    #[test]
    fn debug_output_never_shows_the_admin_token_or_a_database_password() {
        let config = Config {
            admin_token: Some(Secret::new("wmk_supersecret")),
            database_url: "postgres://waymark:hunter2@db.test/waymark".to_owned(),
            ..Config::default()
        };
        assert!(!format!("{config:?}").contains("supersecret"));
        assert!(!config.database_url_for_logs().contains("hunter2"));
    }
}
