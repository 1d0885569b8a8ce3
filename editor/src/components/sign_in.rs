//! Signing in: the agent pastes an API token; the editor checks it by listing the
//! apps it may see, and keeps it for this tab only.

use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::api::{Api, App};

#[derive(Properties, PartialEq)]
pub struct SignInProps {
    /// The token worked: here it is with the apps it sees.
    pub on_signed_in: Callback<(Api, Vec<App>)>,
    #[prop_or_default]
    pub notice: Option<AttrValue>,
}

#[function_component(SignIn)]
pub fn sign_in(p: &SignInProps) -> Html {
    let token = use_state(String::new);
    let error = use_state(|| None::<String>);
    let busy = use_state(|| false);
    let submit = {
        let (token, error, busy, done) = (
            token.clone(),
            error.clone(),
            busy.clone(),
            p.on_signed_in.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if token.trim().is_empty() {
                error.set(Some(
                    "Paste the token an admin gave you (it starts with wmk_).".into(),
                ));
                return;
            }
            let api = Api::new(&token);
            let (error, busy, done) = (error.clone(), busy.clone(), done.clone());
            busy.set(true);
            spawn_local(async move {
                match api.apps().await {
                    Ok(apps) => {
                        error.set(None);
                        done.emit((api, apps));
                    }
                    Err(e) => error.set(Some(e.to_string())),
                }
                busy.set(false);
            });
        })
    };
    let oninput = {
        let token = token.clone();
        Callback::from(move |e: InputEvent| {
            token.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    html! {
        <main class="sign-in">
            <form class="card" onsubmit={submit} aria-labelledby="sign-in-heading">
                <p class="brand"><span class="brand-mark" aria-hidden="true">{ "W" }</span>{ "Waymark" }</p>
                <h1 id="sign-in-heading">{ "Sign in to the editor" }</h1>
                if let Some(notice) = &p.notice {
                    <p class="notice" role="status">{ notice.clone() }</p>
                }
                <div class={classes!("field", error.is_some().then_some("invalid"))}>
                    <label for="token">{ "API token" }</label>
                    <input id="token" type="password" autocomplete="current-password" spellcheck="false"
                        value={(*token).clone()} {oninput} placeholder="wmk_…"
                        aria-invalid={error.is_some().then_some("true")}
                        aria-describedby={if error.is_some() { "token-error token-hint" } else { "token-hint" }} />
                    <p class="hint" id="token-hint">
                        { "An agent or admin token. The server prints the admin token when it first starts; admins make more under /v1/tokens. It is kept in this tab only." }
                    </p>
                    if let Some(message) = &*error {
                        <div class="field-error" id="token-error" role="alert"><p>{ message }</p></div>
                    }
                </div>
                <button type="submit" class="primary wide" disabled={*busy}>
                    { if *busy { "Checking…" } else { "Sign in" } }
                </button>
            </form>
        </main>
    }
}
