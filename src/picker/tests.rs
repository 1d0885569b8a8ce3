use super::*;

mod page;
use page::Page;

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
    // The frame handshake.
    let hello = serde_json::to_string(&EditorMessage::Hello).unwrap();
    assert_eq!(hello, r#"{"waymark":"hello"}"#);
    let here: PageMessage =
        serde_json::from_str(r#"{"waymark":"here","url":"https://portal.test/"}"#).unwrap();
    assert_eq!(
        here,
        PageMessage::Here {
            url: "https://portal.test/".into()
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

/// The candidates for element `el` of `page`, counted there and ranked, as the
/// runtime's pick mode would send them.
fn picked_on(page: &Page, el: usize) -> PickResult {
    let picked = page.picked(el);
    let mut offered = candidates(&picked);
    page.count_all(&mut offered);
    PickResult::new("https://portal.test/", &picked, offered)
}

/// A server-rendered requisition form as Rails writes it: no ids on the buttons,
/// `name=commit` on every submit, generated class names, a search form in the header
/// with a submit of its own.
const REQUISITION_FORM: &str = r#"
<body>
  <header class="css-1x2y3z">
    <form action="/search" method="get" class="css-4k5l6m">
      <input type="search" name="q" placeholder="Search the portal" class="css-7n8o9p">
      <input type="submit" value="Search" class="btn css-0a1b2c">
    </form>
  </header>
  <main class="css-3d4e5f">
    <h1>New requisition</h1>
    <form action="/requisitions" method="post" class="css-6g7h8i">
      <input type="hidden" name="authenticity_token" value="Zx81bQ2wq9PcL7mV">
      <div class="field css-9j0k1l">
        <label>Supplier <select name="requisition[supplier_id]"><option value="7">Northwind</option></select></label>
      </div>
      <div class="field css-2m3n4o">
        <label>Amount <input type="text" name="requisition[amount]" value="120.00"></label>
      </div>
      <fieldset class="css-5p6q7r">
        <legend>Priority</legend>
        <label><input type="radio" name="requisition[priority]" value="normal"> Normal</label>
        <label><input type="radio" name="requisition[priority]" value="urgent"> Urgent</label>
      </fieldset>
      <div class="actions css-8s9t0u">
        <input type="submit" name="commit" value="Save" class="btn css-1v2w3x">
        <input type="submit" name="commit" value="Save and submit" class="btn css-1v2w3x">
      </div>
    </form>
  </main>
</body>"#;

#[test]
fn a_submit_input_with_no_id_is_found_by_its_value_before_any_position() {
    let page = Page::parse(REQUISITION_FORM);
    let save = page.find("input[value=Save]");
    let result = picked_on(&page, save);
    assert_eq!(result.description, "button “Save”");
    let first = &result.candidates[0];
    assert_eq!(first.css, "input[type=submit][value=Save]");
    assert_eq!(first.strategy, Strategy::RoleName);
    assert!(first.is_unique());
    // Stable and unique: no position chain is offered at all, and no generated class.
    assert!(
        result
            .candidates
            .iter()
            .all(|c| !c.is_positional() && !c.css.contains("css-")),
        "{:?}",
        css(&result.candidates)
    );
    // Rails' shared `name=commit` alone finds both submits; with the value, one.
    let count = |css: &str| {
        result
            .candidates
            .iter()
            .find(|c| c.css == css)
            .map(|c| c.matches)
    };
    assert_eq!(count("input[name=commit]"), Some(2));
    assert_eq!(count("input[name=commit][value=Save]"), Some(1));
    // The saved target: the value, then fallbacks of other strategies.
    let target = target_for(&result, 0).unwrap();
    assert_eq!(
        target.css,
        [
            "input[type=submit][value=Save]",
            "input[name=commit][value=Save]",
            r#"form[action="/requisitions"] input[type=submit][value=Save]"#,
        ]
    );
    assert_eq!(target.text, None);
    for css in &target.css {
        assert_eq!(
            page.count(css, None),
            1,
            "{css} finds the Save button alone"
        );
        assert_eq!(page.find(css), save);
    }
}

#[test]
fn fields_of_a_server_rendered_form_are_found_by_name_and_options_by_value() {
    let page = Page::parse(REQUISITION_FORM);
    let amount = picked_on(&page, page.find("input[type=text]"));
    assert_eq!(amount.description, "textbox “Amount”");
    assert_eq!(
        amount.candidates[0].css,
        r#"input[name="requisition[amount]"]"#
    );
    // The value of a text field is its content: never part of a selector.
    assert!(
        amount.candidates.iter().all(|c| !c.css.contains("120")),
        "{:?}",
        css(&amount.candidates)
    );

    let urgent = picked_on(&page, page.nth("input[type=radio]", 1));
    let unique: Vec<&str> = urgent
        .candidates
        .iter()
        .filter(|c| c.is_unique())
        .map(|c| c.css.as_str())
        .collect();
    assert_eq!(
        unique[0],
        r#"input[name="requisition[priority]"][value=urgent]"#
    );
    assert!(
        urgent.candidates.iter().all(|c| !c.is_positional()),
        "{unique:?}"
    );
    let shared = urgent
        .candidates
        .iter()
        .find(|c| c.css == r#"input[name="requisition[priority]"]"#)
        .unwrap();
    assert_eq!(shared.matches, 2, "both radios share the name");

    let supplier = picked_on(&page, page.find("select"));
    assert_eq!(
        supplier.candidates[0].css,
        r#"select[name="requisition[supplier_id]"]"#
    );
}

#[test]
fn the_same_button_in_two_forms_is_told_apart_by_its_forms_action() {
    let html = r#"<body>
      <form action="/search"><input type="search" name="q"><input type="submit" value="Search"></form>
      <main><h1>Suppliers</h1>
        <form action="/suppliers" method="get" class="css-a1b2c3">
          <input type="text" name="q" placeholder="Supplier name">
          <input type="submit" value="Search" class="css-d4e5f6">
        </form>
      </main></body>"#;
    let page = Page::parse(html);
    let result = picked_on(&page, page.nth("input[type=submit]", 1));
    let first = &result.candidates[0];
    assert_eq!(first.strategy, Strategy::Anchored);
    assert!(first.is_unique());
    assert!(
        first.css.starts_with(r#"form[action="/suppliers"] > "#),
        "{}",
        first.css
    );
    let by_value = result
        .candidates
        .iter()
        .find(|c| c.css == "input[type=submit][value=Search]")
        .unwrap();
    assert_eq!(by_value.matches, 2);
    assert!(result.candidates.iter().all(|c| !c.is_positional()));
    // The header's field and the page's share `name=q`: the placeholder tells them apart.
    let field = picked_on(&page, page.nth("input[name=q]", 1));
    assert_eq!(
        field.candidates[0].css,
        r#"input[placeholder="Supplier name"]"#
    );
}

/// An approvals list: the same form in every row, posted to a URL with the row's
/// record in it.
const APPROVALS: &str = r#"<body>
  <main class="css-1x2y3z">
    <table aria-label="Awaiting approval" class="css-4a5b6c">
      <tbody>
        <tr><td>REQ-1041</td><td><form action="/approvals/1041/approve" method="post"><input type="submit" value="Approve" class="btn css-7d8e9f"></form></td></tr>
        <tr><td>REQ-1042</td><td><form action="/approvals/1042/approve" method="post"><input type="submit" value="Approve" class="btn css-7d8e9f"></form></td></tr>
        <tr><td>REQ-1043</td><td><form action="/approvals/1043/approve" method="post"><input type="submit" value="Approve" class="btn css-7d8e9f"></form></td></tr>
      </tbody>
    </table>
  </main></body>"#;

#[test]
fn in_repeated_rows_the_value_is_offered_with_its_count_and_a_rows_action_is_not_an_anchor() {
    let page = Page::parse(APPROVALS);
    let second = page.nth("input[type=submit]", 1);
    let result = picked_on(&page, second);
    let by_value = result
        .candidates
        .iter()
        .find(|c| c.css == "input[type=submit][value=Approve]")
        .expect("the value is offered");
    assert_eq!(by_value.matches, 3);
    // A form posting to one record's URL belongs to that row only.
    assert!(
        result.candidates.iter().all(|c| !c.css.contains("1042")),
        "{:?}",
        css(&result.candidates)
    );
    // Nothing stable is unique, so the position, from the labelled table, is first.
    let first = &result.candidates[0];
    assert_eq!(first.strategy, Strategy::Structural);
    assert_eq!(
        first.css,
        r#"table[aria-label="Awaiting approval"] > tbody > tr:nth-of-type(2) > td:nth-of-type(2) > form > input"#
    );
    assert_eq!(page.find(&first.css), second);
    // The ambiguous value selector comes right after, before classes.
    let position = |s: Strategy| result.candidates.iter().position(|c| c.strategy == s);
    assert!(position(Strategy::RoleName) < position(Strategy::Classes));
    assert!(result.candidates.iter().all(|c| !c.css.contains("css-")));
}

#[test]
fn jsf_ids_and_names_are_used_when_written_by_hand_and_skipped_when_generated() {
    let html = r#"<body><form id="reqForm" name="reqForm" action="/faces/requisition.xhtml" class="css-q1w2e3">
      <label for="reqForm:j_idt12">Cost centre</label>
      <input id="reqForm:j_idt12" name="reqForm:j_idt12" type="text" placeholder="Four digits">
      <label for="reqForm:amount">Amount</label>
      <input id="reqForm:amount" name="reqForm:amount" type="text">
      <button type="submit" name="reqForm:j_idt20" title="Send for approval" class="css-r4t5y6"><span class="icon"></span></button>
    </form></body>"#;
    let page = Page::parse(html);
    let cost = picked_on(&page, page.find("input[type=text]"));
    assert_eq!(cost.description, "textbox “Cost centre”");
    assert!(
        cost.candidates.iter().all(|c| !c.css.contains("j_idt")),
        "{:?}",
        css(&cost.candidates)
    );
    assert_eq!(
        cost.candidates[0].css,
        r#"input[placeholder="Four digits"]"#
    );
    assert!(cost.candidates.iter().all(|c| !c.is_positional()));

    let amount = picked_on(&page, page.nth("input", 1));
    assert_eq!(amount.candidates[0].css, r#"[id="reqForm:amount"]"#);
    assert_eq!(amount.candidates[0].strategy, Strategy::Id);

    // An icon button with only a title.
    let send = picked_on(&page, page.find("button"));
    assert_eq!(
        send.candidates[0].css,
        r#"button[title="Send for approval"]"#
    );
    // A label is found by what it labels, when that is written by hand.
    let label = picked_on(&page, page.nth("label", 1));
    assert_eq!(label.candidates[0].css, r#"label[for="reqForm:amount"]"#);
    let generated = picked_on(&page, page.nth("label", 0));
    assert!(generated.candidates.iter().all(|c| !c.css.contains("for=")));
    assert_eq!(generated.candidates[0].text.as_deref(), Some("Cost centre"));
}

#[test]
fn a_labelled_region_anchors_links_that_repeat_elsewhere() {
    let html = r#"<body>
      <nav aria-label="Main" class="css-z9y8x7"><a href="/orders" class="css-w6v5u4">Orders</a></nav>
      <nav aria-label="Breadcrumb"><a href="/orders">Orders</a></nav></body>"#;
    let page = Page::parse(html);
    let result = picked_on(&page, page.find("a"));
    assert!(result.candidates[0].is_unique());
    assert_eq!(result.candidates[0].css, r#"nav[aria-label=Main] > a"#);
    let by_href = result
        .candidates
        .iter()
        .find(|c| c.css == r#"a[href="/orders"]"#)
        .unwrap();
    assert_eq!(by_href.matches, 2);
}

#[test]
fn generated_names_values_and_form_actions_stay_out_of_selectors() {
    for (id, generated) in [
        ("reqForm:amount", false),
        ("reqForm:j_idt12", true),
        ("j_idt12:j_idt15", true),
        ("ctl00$MainContent$txtAmount", false),
    ] {
        assert_eq!(looks_generated(id), generated, "{id}");
    }
    // A text field's value, a long value and one on several lines are not names.
    let field = ElementFacts::new("input")
        .with_attr("type", "email")
        .with_attr("value", "ann@example.com");
    assert_eq!(field.stable_value(), None);
    let long = "x".repeat(MAX_VALUE + 1);
    let button = ElementFacts::new("input")
        .with_attr("type", "submit")
        .with_attr("value", &long);
    assert!(candidates(&alone(button))
        .iter()
        .all(|c| !c.css.contains("value=")));
    let form = ElementFacts::new("form").with_attr("action", "/orders/REQ-1042/edit");
    assert_eq!(form.anchor(), None);
    let form = ElementFacts::new("form").with_attr("action", "/orders?step=2");
    assert_eq!(
        form.anchor(),
        None,
        "a number in the query is a record or a step"
    );
    let form = ElementFacts::new("form").with_attr("action", "/search?scope=suppliers");
    assert_eq!(
        form.anchor().as_deref(),
        Some(r#"form[action="/search?scope=suppliers"]"#)
    );
}
