//! One module per subcommand, and what several of them share: reading a source file
//! (plain, or firmware through Builder) and naming a profile.

use impish_factory::builder::{BuilderError, Options, Preprocessor};
use impish_factory::imp::Firmware;
use std::io::Write;
use std::path::{Path, PathBuf};

pub mod bench;
pub mod build;
pub mod check;
pub mod cloud;
pub mod line;
pub mod run;
pub mod test;

// What every command that reads firmware takes for Builder: `--lib` folders. Firmware is
// always read through Builder as `impish test` reads it, from the current folder (its
// `libs/` folder and `.impish/` GitHub cache too; the test home for `test`, the line
// file's folder for `line`), so `@include`, `@set`, `@if` and `#require` work the same
// everywhere. (Not a doc comment: see `Command` in main.rs.)
#[derive(clap::Args, Default)]
pub struct SourceArgs {
    /// A folder of libraries for `#require` (`DIR/Name/1.2.3/Name.lib.nut`, `DIR/Name.lib.nut`
    /// or a checkout `DIR/Name/Name.lib.nut`) and of repository checkouts for `@include
    /// "github:OWNER/REPO/PATH"` (`DIR/REPO/PATH`); repeatable [also: libs/ in the current
    /// folder; in the test home for `impish test`, beside the line file for `impish line`].
    #[arg(long = "lib", value_name = "DIR")]
    pub libs: Vec<PathBuf>,
}

impl SourceArgs {
    /// The firmware in `path` through Builder; its `@warning`s go to stderr. Errors name
    /// the original file and line: a file that cannot be read is bad input, a Builder
    /// error in it (a missing include or library, `@error`) is firmware that failed.
    pub fn firmware(&self, path: &Path) -> Result<Firmware, Stop> {
        let preprocessor = Preprocessor::new(Options::project(Path::new(""), &self.libs));
        let (firmware, warnings) = preprocessor.firmware(path).map_err(|e| match e {
            BuilderError::EntryNotFound { .. } | BuilderError::Read { line: 0, .. } => Stop::BadInput(e.to_string()),
            e => Stop::Failed(e.to_string()),
        })?;
        for warning in warnings {
            eprintln!("{}:{}: warning: {}", warning.file, warning.line, warning.message);
        }
        Ok(firmware)
    }
}

/// A script's name (its path as given) and text (bytes that are not UTF-8 are
/// replaced: Squirrel source is read as text; a byte-order mark is not part of it).
pub fn read_source(path: &Path) -> Result<(String, String), String> {
    let name = path.display().to_string();
    match std::fs::read(path) {
        // The reference's file loader skips a UTF-8 byte-order mark.
        Ok(bytes) => {
            Ok((name, String::from_utf8_lossy(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes)).into_owned()))
        }
        Err(e) => Err(format!("{name}: cannot read: {e}")),
    }
}

/// Why a command stopped before its end, which decides its exit status.
pub enum Stop {
    /// What it ran failed (firmware that does not compile): exit 1.
    Failed(String),
    /// It was given something it cannot use: exit 2.
    BadInput(String),
}

impl From<String> for Stop {
    fn from(message: String) -> Stop {
        Stop::BadInput(message)
    }
}

impl Stop {
    /// Says why on stderr; the exit status.
    pub fn report(self) -> std::process::ExitCode {
        let (message, status) = match self {
            Stop::Failed(message) => (message, 1),
            Stop::BadInput(message) => (message, 2),
        };
        eprintln!("{message}");
        std::process::ExitCode::from(status)
    }
}

/// Writes `bytes` to `out`, standard output (see `stop_if_reader_gone`).
pub fn write_stdout(out: &mut dyn Write, bytes: &[u8]) {
    stop_if_reader_gone(out.write_all(bytes));
}

/// When standard output's reader has gone (`impish run x | head`), the process ends
/// quietly with the status a shell gives a process SIGPIPE ended (141), as the
/// reference `sq` ends; other write errors are ignored, as `sq` ignores them.
pub fn stop_if_reader_gone(written: std::io::Result<()>) {
    if written.is_err_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) {
        std::process::exit(141);
    }
}

/// `print!` that ends the process quietly when standard output's reader has gone.
pub fn print(text: &str) {
    write_stdout(&mut std::io::stdout().lock(), text.as_bytes());
}

/// `--profile`: which Squirrel to emulate.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ProfileArg {
    /// Stock Squirrel 3.2, as the reference `sq` (64-bit integers, libraries as globals).
    Squirrel,
    /// Electric Imp's Squirrel 3.0.4 (32-bit integers, `math.` namespace, no threads).
    Imp,
}

impl From<ProfileArg> for impish_vm::Profile {
    fn from(arg: ProfileArg) -> Self {
        match arg {
            ProfileArg::Squirrel => impish_vm::Profile::Squirrel,
            ProfileArg::Imp => impish_vm::Profile::Imp,
        }
    }
}

/// The longest `--for`: a thousand years of imp time is plenty, and keeps the clock
/// far from overflowing.
const MAX_SECONDS: f64 = 1000.0 * 365.0 * 86_400.0;

/// `60`, `60s`, `500ms`, `1.5m`, `2h` as seconds.
pub fn parse_duration(text: &str) -> Result<f64, String> {
    let (number, unit) = number_and_unit(text);
    let scale = match unit {
        "" | "s" => 1.0,
        "ms" => 0.001,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        _ => return Err(format!("{text:?}: unknown unit {unit:?} (use ms, s, m or h)")),
    };
    match number.parse::<f64>() {
        Ok(n) if n >= 0.0 && n * scale <= MAX_SECONDS => Ok(n * scale),
        _ => Err(format!("{text:?}: expected a duration >= 0, like 60, 90s or 5m")),
    }
}

/// `"90 s"` as `("90", "s")`: a quantity's number and the unit that follows it.
fn number_and_unit(text: &str) -> (&str, &str) {
    let t = text.trim();
    let (number, unit) = t.split_at(t.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(t.len()));
    (number.trim(), unit)
}

/// A byte count as people write it: `100000`, `100K`, `100KB`, `2M`, `1MiB` (K = 1024).
pub fn parse_bytes(text: &str) -> Result<usize, String> {
    let (number, unit) = number_and_unit(text);
    let n: usize = number.parse().map_err(|_| format!("{text:?} is not a byte count (e.g. 100K, 2M)"))?;
    let scale = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        _ => return Err(format!("{text:?}: unknown unit {unit:?} (use K, M or G)")),
    };
    n.checked_mul(scale).ok_or_else(|| format!("{text:?} is too large"))
}

#[cfg(test)]
mod tests {
    use super::{parse_bytes, parse_duration};

    #[test]
    fn byte_counts_with_units() {
        assert_eq!(parse_bytes("100000"), Ok(100_000));
        assert_eq!(parse_bytes("100K"), Ok(102_400));
        assert_eq!(parse_bytes("2MiB"), Ok(2 << 20));
        assert_eq!(parse_bytes("1 kb"), Ok(1024));
        assert!(parse_bytes("K").is_err());
        assert!(parse_bytes("12Q").unwrap_err().contains("unknown unit"));
    }

    #[test]
    fn durations_with_and_without_units() {
        assert_eq!(parse_duration("60"), Ok(60.0));
        assert_eq!(parse_duration("90s"), Ok(90.0));
        assert_eq!(parse_duration("500ms"), Ok(0.5));
        assert_eq!(parse_duration("1.5m"), Ok(90.0));
        assert_eq!(parse_duration("2h"), Ok(7200.0));
        assert!(parse_duration("-1").is_err());
        assert!(parse_duration("99999999999999999999999").is_err());
        assert!(parse_duration("5 days").unwrap_err().contains("unknown unit"));
    }
}
