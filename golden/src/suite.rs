//! A folder of programs: finding its cases, running them, judging them against their
//! expected files and the known failures, and the one report at the end.

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use crate::outputs::{ended, Bless, Mismatch, Outputs};

/// One folder of programs and the rules its test holds them to. See the crate docs.
pub struct Suite {
    dir: PathBuf,
    count: Count,
    known_failures: Option<PathBuf>,
    variant: Option<String>,
}

enum Count {
    AtLeast(usize),
    Exactly(usize),
}

/// One program of a suite: `NAME.nut` and the files beside it.
pub struct Case {
    name: String,
    path: PathBuf,
}

impl Case {
    /// The program's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The program's text.
    pub fn source(&self) -> Result<String, String> {
        std::fs::read_to_string(&self.path).map_err(|e| format!("cannot read {}: {e}", self.path.display()))
    }

    /// `NAME.EXT` beside the program.
    pub fn sibling(&self, ext: &str) -> PathBuf {
        self.path.with_extension(ext)
    }
}

/// How one case ended, before it is judged.
enum Ran {
    Printed(Outputs),
    Failed(String),
}

impl Suite {
    /// The programs `*.nut` in `dir`; by default there must be at least one.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into(), count: Count::AtLeast(1), known_failures: None, variant: None }
    }

    /// There must be at least `n` programs.
    pub fn at_least(mut self, n: usize) -> Self {
        self.count = Count::AtLeast(n);
        self
    }

    /// There must be exactly `n` programs (a program lost or added by mistake fails).
    pub fn exactly(mut self, n: usize) -> Self {
        self.count = Count::Exactly(n);
        self
    }

    /// The programs listed in `list` are known failures (see the crate docs).
    pub fn known_failures(mut self, list: impl Into<PathBuf>) -> Self {
        self.known_failures = Some(list.into());
        self
    }

    /// This run checks the files another test of the same folder owns, under another
    /// condition named `name` ("gc-stress"): it never blesses, and is skipped when
    /// blessing, since the plain run is rewriting those files meanwhile.
    pub fn variant(mut self, name: &str) -> Self {
        self.variant = Some(name.to_string());
        self
    }

    /// Runs every case through `runner` and judges it; panics at the end with every
    /// failure when there is one.
    pub fn run(self, runner: impl Fn(&Case) -> Result<Outputs, String>) {
        self.run_blessing(runner, crate::bless_requested());
    }

    /// [`Suite::run`], rewriting expected files when `bless`.
    fn run_blessing(self, runner: impl Fn(&Case) -> Result<Outputs, String>, bless: bool) {
        let label = match &self.variant {
            Some(variant) => format!("{} ({variant})", shown_path(&self.dir)),
            None => shown_path(&self.dir),
        };
        if bless && self.variant.is_some() {
            println!("{label}: skipped while blessing");
            return;
        }
        let cases = find_cases(&self.dir).unwrap_or_else(|why| panic!("{why}"));
        let known = match &self.known_failures {
            Some(list) => crate::known::read(list).unwrap_or_else(|why| panic!("{why}")),
            None => BTreeSet::new(),
        };
        let mut report = Report::default();
        for case in &cases {
            let known = self.known_failures.as_deref().filter(|_| known.contains(&case.name));
            report.judge(case, run_one(case, &runner), known, bless);
        }
        if let Some(list) = &self.known_failures {
            let strays: Vec<&str> =
                known.iter().map(String::as_str).filter(|name| !cases.iter().any(|c| c.name == *name)).collect();
            if !strays.is_empty() {
                report.failures.push(format!(
                    "{} lists {}, not programs of {label}: remove them\n",
                    shown_path(list),
                    strays.join(", ")
                ));
            }
        }
        match self.count {
            Count::Exactly(n) if cases.len() != n => {
                report.failures.push(format!("{label} should hold exactly {n} programs, found {}\n", cases.len()))
            }
            Count::AtLeast(n) if cases.len() < n => {
                report.failures.push(format!("{label} should hold at least {n} programs, found {}\n", cases.len()))
            }
            _ => {}
        }
        report.finish(&label, cases.len());
    }
}

/// The `*.nut` files of `dir`, sorted by name.
fn find_cases(dir: &Path) -> Result<Vec<Case>, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut cases: Vec<Case> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "nut"))
        .filter_map(|path| Some(Case { name: path.file_stem()?.to_str()?.to_string(), path }))
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(cases)
}

/// Runs one case; a panic of the runner is a failure of that case only. The cases run
/// one after another: the test harness already runs a binary's tests side by side, and
/// more programs at once would stretch each one's time toward its limit.
fn run_one(case: &Case, runner: &impl Fn(&Case) -> Result<Outputs, String>) -> Ran {
    match catch_unwind(AssertUnwindSafe(|| runner(case))) {
        Ok(Ok(outputs)) => Ran::Printed(outputs),
        Ok(Err(why)) => Ran::Failed(why),
        Err(panic) => Ran::Failed(format!("the runner panicked: {}", panic_message(&*panic))),
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    match (panic.downcast_ref::<&str>(), panic.downcast_ref::<String>()) {
        (Some(text), _) => text.to_string(),
        (_, Some(text)) => text.clone(),
        _ => "(no message)".to_string(),
    }
}

/// The verdicts so far.
#[derive(Default)]
struct Report {
    failures: Vec<String>,
    known: usize,
    blessed: Vec<String>,
    /// Whether some failure is one that blessing would fix.
    blessable: bool,
}

impl Report {
    /// Judges one case; `known` is the list that names it as a known failure, if one does.
    fn judge(&mut self, case: &Case, ran: Ran, known: Option<&Path>, bless: bool) {
        let path = shown_path(&case.path);
        let outputs = match ran {
            Ran::Failed(_) if known.is_some() => return self.known += 1,
            Ran::Failed(why) => return self.failures.push(ended(&format!("FAIL {path}: {why}"))),
            Ran::Printed(outputs) => outputs,
        };
        let mismatches = outputs.mismatches(case);
        if let Some(list) = known {
            match mismatches.is_empty() {
                true => self.failures.push(format!(
                    "FAIL {path}: passes, but {} lists it as a known failure: remove it\n",
                    shown_path(list)
                )),
                false => self.known += 1,
            }
        } else if !mismatches.is_empty() && bless {
            mismatches.iter().for_each(|m| self.bless(m));
        } else if !mismatches.is_empty() {
            let explained: String = mismatches.iter().map(|m| ended(&m.explanation)).collect();
            self.failures.push(format!("FAIL {path}: {explained}{}", outputs.shown()));
            self.blessable = true;
        }
    }

    fn bless(&mut self, mismatch: &Mismatch) {
        let path = shown_path(&mismatch.file);
        let done = match &mismatch.bless {
            Bless::Write(bytes) => std::fs::write(&mismatch.file, bytes),
            Bless::Remove => std::fs::remove_file(&mismatch.file),
        };
        match done {
            Ok(()) => self.blessed.push(path),
            Err(e) => self.failures.push(format!("FAIL cannot bless {path}: {e}\n")),
        }
    }

    /// Prints the tally; panics with every failure when there is one.
    fn finish(self, label: &str, programs: usize) {
        for path in &self.blessed {
            println!("blessed {path}");
        }
        println!(
            "{label}: {programs} programs; failures: {}, known failures: {}, files blessed: {}",
            self.failures.len(),
            self.known,
            self.blessed.len()
        );
        if !self.failures.is_empty() {
            let hint = match self.blessable {
                true => "\n\nIf the new output is right, IMPISH_BLESS=1 rewrites the expected files from it.",
                false => "",
            };
            panic!(
                "{label}: {programs} programs; failures: {}\n\n{}{hint}",
                self.failures.len(),
                self.failures.join("\n")
            );
        }
    }
}

/// `path` relative to the current folder (a test runs in its package's folder) when it
/// is inside it, so reports name files as a developer would.
fn shown_path(path: &Path) -> String {
    let relative = std::env::current_dir().ok().and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf));
    relative.unwrap_or_else(|| path.to_path_buf()).display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch folder of programs: `(file name, text)`; removed when dropped.
    struct Folder(PathBuf);

    impl Folder {
        fn new(name: &str, files: &[(&str, &str)]) -> Self {
            let dir = std::env::temp_dir().join(format!("impish-golden-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).expect("scratch folder");
            for (file, text) in files {
                std::fs::write(dir.join(file), text).expect("scratch file");
            }
            Folder(dir)
        }

        fn read(&self, file: &str) -> Option<String> {
            std::fs::read_to_string(self.0.join(file)).ok()
        }
    }

    impl Drop for Folder {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    /// A runner that "prints" each program's text on stdout, and `err: LINE` lines of it
    /// on stderr; a program `panic` panics, and one `fail` fails to run.
    fn echo(case: &Case) -> Result<Outputs, String> {
        let source = case.source()?;
        match source.trim() {
            "panic" => panic!("the runner broke"),
            "fail" => Err("it did not run".to_string()),
            _ => {
                let stderr: String = source.lines().filter_map(|l| l.strip_prefix("err: ")).collect();
                Ok(Outputs::new().whole("out", source.clone()).line("err", "stderr", stderr))
            }
        }
    }

    /// The report `suite` panics with, or `None` when it passes.
    fn failure(suite: Suite, bless: bool) -> Option<String> {
        let run = catch_unwind(AssertUnwindSafe(|| suite.run_blessing(echo, bless)));
        run.err().map(|panic| panic_message(&*panic))
    }

    #[test]
    fn every_failure_is_reported_at_once_with_a_unified_diff() {
        let folder = Folder::new(
            "report",
            &[
                ("a.nut", "one\ntwo\n"),
                ("a.out", "one\n2\n"),
                ("b.nut", "fail"),
                ("c.nut", "panic"),
                ("d.nut", "err: bad thing\n"),
                ("d.out", "err: bad thing\n"),
                ("d.err", "other thing\n"),
                ("e.nut", "same\n"),
                ("e.out", "same\n"),
            ],
        );
        let report = failure(Suite::new(&folder.0), false).expect("fails");
        assert!(report.contains("failures: 4"), "{report}");
        assert!(
            report.contains("a.out differs\n--- a.out (expected)\n+++ a.out (got)\n@@ -1,2 +1,2 @@\n one\n-2\n+two\n")
        );
        assert!(report.contains("b.nut: it did not run"), "{report}");
        assert!(report.contains("c.nut: the runner panicked: the runner broke"), "{report}");
        assert!(report.contains("d.err: stderr does not contain \"other thing\"\nstderr of the run:\nbad thing"));
        assert!(!report.contains("e.nut"), "{report}");
    }

    #[test]
    fn a_long_diff_is_cut() {
        let (got, expected): (String, String) = (0..300).map(|i| (format!("{i}\n"), format!("{i}!\n"))).unzip();
        let folder = Folder::new("long", &[("long.nut", &got), ("long.out", &expected)]);
        let report = failure(Suite::new(&folder.0), false).expect("fails");
        assert!(report.contains("\n-0!\n") && report.contains("\n... 403 more lines\n"), "{report}");
    }

    #[test]
    fn blessing_rewrites_what_changed_and_nothing_from_a_failed_run() {
        let folder = Folder::new(
            "bless",
            &[
                ("a.nut", "new\n"),
                ("a.out", "old\n"),
                ("b.nut", "fail"),
                ("new.nut", "err: boom\n"),
                ("kept.nut", "err: a long message\n"),
                ("kept.out", "err: a long message\n"),
                ("kept.err", "long\n"),
                ("stale.nut", "fine\n"),
                ("stale.out", "fine\n"),
                ("stale.err", "gone\n"),
            ],
        );
        let report = failure(Suite::new(&folder.0), true).expect("the failed run still fails");
        assert!(report.contains("failures: 1") && report.contains("b.nut: it did not run"), "{report}");
        assert!(!report.contains("IMPISH_BLESS"), "blessing cannot fix a failed run: {report}");
        assert_eq!(folder.read("a.out").as_deref(), Some("new\n"));
        assert_eq!(folder.read("b.out"), None);
        assert_eq!(folder.read("new.out").as_deref(), Some("err: boom\n"));
        assert_eq!(folder.read("new.err").as_deref(), Some("boom\n"));
        assert_eq!(folder.read("kept.err").as_deref(), Some("long\n"), "a line that still matches stays");
        assert_eq!(folder.read("stale.err"), None, "the run printed no error line");
    }

    #[test]
    fn known_failures_may_fail_but_not_pass_and_must_be_programs() {
        let folder = Folder::new(
            "known",
            &[
                ("gaps.txt", "# comment\nbroken: not yet\nfixed: was broken\nghost\n[deliberate]\nnot_a_name: ok\n"),
                ("broken.nut", "right\n"),
                ("broken.out", "wrong\n"),
                ("fixed.nut", "right\n"),
                ("fixed.out", "right\n"),
            ],
        );
        let suite = || Suite::new(&folder.0).known_failures(folder.0.join("gaps.txt"));
        let report = failure(suite(), false).expect("fails");
        assert!(report.contains("failures: 2"), "{report}");
        assert!(report.contains("fixed.nut: passes, but"), "{report}");
        assert!(report.contains("lists ghost, not programs of"), "{report}");
        failure(suite(), true);
        assert_eq!(folder.read("broken.out").as_deref(), Some("wrong\n"), "a known failure is never blessed");
    }

    #[test]
    fn the_count_of_programs_is_checked_and_a_variant_never_blesses() {
        let folder = Folder::new("count", &[("a.nut", "x"), ("a.out", "y")]);
        let report = failure(Suite::new(&folder.0).exactly(2).variant("stress"), false).expect("fails");
        assert!(report.contains("should hold exactly 2 programs, found 1"), "{report}");
        assert!(report.contains("count (stress)"), "{report}");
        assert_eq!(failure(Suite::new(&folder.0).at_least(1).variant("stress"), true), None);
        assert_eq!(folder.read("a.out").as_deref(), Some("y"));
        let empty = Folder::new("empty", &[]);
        assert!(failure(Suite::new(&empty.0), false).is_some_and(|r| r.contains("at least 1 programs, found 0")));
    }
}
