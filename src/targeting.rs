//! Who is offered a guide, and where: URL patterns, audience rules and frequency.
//!
//! Owns the matching rules only. It never reads the location, the user or storage;
//! the caller passes the URL string, the user's attributes and the progress record.
//!
//! URL patterns are written against the path (`/orders/:id/edit`), optionally with a
//! scheme and host in front (`https://*.example.com/admin/**`):
//! - `*` matches any run of characters inside one segment (`/files/*.pdf`),
//! - `**` as a whole segment matches any number of segments, none included,
//! - `:name` as a whole segment matches one non-empty segment and captures it.
//!
//! The query string and fragment are ignored; a trailing slash is not significant.

use crate::guide::{AudienceRule, Frequency};
use crate::map::SortedMap;
use crate::progress::{Progress, RunStatus};
use crate::text::{push_quoted, push_quoted_whitespace};

/// A parsed URL pattern.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UrlPattern {
    host: Option<String>,
    segments: Vec<Segment>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    /// Literal text with `*` wildcards.
    Glob(String),
    Param(String),
    AnyDepth,
}

/// Named segments captured by a match (`:id` → `42`).
pub type Params = SortedMap<String>;

impl UrlPattern {
    /// Parses a pattern, saying what is wrong when it cannot be used.
    pub fn parse(pattern: &str) -> Result<UrlPattern, String> {
        if pattern.is_empty() {
            return Err("empty URL pattern".into());
        }
        if let Some(c) = pattern.chars().find(|c| c.is_whitespace()) {
            let mut message = String::from("URL pattern contains whitespace (");
            push_quoted_whitespace(&mut message, c);
            message.push(')');
            return Err(message);
        }
        if pattern.contains(['?', '#']) {
            return Err("URL patterns match the path only; remove the `?` or `#` part".into());
        }
        let (host, path) = split_url(pattern);
        if pattern.contains("://") && host.is_none_or(str::is_empty) {
            return Err("a URL pattern with a scheme needs a host".into());
        }
        if !path.starts_with('/') {
            let mut message = String::from("URL pattern must start with `/` or `https://`, found ");
            push_quoted(&mut message, pattern);
            return Err(message);
        }
        let mut segments = Vec::new();
        let mut names: Vec<&str> = Vec::new();
        for seg in path.split('/').filter(|s| !s.is_empty()) {
            if seg == "**" {
                segments.push(Segment::AnyDepth);
            } else if seg.contains("**") {
                return Err([
                    "`**` must be a whole segment (`/a/**/b`), found `",
                    seg,
                    "`",
                ]
                .concat());
            } else if let Some(name) = seg.strip_prefix(':') {
                let valid = name
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !valid {
                    return Err([
                        "`:",
                        name,
                        "` is not a parameter name (letters, digits and `_`, not starting with a digit)",
                    ]
                    .concat());
                }
                if names.contains(&name) {
                    return Err(["parameter `:", name, "` appears twice"].concat());
                }
                names.push(name);
                segments.push(Segment::Param(name.to_owned()));
            } else if seg.contains(':') {
                return Err(["a `:parameter` must be a whole segment, found `", seg, "`"].concat());
            } else {
                segments.push(Segment::Glob(seg.to_owned()));
            }
        }
        Ok(UrlPattern {
            host: host.map(|h| h.to_ascii_lowercase()),
            segments,
        })
    }

    /// Whether `url` (absolute, or a path) matches.
    pub fn matches(&self, url: &str) -> bool {
        // Nothing captured: no map or strings made, and in the runtime (which only
        // asks this) no capturing code compiled.
        self.matching(url, &mut |_, _| {})
    }

    /// The captured parameters when `url` matches.
    pub fn captures(&self, url: &str) -> Option<Params> {
        let mut params = Params::new();
        self.matching(url, &mut |name, part| {
            params.insert(name.to_owned(), part.to_owned());
        })
        .then_some(params)
    }

    fn matching<F: FnMut(&str, &str)>(&self, url: &str, capture: &mut F) -> bool {
        let (host, path) = split_url(url);
        let path = path.split(['?', '#']).next().unwrap_or("");
        if let Some(want) = &self.host {
            let Some(host) = host else { return false };
            if !glob(want, &host.to_ascii_lowercase()) {
                return false;
            }
        }
        let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        match_segments(&self.segments, &parts, capture)
    }
}

/// Splits `https://host:port/path` into (host:port, /path); a bare path has no host.
fn split_url(url: &str) -> (Option<&str>, &str) {
    match url.split_once("://") {
        Some((_, rest)) => {
            let cut = rest.find('/').unwrap_or(rest.len());
            let (host, path) = rest.split_at_checked(cut).unwrap_or((rest, ""));
            let path = if path.is_empty() { "/" } else { path };
            (Some(host), path)
        }
        None => (None, url),
    }
}

/// Whether `parts` match `pattern`; each `:name` matched is given to `capture`
/// (also on branches of a `**` that later fail, as a map's insert would keep them).
fn match_segments<F: FnMut(&str, &str)>(
    pattern: &[Segment],
    parts: &[&str],
    capture: &mut F,
) -> bool {
    match pattern.split_first() {
        None => parts.is_empty(),
        Some((Segment::AnyDepth, rest)) => {
            // Each `**` tries every split point; patterns are short, so this stays small.
            (0..=parts.len()).any(|skip| {
                let others = parts.get(skip..).unwrap_or_default();
                match_segments(rest, others, capture)
            })
        }
        Some((seg, rest)) => {
            let Some((part, others)) = parts.split_first() else {
                return false;
            };
            let ok = match seg {
                Segment::Param(name) => {
                    capture(name, part);
                    true
                }
                Segment::Glob(g) => glob(g, part),
                // Handled above; no panic path for it in the page.
                Segment::AnyDepth => false,
            };
            ok && match_segments(rest, others, capture)
        }
    }
}

/// `*` matches any run of characters; everything else literally. Linear-time greedy
/// matching with one backtrack point, so hostile URLs cannot blow it up.
fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        let pc = p.get(pi);
        if pc == Some(&'*') {
            star = Some((pi, ti));
            pi += 1;
        } else if pc.is_some() && pc == t.get(ti) {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p.get(pi..).unwrap_or_default().iter().all(|&c| c == '*')
}

/// Attributes of the current user (`role`, `department`, `locale`, `literacy`, ...).
pub type UserAttributes = SortedMap<String>;

/// Whether every rule holds for this user.
pub fn audience_matches(rules: &[AudienceRule], user: &UserAttributes) -> bool {
    rules.iter().all(|rule| {
        let value = user.get(rule.attr()).map(String::as_str);
        match rule {
            AudienceRule::Equals { value: want, .. } => value == Some(want.as_str()),
            AudienceRule::OneOf { values, .. } => {
                value.is_some_and(|v| values.iter().any(|w| w == v))
            }
            AudienceRule::Not { value: want, .. } => value != Some(want.as_str()),
            AudienceRule::NotOneOf { values, .. } => {
                !value.is_some_and(|v| values.iter().any(|w| w == v))
            }
        }
    })
}

/// Whether a guide with this frequency may start again on its own, given the user's
/// progress record for its current version.
pub fn frequency_allows(frequency: Frequency, progress: Option<&Progress>) -> bool {
    match (frequency, progress) {
        (_, None) | (Frequency::Always, _) => true,
        (Frequency::Once, Some(_)) => false,
        (Frequency::UntilCompleted, Some(p)) => {
            p.completions == 0 && p.status != RunStatus::Completed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(pattern: &str, url: &str) -> bool {
        UrlPattern::parse(pattern).unwrap().matches(url)
    }

    #[test]
    fn a_star_matches_within_one_segment_only() {
        assert!(m("/orders/*", "/orders/42"));
        assert!(m("/files/*.pdf", "https://x.test/files/report.pdf?dl=1"));
        assert!(!m("/orders/*", "/orders/42/edit"));
        assert!(!m("/orders/*", "/orders"));
    }

    #[test]
    fn a_double_star_matches_any_depth_including_none() {
        assert!(m("/admin/**", "/admin"));
        assert!(m("/admin/**", "/admin/users/7/roles"));
        assert!(m("/**/edit", "/a/b/c/edit"));
        assert!(m("/**", "https://x.test"));
        assert!(!m("/admin/**", "/administrator"));
    }

    #[test]
    fn a_parameter_captures_one_segment() {
        let p = UrlPattern::parse("/orders/:id/edit").unwrap();
        let caps = p
            .captures("https://shop.test/orders/A-17/edit#top")
            .unwrap();
        assert_eq!(caps.get("id").map(String::as_str), Some("A-17"));
        assert!(!p.matches("/orders//edit"));
    }

    #[test]
    fn query_fragment_and_trailing_slash_are_ignored() {
        assert!(m(
            "/demo/approvals",
            "http://127.0.0.1:8080/demo/approvals/?page=2#x"
        ));
    }

    #[test]
    fn a_host_in_the_pattern_is_matched_with_wildcards() {
        assert!(m(
            "https://*.example.com/app/**",
            "https://eu.Example.com/app/x"
        ));
        assert!(!m(
            "https://*.example.com/app/**",
            "https://example.org/app/x"
        ));
        assert!(
            !m("https://*.example.com/app/**", "/app/x"),
            "a bare path has no host"
        );
    }

    #[test]
    fn bad_patterns_say_why() {
        for (p, msg) in [
            ("", "empty URL pattern"),
            ("orders", "URL pattern must start with `/` or `https://`, found \"orders\""),
            ("/a/**b", "`**` must be a whole segment (`/a/**/b`), found `**b`"),
            ("/a/:1x", "`:1x` is not a parameter name (letters, digits and `_`, not starting with a digit)"),
            ("/a/:id/:id", "parameter `:id` appears twice"),
            ("/a?x=1", "URL patterns match the path only; remove the `?` or `#` part"),
            ("/a b", "URL pattern contains whitespace (' ')"),
            ("https:///x", "a URL pattern with a scheme needs a host"),
            ("/a/x:y", "a `:parameter` must be a whole segment, found `x:y`"),
        ] {
            assert_eq!(UrlPattern::parse(p).unwrap_err(), msg, "{p}");
        }
    }

    #[test]
    fn glob_stays_fast_on_hostile_input() {
        let text = "a".repeat(10_000);
        assert!(!glob("*a*a*a*a*a*a*a*b", &text));
    }

    fn user(pairs: &[(&str, &str)]) -> UserAttributes {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn every_audience_rule_must_hold() {
        let rules: Vec<AudienceRule> = serde_json::from_str(
            r#"[{"op":"equals","attr":"role","value":"buyer"},
                {"op":"one_of","attr":"department","values":["it","finance"]},
                {"op":"not","attr":"locale","value":"fr"},
                {"op":"not_one_of","attr":"literacy","values":["expert"]}]"#,
        )
        .unwrap();
        assert!(audience_matches(
            &rules,
            &user(&[("role", "buyer"), ("department", "it")])
        ));
        assert!(!audience_matches(
            &rules,
            &user(&[("role", "buyer"), ("department", "hr")])
        ));
        assert!(!audience_matches(
            &rules,
            &user(&[("role", "buyer"), ("department", "it"), ("locale", "fr")])
        ));
        assert!(!audience_matches(
            &rules,
            &user(&[
                ("role", "buyer"),
                ("department", "it"),
                ("literacy", "expert")
            ])
        ));
        assert!(
            !audience_matches(&rules, &user(&[("department", "it")])),
            "a missing attribute never equals"
        );
        assert!(audience_matches(&[], &user(&[])));
    }

    #[test]
    fn frequency_decides_from_the_progress_record() {
        let mut p = Progress::new("g", 1, 0);
        assert!(frequency_allows(Frequency::Once, None));
        assert!(!frequency_allows(Frequency::Once, Some(&p)));
        assert!(frequency_allows(Frequency::UntilCompleted, Some(&p)));
        p.status = RunStatus::Dismissed;
        assert!(
            frequency_allows(Frequency::UntilCompleted, Some(&p)),
            "dismissing is not completing"
        );
        p.status = RunStatus::Completed;
        p.completions = 1;
        assert!(!frequency_allows(Frequency::UntilCompleted, Some(&p)));
        assert!(frequency_allows(Frequency::Always, Some(&p)));
    }
}
