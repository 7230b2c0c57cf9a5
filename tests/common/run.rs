//! Running one Squirrel program through the built `impish`, with a time limit.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a finished run printed, and how it ended.
pub struct Run {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The exit code; `None` when a signal ended the process.
    pub code: Option<i32>,
}

/// Runs `impish ARGS FILE` in FILE's folder, naming the file without its folder, so
/// what it prints does not depend on where the checkout is; `Err` when it cannot start
/// or outlives `limit`.
pub fn run_file(args: &[&str], file: &Path, limit: Duration) -> Result<Run, String> {
    let dir = file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut child = Command::new(env!("CARGO_BIN_EXE_impish"))
        .current_dir(dir)
        .args(args)
        .arg(file.file_name().unwrap_or(file.as_os_str()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start impish: {e}"))?;
    let (mut out, mut err) = (child.stdout.take(), child.stderr.take());
    let readers = std::thread::spawn(move || {
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        if let Some(out) = out.as_mut() {
            let _ = out.read_to_end(&mut stdout);
        }
        if let Some(err) = err.as_mut() {
            let _ = err.read_to_end(&mut stderr);
        }
        (stdout, stderr)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("timed out after {}s", limit.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let (stdout, stderr) = readers.join().map_err(|_| "output reader failed".to_string())?;
    Ok(Run { stdout, stderr, code: status.code() })
}

/// Checks a run against `NAME.out` (stdout, byte for byte) and, when there is one,
/// `NAME.err` (its first line must appear in stderr).
pub fn check_expected(nut: &Path, run: &Run) -> Result<(), String> {
    let expected = std::fs::read(nut.with_extension("out")).map_err(|e| format!("no .out: {e}"))?;
    if run.stdout != expected {
        return Err(format!(
            "stdout differs\n--- expected\n{}\n--- got\n{}\n--- stderr\n{}",
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        ));
    }
    if let Ok(err_file) = std::fs::read_to_string(nut.with_extension("err")) {
        let wanted = err_file.lines().next().unwrap_or_default();
        if wanted.is_empty() || !String::from_utf8_lossy(&run.stderr).contains(wanted) {
            return Err(format!(
                "expected uncaught error {wanted:?}, stderr was:\n{}",
                String::from_utf8_lossy(&run.stderr)
            ));
        }
    }
    Ok(())
}
