//! A Builder-compatible source preprocessor with Electric Imp `#require` resolution.
//!
//! `impt test` runs every test file through Electric Imp's Builder before deploying it, and
//! the impCloud resolves `#require "Name:version"` lines; `impish test` must do both locally
//! and offline. [`Preprocessor::process`] assembles one source from an entry file, its
//! `@include`s (local, search directories, or a `github:` cache folder) and its required
//! libraries, with `#line N "file"` markers and an [`Assembled::origin`] line map so errors
//! point at the original files.
//!
//! Supported: `@include [once] <expr>`, `@set NAME [=] <expr>`, `@if`/`@elseif`/`@else`/
//! `@endif` (or `@end`), `@error`, `@warning`, `@ comments`, inline `@{expr}`, Builder's
//! expression language with `__LINE__`/`__FILE__`/`__PATH__`, `defined()`, `include()`,
//! `escape`, `base64`, `min`, `max`, `abs`, `S.*` string functions and `|` filters.
//! `@macro`, `@while` and `@repeat` are reported as unsupported.

mod error;
mod eval;
mod expr;
mod line;
mod machine;
mod output;
mod reader;
mod resolve;
mod value;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use error::BuilderError;
pub use output::{Assembled, Warning};
pub use reader::{FsReader, MemoryReader, SourceReader};
pub use value::{Builtin, StrMethod, Value};

use crate::imp::Firmware;
use machine::Machine;
use reader::normalize;
use resolve::{LoadError, Locator, Source};
pub use resolve::{DEFAULT_GITHUB_CACHE, DEFAULT_LIBRARY_DIR};

/// How to find sources and what to predefine.
#[derive(Debug, Clone)]
pub struct Options {
    /// Builder's working directory, the last place a relative local include is looked
    /// for (after the including file's folder and the entry file's): the folder
    /// `pleasebuild` runs in, or for a test run the test home (impt runs Builder there).
    pub working_dir: PathBuf,
    /// Root of the offline GitHub cache (see the `resolve` module for its layouts);
    /// `None`: [`DEFAULT_GITHUB_CACHE`] in the working directory.
    pub github_cache: Option<PathBuf>,
    /// Library folders for `#require` (`<dir>/<stem>/<version>/<name>`, `<dir>/<name>` or a
    /// checkout `<dir>/<stem>/<name>`), and for `github:` includes (a checkout
    /// `<dir>/<repo>/<path>`).
    pub library_dirs: Vec<PathBuf>,
    /// Predefined variables (Builder's `-D NAME value`); they take precedence over `@set`.
    pub defines: BTreeMap<String, Value>,
    /// Environment variables visible to expressions; `None` keeps builds hermetic.
    pub environment: Option<BTreeMap<String, String>>,
    /// Whether to write `#line N "file"` markers (Builder's `-l`).
    pub line_markers: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            working_dir: PathBuf::new(),
            github_cache: None,
            library_dirs: Vec::new(),
            defines: BTreeMap::new(),
            environment: None,
            line_markers: true,
        }
    }
}

impl Options {
    /// What every command that reads firmware uses: Builder's working directory `dir`,
    /// the library folders `libs` then [`DEFAULT_LIBRARY_DIR`] in `dir`, and the GitHub
    /// cache [`DEFAULT_GITHUB_CACHE`] in `dir`.
    pub fn project(dir: &Path, libs: &[PathBuf]) -> Options {
        let mut library_dirs = libs.to_vec();
        library_dirs.push(dir.join(DEFAULT_LIBRARY_DIR));
        Options { working_dir: dir.to_path_buf(), library_dirs, ..Options::default() }
    }

    /// Makes this process's environment variables visible to expressions, as Builder does.
    pub fn with_process_environment(mut self) -> Self {
        self.environment = Some(std::env::vars().collect());
        self
    }
}

/// Preprocesses sources read through `R`.
#[derive(Debug, Clone)]
pub struct Preprocessor<R = FsReader> {
    options: Options,
    reader: R,
}

impl Preprocessor<FsReader> {
    /// A preprocessor over the real file system.
    pub fn new(options: Options) -> Self {
        Preprocessor { options, reader: FsReader }
    }
}

impl<R: SourceReader> Preprocessor<R> {
    pub fn with_reader(options: Options, reader: R) -> Self {
        Preprocessor { options, reader }
    }

    /// Assembles the entry file at `entry` and everything it includes or requires.
    pub fn process(&self, entry: impl AsRef<Path>) -> Result<Assembled, BuilderError> {
        let path = entry.as_ref();
        let locator = Locator { reader: &self.reader, options: &self.options, entry_dir: PathBuf::new() };
        let source = locator.entry(path).map_err(|e| match e {
            LoadError::NotFound(_) | LoadError::NotCached { .. } | LoadError::Unsupported(_) => {
                BuilderError::EntryNotFound { file: path.display().to_string(), line: 0 }
            }
            LoadError::Read { path, message } => BuilderError::Read { file: path.clone(), path, message, line: 0 },
        })?;
        Machine::run(&self.options, &self.reader, source, true)
    }

    /// The firmware in the file at `path`: assembled, and named as the entry file, the name
    /// to compile it under (its first lines are the entry's own, without a `#line` marker,
    /// so an unpreprocessed file compiles exactly as it reads).
    pub fn firmware(&self, path: impl AsRef<Path>) -> Result<(Firmware, Vec<Warning>), BuilderError> {
        let assembled = self.process(&path)?;
        let name = normalize(path.as_ref()).display().to_string();
        Ok((Firmware { name, source: assembled.source }, assembled.warnings))
    }

    /// Assembles `text` as if it were the file at `path` (which need not exist): relative
    /// includes resolve from its directory. This is how a test runner wraps test files.
    pub fn process_source(&self, path: impl AsRef<Path>, text: &str) -> Result<Assembled, BuilderError> {
        let source = Source::local(normalize(path.as_ref()), text.to_string());
        Machine::run(&self.options, &self.reader, source, false)
    }
}
