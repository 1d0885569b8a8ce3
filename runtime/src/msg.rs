//! The runtime's one message queue and the messages it carries.
//!
//! Owns [`Msg`] (one nested enum per part of the state: [`TourMsg`], [`TipsMsg`],
//! [`LauncherMsg`], [`HelpMsg`], [`TicketsMsg`], [`LayoutMsg`]) and [`post`], the
//! only way anything changes state. Everything that happens (a page event, a
//! button, a timer, an answer from the server) is posted, handled in order by the
//! shell ([`crate::shell`], which registers itself with [`set_handler`]), and
//! messages posted while one is being handled (a `focus()` firing `focusin`, a
//! listener calling the API) wait in the queue, so state is never borrowed twice.
//! This module knows nothing of the parts, so every part can post to it.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;

use wasm_bindgen::JsValue;

use crate::config::{Config, User};

/// Something that happened, for the shell to handle.
pub enum Msg {
    Init(Config),
    /// The catalog of generation `.0` arrived (or failed).
    Catalog(u32, Result<JsValue, String>),
    Start(String),
    Stop,
    OpenLauncher,
    Identify(User),
    Navigated,
    /// A `WakeAt` deadline passed.
    Wake,
    /// Send the analytics batch now.
    Flush,
    /// Analytics events that did not reach the server.
    Requeue(Vec<String>),
    PageHidden,
    Page(PageEvent, web_sys::Event),
    /// "I'm stuck", from a step or the launcher.
    Stuck,
    Layout(LayoutMsg),
    Tour(TourMsg),
    Tips(TipsMsg),
    Launcher(LauncherMsg),
    Help(HelpMsg),
    Tickets(TicketsMsg),
}

/// A document-level event Waymark listens to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum PageEvent {
    Click,
    Input,
    Key,
    FocusIn,
    FocusOut,
    PointerOver,
}

/// For [`crate::layout`]: the frame loop.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LayoutMsg {
    /// An animation frame: read layout, then write.
    Frame,
    /// The DOM changed: look for awaited elements, then lay out.
    Changed,
    /// Something scrolled or resized: lay out.
    Moved,
}

/// For [`crate::tour`]: the popover's buttons and the dimmed page.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TourMsg {
    Next,
    Back,
    Close,
    ShowMe,
    /// A click landed on the dimmed page.
    Blocked,
}

/// For [`crate::tips`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TipsMsg {
    /// A tip's beacon was pressed.
    Beacon(usize),
    /// A hover tip's close delay ran out.
    Timeout,
}

/// For [`crate::launcher`]: the Help button and its panel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LauncherMsg {
    /// The Help button.
    Toggle,
    Close,
    /// "All guides", from a checklist.
    Back,
    Search,
    Row(usize),
}

/// For [`crate::help`]: the help panel's buttons.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum HelpMsg {
    Close,
    Contact,
    Again,
    Related,
    Send,
    SolvedYes,
    SolvedNo,
}

/// For [`crate::tickets`]: the trips of tickets to the server.
pub enum TicketsMsg {
    /// The server answered a posted ticket (by key).
    Answer(String, Answer),
    /// Time to ask for a ticket's status: key, id, checks so far.
    Check(String, String, u32),
    /// A status answer: key, the state, checks so far.
    Status(String, TicketState, u32),
    /// Post the tickets waiting on this device.
    Resend,
}

/// The server's answer to a posted ticket or a status request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TicketState {
    pub id: String,
    /// `queued`, `delivered` or `failed`.
    pub status: String,
    pub reference: Option<String>,
}

/// What became of a posted ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    Accepted(TicketState),
    /// A 4xx other than 429: the reason the server gave.
    Refused(String),
    /// Offline, a 5xx or a 429: try again later.
    Unreachable,
}

thread_local! {
    static HANDLER: Cell<Option<fn(Msg)>> = const { Cell::new(None) };
    static QUEUE: RefCell<VecDeque<Msg>> = const { RefCell::new(VecDeque::new()) };
    static BUSY: Cell<bool> = const { Cell::new(false) };
}

/// Sets who handles the messages (the shell, once).
pub fn set_handler(handler: fn(Msg)) {
    HANDLER.set(Some(handler));
}

/// Hands `msg` to the shell: now, or after the message being handled.
pub fn post(msg: Msg) {
    let Some(handle) = HANDLER.get() else {
        return;
    };
    QUEUE.with(|q| q.borrow_mut().push_back(msg));
    if BUSY.get() {
        return;
    }
    BUSY.set(true);
    while let Some(msg) = QUEUE.with(|q| q.borrow_mut().pop_front()) {
        handle(msg);
    }
    BUSY.set(false);
}
