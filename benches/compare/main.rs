//! Side-by-side timing of impish against the reference `sq` and Lua 5.4.
//!
//! Runs every program in `benches/perf/programs/` with `impish run --profile squirrel`
//! and, when their paths are given, with `sq` on the same `.nut` and `lua` on the
//! equivalent `.lua`; checks that all outputs agree; prints median wall times and the
//! ratios, with their geometric means. All runs of one program are interleaved, so
//! machine noise hits every interpreter alike.
//!
//! ```text
//! cargo bench --bench compare -- --sq /path/to/sq --lua lua5.4 [--runs 7] [PROGRAM...]
//! ```

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Options {
    sq: Option<String>,
    lua: Option<String>,
    runs: usize,
    only: Vec<String>,
}

fn options() -> Result<Options, String> {
    let mut options = Options { sq: None, lua: None, runs: 5, only: Vec::new() };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--sq" => options.sq = args.next(),
            "--lua" => options.lua = args.next(),
            "--runs" => {
                let n = args.next().ok_or("--runs needs a number")?;
                options.runs = n.parse().map_err(|_| format!("--runs: not a number: {n}"))?;
            }
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

/// One run: wall time and stdout, or why it failed.
fn run(command: &[&str], file: &Path) -> Result<(Duration, Vec<u8>), String> {
    let started = Instant::now();
    let output = Command::new(command[0])
        .args(&command[1..])
        .arg(file)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{}: {e}", command[0]))?;
    let elapsed = started.elapsed();
    if !output.status.success() {
        return Err(format!("{} {} failed: {}", command[0], file.display(), String::from_utf8_lossy(&output.stderr)));
    }
    Ok((elapsed, output.stdout))
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn geometric_mean(ratios: &[f64]) -> f64 {
    (ratios.iter().map(|r| r.ln()).sum::<f64>() / ratios.len() as f64).exp()
}

fn main() {
    let options = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("compare: {e}");
            std::process::exit(2);
        }
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/perf/programs");
    let mut programs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|ext| ext == "nut"))
        .filter(|p| {
            options.only.is_empty() || options.only.iter().any(|o| p.file_stem().is_some_and(|s| s == o.as_str()))
        })
        .collect();
    programs.sort();

    let impish = [env!("CARGO_BIN_EXE_impish"), "run", "--profile", "squirrel"];
    println!("{:<10} {:>10} {:>10} {:>7} {:>10} {:>7}", "program", "impish", "sq", "ratio", "lua", "ratio");
    let (mut sq_ratios, mut lua_ratios, mut disagreements) = (Vec::new(), Vec::new(), 0);
    for nut in &programs {
        let name = nut.file_stem().and_then(|s| s.to_str()).unwrap_or("?");
        let lua_file = nut.with_extension("lua");
        let mut times: [Vec<Duration>; 3] = Default::default();
        let mut outputs: [Option<Vec<u8>>; 3] = Default::default();
        let contenders: [(Option<Vec<&str>>, &Path); 3] = [
            (Some(impish.to_vec()), nut),
            (options.sq.as_deref().map(|sq| vec![sq]), nut),
            (options.lua.as_deref().map(|lua| vec![lua]), &lua_file),
        ];
        for _ in 0..options.runs {
            for (i, (command, file)) in contenders.iter().enumerate() {
                let Some(command) = command else { continue };
                match run(command, file) {
                    Ok((time, stdout)) => {
                        times[i].push(time);
                        outputs[i] = Some(stdout);
                    }
                    Err(e) => {
                        eprintln!("{e}");
                        std::process::exit(1);
                    }
                }
            }
        }
        for (i, who) in [(1, "sq"), (2, "lua")] {
            if outputs[i].is_some() && outputs[i] != outputs[0] {
                eprintln!("{name}: impish and {who} print different output");
                disagreements += 1;
            }
        }
        let ours = median(std::mem::take(&mut times[0]));
        let cell = |t: &mut Vec<Duration>, ratios: &mut Vec<f64>| {
            if t.is_empty() {
                return (String::from("-"), String::from("-"));
            }
            let theirs = median(std::mem::take(t));
            let ratio = ours.as_secs_f64() / theirs.as_secs_f64();
            ratios.push(ratio);
            (format!("{:.3}s", theirs.as_secs_f64()), format!("{ratio:.2}"))
        };
        let (sq_time, sq_ratio) = cell(&mut times[1], &mut sq_ratios);
        let (lua_time, lua_ratio) = cell(&mut times[2], &mut lua_ratios);
        println!("{name:<10} {:>9.3}s {sq_time:>10} {sq_ratio:>7} {lua_time:>10} {lua_ratio:>7}", ours.as_secs_f64());
    }
    let mean = |r: &[f64]| if r.is_empty() { "-".to_string() } else { format!("{:.2}", geometric_mean(r)) };
    println!("{:<10} {:>10} {:>10} {:>7} {:>10} {:>7}", "geomean", "", "", mean(&sq_ratios), "", mean(&lua_ratios));
    println!("(ratio = impish median time / other median time; {} runs each)", options.runs);
    if disagreements > 0 {
        std::process::exit(1);
    }
}
