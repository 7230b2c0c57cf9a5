//! Every command that reads firmware (`run`, `check`, `bench`, `disasm`, `build`) reads it
//! through Builder as `impish test` does: `@include`, `@set`, `#require` from `--lib`
//! folders, errors at the original file and line.

mod common;

use common::*;
use std::path::{Path, PathBuf};

/// A project folder: `main.device.nut` includes `lib/helper.nut`, which fails at its line 3
/// when `BREAK` is set; `libs/Counter.lib.nut` is a library for `#require`.
fn project(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("impish-builder-{}-{name}", std::process::id()));
    std::fs::create_dir_all(dir.join("lib")).unwrap();
    std::fs::create_dir_all(dir.join("mylibs/Counter")).unwrap();
    let write = |path: &str, text: &str| std::fs::write(dir.join(path), text).unwrap();
    write(
        "main.device.nut",
        "@set GREETING \"hello\"\n@include \"lib/helper.nut\";\nserver.log(\"@{GREETING} \" + helper());\n",
    );
    write(
        "lib/helper.nut",
        "function helper() {\n    local n = Counter().next();\n    return n + (BREAK ? missing : 0);\n}\n",
    );
    write("mylibs/Counter/Counter.lib.nut", "class Counter { function next() { return 42; } }\n");
    write("broken.device.nut", "x <- 1;\n@include \"lib/broken.nut\"\n");
    write("lib/broken.nut", "function f() {\n    local a = 1 local b = 2;\n}\n");
    dir
}

fn path(dir: &Path, file: &str) -> String {
    dir.join(file).display().to_string()
}

#[test]
fn run_resolves_includes_requires_and_points_errors_at_the_original_lines() {
    let dir = project("run");
    let main = path(&dir, "main.device.nut");
    // `#require` is in the main file through `@set`: here the library comes from --lib.
    std::fs::write(
        dir.join("req.device.nut"),
        "#require \"Counter.lib.nut:1.0.0\"\nBREAK <- false;\n@include \"main.device.nut\"\n",
    )
    .unwrap();
    let req = path(&dir, "req.device.nut");
    let (code, out, err) = impish(&["run", &req, "--for", "1s", "--lib", &path(&dir, "mylibs")]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("[Device] hello 42"), "{out}");

    std::fs::write(
        dir.join("crash.device.nut"),
        "#require \"Counter.lib.nut:1.0.0\"\nBREAK <- true;\n@include \"main.device.nut\"\n",
    )
    .unwrap();
    let crash = path(&dir, "crash.device.nut");
    let (code, out, _) = impish(&["run", &crash, "--for", "1s", "--lib", &path(&dir, "mylibs")]);
    assert_eq!(code, Some(1));
    assert!(out.contains(&format!("ERROR:   in helper {}:3", path(&dir, "lib/helper.nut"))), "{out}");
    assert!(out.contains(&format!("ERROR:   from main {}:3", main)), "{out}");

    // Without the library folder, the missing library is an error naming the line.
    let (code, _, err) = impish(&["run", &req, "--for", "1s"]);
    assert_eq!(code, Some(1));
    assert!(
        err.starts_with(&format!("cannot find library Counter.lib.nut version 1.0.0 required at {req}:1; ")),
        "{err}"
    );
}

#[test]
fn check_and_disasm_read_through_builder() {
    let dir = project("check");
    let broken = path(&dir, "broken.device.nut");
    let (code, out, err) = impish(&["check", &broken]);
    assert_eq!((code, out.as_str()), (Some(1), "1 file checked, 1 with errors\n"));
    let helper = path(&dir, "lib/broken.nut");
    assert!(err.starts_with(&format!("{helper}:2:22: error: end of statement expected (; or lf)")), "{err}");
    assert!(err.contains("2 |     local a = 1 local b = 2;"), "{err}");
    let (code, _, err) = impish(&["disasm", &broken]);
    assert_ne!(code, Some(0));
    assert!(err.starts_with(&format!("{helper}:2:22: error: ")), "{err}");

    let main = path(&dir, "main.device.nut");
    let (code, out, err) = impish(&["check", &main]);
    assert_eq!((code, out.as_str(), err.as_str()), (Some(0), "1 file checked, no errors\n", ""));
    let (code, out, _) = impish(&["disasm", &main]);
    assert_eq!(code, Some(0));
    assert!(out.contains("hello "), "the @{{GREETING}} expansion is compiled: {out}");
    let (code, _, err) = impish(&["check", &path(&dir, "lib/nope.nut")]);
    assert_eq!(code, Some(2), "a file that cannot be read is bad input");
    assert!(err.contains("nope.nut"), "{err}");
}

#[test]
fn bench_reads_firmware_through_builder() {
    let dir = project("bench");
    std::fs::write(
        dir.join("b.device.nut"),
        "#require \"Counter.lib.nut:1.0.0\"\nBREAK <- false;\n@include \"main.device.nut\"\n",
    )
    .unwrap();
    let (code, out, err) = impish(&[
        "bench",
        "--profile",
        "imp",
        &path(&dir, "b.device.nut"),
        "--for",
        "1",
        "--lib",
        &path(&dir, "mylibs"),
    ]);
    assert_eq!(code, Some(0), "{out}{err}");
}

#[test]
fn build_writes_the_assembled_code_with_line_markers() {
    let dir = project("build");
    std::fs::write(dir.join("agent.nut"), "@include \"lib/helper.nut\"\n").unwrap();
    let out_dir = path(&dir, "out");
    let (code, out, err) =
        impish(&["build", &path(&dir, "main.device.nut"), "--agent", &path(&dir, "agent.nut"), "-o", &out_dir]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out, format!("{out_dir}/main.device.nut\n{out_dir}/agent.nut\n"));
    let device = std::fs::read_to_string(dir.join("out/main.device.nut")).unwrap();
    let (helper, main) = (path(&dir, "lib/helper.nut"), path(&dir, "main.device.nut"));
    assert_eq!(
        device,
        format!(
            "#line 1 \"{helper}\"\nfunction helper() {{\n    local n = Counter().next();\n    return n + (BREAK ? missing : 0);\n}}\n\
             #line 3 \"{main}\"\nserver.log(\"hello \" + helper());\n"
        )
    );
    // Builder does not compile: a syntax error is written as it is.
    let (code, _, err) = impish(&["build", &path(&dir, "broken.device.nut"), "-o", &path(&dir, "broken")]);
    assert_eq!(code, Some(0), "{err}");
    // A failing source, or the same name for both sides: nothing is written.
    let (code, _, err) = impish(&["build", &path(&dir, "lib/nope.nut"), "-o", &path(&dir, "none2")]);
    assert_eq!(code, Some(2));
    assert!(err.contains("nope.nut"), "{err}");
    assert!(!dir.join("none2").exists());
    let (code, _, err) = impish(&["build", &main, "--agent", &main, "-o", &out_dir]);
    assert_eq!(code, Some(2));
    assert!(err.contains("would both be written to"), "{err}");
}
