//! What the engine's tests share: the simulated host ([`sim`]) and readers of its
//! effects. Each test crate uses a part of it.
#![allow(dead_code)]

pub mod sim;

use waymark::engine::{Effect, StuckSignal};
use waymark::guide::Guide;
use waymark::ticket::TicketFacts;

/// A guide from JSON, validated as the server and the runtime validate guides.
pub fn guide(json: serde_json::Value) -> Guide {
    let text = json.to_string();
    waymark::validate::parse_guide(&text).unwrap_or_else(|p| panic!("fixture guide invalid: {p:?}"))
}

/// The step the effects show, if any.
pub fn shown_step(effects: &[Effect]) -> Option<usize> {
    effects.iter().find_map(|e| match e {
        Effect::ShowStep(v) => Some(v.step),
        _ => None,
    })
}

/// The step whose target the effects ask the host to look for, if any.
pub fn waits_for(effects: &[Effect]) -> Option<usize> {
    effects.iter().find_map(|e| match e {
        Effect::WaitFor { step, .. } => Some(*step),
        _ => None,
    })
}

/// Why the effects offer help, if they do.
pub fn offer(effects: &[Effect]) -> Option<StuckSignal> {
    effects.iter().find_map(|e| match e {
        Effect::OfferHelp { reason, .. } => Some(*reason),
        _ => None,
    })
}

/// The facts of the ticket form the effects open, if they do.
pub fn facts(effects: &[Effect]) -> Option<TicketFacts> {
    effects.iter().find_map(|e| match e {
        Effect::ComposeTicket(f) => Some(f.clone()),
        _ => None,
    })
}
