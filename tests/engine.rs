//! The engine on a fake clock: every rule of playing guides, without a browser.

mod common;

use common::sim::{Sim, START};
use common::{guide, shown_step, waits_for};
use waymark::engine::{Context, Effect, Input, LauncherStatus, StuckSignal};
use waymark::events::{EventKind, Trigger};
use waymark::guide::Guide;
use waymark::progress::{Progress, RunStatus};

const HOME: &str = "https://buy.test/app/home";
const FORM: &str = "https://buy.test/app/requisitions/new";
const DONE: &str = "https://buy.test/app/requisitions/17";

/// A four-step tour over two pages using every advance kind but `visible`.
fn tour() -> Guide {
    guide(serde_json::json!({
        "schema": 1, "id": "req", "kind": "tour", "title": "Raise a requisition", "version": 3,
        "match": {"urls": ["/app/**"]}, "start": "auto", "frequency": "until_completed",
        "stuck_after_s": 60,
        "locales": {"fr": {"title": "Demande d'achat", "steps": {
            "open": {"title": "Ouvrir"}, "supplier": {"title": "Fournisseur"},
            "amount": {"title": "Montant"}, "sent": {"title": "Envoyé"}}}},
        "steps": [
            {"id": "open", "page": "/app/home", "title": "Open the form", "target": {"css": ["#new-req"]}, "advance": {"kind": "click"}},
            {"id": "supplier", "page": "/app/requisitions/new", "title": "Pick a supplier", "target": {"css": ["#supplier"], "wait_ms": 2000}, "on_missing": "skip"},
            {"id": "amount", "page": "/app/requisitions/new", "title": "Amount", "target": {"css": ["#amount"]},
             "advance": {"kind": "input", "pattern": "^[0-9]+$"}},
            {"id": "sent", "page": "/app/requisitions/new", "title": "Submit", "target": {"css": ["#submit"]},
             "advance": {"kind": "url", "pattern": "/app/requisitions/:id"}, "stuck_after_s": 30}
        ]
    }))
}

/// Drives the tour to its third step ("amount") on the form page.
fn to_amount(sim: &mut Sim) {
    sim.goto(HOME);
    sim.send(Input::TargetFound { step: 0 });
    sim.send(Input::Clicked { on_target: true });
    sim.goto(FORM);
    sim.send(Input::TargetFound { step: 1 });
    sim.send(Input::Next);
    sim.send(Input::TargetFound { step: 2 });
    assert_eq!(sim.step(), Some(2));
}

#[test]
fn an_auto_tour_waits_for_its_target_then_shows_the_first_step() {
    let mut sim = Sim::new(vec![tour()], vec![]);
    let out = sim.goto(HOME);
    assert_eq!(waits_for(&out), Some(0), "{out:?}");
    assert!(out
        .iter()
        .any(|e| matches!(e, Effect::WakeAt { at } if *at == START + 3_000)));
    assert_eq!(
        shown_step(&out),
        None,
        "nothing is shown before the target is found"
    );
    let out = sim.send(Input::TargetFound { step: 0 });
    let Some(Effect::ShowStep(view)) = out.first() else {
        panic!("{out:?}")
    };
    assert_eq!((view.step, view.total, view.is_last), (0, 4, false));
    assert_eq!(view.title, "Open the form");
    assert!(!view.can_next, "a click step has no Next button");
    assert!(!view.can_back);
    assert_eq!(
        sim.events(),
        vec![EventKind::RunStarted, EventKind::StepShown]
    );
}

#[test]
fn a_click_step_advances_only_on_a_click_on_its_target() {
    let mut sim = Sim::new(vec![tour()], vec![]);
    sim.goto(HOME);
    sim.send(Input::TargetFound { step: 0 });
    sim.send(Input::Clicked { on_target: false });
    sim.send(Input::Next);
    assert_eq!(sim.step(), Some(0));
    let out = sim.send(Input::Clicked { on_target: true });
    assert_eq!(sim.step(), Some(1));
    assert!(
        out.contains(&Effect::Hide),
        "step 1 lives on another page: {out:?}"
    );
}

#[test]
fn a_step_on_another_page_is_shown_when_that_page_loads() {
    let mut sim = Sim::new(vec![tour()], vec![]);
    sim.goto(HOME);
    sim.send(Input::TargetFound { step: 0 });
    sim.send(Input::Clicked { on_target: true });
    let out = sim.goto(FORM);
    assert_eq!(waits_for(&out), Some(1));
}

#[test]
fn a_tour_started_by_the_user_on_another_page_goes_to_its_first_page() {
    let mut sim = Sim::new(vec![tour()], vec![]);
    sim.goto("https://buy.test/app/suppliers");
    let out = sim.send(Input::Start {
        guide: "req".into(),
        trigger: Trigger::Launcher,
    });
    assert!(out.contains(&Effect::GoTo {
        url: "/app/home".into()
    }));
    assert_eq!(
        sim.last_progress().status,
        RunStatus::Active,
        "the run waits there"
    );
    // On that page it resumes at its first step.
    let mut next = Sim::new(vec![tour()], vec![sim.last_progress()]);
    assert_eq!(waits_for(&next.goto(HOME)), Some(0));
}

#[test]
fn a_tour_started_where_it_begins_or_on_a_pattern_page_does_not_navigate() {
    let mut sim = Sim::new(vec![tour()], vec![]);
    sim.goto(HOME);
    let out = sim.send(Input::Start {
        guide: "req".into(),
        trigger: Trigger::Api,
    });
    assert!(!out.iter().any(|e| matches!(e, Effect::GoTo { .. })));
    let mut pattern = tour();
    pattern.steps[0].page = Some("/app/orders/:id".into());
    let mut sim = Sim::new(vec![pattern], vec![]);
    sim.goto("https://buy.test/app/suppliers");
    let out = sim.send(Input::Start {
        guide: "req".into(),
        trigger: Trigger::Launcher,
    });
    assert!(!out.iter().any(|e| matches!(e, Effect::GoTo { .. })));
}

#[test]
fn an_input_step_advances_when_the_value_matches_its_pattern() {
    let mut sim = Sim::new(vec![tour()], vec![]);
    to_amount(&mut sim);
    sim.send(Input::InputChanged {
        value: "12a".into(),
    });
    assert_eq!(sim.step(), Some(2));
    sim.send(Input::InputChanged {
        value: "120".into(),
    });
    assert_eq!(sim.step(), Some(3));
}

#[test]
fn a_url_step_advances_when_the_page_url_matches() {
    let mut sim = Sim::new(vec![tour()], vec![]);
    to_amount(&mut sim);
    sim.send(Input::InputChanged { value: "5".into() });
    sim.send(Input::TargetFound { step: 3 });
    let out = sim.goto(DONE);
    assert_eq!(sim.step(), None, "the last step completed the run");
    assert!(out.contains(&Effect::Hide));
    let ends = sim
        .events()
        .iter()
        .filter(|k| **k == EventKind::RunCompleted)
        .count();
    assert_eq!(ends, 1);
    let p = sim.last_progress();
    assert_eq!(
        (p.status, p.completions, p.version),
        (RunStatus::Completed, 1, 3)
    );
}

#[test]
fn a_visible_step_watches_its_selector_and_advances_when_it_appears() {
    let g = guide(serde_json::json!({
        "schema": 1, "id": "v", "kind": "tour", "title": "V", "version": 1,
        "match": {"urls": ["/**"]}, "start": "auto",
        "steps": [{"id": "a", "title": "Wait", "advance": {"kind": "visible", "selector": ".toast"}},
                  {"id": "b", "title": "Done"}]
    }));
    let mut sim = Sim::new(vec![g], vec![]);
    let out = sim.goto(HOME);
    assert!(
        out.contains(&Effect::WatchVisible {
            step: 0,
            selector: ".toast".into()
        }),
        "{out:?}"
    );
    sim.send(Input::ElementVisible { step: 1 });
    assert_eq!(
        sim.step(),
        Some(0),
        "a report about another step is ignored"
    );
    let out = sim.send(Input::ElementVisible { step: 0 });
    assert_eq!(
        shown_step(&out),
        Some(1),
        "a step without target shows at once"
    );
}

#[test]
fn back_returns_to_the_previous_step_on_the_same_page_only() {
    let mut sim = Sim::new(vec![tour()], vec![]);
    to_amount(&mut sim);
    let out = sim.send(Input::Back);
    assert_eq!(waits_for(&out), Some(1));
    sim.send(Input::TargetFound { step: 1 });
    let out = sim.send(Input::Back);
    assert!(out.is_empty(), "step 0 is on another page: {out:?}");
    assert_eq!(sim.step(), Some(1));
    assert!(sim.events().contains(&EventKind::StepBack));
}

#[test]
fn dismiss_ends_the_run_once_and_saves_it() {
    let mut sim = Sim::new(vec![tour()], vec![]);
    sim.goto(HOME);
    sim.send(Input::TargetFound { step: 0 });
    sim.send(Input::Dismiss);
    assert!(sim.send(Input::Dismiss).is_empty());
    assert!(sim.send(Input::Next).is_empty());
    assert_eq!(sim.last_progress().status, RunStatus::Dismissed);
    let ends = sim
        .events()
        .iter()
        .filter(|k| **k == EventKind::RunDismissed)
        .count();
    assert_eq!(ends, 1);
}

#[test]
fn a_missing_target_is_skipped_after_wait_ms_when_the_step_says_skip() {
    let mut sim = Sim::new(vec![tour()], vec![]);
    sim.goto(HOME);
    sim.send(Input::TargetFound { step: 0 });
    sim.send(Input::Clicked { on_target: true });
    sim.goto(FORM);
    assert!(sim.advance(1_999).is_empty(), "not yet: wait_ms is 2000");
    let out = sim.advance(1);
    assert_eq!(
        waits_for(&out),
        Some(2),
        "skipped to the next step: {out:?}"
    );
    assert!(sim.events().contains(&EventKind::StepSkipped));
}

#[test]
fn a_missing_target_offers_help_when_the_step_says_stuck() {
    let mut sim = Sim::new(vec![tour()], vec![]);
    sim.goto(HOME);
    let out = sim.send(Input::TargetMissing { step: 0 });
    assert!(out.contains(&Effect::OfferHelp {
        guide: Some("req".into()),
        step: Some(0),
        reason: StuckSignal::TargetMissing,
        related_help: None,
    }));
    let Some(Effect::ShowStep(view)) = out.iter().find(|e| matches!(e, Effect::ShowStep(_))) else {
        panic!("{out:?}")
    };
    assert!(
        view.target.is_none(),
        "shown centred without the missing target"
    );
    assert!(view.can_next, "the user can still move on");
    sim.send(Input::Next);
    assert_eq!(sim.step(), Some(1));
}

#[test]
fn dwelling_past_the_step_limit_offers_help_once() {
    let mut sim = Sim::new(vec![tour()], vec![]);
    sim.goto(HOME);
    sim.send(Input::TargetFound { step: 0 });
    assert!(sim.advance(59_999).is_empty());
    let out = sim.advance(1);
    assert!(out.iter().any(|e| matches!(
        e,
        Effect::OfferHelp {
            reason: StuckSignal::Dwell,
            ..
        }
    )));
    assert!(sim.advance(120_000).is_empty(), "offered once per step");
    assert!(sim.pending_wakes().is_empty(), "nothing more is due");
    let kinds = sim.events();
    assert!(kinds.ends_with(&[EventKind::StuckDetected, EventKind::HelpOffered]));
}

#[test]
fn a_step_limit_overrides_the_guide_limit() {
    let mut sim = Sim::new(vec![tour()], vec![]);
    to_amount(&mut sim);
    sim.send(Input::InputChanged { value: "5".into() });
    let out = sim.send(Input::TargetFound { step: 3 });
    assert!(
        out.contains(&Effect::WakeAt {
            at: sim.now() + 30_000
        }),
        "{out:?}"
    );
}

#[test]
fn im_stuck_offers_help_with_or_without_a_run() {
    let mut sim = Sim::new(vec![tour()], vec![]);
    let out = sim.send(Input::StuckPressed);
    assert!(out.contains(&Effect::OfferHelp {
        guide: None,
        step: None,
        reason: StuckSignal::UserAsked,
        related_help: None,
    }));
}

#[test]
fn a_multi_page_tour_resumes_from_saved_progress_on_a_new_page_load() {
    let mut first = Sim::new(vec![tour()], vec![]);
    first.goto(HOME);
    first.send(Input::TargetFound { step: 0 });
    first.send(Input::Clicked { on_target: true });
    let saved = first.last_progress();
    assert_eq!((saved.step, saved.status), (1, RunStatus::Active));

    // A full page load: a new engine fed what the runtime kept in localStorage.
    let mut second = Sim::new(vec![tour()], vec![saved.clone()]);
    let out = second.goto(FORM);
    assert_eq!(waits_for(&out), Some(1));
    assert_eq!(second.events(), vec![EventKind::RunResumed]);
    second.send(Input::TargetFound { step: 1 });
    let Effect::Emit(ev) = second
        .log
        .iter()
        .rfind(|e| matches!(e, Effect::Emit(_)))
        .unwrap()
    else {
        unreachable!()
    };
    assert_eq!(
        ev.run.as_deref(),
        Some(saved.run.as_str()),
        "the resumed run keeps its id"
    );
}

#[test]
fn progress_of_another_guide_version_is_ignored() {
    let mut old = Progress::new("req", 2, 0);
    old.step = 2;
    let mut sim = Sim::new(vec![tour()], vec![old]);
    let out = sim.goto(FORM);
    assert!(
        out.iter().all(|e| !matches!(e, Effect::WaitFor { .. })),
        "no resume from version 2: {out:?}"
    );
}

#[test]
fn frequency_once_never_restarts_and_until_completed_stops_after_completion() {
    let mut once = tour();
    once.frequency = waymark::guide::Frequency::Once;
    let mut p = Progress::new("req", 3, 0);
    p.status = RunStatus::Dismissed;
    let mut sim = Sim::new(vec![once], vec![p.clone()]);
    assert!(waits_for(&sim.goto(HOME)).is_none());

    let mut sim = Sim::new(vec![tour()], vec![p.clone()]);
    assert_eq!(
        waits_for(&sim.goto(HOME)),
        Some(0),
        "dismissed is not completed"
    );

    p.status = RunStatus::Completed;
    p.completions = 1;
    let mut sim = Sim::new(vec![tour()], vec![p]);
    assert!(waits_for(&sim.goto(HOME)).is_none());
}

#[test]
fn audience_rules_keep_a_guide_from_other_users() {
    let mut g = tour();
    g.matching.audience =
        serde_json::from_str(r#"[{"op":"equals","attr":"role","value":"buyer"}]"#).unwrap();
    let mut sim = Sim::new(vec![g], vec![]);
    assert!(waits_for(&sim.goto(HOME)).is_none());
    let user = [("role".to_string(), "buyer".to_string())]
        .into_iter()
        .collect();
    sim.send(Input::Identify { user, locale: None });
    let out = sim.send(Input::OpenLauncher);
    assert!(out
        .iter()
        .any(|e| matches!(e, Effect::ShowLauncher { entries } if entries.len() == 1)));
}

#[test]
fn steps_are_shown_in_the_users_language() {
    let ctx = Context {
        locale: "fr-CA".into(),
        session: "s".into(),
        ..Context::default()
    };
    let mut sim = Sim::with_context(vec![tour()], ctx);
    sim.goto(HOME);
    let out = sim.send(Input::TargetFound { step: 0 });
    let Some(Effect::ShowStep(view)) = out.first() else {
        panic!()
    };
    assert_eq!(
        (view.title.as_str(), view.guide_title.as_str()),
        ("Ouvrir", "Demande d'achat")
    );
}

#[test]
fn a_late_target_report_for_an_old_step_is_ignored() {
    let mut sim = Sim::new(vec![tour()], vec![]);
    to_amount(&mut sim);
    assert!(sim.send(Input::TargetFound { step: 1 }).is_empty());
    assert!(sim.send(Input::TargetMissing { step: 0 }).is_empty());
}

#[test]
fn every_event_has_a_unique_id_from_the_session() {
    let mut sim = Sim::new(vec![tour()], vec![]);
    to_amount(&mut sim);
    sim.send(Input::Dismiss);
    let ids: Vec<String> = sim
        .log
        .iter()
        .filter_map(|e| match e {
            Effect::Emit(ev) => Some(ev.id.clone()),
            _ => None,
        })
        .collect();
    let unique: std::collections::BTreeSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len());
    assert!(ids.iter().all(|id| id.starts_with("s1.")));
}

fn tip() -> Guide {
    guide(serde_json::json!({
        "schema": 1, "id": "cost-centre-tip", "kind": "tip", "title": "Cost centre", "version": 1,
        "match": {"urls": ["/app/requisitions/**"]}, "frequency": "once",
        "tip": {"target": {"css": ["#cost-centre"]}, "title": "Cost centre", "body": "Four digits.", "beacon": true}
    }))
}

fn checklist() -> Guide {
    guide(serde_json::json!({
        "schema": 1, "id": "onboarding", "kind": "checklist", "title": "Get started", "version": 1,
        "match": {"urls": ["/app/**"]},
        "items": [{"id": "first-req", "label": "Raise a requisition", "guide": "req"}]
    }))
}

#[test]
fn tips_for_the_page_are_listed_and_a_once_tip_is_not_shown_again() {
    let mut sim = Sim::new(vec![tour(), tip()], vec![]);
    let out = sim.goto(HOME);
    assert!(
        out.contains(&Effect::ShowTips { tips: vec![] }),
        "no tip on the home page"
    );
    let out = sim.goto(FORM);
    let tips = out.iter().find_map(|e| match e {
        Effect::ShowTips { tips } => Some(tips.clone()),
        _ => None,
    });
    assert_eq!(tips.unwrap()[0].guide, "cost-centre-tip");
    sim.send(Input::TipShown {
        guide: "cost-centre-tip".into(),
    });
    assert!(sim.events().contains(&EventKind::TipShown));
    let saved = sim.last_progress();
    let mut next = Sim::new(vec![tour(), tip()], vec![saved]);
    assert!(next.goto(FORM).contains(&Effect::ShowTips { tips: vec![] }));
}

#[test]
fn completing_a_tour_ticks_its_checklist_item_and_completes_the_checklist() {
    let mut sim = Sim::new(vec![tour(), checklist()], vec![]);
    let out = sim.send(Input::Start {
        guide: "onboarding".into(),
        trigger: Trigger::Launcher,
    });
    let Some(Effect::ShowChecklist(view)) = out.first() else {
        panic!("{out:?}")
    };
    assert!(!view.items[0].done);
    to_amount(&mut sim);
    sim.send(Input::InputChanged { value: "5".into() });
    sim.send(Input::TargetFound { step: 3 });
    sim.goto(DONE);
    let kinds = sim.events();
    assert!(
        kinds.ends_with(&[
            EventKind::RunCompleted,
            EventKind::ChecklistItemDone,
            EventKind::RunCompleted
        ]),
        "{kinds:?}"
    );
    let out = sim.send(Input::Start {
        guide: "onboarding".into(),
        trigger: Trigger::Launcher,
    });
    let Some(Effect::ShowChecklist(view)) = out.first() else {
        panic!()
    };
    assert!(view.items[0].done);
}

#[test]
fn the_launcher_lists_tours_and_checklists_for_this_page_with_their_status() {
    let mut sim = Sim::new(vec![tour(), tip(), checklist()], vec![]);
    sim.goto(HOME);
    let out = sim.send(Input::OpenLauncher);
    let entries = out
        .iter()
        .find_map(|e| match e {
            Effect::ShowLauncher { entries } => Some(entries.clone()),
            _ => None,
        })
        .unwrap();
    let summary: Vec<_> = entries
        .iter()
        .map(|e| (e.guide.as_str(), e.status, e.done))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("req", LauncherStatus::InProgress, None),
            ("onboarding", LauncherStatus::New, Some((0, 1)))
        ]
    );
    assert!(sim.events().contains(&EventKind::LauncherOpened));
}

#[test]
fn starting_another_guide_dismisses_the_running_one() {
    let second = guide(serde_json::json!({
        "schema": 1, "id": "other", "kind": "tour", "title": "Other", "version": 1,
        "match": {"urls": ["/**"]}, "steps": [{"id": "a", "title": "A"}]
    }));
    let mut sim = Sim::new(vec![tour(), second], vec![]);
    sim.goto(HOME);
    let out = sim.send(Input::Start {
        guide: "other".into(),
        trigger: Trigger::Api,
    });
    assert_eq!(shown_step(&out), Some(0));
    assert_eq!(sim.engine.current(), Some(("other", 0)));
    let kinds = sim.events();
    assert!(kinds.contains(&EventKind::RunDismissed));
    let warn = sim.send(Input::Start {
        guide: "nope".into(),
        trigger: Trigger::Api,
    });
    assert!(matches!(&warn[..], [Effect::Warn { message }] if message.contains("`nope`")));
}

#[test]
fn on_click_starters_are_armed_for_matching_pages() {
    let mut g = tour();
    g.start = waymark::guide::Start::OnClick("#help-req".into());
    let mut sim = Sim::new(vec![g], vec![]);
    let out = sim.goto(HOME);
    assert!(out.iter().any(
        |e| matches!(e, Effect::ArmStarters { starters } if starters[0].selector == "#help-req")
    ));
    assert!(
        waits_for(&out).is_none(),
        "an on_click guide does not start by itself"
    );
}

#[test]
fn time_going_backwards_does_not_confuse_deadlines() {
    let mut sim = Sim::new(vec![tour()], vec![]);
    sim.goto(HOME);
    sim.send(Input::TargetFound { step: 0 });
    assert!(sim.advance(59_999).is_empty());
    // A Tick stamped at the page's start: the host's clock was set back.
    assert!(sim.stray_tick(59_999).is_empty());
    assert_eq!(
        common::offer(&sim.advance(1)),
        Some(StuckSignal::Dwell),
        "dwell still fires at its time, 60 s after the step was shown"
    );
}

#[test]
fn a_step_whose_form_post_loaded_the_next_page_is_done_when_the_tour_resumes_there() {
    // Saved on the form's last step ("sent", advance: url); the form was posted and
    // the browser loaded the new requisition's page: a new engine, a new page.
    let mut first = Sim::new(vec![tour()], vec![]);
    to_amount(&mut first);
    first.send(Input::InputChanged { value: "5".into() });
    let saved = first.last_progress();
    assert_eq!((saved.step, saved.status), (3, RunStatus::Active));

    let mut second = Sim::new(vec![tour()], vec![saved]);
    second.goto(DONE);
    assert_eq!(
        second.step(),
        None,
        "the url step was the last: the run is complete"
    );
    assert_eq!(
        second.events(),
        vec![
            EventKind::RunResumed,
            EventKind::StepCompleted,
            EventKind::RunCompleted
        ]
    );
    assert_eq!(second.last_progress().status, RunStatus::Completed);
}

#[test]
fn a_link_followed_on_a_step_resumes_at_the_step_of_the_page_it_led_to() {
    let extended = guide(serde_json::json!({
        "schema": 1, "id": "req", "kind": "tour", "title": "Raise a requisition", "version": 1,
        "match": {"urls": ["/app/**"]}, "start": "auto",
        "steps": [
            {"id": "open", "page": "/app/home", "title": "Open the form", "target": {"css": ["#new-req"]}},
            {"id": "supplier", "page": "/app/requisitions/new", "title": "Pick a supplier", "target": {"css": ["#supplier"]}}
        ]
    }));
    let mut first = Sim::new(vec![extended.clone()], vec![]);
    first.goto(HOME);
    first.send(Input::TargetFound { step: 0 });
    let saved = first.last_progress();
    assert_eq!(saved.step, 0);

    // The user followed the link without pressing Next: the next step's page loads.
    let mut second = Sim::new(vec![extended.clone()], vec![saved.clone()]);
    let out = second.goto(FORM);
    assert_eq!(
        waits_for(&out),
        Some(1),
        "the tour goes on at the form's step"
    );
    assert_eq!(
        second.events(),
        vec![EventKind::RunResumed, EventKind::StepCompleted]
    );

    // A page that is neither the step's, the next step's nor its advance URL: no resume.
    let mut third = Sim::new(vec![extended], vec![saved]);
    third.goto("https://buy.test/app/reports");
    assert_eq!(third.step(), None);
    assert!(!third.events().contains(&EventKind::RunResumed));
}

/// Home, the first step clicked, then the form: its supplier step awaits its target
/// for 2 s and is skipped when it never comes.
fn on_the_supplier_step(sim: &mut Sim) {
    sim.goto(HOME);
    sim.send(Input::TargetFound { step: 0 });
    sim.send(Input::Clicked { on_target: true });
    sim.goto(FORM);
    assert_eq!(sim.step(), Some(1));
}

#[test]
fn a_missing_target_is_skipped_only_because_the_engine_asked_to_be_woken() {
    let mut sim = Sim::new(vec![tour()], vec![]);
    on_the_supplier_step(&mut sim);
    assert_eq!(waits_for(&sim.advance(2_000)), Some(2), "skipped on time");

    // The same engine with its WakeAt lost: the simulator never ticks it, so the
    // step waits forever. A test of this rule fails on an engine that forgot.
    let mut forgetful = Sim::new(vec![tour()], vec![]).forgetting_wake_ups();
    on_the_supplier_step(&mut forgetful);
    assert!(forgetful.pending_wakes().is_empty());
    assert!(forgetful.advance(3_600_000).is_empty());
    assert!(forgetful.run_until_idle().is_empty());
    assert_eq!(forgetful.step(), Some(1), "never skipped");
    assert!(!forgetful.events().contains(&EventKind::StepSkipped));
}

#[test]
fn running_until_idle_delivers_each_wake_up_at_its_time() {
    let mut sim = Sim::new(vec![tour()], vec![]);
    sim.goto(HOME);
    sim.send(Input::TargetFound { step: 0 });
    assert_eq!(
        sim.pending_wakes(),
        vec![START + 3_000, START + 60_000],
        "the target's wait and the guide's 60 s dwell limit"
    );
    let out = sim.run_until_idle();
    assert_eq!(common::offer(&out), Some(StuckSignal::Dwell));
    assert_eq!(
        sim.now(),
        START + 60_000,
        "the clock stops at the last wake-up"
    );
    assert!(sim.pending_wakes().is_empty());
    assert!(sim.run_until_idle().is_empty(), "idle: nothing more is due");
}

#[test]
#[should_panic(expected = "tests do not send Tick")]
fn the_simulator_keeps_ticks_to_itself() {
    let mut sim = Sim::new(vec![tour()], vec![]);
    sim.send(Input::Tick);
}
