//! The worker: a child process that runs a range of cases in-process, one after the
//! other, and tells the parent on stdout which case it starts (`B INDEX COMPARED
//! SKIPPED`, flushed, so that the case a crash interrupts is known) and what it found
//! (`F INDEX<tab>SIGNATURE`). The same check classifies one program for the minimiser.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use impish_vm::Profile;

use crate::case::{self, Mode};
use crate::exec::{self, Limits};
use crate::mutate::Corpus;
use crate::reference::{Reference, CASE_FILE};
use crate::verdict;

/// What checking one program concluded.
#[derive(Debug, PartialEq, Eq)]
pub enum Check {
    /// Nothing wrong (and nothing compared).
    Fine,
    /// Compared with the reference, and equal.
    Agreed,
    /// No comparison possible (we hit a limit, or the reference crashed or timed out).
    Skipped,
    Finding(String),
}

/// How long the reference may take on one program.
pub const REFERENCE_TIMEOUT: Duration = Duration::from_secs(5);

/// Runs `source` in-process and, given a reference, compares.
pub fn check(profile: Profile, source: &str, limits: &Limits, reference: Option<&Reference>) -> Check {
    let ours = exec::run(profile, source, CASE_FILE, *limits);
    if let Some(sig) = verdict::panic_signature(&ours) {
        return Check::Finding(sig);
    }
    let Some(reference) = reference else { return Check::Fine };
    if ours.hit_limit(limits) {
        return Check::Skipped;
    }
    match reference.run(source) {
        None => Check::Skipped,
        Some(theirs) => match verdict::compare(profile, &ours, &theirs, limits) {
            Some(sig) if verdict::deliberate(&sig) => Check::Skipped,
            Some(sig) => Check::Finding(sig),
            None => Check::Agreed,
        },
    }
}

/// A worker's share of a campaign.
pub struct Job {
    pub mode: Mode,
    pub profile: Profile,
    pub seed: u64,
    pub from: u64,
    pub to: u64,
    pub limits: Limits,
    pub sq: Option<PathBuf>,
    pub root: PathBuf,
}

/// Runs the job's cases, reporting on stdout.
pub fn work(job: &Job) -> std::io::Result<()> {
    exec::quiet_panics();
    let corpus = match job.mode {
        Mode::Mutate => Corpus::load(&job.root),
        _ => Corpus { programs: Vec::new() },
    };
    let reference = match (&job.sq, job.mode) {
        (Some(sq), Mode::Diff) => Some(Reference::new(sq.clone(), REFERENCE_TIMEOUT)?),
        _ => None,
    };
    let mut out = std::io::stdout().lock();
    let (mut agreed, mut skipped) = (0u64, 0u64);
    for index in job.from..job.to {
        writeln!(out, "B {index} {agreed} {skipped}")?;
        out.flush()?;
        let source = case::source(job.mode, job.profile, job.seed, index, &corpus);
        match check(job.profile, &source, &job.limits, reference.as_ref()) {
            Check::Fine => {}
            Check::Agreed => agreed += 1,
            Check::Skipped => skipped += 1,
            Check::Finding(sig) => writeln!(out, "F {index}\t{sig}")?,
        }
    }
    writeln!(out, "E {} {agreed} {skipped}", job.to)?;
    out.flush()
}
