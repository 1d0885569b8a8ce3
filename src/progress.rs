//! A user's progress through one guide version: what is persisted between pages.
//!
//! Owns the record's shape only. The runtime keeps it in localStorage under a key of
//! app, user, guide id and version (see [`Progress::storage_key`]); the engine reads it
//! to resume multi-page tours and to apply frequency, and asks for it to be saved with
//! `Effect::Persist`.

use serde::{Deserialize, Serialize};

use crate::events::Trigger;
use crate::Millis;

/// Where a run of a guide stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Started and neither finished nor dismissed: resumable.
    Active,
    /// Finished.
    Completed,
    /// Closed before the end.
    Dismissed,
}

impl RunStatus {
    /// Every status, in declaration order.
    pub const ALL: [RunStatus; 3] = [
        RunStatus::Active,
        RunStatus::Completed,
        RunStatus::Dismissed,
    ];

    /// The wire name (`"active"`), as serde writes it: for writers without serde.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Active => "active",
            RunStatus::Completed => "completed",
            RunStatus::Dismissed => "dismissed",
        }
    }

    /// The status named `name` (its wire name, [`RunStatus::as_str`]).
    pub fn from_name(name: &str) -> Option<RunStatus> {
        RunStatus::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// One user's progress through one guide version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// Id of the guide.
    pub guide: String,
    /// Version of the guide the record is for.
    pub version: u32,
    /// Index of the current (or last) step.
    pub step: usize,
    /// Where the current (or last) run stands.
    pub status: RunStatus,
    /// The run this record belongs to; analytics events carry it too.
    pub run: String,
    /// When the current (or last) run started, in milliseconds since the Unix epoch.
    pub started_at: Millis,
    /// When the record last changed, in milliseconds since the Unix epoch.
    pub updated_at: Millis,
    /// How many runs were started, across sessions.
    pub runs: u32,
    /// How many runs were completed, across sessions.
    pub completions: u32,
    /// How the current run began, so a run resumed on another page still knows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<Trigger>,
}

impl Progress {
    /// A fresh record for a run that starts now.
    pub fn new(guide: &str, version: u32, now: Millis) -> Progress {
        Progress {
            guide: guide.to_owned(),
            version,
            step: 0,
            status: RunStatus::Active,
            run: String::new(),
            started_at: now,
            updated_at: now,
            runs: 1,
            completions: 0,
            trigger: None,
        }
    }

    /// The localStorage key for this record.
    pub fn storage_key(app: &str, user: &str, guide: &str, version: u32) -> String {
        let mut key = ["waymark:", app, ":", user, ":", guide, ":v"].concat();
        crate::text::push_int(&mut key, version.into());
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_are_the_serde_names() {
        for status in RunStatus::ALL {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
            assert_eq!(RunStatus::from_name(status.as_str()), Some(status));
        }
    }
}
