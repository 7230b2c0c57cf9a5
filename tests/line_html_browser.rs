//! `impish line --html` in a real browser: Debian's Chromium, headless, lays the report
//! out at common window widths, and a script measures it. No unit row may be missing,
//! nothing may run off the page to the right, and every timeline must be drawn wide
//! enough to read. Chromium comes from Debian (`apt-get install chromium`; `.ci/run`
//! installs it): without it this test fails rather than pass unchecked.

mod common;

use common::{impish, scratch};
use std::process::Command;

/// Measures the laid-out page and writes the figures, as JSON, into `<body data-layout>`.
const MEASURE: &str = r#"<script>
(function () {
  var view = document.documentElement.clientWidth;
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.unit"));
  var timelines = rows.map(function (row) { return row.querySelector("td.timeline svg"); });
  var right = function (e) { return e ? e.getBoundingClientRect().right : Infinity; };
  var layout = {
    view: view,
    scroll: document.documentElement.scrollWidth,
    units: rows.map(function (row) { return row.id; }),
    widest_row: Math.max.apply(null, rows.map(right).concat([0])),
    widest_timeline: Math.max.apply(null, timelines.map(right).concat([0])),
    narrowest_timeline: Math.min.apply(null, timelines.map(function (t) { return t ? t.getBoundingClientRect().width : 0; })),
    axis_labels: document.querySelectorAll(".axis span").length,
    widest_label: Math.max.apply(null, Array.prototype.map.call(document.querySelectorAll(".axis span"), right).concat([0]))
  };
  document.body.setAttribute("data-layout", JSON.stringify(layout));
})();
</script>"#;

/// The page as Chromium lays it out in a window `width` pixels wide: the figures
/// `MEASURE` took.
fn layout(html: &str, name: &str, width: u32) -> serde_json::Value {
    let page = scratch(name, &html.replace("</body>", &format!("{MEASURE}</body>")));
    let output = Command::new("chromium")
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"])
        .arg(format!("--window-size={width},900"))
        .args(["--dump-dom", &format!("file://{page}")])
        .output()
        .unwrap_or_else(|e| panic!("chromium: {e} (install Debian's chromium: apt-get install chromium)"));
    let dom = String::from_utf8_lossy(&output.stdout);
    let start = dom.find("data-layout=\"").unwrap_or_else(|| panic!("no layout measured: {dom}")) + 13;
    let end = start + dom[start..].find('"').expect("attribute end");
    let json = dom[start..end].replace("&quot;", "\"").replace("&amp;", "&");
    serde_json::from_str(&json).expect("layout JSON")
}

/// Asserts the report fits a window `width` wide and draws every unit of `report`.
fn assert_fits(html: &str, report: &serde_json::Value, name: &str, width: u32) {
    let figures = layout(html, &format!("{name}-{width}.html"), width);
    let view = figures["view"].as_f64().expect("view");
    assert_eq!(view, f64::from(width), "{figures}");
    assert!(figures["scroll"].as_f64() <= Some(view), "{name} at {width}px runs off to the right: {figures}");
    for figure in ["widest_row", "widest_timeline", "widest_label"] {
        assert!(figures[figure].as_f64() <= Some(view + 0.5), "{name} at {width}px: {figure} overflows: {figures}");
    }
    let min_timeline = if width >= 1280 { 300.0 } else { 150.0 };
    assert!(figures["narrowest_timeline"].as_f64() >= Some(min_timeline), "{name} at {width}px: {figures}");
    assert!(figures["axis_labels"].as_u64() >= Some(2), "a time axis: {figures}");
    let drawn: Vec<&str> = figures["units"].as_array().expect("units").iter().filter_map(|u| u.as_str()).collect();
    let expected: Vec<String> =
        report["units"].as_array().expect("units").iter().map(|u| format!("unit-{}", u["unit"])).collect();
    assert_eq!(drawn, expected, "{name} at {width}px: every unit's row, in order");
}

#[test]
fn the_line_reports_fit_the_window_in_headless_chromium() {
    for line in ["factory", "multistage"] {
        let (html, json) = (scratch(&format!("{line}.html"), ""), scratch(&format!("{line}.json"), ""));
        let file = format!("samples/{line}/line.toml");
        let (code, _, err) = impish(&["line", &file, "--quiet", "--html", &html, "--json", &json]);
        assert_eq!(code, Some(0), "{err}");
        let html = std::fs::read_to_string(&html).expect("HTML report");
        let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).expect("JSON")).expect("JSON");
        for width in [1280, 1024] {
            assert_fits(&html, &report, line, width);
        }
    }
}

/// The measurement itself catches an overflow: a page wider than the window fails.
#[test]
fn an_overflowing_page_is_caught() {
    let html = "<!DOCTYPE html><html><body><table><tr class=\"unit\" id=\"unit-1\"><td class=\"timeline\">\
                <svg width=\"2000\" height=\"10\"></svg></td></tr></table></body></html>";
    let figures = layout(html, "overflow.html", 1024);
    assert!(figures["scroll"].as_f64() > figures["view"].as_f64(), "{figures}");
    assert!(figures["widest_timeline"].as_f64() > Some(1024.0), "{figures}");
}
