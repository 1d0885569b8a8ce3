//! The spotlight: the page dimmed around the step's target, with a hole over it.
//!
//! Owns one SVG covering the viewport. Its path is the viewport with the core's
//! [`Spotlight`] cut out (even-odd fill), so the target shows through and clicks on
//! it reach the page, while clicks on the dimmed part are blocked unless the step
//! allows interaction. Nothing in the page is moved or restyled: whatever stacking
//! context, fixed parent or top-layer element holds the target, the hole is simply
//! drawn where the target is.

use waymark::geometry::{Rect, Spotlight};
use web_sys::Element;

use crate::dom;

/// Space around the target inside the hole, and its corner radius.
pub const PADDING: f64 = 6.0;
pub const RADIUS: f64 = 8.0;

pub struct Overlay {
    svg: Element,
    dim: Element,
    ring: Element,
    /// The last path written, so an unchanged frame writes nothing.
    last: String,
}

impl Overlay {
    pub fn new(layer: &Element) -> Option<Overlay> {
        let doc = layer.owner_document()?;
        let svg = doc.create_element_ns(Some(dom::SVG_NS), "svg").ok()?;
        dom::attr(&svg, "class", "overlay");
        dom::attr(&svg, "aria-hidden", "true");
        dom::attr(&svg, "hidden", "");
        let dim = doc.create_element_ns(Some(dom::SVG_NS), "path").ok()?;
        dom::attr(&dim, "class", "dim");
        let ring = doc.create_element_ns(Some(dom::SVG_NS), "path").ok()?;
        dom::attr(&ring, "class", "ring");
        svg.append_child(&dim).ok()?;
        svg.append_child(&ring).ok()?;
        layer.append_child(&svg).ok()?;
        Some(Overlay {
            svg,
            dim,
            ring,
            last: String::new(),
        })
    }

    /// The element clicks on the dimmed part land on.
    pub fn dim_element(&self) -> &Element {
        &self.dim
    }

    /// Shows the overlay. `blocking`: clicks outside the hole do nothing. A step
    /// that lets the user work around the spotlight is dimmed more lightly.
    pub fn show(&mut self, blocking: bool) {
        dom::toggle_class(&self.svg, "blocking", blocking);
        dom::toggle_class(&self.svg, "light", !blocking);
        dom::remove_attr(&self.svg, "hidden");
    }

    pub fn hide(&mut self) {
        dom::attr(&self.svg, "hidden", "");
        self.last.clear();
    }

    /// Draws the dimmed viewport with the hole (write pass only). The ring around
    /// the hole turns into a focus ring while the target has keyboard focus, which
    /// many host apps do not show well.
    pub fn draw(&mut self, viewport: Rect, spot: Option<Spotlight>, focused: bool) {
        dom::toggle_class(&self.ring, "focus", focused);
        let mut d = String::with_capacity(160);
        let (w, h) = (round(viewport.width), round(viewport.height));
        path(&mut d, &[("M0 0H", w), ("V", h)], "H0Z");
        let mut ring = String::new();
        if let Some(s) = spot {
            rounded(&mut ring, s.rect, s.radius);
            d.push_str(&ring);
        }
        if d != self.last {
            dom::attr(&self.dim, "d", &d);
            dom::attr(&self.ring, "d", &ring);
            self.last = d;
        }
    }
}

/// A rounded rectangle as path commands.
fn rounded(out: &mut String, r: Rect, radius: f64) {
    let (x, y, w, h, k) = (
        round(r.x),
        round(r.y),
        round(r.width),
        round(r.height),
        round(radius),
    );
    let (a, b, c, d, r, bt) = (x + k, x + w - k, y + k, y + h - k, x + w, y + h);
    #[rustfmt::skip]
    path(out, &[
        ("M", a), (" ", y), ("H", b),
        ("A", k), (" ", k), (" 0 0 1 ", r), (" ", c), ("V", d),
        ("A", k), (" ", k), (" 0 0 1 ", b), (" ", bt), ("H", a),
        ("A", k), (" ", k), (" 0 0 1 ", x), (" ", d), ("V", c),
        ("A", k), (" ", k), (" 0 0 1 ", a), (" ", y),
    ], "Z");
}

/// Path commands: each text followed by its number, then `end`. Written without
/// `core::fmt`, which would be compiled on the first step's path and every frame's.
fn path(out: &mut String, parts: &[(&str, i32)], end: &str) {
    for (text, n) in parts {
        out.push_str(text);
        dom::push_signed(out, i64::from(*n));
    }
    out.push_str(end);
}

/// Whole pixels: enough for a path, and integer formatting is small in wasm.
fn round(v: f64) -> i32 {
    dom::px(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_commands_match_the_formatted_numbers_also_below_zero() {
        let mut out = String::new();
        rounded(&mut out, Rect::new(-10.4, 20.6, 100.0, 40.0), 8.0);
        assert_eq!(
            out,
            "M-2 21H82A8 8 0 0 1 90 29V53A8 8 0 0 1 82 61H-2A8 8 0 0 1 -10 53V29A8 8 0 0 1 -2 21Z"
        );
        let mut d = String::new();
        path(&mut d, &[("M0 0H", 1280), ("V", 800)], "H0Z");
        assert_eq!(d, "M0 0H1280V800H0Z");
    }
}
