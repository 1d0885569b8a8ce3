//! Plain rectangles and sizes, and the sanitising that keeps every later sum finite.

use serde::{Deserialize, Serialize};

/// Comparisons allow this much slack so that rounding in `x + width` never turns a
/// popover that exactly fills the space into one that "does not fit".
pub(super) const EPSILON: f64 = 1e-6;

/// Browsers clamp layout to about ±3.3e7 px; clamping inputs well beyond that keeps
/// every sum finite without changing any real layout.
const COORD_LIMIT: f64 = 1e9;

/// An axis-aligned rectangle: `x`, `y` of the top-left corner, then its size.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rect {
    /// Left edge, in CSS pixels of the viewport.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width; sanitised to 0 or more before use.
    pub width: f64,
    /// Height; sanitised to 0 or more before use.
    pub height: f64,
}

impl Rect {
    /// The rect with top-left corner (`x`, `y`) and this size.
    pub const fn new(x: f64, y: f64, width: f64, height: f64) -> Rect {
        Rect {
            x,
            y,
            width,
            height,
        }
    }
    /// The right edge: `x + width`.
    pub fn right(&self) -> f64 {
        self.x + self.width
    }
    /// The bottom edge: `y + height`.
    pub fn bottom(&self) -> f64 {
        self.y + self.height
    }
    /// The horizontal centre.
    pub fn center_x(&self) -> f64 {
        self.x + self.width / 2.0
    }
    /// The vertical centre.
    pub fn center_y(&self) -> f64 {
        self.y + self.height / 2.0
    }
    /// Width times height.
    pub fn area(&self) -> f64 {
        self.width * self.height
    }
    /// Whether `inner` lies entirely inside `self` (edges may touch).
    pub fn contains(&self, inner: &Rect) -> bool {
        inner.x >= self.x - EPSILON
            && inner.y >= self.y - EPSILON
            && inner.right() <= self.right() + EPSILON
            && inner.bottom() <= self.bottom() + EPSILON
    }
    /// The overlap of two rects, or `None` when they are disjoint. Rects that only
    /// touch give a zero-sized overlap.
    pub fn intersection(&self, other: &Rect) -> Option<Rect> {
        let (x, y) = (self.x.max(other.x), self.y.max(other.y));
        let (right, bottom) = (
            self.right().min(other.right()),
            self.bottom().min(other.bottom()),
        );
        (right >= x && bottom >= y).then(|| Rect::new(x, y, right - x, bottom - y))
    }
    /// Grown by `by` on every side; a negative `by` shrinks, never below zero size.
    pub fn inflate(&self, by: f64) -> Rect {
        let width = (self.width + 2.0 * by).max(0.0);
        let height = (self.height + 2.0 * by).max(0.0);
        Rect::new(
            self.center_x() - width / 2.0,
            self.center_y() - height / 2.0,
            width,
            height,
        )
    }
    /// Finite, non-negative in size and within [`COORD_LIMIT`].
    pub(super) fn sanitized(self) -> Rect {
        Rect::new(
            coord(self.x),
            coord(self.y),
            coord(self.width).max(0.0),
            coord(self.height).max(0.0),
        )
    }
}

/// The measured size of a popover.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Size {
    /// Width in CSS pixels.
    pub width: f64,
    /// Height in CSS pixels.
    pub height: f64,
}

impl Size {
    /// A size of `width` × `height`.
    pub const fn new(width: f64, height: f64) -> Size {
        Size { width, height }
    }
    pub(super) fn sanitized(self) -> Size {
        Size::new(coord(self.width).max(0.0), coord(self.height).max(0.0))
    }
}

/// `f64::clamp` without its panic: for a subnormal `len`, `len - len / 2.0` can come
/// out below `len / 2.0`, and a popover must not crash the page over it.
pub(super) fn between(v: f64, lo: f64, hi: f64) -> f64 {
    v.max(lo).min(hi)
}

pub(super) fn coord(v: f64) -> f64 {
    if v.is_finite() {
        v.clamp(-COORD_LIMIT, COORD_LIMIT)
    } else {
        0.0
    }
}
