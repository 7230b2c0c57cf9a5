//! `impish build DEVICE.nut [--agent AGENT.nut] [-o DIR]`: the code an imp would be given,
//! assembled by Builder as every other command assembles it (includes, `@set`, `@if`,
//! `#require`d libraries), written to DIR with `#line` markers that map each line back
//! to its original file and line — what impt's `--debug` keeps in `.build/`.

use super::{SourceArgs, Stop};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Where the assembled code goes unless `-o` says otherwise (impt's debug folder).
const DEFAULT_OUT_DIR: &str = ".build";

#[derive(clap::Args)]
pub struct Args {
    /// The device code.
    device: PathBuf,
    /// The agent code.
    #[arg(long)]
    agent: Option<PathBuf>,
    /// The folder to write the assembled files to, each under its source's file name.
    #[arg(short = 'o', long = "out", value_name = "DIR", default_value = DEFAULT_OUT_DIR)]
    out: PathBuf,
    #[command(flatten)]
    sources: SourceArgs,
}

pub fn run(args: &Args) -> ExitCode {
    match build(args) {
        Ok(written) => {
            for path in written {
                super::print(&format!("{}\n", path.display()));
            }
            ExitCode::SUCCESS
        }
        Err(stop) => stop.report(),
    }
}

/// Assembles every source first (nothing is written when one fails), then writes them.
fn build(args: &Args) -> Result<Vec<PathBuf>, Stop> {
    let inputs: Vec<&Path> = std::iter::once(args.device.as_path()).chain(args.agent.as_deref()).collect();
    let mut outputs: Vec<(PathBuf, String)> = Vec::new();
    for input in inputs {
        let name = input.file_name().ok_or_else(|| format!("{}: not a file name", input.display()))?;
        let target = args.out.join(name);
        if outputs.iter().any(|(other, _)| *other == target) {
            return Err(format!("the device and agent code would both be written to {}", target.display()).into());
        }
        // Compiled under another name, the file must name its origin from its first line.
        let source = args.sources.firmware(input)?.marked_source();
        outputs.push((target, source));
    }
    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: cannot create: {e}", args.out.display()))?;
    for (target, source) in &outputs {
        std::fs::write(target, source).map_err(|e| format!("{}: cannot write: {e}", target.display()))?;
    }
    Ok(outputs.into_iter().map(|(target, _)| target).collect())
}
