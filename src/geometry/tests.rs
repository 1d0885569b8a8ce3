//! One group per rule. The stage is a 1000×800 viewport, a 100×40 target and a
//! 200×100 popover unless a test says otherwise.

use super::*;

const VIEWPORT: Rect = Rect::new(0.0, 0.0, 1000.0, 800.0);
const POPOVER: Size = Size::new(200.0, 100.0);
const MIDDLE: Rect = Rect::new(450.0, 380.0, 100.0, 40.0);

fn opts() -> PlaceOptions {
    PlaceOptions::default()
}

fn all_finite(p: &Placed) -> bool {
    p.x.is_finite() && p.y.is_finite() && p.arrow.is_none_or(|a| a.offset.is_finite())
}

// ---- Placement ----

#[test]
fn placements_serialize_as_their_kebab_case_names_and_back() {
    for p in Placement::ALL {
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(json, format!("\"{}\"", p.as_str()));
        assert_eq!(serde_json::from_str::<Placement>(&json).unwrap(), p);
    }
    assert_eq!(Placement::LeftEnd.to_string(), "left-end");
}

#[test]
fn default_placement_is_bottom() {
    assert_eq!(Placement::default(), Placement::Bottom);
}

#[test]
fn opposite_swaps_the_side_and_keeps_the_alignment() {
    assert_eq!(Placement::TopStart.opposite(), Placement::BottomStart);
    assert_eq!(Placement::Left.opposite(), Placement::Right);
    assert_eq!(Placement::RightEnd.opposite(), Placement::LeftEnd);
    for p in Placement::ALL {
        assert_eq!(p.opposite().opposite(), p);
    }
}

#[test]
fn a_placement_is_rebuilt_from_its_side_and_alignment() {
    for p in Placement::ALL {
        assert_eq!(Placement::new(p.side(), p.alignment()), p);
    }
}

// ---- offset ----

#[test]
fn bottom_sits_a_gap_below_the_target_centred_on_it() {
    let r = offset(MIDDLE, POPOVER, Placement::Bottom, 12.0);
    assert_eq!((r.x, r.y), (400.0, 432.0));
}

#[test]
fn top_sits_a_gap_above_the_target() {
    let r = offset(MIDDLE, POPOVER, Placement::Top, 12.0);
    assert_eq!((r.x, r.bottom()), (400.0, 368.0));
}

#[test]
fn left_and_right_sit_a_gap_beside_the_target_centred_vertically() {
    let left = offset(MIDDLE, POPOVER, Placement::Left, 10.0);
    assert_eq!((left.right(), left.y), (440.0, 350.0));
    let right = offset(MIDDLE, POPOVER, Placement::Right, 10.0);
    assert_eq!((right.x, right.y), (560.0, 350.0));
}

#[test]
fn start_and_end_line_up_the_popover_edges_with_the_target_edges() {
    assert_eq!(
        offset(MIDDLE, POPOVER, Placement::BottomStart, 0.0).x,
        MIDDLE.x
    );
    assert_eq!(
        offset(MIDDLE, POPOVER, Placement::TopEnd, 0.0).right(),
        MIDDLE.right()
    );
    assert_eq!(
        offset(MIDDLE, POPOVER, Placement::RightStart, 0.0).y,
        MIDDLE.y
    );
    assert_eq!(
        offset(MIDDLE, POPOVER, Placement::LeftEnd, 0.0).bottom(),
        MIDDLE.bottom()
    );
}

// ---- flip ----

#[test]
fn flip_order_lists_every_placement_once_starting_with_the_preferred_then_its_opposite() {
    for p in Placement::ALL {
        let order = flip_order(p, MIDDLE, VIEWPORT);
        assert_eq!(order.len(), 12);
        assert!(Placement::ALL.iter().all(|q| order.contains(q)));
        assert_eq!(&order[..2], &[p, p.opposite()]);
    }
}

#[test]
fn flip_order_tries_the_roomier_perpendicular_side_first() {
    let near_right = Rect::new(900.0, 380.0, 50.0, 40.0);
    let order = flip_order(Placement::TopStart, near_right, VIEWPORT);
    assert_eq!(
        &order[..4],
        &[
            Placement::TopStart,
            Placement::BottomStart,
            Placement::LeftStart,
            Placement::RightStart
        ]
    );
    let order = flip_order(Placement::Top, MIDDLE, VIEWPORT);
    assert_eq!(
        order[2],
        Placement::Right,
        "a tie goes to the right, in reading order"
    );
}

#[test]
fn flip_keeps_the_preferred_placement_when_it_fits() {
    let placed = place(MIDDLE, POPOVER, VIEWPORT, Placement::Top, &opts());
    assert_eq!(placed.placement, Placement::Top);
    assert!(placed.fits);
}

#[test]
fn flip_goes_to_the_opposite_side_when_the_preferred_one_overflows() {
    let near_bottom = Rect::new(450.0, 720.0, 100.0, 40.0);
    let placed = place(
        near_bottom,
        POPOVER,
        VIEWPORT,
        Placement::BottomStart,
        &opts(),
    );
    assert_eq!(placed.placement, Placement::TopStart);
    assert!(placed.fits);
}

#[test]
fn flip_goes_to_a_perpendicular_side_when_neither_vertical_side_has_room() {
    let tall = Rect::new(100.0, 50.0, 100.0, 700.0);
    let placed = place(tall, POPOVER, VIEWPORT, Placement::Bottom, &opts());
    assert_eq!(placed.placement, Placement::Right);
    assert!(placed.fits);
}

#[test]
fn flip_falls_back_to_the_placement_showing_the_most_when_none_fits() {
    let order = [Placement::Top, Placement::Bottom];
    let bounds = VIEWPORT;
    let candidate = |p: Placement| match p {
        Placement::Top => Rect::new(0.0, -90.0, 100.0, 100.0),
        _ => Rect::new(0.0, 750.0, 100.0, 100.0),
    };
    assert_eq!(
        flip(&order, candidate, bounds, VIEWPORT).0,
        Placement::Bottom
    );
}

#[test]
fn without_flip_the_preferred_placement_is_kept_even_when_it_overflows() {
    let near_bottom = Rect::new(450.0, 720.0, 100.0, 40.0);
    let o = PlaceOptions {
        flip: false,
        ..opts()
    };
    let placed = place(near_bottom, POPOVER, VIEWPORT, Placement::Bottom, &o);
    assert_eq!(placed.placement, Placement::Bottom);
    assert!(!placed.fits);
}

// ---- shift ----

#[test]
fn shift_slides_an_overflowing_popover_back_inside_the_margin() {
    let near_right = Rect::new(930.0, 380.0, 60.0, 40.0);
    let placed = place(near_right, POPOVER, VIEWPORT, Placement::Bottom, &opts());
    assert_eq!(placed.placement, Placement::Bottom);
    assert_eq!(placed.x, 1000.0 - 8.0 - 200.0);
    assert!(placed.fits);
}

#[test]
fn shift_leaves_a_popover_that_is_already_inside_alone() {
    let r = Rect::new(300.0, 100.0, 200.0, 100.0);
    assert_eq!(shift(r, MIDDLE, VIEWPORT, Side::Bottom, 12.0), r);
}

#[test]
fn shift_stops_where_the_arrow_could_no_longer_reach_the_target() {
    // Target hanging off the right edge: fully inside, the popover would leave it.
    let off_right = Rect::new(1100.0, 380.0, 50.0, 40.0);
    let raw = offset(off_right, POPOVER, Placement::Bottom, 12.0);
    let moved = shift(raw, off_right, VIEWPORT.inflate(-8.0), Side::Bottom, 12.0);
    // The arrow's reach ends 12 px before the popover's right edge, at the target's left.
    assert_eq!(moved.x, off_right.x - 200.0 + 12.0);
}

#[test]
fn shift_keeps_the_start_edge_of_a_popover_wider_than_the_viewport_visible() {
    let wide = Rect::new(-300.0, 500.0, 1400.0, 100.0);
    let target = Rect::new(0.0, 380.0, 1000.0, 40.0);
    assert_eq!(
        shift(wide, target, VIEWPORT.inflate(-8.0), Side::Bottom, 12.0).x,
        8.0
    );
}

#[test]
fn without_shift_an_overflowing_popover_stays_where_offset_put_it() {
    let near_right = Rect::new(930.0, 380.0, 60.0, 40.0);
    let o = PlaceOptions {
        shift: false,
        flip: false,
        ..opts()
    };
    let placed = place(near_right, POPOVER, VIEWPORT, Placement::Bottom, &o);
    assert_eq!(placed.x, 860.0);
    assert!(!placed.fits);
}

// ---- arrow ----

#[test]
fn the_arrow_is_on_the_popover_side_facing_the_target_and_points_at_its_centre() {
    let placed = place(MIDDLE, POPOVER, VIEWPORT, Placement::Bottom, &opts());
    assert_eq!(
        placed.arrow,
        Some(Arrow {
            side: Side::Top,
            offset: 100.0
        })
    );
    let placed = place(MIDDLE, POPOVER, VIEWPORT, Placement::LeftStart, &opts());
    assert_eq!(
        placed.arrow,
        Some(Arrow {
            side: Side::Right,
            offset: 20.0
        })
    );
}

#[test]
fn the_arrow_keeps_its_padding_from_the_popover_corners() {
    let popover = Rect::new(0.0, 0.0, 200.0, 100.0);
    let far_left = Rect::new(-500.0, 0.0, 10.0, 10.0);
    assert_eq!(
        arrow(popover, far_left, VIEWPORT, Side::Bottom, 12.0).offset,
        12.0
    );
    let far_right = Rect::new(900.0, 0.0, 10.0, 10.0);
    assert_eq!(
        arrow(popover, far_right, VIEWPORT, Side::Bottom, 12.0).offset,
        188.0
    );
}

#[test]
fn the_arrow_aims_at_the_visible_part_of_a_target_partly_off_screen() {
    let popover = Rect::new(0.0, 420.0, 400.0, 100.0);
    let half_off = Rect::new(-200.0, 380.0, 400.0, 40.0);
    assert_eq!(
        arrow(popover, half_off, VIEWPORT, Side::Bottom, 12.0).offset,
        100.0
    );
}

#[test]
fn the_arrow_never_pokes_past_the_corner_of_a_popover_narrower_than_its_padding() {
    let tiny = Rect::new(0.0, 0.0, 10.0, 10.0);
    assert_eq!(
        arrow(tiny, MIDDLE, VIEWPORT, Side::Bottom, 12.0).offset,
        5.0
    );
    let zero = Rect::new(0.0, 0.0, 0.0, 0.0);
    assert_eq!(
        arrow(zero, MIDDLE, VIEWPORT, Side::Bottom, 12.0).offset,
        0.0
    );
}

#[test]
fn a_zero_arrow_size_means_no_arrow() {
    let o = PlaceOptions {
        arrow_size: 0.0,
        ..opts()
    };
    assert_eq!(
        place(MIDDLE, POPOVER, VIEWPORT, Placement::Top, &o).arrow,
        None
    );
}

// ---- awkward input ----

#[test]
fn a_target_larger_than_the_viewport_gives_finite_numbers() {
    let huge = Rect::new(-500.0, -500.0, 3000.0, 3000.0);
    for p in Placement::ALL {
        let placed = place(huge, POPOVER, VIEWPORT, p, &opts());
        assert!(all_finite(&placed), "{p}: {placed:?}");
        assert!(!placed.fits);
    }
}

#[test]
fn a_popover_larger_than_the_viewport_gives_finite_numbers_and_does_not_fit() {
    let placed = place(
        MIDDLE,
        Size::new(3000.0, 2000.0),
        VIEWPORT,
        Placement::Bottom,
        &opts(),
    );
    assert!(all_finite(&placed));
    assert!(!placed.fits);
}

#[test]
fn zero_sizes_give_finite_numbers() {
    let point = Rect::new(500.0, 400.0, 0.0, 0.0);
    let placed = place(
        point,
        Size::new(0.0, 0.0),
        Rect::new(0.0, 0.0, 0.0, 0.0),
        Placement::Top,
        &opts(),
    );
    assert!(all_finite(&placed));
    let placed = place(point, POPOVER, VIEWPORT, Placement::TopStart, &opts());
    assert!(all_finite(&placed) && placed.fits);
}

#[test]
fn nan_and_infinite_measurements_are_treated_as_zero() {
    let bad = Rect::new(f64::NAN, f64::INFINITY, f64::NEG_INFINITY, f64::NAN);
    let o = PlaceOptions {
        gap: f64::NAN,
        viewport_margin: f64::INFINITY,
        arrow_padding: f64::NAN,
        ..opts()
    };
    let placed = place(bad, Size::new(f64::NAN, 100.0), bad, Placement::Right, &o);
    assert!(all_finite(&placed), "{placed:?}");
    assert!(all_finite(&centered(
        Size::new(f64::NAN, f64::INFINITY),
        bad
    )));
    assert!(spotlight(bad, f64::NAN, f64::NAN, VIEWPORT).is_some_and(|s| s.radius.is_finite()));
}

// ---- centered ----

#[test]
fn centered_puts_the_popover_in_the_middle_of_the_viewport_without_an_arrow() {
    let placed = centered(POPOVER, Rect::new(0.0, 100.0, 1000.0, 800.0));
    assert_eq!((placed.x, placed.y), (400.0, 450.0));
    assert_eq!(placed.arrow, None);
    assert!(placed.fits);
}

#[test]
fn centered_pins_an_oversized_popover_to_the_top_left_so_its_title_shows() {
    let placed = centered(Size::new(1200.0, 300.0), VIEWPORT);
    assert_eq!((placed.x, placed.y), (0.0, 250.0));
    assert!(!placed.fits);
}

// ---- spotlight ----

#[test]
fn the_spotlight_grows_the_target_by_the_padding() {
    let s = spotlight(MIDDLE, 4.0, 6.0, VIEWPORT).unwrap();
    assert_eq!(s.rect, Rect::new(446.0, 376.0, 108.0, 48.0));
    assert_eq!(s.radius, 6.0);
}

#[test]
fn the_spotlight_is_clipped_to_the_viewport() {
    let corner = Rect::new(-20.0, -20.0, 60.0, 60.0);
    assert_eq!(
        spotlight(corner, 4.0, 0.0, VIEWPORT).unwrap().rect,
        Rect::new(0.0, 0.0, 44.0, 44.0)
    );
}

#[test]
fn there_is_no_spotlight_for_a_target_out_of_the_viewport() {
    assert_eq!(
        spotlight(Rect::new(0.0, 900.0, 50.0, 50.0), 4.0, 4.0, VIEWPORT),
        None
    );
    // Touching the edge from outside is not being on screen, however wide the padding.
    assert_eq!(
        spotlight(Rect::new(1000.0, 10.0, 50.0, 50.0), 40.0, 4.0, VIEWPORT),
        None
    );
}

#[test]
fn the_spotlight_radius_is_at_most_half_the_shorter_side() {
    let s = spotlight(Rect::new(10.0, 10.0, 100.0, 10.0), 0.0, 50.0, VIEWPORT).unwrap();
    assert_eq!(s.radius, 5.0);
}

#[test]
fn a_hairline_target_on_screen_still_gets_a_spotlight() {
    let s = spotlight(Rect::new(100.0, 100.0, 0.0, 20.0), 4.0, 2.0, VIEWPORT).unwrap();
    assert_eq!(s.rect, Rect::new(96.0, 96.0, 8.0, 28.0));
}

#[test]
fn a_subnormal_popover_side_does_not_panic() {
    // Halving a subnormal is inexact, so `len - len / 2` can fall below `len / 2`.
    let sliver = Rect::new(0.0, 0.0, 0.0, 7.7e-309);
    let a = arrow(sliver, MIDDLE, VIEWPORT, Side::Left, 12.0);
    assert!(a.offset >= 0.0 && a.offset <= sliver.height);
}

// ---- Right to left ----

#[test]
fn right_to_left_pages_mirror_sides_and_the_start_and_end_of_top_and_bottom() {
    use Placement as P;
    assert_eq!(P::RightStart.directed(false), P::RightStart);
    assert_eq!(P::Right.directed(true), P::Left);
    assert_eq!(P::Left.directed(true), P::Right);
    assert_eq!(
        P::LeftEnd.directed(true),
        P::RightEnd,
        "left/right keep their top/bottom alignment"
    );
    assert_eq!(P::RightStart.directed(true), P::LeftStart);
    assert_eq!(P::BottomStart.directed(true), P::BottomEnd);
    assert_eq!(P::TopEnd.directed(true), P::TopStart);
    assert_eq!(P::Top.directed(true), P::Top);
    assert_eq!(P::Bottom.directed(true), P::Bottom);
}

#[test]
fn mirroring_twice_gives_every_placement_back_and_left_to_right_changes_nothing() {
    for p in Placement::ALL {
        assert_eq!(p.directed(true).directed(true), p);
        assert_eq!(p.directed(false), p);
    }
}

#[test]
fn under_rtl_a_bottom_start_popover_lines_up_with_the_target_s_right_edge() {
    let rtl = PlaceOptions {
        rtl: true,
        ..opts()
    };
    let placed = place(MIDDLE, POPOVER, VIEWPORT, Placement::BottomStart, &rtl);
    assert_eq!(
        placed.placement,
        Placement::BottomEnd,
        "the physical placement"
    );
    assert_eq!(placed.x + POPOVER.width, MIDDLE.right());
    assert_eq!(placed.y, MIDDLE.bottom() + rtl.gap);
    let ltr = place(MIDDLE, POPOVER, VIEWPORT, Placement::BottomStart, &opts());
    assert_eq!(ltr.x, MIDDLE.x);
}

#[test]
fn under_rtl_a_right_popover_goes_on_the_target_s_left_and_flips_from_there() {
    let rtl = PlaceOptions {
        rtl: true,
        ..opts()
    };
    let placed = place(MIDDLE, POPOVER, VIEWPORT, Placement::Right, &rtl);
    assert_eq!(placed.placement, Placement::Left);
    assert_eq!(placed.x + POPOVER.width + rtl.gap, MIDDLE.x);
    // No room on the left: it flips to the other side, the guide's "left".
    let near_left = Rect::new(20.0, 380.0, 100.0, 40.0);
    let flipped = place(near_left, POPOVER, VIEWPORT, Placement::Right, &rtl);
    assert_eq!(flipped.placement, Placement::Right);
    assert_eq!(flipped.x, near_left.right() + rtl.gap);
}
