//! Write or check: one code path compares the rendered files with the disk; in
//! write mode it then brings the disk in line, in check mode it reports.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use similar::TextDiff;

use crate::diag::Diagnostic;
use crate::render::FileSet;

/// How one output folder differs from what was rendered.
#[derive(Debug, Default)]
pub struct Drift {
    /// Files to create.
    pub added: Vec<PathBuf>,
    /// Files whose contents differ.
    pub changed: Vec<PathBuf>,
    /// Files on disk that are no longer generated.
    pub removed: Vec<PathBuf>,
}

impl Drift {
    /// Nothing differs.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }
}

/// Folders under the output that belong to the build, not to the generator.
fn ignored(rel: &Path) -> bool {
    rel.components().next().is_some_and(|c| c.as_os_str() == "target")
}

fn existing_files(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let mut out = Vec::new();
    if !dir.exists() {
        return Ok(out);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| Diagnostic::new(&d, format!("cannot list: {e}")))?;
        for entry in entries {
            let entry = entry.map_err(|e| Diagnostic::new(&d, format!("cannot list: {e}")))?;
            let path = entry.path();
            let rel = path.strip_prefix(dir).unwrap_or(&path).to_path_buf();
            if ignored(&rel) {
                continue;
            }
            if entry.file_type().map(|t| t.is_dir()).unwrap_or(false) {
                stack.push(path);
            } else {
                out.push(rel);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Compares `files` with `dir`.
pub fn compare(files: &FileSet, dir: &Path) -> Result<Drift, Diagnostic> {
    let mut drift = Drift::default();
    for (rel, contents) in files {
        match std::fs::read(dir.join(rel)) {
            Ok(bytes) if bytes == contents.as_bytes() => {}
            Ok(_) => drift.changed.push(rel.clone()),
            Err(_) => drift.added.push(rel.clone()),
        }
    }
    for rel in existing_files(dir)? {
        if !files.contains_key(&rel) {
            drift.removed.push(rel);
        }
    }
    Ok(drift)
}

/// Brings `dir` in line with `files`: writes what changed (each file via a
/// temporary file and a rename), removes what is no longer generated.
pub fn write(files: &FileSet, dir: &Path, drift: &Drift) -> Result<(), Diagnostic> {
    for rel in drift.added.iter().chain(&drift.changed) {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Diagnostic::new(parent, format!("cannot create folder: {e}")))?;
        }
        let tmp = path.with_extension("sdkgen-tmp");
        std::fs::write(&tmp, &files[rel]).map_err(|e| Diagnostic::new(&tmp, format!("cannot write: {e}")))?;
        std::fs::rename(&tmp, &path).map_err(|e| Diagnostic::new(&path, format!("cannot write: {e}")))?;
    }
    for rel in &drift.removed {
        let path = dir.join(rel);
        std::fs::remove_file(&path).map_err(|e| Diagnostic::new(&path, format!("cannot remove: {e}")))?;
        // Drop folders left empty.
        let mut parent = path.parent();
        while let Some(p) = parent {
            if p == dir || std::fs::remove_dir(p).is_err() {
                break;
            }
            parent = p.parent();
        }
    }
    Ok(())
}

/// A unified diff of the drift, for people and CI logs.
pub fn report(files: &FileSet, dir: &Path, drift: &Drift) -> String {
    let mut out = String::new();
    for rel in &drift.changed {
        let old = std::fs::read_to_string(dir.join(rel)).unwrap_or_default();
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
