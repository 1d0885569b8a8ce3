//! The twelve placements and the sides and alignments they are made of.

use serde::{Deserialize, Serialize};

/// A side of the target (where the popover goes) or of the popover (where the arrow is).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Side {
    Top,
    Bottom,
    Left,
    Right,
}

impl Side {
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
    Start,
    End,
}

/// Where a popover sits relative to its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "full", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Placement {
    Top,
    TopStart,
    TopEnd,
    #[default]
    Bottom,
    BottomStart,
    BottomEnd,
    Left,
    LeftStart,
    LeftEnd,
    Right,
    RightStart,
    RightEnd,
}

impl Placement {
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
