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

/// The colour of the i-th model.
pub fn color(i: usize) -> &'static str {
    COLORS[i % COLORS.len()]
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

/// The x axis at height `y` with five ticks and its title centred below them.
fn x_axis(out: &mut String, lo: f64, hi: f64, y: f64, label: &str) {
    let x = scale(lo, hi);
    axis_title(out, y + 30.0, label);
    let _ = write!(
        out,
        "<line x1=\"{LEFT}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#999\"/>",
        WIDTH - RIGHT
    );
    for i in 0..=4 {
        let v = lo + (hi - lo) * i as f64 / 4.0;
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#555\">{}</text>",
            x(v),
            y + 14.0,
            tick(v)
        );
    }
}

/// The y range's two ends as labels at the plot's top and bottom, and the baseline.
fn y_range(out: &mut String, (lo, hi): (f64, f64), (top, bottom): (f64, f64)) {
    for (v, y) in [(hi, top), (lo, bottom)] {
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#555\">{}</text>",
            LEFT - 6.0,
            y + 4.0,
            tick(v)
        );
    }
    let _ = write!(
        out,
        "<line x1=\"{LEFT}\" y1=\"{bottom}\" x2=\"{}\" y2=\"{bottom}\" stroke=\"#999\"/>",
        WIDTH - RIGHT
    );
}

fn tick(v: f64) -> String {
    if v.abs() >= 1000.0 || (v != 0.0 && v.abs() < 0.01) {
        format!("{v:.2e}")
    } else {
        format!("{v:.3}")
    }
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
pub fn strip(title: &str, rows: &[(String, Vec<f64>)], bands: &[Band], axis: &str) -> String {
    let height = TOP + ROW * rows.len() as f64 + BOTTOM;
    let band_ends = bands.iter().flatten().flat_map(|b| [b.0, b.1]);
    let (lo, hi) = range(
        rows.iter()
            .flat_map(|r| r.1.iter().copied())
            .chain(band_ends),
    );
    let x = scale(lo, hi);
    let mut out = open(height, title);
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
                color(i)
            );
        }
        if !values.is_empty() {
            let m = values.iter().sum::<f64>() / values.len() as f64;
            let _ = write!(out, "<line x1=\"{0:.1}\" y1=\"{1:.1}\" x2=\"{0:.1}\" y2=\"{2:.1}\" stroke=\"#000\" stroke-width=\"2\"/>", x(m), y - ROW * 0.4, y + ROW * 0.4);
        }
    }
    x_axis(&mut out, lo, hi, height - BOTTOM + 4.0, axis);
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
pub fn running(title: &str, series: &[(String, Vec<RunningPoint>)], axis: &str) -> String {
    let legend_rows = series.len().div_ceil(3) as f64;
    let height = 234.0 + 16.0 * legend_rows;
    let (plot_top, plot_bottom) = (TOP, height - BOTTOM - 16.0 * legend_rows);
    let values = series.iter().flat_map(|(_, pts)| {
        pts.iter()
            .flat_map(|p| [Some(p.mean), p.ci.map(|c| c.0), p.ci.map(|c| c.1)])
            .flatten()
    });
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    let span = if hi > lo { hi - lo } else { 1.0 };
    let n_max = series
        .iter()
        .filter_map(|s| s.1.last().map(|p| p.n_seeds))
        .max()
        .unwrap_or(1)
        .max(2) as f64;
    let px = |n: usize| LEFT + (n as f64 - 1.0) / (n_max - 1.0) * (WIDTH - LEFT - RIGHT);
    let py = |v: f64| plot_bottom - (v - lo) / span * (plot_bottom - plot_top);
    let mut out = open(height, title);
    for (i, (label, points)) in series.iter().enumerate() {
        let band: Vec<(usize, (f64, f64))> = points
            .iter()
            .filter_map(|p| p.ci.map(|c| (p.n_seeds, c)))
            .collect();
        if !band.is_empty() {
            let upper = band
                .iter()
                .map(|(n, c)| format!("{:.1},{:.1}", px(*n), py(c.1)));
            let lower = band
                .iter()
                .rev()
                .map(|(n, c)| format!("{:.1},{:.1}", px(*n), py(c.0)));
            let _ = write!(
                out,
                "<polygon points=\"{}\" fill=\"{}\" fill-opacity=\"0.15\"/>",
                upper.chain(lower).collect::<Vec<_>>().join(" "),
                color(i)
            );
        }
        let line: Vec<String> = points
            .iter()
            .map(|p| format!("{:.1},{:.1}", px(p.n_seeds), py(p.mean)))
            .collect();
        let _ = write!(
            out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"/>",
            line.join(" "),
            color(i)
        );
        // legend: three entries a row under the axis title
        let _ = write!(
            out,
            "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"{}\">— {}</text>",
            LEFT + (WIDTH - LEFT - RIGHT) / 3.0 * (i % 3) as f64,
            plot_bottom + 48.0 + 16.0 * (i / 3) as f64,
            color(i),
            escape(label)
        );
    }
    y_range(&mut out, (lo, hi), (plot_top, plot_bottom));
    let _ = write!(out, "<text x=\"{LEFT}\" y=\"{:.1}\" fill=\"#555\">1 seed</text><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#555\">{} seeds</text>", plot_bottom + 14.0, WIDTH - RIGHT, plot_bottom + 14.0, n_max as usize);
    axis_title(
        &mut out,
        plot_bottom + 30.0,
        &format!("split seeds used (x) · {axis} (y)"),
    );
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
pub fn shares(title: &str, rows: &[(String, [f64; 3])]) -> String {
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
        for (part, (fill, opacity)) in
            parts
                .iter()
                .zip([(color(i), 1.0), (color(i), 0.45), ("#ccc", 1.0)])
        {
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

/// Curves over shared x steps (evenly spaced, labelled `steps`): per series a line through
/// its means and a band between its lows and highs (`None` where a step has no band); `marks`
/// rings (series, step) points. Validation curves (one series) and learning curves (one per
/// model) are drawn with it.
pub fn curves(
    title: &str,
    steps: &[String],
    series: &[Curve],
    marks: &[(usize, usize)],
    axis: &str,
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
    let span = if hi > lo { hi - lo } else { 1.0 };
    let px =
        |i: usize| LEFT + (i as f64 + 0.5) / steps.len().max(1) as f64 * (WIDTH - LEFT - RIGHT);
    let py = |v: f64| plot_bottom - (v - lo) / span * (plot_bottom - plot_top);
    let mut out = open(height, title);
    for (k, (label, points)) in series.iter().enumerate() {
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
                color(k)
            );
        }
        let line: Vec<String> = points
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{:.1},{:.1}", px(i), py(p.0)))
            .collect();
        let _ = write!(
            out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"1.5\"/>",
            line.join(" "),
            color(k)
        );
        for (i, p) in points.iter().enumerate() {
            let ring = if marks.contains(&(k, i)) {
                " stroke=\"#000\" stroke-width=\"1.5\""
            } else {
                ""
            };
            let _ = write!(
                out,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{}\"{ring}/>",
                px(i),
                py(p.0),
                color(k)
            );
        }
        if series.len() > 1 {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"{}\">— {}</text>",
                LEFT + (WIDTH - LEFT - RIGHT) / 3.0 * (k % 3) as f64,
                plot_bottom + 48.0 + 16.0 * (k / 3) as f64,
                color(k),
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
    y_range(&mut out, (lo, hi), (plot_top, plot_bottom));
    axis_title(&mut out, plot_bottom + 30.0, axis);
    out + "</svg>"
}

/// A critical-difference diagram (Demšar 2006, Fig. 1): the models placed on an axis of
/// average rank (1 = best, on the left), the critical difference drawn as a bar above it, and
/// thick lines joining models whose ranks differ by less than it (no significant difference).
pub fn critical_difference(title: &str, models: &[String], ranks: &[f64], cd: f64) -> String {
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
            color(row),
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
        let svg = strip("t", &[("m".into(), values)], &[], "x");
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
        );
        assert!(svg.contains("critical difference (CD = 2.728)") && svg.ends_with("</svg>"));
    }
}
