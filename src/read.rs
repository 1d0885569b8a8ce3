//! Reading a guide from an already parsed JSON value, without serde.
//!
//! Owns the in-page runtime's way in for guide definitions. The runtime gets guides
//! as the browser's own `JSON.parse` objects; serde's generic deserializers for the
//! twenty-odd guide types would be compiled into every user's download, so this
//! module walks any value that implements [`Json`] by hand instead. It accepts the
//! serde shape of [`crate::guide`] (the tests check both readers agree on every demo
//! guide) with two leniencies the server does not have: a field the format does not
//! know is ignored, and `null` counts as an absent field. A wrong shape is one
//! [`Problem`] at the path of the fault, like [`crate::validate`]'s.
//!
//! What it must not do: check the rules of a guide (that is
//! [`crate::validate::validate_guide`]'s job) or know where the value came from.

use crate::geometry::Placement;
use crate::guide::{
    Advance, AudienceRule, ChecklistItem, Frequency, Guide, Kind, LocaleStrings, Match, OnMissing,
    Priority, Start, Step, Target, Text, Tip, TipTrigger, DEFAULT_WAIT_MS,
};
use crate::map::SortedMap;
use crate::text::push_int;
use crate::validate::Problem;

/// A parsed JSON value, as the host has it (the runtime: a `JsValue`).
pub trait Json: Sized {
    /// Member `key` of an object; `None` when absent or `null`, or when this is not
    /// an object.
    fn get(&self, key: &str) -> Option<Self>;
    /// The text of a string; `None` when this is not one.
    fn as_str(&self) -> Option<String>;
    /// The value of a number; `None` when this is not one.
    fn as_f64(&self) -> Option<f64>;
    /// The value of a boolean; `None` when this is not one.
    fn as_bool(&self) -> Option<bool>;
    /// The elements of an array; `None` when this is not one.
    fn items(&self) -> Option<Vec<Self>>;
    /// The members of an object (not an array); `None` when this is not one.
    fn entries(&self) -> Option<Vec<(String, Self)>>;
}

type Read<T> = Result<T, Problem>;

/// Reads one guide. Only the shape is checked here, not the rules.
pub fn guide<J: Json>(v: &J) -> Read<Guide> {
    object(v, "guide")?;
    let kind = one_of(
        v,
        "",
        "kind",
        &["tour", "tip", "checklist"],
        &[Kind::Tour, Kind::Tip, Kind::Checklist],
        None,
    )?;
    Ok(Guide {
        schema: number(v, "", "schema", None)?,
        id: string(v, "", "id")?,
        kind,
        title: string(v, "", "title")?,
        description: opt_string(v, "", "description")?,
        version: number(v, "", "version", None)?,
        matching: required(v, "", "match", matching)?,
        start: start(v)?,
        frequency: one_of(
            v,
            "",
            "frequency",
            &["once", "until_completed", "always"],
            &[
                Frequency::Once,
                Frequency::UntilCompleted,
                Frequency::Always,
            ],
            Some(Frequency::default()),
        )?,
        category: opt_string(v, "", "category")?,
        priority: one_of(
            v,
            "",
            "priority",
            &["low", "normal", "high", "urgent"],
            &[
                Priority::Low,
                Priority::Normal,
                Priority::High,
                Priority::Urgent,
            ],
            Some(Priority::default()),
        )?,
        default_locale: opt_string(v, "", "default_locale")?.unwrap_or_else(|| "en".into()),
        locales: map(v, "", "locales", locale_strings)?,
        stuck_after_s: opt_number(v, "", "stuck_after_s")?,
        error_selector: opt_string(v, "", "error_selector")?,
        related_help: opt_string(v, "", "related_help")?,
        capture_fields: flag(v, "", "capture_fields")?,
        steps: list(v, "", "steps", step)?,
        tip: optional(v, "", "tip", tip)?,
        items: list(v, "", "items", checklist_item)?,
    })
}

fn matching<J: Json>(v: &J, path: &str) -> Read<Match> {
    Ok(Match {
        urls: list(v, path, "urls", string_item)?,
        audience: list(v, path, "audience", audience_rule)?,
    })
}

fn audience_rule<J: Json>(v: &J, path: &str) -> Read<AudienceRule> {
    let op = choose_required(v, path, "op", &["equals", "one_of", "not", "not_one_of"])?;
    let attr = string(v, path, "attr")?;
    Ok(match op {
        0 => AudienceRule::Equals {
            attr,
            value: string(v, path, "value")?,
        },
        1 => AudienceRule::OneOf {
            attr,
            values: list_required(v, path, "values", string_item)?,
        },
        2 => AudienceRule::Not {
            attr,
            value: string(v, path, "value")?,
        },
        _ => AudienceRule::NotOneOf {
            attr,
            values: list_required(v, path, "values", string_item)?,
        },
    })
}

/// `"auto"`, `"launcher"` or `{"on_click": selector}`.
fn start<J: Json>(v: &J) -> Read<Start> {
    let Some(s) = v.get("start") else {
        return Ok(Start::default());
    };
    if let Some(selector) = s.get("on_click") {
        return Ok(Start::OnClick(string_item(&selector, "start.on_click")?));
    }
    match s.as_str().as_deref() {
        Some("auto") => Ok(Start::Auto),
        Some("launcher") => Ok(Start::Launcher),
        _ => Err(wrong(
            "start",
            "must be `auto`, `launcher` or {\"on_click\": selector}",
        )),
    }
}

fn locale_strings<J: Json>(v: &J, path: &str) -> Read<LocaleStrings> {
    Ok(LocaleStrings {
        title: opt_string(v, path, "title")?,
        description: opt_string(v, path, "description")?,
        steps: map(v, path, "steps", text)?,
        tip: optional(v, path, "tip", text)?,
        items: map(v, path, "items", string_item)?,
    })
}

fn text<J: Json>(v: &J, path: &str) -> Read<Text> {
    Ok(Text {
        title: string(v, path, "title")?,
        body: opt_string(v, path, "body")?.unwrap_or_default(),
    })
}

fn step<J: Json>(v: &J, path: &str) -> Read<Step> {
    Ok(Step {
        id: string(v, path, "id")?,
        target: optional(v, path, "target", target)?,
        page: opt_string(v, path, "page")?,
        title: string(v, path, "title")?,
        body: opt_string(v, path, "body")?.unwrap_or_default(),
        placement: placement(v, path)?,
        advance: optional(v, path, "advance", advance)?.unwrap_or_default(),
        on_missing: one_of(
            v,
            path,
            "on_missing",
            &["skip", "stuck"],
            &[OnMissing::Skip, OnMissing::Stuck],
            Some(OnMissing::default()),
        )?,
        stuck_after_s: opt_number(v, path, "stuck_after_s")?,
        allow_interaction: flag(v, path, "allow_interaction")?,
    })
}

/// The names of [`Placement::ALL`], in its order (a test checks they agree), so
/// reading one builds no table.
const PLACEMENT_NAMES: [&str; 12] = [
    "top",
    "top-start",
    "top-end",
    "bottom",
    "bottom-start",
    "bottom-end",
    "left",
    "left-start",
    "left-end",
    "right",
    "right-start",
    "right-end",
];

fn placement<J: Json>(v: &J, path: &str) -> Read<Placement> {
    one_of(
        v,
        path,
        "placement",
        &PLACEMENT_NAMES,
        &Placement::ALL,
        Some(Placement::default()),
    )
}

fn target<J: Json>(v: &J, path: &str) -> Read<Target> {
    Ok(Target {
        css: list_required(v, path, "css", string_item)?,
        text: opt_string(v, path, "text")?,
        wait_ms: opt_number(v, path, "wait_ms")?.unwrap_or(DEFAULT_WAIT_MS),
    })
}

/// Internally tagged by `kind`.
fn advance<J: Json>(v: &J, path: &str) -> Read<Advance> {
    const KINDS: [&str; 5] = ["next", "click", "input", "url", "visible"];
    Ok(match choose_required(v, path, "kind", &KINDS)? {
        0 => Advance::Next,
        1 => Advance::Click,
        2 => Advance::Input {
            pattern: string(v, path, "pattern")?,
        },
        3 => Advance::Url {
            pattern: string(v, path, "pattern")?,
        },
        _ => Advance::Visible {
            selector: string(v, path, "selector")?,
        },
    })
}

fn tip<J: Json>(v: &J, path: &str) -> Read<Tip> {
    Ok(Tip {
        target: required(v, path, "target", target)?,
        title: string(v, path, "title")?,
        body: opt_string(v, path, "body")?.unwrap_or_default(),
        show_on: one_of(
            v,
            path,
            "show_on",
            &["hover", "focus", "click"],
            &[TipTrigger::Hover, TipTrigger::Focus, TipTrigger::Click],
            Some(TipTrigger::default()),
        )?,
        beacon: flag(v, path, "beacon")?,
        placement: placement(v, path)?,
    })
}

fn checklist_item<J: Json>(v: &J, path: &str) -> Read<ChecklistItem> {
    Ok(ChecklistItem {
        id: string(v, path, "id")?,
        label: string(v, path, "label")?,
        guide: string(v, path, "guide")?,
    })
}

// ---- the pieces every type is made of ------------------------------------------

/// `path.key`, or `key` at the top.
fn at(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        [path, ".", key].concat()
    }
}

fn wrong(path: &str, message: &str) -> Problem {
    Problem {
        path: path.to_owned(),
        message: message.to_owned(),
    }
}

fn object<J: Json>(v: &J, path: &str) -> Read<()> {
    match v.entries() {
        Some(_) => Ok(()),
        None => Err(wrong(path, "must be an object")),
    }
}

/// An object field that must be there, read by `read` at its own path.
fn required<J: Json, T>(v: &J, path: &str, key: &str, read: fn(&J, &str) -> Read<T>) -> Read<T> {
    optional(v, path, key, read)?.ok_or_else(|| wrong(&at(path, key), "is required"))
}

/// An object field that may be absent.
fn optional<J: Json, T>(
    v: &J,
    path: &str,
    key: &str,
    read: fn(&J, &str) -> Read<T>,
) -> Read<Option<T>> {
    let Some(field) = v.get(key) else {
        return Ok(None);
    };
    let path = at(path, key);
    if field.entries().is_none() {
        return Err(wrong(&path, "must be an object"));
    }
    read(&field, &path).map(Some)
}

fn string_item<J: Json>(v: &J, path: &str) -> Read<String> {
    v.as_str().ok_or_else(|| wrong(path, "must be a string"))
}

fn string<J: Json>(v: &J, path: &str, key: &str) -> Read<String> {
    opt_string(v, path, key)?.ok_or_else(|| wrong(&at(path, key), "is required"))
}

fn opt_string<J: Json>(v: &J, path: &str, key: &str) -> Read<Option<String>> {
    v.get(key)
        .map(|s| string_item(&s, &at(path, key)))
        .transpose()
}

fn flag<J: Json>(v: &J, path: &str, key: &str) -> Read<bool> {
    match v.get(key) {
        None => Ok(false),
        Some(b) => b
            .as_bool()
            .ok_or_else(|| wrong(&at(path, key), "must be true or false")),
    }
}

/// A whole number that fits a `u32`; `default` when absent (`None`: required).
fn number<J: Json>(v: &J, path: &str, key: &str, default: Option<u32>) -> Read<u32> {
    match opt_number(v, path, key)?.or(default) {
        Some(n) => Ok(n),
        None => Err(wrong(&at(path, key), "is required")),
    }
}

fn opt_number<J: Json>(v: &J, path: &str, key: &str) -> Read<Option<u32>> {
    let Some(n) = v.get(key) else {
        return Ok(None);
    };
    match n.as_f64() {
        Some(x) if x.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(&x) => Ok(Some(x as u32)),
        _ => Err(wrong(&at(path, key), "must be a whole number, 0 or more")),
    }
}

/// Which of `names` the field holds, as an index; `None` when absent. One function
/// for every enum the format has (only the small [`one_of`] is per type).
fn choose<J: Json>(v: &J, path: &str, key: &str, names: &[&str]) -> Read<Option<usize>> {
    let Some(field) = v.get(key) else {
        return Ok(None);
    };
    let name = field.as_str().unwrap_or_default();
    if let Some(i) = names.iter().position(|n| *n == name) {
        return Ok(Some(i));
    }
    let mut message = String::from("must be one of ");
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            message.push_str(", ");
        }
        message.push_str(n);
    }
    Err(wrong(&at(path, key), &message))
}

/// The index of one of `names`, which must be there.
fn choose_required<J: Json>(v: &J, path: &str, key: &str, names: &[&str]) -> Read<usize> {
    choose(v, path, key, names)?.ok_or_else(|| wrong(&at(path, key), "is required"))
}

/// The value of `values` named by the same index in `names`; `default` when absent
/// (`None`: required).
fn one_of<J: Json, T: Copy>(
    v: &J,
    path: &str,
    key: &str,
    names: &[&str],
    values: &[T],
    default: Option<T>,
) -> Read<T> {
    match choose(v, path, key, names)? {
        Some(i) => values.get(i).copied(),
        None => default,
    }
    .ok_or_else(|| wrong(&at(path, key), "is required"))
}

/// An array field, empty when absent; each element read at `path.key[i]`.
fn list<J: Json, T>(v: &J, path: &str, key: &str, read: fn(&J, &str) -> Read<T>) -> Read<Vec<T>> {
    let Some(field) = v.get(key) else {
        return Ok(Vec::new());
    };
    let path = at(path, key);
    let items = field
        .items()
        .ok_or_else(|| wrong(&path, "must be a list"))?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let mut item_path = path.clone();
        item_path.push('[');
        push_int(&mut item_path, i as u64);
        item_path.push(']');
        out.push(read(item, &item_path)?);
    }
    Ok(out)
}

fn list_required<J: Json, T>(
    v: &J,
    path: &str,
    key: &str,
    read: fn(&J, &str) -> Read<T>,
) -> Read<Vec<T>> {
    if v.get(key).is_none() {
        return Err(wrong(&at(path, key), "is required"));
    }
    list(v, path, key, read)
}

/// An object field of named entries, empty when absent.
fn map<J: Json, T>(
    v: &J,
    path: &str,
    key: &str,
    read: fn(&J, &str) -> Read<T>,
) -> Read<SortedMap<T>> {
    let Some(field) = v.get(key) else {
        return Ok(SortedMap::new());
    };
    let path = at(path, key);
    let entries = field
        .entries()
        .ok_or_else(|| wrong(&path, "must be an object"))?;
    let mut out = SortedMap::new();
    for (name, value) in entries {
        let value = read(&value, &at(&path, &name))?;
        out.insert(name, value);
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
