//! The line report as one self-contained HTML page (`impish line --html`), for a line
//! engineer to read at a glance: the verdict and its reasons, the summary, a legend, then
//! the terminal's per-unit table with a timeline per unit — its status LED's colours, a
//! band per stage and a tick per milestone, from the moment it was placed in a fixture —
//! all timelines on one time axis with gridlines, fitted to the page's width. Why a unit
//! failed is written under its row. No scripts, no outside resources: the file can be
//! mailed or archived as it is.

use super::report::{clock, Millis, Report, UnitReport, Verdict, COLUMNS};
use std::fmt::Write as _;

/// Rows drawn at most; a longer line shows its rejected units and the first passing ones.
pub const MAX_ROWS: usize = 1000;
/// The timelines' drawing width (their SVG viewBox); the page scales it to the column.
const SPAN: f64 = 1000.0;
const ROW_HEIGHT: u32 = 22;
/// The stage bands' colours, stage by stage.
const STAGE_FILLS: [&str; 3] = ["#4a78c2", "#8e6cc0", "#3f9fa8"];
/// Gridline spacings to choose from, in seconds: the smallest that draws at most
/// `MAX_GRIDLINES` lines.
const GRID_STEPS: [u64; 12] = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 1800];
const MAX_GRIDLINES: u64 = 6;

/// The page's look. The table is as wide as the page and no wider: the text columns
/// have fixed widths and wrap, the timeline column takes the rest.
const STYLE: &str = "\
body{font:13px system-ui,sans-serif;margin:1.5em;color:#222}\
h1{font-size:1.4em;margin:0 0 .5em}\
.verdict{padding:.5em .8em;border-radius:4px;margin:0 0 1em}\
.verdict.ok{background:#e3f4e5}.verdict.bad{background:#fbe3e0}\
.verdict ul{margin:.3em 0 0;padding-left:1.5em}\
table{border-collapse:collapse}\
td,th{padding:2px 6px;text-align:left;vertical-align:top}\
.facts th{font-weight:600;padding-right:1.5em}\
.units{width:100%;table-layout:fixed}\
.units th,.units td{overflow-wrap:break-word}\
.units tbody tr.unit{border-top:1px solid #e4e4e4}\
.units tr.failed td{color:#b3261e}\
.units tr.why td{padding:0 6px 6px 2.6em;color:#6d1a14;font-size:12px}\
.units tr.why ul{margin:0;padding-left:1.2em}\
.mono{font-family:ui-monospace,monospace;white-space:nowrap}\
td.timeline{padding:2px 0}\
td.timeline svg{display:block;width:100%}\
.axis{position:relative;height:1.4em}\
.axis span{position:absolute;transform:translateX(-50%);font-weight:400;color:#555;white-space:nowrap}\
.axis span.first{transform:none}.axis span.last{transform:translateX(-100%)}\
.legend{margin:.8em 0;line-height:1.9}\
.legend i{display:inline-block;width:14px;height:10px;margin:0 4px 0 14px;vertical-align:middle}\
.legend i:first-child{margin-left:0}";

/// `&`, `<`, `>` and quotes as entities.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn fill(color: &str) -> &'static str {
    match color {
        "green" => "#2e9d3a",
        "red" => "#d23a2a",
        "flashing" => "url(#flash)",
        _ => "#d9d9d9",
    }
}

/// The units drawn: all of a short line; the rejected and the first passing of a long one.
fn shown(report: &Report) -> Vec<&UnitReport> {
    let mut passing = 0;
    let keep = |u: &&UnitReport| {
        passing += usize::from(u.blessed);
        report.summary.processed <= MAX_ROWS || !u.blessed || passing <= MAX_ROWS / 2
    };
    report.units.iter().filter(keep).take(MAX_ROWS).collect()
}

/// The shared time axis: milliseconds on the line (since placement) to drawing units,
/// and where its gridlines fall.
struct Axis {
    longest: Millis,
    step: Millis,
}

impl Axis {
    /// The axis of the longest time on the line among `units` (a second at least).
    fn new(units: &[&UnitReport]) -> Axis {
        Axis::spanning(units.iter().map(|u| u.time_on_line_ms()).max().unwrap_or(0).max(1000))
    }

    fn spanning(longest: Millis) -> Axis {
        let step = GRID_STEPS.iter().find(|&&s| longest / (s * 1000) <= MAX_GRIDLINES).copied().unwrap_or(3600);
        Axis { longest, step: step * 1000 }
    }

    fn x(&self, ms: Millis) -> f64 {
        ms.min(self.longest) as f64 * SPAN / self.longest as f64
    }

    fn gridlines(&self) -> impl Iterator<Item = Millis> + '_ {
        (0..=self.longest / self.step).map(|i| i * self.step)
    }

    /// The header's labels, placed as percentages of the column's width.
    fn labels(&self, out: &mut String) {
        out.push_str("<div class=\"axis\">");
        let last = self.longest / self.step;
        for (i, at) in self.gridlines().enumerate() {
            let class = match i as u64 {
                0 => " class=\"first\"",
                i if i == last && self.x(at) > SPAN * 0.95 => " class=\"last\"",
                _ => "",
            };
            // Gridlines fall on whole seconds: `m:ss` labels them, short enough not to collide.
            let label = format!("{}:{:02}", at / 60_000, at % 60_000 / 1000);
            let _ = write!(out, "<span{class} style=\"left:{:.2}%\">{label}</span>", self.x(at) / SPAN * 100.0);
        }
        out.push_str("</div>");
    }
}

/// One unit's timeline on the shared axis: gridlines, LED segments above, a band per
/// stage below, and a tick per milestone (hover for what happened when).
fn timeline(out: &mut String, unit: &UnitReport, axis: &Axis) {
    let x = |at: Millis| axis.x(at.saturating_sub(unit.placed_ms));
    let _ = write!(
        out,
        r#"<svg viewBox="0 0 {SPAN} {ROW_HEIGHT}" preserveAspectRatio="none" height="{ROW_HEIGHT}" role="img">"#
    );
    let _ = write!(out, r#"<title>unit {}: {} on the line</title>"#, unit.unit, clock(unit.time_on_line_ms()));
    for at in axis.gridlines() {
        let _ = write!(
            out,
            r##"<line x1="{0:.1}" x2="{0:.1}" y1="0" y2="{ROW_HEIGHT}" stroke="#ccc" vector-effect="non-scaling-stroke"/>"##,
            axis.x(at)
        );
    }
    let width = x(unit.left_ms);
    let _ = write!(out, r#"<rect x="0" y="2" width="{width:.1}" height="10" fill="{}"/>"#, fill("off"));
    let changes = &unit.led_timeline;
    for (i, change) in changes.iter().enumerate() {
        let start = change.at_ms.max(unit.placed_ms).min(unit.left_ms);
        let end = changes.get(i + 1).map_or(unit.left_ms, |next| next.at_ms).clamp(start, unit.left_ms);
        if end > start {
            let _ = write!(
                out,
                r#"<rect x="{:.1}" y="2" width="{:.1}" height="10" fill="{}"><title>LED {} from {}</title></rect>"#,
                x(start),
                x(end) - x(start),
                fill(change.color),
                change.color,
                clock(start - unit.placed_ms)
            );
        }
    }
    for (index, stage) in unit.stages.iter().enumerate() {
        let _ = write!(
            out,
            r#"<rect x="{:.1}" y="14" width="{:.1}" height="6" fill="{}"><title>{}: {} ({} to {})</title></rect>"#,
            x(stage.placed_ms),
            (x(stage.done_ms) - x(stage.placed_ms)).max(1.0),
            STAGE_FILLS[index % STAGE_FILLS.len()],
            escape(&stage.name),
            verdict(stage.verdict),
            clock(stage.placed_ms - unit.placed_ms),
            clock(stage.done_ms - unit.placed_ms)
        );
    }
    for event in &unit.events {
        let _ = write!(
            out,
            r##"<line x1="{0:.1}" x2="{0:.1}" y1="0" y2="{ROW_HEIGHT}" stroke="#222" stroke-width="1.5" vector-effect="non-scaling-stroke"><title>{1} {2}</title></line>"##,
            x(event.at_ms.clamp(unit.placed_ms, unit.left_ms)),
            clock(event.at_ms.saturating_sub(unit.placed_ms)),
            escape(&event.what)
        );
    }
    out.push_str("</svg>");
}

fn verdict(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Passed => "passed",
        Verdict::Failed => "failed",
        Verdict::NoBlinkUp => "no BlinkUp",
        Verdict::NoResult => "no result",
    }
}

/// Why a unit needs a look, a reason a line (nothing for a unit blessed as predicted).
fn why(unit: &UnitReport) -> Vec<String> {
    let mut reasons = Vec::new();
    if unit.blessed != unit.expected_blessed {
        let expected = if unit.expected_blessed { "blessed" } else { "rejected" };
        reasons.push(format!("against prediction: its faults say it should have been {expected}"));
    }
    if !unit.blessed {
        match unit.stages.last() {
            Some(stage) if stage.verdict == Verdict::NoBlinkUp => {
                reasons.push(format!("no BlinkUp enrolled it at {} after {} press(es)", stage.name, stage.presses))
            }
            Some(stage) if stage.verdict == Verdict::NoResult => {
                reasons.push(format!("no result at {}: the operator gave up", stage.name))
            }
            _ => {}
        }
        reasons.extend(unit.failures.iter().map(|f| format!("failed test {f}")));
        if let Some(fault) = &unit.injected {
            reasons.push(format!("injected: {fault}"));
        }
    }
    let mut errors = unit.uncaught_errors.clone();
    errors.dedup();
    reasons.extend(errors.iter().map(|e| format!("uncaught error: {e}")));
    reasons
}

fn legend(out: &mut String, stages: &[String]) {
    out.push_str(
        "<p class=\"legend\">Status LED: <i style=\"background:#2e9d3a\"></i>green\
         <i style=\"background:#d23a2a\"></i>red<i style=\"background:repeating-linear-gradient(90deg,#f0c419 0 2px,#fff6cc 2px 4px)\"></i>\
         flashing (BlinkUp)<i style=\"background:#d9d9d9\"></i>off<br>Stages: ",
    );
    for (index, stage) in stages.iter().enumerate() {
        let _ = write!(out, "<i style=\"background:{}\"></i>{}", STAGE_FILLS[index % STAGE_FILLS.len()], escape(stage));
    }
    out.push_str(
        "<br><i style=\"background:#222;width:2px\"></i>a milestone (hover for what happened)\
         <i style=\"background:#ccc;width:1px\"></i>gridlines on the time axis: time since the unit was placed \
         (m:ss). Rows in red were rejected; why is written under them.</p>\n",
    );
}

/// The whole page.
pub fn render(report: &Report) -> String {
    let s = &report.summary;
    let mut out = String::new();
    let title = format!("impish line: {} ({})", report.product, report.line);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{0}</title><style>{STYLE}</style></head><body>\n\
         <h1>{0}</h1>\n",
        escape(&title)
    );
    if report.passed() {
        out.push_str("<div class=\"verdict ok\"><b>Line passed</b>: every unit as its faults predict, no uncaught errors, no escapes.</div>\n");
    } else {
        let _ = write!(
            out,
            "<div class=\"verdict bad\"><b>Line FAILED</b>: {} problem(s), {} escape(s)<ul>",
            s.problems.len(),
            s.escapes
        );
        for problem in &s.problems {
            let _ = write!(out, "<li>{}</li>", escape(problem));
        }
        out.push_str("</ul></div>\n");
    }
    out.push_str("<table class=\"facts\">");
    let facts = [
        ("stages", report.stages.join(" → ")),
        ("seed", report.seed.to_string()),
        ("DUTs processed", s.processed.to_string()),
        ("blessed", format!("{} ({} expected)", s.blessed, s.expected_blessed)),
        ("rejected", s.rejected.to_string()),
        ("factory escapes", s.escapes.to_string()),
        ("blessing webhooks", s.blessing_webhooks.to_string()),
        ("simulated line time", clock((s.line_time_s * 1000.0) as Millis)),
        ("throughput", format!("{:.0} units/hour", s.throughput_per_hour)),
    ];
    for (name, value) in facts {
        let _ = write!(out, "<tr><th>{name}</th><td>{}</td></tr>", escape(&value));
    }
    for (fault, n) in &s.rejected_by_fault {
        let _ = write!(out, "<tr><th>rejected: {}</th><td>{n}</td></tr>", escape(fault));
    }
    out.push_str("</table>\n");
    legend(&mut out, &report.stages);
    out.push_str(
        "<svg width=\"0\" height=\"0\" style=\"position:absolute\"><defs><pattern id=\"flash\" width=\"4\" height=\"10\" \
         patternUnits=\"userSpaceOnUse\"><rect width=\"2\" height=\"10\" fill=\"#f0c419\"/><rect x=\"2\" width=\"2\" \
         height=\"10\" fill=\"#fff6cc\"/></pattern></defs></svg>\n",
    );
    let units = shown(report);
    let axis = Axis::new(&units);
    // Widths in em of the text columns, in `COLUMNS` order; the timeline takes the rest.
    let widths = [2.5, 11.5, 7.0, 9.0, 4.5, 5.5, 5.0, 8.5];
    out.push_str("<table class=\"units\"><colgroup>");
    for width in widths {
        let _ = write!(out, "<col style=\"width:{width}em\">");
    }
    out.push_str("<col></colgroup><thead><tr>");
    for column in COLUMNS {
        let _ = write!(out, "<th>{column}</th>");
    }
    out.push_str("<th>timeline");
    axis.labels(&mut out);
    out.push_str("</th></tr></thead><tbody>\n");
    for unit in &units {
        let class = if unit.blessed { "unit" } else { "unit failed" };
        let _ = write!(out, "<tr class=\"{class}\" id=\"unit-{}\">", unit.unit);
        for (index, cell) in unit.cells(report.stages.len()).iter().enumerate() {
            let mono = if COLUMNS[index] == "device id" { " class=\"mono\"" } else { "" };
            let _ = write!(out, "<td{mono}>{}</td>", escape(cell));
        }
        out.push_str("<td class=\"timeline\">");
        timeline(&mut out, unit, &axis);
        out.push_str("</td></tr>\n");
        let reasons = why(unit);
        if !reasons.is_empty() {
            let _ = write!(out, "<tr class=\"why\"><td colspan=\"{}\"><ul>", COLUMNS.len() + 1);
            for reason in reasons {
                let _ = write!(out, "<li>{}</li>", escape(&reason));
            }
            out.push_str("</ul></td></tr>\n");
        }
    }
    out.push_str("</tbody></table>\n");
    if units.len() < report.summary.processed {
        let _ = writeln!(out, "<p>{} passing units not drawn.</p>", report.summary.processed - units.len());
    }
    out.push_str("</body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a<b & \"c\""), "a&lt;b &amp; &quot;c&quot;");
    }

    #[test]
    fn gridlines_are_few_and_round() {
        let lines = |longest| Axis::spanning(longest).gridlines().collect::<Vec<_>>();
        assert_eq!(lines(27_500), [0, 5_000, 10_000, 15_000, 20_000, 25_000]);
        assert_eq!(lines(70_000), [0, 15_000, 30_000, 45_000, 60_000]);
        assert_eq!(lines(600_000).len(), 6, "every 2 minutes");
        assert_eq!(Axis::spanning(70_000).x(70_000), SPAN);
    }
}
