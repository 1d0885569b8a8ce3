use super::*;

/// Candidates for `picked`, each counted with `count(css, text)`, then ranked.
fn ranked(picked: &Picked, count: impl Fn(&Candidate) -> u32) -> Vec<Candidate> {
    let mut offered = candidates(picked);
    for c in &mut offered {
        c.matches = count(c);
    }
    rank(offered)
}

fn alone(element: ElementFacts) -> Picked {
    Picked {
        element,
        ancestors: vec![],
    }
}

fn css(list: &[Candidate]) -> Vec<&str> {
    list.iter().map(|c| c.css.as_str()).collect()
}

#[test]
fn test_attributes_come_first_in_their_own_order_then_the_id() {
    let e = ElementFacts::new("button")
        .with_id("save")
        .with_attr("data-qa", "save-qa")
        .with_attr("data-testid", "save-button")
        .with_text("Save");
    let list = ranked(&alone(e), |_| 1);
    assert_eq!(
        css(&list)[..3],
        ["[data-testid=save-button]", "[data-qa=save-qa]", "#save"]
    );
    assert_eq!(list[0].strategy, Strategy::TestAttribute);
    assert_eq!(list[2].strategy, Strategy::Id);
}

#[test]
fn role_and_name_comes_before_plain_text_and_classes() {
    let e = ElementFacts::new("button")
        .with_attr("aria-label", "Close dialog")
        .with_class("icon-button")
        .with_text("×");
    let list = ranked(&alone(e), |_| 1);
    assert_eq!(list[0].css, "button[aria-label=\"Close dialog\"]");
    assert_eq!(list[0].strategy, Strategy::RoleName);
    let strategies: Vec<Strategy> = list.iter().map(|c| c.strategy).collect();
    let text = strategies
        .iter()
        .position(|s| *s == Strategy::Text)
        .unwrap();
    let classes = strategies
        .iter()
        .position(|s| *s == Strategy::Classes)
        .unwrap();
    assert!(text < classes, "{strategies:?}");
}

#[test]
fn a_button_named_by_its_content_is_found_by_tag_and_text() {
    let e = ElementFacts::new("button").with_text("  Submit for approval ");
    let list = ranked(&alone(e), |_| 1);
    assert_eq!(list[0].strategy, Strategy::RoleName);
    assert_eq!(list[0].css, "button");
    assert_eq!(list[0].text.as_deref(), Some("Submit for approval"));
    // The same (css, text) pair is not offered twice as plain text.
    assert_eq!(
        list.iter()
            .filter(|c| c.css == "button" && c.text.is_some())
            .count(),
        1
    );
}

#[test]
fn unique_candidates_rank_above_ambiguous_ones_and_unmatched_ones_go() {
    let e = ElementFacts::new("button")
        .with_attr("data-testid", "row-action")
        .with_id("approve")
        .with_text("Approve");
    let list = ranked(&alone(e), |c| match c.css.as_str() {
        "[data-testid=row-action]" => 5,
        "#approve" => 1,
        _ => 0,
    });
    assert_eq!(css(&list), ["#approve", "[data-testid=row-action]"]);
    assert_eq!(list[1].matches, 5);
}

#[test]
fn no_position_chain_is_offered_when_a_stable_choice_finds_the_element() {
    let cell = ElementFacts::new("td").with_position(2, 5);
    let row = ElementFacts::new("tr").with_position(3, 4);
    let table = ElementFacts::new("table").with_attr("data-testid", "orders");
    let picked = Picked {
        element: ElementFacts::new("button").with_text("REQ-1042"),
        ancestors: vec![cell, row, ElementFacts::new("tbody"), table],
    };
    let offered = candidates(&picked);
    let path = offered
        .iter()
        .find(|c| c.strategy == Strategy::Structural)
        .expect("a structural path is always proposed");
    assert_eq!(
        path.css,
        "[data-testid=orders] > tbody > tr:nth-of-type(3) > td:nth-of-type(2) > button"
    );
    // Text finds it alone: the position chain is dropped.
    let list = ranked(&picked, |c| if c.text.is_some() { 1 } else { 4 });
    assert!(list.iter().all(|c| !c.is_positional()), "{list:?}");
    assert_eq!(list[0].text.as_deref(), Some("REQ-1042"));
}

#[test]
fn a_position_chain_is_the_last_resort_when_nothing_stable_is_unique() {
    let picked = Picked {
        element: ElementFacts::new("div").with_position(2, 3),
        ancestors: vec![ElementFacts::new("section").with_position(1, 2)],
    };
    let list = ranked(&picked, |c| if c.is_positional() { 1 } else { 3 });
    assert_eq!(list[0].css, "section:nth-of-type(1) > div:nth-of-type(2)");
    assert_eq!(list[0].strategy, Strategy::Structural);
}

#[test]
fn a_stable_ancestor_anchors_the_element_when_it_has_nothing_of_its_own() {
    let picked = Picked {
        element: ElementFacts::new("input").with_attr("type", "search"),
        ancestors: vec![
            ElementFacts::new("div").with_class("field"),
            ElementFacts::new("form").with_id("requisition"),
        ],
    };
    let offered = candidates(&picked);
    assert!(offered
        .iter()
        .any(|c| c.strategy == Strategy::Anchored && c.css == "#requisition input[type=search]"));
    let parent_anchor = Picked {
        element: ElementFacts::new("span"),
        ancestors: vec![ElementFacts::new("div").with_attr("data-cy", "total")],
    };
    assert!(candidates(&parent_anchor)
        .iter()
        .any(|c| c.css == "[data-cy=total] > span"));
}

#[test]
fn generated_ids_are_recognised_and_never_offered() {
    for id in [
        ":r1:",
        "ember1234",
        "mui-42",
        "react-select-2-input",
        "radix-:R1mm:",
        "headlessui-menu-button-3",
        "j_idt12",
        "input-12345",
        "550e8400-e29b-41d4-a716-446655440000",
        "x7f3k9q2",
        "a1b2c3",
        "1st-row",
    ] {
        assert!(looks_generated(id), "{id} should look generated");
        let e = ElementFacts::new("input").with_id(id);
        assert!(
            candidates(&alone(e))
                .iter()
                .all(|c| c.strategy != Strategy::Id),
            "{id} must not be offered as an id"
        );
    }
    for id in [
        "new-requisition",
        "cost-centre",
        "main",
        "step2",
        "section12",
        "h1",
        "address-line-2",
        "b2b-orders",
        "user_email",
    ] {
        assert!(!looks_generated(id), "{id} is written by a person");
    }
}

#[test]
fn generated_classes_are_left_out_of_selectors() {
    for class in [
        "css-1n7v3ny",
        "sc-bdVaJa",
        "Button_primary__3xk9F",
        "svelte-1xj8ab2",
        "jss42",
    ] {
        assert!(looks_generated_class(class), "{class}");
    }
    assert!(!looks_generated_class("button"));
    assert!(!looks_generated_class("primary"));
    let e = ElementFacts::new("a")
        .with_class("css-1n7v3ny")
        .with_class("button")
        .with_class("primary")
        .with_class("md:wide");
    let offered = candidates(&alone(e));
    assert!(offered.iter().any(|c| c.css == "a.button.primary"));
    assert!(offered.iter().all(|c| !c.css.contains("css-")));
}

#[test]
fn values_that_are_not_identifiers_are_quoted_and_escaped() {
    let e = ElementFacts::new("input")
        .with_attr("data-testid", "say \"hi\"\\now")
        .with_attr("placeholder", "Search approved suppliers")
        .with_id("2fa code");
    let offered = candidates(&alone(e));
    assert_eq!(offered[0].css, r#"[data-testid="say \"hi\"\\now"]"#);
    assert!(offered
        .iter()
        .any(|c| c.css == r#"input[placeholder="Search approved suppliers"]"#));
    for c in &offered {
        assert!(check_chain(&c.css).is_ok(), "{} must be valid CSS", c.css);
    }
}

#[test]
fn an_id_that_is_not_an_identifier_uses_an_attribute_selector() {
    let e = ElementFacts::new("div").with_id("order.total");
    assert!(candidates(&alone(e))
        .iter()
        .any(|c| c.css == r#"[id="order.total"]"# && c.strategy == Strategy::Id));
}

#[test]
fn form_fields_and_links_offer_their_meaningful_attributes() {
    let field = ElementFacts::new("input")
        .with_attr("name", "amount")
        .with_attr("type", "number");
    assert!(candidates(&alone(field))
        .iter()
        .any(|c| c.css == "input[name=amount]" && c.strategy == Strategy::Attribute));
    let link = ElementFacts::new("a").with_attr("href", "/demo/approvals");
    assert!(candidates(&alone(link))
        .iter()
        .any(|c| c.css == r#"a[href="/demo/approvals"]"#));
    let anchor_link = ElementFacts::new("a").with_attr("href", "#top");
    assert!(candidates(&alone(anchor_link))
        .iter()
        .all(|c| !c.css.contains("href")));
}

#[test]
fn long_text_is_cut_at_a_word_and_blank_text_is_none() {
    let long = "Enter your four-digit cost centre, which you find on your badge or in the handbook";
    let short = short_text(long).unwrap();
    assert!(short.len() <= 60 && long.starts_with(&short), "{short}");
    assert!(!short.ends_with(' '));
    assert_eq!(short_text(" \n\t "), None);
    // The page's text is matched as it is: the piece used never spans a line break.
    let raw = "\n      Acme Industrial Supply\n      · Tools\n";
    assert_eq!(short_text(raw).as_deref(), Some("Acme Industrial Supply"));
    assert!(raw.contains(&short_text(raw).unwrap()));
    let e = ElementFacts::new("button").with_text("\n  Save\n  draft ");
    assert_eq!(e.describe(), "button “Save draft”");
}

#[test]
fn the_saved_target_is_the_choice_then_unique_fallbacks_of_other_strategies() {
    let picked = Picked {
        element: ElementFacts::new("a")
            .with_id("new-requisition")
            .with_attr("data-testid", "new-requisition")
            .with_attr("href", "/demo/requisitions/new")
            .with_class("button")
            .with_text("New requisition"),
        ancestors: vec![ElementFacts::new("div").with_class("page-head")],
    };
    let mut offered = candidates(&picked);
    for c in &mut offered {
        c.matches = if c.css == "a.button" { 2 } else { 1 };
    }
    let result = PickResult::new("http://x.test/demo/", &picked, offered);
    assert_eq!(result.description, "link “New requisition”");
    let target = target_for(&result, 0).unwrap();
    assert_eq!(
        target.css,
        [
            "[data-testid=new-requisition]",
            "#new-requisition",
            r#"a[href="/demo/requisitions/new"]"#,
        ]
    );
    assert_eq!(target.text, None, "a unique selector needs no text");
    assert!(target.css.len() <= MAX_SAVED);

    // Choosing the text candidate saves the text, and css-only fallbacks with it.
    let by_text = result
        .candidates
        .iter()
        .position(|c| c.text.is_some())
        .unwrap();
    let target = target_for(&result, by_text).unwrap();
    assert_eq!(target.css[0], "a");
    assert_eq!(target.text.as_deref(), Some("New requisition"));
    assert!(target
        .css
        .contains(&"[data-testid=new-requisition]".to_owned()));
}

#[test]
fn an_ambiguous_choice_is_narrowed_by_the_elements_text() {
    let picked = alone(
        ElementFacts::new("button")
            .with_class("row-link")
            .with_text("REQ-1042"),
    );
    let mut offered = candidates(&picked);
    for c in &mut offered {
        c.matches = if c.text.is_some() { 1 } else { 4 };
    }
    let result = PickResult::new("/demo/approvals", &picked, offered);
    let ambiguous = result
        .candidates
        .iter()
        .position(|c| c.css == "button.row-link")
        .unwrap();
    let target = target_for(&result, ambiguous).unwrap();
    assert_eq!(target.css[0], "button.row-link");
    assert_eq!(target.text.as_deref(), Some("REQ-1042"));
    assert_eq!(target_for(&result, 99), None);
}

#[test]
fn roles_follow_the_aria_implicit_mapping() {
    let role = |e: ElementFacts| e.role().map(str::to_owned);
    assert_eq!(
        role(ElementFacts::new("a").with_attr("href", "/x")).as_deref(),
        Some("link")
    );
    assert_eq!(role(ElementFacts::new("a")), None);
    assert_eq!(
        role(ElementFacts::new("input").with_attr("type", "submit")).as_deref(),
        Some("button")
    );
    assert_eq!(role(ElementFacts::new("input")).as_deref(), Some("textbox"));
    assert_eq!(
        role(ElementFacts::new("div").with_attr("role", "tab presentation")).as_deref(),
        Some("tab")
    );
    let tab = ElementFacts::new("div")
        .with_attr("role", "tab")
        .with_text("Billing");
    let offered = candidates(&alone(tab));
    assert!(offered
        .iter()
        .any(|c| c.css == "div[role=tab]" && c.text.as_deref() == Some("Billing")));
}

#[test]
fn facts_and_results_cross_the_page_boundary_as_json() {
    let picked = alone(ElementFacts::new("button").with_text("Go"));
    let json = serde_json::to_string(&picked).unwrap();
    assert_eq!(serde_json::from_str::<Picked>(&json).unwrap(), picked);
    // The runtime may leave out what an element lacks.
    let sparse: Picked = serde_json::from_str(r#"{"element": {"tag": "b"}}"#).unwrap();
    assert_eq!(sparse.element.tag, "b");
    let result = PickResult::new("/", &picked, candidates(&picked));
    let json = serde_json::to_string(&result).unwrap();
    assert_eq!(serde_json::from_str::<PickResult>(&json).unwrap(), result);
}

#[test]
fn bridge_messages_are_tagged_json_that_ignores_nothing_silently() {
    let json = serde_json::to_string(&EditorMessage::Pick).unwrap();
    assert_eq!(json, r#"{"waymark":"pick"}"#);
    let preview: EditorMessage =
        serde_json::from_str(r#"{"waymark":"preview","guide":"{}"}"#).unwrap();
    assert_eq!(preview, EditorMessage::Preview { guide: "{}".into() });
    let ready = PageMessage::Ready {
        url: "http://x.test/demo/".into(),
        previewing: true,
    };
    let json = serde_json::to_string(&ready).unwrap();
    assert_eq!(serde_json::from_str::<PageMessage>(&json).unwrap(), ready);
    // An older runtime's `ready` (no `previewing`) still reads.
    let old: PageMessage = serde_json::from_str(r#"{"waymark":"ready","url":"/"}"#).unwrap();
    assert_eq!(
        old,
        PageMessage::Ready {
            url: "/".into(),
            previewing: false
        }
    );
    // Other scripts' messages on the same window are not ours.
    assert!(serde_json::from_str::<PageMessage>(r#"{"type":"webpackOk"}"#).is_err());
}

#[test]
fn strategy_names_are_the_wire_names() {
    for s in [
        Strategy::TestAttribute,
        Strategy::Id,
        Strategy::RoleName,
        Strategy::Attribute,
        Strategy::Text,
        Strategy::Anchored,
        Strategy::Classes,
        Strategy::Structural,
    ] {
        assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
    }
}
