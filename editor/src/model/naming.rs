//! Names and places the editor derives: guide and step ids, and the page a step
//! lives on.

use waymark::guide::Guide;

/// `base`, or `base-2`, `base-3`... whichever is not taken. A base that already
/// ends in such a counter (`step-2`) counts on from its stem.
pub fn unique_id<'a>(base: &str, taken: impl Iterator<Item = &'a str> + Clone) -> String {
    let base = if base.is_empty() { "item" } else { base };
    if !taken.clone().any(|t| t == base) {
        return base.to_owned();
    }
    let stem = match base.rsplit_once('-') {
        // A counter is short: `step-2`, not `report-2024`.
        Some((stem, n))
            if !stem.is_empty()
                && (1..=2).contains(&n.len())
                && n.chars().all(|c| c.is_ascii_digit()) =>
        {
            stem
        }
        _ => base,
    };
    (2..)
        .map(|n| format!("{stem}-{n}"))
        .find(|candidate| !taken.clone().any(|t| t == candidate))
        .expect("some number is free")
}

/// A guide id from a title: `Raise a requisition!` → `raise-a-requisition`.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for c in title.trim().to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 48 {
            break;
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// The path of a URL: `http://x.test/demo/?a=1#b` → `/demo/`.
pub fn path_of(url: &str) -> &str {
    let rest = match url.find("://") {
        Some(i) => {
            let after = &url[i + 3..];
            after.find('/').map_or("/", |j| &after[j..])
        }
        None => url,
    };
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    &rest[..end]
}

/// The page a step lives on after an element was picked at `url`: the step's own
/// pattern when it still matches (the agent may have written `/orders/:id`),
/// otherwise the picked page's path.
pub fn page_for(existing: Option<&str>, url: &str) -> Option<String> {
    let path = path_of(url);
    if let Some(pattern) = existing {
        let fits = waymark::targeting::UrlPattern::parse(pattern).is_ok_and(|p| p.matches(path));
        if fits {
            return Some(pattern.to_owned());
        }
    }
    let trimmed = path.trim_end_matches('/');
    Some(if trimmed.is_empty() { "/" } else { trimmed }.to_owned())
}

/// Where a preview starts: the first step's page when it is one plain path (no
/// `*` or `:name`), on the app's origin; otherwise wherever the app panel is.
pub fn preview_url(guide: &Guide, app_url: &str) -> Option<String> {
    let page = guide.steps.first()?.page.as_deref()?;
    if !page.starts_with('/') || page.contains(['*', ':']) {
        return None;
    }
    let origin_end = app_url.find("://").map(|i| {
        app_url[i + 3..]
            .find('/')
            .map_or(app_url.len(), |j| i + 3 + j)
    })?;
    Some(format!("{}{page}", &app_url[..origin_end]))
}
