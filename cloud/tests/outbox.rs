//! The webhook outbox on SQLite and PostgreSQL: webhooks fired by a store connection
//! whose delivery thread never posted them (as a killed server's) wait in the database
//! for a delivery thread started later, which posts them in the order they fired, again
//! after its receiver could not be reached, records each post, and takes each delivered
//! one out, so a later thread posts none of them again.

mod pg;

use impish_cloud::sql::{Delivery, Driver, SqlCloud, WebhookQueue};
use impish_cloud::SqliteCloud;
use impish_factory::cloud::rules::deployment_payload;
use impish_factory::cloud::*;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The bodies a `Receiver` got, in order.
type Bodies = Arc<Mutex<Vec<Vec<u8>>>>;

/// A receiver that refuses its first `down` posts and notes the bodies of the rest.
struct Receiver {
    down: u32,
    bodies: Bodies,
}

impl WebhookSink for Receiver {
    fn post(&mut self, _: &str, _: ContentType, body: &[u8]) -> Result<u16, String> {
        if self.down > 0 {
            self.down -= 1;
            return Err("connection refused".into());
        }
        self.bodies.lock().expect("bodies").push(body.to_vec());
        Ok(200)
    }
}

/// Starts a delivery thread on a connection `open` makes, posting to a receiver that
/// refuses its first `down` posts: the bodies it got, and the queue that wakes it.
fn deliver<D: Driver + 'static>(
    open: impl FnOnce() -> SqlCloud<D> + Send + 'static,
    down: u32,
) -> (Bodies, WebhookQueue, std::thread::JoinHandle<()>) {
    let bodies = Arc::new(Mutex::new(Vec::new()));
    let receiver = Receiver { down, bodies: Arc::clone(&bodies) };
    let (queue, queued) = WebhookQueue::new();
    let thread = std::thread::spawn(move || open().deliver_outbox(Box::new(receiver), queued));
    (bodies, queue, thread)
}

fn webhook_deliveries(cloud: &dyn CloudBackend) -> Vec<Option<Result<u16, String>>> {
    let events = cloud.events().expect("events");
    let hooks = events.into_iter().filter_map(|e| match e.what {
        Happening::Webhook { delivery, .. } => Some(delivery),
        _ => None,
    });
    hooks.collect()
}

fn outbox_outlives_its_connection<D: Driver + 'static>(open: impl Fn() -> SqlCloud<D> + Clone + Send + 'static) {
    let mut cloud = open();
    // Its delivery thread never runs: the fired webhooks stay in the outbox.
    let (queue, _never_delivered) = WebhookQueue::new();
    cloud.deliver_webhooks(Some(Delivery::Queued(queue)));
    let account = cloud.create_account(NewAccount::new("maker", "key")).expect("account");
    let product = cloud.create_product(account, "Thermometer").expect("product");
    let group = cloud.create_group(NewGroup::new(product, "Bench", GroupType::Development)).expect("group");
    cloud.add_webhook(group, WebhookEvent::Deployment, "http://receiver/deployed", ContentType::Json).expect("webhook");
    let fired: Vec<Vec<u8>> = (0..3)
        .map(|n| {
            let code = Code { device: format!("server.log({n});").into(), agent: "".into() };
            let id = cloud.deploy(group, code.into(), Duration::from_secs(n)).expect("deploy");
            ContentType::Json.body(&deployment_payload(group, id))
        })
        .collect();
    drop(cloud);
    assert_eq!(webhook_deliveries(&open()), [], "nothing posted yet");

    let (bodies, queue, thread) = deliver(open.clone(), 2);
    let deadline = Instant::now() + Duration::from_secs(10);
    while bodies.lock().expect("bodies").len() < fired.len() {
        assert!(Instant::now() < deadline, "the outbox is delivered");
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(queue);
    thread.join().expect("the delivery thread ends with its last queue");
    assert_eq!(*bodies.lock().expect("bodies"), fired, "each webhook once, in the order fired");
    let refused = Some(Err("connection refused".to_string()));
    assert_eq!(webhook_deliveries(&open()), [refused.clone(), refused, Some(Ok(200)), Some(Ok(200)), Some(Ok(200))]);

    let (bodies, queue, thread) = deliver(open, 0);
    std::thread::sleep(Duration::from_millis(300));
    drop(queue);
    thread.join().expect("the delivery thread ends with its last queue");
    assert!(bodies.lock().expect("bodies").is_empty(), "delivered webhooks left the outbox");
}

#[test]
fn sqlite_outbox_outlives_its_connection() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("cloud.db");
    outbox_outlives_its_connection(move || SqliteCloud::open_file(&path).expect("cloud"));
}

#[test]
fn postgres_outbox_outlives_its_connection() {
    let schema = Arc::new(pg::Schema::fresh());
    outbox_outlives_its_connection(move || schema.connect());
}
