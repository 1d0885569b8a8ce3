//! Validation of guide definitions: every problem at once, each at its JSON path.
//!
//! Owns what makes a guide playable: ids, selectors, URL patterns, regexes, advance
//! rules, numbers in range, translations complete, checklists naming real guides. The
//! server refuses to publish a guide with problems, the editor shows them beside the
//! field as the agent types, `waymark validate` prints them, and the runtime skips a
//! guide that has any. Messages are written for a guide author, not a programmer:
//! they name the field and say what to do.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::guide::{
    Advance, AudienceRule, Guide, Kind, LocaleStrings, Start, Step, Target, Text, MAX_WAIT_MS,
    SCHEMA_VERSION,
};
use crate::selector;
use crate::targeting::UrlPattern;

/// One problem in a guide: where (`steps[2].target.css[0]`) and what.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    pub path: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Limits a guide author may meet. Generous, but they keep a typo from becoming a
/// 10-hour timer or a 1000-step tour.
pub const MAX_STEPS: usize = 100;
pub const MAX_ITEMS: usize = 50;
pub const STUCK_AFTER_S: (u32, u32) = (5, 3600);
pub const MAX_TITLE: usize = 200;
pub const MAX_BODY: usize = 5000;
pub const MAX_VERSION: u32 = 1_000_000;

/// Parses and validates one guide's JSON text.
pub fn parse_guide(text: &str) -> Result<Guide, Vec<Problem>> {
    let guide = from_json(text).map_err(|p| vec![p])?;
    let problems = validate_guide(&guide);
    if problems.is_empty() {
        Ok(guide)
    } else {
        Err(problems)
    }
}

/// Reads a guide's JSON without checking its rules: for tools that must see every
/// guide that has the right shape, valid or not (catalog checks, the editor).
pub fn from_json(text: &str) -> Result<Guide, Problem> {
    deserialize(text)
}

#[cfg(feature = "full")]
fn deserialize(text: &str) -> Result<Guide, Problem> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let path = if inner.is_syntax() || inner.is_eof() || path == "." {
            format!("line {}, column {}", inner.line(), inner.column())
        } else {
            path
        };
        Problem {
            path,
            message: serde_message(&inner),
        }
    })
}

/// Without `full` the path of a type error is not tracked; the line and column are.
#[cfg(not(feature = "full"))]
fn deserialize(text: &str) -> Result<Guide, Problem> {
    serde_json::from_str(text).map_err(|e| Problem {
        path: format!("line {}, column {}", e.line(), e.column()),
        message: serde_message(&e),
    })
}

/// serde_json's message without its " at line 1 column 5" tail, which the path says.
fn serde_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(cut) => text[..cut].to_owned(),
        None => text,
    }
}

/// Every problem in one guide.
pub fn validate_guide(g: &Guide) -> Vec<Problem> {
    let mut v = Validator::default();
    v.envelope(g);
    match g.kind {
        Kind::Tour => v.tour(g),
        Kind::Tip => v.tip(g),
        Kind::Checklist => v.checklist(g),
    }
    v.locales(g);
    v.problems
}

/// Problems between guides: duplicate ids and checklists naming guides that are not
/// there or cannot be completed. Each comes with the index of the guide it is in.
pub fn validate_catalog(guides: &[Guide]) -> Vec<(usize, Problem)> {
    let mut out = Vec::new();
    let mut first: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, g) in guides.iter().enumerate() {
        if let Some(&j) = first.get(g.id.as_str()) {
            out.push((
                i,
                problem(
                    "id",
                    format!(
                        "another guide already has the id `{}` (guide #{})",
                        g.id,
                        j + 1
                    ),
                ),
            ));
        } else {
            first.insert(&g.id, i);
        }
    }
    for (i, g) in guides
        .iter()
        .enumerate()
        .filter(|(_, g)| g.kind == Kind::Checklist)
    {
        for (k, item) in g.items.iter().enumerate() {
            let path = format!("items[{k}].guide");
            match first.get(item.guide.as_str()).map(|&j| &guides[j]) {
                None => out.push((
                    i,
                    problem(&path, format!("no guide has the id `{}`", item.guide)),
                )),
                Some(t) if t.kind != Kind::Tour => out.push((
                    i,
                    problem(
                        &path,
                        format!(
                            "`{}` is a {}; checklist items must be tours",
                            t.id,
                            t.kind.as_str()
                        ),
                    ),
                )),
                Some(_) => {}
            }
        }
    }
    out
}

fn problem(path: &str, message: impl Into<String>) -> Problem {
    Problem {
        path: path.to_owned(),
        message: message.into(),
    }
}

#[derive(Default)]
struct Validator {
    problems: Vec<Problem>,
}

impl Validator {
    fn add(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            path: path.into(),
            message: message.into(),
        });
    }

    fn envelope(&mut self, g: &Guide) {
        if g.schema != SCHEMA_VERSION {
            self.add(
                "schema",
                format!(
                    "unsupported schema version {}; this Waymark reads version {SCHEMA_VERSION}",
                    g.schema
                ),
            );
        }
        self.id("id", &g.id, "guide id");
        self.title("title", &g.title);
        if g.version == 0 || g.version > MAX_VERSION {
            self.add(
                "version",
                format!("{} is out of range (1 to {MAX_VERSION})", g.version),
            );
        }
        if g.matching.urls.is_empty() {
            self.add(
                "match.urls",
                "list at least one URL pattern, e.g. \"/**\" for every page",
            );
        }
        for (i, u) in g.matching.urls.iter().enumerate() {
            self.url_pattern(&format!("match.urls[{i}]"), u);
        }
        for (i, rule) in g.matching.audience.iter().enumerate() {
            let path = format!("match.audience[{i}]");
            if rule.attr().trim().is_empty() {
                self.add(
                    format!("{path}.attr"),
                    "name the user attribute, e.g. \"role\"",
                );
            }
            if let AudienceRule::OneOf { values, .. } | AudienceRule::NotOneOf { values, .. } = rule
            {
                if values.is_empty() {
                    self.add(format!("{path}.values"), "list at least one value");
                }
            }
        }
        match (&g.start, g.kind) {
            (Start::OnClick(sel), _) => self.selector("start.on_click", sel),
            (Start::Auto, Kind::Tip | Kind::Checklist) => self.add(
                "start",
                format!(
                    "a {} cannot start automatically; use \"launcher\" or on_click",
                    g.kind.as_str()
                ),
            ),
            _ => {}
        }
        if let Some(c) = &g.category {
            if c.trim().is_empty() || c.len() > 100 {
                self.add(
                    "category",
                    "give a category of 1 to 100 characters, or leave it out",
                );
            }
        }
        if !is_locale_tag(&g.default_locale) {
            self.add(
                "default_locale",
                format!(
                    "`{}` is not a language tag like \"en\" or \"pt-BR\"",
                    g.default_locale
                ),
            );
        }
        if let Some(s) = g.stuck_after_s {
            self.stuck_after("stuck_after_s", s);
        }
        if let Some(sel) = &g.error_selector {
            self.selector("error_selector", sel);
        }
        if let Some(url) = &g.related_help {
            if !crate::markup::is_allowed_href(url) || !url.starts_with("http") {
                self.add(
                    "related_help",
                    format!("`{url}` is not an http or https address"),
                );
            }
        }
    }

    fn tour(&mut self, g: &Guide) {
        self.not_for_kind(g, g.tip.is_some(), "tip");
        self.not_for_kind(g, !g.items.is_empty(), "items");
        if g.steps.is_empty() {
            self.add("steps", "a tour needs at least one step");
        }
        if g.steps.len() > MAX_STEPS {
            self.add(
                "steps",
                format!(
                    "{} steps is too many (at most {MAX_STEPS}); split the tour",
                    g.steps.len()
                ),
            );
        }
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, step) in g.steps.iter().enumerate() {
            let path = format!("steps[{i}]");
            if let Some(&j) = seen.get(step.id.as_str()) {
                self.add(
                    format!("{path}.id"),
                    format!("duplicate step id `{}` (also steps[{j}])", step.id),
                );
            } else {
                seen.insert(&step.id, i);
            }
            self.step(&path, step);
        }
    }

    fn step(&mut self, path: &str, s: &Step) {
        self.id(&format!("{path}.id"), &s.id, "step id");
        self.title(&format!("{path}.title"), &s.title);
        self.body(&format!("{path}.body"), &s.body);
        if let Some(t) = &s.target {
            self.target(&format!("{path}.target"), t);
        }
        if let Some(p) = &s.page {
            self.url_pattern(&format!("{path}.page"), p);
        }
        if let Some(n) = s.stuck_after_s {
            self.stuck_after(&format!("{path}.stuck_after_s"), n);
        }
        let apath = format!("{path}.advance");
        match &s.advance {
            Advance::Next | Advance::Url { .. } | Advance::Visible { .. } => {}
            a @ (Advance::Click | Advance::Input { .. }) if s.target.is_none() => self.add(
                &apath,
                format!("`{}` advances when the user acts on the step's target, but this step has no target", a.name()),
            ),
            _ => {}
        }
        match &s.advance {
            Advance::Input { pattern } => self.regex(&format!("{apath}.pattern"), pattern),
            Advance::Url { pattern } => self.url_pattern(&format!("{apath}.pattern"), pattern),
            Advance::Visible { selector } => self.selector(&format!("{apath}.selector"), selector),
            Advance::Next | Advance::Click => {}
        }
    }

    fn tip(&mut self, g: &Guide) {
        self.not_for_kind(g, !g.steps.is_empty(), "steps");
        self.not_for_kind(g, !g.items.is_empty(), "items");
        let Some(tip) = &g.tip else {
            self.add(
                "tip",
                "a tip needs a `tip` object with its target, title and body",
            );
            return;
        };
        self.target("tip.target", &tip.target);
        self.title("tip.title", &tip.title);
        self.body("tip.body", &tip.body);
    }

    fn checklist(&mut self, g: &Guide) {
        self.not_for_kind(g, !g.steps.is_empty(), "steps");
        self.not_for_kind(g, g.tip.is_some(), "tip");
        if g.items.is_empty() {
            self.add("items", "a checklist needs at least one item");
        }
        if g.items.len() > MAX_ITEMS {
            self.add(
                "items",
                format!("{} items is too many (at most {MAX_ITEMS})", g.items.len()),
            );
        }
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, item) in g.items.iter().enumerate() {
            let path = format!("items[{i}]");
            self.id(&format!("{path}.id"), &item.id, "item id");
            if let Some(&j) = seen.get(item.id.as_str()) {
                self.add(
                    format!("{path}.id"),
                    format!("duplicate item id `{}` (also items[{j}])", item.id),
                );
            } else {
                seen.insert(&item.id, i);
            }
            self.title(&format!("{path}.label"), &item.label);
            if item.guide == g.id {
                self.add(format!("{path}.guide"), "a checklist cannot list itself");
            } else if item.guide.trim().is_empty() {
                self.add(
                    format!("{path}.guide"),
                    "name the id of the tour to complete",
                );
            }
        }
    }

    fn not_for_kind(&mut self, g: &Guide, present: bool, field: &str) {
        if present {
            self.add(
                field,
                format!(
                    "a {} has no `{field}`; remove it or change `kind`",
                    g.kind.as_str()
                ),
            );
        }
    }

    fn locales(&mut self, g: &Guide) {
        for (tag, strings) in &g.locales {
            let path = format!("locales.{tag}");
            if !is_locale_tag(tag) {
                self.add(
                    &path,
                    format!("`{tag}` is not a language tag like \"fr\" or \"pt-BR\""),
                );
            }
            if tag.eq_ignore_ascii_case(&g.default_locale) {
                self.add(
                    &path,
                    "this is the default locale; its strings are written inline in the guide",
                );
                continue;
            }
            self.locale(g, &path, strings);
        }
    }

    fn locale(&mut self, g: &Guide, path: &str, l: &LocaleStrings) {
        match &l.title {
            None => self.add(
                format!("{path}.title"),
                format!("missing translation of the title \"{}\"", g.title),
            ),
            Some(t) => self.title(&format!("{path}.title"), t),
        }
        if g.description.is_some() && l.description.is_none() {
            self.add(
                format!("{path}.description"),
                "missing translation of the description",
            );
        }
        let ids: BTreeSet<&str> = g.steps.iter().map(|s| s.id.as_str()).collect();
        for s in &g.steps {
            match l.steps.get(&s.id) {
                None => self.add(
                    format!("{path}.steps"),
                    format!("missing translation of step `{}`", s.id),
                ),
                Some(t) => self.text(&format!("{path}.steps.{}", s.id), t),
            }
        }
        for id in l.steps.keys().filter(|id| !ids.contains(id.as_str())) {
            self.add(format!("{path}.steps.{id}"), "no step has this id");
        }
        match (&g.tip, &l.tip) {
            (Some(_), None) => self.add(format!("{path}.tip"), "missing translation of the tip"),
            (Some(_), Some(t)) => self.text(&format!("{path}.tip"), t),
            (None, Some(_)) => {
                self.add(format!("{path}.tip"), "this guide has no tip to translate")
            }
            (None, None) => {}
        }
        let items: BTreeSet<&str> = g.items.iter().map(|i| i.id.as_str()).collect();
        for item in &g.items {
            if !l.items.contains_key(&item.id) {
                self.add(
                    format!("{path}.items"),
                    format!("missing translation of item `{}`", item.id),
                );
            }
        }
        for id in l.items.keys().filter(|id| !items.contains(id.as_str())) {
            self.add(format!("{path}.items.{id}"), "no item has this id");
        }
    }

    fn text(&mut self, path: &str, t: &Text) {
        self.title(&format!("{path}.title"), &t.title);
        self.body(&format!("{path}.body"), &t.body);
    }

    fn target(&mut self, path: &str, t: &Target) {
        if t.css.is_empty() {
            self.add(format!("{path}.css"), "list at least one CSS selector");
        }
        for (i, sel) in t.css.iter().enumerate() {
            self.selector(&format!("{path}.css[{i}]"), sel);
        }
        if t.text.as_deref().is_some_and(|s| s.trim().is_empty()) {
            self.add(
                format!("{path}.text"),
                "empty text matches everything; remove it or give the text to look for",
            );
        }
        if t.wait_ms > MAX_WAIT_MS {
            self.add(
                format!("{path}.wait_ms"),
                format!("{} is out of range (0 to {MAX_WAIT_MS} ms)", t.wait_ms),
            );
        }
    }

    fn selector(&mut self, path: &str, sel: &str) {
        if let Err(e) = selector::check_chain(sel) {
            self.add(path, e.to_string());
        }
    }

    fn url_pattern(&mut self, path: &str, pattern: &str) {
        if let Err(e) = UrlPattern::parse(pattern) {
            self.add(path, e);
        }
    }

    #[cfg(feature = "full")]
    fn regex(&mut self, path: &str, pattern: &str) {
        if pattern.is_empty() {
            self.add(
                path,
                "empty pattern matches anything; give a regular expression such as \"^\\\\d{4}$\"",
            );
        } else if let Err(e) = regex::Regex::new(pattern) {
            let detail = e.to_string();
            let last = detail
                .lines()
                .last()
                .unwrap_or("")
                .trim()
                .trim_start_matches("error: ");
            self.add(path, format!("invalid regular expression: {last}"));
        }
    }

    /// Without `full` the browser's RegExp checks patterns when they are used.
    #[cfg(not(feature = "full"))]
    fn regex(&mut self, path: &str, pattern: &str) {
        if pattern.is_empty() {
            self.add(
                path,
                "empty pattern matches anything; give a regular expression such as \"^\\\\d{4}$\"",
            );
        }
    }

    fn id(&mut self, path: &str, id: &str, what: &str) {
        let ok = !id.is_empty()
            && id.len() <= 64
            && id.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !ok {
            self.add(
                path,
                format!("{what} `{id}` must be 1 to 64 lowercase letters, digits, `-` or `_`, starting with a letter or digit"),
            );
        }
    }

    fn title(&mut self, path: &str, t: &str) {
        if t.trim().is_empty() {
            self.add(path, "must not be empty");
        } else if t.chars().count() > MAX_TITLE {
            self.add(
                path,
                format!(
                    "too long ({} characters, at most {MAX_TITLE})",
                    t.chars().count()
                ),
            );
        }
    }

    fn body(&mut self, path: &str, b: &str) {
        if b.chars().count() > MAX_BODY {
            self.add(
                path,
                format!(
                    "too long ({} characters, at most {MAX_BODY}); split the step",
                    b.chars().count()
                ),
            );
        }
    }

    fn stuck_after(&mut self, path: &str, s: u32) {
        let (lo, hi) = STUCK_AFTER_S;
        if !(lo..=hi).contains(&s) {
            self.add(path, format!("{s} is out of range ({lo} to {hi} seconds)"));
        }
    }
}

/// `en`, `pt-BR`, `zh-Hant-TW`: a 2–3 letter language and alphanumeric subtags.
fn is_locale_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let lang = parts.next().unwrap_or("");
    (2..=3).contains(&lang.len())
        && lang.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}
