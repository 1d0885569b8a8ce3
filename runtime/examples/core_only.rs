//! The core's share of the page's download, measured on its own by `./build.sh bench`:
//! the same guide reader (`src/wire.rs`, compiled in), page-side validation, engine,
//! ticket drafting with redaction, markup, geometry and selector splitting that the
//! runtime runs, with the runtime's allocator and build, but none of its DOM code.
//! Everything the core computes is handed to `black_box`, so nothing is optimised
//! away that the runtime would keep. Not shipped: it only answers "how much of the
//! runtime's bytes are the core's?".

#[path = "../src/wire.rs"]
mod wire;

use std::hint::black_box;
use wasm_bindgen::prelude::*;
use waymark::engine::{Context, Effect, Engine, Input};
use waymark::geometry::{self, Placement, Rect, Size};
use waymark::redact::Redactor;
use waymark::ticket::compose;
use waymark::validate::validate_guide;

// The runtime's allocator (see its lib.rs), so the figure compares like with like.
// SAFETY: single-threaded wasm.
#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

/// Reads and checks `list`, then feeds the engine the inputs `script` names and
/// carries out, in the core, what its effects ask for.
#[wasm_bindgen]
pub fn run(list: js_sys::Array, url: String, script: Vec<u32>, text: String) -> u32 {
    let guides: Vec<_> = list
        .iter()
        .filter_map(|v| wire::guide(v).ok())
        .filter(|g| validate_guide(g).is_empty())
        .collect();
    let mut engine = Engine::new(guides, Context::default());
    let mut effects = engine.handle(1, Input::PageChanged { url });
    for (i, s) in script.iter().enumerate() {
        let input = match s {
            0 => Input::TargetFound { step: i },
            1 => Input::Next,
            2 => Input::Back,
            3 => Input::StuckPressed,
            4 => Input::Tick,
            5 => Input::Clicked { on_target: true },
            6 => Input::InputChanged {
                value: text.clone(),
            },
            7 => Input::Dismiss,
            8 => Input::OpenLauncher,
            9 => Input::TargetMissing { step: i },
            10 => Input::ErrorShown,
            _ => Input::PageChanged { url: text.clone() },
        };
        effects.extend(engine.handle(u64::from(*s) * 1000, input));
    }
    let mut n = 0;
    for e in &effects {
        match e {
            Effect::ComposeTicket(facts) => {
                n += compose(facts, &Redactor::default()).body().len();
            }
            Effect::ShowStep(view) => {
                n += waymark::markup::parse(&view.body).len();
                black_box(geometry::place(
                    rect(1.0, 2.0, 3.0, 4.0),
                    Size {
                        width: 10.0,
                        height: 20.0,
                    },
                    rect(0.0, 0.0, 800.0, 600.0),
                    Placement::Bottom,
                    &Default::default(),
                ));
            }
            Effect::Persist(p) => n += wire::progress_json(p).map_or(0, |s| s.len()),
            Effect::Emit(event) => {
                black_box(wire::event(event));
            }
            _ => {}
        }
        n += waymark::selector::split_chain(&text).len();
    }
    black_box(&effects);
    n as u32
}

fn rect(x: f64, y: f64, width: f64, height: f64) -> Rect {
    Rect {
        x,
        y,
        width,
        height,
    }
}

/// Reads a saved progress record, as the runtime does at start.
#[wasm_bindgen]
pub fn progress(text: String) -> bool {
    black_box(wire::progress(&text)).is_some()
}
