//! `sdkgen diff`: what changed between two descriptions of an API, each change
//! classified twice — on the wire (would a client built from the old
//! description break against the new server?) and in Rust (would code written
//! against the old generated crate stop compiling or change meaning?) — and the
//! semver bump the generated crate needs.
//!
//! The crate's version follows its Rust API: a change is [`Level::Breaking`]
//! when the Rust API breaks. A change that breaks the wire but not the Rust API
//! (a path moved, a new response enum value the catch-all variant absorbs) is
//! reported as such and needs a minor release, since the regenerated crate is
//! what follows the API.

mod checks;
mod format;
mod rust_api;

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::model::Api;
use crate::settings::Settings;

pub use format::Format;

/// How much a change matters to the generated crate's users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// The Rust API breaks: a major release (minor for `0.x`).
    Breaking,
    /// Something new, deprecated or changed on the wire without breaking the
    /// Rust API: a minor release (patch for `0.x`).
    NonBreaking,
    /// The generated code changes without changing its API: a patch release.
    Info,
}

/// What one change does on one side (wire or Rust).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "impact", content = "reason", rename_all = "snake_case")]
pub enum Impact {
    /// Existing users break, for the reason given.
    Breaking(String),
    /// Visible, but nothing that worked stops working.
    Compatible,
    /// Nothing changes on this side.
    None,
}

impl Impact {
    /// Whether this is [`Impact::Breaking`].
    pub fn is_breaking(&self) -> bool {
        matches!(self, Impact::Breaking(_))
    }
}

/// Where a change is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Location {
    /// In an operation (as the new description has it, or the old one when it
    /// is gone).
    Operation {
        /// `operationId`.
        id: String,
        /// HTTP method, upper case.
        method: String,
        /// Path template.
        path: String,
    },
    /// In a component schema.
    Schema {
        /// Name in `components.schemas`.
        name: String,
        /// Property path inside it (`address.city`, `items[]`); empty for the
        /// schema itself.
        path: String,
    },
    /// A security scheme in `components.securitySchemes`.
    SecurityScheme {
        /// Its name.
        name: String,
    },
}

impl Location {
    /// The operation or schema name the output groups by.
    pub fn group(&self) -> &str {
        match self {
            Location::Operation { id, .. } => id,
            Location::Schema { name, .. } | Location::SecurityScheme { name } => name,
        }
    }
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Check id, like oasdiff's (`request-parameter-became-required`).
    pub check: &'static str,
    /// How much it matters to the crate.
    pub level: Level,
    /// Where it is.
    pub location: Location,
    /// What changed, in words.
    pub message: String,
    /// What it does to clients on the wire.
    pub wire: Impact,
    /// What it does to code using the generated crate.
    pub rust: Impact,
}

impl Entry {
    /// The changelog section this entry belongs in.
    pub fn section(&self) -> Section {
        if self.level == Level::Breaking {
            Section::Breaking
        } else if self.check.contains("deprecated") {
            Section::Deprecated
        } else if self.check.contains("added") || self.check.starts_with("new-") {
            Section::Added
        } else {
            Section::Changed
        }
    }
}

/// Changelog sections, in the order they are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// Breaks the Rust API.
    Breaking,
    /// New operations, parameters, properties, values.
    Added,
    /// Everything else that changed.
    Changed,
    /// Newly deprecated (or no longer deprecated) items.
    Deprecated,
}

/// The part of the version a release bumps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, clap::ValueEnum)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Nothing changed.
    #[value(skip)]
    None,
    /// `x.y.Z`.
    Patch,
    /// `x.Y.0`.
    Minor,
    /// `X.0.0`.
    Major,
}

impl Verdict {
    /// Lower case name, as the CLI takes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::None => "none",
            Verdict::Patch => "patch",
            Verdict::Minor => "minor",
            Verdict::Major => "major",
        }
    }
}

/// Every change between two descriptions.
#[derive(Debug, Clone, Serialize)]
pub struct Changelog {
    /// The changes, grouped: operations (in the new description's order, removed
    /// ones after), then schemas, then security schemes.
    pub entries: Vec<Entry>,
    /// `info.version` of the old description.
    pub old_api_version: String,
    /// `info.version` of the new description.
    pub new_api_version: String,
}

/// Compares two models of an API built with the same settings.
pub fn compare(old: &Api, new: &Api, settings: &Settings) -> Changelog {
    // The models already carry what settings change (overlays, credential
    // parameters, tags of untagged operations); the parameter keeps the entry
    // point stable for checks that will read settings directly.
    let _ = settings;
    Changelog { entries: checks::run(old, new), old_api_version: old.version.clone(), new_api_version: new.version.clone() }
}

/// Loads one description as `sdkgen generate` would: overlays from `settings`
/// (relative to `settings_path`) applied, then the model built with them.
pub fn load_model(spec: &Path, settings_path: Option<&Path>) -> Result<(Api, Settings), Diagnostic> {
    let job = crate::settings::single(spec, Path::new("diff"), settings_path)?;
    let loaded = crate::load::load_with_overlays(&job.spec_path, &job.overlay_paths)?;
    let api = crate::model::build(&loaded.api, &job.spec_path, &job.settings)?;
    Ok((api, job.settings))
}

/// One side of a diff, as the user names it: a description file; a generated
/// crate's folder (the description it was generated from, which `generate`
/// keeps in `.sdkgen/description.json`, overlays already applied); or an
/// SDK's settings folder (`specs/<sdk>/`: its description, overlays and
/// settings). Returns the settings file used, if any.
pub fn load_side(path: &Path, settings_path: Option<&Path>) -> Result<(Api, Settings, Option<PathBuf>), Diagnostic> {
    if !path.is_dir() {
        let (api, settings) = load_model(path, settings_path)?;
        return Ok((api, settings, settings_path.map(Path::to_path_buf)));
    }
    let recorded = path.join(crate::output::DESCRIPTION);
    if recorded.is_file() {
        let settings = match settings_path {
            Some(p) => crate::settings::read(p)?,
            None => Settings::default(),
        };
        let text = std::fs::read_to_string(&recorded)
            .map_err(|e| Diagnostic::new(&recorded, format!("cannot read the recorded description: {e}")))?;
        let loaded = crate::load::load_str(&recorded, &text)?;
        let api = crate::model::build(&loaded.api, &recorded, &settings)?;
        return Ok((api, settings, settings_path.map(Path::to_path_buf)));
    }
    let settings_file = path.join(crate::settings::SETTINGS_FILE);
    if settings_file.is_file() {
        let settings = crate::settings::read(&settings_file)?;
        let spec = settings
            .spec
            .as_ref()
            .map(|s| path.join(s))
            .ok_or_else(|| Diagnostic::new(&settings_file, "the settings name no description").hint("add `spec = \"<file>\"`"))?;
        let (api, settings) = load_model(&spec, Some(&settings_file))?;
        return Ok((api, settings, Some(settings_file)));
    }
    Err(Diagnostic::new(
        path,
        "this folder is neither a generated crate (no .sdkgen/description.json) nor an SDK's settings folder (no sdkgen.toml)",
    )
    .hint("name a description file, a folder under generated/, or one under specs/"))
}

/// Both descriptions loaded with one settings file (overlays and all), then
/// compared; the settings come back for their `[crate] version`.
pub fn compare_files(old: &Path, new: &Path, settings_path: Option<&Path>) -> Result<(Changelog, Settings), Diagnostic> {
    let (old_api, _) = load_model(old, settings_path)?;
    let (new_api, settings) = load_model(new, settings_path)?;
    Ok((compare(&old_api, &new_api, &settings), settings))
}

/// The crate version to diff against: `--version`, else the settings' `[crate]
/// version`, else `0.1.0`; a diagnostic when it is not `major.minor.patch`.
pub fn current_version(given: Option<&str>, settings: &Settings, settings_path: Option<&Path>) -> Result<String, Diagnostic> {
    let (version, file) = match (given, &settings.krate.version) {
        (Some(v), _) => (v.to_string(), Path::new("--version")),
        (None, Some(v)) => (v.clone(), settings_path.unwrap_or(Path::new("sdkgen.toml"))),
        (None, None) => ("0.1.0".to_string(), Path::new("--version")),
    };
    if parse_version(&version).is_none() {
        return Err(Diagnostic::new(file, format!("`{version}` is not a version (major.minor.patch)"))
            .hint("give the crate's current version, e.g. --version 0.4.1"));
    }
    Ok(version)
}

/// `major.minor.patch` of a version, pre-release and build metadata ignored.
pub fn parse_version(version: &str) -> Option<(u64, u64, u64)> {
    let core = version.trim().split(['-', '+']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    let v = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(v)
}

impl Changelog {
    /// The highest level among the entries; `None` when there are none.
    pub fn level(&self) -> Option<Level> {
        self.entries.iter().map(|e| e.level).min()
    }

    /// Which part of `current_version` the next release bumps, by Cargo's
    /// semver rules: for `0.y.z` a breaking change bumps `y` and anything else
    /// `z`; for `0.0.z` every change bumps `z`. A version that does not parse
    /// is taken as `1.0.0` or later.
    pub fn verdict(&self, current_version: &str) -> Verdict {
        let Some(level) = self.level() else { return Verdict::None };
        let (major, minor, _) = parse_version(current_version).unwrap_or((1, 0, 0));
        match (major, minor, level) {
            (0, 0, _) => Verdict::Patch,
            (0, _, Level::Breaking) => Verdict::Minor,
            (0, _, _) => Verdict::Patch,
            (_, _, Level::Breaking) => Verdict::Major,
            (_, _, Level::NonBreaking) => Verdict::Minor,
            (_, _, Level::Info) => Verdict::Patch,
        }
    }

    /// The version after `current`; `None` when nothing changed or `current`
    /// is not `major.minor.patch`.
    pub fn next_version(&self, current: &str) -> Option<String> {
        let (major, minor, patch) = parse_version(current)?;
        match self.verdict(current) {
            Verdict::None => None,
            Verdict::Patch => Some(format!("{major}.{minor}.{}", patch + 1)),
            Verdict::Minor => Some(format!("{major}.{}.0", minor + 1)),
            Verdict::Major => Some(format!("{}.0.0", major + 1)),
        }
    }

    /// Entries of one level.
    pub fn count(&self, level: Level) -> usize {
        self.entries.iter().filter(|e| e.level == level).count()
    }

    /// The changelog as text, Markdown or JSON.
    pub fn render(&self, format: Format, current_version: &str) -> String {
        format::render(self, format, current_version)
    }
}

#[cfg(test)]
mod tests;
