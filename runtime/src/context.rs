//! What every part of the state may use: the engine, the options and words, and
//! the page-wide DOM handles.
//!
//! Owns [`Ctx`], which the shell lends to a part's `update`. Parts never hold one
//! another; they reach the engine by queueing inputs here ([`Ctx::later`], fed by
//! the shell once the part is done) and ask for a frame with [`Ctx::request_frame`].

use std::collections::VecDeque;

use waymark::engine::{Engine, Input};

use crate::a11y::A11y;
use crate::config::Config;
use crate::dom;
use crate::i18n::Words;
use crate::layer::Layer;
use crate::watch::Watch;

/// The state the parts share.
pub struct Ctx {
    pub cfg: Config,
    pub words: &'static Words,
    pub engine: Option<Engine>,
    /// Inputs waiting to be fed to the engine (while the guides load, or until the
    /// part that queued them is done).
    pub pending: VecDeque<Input>,
    /// Waymark's own element in the page, and its shadow root.
    pub layer: Layer,
    /// Focus, the page's inertness and the live region.
    pub a11y: A11y,
    /// Observers of the DOM, sizes and scrolling.
    pub watch: Watch,
    /// Whether the page reads right to left (read when a step is shown).
    pub rtl: bool,
    /// The DOM changed since the last frame.
    pub changed: bool,
    /// A part asked for a frame (the shell asks [`crate::layout`] for one).
    pub redraw: bool,
}

impl Ctx {
    pub fn new(cfg: Config, words: &'static Words, layer: Layer, a11y: A11y, rtl: bool) -> Ctx {
        Ctx {
            cfg,
            words,
            engine: None,
            pending: VecDeque::new(),
            layer,
            a11y,
            watch: Watch::new(),
            rtl,
            changed: true,
            redraw: false,
        }
    }

    /// Queues an input to feed after the current effects.
    pub fn later(&mut self, input: Input) {
        self.pending.push_back(input);
    }

    /// Asks for an animation frame (see [`crate::layout`]).
    pub fn request_frame(&mut self) {
        self.redraw = true;
    }

    /// Whether a tour is running (a step shown or awaited).
    pub fn running(&self) -> bool {
        self.engine.as_ref().is_some_and(|e| e.current().is_some())
    }

    /// Whether Waymark's own UI has focus.
    pub fn focus_in_waymark(&self) -> bool {
        crate::a11y::deep_active_element().is_some_and(|a| {
            let host: &web_sys::Element = &self.layer.host;
            a == *host || dom::contains_composed(host, &a)
        })
    }
}
