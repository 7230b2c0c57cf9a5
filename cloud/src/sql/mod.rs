//! impCentral kept in an SQL database: the rules once (`SqlCloud`), over a small
//! `Driver` that SQLite and PostgreSQL each implement.
//!
//! Statements are written once in the common subset of both dialects, with `$1`-style
//! parameters, BIGINT and TEXT columns only (booleans are 0/1), and `RETURNING`.

mod backend;
mod row;
mod schema;

pub use backend::{Delivery, QueuedWebhooks, SqlCloud, WebhookQueue};
pub use row::Row;

/// A parameter or a column value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Int(i64),
    Text(String),
    Null,
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}

impl From<u32> for Value {
    fn from(v: u32) -> Value {
        Value::Int(v.into())
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Int(v.into())
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.into())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// Why a statement failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another connection's transaction got in the way (a serialization failure, a
    /// deadlock, a busy database): the transaction is retried from the start.
    #[error("conflict with a concurrent transaction: {0}")]
    Conflict(String),
    #[error("{0}")]
    Failed(String),
}

/// One connection to a database.
pub trait Driver {
    /// The column type of a primary key the database numbers itself.
    const ID_COLUMN: &'static str;
    /// Runs a statement; the number of rows it changed.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, StoreError>;
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, StoreError>;
    /// Starts a transaction that sees and makes changes as if alone (serializable).
    fn begin(&mut self) -> Result<(), StoreError>;
    fn commit(&mut self) -> Result<(), StoreError>;
    fn rollback(&mut self) -> Result<(), StoreError>;
    /// Within a transaction: waits until no other connection is changing the schema.
    fn lock_schema(&mut self) -> Result<(), StoreError>;
}
