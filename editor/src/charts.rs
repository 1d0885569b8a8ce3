//! The arithmetic behind the Insights charts: round tick values for a count axis,
//! help-session outcomes per day (or per week for long ranges) with the days that
//! had none filled in, the rectangles of a stacked bar chart, how often an axis
//! can carry a label, and the bars of a guide's funnel. The components only turn
//! these numbers into SVG and HTML.

use waymark::metrics::{DayOutcomes, FunnelStep};

/// A chart's drawing area in SVG user units: the whole box and its margins, which
/// hold the axes' labels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

impl Frame {
    pub fn plot_width(&self) -> f64 {
        (self.width - self.left - self.right).max(0.0)
    }

    pub fn plot_height(&self) -> f64 {
        (self.height - self.top - self.bottom).max(0.0)
    }

    /// The y of the x axis: where a count of zero is drawn.
    pub fn baseline(&self) -> f64 {
        self.height - self.bottom
    }

    /// The y of `value` on an axis that ends at `top`.
    pub fn y_of(&self, value: f64, top: f64) -> f64 {
        if top <= 0.0 {
            return self.baseline();
        }
        self.baseline() - (value / top).clamp(0.0, 1.0) * self.plot_height()
    }
}

/// Round tick values from 0 up to at least `max`, at most `most` of them, spaced
/// 1, 2 or 5 times a power of ten. An axis with nothing on it still reads 0 to 1.
pub fn nice_ticks(max: usize, most: usize) -> Vec<usize> {
    if max == 0 {
        return vec![0, 1];
    }
    let intervals = most.max(2) - 1;
    let mut magnitude = 1usize;
    loop {
        for m in [1, 2, 5] {
            let step = m * magnitude;
            let n = max.div_ceil(step);
            if n <= intervals {
                return (0..=n).map(|i| i * step).collect();
            }
        }
        magnitude *= 10;
    }
}

/// Help-session outcomes over one bar's days, `first..=last`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bucket {
    pub first: i64,
    pub last: i64,
    pub resolved: usize,
    pub ticketed: usize,
    pub abandoned: usize,
}

impl Bucket {
    pub fn total(&self) -> usize {
        self.resolved + self.ticketed + self.abandoned
    }
}

/// One bar per day of `from..=to`, days without sessions included; when that is
/// more than `max_bars`, one bar per run of whole weeks instead, so bars stay wide
/// enough to see. Days outside the range are left out.
pub fn buckets(by_day: &[DayOutcomes], from: i64, to: i64, max_bars: usize) -> Vec<Bucket> {
    if from > to {
        return Vec::new();
    }
    let days = (to - from + 1) as usize;
    let size = if days <= max_bars.max(1) {
        1
    } else {
        7 * days.div_ceil(7 * max_bars.max(1))
    };
    let mut out: Vec<Bucket> = (0..days.div_ceil(size))
        .map(|i| {
            let first = from + (i * size) as i64;
            Bucket {
                first,
                last: (first + size as i64 - 1).min(to),
                ..Bucket::default()
            }
        })
        .collect();
    for d in by_day.iter().filter(|d| (from..=to).contains(&d.day)) {
        let b = &mut out[(d.day - from) as usize / size];
        b.resolved += d.resolved;
        b.ticketed += d.ticketed;
        b.abandoned += d.abandoned;
    }
    out
}

/// A rectangle of a bar: its top and height.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Segment {
    pub y: f64,
    pub height: f64,
}

/// One stacked bar: resolved at the bottom, then ticketed, then abandoned.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bar {
    /// The left edge of the bar and its width.
    pub x: f64,
    pub width: f64,
    /// The middle of the bar's slot, where its axis label goes.
    pub center: f64,
    pub resolved: Segment,
    pub ticketed: Segment,
    pub abandoned: Segment,
}

/// Bars for `buckets` side by side across the plot, on an axis that ends at `top`.
pub fn stacked_bars(buckets: &[Bucket], frame: &Frame, top: usize) -> Vec<Bar> {
    if buckets.is_empty() {
        return Vec::new();
    }
    let slot = frame.plot_width() / buckets.len() as f64;
    let width = (slot * 0.72).clamp(1.0, 36.0).min(slot);
    let top = top as f64;
    buckets
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let x = frame.left + i as f64 * slot + (slot - width) / 2.0;
            let mut below = 0.0;
            let mut segment = |n: usize| {
                let lower = frame.y_of(below, top);
                below += n as f64;
                let upper = frame.y_of(below, top);
                Segment {
                    y: upper,
                    height: lower - upper,
                }
            };
            Bar {
                x,
                width,
                center: x + width / 2.0,
                resolved: segment(b.resolved),
                ticketed: segment(b.ticketed),
                abandoned: segment(b.abandoned),
            }
        })
        .collect()
}

/// Every how many slots an axis can carry a label `label_width` wide without two
/// labels touching.
pub fn label_stride(slots: usize, plot_width: f64, label_width: f64) -> usize {
    if slots == 0 || plot_width <= 0.0 {
        return 1;
    }
    let slot = plot_width / slots as f64;
    ((label_width / slot).ceil() as usize).max(1)
}

/// A step of a funnel as drawn: its bar's length as a share of the widest step.
#[derive(Clone, Debug, PartialEq)]
pub struct FunnelBar {
    pub index: usize,
    pub step: String,
    pub users: usize,
    /// 0–100, of the step most users reached; never so thin that it disappears
    /// when some users reached it.
    pub width_pct: f64,
    /// Share of this step's users who never saw the next one (none for the last).
    pub drop_off: Option<f64>,
}

pub fn funnel_bars(steps: &[FunnelStep]) -> Vec<FunnelBar> {
    let widest = steps.iter().map(|s| s.users).max().unwrap_or(0);
    steps
        .iter()
        .map(|s| FunnelBar {
            index: s.index,
            step: s.step.clone(),
            users: s.users,
            width_pct: if widest == 0 || s.users == 0 {
                0.0
            } else {
                (s.users as f64 / widest as f64 * 100.0).max(1.0)
            },
            drop_off: s.drop_off.filter(|d| d.is_finite()),
        })
        .collect()
}

/// Share of the first step's users who reached the last step.
pub fn conversion(steps: &[FunnelStep]) -> Option<f64> {
    let (first, last) = (steps.first()?, steps.last()?);
    (first.users > 0 && steps.len() > 1).then(|| last.users as f64 / first.users as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FRAME: Frame = Frame {
        width: 600.0,
        height: 240.0,
        left: 40.0,
        right: 10.0,
        top: 10.0,
        bottom: 30.0,
    };

    fn day(day: i64, resolved: usize, ticketed: usize, abandoned: usize) -> DayOutcomes {
        DayOutcomes {
            day,
            resolved,
            ticketed,
            abandoned,
        }
    }

    #[test]
    fn ticks_are_round_numbers_that_reach_the_largest_value() {
        assert_eq!(nice_ticks(0, 6), vec![0, 1]);
        assert_eq!(nice_ticks(1, 6), vec![0, 1]);
        assert_eq!(nice_ticks(4, 6), vec![0, 1, 2, 3, 4]);
        assert_eq!(nice_ticks(7, 6), vec![0, 2, 4, 6, 8]);
        assert_eq!(nice_ticks(10, 6), vec![0, 2, 4, 6, 8, 10]);
        assert_eq!(nice_ticks(11, 6), vec![0, 5, 10, 15]);
        assert_eq!(nice_ticks(95, 6), vec![0, 20, 40, 60, 80, 100]);
        assert_eq!(nice_ticks(1234, 6), vec![0, 500, 1000, 1500]);
        for max in 1..500 {
            let ticks = nice_ticks(max, 6);
            assert!(ticks.len() <= 6, "{max}: {ticks:?}");
            assert!(*ticks.last().unwrap() >= max, "{max}: {ticks:?}");
        }
    }

    #[test]
    fn every_day_of_the_range_gets_a_bar_even_without_sessions() {
        let by_day = [day(101, 3, 1, 0), day(103, 0, 2, 5), day(99, 9, 9, 9)];
        let b = buckets(&by_day, 100, 104, 60);
        assert_eq!(b.len(), 5);
        assert_eq!(
            b.iter().map(|b| b.first).collect::<Vec<_>>(),
            vec![100, 101, 102, 103, 104]
        );
        assert_eq!(
            b.iter().map(Bucket::total).collect::<Vec<_>>(),
            vec![0, 4, 0, 7, 0]
        );
        assert_eq!((b[1].resolved, b[1].ticketed, b[1].abandoned), (3, 1, 0));
        assert!(buckets(&by_day, 5, 4, 60).is_empty(), "from after to");
    }

    #[test]
    fn long_ranges_are_drawn_by_week() {
        let by_day: Vec<DayOutcomes> = (0..365).map(|d| day(d, 1, 0, 0)).collect();
        let b = buckets(&by_day, 0, 364, 60);
        assert!(b.len() <= 60, "{} bars", b.len());
        let size = b[0].last - b[0].first + 1;
        assert_eq!(size % 7, 0, "whole weeks");
        assert_eq!(
            b.last().unwrap().last,
            364,
            "the last bar ends on the last day"
        );
        assert_eq!(
            b.iter().map(|b| b.resolved).sum::<usize>(),
            365,
            "no day lost"
        );
    }

    #[test]
    fn bars_stack_resolved_under_ticketed_under_abandoned_and_stay_in_the_plot() {
        let b = buckets(&[day(0, 4, 2, 2), day(1, 1, 0, 0)], 0, 1, 60);
        let bars = stacked_bars(&b, &FRAME, 8);
        assert_eq!(bars.len(), 2);
        let full = &bars[0];
        // 8 of 8: from the baseline to the top of the plot.
        assert_eq!(full.resolved.y + full.resolved.height, FRAME.baseline());
        assert_eq!(full.resolved.height, FRAME.plot_height() / 2.0);
        assert_eq!(full.ticketed.y + full.ticketed.height, full.resolved.y);
        assert_eq!(full.abandoned.y + full.abandoned.height, full.ticketed.y);
        assert_eq!(full.abandoned.y, FRAME.top);
        assert_eq!(bars[1].ticketed.height, 0.0);
        for bar in &bars {
            assert!(bar.x >= FRAME.left && bar.x + bar.width <= FRAME.width - FRAME.right);
            assert!((bar.center - (bar.x + bar.width / 2.0)).abs() < 1e-9);
        }
        assert!(bars[0].x + bars[0].width < bars[1].x, "a gap between bars");
    }

    #[test]
    fn labels_are_thinned_so_they_do_not_touch() {
        assert_eq!(label_stride(7, 700.0, 40.0), 1);
        assert_eq!(label_stride(30, 540.0, 40.0), 3);
        assert_eq!(label_stride(90, 540.0, 40.0), 7);
        assert_eq!(label_stride(0, 540.0, 40.0), 1);
        for slots in 1..200 {
            let stride = label_stride(slots, 540.0, 40.0);
            assert!(stride as f64 * 540.0 / slots as f64 >= 40.0);
        }
    }

    #[test]
    fn funnel_bars_are_measured_against_the_step_most_users_reached() {
        let step = |index, users, drop_off| FunnelStep {
            index,
            step: format!("s{index}"),
            users,
            drop_off,
        };
        let steps = [
            step(0, 200, Some(0.25)),
            step(1, 150, Some(0.99)),
            step(2, 1, Some(1.0)),
            step(3, 0, None),
        ];
        let bars = funnel_bars(&steps);
        let widths: Vec<f64> = bars.iter().map(|b| b.width_pct).collect();
        assert_eq!(
            widths,
            vec![100.0, 75.0, 1.0, 0.0],
            "one user stays visible"
        );
        assert_eq!(bars[0].drop_off, Some(0.25));
        assert_eq!(bars[3].drop_off, None);
        assert_eq!(conversion(&steps), Some(0.0));
        assert_eq!(conversion(&steps[..2]), Some(0.75));
        assert_eq!(conversion(&steps[..1]), None, "one step converts nothing");
        assert!(funnel_bars(&[]).is_empty());
    }
}
