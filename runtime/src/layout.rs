//! Keeping everything in place: one read pass, then one write pass, per frame.
//!
//! Owns the animation-frame loop. Scrolls, resizes and DOM changes only ask for a
//! frame; the frame first reads (awaited elements looked up after a change, the
//! target's box, the popover's size, the viewport), then hands those rects to the
//! core's geometry, then writes (the overlay's path, the popover's transform, the
//! beacons), so a scroll never makes the browser lay out twice. In bench mode each
//! frame's own work is timed with `performance.now()`.

use wasm_bindgen::JsCast;
use waymark::geometry::{self, PlaceOptions, Rect};
use web_sys::Element;

use crate::overlay::{PADDING, RADIUS};
use crate::popover::directed;
use crate::shell::Shell;
use crate::targets::{Found, Lookup};
use crate::{dom, interaction, targets};

/// The viewport in CSS pixels, without scrollbars.
pub fn viewport() -> Rect {
    let size = dom::document()
        .and_then(|d| d.document_element())
        .map(|e| (f64::from(e.client_width()), f64::from(e.client_height())));
    match size {
        Some((w, h)) if w > 0.0 && h > 0.0 => Rect::new(0.0, 0.0, w, h),
        _ => {
            let w = dom::window();
            let get = |f: fn(
                &web_sys::Window,
            )
                -> Result<wasm_bindgen::JsValue, wasm_bindgen::JsValue>| {
                w.as_ref().and_then(|w| f(w).ok()?.as_f64()).unwrap_or(0.0)
            };
            Rect::new(
                0.0,
                0.0,
                get(web_sys::Window::inner_width),
                get(web_sys::Window::inner_height),
            )
        }
    }
}

fn place_options() -> PlaceOptions {
    PlaceOptions {
        gap: 12.0,
        arrow_size: 12.0,
        ..PlaceOptions::default()
    }
}

/// Scrolls the target into view (its scrolling containers too) unless all of it
/// shows already. Smooth, unless the user prefers reduced motion.
pub fn scroll_into_view(f: &Found) {
    let m = f.measure();
    let vp = viewport();
    let whole = m
        .visible
        .is_some_and(|v| v.width >= m.full.width - 1.0 && v.height >= m.full.height - 1.0);
    if whole && vp.contains(&m.full) {
        return;
    }
    let tall = m.full.height > vp.height * 0.7;
    let opts = dom::options(match (tall, dom::reduced_motion()) {
        (true, true) => r#"{"block":"start","inline":"nearest","behavior":"instant"}"#,
        (true, false) => r#"{"block":"start","inline":"nearest","behavior":"smooth"}"#,
        (false, true) => r#"{"block":"center","inline":"nearest","behavior":"instant"}"#,
        (false, false) => r#"{"block":"center","inline":"nearest","behavior":"smooth"}"#,
    });
    f.el.scroll_into_view_with_scroll_into_view_options(opts.unchecked_ref());
}

/// The element of the main document's light tree that holds the target: the
/// target itself, its outermost iframe, or its outermost shadow host.
pub fn light_anchor(f: &Found) -> Element {
    let mut e = f.frames.first().cloned().unwrap_or_else(|| f.el.clone());
    for _ in 0..32 {
        match dom::as_shadow_root(&e.get_root_node()) {
            Some(s) => e = s.host(),
            None => break,
        }
    }
    e
}

impl Shell {
    pub fn request_frame(&mut self) {
        if !self.frame_requested {
            self.frame_requested = true;
            dom::next_frame(&self.frame_cb);
        }
    }

    pub fn frame(&mut self) {
        self.frame_requested = false;
        let started = dom::perf_now();
        if std::mem::take(&mut self.changed) {
            self.after_change();
        }
        // Placed (and painted) in an earlier frame: the page goes inert at the end
        // of this one, after our reads, so its style change is never forced early.
        let inert_now = self.inert_pending && self.popover.is_placed();
        if std::mem::take(&mut self.scroll_pending) {
            if let Some(f) = self.step.as_ref().and_then(|s| s.found.as_ref()) {
                scroll_into_view(f);
            }
        }
        // Read.
        let vp = viewport();
        let step = self.step.as_ref().map(|s| {
            let live = s.found.as_ref().filter(|f| f.is_live());
            let focused = live.is_some_and(|f| {
                crate::a11y::deep_active_element()
                    .is_some_and(|a| dom::contains_composed(&f.el, &a))
            });
            (
                live.map(Found::measure),
                self.popover.size(),
                s.view.placement,
                focused,
            )
        });
        let tips = (!self.tips.is_empty()).then(|| self.tips.read());
        // Compute and write.
        if let Some((m, size, placement, focused)) = step {
            let spot = m
                .and_then(|m| m.visible)
                .and_then(|v| geometry::spotlight(v, PADDING, RADIUS, vp));
            let placed = match m {
                Some(m) => {
                    let at = m.visible.unwrap_or(m.full).inflate(PADDING);
                    geometry::place(
                        at,
                        size,
                        vp,
                        directed(placement, self.rtl),
                        &place_options(),
                    )
                }
                None => geometry::centered(size, vp),
            };
            self.overlay.draw(vp, spot, focused);
            self.popover.place(&placed);
            if self.inert_pending {
                self.request_frame();
            }
            if std::mem::take(&mut self.focus_pending) {
                dom::focus_quiet(&self.popover.focus_target());
            }
        }
        if let Some(reads) = tips {
            self.tips.write(&reads, vp, self.rtl);
        }
        if inert_now {
            self.inert_pending = false;
            let mut keep = vec![self.layer.host.clone()];
            let step = self.step.as_ref().and_then(|s| s.found.as_ref());
            keep.extend(step.map(light_anchor));
            self.a11y.make_inert(&keep);
        }
        if step.is_some() {
            if let Some(samples) = &mut self.bench {
                samples.push(dom::perf_now() - started);
            }
        }
        // Targets that turned up answer the engine now.
        self.drain();
    }

    /// After the DOM changed: the host back in place, awaited elements looked
    /// for, lost targets found again, and the size watch updated.
    fn after_change(&mut self) {
        self.layer.attach();
        self.look_for_target();
        self.look_for_visible();
        self.refind_step_target();
        self.check_errors();
        if !self.tips.is_empty() && self.tips.unresolved() {
            let (found, missing) = self.tips.resolve();
            for f in &found {
                self.watch.follow(&f.roots);
                interaction::follow_documents(&f.roots);
            }
            missing.iter().for_each(|r| self.watch.observe(r));
        }
        self.raise_over_target();
        let mut sized: Vec<Element> = vec![self.popover.el.clone().into()];
        if let Some(f) = self.step.as_ref().and_then(|s| s.found.as_ref()) {
            sized.push(f.el.clone());
        }
        sized.extend(self.tips.elements());
        if let Some(body) = dom::document().and_then(|d| d.body()) {
            sized.push(body.into());
        }
        self.watch.size_of(sized);
    }

    /// A shown step whose element was re-rendered (or never came) is looked up again.
    fn refind_step_target(&mut self) {
        let Some(s) = &mut self.step else { return };
        let Some(target) = &s.view.target else { return };
        if s.found.as_ref().is_some_and(Found::is_live) {
            return;
        }
        match targets::find(target) {
            Lookup::Found(f) => {
                self.watch.follow(&f.roots);
                interaction::follow_documents(&f.roots);
                s.found = Some(f);
            }
            Lookup::Missing(roots) => {
                s.found = None;
                roots.iter().for_each(|r| self.watch.observe(r));
            }
        }
    }

    /// A target inside a dialog or popover of the page's own, shown in the top
    /// layer after ours, needs ours raised above it again.
    fn raise_over_target(&mut self) {
        let holder = self
            .step
            .as_ref()
            .and_then(|s| s.found.as_ref())
            .map(light_anchor)
            .and_then(|a| a.closest("dialog[open], :popover-open").ok().flatten());
        if holder.is_some() && holder != self.raised_over {
            self.layer.raise();
        }
        self.raised_over = holder;
    }
}
