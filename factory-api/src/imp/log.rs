//! The imp's one log stream: device and agent lines, errors and status lines, in the
//! order they happened, stamped with virtual time — what impCentral's log pane shows.

use super::clock;
use crate::cloud::{LogKind, SimTime};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    pub at: SimTime,
    pub kind: LogKind,
    pub message: String,
}

impl LogLine {
    /// Where the line comes from, as impCentral's log pane names it, and the prefix
    /// it puts before errors.
    fn source_and_prefix(&self) -> (&'static str, &'static str) {
        match self.kind {
            LogKind::ServerLog => ("Device", ""),
            LogKind::ServerError => ("Device", "ERROR: "),
            LogKind::AgentLog => ("Agent", ""),
            LogKind::AgentError => ("Agent", "ERROR: "),
            LogKind::Status => ("Status", ""),
        }
    }

    /// The line as one JSON object with the field names of impCentral's JSON log
    /// stream, so tools that read impCentral's logs read ours (`impish run --json`):
    /// `{"device_id":"...","ts":"2026-01-01T00:00:01.250Z","type":"server.error","msg":"..."}`.
    pub fn to_json(&self, device_id: &str) -> serde_json::Value {
        serde_json::json!({
            "device_id": device_id,
            "ts": clock::iso_timestamp(self.at),
            "type": self.kind.name(),
            "msg": self.message,
        })
    }
}

impl fmt::Display for LogLine {
    /// `2026-01-01 00:00:01.250 +00:00 [Device] ERROR: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (source, prefix) = self.source_and_prefix();
        write!(f, "{} [{source}] {prefix}{}", clock::log_timestamp(self.at), self.message)
    }
}

/// Receives each line as it is logged (the CLI prints them live).
pub type LogSink = Box<dyn FnMut(&LogLine)>;

pub struct Log {
    lines: Vec<LogLine>,
    sink: Option<LogSink>,
    /// Whether `lines` keeps what is logged (the sink hears it either way).
    kept: bool,
}

impl Default for Log {
    fn default() -> Log {
        Log { lines: Vec::new(), sink: None, kept: true }
    }
}

impl Log {
    pub fn push(&mut self, at: SimTime, kind: LogKind, message: String) {
        // The log is the host's record, not the firmware's memory: the text is copied
        // as the host's, and the firmware's own copy freed as the firmware's.
        let line = impish_vm::memory::unmetered(|| LogLine { at, kind, message: message.clone() });
        drop(message);
        impish_vm::memory::unmetered(|| {
            if let Some(sink) = &mut self.sink {
                sink(&line);
            }
            if self.kept {
                self.lines.push(line);
            }
        });
    }

    pub fn lines(&self) -> &[LogLine] {
        &self.lines
    }

    pub fn set_sink(&mut self, sink: LogSink) {
        self.sink = Some(sink);
    }

    /// Keeps the lines logged from now on, or only passes them to the sink.
    pub fn set_kept(&mut self, kept: bool) {
        self.kept = kept;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_log_not_kept_still_reaches_its_sink() {
        let heard = std::rc::Rc::new(std::cell::Cell::new(0));
        let mut log = Log::default();
        let counter = heard.clone();
        log.set_sink(Box::new(move |_| counter.set(counter.get() + 1)));
        log.push(Duration::ZERO, LogKind::ServerLog, "kept".into());
        log.set_kept(false);
        log.push(Duration::ZERO, LogKind::ServerLog, "heard only".into());
        assert_eq!((log.lines().len(), heard.get()), (1, 2));
    }

    #[test]
    fn a_line_as_text_and_as_json() {
        let line = LogLine { at: Duration::from_millis(1250), kind: LogKind::AgentError, message: "boom \"x\"".into() };
        assert_eq!(line.to_string(), "2026-01-01 00:00:01.250 +00:00 [Agent] ERROR: boom \"x\"");
        assert_eq!(
            line.to_json("2300abc").to_string(),
            r#"{"device_id":"2300abc","msg":"boom \"x\"","ts":"2026-01-01T00:00:01.250Z","type":"agent.error"}"#
        );
    }
}
