//! Links the `impish` binary as a position-dependent executable on Linux.
//!
//! A position-independent one carries some 22,000 relative relocations (530 KB) that
//! the loader reads and applies at every start, dirtying the 380 KB of `.data.rel.ro`
//! they point into: 1.3 MB of the 6.3 MB an empty `impish run` held (issue #17: peak
//! memory at most the reference `sq`'s). The code stays position-independent; only the
//! link fixes its address, so nothing is relocated at start.

fn main() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
