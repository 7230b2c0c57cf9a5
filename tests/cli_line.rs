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
