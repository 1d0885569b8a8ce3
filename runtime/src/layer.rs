//! The one element Waymark adds to the page, and keeping it above everything.
//!
//! Owns the `<waymark-root>` host, its open shadow root, the stylesheet it adopts
//! and the full-viewport layer every piece of Waymark UI is drawn in. The layer is
//! put in the browser's top layer (the Popover API) so no z-index, stacking context
//! or `overflow` of the host page can cover or clip it; a modal `<dialog>` opened
//! later is answered by moving the host into that dialog (outside it the page is
//! inert) and raising the layer again. Host CSS cannot reach inside the shadow root,
//! and `:host` rules marked `!important` win over the page's own `!important`
//! rules for the host element itself.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{CssStyleSheet, Document, Element, HtmlElement, ShadowRoot};

use crate::dom;

/// The tag of the single element Waymark adds to the page.
pub const HOST_TAG: &str = "waymark-root";

/// `style.css` without comments and needless whitespace (see `runtime/build.rs`).
const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/style.min.css"));

pub struct Layer {
    pub host: Element,
    pub root: ShadowRoot,
    /// The full-viewport container of all UI; `pointer-events: none` except on
    /// the parts that take clicks.
    pub el: HtmlElement,
    /// Whether the browser has the Popover API (top layer for everyone).
    top_layer: bool,
}

impl Layer {
    /// Finds the host Waymark already mounted, or mounts one. The lookup goes
    /// through the document rather than Rust state so that a second copy of the
    /// module on the same page reuses the host too.
    pub fn mount() -> Result<Layer, JsValue> {
        let doc = dom::document().ok_or("no document")?;
        let host = match doc.query_selector(HOST_TAG)? {
            Some(h) if h.shadow_root().is_some() => h,
            other => {
                // A host without an open shadow root was not made by us; replace it.
                if let Some(h) = other {
                    h.remove();
                }
                let h = doc.create_element(HOST_TAG)?;
                h.attach_shadow(dom::options(r#"{"mode":"open"}"#).unchecked_ref())?;
                h
            }
        };
        let root = host.shadow_root().ok_or("no shadow root")?;
        let el = match root.query_selector(".layer")? {
            Some(e) => e.dyn_into::<HtmlElement>()?,
            None => build(&doc, &root)?,
        };
        let top_layer = js_sys::Reflect::get(&el, &"showPopover".into())
            .map(|f| f.is_function())
            .unwrap_or(false);
        let layer = Layer {
            host,
            root,
            el,
            top_layer,
        };
        layer.attach();
        Ok(layer)
    }

    /// Puts the host where it must be: inside the topmost modal dialog if the page
    /// has one (the rest of the page is inert then), else at the end of `<body>`;
    /// then raises the layer above everything. Cheap when nothing changed.
    pub fn attach(&self) {
        let Some(doc) = dom::document() else { return };
        let parent: Option<Element> = modal_element(&doc)
            .or_else(|| doc.body().map(Into::into))
            .or_else(|| doc.document_element());
        let Some(parent) = parent else { return };
        let placed = self.host.parent_element().is_some_and(|p| p == parent);
        if !placed {
            let _ = parent.append_child(&self.host);
            self.raise();
        } else if self.top_layer && !self.is_open() {
            self.raise();
        }
    }

    /// Moves the layer to the top of the top layer: shown last, drawn on top.
    pub fn raise(&self) {
        if !self.top_layer {
            return;
        }
        let call = |name: &str| {
            if let Ok(f) = js_sys::Reflect::get(&self.el, &name.into()) {
                if let Some(f) = f.dyn_ref::<js_sys::Function>() {
                    // Throws when the element is not connected or already in that
                    // state; neither matters here.
                    let _ = f.call0(&self.el);
                }
            }
        };
        // Hiding the layer blurs whatever was focused in it; give focus back.
        let focused = self.root.active_element();
        if self.is_open() {
            call("hidePopover");
        }
        call("showPopover");
        if let Some(f) = focused {
            dom::focus_quiet(&f);
        }
    }

    fn is_open(&self) -> bool {
        self.el.matches(":popover-open").unwrap_or(false)
    }

    /// Names the layer, a complementary landmark: screen-reader users find all of
    /// Waymark (launcher, tips, tour) in one place.
    pub fn set_label(&self, label: &str) {
        dom::attr(&self.el, "role", "complementary");
        dom::attr(&self.el, "aria-label", label);
    }

    /// Follows the page's writing direction and language.
    pub fn set_direction(&self, rtl: bool, lang: &str) {
        dom::attr(&self.el, "dir", if rtl { "rtl" } else { "ltr" });
        dom::attr(&self.el, "lang", lang);
    }
}

/// The element a modal dialog or a fullscreen element put in the top layer, if any.
fn modal_element(doc: &Document) -> Option<Element> {
    // `:modal` is unknown to older browsers: the query then throws and we answer none.
    doc.query_selector("dialog:modal").ok().flatten()
}

fn build(doc: &Document, root: &ShadowRoot) -> Result<HtmlElement, JsValue> {
    if !adopt_css(root) {
        // Browsers without constructable stylesheets (before Safari 16.4, Firefox
        // 101): a `<style>`, which a host CSP without 'unsafe-inline' blocks.
        let style = doc.create_element("style")?;
        style.set_text_content(Some(CSS));
        root.append_child(&style)?;
    }
    let el = dom::el(doc, "div", "layer").ok_or("cannot create the layer")?;
    dom::attr(&el, "popover", "manual");
    root.append_child(&el)?;
    Ok(el)
}

/// Gives the shadow root its CSS as a constructable stylesheet: a host page's
/// `style-src` without 'unsafe-inline' blocks a `<style>` element, even in a shadow
/// root, but not a sheet built through the CSSOM. False where the browser has none.
fn adopt_css(root: &ShadowRoot) -> bool {
    if !js_sys::Reflect::has(root, &"adoptedStyleSheets".into()).unwrap_or(false) {
        return false;
    }
    let Ok(sheet) = CssStyleSheet::new() else {
        return false;
    };
    if sheet.replace_sync(CSS).is_err() {
        return false;
    }
    root.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
    true
}

/// Whether the page reads right to left.
pub fn page_is_rtl() -> bool {
    let Some(doc) = dom::document() else {
        return false;
    };
    let from = |e: Option<Element>| e.and_then(|e| e.get_attribute("dir"));
    let body: Option<Element> = doc.body().map(Into::into);
    let dir = from(body).or_else(|| from(doc.document_element()));
    dir.is_some_and(|d| d.eq_ignore_ascii_case("rtl"))
}
