//! The guide definition types: what a support agent writes and the runtime plays.
//!
//! Owns the serde shape of a guide (`"schema": 1`): the envelope every kind shares
//! and the kind-specific parts (tour steps, a tip, checklist items). Unknown fields
//! are refused so a typo never silently does nothing. This module only describes;
//! checking that a guide makes sense is [`crate::validate`]'s job, and deciding who
//! sees it is [`crate::targeting`]'s.

use serde::{Deserialize, Serialize};

use crate::map::SortedMap;

pub use crate::geometry::Placement;

/// The only schema version this core reads.
pub const SCHEMA_VERSION: u32 = 1;

/// One guide: a tour, a tip or a checklist.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "full", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Guide {
    /// Always 1 for this format.
    pub schema: u32,
    /// Stable identifier, lowercase letters, digits and dashes (`raise-requisition`).
    pub id: String,
    /// Whether this is a tour, a tip or a checklist.
    pub kind: Kind,
    /// Shown in the launcher and on the first step; in the default locale.
    pub title: String,
    /// Optional one-line summary shown in the launcher.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Increases on every publish; progress is keyed by it.
    pub version: u32,
    /// Where and for whom the guide is offered.
    #[serde(rename = "match")]
    pub matching: Match,
    /// How the guide begins.
    #[serde(default)]
    pub start: Start,
    /// How often an automatic guide is offered to the same user.
    #[serde(default)]
    pub frequency: Frequency,
    /// Ticket category used when a user asks for help from this guide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Priority of tickets filed from this guide.
    #[serde(default)]
    pub priority: Priority,
    /// Locale of the strings written inline (`title`, step titles and bodies).
    #[serde(default = "default_locale")]
    pub default_locale: String,
    /// Translations, keyed by locale tag (`fr`, `de-CH`).
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub locales: SortedMap<LocaleStrings>,
    /// Seconds on one step before help is offered; a step may override it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stuck_after_s: Option<u32>,
    /// CSS selector of the host app's error messages (`.alert-error, [role=alert]`):
    /// one appearing during a step is a sign the user is stuck.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_selector: Option<String>,
    /// A help page (http, https) offered as "Related help" when the user is stuck.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related_help: Option<String>,
    /// Allow tickets filed from this guide to include what the user typed into the
    /// step's target field. Off by default: nothing typed is captured otherwise.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub capture_fields: bool,
    /// Tour only: the steps, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<Step>,
    /// Tip only: the element it attaches to and what it says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tip: Option<Tip>,
    /// Checklist only: the guides to complete.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<ChecklistItem>,
}

fn default_locale() -> String {
    "en".to_owned()
}

/// What sort of guide it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "full", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Steps played in order, each pointing at an element or centred.
    Tour,
    /// A hint attached to one element of a page.
    Tip,
    /// A list of other guides for the user to complete.
    Checklist,
}

impl Kind {
    /// The kind's name as written in a guide (`tour`, `tip`, `checklist`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Tour => "tour",
            Kind::Tip => "tip",
            Kind::Checklist => "checklist",
        }
    }
}

/// Which pages and which users a guide is for. Every audience rule must hold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "full", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Match {
    /// URL patterns: `/orders/*` (one segment), `/admin/**` (any depth),
    /// `/orders/:id/edit` (a named segment). A full URL's host may be given too.
    pub urls: Vec<String>,
    /// Rules on user attributes that must all hold; none means every user.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audience: Vec<AudienceRule>,
}

/// A condition over one user attribute (`role`, `department`, `locale`, `literacy`...).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "full", derive(schemars::JsonSchema))]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum AudienceRule {
    /// The attribute equals `value`.
    Equals {
        /// The attribute's name.
        attr: String,
        /// The value it must equal.
        value: String,
    },
    /// The attribute is one of `values`.
    OneOf {
        /// The attribute's name.
        attr: String,
        /// The values it may take.
        values: Vec<String>,
    },
    /// The attribute is absent or differs from `value`.
    Not {
        /// The attribute's name.
        attr: String,
        /// The value it must not equal.
        value: String,
    },
    /// The attribute is absent or none of `values`.
    NotOneOf {
        /// The attribute's name.
        attr: String,
        /// The values it must not take.
        values: Vec<String>,
    },
}

impl AudienceRule {
    /// The name of the user attribute the rule tests.
    pub fn attr(&self) -> &str {
        match self {
            AudienceRule::Equals { attr, .. }
            | AudienceRule::OneOf { attr, .. }
            | AudienceRule::Not { attr, .. }
            | AudienceRule::NotOneOf { attr, .. } => attr,
        }
    }
}

/// How a guide begins.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "full", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Start {
    /// As soon as a matching page is shown (subject to `frequency`).
    Auto,
    /// Only from the launcher ("Help" button) or the API.
    #[default]
    Launcher,
    /// When the user clicks an element matching this selector.
    OnClick(String),
}

/// How often a user is offered an automatic guide.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "full", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// Never again once it has been started.
    Once,
    /// Until the user completes it (dismissing does not count).
    #[default]
    UntilCompleted,
    /// Every time it matches.
    Always,
}

/// Ticket priority; each help-desk connector maps it to its own scale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "full", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// The lowest.
    Low,
    /// The default.
    #[default]
    Normal,
    /// Above normal.
    High,
    /// The highest.
    Urgent,
}

/// Translated strings for one locale. Every string of the default locale must be here.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "full", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LocaleStrings {
    /// The guide's title in this locale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The guide's one-line summary in this locale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Per step id.
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub steps: SortedMap<Text>,
    /// The tip's title and body in this locale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tip: Option<Text>,
    /// Checklist item labels, per item id.
    #[serde(default, skip_serializing_if = "SortedMap::is_empty")]
    pub items: SortedMap<String>,
}

/// A title and a safe-markdown body.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "full", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// The title.
    pub title: String,
    /// Safe markdown (see [`crate::markup`]).
    #[serde(default)]
    pub body: String,
}

/// One step of a tour.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "full", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Unique within the guide; translations and analytics refer to it.
    pub id: String,
    /// The element the step points at; none for a centred step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Target>,
    /// URL pattern of the page the step lives on (multi-page tours). None: any page
    /// the guide matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// The step's title, in the default locale.
    pub title: String,
    /// Safe markdown (see [`crate::markup`]).
    #[serde(default)]
    pub body: String,
    /// Where the popover sits relative to the target.
    #[serde(default)]
    pub placement: Placement,
    /// What moves the tour on from this step.
    #[serde(default)]
    pub advance: Advance,
    /// What to do if the target never appears.
    #[serde(default)]
    pub on_missing: OnMissing,
    /// Overrides the guide's `stuck_after_s` for this step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stuck_after_s: Option<u32>,
    /// Let the user click the page around the spotlight (not only the target).
    #[serde(default)]
    pub allow_interaction: bool,
}

/// How the runtime finds a step's or tip's element.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "full", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// CSS selectors tried in order; the first that finds an element wins. Use
    /// `host >>> inner` to cross into an open shadow root or a same-origin iframe.
    pub css: Vec<String>,
    /// Only elements whose visible text contains this (case-insensitive) match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// How long to wait for the element to appear, in milliseconds.
    #[serde(default = "default_wait_ms")]
    pub wait_ms: u32,
}

/// How long a target is waited for when `wait_ms` is not given, in milliseconds.
pub const DEFAULT_WAIT_MS: u32 = 3000;
/// Longest wait a step may ask for; longer waits look like a broken page.
pub const MAX_WAIT_MS: u32 = 60_000;

fn default_wait_ms() -> u32 {
    DEFAULT_WAIT_MS
}

/// What moves a tour from a step to the next.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "full", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Advance {
    /// The user presses Next.
    #[default]
    Next,
    /// The user clicks the step's target.
    Click,
    /// The user types into the target until its value matches `pattern` (a regex).
    Input {
        /// Regex the typed value must match.
        pattern: String,
    },
    /// The page URL comes to match `pattern` (a URL pattern).
    Url {
        /// A URL pattern, written as in `match.urls`.
        pattern: String,
    },
    /// An element matching `selector` becomes visible.
    Visible {
        /// CSS selector of the element to wait for.
        selector: String,
    },
}

impl Advance {
    /// The advance's `kind` as written in a guide (`next`, `click`, `input`, `url`, `visible`).
    pub fn name(&self) -> &'static str {
        match self {
            Advance::Next => "next",
            Advance::Click => "click",
            Advance::Input { .. } => "input",
            Advance::Url { .. } => "url",
            Advance::Visible { .. } => "visible",
        }
    }
}

/// What to do when a step's target never appears within `wait_ms`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "full", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OnMissing {
    /// Go on to the next step.
    Skip,
    /// Treat the user as stuck: offer help.
    #[default]
    Stuck,
}

/// A tip: a hint attached to one element.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "full", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Tip {
    /// The element the tip attaches to.
    pub target: Target,
    /// The tip's title, in the default locale.
    pub title: String,
    /// Safe markdown (see [`crate::markup`]), in the default locale.
    #[serde(default)]
    pub body: String,
    /// What opens the tip.
    #[serde(default)]
    pub show_on: TipTrigger,
    /// Draw a pulsing beacon beside the element so users notice the tip.
    #[serde(default)]
    pub beacon: bool,
    /// Where the tip's popover sits relative to the element.
    #[serde(default)]
    pub placement: Placement,
}

/// What opens a tip.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "full", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TipTrigger {
    /// Pointer over the element or its beacon, or keyboard focus on it.
    #[default]
    Hover,
    /// Keyboard or pointer focus on the element.
    Focus,
    /// A click on the beacon.
    Click,
}

/// One entry of a checklist: complete the named guide.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "full", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ChecklistItem {
    /// Unique within the checklist; translations refer to it.
    pub id: String,
    /// The item's label, in the default locale.
    pub label: String,
    /// Id of the guide whose completion ticks this item.
    pub guide: String,
}

impl Guide {
    /// Title in `locale`, falling back to the default locale.
    pub fn title_in(&self, locale: &str) -> &str {
        self.locale(locale)
            .and_then(|l| l.title.as_deref())
            .unwrap_or(&self.title)
    }

    /// Title and body of step `index` in `locale`, falling back to the default locale.
    pub fn step_text(&self, index: usize, locale: &str) -> Option<(&str, &str)> {
        let step = self.steps.get(index)?;
        let text = self.locale(locale).and_then(|l| l.steps.get(&step.id));
        Some(match text {
            Some(t) => (t.title.as_str(), t.body.as_str()),
            None => (step.title.as_str(), step.body.as_str()),
        })
    }

    /// Label of a checklist item in `locale`.
    pub fn item_label<'a>(&'a self, item: &'a ChecklistItem, locale: &str) -> &'a str {
        self.locale(locale)
            .and_then(|l| l.items.get(&item.id))
            .map(String::as_str)
            .unwrap_or(&item.label)
    }

    /// The translation best matching `locale`: exact tag, then its language (`fr-CA` → `fr`).
    fn locale(&self, locale: &str) -> Option<&LocaleStrings> {
        if locale.eq_ignore_ascii_case(&self.default_locale) {
            return None;
        }
        let found = self
            .locales
            .iter()
            .find(|(tag, _)| tag.eq_ignore_ascii_case(locale));
        found
            .or_else(|| {
                let lang = locale.split(['-', '_']).next().unwrap_or(locale);
                self.locales
                    .iter()
                    .find(|(tag, _)| tag.eq_ignore_ascii_case(lang))
            })
            .map(|(_, strings)| strings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tour_json() -> &'static str {
        r##"{
          "schema": 1, "id": "t", "kind": "tour", "title": "T", "version": 2,
          "match": {"urls": ["/a/**"], "audience": [{"op": "one_of", "attr": "role", "values": ["buyer"]}]},
          "start": {"on_click": "#help"}, "frequency": "once", "priority": "high",
          "locales": {"fr": {"title": "T fr", "steps": {"s1": {"title": "Un", "body": "Corps"}}}},
          "steps": [{"id": "s1", "title": "One", "body": "Body", "placement": "top-start",
                     "target": {"css": ["#x"]}, "advance": {"kind": "input", "pattern": "^\\d+$"}}]
        }"##
    }

    #[test]
    fn a_tour_reads_every_envelope_field_and_defaults_the_rest() {
        let g: Guide = serde_json::from_str(tour_json()).unwrap();
        assert_eq!(g.kind, Kind::Tour);
        assert_eq!(g.start, Start::OnClick("#help".into()));
        assert_eq!(g.frequency, Frequency::Once);
        assert_eq!(g.priority, Priority::High);
        assert_eq!(g.default_locale, "en");
        let step = &g.steps[0];
        assert_eq!(step.placement, Placement::TopStart);
        assert_eq!(step.on_missing, OnMissing::Stuck);
        assert_eq!(step.target.as_ref().unwrap().wait_ms, DEFAULT_WAIT_MS);
        assert_eq!(
            step.advance,
            Advance::Input {
                pattern: "^\\d+$".into()
            }
        );
    }

    #[test]
    fn unknown_fields_are_refused_at_every_level() {
        let bad = tour_json().replace(
            "\"placement\": \"top-start\"",
            "\"placement\": \"top-start\", \"colour\": 1",
        );
        let err = serde_json::from_str::<Guide>(&bad).unwrap_err();
        assert!(err.to_string().contains("unknown field `colour`"), "{err}");
        let bad = tour_json().replace("\"frequency\"", "\"frequncy\"");
        assert!(serde_json::from_str::<Guide>(&bad).is_err());
    }

    #[test]
    fn a_guide_survives_a_json_round_trip() {
        let g: Guide = serde_json::from_str(tour_json()).unwrap();
        let again: Guide = serde_json::from_str(&serde_json::to_string(&g).unwrap()).unwrap();
        assert_eq!(g, again);
    }

    #[test]
    fn translated_strings_fall_back_by_language_then_default() {
        let g: Guide = serde_json::from_str(tour_json()).unwrap();
        assert_eq!(g.title_in("fr-CA"), "T fr");
        assert_eq!(g.title_in("de"), "T");
        assert_eq!(g.step_text(0, "fr"), Some(("Un", "Corps")));
        assert_eq!(g.step_text(0, "en"), Some(("One", "Body")));
        assert_eq!(g.step_text(1, "en"), None);
    }
}
