//! The shared store: a PostgreSQL database, for a factory whose lines run on several
//! hosts against one cloud. Each change is a SERIALIZABLE transaction; one that a
//! concurrent change got in the way of fails with a serialization failure and is retried
//! whole, so two lines blessing into one production group lose nothing and never bless
//! a unit twice.

use crate::sql::{Driver, Row, SqlCloud, StoreError, Value};
use impish_factory::cloud::CloudError;
use postgres::error::SqlState;
use postgres::types::{to_sql_checked, IsNull, ToSql, Type};
use postgres::{Client, NoTls};

/// A cloud kept in a PostgreSQL database.
pub type PostgresCloud = SqlCloud<PostgresDriver>;

pub struct PostgresDriver {
    client: Client,
}

impl PostgresCloud {
    /// Connects to `url` (`postgres://user@host:port/database`, plain TCP: the cloud's
    /// database is on the factory's own network) and keeps the cloud in `schema`, or in
    /// the connection's default schema.
    pub fn connect(url: &str, schema: Option<&str>) -> Result<PostgresCloud, CloudError> {
        let storage = |e: postgres::Error| CloudError::Storage(format!("{url}: {e}"));
        let mut client = Client::connect(url, NoTls).map_err(storage)?;
        if let Some(schema) = schema {
            let quoted = format!("\"{}\"", schema.replace('"', "\"\""));
            client
                .batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {quoted}; SET search_path TO {quoted}"))
                .map_err(storage)?;
        }
        SqlCloud::open(PostgresDriver { client })
    }
}

fn store_error(e: postgres::Error) -> StoreError {
    let conflicts = [SqlState::T_R_SERIALIZATION_FAILURE, SqlState::T_R_DEADLOCK_DETECTED, SqlState::UNIQUE_VIOLATION];
    // The server's own message, not just "db error".
    let message = e.as_db_error().map_or_else(|| e.to_string(), ToString::to_string);
    match e.code() {
        Some(code) if conflicts.contains(code) => StoreError::Conflict(message),
        _ => StoreError::Failed(message),
    }
}

impl ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut bytes::BytesMut) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Int(i) => i.to_sql(ty, out),
            Value::Text(t) => t.to_sql(ty, out),
            Value::Null => Ok(IsNull::Yes),
        }
    }

    /// Every column is BIGINT or TEXT, as the statements' parameters are.
    fn accepts(ty: &Type) -> bool {
        matches!(*ty, Type::INT8 | Type::TEXT | Type::VARCHAR)
    }

    to_sql_checked!();
}

fn row(row: &postgres::Row) -> Result<Row, StoreError> {
    let value = |i: usize| -> Result<Value, postgres::Error> {
        Ok(match *row.columns()[i].type_() {
            Type::INT8 => row.try_get::<_, Option<i64>>(i)?.map_or(Value::Null, Value::Int),
            Type::INT4 => row.try_get::<_, Option<i32>>(i)?.map_or(Value::Null, |v| Value::Int(v.into())),
            _ => row.try_get::<_, Option<String>>(i)?.map_or(Value::Null, Value::Text),
        })
    };
    (0..row.len()).map(|i| value(i).map_err(store_error)).collect::<Result<_, _>>().map(Row)
}

fn params(values: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
    values.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
}

impl Driver for PostgresDriver {
    const ID_COLUMN: &'static str = "BIGSERIAL PRIMARY KEY";

    fn execute(&mut self, sql: &str, values: &[Value]) -> Result<u64, StoreError> {
        self.client.execute(sql, &params(values)).map_err(store_error)
    }

    fn query(&mut self, sql: &str, values: &[Value]) -> Result<Vec<Row>, StoreError> {
        self.client.query(sql, &params(values)).map_err(store_error)?.iter().map(row).collect()
    }

    fn begin(&mut self) -> Result<(), StoreError> {
        self.client.batch_execute("BEGIN ISOLATION LEVEL SERIALIZABLE").map_err(store_error)
    }

    fn commit(&mut self) -> Result<(), StoreError> {
        self.client.batch_execute("COMMIT").map_err(store_error)
    }

    fn rollback(&mut self) -> Result<(), StoreError> {
        self.client.batch_execute("ROLLBACK").map_err(store_error)
    }

    fn lock_schema(&mut self) -> Result<(), StoreError> {
        // Held to the end of the transaction: one connection migrates at a time.
        self.client.batch_execute("SELECT pg_advisory_xact_lock(7426373)").map_err(store_error)
    }
}
