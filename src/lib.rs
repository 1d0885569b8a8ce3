//! # Waymark core
//!
//! The pure-Rust heart of Waymark. It owns the guide format ([`guide`]), its
//! validation ([`validate`]) and JSON Schema ([`schema`], feature `full`), who sees
//! what ([`targeting`]), the tour state machine ([`engine`]), popover placement
//! ([`geometry`]) and the safe markdown subset ([`markup`]).
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
