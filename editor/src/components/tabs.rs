//! The guide editor's tabs, their order and keys, and which tab shows a problem.

use wasm_bindgen::JsCast;
use waymark::guide::Kind;
use yew::prelude::*;

use crate::problems::{locate, Problems, Section};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Content,
    Settings,
    Translations,
    Versions,
    Json,
}

impl Tab {
    pub const ALL: [Tab; 5] = [
        Tab::Content,
        Tab::Settings,
        Tab::Translations,
        Tab::Versions,
        Tab::Json,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Tab::Content => "tab-content",
            Tab::Settings => "tab-settings",
            Tab::Translations => "tab-translations",
            Tab::Versions => "tab-versions",
            Tab::Json => "tab-json",
        }
    }

    /// The tab ← or → goes to, as in the WAI-ARIA tabs pattern.
    pub fn beside(self, key: &str) -> Option<Tab> {
        let i = Tab::ALL.iter().position(|t| *t == self)?;
        let n = Tab::ALL.len();
        match key {
            "ArrowRight" => Some(Tab::ALL[(i + 1) % n]),
            "ArrowLeft" => Some(Tab::ALL[(i + n - 1) % n]),
            "Home" => Some(Tab::ALL[0]),
            "End" => Some(Tab::ALL[n - 1]),
            _ => None,
        }
    }

    /// The tab that shows a section's fields.
    pub fn of(section: &Section) -> Tab {
        match section {
            Section::Settings => Tab::Settings,
            Section::Locale(_) => Tab::Translations,
            Section::Json => Tab::Json,
            _ => Tab::Content,
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct TabBarProps {
    pub current: Tab,
    pub kind: Kind,
    pub problems: Problems,
    pub on_select: Callback<Tab>,
}

/// The tab strip: each tab with its number of problems; ← → Home End move along.
#[function_component(TabBar)]
pub fn tab_bar(p: &TabBarProps) -> Html {
    let count = |t: Tab| {
        p.problems
            .iter()
            .filter(|pr| Tab::of(&locate(&pr.path).section) == t)
            .count()
    };
    let label = |t: Tab| match t {
        Tab::Content => match p.kind {
            Kind::Tour => "Steps",
            Kind::Tip => "Tip",
            Kind::Checklist => "Items",
        },
        Tab::Settings => "Settings",
        Tab::Translations => "Translations",
        Tab::Versions => "Versions",
        Tab::Json => "JSON",
    };
    let onkeydown = {
        let (current, on_select) = (p.current, p.on_select.clone());
        Callback::from(move |e: KeyboardEvent| {
            if let Some(next) = current.beside(&e.key()) {
                e.prevent_default();
                on_select.emit(next);
                if let Some(el) = gloo::utils::document().get_element_by_id(next.id()) {
                    if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                        let _ = el.focus();
                    }
                }
            }
        })
    };
    html! {
        <div class="tabs" role="tablist" aria-label="Guide" {onkeydown}>
            { for Tab::ALL.iter().map(|&t| {
                let active = p.current == t;
                let n = if t == Tab::Versions { 0 } else { count(t) };
                let on_select = p.on_select.clone();
                html! {
                    <button type="button" role="tab" id={t.id()} aria-selected={active.to_string()}
                        aria-controls="tab-panel" tabindex={if active { "0" } else { "-1" }}
                        class={classes!("tab", active.then_some("active"))}
                        onclick={Callback::from(move |_| on_select.emit(t))}>
                        { label(t) }
                        if n > 0 {
                            <span class="badge bad">{ n }<span class="visually-hidden">{ " problems" }</span></span>
                        }
                    </button>
                }
            }) }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrow_keys_cycle_through_the_tabs_and_problems_open_their_tab() {
        assert_eq!(Tab::Content.beside("ArrowRight"), Some(Tab::Settings));
        assert_eq!(Tab::Content.beside("ArrowLeft"), Some(Tab::Json));
        assert_eq!(Tab::Versions.beside("End"), Some(Tab::Json));
        assert_eq!(Tab::Json.beside("Enter"), None);
        assert_eq!(Tab::of(&Section::Step(3)), Tab::Content);
        assert_eq!(Tab::of(&Section::Locale("fr".into())), Tab::Translations);
        assert_eq!(Tab::of(&Section::Json), Tab::Json);
    }
}
