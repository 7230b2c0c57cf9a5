//! The reference interpreter `sq`, one process per program.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::exec::Outcome;

/// Where the program is written for `sq`, and how long `sq` may take.
pub struct Reference {
    pub sq: PathBuf,
    dir: PathBuf,
    timeout: Duration,
}

/// The name both interpreters compile the program under (it appears in compile errors).
pub const CASE_FILE: &str = "case.nut";

impl Reference {
    /// A reference in a private scratch folder (one per process).
    pub fn new(sq: PathBuf, timeout: Duration) -> std::io::Result<Reference> {
        let dir = std::env::temp_dir().join(format!("impish-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        Ok(Reference { sq, dir, timeout })
    }

    /// `sq`'s output for `source`; `None` when it did not finish normally (a crash or a
    /// timeout: then it is no oracle for this program).
    pub fn run(&self, source: &str) -> Option<Outcome> {
        std::fs::write(self.dir.join(CASE_FILE), source).ok()?;
        run_with_timeout(Command::new(&self.sq).arg(CASE_FILE).current_dir(&self.dir), self.timeout)
            .and_then(|(status, o)| Some(Outcome { status: status.code()?, ..o }))
    }
}

impl Drop for Reference {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs `cmd` with its stdout and stderr captured; `None` on a timeout (the process is
/// killed).
pub fn run_with_timeout(cmd: &mut Command, timeout: Duration) -> Option<(ExitStatus, Outcome)> {
    let mut child = cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().ok()?;
    let mut err = child.stderr.take()?;
    let errors = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err.read_to_end(&mut buf);
        buf
    });
    let mut out = child.stdout.take()?;
    let started = Instant::now();
    let outputs = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out.read_to_end(&mut buf);
        buf
    });
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status;
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_micros(200));
    };
    let stdout = outputs.join().unwrap_or_default();
    let stderr = errors.join().unwrap_or_default();
    Some((status, Outcome { stdout, stderr, ..Outcome::default() }))
}

/// The `sq` given by `--sq`, or else `$SQ`.
pub fn locate(flag: Option<&Path>) -> Option<PathBuf> {
    flag.map(Path::to_path_buf).or_else(|| std::env::var_os("SQ").map(PathBuf::from))
}
