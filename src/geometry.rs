//! Popover placement over plain rectangles, after `@floating-ui/core`.
//!
//! Owns where a step's popover goes relative to its target: the twelve
//! [`Placement`]s, the rules that adjust a placement in turn ([`offset`], [`flip`],
//! [`shift`], [`arrow`]), the no-target fallback ([`centered`]) and the cut-out of
//! the dimming overlay ([`spotlight`]). [`place`] chains the rules.
//!
//! It must not measure anything or touch the DOM: the runtime measures the target,
//! the popover and the viewport, passes them in as rects in one coordinate space
//! (CSS pixels of the viewport), and writes the answer into styles. Every function
//! is total: odd input (off-screen or huge targets, zero sizes, NaN from a detached
//! element) gives finite numbers, never a panic.

mod placement;
mod rect;

pub use placement::{Alignment, Placement, Side};
pub use rect::{Rect, Size};

use rect::{between, coord, EPSILON};
use serde::{Deserialize, Serialize};

/// Tuning for [`place`]; the defaults suit the runtime's stock popover.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlaceOptions {
    /// Distance between target and popover, the arrow included.
    pub gap: f64,
    /// Space kept free between the popover and the viewport's edges.
    pub viewport_margin: f64,
    /// Length of the arrow's base; 0 means no arrow.
    pub arrow_size: f64,
    /// Least distance from a popover corner to the arrow's centre.
    pub arrow_padding: f64,
    /// Try other placements when the preferred one does not fit ([`flip`]).
    pub flip: bool,
    /// Slide the popover along its side to stay in the viewport ([`shift`]).
    pub shift: bool,
    /// The page reads right to left: the preferred placement is taken in the page's
    /// direction ([`Placement::directed`]), as Floating UI's `platform.isRTL` does
    /// for start and end. The answer is in physical coordinates either way.
    pub rtl: bool,
}

impl Default for PlaceOptions {
    fn default() -> Self {
        PlaceOptions {
            gap: 12.0,
            viewport_margin: 8.0,
            arrow_size: 8.0,
            arrow_padding: 12.0,
            flip: true,
            shift: true,
            rtl: false,
        }
    }
}

/// The arrow that points from the popover at the target.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Arrow {
    /// The side of the popover the arrow sits on, facing the target.
    pub side: Side,
    /// Along that side, from the popover's left (or top) edge to the arrow's centre.
    pub offset: f64,
}

/// Where to put the popover: its top-left corner, and what was decided on the way.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Placed {
    /// The popover's left edge.
    pub x: f64,
    /// The popover's top edge.
    pub y: f64,
    /// The placement finally used, after flipping.
    pub placement: Placement,
    /// Where the arrow goes; `None` when the options ask for no arrow.
    pub arrow: Option<Arrow>,
    /// The popover lies entirely within the viewport minus its margin.
    pub fits: bool,
}

impl Placed {
    /// The popover's rect, given its size.
    pub fn rect(&self, popover: Size) -> Rect {
        Rect::new(self.x, self.y, popover.width, popover.height)
    }
}

/// Positions `popover` next to `target` inside `viewport`: [`offset`] puts it beside
/// the target, [`shift`] slides it along that side to stay on screen, [`flip`] moves
/// to another placement when even the shifted popover does not fit, and [`arrow`]
/// aims at the target from wherever it ended up. With [`PlaceOptions::rtl`],
/// `preferred` is first read in the page's direction ([`Placement::directed`]).
pub fn place(
    target: Rect,
    popover: Size,
    viewport: Rect,
    preferred: Placement,
    opts: &PlaceOptions,
) -> Placed {
    let (target, popover, viewport) = (
        target.sanitized(),
        popover.sanitized(),
        viewport.sanitized(),
    );
    let preferred = preferred.directed(opts.rtl);
    let gap = coord(opts.gap);
    let bounds = viewport.inflate(-coord(opts.viewport_margin).max(0.0));
    let has_arrow = opts.arrow_size > 0.0;
    // Half the arrow at least, so the arrow never pokes past a rounded corner.
    let pad = if has_arrow {
        coord(opts.arrow_padding).max(coord(opts.arrow_size) / 2.0)
    } else {
        0.0
    };
    let candidate = |placement: Placement| {
        let raw = offset(target, popover, placement, gap);
        if opts.shift {
            shift(raw, target, bounds, placement.side(), pad)
        } else {
            raw
        }
    };
    let (placement, rect) = if opts.flip {
        flip(
            &flip_order(preferred, target, viewport),
            candidate,
            bounds,
            viewport,
        )
    } else {
        (preferred, candidate(preferred))
    };
    let arrow = has_arrow.then(|| arrow(rect, target, viewport, placement.side(), pad));
    Placed {
        x: rect.x,
        y: rect.y,
        placement,
        arrow,
        fits: bounds.contains(&rect),
    }
}

/// The offset rule: the popover `gap` away from the target on the placement's side,
/// lined up with the target as the alignment says.
pub fn offset(target: Rect, popover: Size, placement: Placement, gap: f64) -> Rect {
    let side = placement.side();
    let (t_start, t_end, len) = if side.is_vertical() {
        (target.x, target.right(), popover.width)
    } else {
        (target.y, target.bottom(), popover.height)
    };
    let cross = match placement.alignment() {
        None => (t_start + t_end - len) / 2.0,
        Some(Alignment::Start) => t_start,
        Some(Alignment::End) => t_end - len,
    };
    let (x, y) = match side {
        Side::Top => (cross, target.y - gap - popover.height),
        Side::Bottom => (cross, target.bottom() + gap),
        Side::Left => (target.x - gap - popover.width, cross),
        Side::Right => (target.right() + gap, cross),
    };
    Rect::new(x, y, popover.width, popover.height)
}

/// The order [`flip`] tries placements in: the preferred one, the opposite side with
/// the same alignment, the perpendicular sides (roomier first) with that alignment,
/// then the other alignments of each side in that order. All twelve appear once, so
/// if any placement fits, flipping finds one.
pub fn flip_order(preferred: Placement, target: Rect, viewport: Rect) -> Vec<Placement> {
    let side = preferred.side();
    let room = |s: Side| match s {
        Side::Top => target.y - viewport.y,
        Side::Bottom => viewport.bottom() - target.bottom(),
        Side::Left => target.x - viewport.x,
        Side::Right => viewport.right() - target.right(),
    };
    // Right before left and bottom before top on a tie: reading order, and the default.
    let (a, b) = if side.is_vertical() {
        (Side::Right, Side::Left)
    } else {
        (Side::Bottom, Side::Top)
    };
    let (first, second) = if room(b) > room(a) { (b, a) } else { (a, b) };
    let sides = [side, side.opposite(), first, second];
    let alignments = [
        preferred.alignment(),
        None,
        Some(Alignment::Start),
        Some(Alignment::End),
    ];
    let mut order = Vec::with_capacity(12);
    for alignment in alignments {
        for s in sides {
            let p = Placement::new(s, alignment);
            if !order.contains(&p) {
                order.push(p);
            }
        }
    }
    order
}

/// The flip rule: the first placement in `order` whose popover (as made by
/// `candidate`) fits in `bounds`; failing that, the one showing the most of itself
/// in the viewport, the earlier on a tie.
pub fn flip(
    order: &[Placement],
    candidate: impl Fn(Placement) -> Rect,
    bounds: Rect,
    viewport: Rect,
) -> (Placement, Rect) {
    let mut best: Option<(Placement, Rect, f64)> = None;
    for &p in order {
        let rect = candidate(p);
        if bounds.contains(&rect) {
            return (p, rect);
        }
        let visible = rect.intersection(&viewport).map_or(0.0, |r| r.area());
        if best.is_none_or(|(_, _, v)| visible > v) {
            best = Some((p, rect, visible));
        }
    }
    // An empty order cannot come from `place`; answer something sensible anyway.
    best.map_or(
        (Placement::default(), candidate(Placement::default())),
        |(p, r, _)| (p, r),
    )
}

/// The shift rule: slides the popover along `side` (its cross axis) back inside
/// `bounds`, but stops where the arrow, kept `arrow_padding` from the corners, could
/// no longer reach the target. Left alone when already inside on that axis: a
/// placement that fits is never disturbed.
pub fn shift(popover: Rect, target: Rect, bounds: Rect, side: Side, arrow_padding: f64) -> Rect {
    let (pos, len, b_start, b_end, t_start, t_end) = if side.is_vertical() {
        (
            popover.x,
            popover.width,
            bounds.x,
            bounds.right(),
            target.x,
            target.right(),
        )
    } else {
        (
            popover.y,
            popover.height,
            bounds.y,
            bounds.bottom(),
            target.y,
            target.bottom(),
        )
    };
    if pos >= b_start - EPSILON && pos + len <= b_end + EPSILON {
        return popover;
    }
    // A popover wider than the bounds keeps its start edge visible: that is where a
    // title is read from.
    let inside = if pos < b_start || len > b_end - b_start {
        b_start
    } else {
        b_end - len
    };
    let pad = between(coord(arrow_padding), 0.0, len / 2.0);
    // The unshifted position is always allowed, even when the target is narrower than
    // the padding and the arrow cannot quite reach it there.
    let lowest = (t_start - len + pad).min(pos);
    let highest = (t_end - pad).max(pos);
    let moved = inside.max(lowest).min(highest);
    if side.is_vertical() {
        Rect {
            x: moved,
            ..popover
        }
    } else {
        Rect {
            y: moved,
            ..popover
        }
    }
}

/// The arrow rule: on the popover's side facing the target, pointing at the centre
/// of the target's visible part, kept `padding` clear of the popover's corners.
pub fn arrow(popover: Rect, target: Rect, viewport: Rect, side: Side, padding: f64) -> Arrow {
    let aim = target.intersection(&viewport).unwrap_or(target);
    let (pos, len, centre) = if side.is_vertical() {
        (popover.x, popover.width, aim.center_x())
    } else {
        (popover.y, popover.height, aim.center_y())
    };
    let pad = between(coord(padding), 0.0, len / 2.0);
    Arrow {
        side: side.opposite(),
        offset: between(centre - pos, pad, len - pad),
    }
}

/// For a step with no target: the popover in the middle of the viewport, or against
/// its top and left edges when it is too big, so the title stays readable. `placement`
/// is the default and there is no arrow.
pub fn centered(popover: Size, viewport: Rect) -> Placed {
    let (popover, viewport) = (popover.sanitized(), viewport.sanitized());
    let x = viewport.x + ((viewport.width - popover.width) / 2.0).max(0.0);
    let y = viewport.y + ((viewport.height - popover.height) / 2.0).max(0.0);
    let fits = viewport.contains(&Rect::new(x, y, popover.width, popover.height));
    Placed {
        x,
        y,
        placement: Placement::default(),
        arrow: None,
        fits,
    }
}

/// The hole in the dimming overlay around a target.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spotlight {
    /// The lit area: the target grown by the padding, clipped to the viewport.
    pub rect: Rect,
    /// Corner radius, never more than half the shorter side.
    pub radius: f64,
}

/// The cut-out for `target`: grown by `padding`, clipped to the viewport. `None` when
/// no part of the target is in the viewport, since there is nothing to light.
pub fn spotlight(target: Rect, padding: f64, radius: f64, viewport: Rect) -> Option<Spotlight> {
    let (target, viewport) = (target.sanitized(), viewport.sanitized());
    if !spans_meet(target.x, target.right(), viewport.x, viewport.right())
        || !spans_meet(target.y, target.bottom(), viewport.y, viewport.bottom())
    {
        return None;
    }
    let rect = target
        .inflate(coord(padding).max(0.0))
        .intersection(&viewport)?;
    let radius = coord(radius)
        .min(rect.width / 2.0)
        .min(rect.height / 2.0)
        .max(0.0);
    Some(Spotlight { rect, radius })
}

/// Whether span `a` shows within span `b`. Merely touching is not showing, but a
/// zero-length span (a hairline target) shows if it lies within `b`.
fn spans_meet(a_start: f64, a_end: f64, b_start: f64, b_end: f64) -> bool {
    if a_end > a_start {
        a_start < b_end && a_end > b_start
    } else {
        a_start >= b_start && a_start <= b_end
    }
}

#[cfg(test)]
mod tests;
