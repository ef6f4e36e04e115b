//! The daily bandwidth chart of a service: this billing period beside the previous one, as an
//! SVG string drawn on the server (no script, no external resource), plus the same figures as
//! table rows for screen readers and for anyone without images.
//!
//! The caller (the server module's client area and admin tab) passes the days it read from
//! Aflexi and the texts in the reader's language; this module decides everything drawn: the
//! unit (MB below 1 GB, else GB, as [`crate::usage::format_mb`] reads figures), a "nice" axis
//! (steps of 1, 2 or 5 × 10ⁿ, at most [`MAX_TICKS`] + 1 lines), the bar geometry and every
//! label. Every text that reaches the SVG is XML-escaped here, the id is checked.
//!
//! ```
//! use aflexi_core::usage_chart::{render, ChartSpec, Day, Period};
//! let day = |date: &str, mb| Day { date: date.into(), mb };
//! let chart = render(&ChartSpec {
//!     id: "usage-7".into(),
//!     title: "Bandwidth <per day>".into(),
//!     axis: "Day of the period".into(),
//!     current: Period { label: "December".into(), days: vec![day("2026-12-01", 1536)] },
//!     previous: Period { label: "November".into(), days: vec![day("2026-11-01", 512)] },
//! }).unwrap();
//! assert!(chart.svg.starts_with("<svg "));
//! assert!(chart.svg.contains("Bandwidth &lt;per day&gt;"));
//! assert_eq!(chart.rows[0].current, "1.5 GB");
//! assert_eq!(chart.current_total, "1.5 GB");
//! ```

use std::fmt::Write;

use serde::{Deserialize, Serialize};

use crate::usage::{decimal, format_mb, MB_PER_GB};
use crate::{Error, Result};

/// At most this many steps on the vertical axis.
pub const MAX_TICKS: u32 = 5;
/// The most days one period may have (a year, leap day included).
pub const MAX_DAYS: usize = 366;

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 280.0;
const LEFT: f64 = 72.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 64.0;
const CURRENT_FILL: &str = "#1f6fb2";
const PREVIOUS_FILL: &str = "#9aa5b1";

/// What to draw.
#[derive(Debug, Clone, Deserialize)]
pub struct ChartSpec {
    /// The id of the `<svg>`, unique in the page (letters, digits, `-`, `_`; a letter first).
    pub id: String,
    /// The chart's title (`<title>`), e.g. "Daily bandwidth".
    pub title: String,
    /// The label under the horizontal axis, e.g. "Day of the billing period".
    pub axis: String,
    /// This period, its days in order.
    pub current: Period,
    /// The previous period, its days in order.
    pub previous: Period,
}

/// One period: its label (legend, table header) and its days.
#[derive(Debug, Clone, Deserialize)]
pub struct Period {
    pub label: String,
    pub days: Vec<Day>,
}

/// One day: `YYYY-MM-DD` and the MB transferred (HTTP and RTMP).
#[derive(Debug, Clone, Deserialize)]
pub struct Day {
    pub date: String,
    pub mb: i64,
}

/// The chart: the SVG, one table row per day of the period, and each period's total.
#[derive(Debug, Clone, Serialize)]
pub struct Chart {
    pub svg: String,
    pub rows: Vec<Row>,
    pub current_total: String,
    pub previous_total: String,
}

/// Day `day` (1-based) of both periods; a period shorter than the other has `""` there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub day: usize,
    pub current_date: String,
    pub current: String,
    pub previous_date: String,
    pub previous: String,
}

/// The vertical axis: the unit it is labelled in and its steps.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// "MB" or "GB".
    pub unit: &'static str,
    /// MB per unit (1 or 1024).
    pub unit_mb: f64,
    /// One step, in the unit.
    pub step: f64,
    /// Steps up to the top line (the top is `step × steps` ≥ the largest day).
    pub steps: u32,
}

impl Axis {
    /// The axis for a largest day of `max_mb`: GB from 1 GB up, else MB; the smallest step of
    /// 1, 2 or 5 × 10ⁿ that reaches the largest day in at most [`MAX_TICKS`] steps.
    pub fn for_max(max_mb: i64) -> Axis {
        let (unit, unit_mb) = if max_mb >= MB_PER_GB {
            ("GB", MB_PER_GB as f64)
        } else {
            ("MB", 1.0)
        };
        let top = (max_mb.max(0) as f64 / unit_mb).max(1.0);
        let raw = top / f64::from(MAX_TICKS);
        let magnitude = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 5.0, 10.0]
            .iter()
            .map(|m| m * magnitude)
            .find(|s| *s >= raw - 1e-9)
            .unwrap_or(10.0 * magnitude);
        let step = if unit == "MB" { step.max(1.0) } else { step };
        let steps = ((top / step) - 1e-9).ceil().max(1.0) as u32;
        Axis {
            unit,
            unit_mb,
            step,
            steps,
        }
    }

    /// The top of the axis in MB.
    pub fn top_mb(&self) -> f64 {
        self.step * f64::from(self.steps) * self.unit_mb
    }

    /// The label of line `i` (0 = the baseline): "0", "0.5 GB", "200 MB".
    pub fn label(&self, i: u32) -> String {
        if i == 0 {
            return "0".into();
        }
        format!("{} {}", decimal(self.step * f64::from(i)), self.unit)
    }
}

/// Draws the chart.
///
/// # Errors
///
/// [`Error::InvalidInput`] for an id that is not a plain identifier, a negative figure, a
/// date that is not `YYYY-MM-DD`, or a period longer than [`MAX_DAYS`].
pub fn render(spec: &ChartSpec) -> Result<Chart> {
    check(spec)?;
    let (current, previous) = (&spec.current.days, &spec.previous.days);
    let slots = current.len().max(previous.len()).max(1);
    let max = current
        .iter()
        .chain(previous)
        .map(|d| d.mb)
        .max()
        .unwrap_or(0);
    let axis = Axis::for_max(max);
    let current_total = format_mb(current.iter().map(|d| d.mb).sum());
    let previous_total = format_mb(previous.iter().map(|d| d.mb).sum());

    let id = &spec.id;
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let base = TOP + plot_h;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" id="{id}" class="aflexi-usage-chart" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" style="max-width:{WIDTH}px;height:auto" font-family="sans-serif" font-size="11">"#
    );
    let _ = write!(
        svg,
        r#"<title id="{id}-title">{}</title><desc id="{id}-desc">{}: {}. {}: {}.</desc>"#,
        escape(&spec.title),
        escape(&spec.current.label),
        escape(&current_total),
        escape(&spec.previous.label),
        escape(&previous_total),
    );
    for i in 0..=axis.steps {
        let y = base - plot_h * f64::from(i) / f64::from(axis.steps);
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#d0d7de" stroke-width="1"/><text x="{:.1}" y="{:.1}" text-anchor="end" fill="#333">{}</text>"##,
            WIDTH - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            escape(&axis.label(i)),
        );
    }
    let slot = plot_w / slots as f64;
    let bar = slot * 0.38;
    let top_mb = axis.top_mb();
    for (offset, fill, period) in [
        (slot * 0.1, PREVIOUS_FILL, &spec.previous),
        (slot * 0.14 + bar, CURRENT_FILL, &spec.current),
    ] {
        for (i, day) in period.days.iter().enumerate() {
            let h = plot_h * day.mb as f64 / top_mb;
            if h <= 0.0 {
                continue; // the table lists the zero days
            }
            let _ = write!(
                svg,
                r#"<rect x="{:.2}" y="{:.2}" width="{bar:.2}" height="{h:.2}" fill="{fill}"><title>{}, {}: {}</title></rect>"#,
                LEFT + slot * i as f64 + offset,
                base - h,
                escape(&period.label),
                escape(&day.date),
                escape(&format_mb(day.mb)),
            );
        }
    }
    let label_every = slots.div_ceil(10).max(1);
    for i in (0..slots).filter(|i| i % label_every == 0) {
        let _ = write!(
            svg,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#333">{}</text>"##,
            LEFT + slot * (i as f64 + 0.5),
            base + 14.0,
            i + 1,
        );
    }
    let _ = write!(
        svg,
        r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#333">{}</text>"##,
        LEFT + plot_w / 2.0,
        base + 30.0,
        escape(&spec.axis),
    );
    let legend_y = HEIGHT - 12.0;
    for (x, fill, period, total) in [
        (LEFT, CURRENT_FILL, &spec.current, &current_total),
        (
            LEFT + plot_w / 2.0,
            PREVIOUS_FILL,
            &spec.previous,
            &previous_total,
        ),
    ] {
        let _ = write!(
            svg,
            r##"<rect x="{x:.1}" y="{:.1}" width="10" height="10" fill="{fill}"/><text x="{:.1}" y="{legend_y:.1}" fill="#333">{} ({})</text>"##,
            legend_y - 9.0,
            x + 14.0,
            escape(&period.label),
            escape(total),
        );
    }
    svg.push_str("</svg>");

    let cell = |days: &[Day], i: usize| {
        days.get(i)
            .map(|d| (d.date.clone(), format_mb(d.mb)))
            .unwrap_or_default()
    };
    let rows = (0..current.len().max(previous.len()))
        .map(|i| {
            let (current_date, current_mb) = cell(current, i);
            let (previous_date, previous_mb) = cell(previous, i);
            Row {
                day: i + 1,
                current_date,
                current: current_mb,
                previous_date,
                previous: previous_mb,
            }
        })
        .collect();
    Ok(Chart {
        svg,
        rows,
        current_total,
        previous_total,
    })
}

fn check(spec: &ChartSpec) -> Result<()> {
    let id_ok = spec.id.len() <= 64
        && spec.id.starts_with(|c: char| c.is_ascii_alphabetic())
        && spec
            .id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !id_ok {
        return Err(Error::invalid(
            "id",
            "the chart id must be a letter then letters, digits, - or _ (at most 64)",
        ));
    }
    for period in [&spec.current, &spec.previous] {
        if period.days.len() > MAX_DAYS {
            return Err(Error::invalid(
                "days",
                format!("a period has at most {MAX_DAYS} days"),
            ));
        }
        for day in &period.days {
            if day.mb < 0 {
                return Err(Error::invalid(
                    "mb",
                    format!("{} MB on {} is negative", day.mb, day.date),
                ));
            }
            if !is_date(&day.date) {
                return Err(Error::invalid("date", "a day's date must be YYYY-MM-DD"));
            }
        }
    }
    Ok(())
}

fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// XML/HTML text and attribute escaping of the five special characters.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(start: &str, mbs: &[i64]) -> Vec<Day> {
        mbs.iter()
            .enumerate()
            .map(|(i, mb)| Day {
                date: format!("{}{:02}", start, i + 1),
                mb: *mb,
            })
            .collect()
    }

    fn spec(current: &[i64], previous: &[i64]) -> ChartSpec {
        ChartSpec {
            id: "chart-1".into(),
            title: "Daily bandwidth".into(),
            axis: "Day".into(),
            current: Period {
                label: "This period".into(),
                days: days("2026-12-", current),
            },
            previous: Period {
                label: "Previous period".into(),
                days: days("2026-11-", previous),
            },
        }
    }

    #[test]
    fn the_axis_steps_are_1_2_or_5_and_reach_the_largest_day() {
        let a = Axis::for_max(930);
        assert_eq!((a.unit, a.step, a.steps), ("MB", 200.0, 5));
        assert_eq!(a.label(1), "200 MB");
        let a = Axis::for_max(1536);
        assert_eq!((a.unit, a.step, a.steps), ("GB", 0.5, 3));
        assert_eq!(a.label(3), "1.5 GB");
        let a = Axis::for_max(0);
        assert_eq!((a.unit, a.step, a.steps), ("MB", 1.0, 1));
        let a = Axis::for_max(50 * 1024);
        assert_eq!((a.unit, a.step, a.steps), ("GB", 10.0, 5));
        assert!(a.top_mb() >= 50.0 * 1024.0);
        for max in [1, 7, 99, 1000, 1023, 1025, 77_777, 9_999_999] {
            let a = Axis::for_max(max);
            assert!(a.top_mb() >= max as f64, "{max}");
            assert!(a.steps <= MAX_TICKS, "{max}: {a:?}");
        }
    }

    #[test]
    fn bars_are_scaled_to_the_top_of_the_axis_and_zero_days_draw_nothing() {
        let chart = render(&spec(&[1000, 0, 500], &[250])).unwrap();
        // Axis 0..1000 MB; plot height 200: the 1000 MB bar is the whole height.
        assert!(chart.svg.contains(r##"height="200.00" fill="#1f6fb2"><title>This period, 2026-12-01: 1,000 MB</title>"##), "{}", chart.svg);
        assert!(chart.svg.contains(
            r##"height="100.00" fill="#1f6fb2"><title>This period, 2026-12-03: 500 MB</title>"##
        ));
        assert!(chart.svg.contains(
            r##"height="50.00" fill="#9aa5b1"><title>Previous period, 2026-11-01: 250 MB</title>"##
        ));
        assert!(!chart.svg.contains("2026-12-02"), "a zero day has no bar");
        assert_eq!(
            chart.svg.matches("<rect ").count(),
            3 + 2,
            "three bars and two legend keys"
        );
    }

    #[test]
    fn rows_pair_the_days_of_both_periods_and_totals_are_read_in_units() {
        let chart = render(&spec(&[1024, 512], &[100, 200, 300])).unwrap();
        assert_eq!(chart.rows.len(), 3);
        assert_eq!(
            chart.rows[0],
            Row {
                day: 1,
                current_date: "2026-12-01".into(),
                current: "1 GB".into(),
                previous_date: "2026-11-01".into(),
                previous: "100 MB".into()
            }
        );
        assert_eq!(chart.rows[2].current_date, "");
        assert_eq!(chart.rows[2].current, "");
        assert_eq!(chart.current_total, "1.5 GB");
        assert_eq!(chart.previous_total, "600 MB");
        assert!(chart
            .svg
            .contains("This period: 1.5 GB. Previous period: 600 MB."));
    }

    #[test]
    fn the_svg_is_accessible_and_self_contained() {
        let svg = render(&spec(&[1], &[])).unwrap().svg;
        assert!(svg.contains(r#"role="img" aria-labelledby="chart-1-title chart-1-desc""#));
        assert!(svg.contains(r#"<title id="chart-1-title">Daily bandwidth</title>"#));
        assert!(svg.contains(r#"<desc id="chart-1-desc">"#));
        assert!(!svg.contains("<script") && !svg.contains("href") && !svg.contains("url("));
    }

    #[test]
    fn every_text_is_escaped() {
        let mut s = spec(&[5], &[5]);
        s.title = r#"<script>alert("t")</script>"#.into();
        s.axis = "a & b".into();
        s.current.label = "'><img src=x>".into();
        s.previous.label = "\u{1}ctl".into();
        let svg = render(&s).unwrap().svg;
        assert!(!svg.contains("<script") && !svg.contains("<img"), "{svg}");
        assert!(svg.contains("&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;"));
        assert!(svg.contains("a &amp; b"));
        assert!(svg.contains("&#39;&gt;&lt;img src=x&gt;"));
        assert!(svg.contains("\u{fffd}ctl"));
    }

    #[test]
    fn bad_input_is_refused_with_the_field_named() {
        let field = |s: ChartSpec| match render(&s).unwrap_err() {
            Error::InvalidInput { field, .. } => field,
            other => panic!("{other:?}"),
        };
        let mut s = spec(&[1], &[1]);
        s.id = "x\" onload=\"alert(1)".into();
        assert_eq!(field(s), "id");
        assert_eq!(field(spec(&[-1], &[])), "mb");
        let mut s = spec(&[1], &[]);
        s.current.days[0].date = "<b>".into();
        assert_eq!(field(s), "date");
        let mut s = spec(&[], &[]);
        s.current.days = days("2026-12-", &[1; MAX_DAYS + 1]);
        for d in &mut s.current.days {
            d.date = "2026-12-01".into();
        }
        assert_eq!(field(s), "days");
    }

    #[test]
    fn many_days_label_every_few_days_only() {
        let svg = render(&spec(&[1; 31], &[1; 30])).unwrap().svg;
        assert!(
            svg.contains(">1</text>") && svg.contains(">5</text>") && svg.contains(">29</text>")
        );
        assert!(!svg.contains(">2</text>"));
    }
}
