//! The editor's places, kept in the location hash so a reload or a shared link
//! lands where the agent was: `#/` the guides, `#/guides/ID` one guide, `#/new` a
//! guide being created, `#/inbox` the tickets users filed.

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    List,
    Guide(String),
    New,
    Inbox,
}

impl Route {
    pub fn parse(hash: &str) -> Route {
        let path = hash.trim_start_matches('#').trim_matches('/');
        let mut parts = path.split('/');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("guides"), Some(id), None) if !id.is_empty() => Route::Guide(js_free_decode(id)),
            (Some("new"), None, None) => Route::New,
            (Some("inbox"), None, None) => Route::Inbox,
            _ => Route::List,
        }
    }

    pub fn to_hash(&self) -> String {
        match self {
            Route::List => "/".to_owned(),
            Route::Guide(id) => format!("/guides/{id}"),
            Route::New => "/new".to_owned(),
            Route::Inbox => "/inbox".to_owned(),
        }
    }
}

/// Guide ids are lowercase letters, digits, `-` and `_`; anything else is not one.
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
            Route::New,
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
    }
}
