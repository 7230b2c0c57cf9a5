//! A running `impish cloud serve` for the tests that drive it over HTTP.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A running `impish cloud serve`, killed with SIGKILL when dropped.
pub struct Serve {
    child: Child,
    /// `http://ADDRESS/v5`, as the server announced it.
    pub endpoint: String,
}

impl Serve {
    pub fn start(db: &str, token_lifetime: u64) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_impish"))
            .args(["cloud", "serve", "--db", db, "--listen", "127.0.0.1:0"])
            .args(["--token-lifetime", &token_lifetime.to_string()])
            .stderr(Stdio::piped())
            .spawn()
            .expect("impish cloud serve");
        let mut first = String::new();
        let stderr = child.stderr.take().expect("stderr");
        BufReader::new(stderr).read_line(&mut first).expect("the server's first line");
        let endpoint = first.split("http://").nth(1).and_then(|s| s.split_whitespace().next());
        let endpoint = format!("http://{}", endpoint.unwrap_or_else(|| panic!("no endpoint in {first:?}")));
        Serve { child, endpoint }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
