//! Links the `impish` binary for a small resident footprint on Linux (issue #17: peak
//! memory at most the reference `sq`'s).
//!
//! - As a position-dependent executable: a position-independent one carries some
//!   22,000 relative relocations (530 KB) that the loader reads and applies at every
//!   start, dirtying the 380 KB of `.data.rel.ro` they point into: 1.3 MB of the 6.3 MB
//!   an empty `impish run` held. Only the link fixes its address, so nothing is
//!   relocated at start (on x86-64 Linux the code itself is position-dependent and
//!   statically linked too: see .cargo/config.toml).
//! - With its functions in the order of link/symbol-order.txt (made by
//!   link/symbol-order.sh from what the benchmarks execute): the kernel maps a binary's
//!   code in 64 KiB windows around each page touched, and the few hundred kB a run
//!   executes would otherwise be spread over most of the 7 MB of code. The option is
//!   LLD's, which rustc links with on x86-64 Linux; names the binary no longer has are
//!   skipped without a warning.
//! - With the read-only data of the crates a run uses gathered at the start of the
//!   image, by link/rodata.ld: the same windows apply to it, and the few hundred kB a
//!   run reads were spread among the 1.6 MB of every crate's (an HTTP client's, a
//!   database's, Unicode tables) over 14 windows; gathered, they take 8. The script
//!   also brings the sections start-up reads (.eh_frame's head, .init, the IFUNC
//!   stubs) beside the hot data and code.

fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    if std::env::var("TARGET").as_deref() == Ok("x86_64-unknown-linux-gnu") {
        let order = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("link/symbol-order.txt");
        println!("cargo:rustc-link-arg-bin=impish=-Wl,--symbol-ordering-file={}", order.display());
        println!("cargo:rustc-link-arg-bin=impish=-Wl,--no-warn-symbol-ordering");
        println!("cargo:rerun-if-changed=link/symbol-order.txt");
        let rodata = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("link/rodata.ld");
        println!("cargo:rustc-link-arg-bin=impish=-Wl,-T,{}", rodata.display());
        println!("cargo:rerun-if-changed=link/rodata.ld");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
