//! Test databases on the machine's PostgreSQL server (127.0.0.1:5432, trust auth,
//! database `test`; `IMPISH_TEST_POSTGRES` names another): each test in a schema of its
//! own, so tests run in parallel, dropped when the test ends.

use impish_cloud::PostgresCloud;
use std::sync::atomic::{AtomicU32, Ordering};

pub fn url() -> String {
    std::env::var("IMPISH_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string())
}

/// A schema of this test's own; dropped (with what is in it) when dropped.
pub struct Schema(pub String);

impl Schema {
    pub fn fresh() -> Schema {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!("impish_test_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        Schema(name)
    }

    /// A cloud connection in this schema.
    pub fn connect(&self) -> PostgresCloud {
        match PostgresCloud::connect(&url(), Some(&self.0)) {
            Ok(cloud) => cloud,
            Err(e) => panic!("PostgreSQL at {} is needed for this test (CI starts it): {e}", url()),
        }
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&url(), postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS \"{}\" CASCADE", self.0));
        }
    }
}
