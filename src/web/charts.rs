//! Server-drawn charts for the dashboard: the geometry of each SVG shape, computed here and
//! written out by `templates/macros/charts.html.tera` (Tera escapes every label). No
//! JavaScript; colours come from `static/style.css` (one class per stage).

use chrono::{NaiveDate, Timelike};
use serde::Serialize;

use crate::domain::election::Election;
use crate::domain::stage::Stage;
use crate::ops::progress::{DayCount, StageTable};

const WIDTH: f64 = 760.0;

fn r1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// One coloured piece of a stacked bar.
#[derive(Debug, Clone, Serialize)]
pub struct Segment {
    pub x: f64,
    pub w: f64,
    pub class: &'static str,
    pub title: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Bar {
    pub y: f64,
    /// Baseline of the row's texts.
    pub text_y: f64,
    pub label: String,
    pub total: i64,
    pub total_x: f64,
    pub segments: Vec<Segment>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LegendItem {
    pub x: f64,
    pub y: f64,
    pub text_x: f64,
    pub text_y: f64,
    pub class: &'static str,
    pub label: &'static str,
}

/// A horizontal bar per row, stacked by stage (voided PEPs left out).
#[derive(Debug, Clone, Serialize)]
pub struct StackedBars {
    pub width: f64,
    pub height: f64,
    pub bar_h: f64,
    pub label_x: f64,
    pub bars: Vec<Bar>,
    pub legend: Vec<LegendItem>,
}

/// The stages drawn in the bars, in the order of the way.
fn drawn() -> impl Iterator<Item = Stage> {
    Stage::ALL.into_iter().filter(|s| *s != Stage::Voided)
}

pub fn stacked_bars(t: &StageTable) -> StackedBars {
    let (left, right, row_h, bar_h) = (170.0, 90.0, 28.0, 18.0);
    let span = WIDTH - left - right;
    let max = t.rows.iter().map(|r| r.total).max().unwrap_or(0).max(1) as f64;
    let bars: Vec<Bar> = t
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut x = left;
            let mut segments = Vec::new();
            for s in drawn() {
                let n = r.count(s);
                if n == 0 {
                    continue;
                }
                let w = n as f64 / max * span;
                segments.push(Segment {
                    x: r1(x),
                    w: r1(w.max(0.5)),
                    class: s.as_str(),
                    title: format!("{} · {}: {n}", r.name, s.label_es()),
                });
                x += w;
            }
            let y = 10.0 + i as f64 * row_h;
            Bar {
                y: r1(y),
                text_y: r1(y + bar_h * 0.75),
                label: r.name.clone(),
                total: r.total,
                total_x: r1(x + 6.0),
                segments,
            }
        })
        .collect();
    let top = 10.0 + bars.len() as f64 * row_h + 14.0;
    let legend: Vec<LegendItem> = drawn()
        .enumerate()
        .map(|(i, s)| LegendItem {
            x: 10.0 + (i % 4) as f64 * 185.0,
            y: r1(top + (i / 4) as f64 * 22.0),
            text_x: 30.0 + (i % 4) as f64 * 185.0,
            text_y: r1(top + (i / 4) as f64 * 22.0 + 12.0),
            class: s.as_str(),
            label: s.label_es(),
        })
        .collect();
    StackedBars {
        width: WIDTH,
        height: r1(top + 2.0 * 22.0 + 4.0),
        bar_h,
        label_x: left - 8.0,
        bars,
        legend,
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DayBar {
    pub x: f64,
    pub w: f64,
    pub accepted_y: f64,
    pub accepted_h: f64,
    pub late_y: f64,
    pub late_h: f64,
    pub title: String,
    /// The day under the axis, on some bars only.
    pub label: Option<String>,
    pub label_x: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct GridLine {
    pub y: f64,
    pub text_y: f64,
    pub label: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CutoffMark {
    pub x: f64,
    pub label: String,
}

/// Envelopes received per day, accepted and late stacked, with the cutoff marked.
#[derive(Debug, Clone, Serialize)]
pub struct DayChart {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
    pub bars: Vec<DayBar>,
    pub grid: Vec<GridLine>,
    pub cutoff: Option<CutoffMark>,
}

/// The smallest 1, 2 or 5 × 10ⁿ at or above `n`.
fn nice(n: i64) -> i64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if m * step >= n {
                return m * step;
            }
        }
        step *= 10;
    }
}

fn dm(d: NaiveDate) -> String {
    d.format("%d/%m").to_string()
}

/// Days drawn at most (the most recent ones).
const MAX_DAYS: usize = 120;

pub fn day_chart(days: &[DayCount], e: &Election) -> Option<DayChart> {
    let days = &days[days.len().saturating_sub(MAX_DAYS)..];
    days.first()?;
    let (left, right, top, bottom) = (56.0, WIDTH - 12.0, 16.0, 220.0);
    let band = (right - left) / days.len() as f64;
    let max = nice(
        days.iter()
            .map(|d| d.accepted + d.late)
            .max()
            .unwrap_or(0)
            .max(4),
    );
    let scale = |n: i64| n as f64 / max as f64 * (bottom - top);
    let every = days.len().div_ceil(12);
    let bars = days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let x = left + i as f64 * band + band * 0.15;
            let (ha, hl) = (scale(d.accepted), scale(d.late));
            DayBar {
                x: r1(x),
                w: r1(band * 0.7),
                accepted_y: r1(bottom - ha),
                accepted_h: r1(ha),
                late_y: r1(bottom - ha - hl),
                late_h: r1(hl),
                title: format!(
                    "{}: {} en plazo, {} extemporáneos",
                    d.day.format("%d/%m/%Y"),
                    d.accepted,
                    d.late
                ),
                label: (i % every == 0).then(|| dm(d.day)),
                label_x: r1(x + band * 0.35),
            }
        })
        .collect();
    let grid = (0..=4)
        .map(|k| GridLine {
            y: r1(bottom - scale(max * k / 4)),
            text_y: r1(bottom - scale(max * k / 4) + 4.0),
            label: max * k / 4,
        })
        .collect();
    let cutoff = cutoff_mark(days, e, left, band);
    Some(DayChart {
        width: WIDTH,
        height: 250.0,
        left,
        right,
        top,
        bottom,
        bars,
        grid,
        cutoff,
    })
}

/// Where the receipt cutoff falls: inside its day's band, or between two listed days.
fn cutoff_mark(days: &[DayCount], e: &Election, left: f64, band: f64) -> Option<CutoffMark> {
    let local = e.receipt_cutoff.with_timezone(&e.timezone);
    let day = local.date_naive();
    let offset = match days.iter().position(|d| d.day >= day) {
        Some(i) if days[i].day == day => {
            i as f64 + (local.hour() as f64 + local.minute() as f64 / 60.0) / 24.0
        }
        Some(i) if i > 0 => i as f64,
        _ => return None,
    };
    Some(CutoffMark {
        x: r1(left + offset * band),
        label: format!("Corte {} {}", dm(day), local.format("%H:%M")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cutoff_is_marked_at_its_hour_inside_its_day() {
        let e = Election::from_toml(
            r#"name = "PEL 2021-2022"
election_day = "2022-06-05"
polls_open = "08:00"
timezone = "America/Mexico_City"
max_electors_per_mec = 750
entities = ["01"]
"#,
        )
        .unwrap();
        let day = |d: u32| DayCount {
            day: NaiveDate::from_ymd_opt(2022, 6, d).unwrap(),
            accepted: 3,
            late: 0,
        };
        let chart = day_chart(&[day(3), day(4), day(5)], &e).unwrap();
        let band = (chart.right - chart.left) / 3.0;
        let mark = chart.cutoff.expect("the cutoff, 4 June 08:00, is in range");
        assert!((mark.x - (chart.left + band * (1.0 + 8.0 / 24.0))).abs() < 0.1);
        assert_eq!(mark.label, "Corte 04/06 08:00");
        assert!(day_chart(&[day(5)], &e).unwrap().cutoff.is_none());
    }

    #[test]
    fn the_axis_top_is_a_round_number_at_or_above_the_tallest_bar() {
        assert_eq!(nice(4), 5);
        assert_eq!(nice(10), 10);
        assert_eq!(nice(11), 20);
        assert_eq!(nice(4_321), 5_000);
    }
}
