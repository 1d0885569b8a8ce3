//! The element picker's judgement: which CSS selectors to offer for an element an
//! agent pointed at, best first.
//!
//! Owns the ranking rules, so they are tested natively: stable test attributes
//! (`data-testid`, `data-test`, `data-cy`, `data-qa`) first, then an id that does not
//! look generated, then role plus accessible name, other meaningful attributes,
//! visible text, a selector anchored on a stable ancestor, and last a short structural
//! path. A structural path with `:nth-of-type` is offered only when nothing stable
//! finds the element alone: position chains break on the first markup change.
//!
//! Server-rendered business apps rarely give their controls ids or test attributes,
//! but their forms are full of stable facts, and those rank before any position:
//! the `value` that names a submit input (`input[type=submit][value=Save]`), a field's
//! `name` (with the `value` of a radio, checkbox or named button), `aria-label`,
//! `title`, `placeholder`, a label's `for`, and, as a parent to anchor on, a form's
//! `action` or `name` and a region's `aria-label`. Generated ids, names and class
//! names (`j_idt12`, `:r1:`, `css-1x2y3z`) are never used.
//!
//! This module does not touch the DOM. The runtime's pick mode reads [`Picked`] from
//! the page, asks for [`candidates`], counts what each matches with
//! `querySelectorAll`, and hands the counts to [`rank`]; the editor turns the agent's
//! choice into a step's [`Target`] with [`target_for`].
//!
//! ```
//! use waymark::picker::{candidates, rank, ElementFacts, Picked};
//!
//! let button = ElementFacts::new("a")
//!     .with_id("new-requisition")
//!     .with_attr("data-testid", "new-requisition")
//!     .with_attr("href", "/demo/requisitions/new")
//!     .with_text("New requisition");
//! let picked = Picked { element: button, ancestors: vec![] };
//! let mut offered = candidates(&picked);
//! for c in &mut offered {
//!     c.matches = 1; // the runtime counts these in the page
//! }
//! let ranked = rank(offered);
//! assert_eq!(ranked[0].css, "[data-testid=new-requisition]");
//! assert_eq!(ranked[1].css, "#new-requisition");
//! ```

use serde::{Deserialize, Serialize};

use crate::guide::{Target, DEFAULT_WAIT_MS};
use crate::selector::{check_chain, CROSS};

/// Attributes teams add so tests (and guides) can find elements; styling and copy
/// changes leave them alone. In order of preference.
pub const STABLE_ATTRIBUTES: [&str; 4] = ["data-testid", "data-test", "data-cy", "data-qa"];

/// Attributes the runtime reads besides the stable ones. `value` is used only where
/// it names a control or an option (see [`ElementFacts::stable_value`]), never a
/// text field's content.
pub const READ_ATTRIBUTES: [&str; 11] = [
    "role",
    "aria-label",
    "name",
    "type",
    "value",
    "placeholder",
    "title",
    "alt",
    "href",
    "for",
    "action",
];

/// Longest attribute value used in a selector; longer ones are content, not names.
const MAX_VALUE: usize = 80;

/// How many ancestors the runtime reports, nearest first.
pub const MAX_ANCESTORS: usize = 6;

/// Most selectors saved in one target: the chosen one and its fallbacks.
pub const MAX_SAVED: usize = 4;

/// Longest visible text used to find an element; longer text is cut at a word.
const MAX_TEXT: usize = 60;

/// What the runtime reads from one element of the page.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ElementFacts {
    /// Lowercase tag name.
    pub tag: String,
    /// The `id` attribute, if the element has one.
    pub id: Option<String>,
    /// The stable attributes and [`READ_ATTRIBUTES`] the element has, as
    /// (name, value). A list, not a map: a handful at most, and every byte of map
    /// code would be downloaded by every user of the runtime.
    pub attributes: Vec<(String, String)>,
    /// The class names, in the order of the `class` attribute.
    pub classes: Vec<String>,
    /// Visible text, as the page shows it.
    pub text: String,
    /// For form fields: the text of the `<label>` or `aria-labelledby` element.
    pub label: Option<String>,
    /// 1-based position among the parent's children of the same tag.
    pub nth_of_type: u32,
    /// How many children of the same tag the parent has.
    pub of_type: u32,
}

impl ElementFacts {
    /// An element alone in its parent, with nothing but its tag.
    pub fn new(tag: &str) -> Self {
        ElementFacts {
            tag: tag.to_ascii_lowercase(),
            nth_of_type: 1,
            of_type: 1,
            ..Default::default()
        }
    }

    /// The same element with this `id`.
    pub fn with_id(mut self, id: &str) -> Self {
        self.id = Some(id.to_owned());
        self
    }

    /// The same element with attribute `name` set to `value`, replacing any earlier one.
    pub fn with_attr(mut self, name: &str, value: &str) -> Self {
        self.attributes.retain(|(n, _)| n != name);
        self.attributes.push((name.to_owned(), value.to_owned()));
        self
    }

    /// The same element with one more class.
    pub fn with_class(mut self, class: &str) -> Self {
        self.classes.push(class.to_owned());
        self
    }

    /// The same element with this visible text.
    pub fn with_text(mut self, text: &str) -> Self {
        self.text = text.to_owned();
        self
    }

    /// The same element at position `nth_of_type` (from 1) of `of_type` same-tag siblings.
    pub fn with_position(mut self, nth_of_type: u32, of_type: u32) -> Self {
        self.nth_of_type = nth_of_type;
        self.of_type = of_type;
        self
    }

    fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.trim().is_empty())
    }

    /// The stable test attribute the element has, if any: `[data-testid=save]`.
    fn stable_attribute(&self) -> Option<String> {
        STABLE_ATTRIBUTES
            .iter()
            .find_map(|name| self.attr(name).map(|value| attribute(name, value)))
    }

    /// `#id` when the element has an id that does not look generated.
    fn stable_id(&self) -> Option<String> {
        let id = self.id.as_deref().filter(|id| !looks_generated(id))?;
        Some(id_selector(id))
    }

    /// An attribute value fit for a selector: present, not too long, on one line.
    fn usable(&self, name: &str) -> Option<&str> {
        self.attr(name)
            .filter(|v| v.chars().count() <= MAX_VALUE && !v.contains(['\n', '\r']))
    }

    /// `name`, unless it looks generated (JSF's `j_idt12`, a hash).
    fn stable_name(&self) -> Option<&str> {
        self.usable("name").filter(|n| !looks_generated(n))
    }

    /// The `type` of an input, lowercase (`text` when absent).
    fn input_type(&self) -> String {
        self.attr("type").unwrap_or("text").to_ascii_lowercase()
    }

    /// The `value` that names a button input: `Save` of `<input type=submit
    /// value=Save>`, what the user reads on it.
    fn button_value(&self) -> Option<&str> {
        let is_button = self.tag == "input"
            && matches!(self.input_type().as_str(), "submit" | "button" | "reset");
        self.usable("value").filter(|_| is_button)
    }

    /// A `value` that says which control or option this is and does not change as
    /// the user types: button inputs, `<button>`, radios, checkboxes and options.
    /// A text field's value is its content (often the user's data) and never used.
    pub fn stable_value(&self) -> Option<&str> {
        let names_it = match self.tag.as_str() {
            "button" | "option" => true,
            "input" => matches!(
                self.input_type().as_str(),
                "submit" | "button" | "reset" | "radio" | "checkbox"
            ),
            _ => false,
        };
        self.usable("value").filter(|_| names_it)
    }

    /// The element's own anchor, for the elements inside it: a test attribute, a
    /// stable id, a form's `action` or `name` (`form[action="/requisitions"]`), or
    /// a labelled region (`nav[aria-label=Main]`).
    fn anchor(&self) -> Option<String> {
        self.stable_attribute()
            .or_else(|| self.stable_id())
            .or_else(|| self.form_anchor())
            .or_else(|| {
                let label = self.usable("aria-label")?;
                Some(format!("{}{}", self.tag, attribute("aria-label", label)))
            })
    }

    /// `form[action="/requisitions"]` or `form[name=search]`, when it looks written
    /// by a person (an action with a record's number in it is one row's form).
    fn form_anchor(&self) -> Option<String> {
        if self.tag != "form" {
            return None;
        }
        let action = self
            .usable("action")
            .filter(|a| !a.is_empty() && !a.starts_with("javascript:"))
            .filter(|a| {
                !a.split(['/', '?', '&', '=', '.'])
                    .any(looks_generated_segment)
            });
        if let Some(action) = action {
            return Some(format!("form{}", attribute("action", action)));
        }
        let name = self.stable_name()?;
        Some(format!("form{}", attribute("name", name)))
    }

    /// Tag plus up to two classes that look hand-written: `a.button.primary`.
    fn tag_and_classes(&self) -> String {
        let mut out = self.tag.clone();
        for class in self
            .classes
            .iter()
            .filter(|c| !looks_generated_class(c) && is_ident(c))
            .take(2)
        {
            out.push('.');
            out.push_str(class);
        }
        out
    }

    /// The element's role: its `role` attribute or the one its tag implies.
    pub fn role(&self) -> Option<&str> {
        if let Some(role) = self.attr("role") {
            return role.split_whitespace().next();
        }
        let input_type = self.attr("type").unwrap_or("text");
        Some(match self.tag.as_str() {
            "a" if self.attr("href").is_some() => "link",
            "button" => "button",
            "input" => match input_type {
                "button" | "submit" | "reset" | "image" => "button",
                "checkbox" => "checkbox",
                "radio" => "radio",
                "range" => "slider",
                "number" => "spinbutton",
                "search" => "searchbox",
                "hidden" => return None,
                _ => "textbox",
            },
            "textarea" => "textbox",
            "select" => "combobox",
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => "heading",
            "img" => "img",
            "nav" => "navigation",
            "dialog" => "dialog",
            "table" => "table",
            "li" => "listitem",
            "summary" => "button",
            _ => return None,
        })
    }

    /// The visible text to find it by (see [`short_text`]).
    pub fn short_text(&self) -> Option<String> {
        short_text(&self.text)
    }

    /// How an agent would name the element: `button “Save”`, `textbox “Amount”`.
    pub fn describe(&self) -> String {
        let what = self.role().unwrap_or(&self.tag).to_owned();
        let name = self
            .attr("aria-label")
            .map(str::to_owned)
            .or_else(|| self.label.clone())
            .or_else(|| Some(collapse(&self.text)).filter(|t| !t.is_empty()))
            .or_else(|| self.button_value().map(str::to_owned))
            .or_else(|| self.attr("placeholder").map(str::to_owned))
            .or_else(|| self.attr("alt").map(str::to_owned));
        match name {
            Some(name) => format!("{what} “{}”", truncate(&collapse(&name), 40)),
            None => what,
        }
    }
}

/// An element and its ancestors, as the runtime read them when the agent clicked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Picked {
    /// The element clicked.
    pub element: ElementFacts,
    /// Parent first, at most [`MAX_ANCESTORS`], never `body` or `html`.
    pub ancestors: Vec<ElementFacts>,
}

/// How a candidate finds the element, most robust first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// `data-testid` and its kin.
    TestAttribute,
    /// An id that does not look generated.
    Id,
    /// The element's role and accessible name.
    RoleName,
    /// A meaningful attribute: a form field's `name`, a link's `href`, a placeholder.
    Attribute,
    /// The tag and the visible text.
    Text,
    /// A stable ancestor, then the element's tag and classes.
    Anchored,
    /// The tag and hand-written classes.
    Classes,
    /// A short path of tags from the nearest stable ancestor.
    Structural,
}

impl Strategy {
    /// The name on the wire, as serde spells it (`test_attribute`).
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::TestAttribute => "test_attribute",
            Strategy::Id => "id",
            Strategy::RoleName => "role_name",
            Strategy::Attribute => "attribute",
            Strategy::Text => "text",
            Strategy::Anchored => "anchored",
            Strategy::Classes => "classes",
            Strategy::Structural => "structural",
        }
    }

    /// What the editor shows beside the candidate.
    pub fn label(self) -> &'static str {
        match self {
            Strategy::TestAttribute => "test attribute",
            Strategy::Id => "id",
            Strategy::RoleName => "role and name",
            Strategy::Attribute => "attribute",
            Strategy::Text => "visible text",
            Strategy::Anchored => "inside a stable parent",
            Strategy::Classes => "classes",
            Strategy::Structural => "position in the page",
        }
    }

    /// Survives copy edits and restyling: everything above classes and paths.
    pub fn is_stable(self) -> bool {
        self <= Strategy::Anchored
    }
}

/// One way to find the element: a selector, maybe narrowed by visible text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    /// How the selector was built.
    pub strategy: Strategy,
    /// CSS selector that finds the element.
    pub css: String,
    /// Only elements whose visible text contains this (case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// How many elements of the page it matches; filled in by the runtime.
    #[serde(default)]
    pub matches: u32,
}

impl Candidate {
    fn new(strategy: Strategy, css: String, text: Option<String>) -> Self {
        Candidate {
            strategy,
            css,
            text,
            matches: 0,
        }
    }

    /// True when the selector walks positions (`:nth-of-type`, `:nth-child`).
    pub fn is_positional(&self) -> bool {
        self.css.contains(":nth-")
    }

    /// Finds exactly one element.
    pub fn is_unique(&self) -> bool {
        self.matches == 1
    }
}

/// What the runtime's pick mode sends the editor after a click.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PickResult {
    /// The page the element is on.
    pub url: String,
    /// How an agent would name the element (`button “Save”`).
    pub description: String,
    /// The element's short visible text, if it has any.
    pub text: Option<String>,
    /// Ranked by [`rank`], best first.
    pub candidates: Vec<Candidate>,
}

impl PickResult {
    /// Ranks the counted candidates of a picked element into what the editor shows.
    pub fn new(url: &str, picked: &Picked, counted: Vec<Candidate>) -> Self {
        PickResult {
            url: url.to_owned(),
            description: picked.element.describe(),
            text: picked.element.short_text(),
            candidates: rank(counted),
        }
    }
}

/// The `name` of the frame (or window) the editor opens the host app in. It lasts
/// across the app's page loads, so the runtime knows on every page that an editor
/// is driving it and must not start the app's published guides by itself. The
/// runtime's loader (`runtime/js/loader.js`) repeats it and [`PICK_FRAGMENT`] to
/// choose the runtime build that has pick mode.
pub const FRAME_NAME: &str = "waymark-editor";

/// The URL fragment that opens pick mode at once (`/app/#waymark-pick`), for a
/// window opened without the editor's frame name.
pub const PICK_FRAGMENT: &str = "waymark-pick";

/// What the editor asks of the runtime in its frame, posted as JSON text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "waymark", rename_all = "kebab-case")]
pub enum EditorMessage {
    /// Is the runtime there? Posted after each load of the editor's frame; a page
    /// whose runtime listens answers [`PageMessage::Here`]. No answer means the
    /// frame was refused (`X-Frame-Options`, `frame-ancestors`) or the page has no
    /// Waymark tag; the editor then offers a window of its own.
    Hello,
    /// Outline elements under the pointer; report the one clicked.
    Pick,
    /// Leave pick mode without picking.
    PickStop,
    /// Play this guide (its JSON text) from its first step, without publishing it.
    Preview {
        /// The guide's JSON text.
        guide: String,
    },
    /// Stop the preview and leave the page as it is without guides.
    PreviewStop,
}

/// What the runtime in the frame tells the editor, posted as JSON text to the
/// Waymark server's origin only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "waymark", rename_all = "kebab-case")]
pub enum PageMessage {
    /// A page of the app has loaded (or navigated) with the runtime listening;
    /// `previewing` when it plays a draft kept from an earlier page of this tab.
    Ready {
        /// The page's URL.
        url: String,
        /// A draft from an earlier page of this tab is playing.
        #[serde(default)]
        previewing: bool,
    },
    /// The answer to [`EditorMessage::Hello`]: the runtime listens on this page. It
    /// changes nothing else, so a page that has sent `ready` already is not given
    /// its mode twice.
    Here {
        /// The page's URL.
        url: String,
    },
    /// The agent clicked an element in pick mode.
    Picked {
        /// How the element is named and the selectors that find it.
        result: PickResult,
    },
    /// The agent pressed Esc in pick mode.
    PickCancelled,
}

/// Every selector worth counting for `picked`, roughly best first, each valid CSS.
pub fn candidates(picked: &Picked) -> Vec<Candidate> {
    let e = &picked.element;
    let mut out = Vec::new();
    let mut add = |strategy, css: String, text: Option<String>| {
        let fresh = !out
            .iter()
            .any(|c: &Candidate| c.css == css && c.text == text);
        if fresh && !css.contains(CROSS) && check_chain(&css).is_ok() {
            out.push(Candidate::new(strategy, css, text));
        }
    };

    for name in STABLE_ATTRIBUTES {
        if let Some(value) = e.attr(name) {
            add(Strategy::TestAttribute, attribute(name, value), None);
        }
    }
    if let Some(id) = e.stable_id() {
        add(Strategy::Id, id, None);
    }
    if let Some((css, text)) = role_and_name(e) {
        add(Strategy::RoleName, css, text);
    }
    for css in meaningful_attributes(e) {
        add(Strategy::Attribute, css, None);
    }
    if let Some(text) = e.short_text() {
        add(Strategy::Text, e.tag.clone(), Some(text));
    }
    let own = own_selector(e);
    if let Some((anchor, depth)) = nearest_anchor(&picked.ancestors) {
        let join = if depth == 0 { " > " } else { " " };
        add(Strategy::Anchored, format!("{anchor}{join}{own}"), None);
        // The element's own name inside its form tells apart the same control of
        // several forms (each row's `input[type=submit][value=Save]`).
        let named = role_and_name(e)
            .filter(|(_, text)| text.is_none())
            .map(|(css, _)| css)
            .or_else(|| {
                e.stable_name()
                    .map(|n| format!("{}{}", e.tag, attribute("name", n)))
            });
        if let Some(named) = named {
            add(Strategy::Anchored, format!("{anchor}{join}{named}"), None);
        }
    }
    if own != e.tag {
        add(Strategy::Classes, own, None);
    }
    add(Strategy::Structural, structural_path(picked), None);
    out
}

/// Orders counted candidates for the agent: those finding exactly one element
/// first, by strategy, shorter before longer; then the ambiguous ones. Candidates
/// that find nothing are dropped, and so are position chains whenever a stable
/// candidate finds the element alone.
pub fn rank(mut counted: Vec<Candidate>) -> Vec<Candidate> {
    counted.retain(|c| c.matches > 0);
    let stable_exists = counted
        .iter()
        .any(|c| c.is_unique() && c.strategy.is_stable());
    if stable_exists {
        counted.retain(|c| !c.is_positional());
    }
    // Test attributes keep their order of preference; among the rest, shorter first.
    let key = |c: &Candidate| {
        let length = match c.strategy {
            Strategy::TestAttribute => 0,
            _ => c.css.len() + c.text.as_ref().map_or(0, String::len),
        };
        (!c.is_unique(), c.strategy, length)
    };
    // An insertion sort, stable: a dozen candidates at most, and it keeps the
    // standard library's sort out of the runtime.
    for i in 1..counted.len() {
        let mut j = i;
        while j > 0 && key(&counted[j - 1]) > key(&counted[j]) {
            counted.swap(j - 1, j);
            j -= 1;
        }
    }
    let mut seen = Vec::new();
    counted.retain(|c| {
        let key = (c.css.clone(), c.text.clone());
        let fresh = !seen.contains(&key);
        seen.push(key);
        fresh
    });
    counted
}

/// The target a step saves when the agent chooses `result.candidates[chosen]`: that
/// selector first, then up to [`MAX_SAVED`] − 1 other selectors that also find the
/// element alone (each of a different strategy where possible, so one markup change
/// does not break them all), and the element's text when the choice needs it: when
/// the chosen candidate matches by text, or finds more than one element without it.
/// Bare structural paths are never fallbacks: they say nothing about the element.
pub fn target_for(result: &PickResult, chosen: usize) -> Option<Target> {
    let choice = result.candidates.get(chosen)?;
    let text = match &choice.text {
        Some(text) => Some(text.clone()),
        None if choice.matches > 1 => result.text.clone(),
        None => None,
    };
    let mut css = vec![choice.css.clone()];
    let mut strategies = vec![choice.strategy];
    let usable = |c: &&Candidate| {
        c.is_unique() && c.strategy != Strategy::Structural && (c.text.is_none() || c.text == text)
    };
    // One of each strategy first, then more of the same if room is left.
    for pass in 0..2 {
        for c in result.candidates.iter().filter(usable) {
            if css.len() >= MAX_SAVED {
                break;
            }
            if css.contains(&c.css) || (pass == 0 && strategies.contains(&c.strategy)) {
                continue;
            }
            css.push(c.css.clone());
            strategies.push(c.strategy);
        }
    }
    Some(Target {
        css,
        text,
        wait_ms: DEFAULT_WAIT_MS,
    })
}

/// Whether an id was likely made by a framework or a counter rather than written by
/// a person: React's `:r1:`, `ember123`, `mui-42`, UUIDs, hashes, long numbers. Such
/// ids change between renders or releases, so they make poor selectors.
pub fn looks_generated(id: &str) -> bool {
    const PREFIXES: [&str; 14] = [
        "ember",
        "ext-gen",
        "ext-comp",
        "mui-",
        "react-",
        "radix-",
        "headlessui-",
        "j_idt",
        "gwt-uid",
        "__bvid__",
        "yui_",
        "rc-",
        "uid-",
        "v-",
    ];
    let lower = id.to_ascii_lowercase();
    if id.contains(':') {
        // React's `:r1:` and Radix's `radix-:R1mm:` wrap a counter in colons; JSF
        // joins hand-written ids with them (`orderForm:amount`) but also made-up
        // ones (`orderForm:j_idt12`).
        return id
            .split(':')
            .any(|part| part.is_empty() || looks_generated(part));
    }
    if id.is_empty() || id.starts_with(|c: char| c.is_ascii_digit()) {
        return true;
    }
    if PREFIXES.iter().any(|p| lower.starts_with(p)) && lower.contains(|c: char| c.is_ascii_digit())
    {
        return true;
    }
    if longest_digit_run(id) >= 4 {
        return true;
    }
    lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(looks_random)
}

/// Whether a class name looks made by a CSS-in-JS tool or a CSS-modules build
/// (`css-1n7v3ny`, `sc-bdVaJa`, `Button_primary__3xk9F`, `svelte-1xj8ab2`).
pub fn looks_generated_class(class: &str) -> bool {
    const PREFIXES: [&str; 7] = [
        "css-", "sc-", "jsx-", "jss", "emotion-", "svelte-", "astro-",
    ];
    PREFIXES.iter().any(|p| class.starts_with(p))
        || class.contains("__") && class.rsplit("__").next().is_some_and(looks_random)
        || looks_generated(class)
}

/// A segment that mixes letters and digits the way hashes do (`3xk9f`, `a1b2c3`),
/// or is long hex with at least one digit (a UUID part, a commit hash).
fn looks_random(segment: &str) -> bool {
    let digits = segment.chars().filter(char::is_ascii_digit).count();
    let letters = segment.chars().filter(char::is_ascii_alphabetic).count();
    if digits == 0 || letters == 0 {
        return false;
    }
    let hex = segment.chars().all(|c| c.is_ascii_hexdigit());
    if hex && segment.len() >= 6 {
        return true;
    }
    // Digits only at the end read as a counter a person chose (`step2`, `h1`).
    let trailing = segment
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .count();
    segment.len() >= 5 && digits >= 2 && trailing < digits
}

/// A piece of a form's action that is a record's number or a hash (`1042`,
/// `REQ-1042`, `3f9a2c`), so the form belongs to one row or one session.
fn looks_generated_segment(segment: &str) -> bool {
    !segment.is_empty()
        && segment.contains(|c: char| c.is_ascii_digit())
        && looks_generated(segment)
}

fn longest_digit_run(s: &str) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in s.chars() {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// Role plus accessible name as a selector, and the text it needs when the name is
/// the element's content (CSS cannot match text; the runtime filters by it).
fn role_and_name(e: &ElementFacts) -> Option<(String, Option<String>)> {
    let role = e.role()?;
    let base = if e.attr("role").is_some() {
        format!("{}{}", e.tag, attribute("role", role))
    } else if e.tag == "input" {
        match e.attr("type") {
            Some(t) => format!("input{}", attribute("type", t)),
            None => "input".to_owned(),
        }
    } else {
        e.tag.clone()
    };
    if let Some(label) = e.usable("aria-label") {
        return Some((format!("{base}{}", attribute("aria-label", label)), None));
    }
    if let Some(alt) = e.usable("alt") {
        return Some((format!("{base}{}", attribute("alt", alt)), None));
    }
    // A submit input is named by its value, and CSS can match that.
    if let Some(value) = e.button_value() {
        return Some((format!("{base}{}", attribute("value", value)), None));
    }
    const NAMED_BY_CONTENT: [&str; 11] = [
        "button", "link", "heading", "tab", "menuitem", "option", "listitem", "cell", "checkbox",
        "radio", "switch",
    ];
    if NAMED_BY_CONTENT.contains(&role) {
        return e.short_text().map(|text| (base, Some(text)));
    }
    None
}

/// Attributes that say what an element is for: `input[name=amount]`,
/// `input[name=priority][value=high]`, `a[href="/demo/approvals"]`,
/// `input[placeholder="Search"]`, `button[title=Close]`, `label[for=amount]`.
fn meaningful_attributes(e: &ElementFacts) -> Vec<String> {
    let mut out = Vec::new();
    let tag = &e.tag;
    if let Some(name) = e.stable_name() {
        out.push(format!("{tag}{}", attribute("name", name)));
        // Radios, checkboxes and a form's several submit buttons share a name.
        if let Some(value) = e.stable_value() {
            out.push(format!(
                "{tag}{}{}",
                attribute("name", name),
                attribute("value", value)
            ));
        }
    }
    if let Some(href) = e.usable("href") {
        let useful = !href.starts_with('#') && !href.starts_with("javascript:");
        if useful {
            out.push(format!("{tag}{}", attribute("href", href)));
        }
    }
    // An aria-label is already the role-and-name candidate when there is a role.
    let labelled = e.role().is_none().then(|| e.usable("aria-label")).flatten();
    if let Some(label) = labelled {
        out.push(format!("{tag}{}", attribute("aria-label", label)));
    }
    for name in ["placeholder", "title"] {
        if let Some(value) = e.usable(name) {
            out.push(format!("{tag}{}", attribute(name, value)));
        }
    }
    if let Some(target) = e.usable("for").filter(|f| !looks_generated(f)) {
        out.push(format!("{tag}{}", attribute("for", target)));
    }
    if tag == "form" {
        out.extend(e.form_anchor());
    }
    out
}

/// The element alone: tag, hand-written classes, and the type of an input.
fn own_selector(e: &ElementFacts) -> String {
    let mut own = e.tag_and_classes();
    if e.tag == "input" {
        if let Some(t) = e.attr("type") {
            own.push_str(&attribute("type", t));
        }
    }
    own
}

/// The nearest ancestor with a test attribute or stable id, and how many levels
/// lie between it and the element (0: it is the parent).
fn nearest_anchor(ancestors: &[ElementFacts]) -> Option<(String, usize)> {
    ancestors
        .iter()
        .enumerate()
        .find_map(|(depth, a)| a.anchor().map(|anchor| (anchor, depth)))
}

/// `anchor > tag > tag:nth-of-type(2)`: child steps from the nearest stable
/// ancestor (or from the top of what was read), with a position only where the
/// parent has several children of that tag.
fn structural_path(picked: &Picked) -> String {
    let step = |e: &ElementFacts| {
        if e.of_type > 1 {
            format!("{}:nth-of-type({})", e.tag, e.nth_of_type.max(1))
        } else {
            e.tag.clone()
        }
    };
    let mut parts = vec![step(&picked.element)];
    for a in picked.ancestors.iter().take(MAX_ANCESTORS) {
        if let Some(anchor) = a.anchor() {
            parts.push(anchor);
            break;
        }
        parts.push(step(a));
    }
    parts.reverse();
    parts.join(" > ")
}

/// `[name=value]`, quoting the value unless it is a plain identifier.
fn attribute(name: &str, value: &str) -> String {
    if is_ident(value) {
        format!("[{name}={value}]")
    } else {
        format!("[{name}={}]", quote(value))
    }
}

/// `#id`, or `[id="..."]` when the id is not a plain CSS identifier.
fn id_selector(id: &str) -> String {
    if is_ident(id) {
        format!("#{id}")
    } else {
        format!("[id={}]", quote(id))
    }
}

/// A CSS string: `"` and `\` escaped, line breaks as `\a `.
fn quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\a "),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A CSS identifier that needs no escaping: `save`, `new-requisition`, `_x`.
fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    let first = match chars.next() {
        Some('-') => chars.next(),
        other => other,
    };
    first.is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || !c.is_ascii())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || !c.is_ascii())
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Cuts at a word boundary before `max` characters (contains-matching still works).
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    match cut.rfind(' ') {
        Some(space) if space > 0 => cut[..space].to_owned(),
        _ => cut,
    }
}

/// The text to find an element by: the first line of its visible text (the part
/// before any line break, tab or run of spaces), cut at a word before `MAX_TEXT`
/// characters; none if empty. It stays a piece of the page's own text, since the
/// runtime matches text by "contains", without collapsing whitespace.
pub fn short_text(text: &str) -> Option<String> {
    let first = text
        .split(['\n', '\r', '\t'])
        .flat_map(|line| line.split("  "))
        .map(str::trim)
        .find(|piece| !piece.is_empty())?;
    Some(truncate(first, MAX_TEXT))
}

#[cfg(test)]
mod tests;
