//! Runs Builder directives over sources, line by line, into an [`Assembled`] output.
//!
//! One `Machine` lives for one preprocessing run and holds what Builder keeps globally:
//! `@set` variables, the sources already included (for `@include once`), the libraries
//! already required, and the stack of open sources (for cycle detection and depth limits).
//! `@if` state is per source, as in Builder, so a file cannot leave an `@if` open.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

use super::error::BuilderError;
use super::eval::{self, EvalError, Host, MAX_STRING};
use super::expr;
use super::line::{classify, split_inline, Directive, Line, Piece};
use super::output::{Assembled, Emitter, Warning, MAX_OUTPUT};
use super::reader::SourceReader;
use super::resolve::{LoadError, Locator, Source};
use super::value::Value;
use super::Options;

/// How deeply sources may include each other.
pub(super) const MAX_INCLUDE_DEPTH: usize = 64;

/// Where processed lines go: the main output, or a buffer for `include()` inside `@{...}`.
enum Out<'s> {
    Main,
    Inline(&'s mut String),
}

/// One open `@if` in the current source.
struct Cond {
    /// Line of the `@if`, for "unclosed" errors.
    line: u32,
    /// Whether the enclosing block is emitting.
    parent_active: bool,
    /// Whether the current branch is emitting.
    active: bool,
    /// Whether some branch of this `@if` has been chosen already.
    taken: bool,
    in_else: bool,
}

/// The state of one preprocessing run.
pub(super) struct Machine<'a> {
    locator: Locator<'a>,
    options: &'a Options,
    emitter: Emitter,
    /// `@set` variables.
    vars: BTreeMap<String, Value>,
    /// Every source included so far, by path and by content: `@include once` skips a
    /// file with the same text as one already included, as Builder does.
    included: HashSet<PathBuf>,
    included_texts: HashSet<u64>,
    /// Open sources, outermost first: identity and display name.
    stack: Vec<(PathBuf, String)>,
    /// Required libraries: name to version.
    libraries: HashMap<String, String>,
    warnings: Vec<Warning>,
}

/// The source and line a directive or expression is on.
#[derive(Clone, Copy)]
struct At<'s> {
    src: &'s Source,
    line: u32,
}

impl At<'_> {
    fn file(&self) -> String {
        self.src.display.clone()
    }

    fn syntax(&self, message: impl Into<String>) -> BuilderError {
        BuilderError::Syntax { message: message.into(), file: self.file(), line: self.line }
    }

    fn expression(&self, message: impl Into<String>) -> BuilderError {
        BuilderError::Expression { message: message.into(), file: self.file(), line: self.line }
    }

    fn too_large(&self) -> BuilderError {
        BuilderError::TooLarge { limit: MAX_OUTPUT, file: self.file(), line: self.line }
    }
}

impl<'a> Machine<'a> {
    /// Preprocesses `entry` and everything it includes; `compiled_as_entry`: the output
    /// will be compiled under the entry's name, so its first line needs no marker.
    pub fn run(
        options: &'a Options,
        reader: &'a dyn SourceReader,
        entry: Source,
        compiled_as_entry: bool,
    ) -> Result<Assembled, BuilderError> {
        let mut emitter = Emitter::new(options.line_markers);
        if compiled_as_entry {
            emitter.assume_start(&entry.display);
        }
        let mut machine = Machine {
            locator: Locator { reader, options, entry_dir: entry_dir(options, &entry) },
            options,
            emitter,
            vars: BTreeMap::new(),
            included: HashSet::new(),
            included_texts: HashSet::new(),
            stack: Vec::new(),
            libraries: HashMap::new(),
            warnings: Vec::new(),
        };
        machine.included.insert(entry.key.clone());
        machine.included_texts.insert(text_hash(&entry.text));
        machine.stack.push((entry.key.clone(), entry.display.clone()));
        machine.source(&entry, &mut Out::Main)?;
        Ok(machine.emitter.finish(machine.warnings))
    }

    /// Processes every line of `src`.
    fn source(&mut self, src: &Source, out: &mut Out) -> Result<(), BuilderError> {
        let mut conds: Vec<Cond> = Vec::new();
        for (index, raw) in src.text.lines().enumerate() {
            let at = At { src, line: u32::try_from(index + 1).unwrap_or(u32::MAX) };
            let active = conds.last().is_none_or(|c| c.active);
            match classify(raw).map_err(|m| at.syntax(m))? {
                Line::Comment => {}
                Line::Directive(d) => self.directive(d, at, active, &mut conds, out)?,
                Line::Require { name, version } if active => self.require(&name, &version, at, out)?,
                Line::Text(text) if active => self.text(text, at, out)?,
                Line::Require { .. } | Line::Text(_) => {}
            }
        }
        match conds.last() {
            Some(open) => Err(BuilderError::Syntax {
                message: "Unclosed @if statement".into(),
                file: src.display.clone(),
                line: open.line,
            }),
            None => Ok(()),
        }
    }

    fn directive(
        &mut self,
        d: Directive,
        at: At,
        active: bool,
        conds: &mut Vec<Cond>,
        out: &mut Out,
    ) -> Result<(), BuilderError> {
        match d {
            Directive::If(test) => {
                let taken = active && self.eval(&test, at)?.truthy();
                conds.push(Cond {
                    line: at.line,
                    parent_active: active,
                    active: taken,
                    taken: !active || taken,
                    in_else: false,
                });
            }
            Directive::ElseIf(test) => {
                let cond = conds.last_mut().ok_or_else(|| at.syntax("Unexpected @elseif"))?;
                if cond.in_else {
                    return Err(at.syntax("@elseif after @else is not allowed"));
                }
                let chosen = cond.parent_active && !cond.taken && self.eval(&test, at)?.truthy();
                cond.active = chosen;
                cond.taken |= chosen;
            }
            Directive::Else => {
                let cond = conds.last_mut().ok_or_else(|| at.syntax("Unexpected @else"))?;
                if cond.in_else {
                    return Err(at.syntax("Multiple @else statements are not allowed"));
                }
                cond.active = cond.parent_active && !cond.taken;
                cond.taken = true;
                cond.in_else = true;
            }
            Directive::EndIf | Directive::End => {
                if conds.pop().is_none() {
                    let word = if d == Directive::End { "@end" } else { "@endif" };
                    return Err(at.syntax(format!("Unexpected {word}")));
                }
            }
            Directive::Unsupported(name) => {
                return Err(at.syntax(format!("@{name} is not supported by impish's Builder")));
            }
            _ if !active => {}
            Directive::Include { once, expr } => {
                // Builder turns every `\` of the directive into `/` before it evaluates it,
                // so Windows-style paths work anywhere.
                let spec = match self.eval(&expr.replace('\\', "/"), at)? {
                    Value::Str(s) => s.trim().to_string(),
                    other => return Err(at.expression(format!("@include expects a path string, got \"{other}\""))),
                };
                if spec.is_empty() {
                    return Err(at.expression("@include of an empty path"));
                }
                self.include(&spec, once, at, out)?;
            }
            Directive::Set { name, expr } => {
                let value = self.eval(&expr, at)?;
                self.vars.insert(name, value);
            }
            Directive::Error(expr) => {
                let message = self.eval(&expr, at)?.to_string();
                return Err(BuilderError::User { message, file: at.file(), line: at.line });
            }
            Directive::Warning(expr) => {
                let message = self.eval(&expr, at)?.to_string();
                self.warnings.push(Warning { message, file: at.file(), line: at.line });
            }
        }
        Ok(())
    }

    /// A text line: `@{...}` expressions replaced by their values.
    fn text(&mut self, text: &str, at: At, out: &mut Out) -> Result<(), BuilderError> {
        let mut line = String::with_capacity(text.len());
        for piece in split_inline(text).map_err(|m| at.syntax(m))? {
            match piece {
                Piece::Text(t) => line.push_str(t),
                Piece::Expr(e) => line.push_str(&self.eval_expr(&e, at)?.to_string()),
            }
            if line.len() > MAX_STRING {
                return Err(at.too_large());
            }
        }
        self.emit(&line, at, out)
    }

    fn emit(&mut self, text: &str, at: At, out: &mut Out) -> Result<(), BuilderError> {
        match out {
            Out::Main => self.emitter.line(text, &at.src.display, at.line).map_err(|_| at.too_large()),
            Out::Inline(buffer) if buffer.len() + text.len() < MAX_STRING => {
                buffer.push_str(text);
                buffer.push('\n');
                Ok(())
            }
            Out::Inline(_) => Err(at.too_large()),
        }
    }

    fn include(&mut self, spec: &str, once: bool, at: At, out: &mut Out) -> Result<(), BuilderError> {
        let source = self.locator.include(spec, &at.src.home).map_err(|e| load_error(e, spec, at))?;
        if once && (self.included.contains(&source.key) || self.included_texts.contains(&text_hash(&source.text))) {
            return Ok(());
        }
        self.enter(source, at, out)
    }

    fn require(&mut self, name: &str, version: &str, at: At, out: &mut Out) -> Result<(), BuilderError> {
        if let Some(loaded) = self.libraries.get(name) {
            if loaded == version {
                return Ok(());
            }
            return Err(BuilderError::LibraryConflict {
                name: name.to_string(),
                version: version.to_string(),
                loaded: loaded.clone(),
                file: at.file(),
                line: at.line,
            });
        }
        let source = self.locator.library(name, version).map_err(|e| match e {
            LoadError::NotFound(searched) => BuilderError::LibraryNotFound {
                name: name.to_string(),
                version: version.to_string(),
                searched,
                file: at.file(),
                line: at.line,
            },
            other => load_error(other, &format!("{name}:{version}"), at),
        })?;
        self.libraries.insert(name.to_string(), version.to_string());
        self.enter(source, at, out)
    }

    /// Processes an included source, guarding against cycles and runaway nesting.
    fn enter(&mut self, source: Source, at: At, out: &mut Out) -> Result<(), BuilderError> {
        if let Some(first) = self.stack.iter().position(|(key, _)| *key == source.key) {
            let mut chain: Vec<String> = self.stack[first..].iter().map(|(_, name)| name.clone()).collect();
            chain.push(source.display);
            return Err(BuilderError::IncludeCycle { chain, file: at.file(), line: at.line });
        }
        if self.stack.len() >= MAX_INCLUDE_DEPTH {
            return Err(BuilderError::TooDeep { limit: MAX_INCLUDE_DEPTH, file: at.file(), line: at.line });
        }
        self.included.insert(source.key.clone());
        self.included_texts.insert(text_hash(&source.text));
        self.stack.push((source.key.clone(), source.display.clone()));
        let result = self.source(&source, out);
        self.stack.pop();
        result
    }

    fn eval(&mut self, text: &str, at: At) -> Result<Value, BuilderError> {
        let expr = expr::parse(text).map_err(|m| at.expression(m))?;
        self.eval_expr(&expr, at)
    }

    fn eval_expr(&mut self, expr: &expr::Expr, at: At) -> Result<Value, BuilderError> {
        eval::eval(expr, &mut Scope { machine: self, at }).map_err(|e| match e {
            EvalError::Message(m) => at.expression(m),
            EvalError::Nested(inner) => *inner,
        })
    }
}

/// The folder of the entry file (Builder's second place for relative includes), or the
/// working directory for an entry with no folder of its own.
fn entry_dir(options: &Options, entry: &Source) -> PathBuf {
    match entry.key.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => options.working_dir.clone(),
    }
}

/// Identifies a source's text for `@include once`.
fn text_hash(text: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    hasher.finish()
}

/// Locates a [`LoadError`] at the line that asked for `what`.
fn load_error(e: LoadError, what: &str, at: At) -> BuilderError {
    match e {
        LoadError::NotFound(searched) => {
            BuilderError::IncludeNotFound { include: what.to_string(), searched, file: at.file(), line: at.line }
        }
        LoadError::NotCached { file: saved, checkouts } => {
            BuilderError::NotCached { include: what.to_string(), saved, checkouts, file: at.file(), line: at.line }
        }
        LoadError::Unsupported(reason) => {
            BuilderError::UnsupportedInclude { include: what.to_string(), reason, file: at.file(), line: at.line }
        }
        LoadError::Read { path, message } => BuilderError::Read { path, message, file: at.file(), line: at.line },
    }
}

/// The view an expression on one line has of the run.
struct Scope<'m, 'a, 's> {
    machine: &'m mut Machine<'a>,
    at: At<'s>,
}

impl Scope<'_, '_, '_> {
    /// Builder's lookup order: `__LINE__`/`__FILE__`/`__PATH__`, predefined variables,
    /// built-in functions, then `@set` variables.
    fn known(&self, name: &str) -> Option<Value> {
        match name {
            "__LINE__" => return Some(Value::Number(f64::from(self.at.line))),
            "__FILE__" => return Some(Value::Str(self.at.src.name.clone())),
            "__PATH__" => return Some(Value::Str(self.at.src.dir.clone())),
            _ => {}
        }
        self.machine
            .options
            .defines
            .get(name)
            .cloned()
            .or_else(|| eval::builtin_value(name))
            .or_else(|| self.machine.vars.get(name).cloned())
    }
}

impl Host for Scope<'_, '_, '_> {
    fn variable(&self, name: &str) -> Option<Value> {
        self.known(name).or_else(|| {
            let env = self.machine.options.environment.as_ref()?;
            env.get(name).map(|v| Value::Str(v.clone()))
        })
    }

    fn defined(&self, name: &str) -> bool {
        self.known(name).is_some()
    }

    fn include(&mut self, path: &str) -> Result<String, EvalError> {
        let mut buffer = String::new();
        self.machine
            .include(path, false, self.at, &mut Out::Inline(&mut buffer))
            .map_err(|e| EvalError::Nested(Box::new(e)))?;
        if buffer.ends_with('\n') {
            buffer.pop();
        }
        Ok(buffer)
    }
}
