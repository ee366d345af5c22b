//! Template overrides: a folder of `<name>.tera` files, each replacing the
//! built-in template of that name, so a team can change what sdkgen writes
//! without forking the generator.
//!
//! The folder is checked as a whole before anything renders: a file that names
//! no built-in template would otherwise be silently ignored (a typo such as
//! `Readme.md.tera`), and a template that does not parse is reported at its
//! own file and line rather than as a failure of the built-in set.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tera::Tera;

use super::TEMPLATES;
use crate::diag::Diagnostic;

/// What each built-in template renders, for `sdkgen templates --list`.
/// Kept beside [`TEMPLATES`] in spirit; a unit test checks they name the same
/// templates, so a new template cannot ship without its line.
const DESCRIPTIONS: &[(&str, &str)] = &[
    ("Cargo.toml", "the crate's manifest: package, features, dependencies"),
    ("README.md", "the crate's README: quick start, controllers, authentication"),
    ("lib.rs", "src/lib.rs: crate docs and quick start, modules, re-exports, the Error type"),
    ("client.rs", "src/client.rs: the client, its Configuration and Environments"),
    ("auth.rs", "src/auth.rs: the security schemes and how credentials are applied"),
    ("controllers_mod.rs", "src/controllers/mod.rs: declares and re-exports the controllers"),
    ("controller.rs", "src/controllers/<tag>.rs: one controller, its request builders and error codes"),
    ("models_mod.rs", "src/models/mod.rs: declares and re-exports the model modules"),
    ("model.rs", "src/models/<schema>.rs: the types of one schema or one operation's inline schemas"),
    ("example_tests.rs", "tests/examples.rs: tests decoding every example of the description"),
    ("oauth_mod.rs", "src/oauth/mod.rs: the OAuth 2 module (APIs with an OAuth 2 scheme)"),
    ("oauth_scheme.rs", "src/oauth/<scheme>.rs: one OAuth 2 scheme's credentials, scopes and manager"),
    ("oauth_guide.md", "docs/<scheme>.md: the guide to one OAuth 2 scheme"),
    ("scheme_guide.md", "docs/<scheme>.md: the guide to one API key, HTTP or OpenID scheme"),
    ("app.rs", "src/app.rs: the OAuth app layer (with [app] settings)"),
    ("app_install.md", "docs/app_install.md: the install flow guide (with [app])"),
    ("app_stores.md", "docs/app_stores.md: the state and installation stores guide (with [app])"),
    ("app_rotation.md", "docs/app_rotation.md: the token rotation guide (with [app])"),
    ("app_signatures.md", "docs/app_signatures.md: the request signatures guide (with [app.signature])"),
    ("app_sign_in.md", "docs/app_sign_in.md: the OpenID Connect sign-in guide (with [app.openid])"),
];

/// One built-in template.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    /// Its name, as an override file is named without `.tera` (`lib.rs`).
    pub name: &'static str,
    /// What it renders, in one line.
    pub description: &'static str,
    /// Its tera source.
    pub source: &'static str,
}

/// Every built-in template, in the order the generator lists them.
pub fn builtins() -> Vec<Builtin> {
    TEMPLATES.iter().map(|&(name, source)| Builtin { name, description: description(name), source }).collect()
}

fn description(name: &str) -> &'static str {
    DESCRIPTIONS.iter().find(|(n, _)| *n == name).map_or("", |(_, d)| d)
}

fn builtin_names() -> Vec<&'static str> {
    TEMPLATES.iter().map(|(name, _)| *name).collect()
}

/// The templates one SDK renders with: the built-in ones, some replaced by
/// files of an override folder.
#[derive(Debug, Clone, Default)]
pub struct Templates {
    /// Built-in template name → the file replacing it and its text.
    overrides: BTreeMap<&'static str, (PathBuf, String)>,
}

impl Templates {
    /// The built-in templates only.
    pub fn builtin() -> Self {
        Templates::default()
    }

    /// The built-in templates with those `dir` replaces. Every file in `dir`
    /// must be `<name>.tera` for a built-in `<name>` (files starting with `.`,
    /// such as `.gitkeep`, are skipped), and every one must parse.
    pub fn from_dir(dir: &Path) -> Result<Self, Diagnostic> {
        let entries = std::fs::read_dir(dir).map_err(|e| {
            Diagnostic::new(dir, format!("cannot read the templates folder: {e}")).hint(
                "`templates` in sdkgen.toml (relative to it) or --templates names a folder of <name>.tera files; \
                 `sdkgen templates --export DIR` writes the built-in ones to start from",
            )
        })?;
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        let names = builtin_names();
        let mut overrides = BTreeMap::new();
        for path in paths {
            let file = path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
            if file.starts_with('.') {
                continue;
            }
            let name = file.strip_suffix(".tera").and_then(|stem| names.iter().find(|n| **n == stem));
            let Some(&name) = name.filter(|_| path.is_file()) else {
                return Err(unknown(&path, &file, &names));
            };
            let source = std::fs::read_to_string(&path).map_err(|e| Diagnostic::new(&path, format!("cannot read the template: {e}")))?;
            overrides.insert(name, (path, source));
        }
        let templates = Templates { overrides };
        templates.engine()?;
        Ok(templates)
    }

    /// Whether no built-in template is replaced.
    pub fn is_empty(&self) -> bool {
        self.overrides.is_empty()
    }

    /// The file replacing the built-in template `name`, if one does.
    pub fn file_of(&self, name: &str) -> Option<&Path> {
        self.overrides.get(name).map(|(path, _)| path.as_path())
    }

    /// The engine holding every template, overrides in place of the built-in
    /// ones. Overrides are added one at a time so a failure names its file.
    pub(super) fn engine(&self) -> Result<Tera, Diagnostic> {
        let mut tera = Tera::new();
        tera.autoescape_on(Vec::<&str>::new());
        tera.add_raw_templates(TEMPLATES.iter().copied()).map_err(|e| Diagnostic::new("templates/", format!("template error: {e}")))?;
        for (name, (path, source)) in &self.overrides {
            tera.add_raw_template(name, source).map_err(|e| {
                tera_diagnostic(path, "the template does not parse", &e).hint(format!(
                    "fix the template, or delete it to use the built-in `{name}`; \
                     `sdkgen templates --export DIR` writes the built-in ones to start from"
                ))
            })?;
        }
        Ok(tera)
    }
}

/// A diagnostic at the place in `file` tera points to, with tera's message.
pub(super) fn tera_diagnostic(file: &Path, what: &str, e: &tera::Error) -> Diagnostic {
    match e.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            let span = report.span();
            // tera's columns are 0-based; diagnostics count from 1 like editors.
            Diagnostic::new(file, format!("{what}: {}", report.message())).at_line(span.start_line, span.start_col + 1)
        }
        _ => Diagnostic::new(file, format!("{what}: {e}")),
    }
}

fn unknown(path: &Path, file: &str, names: &[&str]) -> Diagnostic {
    let d = Diagnostic::new(path, format!("`{file}` does not name a built-in template"));
    let valid: Vec<String> = names.iter().map(|n| format!("{n}.tera")).collect();
    let list = valid.join(", ");
    let candidates: Vec<&str> = valid.iter().map(String::as_str).collect();
    // Case first: `readme.md.tera` is many edits from `README.md.tera` but plainly meant it.
    let same_but_case = candidates.iter().find(|c| c.eq_ignore_ascii_case(file)).copied();
    let suggestion = match same_but_case.or_else(|| crate::settings::closest(file, &candidates)) {
        Some(c) => format!("did you mean {c}? "),
        None => String::new(),
    };
    d.hint(format!(
        "{suggestion}a templates folder holds only <name>.tera files replacing built-in templates; valid names: {list} \
         (`sdkgen templates --list` says what each renders)"
    ))
}

/// Writes every built-in template as `dir/<name>.tera`, creating `dir`.
/// Existing files are replaced only with `force`; without it nothing is
/// written when any is in the way, so an export never half-happens.
pub fn export(dir: &Path, force: bool) -> Result<Vec<PathBuf>, Diagnostic> {
    let targets: Vec<(PathBuf, &str)> = TEMPLATES.iter().map(|(name, source)| (dir.join(format!("{name}.tera")), *source)).collect();
    if !force {
        let existing: Vec<String> = targets
            .iter()
            .filter(|(p, _)| p.exists())
            .map(|(p, _)| p.file_name().unwrap_or_default().to_string_lossy().into_owned())
            .collect();
        if !existing.is_empty() {
            return Err(Diagnostic::new(dir, format!("would overwrite {}", existing.join(", ")))
                .hint("nothing was written; pass --force to replace them, or export into an empty folder"));
        }
    }
    std::fs::create_dir_all(dir).map_err(|e| Diagnostic::new(dir, format!("cannot create the folder: {e}")))?;
    let mut written = Vec::with_capacity(targets.len());
    for (path, source) in targets {
        std::fs::write(&path, source).map_err(|e| Diagnostic::new(&path, format!("cannot write the template: {e}")))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_has_a_description() {
        let described: Vec<&str> = DESCRIPTIONS.iter().map(|(n, _)| *n).collect();
        assert_eq!(described, builtin_names());
        assert!(builtins().iter().all(|b| !b.description.is_empty() && !b.source.is_empty()));
    }

    #[test]
    fn a_folder_is_checked_file_by_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".gitkeep"), "").unwrap();
        std::fs::write(dir.path().join("README.md.tera"), "# {{ package }}\n").unwrap();
        let t = Templates::from_dir(dir.path()).unwrap();
        assert_eq!(t.file_of("README.md"), Some(dir.path().join("README.md.tera").as_path()));
        assert!(t.file_of("lib.rs").is_none());

        std::fs::write(dir.path().join("Readme.md.tera"), "x").unwrap();
        let e = Templates::from_dir(dir.path()).unwrap_err();
        assert!(e.file.ends_with("Readme.md.tera"), "{e}");
        assert!(e.hint.as_deref().unwrap().contains("did you mean README.md.tera?"), "{e}");
        std::fs::remove_file(dir.path().join("Readme.md.tera")).unwrap();

        std::fs::write(dir.path().join("lib.rs.tera"), "line one\n{% if %}\n").unwrap();
        let e = Templates::from_dir(dir.path()).unwrap_err();
        assert!(e.file.ends_with("lib.rs.tera"), "{e}");
        assert_eq!(e.location.line_col.map(|l| l.0), Some(2), "{e}");
    }
}
