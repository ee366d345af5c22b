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
    let loaded = load::load_with_overlays(&job.spec_path, &job.overlay_paths)?;
    lap("load");
    let api = model::build(&loaded.api, &job.spec_path, &job.settings)?;
    lap("model");
    let view = rust::plan(&api, job, repo_root)?;
    for warning in &view.warnings {
        eprintln!("warning: {warning}");
    }
    lap("plan");
    let files = render::render(&view)?;
    lap("render");
    Ok(files)
}

/// What a run did to one SDK.
#[derive(Debug)]
pub struct Outcome {
    /// SDK name.
    pub name: String,
    /// Output folder.
    pub out_dir: PathBuf,
    /// Number of files generated.
    pub files: usize,
    /// How the folder differed before the run.
    pub drift: Drift,
    /// Diff text (check mode).
    pub report: String,
}

/// Renders every job first; only when all succeed is anything written (or checked).
pub fn run(jobs: &[SdkJob], repo_root: &Path, write: bool) -> Result<Vec<Outcome>, Diagnostic> {
    let mut rendered = Vec::with_capacity(jobs.len());
    for job in jobs {
        rendered.push(render_job(job, repo_root)?);
    }
    let mut outcomes = Vec::with_capacity(jobs.len());
    for (job, files) in jobs.iter().zip(&rendered) {
        let drift = output::compare(files, &job.out_dir)?;
        let report = if write { String::new() } else { output::report(files, &job.out_dir, &drift) };
        outcomes.push(Outcome { name: job.name.clone(), out_dir: job.out_dir.clone(), files: files.len(), drift, report });
    }
    if write {
        for ((job, files), outcome) in jobs.iter().zip(&rendered).zip(&outcomes) {
            output::write(files, &job.out_dir, &outcome.drift)?;
        }
    }
    Ok(outcomes)
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
