//! Side-by-side timing of impish against the reference `sq` and Lua 5.4.
//!
//! Runs every program in `benches/perf/programs/` and `benches/perf/suite/` with
//! `impish run --profile squirrel` and, when their paths are given, with `sq` on the
//! same `.nut` and `lua` on the equivalent `.lua`; checks every output against the
//! program's `.out`; prints median CPU times (user + system, from the kernel), the
//! ratios with their geometric means, and peak memory. The firmware in
//! `benches/perf/imp/` runs through the imp runtime (`impish run --agent`), impish only.
//! All runs of one program are interleaved, so machine noise hits every interpreter
//! alike. `--cachegrind` adds instructions executed (valgrind, one run each) for impish
//! and sq.
//!
//! ```text
//! cargo bench --bench compare -- --sq /path/to/sq --lua lua5.4 [--runs 7] [--cachegrind]
//!     [--markdown] [--impish OTHER/impish] [PROGRAM...]
//! ```

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use nix::sys::resource::{getrusage, UsageWho};

struct Options {
    /// Another impish binary than the one cargo built (an older build, for A/B).
    impish: Option<String>,
    sq: Option<String>,
    lua: Option<String>,
    runs: usize,
    cachegrind: bool,
    markdown: bool,
    only: Vec<String>,
}

fn options(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options =
        Options { impish: None, sq: None, lua: None, runs: 5, cachegrind: false, markdown: false, only: Vec::new() };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--impish" => options.impish = args.next(),
            "--sq" => options.sq = args.next(),
            "--lua" => options.lua = args.next(),
            "--runs" => {
                let n = args.next().ok_or("--runs needs a number")?;
                options.runs = n.parse().map_err(|_| format!("--runs: not a number: {n}"))?;
            }
            "--cachegrind" => options.cachegrind = true,
            "--markdown" => options.markdown = true,
            // cargo bench passes this to every bench target.
            "--bench" => {}
            other if other.starts_with("--") => return Err(format!("unknown option {other}")),
            program => options.only.push(program.to_string()),
        }
    }
    if options.runs == 0 {
        return Err("--runs must be at least 1".into());
    }
    Ok(options)
}

/// What one finished run cost, as the kernel accounted it.
struct Cost {
    cpu: Duration,
    peak_kib: u64,
}

/// The marker of the line a measuring child appends to its stderr.
const COST_LINE: &str = "compare-cost:";

/// Child mode (`compare --measure COMMAND...`): runs COMMAND with this process's stdio,
/// then reports its CPU time and peak memory on stderr. Its own process is the only
/// child, so the children's usage is exactly the command's.
fn measure(command: &[String]) -> ! {
    let status = Command::new(&command[0]).args(&command[1..]).status();
    let code = match status {
        Ok(status) => status.code().unwrap_or(1),
        Err(e) => {
            eprintln!("{}: {e}", command[0]);
            std::process::exit(1);
        }
    };
    match getrusage(UsageWho::RUSAGE_CHILDREN) {
        Ok(usage) => {
            let micros = |t: nix::sys::time::TimeVal| t.tv_sec() as u64 * 1_000_000 + t.tv_usec() as u64;
            let cpu = micros(usage.user_time()) + micros(usage.system_time());
            eprintln!("{COST_LINE} {cpu} {}", usage.max_rss());
        }
        Err(e) => eprintln!("getrusage: {e}"),
    }
    std::process::exit(code)
}

/// One measured run: its cost and stdout, or why it failed.
fn run(command: &[String], file: &Path) -> Result<(Cost, Vec<u8>), String> {
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    let output = Command::new(me)
        .arg("--measure")
        .args(command)
        .arg(file)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{}: {e}", command[0]))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("{} {} failed: {stderr}", command[0], file.display()));
    }
    let cost = stderr
        .lines()
        .rev()
        .find_map(|line| line.strip_prefix(COST_LINE))
        .and_then(|rest| {
            let mut fields = rest.split_whitespace().map(|f| f.parse::<u64>().ok());
            Some(Cost { cpu: Duration::from_micros(fields.next()??), peak_kib: fields.next()?? })
        })
        .ok_or_else(|| format!("{}: no cost reported: {stderr}", command[0]))?;
    Ok((cost, output.stdout))
}

/// Instructions executed (millions) by one run under cachegrind.
fn instructions(command: &[String], file: &Path) -> Result<f64, String> {
    let output = Command::new("valgrind")
        .args(["--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"])
        .args(command)
        .arg(file)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("valgrind: {e}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    stderr
        .lines()
        .find_map(|line| {
            line.split_once("refs:")
                .filter(|(head, _)| head.trim_end().ends_with(" I"))
                .map(|(_, n)| n.trim().replace(',', ""))
        })
        .and_then(|n| n.parse::<f64>().ok())
        .map(|n| n / 1e6)
        .ok_or_else(|| format!("valgrind {}: no instruction count: {stderr}", file.display()))
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values[values.len() / 2]
}

fn geometric_mean(ratios: &[f64]) -> f64 {
    (ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len() as f64).exp()
}

/// A program to time: the file each contender runs and the output all must print.
struct Program {
    name: String,
    nut: PathBuf,
    lua: Option<PathBuf>,
    expected: PathBuf,
    /// The imp firmware's agent: run through the imp runtime, impish only.
    agent: Option<PathBuf>,
}

fn programs(root: &Path, only: &[String]) -> Vec<Program> {
    let mut programs = Vec::new();
    for dir in ["programs", "suite", "imp"] {
        let dir = root.join(dir);
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for path in entries.filter_map(|entry| entry.ok().map(|e| e.path())) {
            let file = path.file_name().and_then(|s| s.to_str()).unwrap_or_default();
            let (name, agent) = if let Some(stem) = file.strip_suffix(".device.nut") {
                (stem.to_string(), Some(dir.join(format!("{stem}.agent.nut"))))
            } else if let Some(stem) = file.strip_suffix(".nut").filter(|s| !s.ends_with(".agent")) {
                (stem.to_string(), None)
            } else {
                continue;
            };
            if !only.is_empty() && !only.contains(&name) {
                continue;
            }
            let lua = agent.is_none().then(|| path.with_extension("lua"));
            programs.push(Program { expected: dir.join(format!("{name}.out")), name, nut: path, lua, agent });
        }
    }
    programs.sort_by(|a, b| (a.agent.is_some(), &a.name).cmp(&(b.agent.is_some(), &b.name)));
    programs
}

/// The table's columns for one program.
struct Row {
    name: String,
    times: [Option<Duration>; 3],
    peaks: [Option<u64>; 3],
    instructions: [Option<f64>; 2],
}

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().is_some_and(|a| a == "--measure") {
        measure(&args.skip(1).collect::<Vec<_>>());
    }
    let options = match options(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("compare: {e}");
            std::process::exit(2);
        }
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/perf");
    let impish = options.impish.clone().unwrap_or_else(|| env!("CARGO_BIN_EXE_impish").to_string());
    let (mut rows, mut failures) = (Vec::new(), 0);
    for program in programs(&root, &options.only) {
        let impish_command = match &program.agent {
            Some(agent) => vec![
                impish.clone(),
                "run".into(),
                "--for".into(),
                "3600".into(),
                "--agent".into(),
                agent.display().to_string(),
            ],
            None => vec![impish.clone(), "run".into(), "--profile".into(), "squirrel".into()],
        };
        let contenders: [(Option<Vec<String>>, Option<&Path>); 3] = [
            (Some(impish_command), Some(&program.nut)),
            (options.sq.clone().filter(|_| program.agent.is_none()).map(|sq| vec![sq]), Some(&program.nut)),
            (options.lua.clone().map(|lua| vec![lua]), program.lua.as_deref()),
        ];
        let expected =
            std::fs::read(&program.expected).unwrap_or_else(|e| panic!("{}: {e}", program.expected.display()));
        let mut times: [Vec<Duration>; 3] = Default::default();
        let mut peaks = [None; 3];
        for _ in 0..options.runs {
            for (i, (command, file)) in contenders.iter().enumerate() {
                let (Some(command), Some(file)) = (command, file) else { continue };
                match run(command, file) {
                    Ok((cost, stdout)) => {
                        if stdout != expected && times[i].is_empty() {
                            eprintln!(
                                "{}: {} prints other than {}",
                                program.name,
                                command[0],
                                program.expected.display()
                            );
                            failures += 1;
                        }
                        times[i].push(cost.cpu);
                        peaks[i] = peaks[i].max(Some(cost.peak_kib));
                    }
                    Err(e) => {
                        eprintln!("{e}");
                        std::process::exit(1);
                    }
                }
            }
        }
        let mut instructions = [None; 2];
        if options.cachegrind {
            for (i, (command, file)) in contenders.iter().take(2).enumerate() {
                if let (Some(command), Some(file)) = (command, file) {
                    match self::instructions(command, file) {
                        Ok(n) => instructions[i] = Some(n),
                        Err(e) => eprintln!("{e}"),
                    }
                }
            }
        }
        let times = times.map(|t| (!t.is_empty()).then(|| median(t)));
        let row = Row { name: program.name, times, peaks, instructions };
        if !options.markdown {
            println!("{}", plain(&row));
        }
        rows.push(row);
    }
    if options.markdown {
        print!("{}", markdown(&rows, options.runs));
    } else {
        println!("{}", summary(&rows, options.runs));
    }
    if failures > 0 {
        std::process::exit(1);
    }
}

/// impish's time over another's, when both ran.
fn ratio(row: &Row, other: usize) -> Option<f64> {
    Some(row.times[0]?.as_secs_f64() / row.times[other]?.as_secs_f64())
}

fn seconds(t: Option<Duration>) -> String {
    t.map_or("-".into(), |t| format!("{:.3}s", t.as_secs_f64()))
}

fn fixed(value: Option<f64>, decimals: usize) -> String {
    value.map_or("-".into(), |v| format!("{v:.decimals$}"))
}

fn mebibytes(kib: Option<u64>) -> String {
    kib.map_or("-".into(), |k| format!("{:.1}", k as f64 / 1024.0))
}

/// A row's figures, formatted: times and ratios against sq and Lua, peaks, instructions.
fn cells(row: &Row) -> [String; 11] {
    [
        seconds(row.times[0]),
        seconds(row.times[1]),
        fixed(ratio(row, 1), 2),
        seconds(row.times[2]),
        fixed(ratio(row, 2), 2),
        mebibytes(row.peaks[0]),
        mebibytes(row.peaks[1]),
        mebibytes(row.peaks[2]),
        fixed(row.instructions[0], 0),
        fixed(row.instructions[1], 0),
        row.name.to_string(),
    ]
}

fn plain(row: &Row) -> String {
    let [t, sq, r_sq, lua, r_lua, p, p_sq, p_lua, i, i_sq, name] = cells(row);
    format!(
        "{name:<13} impish {t:>7}  sq {sq:>7} {r_sq:>5}  lua {lua:>7} {r_lua:>5}  MiB {p:>6}/{p_sq:>6}/{p_lua:>6}  Mi instr {i:>7}/{i_sq:>7}"
    )
}

/// The geometric means of the ratios, over the programs where both ran.
fn means(rows: &[Row]) -> [Option<f64>; 2] {
    [1, 2].map(|other| {
        let ratios: Vec<f64> = rows.iter().filter_map(|r| ratio(r, other)).collect();
        (!ratios.is_empty()).then(|| geometric_mean(&ratios))
    })
}

fn summary(rows: &[Row], runs: usize) -> String {
    let [sq, lua] = means(rows);
    format!(
        "geomean impish/sq {}  impish/lua {}\n(CPU time, median of {runs} interleaved runs; ratio = impish / other)",
        fixed(sq, 2),
        fixed(lua, 2)
    )
}

fn markdown(rows: &[Row], runs: usize) -> String {
    let mut out = String::from(
        "| program | impish | sq | impish / sq | lua | impish / lua | peak MiB impish / sq / lua | Mi instructions impish / sq |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for row in rows {
        let [t, sq, r_sq, lua, r_lua, p, p_sq, p_lua, i, i_sq, name] = cells(row);
        out += &format!("| {name} | {t} | {sq} | {r_sq} | {lua} | {r_lua} | {p} / {p_sq} / {p_lua} | {i} / {i_sq} |\n");
    }
    let [sq, lua] = means(rows);
    out += &format!("| geometric mean | | | {} | | {} | | |\n", fixed(sq, 2), fixed(lua, 2));
    out += &format!("\nCPU time (user + system), median of {runs} interleaved runs; ratio = impish / other.\n");
    out
}
