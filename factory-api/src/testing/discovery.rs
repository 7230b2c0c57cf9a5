//! Finding test files as impt does: the config's glob patterns under the test home, a
//! file whose path has the word `agent` runs on the agent (otherwise on the device), and
//! `Name.agent.test.nut` brings its partner `Name.device.nut` (or the other way round)
//! to the other side of the same imp.

use super::config::TestConfig;
use super::filter::Filter;
use super::TestError;
use crate::imp::Side;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq)]
pub struct TestFile {
    /// The path relative to the test home, with `/` separators (how it is shown).
    pub name: String,
    /// The path to read.
    pub path: PathBuf,
    /// Where its test cases run.
    pub side: Side,
    /// The partner file for the other side, if there is one.
    pub partner: Option<PathBuf>,
}

/// The selected test files, pattern by pattern, each pattern's matches sorted.
pub fn find(config: &TestConfig, filter: &Filter) -> Result<Vec<TestFile>, TestError> {
    let options = glob::MatchOptions { require_literal_leading_dot: true, ..glob::MatchOptions::new() };
    let home = glob::Pattern::escape(&config.home.display().to_string());
    let mut files: Vec<TestFile> = Vec::new();
    for pattern in &config.test_files {
        let full = format!("{home}/{pattern}");
        let bad = |message: String| TestError::Config {
            file: config.file.as_ref().map_or("test files".into(), |f| f.display().to_string()),
            message: format!("bad test file pattern {pattern:?}: {message}"),
        };
        let matches = glob::glob_with(&full, options).map_err(|e| bad(e.to_string()))?;
        for path in matches.filter_map(Result::ok).filter(|p| p.is_file()) {
            let name = relative_name(&config.home, &path);
            if filter.selects_file(&name) && !files.iter().any(|f| f.path == path) {
                files.push(test_file(name, path));
            }
        }
    }
    if files.is_empty() {
        return Err(TestError::NoTestFiles);
    }
    Ok(files)
}

fn test_file(name: String, path: PathBuf) -> TestFile {
    let side = if has_word(&name, "agent") { Side::Agent } else { Side::Device };
    let partner = partner_of(&path, side).filter(|p| p.is_file());
    TestFile { name, path, side, partner }
}

/// `X.agent.test.nut` → `X.device.nut`, `X.device.test.nut` → `X.agent.nut`.
fn partner_of(path: &Path, side: Side) -> Option<PathBuf> {
    let file_name = path.file_name()?.to_str()?;
    let lower = file_name.to_ascii_lowercase();
    let stem_len = [".agent.test.nut", ".device.test.nut"]
        .iter()
        .find(|suffix| lower.ends_with(*suffix))
        .map(|suffix| file_name.len() - suffix.len())?;
    let other = if side == Side::Agent { ".device.nut" } else { ".agent.nut" };
    Some(path.with_file_name(format!("{}{other}", &file_name[..stem_len])))
}

/// `path` relative to `home`, with `/` separators.
pub(crate) fn relative_name(home: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(home).unwrap_or(path);
    relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// Whether `word` appears in `text` as a whole word, ignoring case (`/\bagent\b/i`).
fn has_word(text: &str, word: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    lower
        .match_indices(word)
        .any(|(at, _)| !is_word(lower[..at].chars().next_back()) && !is_word(lower[at + word.len()..].chars().next()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agent_is_a_word_of_the_path() {
        assert!(has_word("tests/Basic.agent.test.nut", "agent"));
        assert!(has_word("agent/x.test.nut", "agent"));
        assert!(has_word("tests/AGENT.test.nut", "agent"));
        assert!(!has_word("tests/agents.test.nut", "agent"));
        assert!(!has_word("tests/useragent.test.nut", "agent"));
        assert!(!has_word("tests/my_agent.test.nut", "agent"));
    }

    #[test]
    fn partners() {
        let p = |s: &str, side| partner_of(Path::new(s), side).map(|p| p.display().to_string());
        assert_eq!(p("t/Test1.agent.test.nut", Side::Agent), Some("t/Test1.device.nut".into()));
        assert_eq!(p("t/Test1.device.test.nut", Side::Device), Some("t/Test1.agent.nut".into()));
        assert_eq!(p("t/Test1.test.nut", Side::Device), None);
    }
}
