//! Deflection over time: help sessions per day (per week over long ranges) as
//! stacked bars, resolved at the bottom, then ticketed, then abandoned, with a
//! count axis, a date axis and a legend. The SVG is one image to assistive
//! technology, titled and described in words; each bar has its own tooltip.

use yew::prelude::*;

use crate::charts::{label_stride, nice_ticks, stacked_bars, Bucket, Frame};
use crate::days;
use crate::format::thousands;
use crate::insights::{bucket_label, chart_description};

const FRAME: Frame = Frame {
    width: 960.0,
    height: 280.0,
    left: 56.0,
    right: 16.0,
    top: 16.0,
    bottom: 52.0,
};
/// Room a date label ("30 Nov") needs on the x axis, in SVG units.
const LABEL_WIDTH: f64 = 52.0;

#[derive(Properties, PartialEq)]
pub struct DeflectionChartProps {
    pub buckets: Vec<Bucket>,
}

#[function_component(DeflectionChart)]
pub fn deflection_chart(p: &DeflectionChartProps) -> Html {
    let largest = p.buckets.iter().map(Bucket::total).max().unwrap_or(0);
    let ticks = nice_ticks(largest, 6);
    let top = *ticks.last().unwrap_or(&1);
    let bars = stacked_bars(&p.buckets, &FRAME, top);
    let stride = label_stride(p.buckets.len(), FRAME.plot_width(), LABEL_WIDTH);
    let by_week = p.buckets.first().is_some_and(|b| b.first != b.last);
    let baseline = FRAME.baseline();
    let right = FRAME.width - FRAME.right;
    let rect = |class: &'static str, x: f64, width: f64, y: f64, height: f64| {
        (height > 0.0).then(|| {
            html! { <rect class={class} x={format!("{x:.1}")} y={format!("{y:.1}")}
            width={format!("{width:.1}")} height={format!("{height:.1}")} /> }
        })
    };
    html! {
        <figure class="chart-figure">
            <ul class="legend" aria-hidden="true">
                <li><span class="swatch resolved"></span>{ "Resolved (deflected)" }</li>
                <li><span class="swatch ticketed"></span>{ "Ticketed" }</li>
                <li><span class="swatch abandoned"></span>{ "Abandoned" }</li>
            </ul>
            <svg class="chart deflection-chart" viewBox={format!("0 0 {} {}", FRAME.width, FRAME.height)}
                role="img" aria-labelledby="deflection-title deflection-desc">
                <title id="deflection-title">{ "Help sessions by outcome over time" }</title>
                <desc id="deflection-desc">{ chart_description(&p.buckets) }</desc>
                <g class="grid-lines">
                    { for ticks.iter().map(|t| {
                        let y = FRAME.y_of(*t as f64, top as f64);
                        html! {
                            <>
                                <line x1={FRAME.left.to_string()} x2={right.to_string()} y1={format!("{y:.1}")} y2={format!("{y:.1}")} />
                                <text class="tick y" x={(FRAME.left - 8.0).to_string()} y={format!("{y:.1}")}
                                    text-anchor="end" dominant-baseline="middle">{ thousands(*t) }</text>
                            </>
                        }
                    }) }
                </g>
                <g class="bars">
                    { for bars.iter().zip(&p.buckets).map(|(bar, b)| html! {
                        <g class="bar">
                            <title>{ bucket_label(b) }</title>
                            { rect("resolved", bar.x, bar.width, bar.resolved.y, bar.resolved.height) }
                            { rect("ticketed", bar.x, bar.width, bar.ticketed.y, bar.ticketed.height) }
                            { rect("abandoned", bar.x, bar.width, bar.abandoned.y, bar.abandoned.height) }
                        </g>
                    }) }
                </g>
                <line class="axis" x1={FRAME.left.to_string()} x2={right.to_string()}
                    y1={baseline.to_string()} y2={baseline.to_string()} />
                <g class="x-labels">
                    { for bars.iter().zip(&p.buckets).enumerate().filter(|(i, _)| i % stride == 0).map(|(_, (bar, b))| html! {
                        <text class="tick x" x={format!("{:.1}", bar.center)} y={(baseline + 18.0).to_string()}
                            text-anchor="middle">{ days::short_label(b.first) }</text>
                    }) }
                </g>
                <text class="axis-title" x={(FRAME.left + FRAME.plot_width() / 2.0).to_string()}
                    y={(FRAME.height - 6.0).to_string()} text-anchor="middle">
                    { if by_week { "Week starting (UTC)" } else { "Day (UTC)" } }
                </text>
                <text class="axis-title" transform={format!("translate(14 {}) rotate(-90)", FRAME.top + FRAME.plot_height() / 2.0)}
                    text-anchor="middle">{ "Help sessions" }</text>
            </svg>
        </figure>
    }
}
