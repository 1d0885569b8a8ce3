#![deny(missing_docs)]
//! # Waymark core
//!
//! The pure-Rust heart of Waymark: every rule of guides, tours, tickets and insights,
//! with no I/O. The modules, by what each owns:
//!
//! | module | owns |
//! |---|---|
//! | [`guide`] | the guide format: tours, tips, checklists, launchers, steps, `match` |
//! | [`read`] | reading a guide from parsed JSON without serde (the page's reader) |
//! | [`validate`] | every problem of a guide at once, each at its JSON path |
//! | `schema` | the guide format's JSON Schema (feature `full`) |
//! | [`map`] | the sorted string-keyed map the format and the engine use |
//! | [`selector`] | CSS selectors as guides write them, and the `>>>` crossing form |
//! | [`targeting`] | who is offered a guide and where: URL patterns, audience, frequency |
//! | [`engine`] | the guide player: inputs in, effects and wake-ups out |
//! | [`presentation`] | how a shown step behaves: modal, "Show me", notes, error watch |
//! | [`geometry`] | popover placement, flips, arrows, right-to-left, scrolling |
//! | [`markup`] | the safe markdown subset guides are written in |
//! | [`progress`] | a user's progress through one guide version, kept between pages |
//! | [`stuck`] | the signals that a user needs help, and when to say so |
//! | [`events`] | the analytics events the engine reports |
//! | [`metrics`] | insights from events: help sessions, deflection, funnels, hot spots |
//! | [`ticket`] | the level-1 ticket: its text from facts, its status, the device's filing machine |
//! | [`redact`] | personal data and secrets taken out of text before it leaves the page |
//! | [`picker`] | which selectors the editor's picker offers for an element, best first |
//! | [`text`] | building text without `core::fmt` (bytes in the page) |
//! | `wire` | the API's JSON bodies, shared by server, editor and page (feature `wire`) |
//!
//! It must not do I/O: no DOM, no clock, no storage, no network, no threads. The
//! engine is fed facts and the current time and answers with effects, in the manner of
//! quinn-proto, so every rule is tested natively on a fake clock. It compiles for
//! wasm32 and for the host; features only the editor and server need sit behind the
//! `full` feature so the in-page runtime stays small.
//!
//! ```
//! use waymark::engine::{Engine, Input, Effect};
//! use waymark::guide::Guide;
//!
//! let guide: Guide = serde_json::from_str(r#"{
//!   "schema": 1, "id": "hello", "kind": "tour", "title": "Hello", "version": 1,
//!   "match": {"urls": ["/app/**"]}, "start": "auto",
//!   "steps": [{"id": "one", "title": "Welcome", "body": "This is **Waymark**."}]
//! }"#).unwrap();
//! let mut engine = Engine::new(vec![guide], Default::default());
//! let effects = engine.handle(0, Input::PageChanged { url: "https://x.test/app/home".into() });
//! assert!(effects.iter().any(|e| matches!(e, Effect::ShowStep(_))));
//! ```

pub mod engine;
pub mod events;
pub mod geometry;
pub mod guide;
pub mod map;
pub mod markup;
pub mod metrics;
pub mod picker;
pub mod presentation;
pub mod progress;
pub mod read;
pub mod redact;
#[cfg(feature = "full")]
pub mod schema;
pub mod selector;
pub mod stuck;
pub mod targeting;
pub mod text;
pub mod ticket;
pub mod validate;
/// The API's JSON bodies, one declaration for the server, the editor and the page.
#[cfg(feature = "wire")]
pub mod wire;

/// Milliseconds since the Unix epoch, as given by the host. The core never reads a clock.
pub type Millis = u64;
