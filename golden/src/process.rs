//! Running a program as a child process with a time limit, for runners that go through
//! a built executable rather than an in-process VM.

use std::io::Read;
use std::process::{Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What a finished process printed, and how it ended.
pub struct Finished {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The exit code; `None` when a signal ended the process.
    pub code: Option<i32>,
}

/// Runs `command` with no standard input, collecting stdout and stderr; `Err` when it
/// cannot start or outlives `limit` (then it is killed).
pub fn run(mut command: Command, limit: Duration) -> Result<Finished, String> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", command.get_program().to_string_lossy()))?;
    // Both pipes are drained at once, so a child that fills one cannot block on it.
    let (stdout, stderr) = (drain(child.stdout.take()), drain(child.stderr.take()));
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
    let joined = |reader: JoinHandle<Vec<u8>>| reader.join().map_err(|_| "an output reader failed".to_string());
    Ok(Finished { stdout: joined(stdout)?, stderr: joined(stderr)?, code: status.code() })
}

/// Reads `pipe` to its end on a thread of its own.
fn drain(pipe: Option<impl Read + Send + 'static>) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}
