//! Translations: one section per locale, each string of the guide beside its
//! original, so the translator sees what is left to do.

use waymark::guide::{Guide, LocaleStrings, Text};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::fields::TextField;
use crate::problems::Problems;

#[derive(Properties, PartialEq)]
pub struct LocalesProps {
    pub guide: Guide,
    pub problems: Problems,
    pub on_add: Callback<String>,
    pub on_change: Callback<(String, LocaleStrings)>,
    pub on_remove: Callback<String>,
}

#[function_component(LocalesForm)]
pub fn locales_form(p: &LocalesProps) -> Html {
    let new_tag = use_state(String::new);
    let add = {
        let (new_tag, on_add) = (new_tag.clone(), p.on_add.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if !new_tag.trim().is_empty() {
                on_add.emit((*new_tag).trim().to_owned());
                new_tag.set(String::new());
            }
        })
    };
    let on_tag = {
        let new_tag = new_tag.clone();
        Callback::from(move |e: InputEvent| {
            new_tag.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    html! {
        <div class="locales-form">
            <p class="hint">
                { format!("The guide is written in `{}`. Each translation must cover every string; what is missing is listed as a problem.", p.guide.default_locale) }
            </p>
            <form class="inline-form" onsubmit={add}>
                <label for="new-locale">{ "Add a translation" }</label>
                <input id="new-locale" type="text" placeholder="fr, de, pt-BR" value={(*new_tag).clone()}
                    oninput={on_tag} autocomplete="off" />
                <button type="submit" class="small">{ "Add" }</button>
            </form>
            if p.guide.locales.is_empty() {
                <p class="muted">{ "No translations yet." }</p>
            }
            { for p.guide.locales.iter().map(|(tag, strings)| locale_section(p, tag, strings)) }
        </div>
    }
}

fn locale_section(p: &LocalesProps, tag: &str, strings: &LocaleStrings) -> Html {
    let g = &p.guide;
    let base = format!("locales.{tag}");
    let set = {
        let (on_change, tag, strings) = (p.on_change.clone(), tag.to_owned(), strings.clone());
        move |f: Box<dyn Fn(&mut LocaleStrings)>| {
            let mut next = strings.clone();
            f(&mut next);
            on_change.emit((tag.clone(), next))
        }
    };
    let text_cb = |f: fn(&mut LocaleStrings, String)| {
        let set = set.clone();
        Callback::from(move |v: String| set(Box::new(move |s| f(s, v.clone()))))
    };
    let remove = {
        let (on_remove, tag) = (p.on_remove.clone(), tag.to_owned());
        Callback::from(move |_| on_remove.emit(tag.clone()))
    };
    let own = p.problems.at(&base);
    let steps = g.steps.iter().map(|step| {
        let text = strings.steps.get(&step.id).cloned().unwrap_or_default();
        let path = format!("{base}.steps.{}", step.id);
        let step_id = step.id.clone();
        let title_cb = {
            let (set, id, text) = (set.clone(), step_id.clone(), text.clone());
            Callback::from(move |v: String| {
                let (id, text) = (id.clone(), text.clone());
                set(Box::new(move |s| {
                    s.steps.insert(id.clone(), Text { title: v.clone(), ..text.clone() });
                }))
            })
        };
        let body_cb = {
            let (set, id, text) = (set.clone(), step_id, text.clone());
            Callback::from(move |v: String| {
                let (id, text) = (id.clone(), text.clone());
                set(Box::new(move |s| {
                    s.steps.insert(id.clone(), Text { body: v.clone(), ..text.clone() });
                }))
            })
        };
        html! {
            <div class="translation">
                <p class="original"><strong>{ &step.title }</strong>{ " — " }{ &step.body }</p>
                <div class="row">
                    <TextField label={format!("Step “{}” title", step.id)} path={format!("{path}.title")}
                        value={text.title.clone()} onchange={title_cb} problems={p.problems.clone()} />
                    <TextField label={format!("Step “{}” body", step.id)} path={format!("{path}.body")}
                        value={text.body.clone()} onchange={body_cb} problems={p.problems.clone()} multiline=true rows={2} />
                </div>
            </div>
        }
    });
    let items = g.items.iter().map(|item| {
        let id = item.id.clone();
        let cb = {
            let set = set.clone();
            Callback::from(move |v: String| {
                let id = id.clone();
                set(Box::new(move |s| {
                    s.items.insert(id.clone(), v.clone());
                }))
            })
        };
        html! {
            <TextField label={format!("Item “{}”", item.label)} path={format!("{base}.items.{}", item.id)}
                value={strings.items.get(&item.id).cloned().unwrap_or_default()} onchange={cb}
                problems={p.problems.clone()} />
        }
    });
    let step_gaps = p.problems.exactly(&format!("{base}.steps"));
    html! {
        <section class="locale" id={crate::problems::field_id(&base)} aria-label={format!("Translation {tag}")}>
            <header class="form-head">
                <h3>{ tag.to_owned() }</h3>
                <button type="button" class="small danger" onclick={remove}>{ format!("Remove {tag}") }</button>
            </header>
            if !own.is_empty() || !step_gaps.is_empty() {
                <div class="field-error">{ for own.iter().chain(step_gaps.iter()).map(|e| html! { <p>{ e }</p> }) }</div>
            }
            <div class="row">
                <TextField label="Title" path={format!("{base}.title")} value={strings.title.clone().unwrap_or_default()}
                    onchange={text_cb(|s, v| s.title = Some(v))} problems={p.problems.clone()}
                    hint={format!("Original: {}", g.title)} />
                if g.description.is_some() {
                    <TextField label="Description" path={format!("{base}.description")}
                        value={strings.description.clone().unwrap_or_default()}
                        onchange={text_cb(|s, v| s.description = Some(v))} problems={p.problems.clone()}
                        hint={format!("Original: {}", g.description.clone().unwrap_or_default())} />
                }
            </div>
            { for steps }
            if let Some(tip) = &g.tip {
                <div class="row">
                    <TextField label="Tip title" path={format!("{base}.tip.title")}
                        value={strings.tip.clone().unwrap_or_default().title}
                        onchange={text_cb(|s, v| s.tip.get_or_insert_with(Text::default).title = v)}
                        problems={p.problems.clone()} hint={format!("Original: {}", tip.title)} />
                    <TextField label="Tip body" path={format!("{base}.tip.body")} multiline=true rows={2}
                        value={strings.tip.clone().unwrap_or_default().body}
                        onchange={text_cb(|s, v| s.tip.get_or_insert_with(Text::default).body = v)}
                        problems={p.problems.clone()} />
                </div>
            }
            { for items }
        </section>
    }
}
