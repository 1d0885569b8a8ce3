//! The demo app's guides in `guides/` are valid and cover what the demo must show.

use std::collections::BTreeSet;
use std::path::Path;

use waymark::guide::{Guide, Kind};
use waymark::validate::{parse_guide, validate_catalog};

fn demo_guides() -> Vec<Guide> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("guides");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json") && !p.ends_with("schema.json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            parse_guide(&text).unwrap_or_else(|e| panic!("{}: {e:?}", p.display()))
        })
        .collect()
}

#[test]
fn every_demo_guide_is_valid_alone_and_together() {
    let guides = demo_guides();
    assert!(guides.len() >= 4);
    assert_eq!(validate_catalog(&guides), vec![]);
}

#[test]
fn the_demo_has_a_multi_page_tour_of_six_steps_with_three_advance_kinds() {
    let guides = demo_guides();
    let tour = guides
        .iter()
        .filter(|g| g.kind == Kind::Tour)
        .max_by_key(|g| g.steps.len())
        .unwrap();
    assert!(
        tour.steps.len() >= 6,
        "{} has {} steps",
        tour.id,
        tour.steps.len()
    );
    let pages: BTreeSet<_> = tour
        .steps
        .iter()
        .filter_map(|s| s.page.as_deref())
        .collect();
    assert!(pages.len() >= 2, "multi-page: {pages:?}");
    let kinds: BTreeSet<_> = tour.steps.iter().map(|s| s.advance.name()).collect();
    assert!(kinds.len() >= 3, "advance kinds: {kinds:?}");
}

#[test]
fn the_demo_has_two_tips_and_a_checklist() {
    let guides = demo_guides();
    assert!(guides.iter().filter(|g| g.kind == Kind::Tip).count() >= 2);
    assert!(guides.iter().any(|g| g.kind == Kind::Checklist));
}
