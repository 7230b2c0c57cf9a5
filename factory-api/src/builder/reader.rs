//! Where source text comes from.
//!
//! The preprocessor only ever asks "what is in this file, if it exists?", so the file system
//! hides behind [`SourceReader`]: the real one for the CLI, an in-memory one for tests and
//! for callers that assemble sources themselves.

use std::collections::HashMap;
use std::io;
use std::path::{Component, Path, PathBuf};

/// Reads source files for the preprocessor.
pub trait SourceReader {
    /// The file's text, `Ok(None)` if there is no such file.
    fn read(&self, path: &Path) -> io::Result<Option<String>>;
}

/// Reads from the real file system (invalid UTF-8 is replaced, as Node.js would; a UTF-8
/// byte-order mark is not part of the text, as the reference's file loader skips it).
#[derive(Debug, Clone, Copy, Default)]
pub struct FsReader;

impl SourceReader for FsReader {
    fn read(&self, path: &Path) -> io::Result<Option<String>> {
        match std::fs::read(path) {
            Ok(bytes) => {
                Ok(Some(String::from_utf8_lossy(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes)).into_owned()))
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Files held in memory, keyed by normalized path.
#[derive(Debug, Clone, Default)]
pub struct MemoryReader {
    files: HashMap<PathBuf, String>,
}

impl MemoryReader {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a file; returns `self` for chaining.
    pub fn with(mut self, path: impl AsRef<Path>, text: impl Into<String>) -> Self {
        self.insert(path, text);
        self
    }

    pub fn insert(&mut self, path: impl AsRef<Path>, text: impl Into<String>) {
        self.files.insert(normalize(path.as_ref()), text.into());
    }
}

impl SourceReader for MemoryReader {
    fn read(&self, path: &Path) -> io::Result<Option<String>> {
        Ok(self.files.get(&normalize(path)).cloned())
    }
}

/// Lexically resolves `.` and `..` (no file-system access, so it works for any reader);
/// `..` above a root is dropped, leading `..` of a relative path is kept.
pub(super) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_lexically() {
        assert_eq!(normalize(Path::new("a/./b/../c.nut")), PathBuf::from("a/c.nut"));
        assert_eq!(normalize(Path::new("../x/../../y")), PathBuf::from("../../y"));
        assert_eq!(normalize(Path::new("/../a")), PathBuf::from("/a"));
        assert_eq!(normalize(Path::new("./")), PathBuf::new());
    }

    #[test]
    fn memory_reader_finds_normalized_paths() {
        let reader = MemoryReader::new().with("dir/a.nut", "A");
        assert_eq!(reader.read(Path::new("dir/sub/../a.nut")).unwrap().as_deref(), Some("A"));
        assert_eq!(reader.read(Path::new("dir/b.nut")).unwrap(), None);
    }

    #[test]
    fn fs_reader_reports_missing_files_as_none() {
        let dir = std::env::temp_dir().join(format!("impish-builder-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("x.nut");
        std::fs::write(&file, b"ok\xff").unwrap();
        assert_eq!(FsReader.read(&file).unwrap().as_deref(), Some("ok\u{fffd}"));
        std::fs::write(&file, b"\xef\xbb\xbfbom").unwrap();
        assert_eq!(FsReader.read(&file).unwrap().as_deref(), Some("bom"));
        assert_eq!(FsReader.read(&dir.join("missing.nut")).unwrap(), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
