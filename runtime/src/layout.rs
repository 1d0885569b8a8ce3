//! Keeping everything in place: one read pass, then one write pass, per frame.
//!
//! Owns the animation-frame loop (the frame asked for, bench samples). Scrolls,
//! resizes and DOM changes only ask for a frame; the frame first reads (awaited elements looked up after a change, the
//! target's box, the popover's size, the viewport), then hands those rects to the
//! core's geometry, then writes (the overlay's path, the popover's transform, the
//! beacons), so a scroll never makes the browser lay out twice. In bench mode each
//! frame's own work is timed with `performance.now()`.

use js_sys::Function;
use wasm_bindgen::prelude::*;
use waymark::geometry::{self, PlaceOptions};

use crate::context::Ctx;
use crate::dom;
use crate::msg::{post, LayoutMsg, Msg};
use crate::overlay::{PADDING, RADIUS};
use crate::tips::Tips;
use crate::tour::Tour;

/// The step popover's placement; `rtl`: the page reads right to left.
fn place_options(rtl: bool) -> PlaceOptions {
    PlaceOptions {
        gap: 12.0,
        arrow_size: 12.0,
        rtl,
        ..PlaceOptions::default()
    }
}

/// The frame loop.
pub struct Layout {
    frame_requested: bool,
    frame_cb: Function,
    /// In bench mode, the time each repositioning frame took (ms).
    bench: Option<Vec<f64>>,
}

impl Layout {
    pub fn new(bench: bool) -> Layout {
        // `FnMut(JsValue)` like every listener (one closure signature, see `dom::listen`).
        let frame_cb =
            Closure::<dyn FnMut(JsValue)>::new(|_: JsValue| post(Msg::Layout(LayoutMsg::Frame)))
                .into_js_value();
        Layout {
            frame_requested: false,
            frame_cb: frame_cb.into(),
            bench: bench.then(Vec::new),
        }
    }

    /// Bench mode turned on by a later `init`.
    pub fn bench_on(&mut self) {
        if self.bench.is_none() {
            self.bench = Some(Vec::new());
        }
    }

    pub fn bench(&self) -> Option<Vec<f64>> {
        self.bench.clone()
    }

    pub fn request_frame(&mut self) {
        if !self.frame_requested {
            self.frame_requested = true;
            dom::next_frame(&self.frame_cb);
        }
    }

    pub fn update(&mut self, msg: LayoutMsg, tour: &mut Tour, tips: &mut Tips, ctx: &mut Ctx) {
        match msg {
            LayoutMsg::Frame => self.frame(tour, tips, ctx),
            LayoutMsg::Changed => {
                ctx.changed = true;
                ctx.request_frame();
            }
            LayoutMsg::Moved => ctx.request_frame(),
        }
    }

    fn frame(&mut self, tour: &mut Tour, tips: &mut Tips, ctx: &mut Ctx) {
        self.frame_requested = false;
        let started = dom::perf_now();
        if std::mem::take(&mut ctx.changed) {
            after_change(tour, tips, ctx);
        }
        // Placed (and painted) in an earlier frame: the page goes inert at the end
        // of this one, after our reads, so its style change is never forced early.
        let inert_now = tour.inert_due();
        tour.scroll_if_pending();
        // Read.
        let vp = dom::viewport();
        let step = tour.read();
        let tip_reads = (!tips.is_empty()).then(|| tips.read());
        // Compute and write.
        let shown = step.is_some();
        if let Some(r) = step {
            let spot = r
                .target
                .and_then(|m| m.visible)
                .and_then(|v| geometry::spotlight(v, PADDING, RADIUS, vp));
            let placed = match r.target {
                Some(m) => {
                    let at = m.visible.unwrap_or(m.full).inflate(PADDING);
                    geometry::place(at, r.size, vp, r.placement, &place_options(ctx.rtl))
                }
                None => geometry::centered(r.size, vp),
            };
            tour.write(vp, spot, &placed, r.focused, ctx);
        }
        if let Some(reads) = tip_reads {
            tips.write(&reads, vp, ctx.rtl);
        }
        if inert_now {
            tour.make_inert(ctx);
        }
        if shown {
            if let Some(samples) = &mut self.bench {
                samples.push(dom::perf_now() - started);
            }
        }
    }
}

/// After the DOM changed: the host back in place, awaited elements looked
/// for, lost targets found again, and the size watch updated.
fn after_change(tour: &mut Tour, tips: &mut Tips, ctx: &mut Ctx) {
    ctx.layer.attach();
    tour.after_change(ctx);
    tips.after_change(ctx);
    tour.raise_over_target(ctx);
    let mut sized = tour.sized();
    sized.extend(tips.elements());
    if let Some(body) = dom::document().and_then(|d| d.body()) {
        sized.push(body.into());
    }
    ctx.watch.size_of(sized);
}
