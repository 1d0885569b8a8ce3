//! The launcher: a "Help" button that opens a panel listing the guides offered on
//! this page, with a search box and each checklist's progress.
//!
//! Owns the button, the panel (shared with the checklist view, see
//! [`crate::checklist`]) and the filtering of the engine's list as the user types.
//! Which guides are listed, and their status, is the engine's answer to
//! `OpenLauncher`; picking one posts an action the shell turns into `Start`.

use waymark::engine::{Input, LauncherEntry};
use waymark::events::Trigger;
use waymark::guide::Kind;
use web_sys::{Element, HtmlElement, HtmlInputElement};

use crate::dom;
use crate::i18n::{self, Words};
use crate::shell::{post, Action, Msg, Shell};

/// What the panel shows.
#[derive(Clone, Debug, PartialEq)]
pub enum View {
    Closed,
    Entries,
    /// A checklist, by guide id.
    Checklist(String),
}

pub struct Launcher {
    pub button: HtmlElement,
    pub panel: HtmlElement,
    pub title: HtmlElement,
    pub close: HtmlElement,
    pub back: HtmlElement,
    pub search: HtmlInputElement,
    pub progress: HtmlElement,
    pub bar: HtmlElement,
    pub list: HtmlElement,
    pub empty: HtmlElement,
    /// "I'm stuck": help when no guide answers the question.
    pub stuck: HtmlElement,
    entries: Vec<LauncherEntry>,
    /// Guide ids of the rows now listed, by row index.
    pub rows: Vec<String>,
    pub view: View,
}

/// The launcher's elements (see [`dom::build`]), in the order [`Launcher::new`]
/// takes them; the texts that depend on the language are set by `relabel`.
const SKELETON: &str = "
button.launcher|type=button|aria-expanded=false|aria-controls=wm-panel
 span.mark|=?|aria-hidden=true
 span.label
section.panel|id=wm-panel|role=dialog|aria-modal=false|aria-labelledby=wm-panel-title|hidden
 div.panel-head
  h2.panel-title|id=wm-panel-title
  button.close|type=button
 button.back-link|type=button
 input.search|type=search|autocomplete=off
 p.progress-text
 span.bar|role=progressbar
  span
 ul.list
 p.empty
 button.stuck-link|type=button
";

impl Launcher {
    pub fn new(layer: &Element, words: &Words) -> Option<Launcher> {
        let [button, _, _, panel, _, title, close, back, search, progress, bar, _, list, empty, stuck] =
            <[HtmlElement; 15]>::try_from(dom::build(layer, SKELETON)?).ok()?;
        title.set_text_content(Some(words.help));
        // An `<input>`, as built.
        let search: HtmlInputElement = wasm_bindgen::JsCast::unchecked_into(search);
        dom::listen(&stuck, "click", false, false, |_| {
            post(Msg::Ui(Action::Stuck))
        });
        dom::listen(&button, "click", false, false, |_| {
            post(Msg::Ui(Action::Launcher))
        });
        dom::listen(&close, "click", false, false, |_| {
            post(Msg::Ui(Action::PanelClose))
        });
        dom::listen(&back, "click", false, false, |_| {
            post(Msg::Ui(Action::PanelBack))
        });
        dom::listen(&search, "input", false, false, |_| {
            post(Msg::Ui(Action::Search))
        });
        dom::listen(&list, "click", false, false, |e| {
            let row = dom::path(&e)
                .iter()
                .find_map(|el| el.get_attribute("data-row")?.parse::<usize>().ok());
            if let Some(i) = row {
                post(Msg::Ui(Action::Row(i)));
            }
        });
        let launcher = Launcher {
            button,
            panel,
            title,
            close,
            back,
            search,
            progress,
            bar,
            list,
            empty,
            stuck,
            entries: Vec::new(),
            rows: Vec::new(),
            view: View::Closed,
        };
        launcher.relabel(words);
        Some(launcher)
    }

    /// Sets the texts that depend on the user's language.
    pub fn relabel(&self, words: &Words) {
        if let Some(label) = self.button.query_selector(".label").ok().flatten() {
            label.set_text_content(Some(words.help));
        }
        dom::attr(&self.close, "aria-label", words.close);
        self.back
            .set_text_content(Some(&["‹ ", words.all_guides].concat()));
        dom::attr(&self.search, "aria-label", words.search);
        dom::attr(&self.search, "placeholder", words.search);
        self.stuck.set_text_content(Some(words.stuck_launcher));
    }

    pub fn set_visible(&self, visible: bool) {
        dom::set_hidden(&self.button, !visible);
    }

    pub fn is_open(&self) -> bool {
        self.view != View::Closed
    }

    /// Opens the panel on the engine's list.
    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    pub fn show_entries(&mut self, entries: Vec<LauncherEntry>, words: &Words) {
        self.entries = entries;
        let reopening = self.view == View::Entries;
        self.view = View::Entries;
        self.title.set_text_content(Some(words.help));
        dom::set_hidden(&self.back, true);
        dom::set_hidden(&self.search, false);
        dom::set_hidden(&self.progress, true);
        dom::set_hidden(&self.bar, true);
        if !reopening {
            self.search.set_value("");
        }
        self.filter(words);
        self.open_panel();
    }

    /// Lists the entries matching the search box.
    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    pub fn filter(&mut self, words: &Words) {
        let query = dom::lower(self.search.value().trim());
        dom::clear(&self.list);
        self.rows.clear();
        for entry in &self.entries {
            let text = [
                &entry.title,
                " ",
                entry.description.as_deref().unwrap_or(""),
            ]
            .concat();
            if !query.is_empty() && !dom::lower(&text).contains(&query) {
                continue;
            }
            let Some(li) = dom::child(&self.list, "li", "", "") else {
                continue;
            };
            let Some(b) = dom::button(&li, "entry", "") else {
                continue;
            };
            dom::attr(&b, "data-row", &dom::int(self.rows.len() as i64));
            let Some(t) = dom::child(&b, "span", "entry-title", &entry.title) else {
                continue;
            };
            use waymark::engine::LauncherStatus as S;
            let badge = match entry.status {
                S::InProgress => Some((words.in_progress, "badge")),
                S::Completed => Some((words.completed, "badge done")),
                S::Dismissed => Some((words.not_finished, "badge")),
                S::New => None,
            };
            if let Some((label, class)) = badge {
                dom::child(&t, "span", class, label);
            }
            if let Some(d) = &entry.description {
                dom::child(&b, "span", "entry-desc", d);
            }
            if let (Kind::Checklist, Some((n, total))) = (entry.kind, entry.done) {
                dom::child(
                    &b,
                    "span",
                    "entry-desc",
                    &i18n::count(words.done_of, n, total),
                );
                progress_bar(&b, n, total);
            }
            self.rows.push(entry.guide.clone());
        }
        let message = if self.entries.is_empty() {
            Some(words.nothing_here)
        } else if self.rows.is_empty() {
            Some(words.no_match)
        } else {
            None
        };
        self.empty.set_text_content(message);
        dom::set_hidden(&self.empty, message.is_none());
    }

    pub fn open_panel(&mut self) {
        dom::set_hidden(&self.panel, false);
        dom::attr(&self.button, "aria-expanded", "true");
    }

    pub fn close_panel(&mut self) {
        self.view = View::Closed;
        dom::set_hidden(&self.panel, true);
        dom::attr(&self.button, "aria-expanded", "false");
    }

    /// The kind of the guide listed in row `i`.
    pub fn row_kind(&self, i: usize) -> Option<(String, Kind)> {
        let id = self.rows.get(i)?;
        let kind = self
            .entries
            .iter()
            .find(|e| &e.guide == id)
            .map_or(Kind::Tour, |e| e.kind);
        Some((id.clone(), kind))
    }

    /// The row buttons, for arrow-key movement.
    pub fn row_buttons(&self) -> Vec<Element> {
        let Ok(list) = self.list.query_selector_all("button") else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| wasm_bindgen::JsCast::dyn_into(list.item(i)?).ok())
            .collect()
    }
}

impl Shell {
    /// A row of the panel was picked: a tour starts (the panel closes, and a
    /// checklist's panel comes back when its tour ends), a checklist opens.
    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    pub fn pick_row(&mut self, i: usize) {
        let Some((guide, kind)) = self.launcher.row_kind(i) else {
            return;
        };
        let from = match &self.launcher.view {
            crate::launcher::View::Checklist(id) => Some(id.clone()),
            _ => None,
        };
        if from.is_some() || kind != waymark::guide::Kind::Checklist {
            self.a11y
                .save_focus(&self.layer.host, Some(self.launcher.button.clone().into()));
            self.launcher.close_panel();
            self.return_to = from;
        }
        self.feed(Input::Start {
            guide,
            trigger: Trigger::Launcher,
        });
    }
}

/// A thin bar showing `n` of `total`.
pub fn progress_bar(parent: &Element, n: usize, total: usize) -> Option<HtmlElement> {
    let bar = dom::child(parent, "span", "bar", "")?;
    dom::attr(&bar, "aria-hidden", "true");
    let fill = dom::child(&bar, "span", "", "")?;
    let pct = (n * 100).checked_div(total).unwrap_or(0);
    dom::style(&fill, "width", &[&dom::int(pct as i64), "%"].concat());
    Some(bar)
}
