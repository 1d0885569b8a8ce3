//! Labelled form fields that show their validation problems beside them.
//!
//! Every field is addressed by the JSON path of what it edits (`steps[0].title`):
//! that path gives its DOM id ([`field_id`]) and its problems ([`Problems::at`]).
//! An invalid field is marked `aria-invalid` and described by its message, so a
//! screen reader hears what to fix when it gets there.

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::problems::{field_id, Problems};

/// Problems under a field, and the ids its `aria-describedby` should name.
fn messages(id: &str, hint: &Option<AttrValue>, errors: &[String]) -> (Html, Option<String>) {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let mut described = Vec::new();
    if hint.is_some() {
        described.push(hint_id.clone());
    }
    if !errors.is_empty() {
        described.push(error_id.clone());
    }
    let html = html! {
        <>
            if let Some(hint) = hint {
                <p class="hint" id={hint_id}>{ hint.clone() }</p>
            }
            if !errors.is_empty() {
                <div class="field-error" id={error_id}>
                    { for errors.iter().map(|e| html! { <p>{ e }</p> }) }
                </div>
            }
        </>
    };
    (html, (!described.is_empty()).then(|| described.join(" ")))
}

#[derive(Properties, PartialEq)]
pub struct TextProps {
    pub label: AttrValue,
    /// The JSON path this field edits.
    pub path: AttrValue,
    pub value: AttrValue,
    pub onchange: Callback<String>,
    pub problems: Problems,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
    #[prop_or_default]
    pub multiline: bool,
    #[prop_or_default]
    pub code: bool,
    #[prop_or_default]
    pub disabled: bool,
    #[prop_or_default]
    pub rows: Option<u32>,
}

/// A one-line or multi-line text field.
#[function_component(TextField)]
pub fn text_field(p: &TextProps) -> Html {
    let id = field_id(&p.path);
    let errors = p.problems.at(&p.path);
    let (below, described) = messages(&id, &p.hint, &errors);
    let invalid = (!errors.is_empty()).then_some("true");
    let class = classes!(p.code.then_some("code"));
    let control = if p.multiline {
        let onchange = p.onchange.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            onchange.emit(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        });
        html! {
            <textarea id={id.clone()} {class} value={p.value.clone()} {oninput}
                rows={p.rows.unwrap_or(4).to_string()} placeholder={p.placeholder.clone()}
                aria-invalid={invalid} aria-describedby={described} disabled={p.disabled}
                spellcheck={if p.code { "false" } else { "true" }} />
        }
    } else {
        let onchange = p.onchange.clone();
        let oninput = Callback::from(move |e: InputEvent| {
            onchange.emit(e.target_unchecked_into::<HtmlInputElement>().value())
        });
        html! {
            <input id={id.clone()} type="text" {class} value={p.value.clone()} {oninput}
                placeholder={p.placeholder.clone()} aria-invalid={invalid}
                aria-describedby={described} disabled={p.disabled}
                spellcheck={if p.code { "false" } else { "true" }} autocomplete="off" />
        }
    };
    html! {
        <div class={classes!("field", (!errors.is_empty()).then_some("invalid"))}>
            <label for={id}>{ p.label.clone() }</label>
            { control }
            { below }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct NumberProps {
    pub label: AttrValue,
    pub path: AttrValue,
    pub value: Option<u32>,
    pub onchange: Callback<Option<u32>>,
    pub problems: Problems,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
}

/// A whole number, or empty for "not set".
#[function_component(NumberField)]
pub fn number_field(p: &NumberProps) -> Html {
    let id = field_id(&p.path);
    let errors = p.problems.at(&p.path);
    let (below, described) = messages(&id, &p.hint, &errors);
    let onchange = p.onchange.clone();
    let oninput = Callback::from(move |e: InputEvent| {
        let text = e.target_unchecked_into::<HtmlInputElement>().value();
        onchange.emit(text.trim().parse().ok())
    });
    html! {
        <div class={classes!("field", "narrow", (!errors.is_empty()).then_some("invalid"))}>
            <label for={id.clone()}>{ p.label.clone() }</label>
            <input {id} type="number" min="0" step="1" inputmode="numeric" {oninput}
                value={p.value.map(|v| v.to_string()).unwrap_or_default()}
                placeholder={p.placeholder.clone()}
                aria-invalid={(!errors.is_empty()).then_some("true")} aria-describedby={described} />
            { below }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct SelectProps {
    pub label: AttrValue,
    pub path: AttrValue,
    pub value: AttrValue,
    /// (value, label) pairs.
    pub options: Vec<(&'static str, &'static str)>,
    pub onchange: Callback<String>,
    pub problems: Problems,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub disabled: bool,
}

#[function_component(SelectField)]
pub fn select_field(p: &SelectProps) -> Html {
    let id = field_id(&p.path);
    let errors = p.problems.at(&p.path);
    let (below, described) = messages(&id, &p.hint, &errors);
    let onchange = p.onchange.clone();
    let on_select = Callback::from(move |e: Event| {
        onchange.emit(e.target_unchecked_into::<HtmlSelectElement>().value())
    });
    html! {
        <div class={classes!("field", (!errors.is_empty()).then_some("invalid"))}>
            <label for={id.clone()}>{ p.label.clone() }</label>
            <select {id} onchange={on_select} disabled={p.disabled}
                aria-invalid={(!errors.is_empty()).then_some("true")} aria-describedby={described}>
                { for p.options.iter().map(|(value, label)| html! {
                    <option value={*value} selected={p.value == *value}>{ *label }</option>
                }) }
            </select>
            { below }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct CheckProps {
    pub label: AttrValue,
    pub path: AttrValue,
    pub checked: bool,
    pub onchange: Callback<bool>,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
}

#[function_component(CheckField)]
pub fn check_field(p: &CheckProps) -> Html {
    let id = field_id(&p.path);
    let (below, described) = messages(&id, &p.hint, &[]);
    let onchange = p.onchange.clone();
    let on_toggle = Callback::from(move |e: Event| {
        onchange.emit(e.target_unchecked_into::<HtmlInputElement>().checked())
    });
    html! {
        <div class="field check">
            <input id={id.clone()} type="checkbox" checked={p.checked} onchange={on_toggle}
                aria-describedby={described} />
            <label for={id}>{ p.label.clone() }</label>
            { below }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ListProps {
    pub label: AttrValue,
    pub path: AttrValue,
    pub values: Vec<String>,
    pub onchange: Callback<Vec<String>>,
    pub problems: Problems,
    pub add_label: AttrValue,
    #[prop_or_default]
    pub hint: Option<AttrValue>,
    #[prop_or_default]
    pub placeholder: Option<AttrValue>,
}

/// An ordered list of short values (URL patterns, selectors), one input each.
#[function_component(ListField)]
pub fn list_field(p: &ListProps) -> Html {
    let id = field_id(&p.path);
    let own = p.problems.exactly(&p.path);
    let (below, described) = messages(&id, &p.hint, &own);
    let row = |i: usize, value: &String| {
        let errors = p.problems.at_value(&p.path, i);
        let row_id = format!("{id}-{i}");
        let error_id = format!("{row_id}-error");
        let oninput = {
            let (values, onchange) = (p.values.clone(), p.onchange.clone());
            Callback::from(move |e: InputEvent| {
                let mut values = values.clone();
                values[i] = e.target_unchecked_into::<HtmlInputElement>().value();
                onchange.emit(values)
            })
        };
        let remove = {
            let (values, onchange) = (p.values.clone(), p.onchange.clone());
            Callback::from(move |_| {
                let mut values = values.clone();
                values.remove(i);
                onchange.emit(values)
            })
        };
        let label = format!("{} {}", p.label, i + 1);
        html! {
            <li class={classes!("list-row", (!errors.is_empty()).then_some("invalid"))}>
                <input id={row_id} type="text" class="code" value={value.clone()} {oninput}
                    aria-label={label.clone()} placeholder={p.placeholder.clone()}
                    spellcheck="false" autocomplete="off"
                    aria-invalid={(!errors.is_empty()).then_some("true")}
                    aria-describedby={(!errors.is_empty()).then(|| error_id.clone())} />
                <button type="button" class="icon" onclick={remove}
                    aria-label={format!("Remove {label}")} title="Remove">{ "×" }</button>
                if !errors.is_empty() {
                    <div class="field-error" id={error_id}>
                        { for errors.iter().map(|e| html! { <p>{ e }</p> }) }
                    </div>
                }
            </li>
        }
    };
    let add = {
        let (values, onchange) = (p.values.clone(), p.onchange.clone());
        Callback::from(move |_| {
            let mut values = values.clone();
            values.push(String::new());
            onchange.emit(values)
        })
    };
    html! {
        <fieldset id={id.clone()} class={classes!("field", "list", (!own.is_empty()).then_some("invalid"))}
            aria-describedby={described}>
            <legend>{ p.label.clone() }</legend>
            <ol>{ for p.values.iter().enumerate().map(|(i, v)| row(i, v)) }</ol>
            <button type="button" class="small" onclick={add}>{ p.add_label.clone() }</button>
            { below }
        </fieldset>
    }
}

/// The rendered safe markdown of a body, as users will see it.
#[derive(Properties, PartialEq)]
pub struct MarkdownProps {
    pub source: AttrValue,
}

#[function_component(MarkdownPreview)]
pub fn markdown_preview(p: &MarkdownProps) -> Html {
    // The core escapes every piece of text and emits only p/ul/ol/li/strong/em/code/a.
    let rendered = waymark::markup::to_html(&waymark::markup::parse(&p.source));
    html! {
        <div class="markdown-preview" aria-label="Preview of the body">
            if p.source.trim().is_empty() {
                <p class="muted">{ "The body is empty." }</p>
            } else {
                { Html::from_html_unchecked(AttrValue::from(rendered)) }
            }
        </div>
    }
}
