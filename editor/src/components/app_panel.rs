//! The host app, live beside the form: browse it, pick an element for a target
//! (ranked selector candidates, each with how many elements it matches there), or
//! play the draft in it without publishing.
//!
//! The app runs in a frame named [`FRAME_NAME`], so the Waymark runtime inside knows
//! an editor drives it, or, for apps that refuse to be framed (`X-Frame-Options`,
//! CSP `frame-ancestors`, as most business apps do), in a window the panel opens
//! (named `FRAME_NAME-window`). They talk by `postMessage` only: the editor accepts
//! messages from those windows and the app's origin alone and posts to that origin
//! alone; the runtime sends to the Waymark server's origin alone. So it works with
//! the app on another origin than the editor.
//!
//! A refused frame gives no error event the editor can see (the browser shows its
//! own error page in the frame, and a cross-origin frame's content cannot be read).
//! So the panel asks: after each load of the frame it posts `hello`, and a runtime
//! listening there answers `here` (or has said `ready`). No answer within
//! [`HELLO_DEADLINE_MS`] of the first page means the frame is refused: the panel says
//! so and switches to window mode. The app is remembered as unframeable once its
//! runtime answers in the window, and opens in window mode from then on. A late
//! answer from the frame switches back. A window the app cuts off from its opener
//! (`Cross-Origin-Opener-Policy: same-origin` or `same-origin-allow-popups` on the
//! app's pages) looks closed at once and never answers: the panel says that too.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::EventListener;
use gloo::timers::callback::{Interval, Timeout};
use wasm_bindgen::{JsCast, JsValue};
use waymark::guide::Target;
use waymark::picker::{target_for, EditorMessage, PageMessage, PickResult, Strategy, FRAME_NAME};
use web_sys::{HtmlIFrameElement, HtmlInputElement, MessageEvent, Window};
use yew::prelude::*;

use crate::browser;

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

/// How long after a frame's load event its runtime has to answer `hello`.
pub const HELLO_DEADLINE_MS: u32 = 5_000;

/// `https://host:8080` of a URL, as `MessageEvent.origin` spells it.
pub fn origin_of(url: &str) -> Option<String> {
    web_sys::Url::new(url).ok().map(|u| u.origin())
}

/// Whether the app answers in the panel's frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Framing {
    /// Loading, or waiting for the runtime's answer.
    Trying,
    /// The runtime in the frame answered.
    Answered,
    /// This page of the frame did not answer, though an earlier one did: it has no
    /// Waymark tag, or its runtime failed to start.
    Silent,
    /// The frame never answered: the app refuses to be framed. `remembered`: known
    /// from an earlier session, so no frame was loaded at all.
    Refused { remembered: bool },
}

/// The separate window the app may run in.
#[derive(Clone, Debug, PartialEq)]
enum WindowState {
    /// Not opened, or closed by the agent.
    Closed,
    /// Opened, its runtime not heard from yet.
    Waiting,
    /// Its runtime said `ready` on this page.
    Connected { url: String },
    /// The browser's pop-up blocker refused it.
    Blocked,
    /// It closed before its runtime ever answered: the app's
    /// `Cross-Origin-Opener-Policy` cuts a window off from its opener (the editor
    /// then sees it as closed, and it sees no opener), or the agent closed it at once.
    CutOff,
}

thread_local! {
    /// The app's window, kept when the panel closes: opening the panel again finds
    /// it as the agent left it instead of loading it anew.
    static APP_WINDOW: Rc<RefCell<Option<Window>>> = Rc::default();
}

/// The windows the app runs in for the editor: the frame, and a separate window
/// for apps that refuse to be framed.
#[derive(Clone)]
struct Peers {
    frame: NodeRef,
    window: Rc<RefCell<Option<Window>>>,
}

impl Peers {
    fn framed(&self) -> Option<Window> {
        self.frame
            .cast::<HtmlIFrameElement>()
            .and_then(|f| f.content_window())
    }

    fn opened(&self) -> Option<Window> {
        self.window
            .borrow()
            .clone()
            .filter(|w| !w.closed().unwrap_or(true))
    }

    fn windows(&self) -> Vec<Window> {
        self.framed().into_iter().chain(self.opened()).collect()
    }

    fn is_frame(&self, source: &JsValue) -> bool {
        self.framed().is_some_and(|w| JsValue::from(w) == *source)
    }

    fn is_window(&self, source: &JsValue) -> bool {
        self.opened().is_some_and(|w| JsValue::from(w) == *source)
    }

    fn post(&self, origin: &str, message: &EditorMessage) {
        for window in self.windows() {
            post_to(&window, origin, message);
        }
    }
}

fn post_to(window: &Window, origin: &str, message: &EditorMessage) {
    if let Ok(text) = serde_json::to_string(message) {
        // Not delivered unless the window shows a page of `origin` (not, say, the
        // browser's error page in a refused frame).
        let _ = window.post_message(&JsValue::from_str(&text), origin);
    }
}

/// What the panel's callbacks and listeners share, across renders.
#[derive(Clone)]
struct Link {
    peers: Peers,
    /// The app's origin, as the address last set says.
    origin: Rc<RefCell<String>>,
    framing: UseStateHandle<Framing>,
    /// `framing` as it is now (a state handle shows the value of its render).
    framing_now: Rc<RefCell<Framing>>,
    /// Some page of the frame answered since the panel opened or was retried.
    answered_once: Rc<RefCell<bool>>,
    /// The handshake deadline of the frame's last load; dropping it cancels it.
    deadline: Rc<RefCell<Option<Timeout>>>,
    window_state: UseStateHandle<WindowState>,
    /// The window's runtime answered since it was last opened.
    window_answered: Rc<RefCell<bool>>,
}

impl Link {
    fn origin(&self) -> String {
        self.origin.borrow().clone()
    }

    fn set_framing(&self, framing: Framing) {
        if *self.framing_now.borrow() != framing {
            *self.framing_now.borrow_mut() = framing;
            self.framing.set(framing);
        }
    }

    fn window_mode(&self) -> bool {
        matches!(*self.framing_now.borrow(), Framing::Refused { .. })
    }

    /// The frame loaded a page: ask its runtime whether it is there.
    fn frame_loaded(&self) {
        if let Some(frame) = self.peers.framed() {
            post_to(&frame, &self.origin(), &EditorMessage::Hello);
        }
        let link = self.clone();
        let timeout = Timeout::new(HELLO_DEADLINE_MS, move || {
            link.deadline.borrow_mut().take();
            if *link.answered_once.borrow() {
                link.set_framing(Framing::Silent);
            } else {
                link.set_framing(Framing::Refused { remembered: false });
            }
        });
        *self.deadline.borrow_mut() = Some(timeout);
    }

    /// The runtime in the frame spoke: the app can be framed after all.
    fn frame_answered(&self) {
        self.deadline.borrow_mut().take();
        *self.answered_once.borrow_mut() = true;
        if *self.framing_now.borrow() != Framing::Answered {
            browser::remember_unframeable(&self.origin(), false);
            self.set_framing(Framing::Answered);
        }
    }

    /// The runtime in the window said `ready` on `url`.
    fn window_ready(&self, url: &str) {
        if self.window_mode() {
            // Confirmed: it answers in a window and not in the frame.
            browser::remember_unframeable(&self.origin(), true);
        }
        *self.window_answered.borrow_mut() = true;
        self.window_state.set(WindowState::Connected {
            url: url.to_owned(),
        });
    }

    /// Opens the app's window at `url`, or loads `url` in it if it is open.
    fn open_window(&self, url: &str) {
        let name = format!("{FRAME_NAME}-window");
        let opened = gloo::utils::window()
            .open_with_url_and_target(url, &name)
            .ok()
            .flatten();
        match opened {
            Some(window) => {
                let _ = window.focus();
                *self.peers.window.borrow_mut() = Some(window);
                *self.window_answered.borrow_mut() = false;
                self.window_state.set(WindowState::Waiting);
            }
            None => self.window_state.set(WindowState::Blocked),
        }
    }

    /// Brings the open window to the front, or opens it at `url`.
    fn show_window(&self, url: &str) {
        match self.peers.opened() {
            Some(window) => {
                let _ = window.focus();
            }
            None => self.open_window(url),
        }
    }
}

#[function_component(AppPanel)]
pub fn app_panel(p: &AppPanelProps) -> Html {
    let frame = use_node_ref();
    let opened = APP_WINDOW.with(Rc::clone);
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
    let first_framing = || {
        let known = origin_of(&p.app_url).is_some_and(|o| browser::unframeable(&o));
        if known {
            Framing::Refused { remembered: true }
        } else {
            Framing::Trying
        }
    };
    let framing = use_state(first_framing);
    let link = Link {
        peers: peers.clone(),
        origin: use_mut_ref(|| origin.clone()),
        framing: framing.clone(),
        framing_now: use_mut_ref(|| *framing),
        answered_once: use_mut_ref(|| false),
        deadline: use_mut_ref(|| None::<Timeout>),
        window_state: use_state(|| WindowState::Closed),
        window_answered: use_mut_ref(|| true),
    };
    *link.origin.borrow_mut() = origin.clone();
    let last_mode = use_mut_ref(|| None::<PanelMode>);
    let window_state = (*link.window_state).clone();
    let frame_shown = !matches!(*framing, Framing::Refused { remembered: true });

    // Ask the frame's runtime after each load of the frame.
    {
        let (link, frame) = (link.clone(), frame.clone());
        use_effect_with(frame_shown, move |shown| {
            let listener = shown
                .then(|| frame.cast::<HtmlIFrameElement>())
                .flatten()
                .map(|f| {
                    let link = link.clone();
                    EventListener::new(&f, "load", move |_| link.frame_loaded())
                });
            move || drop(listener)
        });
    }

    // A window left open by an earlier panel: ask where it is.
    {
        let link = link.clone();
        use_effect_with((), move |_| {
            if let Some(window) = link.peers.opened() {
                link.window_state.set(WindowState::Waiting);
                post_to(&window, &link.origin(), &EditorMessage::Hello);
            }
        });
    }

    // Notice a window the agent closed.
    {
        let link = link.clone();
        let open = matches!(
            window_state,
            WindowState::Waiting | WindowState::Connected { .. }
        );
        use_effect_with(open, move |open| {
            let interval = open.then(|| {
                Interval::new(1_000, move || {
                    if link.peers.opened().is_none() {
                        link.peers.window.borrow_mut().take();
                        let answered = *link.window_answered.borrow();
                        link.window_state.set(if answered {
                            WindowState::Closed
                        } else {
                            WindowState::CutOff
                        });
                    }
                })
            });
            move || drop(interval)
        });
    }

    // Leave the app's window as it was when the panel closes.
    {
        let (link, preview_sent) = (link.clone(), preview_sent.clone());
        use_effect_with((), move |_| {
            move || {
                if let Some(window) = link.peers.opened() {
                    post_to(&window, &link.origin(), &EditorMessage::PickStop);
                    if preview_sent.borrow().is_some() {
                        post_to(&window, &link.origin(), &EditorMessage::PreviewStop);
                    }
                }
            }
        });
    }

    // Listen to the frame and the window, with the current mode in hand.
    {
        let (address, typing) = (address.clone(), typing.clone());
        let (link, origin, mode, current, result) = (
            link.clone(),
            origin.clone(),
            p.mode.clone(),
            current.clone(),
            result.clone(),
        );
        let (on_mode, preview_sent, src) = (p.on_mode.clone(), preview_sent.clone(), src.clone());
        let refused = matches!(*framing, Framing::Refused { .. });
        use_effect_with((p.mode.clone(), origin.clone(), refused), move |_| {
            let (l_link, l_origin, l_mode, l_result, l_sent, l_current) = (
                link.clone(),
                origin.clone(),
                mode.clone(),
                result.clone(),
                preview_sent.clone(),
                current.clone(),
            );
            let listener = EventListener::new(&gloo::utils::window(), "message", move |event| {
                let (link, origin, mode, result, preview_sent) =
                    (&l_link, &l_origin, &l_mode, &l_result, &l_sent);
                let frame = &link.peers;
                let Some(event) = event.dyn_ref::<MessageEvent>() else {
                    return;
                };
                let source = event.source().map(JsValue::from).unwrap_or(JsValue::NULL);
                let (from_frame, from_window) = (frame.is_frame(&source), frame.is_window(&source));
                if event.origin() != *origin || !(from_frame || from_window) {
                    return;
                }
                let Some(text) = event.data().as_string() else {
                    return;
                };
                let Ok(message) = serde_json::from_str::<PageMessage>(&text) else {
                    return;
                };
                if from_frame {
                    link.frame_answered();
                }
                match message {
                    PageMessage::Here { url } => {
                        if from_window {
                            link.window_ready(&url);
                        }
                    }
                    PageMessage::Ready { url, previewing } => {
                        if from_window {
                            link.window_ready(&url);
                        }
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
            // The agent just asked for this mode (a click: the browser lets a
            // window open now), rather than the frame turning out to be refused.
            let asked = last_mode.borrow().as_ref() != Some(&mode);
            *last_mode.borrow_mut() = Some(mode.clone());
            let window_mode = link.window_mode();
            let here = (*current).clone().unwrap_or_else(|| (*src).clone());
            let frame = &link.peers;
            // Entering a mode with the page already listening.
            match &mode {
                PanelMode::Pick { .. } => {
                    result.set(None);
                    if window_mode && asked && frame.opened().is_none() {
                        link.open_window(&here);
                    } else {
                        frame.post(&origin, &EditorMessage::Pick);
                        if window_mode && asked {
                            link.show_window(&here);
                        }
                    }
                }
                PanelMode::Preview { guide, url, .. } => {
                    let elsewhere = url
                        .as_ref()
                        .filter(|u| current.as_deref() != Some(u.as_str()));
                    if window_mode {
                        match (elsewhere, frame.opened()) {
                            // The page loads, says it is ready, and then gets the guide.
                            (Some(url), _) if asked => {
                                *preview_sent.borrow_mut() = None;
                                link.open_window(url);
                            }
                            (None, None) if asked => {
                                *preview_sent.borrow_mut() = None;
                                link.open_window(&here);
                            }
                            _ => {
                                send_preview(frame, &origin, guide, &preview_sent, true);
                                if asked {
                                    link.show_window(&here);
                                }
                            }
                        }
                    } else {
                        match (elsewhere, frame.frame.cast::<HtmlIFrameElement>()) {
                            (Some(url), Some(f)) => {
                                *preview_sent.borrow_mut() = None;
                                f.set_src(url);
                            }
                            _ => send_preview(frame, &origin, guide, &preview_sent, true),
                        }
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
        let (address, src, typing, frame, link) = (
            address.clone(),
            src.clone(),
            typing.clone(),
            frame.clone(),
            link.clone(),
        );
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
            if link.window_mode() || link.peers.opened().is_some() {
                link.open_window(&url);
            }
            src.set(url);
        })
    };
    let open_window = {
        let (link, src, current) = (link.clone(), src.clone(), current.clone());
        Callback::from(move |_| {
            let here = (*current).clone().unwrap_or_else(|| (*src).clone());
            link.show_window(&here);
        })
    };
    let retry_frame = {
        let (link, frame, src) = (link.clone(), frame.clone(), src.clone());
        Callback::from(move |_| {
            browser::remember_unframeable(&link.origin(), false);
            *link.answered_once.borrow_mut() = false;
            link.set_framing(Framing::Trying);
            // A frame kept (hidden) loads again; a remembered refusal renders one now.
            if let Some(f) = frame.cast::<HtmlIFrameElement>() {
                f.set_src(&src);
            }
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
    let window_mode = matches!(*framing, Framing::Refused { .. });
    let window_open = matches!(
        window_state,
        WindowState::Waiting | WindowState::Connected { .. }
    );
    let status = match (&p.mode, window_mode, window_open) {
        (PanelMode::Pick { what }, true, true) => format!("Pick mode for {what}, in the app's window: hover to outline, click to pick (or focus an element and press Enter). Esc cancels."),
        (PanelMode::Pick { what }, true, false) => format!("Pick mode for {what}: open the app in its window to pick there."),
        (PanelMode::Pick { what }, false, _) => format!("Pick mode for {what}: hover to outline, click to pick (or focus an element and press Enter). Esc cancels."),
        (PanelMode::Preview { .. }, true, _) => "Previewing the draft in the app's window: nothing is published. Users do not see it.".to_owned(),
        (PanelMode::Preview { .. }, false, _) => "Previewing the draft: nothing is published. Users do not see it.".to_owned(),
        (PanelMode::Browse, true, _) => "The app opens in a window of its own: use it to reach the page you want, then pick an element.".to_owned(),
        (PanelMode::Browse, false, _) => "Use the app to reach the page you want, then pick an element.".to_owned(),
    };
    let candidates = (*result).clone().map(|r| view_candidates(p, &r, &result));
    let silent = (*framing == Framing::Silent).then(|| html! {
        <p class="panel-warning">{ "This page of the app has not answered: it has no Waymark tag, or the tag could not start. Picking and preview need the tag on the page." }</p>
    });
    let window_notice = window_mode.then(|| {
        let reason = match *framing {
            // Known: it answers in the window and did not in the frame.
            Framing::Refused { remembered } if remembered || matches!(window_state, WindowState::Connected { .. }) => "It refuses to be shown in this panel, as most business apps do (X-Frame-Options, or frame-ancestors in its Content-Security-Policy), and answers in a window of its own, where picking and preview work the same. If the app allows framing now, try the frame again.".to_owned(),
            _ => format!(
                "The app did not answer in this panel within {} seconds of loading. It most likely refuses to be framed, as most business apps do (X-Frame-Options: DENY, or frame-ancestors in its Content-Security-Policy); a page without the Waymark tag does not answer either. Picking and preview work the same in a separate window.",
                HELLO_DEADLINE_MS / 1000
            ),
        };
        let state = match &window_state {
            WindowState::Closed => "The app's window is not open.".to_owned(),
            WindowState::Waiting => "The app's window is open; waiting for Waymark there to answer…".to_owned(),
            WindowState::Connected { url } => format!("Connected to the app's window, at {url}."),
            WindowState::Blocked => "The browser blocked the window: allow pop-ups for the editor, then press the button again.".to_owned(),
            WindowState::CutOff => "The app's window was cut off from the editor before Waymark there could answer. The app most likely sends Cross-Origin-Opener-Policy: same-origin (or same-origin-allow-popups), which separates a window from the page that opened it; picking and preview need that header left out (or unsafe-none) on the pages being authored.".to_owned(),
        };
        let open_label = if window_open { "Bring the app's window to the front" } else { "Open the app in a window" };
        html! {
            <section class="window-mode" aria-labelledby="window-mode-heading">
                <h3 id="window-mode-heading">{ "This app cannot be shown in the panel" }</h3>
                <p>{ reason }</p>
                <div class="button-row">
                    <button type="button" class="primary" onclick={open_window.clone()}>{ open_label }</button>
                    <button type="button" class="small" onclick={retry_frame.clone()}>{ "Try the frame again" }</button>
                </div>
                <p class={classes!("window-state", matches!(window_state, WindowState::Blocked | WindowState::CutOff).then_some("error"))} role="status">{ state }</p>
            </section>
        }
    });
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
                    if !window_mode {
                        <button type="button" class="small" onclick={open_window}
                            title="For apps that cannot be shown in a frame: picking and preview work there too">
                            { "Open in a window" }
                        </button>
                    }
                    <button type="button" class="small" aria-label="Close the app panel"
                        onclick={ let c = p.on_close.clone(); Callback::from(move |_| c.emit(())) }>{ "Close" }</button>
                </div>
            </header>
            <p class={classes!("panel-status", matches!(p.mode, PanelMode::Pick { .. }).then_some("picking"))} role="status">
                { status }
                if let Some(url) = &*current { <span class="muted code">{ format!(" · {url}") }</span> }
            </p>
            { silent.unwrap_or_default() }
            { candidates.unwrap_or_default() }
            { window_notice.unwrap_or_default() }
            if frame_shown {
                <iframe ref={frame} name={FRAME_NAME} src={(*src).clone()} hidden={window_mode}
                    title="Your app, for picking and preview" />
            }
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
