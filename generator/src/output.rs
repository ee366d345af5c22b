//! Write or check, touching only what the generator owns.
//!
//! An output folder records the files sdkgen wrote in a manifest
//! ([`MANIFEST`]). Only files listed there are ever replaced or deleted; all
//! else in the folder (`.git/`, `Cargo.lock`, `target/`, the user's notes) is
//! left alone. A folder that holds files but no manifest is not sdkgen's, and
//! is written to only with `--force`, which still deletes nothing.
//!
//! Writing is a transaction ([`Staged`]): every new file is first written in
//! full to a staging folder inside the output folder (a full disk fails here,
//! before anything changed), then the files to replace or delete are moved
//! aside and the staged ones moved in. If any step fails, every file already
//! moved is put back, so the folder is as it was.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io;
use std::path::{Component, Path, PathBuf};

use similar::TextDiff;

use crate::diag::Diagnostic;
use crate::render::FileSet;

/// The manifest of owned files, relative to the output folder.
pub const MANIFEST: &str = ".sdkgen/FILES";

/// Where a write in progress keeps its staged and moved-aside files.
const WORK_DIR: &str = ".sdkgen/in-progress";

/// Test hooks: make writing (staging) or moving in the named file fail, to
/// show that a full disk or a failure halfway leaves the folder unchanged.
const FAIL_WRITE_ENV: &str = "SDKGEN_TEST_FAIL_WRITE";
const FAIL_PLACE_ENV: &str = "SDKGEN_TEST_FAIL_PLACE";

/// How one output folder differs from what was rendered.
#[derive(Debug, Default)]
pub struct Drift {
    /// Files to create.
    pub added: Vec<PathBuf>,
    /// Files whose contents differ.
    pub changed: Vec<PathBuf>,
    /// Files the manifest lists that are no longer generated.
    pub removed: Vec<PathBuf>,
    /// Existing files the generator would overwrite although it does not own them.
    pub unowned: Vec<PathBuf>,
    /// The folder has no manifest but holds files (a few of them, for messages).
    pub foreign: Vec<PathBuf>,
}

impl Drift {
    /// Nothing differs.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

/// The manifest text for `files` (the manifest itself is always owned).
pub fn manifest(files: &FileSet) -> String {
    let mut text = String::from(
        "# Files written by sdkgen. It replaces or deletes only the files listed here;\n\
         # everything else in this folder is yours.\n",
    );
    for rel in files.keys().filter(|rel| rel.as_path() != Path::new(MANIFEST)) {
        let _ = writeln!(text, "{}", slash(rel));
    }
    text
}

fn slash(rel: &Path) -> String {
    rel.to_string_lossy().replace('\\', "/")
}

/// The files the manifest in `dir` lists; `None` without a manifest.
fn owned_files(dir: &Path) -> Result<Option<BTreeSet<PathBuf>>, Diagnostic> {
    let path = dir.join(MANIFEST);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Diagnostic::new(&path, format!("cannot read the manifest: {e}"))),
    };
    let mut owned = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let rel = PathBuf::from(line);
        // A manifest is a file in the user's folder: never let it name a path
        // outside the folder, or deletion would reach there.
        if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
            return Err(Diagnostic::new(&path, format!("the manifest lists `{line}`, which is not a path inside the folder"))
                .at_line(i + 1, 1)
                .hint("each line must be a relative path without `..`; remove the line or the manifest"));
        }
        owned.insert(rel);
    }
    owned.insert(PathBuf::from(MANIFEST));
    Ok(Some(owned))
}

/// Up to `limit` entries of `dir` (none when it does not exist).
fn some_entries(dir: &Path, limit: usize) -> Result<Vec<PathBuf>, Diagnostic> {
    match std::fs::read_dir(dir) {
        Ok(entries) => {
            let mut names: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| PathBuf::from(e.file_name())).collect();
            names.sort();
            names.truncate(limit);
            Ok(names)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(Diagnostic::new(dir, format!("cannot list the output folder: {e}"))),
    }
}

/// Text as it would be compared: line endings normalised, so a checkout that
/// turned `\n` into `\r\n` is not drift.
fn same_text(disk: &[u8], generated: &str) -> bool {
    if disk == generated.as_bytes() {
        return true;
    }
    match std::str::from_utf8(disk) {
        Ok(text) if text.contains('\r') => text.replace("\r\n", "\n") == generated,
        _ => false,
    }
}

/// Compares `files` with `dir`.
pub fn compare(files: &FileSet, dir: &Path) -> Result<Drift, Diagnostic> {
    let owned = owned_files(dir)?;
    let mut drift = Drift::default();
    if owned.is_none() {
        drift.foreign = some_entries(dir, 5)?;
    }
    let is_owned = |rel: &Path| owned.as_ref().is_some_and(|o| o.contains(rel));
    for (rel, contents) in files {
        match std::fs::read(dir.join(rel)) {
            Ok(bytes) if same_text(&bytes, contents) => {}
            Ok(_) => {
                if !is_owned(rel) {
                    drift.unowned.push(rel.clone());
                }
                drift.changed.push(rel.clone());
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => drift.added.push(rel.clone()),
            Err(e) => {
                return Err(Diagnostic::new(dir.join(rel), format!("cannot read: {e}")));
            }
        }
    }
    for rel in owned.iter().flatten() {
        if !files.contains_key(rel) && dir.join(rel).is_file() {
            drift.removed.push(rel.clone());
        }
    }
    Ok(drift)
}

/// Refuses a write that would touch what the generator does not own, unless forced.
pub fn check_ownership(dir: &Path, drift: &Drift, force: bool) -> Result<(), Diagnostic> {
    if force {
        return Ok(());
    }
    if !drift.foreign.is_empty() {
        let names: Vec<String> = drift.foreign.iter().map(|p| slash(p)).collect();
        return Err(Diagnostic::new(
            dir,
            format!(
                "the output folder already holds files sdkgen did not write ({}{}) and no manifest ({MANIFEST})",
                names.join(", "),
                if names.len() == 5 { ", ..." } else { "" }
            ),
        )
        .hint(
            "generate into a new or empty folder, or pass --force to write into this one: \
             sdkgen then overwrites only the files it generates and deletes nothing",
        ));
    }
    if !drift.unowned.is_empty() {
        let names: Vec<String> = drift.unowned.iter().map(|p| slash(p)).collect();
        return Err(Diagnostic::new(dir, format!("generating would overwrite files that {MANIFEST} does not list: {}", names.join(", ")))
            .hint("move those files away, or pass --force to let sdkgen overwrite (and from then on own) them"));
    }
    Ok(())
}

/// A write whose new files are staged and not yet in place.
#[derive(Debug)]
pub struct Staged {
    dir: PathBuf,
    /// Folders this write created (outermost first), removed again on rollback.
    created_dirs: Vec<PathBuf>,
    /// Files to move in, relative.
    incoming: Vec<PathBuf>,
    /// Files to move aside: replaced or deleted, relative.
    outgoing: Vec<PathBuf>,
    /// Files moved aside so far.
    moved_aside: Vec<PathBuf>,
    /// Files moved in so far.
    placed: Vec<PathBuf>,
}

/// What a failed write left behind.
#[derive(Debug)]
pub struct WriteFailure {
    /// What went wrong.
    pub diagnostic: Box<Diagnostic>,
    /// What the folder looks like now, for the user.
    pub state: String,
}

fn io_diag(path: &Path, what: &str, e: io::Error) -> Diagnostic {
    Diagnostic::new(path, format!("cannot {what}: {e}"))
}

fn hooked(env: &str, rel: &Path) -> io::Result<()> {
    match std::env::var_os(env) {
        Some(v) if Path::new(&v) == rel => Err(io::Error::other(format!("simulated failure ({env})"))),
        _ => Ok(()),
    }
}

/// Creates `path`'s missing ancestors one by one, recording each.
fn create_dirs(path: &Path, created: &mut Vec<PathBuf>) -> io::Result<()> {
    let mut missing = Vec::new();
    let mut cur = Some(path);
    while let Some(p) = cur {
        if p.as_os_str().is_empty() || p.is_dir() {
            break;
        }
        missing.push(p.to_path_buf());
        cur = p.parent();
    }
    for p in missing.into_iter().rev() {
        std::fs::create_dir(&p)?;
        created.push(p);
    }
    Ok(())
}

impl Staged {
    fn work(&self) -> PathBuf {
        self.dir.join(WORK_DIR)
    }

    /// Stages the new contents of every added or changed file. On failure
    /// nothing outside the staging folder has changed, and it is removed.
    pub fn prepare(files: &FileSet, dir: &Path, drift: &Drift) -> Result<Staged, WriteFailure> {
        let mut staged = Staged {
            dir: dir.to_path_buf(),
            created_dirs: Vec::new(),
            incoming: drift.added.iter().chain(&drift.changed).cloned().collect(),
            outgoing: drift.changed.iter().chain(&drift.removed).cloned().collect(),
            moved_aside: Vec::new(),
            placed: Vec::new(),
        };
        staged.incoming.sort();
        let work = staged.work();
        // A run that was killed may have left its staging folder; it is ours.
        if work.exists() {
            std::fs::remove_dir_all(&work).map_err(|e| WriteFailure {
                diagnostic: Box::new(io_diag(&work, "remove the staging folder of an earlier run", e)),
                state: "nothing was written.".into(),
            })?;
        }
        let result = (|| {
            create_dirs(&work, &mut staged.created_dirs).map_err(|e| io_diag(&work, "create the staging folder", e))?;
            for rel in &staged.incoming {
                let path = work.join("new").join(rel);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| io_diag(parent, "create folder", e))?;
                }
                hooked(FAIL_WRITE_ENV, rel)
                    .and_then(|()| std::fs::write(&path, &files[rel]))
                    .map_err(|e| io_diag(&dir.join(rel), "write", e))?;
            }
            Ok(())
        })();
        match result {
            Ok(()) => Ok(staged),
            Err(diagnostic) => {
                let _ = std::fs::remove_dir_all(&work);
                staged.remove_created_dirs();
                Err(WriteFailure { diagnostic: Box::new(diagnostic), state: "nothing was written.".into() })
            }
        }
    }

    /// Moves the replaced and deleted files aside and the new ones in. On
    /// failure the caller rolls back.
    pub fn commit(&mut self) -> Result<(), Diagnostic> {
        let old = self.work().join("old");
        for rel in self.outgoing.clone() {
            let aside = old.join(&rel);
            if let Some(parent) = aside.parent() {
                std::fs::create_dir_all(parent).map_err(|e| io_diag(parent, "create folder", e))?;
            }
            std::fs::rename(self.dir.join(&rel), &aside).map_err(|e| io_diag(&self.dir.join(&rel), "replace", e))?;
            self.moved_aside.push(rel);
        }
        let new = self.work().join("new");
        for rel in self.incoming.clone() {
            let target = self.dir.join(&rel);
            if let Some(parent) = target.parent() {
                create_dirs(parent, &mut self.created_dirs).map_err(|e| io_diag(parent, "create folder", e))?;
            }
            hooked(FAIL_PLACE_ENV, &rel)
                .and_then(|()| std::fs::rename(new.join(&rel), &target))
                .map_err(|e| io_diag(&target, "write", e))?;
            self.placed.push(rel);
        }
        Ok(())
    }

    /// Puts every file back as it was. Returns a description of the state.
    pub fn rollback(mut self) -> String {
        let mut stuck = Vec::new();
        for rel in self.placed.iter().rev() {
            if let Err(e) = std::fs::remove_file(self.dir.join(rel)) {
                stuck.push(format!("{} (new version left in place: {e})", self.dir.join(rel).display()));
            }
        }
        let old = self.work().join("old");
        for rel in self.moved_aside.iter().rev() {
            if let Err(e) = std::fs::rename(old.join(rel), self.dir.join(rel)) {
                stuck.push(format!("{} (old version kept at {}: {e})", self.dir.join(rel).display(), old.join(rel).display()));
            }
        }
        let restored = self.moved_aside.len().max(self.placed.len());
        if stuck.is_empty() {
            let _ = std::fs::remove_dir_all(self.work());
            self.remove_created_dirs();
            if restored == 0 {
                "nothing was changed.".into()
            } else {
                format!("nothing was changed: the {} files already replaced or added were put back as they were.", restored)
            }
        } else {
            format!("some files could not be put back:\n  {}", stuck.join("\n  "))
        }
    }

    /// Removes what was moved aside and folders left empty by deleted files.
    pub fn finish(self) {
        let _ = std::fs::remove_dir_all(self.work());
        for rel in &self.outgoing {
            if self.incoming.contains(rel) {
                continue;
            }
            let mut parent = self.dir.join(rel).parent().map(Path::to_path_buf);
            while let Some(p) = parent {
                if p == self.dir || std::fs::remove_dir(&p).is_err() {
                    break;
                }
                parent = p.parent().map(Path::to_path_buf);
            }
        }
    }

    fn remove_created_dirs(&mut self) {
        for d in self.created_dirs.drain(..).rev() {
            let _ = std::fs::remove_dir(d);
        }
    }
}

/// Where a generated crate keeps the effective description it was generated
/// from (see [`crate::load::load_with_overlays_recorded`]).
pub const DESCRIPTION: &str = ".sdkgen/description.json";

/// A unified diff of the drift, for people and CI logs.
pub fn report(files: &FileSet, dir: &Path, drift: &Drift) -> String {
    let mut out = String::new();
    for rel in &drift.changed {
        if rel == Path::new(DESCRIPTION) {
            // A line diff of the whole description says little; `sdkgen diff`
            // says what changed and what it means.
            let _ = writeln!(out, "changed: {} (the API description changed since the crate was generated)", dir.join(rel).display());
            continue;
        }
        let old = std::fs::read_to_string(dir.join(rel)).unwrap_or_default().replace("\r\n", "\n");
        let new = &files[rel];
        let shown = dir.join(rel).display().to_string();
        let diff = TextDiff::from_lines(old.as_str(), new.as_str());
        let _ = write!(out, "{}", diff.unified_diff().context_radius(3).header(&shown, &format!("{shown} (generated)")));
    }
    for rel in &drift.added {
        let _ = writeln!(out, "missing: {} (the generator writes it)", dir.join(rel).display());
    }
    for rel in &drift.removed {
        let _ = writeln!(out, "stale: {} (the generator no longer writes it)", dir.join(rel).display());
    }
    out
}
