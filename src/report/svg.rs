//! Charts as inline SVG, for the HTML reports: a forest plot (an interval
//! per row on a shared axis), line charts (with interval bands, steps for
//! ECDFs), and grouped bars. Axes carry "nice" ticks (1, 2 or 5 times a
//! power of ten, Heckbert's rule); every mark has a text label, and series
//! differ by dash pattern as well as colour, so that nothing depends on
//! colour alone and the charts print in black and white.

use std::fmt::Write;

use super::html::escape;

/// Okabe and Ito's colour-blind-safe palette (blue, orange, bluish green, vermillion, purple, sky blue).
const PALETTE: [&str; 6] = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9"];
/// Dash patterns paired with the palette, so that print and colour-blind readers tell series apart.
const DASHES: [&str; 6] = ["", "6 3", "2 2", "8 3 2 3", "1 3", "10 4"];
const FONT: &str = "font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\" font-size=\"12\"";

/// What an interval says in the metric's better direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Good,
    Bad,
    Neutral,
}

impl Tone {
    fn colour(self) -> &'static str {
        match self {
            Tone::Good => "#1a7f37",
            Tone::Bad => "#cf222e",
            Tone::Neutral => "#57606a",
        }
    }
}

/// The tick step for about `target` ticks over `span` (Heckbert, "Nice numbers for graph labels").
fn nice_step(span: f64, target: usize) -> f64 {
    let raw = span / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let f = raw / mag;
    let nice = if f < 1.5 {
        1.0
    } else if f < 3.0 {
        2.0
    } else if f < 7.0 {
        5.0
    } else {
        10.0
    };
    nice * mag
}

/// A numeric axis: its range widened to nice ticks.
#[derive(Debug, Clone)]
pub struct Axis {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
    pub percent: bool,
}

impl Axis {
    /// An axis covering every finite value given (and `lo..hi` at least), with about `target` ticks.
    pub fn covering(values: impl IntoIterator<Item = f64>, target: usize, percent: bool) -> Axis {
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in values.into_iter().filter(|v| v.is_finite()) {
            lo = lo.min(v);
            hi = hi.max(v);
        }
        // No finite value, or a span beyond f64 (values near ±1.8e308): a unit axis
        // (marks outside it are drawn at its edges).
        if !lo.is_finite() || !(hi - lo).is_finite() {
            (lo, hi) = (0.0, 1.0);
        }
        if hi - lo <= f64::EPSILON * lo.abs().max(hi.abs()).max(1e-300) {
            let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
            (lo, hi) = (lo - pad, hi + pad);
        }
        let step = nice_step(hi - lo, target);
        let (a, b) = ((lo / step).floor() * step, (hi / step).ceil() * step);
        if !(step.is_finite() && step > 0.0 && a.is_finite() && b.is_finite() && b > a) {
            return Axis { lo: 0.0, hi: 1.0, step: 0.2, percent };
        }
        Axis { lo: a, hi: b, step, percent }
    }

    pub fn ticks(&self) -> Vec<f64> {
        let n = ((self.hi - self.lo) / self.step).round() as i64;
        (0..=n.clamp(0, 50)).map(|i| self.lo + i as f64 * self.step).collect()
    }

    /// A tick's label: as many decimals as the step needs, percent when asked.
    pub fn label(&self, v: f64) -> String {
        let (v, step, unit) = if self.percent { (v * 100.0, self.step * 100.0, "%") } else { (v, self.step, "") };
        if !(1e-4..1e6).contains(&step) {
            // Very large or small ticks: significant digits, not a long run of zeros.
            let v = if v.abs() < step * 1e-9 { 0.0 } else { v };
            return format!("{}{unit}", crate::numfmt::sig_digits(v, 3));
        }
        let decimals = (-step.log10().floor()).max(0.0) as usize;
        let v = if v.abs() < step * 1e-9 { 0.0 } else { v };
        let sign = if v > 0.0 && self.lo < 0.0 && self.percent { "+" } else { "" };
        format!("{sign}{v:.decimals$}{unit}")
    }

    /// The value as a plot coordinate between `x0` and `x1`.
    fn at(&self, v: f64, x0: f64, x1: f64) -> f64 {
        // max/min, not clamp (which panics on a NaN bound); NaN lands on the low edge.
        let v = if v.is_nan() { self.lo } else { v.max(self.lo).min(self.hi) };
        let at = x0 + (v - self.lo) / (self.hi - self.lo) * (x1 - x0);
        if at.is_finite() {
            at
        } else {
            x0
        }
    }
}

/// Formats a number for a label: up to 3 significant digits.
pub fn short(v: f64, percent: bool) -> String {
    if !v.is_finite() {
        return if v > 0.0 {
            "∞".into()
        } else if v < 0.0 {
            "-∞".into()
        } else {
            "n/a".into()
        };
    }
    if percent {
        let p = v * 100.0;
        let sign = if p > 0.0 { "+" } else { "" };
        return format!("{sign}{}%", crate::numfmt::sig_digits(p, 3));
    }
    crate::numfmt::sig_digits(v, 3)
}

fn svg_open(out: &mut String, w: f64, h: f64, label: &str) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{}\" {FONT}>",
        escape(label)
    );
    let _ = write!(out, "<title>{}</title>", escape(label));
}

fn text(out: &mut String, x: f64, y: f64, anchor: &str, s: &str, extra: &str) {
    let _ = write!(out, "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"{anchor}\"{extra}>{}</text>", escape(s));
}

/// Vertical grid lines and tick labels of a horizontal axis.
fn x_axis(out: &mut String, axis: &Axis, x0: f64, x1: f64, top: f64, bottom: f64, title: &str) {
    let _ = write!(out, "<g class=\"axis\">");
    let _ = write!(out, "<line x1=\"{x0}\" y1=\"{bottom}\" x2=\"{x1}\" y2=\"{bottom}\" stroke=\"#8c959f\"/>");
    let ticks = axis.ticks();
    // Keep labels apart: every k-th tick when they would crowd (about 7 px per character).
    let widest = ticks.iter().map(|t| axis.label(*t).chars().count()).max().unwrap_or(1) as f64 * 7.0 + 8.0;
    let room = (x1 - x0) / ticks.len().max(1) as f64;
    let every = (widest / room).ceil().max(1.0) as usize;
    for (i, t) in ticks.iter().enumerate() {
        let x = axis.at(*t, x0, x1);
        let _ = write!(out, "<line x1=\"{x:.1}\" y1=\"{top}\" x2=\"{x:.1}\" y2=\"{bottom}\" stroke=\"#eaeef2\"/>");
        if i % every == 0 {
            text(out, x, bottom + 14.0, "middle", &axis.label(*t), " fill=\"#424a53\"");
        }
    }
    text(out, (x0 + x1) / 2.0, bottom + 30.0, "middle", title, " fill=\"#24292f\"");
    let _ = write!(out, "</g>");
}

/// Horizontal grid lines and tick labels of a vertical axis.
fn y_axis(out: &mut String, axis: &Axis, y0: f64, y1: f64, left: f64, right: f64, title: &str) {
    let _ = write!(out, "<g class=\"axis\">");
    let _ = write!(out, "<line x1=\"{left}\" y1=\"{y0}\" x2=\"{left}\" y2=\"{y1}\" stroke=\"#8c959f\"/>");
    let ticks = axis.ticks();
    let room = (y0 - y1) / ticks.len().max(1) as f64;
    let every = (16.0 / room).ceil().max(1.0) as usize;
    for (i, t) in ticks.iter().enumerate() {
        let y = axis.at(*t, y0, y1);
        let _ = write!(out, "<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{right}\" y2=\"{y:.1}\" stroke=\"#eaeef2\"/>");
        if i % every == 0 {
            text(out, left - 6.0, y + 4.0, "end", &axis.label(*t), " fill=\"#424a53\"");
        }
    }
    let mid = (y0 + y1) / 2.0;
    let _ = write!(
        out,
        "<text x=\"14\" y=\"{mid:.1}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {mid:.1})\" fill=\"#24292f\">{}</text>",
        escape(title)
    );
    let _ = write!(out, "</g>");
}

/// One row of a forest plot.
#[derive(Debug, Clone)]
pub struct ForestRow {
    pub label: String,
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
    pub tone: Tone,
    /// Text after the interval (the mark and the figures), so that colour is never the only signal.
    pub note: String,
}

/// An interval per row on one axis, a zero line, and reference lines (guardrail margins).
#[derive(Debug, Clone)]
pub struct Forest {
    pub title: String,
    pub axis_title: String,
    pub percent: bool,
    pub rows: Vec<ForestRow>,
    pub refs: Vec<(f64, String)>,
    /// A shared axis (small multiples); else one covering the rows.
    pub axis: Option<Axis>,
    pub width: f64,
}

impl Forest {
    /// The axis covering every row's interval, zero and the reference lines.
    pub fn natural_axis(&self) -> Axis {
        let vals = self.rows.iter().flat_map(|r| [r.estimate, r.low, r.high]).chain(self.refs.iter().map(|r| r.0));
        Axis::covering(vals.chain([0.0]), 6, self.percent)
    }

    pub fn svg(&self) -> String {
        let axis = self.axis.clone().unwrap_or_else(|| self.natural_axis());
        let compact = self.width < 500.0;
        let (label_w, note_w) = if compact { (104.0, 0.0) } else { (150.0, 190.0) };
        let (x0, x1) = (label_w, self.width - note_w - 12.0);
        let row_h = if compact { 26.0 } else { 34.0 };
        let top = 26.0 + if self.refs.is_empty() { 0.0 } else { 14.0 };
        let bottom = top + row_h * self.rows.len().max(1) as f64 + 6.0;
        let h = bottom + 40.0;
        let mut out = String::new();
        let described: Vec<String> = self
            .rows
            .iter()
            .map(|r| {
                format!(
                    "{}: {} [{}, {}] {}",
                    r.label,
                    short(r.estimate, self.percent),
                    short(r.low, self.percent),
                    short(r.high, self.percent),
                    r.note
                )
            })
            .collect();
        svg_open(&mut out, self.width, h, &format!("{}. {}", self.title, described.join("; ")));
        text(&mut out, 4.0, 16.0, "start", &self.title, " font-weight=\"600\" fill=\"#24292f\"");
        x_axis(&mut out, &axis, x0, x1, top - 4.0, bottom, &self.axis_title);
        if axis.lo <= 0.0 && axis.hi >= 0.0 {
            let z = axis.at(0.0, x0, x1);
            let _ = write!(
                out,
                "<line x1=\"{z:.1}\" y1=\"{}\" x2=\"{z:.1}\" y2=\"{bottom}\" stroke=\"#24292f\" stroke-width=\"1.2\"/>",
                top - 4.0
            );
        }
        for (v, label) in &self.refs {
            let x = axis.at(*v, x0, x1);
            let _ = write!(
                out,
                "<line x1=\"{x:.1}\" y1=\"{}\" x2=\"{x:.1}\" y2=\"{bottom}\" stroke=\"#bf8700\" stroke-width=\"1.5\" stroke-dasharray=\"5 3\"/>",
                top - 10.0
            );
            text(&mut out, x, top - 12.0, "middle", label, " fill=\"#7d4e00\"");
        }
        for (i, r) in self.rows.iter().enumerate() {
            let y = top + row_h * i as f64 + row_h / 2.0;
            let label = if compact { clip(&r.label, 14) } else { clip(&r.label, 22) };
            text(&mut out, x0 - 8.0, y + 4.0, "end", &label, " fill=\"#24292f\"");
            let colour = r.tone.colour();
            let (lo, hi) = (axis.at(r.low, x0, x1), axis.at(r.high, x0, x1));
            if r.low.is_nan() || r.high.is_nan() || r.estimate.is_nan() {
                text(&mut out, (x0 + x1) / 2.0, y + 4.0, "middle", "not measurable", " fill=\"#57606a\"");
            } else {
                let _ = write!(
                    out,
                    "<line x1=\"{lo:.1}\" y1=\"{y:.1}\" x2=\"{hi:.1}\" y2=\"{y:.1}\" stroke=\"{colour}\" stroke-width=\"3\"/>"
                );
                // An end beyond the axis (an open interval) gets an arrow head.
                for (end, v, dir) in [(lo, r.low, -1.0), (hi, r.high, 1.0)] {
                    let beyond = !v.is_finite() || v < axis.lo || v > axis.hi;
                    if beyond {
                        let _ = write!(
                            out,
                            "<path d=\"M{:.1} {:.1} L{end:.1} {y:.1} L{:.1} {:.1}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>",
                            end - dir * 6.0,
                            y - 5.0,
                            end - dir * 6.0,
                            y + 5.0
                        );
                    } else {
                        let _ = write!(
                            out,
                            "<line x1=\"{end:.1}\" y1=\"{:.1}\" x2=\"{end:.1}\" y2=\"{:.1}\" stroke=\"{colour}\" stroke-width=\"2\"/>",
                            y - 5.0,
                            y + 5.0
                        );
                    }
                }
                let e = axis.at(r.estimate, x0, x1);
                let _ = write!(
                    out,
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"8\" height=\"8\" fill=\"{colour}\" stroke=\"#ffffff\"><title>{}</title></rect>",
                    e - 4.0,
                    y - 4.0,
                    escape(&described[i])
                );
            }
            if !compact {
                let fig = format!(
                    "{} [{}, {}]",
                    short(r.estimate, self.percent),
                    short(r.low, self.percent),
                    short(r.high, self.percent)
                );
                text(&mut out, x1 + 12.0, y, "start", &fig, " fill=\"#24292f\"");
                text(&mut out, x1 + 12.0, y + 12.0, "start", &r.note, &format!(" fill=\"{colour}\" font-size=\"11\""));
            }
        }
        out.push_str("</svg>");
        out
    }
}

/// A line: points in x order, an optional band (low, high) per point.
#[derive(Debug, Clone)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    pub band: Option<Vec<(f64, f64, f64)>>,
    /// Draw as a step function (an ECDF).
    pub step: bool,
}

impl Series {
    /// A line without a band.
    pub fn line(name: impl Into<String>, points: Vec<(f64, f64)>, step: bool) -> Series {
        Series { name: name.into(), points, band: None, step }
    }
}

/// The x axis of a line chart: numbers, or ordered labels at positions 0, 1, ...
#[derive(Debug, Clone)]
pub enum XScale {
    Numbers { percent: bool },
    Labels(Vec<String>),
}

/// Lines (with bands) on shared axes, a legend naming each line's colour and dash.
#[derive(Debug, Clone)]
pub struct LineChart {
    pub title: String,
    pub x_title: String,
    pub y_title: String,
    pub x: XScale,
    pub y_percent: bool,
    pub series: Vec<Series>,
    /// Horizontal reference lines (zero, a target power).
    pub refs: Vec<(f64, String)>,
    /// The y axis includes 0.
    pub y_from_zero: bool,
    /// A fixed y axis (small multiples); else one covering the series.
    pub y_axis: Option<Axis>,
    pub width: f64,
}

impl LineChart {
    /// A chart 1100 px wide, y from zero, no reference lines: set the rest after.
    pub fn new(
        title: impl Into<String>,
        x_title: impl Into<String>,
        y_title: impl Into<String>,
        x: XScale,
        series: Vec<Series>,
    ) -> LineChart {
        LineChart {
            title: title.into(),
            x_title: x_title.into(),
            y_title: y_title.into(),
            x,
            y_percent: false,
            series,
            refs: Vec::new(),
            y_from_zero: true,
            y_axis: None,
            width: 1100.0,
        }
    }

    pub fn svg(&self) -> String {
        self.svg_with_bands(&self.series)
    }

    /// The chart with its axes fitted to `self.series` but `drawn` drawn
    /// (the same lines with wider bands, clipped at the edges).
    pub fn svg_with_bands(&self, drawn: &[Series]) -> String {
        let rows = self.series.len().div_ceil(3).max(1) as f64;
        let w = self.width;
        let h = 300.0 + 16.0 * (rows - 1.0);
        // Room on the right for half the last label, which is centred on the last point.
        let last_label = match &self.x {
            XScale::Labels(l) => l.last().map_or(0, |s| s.chars().count()),
            XScale::Numbers { .. } => 8,
        };
        let right = (last_label as f64 * 3.6 + 6.0).max(20.0);
        let (x0, x1, y0, y1) = (70.0, w - right, h - 58.0, 34.0 + 16.0 * rows);
        let ys = self
            .series
            .iter()
            .flat_map(|s| {
                let band = s.band.iter().flatten().flat_map(|b| [b.1, b.2]);
                s.points.iter().map(|p| p.1).chain(band).collect::<Vec<_>>()
            })
            .chain(self.refs.iter().map(|r| r.0))
            .chain(self.y_from_zero.then_some(0.0));
        let yaxis = self.y_axis.clone().unwrap_or_else(|| Axis::covering(ys, 6, self.y_percent));
        let xaxis = match &self.x {
            XScale::Numbers { percent } => {
                Axis::covering(self.series.iter().flat_map(|s| s.points.iter().map(|p| p.0)), 8, *percent)
            }
            XScale::Labels(l) => Axis { lo: 0.0, hi: (l.len().max(2) - 1) as f64, step: 1.0, percent: false },
        };
        let mut out = String::new();
        let summary: Vec<String> = drawn
            .iter()
            .map(|s| match s.points.last() {
                Some(p) => format!("{} ends at {}", s.name, short(p.1, self.y_percent)),
                None => format!("{}: no points", s.name),
            })
            .collect();
        svg_open(&mut out, w, h, &format!("{}. {}", self.title, summary.join("; ")));
        text(&mut out, 4.0, 16.0, "start", &self.title, " font-weight=\"600\" fill=\"#24292f\"");
        y_axis(&mut out, &yaxis, y0, y1, x0, x1, &self.y_title);
        match &self.x {
            XScale::Numbers { .. } => x_axis(&mut out, &xaxis, x0, x1, y1, y0, &self.x_title),
            XScale::Labels(labels) => {
                let _ = write!(out, "<g class=\"axis\">");
                let _ = write!(out, "<line x1=\"{x0}\" y1=\"{y0}\" x2=\"{x1}\" y2=\"{y0}\" stroke=\"#8c959f\"/>");
                let widest = labels.iter().map(|l| l.chars().count()).max().unwrap_or(1) as f64 * 7.0 + 10.0;
                let room = (x1 - x0) / labels.len().max(1) as f64;
                let every = (widest / room).ceil().max(1.0) as usize;
                let last = labels.len().saturating_sub(1);
                for (i, l) in labels.iter().enumerate() {
                    // The last label always shows; a regular one too close to it does not.
                    let shown = i == last || (i % every == 0 && last - i >= every);
                    if shown {
                        let x = xaxis.at(i as f64, x0, x1);
                        let _ = write!(
                            out,
                            "<line x1=\"{x:.1}\" y1=\"{y0}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#8c959f\"/>",
                            y0 + 4.0
                        );
                        text(&mut out, x, y0 + 16.0, "middle", l, " fill=\"#424a53\"");
                    }
                }
                text(&mut out, (x0 + x1) / 2.0, y0 + 34.0, "middle", &self.x_title, " fill=\"#24292f\"");
                let _ = write!(out, "</g>");
            }
        }
        for (v, label) in &self.refs {
            let y = yaxis.at(*v, y0, y1);
            let _ = write!(
                out,
                "<line x1=\"{x0}\" y1=\"{y:.1}\" x2=\"{x1}\" y2=\"{y:.1}\" stroke=\"#24292f\" stroke-width=\"1\"/>"
            );
            text(&mut out, x0 + 4.0, y - 4.0, "start", label, " fill=\"#24292f\" font-size=\"11\"");
        }
        let px = |x: f64| xaxis.at(x, x0, x1);
        let py = |y: f64| yaxis.at(y, y0, y1);
        for (i, s) in drawn.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            if let Some(band) = &s.band {
                let finite: Vec<&(f64, f64, f64)> =
                    band.iter().filter(|b| b.1.is_finite() && b.2.is_finite()).collect();
                if finite.len() > 1 {
                    let mut d = String::new();
                    for (k, b) in finite.iter().enumerate() {
                        let _ = write!(d, "{}{:.1} {:.1} ", if k == 0 { "M" } else { "L" }, px(b.0), py(b.2));
                    }
                    for b in finite.iter().rev() {
                        let _ = write!(d, "L{:.1} {:.1} ", px(b.0), py(b.1));
                    }
                    let _ = write!(out, "<path d=\"{}Z\" fill=\"{colour}\" fill-opacity=\"0.15\" stroke=\"{colour}\" stroke-opacity=\"0.5\" stroke-width=\"0.8\" stroke-dasharray=\"{}\"/>", d, DASHES[i % DASHES.len()]);
                }
            }
            let mut d = String::new();
            let mut prev: Option<(f64, f64)> = None;
            for &(x, y) in s.points.iter().filter(|p| p.0.is_finite() && p.1.is_finite()) {
                match prev {
                    None => {
                        let _ = write!(d, "M{:.1} {:.1} ", px(x), py(y));
                    }
                    Some((_, py0)) if s.step => {
                        let _ = write!(d, "L{:.1} {:.1} L{:.1} {:.1} ", px(x), py(py0), px(x), py(y));
                    }
                    Some(_) => {
                        let _ = write!(d, "L{:.1} {:.1} ", px(x), py(y));
                    }
                }
                prev = Some((x, y));
            }
            let _ = write!(
                out,
                "<path d=\"{d}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" stroke-dasharray=\"{}\"><title>{}</title></path>",
                DASHES[i % DASHES.len()],
                escape(&summary[i])
            );
            if s.points.len() <= 40 && !s.step {
                for &(x, y) in s.points.iter().filter(|p| p.0.is_finite() && p.1.is_finite()) {
                    let _ =
                        write!(out, "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" fill=\"{colour}\"/>", px(x), py(y));
                }
            }
        }
        // The legend: a swatch with the dash pattern and the name, three to a row.
        for (i, s) in drawn.iter().enumerate() {
            let colour = PALETTE[i % PALETTE.len()];
            let lx = x0 + (i % 3) as f64 * ((x1 - x0) / 3.0);
            let ly = 30.0 + 16.0 * (i / 3) as f64;
            let _ = write!(
                out,
                "<line x1=\"{lx:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"{colour}\" stroke-width=\"2.5\" stroke-dasharray=\"{}\"/>",
                ly - 4.0,
                lx + 26.0,
                ly - 4.0,
                DASHES[i % DASHES.len()]
            );
            text(&mut out, lx + 32.0, ly, "start", &s.name, " fill=\"#24292f\"");
        }
        out.push_str("</svg>");
        out
    }
}

/// Grouped horizontal bars: a row per category, a bar per group (reference, current).
#[derive(Debug, Clone)]
pub struct Bars {
    pub title: String,
    pub groups: Vec<String>,
    /// (category, a share per group)
    pub rows: Vec<(String, Vec<f64>)>,
    /// The x axis' title.
    pub x_title: String,
    pub width: f64,
}

impl Bars {
    pub fn svg(&self) -> String {
        let k = self.groups.len().max(1) as f64;
        let bar_h = 10.0;
        let row_h = bar_h * k + 10.0;
        let (x0, x1) = (160.0, self.width - 80.0);
        let top = 44.0;
        let bottom = top + row_h * self.rows.len().max(1) as f64;
        let h = bottom + 40.0;
        let axis = Axis::covering(self.rows.iter().flat_map(|r| r.1.iter().copied()).chain([0.0]), 5, true);
        let axis = Axis { lo: 0.0, ..axis };
        let mut out = String::new();
        let described: Vec<String> = self
            .rows
            .iter()
            .map(|(c, v)| {
                let parts: Vec<String> = self.groups.iter().zip(v).map(|(g, s)| format!("{g} {}", pct(*s))).collect();
                format!("{c}: {}", parts.join(", "))
            })
            .collect();
        svg_open(&mut out, self.width, h, &format!("{}. {}", self.title, described.join("; ")));
        text(&mut out, 4.0, 16.0, "start", &self.title, " font-weight=\"600\" fill=\"#24292f\"");
        for (i, g) in self.groups.iter().enumerate() {
            let lx = x0 + i as f64 * 140.0;
            let colour = PALETTE[i % PALETTE.len()];
            let pattern = if i % 2 == 1 { " stroke=\"#24292f\" stroke-dasharray=\"2 1\"" } else { "" };
            let _ = write!(out, "<rect x=\"{lx}\" y=\"24\" width=\"14\" height=\"10\" fill=\"{colour}\"{pattern}/>");
            text(&mut out, lx + 20.0, 33.0, "start", g, " fill=\"#24292f\"");
        }
        x_axis(&mut out, &axis, x0, x1, top, bottom, &self.x_title);
        for (r, (cat, shares)) in self.rows.iter().enumerate() {
            let y = top + row_h * r as f64 + 5.0;
            text(&mut out, x0 - 8.0, y + row_h / 2.0, "end", &clip(cat, 22), " fill=\"#24292f\"");
            for (i, s) in shares.iter().enumerate() {
                let colour = PALETTE[i % PALETTE.len()];
                let by = y + i as f64 * bar_h;
                let bw = (axis.at(*s, x0, x1) - x0).max(0.0);
                let pattern =
                    if i % 2 == 1 { " stroke=\"#24292f\" stroke-width=\"0.8\" stroke-dasharray=\"2 1\"" } else { "" };
                let _ = write!(
                    out,
                    "<rect x=\"{x0}\" y=\"{by:.1}\" width=\"{bw:.1}\" height=\"{:.1}\" fill=\"{colour}\"{pattern}><title>{}</title></rect>",
                    bar_h - 1.0,
                    escape(&format!("{cat}: {} {}", self.groups.get(i).map_or("", |g| g.as_str()), pct(*s)))
                );
                text(
                    &mut out,
                    x0 + bw + 4.0,
                    by + bar_h - 1.5,
                    "start",
                    &pct(*s),
                    " fill=\"#424a53\" font-size=\"10\"",
                );
            }
        }
        out.push_str("</svg>");
        out
    }
}

/// At most `max` characters, an ellipsis for the rest.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

fn pct(s: f64) -> String {
    if s.is_finite() {
        format!("{}%", crate::numfmt::sig_digits(s * 100.0, 3))
    } else {
        "n/a".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_nice_and_cover_the_values() {
        let a = Axis::covering([-0.034, 0.127], 6, true);
        assert_eq!(a.step, 0.02);
        assert!(a.lo <= -0.034 && a.hi >= 0.127);
        let labels: Vec<String> = a.ticks().iter().map(|t| a.label(*t)).collect();
        assert_eq!(labels, ["-4%", "-2%", "0%", "+2%", "+4%", "+6%", "+8%", "+10%", "+12%", "+14%"]);
        let b = Axis::covering([-0.2, 0.4], 6, true);
        assert_eq!(
            b.ticks().iter().map(|t| b.label(*t)).collect::<Vec<_>>(),
            ["-20%", "-10%", "0%", "+10%", "+20%", "+30%", "+40%"]
        );
        let b = Axis::covering([0.0, 7300.0], 6, false);
        assert_eq!(b.step, 1000.0);
        assert_eq!(b.ticks().len(), 9);
        let c = Axis::covering([1.0, 1.0], 6, false);
        assert!(c.lo < 1.0 && c.hi > 1.0);
        let huge = Axis::covering([-1.7e308, 1.7e308], 6, false);
        assert!(huge.lo < huge.hi && huge.at(1e308, 0.0, 100.0).is_finite());
        let big = Axis::covering([0.0, 3e300], 6, false);
        assert!(big.ticks().iter().all(|t| big.label(*t).len() <= 8), "{:?}", big.ticks());
        let d = Axis::covering([f64::NAN, f64::INFINITY], 6, false);
        assert_eq!((d.lo, d.hi), (0.0, 1.0));
    }
}
