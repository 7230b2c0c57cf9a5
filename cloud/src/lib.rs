//! impish's kept impCentral: the `CloudBackend` trait of impish-factory over SQLite and
//! PostgreSQL, (in `server`) the impCentral v5 REST API over any backend, and (in
//! `devices`) the simulated devices behind it; (in `remote`) the `DeviceCloud` a line
//! uses to run against such a server over HTTP.
//!
//! The heavy dependencies (database drivers, the HTTP server) live here, so the VM, the
//! standard library and the imp runtime build without them.

pub mod credentials;
pub mod devices;
pub mod password;
pub mod postgres;
pub mod remote;
pub mod sql;
pub mod sqlite;
pub mod store;

pub use postgres::PostgresCloud;
pub use sqlite::SqliteCloud;
pub mod server;
