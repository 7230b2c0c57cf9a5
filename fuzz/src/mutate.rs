//! The mutation fuzzer: programs from the repository's corpus, changed at the byte and
//! the token level (splices from other programs, duplicated and deleted spans, tokens
//! replaced by interesting ones, deep nesting, huge numbers).

use std::path::{Path, PathBuf};

use fastrand::Rng;

use crate::tokens::{tokenize, Kind};

/// The corpus folders, relative to the workspace root (`**` = every folder below).
pub const CORPUS: &[&str] =
    &["tests/conformance", "vm/tests/golden", "stdlib/tests/imp", "samples/**", "tests/regressions/**"];

/// Programs to mutate, with their names.
pub struct Corpus {
    pub programs: Vec<(String, String)>,
}

impl Corpus {
    /// Every `.nut` file of the corpus folders under `root`, in a stable order.
    pub fn load(root: &Path) -> Corpus {
        let mut files = Vec::new();
        for pattern in CORPUS {
            match pattern.strip_suffix("/**") {
                Some(dir) => collect(&root.join(dir), true, &mut files),
                None => collect(&root.join(pattern), false, &mut files),
            }
        }
        files.sort();
        let programs = files
            .into_iter()
            .filter_map(|f| {
                let text = std::fs::read(&f).ok()?;
                let name = f.strip_prefix(root).unwrap_or(&f).display().to_string();
                Some((name, String::from_utf8_lossy(&text).into_owned()))
            })
            .collect();
        Corpus { programs }
    }
}

fn collect(dir: &Path, recursive: bool, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            if recursive {
                collect(&path, true, files);
            }
        } else if path.extension().is_some_and(|e| e == "nut") {
            files.push(path);
        }
    }
}

/// Tokens that tend to find holes: boundaries, odd values, keywords out of place.
const INTERESTING: &[&str] = &[
    "null",
    "0",
    "-1",
    "2147483647",
    "-2147483648",
    "9223372036854775807",
    "-9223372036854775808",
    "0x7fffffffffffffff",
    "99999999999999999999999",
    "1e308",
    "1e-320",
    "3.4e39",
    "0.0",
    "\"\"",
    "\"%s%d%99999999d\"",
    "[]",
    "{}",
    "function(){}",
    "@(x) x",
    "this",
    "base",
    "yield",
    "resume",
    "clone",
    "delete",
    "typeof",
    "instanceof",
    "in",
    "::",
    "...",
    "vargv",
    "callee()",
    "getroottable()",
    "class {}",
    "constructor",
    "_get",
    "_set",
    "_call",
    "_nexti",
    "_tostring",
    "local",
    "static",
    "throw",
    "try",
    "catch",
    "return",
    "break",
    "continue",
    "switch",
    "case",
    "default:",
    ";",
    "\n",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ".",
    "<-",
    "=",
    "<=>",
    ">>>",
    "newthread",
    "suspend()",
    "collectgarbage()",
    "array(100000000)",
    "blob(-1)",
    "regexp(\"(((((a*)*)*)*)*b\")",
    "format(\"%*d\", 1)",
    "\"x\".slice(-9999999)",
    "setdebughook(print)",
    "seterrorhandler(print)",
    "compilestring(\"return 1\")",
];

/// Mutates `base` with 1 to 4 changes, splicing from `donor`.
pub fn mutate(rng: &mut Rng, base: &str, donor: &str) -> String {
    let mut text = base.to_string();
    for _ in 0..1 + rng.usize(..4) {
        text = match rng.u8(..10) {
            0 => bytes(rng, &text),
            1 => splice(rng, &text, donor),
            2 => duplicate(rng, &text),
            3 => delete(rng, &text),
            4 | 5 => replace(rng, &text),
            6 => nest(rng, &text),
            7 => huge_number(rng, &text),
            8 => insert_interesting(rng, &text),
            _ => swap_tokens(rng, &text),
        };
    }
    text
}

fn pieces(text: &str) -> Vec<String> {
    tokenize(text).into_iter().map(|(_, t)| t.to_string()).collect()
}

/// A random span of `n` items: (start, end).
fn span(rng: &mut Rng, n: usize) -> (usize, usize) {
    if n == 0 {
        return (0, 0);
    }
    let a = rng.usize(..n);
    let longest = if rng.u8(..4) == 0 { 48 } else { 8 };
    let len = 1 + rng.usize(..(n - a).min(longest));
    (a, (a + len).min(n))
}

/// Bytes that change how the rest of a program reads.
const ODD_BYTES: &[u8] = b"(){}[];,.\"'\\@#0\n\x00\xff";

fn bytes(rng: &mut Rng, text: &str) -> String {
    let mut b = text.as_bytes().to_vec();
    for _ in 0..1 + rng.usize(..4) {
        if b.is_empty() {
            b.push(rng.u8(..));
            continue;
        }
        let i = rng.usize(..b.len());
        match rng.u8(..3) {
            0 => b[i] ^= 1 << rng.u8(..8),
            1 => {
                b.remove(i);
            }
            _ => b.insert(i, ODD_BYTES[rng.usize(..ODD_BYTES.len())]),
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

fn splice(rng: &mut Rng, text: &str, donor: &str) -> String {
    let mut mine = pieces(text);
    let theirs = pieces(donor);
    let (a, b) = span(rng, theirs.len());
    let at = rng.usize(..=mine.len());
    mine.splice(at..at, theirs[a..b].iter().cloned());
    mine.concat()
}

fn duplicate(rng: &mut Rng, text: &str) -> String {
    let mut t = pieces(text);
    let (a, b) = span(rng, t.len());
    let copy: Vec<String> = t[a..b].to_vec();
    let times = if rng.u8(..8) == 0 { 50 } else { 1 };
    for _ in 0..times {
        t.splice(b..b, copy.iter().cloned());
    }
    t.concat()
}

fn delete(rng: &mut Rng, text: &str) -> String {
    let mut t = pieces(text);
    let (a, b) = span(rng, t.len());
    t.drain(a..b);
    t.concat()
}

/// Indices of the tokens that are not whitespace or comments.
fn solid(text: &str) -> (Vec<String>, Vec<usize>) {
    let toks = tokenize(text);
    let idx = toks.iter().enumerate().filter(|(_, (k, _))| !matches!(k, Kind::Space | Kind::Comment)).map(|(i, _)| i);
    let idx = idx.collect();
    (toks.into_iter().map(|(_, t)| t.to_string()).collect(), idx)
}

fn replace(rng: &mut Rng, text: &str) -> String {
    let (mut t, idx) = solid(text);
    if let Some(&i) = idx.get(rng.usize(..idx.len().max(1))) {
        t[i] = INTERESTING[rng.usize(..INTERESTING.len())].to_string();
    }
    t.concat()
}

fn insert_interesting(rng: &mut Rng, text: &str) -> String {
    let mut t = pieces(text);
    let at = rng.usize(..=t.len());
    t.insert(at, format!(" {} ", INTERESTING[rng.usize(..INTERESTING.len())]));
    t.concat()
}

fn swap_tokens(rng: &mut Rng, text: &str) -> String {
    let (mut t, idx) = solid(text);
    if idx.len() >= 2 {
        let a = idx[rng.usize(..idx.len())];
        let b = idx[rng.usize(..idx.len())];
        t.swap(a, b);
    }
    t.concat()
}

/// Wraps a span in many brackets (or a function in many functions).
fn nest(rng: &mut Rng, text: &str) -> String {
    let mut t = pieces(text);
    let (a, b) = span(rng, t.len());
    let depth = match rng.u8(..4) {
        0 => 100_000,
        1 => 5_000,
        _ => 1 + rng.usize(..300),
    };
    let (open, close) = match rng.u8(..6) {
        0 => ("(", ")"),
        1 => ("[", "]"),
        2 => ("{", "}"),
        3 => ("function(){ return ", "}"),
        4 => ("-", ""),
        _ => ("!", ""),
    };
    t.insert(b.min(t.len()), close.repeat(depth));
    t.insert(a, open.repeat(depth));
    t.concat()
}

fn huge_number(rng: &mut Rng, text: &str) -> String {
    let (mut t, idx) = solid(text);
    let numbers: Vec<usize> = idx.into_iter().filter(|&i| t[i].as_bytes()[0].is_ascii_digit()).collect();
    let huge = match rng.u8(..5) {
        0 => "9".repeat(1 + rng.usize(..400)),
        1 => format!("0x{}", "f".repeat(1 + rng.usize(..20))),
        2 => format!("1e{}", rng.i32(-400..400)),
        3 => format!("{}.{}", "1".repeat(rng.usize(..50)), "5".repeat(rng.usize(..50))),
        _ => rng.i64(..).to_string(),
    };
    match numbers.get(rng.usize(..numbers.len().max(1))) {
        Some(&i) => t[i] = huge,
        None => t.push(huge),
    }
    t.concat()
}
