//! The assembled source and its line map.
//!
//! Every output line remembers the original file and line it came from. `#line N "file"`
//! markers are written only where the VM's own count (the line after a marker is line N,
//! then +1 per line) would otherwise go wrong, so the compiler reports positions in the
//! original files while the output stays close to Builder's.

use std::collections::HashMap;

/// Largest output the preprocessor produces; include fan-out could otherwise grow it
/// exponentially.
pub(super) const MAX_OUTPUT: usize = 64 << 20;

/// An `@warning` raised during preprocessing.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub message: String,
    pub file: String,
    pub line: u32,
}

/// The preprocessed source, with where each of its lines came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Assembled {
    /// The source to compile: lines end in `\n`, with `#line` markers if enabled.
    pub source: String,
    /// `@warning` messages, in the order they were reached.
    pub warnings: Vec<Warning>,
    files: Vec<String>,
    /// Per output line: index into `files` and 1-based original line.
    lines: Vec<(u32, u32)>,
}

impl Assembled {
    /// The original file and line of 1-based output line `output_line`; a `#line` marker maps
    /// to the line it introduces. Lines produced by a multi-line `@{...}` expansion all map
    /// to the line holding the expression. `None` past the end.
    pub fn origin(&self, output_line: usize) -> Option<(&str, u32)> {
        let (file, line) = *self.lines.get(output_line.checked_sub(1)?)?;
        Some((self.files.get(file as usize)?.as_str(), line))
    }

    /// Number of lines in [`Assembled::source`].
    pub fn line_count(&self) -> usize {
        self.lines.len()
    }
}

/// Builds an [`Assembled`] line by line.
#[derive(Debug)]
pub(super) struct Emitter {
    text: String,
    files: Vec<String>,
    file_ids: HashMap<String, u32>,
    lines: Vec<(u32, u32)>,
    markers: bool,
    /// What the VM will believe the next line is: (file, line).
    vm_next: Option<(u32, u32)>,
}

/// The output would exceed [`MAX_OUTPUT`].
#[derive(Debug)]
pub(super) struct OutputFull;

impl Emitter {
    pub fn new(markers: bool) -> Self {
        Emitter { text: String::new(), files: vec![], file_ids: HashMap::new(), lines: vec![], markers, vm_next: None }
    }

    /// The VM will compile the output under the name `file`: its first line is already line
    /// 1 of `file`, without a marker.
    pub fn assume_start(&mut self, file: &str) {
        let id = self.file_id(file);
        self.vm_next = Some((id, 1));
    }

    /// Appends `text` (which may span several lines) as line `line` of `file`.
    pub fn line(&mut self, text: &str, file: &str, line: u32) -> Result<(), OutputFull> {
        if self.text.len() + text.len() + file.len() + 24 > MAX_OUTPUT {
            return Err(OutputFull);
        }
        let id = self.file_id(file);
        if self.markers && self.vm_next != Some((id, line)) {
            let name: String = file.chars().map(|c| if c == '\n' || c == '\r' { ' ' } else { c }).collect();
            self.text.push_str(&format!("#line {line} \"{}\"\n", name.replace('"', "\\\"")));
            self.lines.push((id, line));
            self.vm_next = Some((id, line));
        }
        for physical in text.split('\n') {
            self.text.push_str(physical);
            self.text.push('\n');
            self.lines.push((id, line));
            self.vm_next = self.vm_next.map(|(f, l)| (f, l.saturating_add(1)));
        }
        if !self.markers {
            self.vm_next = None;
        }
        Ok(())
    }

    fn file_id(&mut self, file: &str) -> u32 {
        if let Some(id) = self.file_ids.get(file) {
            return *id;
        }
        let id = u32::try_from(self.files.len()).unwrap_or(u32::MAX);
        self.files.push(file.to_string());
        self.file_ids.insert(file.to_string(), id);
        id
    }

    pub fn finish(self, warnings: Vec<Warning>) -> Assembled {
        Assembled { source: self.text, warnings, files: self.files, lines: self.lines }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_only_where_the_count_breaks() {
        let mut e = Emitter::new(true);
        e.line("a", "main.nut", 1).unwrap();
        e.line("b", "main.nut", 2).unwrap();
        e.line("c", "lib.nut", 1).unwrap();
        e.line("d", "main.nut", 4).unwrap();
        e.line("e\nf", "main.nut", 5).unwrap();
        e.line("g", "main.nut", 6).unwrap();
        let out = e.finish(vec![]);
        assert_eq!(
            out.source,
            "#line 1 \"main.nut\"\na\nb\n#line 1 \"lib.nut\"\nc\n#line 4 \"main.nut\"\nd\ne\nf\n#line 6 \"main.nut\"\ng\n"
        );
        let origins: Vec<_> = (1..=out.line_count()).map(|l| out.origin(l).unwrap()).collect();
        assert_eq!(
            origins,
            [
                ("main.nut", 1),
                ("main.nut", 1),
                ("main.nut", 2),
                ("lib.nut", 1),
                ("lib.nut", 1),
                ("main.nut", 4),
                ("main.nut", 4),
                ("main.nut", 5),
                ("main.nut", 5),
                ("main.nut", 6),
                ("main.nut", 6),
            ]
        );
        assert_eq!(out.origin(0), None);
        assert_eq!(out.origin(12), None);
    }

    #[test]
    fn no_marker_for_the_start_of_the_file_compiled() {
        let mut e = Emitter::new(true);
        e.assume_start("main.nut");
        e.line("a", "main.nut", 1).unwrap();
        e.line("c", "lib.nut", 1).unwrap();
        assert_eq!(e.finish(vec![]).source, "a\n#line 1 \"lib.nut\"\nc\n");
    }

    #[test]
    fn no_markers_when_disabled() {
        let mut e = Emitter::new(false);
        e.line("a", "x\"y.nut", 3).unwrap();
        e.line("b", "z.nut", 9).unwrap();
        let out = e.finish(vec![]);
        assert_eq!(out.source, "a\nb\n");
        assert_eq!(out.origin(2), Some(("z.nut", 9)));
    }

    #[test]
    fn quotes_in_file_names_are_escaped() {
        let mut e = Emitter::new(true);
        e.line("a", "x\"y.nut", 3).unwrap();
        assert!(e.finish(vec![]).source.starts_with("#line 3 \"x\\\"y.nut\"\n"));
    }
}
