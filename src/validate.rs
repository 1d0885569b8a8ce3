//! Validation of guide definitions: every problem at once, each at its JSON path.
//!
//! Owns what makes a guide playable: ids, selectors, URL patterns, regexes, advance
//! rules, numbers in range, translations complete, checklists naming real guides. The
//! server refuses to publish a guide with problems, the editor shows them beside the
//! field as the agent types, `waymark validate` prints them, and the runtime skips a
//! guide that has any. Messages are written for a guide author, not a programmer:
//! they name the field and say what to do.

use std::collections::BTreeMap;
use std::fmt;

use crate::guide::{
    Advance, AudienceRule, Guide, Kind, LocaleStrings, Start, Step, Target, Text, MAX_WAIT_MS,
    SCHEMA_VERSION,
};
use crate::selector;
use crate::targeting::UrlPattern;
use crate::text::{int, push_int};

/// One problem in a guide: where (`steps[2].target.css[0]`) and what.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    /// Where: a path of fields and indexes (`steps[2].target.css[0]`), or a line and
    /// column (`line 3, column 7`) when there is no such path (broken JSON, for one).
    pub path: String,
    /// What is wrong, in plain words.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Limits a guide author may meet. Generous, but they keep a typo from becoming a
/// 10-hour timer or a 1000-step tour.
///
/// The most steps a tour may have.
pub const MAX_STEPS: usize = 100;
/// The most items a checklist may have.
pub const MAX_ITEMS: usize = 50;
/// The range `stuck_after_s` must fall in, in seconds, both ends included.
pub const STUCK_AFTER_S: (u32, u32) = (5, 3600);
/// The longest title, in characters.
pub const MAX_TITLE: usize = 200;
/// The longest body, in characters.
pub const MAX_BODY: usize = 5000;
/// The highest guide version.
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

/// `path[i]`.
fn indexed(path: &str, i: usize) -> String {
    let mut out = String::with_capacity(path.len() + 4);
    out.push_str(path);
    out.push('[');
    push_int(&mut out, i as u64);
    out.push(']');
    out
}

/// `"{n}{middle}{max}{end}"`, e.g. "7 is out of range (1 to 10)".
fn count_text(n: u64, middle: &str, max: u64, end: &str) -> String {
    let mut out = int(n);
    out.push_str(middle);
    push_int(&mut out, max);
    out.push_str(end);
    out
}

// Messages are put together with `concat` and `push_int` rather than `format!`: the
// runtime validates every guide it is given, so this code is in every user's download
// (see `crate::text`).
impl Validator {
    fn add(&mut self, path: &str, message: &str) {
        self.problems.push(Problem {
            path: path.to_owned(),
            message: message.to_owned(),
        });
    }

    fn envelope(&mut self, g: &Guide) {
        if g.schema != SCHEMA_VERSION {
            self.add(
                "schema",
                &[
                    "unsupported schema version ",
                    &count_text(
                        g.schema.into(),
                        "; this Waymark reads version ",
                        SCHEMA_VERSION.into(),
                        "",
                    ),
                ]
                .concat(),
            );
        }
        self.id("id", &g.id, "guide id");
        self.title("title", &g.title);
        if g.version == 0 || g.version > MAX_VERSION {
            self.add(
                "version",
                &count_text(
                    g.version.into(),
                    " is out of range (1 to ",
                    MAX_VERSION.into(),
                    ")",
                ),
            );
        }
        if g.matching.urls.is_empty() {
            self.add(
                "match.urls",
                "list at least one URL pattern, e.g. \"/**\" for every page",
            );
        }
        for (i, u) in g.matching.urls.iter().enumerate() {
            self.url_pattern(&indexed("match.urls", i), u);
        }
        for (i, rule) in g.matching.audience.iter().enumerate() {
            let path = indexed("match.audience", i);
            if rule.attr().trim().is_empty() {
                self.add(
                    &[&path, ".attr"].concat(),
                    "name the user attribute, e.g. \"role\"",
                );
            }
            if let AudienceRule::OneOf { values, .. } | AudienceRule::NotOneOf { values, .. } = rule
            {
                if values.is_empty() {
                    self.add(&[&path, ".values"].concat(), "list at least one value");
                }
            }
        }
        match (&g.start, g.kind) {
            (Start::OnClick(sel), _) => self.selector("start.on_click", sel),
            (Start::Auto, Kind::Tip | Kind::Checklist) => self.add(
                "start",
                &[
                    "a ",
                    g.kind.as_str(),
                    " cannot start automatically; use \"launcher\" or on_click",
                ]
                .concat(),
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
                &[
                    "`",
                    &g.default_locale,
                    "` is not a language tag like \"en\" or \"pt-BR\"",
                ]
                .concat(),
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
                    &["`", url, "` is not an http or https address"].concat(),
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
                &count_text(
                    g.steps.len() as u64,
                    " steps is too many (at most ",
                    MAX_STEPS as u64,
                    "); split the tour",
                ),
            );
        }
        for (i, step) in g.steps.iter().enumerate() {
            let path = indexed("steps", i);
            // The first step with the same id; tours are short, a scan is enough.
            let first = g.steps.iter().take(i).position(|s| s.id == step.id);
            if let Some(j) = first {
                self.add(
                    &[&path, ".id"].concat(),
                    &[
                        "duplicate step id `",
                        &step.id,
                        "` (also ",
                        &indexed("steps", j),
                        ")",
                    ]
                    .concat(),
                );
            }
            self.step(&path, step);
        }
    }

    fn step(&mut self, path: &str, s: &Step) {
        self.id(&[path, ".id"].concat(), &s.id, "step id");
        self.title(&[path, ".title"].concat(), &s.title);
        self.body(&[path, ".body"].concat(), &s.body);
        if let Some(t) = &s.target {
            self.target(&[path, ".target"].concat(), t);
        }
        if let Some(p) = &s.page {
            self.url_pattern(&[path, ".page"].concat(), p);
        }
        if let Some(n) = s.stuck_after_s {
            self.stuck_after(&[path, ".stuck_after_s"].concat(), n);
        }
        let apath = [path, ".advance"].concat();
        match &s.advance {
            Advance::Next | Advance::Url { .. } | Advance::Visible { .. } => {}
            a @ (Advance::Click | Advance::Input { .. }) if s.target.is_none() => self.add(
                &apath,
                &["`", a.name(), "` advances when the user acts on the step's target, but this step has no target"].concat(),
            ),
            _ => {}
        }
        match &s.advance {
            Advance::Input { pattern } => self.regex(&[&apath, ".pattern"].concat(), pattern),
            Advance::Url { pattern } => self.url_pattern(&[&apath, ".pattern"].concat(), pattern),
            Advance::Visible { selector } => {
                self.selector(&[&apath, ".selector"].concat(), selector)
            }
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
                &count_text(
                    g.items.len() as u64,
                    " items is too many (at most ",
                    MAX_ITEMS as u64,
                    ")",
                ),
            );
        }
        for (i, item) in g.items.iter().enumerate() {
            let path = indexed("items", i);
            let id_path = [&path, ".id"].concat();
            self.id(&id_path, &item.id, "item id");
            // The first item with the same id; checklists are short.
            let first = g.items.iter().take(i).position(|it| it.id == item.id);
            if let Some(j) = first {
                self.add(
                    &id_path,
                    &[
                        "duplicate item id `",
                        &item.id,
                        "` (also ",
                        &indexed("items", j),
                        ")",
                    ]
                    .concat(),
                );
            }
            self.title(&[&path, ".label"].concat(), &item.label);
            if item.guide == g.id {
                self.add(
                    &[&path, ".guide"].concat(),
                    "a checklist cannot list itself",
                );
            } else if item.guide.trim().is_empty() {
                self.add(
                    &[&path, ".guide"].concat(),
                    "name the id of the tour to complete",
                );
            }
        }
    }

    fn not_for_kind(&mut self, g: &Guide, present: bool, field: &str) {
        if present {
            self.add(
                field,
                &[
                    "a ",
                    g.kind.as_str(),
                    " has no `",
                    field,
                    "`; remove it or change `kind`",
                ]
                .concat(),
            );
        }
    }

    fn locales(&mut self, g: &Guide) {
        for (tag, strings) in &g.locales {
            let path = ["locales.", tag].concat();
            if !is_locale_tag(tag) {
                self.add(
                    &path,
                    &["`", tag, "` is not a language tag like \"fr\" or \"pt-BR\""].concat(),
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
        let title_path = [path, ".title"].concat();
        match &l.title {
            None => self.add(
                &title_path,
                &["missing translation of the title \"", &g.title, "\""].concat(),
            ),
            Some(t) => self.title(&title_path, t),
        }
        if g.description.is_some() && l.description.is_none() {
            self.add(
                &[path, ".description"].concat(),
                "missing translation of the description",
            );
        }
        for s in &g.steps {
            match l.steps.get(&s.id) {
                None => self.add(
                    &[path, ".steps"].concat(),
                    &["missing translation of step `", &s.id, "`"].concat(),
                ),
                Some(t) => self.text(&[path, ".steps.", &s.id].concat(), t),
            }
        }
        for id in l.steps.keys() {
            if !g.steps.iter().any(|s| s.id == *id) {
                self.add(&[path, ".steps.", id].concat(), "no step has this id");
            }
        }
        let tip_path = [path, ".tip"].concat();
        match (&g.tip, &l.tip) {
            (Some(_), None) => self.add(&tip_path, "missing translation of the tip"),
            (Some(_), Some(t)) => self.text(&tip_path, t),
            (None, Some(_)) => self.add(&tip_path, "this guide has no tip to translate"),
            (None, None) => {}
        }
        for item in &g.items {
            if !l.items.contains_key(&item.id) {
                self.add(
                    &[path, ".items"].concat(),
                    &["missing translation of item `", &item.id, "`"].concat(),
                );
            }
        }
        for id in l.items.keys() {
            if !g.items.iter().any(|i| i.id == *id) {
                self.add(&[path, ".items.", id].concat(), "no item has this id");
            }
        }
    }

    fn text(&mut self, path: &str, t: &Text) {
        self.title(&[path, ".title"].concat(), &t.title);
        self.body(&[path, ".body"].concat(), &t.body);
    }

    fn target(&mut self, path: &str, t: &Target) {
        let css = [path, ".css"].concat();
        if t.css.is_empty() {
            self.add(&css, "list at least one CSS selector");
        }
        for (i, sel) in t.css.iter().enumerate() {
            self.selector(&indexed(&css, i), sel);
        }
        if t.text.as_deref().is_some_and(|s| s.trim().is_empty()) {
            self.add(
                &[path, ".text"].concat(),
                "empty text matches everything; remove it or give the text to look for",
            );
        }
        if t.wait_ms > MAX_WAIT_MS {
            self.add(
                &[path, ".wait_ms"].concat(),
                &count_text(
                    t.wait_ms.into(),
                    " is out of range (0 to ",
                    MAX_WAIT_MS.into(),
                    " ms)",
                ),
            );
        }
    }

    fn selector(&mut self, path: &str, sel: &str) {
        if let Err(e) = selector::check_chain(sel) {
            self.add(path, &e.text());
        }
    }

    fn url_pattern(&mut self, path: &str, pattern: &str) {
        if let Err(e) = UrlPattern::parse(pattern) {
            self.add(path, &e);
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
            self.add(path, &format!("invalid regular expression: {last}"));
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
                &[what, " `", id, "` must be 1 to 64 lowercase letters, digits, `-` or `_`, starting with a letter or digit"].concat(),
            );
        }
    }

    fn title(&mut self, path: &str, t: &str) {
        if t.trim().is_empty() {
            self.add(path, "must not be empty");
            return;
        }
        let n = t.chars().count();
        if n > MAX_TITLE {
            self.add(
                path,
                &[
                    "too long (",
                    &count_text(n as u64, " characters, at most ", MAX_TITLE as u64, ")"),
                ]
                .concat(),
            );
        }
    }

    fn body(&mut self, path: &str, b: &str) {
        let n = b.chars().count();
        if n > MAX_BODY {
            self.add(
                path,
                &[
                    "too long (",
                    &count_text(
                        n as u64,
                        " characters, at most ",
                        MAX_BODY as u64,
                        "); split the step",
                    ),
                ]
                .concat(),
            );
        }
    }

    fn stuck_after(&mut self, path: &str, s: u32) {
        let (lo, hi) = STUCK_AFTER_S;
        if !(lo..=hi).contains(&s) {
            self.add(
                path,
                &[
                    &count_text(s.into(), " is out of range (", lo.into(), " to "),
                    &int(hi.into()),
                    " seconds)",
                ]
                .concat(),
            );
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
