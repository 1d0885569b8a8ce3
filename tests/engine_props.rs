//! Properties of the engine under arbitrary input sequences: it never panics, never
//! leaves the step range, and every run ends at most once (exactly once unless it is
//! still the current run). Time passes on the simulated host (tests/common/sim.rs),
//! which ticks the engine at every wake-up it asks for.

use std::collections::BTreeMap;

mod common;

use common::sim::Sim;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use waymark::engine::{Context, Effect, Input};
use waymark::events::{EventKind, Trigger};
use waymark::guide::Guide;

fn guides() -> Vec<Guide> {
    let tour = serde_json::json!({
        "schema": 1, "id": "t", "kind": "tour", "title": "T", "version": 1,
        "match": {"urls": ["/app/**"]}, "start": "auto", "frequency": "always", "stuck_after_s": 10,
        "steps": [
            {"id": "a", "page": "/app/a", "title": "A", "target": {"css": ["#a"], "wait_ms": 500}, "advance": {"kind": "click"}},
            {"id": "b", "page": "/app/b", "title": "B", "target": {"css": ["#b"]}, "on_missing": "skip"},
            {"id": "c", "page": "/app/b", "title": "C", "target": {"css": ["#c"]}, "advance": {"kind": "input", "pattern": "^x+$"}},
            {"id": "d", "title": "D", "advance": {"kind": "url", "pattern": "/app/done"}},
            {"id": "e", "title": "E", "advance": {"kind": "visible", "selector": ".ok"}}
        ]
    });
    let other = serde_json::json!({
        "schema": 1, "id": "o", "kind": "tour", "title": "O", "version": 1,
        "match": {"urls": ["/**"]}, "steps": [{"id": "x", "title": "X"}, {"id": "y", "title": "Y", "target": {"css": ["#y"]}}]
    });
    let list = serde_json::json!({
        "schema": 1, "id": "l", "kind": "checklist", "title": "L", "version": 1,
        "match": {"urls": ["/**"]}, "items": [{"id": "i", "label": "I", "guide": "t"}, {"id": "j", "label": "J", "guide": "o"}]
    });
    [tour, other, list]
        .into_iter()
        .map(|v| serde_json::from_value(v).unwrap())
        .collect()
}

fn input() -> impl Strategy<Value = Input> {
    let url = prop_oneof![
        Just("/app/a"),
        Just("/app/b"),
        Just("/app/done"),
        Just("/elsewhere"),
        Just("https://h.test/app/b?q=1")
    ];
    let guide = prop_oneof![Just("t"), Just("o"), Just("l"), Just("missing")];
    prop_oneof![
        url.prop_map(|u| Input::PageChanged { url: u.to_string() }),
        guide.prop_map(|g| Input::Start {
            guide: g.to_string(),
            trigger: Trigger::Launcher
        }),
        (0usize..7).prop_map(|step| Input::TargetFound { step }),
        (0usize..7).prop_map(|step| Input::TargetMissing { step }),
        any::<bool>().prop_map(|on_target| Input::Clicked { on_target }),
        prop_oneof![Just("x"), Just("xx"), Just("y"), Just("")].prop_map(|v| Input::InputChanged {
            value: v.to_string()
        }),
        (0usize..7).prop_map(|step| Input::ElementVisible { step }),
        Just(Input::Next),
        Just(Input::Back),
        Just(Input::Dismiss),
        Just(Input::Tick),
        Just(Input::StuckPressed),
        Just(Input::OpenLauncher),
    ]
}

/// What the properties track across one sequence.
#[derive(Default)]
struct Runs {
    started: Vec<String>,
    ends: BTreeMap<String, usize>,
}

/// Checks one batch of effects against the engine's state right after it.
fn check(
    sim: &Sim,
    steps: &BTreeMap<String, usize>,
    runs: &mut Runs,
    effects: Vec<Effect>,
) -> Result<(), TestCaseError> {
    for effect in effects {
        match effect {
            Effect::ShowStep(v) => prop_assert!(v.step < v.total),
            Effect::WaitFor { step, .. } | Effect::WatchVisible { step, .. } => {
                let (g, _) = sim.engine.current().expect("a wait belongs to a run");
                prop_assert!(step < steps[g]);
            }
            Effect::Persist(p) => prop_assert!(p.step <= steps[&p.guide].max(1)),
            Effect::Emit(ev) => {
                if let Some(run) = ev.run.clone() {
                    match ev.kind {
                        EventKind::RunStarted => runs.started.push(run),
                        EventKind::RunCompleted | EventKind::RunDismissed => {
                            *runs.ends.entry(run).or_default() += 1
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    if let Some((g, s)) = sim.engine.current() {
        prop_assert!(s < steps[g], "step {s} of {g}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Time passes on the simulator's clock, which ticks at every requested wake-up;
    /// a `Tick` in the sequence is one the engine did not ask for.
    #[test]
    fn no_input_sequence_panics_leaves_the_step_range_or_ends_a_run_twice(
        seq in prop::collection::vec((0u64..20_000, input()), 1..80)
    ) {
        let guides = guides();
        let steps: BTreeMap<String, usize> = guides.iter().map(|g| (g.id.clone(), g.steps.len())).collect();
        let mut sim = Sim::with_context(guides, Context { session: "p".into(), ..Context::default() });
        let mut runs = Runs::default();
        for (dt, input) in seq {
            let woken = sim.advance(dt);
            check(&sim, &steps, &mut runs, woken)?;
            let out = if input == Input::Tick { sim.stray_tick(0) } else { sim.send(input) };
            check(&sim, &steps, &mut runs, out)?;
        }
        let engine = &sim.engine;
        let current_run = engine.current().and_then(|(g, _)| engine.progress(g)).map(|p| p.run.clone());
        for run in &runs.started {
            let n = runs.ends.get(run).copied().unwrap_or(0);
            prop_assert!(n <= 1, "run {run} ended {n} times");
            if Some(run) != current_run.as_ref() {
                prop_assert_eq!(n, 1, "run {} is over but never ended", run);
            }
        }
    }
}
