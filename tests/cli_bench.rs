//! `impish bench`: the report's figures, for a script and for a firmware.

mod common;

use common::*;

#[test]
fn a_script_report_names_its_hottest_function() {
    let file = scratch(
        "hot.nut",
        "function spin(n) { local s = 0; for (local i = 0; i < n; i++) s += i; return s; }\nprint(spin(100000));\n",
    );
    let (code, out, err) = impish(&["bench", "--profile", "squirrel", "--json", &file]);
    assert_eq!(code, Some(0), "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("JSON report");
    assert!(report["instructions"].as_u64().unwrap_or(0) >= 100_000, "{report}");
    assert!(report["peak_heap_bytes"].as_u64().unwrap_or(0) > 0, "{report}");
    assert_eq!(report["hottest"][0]["function"], "spin", "{report}");
    assert_eq!(report["hottest"][0]["line"], 1, "{report}");
    assert!(report["error"].is_null());
    assert!(!out.contains("4999950000"), "the script's output is not mixed into the report");
}

#[test]
fn a_memory_limit_ends_a_hungry_script_with_out_of_memory() {
    let file = scratch("hungry.nut", "local keep = []; while (true) keep.push(array(100));\n");
    let (code, out, _) = impish(&["bench", "--profile", "squirrel", "--memory-limit", "100K", &file]);
    assert_eq!(code, Some(1));
    assert!(out.contains("ended with error  out of memory"), "{out}");
}

/// Device code is the default subject, as with `impish run`.
#[test]
fn a_firmware_report_counts_imp_time() {
    let (code, out, err) = impish(&["bench", "samples/blink/blink.device.nut", "--for", "600", "--json"]);
    assert_eq!(code, Some(0), "{err}");
    let report: serde_json::Value = serde_json::from_str(&out).expect("JSON report");
    assert_eq!(report["simulated_s"], 600.0, "{report}");
    assert_eq!(report["hottest"][0]["function"], "blink", "{report}");
    assert_eq!(report["hottest"][0]["vm"], "device", "{report}");
    assert_eq!(report["profile"], "imp", "{report}");
}
