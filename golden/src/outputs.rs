//! What one run printed, how each expected file must hold it, and what blessing writes.

use std::path::{Path, PathBuf};
use std::time::Duration;

use similar::TextDiff;

use crate::suite::Case;

/// A diff longer than this many lines is cut: the start of a difference is what tells.
const MAX_DIFF_LINES: usize = 200;

/// What a runner returns for one program: each expected file with what the run printed
/// for it. Build it with [`Outputs::new`] and the checks in order.
#[derive(Default)]
pub struct Outputs {
    checks: Vec<Check>,
    /// The streams shown below a failure of the case, by name.
    shown: Vec<(String, Vec<u8>)>,
}

struct Check {
    ext: String,
    got: Vec<u8>,
    rule: Rule,
}

enum Rule {
    /// The file holds exactly what was printed.
    Whole,
    /// The file's first line appears in what was printed on `stream`; the file is
    /// optional.
    Line { stream: String },
}

/// An expected file that does not hold what the run printed, and what blessing does.
pub(crate) struct Mismatch {
    pub(crate) file: PathBuf,
    /// What is wrong: the headline, then a diff when there is one.
    pub(crate) explanation: String,
    pub(crate) bless: Bless,
}

pub(crate) enum Bless {
    Write(Vec<u8>),
    Remove,
}

impl Outputs {
    pub fn new() -> Self {
        Self::default()
    }

    /// `NAME.EXT` must hold exactly `got`. Blessing writes `got` there.
    pub fn whole(mut self, ext: &str, got: impl Into<Vec<u8>>) -> Self {
        self.checks.push(Check { ext: ext.to_string(), got: got.into(), rule: Rule::Whole });
        self
    }

    /// When `NAME.EXT` exists, its first line must appear in `got`, the stream called
    /// `stream` ("stderr"), which a failure of the case shows. Blessing rewrites a line
    /// that no longer appears with the stream's first non-empty line (or removes the file
    /// when the stream is empty), and writes one for a new program whose stream has one.
    pub fn line(mut self, ext: &str, stream: &str, got: impl Into<Vec<u8>>) -> Self {
        let got = got.into();
        if !self.shown.iter().any(|(name, _)| name == stream) {
            self.shown.push((stream.to_string(), got.clone()));
        }
        self.checks.push(Check { ext: ext.to_string(), got, rule: Rule::Line { stream: stream.to_string() } });
        self
    }

    /// Every expected file that does not hold what the run printed. A case none of
    /// whose files exists is new: its optional files are then expected too.
    pub(crate) fn mismatches(&self, case: &Case) -> Vec<Mismatch> {
        let new = self.checks.iter().all(|c| !case.sibling(&c.ext).exists());
        self.checks.iter().filter_map(|check| check.mismatch(case.sibling(&check.ext), new)).collect()
    }

    /// The streams to show below a failure, as text.
    pub(crate) fn shown(&self) -> String {
        self.shown
            .iter()
            .filter(|(_, bytes)| !bytes.is_empty())
            .map(|(name, bytes)| format!("{name} of the run:\n{}", ended(&String::from_utf8_lossy(bytes))))
            .collect()
    }
}

impl Check {
    fn mismatch(&self, file: PathBuf, new: bool) -> Option<Mismatch> {
        let name = file_name(&file);
        let expected = std::fs::read(&file).ok();
        let explanation = match (&self.rule, expected) {
            (Rule::Whole, None) => format!("{name} is missing"),
            (Rule::Whole, Some(expected)) if expected == self.got => return None,
            (Rule::Whole, Some(expected)) => format!("{name} differs\n{}", diff(&name, &expected, &self.got)),
            (Rule::Line { .. }, None) if new && first_line(&self.got).is_some() => format!("{name} is missing"),
            (Rule::Line { .. }, None) => return None,
            (Rule::Line { stream }, Some(expected)) => {
                let expected = String::from_utf8_lossy(&expected);
                let wanted = expected.lines().next().unwrap_or_default().trim_end_matches('\r');
                if wanted.is_empty() {
                    format!("{name} has an empty first line")
                } else if String::from_utf8_lossy(&self.got).contains(wanted) {
                    return None;
                } else {
                    format!("{name}: {stream} does not contain {wanted:?}")
                }
            }
        };
        let bless = match self.rule {
            Rule::Whole => Bless::Write(self.got.clone()),
            Rule::Line { .. } => {
                first_line(&self.got).map_or(Bless::Remove, |line| Bless::Write(format!("{line}\n").into()))
            }
        };
        Some(Mismatch { file, explanation, bless })
    }
}

/// The first line of `bytes` that is not blank.
fn first_line(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    text.lines().map(|l| l.trim_end_matches('\r')).find(|l| !l.trim().is_empty()).map(str::to_string)
}

/// A unified diff from `expected` to `got`, cut after [`MAX_DIFF_LINES`] lines.
fn diff(name: &str, expected: &[u8], got: &[u8]) -> String {
    let (old, new) = (String::from_utf8_lossy(expected), String::from_utf8_lossy(got));
    if old == new {
        return format!(
            "(they differ in bytes that are not UTF-8)\n expected: {}\n      got: {}\n",
            expected.escape_ascii(),
            got.escape_ascii()
        );
    }
    // The time-out bounds the diff of huge outputs; past it the diff is coarser, not wrong.
    let text_diff = TextDiff::configure().timeout(Duration::from_secs(2)).diff_lines(&old, &new);
    let full = text_diff.unified_diff().header(&format!("{name} (expected)"), &format!("{name} (got)")).to_string();
    let lines: Vec<&str> = full.lines().collect();
    match lines.split_at_checked(MAX_DIFF_LINES) {
        Some((shown, cut)) if !cut.is_empty() => format!("{}\n... {} more lines\n", shown.join("\n"), cut.len()),
        _ => ended(&full),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().unwrap_or(path.as_os_str()).to_string_lossy().into_owned()
}

/// `text` with a final newline.
pub(crate) fn ended(text: &str) -> String {
    if text.ends_with('\n') {
        text.to_string()
    } else {
        format!("{text}\n")
    }
}
