//! What a `--db` names, and the administration `impish cloud` does on it directly:
//! adding accounts and devices.

use crate::credentials::Credentials;
use crate::password;
use crate::sql::{Delivery, WebhookQueue};
use crate::{PostgresCloud, SqliteCloud};
use impish_factory::cloud::*;
use impish_factory::imp::identity::{Identity, ImpType};
use rand_core::{OsRng, RngCore};
use std::path::Path;

/// The store a `--db` names: `sqlite:PATH` or `postgres://...` (`postgresql://` too);
/// fired webhooks are delivered as `delivery` says, if given.
pub fn open(db: &str, delivery: Option<Delivery>) -> Result<Box<dyn CloudBackend>, CloudError> {
    Ok(match connect(db)? {
        Store::Sqlite(mut cloud) => {
            cloud.deliver_webhooks(delivery);
            Box::new(cloud)
        }
        Store::Postgres(mut cloud) => {
            cloud.deliver_webhooks(delivery);
            Box::new(cloud)
        }
    })
}

/// Starts a webhook delivery thread on a store connection of its own to `db`, posting the
/// outbox's webhooks (those still there from a stopped server first) through the sink
/// `sink` makes there; the queue that wakes it, to give the store connections
/// (`Delivery::Queued`).
pub fn webhook_queue(
    db: &str,
    sink: impl FnOnce() -> Box<dyn WebhookSink> + Send + 'static,
) -> Result<WebhookQueue, CloudError> {
    let (queue, queued) = WebhookQueue::new();
    let (opened, open) = std::sync::mpsc::sync_channel(1);
    let db = db.to_string();
    std::thread::spawn(move || {
        let store = connect(&db);
        // (A `CloudError` may hold a device id, which stays on its thread.)
        let _ = opened.send(store.as_ref().map(|_| ()).map_err(ToString::to_string));
        match store {
            Ok(Store::Sqlite(cloud)) => cloud.deliver_outbox(sink(), queued),
            Ok(Store::Postgres(cloud)) => cloud.deliver_outbox(sink(), queued),
            Err(_) => {}
        }
    });
    let opened = open.recv().map_err(|_| CloudError::Storage("the webhook delivery thread ended".into()))?;
    opened.map(|()| queue).map_err(CloudError::Storage)
}

/// A connection to one of the stores.
enum Store {
    Sqlite(SqliteCloud),
    Postgres(PostgresCloud),
}

fn connect(db: &str) -> Result<Store, CloudError> {
    if let Some(path) = db.strip_prefix("sqlite:") {
        return SqliteCloud::open_file(Path::new(path)).map(Store::Sqlite);
    }
    if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        return PostgresCloud::connect(db, None).map(Store::Postgres);
    }
    Err(CloudError::Storage(format!("--db {db:?}: expected sqlite:PATH or postgres://USER@HOST:PORT/DATABASE")))
}

/// A random key (32 hex digits), for unbond keys.
pub fn random_key() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Creates an account that logs in with `password`.
pub fn add_account(
    cloud: &mut dyn CloudBackend,
    name: &str,
    password: &str,
    unbond_key: &str,
) -> Result<AccountId, CloudError> {
    let password_hash = password::hash(password).map_err(CloudError::Storage)?;
    cloud.create_account(NewAccount { name: name.into(), password_hash, unbond_key: unbond_key.into() })
}

/// A new imp of `imp_type` with a random Electric Imp MAC, in `account` (as BlinkUp from
/// the mobile app puts it there) or in none; its device id.
pub fn add_device(
    cloud: &mut dyn CloudBackend,
    imp_type: ImpType,
    name: Option<&str>,
    account: Option<AccountId>,
) -> Result<DeviceId, CloudError> {
    let mac = 0x0c2a_6900_0000 | (OsRng.next_u64() & 0xff_ffff);
    let identity = Identity::from_mac(imp_type, mac);
    let id = DeviceId::new(&identity.device_id);
    let name = name.map_or_else(|| identity.device_id.clone(), str::to_string);
    let device =
        NewDevice { id: id.clone(), mac: identity.mac().into(), imp_type: imp_type.name().into(), name, account };
    cloud.register_device(device)?;
    Ok(id)
}

/// The account impt's credentials name (see `Credentials`).
pub fn account_from_impt_env(cloud: &dyn CloudBackend) -> Result<AccountId, String> {
    match Credentials::from_impt_env()? {
        Credentials::Password { user, password } => match cloud.account_named(&user).map_err(|e| e.to_string())? {
            Some(account) if password::matches(&password, &account.password_hash) => Ok(account.id),
            _ => Err("IMPT_USER and IMPT_PASSWORD: wrong user or password".into()),
        },
        Credentials::LoginKey(key) => match cloud.credential(&key).map_err(|e| e.to_string())? {
            Some(c) if c.kind == CredentialKind::LoginKey => Ok(c.account),
            _ => Err("IMPT_LOGINKEY: no such login key".into()),
        },
    }
}

/// The account's device group named `name`.
pub fn group_named(cloud: &dyn CloudBackend, account: AccountId, name: &str) -> Result<GroupId, String> {
    let products = cloud.products(account).map_err(|e| e.to_string())?;
    for product in products {
        let groups = cloud.groups(product.id).map_err(|e| e.to_string())?;
        if let Some(g) = groups.into_iter().find(|g| g.name == name) {
            return Ok(g.id);
        }
    }
    Err(format!("the account has no device group named {name:?}"))
}
