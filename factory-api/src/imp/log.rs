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

impl fmt::Display for LogLine {
    /// `2026-01-01 00:00:01.250 +00:00 [Device] ERROR: message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (source, prefix) = match self.kind {
            LogKind::ServerLog => ("Device", ""),
            LogKind::ServerError => ("Device", "ERROR: "),
            LogKind::AgentLog => ("Agent", ""),
            LogKind::AgentError => ("Agent", "ERROR: "),
            LogKind::Status => ("Status", ""),
        };
        write!(f, "{} [{source}] {prefix}{}", clock::log_timestamp(self.at), self.message)
    }
}

/// Receives each line as it is logged (the CLI prints them live).
pub type LogSink = Box<dyn FnMut(&LogLine)>;

#[derive(Default)]
pub struct Log {
    lines: Vec<LogLine>,
    sink: Option<LogSink>,
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
            self.lines.push(line);
        });
    }

    pub fn lines(&self) -> &[LogLine] {
        &self.lines
    }

    pub fn set_sink(&mut self, sink: LogSink) {
        self.sink = Some(sink);
    }
}
