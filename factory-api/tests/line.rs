//! Whole assembly lines from line files: the sample lines in `samples/`, run through
//! the `MemoryCloud`, must show exactly the yield their injected faults allow, and bad
//! line files must say what is wrong and where.

use impish_factory::line::report::{JsonWriter, Report, UnitReport, Verdict};
use impish_factory::line::{self, LineDescription, LineError};
use impish_factory::timing::FactoryTiming;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn sample(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples").join(path)
}

fn load(path: &Path) -> LineDescription {
    line::load(path).unwrap_or_else(|e| panic!("{e}"))
}

fn run(description: &LineDescription) -> Report {
    let mut calls = 0;
    let report = line::run(description, &mut |_| calls += 1).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(calls, description.duts, "progress after every unit");
    report
}

/// How many units the line's faults name, by fault: round(fraction × duts) each.
fn injected(description: &LineDescription) -> BTreeMap<String, usize> {
    let count = |fraction: f64| (fraction * description.duts as f64).round() as usize;
    let mut faults: BTreeMap<String, usize> =
        description.population.iter().map(|f| (f.name.clone(), count(f.fraction))).collect();
    let bless = count(description.cloud.bless_failures.0);
    if bless > 0 {
        faults.insert("failed bless request".into(), bless);
    }
    faults
}

/// What every line must show: the yield its faults allow, blessed units (only they) in
/// production with a green LED and one blessing webhook each, no escapes.
fn assert_sound(description: &LineDescription, report: &Report) {
    let s = &report.summary;
    let faults = injected(description);
    assert_eq!(s.processed, description.duts);
    assert_eq!(s.rejected_by_fault, faults, "every rejected unit is one with an injected fault, and vice versa");
    assert_eq!(s.blessed, description.duts - faults.values().sum::<usize>());
    assert_eq!(s.blessed, s.expected_blessed);
    assert_eq!(s.escapes, 0);
    assert!(report.passed(), "{:?}", s.problems);
    for unit in &report.units {
        assert_eq!(unit.blessed, unit.injected.is_none(), "unit {}: {:?}", unit.unit, unit.injected);
        assert_eq!(unit.in_production_group, unit.blessed, "unit {} production group", unit.unit);
        let asked_to_bless = unit.events.iter().any(|e| e.what.starts_with("server.bless"));
        if asked_to_bless {
            assert_eq!(unit.led, if unit.blessed { "green" } else { "red" }, "unit {} LED", unit.unit);
        }
        assert!(!unit.escape);
    }
    let mut webhooks: BTreeMap<&str, usize> = BTreeMap::new();
    for hook in report.webhooks.iter().filter(|w| w.event == "blessing") {
        *webhooks.entry(hook.payload["device_id"].as_str()).or_default() += 1;
    }
    let blessed: BTreeMap<&str, usize> =
        report.units.iter().filter(|u| u.blessed).map(|u| (u.device_id.as_str(), 1)).collect();
    assert_eq!(webhooks, blessed, "one blessing webhook per blessed unit");
    assert_eq!(s.blessing_webhooks, s.blessed);
}

fn units_with<'a>(report: &'a Report, fault: &'a str) -> impl Iterator<Item = &'a UnitReport> + 'a {
    report.units.iter().filter(move |u| u.injected.as_deref() == Some(fault))
}

#[test]
fn the_sample_factory_line_yields_what_its_faults_allow() {
    let description = load(&sample("factory/line.toml"));
    let report = run(&description);
    assert_sound(&description, &report);
    assert!(report.summary.rejected >= 4, "the sample injects several kinds of fault");
    for unit in units_with(&report, "dead sensor") {
        assert_eq!(unit.tests(), "failed: sensor id, temperature");
    }
    for unit in units_with(&report, "stuck loop-back pin") {
        assert_eq!(unit.tests(), "failed: loopback");
    }
    for unit in units_with(&report, "failed bless request") {
        assert_eq!(unit.tests(), "passed", "the tests passed; the cloud failed the request");
        assert_eq!(unit.stages[0].verdict, Verdict::Failed);
    }
    for unit in report.units.iter().filter(|u| u.blessed) {
        assert_eq!(unit.reached.name(), "application");
        assert!(unit.log.iter().any(|l| l.contains("Application started on")), "unit {}", unit.unit);
    }
    // A dropped connection only delays a unit: impOS reconnects and the bless goes out.
    let dropped: Vec<&UnitReport> = report.units.iter().filter(|u| u.dropped_connection).collect();
    assert_eq!(dropped.len(), (description.cloud.dropped_connections.0 * description.duts as f64).round() as usize);
    assert!(!dropped.is_empty(), "the sample drops some connections");
    // Steady units differ by the factory's jitter; a dropped one takes drop_for longer.
    let steady: Vec<u64> =
        report.units.iter().filter(|u| u.blessed && !u.dropped_connection).map(UnitReport::time_on_line_ms).collect();
    let (fastest, slowest) = (steady.iter().min().expect("blessed units"), steady.iter().max().expect("blessed"));
    for unit in dropped {
        assert!(unit.blessed, "unit {}", unit.unit);
        let drop_for = description.cloud.drop_for.0.as_millis() as u64;
        assert!(unit.time_on_line_ms() >= fastest + drop_for - (slowest - fastest), "unit {}", unit.unit);
    }
    // The fixture printed one label per blessed unit.
    let labels = report.fixtures[0].printed.matches("DEVICE ").count();
    assert_eq!(labels, report.summary.blessed);
}

/// The factory's steps take the line's `[timing]`: BlinkUp, connecting and enrolling,
/// downloading the DUT code, the bless round trip and the restart into the
/// application; longer steps make a slower line.
#[test]
fn a_unit_takes_the_factory_timing_of_the_line() {
    let mut description = load(&sample("factory/line.toml"));
    description.duts = 3;
    description.population.clear();
    description.cloud.bless_failures.0 = 0.0;
    description.cloud.dropped_connections.0 = 0.0;
    let secs = Duration::from_secs_f64;
    description.timing = FactoryTiming {
        token: secs(0.4),
        connect: secs(2.0),
        enrol: secs(1.0),
        download: secs(3.0),
        bless: secs(0.7),
        application_restart: secs(2.0),
        jitter: 0.0,
        ..FactoryTiming::default()
    };
    let report = run(&description);
    let at = |unit: &UnitReport, what: &str| -> u64 {
        unit.events
            .iter()
            .find(|e| e.what.starts_with(what))
            .unwrap_or_else(|| panic!("{what}: {:?}", unit.events))
            .at_ms
    };
    for unit in &report.units {
        let received = at(unit, "factory BlinkUp received");
        assert_eq!(at(unit, "enrolled into"), received + 3000, "connect 2 s + enrol 1 s");
        let started = at(unit, "restarts into \"test DUTs\"");
        assert_eq!(started, received + 6000, "then the DUT code downloads for 3 s");
        let bless = at(unit, "server.bless(true)");
        assert_eq!(at(unit, "blessed"), bless + 700);
        assert_eq!(at(unit, "restarts into the application firmware"), bless + 2700);
        assert!(unit.blessed);
    }
    let slower = FactoryTiming { download: secs(13.0), ..description.timing.clone() };
    let quick = report.summary.line_time_s;
    description.timing = slower;
    let slow = run(&description).summary.line_time_s;
    assert!((slow - quick - 30.0).abs() < 0.5, "10 s more per unit: {quick} s, then {slow} s");
}

#[test]
fn a_line_is_reproducible_from_its_seed() {
    let mut description = load(&sample("factory/line.toml"));
    description.duts = 12;
    let units = |report: &Report| serde_json::to_string(&report.units).expect("json");
    let first = run(&description);
    assert_eq!(units(&first), units(&run(&description)));
    description.seed += 1;
    assert_ne!(units(&first), units(&run(&description)), "another seed, another line");
}

#[test]
fn the_multistage_line_blesses_only_at_the_last_station() {
    let description = load(&sample("multistage/line.toml"));
    let report = run(&description);
    assert_sound(&description, &report);
    for unit in units_with(&report, "stuck loop-back pin") {
        assert_eq!(unit.stages.len(), 1, "unit {} stops at station 1", unit.unit);
        assert_eq!(unit.stages[0].verdict, Verdict::Failed);
    }
    for unit in units_with(&report, "dead sensor") {
        assert_eq!(unit.stages.len(), 2, "unit {} passes station 1", unit.unit);
        assert_eq!(unit.stages[1].verdict, Verdict::Failed);
    }
    for unit in &report.units {
        assert_eq!(unit.stages[0].tests_passed, Some(unit.injected.as_deref() != Some("stuck loop-back pin")));
        let station2 = unit.stages.get(1).map_or(u64::MAX, |s| s.placed_ms);
        for event in unit.events.iter().filter(|e| e.what.starts_with("server.bless")) {
            assert!(event.at_ms > station2, "unit {} asked to be blessed before station 2", unit.unit);
        }
    }
}

/// A folder holding `files`, for line files that go wrong.
fn folder(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("impish-line-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for (file, text) in files {
        std::fs::write(dir.join(file), text).expect("file");
    }
    dir
}

const SMALL_LINE: &str = "product = \"P\"\nduts = 2\n[fixture]\ndevice = \"FIXTURE\"\nagent = \"FIXTURE_AGENT\"\n\
                          [[stage]]\ndevice = \"dut.nut\"\nagent = \"DUT_AGENT\"\n[application]\ndevice = \"app.nut\"\n\
                          [operator]\ngive_up_after = 20.0\n";

fn small_line(name: &str, dut: &str) -> PathBuf {
    let factory = sample("factory");
    let text = SMALL_LINE
        .replace("FIXTURE_AGENT", &factory.join("fixture.agent.nut").display().to_string())
        .replace("FIXTURE", &factory.join("fixture.device.nut").display().to_string())
        .replace("DUT_AGENT", &factory.join("dut.agent.nut").display().to_string());
    let dir = folder(name, &[("line.toml", &text), ("dut.nut", dut), ("app.nut", "server.log(\"app\");")]);
    dir.join("line.toml")
}

/// The line carries on past firmware that throws at every boot, and fails: the
/// summary names the error with its real file and line, and the units that were not
/// blessed though nothing was wrong with them.
#[test]
fn firmware_that_throws_is_restarted_and_the_line_carries_on_and_fails() {
    let path = small_line("throws", "server.log(\"testing\");\nthrow \"the test jig is on fire\";\n");
    let report = run(&load(&path));
    assert_eq!(report.summary.processed, 2);
    assert_eq!(report.summary.blessed, 0);
    assert_eq!(report.summary.escapes, 0);
    assert!(!report.passed());
    let dut = path.with_file_name("dut.nut").display().to_string();
    assert_eq!(
        report.summary.problems,
        [
            format!("uncaught error in units 1, 2: device: the test jig is on fire (in main {dut}:2)"),
            format!("unit 1 ({}) was rejected at test (no result before the operator gave up), though it has no injected fault and should have been blessed", report.units[0].device_id),
            format!("unit 2 ({}) was rejected at test (no result before the operator gave up), though it has no injected fault and should have been blessed", report.units[1].device_id),
        ]
    );
    for unit in &report.units {
        assert_eq!(unit.stages[0].verdict, Verdict::NoResult);
        assert!(unit.uncaught_errors.len() > 1, "restarted and failed again: {:?}", unit.uncaught_errors);
        assert!(unit.log.iter().any(|l| l.contains("ERROR: the test jig is on fire")), "{:?}", unit.log);
        assert!(unit.log.iter().any(|l| l.contains("Device restarting after an uncaught error")));
    }
    assert_eq!(report.summary.rejected_by_fault.get("no injected fault"), Some(&2));
}

/// Firmware is read through Builder: includes beside it, `#require`s from the library
/// folders given, errors at the original file and line.
#[test]
fn line_firmware_goes_through_builder() {
    let dut = "#require \"Jig.lib.nut:1.0.0\"\n@include \"parts/throws.nut\"\n";
    let path = small_line("builder", dut);
    let dir = path.parent().unwrap().to_path_buf();
    std::fs::create_dir_all(dir.join("parts")).unwrap();
    std::fs::write(dir.join("parts/throws.nut"), "server.log(jig());\nthrow \"jig on fire\";\n").unwrap();
    std::fs::create_dir_all(dir.join("mylibs")).unwrap();
    std::fs::write(dir.join("mylibs/Jig.lib.nut"), "function jig() { return \"jig\"; }\n").unwrap();
    let missing = error(&path);
    assert!(missing.contains("cannot find library Jig.lib.nut version 1.0.0 required at "), "{missing}");
    let description = line::load_with_libraries(&path, &[dir.join("mylibs")]).expect("a line");
    let report = run(&description);
    let throws = dir.join("parts/throws.nut").display().to_string();
    let expected = format!("device: jig on fire (in main {throws}:2)");
    assert!(report.summary.problems.iter().any(|p| p.contains(&expected)), "{:?}", report.summary.problems);
}

fn error(path: &Path) -> String {
    line::load(path).map(|_| ()).expect_err("a bad line").to_string()
}

#[test]
fn bad_line_files_name_the_file_and_line() {
    let good = std::fs::read_to_string(small_line("good", "")).expect("line");
    let dir = folder(
        "bad",
        &[
            ("typo.toml", &good.replace("give_up_after", "give_up_afterwards")),
            ("missing.toml", &good.replace("dut.nut", "nowhere.nut")),
            ("broken.toml", &good.replace("duts = 2", "duts = 2 2")),
            ("syntax.toml", &good.replace("dut.nut", "syntax.nut")),
            ("syntax.nut", "server.log(1);\nlocal x = ;\n"),
        ],
    );
    let at = |file: &str| dir.join(file).display().to_string();
    let typo = error(&dir.join("typo.toml"));
    assert!(typo.starts_with(&format!("{}:12: unknown field `give_up_afterwards`", at("typo.toml"))), "{typo}");
    let missing = error(&dir.join("missing.toml"));
    assert!(missing.starts_with(&format!("{}:7: cannot read firmware ", at("missing.toml"))), "{missing}");
    let broken = error(&dir.join("broken.toml"));
    assert!(broken.starts_with(&format!("{}:2: ", at("broken.toml"))), "{broken}");
    let syntax = error(&dir.join("syntax.toml"));
    assert!(syntax.contains(&format!("{}:2", at("syntax.nut"))), "names the firmware's file and line: {syntax}");
    let absent = error(&dir.join("absent.toml"));
    assert!(absent.starts_with(&format!("{}: cannot read", at("absent.toml"))), "{absent}");
    assert!(matches!(line::load(&dir.join("absent.toml")), Err(LineError::Unreadable { .. })));
}

#[test]
fn reports_render_as_json_and_as_one_html_page() {
    let mut description = load(&sample("multistage/line.toml"));
    description.duts = 4;
    let report = run(&description);
    let json = serde_json::to_value(&report).expect("json");
    let unit = &json["units"][0];
    for field in ["device_id", "stages", "led_timeline", "events", "log", "blessed", "escape"] {
        assert!(!unit[field].is_null(), "units have {field}");
    }
    assert!(json["cloud_events"].as_array().is_some_and(|e| !e.is_empty()));
    assert!(json["fixtures"][1]["log"].as_array().is_some_and(|l| !l.is_empty()), "station 2's fixture log");
    let html = line::html::render(&report);
    assert!(html.starts_with("<!DOCTYPE html>") && html.ends_with("</html>\n"));
    assert_eq!(html.matches("<td class=\"timeline\"><svg ").count(), report.units.len(), "a timeline per unit");
    assert!(html.contains("station 2: passed"), "stage bands say their verdict");
    assert!(html.contains("<th>injected</th>") && html.contains("<th>LED</th>"), "the terminal table's columns");
    assert!(html.contains("enrolled into &quot;station 1 DUTs&quot; by factory BlinkUp"), "groups by name");
    assert!(html.contains("Line passed"), "the verdict");
    assert!(!html.contains("<script") && !html.contains("src=") && !html.contains("href="), "self-contained");
}

#[test]
fn a_long_table_keeps_every_rejected_unit_and_says_what_it_left_out() {
    let mut description = load(&sample("factory/line.toml"));
    description.duts = 40;
    let report = run(&description);
    let table = report.table(3);
    let rows = table.lines().count() - 3; // header, rule, note
    assert_eq!(rows, report.summary.rejected + 3);
    for unit in report.units.iter().filter(|u| !u.blessed) {
        assert!(table.contains(&unit.device_id), "rejected unit {} is listed", unit.unit);
    }
    let note = format!("({} passing units not shown; --json has them all)", report.summary.blessed - 3);
    assert_eq!(table.lines().last(), Some(note.as_str()));
}

/// `text` without its wall-clock line, which differs from run to run.
fn without_wall_time(text: &str) -> String {
    text.lines().filter(|l| !l.starts_with("wall time")).collect::<Vec<_>>().join("\n")
}

#[test]
fn a_run_keeping_only_the_table_rows_reports_the_same_and_streams_the_same_json() {
    let mut description = load(&sample("factory/line.toml"));
    description.duts = 40;
    let whole = run(&description);
    let (mut streamed, mut units) = (Vec::new(), Vec::new());
    let mut json = JsonWriter::start(&mut streamed, &description).expect("json");
    let keep = line::Keep {
        passing: 3,
        timelines: false,
        cloud_events: true,
        fixture_logs: true,
        each: &mut |unit: &UnitReport| {
            json.unit(unit);
            units.push(unit.clone());
        },
    };
    let lean = line::run_keeping(&description, None, keep, &mut |_| {}).unwrap_or_else(|e| panic!("{e}"));
    json.finish(&lean).expect("json");
    assert_eq!(lean.table(3), whole.table(3), "the same rows, the same note");
    assert_eq!(without_wall_time(&lean.summary_text()), without_wall_time(&whole.summary_text()));
    assert_eq!(lean.units.len(), whole.summary.rejected + 3, "only the rows the table shows");
    assert!(lean.units.iter().all(|u| u.log.is_empty() && u.events.is_empty()), "without their timelines");
    let all = Report { units, ..lean.clone() };
    assert_eq!(String::from_utf8(streamed).expect("utf-8"), serde_json::to_string_pretty(&all).expect("json"));
    let units = |report: &Report| serde_json::to_string(&report.units).expect("json");
    assert_eq!(units(&all), units(&whole), "every unit streamed whole");
    assert_eq!(serde_json::to_string(&all.cloud_events).ok(), serde_json::to_string(&whole.cloud_events).ok());
}
