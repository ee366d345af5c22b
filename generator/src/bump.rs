//! What an API change means for a checked-in crate: `generate --bump` (the
//! next version and a changelog entry) and the line `check` prints.
//!
//! The old side is the effective description the crate was generated from,
//! kept in the crate (`.sdkgen/description.json`), so maintainers need not
//! keep the previous file around.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::diff::{self, Changelog, Format};
use crate::settings::SdkJob;
use crate::{load, model, output};

/// The version a crate has when its settings name none.
pub const DEFAULT_VERSION: &str = "0.1.0";

/// The API change since a crate was generated.
#[derive(Debug)]
pub struct ApiChange {
    /// The crate's version now.
    pub current: String,
    /// The version the change calls for (`None`: nothing changed that matters).
    pub next: Option<String>,
    /// What changed.
    pub changelog: Changelog,
}

impl ApiChange {
    /// One line for `check`: "the API changed since the crate was generated: minor (0.1.0 → 0.1.1), 2 additions".
    pub fn summary(&self) -> String {
        let verdict = self.changelog.verdict(&self.current).as_str();
        let breaking = self.changelog.count(diff::Level::Breaking);
        let others = self.changelog.entries.len() - breaking;
        match &self.next {
            Some(next) => format!(
                "the API changed since the crate was generated: {verdict} ({} → {next}; {breaking} breaking, {others} other); `sdkgen diff` tells what, `sdkgen generate --bump` applies it",
                self.current
            ),
            None => "the API description changed, but not in a way the crate's version reflects".to_string(),
        }
    }
}

/// The version of a job's crate.
pub fn current_version(job: &SdkJob) -> String {
    job.settings.krate.version.clone().unwrap_or_else(|| DEFAULT_VERSION.to_string())
}

/// The API change between the description a job's crate was generated from
/// and the job's description now; `None` when the crate keeps no record (it
/// was never generated, or by an older sdkgen) or the two are the same.
pub fn api_change(job: &SdkJob) -> Result<Option<ApiChange>, Diagnostic> {
    let recorded_path = job.out_dir.join(output::DESCRIPTION);
    let recorded = match std::fs::read_to_string(&recorded_path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Diagnostic::new(&recorded_path, format!("cannot read the recorded description: {e}"))),
    };
    let (loaded, now) = load::load_with_overlays_recorded(&job.spec_path, &job.overlay_paths)?;
    if now == recorded.replace("\r\n", "\n") {
        return Ok(None);
    }
    let old_loaded = load::load_str(&recorded_path, &recorded)?;
    let old = model::build(&old_loaded.api, &recorded_path, &job.settings)?;
    let new = model::build(&loaded.api, &job.spec_path, &job.settings)?;
    let changelog = diff::compare(&old, &new, &job.settings);
    let current = current_version(job);
    let next = changelog.next_version(&current);
    Ok(Some(ApiChange { current, next, changelog }))
}

/// A bump to apply once the crate is written: the settings file's new text
/// and the changelog's.
#[derive(Debug)]
pub struct Bump {
    /// The SDK.
    pub name: String,
    /// From which version.
    pub from: String,
    /// To which version.
    pub to: String,
    /// The settings file and its new text.
    pub settings: (PathBuf, String),
    /// The changelog file and its new text.
    pub changelog: (PathBuf, String),
}

/// Prepares `--bump` for a job: sets the job's version and changelog (so the
/// crate is rendered with them) and returns what to write beside the
/// settings once the crate is written. `None` when the API did not change in
/// a way the version reflects (so `--bump` twice bumps once).
pub fn prepare(job: &mut SdkJob) -> Result<Option<Bump>, Diagnostic> {
    let Some(settings_path) = job.settings_path.clone() else {
        return Err(Diagnostic::new(&job.spec_path, "--bump needs a settings file to keep the crate's version in")
            .hint("pass --settings FILE (it may hold only `[crate]` and `version = \"0.1.0\"`)"));
    };
    let Some(change) = api_change(job)? else { return Ok(None) };
    let Some(next) = change.next.clone() else { return Ok(None) };
    let text =
        std::fs::read_to_string(&settings_path).map_err(|e| Diagnostic::new(&settings_path, format!("cannot read the settings: {e}")))?;
    let settings_text = with_version(&text, &next);
    let changelog_path = settings_path.parent().unwrap_or(Path::new(".")).join(crate::workflow::CHANGELOG);
    let existing = match std::fs::read_to_string(&changelog_path) {
        Ok(text) => text.replace("\r\n", "\n"),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Diagnostic::new(&changelog_path, format!("cannot read the changelog: {e}"))),
    };
    let entry = change.changelog.render(Format::Markdown, &change.current);
    let changelog_text = prepend(&existing, &entry);
    job.settings.krate.version = Some(next.clone());
    job.changelog = Some(changelog_text.clone());
    Ok(Some(Bump {
        name: job.name.clone(),
        from: change.current,
        to: next,
        settings: (settings_path, settings_text),
        changelog: (changelog_path, changelog_text),
    }))
}

impl Bump {
    /// Writes the settings and the changelog (after the crate was written).
    pub fn write(&self) -> Result<(), Diagnostic> {
        for (path, text) in [&self.settings, &self.changelog] {
            std::fs::write(path, text).map_err(|e| {
                Diagnostic::new(path, format!("the crate was written with version {}, but this file could not be: {e}", self.to))
                    .hint("set it by hand, or run `sdkgen generate --bump` again")
            })?;
        }
        Ok(())
    }
}

/// `text` (a settings file) with `[crate] version` set to `version`, every
/// other line (comments included) as it was.
pub fn with_version(text: &str, version: &str) -> String {
    let line = format!("version = \"{version}\"");
    let mut out: Vec<String> = Vec::new();
    let mut in_crate = false;
    let mut crate_header = None;
    let mut done = false;
    for raw in text.lines() {
        let trimmed = raw.trim();
        if trimmed.starts_with('[') {
            in_crate = trimmed.trim_start_matches('[').trim_end_matches(']').trim() == "crate" && !trimmed.starts_with("[[");
            if in_crate {
                crate_header = Some(out.len());
            }
        } else if in_crate && !done {
            let key = trimmed.split('=').next().unwrap_or("").trim();
            if key == "version" && trimmed.contains('=') {
                // Keep a trailing comment.
                let comment = raw.find(" #").map(|i| &raw[i..]).unwrap_or("");
                out.push(format!("{line}{comment}"));
                done = true;
                continue;
            }
        }
        out.push(raw.to_string());
    }
    if !done {
        match crate_header {
            Some(i) => out.insert(i + 1, line),
            None => {
                if out.last().is_some_and(|l| !l.trim().is_empty()) {
                    out.push(String::new());
                }
                out.push("[crate]".into());
                out.push(line);
            }
        }
    }
    let mut joined = out.join("\n");
    joined.push('\n');
    joined
}

/// `existing` (a changelog, newest first) with `entry` added on top, under
/// its `# Changelog` title.
pub fn prepend(existing: &str, entry: &str) -> String {
    let entry = entry.trim_end();
    let title = "# Changelog";
    let rest = existing.trim_start();
    let body = rest.strip_prefix(title).map(str::trim_start).unwrap_or(rest);
    if body.is_empty() { format!("{title}\n\n{entry}\n") } else { format!("{title}\n\n{entry}\n\n{}\n", body.trim_end()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_is_set_where_it_is_and_nothing_else_moves() {
        let text =
            "spec = \"a.json\"\n\n[crate]\nname = \"x\" # the name\nversion = \"0.1.0\" # bumped by sdkgen\n\n[auth]\nversion = \"keep\"\n";
        assert_eq!(
            with_version(text, "0.2.0"),
            "spec = \"a.json\"\n\n[crate]\nname = \"x\" # the name\nversion = \"0.2.0\" # bumped by sdkgen\n\n[auth]\nversion = \"keep\"\n"
        );
        assert_eq!(with_version("[crate]\nname = \"x\"\n", "0.1.1"), "[crate]\nversion = \"0.1.1\"\nname = \"x\"\n");
        assert_eq!(with_version("spec = \"a.json\"\n", "0.1.1"), "spec = \"a.json\"\n\n[crate]\nversion = \"0.1.1\"\n");
    }

    #[test]
    fn entries_go_on_top_under_the_title() {
        assert_eq!(prepend("", "## 0.1.1\n\n- a\n"), "# Changelog\n\n## 0.1.1\n\n- a\n");
        assert_eq!(prepend("# Changelog\n\n## 0.1.1\n\n- a\n", "## 0.2.0\n\n- b\n"), "# Changelog\n\n## 0.2.0\n\n- b\n\n## 0.1.1\n\n- a\n");
    }
}
