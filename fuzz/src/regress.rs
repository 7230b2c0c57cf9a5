//! Turning a minimised finding into a regression program, in the format
//! `tests/regressions/README.md` describes: `NAME.nut` (with a comment saying what it
//! once did wrong), `NAME.out` (the reference's stdout) and `NAME.err` (its uncaught
//! error, when there is one).

use std::path::{Path, PathBuf};

use crate::reference::Reference;
use crate::worker::REFERENCE_TIMEOUT;

/// How the imp profile's `impish run` prints a line the device printed (a boot at the
/// virtual clock's start).
const IMP_LOG_PREFIX: &str = "2026-01-01 00:00:00.000 +00:00 [Device] ";

/// Writes the finding in `finding` as `tests/regressions/PROFILE/NAME.*` under `root`;
/// returns the program's path.
pub fn write(finding: &Path, name: &str, sq: &Path, root: &Path) -> Result<PathBuf, String> {
    let read =
        |f: &str| std::fs::read_to_string(finding.join(f)).map_err(|e| format!("{}: {e}", finding.join(f).display()));
    let (case, repro, sig) = (read("case.txt")?, read("repro.nut")?, read("signature.txt")?);
    let profile = case.lines().find_map(|l| l.strip_prefix("profile ")).ok_or("case.txt names no profile")?.to_string();
    let program = format!("// Found by impish-fuzz, minimised; it once failed as:\n// {}\n{repro}", sig.trim());
    let reference = Reference::new(sq.to_path_buf(), REFERENCE_TIMEOUT).map_err(|e| e.to_string())?;
    let expected = reference.run(&program).ok_or("the reference crashed or timed out on the program")?;
    let error = expected.error_line();
    let stdout = String::from_utf8_lossy(&expected.stdout).into_owned();
    let out = match profile.as_str() {
        "imp" => {
            if error.is_some() {
                return Err("an imp regression must not end in an uncaught error (the imp restarts)".into());
            }
            stdout.lines().map(|l| format!("{IMP_LOG_PREFIX}{l}\n")).collect()
        }
        _ => stdout,
    };
    let dir = root.join("tests/regressions").join(&profile);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let nut = dir.join(format!("{name}.nut"));
    std::fs::write(&nut, &program).map_err(|e| e.to_string())?;
    std::fs::write(nut.with_extension("out"), out).map_err(|e| e.to_string())?;
    if let Some(line) = error {
        // A compile error names the file it was given: keep only the message.
        let message = line.split_once(") : ").map_or(line.as_str(), |(_, m)| m).to_string();
        std::fs::write(nut.with_extension("err"), format!("{message}\n")).map_err(|e| e.to_string())?;
    }
    Ok(nut)
}
