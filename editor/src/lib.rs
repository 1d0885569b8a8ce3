//! # Waymark editor
//!
//! The yew app support agents author guides in, served at `/editor/`: sign in with
//! a token, list and filter an app's guides, edit tours, tips and checklists in
//! forms with every problem shown beside its field as they type, pick target
//! elements by pointing at the live app, preview a draft there, publish it, and
//! roll back to an earlier version. Admins see on the Insights page whether the
//! guides deflect tickets, where users drop off and where they get stuck.
//!
//! What it owns: the agent-facing UI and its form state ([`model`]). What it must not
//! do: judge guides itself — validation is the core's ([`waymark::validate`]), ranking
//! picked elements' selectors is the core's ([`waymark::picker`]), and every call to
//! the server goes through [`api`], so the editor, the server and the runtime always
//! agree.
//!
//! Layout: [`components`] has one file per thing an agent sees (guide list, step
//! list, step form, element picker and preview panel, versions, insights...);
//! [`model`], [`problems`], [`catalog`], [`insights`], [`charts`] and [`days`] hold
//! the logic those use, tested natively.

pub mod api;
pub mod browser;
pub mod catalog;
pub mod charts;
pub mod components;
pub mod days;
pub mod format;
pub mod insights;
pub mod model;
pub mod problems;
pub mod route;

use gloo::events::EventListener;
use wasm_bindgen::prelude::*;
use waymark::guide::Guide;
use yew::platform::spawn_local;
use yew::prelude::*;

use api::{Api, ApiError, App};
use components::guide_editor::GuideEditor;
use components::guide_list::GuideList;
use components::inbox::Inbox;
use components::insights::InsightsPage;
use components::sign_in::SignIn;
use route::Route;

/// Mounts the editor on `#app`, or on `<body>` when the page has no such element.
#[wasm_bindgen(start)]
pub fn start() {
    match gloo::utils::document().get_element_by_id("app") {
        Some(root) => {
            yew::Renderer::<Root>::with_root(root).render();
        }
        None => {
            gloo::console::warn!("Waymark editor: no #app element, mounting on <body>");
            yew::Renderer::<Root>::new().render();
        }
    }
}

/// A signed-in session: the client and the apps its token sees.
#[derive(Clone, PartialEq)]
struct Session {
    api: Api,
    apps: Vec<App>,
}

/// A message for the agent, shown for a while at the bottom of the page.
#[derive(Clone, PartialEq)]
struct Notice {
    text: String,
    error: bool,
    serial: u32,
}

/// Where the app's pages are: the demo beside the editor, or the app's first origin.
fn app_url(app: Option<&App>) -> String {
    let here = browser::origin();
    match app {
        Some(a) if a.id == "demo" => format!("{here}/demo/"),
        Some(a) => a
            .origins
            .first()
            .map(|o| format!("{o}/"))
            .unwrap_or_else(|| format!("{here}/")),
        None => format!("{here}/"),
    }
}

#[function_component(Root)]
pub fn root() -> Html {
    let session = use_state(|| None::<Session>);
    let checking = use_state(|| browser::saved_token().is_some());
    let signed_out_notice = use_state(|| None::<String>);
    let app = use_state(|| browser::saved_app().unwrap_or_default());
    let route = use_state(|| Route::parse(&browser::hash()));
    let pending_new = use_state(|| None::<Guide>);
    let notice = use_state(|| None::<Notice>);

    // Follow the location hash (links, back and forward).
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener = EventListener::new(&gloo::utils::window(), "hashchange", move |_| {
                route.set(Route::parse(&browser::hash()))
            });
            move || drop(listener)
        });
    }
    // A token kept from earlier in this tab: check it is still good.
    {
        let (session, checking, app, signed_out_notice) = (
            session.clone(),
            checking.clone(),
            app.clone(),
            signed_out_notice.clone(),
        );
        use_effect_with((), move |_| {
            if let Some(token) = browser::saved_token() {
                spawn_local(async move {
                    let api = Api::new(&token);
                    match api.apps().await {
                        Ok(apps) => {
                            choose_app(&app, &apps);
                            session.set(Some(Session { api, apps }));
                        }
                        Err(e) => {
                            browser::save_token(None);
                            signed_out_notice.set(Some(e.to_string()));
                        }
                    }
                    checking.set(false);
                });
            }
        });
    }
    // Notices fade after a while; errors stay until the next one.
    {
        let notice = notice.clone();
        use_effect_with((*notice).clone(), move |current| {
            let timer = current
                .as_ref()
                .filter(|n| !n.error)
                .map(|_| gloo::timers::callback::Timeout::new(6000, move || notice.set(None)));
            move || drop(timer)
        });
    }

    let on_notice = {
        let notice = notice.clone();
        Callback::from(move |text: String| {
            let serial = notice.as_ref().map_or(0, |n| n.serial + 1);
            notice.set(Some(Notice {
                text,
                error: false,
                serial,
            }))
        })
    };
    let on_error = {
        let (notice, session, signed_out_notice) =
            (notice.clone(), session.clone(), signed_out_notice.clone());
        Callback::from(move |e: ApiError| {
            if let ApiError::SignedOut(_) = e {
                browser::save_token(None);
                signed_out_notice.set(Some(e.to_string()));
                session.set(None);
                return;
            }
            let serial = notice.as_ref().map_or(0, |n| n.serial + 1);
            notice.set(Some(Notice {
                text: e.to_string(),
                error: true,
                serial,
            }))
        })
    };

    if *checking {
        return html! { <p class="muted page-pad">{ "Signing in…" }</p> };
    }
    let Some(current) = (*session).clone() else {
        let on_signed_in = {
            let (session, app) = (session.clone(), app.clone());
            Callback::from(move |(api, apps): (Api, Vec<App>)| {
                browser::save_token(Some(api.token()));
                choose_app(&app, &apps);
                session.set(Some(Session { api, apps }));
            })
        };
        return html! { <SignIn {on_signed_in} notice={(*signed_out_notice).clone().map(AttrValue::from)} /> };
    };

    let go = |to: Route| {
        let route = route.clone();
        move || {
            browser::set_hash(&to.to_hash());
            route.set(to.clone());
        }
    };
    let on_open = {
        let route = route.clone();
        Callback::from(move |id: String| {
            let to = Route::Guide(id);
            browser::set_hash(&to.to_hash());
            route.set(to);
        })
    };
    let on_new = {
        let (route, pending_new) = (route.clone(), pending_new.clone());
        Callback::from(move |g: Guide| {
            pending_new.set(Some(g));
            browser::set_hash(&Route::New.to_hash());
            route.set(Route::New);
        })
    };
    let to_list = {
        let go = go(Route::List);
        Callback::from(move |_| go())
    };
    let sign_out = {
        let session = session.clone();
        Callback::from(move |_| {
            browser::save_token(None);
            session.set(None);
        })
    };
    let on_app = {
        let app = app.clone();
        Callback::from(move |e: Event| {
            let id = e
                .target_unchecked_into::<web_sys::HtmlSelectElement>()
                .value();
            browser::save_app(&id);
            app.set(id);
        })
    };
    let the_app = current.apps.iter().find(|a| a.id == *app).cloned();
    let url = app_url(the_app.as_ref());
    let page = match (&*route, &*pending_new) {
        (Route::Guide(id), _) | (Route::Step(id, _), _) => html! {
            <GuideEditor key={format!("{}/{id}", *app)} api={current.api.clone()} app={(*app).clone()} app_url={url}
                initial={Err::<Guide, String>(id.clone())} on_back={to_list.clone()} on_created={on_open.clone()}
                step={match &*route { Route::Step(_, step) => Some(AttrValue::from(step.clone())), _ => None }}
                on_notice={on_notice.clone()} on_error={on_error.clone()} />
        },
        (Route::New, Some(g)) => html! {
            <GuideEditor key={format!("new/{}", g.id)} api={current.api.clone()} app={(*app).clone()} app_url={url}
                initial={Ok::<Guide, String>(g.clone())} on_back={to_list.clone()}
                on_created={ let (on_open, pending_new) = (on_open.clone(), pending_new.clone());
                    Callback::from(move |id: String| { pending_new.set(None); on_open.emit(id) }) }
                on_notice={on_notice.clone()} on_error={on_error.clone()} />
        },
        (Route::Inbox, _) => html! {
            <Inbox api={current.api.clone()} app={(*app).clone()} on_notice={on_notice.clone()}
                on_error={on_error.clone()} />
        },
        (Route::Insights, _) => html! {
            <InsightsPage key={(*app).clone()} api={current.api.clone()} app={(*app).clone()} on_error={on_error.clone()} />
        },
        _ => html! {
            <GuideList api={current.api.clone()} app={(*app).clone()} {on_open} {on_new}
                on_notice={on_notice.clone()} on_error={on_error.clone()} />
        },
    };
    html! {
        <div class="shell">
            <header class="topbar">
                <a class="brand" href="#/" onclick={ let t = to_list.clone(); Callback::from(move |e: MouseEvent| { e.prevent_default(); t.emit(()) }) }>
                    <span class="brand-mark" aria-hidden="true">{ "W" }</span>{ "Waymark editor" }
                </a>
                <label class="app-switch">
                    <span>{ "App" }</span>
                    <select onchange={on_app} aria-label="App whose guides you edit">
                        { for current.apps.iter().map(|a| html! {
                            <option value={a.id.clone()} selected={a.id == *app}>{ &a.name }</option>
                        }) }
                    </select>
                </label>
                <nav aria-label="Editor">
                    <a href="#/" aria-current={matches!(*route, Route::List).then_some("page")}
                        onclick={ let t = to_list.clone(); Callback::from(move |e: MouseEvent| { e.prevent_default(); t.emit(()) }) }>{ "Guides" }</a>
                    <a href="#/inbox" aria-current={matches!(*route, Route::Inbox).then_some("page")}
                        onclick={ let go = go(Route::Inbox); Callback::from(move |e: MouseEvent| { e.prevent_default(); go() }) }>{ "Ticket inbox" }</a>
                    <a href="#/insights" aria-current={matches!(*route, Route::Insights).then_some("page")}
                        onclick={ let go = go(Route::Insights); Callback::from(move |e: MouseEvent| { e.prevent_default(); go() }) }>{ "Insights" }</a>
                    <a href={url_of_app(the_app.as_ref())} target="_blank" rel="noopener">{ "Open app ↗" }</a>
                </nav>
                <button type="button" class="small" onclick={sign_out}>{ "Sign out" }</button>
            </header>
            <main id="main">{ page }</main>
            <div class="toast-area" aria-live="polite" aria-atomic="true">
                if let Some(n) = &*notice {
                    <div class={classes!("toast", n.error.then_some("error"))} role={n.error.then_some("alert")}>
                        <span>{ &n.text }</span>
                        <button type="button" class="icon" aria-label="Dismiss"
                            onclick={ let notice = notice.clone(); Callback::from(move |_| notice.set(None)) }>{ "×" }</button>
                    </div>
                }
            </div>
        </div>
    }
}

fn url_of_app(app: Option<&App>) -> String {
    app_url(app)
}

/// Keeps the remembered app when the token sees it; otherwise the demo or the first.
fn choose_app(app: &UseStateHandle<String>, apps: &[App]) {
    if apps.iter().any(|a| a.id == **app) {
        return;
    }
    let pick = apps
        .iter()
        .find(|a| a.id == "demo")
        .or_else(|| apps.first())
        .map(|a| a.id.clone())
        .unwrap_or_default();
    app.set(pick);
}
