//! Properties of `geometry::place` over random targets, popovers and viewports.
//!
//! The unit tests in `src/geometry/tests.rs` show each rule on a fixed stage; these
//! check that the rules hold together everywhere, including the corners of the space
//! (targets off screen, popovers bigger than the viewport, NaN).

use proptest::prelude::*;
use waymark::geometry::{offset, place, PlaceOptions, Placed, Placement, Rect, Side, Size};

fn placement() -> impl Strategy<Value = Placement> {
    proptest::sample::select(Placement::ALL.to_vec())
}

fn viewport() -> impl Strategy<Value = Rect> {
    (
        -200.0..200.0f64,
        -200.0..200.0f64,
        0.0..2000.0f64,
        0.0..1500.0f64,
    )
        .prop_map(|(x, y, w, h)| Rect::new(x, y, w, h))
}

/// Anywhere from well off screen to inside, from a hairline to bigger than the viewport.
fn target() -> impl Strategy<Value = Rect> {
    (
        -1500.0..2500.0f64,
        -1500.0..2500.0f64,
        0.0..2500.0f64,
        0.0..600.0f64,
    )
        .prop_map(|(x, y, w, h)| Rect::new(x, y, w, h))
}

fn popover() -> impl Strategy<Value = Size> {
    (0.0..900.0f64, 0.0..700.0f64).prop_map(|(w, h)| Size::new(w, h))
}

/// A target, popover and viewport. Mostly an ordinary page (target on screen, popover
/// smaller than the viewport) so that some placement often fits; sometimes anything.
fn scene() -> impl Strategy<Value = (Rect, Size, Rect)> {
    let ordinary = (300.0..2000.0f64, 300.0..1500.0f64).prop_flat_map(|(vw, vh)| {
        let viewport = Rect::new(0.0, 0.0, vw, vh);
        let target = (0.0..vw, 0.0..vh, 0.0..vw / 2.0, 0.0..vh / 3.0)
            .prop_map(|(x, y, w, h)| Rect::new(x, y, w, h));
        let popover = (0.0..vw * 0.6, 0.0..vh * 0.4).prop_map(|(w, h)| Size::new(w, h));
        (target, popover, Just(viewport))
    });
    prop_oneof![3 => ordinary, 1 => (target(), popover(), viewport())]
}

fn options() -> impl Strategy<Value = PlaceOptions> {
    (
        0.0..30.0f64,
        0.0..24.0f64,
        0.0..16.0f64,
        0.0..30.0f64,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(gap, viewport_margin, arrow_size, arrow_padding, flip, shift, rtl)| PlaceOptions {
                gap,
                viewport_margin,
                arrow_size,
                arrow_padding,
                flip,
                shift,
                rtl,
            },
        )
}

fn bounds(viewport: Rect, opts: &PlaceOptions) -> Rect {
    viewport.inflate(-opts.viewport_margin)
}

/// The placements whose popover fits as `offset` puts it, before any shifting.
fn fitting_unshifted(
    target: Rect,
    popover: Size,
    viewport: Rect,
    opts: &PlaceOptions,
) -> Vec<Placement> {
    Placement::ALL
        .into_iter()
        .filter(|&p| bounds(viewport, opts).contains(&offset(target, popover, p, opts.gap)))
        .collect()
}

fn is_finite(p: &Placed) -> bool {
    p.x.is_finite() && p.y.is_finite() && p.arrow.is_none_or(|a| a.offset.is_finite())
}

fn wild() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => -5000.0..5000.0f64,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(f64::NEG_INFINITY),
        1 => Just(f64::MAX),
        1 => Just(-f64::MAX),
        1 => any::<f64>(),
    ]
}

proptest! {
    // Two properties only speak of scenes where something fits, and discard the rest.
    #![proptest_config(ProptestConfig { cases: 2000, max_global_rejects: 20_000, ..ProptestConfig::default() })]

    #[test]
    fn when_any_placement_fits_flipping_finds_one_inside_the_margin(
        (target, popover, viewport) in scene(),
        preferred in placement(), opts in options(),
    ) {
        let opts = PlaceOptions { flip: true, ..opts };
        prop_assume!(!fitting_unshifted(target, popover, viewport, &opts).is_empty());
        let placed = place(target, popover, viewport, preferred, &opts);
        prop_assert!(placed.fits, "{placed:?}");
        prop_assert!(bounds(viewport, &opts).contains(&placed.rect(popover)), "{placed:?}");
    }

    #[test]
    fn a_fitting_preferred_placement_is_the_one_used_where_offset_put_it(
        (target, popover, viewport) in scene(),
        preferred in placement(), opts in options(),
    ) {
        // On a right-to-left page the guide's placement is read in the page's direction.
        let physical = preferred.directed(opts.rtl);
        prop_assume!(fitting_unshifted(target, popover, viewport, &opts).contains(&physical));
        let placed = place(target, popover, viewport, preferred, &opts);
        prop_assert_eq!(placed.placement, physical);
        prop_assert!(placed.fits);
        let unshifted = offset(target, popover, physical, opts.gap);
        prop_assert_eq!((placed.x, placed.y), (unshifted.x, unshifted.y));
    }

    #[test]
    fn the_arrow_sits_within_the_popover_side_that_faces_the_target(
        target in target(), popover in popover(), viewport in viewport(),
        preferred in placement(), opts in options(),
    ) {
        let placed = place(target, popover, viewport, preferred, &opts);
        prop_assert_eq!(placed.arrow.is_some(), opts.arrow_size > 0.0);
        if let Some(arrow) = placed.arrow {
            prop_assert_eq!(arrow.side, placed.placement.side().opposite());
            let len = match arrow.side {
                Side::Top | Side::Bottom => popover.width,
                Side::Left | Side::Right => popover.height,
            };
            prop_assert!(arrow.offset >= 0.0 && arrow.offset <= len, "{arrow:?} on a side of {len}");
        }
    }

    #[test]
    fn shifting_never_slides_the_popover_clear_of_the_target(
        target in target(), popover in popover(), viewport in viewport(),
        preferred in placement(), opts in options(),
    ) {
        let placed = place(target, popover, viewport, preferred, &opts);
        let r = placed.rect(popover);
        let (start, end, t_start, t_end) = if placed.placement.side().is_vertical() {
            (r.x, r.right(), target.x, target.right())
        } else {
            (r.y, r.bottom(), target.y, target.bottom())
        };
        prop_assert!(start <= t_end + 1e-6 && end >= t_start - 1e-6, "{placed:?}");
    }

    #[test]
    fn the_answer_is_always_finite_whatever_was_measured(
        r in (wild(), wild(), wild(), wild()), s in (wild(), wild()),
        v in (wild(), wild(), wild(), wild()), o in (wild(), wild(), wild(), wild()),
        preferred in placement(), flip in any::<bool>(), shift in any::<bool>(), rtl in any::<bool>(),
    ) {
        let target = Rect::new(r.0, r.1, r.2, r.3);
        let viewport = Rect::new(v.0, v.1, v.2, v.3);
        let popover = Size::new(s.0, s.1);
        let opts = PlaceOptions { gap: o.0, viewport_margin: o.1, arrow_size: o.2, arrow_padding: o.3, flip, shift, rtl };
        let placed = place(target, popover, viewport, preferred, &opts);
        prop_assert!(is_finite(&placed), "{placed:?}");
        let c = waymark::geometry::centered(popover, viewport);
        prop_assert!(is_finite(&c), "{c:?}");
        if let Some(s) = waymark::geometry::spotlight(target, o.0, o.1, viewport) {
            let ok = [s.rect.x, s.rect.y, s.rect.width, s.rect.height, s.radius].iter().all(|n| n.is_finite());
            prop_assert!(ok && s.rect.width >= 0.0 && s.rect.height >= 0.0 && s.radius >= 0.0, "{s:?}");
        }
    }

    #[test]
    fn under_rtl_sides_swap_and_top_and_bottom_start_and_end_mirror(
        (target, popover, viewport) in scene(), preferred in placement(), opts in options(),
    ) {
        // Without flipping and shifting the popover goes exactly where the placement says.
        let fixed = PlaceOptions { flip: false, shift: false, ..opts };
        let ltr = place(target, popover, viewport, preferred, &PlaceOptions { rtl: false, ..fixed.clone() });
        let rtl = place(target, popover, viewport, preferred, &PlaceOptions { rtl: true, ..fixed.clone() });
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * (1.0 + a.abs().max(b.abs()));
        let (gap, w) = (fixed.gap, popover.width);
        match (preferred.side(), preferred.alignment()) {
            (Side::Left, _) => prop_assert!(close(rtl.x, target.right() + gap), "{rtl:?}"),
            (Side::Right, _) => prop_assert!(close(rtl.x + w + gap, target.x), "{rtl:?}"),
            (_, Some(waymark::geometry::Alignment::Start)) => prop_assert!(close(rtl.x + w, target.right()), "{rtl:?}"),
            (_, Some(waymark::geometry::Alignment::End)) => prop_assert!(close(rtl.x, target.x), "{rtl:?}"),
            (_, None) => prop_assert!(close(rtl.x, ltr.x), "centred either way"),
        }
        prop_assert!(close(rtl.y, ltr.y), "right to left changes nothing vertically");
    }
}
