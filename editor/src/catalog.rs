//! The guides list's logic: each guide's status, and the search and filters.
//!
//! Owns what "live", "changes not published" and "offered on this page" mean in the
//! list, using the core's URL patterns, so they are tested natively.

use serde::Deserialize;
use waymark::guide::Guide;
use waymark::targeting::UrlPattern;

use crate::api::DraftSummary;

/// A guide in the list: its summary and, when the bundle could be read, its draft
/// and live content.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub summary: DraftSummary,
    pub draft: Option<Guide>,
    pub live: Option<Guide>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Never published: users do not get it.
    Draft,
    /// Users get the draft as it is.
    Live(i64),
    /// Users get version N; the draft has changed since.
    Changed(i64),
}

impl Status {
    pub fn label(self) -> String {
        match self {
            Status::Draft => "Draft, not published".to_owned(),
            Status::Live(v) => format!("Live v{v}"),
            Status::Changed(v) => format!("Live v{v} · unpublished changes"),
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            Status::Draft => "muted",
            Status::Live(_) => "ok",
            Status::Changed(_) => "wait",
        }
    }
}

/// Whether the draft says something the live version does not (the version number
/// itself aside: publishing sets it).
pub fn differs(draft: &Guide, live: &Guide) -> bool {
    let mut draft = draft.clone();
    draft.version = live.version;
    &draft != live
}

impl Entry {
    pub fn status(&self) -> Status {
        match (self.summary.live_version, &self.draft, &self.live) {
            (None, _, _) => Status::Draft,
            (Some(v), Some(draft), Some(live)) if differs(draft, live) => Status::Changed(v),
            (Some(v), _, _) => Status::Live(v),
        }
    }

    pub fn urls(&self) -> &[String] {
        self.draft
            .as_ref()
            .map(|g| g.matching.urls.as_slice())
            .unwrap_or_default()
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StatusFilter {
    #[default]
    Any,
    Draft,
    Live,
    Changed,
}

impl StatusFilter {
    pub fn parse(s: &str) -> Self {
        match s {
            "draft" => StatusFilter::Draft,
            "live" => StatusFilter::Live,
            "changed" => StatusFilter::Changed,
            _ => StatusFilter::Any,
        }
    }
}

/// What the agent narrowed the list to.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    /// Words that must all appear in the title, id or description.
    pub query: String,
    /// `tour`, `tip`, `checklist`, or empty for all.
    pub kind: String,
    pub status: StatusFilter,
    /// A page path (`/demo/approvals`): guides offered there. Other text: guides
    /// whose URL patterns contain it.
    pub page: String,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        *self == Filter::default()
    }

    pub fn accepts(&self, e: &Entry) -> bool {
        let haystack = format!(
            "{} {} {}",
            e.summary.title,
            e.summary.id,
            e.draft
                .as_ref()
                .and_then(|g| g.description.as_deref())
                .unwrap_or_default()
        )
        .to_lowercase();
        let words = self.query.to_lowercase();
        let text_ok = words.split_whitespace().all(|w| haystack.contains(w));
        let kind_ok = self.kind.is_empty() || e.summary.kind == self.kind;
        let status_ok = matches!(
            (self.status, e.status()),
            (StatusFilter::Any, _)
                | (StatusFilter::Draft, Status::Draft)
                | (StatusFilter::Live, Status::Live(_) | Status::Changed(_))
                | (StatusFilter::Changed, Status::Changed(_))
        );
        text_ok && kind_ok && status_ok && self.page_ok(e)
    }

    fn page_ok(&self, e: &Entry) -> bool {
        let page = self.page.trim();
        if page.is_empty() {
            return true;
        }
        let is_url = page.starts_with('/') || page.starts_with("http");
        e.urls().iter().any(|pattern| {
            let matched = is_url
                && UrlPattern::parse(pattern)
                    .map(|p| p.matches(page))
                    .unwrap_or(false);
            matched || pattern.contains(page)
        })
    }
}

#[derive(Deserialize)]
struct Bundle {
    apps: Vec<BundleApp>,
}

#[derive(Deserialize)]
struct BundleApp {
    id: String,
    #[serde(default)]
    guides: Vec<BundleGuide>,
}

#[derive(Deserialize)]
struct BundleGuide {
    id: String,
    #[serde(default)]
    draft: Option<serde_json::Value>,
    #[serde(default)]
    live_version: Option<i64>,
    #[serde(default)]
    versions: Vec<BundleVersion>,
}

#[derive(Deserialize)]
struct BundleVersion {
    version: i64,
    guide: serde_json::Value,
}

/// Joins the list's summaries with an exported bundle's drafts and live versions.
/// A bundle that cannot be read leaves the summaries as they are.
pub fn entries(app: &str, summaries: Vec<DraftSummary>, bundle_json: Option<&str>) -> Vec<Entry> {
    let bundle: Option<Bundle> = bundle_json.and_then(|text| serde_json::from_str(text).ok());
    let guides: Vec<BundleGuide> = bundle
        .and_then(|b| b.apps.into_iter().find(|a| a.id == app))
        .map(|a| a.guides)
        .unwrap_or_default();
    summaries
        .into_iter()
        .map(|summary| {
            let found = guides.iter().find(|g| g.id == summary.id);
            let read = |v: &serde_json::Value| crate::api::read_guide(v).ok();
            let draft = found.and_then(|g| g.draft.as_ref()).and_then(read);
            let live = found.and_then(|g| {
                let number = g.live_version.or(summary.live_version)?;
                g.versions
                    .iter()
                    .find(|v| v.version == number)
                    .and_then(|v| read(&v.guide))
            });
            Entry {
                summary,
                draft,
                live,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::blank_guide;
    use waymark::guide::Kind;

    fn summary(id: &str, kind: &str, live: Option<i64>) -> DraftSummary {
        DraftSummary {
            id: id.into(),
            kind: kind.into(),
            title: format!("Guide {id}"),
            live_version: live,
            created_at: 0,
            updated_at: 0,
            updated_by: None,
        }
    }

    fn entry(id: &str, kind: Kind, live: Option<i64>, urls: &[&str]) -> Entry {
        let mut g = blank_guide(kind, id, &format!("Guide {id}"));
        g.matching.urls = urls.iter().map(|u| (*u).to_owned()).collect();
        Entry {
            summary: summary(id, kind.as_str(), live),
            live: live.map(|_| g.clone()),
            draft: Some(g),
        }
    }

    #[test]
    fn status_tells_drafts_live_guides_and_unpublished_changes_apart() {
        let draft = entry("a", Kind::Tour, None, &["/**"]);
        assert_eq!(draft.status(), Status::Draft);
        let mut live = entry("b", Kind::Tour, Some(3), &["/**"]);
        live.live.as_mut().unwrap().version = 3;
        assert_eq!(
            live.status(),
            Status::Live(3),
            "the version number alone is no change"
        );
        live.draft.as_mut().unwrap().title = "Changed".into();
        assert_eq!(live.status(), Status::Changed(3));
        assert_eq!(live.status().label(), "Live v3 · unpublished changes");
    }

    #[test]
    fn filters_combine_search_kind_status_and_page() {
        let list = [
            entry("raise-requisition", Kind::Tour, Some(1), &["/demo/**"]),
            entry("approve", Kind::Tour, None, &["/demo/approvals"]),
            entry("cost-tip", Kind::Tip, Some(2), &["/demo/requisitions/**"]),
        ];
        let ids = |f: &Filter| -> Vec<&str> {
            list.iter()
                .filter(|e| f.accepts(e))
                .map(|e| e.summary.id.as_str())
                .collect()
        };
        assert_eq!(ids(&Filter::default()).len(), 3);
        let words = Filter {
            query: "GUIDE raise".into(),
            ..Default::default()
        };
        assert_eq!(ids(&words), ["raise-requisition"]);
        let tours = Filter {
            kind: "tour".into(),
            ..Default::default()
        };
        assert_eq!(ids(&tours), ["raise-requisition", "approve"]);
        let drafts = Filter {
            status: StatusFilter::Draft,
            ..Default::default()
        };
        assert_eq!(ids(&drafts), ["approve"]);
        let on_page = Filter {
            page: "/demo/approvals".into(),
            ..Default::default()
        };
        assert_eq!(ids(&on_page), ["raise-requisition", "approve"]);
        let by_text = Filter {
            page: "requisitions".into(),
            ..Default::default()
        };
        assert_eq!(ids(&by_text), ["cost-tip"]);
    }

    #[test]
    fn a_bundle_fills_in_drafts_and_live_versions_and_a_bad_one_is_ignored() {
        let g = blank_guide(Kind::Tour, "t", "T");
        let bundle = serde_json::json!({
            "waymark_bundle": 1,
            "apps": [{"id": "demo", "guides": [{
                "id": "t", "draft": g, "live_version": 1,
                "versions": [{"version": 1, "guide": g}]
            }]}]
        })
        .to_string();
        let list = entries("demo", vec![summary("t", "tour", Some(1))], Some(&bundle));
        assert_eq!(list[0].draft.as_ref(), Some(&g));
        assert_eq!(list[0].status(), Status::Live(1));
        let list = entries(
            "demo",
            vec![summary("t", "tour", Some(1))],
            Some("not json"),
        );
        assert_eq!(list[0].draft, None);
        assert_eq!(list[0].status(), Status::Live(1));
    }
}
