//! The launcher: a "Help" button that opens a panel listing the guides offered on
//! this page, with a search box and each checklist's progress.
//!
//! Owns the button, the panel, the filtering of the engine's list as the user
//! types, the checklist view in the same panel (a checklist's items, which are
//! done, and how far along the user is), the arrow keys in the panel, and the
//! checklist to come back to when a tour started from it ends. Which guides are
//! listed, and their status, is the engine's answer to `OpenLauncher`; ticking
//! checklist items is the engine's job too (it sees tours complete), so the
//! checklist is simply redrawn from the engine's next answer. Picking a row queues
//! the engine's `Start`.

use waymark::engine::{ChecklistView, Input, LauncherEntry};
use waymark::events::Trigger;
use waymark::guide::Kind;
use web_sys::{Element, HtmlElement, HtmlInputElement};

use crate::context::Ctx;
use crate::dom;
use crate::i18n::{self, Words};
use crate::msg::{post, LauncherMsg, Msg};

/// What the panel shows.
#[derive(Clone, Debug, PartialEq)]
enum View {
    Closed,
    Entries,
    /// A checklist, by guide id.
    Checklist(String),
}

pub struct Launcher {
    button: HtmlElement,
    panel: HtmlElement,
    title: HtmlElement,
    close: HtmlElement,
    back: HtmlElement,
    search: HtmlInputElement,
    progress: HtmlElement,
    bar: HtmlElement,
    list: HtmlElement,
    empty: HtmlElement,
    /// "I'm stuck": help when no guide answers the question.
    stuck: HtmlElement,
    entries: Vec<LauncherEntry>,
    /// Guide ids of the rows now listed, by row index.
    rows: Vec<String>,
    view: View,
    /// The checklist whose panel comes back when the tour started from it ends.
    return_to: Option<String>,
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
        dom::listen(&stuck, "click", false, false, |_| post(Msg::Stuck));
        dom::listen(&button, "click", false, false, |_| {
            post(Msg::Launcher(LauncherMsg::Toggle))
        });
        dom::listen(&close, "click", false, false, |_| {
            post(Msg::Launcher(LauncherMsg::Close))
        });
        dom::listen(&back, "click", false, false, |_| {
            post(Msg::Launcher(LauncherMsg::Back))
        });
        dom::listen(&search, "input", false, false, |_| {
            post(Msg::Launcher(LauncherMsg::Search))
        });
        dom::listen(&list, "click", false, false, |e| {
            let row = dom::path(&e)
                .iter()
                .find_map(|el| el.get_attribute("data-row")?.parse::<usize>().ok());
            if let Some(i) = row {
                post(Msg::Launcher(LauncherMsg::Row(i)));
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
            return_to: None,
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
    fn filter(&mut self, words: &Words) {
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

    fn open_panel(&mut self) {
        dom::set_hidden(&self.panel, false);
        dom::attr(&self.button, "aria-expanded", "true");
    }

    pub fn close_panel(&mut self) {
        self.view = View::Closed;
        dom::set_hidden(&self.panel, true);
        dom::attr(&self.button, "aria-expanded", "false");
    }

    /// The kind of the guide listed in row `i`.
    fn row_kind(&self, i: usize) -> Option<(String, Kind)> {
        let id = self.rows.get(i)?;
        let kind = self
            .entries
            .iter()
            .find(|e| &e.guide == id)
            .map_or(Kind::Tour, |e| e.kind);
        Some((id.clone(), kind))
    }

    /// The row buttons, for arrow-key movement.
    fn row_buttons(&self) -> Vec<Element> {
        let Ok(list) = self.list.query_selector_all("button") else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| wasm_bindgen::JsCast::dyn_into(list.item(i)?).ok())
            .collect()
    }
}

impl Launcher {
    pub fn update(&mut self, msg: LauncherMsg, ctx: &mut Ctx) {
        match msg {
            LauncherMsg::Toggle if self.is_open() => self.close_panel(),
            LauncherMsg::Toggle | LauncherMsg::Back => ctx.later(Input::OpenLauncher),
            LauncherMsg::Close => {
                self.close_panel();
                dom::focus_quiet(&self.button);
            }
            LauncherMsg::Search => self.filter(ctx.words),
            LauncherMsg::Row(i) => self.pick_row(i, ctx),
        }
    }

    /// `ShowLauncher`: the engine's list, with focus in the search box.
    pub fn show(&mut self, entries: Vec<LauncherEntry>, words: &Words) {
        self.show_entries(entries, words);
        dom::focus_quiet(&self.search);
    }

    /// `ShowChecklist`: focus goes to the first item unless the panel was open.
    pub fn show_checklist(&mut self, view: &ChecklistView, words: &Words) {
        let refocus = self.is_open();
        self.draw_checklist(view, words);
        if !refocus {
            if let Some(first) = self.row_buttons().first() {
                dom::focus_quiet(first);
            }
        }
    }

    /// The checklist on screen, by guide id.
    pub fn checklist_shown(&self) -> Option<String> {
        match &self.view {
            View::Checklist(id) => Some(id.clone()),
            _ => None,
        }
    }

    /// Where focus goes back to when a tour ends, if it was nowhere in the page:
    /// the Help button, when the panel is open.
    pub fn focus_fallback(&self) -> Option<Element> {
        self.is_open().then(|| self.button.clone().into())
    }

    /// A step is shown: the panel and the button make room.
    pub fn hide_for_step(&mut self) {
        self.close_panel();
        self.set_visible(false);
    }

    /// The step was hidden: the button comes back (when offered and there are
    /// guides), and a tour over goes back to the checklist it was started from.
    pub fn after_step(&mut self, ended: bool, ctx: &mut Ctx) {
        let any = ctx.engine.as_ref().is_some_and(|e| !e.guides().is_empty());
        self.set_visible(ctx.cfg.launcher && any);
        if ended {
            if let Some(id) = self.return_to.take() {
                ctx.later(Input::Start {
                    guide: id,
                    trigger: Trigger::Api,
                });
            }
        }
    }

    /// Whether the event's path is in the open panel, and whether on the button.
    pub fn touched(&self, path: &[Element]) -> (bool, bool) {
        let panel: Element = self.panel.clone().into();
        let in_panel = self.is_open() && path.contains(&panel);
        let on_button = path
            .iter()
            .any(|e| *e == Element::from(self.button.clone()));
        (in_panel, on_button)
    }

    /// ArrowDown / ArrowUp in the panel: from the search box through the rows.
    pub fn arrow(&self, down: bool, origin: Option<&Element>) {
        let mut items: Vec<Element> = vec![self.search.clone().into()];
        items.retain(|e| !e.has_attribute("hidden"));
        items.extend(self.row_buttons());
        let at = origin.and_then(|o| items.iter().position(|e| e == o));
        let next = match (down, at) {
            (true, Some(i)) => (i + 1).min(items.len().saturating_sub(1)),
            (false, Some(i)) => i.saturating_sub(1),
            _ => 0,
        };
        if let Some(e) = items.get(next) {
            dom::focus_quiet(e);
        }
    }

    /// A row of the panel was picked: a tour starts (the panel closes, and a
    /// checklist's panel comes back when its tour ends), a checklist opens.
    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    fn pick_row(&mut self, i: usize, ctx: &mut Ctx) {
        let Some((guide, kind)) = self.row_kind(i) else {
            return;
        };
        let from = self.checklist_shown();
        if from.is_some() || kind != Kind::Checklist {
            ctx.a11y
                .save_focus(&ctx.layer.host, Some(self.button.clone().into()));
            self.close_panel();
            self.return_to = from;
        }
        ctx.later(Input::Start {
            guide,
            trigger: Trigger::Launcher,
        });
    }

    /// Shows `view` in the launcher's panel and opens it.
    // Out of line: not on the first step's path, so V8 compiles it only when
    // it is first called (it compiles wasm lazily, function by function).
    #[inline(never)]
    fn draw_checklist(&mut self, view: &ChecklistView, words: &Words) {
        self.view = View::Checklist(view.guide.clone());
        self.title.set_text_content(Some(&view.title));
        dom::set_hidden(&self.back, false);
        dom::set_hidden(&self.search, true);
        dom::set_hidden(&self.empty, !view.items.is_empty());
        let done = view.items.iter().filter(|i| i.done).count();
        let total = view.items.len();
        let text = i18n::count(words.done_of, done, total);
        self.progress.set_text_content(Some(&text));
        dom::set_hidden(&self.progress, false);
        dom::set_hidden(&self.bar, false);
        dom::attr(&self.bar, "aria-valuenow", &dom::int(done as i64));
        dom::attr(&self.bar, "aria-valuemin", "0");
        dom::attr(&self.bar, "aria-valuemax", &dom::int(total as i64));
        dom::attr(&self.bar, "aria-label", &text);
        if let Some(fill) = self.bar.first_element_child() {
            let pct = (done * 100).checked_div(total).unwrap_or(0);
            if let Ok(fill) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(fill) {
                dom::style(&fill, "width", &[&dom::int(pct as i64), "%"].concat());
            }
        }
        dom::clear(&self.list);
        self.rows.clear();
        for item in &view.items {
            let Some(li) = dom::child(&self.list, "li", "", "") else {
                continue;
            };
            let class = if item.done {
                "entry item done"
            } else {
                "entry item"
            };
            let Some(b) = dom::button(&li, class, "") else {
                continue;
            };
            dom::attr(&b, "data-row", &dom::int(self.rows.len() as i64));
            if let Some(check) = dom::child(&b, "span", "check", if item.done { "✓" } else { "" })
            {
                dom::attr(&check, "aria-hidden", "true");
            }
            dom::child(&b, "span", "entry-title", &item.label);
            let state = if item.done {
                words.completed
            } else {
                words.not_finished
            };
            dom::attr(
                &b,
                "aria-label",
                &[&item.label, ", ", &dom::lower(state)].concat(),
            );
            self.rows.push(item.guide.clone());
        }
        self.empty.set_text_content(Some(words.nothing_here));
        self.open_panel();
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
