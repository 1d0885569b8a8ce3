//! New guides and steps, and what changes when a guide changes kind.

use waymark::guide::{
    Advance, ChecklistItem, Guide, Kind, LocaleStrings, Match, Start, Step, Target, Text, Tip,
    SCHEMA_VERSION,
};

use super::naming::unique_id;

/// A new guide of `kind`, valid but for what only the agent can say.
pub fn blank_guide(kind: Kind, id: &str, title: &str) -> Guide {
    let mut g = Guide {
        schema: SCHEMA_VERSION,
        id: id.to_owned(),
        kind,
        title: title.to_owned(),
        description: None,
        version: 1,
        matching: Match {
            urls: vec!["/**".to_owned()],
            audience: vec![],
        },
        start: Start::Launcher,
        frequency: Default::default(),
        category: None,
        priority: Default::default(),
        default_locale: "en".to_owned(),
        locales: Default::default(),
        stuck_after_s: None,
        error_selector: None,
        related_help: None,
        capture_fields: false,
        steps: vec![],
        tip: None,
        items: vec![],
    };
    change_kind(&mut g, kind);
    g
}

/// A copy to save under a new id, as a first version.
pub fn duplicate(guide: &Guide, taken: &[String]) -> Guide {
    let id = unique_id(
        &format!("{}-copy", guide.id),
        taken.iter().map(String::as_str),
    );
    Guide {
        id,
        title: format!("Copy of {}", guide.title),
        version: 1,
        ..guide.clone()
    }
}

pub(crate) fn blank_step(id: &str, number: usize) -> Step {
    Step {
        id: id.to_owned(),
        target: None,
        page: None,
        title: format!("Step {number}"),
        body: String::new(),
        placement: Default::default(),
        advance: Advance::Next,
        on_missing: Default::default(),
        stuck_after_s: None,
        allow_interaction: false,
    }
}

/// Switches kind, keeping what still applies and giving the new kind its part.
pub(crate) fn change_kind(g: &mut Guide, kind: Kind) {
    g.kind = kind;
    match kind {
        Kind::Tour => {
            g.tip = None;
            g.items.clear();
            if g.steps.is_empty() {
                g.steps.push(blank_step("welcome", 1));
            }
        }
        Kind::Tip => {
            g.steps.clear();
            g.items.clear();
            if g.start == Start::Auto {
                g.start = Start::Launcher;
            }
            g.tip.get_or_insert_with(|| Tip {
                target: Target {
                    css: vec![String::new()],
                    text: None,
                    wait_ms: waymark::guide::DEFAULT_WAIT_MS,
                },
                title: g.title.clone(),
                body: String::new(),
                show_on: Default::default(),
                beacon: true,
                placement: Default::default(),
            });
        }
        Kind::Checklist => {
            g.steps.clear();
            g.tip = None;
            if g.start == Start::Auto {
                g.start = Start::Launcher;
            }
            if g.items.is_empty() {
                g.items.push(ChecklistItem {
                    id: "first".to_owned(),
                    label: String::new(),
                    guide: String::new(),
                });
            }
        }
    }
    let fresh = untranslated(g);
    for strings in g.locales.values_mut() {
        *strings = LocaleStrings {
            title: strings.title.take(),
            description: strings.description.take(),
            ..fresh.clone()
        };
    }
}

/// Translations to fill in for every string of the guide, left empty.
pub(crate) fn untranslated(g: &Guide) -> LocaleStrings {
    LocaleStrings {
        title: Some(String::new()),
        description: g.description.as_ref().map(|_| String::new()),
        steps: g
            .steps
            .iter()
            .map(|s| (s.id.clone(), Text::default()))
            .collect(),
        tip: g.tip.as_ref().map(|_| Text::default()),
        items: g
            .items
            .iter()
            .map(|i| (i.id.clone(), String::new()))
            .collect(),
    }
}

pub(crate) fn rename_step_translations(
    locales: &mut waymark::map::SortedMap<LocaleStrings>,
    from: &str,
    to: &str,
) {
    for strings in locales.values_mut() {
        if let Some(text) = strings.steps.remove(from) {
            strings.steps.insert(to.to_owned(), text);
        }
    }
}
