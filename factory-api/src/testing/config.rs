//! A test project's configuration, read as impt reads it: `.impt.test` in the test
//! home (or the legacy impTest `.imptest`), with impt's defaults when there is none.
//!
//! Keys impish does not need (`deviceGroupId`, `builderCache`, `githubConfig`, ...) are
//! ignored, so a project configured for impt runs unchanged. Four keys are impish's own:
//! `libraries` (folders searched for `#require`d libraries and `github:` checkouts),
//! `githubCache` (where `@include "github:..."` sources are read from, as there is no
//! network), `impType` (the imp module the tests run on; impt takes it from the device
//! group's devices) and `instructionBudget` (instructions one callback may run, a number
//! or `"none"`). The legacy `.imptest` may hold `/* */` and `//` comments, as impTest's did.

use super::TestError;
use crate::builder::{Value as BuilderValue, DEFAULT_GITHUB_CACHE, DEFAULT_LIBRARY_DIR};
use crate::imp::identity::ImpType;
use crate::imp::DEFAULT_INSTRUCTION_BUDGET;
use serde_json::{Map, Value as Json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// impt's config file name, and the legacy impTest one.
pub const CONFIG_FILE: &str = ".impt.test";
pub const LEGACY_CONFIG_FILE: &str = ".imptest";

/// impt's default test-file patterns.
pub const DEFAULT_TEST_FILES: [&str; 2] = ["*.test.nut", "tests/**/*.test.nut"];
/// impt's default per-test timeout in seconds (impTest's was 10).
pub const DEFAULT_TIMEOUT: f64 = 30.0;
const LEGACY_DEFAULT_TIMEOUT: f64 = 10.0;

#[derive(Clone, Debug, PartialEq)]
pub struct TestConfig {
    /// The test home: the folder holding the config file; test files are found under it.
    pub home: PathBuf,
    /// The config file read, if any.
    pub file: Option<PathBuf>,
    /// Glob patterns relative to the home.
    pub test_files: Vec<String>,
    /// The code under test, deployed with the tests (paths relative to the home).
    pub device_file: Option<PathBuf>,
    pub agent_file: Option<PathBuf>,
    /// Seconds a test may take (virtual time).
    pub timeout: f64,
    pub stop_on_fail: bool,
    pub allow_disconnect: bool,
    /// Builder variables (`builderConfig`).
    pub builder_variables: BTreeMap<String, BuilderValue>,
    /// Folders searched for `#require`d libraries, in order.
    pub library_dirs: Vec<PathBuf>,
    pub github_cache: PathBuf,
    /// The imp module every session runs on.
    pub imp_type: ImpType,
    /// Instructions one callback (or a boot) may run; `None`: no limit.
    pub instruction_budget: Option<u64>,
}

impl TestConfig {
    /// impt's defaults for a home with no config file.
    pub fn defaults(home: &Path) -> TestConfig {
        TestConfig {
            home: home.to_path_buf(),
            file: None,
            test_files: DEFAULT_TEST_FILES.iter().map(|p| p.to_string()).collect(),
            device_file: None,
            agent_file: None,
            timeout: DEFAULT_TIMEOUT,
            stop_on_fail: false,
            allow_disconnect: false,
            builder_variables: BTreeMap::new(),
            library_dirs: vec![home.join(DEFAULT_LIBRARY_DIR)],
            github_cache: home.join(DEFAULT_GITHUB_CACHE),
            imp_type: ImpType::Imp005,
            instruction_budget: Some(DEFAULT_INSTRUCTION_BUDGET),
        }
    }

    /// Reads the config of the test home `home`: `.impt.test`, else `.imptest`, else
    /// the defaults.
    pub fn load(home: &Path) -> Result<TestConfig, TestError> {
        if !home.is_dir() {
            return Err(TestError::NoTestHome(home.display().to_string()));
        }
        for (name, legacy) in [(CONFIG_FILE, false), (LEGACY_CONFIG_FILE, true)] {
            let path = home.join(name);
            if path.is_file() {
                let text = std::fs::read_to_string(&path).map_err(|e| config_error(&path, e.to_string()))?;
                return TestConfig::parse(home, &path, &text, legacy);
            }
        }
        Ok(TestConfig::defaults(home))
    }

    /// Parses config text read from `path` (`legacy`: the `.imptest` format).
    pub fn parse(home: &Path, path: &Path, text: &str, legacy: bool) -> Result<TestConfig, TestError> {
        // Comments become spaces, so error positions stay where they were.
        let json: Json = serde_json::from_reader(json_comments::StripComments::new(text.as_bytes()))
            .map_err(|e| config_error(path, format!("line {}, column {}: {e}", e.line(), e.column())))?;
        let Json::Object(keys) = json else { return Err(config_error(path, "expected a JSON object".into())) };
        let read = Keys { keys: &keys, path };
        let mut config = TestConfig::defaults(home);
        config.file = Some(path.to_path_buf());
        let (files_key, stop_key, default_timeout) = if legacy {
            ("tests", "stopOnFailure", LEGACY_DEFAULT_TIMEOUT)
        } else {
            ("testFiles", "stopOnFail", DEFAULT_TIMEOUT)
        };
        if let Some(patterns) = read.strings(files_key)? {
            config.test_files = patterns;
        }
        config.device_file = read.file("deviceFile")?;
        config.agent_file = read.file("agentFile")?;
        config.timeout = read.number("timeout")?.unwrap_or(default_timeout);
        if config.timeout <= 0.0 {
            return Err(config_error(path, "\"timeout\" must be a positive number of seconds".into()));
        }
        config.stop_on_fail = read.flag(stop_key)?;
        config.allow_disconnect = read.flag("allowDisconnect")?;
        if let Some(dirs) = read.strings("libraries")? {
            config.library_dirs = dirs.iter().map(|d| home.join(d)).collect();
        }
        if let Some(cache) = read.file("githubCache")? {
            config.github_cache = home.join(cache);
        }
        if let Some(name) = read.file("impType")? {
            let name = name.display().to_string();
            config.imp_type = ImpType::from_name(&name)
                .ok_or_else(|| read.wrong("impType", &format!("an imp type ({})", ImpType::names())))?;
        }
        config.instruction_budget = read.budget("instructionBudget")?.unwrap_or(config.instruction_budget);
        if let Some(variables) = read.file("builderConfig")? {
            config.builder_variables = builder_variables(&home.join(variables))?;
        }
        Ok(config)
    }
}

/// Typed reads of the config's keys, with errors naming the file and key.
struct Keys<'a> {
    keys: &'a Map<String, Json>,
    path: &'a Path,
}

impl Keys<'_> {
    fn wrong(&self, key: &str, expected: &str) -> TestError {
        config_error(self.path, format!("\"{key}\" must be {expected}"))
    }

    fn flag(&self, key: &str) -> Result<bool, TestError> {
        match self.keys.get(key) {
            None | Some(Json::Null) => Ok(false),
            Some(Json::Bool(b)) => Ok(*b),
            Some(_) => Err(self.wrong(key, "true or false")),
        }
    }

    fn number(&self, key: &str) -> Result<Option<f64>, TestError> {
        match self.keys.get(key) {
            None | Some(Json::Null) => Ok(None),
            Some(Json::Number(n)) => Ok(n.as_f64()),
            // impt stores what `--timeout` was given, and reads it with parseFloat.
            Some(Json::String(s)) => s.trim().parse().map(Some).map_err(|_| self.wrong(key, "a number")),
            Some(_) => Err(self.wrong(key, "a number")),
        }
    }

    /// An instruction budget: a whole number ≥ 1, or `"none"` (`Some(None)`).
    fn budget(&self, key: &str) -> Result<Option<Option<u64>>, TestError> {
        match self.keys.get(key) {
            None | Some(Json::Null) => Ok(None),
            Some(Json::String(s)) if s == "none" => Ok(Some(None)),
            Some(Json::Number(n)) if n.as_u64().is_some_and(|n| n > 0) => Ok(Some(n.as_u64())),
            Some(_) => Err(self.wrong(key, "a whole number ≥ 1 or \"none\"")),
        }
    }

    /// A path, or none (`null`, `false` or `""`, as impt writes "no file").
    fn file(&self, key: &str) -> Result<Option<PathBuf>, TestError> {
        match self.keys.get(key) {
            None | Some(Json::Null) | Some(Json::Bool(false)) => Ok(None),
            Some(Json::String(s)) if s.is_empty() => Ok(None),
            Some(Json::String(s)) => Ok(Some(PathBuf::from(s))),
            Some(_) => Err(self.wrong(key, "a file name")),
        }
    }

    /// A list of strings (a single string is a list of one).
    fn strings(&self, key: &str) -> Result<Option<Vec<String>>, TestError> {
        match self.keys.get(key) {
            None | Some(Json::Null) => Ok(None),
            Some(Json::String(s)) => Ok(Some(vec![s.clone()])),
            Some(Json::Array(items)) => items
                .iter()
                .map(|item| item.as_str().map(str::to_string).ok_or_else(|| self.wrong(key, "a list of strings")))
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(self.wrong(key, "a list of strings")),
        }
    }
}

/// The variables of a Builder config file: a JSON object, name to value.
fn builder_variables(path: &Path) -> Result<BTreeMap<String, BuilderValue>, TestError> {
    let text = std::fs::read_to_string(path).map_err(|e| config_error(path, e.to_string()))?;
    let json: Json = serde_json::from_str(&text)
        .map_err(|e| config_error(path, format!("line {}, column {}: {e}", e.line(), e.column())))?;
    match builder_value(json) {
        BuilderValue::Object(variables) => Ok(variables),
        _ => Err(config_error(path, "expected a JSON object of Builder variables".into())),
    }
}

fn builder_value(json: Json) -> BuilderValue {
    match json {
        Json::Null => BuilderValue::Null,
        Json::Bool(b) => BuilderValue::Bool(b),
        Json::Number(n) => BuilderValue::Number(n.as_f64().unwrap_or(f64::NAN)),
        Json::String(s) => BuilderValue::Str(s),
        Json::Array(items) => BuilderValue::Array(items.into_iter().map(builder_value).collect()),
        Json::Object(map) => BuilderValue::Object(map.into_iter().map(|(k, v)| (k, builder_value(v))).collect()),
    }
}

fn config_error(path: &Path, message: String) -> TestError {
    TestError::Config { file: path.display().to_string(), message }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str, legacy: bool) -> Result<TestConfig, TestError> {
        TestConfig::parse(Path::new("home"), Path::new("home/.impt.test"), text, legacy)
    }

    #[test]
    fn impt_keys_and_defaults() {
        let config = parse(
            r#"{"deviceGroupId": "x", "deviceFile": "lib.device.nut", "agentFile": null,
                "timeout": "12.5", "stopOnFail": true, "testFiles": ["a/*.test.nut"]}"#,
            false,
        )
        .unwrap();
        assert_eq!(config.device_file, Some(PathBuf::from("lib.device.nut")));
        assert_eq!(config.agent_file, None);
        assert_eq!((config.timeout, config.stop_on_fail, config.allow_disconnect), (12.5, true, false));
        assert_eq!(config.test_files, ["a/*.test.nut"]);
        assert_eq!(config.library_dirs, [PathBuf::from("home/libs")]);
        let defaults = parse("{}", false).unwrap();
        assert_eq!(defaults.test_files, DEFAULT_TEST_FILES);
        assert_eq!(defaults.timeout, DEFAULT_TIMEOUT);
    }

    #[test]
    fn legacy_imptest_keys() {
        let config = parse(r#"{"agentFile": false, "tests": "*.nut", "stopOnFailure": true}"#, true).unwrap();
        assert_eq!((config.agent_file, config.test_files, config.stop_on_fail), (None, vec!["*.nut".into()], true));
        assert_eq!(config.timeout, 10.0);
    }

    #[test]
    fn legacy_imptest_may_hold_comments() {
        let text = "{\n  \"modelId\": \"x\" /* Test Model B */,\n  // the library\n  \"deviceFile\": \"AES.lib.nut\",\n  \"tests\": [\"*.test.nut\"] }";
        let config = parse(text, true).unwrap();
        assert_eq!(config.device_file, Some(PathBuf::from("AES.lib.nut")));
        let err = parse("{ /* x */ \"timeout\": , }", true).unwrap_err().to_string();
        assert!(err.starts_with("home/.impt.test: line 1, column 22: "), "{err}");
    }

    #[test]
    fn imp_type_and_instruction_budget() {
        let defaults = parse("{}", false).unwrap();
        assert_eq!(
            (defaults.imp_type, defaults.instruction_budget),
            (ImpType::Imp005, Some(DEFAULT_INSTRUCTION_BUDGET))
        );
        let config = parse(r#"{"impType": "imp001", "instructionBudget": 2000000000}"#, false).unwrap();
        assert_eq!((config.imp_type, config.instruction_budget), (ImpType::Imp001, Some(2_000_000_000)));
        assert_eq!(parse(r#"{"instructionBudget": "none"}"#, false).unwrap().instruction_budget, None);
        let err = parse(r#"{"impType": "imp999"}"#, false).unwrap_err().to_string();
        assert!(err.starts_with("home/.impt.test: \"impType\" must be an imp type (imp001, "), "{err}");
        for bad in ["0", "-5", "1.5", "\"lots\""] {
            let err = parse(&format!("{{\"instructionBudget\": {bad}}}"), false).unwrap_err().to_string();
            assert!(err.contains("a whole number ≥ 1 or \"none\""), "{err}");
        }
    }

    #[test]
    fn bad_configs_name_the_file_and_key() {
        let err = parse(r#"{"timeout": true}"#, false).unwrap_err().to_string();
        assert_eq!(err, "home/.impt.test: \"timeout\" must be a number");
        let err = parse("{\n  \"timeout\": 1,,\n}", false).unwrap_err().to_string();
        assert!(err.starts_with("home/.impt.test: line 2, column 16: "), "{err}");
        let err = parse(r#"{"testFiles": [1]}"#, false).unwrap_err().to_string();
        assert_eq!(err, "home/.impt.test: \"testFiles\" must be a list of strings");
    }
}
