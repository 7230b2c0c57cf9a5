//! JUnit XML for CI (`--junit FILE`), written by quick-junit: one `<testsuite>` per test
//! file, one `<testcase>` per test method (and per failing `setUp`/`tearDown`), times in
//! virtual seconds, totals that add up. An assertion that failed is a `<failure>`, an
//! error the code raised an `<error>`; either carries the message and the Squirrel call
//! stack (`function file:line`, innermost first), and each case the imp's log while it
//! ran as `<system-out>` (quick-junit drops what XML cannot hold). A session that failed as a whole adds a `<testcase>` carrying
//! an `<error>`.

use super::results::{RunReport, SessionReport, TestOutcome};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use std::time::Duration;

pub fn render(run: &RunReport) -> String {
    let mut report = Report::new("impish test");
    let mut time = Duration::ZERO;
    for session in run.sessions.iter().filter(|s| !s.skipped) {
        time += session.duration;
        report.add_test_suite(suite(session));
    }
    report.set_time(time);
    // Serializing an in-memory report only fails on a writer's error; a String has none.
    report.to_string().unwrap_or_default()
}

fn suite(session: &SessionReport) -> TestSuite {
    let mut suite = TestSuite::new(&session.file.name);
    suite.set_time(session.duration);
    for outcome in session.outcomes.iter().filter(|o| o.is_test || !o.passed()) {
        suite.add_test_case(case(outcome));
    }
    if let Some(error) = session.error.as_ref().filter(|_| session.outcomes.iter().all(TestOutcome::passed)) {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
        status.set_message(error).set_type("session");
        let mut case = TestCase::new("(session)", status);
        case.set_classname(&session.file.name).set_time(Duration::ZERO);
        suite.add_test_case(case);
    }
    suite
}

fn case(outcome: &TestOutcome) -> TestCase {
    let status = match (&outcome.failure, outcome.ended) {
        (None, Some(_)) => TestCaseStatus::success(),
        (failure, _) => {
            let message = failure.as_deref().unwrap_or("the session ended before the test did");
            let (kind, ty) = match outcome.runtime_error {
                true => (NonSuccessKind::Error, "runtime error"),
                false => (NonSuccessKind::Failure, "failure"),
            };
            let mut status = TestCaseStatus::non_success(kind);
            let stack: Vec<String> = outcome.stack.iter().map(|frame| format!("\n    at {frame}")).collect();
            status.set_message(message).set_type(ty).set_description(format!("{message}{}", stack.concat()));
            status
        }
    };
    let mut case = TestCase::new(&outcome.method, status);
    case.set_classname(&outcome.class).set_time(outcome.duration());
    if !outcome.log.is_empty() {
        case.set_system_out(outcome.log.join("\n"));
    }
    case
}
