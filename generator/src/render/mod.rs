//! Render: templates → files in memory. Every `.rs` file is parsed by `syn` and
//! printed by `prettyplease`, so invalid Rust is never written and the layout
//! does not depend on template whitespace.

mod format;
mod overrides;

pub use overrides::{Builtin, Templates, builtins, export};

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;

use tera::Context;

use crate::diag::Diagnostic;
use crate::rust::CrateView;

/// The templates, compiled into the binary so `sdkgen` runs from anywhere.
const TEMPLATES: &[(&str, &str)] = &[
    ("Cargo.toml", include_str!("../../../templates/Cargo.toml.tera")),
    ("README.md", include_str!("../../../templates/README.md.tera")),
    ("lib.rs", include_str!("../../../templates/lib.rs.tera")),
    ("client.rs", include_str!("../../../templates/client.rs.tera")),
    ("auth.rs", include_str!("../../../templates/auth.rs.tera")),
    ("controllers_mod.rs", include_str!("../../../templates/controllers_mod.rs.tera")),
    ("controller.rs", include_str!("../../../templates/controller.rs.tera")),
    ("models_mod.rs", include_str!("../../../templates/models_mod.rs.tera")),
    ("model.rs", include_str!("../../../templates/model.rs.tera")),
    ("example_tests.rs", include_str!("../../../templates/example_tests.rs.tera")),
    ("oauth_mod.rs", include_str!("../../../templates/oauth_mod.rs.tera")),
    ("oauth_scheme.rs", include_str!("../../../templates/oauth_scheme.rs.tera")),
    ("oauth_guide.md", include_str!("../../../templates/oauth_guide.md.tera")),
    ("scheme_guide.md", include_str!("../../../templates/scheme_guide.md.tera")),
    ("app.rs", include_str!("../../../templates/app.rs.tera")),
    ("app_install.md", include_str!("../../../templates/app_install.md.tera")),
    ("app_stores.md", include_str!("../../../templates/app_stores.md.tera")),
    ("app_rotation.md", include_str!("../../../templates/app_rotation.md.tera")),
    ("app_signatures.md", include_str!("../../../templates/app_signatures.md.tera")),
    ("app_sign_in.md", include_str!("../../../templates/app_sign_in.md.tera")),
];

/// The generated files: path relative to the crate root → contents.
pub type FileSet = BTreeMap<PathBuf, String>;

/// Renders the whole crate in memory with the built-in templates.
pub fn render(view: CrateView) -> Result<FileSet, Diagnostic> {
    render_with(view, &Templates::builtin())
}

/// Renders the whole crate in memory with `templates` (built-in ones, some
/// perhaps replaced by override files).
pub fn render_with(view: CrateView, templates: &Templates) -> Result<FileSet, Diagnostic> {
    let files = Collect::default();
    render_each(view, templates, &files)?;
    Ok(files.into_files())
}

/// Where rendered files go, one at a time, as they are finished (from several
/// threads): into memory ([`Collect`]) or compared with and staged for an
/// output folder ([`crate::output::Sink`]).
pub trait Emit: Sync {
    /// One finished file.
    fn file(&self, rel: PathBuf, text: String) -> Result<(), Diagnostic>;
    /// One file too large to hold as text: `write` writes it, and may be
    /// called once.
    fn stream(&self, rel: PathBuf, write: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>) -> Result<(), Diagnostic>;
}

/// Files kept in memory.
#[derive(Debug, Default)]
pub struct Collect(Mutex<FileSet>);

impl Collect {
    /// The files received.
    pub fn into_files(self) -> FileSet {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl Emit for Collect {
    fn file(&self, rel: PathBuf, text: String) -> Result<(), Diagnostic> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(rel, text);
        Ok(())
    }

    fn stream(&self, rel: PathBuf, write: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>) -> Result<(), Diagnostic> {
        let mut bytes = Vec::new();
        write(&mut bytes).map_err(|e| Diagnostic::new(&rel, format!("cannot render: {e}")))?;
        self.file(rel, String::from_utf8_lossy(&bytes).into_owned())
    }
}

/// The templates rendered with the whole crate's view (the others render one
/// scheme, controller or model file).
const CRATE_WIDE: &[&str] = &[
    "Cargo.toml",
    "README.md",
    "lib.rs",
    "client.rs",
    "auth.rs",
    "controllers_mod.rs",
    "models_mod.rs",
    "example_tests.rs",
    "oauth_mod.rs",
    "app.rs",
    "app_install.md",
    "app_stores.md",
    "app_rotation.md",
    "app_signatures.md",
    "app_sign_in.md",
];

/// Renders the whole crate with `templates`, handing each file to `out` as
/// soon as it is finished. Each controller's and model file's view is
/// dropped once its file is rendered, so the views, the template values and
/// the rendered text of a large API are never all in memory at once.
pub fn render_each(mut view: CrateView, templates: &Templates, out: &dyn Emit) -> Result<(), Diagnostic> {
    let tera = templates.engine()?;
    // The crate-wide templates see the whole view, but the built-in ones use
    // only the names of the controllers' operations and the models' types:
    // a copy of every operation and type as template values would double what
    // the views take. An override of one of them gets the whole view.
    let controllers = std::mem::take(&mut view.controllers);
    let model_files = std::mem::take(&mut view.model_files);
    let whole = CRATE_WIDE.iter().any(|t| templates.file_of(t).is_some());
    let mut base =
        Context::from_serialize(&view).map_err(|e| Diagnostic::new("templates/", format!("cannot pass the model to templates: {e}")))?;
    let (controller_values, model_values): (Vec<tera::Value>, Vec<tera::Value>) = if whole {
        (controllers.iter().map(tera::Value::from_serializable).collect(), model_files.iter().map(tera::Value::from_serializable).collect())
    } else {
        (
            controllers.iter().map(|c| outline(c, controller_keys)).collect(),
            model_files.iter().map(|m| outline(m, model_file_keys)).collect(),
        )
    };
    base.insert_value("controllers", tera::Value::from(controller_values));
    base.insert_value("model_files", tera::Value::from(model_values));
    let header = header_lines(&view);
    base.insert("header", &header);
    // Per-controller and per-model files see only what they use: cloning the whole
    // view for each of hundreds of files would dominate the run time.
    let mut slim = Context::new();
    slim.insert("client", &view.client);
    slim.insert("lib", &view.lib);

    // (output path, template, the one item a per-item template renders). Items are
    // turned into template values by the workers, so that this runs in parallel
    // and only the values of the files being rendered are in memory at once.
    type Job<'t> = (PathBuf, &'static str, Option<(&'static str, Mutex<Option<Item<'t>>>)>);
    let mut jobs: Vec<Job<'_>> = vec![
        (PathBuf::from("Cargo.toml"), "Cargo.toml", None),
        (PathBuf::from("README.md"), "README.md", None),
        (PathBuf::from("src/lib.rs"), "lib.rs", None),
        (PathBuf::from("src/client.rs"), "client.rs", None),
        (PathBuf::from("src/auth.rs"), "auth.rs", None),
        (PathBuf::from("src/controllers/mod.rs"), "controllers_mod.rs", None),
        (PathBuf::from("src/models/mod.rs"), "models_mod.rs", None),
        (PathBuf::from("tests/examples.rs"), "example_tests.rs", None),
    ];
    if view.has_oauth {
        jobs.push((PathBuf::from("src/oauth/mod.rs"), "oauth_mod.rs", None));
    }
    if let Some(app) = &view.app {
        jobs.push((PathBuf::from("src/app.rs"), "app.rs", None));
        jobs.push((PathBuf::from("docs/app_install.md"), "app_install.md", None));
        jobs.push((PathBuf::from("docs/app_stores.md"), "app_stores.md", None));
        jobs.push((PathBuf::from("docs/app_rotation.md"), "app_rotation.md", None));
        if app.signature.is_some() {
            jobs.push((PathBuf::from("docs/app_signatures.md"), "app_signatures.md", None));
        }
        if app.openid.is_some() {
            jobs.push((PathBuf::from("docs/app_sign_in.md"), "app_sign_in.md", None));
        }
    }
    for s in view.schemes.iter().filter(|s| s.oauth.is_some()) {
        let module = s.oauth.as_ref().map(|o| o.module.clone()).unwrap_or_default();
        jobs.push((PathBuf::from(format!("src/oauth/{module}.rs")), "oauth_scheme.rs", item("scheme", Item::Scheme(s))));
        jobs.push((PathBuf::from(format!("docs/{module}.md")), "oauth_guide.md", item("scheme", Item::Scheme(s))));
    }
    for s in view.schemes.iter().filter(|s| s.oauth.is_none()) {
        jobs.push((PathBuf::from(format!("docs/{}.md", s.guide_module)), "scheme_guide.md", item("scheme", Item::Scheme(s))));
    }
    for c in controllers {
        jobs.push((PathBuf::from(format!("src/controllers/{}.rs", c.module)), "controller.rs", item("controller", Item::Controller(c))));
    }
    for m in model_files {
        jobs.push((PathBuf::from(format!("src/models/{}.rs", m.module)), "model.rs", item("file", Item::Model(m))));
    }

    // Biggest files first, then workers pull the next file from a shared counter,
    // so one large file does not leave the other core idle.
    jobs.sort_by_key(|(path, template, _)| (*template != "example_tests.rs" && *template != "client.rs", path.clone()));
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<Result<(), Diagnostic>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (tera, base, slim, header, jobs, next) = (&tera, &base, &slim, &header, &jobs, &next);
                let overrides = templates;
                scope.spawn(move || {
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some((path, template, extra)) = jobs.get(i) else { return Ok(()) };
                        let text = match extra {
                            None => tera.render(template, base),
                            Some((key, item)) => {
                                // Taken: the view goes once its file is rendered.
                                let item = item.lock().unwrap_or_else(|e| e.into_inner()).take();
                                let mut ctx = slim.clone();
                                ctx.insert_value(*key, item.map_or_else(tera::Value::none, Item::value));
                                tera.render(template, &ctx)
                            }
                        }
                        .map_err(|e| match overrides.file_of(template) {
                            Some(file) => overrides::tera_diagnostic(file, &format!("rendering {} failed", path.display()), &e)
                                .hint(format!("the template replaces the built-in `{template}`; fix it or delete it")),
                            None => {
                                Diagnostic::new(format!("templates/{template}.tera"), format!("rendering {} failed: {e:#}", path.display()))
                            }
                        })?;
                        let text = finish(path, &text, header, overrides.file_of(template))?;
                        out.file(path.clone(), text)?;
                    }
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err(Diagnostic::new("templates/", "a render worker panicked")))).collect()
    });
    for r in results {
        r?;
    }
    // A vendored runtime is copied as it is: it is the runtime crate's own
    // source, not generated code.
    for (path, text) in view.runtime.vendored_files() {
        out.file(path, text.to_string())?;
    }
    Ok(())
}

/// What the built-in crate-wide templates read of a controller (`None`: all
/// of the member): its operations only by name.
fn controller_keys(key: &str) -> Option<&'static [&'static str]> {
    match key {
        "operations" => Some(&["builder", "output_enum", "error_enum", "media_types"]),
        "output_enum" | "error_enum" | "media_types" => Some(&["name"]),
        _ => None,
    }
}

/// What the built-in crate-wide templates read of a model file: its types
/// only by name.
fn model_file_keys(key: &str) -> Option<&'static [&'static str]> {
    match key {
        "types" => Some(&["name"]),
        _ => None,
    }
}

/// `item` as a template value, the members `keep` names cut down: under
/// such a member (or each item of it, when it is a list) only the keys
/// listed stay, themselves cut down the same way.
fn outline<T: serde::Serialize>(item: &T, keep: fn(&str) -> Option<&'static [&'static str]>) -> tera::Value {
    use serde_json::Value;
    fn cut(value: Value, kept: Option<&[&str]>, keep: fn(&str) -> Option<&'static [&'static str]>) -> Value {
        match value {
            Value::Array(items) => Value::Array(items.into_iter().map(|v| cut(v, kept, keep)).collect()),
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .filter(|(k, _)| kept.is_none_or(|kept| kept.contains(&k.as_str())))
                    .map(|(k, v)| {
                        let v = match keep(&k) {
                            Some(next) => cut(v, Some(next), keep),
                            None => v,
                        };
                        (k, v)
                    })
                    .collect(),
            ),
            other => other,
        }
    }
    match serde_json::to_value(item) {
        Ok(value) => tera::Value::from_serializable(&cut(value, None, keep)),
        Err(_) => tera::Value::from_serializable(item),
    }
}

/// A per-item template's job: the key it sees its item under, and the item
/// (taken when rendered).
fn item<'v>(key: &'static str, item: Item<'v>) -> Option<(&'static str, Mutex<Option<Item<'v>>>)> {
    Some((key, Mutex::new(Some(item))))
}

/// The one item a per-item template renders.
enum Item<'v> {
    Scheme(&'v crate::rust::view::SchemeView),
    Controller(crate::rust::view::ControllerView),
    Model(crate::rust::view::ModelFileView),
}

impl Item<'_> {
    fn value(self) -> tera::Value {
        match self {
            Item::Scheme(s) => tera::Value::from_serializable(s),
            Item::Controller(c) => tera::Value::from_serializable(&c),
            Item::Model(m) => tera::Value::from_serializable(&m),
        }
    }
}

/// Formats Rust, tidies other files, and puts the header on top. `template`
/// is the override file the text came from, if any: invalid Rust from it is
/// the user's template to fix, not a bug of sdkgen.
fn finish(path: &std::path::Path, text: &str, header: &[String], template: Option<&std::path::Path>) -> Result<String, Diagnostic> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    match ext {
        "rs" => {
            let formatted = format::rust(text).map_err(|msg| {
                let saved = std::env::temp_dir().join(format!("sdkgen-invalid-{}", path.to_string_lossy().replace(['/', '\\'], "_")));
                let _ = std::fs::write(&saved, text);
                match template {
                    Some(file) => {
                        Diagnostic::new(file, format!("the template rendered invalid Rust into {}: {msg}", path.display())).hint(format!(
                            "this template overrides a built-in one; fix it so it renders valid Rust (the rendered text is in {})",
                            saved.display()
                        ))
                    }
                    None => Diagnostic::new(path, format!("a template produced invalid Rust: {msg}")).hint(format!(
                        "this is a bug in templates/ or the generator, not in your spec; the rendered text is in {}",
                        saved.display()
                    )),
                }
            })?;
            let mut out = String::with_capacity(formatted.len() + 256);
            for h in header {
                out.push_str("// ");
                out.push_str(h);
                out.push('\n');
            }
            out.push('\n');
            out.push_str(&formatted);
            Ok(out)
        }
        "toml" => Ok(with_comment_header("# ", header, &tidy(text))),
        "md" => {
            let mut out = String::from("<!--\n");
            for h in header {
                out.push_str(h);
                out.push('\n');
            }
            out.push_str("-->\n\n");
            out.push_str(&tidy(text));
            Ok(out)
        }
        _ => Ok(tidy(text)),
    }
}

fn with_comment_header(prefix: &str, header: &[String], body: &str) -> String {
    let mut out = String::new();
    for h in header {
        out.push_str(prefix);
        out.push_str(h);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(body);
    out
}

/// Trailing spaces off, runs of blank lines collapsed, one final newline.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.trim().lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn header_lines(view: &CrateView) -> Vec<String> {
    let source = view.spec_display.as_deref().map(|s| format!(" from {s}")).unwrap_or_default();
    vec![
        format!("Generated by sdkgen{source}. Do not edit by hand: change the description,"),
        format!("its settings or the templates, then {}.", view.regenerate),
    ]
}
