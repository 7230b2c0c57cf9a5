//! The line report as one self-contained HTML page (`impish line --html`): the summary,
//! then a row per unit with an inline-SVG timeline of its status LED's colours from the
//! moment it was placed in a fixture to the moment it left, its milestones marked on
//! it (hover for what happened), and its verdict. No scripts, no outside resources:
//! the file can be mailed or archived as it is.

use super::report::{clock, Millis, Report, UnitReport, Verdict};
use std::fmt::Write as _;

/// Rows drawn at most; a longer line shows its rejected units and the first passing ones.
const MAX_ROWS: usize = 1000;
/// Pixels for the longest time on the line.
const TIMELINE_WIDTH: f64 = 640.0;
const ROW_HEIGHT: u32 = 24;
/// The stage bands' colours, stage by stage.
const STAGE_FILLS: [&str; 3] = ["#4a78c2", "#8e6cc0", "#3f9fa8"];

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
        report.units.len() <= MAX_ROWS || !u.blessed || passing <= MAX_ROWS / 2
    };
    report.units.iter().filter(keep).take(MAX_ROWS).collect()
}

/// One unit's timeline: LED segments above, a band per stage below (hover for its
/// verdict), and a tick per milestone.
fn timeline(out: &mut String, unit: &UnitReport, scale: f64) {
    let x = |at: Millis| (at.saturating_sub(unit.placed_ms)) as f64 * scale;
    let width = x(unit.left_ms).max(1.0);
    let _ = write!(out, r#"<svg width="{:.0}" height="{ROW_HEIGHT}" role="img">"#, width + 2.0);
    let _ = write!(out, r#"<rect x="0" y="2" width="{width:.1}" height="10" fill="{}"/>"#, fill("off"));
    let changes = &unit.led_timeline;
    for (i, change) in changes.iter().enumerate() {
        let start = change.at_ms.max(unit.placed_ms).min(unit.left_ms);
        let end = changes.get(i + 1).map_or(unit.left_ms, |next| next.at_ms).clamp(start, unit.left_ms);
        if end > start {
            let _ = write!(
                out,
                r#"<rect x="{:.1}" y="2" width="{:.1}" height="10" fill="{}"><title>{} from {}</title></rect>"#,
                x(start),
                x(end) - x(start),
                fill(change.color),
                change.color,
                clock(start)
            );
        }
    }
    for (index, stage) in unit.stages.iter().enumerate() {
        let verdict = match stage.verdict {
            Verdict::Passed => "passed",
            Verdict::Failed => "failed",
            Verdict::NoBlinkUp => "no BlinkUp",
            Verdict::NoResult => "no result",
        };
        let _ = write!(
            out,
            r#"<rect x="{:.1}" y="15" width="{:.1}" height="7" fill="{}"><title>{}: {verdict} ({} to {})</title></rect>"#,
            x(stage.placed_ms),
            (x(stage.done_ms) - x(stage.placed_ms)).max(1.0),
            STAGE_FILLS[index % STAGE_FILLS.len()],
            escape(&stage.name),
            clock(stage.placed_ms),
            clock(stage.done_ms)
        );
    }
    for event in &unit.events {
        let _ = write!(
            out,
            r##"<rect x="{:.1}" y="0" width="1.5" height="{ROW_HEIGHT}" fill="#222"><title>{} {}</title></rect>"##,
            x(event.at_ms.clamp(unit.placed_ms, unit.left_ms)),
            clock(event.at_ms),
            escape(&event.what)
        );
    }
    out.push_str("</svg>");
}

/// The whole page.
pub fn render(report: &Report) -> String {
    let s = &report.summary;
    let mut out = String::new();
    let title = format!("impish line: {} ({})", report.product, report.line);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>\
         body{{font:14px system-ui,sans-serif;margin:2em;color:#222}}\
         table{{border-collapse:collapse}}td,th{{padding:2px 10px;text-align:left;white-space:nowrap}}\
         tr:nth-child(even){{background:#f5f5f5}}.bad{{color:#d23a2a}}.mono{{font-family:monospace}}\
         .key span{{display:inline-block;width:12px;height:10px;margin:0 4px 0 12px}}</style></head><body>\n",
        escape(&title)
    );
    let _ = write!(out, "<h1>{}</h1>\n<table>", escape(&title));
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
    out.push_str(
        "<p class=\"key\">Status LED from placement to leaving the line:<span style=\"background:#2e9d3a\"></span>green\
         <span style=\"background:#d23a2a\"></span>red<span style=\"background:#f0c419\"></span>flashing (BlinkUp)\
         <span style=\"background:#d9d9d9\"></span>off. Below it, a band per stage (hover for its verdict); \
         black ticks are milestones (hover for details).</p>\n",
    );
    let units = shown(report);
    let longest = units.iter().map(|u| u.time_on_line_ms()).max().unwrap_or(1).max(1);
    let scale = TIMELINE_WIDTH / longest as f64;
    out.push_str(
        "<svg width=\"0\" height=\"0\" style=\"position:absolute\"><defs><pattern id=\"flash\" width=\"4\" height=\"10\" \
         patternUnits=\"userSpaceOnUse\"><rect width=\"2\" height=\"10\" fill=\"#f0c419\"/><rect x=\"2\" width=\"2\" \
         height=\"10\" fill=\"#fff6cc\"/></pattern></defs></svg>\n",
    );
    out.push_str(
        "<table><tr><th>#</th><th>device id</th><th>stage reached</th><th>tests</th><th>blessed</th>\
         <th>time on line</th><th>timeline</th></tr>\n",
    );
    for unit in &units {
        let class = if unit.blessed { "" } else { " class=\"bad\"" };
        let _ = write!(
            out,
            "<tr{class}><td>{}</td><td class=\"mono\">{}</td><td>{} ({})</td><td>{}</td><td>{}</td><td>{:.1} s</td><td>",
            unit.unit,
            escape(&unit.device_id),
            unit.reached.name(),
            escape(&unit.stage),
            escape(&unit.tests()),
            if unit.blessed { "yes" } else { "no" },
            unit.time_on_line_ms() as f64 / 1000.0
        );
        timeline(&mut out, unit, scale);
        out.push_str("</td></tr>\n");
    }
    out.push_str("</table>\n");
    if units.len() < report.units.len() {
        let _ = writeln!(out, "<p>{} passing units not drawn.</p>", report.units.len() - units.len());
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
}
