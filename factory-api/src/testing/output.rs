//! The transcript in impt's shape: `[+t/dt s tag] text`, where `t` is the time since the
//! run started and `dt` the time since the previous line, here in virtual time (sessions
//! follow one another), then impt's verdict and a last line `N passed, N failed`.
//! [`Transcript`] writes it piece by piece, so a long run can be shown as it goes.

use super::config::TestConfig;
use super::discovery::{relative_name, TestFile};
use super::results::{Line, RunReport, SessionReport, Tag};
use crate::cloud::SimTime;
use crate::imp::Side;
use std::fmt::Write;

/// Writes the transcript; remembers the time of the last line and where the next
/// session starts.
#[derive(Default)]
pub struct Transcript {
    last: SimTime,
    /// When the next session starts: the durations of those before it.
    offset: SimTime,
}

impl Transcript {
    fn line(&mut self, out: &mut String, at: SimTime, tag: Tag, text: &str) {
        let since = at.saturating_sub(self.last);
        self.last = self.last.max(at);
        let _ = writeln!(out, "[+{:.2}/{:.2}s {}] {text}", at.as_secs_f64(), since.as_secs_f64(), tag.name());
    }

    /// The test files found and the code under test.
    pub fn header(&mut self, config: &TestConfig, files: &[TestFile]) -> String {
        let mut out = String::new();
        let count = files.len();
        let mut found = format!("Found {count} test file{}:", if count == 1 { "" } else { "s" });
        for file in files {
            let partner =
                file.partner.as_ref().map(|p| format!(" ({})", relative_name(&config.home, p))).unwrap_or_default();
            let _ = write!(found, "\n\t{}{partner}", file.name);
        }
        self.line(&mut out, SimTime::ZERO, Tag::Info, &found);
        for (kind, file) in [("device", &config.device_file), ("agent", &config.agent_file)] {
            let text = match file {
                Some(path) => format!("Using {kind} source file: {}", path.display()),
                None => format!("Have no {kind} source file, using blank"),
            };
            self.line(&mut out, SimTime::ZERO, Tag::Info, &text);
        }
        out
    }

    /// One session, after the ones before it.
    pub fn session(&mut self, session: &SessionReport) -> String {
        let mut out = String::from("\n");
        let offset = self.offset;
        if session.skipped {
            self.line(&mut out, offset, Tag::Info, &format!("Skip \"{}\" testing", session.file.name));
            return out;
        }
        let side = if session.file.side == Side::Agent { "agent" } else { "device" };
        self.line(&mut out, offset, Tag::Test, &format!("Starting test session \"{}\"", session.name));
        self.line(&mut out, offset, Tag::Info, &format!("Using {side} test file \"{}\"", session.file.name));
        for Line { at, tag, text } in &session.lines {
            self.line(&mut out, offset + *at, *tag, text);
        }
        self.offset += session.duration;
        out
    }

    /// impt's verdict, then `N passed, N failed`.
    pub fn footer(&mut self, run: &RunReport) -> String {
        let mut out = String::from("\n");
        let verdict = if run.succeeded() { "Testing succeeded" } else { "Testing failed" };
        let offset = self.offset;
        self.line(&mut out, offset, Tag::Info, verdict);
        let _ = writeln!(out, "{} passed, {} failed", run.passed(), run.failed());
        out
    }
}

/// The whole run's transcript at once.
pub fn render(run: &RunReport) -> String {
    let mut transcript = Transcript::default();
    let mut out = transcript.header(&run.config, &run.files);
    for session in &run.sessions {
        out.push_str(&transcript.session(session));
    }
    out.push_str(&transcript.footer(run));
    out
}
