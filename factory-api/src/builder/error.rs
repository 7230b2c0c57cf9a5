//! The preprocessor's error type.
//!
//! Every failure names the original file and line it comes from (line 0 = the entry file
//! itself, not one of its lines), so `impish test` can point at the user's source the way
//! Builder does (`message (file:line)`).

use thiserror::Error;

/// Why preprocessing failed; `file`/`line` locate the directive or source line responsible.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum BuilderError {
    /// A malformed directive, or `@if` structure (`@else` without `@if`, unclosed `@if`, ...).
    #[error("{message} ({file}:{line})")]
    Syntax { message: String, file: String, line: u32 },

    /// An expression failed to parse or evaluate.
    #[error("{message} ({file}:{line})")]
    Expression { message: String, file: String, line: u32 },

    /// `@error "message"` was reached.
    #[error("{message} ({file}:{line})")]
    User { message: String, file: String, line: u32 },

    /// An `@include` (or `include()`) source does not exist in any place it may live.
    #[error("cannot find \"{include}\" included at {file}:{line}; looked for: {}", searched.join(", "))]
    IncludeNotFound { include: String, searched: Vec<String>, file: String, line: u32 },

    /// A `github:` include in none of the offline cache's places (impish never downloads):
    /// says where to save the file, or where a checkout of its repository may go.
    #[error("cannot find \"{include}\" included at {file}:{line}: impish works offline, so save that file as {saved}, or put a checkout of the repository at {}", checkouts.join(" or "))]
    NotCached { include: String, saved: String, checkouts: Vec<String>, file: String, line: u32 },

    /// The entry file itself is missing.
    #[error("cannot find source file \"{file}\"")]
    EntryNotFound { file: String, line: u32 },

    /// A source exists but could not be read.
    #[error("cannot read \"{path}\": {message} ({file}:{line})")]
    Read { path: String, message: String, file: String, line: u32 },

    /// An include that cannot be served offline or is malformed (`http://`, bad `github:`).
    #[error("unsupported include \"{include}\": {reason} ({file}:{line})")]
    UnsupportedInclude { include: String, reason: String, file: String, line: u32 },

    /// A source includes itself, directly or through others; `chain` is the include path.
    #[error("include cycle: {} ({file}:{line})", chain.join(" -> "))]
    IncludeCycle { chain: Vec<String>, file: String, line: u32 },

    /// Includes nested deeper than the preprocessor allows.
    #[error("includes nested more than {limit} deep ({file}:{line})")]
    TooDeep { limit: usize, file: String, line: u32 },

    /// The assembled output grew past the preprocessor's size limit.
    #[error("output larger than {limit} bytes ({file}:{line})")]
    TooLarge { limit: usize, file: String, line: u32 },

    /// `#require "Name:version"` names a library none of the library folders holds.
    #[error("cannot find library {name} version {version} required at {file}:{line}; looked for: {}", searched.join(", "))]
    LibraryNotFound { name: String, version: String, searched: Vec<String>, file: String, line: u32 },

    /// The same library is required with two different versions.
    #[error("library {name} required as version {version} but version {loaded} is already included ({file}:{line})")]
    LibraryConflict { name: String, version: String, loaded: String, file: String, line: u32 },
}

impl BuilderError {
    /// The original file and line the error refers to.
    pub fn location(&self) -> (&str, u32) {
        match self {
            BuilderError::Syntax { file, line, .. }
            | BuilderError::Expression { file, line, .. }
            | BuilderError::User { file, line, .. }
            | BuilderError::IncludeNotFound { file, line, .. }
            | BuilderError::NotCached { file, line, .. }
            | BuilderError::EntryNotFound { file, line }
            | BuilderError::Read { file, line, .. }
            | BuilderError::UnsupportedInclude { file, line, .. }
            | BuilderError::IncludeCycle { file, line, .. }
            | BuilderError::TooDeep { file, line, .. }
            | BuilderError::TooLarge { file, line, .. }
            | BuilderError::LibraryNotFound { file, line, .. }
            | BuilderError::LibraryConflict { file, line, .. } => (file, *line),
        }
    }
}
