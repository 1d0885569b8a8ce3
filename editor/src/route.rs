//! The editor's places, kept in the location hash so a reload or a shared link
//! lands where the agent was: `#/` the guides, `#/guides/ID` one guide, `#/new` a
//! guide being created, `#/inbox` the tickets users filed, `#/insights?from=…`
//! deflection and where users get stuck (with its filters), and `#/guides/ID/steps/STEP` one step of a tour (what
//! the Insights page links its stuck hot spots to).

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    List,
    Guide(String),
    /// A tour's step, by guide id and step id: the guide editor opens on it.
    Step(String, String),
    New,
    Inbox,
    Insights,
}

impl Route {
    pub fn parse(hash: &str) -> Route {
        let (path, _) = split_query(hash);
        let path = path.trim_matches('/');
        let parts: Vec<&str> = path.split('/').collect();
        match parts.as_slice() {
            ["guides", id] if !id.is_empty() => Route::Guide(js_free_decode(id)),
            ["guides", id, "steps", step] if !id.is_empty() && !step.is_empty() => {
                Route::Step(js_free_decode(id), js_free_decode(step))
            }
            ["new"] => Route::New,
            ["inbox"] => Route::Inbox,
            ["insights"] => Route::Insights,
            _ => Route::List,
        }
    }

    pub fn to_hash(&self) -> String {
        match self {
            Route::List => "/".to_owned(),
            Route::Guide(id) => format!("/guides/{id}"),
            Route::Step(id, step) => format!("/guides/{id}/steps/{step}"),
            Route::New => "/new".to_owned(),
            Route::Inbox => "/inbox".to_owned(),
            Route::Insights => "/insights".to_owned(),
        }
    }
}

/// A hash's route and its query (`#/insights?from=…` keeps the page's filters).
pub fn split_query(hash: &str) -> (&str, &str) {
    let hash = hash.trim_start_matches('#');
    hash.split_once('?').unwrap_or((hash, ""))
}

/// Guide and step ids are lowercase letters, digits, `-` and `_`; anything else is
/// not one.
fn js_free_decode(id: &str) -> String {
    id.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_round_trip_and_anything_else_is_the_list() {
        for route in [
            Route::List,
            Route::Guide("raise-requisition".into()),
            Route::Step("raise-requisition".into(), "cost-centre".into()),
            Route::New,
            Route::Inbox,
            Route::Insights,
        ] {
            assert_eq!(Route::parse(&route.to_hash()), route);
        }
        assert_eq!(
            Route::parse("#/guides/tip_1/"),
            Route::Guide("tip_1".into())
        );
        assert_eq!(Route::parse(""), Route::List);
        assert_eq!(Route::parse("#/guides/"), Route::List);
        assert_eq!(Route::parse("#/nope/x/y"), Route::List);
        assert_eq!(
            Route::parse("#/insights?from=2026-11-01&guide=g"),
            Route::Insights
        );
        assert_eq!(
            split_query("#/insights?from=2026-11-01&guide=g"),
            ("/insights", "from=2026-11-01&guide=g")
        );
        assert_eq!(split_query("/inbox"), ("/inbox", ""));
        assert_eq!(
            Route::parse("#/guides/tour/steps/"),
            Route::List,
            "a step link without a step"
        );
        assert_eq!(
            Route::parse("#/guides/tour/steps/a\"b"),
            Route::Step("tour".into(), "ab".into()),
            "nothing but id characters reaches the editor"
        );
    }
}
