//! How shown steps behave (`waymark::presentation`), on views the engine makes.

use waymark::engine::{Context, Effect, Engine, Input, StepView};
use waymark::presentation::{is_modal, offer_place, offers_show_me, ErrorWatch, OfferPlace};
use waymark::stuck::StuckSignal;

/// The view of the only step of a tour that starts on the page.
fn view_of(step: serde_json::Value) -> StepView {
    let json = serde_json::json!({
        "schema": 1, "id": "g", "kind": "tour", "title": "G", "version": 1,
        "match": {"urls": ["/app/**"]}, "start": "auto",
        "steps": [step]
    });
    let guide = waymark::validate::parse_guide(&json.to_string()).unwrap();
    let mut engine = Engine::new(vec![guide], Context::default());
    let mut effects = engine.handle(
        0,
        Input::PageChanged {
            url: "https://x.test/app/home".into(),
        },
    );
    effects.extend(engine.handle(10, Input::TargetFound { step: 0 }));
    effects
        .into_iter()
        .find_map(|e| match e {
            Effect::ShowStep(v) => Some(v),
            _ => None,
        })
        .expect("the step is shown")
}

#[test]
fn a_next_step_that_keeps_the_page_out_is_modal_and_has_no_show_me() {
    let v = view_of(serde_json::json!({"id": "a", "title": "A", "target": {"css": ["#a"]}}));
    assert!(is_modal(&v));
    assert!(
        !offers_show_me(&v),
        "Next moves on; there is nothing to show"
    );
}

#[test]
fn a_step_without_a_target_waits_for_next_and_is_modal() {
    let v = view_of(serde_json::json!({"id": "a", "title": "Welcome"}));
    assert!(is_modal(&v));
    assert!(!offers_show_me(&v));
}

#[test]
fn a_step_done_in_the_page_is_not_modal_and_offers_show_me() {
    for advance in [
        serde_json::json!({"kind": "click"}),
        serde_json::json!({"kind": "input", "pattern": ".+"}),
    ] {
        let v = view_of(serde_json::json!({
            "id": "a", "title": "A", "target": {"css": ["#a"]}, "advance": advance
        }));
        assert!(!is_modal(&v), "{:?}", v.advance);
        assert!(offers_show_me(&v), "{:?}", v.advance);
    }
}

#[test]
fn a_next_step_that_allows_interaction_is_not_modal() {
    let v = view_of(serde_json::json!({
        "id": "a", "title": "A", "target": {"css": ["#a"]}, "allow_interaction": true
    }));
    assert!(!is_modal(&v));
}

#[test]
fn a_target_lost_on_a_shown_step_is_a_note_in_the_popover_and_every_other_offer_the_panel() {
    assert_eq!(
        offer_place(StuckSignal::TargetMissing, true),
        OfferPlace::PopoverNote
    );
    assert_eq!(
        offer_place(StuckSignal::TargetMissing, false),
        OfferPlace::Panel,
        "a target that never appeared has no popover to explain it in"
    );
    for reason in [
        StuckSignal::Dwell,
        StuckSignal::RageClicks,
        StuckSignal::ErrorShown,
        StuckSignal::BackAndForth,
        StuckSignal::UserAsked,
    ] {
        assert_eq!(offer_place(reason, true), OfferPlace::Panel, "{reason:?}");
    }
}

#[test]
fn errors_already_on_the_page_when_the_step_arrives_are_not_news() {
    let mut w = ErrorWatch::new();
    w.reset(Some(2));
    assert!(!w.observe(Some(2)));
    assert!(!w.observe(Some(1)), "one went away");
    assert!(w.observe(Some(2)), "and came back: news");
    assert!(!w.observe(Some(2)), "told once");
    assert!(w.observe(Some(3)));
}

#[test]
fn a_step_without_an_error_selector_sees_no_errors_and_forgets_the_count() {
    let mut w = ErrorWatch::new();
    w.reset(Some(4));
    assert!(!w.observe(None));
    assert_eq!(w.seen(), 0);
    assert!(
        w.observe(Some(1)),
        "counted from zero when a selector is back"
    );
    w.reset(None);
    assert_eq!(w.seen(), 0);
}
