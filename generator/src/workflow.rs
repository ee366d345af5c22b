//! The stages wired together: one SDK job → files in memory → disk or a report.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::output::{self, Drift};
use crate::render::{self, FileSet};
use crate::settings::SdkJob;
use crate::{load, model, rust};

/// Renders one SDK in memory.
pub fn render_job(job: &SdkJob, repo_root: &Path) -> Result<FileSet, Diagnostic> {
    let timings = std::env::var_os("SDKGEN_TIMINGS").is_some();
    let mut clock = std::time::Instant::now();
    let mut lap = |stage: &str| {
        if timings {
            eprintln!("{}: {stage} {:.1} ms", job.name, clock.elapsed().as_secs_f64() * 1000.0);
            clock = std::time::Instant::now();
        }
    };
    // Overrides are checked first: a misnamed file is cheaper to report than
    // a whole description is to load.
    let templates = match job.templates_dir() {
        Some(dir) => render::Templates::from_dir(&dir)?,
        None => render::Templates::builtin(),
    };
    let (loaded, recorded) = load::load_with_overlays_recorded(&job.spec_path, &job.overlay_paths)?;
    for warning in &loaded.warnings {
        eprintln!("warning: {warning}");
    }
    lap("load");
    let api = model::build(&loaded.api, &job.spec_path, &job.settings)?;
    for warning in &api.warnings {
        eprintln!("warning: {warning}");
    }
    let ids: Vec<&str> = api.operations.iter().map(|o| o.id.as_str()).collect();
    crate::settings::check_operation_keys(job, &ids)?;
    lap("model");
    let view = rust::plan(&api, job, repo_root)?;
    lap("plan");
    let mut files = render::render_with(&view, &templates)?;
    files.insert(PathBuf::from(output::DESCRIPTION), recorded);
    if let Some(changelog) = changelog(job)? {
        files.insert(PathBuf::from("CHANGELOG.md"), changelog);
    }
    lap("render");
    Ok(files)
}

/// The crate's changelog: `CHANGELOG.md` beside the settings (kept by the
/// maintainers, prepended to by `generate --bump`), copied into the crate.
fn changelog(job: &SdkJob) -> Result<Option<String>, Diagnostic> {
    if let Some(text) = &job.changelog {
        return Ok(Some(text.clone()));
    }
    let Some(path) = job.settings_path.as_deref().and_then(|p| p.parent()).map(|dir| dir.join(CHANGELOG)) else { return Ok(None) };
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(Some(text.replace("\r\n", "\n"))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Diagnostic::new(&path, format!("cannot read the changelog: {e}"))),
    }
}

/// The changelog's file name, beside the settings and in the crate.
pub const CHANGELOG: &str = "CHANGELOG.md";

/// What a run did to one SDK.
#[derive(Debug)]
pub struct Outcome {
    /// SDK name.
    pub name: String,
    /// Output folder.
    pub out_dir: PathBuf,
    /// Number of files generated (the manifest included).
    pub files: usize,
    /// How the folder differed before the run.
    pub drift: Drift,
    /// Diff text (check mode).
    pub report: String,
    /// The command that regenerates it.
    pub regenerate: String,
}

/// How a run is to treat the output folders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Compare and report.
    Check,
    /// Bring the folders in line; `force` writes into folders sdkgen does not own.
    Write {
        /// Write even where files sdkgen did not write are in the way.
        force: bool,
    },
}

/// A failed run: what went wrong and what it left on disk.
#[derive(Debug)]
pub struct Failure {
    /// What went wrong.
    pub diagnostic: Box<Diagnostic>,
    /// The state of the output folders, in words ("nothing was written.").
    pub state: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}\n{}", self.diagnostic, self.state)
    }
}

impl From<Diagnostic> for Failure {
    fn from(diagnostic: Diagnostic) -> Self {
        Failure { diagnostic: Box::new(diagnostic), state: "nothing was written.".into() }
    }
}

/// Renders every job first; only when all succeed is anything written (or
/// checked). Writing is one transaction over all jobs: when writing any
/// folder fails, every folder already written is put back as it was.
pub fn run(jobs: &[SdkJob], repo_root: &Path, mode: Mode) -> Result<Vec<Outcome>, Failure> {
    let mut rendered = Vec::with_capacity(jobs.len());
    for job in jobs {
        let mut files = render_job(job, repo_root)?;
        let manifest = output::manifest(&files);
        files.insert(PathBuf::from(output::MANIFEST), manifest);
        rendered.push(files);
    }
    let mut outcomes = Vec::with_capacity(jobs.len());
    for (job, files) in jobs.iter().zip(&rendered) {
        let drift = output::compare(files, &job.out_dir)?;
        let report = match mode {
            Mode::Check => output::report(files, &job.out_dir, &drift),
            Mode::Write { force } => {
                if !drift.is_empty() {
                    output::check_ownership(&job.out_dir, &drift, force)?;
                }
                String::new()
            }
        };
        outcomes.push(Outcome {
            name: job.name.clone(),
            out_dir: job.out_dir.clone(),
            files: files.len(),
            drift,
            report,
            regenerate: job.origin.command(),
        });
    }
    if let Mode::Write { .. } = mode {
        write_all(&rendered, &outcomes)?;
    }
    Ok(outcomes)
}

fn write_all(rendered: &[FileSet], outcomes: &[Outcome]) -> Result<(), Failure> {
    let mut staged = Vec::new();
    for (files, outcome) in rendered.iter().zip(outcomes).filter(|(_, o)| !o.drift.is_empty()) {
        match output::Staged::prepare(files, &outcome.out_dir, &outcome.drift) {
            Ok(s) => staged.push(s),
            Err(failure) => {
                let others: Vec<String> = staged.into_iter().map(output::Staged::rollback).collect();
                return Err(Failure { diagnostic: failure.diagnostic, state: combine(failure.state, others) });
            }
        }
    }
    for i in 0..staged.len() {
        if let Err(diagnostic) = staged[i].commit() {
            let states: Vec<String> = staged.drain(..=i).rev().map(output::Staged::rollback).collect();
            let mut state = states.join(" ");
            let untouched: Vec<String> = staged.into_iter().map(output::Staged::rollback).collect();
            state = combine(state, untouched);
            return Err(Failure { diagnostic: Box::new(diagnostic), state });
        }
    }
    for s in staged {
        s.finish();
    }
    Ok(())
}

/// The first state, unless another folder could not be restored.
fn combine(first: String, others: Vec<String>) -> String {
    let problems: Vec<String> = others.into_iter().filter(|s| !s.starts_with("nothing was")).collect();
    if problems.is_empty() { first } else { format!("{first}\n{}", problems.join("\n")) }
}

/// The repository root: the nearest folder at or above `start` with a `specs/`
/// folder beside a `Cargo.toml`; `start` itself when there is none.
pub fn find_repo_root(start: &Path) -> PathBuf {
    let mut dir = Some(start);
    while let Some(d) = dir {
        if d.join("specs").is_dir() && d.join("Cargo.toml").is_file() {
            return d.to_path_buf();
        }
        dir = d.parent();
    }
    start.to_path_buf()
}
