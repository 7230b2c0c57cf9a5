//! Source positions: byte offsets to file, line and column, honouring `#line`.
//!
//! Two columns exist. `position` gives the 1-based column a person expects (for carets).
//! `reference_position` gives the column the reference compiler prints in its error
//! messages, so `impish` reports errors where `sq` does: it counts from 0 on the first
//! line and from 1 on every later one (its column counter starts at 0 and is reset to 1
//! after each newline), except that newlines inside block comments and verbatim
//! strings do not reset it.

use super::token::PositionNotes;
use std::rc::Rc;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Position {
    pub file: Rc<str>,
    pub line: u32,
    pub column: u32,
}

/// A `#line` directive resolved to the physical line it renames.
#[derive(Clone, Debug)]
struct Renumbering {
    physical_line: u32,
    line: u32,
    file: Rc<str>,
}

#[derive(Clone, Debug)]
pub struct SourceMap {
    file: Rc<str>,
    source: Rc<str>,
    line_starts: Vec<u32>,
    renumberings: Vec<Renumbering>,
    /// Line starts after which the reference does not restart its column count.
    soft_line_starts: Vec<u32>,
}

impl SourceMap {
    pub fn new(source: &str, file: &str, notes: PositionNotes) -> SourceMap {
        let PositionNotes { directives, soft_newlines } = notes;
        let line_starts: Vec<u32> =
            std::iter::once(0).chain(source.match_indices('\n').map(|(i, _)| i as u32 + 1)).collect();
        let file: Rc<str> = file.into();
        let mut current_file = file.clone();
        let renumberings = directives
            .into_iter()
            .map(|d| {
                if let Some(name) = d.file {
                    current_file = name.into();
                }
                Renumbering {
                    physical_line: physical_line(&line_starts, d.next_line_offset as u32),
                    line: d.line,
                    file: current_file.clone(),
                }
            })
            .collect();
        let soft_line_starts = soft_newlines.into_iter().map(|at| at as u32 + 1).collect();
        SourceMap { file, source: source.into(), line_starts, renumberings, soft_line_starts }
    }

    /// The file the source was read from, as given to the parser.
    pub fn file(&self) -> &Rc<str> {
        &self.file
    }

    /// File, line and 1-based column of the byte at `offset`.
    pub fn position(&self, offset: u32) -> Position {
        let physical = physical_line(&self.line_starts, offset);
        let column = offset - self.line_starts[physical as usize] + 1;
        let renumbering = self.renumberings.iter().rev().find(|r| r.physical_line <= physical);
        match renumbering {
            Some(r) => Position { file: r.file.clone(), line: r.line + (physical - r.physical_line), column },
            None => Position { file: self.file.clone(), line: physical + 1, column },
        }
    }

    /// The position the reference compiler reports for its cursor at `offset`.
    pub fn reference_position(&self, offset: u32) -> Position {
        let mut position = self.position(offset);
        // The column counts from the last line start that restarted it.
        let mut line = physical_line(&self.line_starts, offset) as usize;
        while line > 0 && self.soft_line_starts.binary_search(&self.line_starts[line]).is_ok() {
            line -= 1;
        }
        let start = self.line_starts[line];
        position.column = offset - start + u32::from(line > 0);
        position
    }

    /// The text of the line holding `offset`, without its newline.
    pub fn line_text(&self, offset: u32) -> &str {
        let physical = physical_line(&self.line_starts, offset) as usize;
        let start = self.line_starts[physical] as usize;
        let end = self.line_starts.get(physical + 1).map_or(self.source.len(), |&e| e as usize - 1);
        self.source[start..end].trim_end_matches('\r')
    }
}

/// 0-based index of the line holding `offset` (an offset past the end is on the last line).
fn physical_line(line_starts: &[u32], offset: u32) -> u32 {
    (line_starts.partition_point(|&start| start <= offset) - 1) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::LineDirective;

    #[test]
    fn lines_columns_and_the_reference_quirk() {
        let map = SourceMap::new("ab\ncd\n", "t.nut", PositionNotes::default());
        assert_eq!(map.position(1), Position { file: "t.nut".into(), line: 1, column: 2 });
        assert_eq!(map.reference_position(1).column, 1);
        assert_eq!(map.reference_position(4).column, 2);
        assert_eq!(map.position(6).line, 3);
        assert_eq!(map.line_text(4), "cd");
    }

    #[test]
    fn line_directives_rename_following_lines() {
        let src = "a\n#line 100 \"lib.nut\"\nb\nc";
        let directive = LineDirective { next_line_offset: 22, line: 100, file: Some("lib.nut".into()) };
        let notes = PositionNotes { directives: vec![directive], soft_newlines: vec![] };
        let map = SourceMap::new(src, "main.nut", notes);
        assert_eq!(map.position(0).line, 1);
        let c = map.position(24);
        assert_eq!((&*c.file, c.line), ("lib.nut", 101));
    }
}
