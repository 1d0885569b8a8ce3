//! Properties of the engine under arbitrary input sequences: it never panics, never
//! leaves the step range, and every run ends at most once (exactly once unless it is
//! still the current run).

use std::collections::BTreeMap;

use proptest::prelude::*;
use waymark::engine::{Context, Effect, Engine, Input};
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn no_input_sequence_panics_leaves_the_step_range_or_ends_a_run_twice(
        seq in prop::collection::vec((0u64..20_000, input()), 1..80)
    ) {
        let guides = guides();
        let steps: BTreeMap<String, usize> = guides.iter().map(|g| (g.id.clone(), g.steps.len())).collect();
        let mut engine = Engine::new(guides, Context { session: "p".into(), ..Context::default() });
        let mut now = 0;
        let mut ends: BTreeMap<String, usize> = BTreeMap::new();
        let mut started: Vec<String> = Vec::new();
        for (dt, input) in seq {
            now += dt;
            for effect in engine.handle(now, input) {
                match effect {
                    Effect::ShowStep(v) => prop_assert!(v.step < v.total),
                    Effect::WaitFor { step, .. } | Effect::WatchVisible { step, .. } => {
                        let (g, _) = engine.current().expect("a wait belongs to a run");
                        prop_assert!(step < steps[g]);
                    }
                    Effect::Persist(p) => prop_assert!(p.step <= steps[&p.guide].max(1)),
                    Effect::Emit(ev) => {
                        if let Some(run) = ev.run.clone() {
                            match ev.kind {
                                EventKind::RunStarted => started.push(run),
                                EventKind::RunCompleted | EventKind::RunDismissed => *ends.entry(run).or_default() += 1,
                                _ => {}
                            }
                        }
                    }
                    _ => {}
                }
            }
            if let Some((g, s)) = engine.current() {
                prop_assert!(s < steps[g], "step {s} of {g}");
            }
        }
        let current_run = engine.current().and_then(|(g, _)| engine.progress(g)).map(|p| p.run.clone());
        for run in &started {
            let n = ends.get(run).copied().unwrap_or(0);
            prop_assert!(n <= 1, "run {run} ended {n} times");
            if Some(run) != current_run.as_ref() {
                prop_assert_eq!(n, 1, "run {} is over but never ended", run);
            }
        }
    }
}
