//! Stuck signals, help offers, tickets and "Did this solve it?", on a fake clock.

mod common;

use common::sim::Sim;
use common::{facts, offer};
use waymark::engine::{Context, Effect, HelpChoice, Input, SolvedAnswer, StuckSignal};
use waymark::events::{EventKind, Trigger};
use waymark::guide::Guide;
use waymark::stuck::Thresholds;
use waymark::ticket::compose;

const FORM: &str = "https://buy.test/app/form";

fn guide() -> Guide {
    let json = serde_json::json!({
        "schema": 1, "id": "req", "kind": "tour", "title": "Raise a requisition", "version": 2,
        "match": {"urls": ["/app/**"]}, "category": "purchasing", "priority": "high",
        "error_selector": ".alert-error", "related_help": "https://help.test/requisitions",
        "steps": [
            {"id": "intro", "title": "Welcome"},
            {"id": "supplier", "title": "Pick a supplier", "target": {"css": ["#supplier"]}, "advance": {"kind": "click"}},
            {"id": "cost", "title": "Cost centre", "target": {"css": ["#cost"]}, "stuck_after_s": 20}
        ]
    });
    waymark::validate::parse_guide(&json.to_string()).unwrap()
}

/// A session with a global dwell limit of 120 s.
fn context() -> Context {
    Context {
        session: "s".into(),
        stuck: Thresholds::default().with_dwell(Some(120)),
        ..Context::default()
    }
}

/// The tour's page loaded.
fn on_form() -> Sim {
    let mut sim = Sim::with_context(vec![guide()], context());
    sim.goto(FORM);
    sim
}

/// Starts the tour from the launcher and shows step `step`.
fn reach_step(sim: &mut Sim, step: usize) {
    sim.send(Input::Start {
        guide: "req".into(),
        trigger: Trigger::Launcher,
    });
    for i in 0..step {
        if i == 0 {
            sim.at(1000, Input::Next);
        } else {
            sim.at(1000, Input::TargetFound { step: i });
            sim.at(1000, Input::Clicked { on_target: true });
        }
    }
    if step > 0 {
        sim.at(500, Input::TargetFound { step });
    }
}

#[test]
fn dwell_uses_the_step_then_the_guide_then_the_global_limit() {
    let mut sim = on_form();
    reach_step(&mut sim, 1);
    assert_eq!(offer(&sim.advance(119_999)), None, "global limit 120 s");
    assert_eq!(offer(&sim.advance(1)), Some(StuckSignal::Dwell));
    let mut sim = on_form();
    reach_step(&mut sim, 2);
    assert_eq!(
        offer(&sim.advance(20_000)),
        Some(StuckSignal::Dwell),
        "step limit 20 s"
    );
}

#[test]
fn dwell_is_noticed_only_through_the_wake_up_the_engine_asks_for() {
    let mut sim = on_form();
    reach_step(&mut sim, 2);
    assert_eq!(offer(&sim.run_until_idle()), Some(StuckSignal::Dwell));

    let mut forgetful = Sim::with_context(vec![guide()], context()).forgetting_wake_ups();
    forgetful.goto(FORM);
    reach_step(&mut forgetful, 2);
    assert_eq!(
        offer(&forgetful.advance(24 * 3_600_000)),
        None,
        "without WakeAt no Tick comes: a day on the step goes unnoticed"
    );
}

#[test]
fn rapid_clicks_that_do_not_advance_offer_help_once() {
    let mut sim = on_form();
    reach_step(&mut sim, 1);
    let mut offers = Vec::new();
    for _ in 0..8 {
        offers.extend(offer(&sim.at(300, Input::Clicked { on_target: false })));
    }
    assert_eq!(offers, vec![StuckSignal::RageClicks]);
}

#[test]
fn going_back_and_forth_offers_help() {
    let mut sim = on_form();
    reach_step(&mut sim, 1);
    let mut offers = Vec::new();
    for _ in 0..3 {
        offers.extend(offer(&sim.at(1000, Input::Back)));
        sim.at(1000, Input::Next);
        sim.at(500, Input::TargetFound { step: 1 });
    }
    assert_eq!(offers, vec![StuckSignal::BackAndForth]);
}

#[test]
fn an_error_message_in_the_page_offers_help_and_the_step_names_the_selector() {
    let mut sim = on_form();
    sim.send(Input::Start {
        guide: "req".into(),
        trigger: Trigger::Api,
    });
    sim.at(1000, Input::Next);
    let shown = sim.at(100, Input::TargetFound { step: 1 });
    let Some(Effect::ShowStep(view)) = shown.first() else {
        panic!("{shown:?}")
    };
    assert_eq!(view.error_selector.as_deref(), Some(".alert-error"));
    let out = sim.at(1000, Input::ErrorShown);
    assert!(out.contains(&Effect::OfferHelp {
        guide: Some("req".into()),
        step: Some(1),
        reason: StuckSignal::ErrorShown,
        related_help: Some("https://help.test/requisitions".into()),
    }));
    assert_eq!(
        offer(&sim.at(1000, Input::ErrorShown)),
        None,
        "once per step"
    );
    assert_eq!(
        offer(&sim.at(1000, Input::StuckPressed)),
        Some(StuckSignal::UserAsked),
        "unless asked"
    );
}

#[test]
fn contact_it_composes_a_ticket_with_the_guide_step_and_what_was_done() {
    let mut sim = on_form();
    reach_step(&mut sim, 1);
    sim.at(5_000, Input::StuckPressed);
    let out = sim.at(
        2_000,
        Input::HelpChosen {
            choice: HelpChoice::ContactIt,
        },
    );
    let f = facts(&out).expect("a ticket form opens");
    assert_eq!(f.guide.as_ref().map(|g| g.id.as_str()), Some("req"));
    assert_eq!(
        f.step
            .as_ref()
            .map(|s| (s.index, s.total, s.title.as_str())),
        Some((1, 3, "Pick a supplier"))
    );
    assert_eq!(
        (f.category.as_deref(), f.reason.as_deref()),
        (Some("purchasing"), Some("user_asked"))
    );
    assert_eq!(f.page_url, FORM);
    let done: Vec<&str> = f.history.iter().map(|a| a.what.as_str()).collect();
    assert_eq!(
        done,
        vec![
            "started \"Raise a requisition\" (launcher)",
            "saw step 1 of 3, \"Welcome\"",
            "completed step 1 of 3, \"Welcome\"",
            "saw step 2 of 3, \"Pick a supplier\"",
            "looked stuck (user_asked) at step 2 of 3, \"Pick a supplier\"",
            "chose contact it",
        ]
    );
    let draft = compose(&f, &Default::default());
    assert!(draft.subject.contains("step 2 of 3"), "{}", draft.subject);
    let events: Vec<EventKind> = out
        .iter()
        .filter_map(|e| match e {
            Effect::Emit(ev) => Some(ev.kind),
            _ => None,
        })
        .collect();
    assert_eq!(events, vec![EventKind::HelpChoice]);
    let filed = sim.at(
        1_000,
        Input::TicketFiled {
            reference: "T-17".into(),
        },
    );
    assert!(
        matches!(&filed[..], [Effect::Emit(ev)] if ev.kind == EventKind::TicketFiled && ev.detail.as_deref() == Some("T-17"))
    );
}

#[test]
fn related_help_opens_the_guides_help_page_and_show_again_reshows_the_step() {
    let mut sim = on_form();
    reach_step(&mut sim, 1);
    sim.at(1000, Input::StuckPressed);
    let out = sim.at(
        1000,
        Input::HelpChosen {
            choice: HelpChoice::RelatedHelp,
        },
    );
    assert!(out.contains(&Effect::OpenUrl {
        url: "https://help.test/requisitions".into()
    }));
    let out = sim.at(
        1000,
        Input::HelpChosen {
            choice: HelpChoice::ShowAgain,
        },
    );
    assert!(
        out.iter()
            .any(|e| matches!(e, Effect::WaitFor { step: 1, .. })),
        "{out:?}"
    );
}

#[test]
fn a_guide_from_the_launcher_asks_whether_it_solved_the_problem() {
    let mut sim = on_form();
    reach_step(&mut sim, 2);
    let out = sim.at(1000, Input::Next);
    assert!(out.contains(&Effect::AskSolved {
        guide: "req".into()
    }));
    let out = sim.at(
        1000,
        Input::Solved {
            answer: SolvedAnswer::No,
        },
    );
    assert!(out.iter().any(|e| matches!(e, Effect::Emit(ev) if ev.kind == EventKind::SolvedAnswered && ev.detail.as_deref() == Some("no"))));
    let f = facts(&out).expect("no → contact IT");
    assert_eq!(f.reason.as_deref(), Some("not_solved"));
    assert!(
        sim.at(
            1000,
            Input::Solved {
                answer: SolvedAnswer::Yes
            }
        )
        .is_empty(),
        "answered once"
    );
}

#[test]
fn an_automatic_guide_without_help_does_not_ask() {
    let mut sim = on_form();
    sim.send(Input::Start {
        guide: "req".into(),
        trigger: Trigger::Auto,
    });
    sim.at(1000, Input::Next);
    sim.at(100, Input::TargetFound { step: 1 });
    sim.at(100, Input::Clicked { on_target: true });
    sim.at(100, Input::TargetFound { step: 2 });
    let out = sim.at(1000, Input::Next);
    assert!(!out.iter().any(|e| matches!(e, Effect::AskSolved { .. })));
}
