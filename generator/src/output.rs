//! Write or check, touching only what the generator owns.
//!
//! An output folder records the files sdkgen wrote in a manifest
//! ([`MANIFEST`]). Only files listed there are ever replaced or deleted; all
//! else in the folder (`.git/`, `Cargo.lock`, `target/`, the user's notes) is
//! left alone. A folder that holds files but no manifest is not sdkgen's, and
//! is written to only with `--force`, which still deletes nothing.
//!
//! Files are compared one at a time, as they are rendered ([`Sink`]), so a
//! large API's files are never all in memory. Writing is a transaction
//! ([`Staged`]): every new file is first written in full to a staging folder
//! inside the output folder (a full disk fails here, before anything
//! changed), then the files to replace or delete are moved aside and the
//! staged ones moved in. If any step fails, every file already moved is put
//! back, so the folder is as it was.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{self, BufRead as _, Write as _};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use similar::TextDiff;

use crate::diag::Diagnostic;
use crate::render::Emit;

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
pub fn manifest<'a>(files: impl IntoIterator<Item = &'a PathBuf>) -> String {
    let mut text = String::from(
        "# Files written by sdkgen. It replaces or deletes only the files listed here;\n\
         # everything else in this folder is yours.\n",
    );
    for rel in files.into_iter().filter(|rel| rel.as_path() != Path::new(MANIFEST)) {
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

/// Whether `dir/.sdkgen` holds nothing but the staging folder.
fn only_staging(dir: &Path) -> bool {
    let Some(work) = Path::new(WORK_DIR).file_name() else { return false };
    std::fs::read_dir(dir.join(".sdkgen")).is_ok_and(|entries| entries.filter_map(|e| e.ok()).all(|e| e.file_name() == work))
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

    /// Creates the (empty) staging folder in `dir`; the files come one by one.
    fn begin(dir: &Path) -> Result<Staged, Diagnostic> {
        let mut staged = Staged {
            dir: dir.to_path_buf(),
            created_dirs: Vec::new(),
            incoming: Vec::new(),
            outgoing: Vec::new(),
            moved_aside: Vec::new(),
            placed: Vec::new(),
        };
        let work = staged.work();
        // A run that was killed may have left its staging folder; it is ours.
        if work.exists() {
            std::fs::remove_dir_all(&work).map_err(|e| io_diag(&work, "remove the staging folder of an earlier run", e))?;
        }
        if let Err(e) = create_dirs(&work, &mut staged.created_dirs) {
            staged.remove_created_dirs();
            return Err(io_diag(&work, "create the staging folder", e));
        }
        Ok(staged)
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

/// Receives one SDK's files as they are rendered (see [`Emit`]): compares
/// each with the output folder, keeps the diff of a changed one (checking) or
/// stages it (writing), and forgets its text. [`Sink::finish`] then tells the
/// drift and hands over what is staged.
#[derive(Debug)]
pub struct Sink {
    dir: PathBuf,
    /// Writing (else checking: keep diffs).
    write: bool,
    /// Stage the files that differ (writing, where the write can be allowed).
    stage: bool,
    owned: Option<BTreeSet<PathBuf>>,
    foreign: Vec<PathBuf>,
    state: Mutex<SinkState>,
}

#[derive(Debug, Default)]
struct SinkState {
    /// Every file received.
    files: BTreeSet<PathBuf>,
    added: Vec<PathBuf>,
    changed: Vec<PathBuf>,
    unowned: Vec<PathBuf>,
    /// Checking: the unified diff of each changed file.
    diffs: BTreeMap<PathBuf, String>,
    /// Writing: the staging folder, once a file differs.
    staged: Option<Staged>,
}

/// One SDK's files compared: how the folder differs, the report of it
/// (checking) and the staged new files (writing).
#[derive(Debug)]
pub struct Compared {
    /// How the folder differs.
    pub drift: Drift,
    /// Number of files generated (the manifest included).
    pub files: usize,
    /// A unified diff of the drift (checking), for people and CI logs.
    pub report: String,
    /// The staged write (writing, when anything differs).
    pub staged: Option<Staged>,
}

impl Sink {
    /// Starts comparing with `dir`; `write`: stage what differs. In a folder
    /// sdkgen does not own nothing is staged unless `force`: the write is
    /// refused once the files are compared.
    pub fn open(dir: &Path, write: bool, force: bool) -> Result<Sink, Diagnostic> {
        let owned = owned_files(dir)?;
        let mut foreign = if owned.is_none() { some_entries(dir, 5)? } else { Vec::new() };
        // A run killed while it rendered into a new folder leaves only its
        // staging folder: that makes the folder no less sdkgen's.
        if foreign == [PathBuf::from(".sdkgen")] && only_staging(dir) {
            foreign.clear();
        }
        let stage = write && (force || owned.is_some() || foreign.is_empty());
        Ok(Sink { dir: dir.to_path_buf(), write, stage, owned, foreign, state: Mutex::default() })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, SinkState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn is_owned(&self, rel: &Path) -> bool {
        self.owned.as_ref().is_some_and(|o| o.contains(rel))
    }

    /// The staging folder's path for `rel`, creating the staging folder on
    /// the first call.
    fn staging_path(&self, rel: &Path) -> Result<PathBuf, Diagnostic> {
        let mut state = self.state();
        let staged = match &mut state.staged {
            Some(staged) => staged,
            slot => slot.insert(Staged::begin(&self.dir)?),
        };
        Ok(staged.work().join("new").join(rel))
    }

    /// Writes a staged file (its folders first).
    fn write_staged(&self, rel: &Path, write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>) -> Result<PathBuf, Diagnostic> {
        let path = self.staging_path(rel)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_diag(parent, "create folder", e))?;
        }
        hooked(FAIL_WRITE_ENV, rel)
            .and_then(|()| {
                let mut file = io::BufWriter::new(std::fs::File::create(&path)?);
                write(&mut file)?;
                file.flush()
            })
            .map_err(|e| io_diag(&self.dir.join(rel), "write", e))?;
        Ok(path)
    }

    /// Records a file that differs from the folder (`existed`: it is there).
    fn differs(&self, rel: PathBuf, existed: bool, diff: Option<String>) {
        let mut state = self.state();
        if existed {
            if !self.is_owned(&rel) {
                state.unowned.push(rel.clone());
            }
            if let Some(diff) = diff {
                state.diffs.insert(rel.clone(), diff);
            }
            state.changed.push(rel);
        } else {
            state.added.push(rel);
        }
    }

    fn receive(&self, rel: &Path) -> Result<(), Diagnostic> {
        if !self.state().files.insert(rel.to_path_buf()) {
            return Err(Diagnostic::new(self.dir.join(rel), "two files of the crate have this path")
                .hint("this is a bug in the generator or the templates, not in your spec"));
        }
        Ok(())
    }

    /// The files received so far.
    pub fn received(&self) -> Vec<PathBuf> {
        self.state().files.iter().cloned().collect()
    }

    /// Every file compared: the drift (the files the manifest lists that were
    /// not received are stale), its report and the staged write.
    pub fn finish(self) -> Result<Compared, Diagnostic> {
        let mut state = self.state.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut drift = Drift {
            added: std::mem::take(&mut state.added),
            changed: std::mem::take(&mut state.changed),
            removed: Vec::new(),
            unowned: std::mem::take(&mut state.unowned),
            foreign: self.foreign,
        };
        drift.added.sort();
        drift.changed.sort();
        drift.unowned.sort();
        for rel in self.owned.iter().flatten() {
            if !state.files.contains(rel) && self.dir.join(rel).is_file() {
                drift.removed.push(rel.clone());
            }
        }
        let mut report = String::new();
        for rel in &drift.changed {
            match state.diffs.remove(rel) {
                Some(diff) => report.push_str(&diff),
                // A line diff of the whole description says little; `sdkgen
                // diff` says what changed and what it means.
                None => {
                    let _ = writeln!(
                        report,
                        "changed: {} (the API description changed since the crate was generated)",
                        self.dir.join(rel).display()
                    );
                }
            }
        }
        for rel in &drift.added {
            let _ = writeln!(report, "missing: {} (the generator writes it)", self.dir.join(rel).display());
        }
        for rel in &drift.removed {
            let _ = writeln!(report, "stale: {} (the generator no longer writes it)", self.dir.join(rel).display());
        }
        let mut staged = state.staged.take();
        if self.stage && !drift.is_empty() && staged.is_none() {
            staged = Some(Staged::begin(&self.dir)?);
        }
        if let Some(s) = &mut staged {
            s.incoming = drift.added.iter().chain(&drift.changed).cloned().collect();
            s.incoming.sort();
            s.outgoing = drift.changed.iter().chain(&drift.removed).cloned().collect();
        }
        if drift.is_empty() {
            // Only the description was staged, and it is the same.
            if let Some(s) = staged.take() {
                s.rollback();
            }
        }
        Ok(Compared { drift, files: state.files.len(), report, staged })
    }

    /// Gives up: removes what was staged.
    pub fn discard(self) {
        if let Some(staged) = self.state.into_inner().unwrap_or_else(|e| e.into_inner()).staged {
            staged.rollback();
        }
    }
}

impl Emit for Sink {
    fn file(&self, rel: PathBuf, text: String) -> Result<(), Diagnostic> {
        self.receive(&rel)?;
        let (existed, same, old) = match std::fs::read(self.dir.join(&rel)) {
            Ok(bytes) => (true, same_text(&bytes, &text), Some(bytes)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => (false, false, None),
            Err(e) => return Err(Diagnostic::new(self.dir.join(&rel), format!("cannot read: {e}"))),
        };
        if same {
            return Ok(());
        }
        let diff = match old {
            Some(old) if !self.write => {
                let old = String::from_utf8(old).unwrap_or_default().replace("\r\n", "\n");
                let shown = self.dir.join(&rel).display().to_string();
                let diff = TextDiff::from_lines(old.as_str(), text.as_str());
                Some(diff.unified_diff().context_radius(3).header(&shown, &format!("{shown} (generated)")).to_string())
            }
            _ => None,
        };
        if self.stage {
            self.write_staged(&rel, &mut |w| w.write_all(text.as_bytes()))?;
        }
        self.differs(rel, existed, diff);
        Ok(())
    }

    /// Compared as it is written, without a line diff (checking reports a
    /// changed streamed file in one line); writing, it is staged while it is
    /// compared, and the staged copy removed when it is the same.
    fn stream(&self, rel: PathBuf, write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>) -> Result<(), Diagnostic> {
        self.receive(&rel)?;
        let disk = match std::fs::File::open(self.dir.join(&rel)) {
            Ok(file) => Some(io::BufReader::with_capacity(64 * 1024, file)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(Diagnostic::new(self.dir.join(&rel), format!("cannot read: {e}"))),
        };
        let existed = disk.is_some();
        let mut compare = SameAs { disk, same: existed };
        let same = if self.stage {
            let path = self.write_staged(&rel, &mut |w| {
                let mut tee = Tee(w, &mut compare);
                write(&mut tee)
            })?;
            let same = compare.finish().map_err(|e| Diagnostic::new(self.dir.join(&rel), format!("cannot read: {e}")))?;
            if same {
                let _ = std::fs::remove_file(path);
            }
            same
        } else {
            write(&mut compare)
                .and_then(|()| compare.finish())
                .map_err(|e| Diagnostic::new(self.dir.join(&rel), format!("cannot read: {e}")))?
        };
        if !same {
            self.differs(rel, existed, None);
        }
        Ok(())
    }
}

/// Writes to both.
struct Tee<'a>(&'a mut dyn io::Write, &'a mut SameAs);

impl io::Write for Tee<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.0.write(buf)?;
        self.1.write_all(&buf[..n])?;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

/// Compares what is written with a file as [`same_text`] does (the file's
/// `\r\n` read as `\n`), without holding either.
struct SameAs {
    disk: Option<io::BufReader<std::fs::File>>,
    /// Nothing differed so far.
    same: bool,
}

impl SameAs {
    /// The file's next byte, `\r\n` read as `\n`.
    fn next_byte(disk: &mut io::BufReader<std::fs::File>) -> io::Result<Option<u8>> {
        let byte = match disk.fill_buf()?.first() {
            Some(&b) => b,
            None => return Ok(None),
        };
        disk.consume(1);
        if byte == b'\r' && disk.fill_buf()?.first() == Some(&b'\n') {
            disk.consume(1);
            return Ok(Some(b'\n'));
        }
        Ok(Some(byte))
    }

    /// Whether the file held exactly what was written.
    fn finish(&mut self) -> io::Result<bool> {
        if !self.same {
            return Ok(false);
        }
        match &mut self.disk {
            Some(disk) => Ok(Self::next_byte(disk)?.is_none()),
            None => Ok(false),
        }
    }
}

impl io::Write for SameAs {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.same {
            if let Some(disk) = &mut self.disk {
                for &b in buf {
                    if Self::next_byte(disk)? != Some(b) {
                        self.same = false;
                        break;
                    }
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}
