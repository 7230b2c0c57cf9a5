//! Running one case in-process: a fresh Vm of the profile with the stock libraries (as
//! `impish run --profile squirrel` builds it), an instruction budget, a memory limit,
//! stdout and stderr captured into buffers, and panics caught.

use std::cell::{Cell, RefCell};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;

use impish_vm::runner::INTERNAL_ERROR_STATUS;
use impish_vm::vm::OutputFn;
use impish_vm::{Profile, Vm};

/// What a case may spend, and how its Vm runs.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub instructions: u64,
    /// Bytes (enforced only when the program counts its allocations).
    pub memory: usize,
    /// Bytes of stdout and of stderr kept; the rest is dropped.
    pub output: usize,
    /// A collection at every safepoint and no reuse of freed ids (`Vm::set_gc_stress`):
    /// slow, but a value a native forgot to hold fails at its next use.
    pub gc_stress: bool,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits { instructions: 300_000, memory: 64 << 20, output: 1 << 20, gc_stress: false }
    }
}

/// How a run ended, and what it printed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The exit status `sq` would give (0, or 254 for a compile error).
    pub status: i32,
    /// `FILE:LINE: message` of a Rust panic inside the VM (also one the Vm caught and
    /// reported as an internal error).
    pub panic: Option<String>,
}

impl Outcome {
    /// The uncaught-error or compile-error line of stderr, as `sq` prints it (the last
    /// one: `sq` also reports errors caught after crossing a native call, earlier).
    pub fn error_line(&self) -> Option<String> {
        String::from_utf8_lossy(&self.stderr)
            .lines()
            .rfind(|l| l.starts_with("AN ERROR HAS OCCURRED") || l.contains(") : error "))
            .map(str::to_string)
    }

    /// Whether the run stopped on a limit of ours (the reference would have gone on).
    pub fn hit_limit(&self, limits: &Limits) -> bool {
        let limit = |text: &str| text.contains("instruction budget exceeded") || text.contains("out of memory");
        // A script may catch the limit's error and print it.
        self.error_line().is_some_and(|l| limit(&l))
            || limit(&String::from_utf8_lossy(&self.stdout))
            || self.stdout.len() >= limits.output
    }
}

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
    static CATCHING: Cell<bool> = const { Cell::new(false) };
}

/// Installs (once) a panic hook that, inside [`catching`], records the panic for it
/// instead of printing it (a worker runs thousands of cases; a caught panic is a finding,
/// not noise). Panics elsewhere are printed as before.
pub fn quiet_panics() {
    static INSTALL: std::sync::Once = std::sync::Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !CATCHING.with(|c| c.get()) {
                return previous(info);
            }
            let payload = info.payload();
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let place = info.location().map(|l| format!("{}:{}", l.file(), l.line())).unwrap_or_default();
            let _ = LAST_PANIC.try_with(|p| *p.borrow_mut() = Some(format!("{place}: {message}")));
        }));
    });
}

/// Runs `run` (a case's runner), turning a panic into `(-1, Some("FILE:LINE: message"))`
/// (with [`quiet_panics`] installed; otherwise the message is unknown).
pub fn catching(run: impl FnOnce() -> i32) -> (i32, Option<String>) {
    LAST_PANIC.with(|p| p.borrow_mut().take());
    CATCHING.with(|c| c.set(true));
    let result = catch_unwind(AssertUnwindSafe(run));
    CATCHING.with(|c| c.set(false));
    match result {
        Ok(status) => (status, None),
        Err(_) => (-1, Some(LAST_PANIC.with(|p| p.borrow_mut().take()).unwrap_or_else(|| "unknown panic".into()))),
    }
}

/// Captured output, shared between the Vm's writer and the runner.
type Buffer = Rc<RefCell<Vec<u8>>>;

/// A buffer the Vm writes into, keeping at most `cap` bytes.
fn sink(cap: usize) -> (Buffer, OutputFn) {
    let buf = Rc::new(RefCell::new(Vec::new()));
    let writer = buf.clone();
    let f = move |b: &[u8]| {
        let mut w = writer.borrow_mut();
        let room = cap.saturating_sub(w.len());
        w.extend_from_slice(&b[..b.len().min(room)]);
    };
    (buf, Box::new(f))
}

/// Runs `source` as the script `file` in a fresh Vm of `profile`.
pub fn run(profile: Profile, source: &str, file: &str, limits: Limits) -> Outcome {
    run_with(profile, source, file, limits, |_| {})
}

/// [`run`], with `setup` applied to the Vm before the script runs (tests add natives).
pub fn run_with(profile: Profile, source: &str, file: &str, limits: Limits, setup: impl FnOnce(&mut Vm)) -> Outcome {
    let (out, out_fn) = sink(limits.output);
    let (err, err_fn) = sink(limits.output);
    let (status, mut panic) = catching(|| {
        let mut vm = Vm::new(profile);
        impish_stdlib::register(&mut vm);
        vm.set_output(out_fn);
        vm.set_error_output(err_fn);
        vm.set_instruction_budget(Some(limits.instructions));
        vm.set_gc_stress(limits.gc_stress);
        // Without the counting allocator (unit tests) there is no memory limit.
        let _ = vm.set_memory_limit(Some(limits.memory));
        setup(&mut vm);
        impish_vm::run_script(&mut vm, source, file)
    });
    let stdout = std::mem::take(&mut *out.borrow_mut());
    let stderr = std::mem::take(&mut *err.borrow_mut());
    if status == INTERNAL_ERROR_STATUS && panic.is_none() {
        // The Vm caught its own panic; the hook saw where it was raised.
        let report = || String::from_utf8_lossy(&stderr).trim().to_string();
        panic = Some(LAST_PANIC.with(|p| p.borrow_mut().take()).unwrap_or_else(report));
    }
    Outcome { stdout, stderr, status, panic }
}
