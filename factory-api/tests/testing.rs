//! `impish test` end to end: the fixture projects in tests/testing/ and the sample
//! suites in samples/factory/tests, run through `impish_factory::testing`.

use impish_factory::imp::identity::ImpType;
use impish_factory::imp::Side;
use impish_factory::testing::config::TestConfig;
use impish_factory::testing::filter::Filter;
use impish_factory::testing::results::{RunReport, SessionReport};
use impish_factory::testing::{discovery, junit, output, run, RunOptions};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/testing").join(name)
}

fn run_with(home: &Path, filter: &str, libs: &[PathBuf]) -> RunReport {
    let filter = if filter.is_empty() { Filter::all() } else { Filter::parse(filter).expect("filter") };
    let options = RunOptions { filter, library_dirs: libs.to_vec(), ..RunOptions::new(home) };
    run(&options).expect("the run starts")
}

fn run_fixture(name: &str) -> RunReport {
    run_with(&fixture(name), "", &[])
}

fn session<'a>(report: &'a RunReport, name: &str) -> &'a SessionReport {
    report.sessions.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("no session {name}"))
}

/// `Class::method` → failure, in the order they ran.
fn outcomes(session: &SessionReport) -> Vec<(String, Option<String>)> {
    session.outcomes.iter().map(|o| (format!("{}::{}", o.class, o.method), o.failure.clone())).collect()
}

fn failure_of(session: &SessionReport, method: &str) -> Option<String> {
    let outcome = session.outcomes.iter().find(|o| o.method == method).unwrap_or_else(|| panic!("no test {method}"));
    outcome.failure.clone()
}

#[test]
fn discovery_follows_impts_patterns_sides_and_partners() {
    let config = TestConfig::load(&fixture("discovery")).unwrap();
    let files = discovery::find(&config, &Filter::all()).unwrap();
    let found: Vec<(&str, Side, Option<String>)> = files
        .iter()
        .map(|f| (f.name.as_str(), f.side, f.partner.as_ref().map(|p| p.file_name().unwrap().to_string_lossy().into())))
        .collect();
    assert_eq!(
        found,
        [
            ("root.test.nut", Side::Device, None),
            ("tests/Echo.agent.test.nut", Side::Agent, Some("Echo.device.nut".into())),
            ("tests/sub/deep.test.nut", Side::Device, None),
        ],
        "other/ (outside the patterns), helper.nut (not .test.nut) and dot files are left out"
    );
    let none = discovery::find(&config, &Filter::parse("nothing-matches").unwrap()).unwrap_err();
    assert_eq!(none.to_string(), "No test files found");
}

#[test]
fn partner_file_runs_on_the_other_side_of_the_same_imp() {
    let report = run_with(&fixture("discovery"), "Echo", &[]);
    assert_eq!(report.sessions.len(), 1);
    let echo = &report.sessions[0];
    assert_eq!(outcomes(echo), [("EchoTest::setUp".into(), None), ("EchoTest::testPartnerPings".into(), None)]);
    assert!(echo.lines.iter().any(|l| l.text == "Success: 3 pings"));
    assert!(report.succeeded());
}

#[test]
fn filters_select_files_cases_and_methods() {
    let deep = run_with(&fixture("discovery"), "sub/d.*p", &[]);
    assert_eq!(deep.sessions.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["tests/sub/deep.test.nut"]);

    let one = run_with(&fixture("discovery"), ":RootTest::testOne", &[]);
    let root = session(&one, "root.test.nut");
    assert_eq!(outcomes(root), [("RootTest::testOne".into(), None)]);
    assert!(session(&one, "tests/sub/deep.test.nut").skipped, "no RootTest in its code: skipped, as impt does");
    assert!(output::render(&one).contains("[+2.00/0.00s info] Skip \"tests/sub/deep.test.nut\" testing"));

    let method = run_with(&fixture("discovery"), "::testDeep", &[]);
    let ran: Vec<&str> = method.sessions.iter().filter(|s| !s.skipped).map(|s| s.name.as_str()).collect();
    assert_eq!(ran, ["tests/sub/deep.test.nut"]);
    assert_eq!((method.passed(), method.failed()), (1, 0));
}

#[test]
fn async_tests_pass_fail_and_time_out_in_virtual_time() {
    let report = run_fixture("basics");
    let async_tests = session(&report, "tests/async.test.nut");
    assert_eq!(
        outcomes(async_tests),
        [
            ("AsyncTest::testAssertionInCallbackFails".into(), Some("Expected value: 1, got: 2".into())),
            ("AsyncTest::testNeverSettles".into(), Some("Test timed out after 10s".into())),
            ("AsyncTest::testRejectsLater".into(), Some("rejected after 1 s".into())),
            ("AsyncTest::testResolvesLater".into(), None),
            ("AsyncTest::testSyncThrowFails".into(), Some("the index 'missing' does not exist".into())),
            ("AsyncTest::testThrowsInThen".into(), Some("thrown in then".into())),
            ("AsyncTest::testTooSlowSyncFails".into(), Some("Test took 11s, longer than timeout of 10s".into())),
        ]
    );
    let timed_out = async_tests.outcomes.iter().find(|o| o.method == "testNeverSettles").unwrap();
    assert_eq!(timed_out.duration().as_secs(), 10, "the timeout runs on the virtual clock");
    assert!(async_tests.lines.iter().any(|l| l.text == "Success: resolved after 1 s"));
    assert_eq!(async_tests.counts.map(|c| (c.tests, c.failures)), Some((7, 6)));
}

#[test]
fn set_up_runs_first_and_tear_down_last_and_tests_run_sorted() {
    let report = run_fixture("basics");
    let order = session(&report, "tests/order.test.nut");
    let ran: Vec<String> = outcomes(order).into_iter().map(|(name, _)| name).collect();
    assert_eq!(ran, ["OrderTest::setUp", "OrderTest::testA", "OrderTest::testB", "OrderTest::tearDown"]);
    let texts: Vec<&str> = order.lines.iter().map(|l| l.text.as_str()).collect();
    assert!(texts.contains(&r#"["setUp","testA","testB","tearDown"]"#), "info() output, as JSON: {texts:?}");
    assert!(texts.contains(&"Success: A's result"), "a returned value is shown");
    assert_eq!((order.passed(), order.failed()), (2, 0), "setUp and tearDown are not counted as tests");
}

#[test]
fn the_promise_class_behaves_as_promise_4() {
    let report = run_fixture("basics");
    let promise = session(&report, "tests/promise.test.nut");
    let failed: Vec<_> = outcomes(promise).into_iter().filter(|(_, failure)| failure.is_some()).collect();
    assert_eq!(failed, [], "every Promise test passes");
    assert_eq!(promise.passed(), 9);
}

#[test]
fn every_assertion_fails_with_impunits_message() {
    let report = run_fixture("assertions");
    let s = &report.sessions[0];
    let cycle = format!("Possible cyclic reference at a{}", ".a".repeat(32));
    let expected = [
        ("testBetween", "Expected value the range of 11..12, got 10"),
        ("testBetweenSwapped", "Expected value the range of 11..12, got 10"),
        ("testClose", "Expected value: 10±0.5, got: 9"),
        ("testDeepEqualArray", "Comparison failed on '1.1': expected 3, got 4"),
        ("testDeepEqualBlobContents", "Blobs are the same length (2 bytes), but the contents are not identical."),
        ("testDeepEqualBlobLength", "Blob lengths unequal, lhs.len() == 2, rhs.len() == 3"),
        ("testDeepEqualCycle", cycle.as_str()),
        ("testDeepEqualExtra", "Comparison failed on 'a.c': expected none, got 2"),
        ("testDeepEqualMissing", "Comparison failed on 'a.b': expected 1, got none"),
        ("testDeepEqualType", "Values are not the same type, typeof lhs = array, typeof rhs = table"),
        ("testDeepEqualValue", "Comparison failed on 'a.b': expected 1, got 0"),
        ("testEqual", "Expected value: 1, got: 2"),
        ("testEqualCustom", "wanted a, saw b"),
        ("testGreater", "Failed to assert that 1 > 2"),
        ("testLess", "Failed to assert that 2 < 2"),
        ("testThrowsError", "Function was expected to throw an error"),
        ("testTrue", "Failed to assert that condition is true"),
        ("testTrueCustom", "custom <&\"'> message"),
    ];
    for (method, message) in expected {
        assert_eq!(failure_of(s, method).as_deref(), Some(message), "{method}");
    }
    assert_eq!(failure_of(s, "testPassingFormsCount"), None);
    assert!(s.lines.iter().any(|l| l.text == "Success: abc"), "assertThrowsError returns the error");
    let counts = s.counts.unwrap();
    assert_eq!((counts.tests, counts.assertions, counts.failures), (19, 26, 18));
}

#[test]
fn requires_and_includes_resolve_from_libraries_the_cache_and_local_files() {
    let report = run_with(&fixture("includes"), "", &[fixture("includes/extra-libs")]);
    for s in &report.sessions {
        assert_eq!(s.error, None, "{}", s.name);
    }
    assert_eq!((report.passed(), report.failed()), (6, 0));
}

#[test]
fn includes_are_searched_as_builder_searches_them() {
    let report = run_fixture("lookup");
    let lookup = session(&report, "tests/deep/lookup.test.nut");
    assert_eq!(lookup.error, None);
    assert_eq!(outcomes(lookup).iter().filter(|(_, failure)| failure.is_none()).count(), 5, "{:?}", outcomes(lookup));
    // Also when the test home is not the current directory, nor named as `.`.
    let nested = run_with(&fixture("lookup/../lookup"), "", &[]);
    assert_eq!((nested.passed(), nested.failed()), (5, 0));
}

#[test]
fn the_instruction_budget_comes_from_the_config_or_the_caller() {
    let configured = run_fixture("budget");
    let loop_session = &configured.sessions[0];
    assert!(failure_of(loop_session, "testLongLoop").is_some());
    let stopped = "Device runtime error: runaway code stopped: more than 100000 instructions in one event";
    assert!(loop_session.lines.iter().any(|l| l.text == stopped));
    let options = RunOptions { instruction_budget: Some(None), ..RunOptions::new(fixture("budget")) };
    let unlimited = run(&options).unwrap();
    assert_eq!((unlimited.passed(), unlimited.failed()), (1, 0));
}

#[test]
fn the_imp_type_comes_from_the_config_or_the_caller() {
    let options = RunOptions { imp_type: Some(ImpType::Imp005), ..RunOptions::new(fixture("lookup")) };
    let report = run(&options).unwrap();
    let failure = failure_of(&report.sessions[0], "testImpTypeFromTheConfig").unwrap();
    assert_eq!(failure, "Expected value: imp001, got: imp005");
}

#[test]
fn unresolved_requires_and_includes_are_named() {
    let without_lib = run_fixture("includes");
    let extra = session(&without_lib, "tests/extra.test.nut");
    let error = extra.error.as_deref().unwrap();
    assert!(error.starts_with("cannot find library Extra.lib.nut version 0.1.0 required at "), "{error}");
    assert!(error.contains("extra.test.nut:2; looked for: "), "{error}");

    let missing = run_fixture("includes-missing");
    let include = session(&missing, "tests/include.test.nut").error.clone().unwrap();
    assert!(include.starts_with("cannot find \"nope.nut\" included at "), "{include}");
    assert!(include.contains("include.test.nut:4"), "{include}");
    let require = session(&missing, "tests/require.test.nut").error.clone().unwrap();
    assert!(require.contains("library Nope.lib.nut version 2.0.0 required at "), "{require}");
    assert!(require.contains("require.test.nut:1"), "{require}");
    assert_eq!((missing.passed(), missing.failed()), (0, 2));
}

#[test]
fn runtime_error_lines_are_printed_but_fail_nothing_as_in_impt() {
    let report = run_fixture("errors");
    let errors = session(&report, "tests/errors.test.nut");
    assert_eq!(
        outcomes(errors),
        [("ErrorsTest::testServerErrorIsPrinted".into(), None), ("ErrorsTest::testThenPasses".into(), None)]
    );
    assert!(errors.lines.iter().any(|l| l.text == "Device runtime error: sensor on fire"));
    assert!(errors.succeeded());
    let agent = session(&report, "tests/trouble.agent.test.nut");
    assert_eq!(failure_of(agent, "testAgentErrorIsPrinted"), None);
    assert!(agent.lines.iter().any(|l| l.text == "Agent runtime error: agent trouble"));

    // An uncaught error restarts the device: that fails the running test (with that error)
    // and ends the session.
    let crash = session(&report, "tests/crash.test.nut");
    assert_eq!(
        outcomes(crash),
        [(
            "CrashTest::testCrashesInACallback".into(),
            Some("Device runtime error: the index 'boom' does not exist".into())
        )],
        "the device restarted: the session ends, testNeverRuns never runs"
    );
    assert_eq!(crash.error.as_deref(), Some("The device restarted after an uncaught error; the session ended"));
}

#[test]
fn code_that_crashes_at_boot_fails_the_session_at_once() {
    let report = run_fixture("boot-crash");
    let boot = &report.sessions[0];
    assert_eq!(boot.error.as_deref(), Some("The device restarted after an uncaught error before the tests started"));
    assert!(boot.lines.iter().any(|l| l.text == "Device runtime error: the index 'threshold' does not exist"));
    assert_eq!(boot.duration.as_secs(), 0, "no waiting for the startup watchdog");
    assert_eq!((report.passed(), report.failed()), (0, 1));
}

#[test]
fn compile_errors_point_at_the_test_files_line() {
    let report = run_fixture("errors");
    let syntax = session(&report, "tests/syntax.test.nut");
    let error = syntax.error.as_deref().unwrap();
    assert!(error.contains("syntax.test.nut:3:26: error: end of statement expected (; or lf)"), "{error}");
    assert_eq!(syntax.failed(), 1);
}

#[test]
fn legacy_imptest_config_and_stop_on_failure() {
    let report = run_fixture("legacy");
    assert_eq!(report.config.timeout, 3.0);
    assert_eq!(report.files.len(), 2);
    assert_eq!(report.sessions.len(), 1, "stopOnFailure: b.nut does not run");
    assert_eq!(
        outcomes(&report.sessions[0]),
        [("FirstTest::testFails".into(), Some("Expected value: 1, got: 2".into()))]
    );
    let expected = "\
[+0.00/0.00s info] Found 2 test files:
\ta.nut
\tb.nut
[+0.00/0.00s info] Have no device source file, using blank
[+0.00/0.00s info] Have no agent source file, using blank

[+0.00/0.00s test] Starting test session \"a.nut\"
[+0.00/0.00s info] Using device test file \"a.nut\"
[+2.00/2.00s test] FirstTest::testFails()
[+2.00/0.00s test] Failure: Expected value: 1, got: 2
[+2.00/0.00s test] Tests: 1, Assertions: 1, Failures: 1
[+2.00/0.00s test] Session \"a.nut\" failed

[+2.00/0.00s info] Testing failed
0 passed, 1 failed
";
    assert_eq!(output::render(&report), expected);
}

/// The transcript is what users read: the basics fixture's, line for line (regenerate
/// with `impish test factory-api/tests/testing/basics > factory-api/tests/testing/basics.golden`).
#[test]
fn the_transcript_matches_the_golden_file() {
    let golden = std::fs::read_to_string(fixture("basics.golden")).unwrap();
    assert_eq!(output::render(&run_fixture("basics")), golden);
}

/// JUnit XML read back by quick-junit: totals that agree with the suites, assertion
/// failures as <failure> and raised errors as <error>, each with file:line and the
/// Squirrel call stack, the log as system-out, times.
#[test]
fn junit_xml_counts_every_test_and_says_where_each_failed() {
    use quick_junit::{NonSuccessKind, Report, TestCaseStatus};
    let status = |report: &Report, suite: &str, case: &str| {
        let suite = report.test_suites.iter().find(|s| s.name.as_str() == suite).expect(suite);
        suite.test_cases.iter().find(|c| c.name.as_str() == case).expect(case).clone()
    };
    let failure = |case: &quick_junit::TestCase| match &case.status {
        TestCaseStatus::NonSuccess { kind, message, description, .. } => (
            *kind,
            message.as_ref().map(|m| m.as_str().to_string()).unwrap_or_default(),
            description.as_ref().map(|m| m.as_str().to_string()).unwrap_or_default(),
        ),
        other => panic!("{}: {other:?}", case.name.as_str()),
    };

    let assertions = Report::deserialize_from_str(&junit::render(&run_fixture("assertions"))).expect("JUnit XML");
    let suite = &assertions.test_suites[0];
    assert_eq!((assertions.tests, assertions.failures, assertions.errors), (19, 18, 0));
    assert_eq!(
        (suite.name.as_str(), suite.tests, suite.failures, suite.test_cases.len()),
        ("assertions.test.nut", 19, 18, 19)
    );
    let messages: Vec<String> = suite
        .test_cases
        .iter()
        .filter_map(|c| match &c.status {
            TestCaseStatus::NonSuccess { message, .. } => message.as_ref().map(|m| m.as_str().to_string()),
            _ => None,
        })
        .collect();
    assert!(messages.contains(&"custom <&\"'> message".to_string()), "markup survives escaping");

    let report = run_fixture("errors");
    let errors = Report::deserialize_from_str(&junit::render(&report)).expect("JUnit XML");
    let sum = |f: fn(&quick_junit::TestSuite) -> usize| errors.test_suites.iter().map(f).sum::<usize>();
    assert_eq!(
        (errors.tests, errors.failures, errors.errors),
        (sum(|s| s.tests), sum(|s| s.failures), sum(|s| s.errors))
    );
    // The uncaught error, the syntax error, the raised error; server.error lines fail nothing.
    assert_eq!(errors.errors, 3, "{errors:?}");
    let throws = fixture("errors").join("tests/throws.test.nut").display().to_string();
    let raised = status(&errors, "tests/throws.test.nut", "testIndexesNull");
    let (kind, message, description) = failure(&raised);
    assert_eq!((kind, message.as_str()), (NonSuccessKind::Error, "the index 'celsius' does not exist"));
    assert!(
        description.contains(&format!("\n    at celsius {throws}:17\n    at testIndexesNull {throws}:7")),
        "{description}"
    );
    let out = raised.system_out.as_ref().map(|o| o.as_str().to_string()).unwrap_or_default();
    assert!(out.contains("[Device] reading the sensor"), "the log while it ran: {out}");
    assert!(raised.time.is_some());
    let asserted = status(&errors, "tests/throws.test.nut", "testAssertion");
    let (kind, message, description) = failure(&asserted);
    assert_eq!((kind, message.as_str()), (NonSuccessKind::Failure, "Expected value: 1, got: 2"));
    assert!(description.contains(&format!("\n    at testAssertion {throws}:12")), "{description}");
    let crash = status(&errors, "tests/crash.test.nut", "testCrashesInACallback");
    let (kind, _, description) = failure(&crash);
    assert_eq!(kind, NonSuccessKind::Error, "an uncaught error in a callback");
    assert!(description.contains("crash.test.nut:8"), "{description}");
}

#[test]
fn the_testbench_scripts_pins_buses_and_flash() {
    let report = run_fixture("testbench");
    let failed: Vec<_> = outcomes(&report.sessions[0]).into_iter().filter(|(_, failure)| failure.is_some()).collect();
    assert_eq!(failed, []);
    assert_eq!(report.passed(), 7);
}

#[test]
fn run_command_runs_on_the_host_and_a_failing_command_ends_the_session() {
    let report = run_fixture("commands");
    let commands = &report.sessions[0];
    assert!(commands.lines.iter().any(|l| l.text == "> hello from the host"));
    assert_eq!(
        outcomes(commands),
        [
            ("CommandsTest::testA".into(), None),
            ("CommandsTest::testB".into(), Some("External command failed with exit code 3".into())),
        ],
        "testC never runs"
    );
}

#[test]
fn five_minutes_of_timers_take_well_under_a_second() {
    let started = Instant::now();
    let report = run_fixture("long-timers");
    let took = started.elapsed();
    assert!(report.succeeded(), "{}", output::render(&report));
    assert_eq!(report.sessions[0].duration.as_secs(), 602, "two 300 s tests after the 2 s start");
    assert!(took.as_secs_f64() < 1.0, "took {took:?}");
}

#[test]
fn the_sample_suites_pass_on_good_units() {
    let home = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/factory/tests");
    let report = run_with(&home, "", &[]);
    assert!(report.succeeded(), "{}", output::render(&report));
    assert_eq!(report.sessions.len(), 4);
    assert_eq!((report.passed(), report.failed()), (13, 0));
}

#[test]
fn the_accelerometer_sample_plays_its_sensor_with_testbench_parts() {
    let home = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/accelerometer/tests");
    let report = run_with(&home, "", &[]);
    assert!(report.succeeded(), "{}", output::render(&report));
    assert_eq!((report.passed(), report.failed()), (5, 0));
}

#[test]
fn the_imps_own_log_is_shown_on_request() {
    let home = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/factory/tests");
    let options = RunOptions { filter: Filter::parse("loopback").unwrap(), show_log: true, ..RunOptions::new(&home) };
    let transcript = output::render(&run(&options).unwrap());
    assert!(transcript.contains("s device] Not blessed\n"), "{transcript}");
    assert!(transcript.contains("s status] Device connected\n"), "{transcript}");
    let quiet = output::render(&run_with(&home, "loopback", &[]));
    assert!(!quiet.contains("Not blessed"), "without --log only the test lines: {quiet}");
}

#[test]
fn broken_copies_of_the_dut_firmware_fail_with_the_right_messages() {
    let report = run_fixture("broken-dut");
    let failures: Vec<(String, String)> = report
        .sessions
        .iter()
        .flat_map(|s| s.outcomes.iter())
        .filter_map(|o| o.failure.clone().map(|f| (o.method.clone(), f)))
        .collect();
    let expected = [
        ("testBootDroveTheLoopPattern", "Comparison failed on '2': expected 0, got none"),
        ("testStuckHighPinIsCaught", "Expected value: pinB does not follow pinA (wrote 0), got: null"),
        ("testCalibrationIsWrittenAndVerified", "Expected value: null, got: calibration did not verify"),
        (
            "testFaultyUnitListsEveryFailureInOrder",
            "Comparison failed on '0': expected sensor id: sensor does not answer (i2c error -2), got provision: calibration did not verify",
        ),
        ("testGoodUnitPassesEveryTest", "Comparison failed on '0': expected none, got provision: calibration did not verify"),
        ("testGoodSensorPasses", "Expected value: null, got: sensor id 0xBC, expected 0xBD"),
        ("testImplausibleTemperatures", "Expected value: implausible temperature -5.00 C, got: implausible temperature 650.36 C"),
        ("testWrongPartIsReported", "Expected value: sensor id 0x33, expected 0xBC, got: sensor id 0x33, expected 0xBD"),
    ];
    let expected: Vec<(String, String)> = expected.iter().map(|(m, f)| (m.to_string(), f.to_string())).collect();
    assert_eq!(failures, expected);
    assert_eq!((report.passed(), report.failed()), (4, 8));
}
