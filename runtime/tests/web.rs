//! In-browser tests of the runtime's DOM pieces: run with wasm-bindgen-test-runner
//! in headless Chromium (see build.sh). All tests share one page, so each builds
//! its own elements under a fresh container and removes them.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use waymark::geometry::{Rect, Spotlight};
use waymark::guide::Target;
use waymark_runtime::targets::{find, Lookup};
use web_sys::{Document, Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn doc() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A container in the page with `html` inside, removed when dropped.
struct Fixture(Element);

impl Fixture {
    fn new(html: &str) -> Fixture {
        let el = doc().create_element("div").unwrap();
        el.set_inner_html(html);
        doc().body().unwrap().append_child(&el).unwrap();
        Fixture(el)
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        self.0.remove();
    }
}

fn target(css: &[&str], text: Option<&str>) -> Target {
    Target {
        css: css.iter().map(|s| s.to_string()).collect(),
        text: text.map(str::to_owned),
        wait_ms: 1000,
    }
}

fn found_id(t: &Target) -> Option<String> {
    match find(t) {
        Lookup::Found(f) => Some(f.el.id()),
        Lookup::Missing(_) => None,
    }
}

fn hosts() -> u32 {
    doc()
        .query_selector_all(waymark_runtime::HOST_TAG)
        .unwrap()
        .length()
}

fn options(json: &str) -> JsValue {
    JSON::parse(json).unwrap()
}

async fn frames(n: u32) {
    for _ in 0..n {
        let p = js_sys::Promise::new(&mut |resolve, _| {
            web_sys::window()
                .unwrap()
                .request_animation_frame(&resolve)
                .unwrap();
        });
        JsFuture::from(p).await.unwrap();
    }
}

fn shadow() -> web_sys::ShadowRoot {
    doc()
        .query_selector(waymark_runtime::HOST_TAG)
        .unwrap()
        .unwrap()
        .shadow_root()
        .unwrap()
}

#[wasm_bindgen_test]
fn init_mounts_one_shadow_host_and_a_second_init_reuses_it() {
    waymark_runtime::init(options(r#"{"app":"test","guides":[],"launcher":false}"#));
    assert_eq!(hosts(), 1);
    let root = shadow();
    assert_eq!(root.mode(), web_sys::ShadowRootMode::Open);
    waymark_runtime::init(options(r#"{"app":"test","guides":[],"launcher":false}"#));
    assert_eq!(hosts(), 1, "a second init must not add another host");
}

#[wasm_bindgen_test]
fn init_without_an_app_warns_instead_of_throwing() {
    waymark_runtime::init(JsValue::UNDEFINED);
    waymark_runtime::init(JsValue::NULL);
    waymark_runtime::start(JsValue::from_f64(4.0));
}

#[wasm_bindgen_test]
fn the_api_is_on_window_waymark() {
    waymark_runtime::init(options(r#"{"app":"test","guides":[]}"#));
    let api = Reflect::get(&web_sys::window().unwrap(), &"Waymark".into()).unwrap();
    for name in ["init", "start", "stop", "openLauncher", "identify", "on"] {
        let f = Reflect::get(&api, &name.into()).unwrap();
        assert!(f.is_function(), "window.Waymark.{name} is a function");
    }
}

#[wasm_bindgen_test]
fn selectors_are_tried_in_order_and_text_narrows_them() {
    let _f = Fixture::new(
        r#"<button id="a" class="b">Save draft</button><button id="c" class="b">Submit</button>"#,
    );
    assert_eq!(
        found_id(&target(&["#nope", ".b"], None)).as_deref(),
        Some("a")
    );
    assert_eq!(
        found_id(&target(&[".b"], Some("submit"))).as_deref(),
        Some("c")
    );
    assert_eq!(found_id(&target(&[".b"], Some("delete"))), None);
    assert_eq!(
        found_id(&target(&["##invalid"], None)),
        None,
        "a bad selector finds nothing"
    );
}

#[wasm_bindgen_test]
fn hidden_elements_are_not_found_until_they_show() {
    let f = Fixture::new(r#"<p id="late" style="display:none">Hi</p>"#);
    assert_eq!(found_id(&target(&["#late"], None)), None);
    let el: HtmlElement = f.0.first_element_child().unwrap().dyn_into().unwrap();
    el.style().set_property("display", "block").unwrap();
    assert_eq!(found_id(&target(&["#late"], None)).as_deref(), Some("late"));
}

#[wasm_bindgen_test]
fn the_cross_form_steps_into_open_shadow_roots() {
    let f = Fixture::new(r#"<x-outer id="outer"></x-outer>"#);
    let outer = f.0.first_element_child().unwrap();
    let root = outer
        .attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))
        .unwrap();
    root.set_inner_html(r#"<x-inner></x-inner>"#);
    let inner = root.first_element_child().unwrap();
    let inner_root = inner
        .attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))
        .unwrap();
    inner_root.set_inner_html(r#"<button id="deep">Deep</button>"#);
    match find(&target(&["#outer >>> x-inner >>> #deep"], None)) {
        Lookup::Found(found) => {
            assert_eq!(found.el.id(), "deep");
            assert_eq!(found.roots.len(), 2, "both shadow roots are followed");
        }
        Lookup::Missing(_) => panic!("not found through two shadow roots"),
    }
    // Missing inside the shadow root: that root is the one to watch.
    match find(&target(&["#outer >>> #nothing"], None)) {
        Lookup::Missing(roots) => assert!(roots
            .iter()
            .any(|r| *r == web_sys::Node::from(root.clone()))),
        Lookup::Found(_) => panic!("found something that is not there"),
    }
}

#[wasm_bindgen_test]
fn a_target_in_a_scrolling_box_is_clipped_to_what_shows() {
    let f = Fixture::new(
        r#"<div id="box" style="height:100px;overflow:auto"><div style="height:300px"></div><button id="low">Low</button></div>"#,
    );
    let Lookup::Found(found) = find(&target(&["#low"], None)) else {
        panic!("not found");
    };
    assert_eq!(found.clips.len(), 1, "the scrolling box clips it");
    assert_eq!(found.measure().visible, None, "scrolled out of its box");
    f.0.first_element_child().unwrap().set_scroll_top(300);
    let m = found.measure();
    assert!(m.visible.is_some(), "scrolled into its box");
}

#[wasm_bindgen_test]
fn markup_is_rendered_as_elements_and_text_never_html() {
    let f = Fixture::new("");
    waymark_runtime::markup::render(
        &f.0,
        "Click **Save**, *then* `Send`. <img src=x onerror=alert(1)> [ok](https://example.com) [bad](javascript:alert(1))\n\n- one\n- two",
    );
    assert_eq!(f.0.query_selector_all("strong").unwrap().length(), 1);
    assert_eq!(f.0.query_selector_all("em").unwrap().length(), 1);
    assert_eq!(f.0.query_selector_all("code").unwrap().length(), 1);
    assert_eq!(
        f.0.query_selector_all("img").unwrap().length(),
        0,
        "raw HTML stays text"
    );
    assert_eq!(f.0.query_selector_all("li").unwrap().length(), 2);
    let links = f.0.query_selector_all("a").unwrap();
    assert_eq!(links.length(), 1, "only the https link is a link");
    let a: Element = links.item(0).unwrap().dyn_into().unwrap();
    assert_eq!(
        a.get_attribute("rel").as_deref(),
        Some("noopener noreferrer")
    );
    assert!(f
        .0
        .text_content()
        .unwrap()
        .contains("<img src=x onerror=alert(1)>"));
}

#[wasm_bindgen_test]
fn the_overlay_cuts_a_hole_over_the_target() {
    let f = Fixture::new("");
    let mut overlay = waymark_runtime::overlay::Overlay::new(&f.0).unwrap();
    overlay.show(true);
    let spot = Spotlight {
        rect: Rect::new(10.0, 20.0, 100.0, 40.0),
        radius: 8.0,
    };
    overlay.draw(Rect::new(0.0, 0.0, 800.0, 600.0), Some(spot), false);
    let d = overlay.dim_element().get_attribute("d").unwrap();
    assert!(d.starts_with("M0 0H800V600H0Z"), "{d}");
    assert!(d.contains("M18 20H102"), "the hole's top edge: {d}");
    overlay.draw(Rect::new(0.0, 0.0, 800.0, 600.0), None, false);
    assert_eq!(
        overlay.dim_element().get_attribute("d").unwrap(),
        "M0 0H800V600H0Z"
    );
}

#[wasm_bindgen_test]
fn an_invalid_guide_is_skipped_and_the_others_kept() {
    let list: Array = JSON::parse(
        r##"[{"schema":1,"id":"ok","kind":"tour","title":"T","version":1,"match":{"urls":["/**"]},"steps":[{"id":"a","title":"A"}]},
            {"schema":1,"id":"bad","kind":"tour","title":"T","version":1,"match":{"urls":["/**"]},"steps":[{"id":"a","title":"A","target":{"css":[""]}}]},
            {"schema":1,"id":"regex","kind":"tour","title":"T","version":1,"match":{"urls":["/**"]},"steps":[{"id":"a","title":"A","target":{"css":["#x"]},"advance":{"kind":"input","pattern":"(["}}]}]"##,
    )
    .unwrap()
    .dyn_into()
    .unwrap();
    let guides = waymark_runtime::guide_fetch::read(&list);
    let ids: Vec<_> = guides.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(ids, ["ok"]);
    assert!(waymark_runtime::guide_fetch::regexp_matches(
        "^[0-9]{4}$",
        "4410"
    ));
    assert!(
        !waymark_runtime::guide_fetch::regexp_matches("([", "x"),
        "a bad pattern matches nothing"
    );
}

#[wasm_bindgen_test]
async fn a_tour_step_is_drawn_beside_its_target_and_next_advances() {
    let _f = Fixture::new(r#"<button id="web-target" style="margin:40px">Target</button>"#);
    let guide = r##"{"schema":1,"id":"web","kind":"tour","title":"Web","version":1,"match":{"urls":["/**"]},"frequency":"always",
        "steps":[{"id":"a","title":"First","body":"Hello **there**","target":{"css":["#web-target"]},"placement":"right"},
                 {"id":"b","title":"Second"}]}"##;
    let opts = Object::new();
    Reflect::set(&opts, &"app".into(), &"web-test".into()).unwrap();
    Reflect::set(&opts, &"launcher".into(), &JsValue::FALSE).unwrap();
    Reflect::set(
        &opts,
        &"guides".into(),
        &Array::of1(&JSON::parse(guide).unwrap()),
    )
    .unwrap();
    waymark_runtime::init(opts.into());
    waymark_runtime::start("web".into());
    frames(2).await;
    let root = shadow();
    let pop: HtmlElement = root
        .query_selector(".pop")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert!(!pop.hidden());
    assert_eq!(
        root.query_selector(".pop .title")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "First"
    );
    assert_eq!(
        root.query_selector(".pop .count")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "1 of 2"
    );
    let target = doc()
        .get_element_by_id("web-target")
        .unwrap()
        .get_bounding_client_rect();
    let p = pop.get_bounding_client_rect();
    assert!(p.left() >= target.right(), "right of the target");
    let next: HtmlElement = root
        .query_selector(".pop .next")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    next.click();
    frames(2).await;
    assert_eq!(
        root.query_selector(".pop .title")
            .unwrap()
            .unwrap()
            .text_content()
            .unwrap(),
        "Second"
    );
    waymark_runtime::stop();
    frames(1).await;
    assert!(pop.hidden(), "stop() hides the tour");
}

#[wasm_bindgen_test]
fn a_skeleton_is_built_as_described() {
    let f = Fixture::new("");
    let spec = "
section.panel x|role=dialog|hidden
 div.head
  h2|id=t|=Title
  button.close|=×|type=button
 p.note|dir=auto
";
    let built = waymark_runtime::dom::build(&f.0, spec);
    let names: Vec<String> = built
        .iter()
        .flatten()
        .map(|e| e.tag_name().to_lowercase())
        .collect();
    assert_eq!(names, ["section", "div", "h2", "button", "p"]);
    assert_eq!(
        f.0.inner_html(),
        r#"<section class="panel x" role="dialog" hidden=""><div class="head"><h2 id="t">Title</h2><button class="close" type="button">×</button></div><p class="note" dir="auto"></p></section>"#
    );
}

#[wasm_bindgen_test]
fn a_modal_step_makes_all_but_the_kept_path_inert_and_gives_back_only_that() {
    let f = Fixture::new(
        r#"<div id="in-a"><p id="in-p1">one</p><span id="in-keep">kept</span><script id="in-s"></script><p id="in-p2" inert>page's own</p><svg id="in-g"></svg></div><div id="in-b">two</div>"#,
    );
    let layer = doc().create_element("div").unwrap();
    let mut a11y = waymark_runtime::a11y::A11y::new(&layer).unwrap();
    let inert = |id: &str| doc().get_element_by_id(id).unwrap().has_attribute("inert");
    a11y.make_inert(&[doc().get_element_by_id("in-keep").unwrap()]);
    for id in ["in-p1", "in-g", "in-b", "in-p2"] {
        assert!(inert(id), "{id} is inert");
    }
    for id in ["in-keep", "in-a", "in-s"] {
        assert!(!inert(id), "{id} is not inert");
    }
    assert!(
        !f.0.has_attribute("inert"),
        "the path up to <body> stays usable"
    );
    a11y.release();
    for id in ["in-p1", "in-g", "in-b"] {
        assert!(!inert(id), "{id} is given back");
    }
    assert!(inert("in-p2"), "what the page made inert stays inert");
}
