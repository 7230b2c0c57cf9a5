//! A running `impish cloud serve` for the tests that drive it over HTTP.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A running `impish cloud serve`, killed with SIGKILL when dropped.
pub struct Serve {
    child: Child,
    /// `http://ADDRESS/v5`, as the server announced it.
    pub endpoint: String,
    db: String,
    token_lifetime: u64,
}

/// Starts a server on `db` listening on `listen`; it and its endpoint.
fn spawn(db: &str, listen: &str, token_lifetime: u64) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_impish"))
        .args(["cloud", "serve", "--db", db, "--listen", listen])
        .args(["--token-lifetime", &token_lifetime.to_string()])
        .stderr(Stdio::piped())
        .spawn()
        .expect("impish cloud serve");
    let mut first = String::new();
    let stderr = child.stderr.take().expect("stderr");
    BufReader::new(stderr).read_line(&mut first).expect("the server's first line");
    let endpoint = first.split("http://").nth(1).and_then(|s| s.split_whitespace().next());
    let endpoint = format!("http://{}", endpoint.unwrap_or_else(|| panic!("no endpoint in {first:?}")));
    (child, endpoint)
}

#[allow(dead_code)] // not every test restarts its server
impl Serve {
    pub fn start(db: &str, token_lifetime: u64) -> Serve {
        let (child, endpoint) = spawn(db, "127.0.0.1:0", token_lifetime);
        Serve { child, endpoint, db: db.into(), token_lifetime }
    }

    /// Kills the server with SIGKILL (nothing it has not acknowledged is kept).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts it again on the same database and address.
    pub fn restart(&mut self) {
        let address = self.endpoint.trim_start_matches("http://").trim_end_matches("/v5").to_string();
        let (child, endpoint) = spawn(&self.db, &address, self.token_lifetime);
        assert_eq!(endpoint, self.endpoint, "the server is back at the same address");
        self.child = child;
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        self.kill();
    }
}
