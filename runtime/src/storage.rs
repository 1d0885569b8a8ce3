//! Progress kept between pages in localStorage, so a tour resumes after a full load.
//!
//! Owns the reading and writing of the core's [`Progress`] records under
//! [`Progress::storage_key`] (app, user, guide id and version). Storage can be
//! missing, full or forbidden (sandboxed frames, some private modes): then progress
//! lives for this page only and nothing fails.

use waymark::guide::Guide;
use waymark::progress::Progress;

use crate::dom;

pub struct Store {
    app: String,
    user: String,
}

impl Store {
    pub fn new(app: &str, user: &str) -> Store {
        Store {
            app: app.to_owned(),
            user: user.to_owned(),
        }
    }

    fn storage() -> Option<web_sys::Storage> {
        // Reading `localStorage` itself throws where storage is forbidden.
        dom::window()?.local_storage().ok().flatten()
    }

    fn key(&self, guide: &str, version: u32) -> String {
        Progress::storage_key(&self.app, &self.user, guide, version)
    }

    /// The saved records of these guides' current versions.
    pub fn load(&self, guides: &[Guide]) -> Vec<Progress> {
        let Some(storage) = Store::storage() else {
            return Vec::new();
        };
        guides
            .iter()
            .filter_map(|g| {
                let text = storage.get_item(&self.key(&g.id, g.version)).ok()??;
                crate::wire::progress(&text)
            })
            .filter(|p| {
                guides
                    .iter()
                    .any(|g| g.id == p.guide && g.version == p.version)
            })
            .collect()
    }

    pub fn save(&self, progress: &Progress) {
        let text = crate::wire::progress_json(progress);
        let (Some(storage), Some(text)) = (Store::storage(), text) else {
            return;
        };
        // A full storage throws QuotaExceededError; the run goes on without it.
        let _ = storage.set_item(&self.key(&progress.guide, progress.version), &text);
    }
}
