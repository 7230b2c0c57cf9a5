//! Finding the file behind an `@include`, a `github:` reference or a `#require`.
//!
//! A relative local include is looked for as Builder looks for it: beside the including
//! file, then beside the entry file, then in the working directory. impish never touches
//! the network: `github:owner/repo/path@ref` is read from the offline GitHub cache, as
//! `<cache>/github/<owner>/<repo>/<ref or "master">/<path>` (one saved file) or
//! `<cache>/github/<owner>/<repo>/<path>` (a checkout of the repository), or from a
//! checkout in a library folder, `<dir>/<repo>/<path>`. Libraries for `#require` come from
//! library folders laid out as `<dir>/<stem>/<version>/<name>` (e.g.
//! `libs/Promise/4.0.0/Promise.lib.nut`, stem = the name up to its first dot), `<dir>/<name>`
//! (an unversioned drop-in) or `<dir>/<stem>/<name>` (a checkout of the library's
//! repository). Relative includes inside a GitHub file stay in that repository and ref, as
//! Builder's remote-relative includes do.

use std::path::{Path, PathBuf};

use super::reader::{normalize, SourceReader};
use super::Options;

/// The library folder in the working directory, searched after any others.
pub const DEFAULT_LIBRARY_DIR: &str = "libs";
/// The offline GitHub cache's folder in the working directory, unless another is given.
pub const DEFAULT_GITHUB_CACHE: &str = ".impish";

/// Where a source lives, which decides how its relative includes resolve.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Home {
    Local { dir: PathBuf },
    Github(GithubRef),
}

/// A parsed `github:owner/repo/path[@ref]`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct GithubRef {
    owner: String,
    repo: String,
    /// Path inside the repository, normalized, never leaving it.
    path: String,
    reference: Option<String>,
}

/// A located and read source.
#[derive(Debug)]
pub(super) struct Source {
    /// The path actually read: the source's identity for `@include once` and cycles.
    pub key: PathBuf,
    /// Its name in `#line` markers and errors.
    pub display: String,
    /// `__FILE__`: the file name.
    pub name: String,
    /// `__PATH__`: the absolute directory (or `github:owner/repo/dir`).
    pub dir: String,
    pub home: Home,
    pub text: String,
}

impl Source {
    /// A source at local (normalized) `path`.
    pub fn local(path: PathBuf, text: String) -> Source {
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        // Builder's `__PATH__` is absolute; a path the OS cannot make absolute stays as it is.
        let absolute = std::path::absolute(if dir.as_os_str().is_empty() { Path::new(".") } else { &dir })
            .map_or_else(|_| dir.clone(), |d| normalize(&d));
        Source {
            display: path.display().to_string(),
            name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            dir: absolute.display().to_string(),
            home: Home::Local { dir },
            text,
            key: path,
        }
    }
}

/// Why a source could not be loaded (the caller adds what asked for it and where).
#[derive(Debug, PartialEq)]
pub(super) enum LoadError {
    /// Not found; the places looked in, in order.
    NotFound(Vec<String>),
    /// A `github:` file in none of the offline cache's places: where to save the file,
    /// and where a checkout of its repository may go instead.
    NotCached {
        file: String,
        checkouts: Vec<String>,
    },
    Unsupported(String),
    Read {
        path: String,
        message: String,
    },
}

/// Locates and reads sources for one preprocessing run.
pub(super) struct Locator<'a> {
    pub reader: &'a dyn SourceReader,
    pub options: &'a Options,
    /// The entry file's folder: Builder's second place for relative includes.
    pub entry_dir: PathBuf,
}

impl Locator<'_> {
    /// The source `spec` (an evaluated `@include` argument) names, seen from `from`.
    pub fn include(&self, spec: &str, from: &Home) -> Result<Source, LoadError> {
        if spec.starts_with("github:") {
            return self.github(GithubRef::parse(spec)?);
        }
        let lower = spec.to_ascii_lowercase();
        if lower.starts_with("http:") || lower.starts_with("https:") {
            return Err(LoadError::Unsupported(
                "impish works offline; copy the file next to your sources and include it locally".into(),
            ));
        }
        match from {
            Home::Github(base) => self.github(base.relative(spec)?),
            Home::Local { dir } => {
                let path = Path::new(spec);
                if path.is_absolute() {
                    return self.first_existing(&[normalize(path)]);
                }
                let mut candidates: Vec<PathBuf> = Vec::new();
                for base in [dir, &self.entry_dir, &self.options.working_dir] {
                    let candidate = normalize(&base.join(path));
                    if !candidates.contains(&candidate) {
                        candidates.push(candidate);
                    }
                }
                self.first_existing(&candidates)
            }
        }
    }

    /// The entry file.
    pub fn entry(&self, path: &Path) -> Result<Source, LoadError> {
        self.first_existing(&[normalize(path)])
    }

    /// The file for `#require "name:version"`.
    pub fn library(&self, name: &str, version: &str) -> Result<Source, LoadError> {
        let stem = name.split('.').next().unwrap_or(name);
        let dirs = &self.options.library_dirs;
        let mut candidates: Vec<PathBuf> = dirs.iter().map(|d| d.join(stem).join(version).join(name)).collect();
        candidates.extend(dirs.iter().map(|d| d.join(name)));
        candidates.extend(dirs.iter().map(|d| d.join(stem).join(name)));
        let candidates: Vec<PathBuf> = candidates.iter().map(|p| normalize(p)).collect();
        self.first_existing(&candidates)
    }

    /// A `github:` file from the offline cache: a saved file, a checkout in the cache, or a
    /// checkout in a library folder, in that order.
    fn github(&self, gh: GithubRef) -> Result<Source, LoadError> {
        let cache =
            self.options.github_cache.clone().unwrap_or_else(|| self.options.working_dir.join(DEFAULT_GITHUB_CACHE));
        let repo_dir = cache.join("github").join(&gh.owner).join(&gh.repo);
        let saved = normalize(&repo_dir.join(gh.reference.as_deref().unwrap_or("master")).join(&gh.path));
        let mut checkouts = vec![repo_dir];
        checkouts.extend(self.options.library_dirs.iter().map(|d| d.join(&gh.repo)));
        let candidates: Vec<PathBuf> =
            std::iter::once(saved.clone()).chain(checkouts.iter().map(|c| normalize(&c.join(&gh.path)))).collect();
        for key in candidates {
            let Some(text) = self.read(&key)? else { continue };
            let (dir, name) = match gh.path.rsplit_once('/') {
                Some((dir, name)) => (format!("github:{}/{}/{dir}", gh.owner, gh.repo), name.to_string()),
                None => (format!("github:{}/{}", gh.owner, gh.repo), gh.path.clone()),
            };
            let display = match &gh.reference {
                Some(r) => format!("github:{}/{}/{}@{r}", gh.owner, gh.repo, gh.path),
                None => format!("github:{}/{}/{}", gh.owner, gh.repo, gh.path),
            };
            return Ok(Source { key, display, name, dir, home: Home::Github(gh), text });
        }
        Err(LoadError::NotCached {
            file: saved.display().to_string(),
            checkouts: checkouts.iter().map(|c| normalize(c).display().to_string()).collect(),
        })
    }

    fn first_existing(&self, candidates: &[PathBuf]) -> Result<Source, LoadError> {
        for path in candidates {
            if let Some(text) = self.read(path)? {
                return Ok(Source::local(path.clone(), text));
            }
        }
        Err(LoadError::NotFound(candidates.iter().map(|p| p.display().to_string()).collect()))
    }

    fn read(&self, path: &Path) -> Result<Option<String>, LoadError> {
        self.reader.read(path).map_err(|e| LoadError::Read { path: path.display().to_string(), message: e.to_string() })
    }
}

impl GithubRef {
    /// Parses `github:owner/repo/path[@ref]`.
    fn parse(spec: &str) -> Result<Self, LoadError> {
        let bad = |why: &str| LoadError::Unsupported(format!("{why}; expected github:<owner>/<repo>/<path>[@<ref>]"));
        let rest = spec.strip_prefix("github:").unwrap_or(spec);
        let mut parts = rest.splitn(3, '/');
        let (owner, repo, file) = match (parts.next(), parts.next(), parts.next()) {
            (Some(o), Some(r), Some(f)) if !o.is_empty() && !r.is_empty() => (o, r, f),
            _ => return Err(bad("missing owner or repository")),
        };
        let (path, reference) = match file.rsplit_once('@') {
            Some((path, r)) => (path, Some(r)),
            None => (file, None),
        };
        let path = normalize_repo_path(path).ok_or_else(|| bad("the path leaves the repository"))?;
        let plain = |s: &str| !s.is_empty() && s.split('/').all(|seg| !seg.is_empty() && seg != "." && seg != "..");
        if path.is_empty() || !plain(owner) || !plain(repo) || !reference.is_none_or(plain) {
            return Err(bad("bad owner, repository, path or ref"));
        }
        Ok(GithubRef { owner: owner.into(), repo: repo.into(), path, reference: reference.map(str::to_string) })
    }

    /// A relative include inside this file: same repository and ref; a leading `/` means the
    /// repository root. An include with its own `@ref` keeps it.
    fn relative(&self, spec: &str) -> Result<Self, LoadError> {
        let joined = match spec.strip_prefix('/') {
            Some(from_root) => from_root.to_string(),
            None => match self.path.rsplit_once('/') {
                Some((dir, _)) => format!("{dir}/{spec}"),
                None => spec.to_string(),
            },
        };
        let reference = match (&self.reference, spec.contains('@')) {
            (Some(r), false) => format!("@{r}"),
            _ => String::new(),
        };
        GithubRef::parse(&format!("github:{}/{}/{joined}{reference}", self.owner, self.repo))
    }
}

/// Resolves `.` and `..` inside a repository path; `None` if it climbs above the root.
fn normalize_repo_path(path: &str) -> Option<String> {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop()?;
            }
            s => segments.push(s),
        }
    }
    Some(segments.join("/"))
}

#[cfg(test)]
mod tests {
    use super::super::reader::MemoryReader;
    use super::*;

    fn options() -> Options {
        Options {
            working_dir: PathBuf::from("/lib"),
            github_cache: Some(PathBuf::from("/cache")),
            library_dirs: vec![PathBuf::from("/libs"), PathBuf::from("/more")],
            ..Options::default()
        }
    }

    fn locate(reader: &MemoryReader, spec: &str, from: &Home) -> Result<Source, LoadError> {
        let options = options();
        Locator { reader, options: &options, entry_dir: PathBuf::from("/entry") }.include(spec, from)
    }

    #[test]
    fn local_includes_search_the_including_dir_the_entry_dir_then_the_working_dir() {
        let reader = MemoryReader::new().with("/src/a.nut", "A").with("/lib/b.nut", "B").with("/entry/b.nut", "E");
        let home = Home::Local { dir: PathBuf::from("/src") };
        let a = locate(&reader, "a.nut", &home).unwrap();
        assert_eq!(
            (a.text.as_str(), a.display.as_str(), a.name.as_str(), a.dir.as_str()),
            ("A", "/src/a.nut", "a.nut", "/src")
        );
        assert_eq!(locate(&reader, "./x/../b.nut", &home).unwrap().key, PathBuf::from("/entry/b.nut"));
        assert_eq!(locate(&reader, "../lib/b.nut", &home).unwrap().key, PathBuf::from("/lib/b.nut"));
        assert_eq!(locate(&reader, "/src/a.nut", &home).unwrap().text, "A");
        assert_eq!(
            locate(&reader, "c.nut", &home).unwrap_err(),
            LoadError::NotFound(vec!["/src/c.nut".into(), "/entry/c.nut".into(), "/lib/c.nut".into()])
        );
    }

    #[test]
    fn path_is_absolute() {
        let source = Source::local(PathBuf::from("tests/a.nut"), String::new());
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(source.dir, cwd.join("tests").display().to_string());
        assert_eq!(Source::local(PathBuf::from("a.nut"), String::new()).dir, cwd.display().to_string());
        assert_eq!(source.display, "tests/a.nut");
    }

    #[test]
    fn github_includes_map_onto_the_cache() {
        let reader = MemoryReader::new()
            .with("/cache/github/electricimp/Promise/master/promise.class.nut", "P")
            .with("/cache/github/electricimp/Promise/v3.0.1/promise.class.nut", "P3")
            .with("/cache/github/o/r/dev/src/x.nut", "X")
            .with("/cache/github/o/r/dev/src/y.nut", "Y")
            .with("/cache/github/o/r/dev/z.nut", "Z");
        let home = Home::Local { dir: PathBuf::from("/src") };
        let p = locate(&reader, "github:electricimp/Promise/promise.class.nut", &home).unwrap();
        assert_eq!((p.text.as_str(), p.dir.as_str()), ("P", "github:electricimp/Promise"));
        let p3 = locate(&reader, "github:electricimp/Promise/promise.class.nut@v3.0.1", &home).unwrap();
        assert_eq!(
            (p3.text.as_str(), p3.display.as_str()),
            ("P3", "github:electricimp/Promise/promise.class.nut@v3.0.1")
        );
        let x = locate(&reader, "github:o/r/src/x.nut@dev", &home).unwrap();
        assert_eq!(x.dir, "github:o/r/src");
        // Relative includes stay in the repository and ref.
        assert_eq!(locate(&reader, "y.nut", &x.home).unwrap().text, "Y");
        assert_eq!(locate(&reader, "../z.nut", &x.home).unwrap().text, "Z");
        assert_eq!(locate(&reader, "/z.nut", &x.home).unwrap().text, "Z");
        assert_eq!(
            locate(&reader, "github:o/r/missing.nut", &home).unwrap_err(),
            LoadError::NotCached {
                file: "/cache/github/o/r/master/missing.nut".into(),
                checkouts: vec!["/cache/github/o/r".into(), "/libs/r".into(), "/more/r".into()]
            }
        );
    }

    #[test]
    fn bad_and_unsupported_remote_includes() {
        let reader = MemoryReader::new();
        let home = Home::Local { dir: PathBuf::new() };
        for bad in [
            "github:o",
            "github:o/r",
            "github:o/r/",
            "github:o/r/../x",
            "github:o/../x",
            "github:o/r/x@",
            "github:o/r/x@..",
            "http://x/y",
            "HTTPS://x",
        ] {
            assert!(matches!(locate(&reader, bad, &home), Err(LoadError::Unsupported(_))), "{bad}");
        }
    }

    #[test]
    fn libraries_prefer_the_versioned_layout() {
        let options = options();
        let reader = MemoryReader::new()
            .with("/more/Promise/4.0.0/Promise.lib.nut", "versioned")
            .with("/libs/Promise.lib.nut", "flat")
            .with("/more/JSONEncoder.class.nut", "json")
            .with("/more/Scheduler/Scheduler.lib.nut", "checkout");
        let locator = Locator { reader: &reader, options: &options, entry_dir: PathBuf::new() };
        assert_eq!(locator.library("Promise.lib.nut", "4.0.0").unwrap().text, "versioned");
        assert_eq!(locator.library("Promise.lib.nut", "3.0.0").unwrap().text, "flat");
        assert_eq!(locator.library("JSONEncoder.class.nut", "2.0.0").unwrap().text, "json");
        assert_eq!(locator.library("Scheduler.lib.nut", "2.0.0").unwrap().text, "checkout");
        let LoadError::NotFound(searched) = locator.library("Nope.lib.nut", "1.0.0").unwrap_err() else { panic!() };
        assert_eq!(
            searched,
            [
                "/libs/Nope/1.0.0/Nope.lib.nut",
                "/more/Nope/1.0.0/Nope.lib.nut",
                "/libs/Nope.lib.nut",
                "/more/Nope.lib.nut",
                "/libs/Nope/Nope.lib.nut",
                "/more/Nope/Nope.lib.nut"
            ]
        );
    }
}
