//! impish's kept impCentral: the `CloudBackend` trait of impish-factory over SQLite and
//! PostgreSQL, and (in `server`) the impCentral v5 REST API over any backend.
//!
//! The heavy dependencies (database drivers, the HTTP server) live here, so the VM, the
//! standard library and the imp runtime build without them.

pub mod password;
pub mod postgres;
pub mod sql;
pub mod sqlite;
pub mod store;

pub use postgres::PostgresCloud;
pub use sqlite::SqliteCloud;
pub mod server;
