//! JUnit XML for CI (`--junit FILE`): one `<testsuite>` per test file, one `<testcase>`
//! per test method (and per failing `setUp`/`tearDown`), times in virtual seconds. A
//! session that failed as a whole adds a `<testcase>` carrying an `<error>`.

use super::results::{RunReport, SessionReport};
use quick_xml::escape::escape as escape_markup;
use std::fmt::Write;

pub fn render(run: &RunReport) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let total: usize = run.sessions.iter().map(|s| cases(s).count()).sum();
    let _ = writeln!(
        out,
        "<testsuites name=\"impish test\" tests=\"{total}\" failures=\"{}\">",
        run.sessions.iter().map(failures).sum::<usize>()
    );
    for session in run.sessions.iter().filter(|s| !s.skipped) {
        let session_error = session.error.as_ref().filter(|_| session.outcomes.iter().all(|o| o.passed()));
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" time=\"{:.3}\">",
            escape(&session.file.name),
            cases(session).count() + usize::from(session_error.is_some()),
            failures(session),
            usize::from(session_error.is_some()),
            session.duration.as_secs_f64()
        );
        for outcome in cases(session) {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
                escape(&outcome.class),
                escape(&outcome.method),
                outcome.duration().as_secs_f64()
            );
            match (&outcome.failure, outcome.ended) {
                (None, Some(_)) => out.push_str("/>\n"),
                (failure, _) => {
                    let message = failure.as_deref().unwrap_or("the session ended before the test did");
                    let message = escape(message);
                    let _ =
                        writeln!(out, ">\n      <failure message=\"{message}\">{message}</failure>\n    </testcase>");
                }
            }
        }
        if let Some(error) = session_error {
            let error = escape(error);
            let _ = writeln!(
                out,
                "    <testcase classname=\"{}\" name=\"(session)\" time=\"0.000\">\n      <error message=\"{error}\">{error}</error>\n    </testcase>",
                escape(&session.file.name)
            );
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// The outcomes reported as test cases: test methods, and `setUp`/`tearDown` that failed.
fn cases(session: &SessionReport) -> impl Iterator<Item = &super::results::TestOutcome> {
    session.outcomes.iter().filter(|o| o.is_test || !o.passed())
}

/// Text made safe for XML 1.0: markup escaped, characters XML cannot hold replaced.
fn escape(text: &str) -> String {
    let allowed = |c: char| !c.is_control() || matches!(c, '\t' | '\n' | '\r');
    let clean: String = text.chars().map(|c| if allowed(c) { c } else { '\u{fffd}' }).collect();
    escape_markup(clean.as_str()).into_owned()
}

fn failures(session: &SessionReport) -> usize {
    cases(session).filter(|o| !o.passed()).count()
}
