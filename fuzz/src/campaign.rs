//! The parent of a campaign: runs cases in a worker process, notices when the worker
//! dies (an abort: the case it was running) or stops reporting (a hang), restarts it at
//! the next case, minimises each new failure signature once and writes the findings.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use impish_vm::Profile;

use crate::case::{self, Mode};
use crate::exec::Limits;
use crate::gen;
use crate::minimise::minimise;
use crate::mutate::Corpus;
use crate::reference::run_with_timeout;
use crate::verdict;

/// Candidates at most per mismatch (each runs impish and `sq`: about 10 ms).
const MISMATCH_TRIES: usize = 400;

/// A campaign's settings.
pub struct Campaign {
    pub mode: Mode,
    pub profile: Profile,
    pub seed: u64,
    /// First case index (to resume or split a campaign).
    pub start: u64,
    pub cases: Option<u64>,
    pub minutes: Option<f64>,
    pub limits: Limits,
    pub sq: Option<PathBuf>,
    pub root: PathBuf,
    pub findings: PathBuf,
    /// Wall-clock time one case may take before it counts as a hang.
    pub timeout: Duration,
    /// Candidates the minimiser may try per finding.
    pub tries: usize,
}

/// One failure signature: how often it occurred and its minimised program.
pub struct Group {
    pub count: u64,
    pub first: u64,
    pub dir: PathBuf,
    pub repro: String,
}

/// What a campaign did.
#[derive(Default)]
pub struct Report {
    pub executions: u64,
    pub agreed: u64,
    pub skipped: u64,
    pub restarts: u64,
    pub elapsed: Duration,
    pub groups: BTreeMap<String, Group>,
}

impl Report {
    /// Findings that are bugs whatever the reference does: panics (internal errors
    /// included), aborts and hangs.
    pub fn crashes(&self) -> u64 {
        self.groups.iter().filter(|(s, _)| !s.starts_with("mismatch")).map(|(_, g)| g.count).sum()
    }

    /// Programs compared with the reference (equal or not).
    pub fn compared(&self) -> u64 {
        self.agreed + self.groups.iter().filter(|(s, _)| s.starts_with("mismatch")).map(|(_, g)| g.count).sum::<u64>()
    }

    pub fn summary(&self, c: &Campaign) -> String {
        let secs = self.elapsed.as_secs_f64().max(1e-9);
        let mut s = format!(
            "{}: seed {}, {} cases in {:.1} s ({:.0}/s), {} compared, {} skipped, {} worker restarts, {} distinct findings\n",
            c.name(),
            c.seed,
            self.executions,
            secs,
            self.executions as f64 / secs,
            self.compared(),
            self.skipped,
            self.restarts,
            self.groups.len()
        );
        for (sig, g) in &self.groups {
            s.push_str(&format!("\n[{}x, first case {}] {sig}\n  {}\n", g.count, g.first, g.dir.display()));
            for line in g.repro.lines().take(15) {
                s.push_str(&format!("    | {line}\n"));
            }
        }
        s
    }
}

pub fn profile_name(p: Profile) -> &'static str {
    match p {
        Profile::Squirrel => "squirrel",
        Profile::Imp => "imp",
    }
}

/// What the parent hears from a worker.
enum Event {
    Line(String),
    Closed,
}

struct Worker {
    child: Child,
    events: Receiver<Event>,
    stderr: Arc<Mutex<Vec<u8>>>,
}

impl Campaign {
    /// `MODE-PROFILE[-gc-stress]`: the folder of its findings.
    pub fn name(&self) -> String {
        let stress = if self.limits.gc_stress { "-gc-stress" } else { "" };
        format!("{}-{}{stress}", self.mode.name(), profile_name(self.profile))
    }

    fn worker_args(&self, from: u64, to: u64) -> Vec<String> {
        let mut args = vec![
            "worker".into(),
            format!("--mode={}", self.mode.name()),
            format!("--profile={}", profile_name(self.profile)),
            format!("--seed={}", self.seed),
            format!("--from={from}"),
            format!("--to={to}"),
            format!("--instructions={}", self.limits.instructions),
            format!("--memory={}", self.limits.memory),
            format!("--root={}", self.root.display()),
        ];
        if self.limits.gc_stress {
            args.push("--gc-stress".into());
        }
        if let Some(sq) = &self.sq {
            args.push(format!("--sq={}", sq.display()));
        }
        args
    }

    fn spawn(&self, from: u64, to: u64) -> std::io::Result<Worker> {
        let mut child = Command::new(std::env::current_exe()?)
            .args(self.worker_args(from, to))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let (tx, events) = mpsc::channel();
        let out = child.stdout.take().expect("piped stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(l) = line else { break };
                if tx.send(Event::Line(l)).is_err() {
                    break;
                }
            }
            let _ = tx.send(Event::Closed);
        });
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let tail = stderr.clone();
        let mut err = child.stderr.take().expect("piped stderr");
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut t = tail.lock().expect("stderr tail");
                t.extend_from_slice(&buf[..n]);
                let excess = t.len().saturating_sub(16 << 10);
                t.drain(..excess);
            }
        });
        Ok(Worker { child, events, stderr })
    }

    /// Runs the campaign to its end (case count or time), reporting progress on stderr.
    pub fn run(&self) -> std::io::Result<Report> {
        let started = Instant::now();
        let deadline = self.minutes.map(|m| started + Duration::from_secs_f64(m * 60.0));
        let end = self.cases.map_or(u64::MAX, |n| self.start + n);
        let corpus = match self.mode {
            Mode::Mutate => Corpus::load(&self.root),
            _ => Corpus { programs: Vec::new() },
        };
        let mut report = Report::default();
        let mut next = self.start;
        let mut last_progress = Instant::now();
        'campaign: while next < end {
            let mut worker = self.spawn(next, end)?;
            let (mut current, base_agreed, base_skipped) = (None, report.agreed, report.skipped);
            loop {
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    let _ = worker.child.kill();
                    let _ = worker.child.wait();
                    break 'campaign;
                }
                if last_progress.elapsed() > Duration::from_secs(30) {
                    last_progress = Instant::now();
                    eprintln!(
                        "[{:.0} s] {} cases, {} compared, {} findings",
                        started.elapsed().as_secs_f64(),
                        report.executions,
                        report.compared(),
                        report.groups.len()
                    );
                }
                match worker.events.recv_timeout(self.timeout) {
                    Ok(Event::Line(line)) => {
                        let mut words = line.split(' ');
                        match words.next() {
                            Some("B") => {
                                let n: Vec<u64> = words.filter_map(|w| w.parse().ok()).collect();
                                if let [index, agreed, skipped] = n[..] {
                                    current = Some(index);
                                    report.executions += 1;
                                    report.agreed = base_agreed + agreed;
                                    report.skipped = base_skipped + skipped;
                                }
                            }
                            Some("E") => {
                                let n: Vec<u64> = words.filter_map(|w| w.parse().ok()).collect();
                                if let [_, agreed, skipped] = n[..] {
                                    report.agreed = base_agreed + agreed;
                                    report.skipped = base_skipped + skipped;
                                }
                                let _ = worker.child.wait();
                                break 'campaign;
                            }
                            Some("F") => {
                                let rest = line[2..].to_string();
                                if let Some((index, sig)) = rest.split_once('\t') {
                                    let index = index.parse().unwrap_or(0);
                                    self.found(&mut report, &corpus, index, sig.to_string());
                                }
                            }
                            _ => {}
                        }
                    }
                    Ok(Event::Closed) | Err(RecvTimeoutError::Disconnected) => {
                        let status = worker.child.wait()?;
                        // Let the stderr reader drain what the dying worker wrote.
                        std::thread::sleep(Duration::from_millis(20));
                        let stderr = worker.stderr.lock().expect("stderr tail").clone();
                        let Some(index) = current else {
                            return Err(std::io::Error::other(format!(
                                "the worker ended ({status}) before its first case: {}",
                                String::from_utf8_lossy(&stderr)
                            )));
                        };
                        let sig = verdict::abort_signature(status.code(), status.signal(), &stderr);
                        self.found(&mut report, &corpus, index, sig);
                        next = index + 1;
                        report.restarts += 1;
                        break;
                    }
                    Err(RecvTimeoutError::Timeout) => {
                        let _ = worker.child.kill();
                        let _ = worker.child.wait();
                        if let Some(index) = current {
                            self.found(&mut report, &corpus, index, "hang".into());
                            next = index + 1;
                        }
                        report.restarts += 1;
                        break;
                    }
                }
            }
        }
        report.elapsed = started.elapsed();
        let dir = self.findings.join(self.name());
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("report.txt"), report.summary(self))?;
        Ok(report)
    }

    /// Counts a finding; a signature seen for the first time is minimised and written.
    fn found(&self, report: &mut Report, corpus: &Corpus, index: u64, sig: String) {
        if let Some(g) = report.groups.get_mut(&sig) {
            g.count += 1;
            return;
        }
        let source = case::source(self.mode, self.profile, self.seed, index, corpus);
        // A hang costs a timeout per candidate: only a few; a mismatch, two processes.
        let tries = match &*sig {
            "hang" => 8,
            s if s.starts_with("mismatch") => self.tries.min(MISMATCH_TRIES),
            _ => self.tries,
        };
        // A generated program's prelude stays whole: a repro prints as the case did.
        let prelude = gen::prelude_len(&source);
        let (kept, rest) = source.split_at(prelude);
        let repro =
            kept.to_string() + &minimise(rest, tries, |candidate| self.probe(&(kept.to_string() + candidate)) == sig);
        let dir = self.write_finding(&sig, index, &source, &repro).unwrap_or_default();
        eprintln!("finding at case {index}: {sig}\n  {}", dir.display());
        report.groups.insert(sig, Group { count: 1, first: index, dir, repro });
    }

    /// The signature of one program, run in a fresh process (`ok` when nothing is wrong).
    pub fn probe(&self, source: &str) -> String {
        let file = self.findings.join(format!("probe-{}.nut", std::process::id()));
        if std::fs::create_dir_all(&self.findings).is_err() || std::fs::write(&file, source).is_err() {
            return "unwritable".into();
        }
        let mut cmd = match std::env::current_exe() {
            Ok(exe) => Command::new(exe),
            Err(_) => return "no exe".into(),
        };
        cmd.arg("probe").args(&self.worker_args(0, 0)[1..]).arg(&file);
        match run_with_timeout(&mut cmd, self.timeout) {
            None => "hang".into(),
            Some((status, out)) if status.success() => String::from_utf8_lossy(&out.stdout).trim().to_string(),
            Some((status, out)) => verdict::abort_signature(status.code(), status.signal(), &out.stderr),
        }
    }

    fn write_finding(&self, sig: &str, index: u64, source: &str, repro: &str) -> std::io::Result<PathBuf> {
        let slug: String = sig
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .take(40)
            .collect::<String>()
            .trim_matches('-')
            .to_string();
        let dir = self.findings.join(self.name()).join(format!("{slug}-{:08x}", fnv(sig)));
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("signature.txt"), format!("{sig}\n"))?;
        std::fs::write(
            dir.join("case.txt"),
            format!(
                "mode {}\nprofile {}\nseed {}\nindex {index}\n",
                self.mode.name(),
                profile_name(self.profile),
                self.seed
            ),
        )?;
        std::fs::write(dir.join("original.nut"), source)?;
        std::fs::write(dir.join("repro.nut"), repro)?;
        Ok(dir)
    }
}

/// A stable hash of a signature, for folder names.
fn fnv(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5u32, |h, b| (h ^ b as u32).wrapping_mul(0x0100_0193))
}

/// The workspace root: the folder above this crate's.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}
