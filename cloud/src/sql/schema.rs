//! The schema and its migrations: `schema_version` holds how many of `MIGRATIONS` a
//! database has had; opening a store applies the rest, each in a transaction.

use super::{Driver, StoreError, Value};

/// Each entry one migration, in order; `{ID}` is the driver's self-numbering key.
/// Never edit an applied migration: append a new one.
const MIGRATIONS: &[&str] = &[
    r"
CREATE TABLE accounts (
    id {ID}, name TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL, unbond_key TEXT NOT NULL);
CREATE TABLE products (
    id {ID}, account BIGINT NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL);
CREATE TABLE device_groups (
    id {ID}, product BIGINT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,
    description TEXT NOT NULL, load_code_after_blessing BIGINT NOT NULL,
    dut_target BIGINT, production_target BIGINT,
    current_deployment BIGINT, min_supported_deployment BIGINT,
    UNIQUE (product, name));
CREATE TABLE deployments (
    id {ID}, device_group BIGINT NOT NULL, device_code TEXT NOT NULL, agent_code TEXT NOT NULL,
    tags TEXT NOT NULL, flagged BIGINT NOT NULL, origin TEXT NOT NULL,
    description TEXT NOT NULL, sha TEXT NOT NULL, created_at BIGINT NOT NULL);
CREATE INDEX deployments_by_group ON deployments (device_group, id);
CREATE TABLE devices (
    id TEXT PRIMARY KEY, mac TEXT NOT NULL, imp_type TEXT NOT NULL, name TEXT NOT NULL,
    account BIGINT, agent_url TEXT NOT NULL, device_group BIGINT,
    blessed BIGINT NOT NULL, fixture TEXT, enrolled_at BIGINT);
CREATE INDEX devices_by_group ON devices (device_group);
CREATE TABLE webhooks (
    id {ID}, device_group BIGINT NOT NULL, event TEXT NOT NULL, url TEXT NOT NULL,
    content_type TEXT NOT NULL);
CREATE TABLE enrolment_tokens (
    token TEXT PRIMARY KEY, fixture TEXT NOT NULL, factory_group BIGINT NOT NULL, used_by TEXT);
CREATE TABLE events (id {ID}, at BIGINT NOT NULL, what TEXT NOT NULL);
CREATE TABLE logs (
    id {ID}, at BIGINT NOT NULL, device TEXT NOT NULL, kind TEXT NOT NULL, message TEXT NOT NULL);
CREATE INDEX logs_by_device ON logs (device, id);
",
    r"
CREATE TABLE credentials (
    token TEXT PRIMARY KEY, account BIGINT NOT NULL, kind TEXT NOT NULL, description TEXT NOT NULL);
CREATE INDEX credentials_by_account ON credentials (account, kind);
",
    // The outbox: webhooks fired by committed changes and not yet delivered, written in
    // the change's transaction so a crash loses none (`SqlCloud::deliver_outbox`).
    r"
CREATE TABLE outbox (
    id {ID}, webhook BIGINT NOT NULL, device_group BIGINT NOT NULL, event TEXT NOT NULL,
    url TEXT NOT NULL, content_type TEXT NOT NULL, payload TEXT NOT NULL, at BIGINT NOT NULL);
",
];

/// Brings the database's schema up to date.
pub fn migrate<D: Driver>(db: &mut D) -> Result<(), StoreError> {
    db.begin()?;
    let result = migrate_in_transaction(db);
    match result {
        Ok(()) => db.commit(),
        Err(e) => {
            let _ = db.rollback();
            Err(e)
        }
    }
}

fn migrate_in_transaction<D: Driver>(db: &mut D) -> Result<(), StoreError> {
    db.lock_schema()?;
    db.execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)", &[])?;
    let rows = db.query("SELECT version FROM schema_version", &[])?;
    let applied = match rows.first().map(|r| r.0.first()) {
        None => {
            db.execute("INSERT INTO schema_version (version) VALUES (0)", &[])?;
            0
        }
        Some(Some(Value::Int(v))) => usize::try_from(*v).unwrap_or(usize::MAX),
        Some(_) => return Err(StoreError::Failed("schema_version is not a number".into())),
    };
    if applied > MIGRATIONS.len() {
        return Err(StoreError::Failed(format!(
            "the database's schema (version {applied}) is newer than this impish's ({})",
            MIGRATIONS.len()
        )));
    }
    for migration in &MIGRATIONS[applied..] {
        for statement in migration.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            db.execute(&statement.replace("{ID}", D::ID_COLUMN), &[])?;
        }
    }
    db.execute("UPDATE schema_version SET version = $1", &[Value::Int(MIGRATIONS.len() as i64)])?;
    Ok(())
}
