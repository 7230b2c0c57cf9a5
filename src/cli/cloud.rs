//! `impish cloud`: a local impCentral kept in SQLite or PostgreSQL — serve its API
//! (`serve`), and add accounts and devices to it.

use impish_cloud::devices::Devices;
use impish_cloud::server::{Listener, Server, StoreOpener};
use impish_cloud::sql::Delivery;
use impish_cloud::store;
use impish_factory::cloud::HttpSink;
use impish_factory::imp::identity::ImpType;
use std::io::BufRead;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

/// Where a cloud is kept when `--db` is not given.
pub const DEFAULT_DB: &str = "sqlite:impish-cloud.db";
/// How long a webhook's POST may take.
pub const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(5);
/// The threads serving the API: a few, so a slow request (a long transaction on a
/// contended store) holds up only one.
const WORKERS: usize = 4;

#[derive(clap::Subcommand)]
#[command(defer = true)]
pub enum Command {
    /// Serve the impCentral v5 API (for impt: `impt login --endpoint http://ADDRESS/v5`).
    Serve {
        /// The store: sqlite:PATH or postgres://USER@HOST:PORT/DATABASE.
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
        /// The address to listen on (plain HTTP; loopback by default).
        #[arg(long, default_value = "127.0.0.1:8500")]
        listen: String,
        /// How long an access token lasts, in seconds.
        #[arg(long, default_value_t = 3600)]
        token_lifetime: u64,
    },
    /// Accounts.
    #[command(subcommand)]
    Account(AccountCommand),
    /// Devices.
    #[command(subcommand)]
    Device(DeviceCommand),
}

#[derive(clap::Subcommand)]
#[command(defer = true)]
pub enum AccountCommand {
    /// Add an account; its password comes from IMPISH_CLOUD_PASSWORD or a prompt.
    Add {
        name: String,
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
        /// The key that takes the account's devices out of production (random if not given).
        #[arg(long)]
        unbond_key: Option<String>,
    },
}

#[derive(clap::Subcommand)]
#[command(defer = true)]
pub enum DeviceCommand {
    /// Add an imp (as BlinkUp from the mobile app does); prints its device id.
    Add {
        #[arg(long, default_value = DEFAULT_DB)]
        db: String,
        /// imp005, imp004m, imp003, imp002 or imp001.
        #[arg(long = "type", default_value = "imp005")]
        imp_type: String,
        #[arg(long)]
        name: Option<String>,
        /// The account it joins (without one, the first to assign it claims it).
        #[arg(long)]
        account: Option<String>,
    },
}

pub fn run(command: &Command) -> ExitCode {
    match run_command(command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("impish cloud: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The password from IMPISH_CLOUD_PASSWORD, else one line of standard input.
fn password() -> Result<String, String> {
    if let Ok(password) = std::env::var("IMPISH_CLOUD_PASSWORD") {
        return Ok(password);
    }
    eprint!("Password: ");
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).map_err(|e| e.to_string())?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    match password.is_empty() {
        true => Err("an empty password".into()),
        false => Ok(password),
    }
}

/// Opens store connections that queue the webhooks they fire for one delivery thread,
/// so a request is answered without waiting for a webhook's receiver.
fn opener_with_webhooks(db: &str) -> Result<StoreOpener, String> {
    let queue = store::webhook_queue(db, || Box::new(HttpSink::new(WEBHOOK_TIMEOUT))).map_err(|e| e.to_string())?;
    let db = db.to_string();
    Ok(Arc::new(move || store::open(&db, Some(Delivery::Queued(queue.clone())))))
}

fn run_command(command: &Command) -> Result<(), String> {
    match command {
        Command::Serve { db, listen, token_lifetime } => {
            let serving = opener_with_webhooks(db)?;
            let cloud = serving().map_err(|e| e.to_string())?;
            let listener = Listener::bind(listen)?;
            eprintln!("impish cloud: serving the impCentral API at http://{}/v5 from {db}", listener.address());
            let source = db.clone();
            let opener: StoreOpener = Arc::new(move || store::open(&source, None));
            let server = Server::new(cloud, Duration::from_secs(*token_lifetime));
            let server = server.with_log_streams(opener.clone()).with_devices(Devices::start(opener));
            listener.serve(server, WORKERS, &serving)
        }
        Command::Account(AccountCommand::Add { name, db, unbond_key }) => {
            let mut cloud = store::open(db, None).map_err(|e| e.to_string())?;
            let password = password()?;
            let key = unbond_key.clone().unwrap_or_else(store::random_key);
            store::add_account(cloud.as_mut(), name, &password, &key).map_err(|e| e.to_string())?;
            println!("account {name} added; its unbond key is {key}");
            Ok(())
        }
        Command::Device(DeviceCommand::Add { db, imp_type, name, account }) => {
            let imp_type = ImpType::from_name(imp_type)
                .ok_or_else(|| format!("unknown imp type {imp_type:?}; expected one of {}", ImpType::names()))?;
            let mut cloud = store::open(db, None).map_err(|e| e.to_string())?;
            let account = match account {
                Some(name) => Some(
                    cloud.account_named(name).map_err(|e| e.to_string())?.ok_or(format!("no account {name:?}"))?.id,
                ),
                None => None,
            };
            let id =
                store::add_device(cloud.as_mut(), imp_type, name.as_deref(), account).map_err(|e| e.to_string())?;
            println!("{id}");
            Ok(())
        }
    }
}
