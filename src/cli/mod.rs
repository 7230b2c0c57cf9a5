//! One module per subcommand, and what several of them share: reading a source file
//! and naming a profile.

use std::path::Path;

pub mod bench;
pub mod check;
pub mod line;
pub mod run;
pub mod test;

/// A script's name (its path as given) and text (bytes that are not UTF-8 are
/// replaced: Squirrel source is read as text).
pub fn read_source(path: &Path) -> Result<(String, String), String> {
    let name = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => Ok((name, String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) => Err(format!("{name}: cannot read: {e}")),
    }
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

/// A byte count as people write it: `100000`, `100K`, `100KB`, `2M`, `1MiB` (K = 1024).
pub fn parse_bytes(text: &str) -> Result<usize, String> {
    let t = text.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let n: usize = number.parse().map_err(|_| format!("{text:?} is not a byte count (e.g. 100K, 2M)"))?;
    let scale = match unit.trim().to_ascii_uppercase().as_str() {
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
    use super::parse_bytes;

    #[test]
    fn byte_counts_with_units() {
        assert_eq!(parse_bytes("100000"), Ok(100_000));
        assert_eq!(parse_bytes("100K"), Ok(102_400));
        assert_eq!(parse_bytes("2MiB"), Ok(2 << 20));
        assert_eq!(parse_bytes("1 kb"), Ok(1024));
        assert!(parse_bytes("K").is_err());
        assert!(parse_bytes("12Q").unwrap_err().contains("unknown unit"));
    }
}
