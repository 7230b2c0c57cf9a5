//! `impish bench FILE [--profile imp|squirrel] [--for SECONDS] [--json]`: what a firmware
//! (by default, as `impish run` takes FILE) or a script costs — wall time, instructions,
//! heap, collector pauses, and where the instructions go.
//!
//! A `squirrel` script runs to its end with its output discarded. An `imp` firmware
//! runs as `impish run` runs it — device (and agent) on the virtual clock — for `--for`
//! of imp time, so the report adds how much imp time a wall second buys. Each program
//! runs twice: once timed, with nothing metered, and once profiled, every instruction
//! counted into its function.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use super::{parse_bytes, parse_duration, read_source, run, ProfileArg, Stop};
use impish_factory::imp::{Imp, ImpConfig, Outcome, Side, VmSetup};
use impish_vm::{memory, FunctionCost, Vm, VmStats};
use std::rc::Rc;

#[derive(clap::Args)]
pub struct Args {
    /// Which Squirrel to emulate: `imp` (as `impish run`) runs device code on its event
    /// loop, `squirrel` runs a plain script.
    #[arg(long, value_enum, default_value = "imp")]
    profile: ProfileArg,
    /// The script or device code.
    file: PathBuf,
    /// The agent code (imp profile).
    #[arg(long)]
    agent: Option<PathBuf>,
    /// How long to simulate in imp time (imp profile): seconds, or with a unit (`90s`,
    /// `5m`, `2h`).
    #[arg(long = "for", value_name = "DURATION", default_value = "60", value_parser = parse_duration)]
    seconds: f64,
    /// How many of the hottest functions to list.
    #[arg(long, default_value_t = 10)]
    top: usize,
    /// Fail allocations beyond this many bytes ("100K", "2M") with "out of memory": host
    /// bytes for a script, imp bytes for an imp's device [default for an imp: its
    /// type's free memory, as with `impish run`].
    #[arg(long, value_name = "BYTES", value_parser = parse_bytes)]
    memory_limit: Option<usize>,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    sources: super::SourceArgs,
}

/// One run's measurements.
struct Report {
    file: String,
    profile: &'static str,
    wall: Duration,
    /// Virtual seconds simulated (imp profile).
    simulated: Option<f64>,
    /// Per VM (one for a script; device and agent for an imp).
    vms: Vec<(&'static str, VmStats)>,
    peak_heap: usize,
    /// The script's error, if it ended with one.
    error: Option<String>,
}

pub fn run(args: &Args) -> ExitCode {
    match measure(args) {
        Ok(report) => {
            if args.json {
                super::print(&format!("{}\n", report.json(args.top)));
            } else {
                super::print(&report.text(args.top));
            }
            if report.error.is_some() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(stop) => stop.report(),
    }
}

/// What a pass measures.
#[derive(Clone, Copy, PartialEq)]
enum Pass {
    /// Wall time, heap and collector, with nothing else metered.
    Timed,
    /// Every instruction counted into its function (the interpreter's counting loop).
    Profiled,
}

/// Sets up a VM for a pass, with the memory limit if any.
fn meter(vm: &mut Vm, pass: Pass, memory_limit: Option<usize>) -> Result<(), String> {
    vm.set_profiling(pass == Pass::Profiled);
    vm.set_memory_limit(memory_limit).map_err(|e| e.to_string())
}

/// Runs the program twice — timed, then profiled (both runs are deterministic, so they
/// execute the same instructions) — and reports the first with the second's counts.
fn measure(args: &Args) -> Result<Report, Stop> {
    let once = |pass| match args.profile {
        ProfileArg::Squirrel => bench_script(args, pass),
        ProfileArg::Imp => bench_imp(args, pass),
    };
    let mut report = once(Pass::Timed)?;
    let profiled = once(Pass::Profiled)?;
    for ((_, timed), (_, counted)) in report.vms.iter_mut().zip(profiled.vms) {
        timed.instructions = counted.instructions;
        timed.hottest = counted.hottest;
    }
    Ok(report)
}

fn bench_script(args: &Args, pass: Pass) -> Result<Report, Stop> {
    let (name, source) = read_source(&args.file)?;
    let mut vm = Vm::new(args.profile.into());
    impish_stdlib::register(&mut vm);
    vm.set_output(Box::new(|_| {}));
    vm.set_error_output(Box::new(|_| {}));
    meter(&mut vm, pass, args.memory_limit)?;
    memory::reset_peak();
    let start = Instant::now();
    let result = vm.run_source(&source, &name);
    let wall = start.elapsed();
    let error = match result {
        Ok(_) => None,
        Err(impish_vm::Error::Compile(e)) => return Err(Stop::Failed(e.to_string())),
        Err(e) => Some(e.to_string()),
    };
    Ok(Report {
        file: name,
        profile: "squirrel",
        wall,
        simulated: None,
        vms: vec![("script", vm.stats(args.top))],
        peak_heap: memory::peak_bytes(),
        error,
    })
}

/// Runs a firmware on its event loop for `--for` of imp time, metering both sides (the
/// memory limit, as with `impish run`, applies to the device).
fn bench_imp(args: &Args, pass: Pass) -> Result<Report, Stop> {
    let device = args.sources.firmware(&args.file)?;
    let agent = args.agent.as_deref().map(|agent| args.sources.firmware(agent)).transpose()?;
    let limit = run::device_memory_limit(args.memory_limit)?;
    let setup: VmSetup = Rc::new(move |side, vm: &mut Vm| {
        // The device keeps its imp type's memory limit unless one is given.
        vm.set_profiling(pass == Pass::Profiled);
        if let Some(limit) = &limit {
            limit(side, vm);
        }
    });
    let config = ImpConfig { agent, setup_vm: Some(setup), ..ImpConfig::new(device) };
    memory::reset_peak();
    let start = Instant::now();
    let mut imp = Imp::new(config).map_err(|e| Stop::Failed(e.to_string()))?;
    imp.set_log_sink(Box::new(|_| {}));
    let outcome = imp.run_for(Duration::from_secs_f64(args.seconds));
    // An imp with nothing left to do sleeps through the rest of the run.
    let simulated = match outcome {
        Outcome::Finished => args.seconds,
        Outcome::LimitReached => imp.now().as_secs_f64(),
    };
    let wall = start.elapsed();
    let vms = imp
        .vm_stats(args.top)
        .into_iter()
        .map(|(side, stats)| (if side == Side::Device { "device" } else { "agent" }, stats))
        .collect();
    let errors = imp.uncaught_errors();
    let error = (errors > 0).then(|| format!("{errors} uncaught error(s); `impish run` shows the log"));
    Ok(Report {
        file: args.file.display().to_string(),
        profile: "imp",
        wall,
        simulated: Some(simulated),
        vms,
        peak_heap: memory::peak_bytes(),
        error,
    })
}

impl Report {
    fn instructions(&self) -> u64 {
        self.vms.iter().map(|(_, s)| s.instructions).sum()
    }

    /// The hottest functions over every VM, labelled with the VM when there are several.
    fn hottest(&self, top: usize) -> Vec<(&'static str, &FunctionCost)> {
        let mut all: Vec<_> = self.vms.iter().flat_map(|(vm, s)| s.hottest.iter().map(move |f| (*vm, f))).collect();
        all.sort_by_key(|b| std::cmp::Reverse(b.1.instructions));
        all.truncate(top);
        all
    }

    /// What the VMs' `memory_bytes` count: under the imp profile, what their objects
    /// would take on an imp.
    fn memory_units(&self) -> &'static str {
        if self.profile == "imp" {
            "imp bytes"
        } else {
            "host bytes"
        }
    }

    fn text(&self, top: usize) -> String {
        let secs = self.wall.as_secs_f64();
        let ins = self.instructions();
        let mut out = format!("{} ({} profile)\n", self.file, self.profile);
        out += &format!("  wall time         {}\n", seconds(self.wall));
        out += &format!("  instructions      {} ({}/s)\n", count(ins as f64), count(ins as f64 / secs.max(1e-9)));
        if let Some(sim) = self.simulated {
            out += &format!("  imp time          {sim:.1} s simulated, {:.0}x the wall clock\n", sim / secs.max(1e-9));
        }
        out += &format!("  peak heap         {} (host bytes)\n", bytes(self.peak_heap));
        let units = self.memory_units();
        for (vm, s) in &self.vms {
            let label = if self.vms.len() > 1 { format!(" ({vm})") } else { String::new() };
            out += &format!(
                "  collector{label:<8} {} cycles, pauses {} in all, longest {}; holds {} ({units})\n",
                s.gc_cycles,
                seconds(s.gc_pause_total),
                seconds(s.gc_pause_max),
                bytes(s.memory_bytes)
            );
        }
        if let Some(e) = &self.error {
            out += &format!("  ended with error  {e}\n");
        }
        out += "  hottest functions (share of instructions)\n";
        for (vm, f) in self.hottest(top) {
            let share = 100.0 * f.instructions as f64 / ins.max(1) as f64;
            let side = if self.vms.len() > 1 { format!("[{vm}] ") } else { String::new() };
            out += &format!("    {share:5.1}%  {side}{}  {}:{}\n", f.function, f.file, f.line);
        }
        out
    }

    fn json(&self, top: usize) -> serde_json::Value {
        let ins = self.instructions();
        let vms: serde_json::Map<String, serde_json::Value> = self
            .vms
            .iter()
            .map(|(vm, s)| {
                let v = serde_json::json!({
                    "instructions": s.instructions,
                    "memory_bytes": s.memory_bytes,
                    "gc_cycles": s.gc_cycles,
                    "gc_pause_total_s": s.gc_pause_total.as_secs_f64(),
                    "gc_pause_max_s": s.gc_pause_max.as_secs_f64(),
                });
                (vm.to_string(), v)
            })
            .collect();
        let hottest: Vec<serde_json::Value> = self
            .hottest(top)
            .into_iter()
            .map(|(vm, f)| {
                serde_json::json!({
                    "vm": vm, "function": f.function, "file": f.file, "line": f.line, "instructions": f.instructions,
                })
            })
            .collect();
        serde_json::json!({
            "file": self.file,
            "profile": self.profile,
            "wall_s": self.wall.as_secs_f64(),
            "instructions": ins,
            "instructions_per_s": ins as f64 / self.wall.as_secs_f64().max(1e-9),
            "simulated_s": self.simulated,
            "peak_heap_bytes": self.peak_heap,
            "memory_units": self.memory_units(),
            "vms": vms,
            "hottest": hottest,
            "error": self.error,
        })
    }
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 1.0 {
        format!("{s:.3} s")
    } else if s >= 1e-3 {
        format!("{:.3} ms", s * 1e3)
    } else {
        format!("{:.1} µs", s * 1e6)
    }
}

fn count(n: f64) -> String {
    match n {
        n if n >= 1e9 => format!("{:.2} G", n / 1e9),
        n if n >= 1e6 => format!("{:.2} M", n / 1e6),
        n if n >= 1e3 => format!("{:.1} k", n / 1e3),
        n => format!("{n:.0}"),
    }
}

fn bytes(n: usize) -> String {
    match n as f64 {
        n if n >= 1048576.0 => format!("{:.1} MiB", n / 1048576.0),
        n if n >= 1024.0 => format!("{:.1} KiB", n / 1024.0),
        n => format!("{n} B"),
    }
}
