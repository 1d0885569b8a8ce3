//! In-browser tests of the runtime shell: run with wasm-bindgen-test-runner in
//! headless Chromium (see build.sh).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn hosts() -> u32 {
    let document = web_sys::window().unwrap().document().unwrap();
    document
        .query_selector_all(waymark_runtime::HOST_TAG)
        .unwrap()
        .length()
}

#[wasm_bindgen_test]
fn init_mounts_one_shadow_host_and_a_second_init_reuses_it() {
    waymark_runtime::init(JsValue::UNDEFINED);
    assert_eq!(hosts(), 1);
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document
        .query_selector(waymark_runtime::HOST_TAG)
        .unwrap()
        .unwrap();
    let root = host.shadow_root().expect("an open shadow root");
    assert_eq!(root.mode(), web_sys::ShadowRootMode::Open);

    waymark_runtime::init(JsValue::UNDEFINED);
    assert_eq!(hosts(), 1, "a second init must not add another host");
}

#[wasm_bindgen_test]
fn init_exposes_the_api_on_window() {
    waymark_runtime::init(JsValue::UNDEFINED);
    let window = web_sys::window().unwrap();
    let api = js_sys::Reflect::get(&window, &"Waymark".into()).unwrap();
    let init = js_sys::Reflect::get(&api, &"init".into()).unwrap();
    assert!(init.is_function(), "window.Waymark.init is a function");
}
