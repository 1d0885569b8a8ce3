//! The twelve placements and the sides and alignments they are made of.

use serde::{Deserialize, Serialize};

/// A side of the target (where the popover goes) or of the popover (where the arrow is).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    /// Above.
    Top,
    /// Below.
    Bottom,
    /// To the left.
    Left,
    /// To the right.
    Right,
}

impl Side {
    /// The side across: top for bottom, left for right.
    pub fn opposite(self) -> Side {
        match self {
            Side::Top => Side::Bottom,
            Side::Bottom => Side::Top,
            Side::Left => Side::Right,
            Side::Right => Side::Left,
        }
    }
    /// Top and bottom stack the popover vertically; its cross axis is then x.
    pub fn is_vertical(self) -> bool {
        matches!(self, Side::Top | Side::Bottom)
    }
}

/// Where along the target's side the popover lines up: its start (left or top) edge
/// with the target's start, or its end with the target's end. No alignment centres it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Alignment {
    /// Start edges line up (left or top).
    Start,
    /// End edges line up (right or bottom).
    End,
}

/// Where a popover sits relative to its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "full", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Placement {
    /// Above, centred.
    Top,
    /// Above, left edges lined up.
    TopStart,
    /// Above, right edges lined up.
    TopEnd,
    /// Below, centred (the default).
    #[default]
    Bottom,
    /// Below, left edges lined up.
    BottomStart,
    /// Below, right edges lined up.
    BottomEnd,
    /// To the left, centred.
    Left,
    /// To the left, top edges lined up.
    LeftStart,
    /// To the left, bottom edges lined up.
    LeftEnd,
    /// To the right, centred.
    Right,
    /// To the right, top edges lined up.
    RightStart,
    /// To the right, bottom edges lined up.
    RightEnd,
}

impl Placement {
    /// The twelve placements.
    pub const ALL: [Placement; 12] = [
        Placement::Top,
        Placement::TopStart,
        Placement::TopEnd,
        Placement::Bottom,
        Placement::BottomStart,
        Placement::BottomEnd,
        Placement::Left,
        Placement::LeftStart,
        Placement::LeftEnd,
        Placement::Right,
        Placement::RightStart,
        Placement::RightEnd,
    ];

    /// The placement on `side` with `alignment` (`None`: centred).
    pub fn new(side: Side, alignment: Option<Alignment>) -> Placement {
        use {Alignment as A, Placement as P};
        match (side, alignment) {
            (Side::Top, None) => P::Top,
            (Side::Top, Some(A::Start)) => P::TopStart,
            (Side::Top, Some(A::End)) => P::TopEnd,
            (Side::Bottom, None) => P::Bottom,
            (Side::Bottom, Some(A::Start)) => P::BottomStart,
            (Side::Bottom, Some(A::End)) => P::BottomEnd,
            (Side::Left, None) => P::Left,
            (Side::Left, Some(A::Start)) => P::LeftStart,
            (Side::Left, Some(A::End)) => P::LeftEnd,
            (Side::Right, None) => P::Right,
            (Side::Right, Some(A::Start)) => P::RightStart,
            (Side::Right, Some(A::End)) => P::RightEnd,
        }
    }
    /// The side of the target the popover is on.
    pub fn side(self) -> Side {
        use Placement as P;
        match self {
            P::Top | P::TopStart | P::TopEnd => Side::Top,
            P::Bottom | P::BottomStart | P::BottomEnd => Side::Bottom,
            P::Left | P::LeftStart | P::LeftEnd => Side::Left,
            P::Right | P::RightStart | P::RightEnd => Side::Right,
        }
    }
    /// How it lines up along that side; `None` when centred.
    pub fn alignment(self) -> Option<Alignment> {
        use Placement as P;
        match self {
            P::Top | P::Bottom | P::Left | P::Right => None,
            P::TopStart | P::BottomStart | P::LeftStart | P::RightStart => Some(Alignment::Start),
            P::TopEnd | P::BottomEnd | P::LeftEnd | P::RightEnd => Some(Alignment::End),
        }
    }
    /// The other side of the target, same alignment.
    pub fn opposite(self) -> Placement {
        Placement::new(self.side().opposite(), self.alignment())
    }
    /// The placement read in the page's direction: on a right-to-left page (`rtl`),
    /// a guide's "right" is on the left and "left" on the right, and the start of a
    /// top or bottom placement is the target's right edge (its end the left edge).
    /// The alignment of a left or right placement is vertical and stays. Unchanged
    /// when `rtl` is false; mirroring twice gives the placement back.
    pub fn directed(self, rtl: bool) -> Placement {
        if !rtl {
            return self;
        }
        let side = match self.side() {
            Side::Left => Side::Right,
            Side::Right => Side::Left,
            s => s,
        };
        let alignment = match (side, self.alignment()) {
            (Side::Top | Side::Bottom, Some(Alignment::Start)) => Some(Alignment::End),
            (Side::Top | Side::Bottom, Some(Alignment::End)) => Some(Alignment::Start),
            (_, a) => a,
        };
        Placement::new(side, alignment)
    }
    /// The serialized name, e.g. `"top-start"`.
    pub fn as_str(self) -> &'static str {
        use Placement as P;
        match self {
            P::Top => "top",
            P::TopStart => "top-start",
            P::TopEnd => "top-end",
            P::Bottom => "bottom",
            P::BottomStart => "bottom-start",
            P::BottomEnd => "bottom-end",
            P::Left => "left",
            P::LeftStart => "left-start",
            P::LeftEnd => "left-end",
            P::Right => "right",
            P::RightStart => "right-start",
            P::RightEnd => "right-end",
        }
    }
}

impl std::fmt::Display for Placement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
