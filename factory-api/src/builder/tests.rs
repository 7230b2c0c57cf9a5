//! End-to-end tests of the preprocessor over in-memory files: directives, includes,
//! `#require`, `#line` markers, the line map, and errors with their locations.

use std::path::PathBuf;

use proptest::prelude::*;

use super::*;

fn options() -> Options {
    Options {
        working_dir: PathBuf::from("/shared"),
        github_cache: Some(PathBuf::from("/cache")),
        library_dirs: vec![PathBuf::from("/libs")],
        line_markers: false,
        ..Options::default()
    }
}

fn build_with(options: Options, files: &[(&str, &str)]) -> Result<Assembled, BuilderError> {
    let reader = files.iter().fold(MemoryReader::new(), |r, (path, text)| r.with(path, *text));
    Preprocessor::with_reader(options, reader).process(files[0].0)
}

/// Output without markers; the first file is the entry.
fn build(files: &[(&str, &str)]) -> Result<String, BuilderError> {
    build_with(options(), files).map(|a| a.source)
}

fn err(files: &[(&str, &str)]) -> BuilderError {
    match build(files) {
        Ok(out) => panic!("expected an error, got {out:?}"),
        Err(e) => e,
    }
}

#[test]
fn plain_text_passes_through() {
    assert_eq!(build(&[("/m.nut", "a\r\n  b\n\nc")]).unwrap(), "a\n  b\n\nc\n");
    assert_eq!(build(&[("/m.nut", "")]).unwrap(), "");
}

#[test]
fn set_and_inline_expressions() {
    let src =
        "@set name \"Someone\"\n@set N = 2 * 3\nHello, @{name}, the result is: @{123 * 456}. @{N}@{N}\n@ comment\n";
    assert_eq!(build(&[("/m.nut", src)]).unwrap(), "Hello, Someone, the result is: 56088. 66\n");
}

#[test]
fn builder_variables() {
    let files = [
        ("/src/m.nut", "@{__FILE__}:@{__LINE__} @{__PATH__}\n@include \"sub/i.nut\""),
        ("/src/sub/i.nut", "\n@{__FILE__}:@{__LINE__} @{__PATH__}"),
    ];
    assert_eq!(build(&files).unwrap(), "m.nut:1 /src\n\ni.nut:2 /src/sub\n");
}

#[test]
fn undefined_variables_are_null_and_defines_win() {
    assert_eq!(build(&[("/m.nut", "@{nothing} @{defined(nothing)}")]).unwrap(), "null false\n");
    let mut opts = options();
    opts.defines.insert("MODE".into(), "prod".into());
    let out =
        build_with(opts, &[("/m.nut", "@set MODE \"dev\"\n@set OTHER 1\n@{MODE} @{OTHER} @{defined(MODE)}")]).unwrap();
    assert_eq!(out.source, "prod 1 true\n");
}

#[test]
fn environment_only_when_allowed() {
    let src = "@{IMPISH_TEST_VAR} @{defined(IMPISH_TEST_VAR)}";
    assert_eq!(build(&[("/m.nut", src)]).unwrap(), "null false\n");
    let mut opts = options();
    opts.environment = Some([("IMPISH_TEST_VAR".to_string(), "env".to_string())].into());
    assert_eq!(build_with(opts, &[("/m.nut", src)]).unwrap().source, "env false\n");
    let from_process = Options::default().with_process_environment();
    assert!(from_process.environment.is_some_and(|env| env.len() == std::env::vars().count()));
}

#[test]
fn conditionals() {
    let src = "\
@set P \"two\"
@if P == \"one\"
one
@elseif P == \"two\"
two
  @if false
  never
  @else
  nested-else
  @endif
@elseif true
not-after-taken
@else
else
@end
@if 0
@elseif ''
@else
last
@endif
";
    assert_eq!(build(&[("/m.nut", src)]).unwrap(), "two\n  nested-else\nlast\n");
}

#[test]
fn inactive_branches_do_not_evaluate() {
    let src = "@if false\n@include \"missing.nut\"\n@error \"no\"\n@set X 1/0\n@{1/0}\n#require \"Missing.lib.nut:1.0.0\"\n@endif\nok";
    assert_eq!(build(&[("/m.nut", src)]).unwrap(), "ok\n");
}

#[test]
fn conditional_structure_errors() {
    let cases: [(&str, &str, u32); 6] = [
        ("@else", "Unexpected @else", 1),
        ("x\n@endif", "Unexpected @endif", 2),
        ("@elseif 1", "Unexpected @elseif", 1),
        ("@if 1\n@else\n@else\n@endif", "Multiple @else statements are not allowed", 3),
        ("@if 1\n@else\n@elseif 2\n@endif", "@elseif after @else is not allowed", 3),
        ("a\n@if 1\nb", "Unclosed @if statement", 2),
    ];
    for (src, message, line) in cases {
        assert_eq!(
            err(&[("/m.nut", src)]),
            BuilderError::Syntax { message: message.into(), file: "/m.nut".into(), line },
            "{src:?}"
        );
    }
    // An @if cannot be closed by the including file.
    let e = err(&[("/m.nut", "@include \"i.nut\"\n@endif"), ("/i.nut", "@if true")]);
    assert_eq!(e.location(), ("/i.nut", 1));
}

#[test]
fn error_and_warning() {
    let e = err(&[("/m.nut", "ok\n@if true\n  @error \"Platform \" + 3 + \" is unsupported\"\n@endif")]);
    assert_eq!(e, BuilderError::User { message: "Platform 3 is unsupported".into(), file: "/m.nut".into(), line: 3 });
    assert_eq!(e.to_string(), "Platform 3 is unsupported (/m.nut:3)");
    let out = build_with(options(), &[("/m.nut", "@warning \"careful\"\nx")]).unwrap();
    assert_eq!(out.warnings, vec![Warning { message: "careful".into(), file: "/m.nut".into(), line: 1 }]);
    assert_eq!(out.source, "x\n");
}

#[test]
fn expression_errors_are_located() {
    let e = err(&[("/m.nut", "\n\n@set X 1 +")]);
    assert!(matches!(e, BuilderError::Expression { ref file, line: 3, .. } if file == "/m.nut"), "{e:?}");
    let e = err(&[("/m.nut", "a\nb = @{1 / 0}")]);
    assert_eq!(e, BuilderError::Expression { message: "Division by zero".into(), file: "/m.nut".into(), line: 2 });
    let e = err(&[("/m.nut", "a @{1 +} b")]);
    assert!(matches!(e, BuilderError::Syntax { line: 1, .. }), "{e:?}");
    assert!(matches!(err(&[("/m.nut", "@include 42")]), BuilderError::Expression { line: 1, .. }));
    assert!(matches!(err(&[("/m.nut", "@include '  '")]), BuilderError::Expression { line: 1, .. }));
    assert!(matches!(err(&[("/m.nut", "@set 9 1")]), BuilderError::Syntax { line: 1, .. }));
    assert!(matches!(err(&[("/m.nut", "@macro m()\n@end")]), BuilderError::Syntax { line: 1, .. }));
}

#[test]
fn includes_resolve_beside_the_includer_then_the_entry_then_the_working_dir() {
    let files = [
        ("/src/m.nut", "start\n@include \"lib/a.nut\" // the library\n@include 'common.nut';\nend"),
        ("/src/lib/a.nut", "a1\n@include \"b.nut\"\n@include \"lib/c.nut\"\n@include \"tests/d.nut\""),
        ("/src/lib/b.nut", "b1"),
        ("/src/lib/c.nut", "c1"),
        ("/shared/tests/d.nut", "d1"),
        ("/shared/common.nut", "common"),
    ];
    // lib/c.nut is not beside lib/a.nut (no lib/lib/), but beside the entry file; tests/d.nut
    // only in the working directory.
    assert_eq!(build(&files).unwrap(), "start\na1\nb1\nc1\nd1\ncommon\nend\n");
    // A backslash is a path separator, as in Builder.
    let files = [("/src/m.nut", "@include \"lib\\x.nut\""), ("/src/lib/x.nut", "x")];
    assert_eq!(build(&files).unwrap(), "x\n");
    // The include path is an expression.
    let files = [("/m.nut", "@set DIR \"d\"\n@include DIR + \"/x.nut\""), ("/d/x.nut", "x")];
    assert_eq!(build(&files).unwrap(), "x\n");
}

#[test]
fn missing_include_names_include_file_and_line() {
    let e = err(&[("/src/m.nut", "a\n@include \"i.nut\""), ("/src/i.nut", "\n\n@include \"nope.nut\"")]);
    assert_eq!(
        e,
        BuilderError::IncludeNotFound {
            include: "nope.nut".into(),
            searched: vec!["/src/nope.nut".into(), "/shared/nope.nut".into()],
            file: "/src/i.nut".into(),
            line: 3,
        }
    );
    assert!(e.to_string().contains("\"nope.nut\" included at /src/i.nut:3"));
}

#[test]
fn include_once() {
    let files = [
        ("/m.nut", "@include once \"a.nut\"\n@include \"a.nut\"\n@include once \"./a.nut\"\n@include once \"b.nut\""),
        ("/a.nut", "A"),
        ("/b.nut", "@include once \"a.nut\"\nB"),
    ];
    assert_eq!(build(&files).unwrap(), "A\nA\nB\n");
    // Builder also skips a file whose text was already included from elsewhere.
    let files = [
        ("/m.nut", "@include \"a.nut\"\n@include once \"b.nut\"\n@include \"b.nut\""),
        ("/a.nut", "X"),
        ("/b.nut", "X"),
    ];
    assert_eq!(build(&files).unwrap(), "X\nX\n");
    // The entry counts as included.
    assert_eq!(build(&[("/m.nut", "m\n@include once \"m.nut\"")]).unwrap(), "m\n");
}

#[test]
fn include_cycles_are_errors() {
    let e =
        err(&[("/m.nut", "@include \"a.nut\""), ("/a.nut", "@include \"b.nut\""), ("/b.nut", "x\n@include \"a.nut\"")]);
    assert_eq!(
        e,
        BuilderError::IncludeCycle {
            chain: vec!["/a.nut".into(), "/b.nut".into(), "/a.nut".into()],
            file: "/b.nut".into(),
            line: 2,
        }
    );
    let e = err(&[("/m.nut", "@{include('m.nut')}")]);
    assert!(matches!(e, BuilderError::IncludeCycle { line: 1, .. }), "{e:?}");
}

#[test]
fn include_depth_is_bounded() {
    let names: Vec<String> = (0..100).map(|i| format!("/f{i}.nut")).collect();
    let texts: Vec<String> = (0..100).map(|i| format!("@include \"f{}.nut\"", i + 1)).collect();
    let files: Vec<(&str, &str)> = names.iter().zip(&texts).map(|(n, t)| (n.as_str(), t.as_str())).collect();
    assert!(matches!(err(&files), BuilderError::TooDeep { limit: 64, .. }));
}

#[test]
fn output_size_is_bounded() {
    // Each file includes the next twice: 2^40 lines if unbounded.
    let names: Vec<String> = (0..41).map(|i| format!("/f{i}.nut")).collect();
    let texts: Vec<String> = (0..41)
        .map(
            |i| if i == 40 { "x".repeat(1000) } else { format!("@include \"f{0}.nut\"\n@include \"f{0}.nut\"", i + 1) },
        )
        .collect();
    let files: Vec<(&str, &str)> = names.iter().zip(&texts).map(|(n, t)| (n.as_str(), t.as_str())).collect();
    assert!(matches!(err(&files), BuilderError::TooLarge { .. }));
    assert!(matches!(
        err(&[("/m.nut", "@set A 'xxxxxxxx'\n@{S.repeat(A, 3000000)}")]),
        BuilderError::TooLarge { .. } | BuilderError::Expression { .. }
    ));
}

#[test]
fn inline_include_and_filters() {
    let files = [
        ("/m.nut", "html <- \"@{include('page.html') | escape}\";\nb <- \"@{include('page.html')|base64}\";"),
        ("/page.html", "<p class=\"x\">\n</p>\n"),
    ];
    assert_eq!(build(&files).unwrap(), "html <- \"<p class=\\\"x\\\">\\n</p>\";\nb <- \"PHAgY2xhc3M9IngiPgo8L3A+\";\n");
}

#[test]
fn github_includes_use_the_cache() {
    let files = [
        (
            "/m.nut",
            "@include \"github:electricimp/Promise/promise.class.nut@v4.0.0\"\n@include once \"github:o/r/src/a.nut\"",
        ),
        ("/cache/github/electricimp/Promise/v4.0.0/promise.class.nut", "class Promise {}"),
        ("/cache/github/o/r/master/src/a.nut", "@include \"b.nut\"\n@{__PATH__}/@{__FILE__}"),
        ("/cache/github/o/r/master/src/b.nut", "b"),
    ];
    assert_eq!(build(&files).unwrap(), "class Promise {}\nb\ngithub:o/r/src/a.nut\n");
    let e = err(&[("/m.nut", "\n@include \"github:o/r/none.nut@dev\"")]);
    assert_eq!(
        e,
        BuilderError::NotCached {
            include: "github:o/r/none.nut@dev".into(),
            saved: "/cache/github/o/r/dev/none.nut".into(),
            checkouts: vec!["/cache/github/o/r".into(), "/libs/r".into()],
            file: "/m.nut".into(),
            line: 2,
        }
    );
    assert_eq!(
        e.to_string(),
        "cannot find \"github:o/r/none.nut@dev\" included at /m.nut:2: impish works offline, so save that file as \
         /cache/github/o/r/dev/none.nut, or put a checkout of the repository at /cache/github/o/r or /libs/r"
    );
    assert!(matches!(
        err(&[("/m.nut", "@include \"https://example.com/x.nut\"")]),
        BuilderError::UnsupportedInclude { line: 1, .. }
    ));
}

#[test]
fn github_includes_from_checkouts() {
    // A checkout in the cache, or in a library folder; relative includes stay in it.
    let files = [
        ("/m.nut", "@include \"github:o/r/src/a.nut@v1\"\n@include \"github:electricimp/Promise/Promise.lib.nut\""),
        ("/cache/github/o/r/src/a.nut", "@include \"b.nut\"\na"),
        ("/cache/github/o/r/src/b.nut", "b"),
        ("/libs/Promise/Promise.lib.nut", "promise"),
    ];
    assert_eq!(build(&files).unwrap(), "b\na\npromise\n");
    // With no cache folder given, the cache is .impish in the working directory.
    let options = Options { github_cache: None, ..options() };
    let files = [("/m.nut", "@include \"github:o/r/x.nut\""), ("/shared/.impish/github/o/r/master/x.nut", "x")];
    assert_eq!(build_with(options, &files).unwrap().source, "x\n");
}

#[test]
fn require_resolves_libraries_once() {
    let files = [
        ("/m.nut", "#require \"Promise.lib.nut:4.0.0\"\n#require \"JSONEncoder.class.nut:2.0.0\"\ncode\n#require \"Promise.lib.nut:4.0.0\""),
        ("/libs/Promise/4.0.0/Promise.lib.nut", "promise"),
        ("/libs/JSONEncoder.class.nut", "#require \"Promise.lib.nut:4.0.0\"\njson"),
    ];
    assert_eq!(build(&files).unwrap(), "promise\njson\ncode\n");
}

#[test]
fn require_errors() {
    let e = err(&[("/m.nut", "x\n#require \"Nope.lib.nut:1.2.3\"")]);
    assert_eq!(
        e,
        BuilderError::LibraryNotFound {
            name: "Nope.lib.nut".into(),
            version: "1.2.3".into(),
            searched: vec![
                "/libs/Nope/1.2.3/Nope.lib.nut".into(),
                "/libs/Nope.lib.nut".into(),
                "/libs/Nope/Nope.lib.nut".into()
            ],
            file: "/m.nut".into(),
            line: 2,
        }
    );
    assert!(e.to_string().contains("Nope.lib.nut version 1.2.3"));
    let files = [("/m.nut", "#require \"P.lib.nut:1.0.0\"\n#require \"P.lib.nut:2.0.0\""), ("/libs/P.lib.nut", "p")];
    assert!(matches!(err(&files), BuilderError::LibraryConflict { line: 2, .. }));
    assert!(matches!(err(&[("/m.nut", "#require \"P.lib.nut\"")]), BuilderError::Syntax { line: 1, .. }));
}

#[test]
fn line_markers_and_origin_map() {
    let mut opts = options();
    opts.line_markers = true;
    let files = [
        ("/src/m.nut", "first\n@set X 1\nsecond\n@include \"i.nut\"\nthird\n@{include('i.nut')}"),
        ("/src/i.nut", "i1\ni2"),
    ];
    let out = build_with(opts, &files).unwrap();
    // No marker before the first line: the output is compiled under the entry's name.
    assert_eq!(
        out.source,
        "first\n#line 3 \"/src/m.nut\"\nsecond\n#line 1 \"/src/i.nut\"\ni1\ni2\n\
         #line 5 \"/src/m.nut\"\nthird\ni1\ni2\n"
    );
    let expected = [
        ("/src/m.nut", 1),
        ("/src/m.nut", 3),
        ("/src/m.nut", 3),
        ("/src/i.nut", 1),
        ("/src/i.nut", 1),
        ("/src/i.nut", 2),
        ("/src/m.nut", 5),
        ("/src/m.nut", 5),
        ("/src/m.nut", 6),
        ("/src/m.nut", 6),
    ];
    let origins: Vec<_> = (1..=out.line_count()).map(|l| out.origin(l).unwrap()).collect();
    assert_eq!(origins, expected);
    assert_eq!(out.origin(out.line_count() + 1), None);
}

#[test]
fn markers_agree_with_the_vm_reading_of_line_directives() {
    // Re-derive each line's position the way the lexer does and compare with the map.
    let mut opts = options();
    opts.line_markers = true;
    let files = [
        ("/m.nut", "a\n@if true\nb\n@else\nc\n@endif\n@include \"x.nut\"\n#require \"L.lib.nut:1\"\nd"),
        ("/x.nut", "x1\n\nx3"),
        ("/libs/L.lib.nut", "l1"),
    ];
    let out = build_with(opts, &files).unwrap();
    // The output is compiled under the entry's name.
    let mut position: Option<(String, u32)> = Some(("/m.nut".into(), 1));
    for (i, text) in out.source.lines().enumerate() {
        if let Some(rest) = text.strip_prefix("#line ") {
            let (n, file) = rest.split_once(' ').unwrap();
            position = Some((file.trim_matches('"').to_string(), n.parse().unwrap()));
            continue;
        }
        let (file, line) = position.clone().unwrap();
        assert_eq!(out.origin(i + 1), Some((file.as_str(), line)), "line {} {text:?}", i + 1);
        position = Some((file, line + 1));
    }
}

#[test]
fn process_source_and_real_files() {
    let reader = MemoryReader::new().with("/t/device.nut", "device");
    let pp = Preprocessor::with_reader(options(), reader);
    let out = pp.process_source("/t/__wrapper__.nut", "@include \"device.nut\"\nfunction f() {\n}").unwrap();
    assert_eq!(out.source, "device\nfunction f() {\n}\n");
    assert_eq!(out.origin(2), Some(("/t/__wrapper__.nut", 2)));
    assert_eq!(
        pp.process("/t/none.nut").unwrap_err(),
        BuilderError::EntryNotFound { file: "/t/none.nut".into(), line: 0 }
    );

    let dir = std::env::temp_dir().join(format!("impish-builder-e2e-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("inc")).unwrap();
    std::fs::write(dir.join("main.nut"), "@include \"inc/part.nut\"\nmain").unwrap();
    std::fs::write(dir.join("inc/part.nut"), "part").unwrap();
    let out = Preprocessor::new(Options { line_markers: false, ..Options::default() }).process(dir.join("main.nut"));
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.unwrap().source, "part\nmain\n");
}

/// Lines mixing directives, inline expressions and includes of the same small file set.
fn arbitrary_line() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,40}",
        prop::sample::select(vec![
            "@if ",
            "@elseif ",
            "@else",
            "@endif",
            "@end",
            "@set A ",
            "@include ",
            "@include once ",
            "@error ",
            "@warning ",
            "@{",
            "#require \"",
            "@ ",
            "@macro ",
        ])
        .prop_flat_map(|prefix| "[ -~]{0,30}".prop_map(move |rest| format!("{prefix}{rest}"))),
        prop::sample::select(vec![
            "@include \"a.nut\"",
            "@include \"b.nut\"",
            "@include once \"a.nut\"",
            "@{include('b.nut')}",
            "#require \"L.lib.nut:1\"",
            "@set A A + A",
            "@{A}",
            "@if A",
            "@endif",
            "@{S.repeat(A, 1e6)}",
        ])
        .prop_map(str::to_string),
    ]
}

fn arbitrary_file() -> impl Strategy<Value = String> {
    prop::collection::vec(arbitrary_line(), 0..12).prop_map(|lines| lines.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_input_never_panics(main in arbitrary_file(), a in arbitrary_file(), b in arbitrary_file(), markers: bool) {
        let reader = MemoryReader::new().with("/m.nut", main).with("/a.nut", a).with("/b.nut", b).with("/libs/L.lib.nut", "@include \"a.nut\"");
        let mut opts = options();
        opts.line_markers = markers;
        match Preprocessor::with_reader(opts, reader).process("/m.nut") {
            Ok(out) => {
                prop_assert_eq!(out.source.lines().count(), out.line_count());
                for line in 1..=out.line_count() {
                    prop_assert!(out.origin(line).is_some());
                }
            }
            Err(e) => {
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }

    #[test]
    fn arbitrary_expressions_never_panic(text in "[ -~]{0,60}") {
        let _ = build(&[("/m.nut", &format!("@set X {text}\n@if {text}\n@endif\n@{{{text}}}"))]);
    }
}
