//! The list of a suite's known failures: programs that do not pass yet, with the reason.

use std::collections::BTreeSet;
use std::path::Path;

/// The names of `NAME: reason` lines (or bare `NAME` lines); `#` starts a comment, and
/// the first `[section]` line ends the list. The reasons are for people.
pub(crate) fn read(path: &Path) -> Result<BTreeSet<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(parse(&text))
}

fn parse(text: &str) -> BTreeSet<String> {
    text.lines()
        .map(|line| line.split('#').next().unwrap_or_default().trim())
        .take_while(|line| !line.starts_with('['))
        .filter(|line| !line.is_empty())
        .map(|line| line.split_once(':').map_or(line, |(name, _)| name).trim().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn names_without_reasons_or_comments_up_to_the_first_section() {
        let text = "# header\nclass_basic: metamethods # see #12\n\nbare\n[deliberate]\nafter: not a program\n";
        assert_eq!(parse(text).into_iter().collect::<Vec<_>>(), ["bare", "class_basic"]);
    }
}
