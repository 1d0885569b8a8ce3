//! Where each validation problem is shown: the core reports a JSON path
//! (`steps[2].target.css[0]`), the editor shows the message beside that field.
//!
//! Owns the mapping from a [`Problem`]'s path to the part of the editor it belongs in
//! (a [`Section`]) and the field's DOM id, so the summary can send the agent there.
//! Fields ask for their own problems with [`Problems::at`]; lists ask how many
//! problems lie under a prefix with [`Problems::count_under`].

use std::rc::Rc;

use waymark::validate::Problem;

/// The part of the editor a field lives in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Section {
    /// Title, targeting, audience, start, frequency, tickets.
    Settings,
    /// One tour step, by index.
    Step(usize),
    /// The steps as a whole (none, too many).
    Steps,
    Tip,
    /// One checklist item, by index; `Items` for the list as a whole.
    Item(usize),
    Items,
    /// The translations of one locale.
    Locale(String),
    /// The JSON text itself (syntax errors, unknown fields).
    Json,
}

/// Where a problem is shown: its section, and the DOM id of its field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub section: Section,
    pub field_id: String,
}

/// The DOM id of the field editing `path`: `steps[2].target.css` → `f-steps-2-target-css`.
pub fn field_id(path: &str) -> String {
    let mut id = String::from("f-");
    let mut last_dash = true;
    for c in path.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            id.push(c);
            last_dash = false;
        } else if !last_dash {
            id.push('-');
            last_dash = true;
        }
    }
    if last_dash {
        id.pop();
    }
    id
}

/// `steps[2].title` → `Some((2, "title"))` for the list `steps`.
fn indexed<'a>(path: &'a str, list: &str) -> Option<(usize, &'a str)> {
    let rest = path.strip_prefix(list)?.strip_prefix('[')?;
    let (index, rest) = rest.split_once(']')?;
    let index = index.parse().ok()?;
    Some((index, rest.strip_prefix('.').unwrap_or(rest)))
}

/// The field a problem at `path` belongs to; problems the form cannot show (syntax,
/// the schema version) are sent to the JSON view.
pub fn locate(path: &str) -> Location {
    let at = |section: Section, field: &str| Location {
        section,
        field_id: value_field_id(field),
    };
    if path.starts_with("line ") {
        return at(Section::Json, "json");
    }
    if let Some((i, rest)) = indexed(path, "steps") {
        let field = if rest.is_empty() {
            format!("steps[{i}].id")
        } else {
            path.to_owned()
        };
        return at(Section::Step(i), &field);
    }
    if let Some((i, rest)) = indexed(path, "items") {
        let rest = if rest.is_empty() { "id" } else { rest };
        return at(Section::Item(i), &format!("items[{i}].{rest}"));
    }
    if let Some(rest) = path.strip_prefix("locales.") {
        let tag = rest.split('.').next().unwrap_or(rest);
        return at(Section::Locale(tag.to_owned()), path);
    }
    match path {
        "steps" => at(Section::Steps, "steps"),
        "items" => at(Section::Items, "items"),
        "tip" => at(Section::Tip, "tip"),
        p if p.starts_with("tip.") => at(Section::Tip, p),
        "schema" => at(Section::Json, "json"),
        p => at(Section::Settings, p),
    }
}

/// The id of the input editing `path`. A value inside a list field
/// (`match.urls[1]`, `steps[0].target.css[2]`) is that list's row input
/// (`f-match-urls-1`); a list field's problems are shown on the list and its rows.
fn value_field_id(path: &str) -> String {
    match path.strip_suffix(']').and_then(|p| p.rsplit_once('[')) {
        Some((list, index)) if index.chars().all(|c| c.is_ascii_digit()) && list.contains('.') => {
            format!("{}-{index}", field_id(list))
        }
        _ => field_id(path),
    }
}

/// The problems of the guide being edited, looked up by field.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Problems(pub Rc<Vec<Problem>>);

impl Problems {
    pub fn new(problems: Vec<Problem>) -> Self {
        Problems(Rc::new(problems))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Problem> {
        self.0.iter()
    }

    /// Messages for the field editing `path`: problems at exactly that path, and at
    /// one of its values (`path[3]`), the latter prefixed with which value.
    pub fn at(&self, path: &str) -> Vec<String> {
        self.0
            .iter()
            .filter_map(|p| {
                if p.path == path {
                    return Some(p.message.clone());
                }
                let index = p.path.strip_prefix(path)?.strip_prefix('[')?;
                let (n, rest) = index.split_once(']')?;
                let n: usize = n.parse().ok()?;
                rest.is_empty()
                    .then(|| format!("value {}: {}", n + 1, p.message))
            })
            .collect()
    }

    /// Messages for value `index` of the list field at `path` (`match.urls`, 1).
    pub fn at_value(&self, path: &str, index: usize) -> Vec<String> {
        let exact = format!("{path}[{index}]");
        self.0
            .iter()
            .filter(|p| p.path == exact)
            .map(|p| p.message.clone())
            .collect()
    }

    /// Messages for `path` alone, not its values.
    pub fn exactly(&self, path: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|p| p.path == path)
            .map(|p| p.message.clone())
            .collect()
    }

    /// How many problems lie at `prefix` or inside it (`steps[2]` counts
    /// `steps[2].title` and `steps[2].target.css[0]`, not `steps[20]`).
    pub fn count_under(&self, prefix: &str) -> usize {
        self.0
            .iter()
            .filter(|p| {
                p.path == prefix
                    || p.path
                        .strip_prefix(prefix)
                        .is_some_and(|rest| rest.starts_with(['.', '[']))
            })
            .count()
    }

    /// How many problems are located in `section`.
    pub fn count_in(&self, section: &Section) -> usize {
        self.0
            .iter()
            .filter(|p| &locate(&p.path).section == section)
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(paths: &[&str]) -> Problems {
        Problems::new(
            paths
                .iter()
                .map(|p| Problem {
                    path: (*p).to_owned(),
                    message: format!("bad {p}"),
                })
                .collect(),
        )
    }

    #[test]
    fn a_step_field_problem_opens_that_step_at_that_field() {
        assert_eq!(
            locate("steps[2].title"),
            Location {
                section: Section::Step(2),
                field_id: "f-steps-2-title".into()
            }
        );
        // A selector problem is shown on its row of the selector list.
        assert_eq!(
            locate("steps[0].target.css[1]"),
            Location {
                section: Section::Step(0),
                field_id: "f-steps-0-target-css-1".into()
            }
        );
        assert_eq!(
            locate("steps[3].advance.pattern").field_id,
            "f-steps-3-advance-pattern"
        );
        assert_eq!(locate("steps[3]").section, Section::Step(3));
    }

    #[test]
    fn envelope_tip_item_and_locale_problems_go_to_their_sections() {
        assert_eq!(locate("match.urls[1]").field_id, "f-match-urls-1");
        assert_eq!(locate("match.urls[1]").section, Section::Settings);
        assert_eq!(
            locate("match.audience[0].attr").field_id,
            "f-match-audience-0-attr"
        );
        assert_eq!(locate("start.on_click").section, Section::Settings);
        assert_eq!(locate("tip.target.css[0]").section, Section::Tip);
        assert_eq!(locate("tip.target.css[0]").field_id, "f-tip-target-css-0");
        assert_eq!(locate("items[1].guide").section, Section::Item(1));
        assert_eq!(locate("steps").section, Section::Steps);
        assert_eq!(
            locate("locales.fr.steps.open-form.title"),
            Location {
                section: Section::Locale("fr".into()),
                field_id: "f-locales-fr-steps-open-form-title".into()
            }
        );
        assert_eq!(locate("locales.fr").field_id, "f-locales-fr");
    }

    #[test]
    fn syntax_errors_and_the_schema_version_belong_to_the_json_view() {
        assert_eq!(locate("line 3, column 7").section, Section::Json);
        assert_eq!(locate("schema").section, Section::Json);
    }

    #[test]
    fn a_field_shows_its_own_problems_and_its_values_numbered() {
        let p = problems(&["match.urls", "match.urls[1]", "match.urls_x", "title"]);
        assert_eq!(
            p.at("match.urls"),
            ["bad match.urls", "value 2: bad match.urls[1]"]
        );
        assert_eq!(p.at_value("match.urls", 1), ["bad match.urls[1]"]);
        assert_eq!(p.exactly("match.urls"), ["bad match.urls"]);
        assert!(p.at("match").is_empty());
    }

    #[test]
    fn counts_under_a_step_do_not_leak_into_steps_with_longer_indexes() {
        let p = problems(&[
            "steps[2].title",
            "steps[2].target.css[0]",
            "steps[20].id",
            "steps",
        ]);
        assert_eq!(p.count_under("steps[2]"), 2);
        assert_eq!(p.count_under("steps[20]"), 1);
        assert_eq!(p.count_under("steps"), 4);
        assert_eq!(p.count_in(&Section::Step(2)), 2);
        assert_eq!(p.count_in(&Section::Steps), 1);
    }

    #[test]
    fn field_ids_are_valid_html_ids() {
        assert_eq!(field_id("steps[0].target.css"), "f-steps-0-target-css");
        assert_eq!(field_id("locales.pt-BR.title"), "f-locales-pt-BR-title");
        assert_eq!(field_id("start.on_click"), "f-start-on_click");
    }
}
