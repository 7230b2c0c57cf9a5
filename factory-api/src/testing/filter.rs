//! `--tests [testFile][:testCase][::testMethod]`, read as impt reads it: the file part
//! is a regular expression searched in each test file's path (relative to the test
//! home), the case and method are exact names the runner keeps.

use super::TestError;
use regex::Regex;

#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Searched in each test file's relative path; `None` selects every file.
    pub file: Option<Regex>,
    /// Only this test case class, when not empty.
    pub class: String,
    /// Only this test method, when not empty.
    pub method: String,
}

impl Filter {
    /// Every test.
    pub fn all() -> Filter {
        Filter::default()
    }

    pub fn parse(spec: &str) -> Result<Filter, TestError> {
        let (file, case) = match spec.find(':') {
            Some(colon) => (&spec[..colon], &spec[colon..]),
            None => (spec, ""),
        };
        // `case` is ":Class", ":Class::method" or "::method".
        let (class, method) = match case.rfind("::") {
            Some(at) => (case.get(1..at).unwrap_or_default(), &case[at + 2..]),
            None => (case.get(1..).unwrap_or_default(), ""),
        };
        let file = file.replace('\\', "/");
        let file = if file.is_empty() {
            None
        } else {
            Some(Regex::new(&file).map_err(|e| TestError::Filter { spec: spec.to_string(), message: e.to_string() })?)
        };
        Ok(Filter { file, class: class.to_string(), method: method.to_string() })
    }

    /// Whether the test file at `relative` (with `/` separators) is selected.
    pub fn selects_file(&self, relative: &str) -> bool {
        self.file.as_ref().is_none_or(|re| re.is_match(relative))
    }

    /// Whether assembled code can hold the selected case and method (impt skips files
    /// whose code has no `class <Case>` or `function <method>`).
    pub fn may_match_code(&self, code: &str) -> bool {
        let declares = |keyword: &str, name: &str| {
            name.is_empty()
                || Regex::new(&format!(r"{keyword}\s*{}\b", regex::escape(name))).is_ok_and(|re| re.is_match(code))
        };
        declares("class", &self.class) && declares("function", &self.method)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(spec: &str) -> (Option<String>, String, String) {
        let f = Filter::parse(spec).unwrap();
        (f.file.map(|r| r.as_str().to_string()), f.class, f.method)
    }

    #[test]
    fn reads_impts_syntax() {
        assert_eq!(
            parts("TestFile1:MyTestCase::testMe"),
            (Some("TestFile1".into()), "MyTestCase".into(), "testMe".into())
        );
        assert_eq!(parts(":MyTestCase::testMe"), (None, "MyTestCase".into(), "testMe".into()));
        assert_eq!(parts(":MyTestCase_1"), (None, "MyTestCase_1".into(), String::new()));
        assert_eq!(parts("TestFile2"), (Some("TestFile2".into()), String::new(), String::new()));
        assert_eq!(parts("::testMe_1"), (None, String::new(), "testMe_1".into()));
        assert_eq!(parts(r"tests\sub"), (Some("tests/sub".into()), String::new(), String::new()));
    }

    #[test]
    fn file_part_is_a_regex_and_bad_ones_are_reported() {
        let f = Filter::parse("sen.or:").unwrap();
        assert!(f.selects_file("tests/sensor.test.nut"));
        assert!(!f.selects_file("tests/flash.test.nut"));
        let err = Filter::parse("(oops:X").unwrap_err().to_string();
        assert!(err.starts_with("--tests \"(oops:X\": "), "{err}");
    }

    #[test]
    fn code_precheck() {
        let f = Filter::parse(":Sensor::testId").unwrap();
        assert!(f.may_match_code("class Sensor extends ImpTestCase { function testId() {} }"));
        assert!(!f.may_match_code("class SensorTest extends ImpTestCase { function testId() {} }"));
        assert!(!f.may_match_code("class Sensor extends ImpTestCase { function testIdle() {} }"));
    }
}
