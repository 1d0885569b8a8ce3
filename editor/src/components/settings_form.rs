//! The guide's settings: its name, where and for whom it is offered (targeting and
//! audience), how it starts and how often, and what tickets filed from it carry.

use waymark::guide::{AudienceRule, Frequency, Guide, Kind, Priority, Start};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::fields::{CheckField, ListField, NumberField, SelectField, TextField};
use crate::problems::{field_id, Problems};

#[derive(Properties, PartialEq)]
pub struct SettingsProps {
    pub guide: Guide,
    pub problems: Problems,
    pub onchange: Callback<Guide>,
    pub on_kind: Callback<Kind>,
    /// The id and kind are fixed once the guide exists on the server.
    pub is_new: bool,
}

/// An audience rule of another operator, keeping its attribute and values.
pub fn rule_with_op(rule: &AudienceRule, op: &str) -> AudienceRule {
    let attr = rule.attr().to_owned();
    let values = rule_values(rule);
    let first = values.first().cloned().unwrap_or_default();
    match op {
        "one_of" => AudienceRule::OneOf { attr, values },
        "not" => AudienceRule::Not { attr, value: first },
        "not_one_of" => AudienceRule::NotOneOf { attr, values },
        _ => AudienceRule::Equals { attr, value: first },
    }
}

fn rule_op(rule: &AudienceRule) -> &'static str {
    match rule {
        AudienceRule::Equals { .. } => "equals",
        AudienceRule::OneOf { .. } => "one_of",
        AudienceRule::Not { .. } => "not",
        AudienceRule::NotOneOf { .. } => "not_one_of",
    }
}

pub fn rule_values(rule: &AudienceRule) -> Vec<String> {
    match rule {
        AudienceRule::Equals { value, .. } | AudienceRule::Not { value, .. } => vec![value.clone()],
        AudienceRule::OneOf { values, .. } | AudienceRule::NotOneOf { values, .. } => {
            values.clone()
        }
    }
}

/// A rule with its attribute or values replaced; values are typed comma-separated.
pub fn rule_with(rule: &AudienceRule, attr: Option<String>, values: Option<&str>) -> AudienceRule {
    let attr = attr.unwrap_or_else(|| rule.attr().to_owned());
    let values: Vec<String> = match values {
        Some(text) => text
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
            .collect(),
        None => rule_values(rule),
    };
    let first = values.first().cloned().unwrap_or_default();
    match rule {
        AudienceRule::Equals { .. } => AudienceRule::Equals { attr, value: first },
        AudienceRule::Not { .. } => AudienceRule::Not { attr, value: first },
        AudienceRule::OneOf { .. } => AudienceRule::OneOf { attr, values },
        AudienceRule::NotOneOf { .. } => AudienceRule::NotOneOf { attr, values },
    }
}

#[function_component(SettingsForm)]
pub fn settings_form(p: &SettingsProps) -> Html {
    let g = &p.guide;
    let problems = p.problems.clone();
    let edit = |change: fn(&mut Guide, String)| {
        let (guide, onchange) = (p.guide.clone(), p.onchange.clone());
        Callback::from(move |value: String| {
            let mut next = guide.clone();
            change(&mut next, value);
            onchange.emit(next)
        })
    };
    let on_urls = {
        let (guide, onchange) = (p.guide.clone(), p.onchange.clone());
        Callback::from(move |urls: Vec<String>| {
            let mut next = guide.clone();
            next.matching.urls = urls;
            onchange.emit(next)
        })
    };
    let on_stuck = {
        let (guide, onchange) = (p.guide.clone(), p.onchange.clone());
        Callback::from(move |n: Option<u32>| {
            onchange.emit(Guide {
                stuck_after_s: n,
                ..guide.clone()
            })
        })
    };
    let on_capture = {
        let (guide, onchange) = (p.guide.clone(), p.onchange.clone());
        Callback::from(move |on: bool| {
            onchange.emit(Guide {
                capture_fields: on,
                ..guide.clone()
            })
        })
    };
    let on_kind = {
        let on_kind = p.on_kind.clone();
        Callback::from(move |v: String| {
            on_kind.emit(match v.as_str() {
                "tip" => Kind::Tip,
                "checklist" => Kind::Checklist,
                _ => Kind::Tour,
            })
        })
    };
    let start_kind = match &g.start {
        Start::Auto => "auto",
        Start::Launcher => "launcher",
        Start::OnClick(_) => "on_click",
    };
    let mut start_options = vec![("launcher", "From the Help launcher")];
    if g.kind == Kind::Tour {
        start_options.insert(0, ("auto", "Automatically on a matching page"));
    }
    start_options.push(("on_click", "When the user clicks an element"));

    let audience = audience_rows(p);
    html! {
        <div class="settings-form">
            <section aria-labelledby="about-heading">
                <h3 id="about-heading">{ "About" }</h3>
                <div class="row">
                    <TextField label="Title" path="title" value={g.title.clone()}
                        onchange={edit(|g, v| g.title = v)} problems={problems.clone()}
                        hint="Shown in the launcher and on the first step." />
                    <TextField label="Guide id" path="id" value={g.id.clone()} code=true
                        disabled={!p.is_new} onchange={edit(|g, v| g.id = v)} problems={problems.clone()}
                        hint={if p.is_new { "Lowercase letters, digits, - or _. Fixed once created." } else { "Fixed: duplicate the guide to change it." }} />
                </div>
                <div class="row">
                    <TextField label="Description" path="description"
                        value={g.description.clone().unwrap_or_default()}
                        onchange={edit(|g, v| g.description = Some(v).filter(|v| !v.trim().is_empty()))}
                        problems={problems.clone()} hint="Optional one-line summary for the launcher." />
                    <SelectField label="Kind" path="kind" value={g.kind.as_str()} disabled={!p.is_new}
                        options={vec![("tour", "Tour: steps in order"), ("tip", "Tip: a hint on one element"), ("checklist", "Checklist: tours to complete")]}
                        onchange={on_kind} problems={problems.clone()} />
                </div>
            </section>
            <section aria-labelledby="targeting-heading">
                <h3 id="targeting-heading">{ "Where and for whom" }</h3>
                <ListField label="Page URL pattern" path="match.urls" values={g.matching.urls.clone()}
                    onchange={on_urls} problems={problems.clone()} add_label="Add a URL pattern"
                    placeholder="/orders/**"
                    hint="* matches within one segment, ** any depth, :name one segment. Offered where any matches." />
                { audience }
            </section>
            <section aria-labelledby="start-heading">
                <h3 id="start-heading">{ "Start and frequency" }</h3>
                <div class="row">
                    <SelectField label="Starts" path="start" value={start_kind} options={start_options}
                        onchange={edit(|g, v| g.start = match v.as_str() {
                            "auto" => Start::Auto,
                            "on_click" => Start::OnClick(String::new()),
                            _ => Start::Launcher,
                        })} problems={problems.clone()} />
                    <SelectField label="How often" path="frequency"
                        value={match g.frequency { Frequency::Once => "once", Frequency::UntilCompleted => "until_completed", Frequency::Always => "always" }}
                        options={vec![("until_completed", "Until the user completes it"), ("once", "Once"), ("always", "Every time")]}
                        onchange={edit(|g, v| g.frequency = match v.as_str() {
                            "once" => Frequency::Once,
                            "always" => Frequency::Always,
                            _ => Frequency::UntilCompleted,
                        })} problems={problems.clone()} />
                </div>
                if let Start::OnClick(selector) = &g.start {
                    <TextField label="Start when this element is clicked" path="start.on_click"
                        value={selector.clone()} code=true placeholder="[data-testid=help]"
                        onchange={edit(|g, v| g.start = Start::OnClick(v))} problems={problems.clone()} />
                }
            </section>
            <section aria-labelledby="help-heading">
                <h3 id="help-heading">{ "Help and tickets" }</h3>
                <div class="row">
                    <TextField label="Ticket category" path="category"
                        value={g.category.clone().unwrap_or_default()} placeholder="purchasing"
                        onchange={edit(|g, v| g.category = Some(v).filter(|v| !v.trim().is_empty()))}
                        problems={problems.clone()} />
                    <SelectField label="Ticket priority" path="priority"
                        value={match g.priority { Priority::Low => "low", Priority::Normal => "normal", Priority::High => "high", Priority::Urgent => "urgent" }}
                        options={vec![("low", "Low"), ("normal", "Normal"), ("high", "High"), ("urgent", "Urgent")]}
                        onchange={edit(|g, v| g.priority = match v.as_str() {
                            "low" => Priority::Low, "high" => Priority::High, "urgent" => Priority::Urgent, _ => Priority::Normal,
                        })} problems={problems.clone()} />
                    <NumberField label="Offer help after (s)" path="stuck_after_s" value={g.stuck_after_s}
                        onchange={on_stuck} problems={problems.clone()} placeholder="default"
                        hint="Seconds on one step before help is offered (5 to 3600)." />
                </div>
                <div class="row">
                    <TextField label="Error messages of the app" path="error_selector" code=true
                        value={g.error_selector.clone().unwrap_or_default()} placeholder=".alert-error, [role=alert]"
                        onchange={edit(|g, v| g.error_selector = Some(v).filter(|v| !v.trim().is_empty()))}
                        problems={problems.clone()} hint="One appearing during a step means the user may be stuck." />
                    <TextField label="Related help page" path="related_help"
                        value={g.related_help.clone().unwrap_or_default()} placeholder="https://help.example.com/…"
                        onchange={edit(|g, v| g.related_help = Some(v).filter(|v| !v.trim().is_empty()))}
                        problems={problems.clone()} />
                </div>
                <CheckField label="Tickets may include what the user typed in the step's field"
                    path="capture_fields" checked={g.capture_fields} onchange={on_capture}
                    hint="Off by default; configured patterns (emails, card numbers) are redacted anyway." />
                <TextField label="Language of the texts" path="default_locale" value={g.default_locale.clone()}
                    onchange={edit(|g, v| g.default_locale = v)} problems={problems.clone()}
                    hint="A language tag such as en or pt-BR. Translations are in their own tab." />
            </section>
        </div>
    }
}

/// How one input of an audience row rewrites its rule.
type RuleChange = Box<dyn Fn(&AudienceRule, String) -> AudienceRule>;

/// The audience rules: one row each (attribute, operator, values).
fn audience_rows(p: &SettingsProps) -> Html {
    let rules = p.guide.matching.audience.clone();
    let set_rules = {
        let (guide, onchange) = (p.guide.clone(), p.onchange.clone());
        move |rules: Vec<AudienceRule>| {
            let mut next = guide.clone();
            next.matching.audience = rules;
            onchange.emit(next)
        }
    };
    let row = |i: usize, rule: &AudienceRule| {
        let base = format!("match.audience[{i}]");
        let attr_errors = p.problems.at(&format!("{base}.attr"));
        let value_errors = p.problems.at(&format!("{base}.values"));
        let change = |f: RuleChange| {
            let (rules, set_rules) = (rules.clone(), set_rules.clone());
            move |value: String| {
                let mut rules = rules.clone();
                rules[i] = f(&rules[i], value);
                set_rules(rules)
            }
        };
        let on_attr = change(Box::new(|r, v| rule_with(r, Some(v), None)));
        let on_values = change(Box::new(|r, v| rule_with(r, None, Some(&v))));
        let on_op = change(Box::new(|r, v| rule_with_op(r, &v)));
        let remove = {
            let (rules, set_rules) = (rules.clone(), set_rules.clone());
            Callback::from(move |_| {
                let mut rules = rules.clone();
                rules.remove(i);
                set_rules(rules)
            })
        };
        let attr_id = field_id(&format!("{base}.attr"));
        html! {
            <li class={classes!("audience-row", (!(attr_errors.is_empty() && value_errors.is_empty())).then_some("invalid"))}>
                <input id={attr_id} type="text" class="code" aria-label={format!("Attribute of rule {}", i + 1)}
                    placeholder="role" value={rule.attr().to_owned()}
                    oninput={Callback::from(move |e: InputEvent| on_attr(e.target_unchecked_into::<HtmlInputElement>().value()))} />
                <select aria-label={format!("Condition of rule {}", i + 1)}
                    onchange={Callback::from(move |e: Event| on_op(e.target_unchecked_into::<HtmlSelectElement>().value()))}>
                    { for [("equals", "is"), ("not", "is not"), ("one_of", "is one of"), ("not_one_of", "is none of")].iter().map(|(v, l)| html! {
                        <option value={*v} selected={rule_op(rule) == *v}>{ *l }</option>
                    }) }
                </select>
                <input id={field_id(&format!("{base}.values"))} type="text" aria-label={format!("Values of rule {}", i + 1)}
                    placeholder="buyer, approver" value={rule_values(rule).join(", ")}
                    oninput={Callback::from(move |e: InputEvent| on_values(e.target_unchecked_into::<HtmlInputElement>().value()))} />
                <button type="button" class="icon" onclick={remove}
                    aria-label={format!("Remove rule {}", i + 1)} title="Remove">{ "×" }</button>
                if !(attr_errors.is_empty() && value_errors.is_empty()) {
                    <div class="field-error">
                        { for attr_errors.iter().chain(value_errors.iter()).map(|e| html! { <p>{ e }</p> }) }
                    </div>
                }
            </li>
        }
    };
    let add = {
        let (rules, set_rules) = (rules.clone(), set_rules.clone());
        Callback::from(move |_| {
            let mut rules = rules.clone();
            rules.push(AudienceRule::Equals {
                attr: "role".into(),
                value: String::new(),
            });
            set_rules(rules)
        })
    };
    html! {
        <fieldset class="field list" id="f-match-audience">
            <legend>{ "Audience" }</legend>
            <p class="hint">{ "Rules over user attributes given by the app (role, department, locale…). All must hold. No rules: everyone." }</p>
            <ol>{ for rules.iter().enumerate().map(|(i, r)| row(i, r)) }</ol>
            <button type="button" class="small" onclick={add}>{ "Add a rule" }</button>
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audience_values_are_typed_comma_separated_and_survive_operator_changes() {
        let rule = AudienceRule::Equals {
            attr: "role".into(),
            value: "buyer".into(),
        };
        let many = rule_with_op(&rule, "one_of");
        let many = rule_with(&many, None, Some("buyer, approver ,, "));
        assert_eq!(
            many,
            AudienceRule::OneOf {
                attr: "role".into(),
                values: vec!["buyer".into(), "approver".into()]
            }
        );
        assert_eq!(
            rule_with_op(&many, "not"),
            AudienceRule::Not {
                attr: "role".into(),
                value: "buyer".into()
            }
        );
        let renamed = rule_with(&rule, Some("department".into()), None);
        assert_eq!(renamed.attr(), "department");
    }
}
