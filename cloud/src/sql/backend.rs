//! `SqlCloud`: impCentral's rules over a database, each change one transaction, retried
//! when a concurrent one got in its way, so several lines (processes or hosts) can
//! share one cloud: a unit is blessed once, and nothing acknowledged is lost.

use super::row::{nanos, Row};
use super::schema::migrate;
use super::{Driver, StoreError, Value};
use impish_factory::cloud::rules::*;
use impish_factory::cloud::*;
use std::cell::RefCell;
use std::sync::mpsc::{channel, Receiver, Sender, TryRecvError};
use std::time::Duration;

/// How often a transaction is retried after conflicts before the request fails.
const ATTEMPTS: u32 = 50;

/// The first and the longest wait before a webhook whose receiver could not be reached
/// (or whose delivery could not be recorded) is posted again; each wait doubles.
const FIRST_RETRY: Duration = Duration::from_millis(100);
const LAST_RETRY: Duration = Duration::from_secs(30);

pub struct SqlCloud<D: Driver> {
    db: RefCell<D>,
    delivery: Option<Delivery>,
}

/// How a store connection delivers the webhooks that fire (none: only recorded).
pub enum Delivery {
    /// Posted through the sink by the change that fired them, once it committed.
    Now(Box<dyn WebhookSink>),
    /// Written to the outbox in the change's own transaction, for a delivery thread
    /// (`store::webhook_queue`, `SqlCloud::deliver_outbox`) woken once it committed: the
    /// change is answered without waiting for the receivers, as impCentral does, and a
    /// webhook a crash left undelivered is delivered when the server starts again.
    Queued(WebhookQueue),
}

/// How store connections wake the delivery thread after committing webhooks to the outbox.
#[derive(Clone)]
pub struct WebhookQueue(Sender<()>);

/// The delivery thread's end of a `WebhookQueue`.
pub struct QueuedWebhooks(Receiver<()>);

impl WebhookQueue {
    pub fn new() -> (WebhookQueue, QueuedWebhooks) {
        let (queue, queued) = channel();
        (WebhookQueue(queue), QueuedWebhooks(queued))
    }
}

/// A webhook that fired, to deliver and record once its transaction committed.
pub struct Fired {
    hook: Webhook,
    payload: Vec<(String, String)>,
    at: SimTime,
}

impl<D: Driver> SqlCloud<D> {
    /// A cloud on `driver`'s database, its schema brought up to date.
    pub fn open(mut driver: D) -> Result<SqlCloud<D>, CloudError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match migrate(&mut driver) {
                Ok(()) => return Ok(SqlCloud { db: RefCell::new(driver), delivery: None }),
                Err(StoreError::Conflict(_)) if attempt < ATTEMPTS => backoff(attempt),
                Err(e) => return Err(CloudError::Storage(format!("migrating the schema: {e}"))),
            }
        }
    }

    /// Delivers fired webhooks as `delivery` says from now on (none: only records them).
    pub fn deliver_webhooks(&mut self, delivery: Option<Delivery>) {
        self.delivery = delivery;
    }

    /// The delivery thread's work, until every store connection that wakes it is gone:
    /// posts the outbox's webhooks through `sink` one at a time in the order they fired
    /// (so each receiver gets its events in order), starting with those a stopped server
    /// left. Each post is recorded; one that reached its receiver leaves the outbox in the
    /// same transaction. One that did not is posted again later, holding up the rest.
    ///
    /// At least once, not exactly once: a crash between a post and the transaction that
    /// records it posts that webhook again on the next start.
    pub fn deliver_outbox(self, mut sink: Box<dyn WebhookSink>, queued: QueuedWebhooks) {
        let mut retry = FIRST_RETRY;
        loop {
            match self.deliver_next(&mut *sink) {
                Ok(Some(true)) => retry = FIRST_RETRY,
                Ok(None) => {
                    if queued.0.recv().is_err() {
                        return;
                    }
                }
                failed => {
                    if let Err(e) = failed {
                        eprintln!("impish cloud: delivering a webhook: {e}");
                    }
                    std::thread::sleep(retry);
                    retry = (retry * 2).min(LAST_RETRY);
                    if queued.0.try_recv() == Err(TryRecvError::Disconnected) {
                        return;
                    }
                }
            }
        }
    }

    /// Posts the outbox's first webhook and records the post: whether it reached its
    /// receiver (and so left the outbox); none if the outbox is empty.
    fn deliver_next(&self, sink: &mut dyn WebhookSink) -> Result<Option<bool>, CloudError> {
        let sql = format!("SELECT {OUTBOX} FROM outbox ORDER BY id LIMIT 1");
        let Some((id, Fired { hook, payload, at })) = self.read(|tx| tx.one(&sql, &[], outbox_from))? else {
            return Ok(None);
        };
        let posted = sink.post(&hook.url, hook.content_type, &hook.content_type.body(&payload));
        let reached = posted.is_ok();
        let what =
            Happening::Webhook { webhook: hook.id, url: hook.url, event: hook.event, payload, delivery: Some(posted) };
        self.atomically(|tx| {
            // Recorded as delivered once, should another server's thread have posted it too.
            if reached && tx.exec("DELETE FROM outbox WHERE id = $1", &[id.into()])? == 0 {
                return Ok(());
            }
            tx.record(at, &what)
        })?;
        Ok(Some(reached))
    }

    /// Runs `change` in a transaction, again from the start after a conflict.
    fn atomically<T>(&self, mut change: impl FnMut(&mut Tx<'_, D>) -> Result<T, CloudError>) -> Result<T, CloudError> {
        let outbox = matches!(self.delivery, Some(Delivery::Queued(_)));
        let mut db = self.db.borrow_mut();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut tx = Tx { db: &mut *db, conflict: false, outbox };
            let begun = tx.db.begin();
            tx.check(begun)?;
            let result = change(&mut tx);
            let result = match result {
                Ok(value) => {
                    let committed = tx.db.commit();
                    tx.check(committed).map(|()| value)
                }
                Err(e) => Err(e),
            };
            let conflict = tx.conflict;
            if result.is_err() {
                let _ = db.rollback();
            }
            match result {
                Err(_) if conflict && attempt < ATTEMPTS => backoff(attempt),
                result => return result,
            }
        }
    }

    /// Runs reads outside a transaction.
    fn read<T>(&self, read: impl FnOnce(&mut Tx<'_, D>) -> Result<T, CloudError>) -> Result<T, CloudError> {
        let mut db = self.db.borrow_mut();
        read(&mut Tx { db: &mut *db, conflict: false, outbox: false })
    }

    /// Delivers and records webhooks that fired, once their change committed; or, with an
    /// outbox, which holds them already, wakes its delivery thread.
    fn deliver(&mut self, fired: Vec<Fired>) -> Result<(), CloudError> {
        if let Some(Delivery::Queued(queue)) = &self.delivery {
            // A thread that is gone (the server is stopping) leaves them for the next start.
            if !fired.is_empty() {
                let _ = queue.0.send(());
            }
            return Ok(());
        }
        for Fired { hook, payload, at } in fired {
            let delivery = match &mut self.delivery {
                Some(Delivery::Now(sink)) => {
                    Some(sink.post(&hook.url, hook.content_type, &hook.content_type.body(&payload)))
                }
                _ => None,
            };
            let what = Happening::Webhook { webhook: hook.id, url: hook.url, event: hook.event, payload, delivery };
            self.atomically(|tx| tx.record(at, &what))?;
        }
        Ok(())
    }
}

/// Waits a little longer after each conflict, so competing transactions spread out.
fn backoff(attempt: u32) {
    std::thread::sleep(Duration::from_millis(u64::from(attempt.min(20))));
}

/// Database access within (or, for reads, outside) one transaction.
struct Tx<'a, D: Driver> {
    db: &'a mut D,
    /// A statement failed because of a concurrent transaction: retry the whole.
    conflict: bool,
    /// Fired webhooks are written to the outbox (`Delivery::Queued`).
    outbox: bool,
}

const ACCOUNT: &str = "id, name, password_hash, unbond_key";
const CREDENTIAL: &str = "token, account, kind, description";
const PRODUCT: &str = "id, account, name, description";
const GROUP: &str = "id, product, name, kind, description, load_code_after_blessing, dut_target, \
                     production_target, current_deployment, min_supported_deployment";
const DEPLOYMENT: &str =
    "id, device_group, device_code, agent_code, tags, flagged, origin, description, sha, created_at";
const DEVICE: &str = "id, mac, imp_type, name, account, agent_url, device_group, blessed, fixture, enrolled_at";
const WEBHOOK: &str = "id, device_group, event, url, content_type";
/// A webhook as it fired (as `WEBHOOK`), then its payload, when it fired, its place in line.
const OUTBOX: &str = "webhook, device_group, event, url, content_type, payload, at, id";
const LOG: &str = "at, device, kind, message";

fn corrupt(what: &str) -> CloudError {
    CloudError::Storage(format!("unreadable {what}"))
}

fn account_from(r: &Row) -> Result<Account, CloudError> {
    Ok(Account { id: AccountId(r.id(0)?), name: r.text(1)?, password_hash: r.text(2)?, unbond_key: r.text(3)? })
}

fn credential_from(r: &Row) -> Result<Credential, CloudError> {
    Ok(Credential {
        token: r.text(0)?,
        account: AccountId(r.id(1)?),
        kind: CredentialKind::from_name(&r.text(2)?).ok_or_else(|| corrupt("credential kind"))?,
        description: r.text(3)?,
    })
}

fn product_from(r: &Row) -> Result<Product, CloudError> {
    Ok(Product { id: ProductId(r.id(0)?), account: AccountId(r.id(1)?), name: r.text(2)?, description: r.text(3)? })
}

fn group_from(r: &Row) -> Result<DeviceGroup, CloudError> {
    Ok(DeviceGroup {
        id: GroupId(r.id(0)?),
        product: ProductId(r.id(1)?),
        name: r.text(2)?,
        kind: GroupType::from_api_name(&r.text(3)?).ok_or_else(|| corrupt("device group type"))?,
        description: r.text(4)?,
        load_code_after_blessing: r.bool(5)?,
        dut_target: r.opt_id(6)?.map(GroupId),
        production_target: r.opt_id(7)?.map(GroupId),
        current_deployment: r.opt_id(8)?.map(DeploymentId),
        min_supported_deployment: r.opt_id(9)?.map(DeploymentId),
    })
}

fn deployment_from(r: &Row) -> Result<Deployment, CloudError> {
    Ok(Deployment {
        id: DeploymentId(r.id(0)?),
        group: GroupId(r.id(1)?),
        code: Code { device: r.text(2)?.into(), agent: r.text(3)?.into() },
        tags: serde_json::from_str(&r.text(4)?).map_err(|_| corrupt("deployment tags"))?,
        flagged: r.bool(5)?,
        origin: r.text(6)?,
        description: r.text(7)?,
        sha: r.text(8)?,
        created_at: r.time(9)?,
    })
}

fn device_from(r: &Row) -> Result<Device, CloudError> {
    Ok(Device {
        id: DeviceId::new(&r.text(0)?),
        mac: r.text(1)?,
        imp_type: r.text(2)?,
        name: r.text(3)?,
        account: r.opt_id(4)?.map(AccountId),
        agent_url: r.text(5)?,
        group: r.opt_id(6)?.map(GroupId),
        blessed: r.bool(7)?,
        fixture: r.opt_text(8)?.map(|f| DeviceId::new(&f)),
        enrolled_at: r.opt_time(9)?,
    })
}

fn webhook_from(r: &Row) -> Result<Webhook, CloudError> {
    Ok(Webhook {
        id: WebhookId(r.id(0)?),
        group: GroupId(r.id(1)?),
        event: WebhookEvent::from_name(&r.text(2)?).ok_or_else(|| corrupt("webhook event"))?,
        url: r.text(3)?,
        content_type: ContentType::from_mime(&r.text(4)?).ok_or_else(|| corrupt("webhook content type"))?,
    })
}

fn outbox_from(r: &Row) -> Result<(i64, Fired), CloudError> {
    let payload = serde_json::from_str(&r.text(5)?).map_err(|_| corrupt("outbox payload"))?;
    Ok((r.int(7)?, Fired { hook: webhook_from(r)?, payload, at: r.time(6)? }))
}

fn log_from(r: &Row) -> Result<LogEntry, CloudError> {
    Ok(LogEntry {
        at: r.time(0)?,
        device: DeviceId::new(&r.text(1)?),
        kind: LogKind::from_name(&r.text(2)?).ok_or_else(|| corrupt("log kind"))?,
        message: r.text(3)?,
    })
}

impl<D: Driver> Tx<'_, D> {
    /// A driver's result as a cloud's, noting conflicts.
    fn check<T>(&mut self, result: Result<T, StoreError>) -> Result<T, CloudError> {
        result.map_err(|e| {
            self.conflict |= matches!(e, StoreError::Conflict(_));
            CloudError::Storage(e.to_string())
        })
    }

    fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64, CloudError> {
        let result = self.db.execute(sql, params);
        self.check(result)
    }

    fn rows(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, CloudError> {
        let result = self.db.query(sql, params);
        self.check(result)
    }

    fn all<T>(
        &mut self,
        sql: &str,
        params: &[Value],
        from: fn(&Row) -> Result<T, CloudError>,
    ) -> Result<Vec<T>, CloudError> {
        self.rows(sql, params)?.iter().map(from).collect()
    }

    fn one<T>(
        &mut self,
        sql: &str,
        params: &[Value],
        from: fn(&Row) -> Result<T, CloudError>,
    ) -> Result<Option<T>, CloudError> {
        self.rows(sql, params)?.first().map(from).transpose()
    }

    /// An `INSERT ... RETURNING id`'s id.
    fn insert(&mut self, sql: &str, params: &[Value]) -> Result<u32, CloudError> {
        self.rows(sql, params)?.first().ok_or_else(|| corrupt("new id"))?.id(0)
    }

    fn record(&mut self, at: SimTime, what: &Happening) -> Result<(), CloudError> {
        let json = serde_json::to_string(what).map_err(|e| CloudError::Storage(e.to_string()))?;
        self.exec("INSERT INTO events (at, what) VALUES ($1, $2)", &[nanos(at).into(), json.into()])?;
        Ok(())
    }

    fn account(&mut self, id: AccountId) -> Result<Account, CloudError> {
        let sql = format!("SELECT {ACCOUNT} FROM accounts WHERE id = $1");
        self.one(&sql, &[id.0.into()], account_from)?.ok_or(CloudError::UnknownAccount(id))
    }

    fn product(&mut self, id: ProductId) -> Result<Product, CloudError> {
        let sql = format!("SELECT {PRODUCT} FROM products WHERE id = $1");
        self.one(&sql, &[id.0.into()], product_from)?.ok_or(CloudError::UnknownProduct(id))
    }

    fn group(&mut self, id: GroupId) -> Result<DeviceGroup, CloudError> {
        let sql = format!("SELECT {GROUP} FROM device_groups WHERE id = $1");
        self.one(&sql, &[id.0.into()], group_from)?.ok_or(CloudError::UnknownGroup(id))
    }

    fn device(&mut self, id: &DeviceId) -> Result<Device, CloudError> {
        let sql = format!("SELECT {DEVICE} FROM devices WHERE id = $1");
        self.one(&sql, &[(*id.0).into()], device_from)?.ok_or_else(|| CloudError::UnknownDevice(id.clone()))
    }

    fn deployment(&mut self, id: DeploymentId) -> Result<Deployment, CloudError> {
        let sql = format!("SELECT {DEPLOYMENT} FROM deployments WHERE id = $1");
        self.one(&sql, &[id.0.into()], deployment_from)?.ok_or(CloudError::UnknownDeployment(id))
    }

    fn webhook(&mut self, id: WebhookId) -> Result<Webhook, CloudError> {
        let sql = format!("SELECT {WEBHOOK} FROM webhooks WHERE id = $1");
        self.one(&sql, &[id.0.into()], webhook_from)?.ok_or(CloudError::UnknownWebhook(id))
    }

    /// The device's group, if it has one.
    fn group_of(&mut self, device: &Device) -> Result<Option<DeviceGroup>, CloudError> {
        device.group.map(|g| self.group(g)).transpose()
    }

    /// Fires the webhooks of `group` for `event`, in the order they were added: written
    /// to the outbox in this transaction if there is one.
    fn fire(
        &mut self,
        group: GroupId,
        event: WebhookEvent,
        payload: Vec<(String, String)>,
        at: SimTime,
    ) -> Result<Vec<Fired>, CloudError> {
        let sql = format!("SELECT {WEBHOOK} FROM webhooks WHERE device_group = $1 AND event = $2 ORDER BY id");
        let hooks = self.all(&sql, &[group.0.into(), event.name().into()], webhook_from)?;
        if self.outbox {
            let json = serde_json::to_string(&payload).map_err(|e| CloudError::Storage(e.to_string()))?;
            let sql = "INSERT INTO outbox (webhook, device_group, event, url, content_type, payload, at) \
                       VALUES ($1, $2, $3, $4, $5, $6, $7)";
            for hook in &hooks {
                let params = [
                    hook.id.0.into(),
                    hook.group.0.into(),
                    hook.event.name().into(),
                    hook.url.as_str().into(),
                    hook.content_type.mime().into(),
                    json.as_str().into(),
                    nanos(at).into(),
                ];
                self.exec(sql, &params)?;
            }
        }
        Ok(hooks.into_iter().map(|hook| Fired { hook, payload: payload.clone(), at }).collect())
    }

    /// The factory group whose production target a DUT of `dut_group` is blessed into:
    /// the one of the fixture that enrolled it, else any targeting its DUT group.
    fn factory_for(&mut self, fixture: Option<&DeviceId>, dut_group: GroupId) -> Result<DeviceGroup, CloudError> {
        if let Some(fixture) = fixture {
            let sql = format!(
                "SELECT {GROUP} FROM device_groups WHERE dut_target = $2 AND id = \
                 (SELECT device_group FROM devices WHERE id = $1)"
            );
            if let Some(g) = self.one(&sql, &[(*fixture.0).into(), dut_group.0.into()], group_from)? {
                return Ok(g);
            }
        }
        let sql = format!("SELECT {GROUP} FROM device_groups WHERE dut_target = $1 ORDER BY id");
        self.one(&sql, &[dut_group.0.into()], group_from)?.ok_or(CloudError::MissingTarget(dut_group, "factory"))
    }
}

impl<D: Driver> DeviceCloud for SqlCloud<D> {
    fn register_device(&mut self, device: NewDevice) -> Result<(), CloudError> {
        self.atomically(|tx| {
            if !tx.rows("SELECT id FROM devices WHERE id = $1", &[(*device.id.0).into()])?.is_empty() {
                return Err(CloudError::DuplicateDevice(device.id.clone()));
            }
            if let Some(account) = device.account {
                tx.account(account)?;
            }
            let sql = "INSERT INTO devices (id, mac, imp_type, name, account, agent_url, blessed) \
                       VALUES ($1, $2, $3, $4, $5, $6, 0)";
            let params = [
                (*device.id.0).into(),
                device.mac.as_str().into(),
                device.imp_type.as_str().into(),
                device.name.as_str().into(),
                device.account.map(|a| a.0).into(),
                agent_url_for(&device.id).into(),
            ];
            tx.exec(sql, &params).map(drop)
        })
    }

    fn assign(&mut self, device: &DeviceId, group: GroupId, now: SimTime) -> Result<(), CloudError> {
        self.atomically(|tx| {
            let g = tx.group(group)?;
            let account = tx.product(g.product)?.account;
            check_assignment(&tx.device(device)?, &g, account)?;
            let sql = "UPDATE devices SET device_group = $2, account = $3 WHERE id = $1";
            tx.exec(sql, &[(*device.0).into(), group.0.into(), account.0.into()])?;
            tx.record(now, &Happening::Assigned { device: device.clone(), group })
        })
    }

    fn factory_token(&mut self, fixture: &DeviceId, now: SimTime) -> Result<String, CloudError> {
        self.atomically(|tx| {
            let f = tx.device(fixture)?;
            let group = match tx.group_of(&f)? {
                Some(g) if g.kind.is_factory() => g,
                _ => return Err(CloudError::NotAFactoryFixture(fixture.clone())),
            };
            if group.dut_target.is_none() {
                return Err(CloudError::MissingTarget(group.id, "DUT"));
            }
            let issued = tx.rows("SELECT COUNT(*) FROM enrolment_tokens", &[])?;
            let issued = issued.first().map(|r| r.int(0)).transpose()?.unwrap_or(0);
            let token = enrolment_token(fixture, issued as u64 + 1);
            let sql = "INSERT INTO enrolment_tokens (token, fixture, factory_group) VALUES ($1, $2, $3)";
            tx.exec(sql, &[token.as_str().into(), (*fixture.0).into(), group.id.0.into()])?;
            tx.record(now, &Happening::TokenIssued { fixture: fixture.clone() })?;
            Ok(token)
        })
    }

    fn enrol(&mut self, token: &str, dut: &DeviceId, now: SimTime) -> Result<Enrolment, CloudError> {
        self.atomically(|tx| {
            let sql = "SELECT fixture, factory_group, used_by FROM enrolment_tokens WHERE token = $1";
            let t = tx.rows(sql, &[token.into()])?.into_iter().next().ok_or(CloudError::UnknownToken)?;
            if let Some(user) = t.opt_text(2)? {
                return Err(CloudError::TokenAlreadyUsed(DeviceId::new(&user)));
            }
            if tx.device(dut)?.blessed {
                return Err(CloudError::AlreadyBlessed(dut.clone()));
            }
            let (fixture, factory_group) = (DeviceId::new(&t.text(0)?), GroupId(t.id(1)?));
            let group = tx.group(factory_group)?.dut_target.ok_or(CloudError::MissingTarget(factory_group, "DUT"))?;
            let deployment = tx.group(group)?.current_deployment;
            let f = tx.device(&fixture)?;
            // Only an unused token is taken, so two DUTs racing for one cannot both win.
            let taken = "UPDATE enrolment_tokens SET used_by = $2 WHERE token = $1 AND used_by IS NULL";
            if tx.exec(taken, &[token.into(), (*dut.0).into()])? != 1 {
                tx.conflict = true;
                return Err(CloudError::Storage("the token was taken concurrently".into()));
            }
            let sql =
                "UPDATE devices SET device_group = $2, fixture = $3, account = $4, enrolled_at = $5 WHERE id = $1";
            let params = [
                (*dut.0).into(),
                group.0.into(),
                (*fixture.0).into(),
                f.account.map(|a| a.0).into(),
                nanos(now).into(),
            ];
            tx.exec(sql, &params)?;
            tx.record(now, &Happening::Enrolled { device: dut.clone(), fixture: fixture.clone(), group })?;
            Ok(Enrolment { group, fixture, fixture_agent_url: f.agent_url, deployment })
        })
    }

    fn bless(&mut self, dut: &DeviceId, passed: bool, now: SimTime) -> Result<BlessOutcome, CloudError> {
        let (outcome, fired) = self.atomically(|tx| {
            let d = tx.device(dut)?;
            if d.blessed {
                return Err(CloudError::AlreadyBlessed(dut.clone()));
            }
            let dut_group = match tx.group_of(&d)? {
                Some(g) if g.kind.is_dut() => g.id,
                _ => return Err(CloudError::NotADut(dut.clone())),
            };
            if !passed {
                tx.record(now, &Happening::BlessFailed { device: dut.clone() })?;
                return Ok((BlessOutcome::TestsFailed, Vec::new()));
            }
            let factory = tx.factory_for(d.fixture.as_ref(), dut_group)?;
            let production = factory.production_target.ok_or(CloudError::MissingTarget(factory.id, "production"))?;
            let target = tx.group(production)?;
            // Only an unblessed device still in its DUT group moves: a concurrent bless of
            // the same unit finds it gone and is retried, then refused.
            let sql =
                "UPDATE devices SET device_group = $2, blessed = 1 WHERE id = $1 AND blessed = 0 AND device_group = $3";
            if tx.exec(sql, &[(*dut.0).into(), production.0.into(), dut_group.0.into()])? != 1 {
                tx.conflict = true;
                return Err(CloudError::Storage("the device was blessed concurrently".into()));
            }
            tx.record(now, &Happening::Blessed { device: dut.clone(), group: production })?;
            let fired = tx.fire(production, WebhookEvent::Blessing, blessing_payload(&d), now)?;
            let outcome = BlessOutcome::Blessed {
                production_group: production,
                load_code_after_blessing: target.load_code_after_blessing,
                deployment: target.current_deployment,
            };
            Ok((outcome, fired))
        })?;
        self.deliver(fired)?;
        Ok(outcome)
    }

    fn activate(&mut self, device: &DeviceId, now: SimTime) -> Result<(), CloudError> {
        let fired = self.atomically(|tx| {
            let d = tx.device(device)?;
            let group = match tx.group_of(&d)? {
                Some(g) if g.kind.is_production() => g.id,
                _ => return Err(CloudError::NotAProductionDevice(device.clone())),
            };
            tx.record(now, &Happening::Activated { device: device.clone() })?;
            tx.fire(group, WebhookEvent::Blinkup, vec![("device_id".into(), device.to_string())], now)
        })?;
        self.deliver(fired)
    }

    fn log(&mut self, entry: LogEntry) -> Result<(), CloudError> {
        self.atomically(|tx| {
            let sql = "INSERT INTO logs (at, device, kind, message) VALUES ($1, $2, $3, $4)";
            let params = [
                nanos(entry.at).into(),
                (*entry.device.0).into(),
                entry.kind.name().into(),
                entry.message.as_str().into(),
            ];
            tx.exec(sql, &params).map(drop)
        })
    }

    fn group(&self, group: GroupId) -> Result<DeviceGroup, CloudError> {
        self.read(|tx| tx.group(group))
    }

    fn device(&self, device: &DeviceId) -> Result<Device, CloudError> {
        self.read(|tx| tx.device(device))
    }

    fn devices_in(&self, group: GroupId) -> Result<Vec<Device>, CloudError> {
        let sql = format!("SELECT {DEVICE} FROM devices WHERE device_group = $1 ORDER BY id");
        self.read(|tx| tx.all(&sql, &[group.0.into()], device_from))
    }

    fn deployment(&self, deployment: DeploymentId) -> Result<Deployment, CloudError> {
        self.read(|tx| tx.deployment(deployment))
    }

    fn events(&self) -> Result<Vec<CloudEvent>, CloudError> {
        let rows = self.read(|tx| tx.rows("SELECT at, what FROM events ORDER BY id", &[]))?;
        rows.iter()
            .map(|r| {
                let what = serde_json::from_str(&r.text(1)?).map_err(|_| corrupt("event"))?;
                Ok(CloudEvent { at: r.time(0)?, what })
            })
            .collect()
    }
}

impl<D: Driver> CloudBackend for SqlCloud<D> {
    fn create_account(&mut self, account: NewAccount) -> Result<AccountId, CloudError> {
        self.atomically(|tx| {
            let sql = format!("SELECT {ACCOUNT} FROM accounts WHERE name = $1");
            if tx.one(&sql, &[account.name.as_str().into()], account_from)?.is_some() {
                return Err(CloudError::DuplicateAccount(account.name.clone()));
            }
            let sql = "INSERT INTO accounts (name, password_hash, unbond_key) VALUES ($1, $2, $3) RETURNING id";
            let params = [
                account.name.as_str().into(),
                account.password_hash.as_str().into(),
                account.unbond_key.as_str().into(),
            ];
            tx.insert(sql, &params).map(AccountId)
        })
    }

    fn account(&self, account: AccountId) -> Result<Account, CloudError> {
        self.read(|tx| tx.account(account))
    }

    fn account_named(&self, name: &str) -> Result<Option<Account>, CloudError> {
        let sql = format!("SELECT {ACCOUNT} FROM accounts WHERE name = $1");
        self.read(|tx| tx.one(&sql, &[name.into()], account_from))
    }

    fn add_credential(&mut self, credential: Credential) -> Result<(), CloudError> {
        self.atomically(|tx| {
            tx.account(credential.account)?;
            let sql = format!("INSERT INTO credentials ({CREDENTIAL}) VALUES ($1, $2, $3, $4)");
            let Credential { token, account, kind, description } = &credential;
            let params = [token.as_str().into(), account.0.into(), kind.name().into(), description.as_str().into()];
            tx.exec(&sql, &params).map(drop)
        })
    }

    fn credential(&self, token: &str) -> Result<Option<Credential>, CloudError> {
        let sql = format!("SELECT {CREDENTIAL} FROM credentials WHERE token = $1");
        self.read(|tx| tx.one(&sql, &[token.into()], credential_from))
    }

    fn credentials(&self, account: AccountId, kind: CredentialKind) -> Result<Vec<Credential>, CloudError> {
        let sql = format!("SELECT {CREDENTIAL} FROM credentials WHERE account = $1 AND kind = $2 ORDER BY token");
        self.read(|tx| tx.all(&sql, &[account.0.into(), kind.name().into()], credential_from))
    }

    fn remove_credential(&mut self, token: &str) -> Result<bool, CloudError> {
        self.atomically(|tx| Ok(tx.exec("DELETE FROM credentials WHERE token = $1", &[token.into()])? == 1))
    }

    fn create_product(&mut self, account: AccountId, name: &str) -> Result<ProductId, CloudError> {
        self.atomically(|tx| {
            tx.account(account)?;
            let sql = "INSERT INTO products (account, name, description) VALUES ($1, $2, '') RETURNING id";
            tx.insert(sql, &[account.0.into(), name.into()]).map(ProductId)
        })
    }

    fn product(&self, product: ProductId) -> Result<Product, CloudError> {
        self.read(|tx| tx.product(product))
    }

    fn products(&self, account: AccountId) -> Result<Vec<Product>, CloudError> {
        let sql = format!("SELECT {PRODUCT} FROM products WHERE account = $1 ORDER BY id");
        self.read(|tx| tx.all(&sql, &[account.0.into()], product_from))
    }

    fn update_product(
        &mut self,
        product: ProductId,
        name: Option<&str>,
        description: Option<&str>,
    ) -> Result<(), CloudError> {
        self.atomically(|tx| {
            let p = tx.product(product)?;
            let sql = "UPDATE products SET name = $2, description = $3 WHERE id = $1";
            let (name, description) = (name.unwrap_or(&p.name), description.unwrap_or(&p.description));
            tx.exec(sql, &[product.0.into(), name.into(), description.into()]).map(drop)
        })
    }

    fn delete_product(&mut self, product: ProductId) -> Result<(), CloudError> {
        self.atomically(|tx| {
            tx.product(product)?;
            if !tx.rows("SELECT id FROM device_groups WHERE product = $1", &[product.0.into()])?.is_empty() {
                return Err(CloudError::ProductNotEmpty(product));
            }
            tx.exec("DELETE FROM products WHERE id = $1", &[product.0.into()]).map(drop)
        })
    }

    fn create_group(&mut self, spec: NewGroup) -> Result<GroupId, CloudError> {
        self.atomically(|tx| {
            tx.product(spec.product)?;
            let taken = "SELECT id FROM device_groups WHERE product = $1 AND name = $2";
            if !tx.rows(taken, &[spec.product.0.into(), spec.name.as_str().into()])?.is_empty() {
                return Err(CloudError::DuplicateGroupName { product: spec.product, name: spec.name.clone() });
            }
            let sql = "INSERT INTO device_groups (product, name, kind, description, load_code_after_blessing) \
                       VALUES ($1, $2, $3, $4, $5) RETURNING id";
            let params = [
                spec.product.0.into(),
                spec.name.as_str().into(),
                spec.kind.api_name().into(),
                spec.description.as_str().into(),
                spec.load_code_after_blessing.into(),
            ];
            tx.insert(sql, &params).map(GroupId)
        })
    }

    fn update_group(&mut self, group: GroupId, changes: GroupChanges) -> Result<(), CloudError> {
        self.atomically(|tx| {
            let g = tx.group(group)?;
            if let Some(name) = &changes.name {
                let taken = "SELECT id FROM device_groups WHERE product = $1 AND name = $2 AND id <> $3";
                if !tx.rows(taken, &[g.product.0.into(), name.as_str().into(), group.0.into()])?.is_empty() {
                    return Err(CloudError::DuplicateGroupName { product: g.product, name: name.clone() });
                }
            }
            if let Some(d) = changes.min_supported_deployment {
                if tx.deployment(d)?.group != group {
                    return Err(CloudError::DeploymentOfOtherGroup(d, group));
                }
            }
            let sql = "UPDATE device_groups SET name = $2, description = $3, load_code_after_blessing = $4, \
                       min_supported_deployment = $5 WHERE id = $1";
            let params = [
                group.0.into(),
                changes.name.clone().unwrap_or(g.name).into(),
                changes.description.clone().unwrap_or(g.description).into(),
                changes.load_code_after_blessing.unwrap_or(g.load_code_after_blessing).into(),
                changes.min_supported_deployment.or(g.min_supported_deployment).map(|d| d.0).into(),
            ];
            tx.exec(sql, &params).map(drop)
        })
    }

    fn set_targets(&mut self, factory: GroupId, dut: GroupId, production: GroupId) -> Result<(), CloudError> {
        self.atomically(|tx| {
            check_targets(&tx.group(factory)?, &tx.group(dut)?, &tx.group(production)?)?;
            let sql = "UPDATE device_groups SET dut_target = $2, production_target = $3 WHERE id = $1";
            tx.exec(sql, &[factory.0.into(), dut.0.into(), production.0.into()]).map(drop)
        })
    }

    fn delete_group(&mut self, group: GroupId) -> Result<(), CloudError> {
        self.atomically(|tx| {
            tx.group(group)?;
            if !tx.rows("SELECT id FROM devices WHERE device_group = $1", &[group.0.into()])?.is_empty() {
                return Err(CloudError::GroupNotEmpty(group));
            }
            let id = [group.0.into()];
            tx.exec("DELETE FROM device_groups WHERE id = $1", &id)?;
            tx.exec("UPDATE device_groups SET dut_target = NULL WHERE dut_target = $1", &id)?;
            tx.exec("UPDATE device_groups SET production_target = NULL WHERE production_target = $1", &id)?;
            tx.exec("DELETE FROM webhooks WHERE device_group = $1", &id).map(drop)
        })
    }

    fn deploy(&mut self, group: GroupId, deployment: NewDeployment, now: SimTime) -> Result<DeploymentId, CloudError> {
        let (id, fired) = self.atomically(|tx| {
            tx.group(group)?;
            let NewDeployment { code, tags, flagged, origin, description } = &deployment;
            let tags = serde_json::to_string(tags).map_err(|e| CloudError::Storage(e.to_string()))?;
            let sql = "INSERT INTO deployments (device_group, device_code, agent_code, tags, flagged, origin, \
                       description, sha, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
            let params = [
                group.0.into(),
                (*code.device).into(),
                (*code.agent).into(),
                tags.into(),
                (*flagged).into(),
                origin.as_str().into(),
                description.as_str().into(),
                code.sha().into(),
                nanos(now).into(),
            ];
            let id = DeploymentId(tx.insert(sql, &params)?);
            tx.exec("UPDATE device_groups SET current_deployment = $2 WHERE id = $1", &[group.0.into(), id.0.into()])?;
            tx.record(now, &Happening::Deployed { group, deployment: id })?;
            Ok((id, tx.fire(group, WebhookEvent::Deployment, deployment_payload(group, id), now)?))
        })?;
        self.deliver(fired)?;
        Ok(id)
    }

    fn update_deployment(&mut self, deployment: DeploymentId, changes: DeploymentChanges) -> Result<(), CloudError> {
        self.atomically(|tx| {
            let d = tx.deployment(deployment)?;
            let tags = changes.tags.clone().unwrap_or(d.tags);
            let tags = serde_json::to_string(&tags).map_err(|e| CloudError::Storage(e.to_string()))?;
            let sql = "UPDATE deployments SET tags = $2, flagged = $3, description = $4 WHERE id = $1";
            let params = [
                deployment.0.into(),
                tags.into(),
                changes.flagged.unwrap_or(d.flagged).into(),
                changes.description.clone().unwrap_or(d.description).into(),
            ];
            tx.exec(sql, &params).map(drop)
        })
    }

    fn delete_deployment(&mut self, deployment: DeploymentId) -> Result<(), CloudError> {
        self.atomically(|tx| {
            if tx.deployment(deployment)?.flagged {
                return Err(CloudError::DeploymentFlagged(deployment));
            }
            let id = [deployment.0.into()];
            tx.exec("DELETE FROM deployments WHERE id = $1", &id)?;
            tx.exec("UPDATE device_groups SET current_deployment = NULL WHERE current_deployment = $1", &id)?;
            let sql = "UPDATE device_groups SET min_supported_deployment = NULL WHERE min_supported_deployment = $1";
            tx.exec(sql, &id).map(drop)
        })
    }

    fn add_webhook(
        &mut self,
        group: GroupId,
        event: WebhookEvent,
        url: &str,
        content_type: ContentType,
    ) -> Result<WebhookId, CloudError> {
        self.atomically(|tx| {
            tx.group(group)?;
            let sql =
                "INSERT INTO webhooks (device_group, event, url, content_type) VALUES ($1, $2, $3, $4) RETURNING id";
            tx.insert(sql, &[group.0.into(), event.name().into(), url.into(), content_type.mime().into()])
                .map(WebhookId)
        })
    }

    fn update_webhook(&mut self, webhook: WebhookId, changes: WebhookChanges) -> Result<(), CloudError> {
        self.atomically(|tx| {
            let w = tx.webhook(webhook)?;
            let sql = "UPDATE webhooks SET url = $2, content_type = $3 WHERE id = $1";
            let url = changes.url.clone().unwrap_or(w.url);
            let content_type = changes.content_type.unwrap_or(w.content_type);
            tx.exec(sql, &[webhook.0.into(), url.into(), content_type.mime().into()]).map(drop)
        })
    }

    fn delete_webhook(&mut self, webhook: WebhookId) -> Result<(), CloudError> {
        self.atomically(|tx| {
            tx.webhook(webhook)?;
            tx.exec("DELETE FROM webhooks WHERE id = $1", &[webhook.0.into()]).map(drop)
        })
    }

    fn rename_device(&mut self, device: &DeviceId, name: &str) -> Result<(), CloudError> {
        self.atomically(|tx| {
            tx.device(device)?;
            tx.exec("UPDATE devices SET name = $2 WHERE id = $1", &[(*device.0).into(), name.into()]).map(drop)
        })
    }

    fn remove_device(&mut self, device: &DeviceId) -> Result<(), CloudError> {
        self.atomically(|tx| {
            if tx.device(device)?.group.is_some() {
                return Err(CloudError::DeviceAssigned(device.clone()));
            }
            tx.exec("UPDATE devices SET account = NULL WHERE id = $1", &[(*device.0).into()]).map(drop)
        })
    }

    fn unassign(&mut self, device: &DeviceId, unbond_key: Option<&str>, now: SimTime) -> Result<(), CloudError> {
        self.atomically(|tx| {
            let d = tx.device(device)?;
            let account = d.account.map(|a| tx.account(a)).transpose()?;
            check_unbond_key(&d, account.as_ref(), unbond_key)?;
            tx.exec("UPDATE devices SET device_group = NULL, blessed = 0 WHERE id = $1", &[(*device.0).into()])?;
            match d.group {
                Some(group) => tx.record(now, &Happening::Unassigned { device: device.clone(), group }),
                None => Ok(()),
            }
        })
    }

    fn groups(&self, product: ProductId) -> Result<Vec<DeviceGroup>, CloudError> {
        let sql = format!("SELECT {GROUP} FROM device_groups WHERE product = $1 ORDER BY id");
        self.read(|tx| tx.all(&sql, &[product.0.into()], group_from))
    }

    fn devices(&self, account: AccountId) -> Result<Vec<Device>, CloudError> {
        let sql = format!("SELECT {DEVICE} FROM devices WHERE account = $1 ORDER BY id");
        self.read(|tx| tx.all(&sql, &[account.0.into()], device_from))
    }

    fn assigned_devices(&self) -> Result<Vec<Device>, CloudError> {
        let sql = format!("SELECT {DEVICE} FROM devices WHERE device_group IS NOT NULL ORDER BY id");
        self.read(|tx| tx.all(&sql, &[], device_from))
    }

    fn deployments(&self, group: GroupId) -> Result<Vec<Deployment>, CloudError> {
        let sql = format!("SELECT {DEPLOYMENT} FROM deployments WHERE device_group = $1 ORDER BY id");
        self.read(|tx| tx.all(&sql, &[group.0.into()], deployment_from))
    }

    fn webhook(&self, webhook: WebhookId) -> Result<Webhook, CloudError> {
        self.read(|tx| tx.webhook(webhook))
    }

    fn webhooks(&self, group: GroupId) -> Result<Vec<Webhook>, CloudError> {
        let sql = format!("SELECT {WEBHOOK} FROM webhooks WHERE device_group = $1 ORDER BY id");
        self.read(|tx| tx.all(&sql, &[group.0.into()], webhook_from))
    }

    fn logs(&self) -> Result<Vec<LogEntry>, CloudError> {
        let sql = format!("SELECT {LOG} FROM logs ORDER BY id");
        self.read(|tx| tx.all(&sql, &[], log_from))
    }

    fn logs_of(&self, device: &DeviceId) -> Result<Vec<LogEntry>, CloudError> {
        let sql = format!("SELECT {LOG} FROM logs WHERE device = $1 ORDER BY id");
        self.read(|tx| tx.all(&sql, &[(*device.0).into()], log_from))
    }
}
