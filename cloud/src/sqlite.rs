//! The embedded store: one SQLite file, in WAL mode with full syncs, so a change is on
//! disk when its call returns and `kill -9` at any moment loses nothing acknowledged.
//! Several processes may share the file: each change takes the write lock at its start
//! (`BEGIN IMMEDIATE`), and a busy database is waited for.

use crate::sql::{Driver, Row, SqlCloud, StoreError, Value};
use impish_factory::cloud::CloudError;
use rusqlite::{types::ValueRef, Connection, ErrorCode};
use std::path::Path;
use std::time::Duration;

/// A cloud kept in a SQLite file.
pub type SqliteCloud = SqlCloud<SqliteDriver>;

/// How long a change waits for another process's transaction.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

pub struct SqliteDriver {
    connection: Connection,
}

impl SqliteCloud {
    /// Opens (creating it if need be) the cloud kept in `path`.
    pub fn open_file(path: &Path) -> Result<SqliteCloud, CloudError> {
        let storage = |e: rusqlite::Error| CloudError::Storage(format!("{}: {e}", path.display()));
        let connection = Connection::open(path).map_err(storage)?;
        connection.busy_timeout(BUSY_TIMEOUT).map_err(storage)?;
        connection.pragma_update(None, "journal_mode", "WAL").map_err(storage)?;
        connection.pragma_update(None, "synchronous", "FULL").map_err(storage)?;
        SqlCloud::open(SqliteDriver { connection })
    }
}

fn store_error(e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked | ErrorCode::ConstraintViolation) => {
            StoreError::Conflict(e.to_string())
        }
        _ => StoreError::Failed(e.to_string()),
    }
}

/// `$1`-style parameters as SQLite's numbered `?1`.
fn dialect(sql: &str) -> String {
    sql.replace('$', "?")
}

fn params(values: &[Value]) -> Vec<rusqlite::types::Value> {
    values
        .iter()
        .map(|v| match v {
            Value::Int(i) => rusqlite::types::Value::Integer(*i),
            Value::Text(t) => rusqlite::types::Value::Text(t.clone()),
            Value::Null => rusqlite::types::Value::Null,
        })
        .collect()
}

fn value(v: ValueRef<'_>) -> Result<Value, StoreError> {
    match v {
        ValueRef::Null => Ok(Value::Null),
        ValueRef::Integer(i) => Ok(Value::Int(i)),
        ValueRef::Text(t) => Ok(Value::Text(String::from_utf8_lossy(t).into_owned())),
        ValueRef::Real(_) | ValueRef::Blob(_) => Err(StoreError::Failed("a column of an unexpected type".into())),
    }
}

impl Driver for SqliteDriver {
    const ID_COLUMN: &'static str = "INTEGER PRIMARY KEY";

    fn execute(&mut self, sql: &str, values: &[Value]) -> Result<u64, StoreError> {
        let mut statement = self.connection.prepare_cached(&dialect(sql)).map_err(store_error)?;
        let changed = statement.execute(rusqlite::params_from_iter(params(values))).map_err(store_error)?;
        Ok(changed as u64)
    }

    fn query(&mut self, sql: &str, values: &[Value]) -> Result<Vec<Row>, StoreError> {
        let mut statement = self.connection.prepare_cached(&dialect(sql)).map_err(store_error)?;
        let columns = statement.column_count();
        let mut rows = statement.query(rusqlite::params_from_iter(params(values))).map_err(store_error)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(store_error)? {
            let row = (0..columns).map(|i| row.get_ref(i).map_err(store_error).and_then(value));
            out.push(Row(row.collect::<Result<_, _>>()?));
        }
        Ok(out)
    }

    fn begin(&mut self) -> Result<(), StoreError> {
        self.connection.execute_batch("BEGIN IMMEDIATE").map_err(store_error)
    }

    fn commit(&mut self) -> Result<(), StoreError> {
        self.connection.execute_batch("COMMIT").map_err(store_error)
    }

    fn rollback(&mut self) -> Result<(), StoreError> {
        self.connection.execute_batch("ROLLBACK").map_err(store_error)
    }

    fn lock_schema(&mut self) -> Result<(), StoreError> {
        // BEGIN IMMEDIATE already holds the database's only write lock.
        Ok(())
    }
}
