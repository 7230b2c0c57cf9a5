//! What every command shares: the exit statuses `--help` documents, the `imp` alias,
//! `check` over folders, `disasm` errors in `check`'s form, binary files' errors.

mod common;

use common::*;

#[test]
fn help_documents_the_exit_statuses_and_the_imp_alias() {
    let (code, out, _) = impish(&["--help"]);
    assert_eq!(code, Some(0));
    assert!(out.contains("Exit status:\n  0  success\n  1  "), "{out}");
    assert!(out.contains("  2  usage or input error"), "{out}");
    assert!(out.contains("[alias: imp]"), "{out}");
    let (code, _, err) = impish(&["run", "--no-such-flag", "x.nut"]);
    assert_eq!(code, Some(2), "a usage error: {err}");
}

#[test]
fn check_walks_a_folder_and_disasm_reports_as_check_does() {
    let good = scratch("tree/a.nut", "local a = 1;\n");
    scratch("tree/sub/b.nut", "local b = ;\n");
    scratch("tree/notes.txt", "not squirrel");
    let dir = std::path::Path::new(&good).parent().expect("folder").display().to_string();
    let (code, out, err) = impish(&["check", &dir]);
    assert_eq!((code, out.as_str()), (Some(1), "2 files checked, 1 with errors\n"), "{err}");
    let bad = format!("{dir}/sub/b.nut");
    let expected = format!("{bad}:1:11: error: expression expected\n1 | local b = ;\n  |           ^\n");
    assert_eq!(err, format!("{expected}\n"));
    let (code, out, disasm_err) = impish(&["disasm", &bad]);
    assert_eq!((code, out.as_str(), disasm_err.as_str()), (Some(1), "", expected.as_str()));
}

/// A binary file is a compile error like any other, its excerpt shown without the
/// file's control bytes (a terminal would act on them).
#[test]
fn a_binary_file_is_reported_without_echoing_its_bytes() {
    let path = scratch("binary.nut", "\x7fELF\x1b[31m\x02\x01\0\0junk");
    for command in ["check", "disasm", "run", "bench"] {
        let (code, _, err) = impish(&[command, &path]);
        assert_eq!(code, Some(1), "{command}: {err}");
        assert!(err.contains("binary.nut:1:0: error: unexpected character(control)"), "{command}: {err}");
        assert!(err.contains("1 | \u{fffd}ELF\u{fffd}[31m"), "{command}: {err}");
        assert!(!err.contains('\x1b') && !err.contains('\x7f'), "{command} echoed raw bytes: {err:?}");
    }
    let control = scratch("control.nut", "local s = \"\x1b[31m\"; local y = ;\n");
    let (_, _, err) = impish(&["check", &control]);
    assert!(err.contains("expression expected") && !err.contains('\x1b'), "{err:?}");
}
