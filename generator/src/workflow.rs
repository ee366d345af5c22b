//! The stages wired together: one SDK job → files, one at a time → disk or a report.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::output::{self, Drift};
use crate::render::{self, Emit as _, FileSet};
use crate::settings::SdkJob;
use crate::{load, model, rust};

/// Renders one SDK in memory.
pub fn render_job(job: &SdkJob, repo_root: &Path) -> Result<FileSet, Diagnostic> {
    let files = render::Collect::default();
    render_job_into(job, repo_root, &files)?;
    Ok(files.into_files())
}

/// Renders one SDK, handing each file to `out` as soon as it is finished.
/// What is no longer needed is dropped as it goes: the description as loaded
/// once the model is built, each view once its file is rendered.
pub fn render_job_into(job: &SdkJob, repo_root: &Path, out: &dyn render::Emit) -> Result<(), Diagnostic> {
    let timings = std::env::var_os("SDKGEN_TIMINGS").is_some();
    let mut clock = std::time::Instant::now();
    let mut lap = |stage: &str| {
        if timings {
            eprintln!("{}: {stage} {:.1} ms{}", job.name, clock.elapsed().as_secs_f64() * 1000.0, memory_note());
            clock = std::time::Instant::now();
        }
    };
    // Overrides are checked first: a misnamed file is cheaper to report than
    // a whole description is to load.
    let templates = match job.templates_dir() {
        Some(dir) => render::Templates::from_dir(&dir)?,
        None => render::Templates::builtin(),
    };
    // The effective description goes to the crate as it is serialised, not
    // held as text beside the parsed document.
    let loaded = load::load_with_overlays_recording(&job.spec_path, &job.overlay_paths, &mut |doc| {
        out.stream(PathBuf::from(output::DESCRIPTION), &mut |w| load::write_record(doc, w))
    })?;
    for warning in &loaded.warnings {
        eprintln!("warning: {warning}");
    }
    lap("load");
    let api = model::build(&loaded.api, &job.spec_path, &job.settings)?;
    for warning in &api.warnings {
        eprintln!("warning: {warning}");
    }
    drop(loaded);
    let ids: Vec<&str> = api.operations.iter().map(|o| o.id.as_str()).collect();
    crate::settings::check_operation_keys(job, &ids)?;
    lap("model");
    let view = rust::plan(&api, job, repo_root)?;
    drop(api);
    lap("plan");
    render::render_each(view, &templates, out)?;
    if let Some(changelog) = changelog(job)? {
        out.file(PathBuf::from("CHANGELOG.md"), changelog)?;
    }
    lap("render");
    Ok(())
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

/// The process's resident memory now and at its peak, for `SDKGEN_TIMINGS`
/// (empty where `/proc/self/status` is not there to tell).
pub fn memory_note() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else { return String::new() };
    let field = |name: &str| {
        status.lines().find_map(|l| l.strip_prefix(name)).and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    };
    match (field("VmRSS:"), field("VmHWM:")) {
        (Some(now), Some(peak)) => format!(", {} MB resident (peak {} MB)", now / 1024, peak / 1024),
        _ => String::new(),
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

/// Renders every job first, each file compared with its output folder (and,
/// writing, staged there) as soon as it is rendered; only when all succeed is
/// anything moved into place (or reported). Writing is one transaction over
/// all jobs: when writing any folder fails, every folder already written is
/// put back as it was.
pub fn run(jobs: &[SdkJob], repo_root: &Path, mode: Mode) -> Result<Vec<Outcome>, Failure> {
    let (write, force) = match mode {
        Mode::Check => (false, false),
        Mode::Write { force } => (true, force),
    };
    let mut compared: Vec<output::Compared> = Vec::with_capacity(jobs.len());
    let discard = |compared: Vec<output::Compared>| {
        for staged in compared.into_iter().filter_map(|c| c.staged) {
            staged.rollback();
        }
    };
    for job in jobs {
        let sink = match output::Sink::open(&job.out_dir, write, force) {
            Ok(sink) => sink,
            Err(d) => {
                discard(compared);
                return Err(d.into());
            }
        };
        let rendered = render_job_into(job, repo_root, &sink).and_then(|()| {
            let manifest = output::manifest(&sink.received());
            sink.file(PathBuf::from(output::MANIFEST), manifest)
        });
        if let Err(d) = rendered {
            sink.discard();
            discard(compared);
            return Err(d.into());
        }
        match sink.finish() {
            Ok(c) => compared.push(c),
            Err(d) => {
                discard(compared);
                return Err(d.into());
            }
        }
    }
    if write {
        if let Some(d) = jobs
            .iter()
            .zip(&compared)
            .filter(|(_, c)| !c.drift.is_empty())
            .find_map(|(job, c)| output::check_ownership(&job.out_dir, &c.drift, force).err())
        {
            discard(compared);
            return Err(d.into());
        }
    }
    let mut outcomes = Vec::with_capacity(jobs.len());
    let mut staged = Vec::new();
    for (job, c) in jobs.iter().zip(compared) {
        staged.extend(c.staged);
        outcomes.push(Outcome {
            name: job.name.clone(),
            out_dir: job.out_dir.clone(),
            files: c.files,
            drift: c.drift,
            report: if write { String::new() } else { c.report },
            regenerate: job.origin.command(),
        });
    }
    if write {
        commit_all(staged)?;
    }
    Ok(outcomes)
}

/// Moves every staged write into place, or, when one fails, puts every
/// folder back as it was.
fn commit_all(mut staged: Vec<output::Staged>) -> Result<(), Failure> {
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
