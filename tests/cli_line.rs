//! `impish line`: the sample factory line from the command line, its table, summary
//! and report files, and a bad line file's exit.

mod common;

use common::impish;

fn sample(path: &str) -> String {
    format!("{}/samples/{path}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_sample_line_prints_a_table_and_a_summary_and_writes_its_reports() {
    let dir = std::env::temp_dir().join(format!("impish-cli-line-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (json, html) = (dir.join("line.json"), dir.join("line.html"));
    let line = sample("factory/line.toml");
    let (code, out, err) =
        impish(&["line", &line, "--json", &json.display().to_string(), "--html", &html.display().to_string()]);
    assert_eq!(code, Some(0), "{err}");
    let header = out.lines().next().unwrap_or_default();
    assert_eq!(
        header.split_whitespace().collect::<Vec<_>>().join(" "),
        "# device id stage reached tests LED blessed time on line injected"
    );
    assert!(out.contains("DUTs processed    40\n"), "{out}");
    assert!(out.contains("factory escapes   0\n"), "{out}");
    assert!(out.contains("failed: sensor id, temperature"), "{out}");
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).expect("json written")).expect("json");
    assert_eq!(report["summary"]["processed"], 40);
    assert!(std::fs::read_to_string(&html).expect("html written").contains("<svg"));
    let (code, quiet, _) = impish(&["line", &line, "--quiet"]);
    assert_eq!(code, Some(0));
    assert!(quiet.starts_with("line "), "--quiet prints only the summary: {quiet}");
}

#[test]
fn a_bad_line_file_exits_2_naming_it() {
    let (code, out, err) = impish(&["line", &sample("factory/no-such-line.toml")]);
    assert_eq!(code, Some(2));
    assert!(out.is_empty());
    assert!(err.contains("no-such-line.toml: cannot read"), "{err}");
}

/// A line whose fixture ignores its button blesses nothing: it exits 1 and the summary
/// says why; a button or bus the imp type does not have is refused with exit 2.
#[test]
fn a_broken_line_fails_and_says_why() {
    let dir = std::env::temp_dir().join(format!("impish-cli-line-broken-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let text = std::fs::read_to_string(sample("factory/line.toml")).expect("sample line");
    let factory = sample("factory");
    let text = text
        .replace("duts = 40 ", "duts = 3 ")
        .replace("\"fixture.", &format!("\"{factory}/fixture."))
        .replace("\"dut.", &format!("\"{factory}/dut."))
        .replace("\"../app/", &format!("\"{factory}/../app/"));
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("line file");
        path.display().to_string()
    };
    let (code, out, err) = impish(&["line", &write("ok.toml", &text), "--quiet"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("verdict           passed"), "{out}");
    let (code, out, err) =
        impish(&["line", &write("pinq.toml", &text.replace("button = \"pinC\"", "button = \"pinQ\"")), "--quiet"]);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(out.contains("verdict           FAILED: 4 problem(s), 0 escape(s)\n"), "{out}");
    assert!(out.contains("  - the test fixture's firmware does not read its button pinQ"), "{out}");
    assert!(out.contains("was rejected at test (no BlinkUp enrolled it), though it has no injected fault"), "{out}");
    assert!(err.contains("the line failed"), "{err}");
    let (code, _, err) =
        impish(&["line", &write("pinz.toml", &text.replace("button = \"pinC\"", "button = \"pinZZ\""))]);
    assert_eq!(code, Some(2));
    assert!(err.contains("pinz.toml:17: the fixture (an imp005) has no pin \"pinZZ\""), "{err}");
    let (code, _, err) = impish(&["line", &write("bus.toml", &text.replace("bus = \"i2c89\"", "bus = \"i2c12\""))]);
    assert_eq!(code, Some(2));
    assert!(err.contains("an imp005 has no I2C bus \"i2c12\""), "{err}");
}
