//! The code one test session deploys, assembled as impt assembles it: on the tested side
//! the framework, the code under test (`deviceFile` or `agentFile`), the test file
//! wrapped in `function __module_tests(ImpTestCase) { ... }` and a bootstrap that starts
//! the runner two seconds after boot; on the other side its own code file and the test
//! file's partner. Everything goes through one Builder run per side, so `@include`,
//! `@set`, `#require` and `#line` markers behave as in impt.

use super::config::TestConfig;
use super::discovery::TestFile;
use super::filter::Filter;
use super::TestError;
use crate::builder::{Options, Preprocessor, SourceReader};
use crate::imp::{Firmware, Side};
use std::io;
use std::path::Path;

/// Where the embedded framework appears to live (in `#line` markers and call stacks).
pub const FRAMEWORK_PATH: &str = "/impish/impUnit.nut";
const FRAMEWORK: &str = include_str!("impunit.nut");

/// The name the wrapper's own lines carry (impt's).
const BOOTSTRAP_NAME: &str = "__tests_bootstrap__";

/// Seconds between boot and the start of the runner, as impt waits, so the code under
/// test has booted and its first messages come before the tests'.
pub const STARTUP_DELAY: f64 = 2.0;

/// One session's code.
#[derive(Clone, Debug)]
pub struct Build {
    pub device: Firmware,
    /// `None` when there is no agent code at all.
    pub agent: Option<Firmware>,
}

impl Build {
    pub fn side(&self, side: Side) -> Option<&Firmware> {
        match side {
            Side::Device => Some(&self.device),
            Side::Agent => self.agent.as_ref(),
        }
    }
}

/// What the runner is told: its session name and the `--tests` selection.
pub struct Bootstrap<'a> {
    pub session: &'a str,
    pub filter: &'a Filter,
}

/// Assembles the session for `file`.
pub fn assemble(config: &TestConfig, file: &TestFile, bootstrap: &Bootstrap) -> Result<Build, TestError> {
    let code_under_test = |side: Side| {
        let configured = match side {
            Side::Device => &config.device_file,
            Side::Agent => &config.agent_file,
        };
        configured.as_ref().map(|f| config.home.join(f))
    };
    for side in [Side::Device, Side::Agent] {
        if let Some(path) = code_under_test(side) {
            if !path.is_file() {
                return Err(TestError::SourceNotFound { side, file: path.display().to_string() });
            }
        }
    }
    let preprocessor = Preprocessor::with_reader(options(config), WithFramework);
    let build_side = |side: Side| -> Result<Option<Firmware>, TestError> {
        let mut wrapper = String::new();
        if side == file.side {
            wrapper.push_str(&include_line(Path::new(FRAMEWORK_PATH)));
        }
        if let Some(path) = code_under_test(side) {
            wrapper.push_str(&include_line(&path));
        }
        if side == file.side {
            wrapper.push_str("function __module_tests(ImpTestCase) {\n");
            wrapper.push_str(&include_line(&file.path));
            wrapper.push_str("}\n");
            wrapper.push_str(&bootstrap_code(config, bootstrap));
        } else if let Some(partner) = &file.partner {
            wrapper.push_str(&include_line(partner));
        }
        if wrapper.is_empty() {
            return Ok(None);
        }
        let assembled = preprocessor.process_source(BOOTSTRAP_NAME, &wrapper).map_err(TestError::Builder)?;
        let name = match side {
            Side::Device => "device_code",
            Side::Agent => "agent_code",
        };
        Ok(Some(Firmware { name: name.into(), source: assembled.source }))
    };
    let device =
        build_side(Side::Device)?.unwrap_or_else(|| Firmware { name: "device_code".into(), source: String::new() });
    Ok(Build { device, agent: build_side(Side::Agent)? })
}

fn options(config: &TestConfig) -> Options {
    Options {
        library_dirs: config.library_dirs.clone(),
        github_cache: Some(config.github_cache.clone()),
        // impt runs Builder in the test home.
        working_dir: config.home.clone(),
        defines: config.builder_variables.clone(),
        ..Options::default()
    }
}

fn include_line(path: &Path) -> String {
    format!("@include \"{}\"\n", squirrel_string(&path.display().to_string()))
}

/// The runner's start, two seconds after boot, with the session's settings.
fn bootstrap_code(config: &TestConfig, bootstrap: &Bootstrap) -> String {
    format!(
        "function __module_tests_bootstrap(ImpUnitRunner) {{\n\
         imp.wakeup({delay}, function() {{\n\
         \x20 local runner = ImpUnitRunner();\n\
         \x20 runner.readableOutput = false;\n\
         \x20 runner.session = \"{session}\";\n\
         \x20 runner.timeout = {timeout};\n\
         \x20 runner.stopOnFailure = {stop};\n\
         \x20 runner.testClass = \"{class}\";\n\
         \x20 runner.testCase = \"{method}\";\n\
         \x20 runner.run();\n\
         }});\n\
         }}\n\
         __module_tests(__module_impUnit_exports.ImpTestCase);\n\
         __module_tests_bootstrap(__module_impUnit_exports.ImpUnitRunner);\n",
        delay = STARTUP_DELAY,
        session = squirrel_string(bootstrap.session),
        timeout = squirrel_number(config.timeout),
        stop = config.stop_on_fail,
        class = squirrel_string(&bootstrap.filter.class),
        method = squirrel_string(&bootstrap.filter.method),
    )
}

/// A number as Squirrel source: whole numbers as integers, so messages read "30s".
fn squirrel_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e9 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// Escapes text for a double-quoted Squirrel (and Builder) string literal.
fn squirrel_string(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// The file system, plus the embedded framework at [`FRAMEWORK_PATH`].
struct WithFramework;

impl SourceReader for WithFramework {
    fn read(&self, path: &Path) -> io::Result<Option<String>> {
        if path == Path::new(FRAMEWORK_PATH) {
            return Ok(Some(FRAMEWORK.to_string()));
        }
        crate::builder::FsReader.read(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        assert_eq!(squirrel_number(30.0), "30");
        assert_eq!(squirrel_number(0.5), "0.5");
        assert_eq!(squirrel_string(r#"a"b\c"#), r#"a\"b\\c"#);
    }

    #[test]
    fn the_framework_has_no_builder_directives() {
        assert!(FRAMEWORK.lines().all(|l| !l.trim_start().starts_with('@')), "a line would be read as a directive");
        assert!(!FRAMEWORK.contains("@{"));
    }
}
