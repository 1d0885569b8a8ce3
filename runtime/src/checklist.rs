//! The checklist panel: a checklist's items, which are done, and how far along the
//! user is.
//!
//! Owns drawing the engine's `ChecklistView` into the launcher's panel. An item is a
//! button that starts its tour; ticking items is the engine's job (it sees tours
//! complete), so this view is simply redrawn from the engine's next answer.

use waymark::engine::ChecklistView;

use crate::dom;
use crate::i18n::{self, Words};
use crate::launcher::{Launcher, View};

/// Shows `view` in the launcher's panel and opens it.
// Out of line: not on the first step's path, so V8 compiles it only when
// it is first called (it compiles wasm lazily, function by function).
#[inline(never)]
pub fn show(l: &mut Launcher, view: &ChecklistView, words: &Words) {
    l.view = View::Checklist(view.guide.clone());
    l.title.set_text_content(Some(&view.title));
    dom::set_hidden(&l.back, false);
    dom::set_hidden(&l.search, true);
    dom::set_hidden(&l.empty, !view.items.is_empty());
    let done = view.items.iter().filter(|i| i.done).count();
    let total = view.items.len();
    let text = i18n::count(words.done_of, done, total);
    l.progress.set_text_content(Some(&text));
    dom::set_hidden(&l.progress, false);
    dom::set_hidden(&l.bar, false);
    dom::attr(&l.bar, "aria-valuenow", &dom::int(done as i64));
    dom::attr(&l.bar, "aria-valuemin", "0");
    dom::attr(&l.bar, "aria-valuemax", &dom::int(total as i64));
    dom::attr(&l.bar, "aria-label", &text);
    if let Some(fill) = l.bar.first_element_child() {
        let pct = (done * 100).checked_div(total).unwrap_or(0);
        if let Ok(fill) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(fill) {
            dom::style(&fill, "width", &[&dom::int(pct as i64), "%"].concat());
        }
    }
    dom::clear(&l.list);
    l.rows.clear();
    for item in &view.items {
        let Some(li) = dom::child(&l.list, "li", "", "") else {
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
        dom::attr(&b, "data-row", &dom::int(l.rows.len() as i64));
        if let Some(check) = dom::child(&b, "span", "check", if item.done { "✓" } else { "" }) {
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
        l.rows.push(item.guide.clone());
    }
    l.empty.set_text_content(Some(words.nothing_here));
    l.open_panel();
}
