//! The guide being edited and every change an agent can make to it.
//!
//! Owns the form state: a [`Draft`] holds the guide as the core types describe it,
//! what was last saved, and its problems, recomputed by the core's validation after
//! every [`Edit`]. Edits are named after what the agent did (`StepMoved`,
//! `TargetPicked`) and applied here, natively testable, so components only send
//! them. Nothing here knows the DOM or the network.

use std::rc::Rc;

use waymark::guide::{ChecklistItem, Guide, Kind, LocaleStrings, Step, Target, Tip};
use waymark::validate::{validate_guide, Problem};
use yew::Reducible;

use crate::problems::Problems;

mod naming;
mod templates;

pub use naming::{page_for, path_of, preview_url, slug, unique_id};
pub use templates::{blank_guide, duplicate};
use templates::{blank_step, change_kind, rename_step_translations, untranslated};

/// Which target the element picker fills in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    Step(usize),
    Tip,
}

/// Something the agent did to the guide.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// A setting of the envelope changed (title, targeting, start, tickets...).
    SettingsChanged(Box<Guide>),
    KindChanged(Kind),
    StepAdded,
    StepChanged(usize, Box<Step>),
    StepDuplicated(usize),
    StepRemoved(usize),
    StepMoved {
        from: usize,
        to: usize,
    },
    TipChanged(Box<Tip>),
    ItemAdded,
    ItemChanged(usize, ChecklistItem),
    ItemRemoved(usize),
    ItemMoved {
        from: usize,
        to: usize,
    },
    LocaleAdded(String),
    LocaleChanged(String, LocaleStrings),
    LocaleRemoved(String),
    /// The agent picked an element in the app (on page `url`) for a target.
    TargetPicked {
        slot: Slot,
        target: Target,
        url: String,
    },
    /// The whole guide was replaced: JSON typed or imported, a version loaded.
    Replaced(Box<Guide>),
    /// The server stored the draft (its answer is what is now saved).
    Saved(Box<Guide>),
}

/// The guide being edited, what the server has, and what is wrong with it.
#[derive(Clone, Debug, PartialEq)]
pub struct Draft {
    pub guide: Guide,
    /// The server's copy; `None` for a guide not created yet.
    pub saved: Option<Guide>,
    pub problems: Problems,
}

impl Draft {
    /// A guide loaded from the server.
    pub fn loaded(guide: Guide) -> Self {
        let problems = Problems::new(validate_guide(&guide));
        Draft {
            saved: Some(guide.clone()),
            guide,
            problems,
        }
    }

    /// A new guide, not on the server yet.
    pub fn new_guide(guide: Guide) -> Self {
        let problems = Problems::new(validate_guide(&guide));
        Draft {
            guide,
            saved: None,
            problems,
        }
    }

    pub fn is_new(&self) -> bool {
        self.saved.is_none()
    }

    /// Changed since the last save (a new guide always is).
    pub fn is_dirty(&self) -> bool {
        self.saved.as_ref() != Some(&self.guide)
    }

    /// Saving and publishing need a guide without problems.
    pub fn can_save(&self) -> bool {
        self.problems.is_empty() && self.is_dirty()
    }

    pub fn apply(&mut self, edit: Edit) {
        let g = &mut self.guide;
        match edit {
            Edit::SettingsChanged(settings) => {
                let keep = (
                    std::mem::take(&mut g.steps),
                    g.tip.take(),
                    std::mem::take(&mut g.items),
                );
                *g = *settings;
                (g.steps, g.tip, g.items) = keep;
            }
            Edit::KindChanged(kind) => change_kind(g, kind),
            Edit::StepAdded => {
                let id = unique_id("step", g.steps.iter().map(|s| s.id.as_str()));
                g.steps.push(blank_step(&id, g.steps.len() + 1));
            }
            Edit::StepChanged(i, step) => {
                let mut step = *step;
                let stored = self
                    .saved
                    .as_ref()
                    .is_some_and(|s| s.steps.iter().any(|t| t.id == step.id));
                // A new step's id follows its title while the agent has not chosen
                // one (made up, or still the slug of the title); stored ids never
                // change by themselves: analytics and translations refer to them.
                let follows = g.steps.get(i).is_some_and(|old| {
                    old.id == step.id
                        && old.title != step.title
                        && (is_made_up_id(&old.id) || old.id == slug(&old.title))
                });
                if follows && !stored {
                    let others = g
                        .steps
                        .iter()
                        .enumerate()
                        .filter(|(j, _)| *j != i)
                        .map(|(_, s)| s.id.as_str());
                    let base = slug(&step.title);
                    if !base.is_empty() {
                        step.id = unique_id(&base, others);
                    }
                }
                if let Some(old) = g.steps.get_mut(i) {
                    if old.id != step.id {
                        rename_step_translations(&mut g.locales, &old.id, &step.id);
                    }
                    *old = step;
                }
            }
            Edit::StepDuplicated(i) => {
                if let Some(step) = g.steps.get(i).cloned() {
                    let id = unique_id(&step.id, g.steps.iter().map(|s| s.id.as_str()));
                    g.steps.insert(i + 1, Step { id, ..step });
                }
            }
            Edit::StepRemoved(i) => {
                if i < g.steps.len() {
                    let step = g.steps.remove(i);
                    for strings in g.locales.values_mut() {
                        strings.steps.remove(&step.id);
                    }
                }
            }
            Edit::StepMoved { from, to } => move_item(&mut g.steps, from, to),
            Edit::TipChanged(tip) => g.tip = Some(*tip),
            Edit::ItemAdded => {
                let id = unique_id("item", g.items.iter().map(|s| s.id.as_str()));
                g.items.push(ChecklistItem {
                    id,
                    label: String::new(),
                    guide: String::new(),
                });
            }
            Edit::ItemChanged(i, item) => {
                if let Some(old) = g.items.get_mut(i) {
                    if old.id != item.id {
                        for strings in g.locales.values_mut() {
                            if let Some(label) = strings.items.remove(&old.id) {
                                strings.items.insert(item.id.clone(), label);
                            }
                        }
                    }
                    *old = item;
                }
            }
            Edit::ItemRemoved(i) => {
                if i < g.items.len() {
                    let item = g.items.remove(i);
                    for strings in g.locales.values_mut() {
                        strings.items.remove(&item.id);
                    }
                }
            }
            Edit::ItemMoved { from, to } => move_item(&mut g.items, from, to),
            Edit::LocaleAdded(tag) => {
                let tag = tag.trim().to_owned();
                if !tag.is_empty() && !g.locales.contains_key(&tag) {
                    let strings = untranslated(g);
                    g.locales.insert(tag, strings);
                }
            }
            Edit::LocaleChanged(tag, strings) => {
                g.locales.insert(tag, strings);
            }
            Edit::LocaleRemoved(tag) => {
                g.locales.remove(&tag);
            }
            Edit::TargetPicked { slot, target, url } => match slot {
                Slot::Step(i) => {
                    if let Some(step) = g.steps.get_mut(i) {
                        step.page = page_for(step.page.as_deref(), &url);
                        step.target = Some(target);
                    }
                }
                Slot::Tip => {
                    if let Some(tip) = g.tip.as_mut() {
                        tip.target = target;
                    }
                }
            },
            Edit::Replaced(guide) => *g = *guide,
            Edit::Saved(guide) => {
                self.saved = Some((*guide).clone());
                self.guide = *guide;
            }
        }
        self.problems = Problems::new(validate_guide(&self.guide));
    }
}

impl Reducible for Draft {
    type Action = Edit;

    fn reduce(self: Rc<Self>, edit: Edit) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(edit);
        Rc::new(next)
    }
}

/// Ids the editor made up for new steps: `step`, `step-3`, `welcome`.
fn is_made_up_id(id: &str) -> bool {
    let stem = match id.rsplit_once('-') {
        Some((stem, n)) if n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty() => stem,
        _ => id,
    };
    matches!(stem, "step" | "welcome")
}

/// Moves `list[from]` to position `to`, shifting the rest; out-of-range moves do
/// nothing. Used by drag and drop and by Alt+arrow keys.
pub fn move_item<T>(list: &mut Vec<T>, from: usize, to: usize) {
    if from >= list.len() || to >= list.len() || from == to {
        return;
    }
    let item = list.remove(from);
    list.insert(to, item);
}

/// Problems the server answered with, for a guide the editor thought was fine
/// (a catalog conflict, say): shown in the summary like the core's own.
pub fn with_server_problems(draft: &Draft, extra: Vec<Problem>) -> Problems {
    let mut all: Vec<Problem> = draft.problems.iter().cloned().collect();
    for p in extra {
        if !all.contains(&p) {
            all.push(p);
        }
    }
    Problems::new(all)
}

#[cfg(test)]
mod tests;
