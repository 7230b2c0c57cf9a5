//! The line description: one TOML file that says what a simulated assembly line runs
//! (fixture, DUT firmware per stage, application), who works it (the operator's timing),
//! what the units are made of (the board and the faulty fraction of the population),
//! what the cloud does wrong, and the seed that makes a run reproducible.
//!
//! The format is documented in `samples/factory/README.md` (`line.toml`). Every mistake
//! is a `LineError` naming the file and the line: toml's spans give the line of a
//! syntax or type error, `Spanned` fields the line of a value that is well-formed but
//! wrong (a missing firmware file, a pin the board does not have). Firmware is read and
//! compiled here, once, so a compile error names the firmware file and its line before
//! any unit is built.

use crate::builder::{BuilderError, Options, Preprocessor};
use crate::cloud::{ContentType, WebhookEvent};
use crate::imp::board::Board;
use crate::imp::identity::ImpType;
use crate::imp::Firmware;
use crate::timing::FactoryTiming;
use serde::{Deserialize, Deserializer};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;
use toml::Spanned;

/// A line file that cannot be run, and why.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    #[error("{file}: cannot read: {why}")]
    Unreadable { file: String, why: String },
    /// Something wrong at a line of the line file.
    #[error("{file}:{line}: {message}")]
    At { file: String, line: usize, message: String },
    /// A firmware file that does not compile (the compiler's message names its line).
    #[error("{0}")]
    Firmware(String),
    /// Faults that cannot all be given to the line's units.
    #[error("{file}: {message}")]
    Population { file: String, message: String },
    /// The cloud or the world refused to set the line up (or to run it).
    #[error("cannot run the line: {0}")]
    SetUp(String),
}

/// A line, checked and with its firmware loaded.
#[derive(Clone, Debug)]
pub struct LineDescription {
    /// The file it came from, as given.
    pub file: String,
    pub product: String,
    pub duts: usize,
    pub seed: u64,
    pub load_code_after_blessing: bool,
    /// Test-zone groups (pre-factory, pre-DUT, pre-production) instead of real ones.
    pub test_zone: bool,
    pub stages: Vec<Stage>,
    pub application: Code,
    pub operator: Operator,
    pub board: BoardSpec,
    pub population: Vec<Fault>,
    pub cloud: CloudFaults,
    pub webhooks: Vec<WebhookSpec>,
    /// How long the factory's steps take (`[timing]`).
    pub timing: FactoryTiming,
}

/// Device and agent firmware, named by their files.
#[derive(Clone, Debug)]
pub struct Code {
    pub device: Firmware,
    pub agent: Firmware,
}

/// One station of the line: its fixture's firmware and the DUT firmware its DUT group runs.
#[derive(Clone, Debug)]
pub struct Stage {
    pub name: String,
    pub fixture: Code,
    pub dut: Code,
    /// The fixture's button, pressed by the operator.
    pub button: String,
}

/// How the operator works, in seconds.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Operator {
    /// From placing a unit in the fixture to pressing the button.
    pub press_after: Seconds,
    /// How long the button is held down.
    pub hold: Seconds,
    /// Up to this much longer before each press, at random.
    pub jitter: Seconds,
    /// Contact bounces before the button settles (5 ms apart), to exercise debouncing.
    pub bounces: u32,
    /// Pressed again when the unit has not started receiving BlinkUp after this long.
    pub retry_after: Seconds,
    /// Presses per unit and stage before the operator gives up on BlinkUp.
    pub presses: u32,
    /// A unit that has not reported its result this long after the first press is taken
    /// off the line as failed.
    pub give_up_after: Seconds,
    /// Taking a unit out and putting the next one in.
    pub swap: Seconds,
}

impl Default for Operator {
    fn default() -> Operator {
        Operator {
            press_after: Seconds::from_secs(2.0),
            hold: Seconds::from_secs(0.2),
            jitter: Seconds::from_secs(0.5),
            bounces: 0,
            retry_after: Seconds::from_secs(12.0),
            presses: 3,
            give_up_after: Seconds::from_secs(60.0),
            swap: Seconds::from_secs(3.0),
        }
    }
}

/// Every unit's hardware, before faults.
#[derive(Clone, Debug)]
pub struct BoardSpec {
    pub imp_type: ImpType,
    /// The test jig's wires: (driving pin, driven pin).
    pub wires: Vec<(String, String)>,
    pub parts: Vec<I2cPart>,
}

/// A register-map device on an I2C bus (a sensor, an EEPROM).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct I2cPart {
    /// The name faults refer to.
    pub part: String,
    pub bus: String,
    /// 8-bit address, as the imp API takes it.
    pub address: u8,
    /// (register, value) pairs.
    #[serde(default)]
    pub registers: Vec<(u8, u8)>,
}

/// A fraction of the units built with one defect.
#[derive(Clone, Debug)]
pub struct Fault {
    /// How the report names it ("dead sensor").
    pub name: String,
    /// round(fraction × duts) units have it, chosen with the seed.
    pub fraction: f64,
    pub defect: Defect,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Defect {
    /// The part is not fitted (or dead): it never answers on its bus.
    RemovePart(String),
    /// The pin's wire is held at a level whatever drives it.
    StickPin { pin: String, level: f32 },
    /// The part's registers hold other values (a sensor reading out of range).
    SetRegisters { part: String, registers: Vec<(u8, u8)> },
}

/// What the cloud and the network do wrong, as fractions of the units.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CloudFaults {
    /// Units whose (last stage's) bless request the cloud fails.
    pub bless_failures: Fraction,
    /// Units whose connection drops once while they test.
    pub dropped_connections: Fraction,
    /// How long a dropped connection stays down.
    pub drop_for: Seconds,
    /// POST fired webhooks to their URLs (otherwise they are only recorded).
    pub deliver_webhooks: bool,
}

impl Default for CloudFaults {
    fn default() -> CloudFaults {
        CloudFaults {
            bless_failures: Fraction(0.0),
            dropped_connections: Fraction(0.0),
            drop_for: Seconds::from_secs(5.0),
            deliver_webhooks: false,
        }
    }
}

/// A webhook on the production device group.
#[derive(Clone, Debug)]
pub struct WebhookSpec {
    pub event: WebhookEvent,
    pub url: String,
    pub content_type: ContentType,
}

/// A non-negative, finite number of seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Seconds(pub Duration);

impl Seconds {
    fn from_secs(secs: f64) -> Seconds {
        Seconds(Duration::from_secs_f64(secs))
    }
}

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Seconds, D::Error> {
        let secs = f64::deserialize(deserializer)?;
        if !(secs.is_finite() && (0.0..=1e9).contains(&secs)) {
            return Err(serde::de::Error::custom(format!("{secs} is not a number of seconds (0 or more)")));
        }
        Ok(Seconds::from_secs(secs))
    }
}

/// A fraction of the units, 0 to 1.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Fraction(pub f64);

impl<'de> Deserialize<'de> for Fraction {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Fraction, D::Error> {
        let value = f64::deserialize(deserializer)?;
        if !(0.0..=1.0).contains(&value) {
            return Err(serde::de::Error::custom(format!("{value} is not a fraction (0.0 to 1.0; 3% is 0.03)")));
        }
        Ok(Fraction(value))
    }
}

// The file as written. Paths are relative to the line file.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLine {
    product: String,
    duts: Count,
    #[serde(default)]
    seed: u64,
    #[serde(default = "yes")]
    load_code_after_blessing: bool,
    #[serde(default)]
    test_zone: bool,
    fixture: RawFixture,
    #[serde(rename = "stage")]
    stages: Spanned<Vec<RawStage>>,
    application: RawCode,
    #[serde(default)]
    operator: Operator,
    #[serde(default)]
    board: RawBoard,
    #[serde(default, rename = "population")]
    population: Vec<Spanned<RawFault>>,
    #[serde(default)]
    cloud: CloudFaults,
    #[serde(default, rename = "webhook")]
    webhooks: Vec<RawWebhook>,
    #[serde(default)]
    timing: RawTiming,
}

/// `[timing]`: the factory's delays in seconds, each stretched at random by up to
/// `jitter` of itself; absent keys keep `FactoryTiming`'s defaults.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawTiming {
    token: Option<Seconds>,
    connect: Option<Seconds>,
    enrol: Option<Seconds>,
    download: Option<Seconds>,
    bless: Option<Seconds>,
    application_restart: Option<Seconds>,
    jitter: Option<Fraction>,
    dut_agent_lifetime: Option<Seconds>,
    agent_lifetime: Option<Seconds>,
}

impl RawTiming {
    fn timing(&self) -> FactoryTiming {
        let d = FactoryTiming::default();
        let or = |value: Option<Seconds>, default| value.map_or(default, |s| s.0);
        FactoryTiming {
            token: or(self.token, d.token),
            connect: or(self.connect, d.connect),
            enrol: or(self.enrol, d.enrol),
            download: or(self.download, d.download),
            bless: or(self.bless, d.bless),
            application_restart: or(self.application_restart, d.application_restart),
            jitter: self.jitter.map_or(d.jitter, |f| f.0),
            dut_agent_lifetime: or(self.dut_agent_lifetime, d.dut_agent_lifetime),
            agent_lifetime: or(self.agent_lifetime, d.agent_lifetime),
        }
    }
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCode {
    device: Spanned<String>,
    agent: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFixture {
    device: Spanned<String>,
    agent: Option<Spanned<String>>,
    #[serde(default = "default_button")]
    button: Spanned<String>,
}

fn default_button() -> Spanned<String> {
    Spanned::new(0..0, "pinC".into())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStage {
    name: Option<Spanned<String>>,
    device: Spanned<String>,
    agent: Option<Spanned<String>>,
    /// This stage's own fixture firmware (by default the line's).
    fixture: Option<RawFixture>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBoard {
    #[serde(rename = "type")]
    imp_type: Spanned<String>,
    #[serde(default)]
    wires: Vec<Spanned<(String, String)>>,
    #[serde(default)]
    i2c: Vec<Spanned<I2cPart>>,
}

impl Default for RawBoard {
    fn default() -> RawBoard {
        RawBoard { imp_type: Spanned::new(0..0, "imp005".into()), wires: Vec::new(), i2c: Vec::new() }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFault {
    fault: String,
    fraction: Fraction,
    remove_part: Option<String>,
    stick_pin: Option<RawStick>,
    set_registers: Option<RawSetRegisters>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStick {
    pin: String,
    level: u8,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSetRegisters {
    part: String,
    registers: Vec<(u8, u8)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWebhook {
    event: RawEvent,
    url: String,
    #[serde(default)]
    content_type: RawContentType,
}

#[derive(Deserialize)]
#[serde(rename_all = "lowercase")]
enum RawEvent {
    Blessing,
    Blinkup,
    Deployment,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "lowercase")]
enum RawContentType {
    #[default]
    Json,
    Form,
}

/// A file's text, or why it cannot be read.
fn read(path: &Path) -> Result<(String, String), LineError> {
    let file = path.display().to_string();
    match std::fs::read_to_string(path) {
        Ok(text) => Ok((file, text)),
        Err(e) => Err(LineError::Unreadable { file, why: e.to_string() }),
    }
}

/// Reads, checks and loads a line file.
pub fn load(path: &Path) -> Result<LineDescription, LineError> {
    load_with_libraries(path, &[])
}

/// [`load`], with library folders searched first for the firmware's `#require`s and
/// `github:` checkouts (`impish line --lib`).
pub fn load_with_libraries(path: &Path, libs: &[PathBuf]) -> Result<LineDescription, LineError> {
    let (file, text) = read(path)?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    parse_with_libraries(&text, &file, &base, libs)
}

/// A board file (`impish run --board FILE`): one imp's hardware, as the `[board]` table
/// of a line file describes every unit's.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBoardFile {
    board: RawBoard,
}

/// Reads and checks a board file.
pub fn load_board(path: &Path) -> Result<BoardSpec, LineError> {
    let (file, text) = read(path)?;
    parse_board(&text, &file)
}

/// Checks a board file's `text`.
pub fn parse_board(text: &str, file: &str) -> Result<BoardSpec, LineError> {
    let here = Locator { file, text, base: Path::new(""), libs: &[] };
    let raw: RawBoardFile = here.toml(text)?;
    board_spec(&here, &raw.board).map(|(spec, _)| spec)
}

/// Checks and loads a line file's `text`; firmware paths are relative to `base`.
pub fn parse(text: &str, file: &str, base: &Path) -> Result<LineDescription, LineError> {
    parse_with_libraries(text, file, base, &[])
}

fn parse_with_libraries(text: &str, file: &str, base: &Path, libs: &[PathBuf]) -> Result<LineDescription, LineError> {
    let here = Locator { file, text, base, libs };
    let raw: RawLine = here.toml(text)?;
    if raw.stages.get_ref().is_empty() {
        return Err(here.error(raw.stages.span(), "a line needs at least one [[stage]]".into()));
    }
    let (board, check) = board_spec(&here, &raw.board)?;
    let fixture_button = raw.fixture.button.clone();
    let default_fixture = here.fixture(&raw.fixture)?;
    let stage_count = raw.stages.get_ref().len();
    let mut stages = Vec::new();
    for (index, stage) in raw.stages.into_inner().into_iter().enumerate() {
        let (fixture, button) = match &stage.fixture {
            Some(own) => (here.fixture(own)?, own.button.clone()),
            None => (default_fixture.clone(), fixture_button.clone()),
        };
        let fixture_board = Board::new(ImpType::Imp005);
        if fixture_board.pin(button.get_ref()).is_none() {
            return Err(here.error(button.span(), format!("the fixture (an imp005) has no pin {:?}", button.get_ref())));
        }
        let default_name = if stage_count == 1 { "test".to_string() } else { format!("stage {}", index + 1) };
        let name = stage.name.as_ref().map_or(default_name, |n| n.get_ref().clone());
        if let Some(spanned) = stage.name.as_ref().filter(|_| stages.iter().any(|s: &Stage| s.name == name)) {
            return Err(here.error(spanned.span(), format!("two stages are named {name:?}")));
        }
        stages.push(Stage {
            name,
            fixture,
            dut: here.code(&stage.device, stage.agent.as_ref())?,
            button: button.into_inner(),
        });
    }
    let population = raw.population.iter().map(|f| here.fault(f, &board, &check)).collect::<Result<Vec<_>, _>>()?;
    let webhooks = raw
        .webhooks
        .into_iter()
        .map(|w| WebhookSpec {
            event: match w.event {
                RawEvent::Blessing => WebhookEvent::Blessing,
                RawEvent::Blinkup => WebhookEvent::Blinkup,
                RawEvent::Deployment => WebhookEvent::Deployment,
            },
            url: w.url,
            content_type: match w.content_type {
                RawContentType::Json => ContentType::Json,
                RawContentType::Form => ContentType::Form,
            },
        })
        .collect();
    Ok(LineDescription {
        file: file.into(),
        product: raw.product,
        duts: raw.duts.0,
        seed: raw.seed,
        load_code_after_blessing: raw.load_code_after_blessing,
        test_zone: raw.test_zone,
        stages,
        application: here.code(&raw.application.device, raw.application.agent.as_ref())?,
        operator: raw.operator,
        board,
        population,
        cloud: raw.cloud,
        webhooks,
        timing: raw.timing.timing(),
    })
}

/// The board as the line (or board) file describes it, every name checked against the
/// imp type's own pins and buses (`Board::new` of that type), and that board.
fn board_spec(here: &Locator, raw: &RawBoard) -> Result<(BoardSpec, Board), LineError> {
    let imp_type = ImpType::from_name(raw.imp_type.get_ref()).ok_or_else(|| {
        let message = format!("unknown imp type {:?} (expected {})", raw.imp_type.get_ref(), ImpType::names());
        here.error(raw.imp_type.span(), message)
    })?;
    let mut check = Board::new(imp_type);
    let mut wires = Vec::new();
    for wire in &raw.wires {
        let (from, to) = wire.get_ref();
        for pin in [from, to] {
            if check.pin(pin).is_none() {
                return Err(here.error(wire.span(), format!("an {} has no pin {pin:?}", imp_type.name())));
            }
        }
        wires.push((from.clone(), to.clone()));
    }
    let mut parts: Vec<I2cPart> = Vec::new();
    for part in &raw.i2c {
        let p = part.get_ref();
        if check.i2c_bus(&p.bus).is_none() {
            return Err(here.error(part.span(), format!("an {} has no I2C bus {:?}", imp_type.name(), p.bus)));
        }
        if parts.iter().any(|other| other.part == p.part) {
            return Err(here.error(part.span(), format!("two parts are named {:?}", p.part)));
        }
        if let Some(other) = parts.iter().find(|other| other.bus == p.bus && other.address == p.address) {
            let message = format!("{:?} and {:?} both answer at 0x{:02X} on {}", other.part, p.part, p.address, p.bus);
            return Err(here.error(part.span(), message));
        }
        parts.push(p.clone());
    }
    Ok((BoardSpec { imp_type, wires, parts }, check))
}

/// A count of things: a whole number, 1 or more.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Count(usize);

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Count, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Count;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a whole number ≥ 1")
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Count, E> {
                match usize::try_from(n) {
                    Ok(n) if n >= 1 => Ok(Count(n)),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Signed(n), &self)),
                }
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// toml's message with Rust's type names (`expected u32`) in words.
fn in_words(message: &str) -> String {
    let mut message = message.trim_end().to_string();
    for (rust, words) in [
        ("expected u8", "expected a whole number from 0 to 255"),
        ("expected u32", "expected a whole number ≥ 0"),
        ("expected u64", "expected a whole number ≥ 0"),
        ("expected usize", "expected a whole number ≥ 0"),
        ("expected f64", "expected a number"),
    ] {
        if message.ends_with(rust) {
            message = format!("{}{words}", &message[..message.len() - rust.len()]);
        }
    }
    message
}

/// Turns spans into line numbers and paths into loaded firmware.
struct Locator<'a> {
    file: &'a str,
    text: &'a str,
    base: &'a Path,
    /// Library folders for the firmware, before the line file's folder's `libs`.
    libs: &'a [PathBuf],
}

impl Locator<'_> {
    /// The file's TOML as `T`; a syntax or type error names its line.
    fn toml<T: serde::de::DeserializeOwned>(&self, text: &str) -> Result<T, LineError> {
        toml::from_str(text).map_err(|e| {
            let line = e.span().map_or(1, |span| self.line_of(&span));
            LineError::At { file: self.file.into(), line, message: in_words(e.message()) }
        })
    }

    fn line_of(&self, span: &Range<usize>) -> usize {
        let end = span.start.min(self.text.len());
        self.text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
    }

    fn error(&self, span: Range<usize>, message: String) -> LineError {
        LineError::At { file: self.file.into(), line: self.line_of(&span), message }
    }

    fn fixture(&self, raw: &RawFixture) -> Result<Code, LineError> {
        self.code(&raw.device, raw.agent.as_ref())
    }

    /// Device and agent firmware (no agent file: an empty agent), read and compiled.
    fn code(&self, device: &Spanned<String>, agent: Option<&Spanned<String>>) -> Result<Code, LineError> {
        let device = self.firmware(device)?;
        let agent = match agent {
            Some(agent) => self.firmware(agent)?,
            None => Firmware { name: format!("{} (no agent code)", device.name), source: String::new() },
        };
        Ok(Code { device, agent })
    }

    /// A firmware file through Builder, as every command reads firmware (the line file's
    /// folder is Builder's working directory), then compiled to find its errors now.
    fn firmware(&self, path: &Spanned<String>) -> Result<Firmware, LineError> {
        let full: PathBuf = self.base.join(path.get_ref());
        let preprocessor = Preprocessor::new(Options::project(self.base, self.libs));
        let (firmware, _) = preprocessor.firmware(&full).map_err(|e| match e {
            BuilderError::EntryNotFound { .. } | BuilderError::Read { line: 0, .. } => {
                self.error(path.span(), format!("cannot read firmware {}: {e}", full.display()))
            }
            e => LineError::Firmware(e.to_string()),
        })?;
        let mut vm = impish_vm::Vm::new(impish_vm::Profile::Imp);
        vm.compile(&firmware.source, &firmware.name).map_err(|e| LineError::Firmware(e.to_string()))?;
        Ok(firmware)
    }

    fn fault(&self, raw: &Spanned<RawFault>, board: &BoardSpec, check: &Board) -> Result<Fault, LineError> {
        let f = raw.get_ref();
        let fail = |message: String| self.error(raw.span(), format!("fault {:?}: {message}", f.fault));
        let part = |name: &str| {
            let known: Vec<&str> = board.parts.iter().map(|p| p.part.as_str()).collect();
            match known.contains(&name) {
                true => Ok(()),
                false => Err(fail(format!("the board has no part {name:?} (its [[board.i2c]] parts: {known:?})"))),
            }
        };
        let mut defects = Vec::new();
        if let Some(name) = &f.remove_part {
            part(name)?;
            defects.push(Defect::RemovePart(name.clone()));
        }
        if let Some(stick) = &f.stick_pin {
            if check.pin(&stick.pin).is_none() {
                return Err(fail(format!("an {} has no pin {:?}", board.imp_type.name(), stick.pin)));
            }
            if stick.level > 1 {
                return Err(fail(format!("a pin sticks at level 0 or 1, not {}", stick.level)));
            }
            defects.push(Defect::StickPin { pin: stick.pin.clone(), level: f32::from(stick.level) });
        }
        if let Some(set) = &f.set_registers {
            part(&set.part)?;
            defects.push(Defect::SetRegisters { part: set.part.clone(), registers: set.registers.clone() });
        }
        match <[Defect; 1]>::try_from(defects) {
            Ok([defect]) => Ok(Fault { name: f.fault.clone(), fraction: f.fraction.0, defect }),
            Err(_) => Err(fail("give exactly one of remove_part, stick_pin or set_registers".into())),
        }
    }
}

impl fmt::Display for Defect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Defect::RemovePart(part) => write!(f, "{part} missing"),
            Defect::StickPin { pin, level } => write!(f, "{pin} stuck at {level}"),
            Defect::SetRegisters { part, registers } => write!(f, "{part} registers {registers:02x?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIRMWARE: &str = r#"
product = "Widget"
duts = 4
[fixture]
device = "fixture.device.nut"
[[stage]]
device = "dut.device.nut"
[application]
device = "app.device.nut"
"#;

    /// A folder of this thread's (tests run in parallel) with three small firmware
    /// files and a broken one, for line files to name.
    fn folder() -> PathBuf {
        let thread = format!("{:?}", std::thread::current().id()).replace(|c: char| !c.is_ascii_digit(), "");
        let dir = std::env::temp_dir().join(format!("impish-line-description-{}-{thread}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        for (name, source) in
            [("fixture.device.nut", "server.log(1);"), ("dut.device.nut", "local x = 1;"), ("app.device.nut", "")]
        {
            std::fs::write(dir.join(name), source).expect("firmware");
        }
        std::fs::write(dir.join("broken.device.nut"), "local x = 1;\nlocal y = ;\n").expect("firmware");
        dir
    }

    fn error(text: &str) -> String {
        parse(text, "line.toml", &folder()).map(|_| ()).expect_err("an error").to_string()
    }

    #[test]
    fn a_minimal_line_gets_the_defaults() {
        let line = parse(FIRMWARE, "line.toml", &folder()).expect("line");
        assert_eq!((line.duts, line.seed, line.load_code_after_blessing), (4, 0, true));
        assert_eq!(line.stages.len(), 1);
        assert_eq!(line.stages[0].button, "pinC");
        assert_eq!(line.operator.swap, Seconds::from_secs(3.0));
        assert!(line.stages[0].dut.agent.source.is_empty());
    }

    #[test]
    fn timing_keys_override_the_defaults_and_are_checked() {
        let text = format!("{FIRMWARE}\n[timing]\nconnect = 7.5\njitter = 0.1\ndut_agent_lifetime = 3600\n");
        let timing = parse(&text, "line.toml", &folder()).expect("line").timing;
        let default = FactoryTiming::default();
        assert_eq!(timing.connect, Duration::from_millis(7500));
        assert_eq!((timing.jitter, timing.dut_agent_lifetime), (0.1, Duration::from_secs(3600)));
        assert_eq!((timing.enrol, timing.application_restart), (default.enrol, Duration::from_secs(2)));
        assert!(
            error(&format!("{FIRMWARE}\n[timing]\nconect = 1\n")).starts_with("line.toml:12: unknown field `conect`")
        );
        assert!(error(&format!("{FIRMWARE}\n[timing]\njitter = 2\n")).starts_with("line.toml:12: 2 is not a fraction"));
    }

    #[test]
    fn a_stage_may_have_its_own_fixture_and_button() {
        let text = format!("{FIRMWARE}[stage.fixture]\ndevice = \"app.device.nut\"\nbutton = \"pinH\"\n");
        let text = text.replace("[application]\ndevice = \"app.device.nut\"\n", "");
        let text = format!("{text}[application]\ndevice = \"app.device.nut\"\n");
        let line = parse(&text, "line.toml", &folder()).expect("line");
        assert_eq!(line.stages[0].button, "pinH");
        assert!(line.stages[0].fixture.device.name.ends_with("app.device.nut"));
        let bad = text.replace("pinH", "pinZZ");
        assert_eq!(error(&bad), "line.toml:10: the fixture (an imp005) has no pin \"pinZZ\"");
    }

    #[test]
    fn syntax_and_type_errors_name_the_line() {
        assert_eq!(
            error(&FIRMWARE.replace("duts = 4", "duts = \"four\"")),
            "line.toml:3: invalid type: string \"four\", expected a whole number ≥ 1"
        );
        let bounces = error(&format!("{FIRMWARE}\n[operator]\nbounces = 1.5\n"));
        assert_eq!(bounces, "line.toml:12: invalid type: floating point `1.5`, expected a whole number ≥ 0");
        assert!(error(&format!("{FIRMWARE}\n[operator]\nswap = -1\n"))
            .starts_with("line.toml:12: -1 is not a number of seconds"));
        assert!(error(&format!("{FIRMWARE}\n[operator]\nswop = 1\n")).starts_with("line.toml:12: unknown field `swop`"));
        assert!(error("product = ").starts_with("line.toml:1: "));
    }

    #[test]
    fn wrong_values_name_their_line() {
        assert_eq!(
            error(&FIRMWARE.replace("duts = 4", "duts = 0")),
            "line.toml:3: invalid value: integer `0`, expected a whole number ≥ 1"
        );
        let missing = error(&FIRMWARE.replace("dut.device.nut", "nope.nut"));
        assert!(missing.starts_with("line.toml:7: cannot read firmware "), "{missing}");
        let fault = format!("{FIRMWARE}\n[[population]]\nfault = \"x\"\nfraction = 0.1\nremove_part = \"sensor\"\n");
        let fault = error(&fault);
        assert!(fault.starts_with("line.toml:11: fault \"x\": the board has no part \"sensor\""), "{fault}");
        let wire = format!("{FIRMWARE}\n[board]\ntype = \"imp005\"\nwires = [[\"pinA\", \"pin9\"]]\n");
        assert_eq!(error(&wire), "line.toml:13: an imp005 has no pin \"pin9\"");
        let twice = format!("{FIRMWARE}\n[[stage]]\nname = \"test\"\ndevice = \"dut.device.nut\"\n");
        let twice = twice.replace("[[stage]]\ndevice", "[[stage]]\nname = \"test\"\ndevice");
        assert_eq!(error(&twice), "line.toml:13: two stages are named \"test\"");
        let fraction = format!("{FIRMWARE}\n[cloud]\nbless_failures = 3\n");
        assert!(error(&fraction).starts_with("line.toml:12: 3 is not a fraction"));
    }

    /// `impish run --board`: a line file's `[board]` table alone, its names checked
    /// against the imp type's pins and buses.
    #[test]
    fn a_board_file_is_a_board_table() {
        let text = "[board]\ntype = \"imp005\"\nwires = [[\"pinA\", \"pinB\"]]\n\
                    [[board.i2c]]\npart = \"s\"\nbus = \"i2cJK\"\naddress = 0xBE\n";
        let board = parse_board(text, "b.toml").expect("board");
        assert_eq!((board.imp_type, board.wires.len(), board.parts[0].address), (ImpType::Imp005, 1, 0xBE));
        let bad = |text: String| parse_board(&text, "b.toml").map(|_| ()).expect_err("an error").to_string();
        assert_eq!(bad(text.replace("i2cJK", "i2cZ")), "b.toml:4: an imp005 has no I2C bus \"i2cZ\"");
        assert_eq!(bad(text.replace("imp005", "imp001")), "b.toml:3: an imp001 has no pin \"pinA\"");
        assert_eq!(
            bad(text.replace("0xBE", "300")),
            "b.toml:7: invalid value: integer `300`, expected a whole number from 0 to 255"
        );
        assert!(bad(format!("{text}duts = 3\n")).contains("unknown field `duts`"));
        let twice = format!("{text}[[board.i2c]]\npart = \"t\"\nbus = \"i2cJK\"\naddress = 0xBE\n");
        assert_eq!(bad(twice), "b.toml:8: \"s\" and \"t\" both answer at 0xBE on i2cJK");
    }

    /// The board's names are checked against its type's table (`imp::imp_type`).
    #[test]
    fn every_imp_types_names_are_valid_on_its_board() {
        let board = |body: &str| format!("{FIRMWARE}\n[board]\n{body}\n");
        let imp006 = board("type = \"imp006\"\nwires = [[\"pinXW\", \"pinYN\"]]\n[[board.i2c]]\npart = \"s\"\nbus = \"i2cTU\"\naddress = 0x40");
        let line = parse(&imp006, "line.toml", &folder()).expect("a valid imp006 board");
        assert_eq!(line.board.imp_type, ImpType::Imp006);
        assert_eq!(
            error(&board("type = \"imp006\"\nwires = [[\"pinYP\", \"pinA\"]]")),
            "line.toml:13: an imp006 has no pin \"pinYP\""
        );
        let bus = board("type = \"impC001\"\n[[board.i2c]]\npart = \"s\"\nbus = \"i2c0\"\naddress = 0x40");
        assert_eq!(error(&bus), "line.toml:13: an impC001 has no I2C bus \"i2c0\"");
        assert!(error(&board("type = \"imp007\""))
            .contains("(expected imp001, imp002, imp003, imp004m, imp005, imp006 or impC001)"));
    }

    #[test]
    fn firmware_that_does_not_compile_names_its_file_and_line() {
        let message = error(&FIRMWARE.replace("dut.device.nut", "broken.device.nut"));
        assert!(message.contains("broken.device.nut"), "{message}");
        assert!(message.contains(":2"), "{message}");
    }
}
