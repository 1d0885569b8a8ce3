//! Page extras beside the tour: the tips and click-starters of each page, the
//! launcher's list with each guide's status, checklists and their items ticking off
//! as the tours they name complete.

use super::{
    ChecklistEntry, ChecklistView, Effect, Engine, LauncherEntry, LauncherStatus, Starter, TipView,
};
use crate::events::EventKind;
use crate::guide::{Kind, Start};
use crate::progress::{Progress, RunStatus};
use crate::targeting::frequency_allows;

impl Engine {
    /// Tips and click-starters for the current page and user.
    pub(super) fn page_extras(&mut self) {
        let Some(url) = self.url.clone() else { return };
        let locale = self.ctx.locale.clone();
        let mut tips = Vec::new();
        let mut starters = Vec::new();
        for (i, g) in self.guides.iter().enumerate() {
            if !self.offered_here(i, &url) {
                continue;
            }
            if let (Kind::Tip, Some(tip)) = (g.kind, &g.tip) {
                if frequency_allows(g.frequency, self.progress.get(&g.id)) {
                    let text = g.locales.get(&locale).and_then(|l| l.tip.as_ref());
                    tips.push(TipView {
                        guide: g.id.clone(),
                        title: text.map_or(&tip.title, |t| &t.title).clone(),
                        body: text.map_or(&tip.body, |t| &t.body).clone(),
                        target: tip.target.clone(),
                        show_on: tip.show_on,
                        beacon: tip.beacon,
                        placement: tip.placement,
                    });
                }
            }
            if let Start::OnClick(selector) = &g.start {
                starters.push(Starter {
                    guide: g.id.clone(),
                    selector: selector.clone(),
                });
            }
        }
        self.out.push(Effect::ShowTips { tips });
        self.out.push(Effect::ArmStarters { starters });
    }

    pub(super) fn open_launcher(&mut self) {
        self.emit_about(EventKind::LauncherOpened, None, None);
        let url = self.url.as_deref().unwrap_or_default();
        let locale = self.ctx.locale.clone();
        let entries = (0..self.guides.len())
            .filter(|&i| self.guides[i].kind != Kind::Tip && self.offered_here(i, url))
            .map(|i| {
                let g = &self.guides[i];
                let status = match self.progress.get(&g.id) {
                    None => LauncherStatus::New,
                    Some(p) => match p.status {
                        RunStatus::Active => LauncherStatus::InProgress,
                        RunStatus::Completed => LauncherStatus::Completed,
                        RunStatus::Dismissed if p.completions > 0 => LauncherStatus::Completed,
                        RunStatus::Dismissed => LauncherStatus::Dismissed,
                    },
                };
                LauncherEntry {
                    guide: g.id.clone(),
                    kind: g.kind,
                    title: g.title_in(&locale).to_owned(),
                    description: g.description.clone(),
                    status,
                    done: (g.kind == Kind::Checklist).then(|| self.checklist_done(i)),
                }
            })
            .collect();
        self.out.push(Effect::ShowLauncher { entries });
    }

    pub(super) fn guide_done(&self, id: &str) -> bool {
        self.progress
            .get(id)
            .is_some_and(|p| p.completions > 0 || p.status == RunStatus::Completed)
    }

    pub(super) fn checklist_done(&self, i: usize) -> (usize, usize) {
        let items = &self.guides[i].items;
        let done = items.iter().filter(|it| self.guide_done(&it.guide)).count();
        (done, items.len())
    }

    pub(super) fn show_checklist(&mut self, i: usize) {
        let g = &self.guides[i];
        let view = ChecklistView {
            guide: g.id.clone(),
            title: g.title_in(&self.ctx.locale).to_owned(),
            items: g
                .items
                .iter()
                .map(|it| ChecklistEntry {
                    id: it.id.clone(),
                    label: g.item_label(it, &self.ctx.locale).to_owned(),
                    guide: it.guide.clone(),
                    done: self.guide_done(&it.guide),
                })
                .collect(),
        };
        self.out.push(Effect::ShowChecklist(view));
    }

    /// After guide `done` completes: tick the checklist items naming it.
    pub(super) fn tick_checklists(&mut self, done: usize) {
        let id = self.guides[done].id.clone();
        for ci in 0..self.guides.len() {
            let c = &self.guides[ci];
            if c.kind != Kind::Checklist {
                continue;
            }
            let Some(item) = c.items.iter().find(|it| it.guide == id) else {
                continue;
            };
            let (cid, version, item_id) = (c.id.clone(), c.version, item.id.clone());
            self.emit_about(
                EventKind::ChecklistItemDone,
                Some((&cid, version)),
                Some(item_id),
            );
            let (n, total) = self.checklist_done(ci);
            if n == total && !self.guide_done(&cid) {
                let mut p = self
                    .progress
                    .get(&cid)
                    .cloned()
                    .unwrap_or_else(|| Progress::new(&cid, version, self.now));
                p.status = RunStatus::Completed;
                p.completions += 1;
                p.step = total;
                p.updated_at = self.now;
                self.progress.insert(cid.clone(), p.clone());
                self.out.push(Effect::Persist(p));
                self.emit_about(EventKind::RunCompleted, Some((&cid, version)), None);
            }
        }
    }

    pub(super) fn tip_shown(&mut self, id: &str) {
        let Some(g) = self
            .guides
            .iter()
            .find(|g| g.id == id && g.kind == Kind::Tip)
        else {
            return;
        };
        let (id, version) = (g.id.clone(), g.version);
        self.emit_about(EventKind::TipShown, Some((&id, version)), None);
        let mut p = self
            .progress
            .get(&id)
            .cloned()
            .unwrap_or_else(|| Progress::new(&id, version, self.now));
        p.status = RunStatus::Completed;
        p.completions += 1;
        p.updated_at = self.now;
        self.progress.insert(id, p.clone());
        self.out.push(Effect::Persist(p));
    }
}
