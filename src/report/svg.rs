//! A small SVG writer for the HTML report's plots: no fonts to load, no scripts, fixed
//! layout so snapshots are stable.

use crate::stats::RunningPoint;
use std::fmt::Write;

const WIDTH: f64 = 720.0;
const LEFT: f64 = 220.0;
const RIGHT: f64 = 20.0;
const ROW: f64 = 28.0;
const TOP: f64 = 28.0;
const BOTTOM: f64 = 44.0;
const COLORS: [&str; 8] = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2",
];

/// Dots drawn per strip row at most: beyond it a row shows its quantiles, so a study of
/// 80,000 seeds still gives a page of a few hundred kilobytes.
const MAX_DOTS: usize = 2000;
/// Points of a line plot at most (the running interval's seed counts).
pub const MAX_LINE_POINTS: usize = 500;

/// At most `max` values standing for `values`: all of them, or `max` evenly spaced
/// quantiles (the same shape of cloud, deterministic).
fn thin(values: &[f64], max: usize) -> Vec<f64> {
    if values.len() <= max {
        return values.to_vec();
    }
    let mut sorted: Vec<f64> = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    (0..max)
        .map(|i| sorted[i * (sorted.len() - 1) / (max - 1)])
        .collect()
}

/// Each model's colour, fixed for a whole report (or study): the i-th name in sorted order
/// gets the i-th colour, whichever plot it appears in and whatever else is drawn beside it.
#[derive(Debug, Clone, Default)]
pub struct Palette {
    names: Vec<String>,
}

/// The colour of what no palette names (a difference of two models, a grid's curve).
const NEUTRAL: &str = "#444";

/// Dash patterns, so that two lines drawn on top of each other stay apart.
const DASHES: [&str; 4] = ["", "7,3", "2,3", "9,3,2,3"];

impl Palette {
    /// A palette of `names` (sorted and deduplicated here).
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> Palette {
        let mut names: Vec<String> = names.into_iter().map(String::from).collect();
        names.sort();
        names.dedup();
        Palette { names }
    }

    fn index(&self, name: &str) -> Option<usize> {
        self.names.binary_search_by(|n| n.as_str().cmp(name)).ok()
    }

    /// The colour of `name`.
    pub fn color(&self, name: &str) -> &'static str {
        self.index(name)
            .map_or(NEUTRAL, |i| COLORS[i % COLORS.len()])
    }

    /// The dash pattern of `name`'s lines (solid for the first colours' first round).
    fn dash(&self, name: &str) -> &'static str {
        self.index(name).map_or("", |i| DASHES[i % DASHES.len()])
    }
}

/// An axis over [lo, hi] widened to whole steps of a "nice" size, 1, 2, 2.5 or 5 × 10ⁿ, with
/// 4 to 7 ticks (Heckbert 1990, "Nice numbers for graph labels", Graphics Gems), labelled in
/// one notation with the decimals the step needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// The range drawn.
    pub lo: f64,
    #[allow(missing_docs)]
    pub hi: f64,
    /// Tick values and their labels.
    pub ticks: Vec<(f64, String)>,
}

impl Axis {
    /// The axis for values from `lo` to `hi`.
    pub fn new(lo: f64, hi: f64) -> Axis {
        let (lo, hi) = if !(lo.is_finite() && hi.is_finite()) {
            (0.0, 1.0)
        } else if hi > lo {
            (lo, hi)
        } else {
            let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.01 };
            (lo - pad, hi + pad)
        };
        let raw = (hi - lo) / 5.0;
        let magnitude = 10f64.powf(raw.log10().floor());
        let step = [1.0, 2.0, 2.5, 5.0, 10.0]
            .into_iter()
            .map(|m| m * magnitude)
            .find(|step| (hi - lo) / step <= 6.0)
            .unwrap_or(10.0 * magnitude);
        let first = (lo / step).floor();
        let last = (hi / step).ceil();
        let values: Vec<f64> = (0..=(last - first) as usize)
            .map(|i| (first + i as f64) * step)
            .map(|v| if v.abs() < step * 1e-9 { 0.0 } else { v })
            .collect();
        let largest = values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        let scientific = largest >= 1e5 || step < 1e-4;
        // the decimals the step needs: 0.25 needs 2, 0.2 needs 1
        let decimals = (0..=12)
            .find(|&d| ((step * 10f64.powi(d)).round() - step * 10f64.powi(d)).abs() < 1e-6)
            .unwrap_or(12) as usize;
        let label = |v: f64| {
            if scientific && v != 0.0 {
                // the mantissa's digits down to the step's, trailing zeros dropped: 2e6, 2.5e6
                let digits = (v.abs().log10().floor() - step.log10().floor()).max(0.0) as usize;
                let text = format!("{v:.digits$e}");
                let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
                let mantissa = if mantissa.contains('.') {
                    mantissa.trim_end_matches('0').trim_end_matches('.')
                } else {
                    mantissa
                };
                format!("{mantissa}e{exponent}")
            } else if scientific {
                "0".into()
            } else {
                format!("{v:.decimals$}")
            }
        };
        Axis {
            lo: values[0],
            hi: values[values.len() - 1],
            ticks: values.iter().map(|&v| (v, label(v))).collect(),
        }
    }
}

/// Text safe inside XML.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn open(height: f64, title: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"{WIDTH}\" height=\"{height}\" role=\"img\" font-family=\"sans-serif\" font-size=\"11\">\
         <title>{}</title><text x=\"{LEFT}\" y=\"16\" font-size=\"12\" font-weight=\"bold\">{}</text>",
        escape(title),
        escape(title)
    )
}

/// Linear map of [lo, hi] onto the plot's x range (a flat range maps to the middle).
fn scale(lo: f64, hi: f64) -> impl Fn(f64) -> f64 {
    let span = if hi > lo { hi - lo } else { 1.0 };
    let mid = if hi > lo {
        None
    } else {
        Some((LEFT + WIDTH - RIGHT) / 2.0)
    };
    move |v| mid.unwrap_or(LEFT + (v - lo) / span * (WIDTH - LEFT - RIGHT))
}

/// An axis title centred under the plot at height `y`.
fn axis_title(out: &mut String, y: f64, text: &str) {
    let _ = write!(
        out,
        "<text x=\"{:.1}\" y=\"{y:.1}\" text-anchor=\"middle\" fill=\"#333\">{}</text>",
        (LEFT + WIDTH - RIGHT) / 2.0,
        escape(text)
    );
}

/// The x axis at height `y`: a labelled tick and a light gridline up to `top` at every tick of
/// `axis`, and its title centred below.
fn x_axis(out: &mut String, axis: &Axis, (top, y): (f64, f64), label: &str) {
    let x = scale(axis.lo, axis.hi);
    axis_title(out, y + 30.0, label);
    for (v, text) in &axis.ticks {
        let _ = write!(
            out,
            "<line x1=\"{0:.1}\" y1=\"{top:.1}\" x2=\"{0:.1}\" y2=\"{y:.1}\" stroke=\"#e4e4e4\"/>\
             <text x=\"{0:.1}\" y=\"{1:.1}\" text-anchor=\"middle\" fill=\"#555\">{2}</text>",
            x(*v),
            y + 14.0,
            text
        );
    }
    let _ = write!(
        out,
        "<line x1=\"{LEFT}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#999\"/>",
        WIDTH - RIGHT
    );
}

/// The y axis of a plot between `top` and `bottom`: labelled ticks with light gridlines, and
/// the baseline; returns the map from values to heights.
fn y_axis(out: &mut String, axis: &Axis, (top, bottom): (f64, f64)) -> impl Fn(f64) -> f64 {
    let (lo, span) = (axis.lo, axis.hi - axis.lo);
    let y = move |v: f64| bottom - (v - lo) / span * (bottom - top);
    for (v, text) in &axis.ticks {
        let _ = write!(
            out,
            "<line x1=\"{LEFT}\" y1=\"{0:.1}\" x2=\"{1}\" y2=\"{0:.1}\" stroke=\"#e4e4e4\"/>\
             <text x=\"{2:.1}\" y=\"{3:.1}\" text-anchor=\"end\" fill=\"#555\">{text}</text>",
            y(*v),
            WIDTH - RIGHT,
            LEFT - 6.0,
            y(*v) + 4.0
        );
    }
    let _ = write!(
        out,
        "<line x1=\"{LEFT}\" y1=\"{bottom}\" x2=\"{}\" y2=\"{bottom}\" stroke=\"#999\"/>",
        WIDTH - RIGHT
    );
    y
}

fn range(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        })
}

/// A shaded band per row (e.g. the region of practical equivalence), drawn under its dots.
pub type Band = Option<(f64, f64)>;

/// One row of dots per label (deterministic vertical jitter) with a bar at each row's mean;
/// `bands` shades a range per row and draws a line at 0 (for differences), `axis` titles x.
pub fn strip(
    title: &str,
    rows: &[(String, Vec<f64>)],
    bands: &[Band],
    axis: &str,
    palette: &Palette,
) -> String {
    let height = TOP + ROW * rows.len() as f64 + BOTTOM;
    let band_ends = bands.iter().flatten().flat_map(|b| [b.0, b.1]);
    let (lo, hi) = range(
        rows.iter()
            .flat_map(|r| r.1.iter().copied())
            .chain(band_ends),
    );
    let ticks = Axis::new(lo, hi);
    let (lo, hi) = (ticks.lo, ticks.hi);
    let x = scale(lo, hi);
    let mut out = open(height, title);
    x_axis(&mut out, &ticks, (TOP, height - BOTTOM + 4.0), axis);
    for (i, band) in bands.iter().enumerate() {
        if let Some((a, b)) = band {
            let y = TOP + ROW * i as f64;
            let _ = write!(
                out,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{ROW}\" fill=\"#2ca02c\" fill-opacity=\"0.15\"/>",
                x(*a),
                y,
                (x(*b) - x(*a)).max(1.0)
            );
        }
    }
    if !bands.is_empty() && lo <= 0.0 && hi >= 0.0 {
        let _ = write!(
            out,
            "<line x1=\"{0:.1}\" y1=\"{TOP}\" x2=\"{0:.1}\" y2=\"{1:.1}\" stroke=\"#555\" stroke-dasharray=\"3,3\"/>",
            x(0.0),
            TOP + ROW * rows.len() as f64
        );
    }
    for (i, (label, values)) in rows.iter().enumerate() {
        let y = TOP + ROW * i as f64 + ROW / 2.0;
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LEFT - 8.0,
            y + 4.0,
            escape(label)
        );
        for (j, v) in thin(values, MAX_DOTS).iter().enumerate() {
            let jitter = ((j as f64 * 0.618_034) % 1.0 - 0.5) * ROW * 0.6;
            let _ = write!(
                out,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" fill=\"{}\" fill-opacity=\"0.45\"/>",
                x(*v),
                y + jitter,
                palette.color(label)
            );
        }
        if !values.is_empty() {
            let m = values.iter().sum::<f64>() / values.len() as f64;
            let _ = write!(out, "<line x1=\"{0:.1}\" y1=\"{1:.1}\" x2=\"{0:.1}\" y2=\"{2:.1}\" stroke=\"#000\" stroke-width=\"2\"/>", x(m), y - ROW * 0.4, y + ROW * 0.4);
        }
    }
    out + "</svg>"
}

/// Rows split into panels whose scales are drawn apart: sorted by mean, a new panel starts
/// where the gap between neighbouring means exceeds three times the wider of the two rows'
/// spreads, so one far-off model does not squeeze the others into one column.
pub fn panels(rows: &[(String, Vec<f64>)]) -> Vec<Vec<usize>> {
    let stats: Vec<(f64, f64)> = rows
        .iter()
        .map(|(_, v)| {
            let (lo, hi) = range(v.iter().copied());
            let mean = v.iter().sum::<f64>() / v.len().max(1) as f64;
            (mean, if hi > lo { hi - lo } else { 0.0 })
        })
        .collect();
    let mut order: Vec<usize> = (0..rows.len())
        .filter(|&i| stats[i].0.is_finite())
        .collect();
    order.sort_by(|&a, &b| stats[a].0.total_cmp(&stats[b].0));
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (k, &i) in order.iter().enumerate() {
        let split = k > 0 && {
            let j = order[k - 1];
            let gap = stats[i].0 - stats[j].0;
            let spread = stats[i].1.max(stats[j].1);
            spread > 0.0 && gap > 3.0 * spread
        };
        match groups.last_mut() {
            Some(g) if !split => g.push(i),
            _ => groups.push(vec![i]),
        }
    }
    groups.iter_mut().for_each(|g| g.sort_unstable());
    groups
}

/// Running mean (line) and t interval (band) per model as seeds are added; `axis` names the
/// metric on the y axis.
pub fn running(
    title: &str,
    series: &[(String, Vec<RunningPoint>)],
    axis: &str,
    palette: &Palette,
) -> String {
    let legend_rows = series.len().div_ceil(3) as f64;
    let height = 234.0 + 16.0 * legend_rows;
    let (plot_top, plot_bottom) = (TOP, height - BOTTOM - 16.0 * legend_rows);
    let n_max = series
        .iter()
        .filter_map(|s| s.1.last().map(|p| p.n_seeds))
        .max()
        .unwrap_or(1)
        .max(2);
    // the y range from the later seeds: the first few seeds' wide band would flatten the rest
    let settled = (n_max / 5).max(3).min(n_max);
    let values = series.iter().flat_map(|(_, pts)| {
        pts.iter()
            .filter(|p| p.n_seeds >= settled || p.ci.is_none())
            .flat_map(|p| [Some(p.mean), p.ci.map(|c| c.0), p.ci.map(|c| c.1)])
            .flatten()
    });
    let (lo, hi) = range(values);
    let y_ticks = Axis::new(lo, hi);
    let x_ticks = Axis::new(1.0, n_max as f64);
    let px = scale(x_ticks.lo, x_ticks.hi);
    let px = |n: usize| px(n as f64);
    let mut out = open(height, title);
    x_axis(
        &mut out,
        &x_ticks,
        (plot_top, plot_bottom),
        &format!("split seeds used (x) · {axis} (y)"),
    );
    let py = y_axis(&mut out, &y_ticks, (plot_top, plot_bottom));
    let mut clipped = false;
    let mut clip = |v: f64| {
        let c = v.clamp(y_ticks.lo, y_ticks.hi);
        clipped |= c != v;
        py(c)
    };
    for (i, (label, points)) in series.iter().enumerate() {
        let band: Vec<(usize, (f64, f64))> = points
            .iter()
            .filter_map(|p| p.ci.map(|c| (p.n_seeds, c)))
            .collect();
        if !band.is_empty() {
            let upper: Vec<String> = band
                .iter()
                .map(|(n, c)| format!("{:.1},{:.1}", px(*n), clip(c.1)))
                .collect();
            let lower: Vec<String> = band
                .iter()
                .rev()
                .map(|(n, c)| format!("{:.1},{:.1}", px(*n), clip(c.0)))
                .collect();
            let _ = write!(
                out,
                "<polygon points=\"{} {}\" fill=\"{}\" fill-opacity=\"0.12\"/>",
                upper.join(" "),
                lower.join(" "),
                palette.color(label)
            );
        }
        let line: Vec<String> = points
            .iter()
            .map(|p| format!("{:.1},{:.1}", px(p.n_seeds), clip(p.mean)))
            .collect();
        let _ = write!(
            out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.8\" stroke-dasharray=\"{}\"/>",
            line.join(" "),
            palette.color(label),
            palette.dash(label)
        );
        // legend: three entries a row under the axis title, each with its line's dash
        let (lx, ly) = (
            LEFT + (WIDTH - LEFT - RIGHT) / 3.0 * (i % 3) as f64,
            plot_bottom + 48.0 + 16.0 * (i / 3) as f64,
        );
        let _ = write!(
            out,
            "<line x1=\"{lx:.1}\" y1=\"{0:.1}\" x2=\"{1:.1}\" y2=\"{0:.1}\" stroke=\"{2}\" stroke-width=\"1.8\" stroke-dasharray=\"{3}\"/>\
             <text x=\"{4:.1}\" y=\"{ly:.1}\" fill=\"{2}\">{5}</text>",
            ly - 4.0,
            lx + 24.0,
            palette.color(label),
            palette.dash(label),
            lx + 30.0,
            escape(label)
        );
    }
    if clipped {
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#555\">▲▼ the first seeds' wider interval runs past the plot's edge</text>",
            LEFT + 6.0,
            plot_top + 12.0
        );
    }
    out + "</svg>"
}

/// A square matrix of shares (row beats column), shaded from white (0) to blue (1).
pub fn matrix(title: &str, labels: &[String], cells: &[Vec<Option<f64>>]) -> String {
    let cell = 44.0;
    let height = TOP + cell * labels.len() as f64 + 60.0;
    let mut out = open(height, title);
    for (i, row) in cells.iter().enumerate() {
        let y = TOP + cell * i as f64;
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LEFT - 8.0,
            y + cell / 2.0 + 4.0,
            escape(&labels[i])
        );
        for (j, v) in row.iter().enumerate() {
            let x = LEFT + cell * j as f64;
            let (fill, text, ink) = match v {
                Some(v) => (
                    format!("rgb({0},{0},255)", (255.0 * (1.0 - v)).round() as u8),
                    format!("{:.2}", v),
                    if *v > 0.6 { "#fff" } else { "#000" },
                ),
                None => ("#eee".to_string(), String::new(), "#000"),
            };
            let _ = write!(out, "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{cell}\" height=\"{cell}\" fill=\"{fill}\" stroke=\"#fff\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{ink}\">{text}</text>", x + cell / 2.0, y + cell / 2.0 + 4.0);
        }
    }
    for (j, label) in labels.iter().enumerate() {
        let x = LEFT + cell * j as f64 + cell / 2.0;
        let y = TOP + cell * labels.len() as f64 + 12.0;
        let _ = write!(out, "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"end\" transform=\"rotate(-30 {x:.1} {y:.1})\">{}</text>", escape(label));
    }
    out + "</svg>"
}

/// Per row, a bar split into the split seed's (colour), the model seed's (lighter) and the
/// finite data's (grey) shares of the uncertainty of one seeded CV score.
pub fn shares(title: &str, rows: &[(String, [f64; 3])], palette: &Palette) -> String {
    let height = TOP + ROW * rows.len() as f64 + 24.0;
    let mut out = open(height, title);
    let full = WIDTH - LEFT - RIGHT;
    for (i, (label, parts)) in rows.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LEFT - 8.0,
            y + ROW / 2.0 + 4.0,
            escape(label)
        );
        let mut x = LEFT;
        for (part, (fill, opacity)) in parts.iter().zip([
            (palette.color(label), 1.0),
            (palette.color(label), 0.45),
            ("#ccc", 1.0),
        ]) {
            let _ = write!(
                out,
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{fill}\" fill-opacity=\"{opacity}\"/>",
                y + 4.0,
                full * part,
                ROW - 8.0
            );
            x += full * part;
        }
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#000\" stroke=\"#fff\" stroke-width=\"3\" paint-order=\"stroke\">split seed {:.0} % · model seed {:.0} % · data {:.0} %</text>",
            LEFT + 6.0,
            y + ROW / 2.0 + 4.0,
            100.0 * parts[0],
            100.0 * parts[1],
            100.0 * parts[2]
        );
    }
    axis_title(
        &mut out,
        height - 6.0,
        "share of the variance of one run's CV score (0 – 100 %)",
    );
    out + "</svg>"
}

/// One curve: a label and per step its mean with an optional (low, high) band.
pub type Curve = (String, Vec<(f64, Option<(f64, f64)>)>);

/// A marked point of a curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// The best mean: a black diamond around the point.
    Best,
    /// The one-standard-error choice: a black square around the point.
    OneSe,
}

/// Curves over shared x steps (evenly spaced, labelled `steps`): per series a line through
/// its means and a band between its lows and highs (`None` where a step has no band); `marks`
/// marks (series, step) points. Validation curves (one series) and learning curves (one per
/// model) are drawn with it; a series the palette does not name is drawn in a neutral colour.
pub fn curves(
    title: &str,
    steps: &[String],
    series: &[Curve],
    marks: &[(usize, usize, Mark)],
    axis: &str,
    palette: &Palette,
) -> String {
    let legend_rows = if series.len() > 1 {
        series.len().div_ceil(3) as f64
    } else {
        0.0
    };
    let height = 220.0 + 16.0 * legend_rows;
    let (plot_top, plot_bottom) = (TOP + 6.0, height - BOTTOM - 6.0 - 16.0 * legend_rows);
    let (lo, hi) = range(series.iter().flat_map(|(_, pts)| {
        pts.iter()
            .flat_map(|(m, band)| [Some(*m), band.map(|b| b.0), band.map(|b| b.1)])
            .flatten()
    }));
    let px =
        |i: usize| LEFT + (i as f64 + 0.5) / steps.len().max(1) as f64 * (WIDTH - LEFT - RIGHT);
    let mut out = open(height, title);
    let py = y_axis(&mut out, &Axis::new(lo, hi), (plot_top, plot_bottom));
    for (k, (label, points)) in series.iter().enumerate() {
        let color = palette.color(label);
        let band: Vec<(usize, (f64, f64))> = points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.1.map(|b| (i, b)))
            .collect();
        if band.len() > 1 {
            let upper = band
                .iter()
                .map(|(i, b)| format!("{:.1},{:.1}", px(*i), py(b.1)));
            let lower = band
                .iter()
                .rev()
                .map(|(i, b)| format!("{:.1},{:.1}", px(*i), py(b.0)));
            let _ = write!(
                out,
                "<polygon points=\"{}\" fill=\"{}\" fill-opacity=\"0.15\"/>",
                upper.chain(lower).collect::<Vec<_>>().join(" "),
                color
            );
        }
        let line: Vec<String> = points
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{:.1},{:.1}", px(i), py(p.0)))
            .collect();
        let _ = write!(
            out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"1.8\" stroke-dasharray=\"{}\"/>",
            line.join(" "),
            palette.dash(label)
        );
        for (i, p) in points.iter().enumerate() {
            let (x, y) = (px(i), py(p.0));
            let _ = write!(
                out,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\" fill=\"{color}\"/>"
            );
            for &(_, _, mark) in marks.iter().filter(|m| (m.0, m.1) == (k, i)) {
                let _ = match mark {
                    Mark::Best => write!(
                        out,
                        "<polygon points=\"{x:.1},{:.1} {:.1},{y:.1} {x:.1},{:.1} {:.1},{y:.1}\" fill=\"none\" stroke=\"#000\" stroke-width=\"1.5\"/>",
                        y - 9.0,
                        x + 9.0,
                        y + 9.0,
                        x - 9.0
                    ),
                    Mark::OneSe => write!(
                        out,
                        "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"none\" stroke=\"#000\" stroke-width=\"1.5\"/>",
                        x - 6.0,
                        y - 6.0
                    ),
                };
            }
        }
        if series.len() > 1 {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"{}\">— {}</text>",
                LEFT + (WIDTH - LEFT - RIGHT) / 3.0 * (k % 3) as f64,
                plot_bottom + 48.0 + 16.0 * (k / 3) as f64,
                color,
                escape(label)
            );
        }
    }
    for (i, step) in steps.iter().enumerate() {
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
            px(i),
            plot_bottom + 14.0,
            escape(step)
        );
    }
    axis_title(&mut out, plot_bottom + 30.0, axis);
    out + "</svg>"
}

/// A critical-difference diagram (Demšar 2006, Fig. 1): the models placed on an axis of
/// average rank (1 = best, on the left), the critical difference drawn as a bar above it, and
/// thick lines joining models whose ranks differ by less than it (no significant difference).
pub fn critical_difference(
    title: &str,
    models: &[String],
    ranks: &[f64],
    cd: f64,
    palette: &Palette,
) -> String {
    let k = models.len().max(2);
    let mut order: Vec<usize> = (0..models.len()).collect();
    order.sort_by(|&a, &b| ranks[a].total_cmp(&ranks[b]).then(a.cmp(&b)));
    let (left, right) = (LEFT, WIDTH - 200.0);
    let x = |r: f64| left + (r - 1.0) / (k as f64 - 1.0) * (right - left);
    let axis_y = 70.0;
    let cliques = cliques(&order, ranks, cd);
    let rows_top = axis_y + 20.0 + 7.0 * cliques.len() as f64;
    let height = rows_top + 18.0 * order.len() as f64 + 16.0;
    let mut out = open(height, title);
    // the critical difference, to scale, from rank 1
    let _ = write!(
        out,
        "<line x1=\"{:.1}\" y1=\"36\" x2=\"{:.1}\" y2=\"36\" stroke=\"#000\" stroke-width=\"2\"/>\
         <text x=\"{:.1}\" y=\"31\">critical difference (CD = {cd:.3})</text>",
        x(1.0),
        x(1.0 + cd).min(WIDTH - RIGHT),
        x(1.0)
    );
    let _ = write!(
        out,
        "<line x1=\"{left:.1}\" y1=\"{axis_y}\" x2=\"{right:.1}\" y2=\"{axis_y}\" stroke=\"#000\"/>"
    );
    for r in 1..=k {
        let _ = write!(
            out,
            "<line x1=\"{0:.1}\" y1=\"{1}\" x2=\"{0:.1}\" y2=\"{2}\" stroke=\"#000\"/><text x=\"{0:.1}\" y=\"{3}\" text-anchor=\"middle\">{r}</text>",
            x(r as f64),
            axis_y - 5.0,
            axis_y,
            axis_y - 8.0
        );
    }
    for (j, (first, last)) in cliques.iter().enumerate() {
        let y = axis_y + 10.0 + 7.0 * j as f64;
        let _ = write!(
            out,
            "<line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#555\" stroke-width=\"4\"/>",
            x(ranks[order[*first]]) - 3.0,
            x(ranks[order[*last]]) + 3.0
        );
    }
    let half = order.len().div_ceil(2);
    for (row, &m) in order.iter().enumerate() {
        let y = rows_top + 18.0 * row as f64;
        let (end, anchor, text_x) = if row < half {
            (LEFT - 10.0, "end", LEFT - 14.0)
        } else {
            (right + 10.0, "start", right + 14.0)
        };
        let _ = write!(
            out,
            "<polyline points=\"{0:.1},{1} {0:.1},{y:.1} {end:.1},{y:.1}\" fill=\"none\" stroke=\"{2}\"/>\
             <text x=\"{text_x:.1}\" y=\"{3:.1}\" text-anchor=\"{anchor}\" fill=\"{2}\">{4} ({5:.2})</text>",
            x(ranks[m]),
            axis_y,
            palette.color(&models[m]),
            y + 4.0,
            escape(&models[m]),
            ranks[m]
        );
    }
    out.push_str("</svg>");
    out
}

/// Maximal runs of rank-sorted models whose ranks span less than `cd` (first and last
/// positions in `order`), runs of one model left out.
fn cliques(order: &[usize], ranks: &[f64], cd: f64) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for first in 0..order.len() {
        let last = (first..order.len())
            .take_while(|&j| ranks[order[j]] - ranks[order[first]] < cd)
            .last()
            .unwrap_or(first);
        if last > first && runs.last().is_none_or(|&(_, l)| last > l) {
            runs.push((first, last));
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_clouds_are_drawn_by_their_quantiles() {
        let values: Vec<f64> = (0..100_000)
            .map(|i| ((i * 7919) % 100_000) as f64)
            .collect();
        let shown = thin(&values, MAX_DOTS);
        assert_eq!(shown.len(), MAX_DOTS);
        assert_eq!((shown[0], shown[MAX_DOTS - 1]), (0.0, 99_999.0));
        let svg = strip("t", &[("m".into(), values)], &[], "x", &Palette::default());
        assert_eq!(svg.matches("<circle").count(), MAX_DOTS);
    }

    #[test]
    fn a_far_off_model_gets_a_panel_of_its_own() {
        let row = |name: &str, centre: f64| {
            (
                name.to_string(),
                (0..10).map(|i| centre + 0.002 * i as f64).collect(),
            )
        };
        let rows = [row("ols", 0.48), row("svm", 0.0), row("ridge", 0.47)];
        assert_eq!(panels(&rows), vec![vec![1], vec![0, 2]]);
        let close = [row("ols", 0.48), row("ridge", 0.47)];
        assert_eq!(panels(&close), vec![vec![0, 1]]);
    }

    #[test]
    fn cliques_join_models_closer_than_the_critical_difference() {
        // ranks 1.4, 2.5, 2.6, 3.7, 4.8 with CD 2.728: 1.4–3.7 and 2.5–4.8
        let ranks = [2.5, 2.6, 1.4, 3.7, 4.8];
        let order = [2, 0, 1, 3, 4];
        assert_eq!(cliques(&order, &ranks, 2.728), [(0, 3), (1, 4)]);
        assert_eq!(cliques(&order, &ranks, 0.5), [(1, 2)]);
        let svg = critical_difference(
            "t",
            &["a".into(), "b".into(), "c".into(), "d".into(), "e".into()],
            &ranks,
            2.728,
            &Palette::default(),
        );
        assert!(svg.contains("critical difference (CD = 2.728)") && svg.ends_with("</svg>"));
    }

    #[test]
    fn axes_have_round_ticks_in_one_notation() {
        let cases: [(f64, f64, &[&str]); 5] = [
            (
                0.8726,
                0.9131,
                &["0.87", "0.88", "0.89", "0.90", "0.91", "0.92"],
            ),
            (
                43.84,
                45.79,
                &["43.5", "44.0", "44.5", "45.0", "45.5", "46.0"],
            ),
            (
                -0.0043,
                0.0056,
                &[
                    "-0.006", "-0.004", "-0.002", "0.000", "0.002", "0.004", "0.006",
                ],
            ),
            (
                1.0,
                3000.0,
                &["0", "500", "1000", "1500", "2000", "2500", "3000"],
            ),
            (2.0e6, 9.5e6, &["2e6", "4e6", "6e6", "8e6", "1e7"]),
        ];
        for (lo, hi, want) in cases {
            let axis = Axis::new(lo, hi);
            let labels: Vec<&str> = axis.ticks.iter().map(|t| t.1.as_str()).collect();
            assert_eq!(labels, want, "{lo}..{hi}");
            assert!(axis.lo <= lo && axis.hi >= hi);
        }
    }

    #[test]
    fn a_model_keeps_its_colour_whatever_else_is_drawn() {
        let all = Palette::new(["knn", "logistic", "forest", "tree"]);
        let rows = |names: &[&str]| -> String {
            let rows: Vec<(String, Vec<f64>)> =
                names.iter().map(|n| (n.to_string(), vec![0.5])).collect();
            strip("t", &rows, &[], "x", &all)
        };
        let knn = all.color("knn");
        assert!(rows(&["knn", "tree"]).contains(knn));
        assert!(rows(&["tree", "logistic", "knn"]).contains(knn));
        assert_ne!(all.color("knn"), all.color("tree"));
    }
}
