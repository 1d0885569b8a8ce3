use super::*;
use waymark::guide::Start;

fn tour(steps: &[&str]) -> Guide {
    let mut g = blank_guide(Kind::Tour, "t", "T");
    g.steps = steps
        .iter()
        .enumerate()
        .map(|(i, id)| blank_step(id, i + 1))
        .collect();
    g
}

fn ids(d: &Draft) -> Vec<&str> {
    d.guide.steps.iter().map(|s| s.id.as_str()).collect()
}

/// The step ids the French translation has, in order.
fn fr_step_ids(d: &Draft) -> Vec<&String> {
    d.guide
        .locales
        .get("fr")
        .map(|fr| fr.steps.keys().collect())
        .unwrap_or_default()
}

#[test]
fn a_new_guide_of_each_kind_needs_only_what_the_agent_must_say() {
    let tour = Draft::new_guide(blank_guide(Kind::Tour, "welcome-tour", "Welcome"));
    assert!(tour.problems.is_empty(), "{:?}", tour.problems);
    assert!(tour.is_new() && tour.is_dirty() && tour.can_save());

    // A tip must point somewhere; a checklist must name its tours.
    let tip = Draft::new_guide(blank_guide(Kind::Tip, "a-tip", "A tip"));
    let paths: Vec<&str> = tip.problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["tip.target.css[0]"]);
    let list = Draft::new_guide(blank_guide(Kind::Checklist, "list", "List"));
    let paths: Vec<&str> = list.problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["items[0].label", "items[0].guide"]);
    assert!(!list.can_save());
}

#[test]
fn steps_move_by_drag_or_keys_and_out_of_range_moves_do_nothing() {
    let mut d = Draft::loaded(tour(&["a", "b", "c"]));
    d.apply(Edit::StepMoved { from: 0, to: 2 });
    assert_eq!(ids(&d), ["b", "c", "a"]);
    d.apply(Edit::StepMoved { from: 2, to: 1 });
    assert_eq!(ids(&d), ["b", "a", "c"]);
    d.apply(Edit::StepMoved { from: 0, to: 3 });
    d.apply(Edit::StepMoved { from: 5, to: 0 });
    assert_eq!(ids(&d), ["b", "a", "c"]);
    assert!(d.is_dirty());
}

#[test]
fn added_and_duplicated_steps_get_ids_no_other_step_has() {
    let mut d = Draft::loaded(tour(&["step", "step-2"]));
    d.apply(Edit::StepAdded);
    assert_eq!(ids(&d), ["step", "step-2", "step-3"]);
    d.apply(Edit::StepDuplicated(0));
    assert_eq!(ids(&d), ["step", "step-4", "step-2", "step-3"]);
    assert!(d.problems.is_empty(), "{:?}", d.problems);
}

#[test]
fn validation_follows_every_edit_and_saving_clears_dirtiness() {
    let mut d = Draft::loaded(tour(&["a"]));
    assert!(!d.is_dirty() && !d.can_save());
    let mut step = d.guide.steps[0].clone();
    step.title = String::new();
    step.target = Some(Target {
        css: vec!["#ok".into(), "[broken".into()],
        text: None,
        wait_ms: 3000,
    });
    d.apply(Edit::StepChanged(0, Box::new(step.clone())));
    let paths: Vec<&str> = d.problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(paths, ["steps[0].title", "steps[0].target.css[1]"]);
    assert!(!d.can_save(), "a guide with problems cannot be saved");

    step.title = "Fixed".into();
    step.target.as_mut().unwrap().css.pop();
    d.apply(Edit::StepChanged(0, Box::new(step)));
    assert!(d.problems.is_empty() && d.can_save());
    let stored = d.guide.clone();
    d.apply(Edit::Saved(Box::new(stored)));
    assert!(!d.is_dirty());
}

#[test]
fn renaming_or_removing_a_step_carries_its_translations_along() {
    let mut g = tour(&["a", "b"]);
    let mut d = Draft::loaded(g.clone());
    d.apply(Edit::LocaleAdded("fr".into()));
    let fr = d.guide.locales.get("fr").unwrap();
    assert_eq!(fr.steps.keys().collect::<Vec<_>>(), ["a", "b"]);
    // Every string is still to translate: the core says so, by path.
    assert!(d.problems.iter().any(|p| p.path == "locales.fr.title"));

    g.steps[0].id = "start".into();
    d.apply(Edit::StepChanged(0, Box::new(g.steps[0].clone())));
    assert_eq!(fr_step_ids(&d), ["b", "start"]);
    d.apply(Edit::StepRemoved(1));
    assert_eq!(fr_step_ids(&d), ["start"]);
}

#[test]
fn settings_changes_never_touch_the_steps() {
    let mut d = Draft::loaded(tour(&["a", "b"]));
    let mut settings = d.guide.clone();
    settings.title = "New title".into();
    settings.steps.clear(); // a settings form does not carry steps
    d.apply(Edit::SettingsChanged(Box::new(settings)));
    assert_eq!(d.guide.title, "New title");
    assert_eq!(ids(&d), ["a", "b"]);
}

#[test]
fn changing_kind_swaps_the_kind_specific_part() {
    let mut d = Draft::loaded(tour(&["a"]));
    d.guide.start = Start::Auto;
    d.apply(Edit::KindChanged(Kind::Checklist));
    assert!(d.guide.steps.is_empty());
    assert_eq!(d.guide.items.len(), 1);
    assert_eq!(
        d.guide.start,
        Start::Launcher,
        "checklists cannot auto-start"
    );
    d.apply(Edit::KindChanged(Kind::Tour));
    assert!(d.guide.items.is_empty() && d.guide.steps.len() == 1);
}

#[test]
fn items_are_added_moved_and_removed() {
    let mut d = Draft::new_guide(blank_guide(Kind::Checklist, "c", "C"));
    d.apply(Edit::ItemAdded);
    let labels: Vec<&str> = d.guide.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(labels, ["first", "item"]);
    d.apply(Edit::ItemMoved { from: 1, to: 0 });
    assert_eq!(d.guide.items[0].id, "item");
    d.apply(Edit::ItemRemoved(0));
    assert_eq!(d.guide.items.len(), 1);
}

#[test]
fn ids_come_from_titles_and_copies_get_fresh_ids() {
    assert_eq!(
        slug("  Raise a Requisition! (v2) "),
        "raise-a-requisition-v2"
    );
    assert_eq!(slug("Été"), "t");
    let g = tour(&["a"]);
    let copy = duplicate(&g, &["t".into(), "t-copy".into()]);
    assert_eq!(copy.id, "t-copy-2");
    assert_eq!(copy.title, "Copy of T");
    assert_eq!(copy.steps, g.steps);
    assert_eq!(unique_id("", std::iter::empty()), "item");
    // A title ending in a number keeps it.
    assert_eq!(
        unique_id("onboarding-2024", ["x"].into_iter()),
        "onboarding-2024"
    );
    assert_eq!(
        unique_id("onboarding-2024", ["onboarding-2024"].into_iter()),
        "onboarding-2024-2"
    );
}

#[test]
fn a_picked_element_fills_the_target_and_the_page_it_was_on() {
    let mut d = Draft::loaded(tour(&["a", "b"]));
    let target = Target {
        css: vec!["[data-testid=save]".into(), "#save".into()],
        text: None,
        wait_ms: 3000,
    };
    d.apply(Edit::TargetPicked {
        slot: Slot::Step(1),
        target: target.clone(),
        url: "http://127.0.0.1:8080/demo/suppliers/?x=1#top".into(),
    });
    assert_eq!(d.guide.steps[1].target.as_ref(), Some(&target));
    assert_eq!(d.guide.steps[1].page.as_deref(), Some("/demo/suppliers"));
    assert!(d.problems.is_empty(), "{:?}", d.problems);
}

#[test]
fn a_step_page_pattern_that_still_fits_is_kept() {
    assert_eq!(
        page_for(Some("/orders/:id"), "https://x.test/orders/42").as_deref(),
        Some("/orders/:id")
    );
    assert_eq!(
        page_for(Some("/orders/:id"), "https://x.test/approvals").as_deref(),
        Some("/approvals")
    );
    assert_eq!(page_for(None, "http://x.test/").as_deref(), Some("/"));
    assert_eq!(path_of("/demo/?q"), "/demo/");
    assert_eq!(path_of("http://x.test"), "/");
}

#[test]
fn a_preview_opens_the_first_steps_page_when_it_is_a_plain_path() {
    let mut g = tour(&["a"]);
    assert_eq!(
        preview_url(&g, "http://x.test:8080/demo/"),
        None,
        "no page: stay"
    );
    g.steps[0].page = Some("/demo/suppliers".into());
    assert_eq!(
        preview_url(&g, "http://x.test:8080/demo/").as_deref(),
        Some("http://x.test:8080/demo/suppliers")
    );
    g.steps[0].page = Some("/orders/:id".into());
    assert_eq!(preview_url(&g, "http://x.test/"), None);
}

#[test]
fn a_new_steps_made_up_id_follows_its_title_but_a_stored_one_stays() {
    let mut d = Draft::loaded(tour(&["welcome"]));
    d.apply(Edit::StepAdded);
    assert_eq!(d.guide.steps[1].id, "step");
    // Typed a letter at a time, the title carries the id along.
    for typed in ["P", "Pi", "Pick a", "Pick a supplier"] {
        let mut step = d.guide.steps[1].clone();
        step.title = typed.into();
        d.apply(Edit::StepChanged(1, Box::new(step)));
    }
    assert_eq!(d.guide.steps[1].id, "pick-a-supplier");
    // The stored first step keeps its id whatever its title says.
    let mut first = d.guide.steps[0].clone();
    first.title = "Hello there".into();
    d.apply(Edit::StepChanged(0, Box::new(first)));
    assert_eq!(d.guide.steps[0].id, "welcome");
    // An id the agent typed is theirs.
    let mut typed = d.guide.steps[1].clone();
    typed.id = "choose".into();
    d.apply(Edit::StepChanged(1, Box::new(typed.clone())));
    typed.title = "Choose the supplier".into();
    d.apply(Edit::StepChanged(1, Box::new(typed)));
    assert_eq!(d.guide.steps[1].id, "choose");
}
