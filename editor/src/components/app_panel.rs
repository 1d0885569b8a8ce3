//! The host app, live beside the form: browse it, pick an element for a target
//! (ranked selector candidates, each with how many elements it matches there), or
//! play the draft in it without publishing.
//!
//! The app runs in a frame named [`FRAME_NAME`], so the Waymark runtime inside knows
//! an editor drives it. They talk by `postMessage` only: the editor accepts messages
//! from that frame's window and the app's origin alone, and the runtime sends them to
//! the Waymark server's origin alone.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::EventListener;
use wasm_bindgen::{JsCast, JsValue};
use waymark::guide::Target;
use waymark::picker::{target_for, EditorMessage, PageMessage, PickResult, Strategy, FRAME_NAME};
use web_sys::{HtmlIFrameElement, HtmlInputElement, MessageEvent, Window};
use yew::prelude::*;

/// What the panel is doing.
#[derive(Clone, Debug, PartialEq)]
pub enum PanelMode {
    /// The agent uses the app normally (to reach the page of the next step).
    Browse,
    /// Waiting for a click in the app; `what` names the target being picked.
    Pick { what: String },
    /// Playing the draft (its JSON text) from `url` when given; `run` changes to
    /// start it over.
    Preview {
        guide: String,
        run: u32,
        url: Option<String>,
    },
}

#[derive(Properties, PartialEq)]
pub struct AppPanelProps {
    /// Where the app starts: `http://host/demo/`.
    pub app_url: AttrValue,
    pub mode: PanelMode,
    /// The agent chose a candidate: the target to save and the page URL it is on.
    pub on_picked: Callback<(Target, String)>,
    pub on_mode: Callback<PanelMode>,
    pub on_close: Callback<()>,
}

/// `https://host:8080` of a URL, as `MessageEvent.origin` spells it.
pub fn origin_of(url: &str) -> Option<String> {
    web_sys::Url::new(url).ok().map(|u| u.origin())
}

/// The windows the app runs in for the editor: the frame, and a separate window
/// for apps that refuse to be framed.
#[derive(Clone)]
struct Peers {
    frame: NodeRef,
    window: Rc<RefCell<Option<Window>>>,
}

impl Peers {
    fn windows(&self) -> Vec<Window> {
        let framed = self
            .frame
            .cast::<HtmlIFrameElement>()
            .and_then(|f| f.content_window());
        let opened = self
            .window
            .borrow()
            .clone()
            .filter(|w| !w.closed().unwrap_or(true));
        framed.into_iter().chain(opened).collect()
    }

    /// Whether a message came from one of them.
    fn sent(&self, source: &JsValue) -> bool {
        self.windows().iter().any(|w| JsValue::from(w) == *source)
    }

    fn post(&self, origin: &str, message: &EditorMessage) {
        let Ok(text) = serde_json::to_string(message) else {
            return;
        };
        for window in self.windows() {
            let _ = window.post_message(&JsValue::from_str(&text), origin);
        }
    }
}

#[function_component(AppPanel)]
pub fn app_panel(p: &AppPanelProps) -> Html {
    let frame = use_node_ref();
    let opened = use_mut_ref(|| None::<Window>);
    let peers = Peers {
        frame: frame.clone(),
        window: opened.clone(),
    };
    let src = use_state(|| p.app_url.to_string());
    let address = use_state(|| p.app_url.to_string());
    // The agent is typing an address: the app's navigation must not overwrite it.
    let typing = use_mut_ref(|| false);
    let current = use_state(|| None::<String>);
    let result = use_state(|| None::<PickResult>);
    // The preview was sent to the page already: later page loads resume it there.
    let preview_sent = use_mut_ref(|| None::<String>);
    let origin = origin_of(&src).unwrap_or_default();

    // Listen to the frame, with the current mode in hand.
    {
        let (address, typing) = (address.clone(), typing.clone());
        let (frame, origin, mode, current, result) = (
            peers.clone(),
            origin.clone(),
            p.mode.clone(),
            current.clone(),
            result.clone(),
        );
        let (on_mode, preview_sent) = (p.on_mode.clone(), preview_sent.clone());
        use_effect_with((p.mode.clone(), origin.clone()), move |_| {
            let from_frame = frame.clone();
            let (l_frame, l_origin, l_mode, l_result, l_sent, l_current) = (
                frame.clone(),
                origin.clone(),
                mode.clone(),
                result.clone(),
                preview_sent.clone(),
                current.clone(),
            );
            let listener = EventListener::new(&gloo::utils::window(), "message", move |event| {
                let (frame, origin, mode, result, preview_sent) =
                    (&l_frame, &l_origin, &l_mode, &l_result, &l_sent);
                let Some(event) = event.dyn_ref::<MessageEvent>() else {
                    return;
                };
                let ours = event
                    .source()
                    .is_some_and(|s| from_frame.sent(&JsValue::from(s)));
                if event.origin() != *origin || !ours {
                    return;
                }
                let Some(text) = event.data().as_string() else {
                    return;
                };
                let Ok(message) = serde_json::from_str::<PageMessage>(&text) else {
                    return;
                };
                match message {
                    PageMessage::Ready { url, previewing } => {
                        // The address bar follows the app's navigation.
                        if !*typing.borrow() {
                            address.set(url.clone());
                        }
                        l_current.set(Some(url));
                        match mode {
                            PanelMode::Pick { .. } => {
                                if previewing {
                                    frame.post(origin, &EditorMessage::PreviewStop);
                                }
                                frame.post(origin, &EditorMessage::Pick);
                            }
                            // A page that plays this draft already (a tour across pages)
                            // goes on; any other gets it.
                            PanelMode::Preview { guide, .. } => {
                                send_preview(frame, origin, guide, preview_sent, !previewing)
                            }
                            // A preview left running when the panel was closed.
                            PanelMode::Browse if previewing => {
                                frame.post(origin, &EditorMessage::PreviewStop)
                            }
                            PanelMode::Browse => {}
                        }
                    }
                    PageMessage::Picked { result: picked } => {
                        result.set(Some(picked));
                        on_mode.emit(PanelMode::Browse);
                    }
                    PageMessage::PickCancelled => on_mode.emit(PanelMode::Browse),
                }
            });
            // Entering a mode with the page already listening.
            match &mode {
                PanelMode::Pick { .. } => {
                    result.set(None);
                    frame.post(&origin, &EditorMessage::Pick);
                }
                PanelMode::Preview { guide, url, .. } => {
                    let elsewhere = url
                        .as_ref()
                        .filter(|u| current.as_deref() != Some(u.as_str()));
                    match (elsewhere, frame.frame.cast::<HtmlIFrameElement>()) {
                        // The page loads, says it is ready, and then gets the guide.
                        (Some(url), Some(f)) => {
                            *preview_sent.borrow_mut() = None;
                            f.set_src(url);
                        }
                        _ => send_preview(&frame, &origin, guide, &preview_sent, true),
                    }
                }
                PanelMode::Browse => {
                    frame.post(&origin, &EditorMessage::PickStop);
                    if preview_sent.borrow_mut().take().is_some() {
                        frame.post(&origin, &EditorMessage::PreviewStop);
                    }
                }
            }
            move || drop(listener)
        });
    }

    let go = {
        let (address, src, typing, frame) =
            (address.clone(), src.clone(), typing.clone(), frame.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            *typing.borrow_mut() = false;
            let base = gloo::utils::window().location().href().unwrap_or_default();
            let url = web_sys::Url::new_with_base(&address, &base)
                .map(|u| u.href())
                .unwrap_or_else(|_| (*address).clone());
            // Straight to the frame: it loads even when `src` already says this URL.
            if let Some(f) = frame.cast::<HtmlIFrameElement>() {
                f.set_src(&url);
            }
            src.set(url);
        })
    };
    let open_window = {
        let (src, opened) = (src.clone(), opened.clone());
        Callback::from(move |_| {
            let name = format!("{FRAME_NAME}-window");
            let window = gloo::utils::window()
                .open_with_url_and_target(&src, &name)
                .ok()
                .flatten();
            *opened.borrow_mut() = window;
        })
    };
    let on_address = {
        let (address, typing) = (address.clone(), typing.clone());
        Callback::from(move |e: InputEvent| {
            *typing.borrow_mut() = true;
            address.set(e.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    let mode_button = |label: &'static str, mode: PanelMode, active: bool| {
        let on_mode = p.on_mode.clone();
        html! {
            <button type="button" class={classes!("small", active.then_some("active"))} aria-pressed={active.to_string()}
                onclick={Callback::from(move |_| on_mode.emit(mode.clone()))}>{ label }</button>
        }
    };
    let status = match &p.mode {
        PanelMode::Pick { what } => format!("Pick mode for {what}: hover to outline, click to pick (or focus an element and press Enter). Esc cancels."),
        PanelMode::Preview { .. } => "Previewing the draft: nothing is published. Users do not see it.".to_owned(),
        PanelMode::Browse => "Use the app to reach the page you want, then pick an element.".to_owned(),
    };
    let candidates = (*result).clone().map(|r| view_candidates(p, &r, &result));
    html! {
        <aside class="app-panel" aria-label="Your app">
            <header class="panel-head">
                <form class="address" onsubmit={go}>
                    <label for="app-address" class="visually-hidden">{ "App address" }</label>
                    <input id="app-address" type="text" class="code" value={(*address).clone()} oninput={on_address} />
                    <button type="submit" class="small">{ "Go" }</button>
                </form>
                <div class="button-row">
                    { mode_button("Browse", PanelMode::Browse, p.mode == PanelMode::Browse) }
                    <button type="button" class="small" onclick={open_window}
                        title="For apps that cannot be shown in a frame: picking and preview work there too">
                        { "Open in a window" }
                    </button>
                    <button type="button" class="small" aria-label="Close the app panel"
                        onclick={ let c = p.on_close.clone(); Callback::from(move |_| c.emit(())) }>{ "Close" }</button>
                </div>
            </header>
            <p class={classes!("panel-status", matches!(p.mode, PanelMode::Pick { .. }).then_some("picking"))} role="status">
                { status }
                if let Some(url) = &*current { <span class="muted code">{ format!(" · {url}") }</span> }
            </p>
            { candidates.unwrap_or_default() }
            <iframe ref={frame} name={FRAME_NAME} src={(*src).clone()} title="Your app, for picking and preview" />
        </aside>
    }
}

/// Sends the preview unless this very guide was sent already (`force`: send anyway).
fn send_preview(
    peers: &Peers,
    origin: &str,
    guide: &str,
    sent: &Rc<RefCell<Option<String>>>,
    force: bool,
) {
    let already = sent.borrow().as_deref() == Some(guide);
    if force || !already {
        let message = EditorMessage::Preview {
            guide: guide.to_owned(),
        };
        peers.post(origin, &message);
        *sent.borrow_mut() = Some(guide.to_owned());
    }
}

fn view_candidates(
    p: &AppPanelProps,
    result: &PickResult,
    state: &UseStateHandle<Option<PickResult>>,
) -> Html {
    let page = result.url.clone();
    let choose = |i: usize| {
        let (result, on_picked, state, page) = (
            result.clone(),
            p.on_picked.clone(),
            state.clone(),
            page.clone(),
        );
        Callback::from(move |_| {
            if let Some(target) = target_for(&result, i) {
                on_picked.emit((target, page.clone()));
            }
            state.set(None);
        })
    };
    let dismiss = {
        let state = state.clone();
        Callback::from(move |_| state.set(None))
    };
    html! {
        <section class="candidates" aria-labelledby="candidates-heading">
            <h3 id="candidates-heading">{ format!("Picked: {}", result.description) }</h3>
            if result.candidates.is_empty() {
                <p class="error">{ "No selector finds this element. Pick its parent (press ↑ in pick mode before clicking) or give it a data-testid." }</p>
            } else {
                <p class="hint">{ "Best first. The one you choose is saved with the other unique ones as fallbacks." }</p>
            }
            <ol>
                { for result.candidates.iter().enumerate().map(|(i, c)| {
                    let unique = c.matches == 1;
                    html! {
                        <li class={classes!("candidate", (!unique).then_some("ambiguous"))}>
                            <button type="button" class="candidate-button" onclick={choose(i)}>
                                <span class="strategy">{ c.strategy.label() }</span>
                                <code class="selector">{ &c.css }</code>
                                if let Some(text) = &c.text { <span class="text">{ format!("with text “{text}”") }</span> }
                                <span class={classes!("badge", if unique { "ok" } else { "wait" })}>
                                    { if unique { "unique".to_owned() } else { format!("matches {}", c.matches) } }
                                </span>
                                if c.strategy == Strategy::Structural {
                                    <span class="badge muted">{ "breaks if the layout changes" }</span>
                                }
                            </button>
                        </li>
                    }
                }) }
            </ol>
            <button type="button" class="small" onclick={dismiss}>{ "Discard" }</button>
        </section>
    }
}
