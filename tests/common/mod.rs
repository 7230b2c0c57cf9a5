//! What the command-line tests share: running the built `impish`, and scratch files.

#[allow(dead_code)] // not every test file runs programs
pub mod run;

use std::process::Command;

/// Runs `impish ARGS`: exit code, stdout, stderr.
#[allow(dead_code)] // the program runners use `run` instead
pub fn impish(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_impish")).args(args).output().expect("impish runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Writes `text` to `name` (which may name subfolders) in this test process's scratch
/// folder; returns its path.
#[allow(dead_code)] // not every test file writes scratch files
pub fn scratch(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("impish-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().expect("a folder")).expect("folder");
    std::fs::write(&path, text).expect("write file");
    path.display().to_string()
}
