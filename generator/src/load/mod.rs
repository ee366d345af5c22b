//! Stage 1: reads an API description, upgrades Swagger 2.0 to OpenAPI 3.0, smooths
//! over JSON-Schema-isms, checks references and operation ids, and deserializes the
//! result into [`openapiv3::OpenAPI`].
//!
//! Overlays (OpenAPI Overlay 1.0, listed in `sdkgen.toml`) are applied to the
//! parsed document before anything else, so their targets address the file as
//! written.
//!
//! Every step works on one `serde_json::Value` in place (key order is the file's,
//! because `serde_json` is built with `preserve_order`). Failures are
//! [`Diagnostic`]s that name the file, a JSON pointer and, when the pointer can be
//! found in the text, a line and column.

mod deser;
mod locate;
mod normalize;
mod overlay;
mod read;
mod refs;
mod swagger2;
mod validate;
mod version;
mod walk;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::diag::Diagnostic;

/// One API description, loaded and upgraded to OpenAPI 3.0.
#[derive(Debug, Clone)]
pub struct LoadedSpec {
    /// The file it came from.
    pub path: PathBuf,
    /// The document as OpenAPI 3.0 (upgraded from Swagger 2.0 when needed).
    pub api: openapiv3::OpenAPI,
    /// The document's own version field, e.g. "2.0" or "3.0.3".
    pub source_version: String,
    /// Things read in a way the description may not have meant.
    pub warnings: Vec<String>,
}

/// Reads, parses, upgrades, normalises and validates one API description.
pub fn load(path: &Path) -> Result<LoadedSpec, Diagnostic> {
    let text = read::read_file(path, path, None)?;
    load_text(path, Text::File(text), &[], None)
}

/// Same as [`load`], from text already read (`path` only names the file in
/// diagnostics and is the base for relative `$ref`s to other files). JSON or YAML by
/// extension (`.json` / `.yaml` / `.yml`); with another extension, JSON when the
/// first non-space character is `{`, else YAML.
pub fn load_str(path: &Path, text: &str) -> Result<LoadedSpec, Diagnostic> {
    load_str_with(path, text, &[])
}

/// Same as [`load`], with the OpenAPI Overlay 1.0 documents at `overlays` applied
/// in order to the parsed document, before references are resolved and before a
/// Swagger 2.0 description is upgraded. Every overlay is read and checked before
/// the description; an action whose target selects nothing is a diagnostic.
pub fn load_with_overlays(path: &Path, overlays: &[PathBuf]) -> Result<LoadedSpec, Diagnostic> {
    let overlays = overlays.iter().map(|p| overlay::Overlay::read(p)).collect::<Result<Vec<_>, _>>()?;
    let text = read::read_file(path, path, None)?;
    load_text(path, Text::File(text), &overlays, None)
}

/// Same as [`load_with_overlays`], also returning the effective description:
/// the document with its overlays applied and other files' references
/// inlined, before any upgrade, as JSON. Generated crates keep it
/// (`.sdkgen/description.json`), so `sdkgen diff` and `check` can tell what
/// changed in the API since without the user keeping the old file.
pub fn load_with_overlays_recorded(path: &Path, overlays: &[PathBuf]) -> Result<(LoadedSpec, String), Diagnostic> {
    let mut recorded = Vec::new();
    let loaded = load_with_overlays_recording(path, overlays, &mut |doc| {
        write_record(doc, &mut recorded).map_err(|e| Diagnostic::new(path, format!("cannot record the description: {e}")))
    })?;
    Ok((loaded, String::from_utf8(recorded).unwrap_or_default()))
}

/// Same as [`load_with_overlays_recorded`], handing the effective description
/// to `record` (see [`write_record`]) instead of returning it, so that a large
/// one can go straight to a file rather than be held as text beside the
/// parsed document.
pub fn load_with_overlays_recording(path: &Path, overlays: &[PathBuf], record: &mut Record<'_>) -> Result<LoadedSpec, Diagnostic> {
    let overlays = overlays.iter().map(|p| overlay::Overlay::read(p)).collect::<Result<Vec<_>, _>>()?;
    let text = read::read_file(path, path, None)?;
    load_text(path, Text::File(text), &overlays, Some(record))
}

/// What receives the effective description (see [`load_with_overlays_recording`]).
pub type Record<'a> = dyn FnMut(&Value) -> Result<(), Diagnostic> + 'a;

/// The recorded form of an effective description: pretty, with the file's
/// key order (a change in the API is a readable change in this file too),
/// and a final newline.
pub fn write_record(doc: &Value, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, out);
    serde_json::to_writer_pretty(&mut out, doc)?;
    out.write_all(b"\n")?;
    out.flush()
}

fn load_str_with(path: &Path, text: &str, overlays: &[overlay::Overlay]) -> Result<LoadedSpec, Diagnostic> {
    load_text(path, Text::Given(text), overlays, None)
}

/// A description's text: read from its file (dropped while the document is
/// deserialized, and read again only for an error), or given.
enum Text<'a> {
    File(String),
    Given(&'a str),
}

fn load_text(
    path: &Path,
    text: Text<'_>,
    overlays: &[overlay::Overlay],
    record: Option<&mut Record<'_>>,
) -> Result<LoadedSpec, Diagnostic> {
    fn source<'t>(path: &'t Path, text: &'t str) -> Source<'t> {
        let text = read::strip_bom(text);
        Source { path, text, format: read::detect_format(path, text) }
    }
    let (doc, declared, warnings, deep) = {
        let src = match &text {
            Text::File(t) => source(path, t),
            Text::Given(t) => source(path, t),
        };
        let (doc, declared, warnings) = prepare(&src, overlays, record)?;
        let deep = deser::check_depth(&src, &doc)?;
        (doc, declared, warnings, deep)
    };
    let swagger2 = declared.kind == version::SpecVersion::Swagger2;
    // The text matters again only for an error, and the file can be read again.
    let given = match text {
        Text::File(t) => {
            drop(t);
            None
        }
        Text::Given(t) => Some(t),
    };
    let failure = match deser::read(doc, deep) {
        Ok(api) => return Ok(LoadedSpec { path: path.to_path_buf(), api, source_version: declared.text, warnings }),
        Err(failure) => failure,
    };
    let reread;
    let src = match given {
        Some(t) => source(path, t),
        None => {
            reread = read::read_file(path, path, None)?;
            source(path, &reread)
        }
    };
    let failure = match failure {
        Some(failure) => failure,
        None => deser::narrowed(&prepare(&src, overlays, None)?.0, deep),
    };
    Err(deser::diagnostic(&src, &failure, swagger2))
}

/// Every step before deserializing: the document as `openapiv3` reads it,
/// its declared version and the warnings.
fn prepare(
    src: &Source<'_>,
    overlays: &[overlay::Overlay],
    record: Option<&mut Record<'_>>,
) -> Result<(Value, version::Version, Vec<String>), Diagnostic> {
    let path = src.path;
    let mut doc = read::parse(src)?;
    for overlay in overlays {
        overlay.apply(&mut doc, path)?;
    }
    let declared = version::detect(src, &doc)?;
    let swagger2 = declared.kind == version::SpecVersion::Swagger2;

    // References are checked (and other files inlined) before anything moves, so
    // that pointers in diagnostics name places in the user's file.
    refs::resolve(src, &mut doc, swagger2)?;
    validate::check(src, &doc)?;
    if let Some(record) = record {
        record(&doc)?;
    }

    let rewrite = if swagger2 { Some(swagger2::upgrade(src, &mut doc)?) } else { None };
    let location = if swagger2 { "#/definitions" } else { "#/components/schemas" };
    let warnings = normalize::typeless_alternatives(&doc, location).into_iter().map(|w| format!("{}: {w}", path.display())).collect();
    normalize::normalize(&mut doc, rewrite.as_ref());
    if declared.kind == version::SpecVersion::V31 {
        version::finish_v31(&mut doc);
    }
    refs::hoist_local_schemas(&mut doc, deser::is_schema_shaped);
    Ok((doc, declared, warnings))
}

/// How a file's text is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Yaml,
}

/// One input file, for parsing and for building diagnostics about it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Source<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    pub format: Format,
}

impl Source<'_> {
    /// A diagnostic at `pointer` in this file, with its line and column when the
    /// pointer (or its deepest existing ancestor) can be found in the text.
    pub(crate) fn diag_at(&self, pointer: &str, message: impl Into<String>, hint: impl Into<String>) -> Diagnostic {
        let d = Diagnostic::new(self.path, message).at(pointer).hint(hint);
        match locate::locate(self.text, self.format, pointer) {
            Some((line, col)) => d.at_line(line, col),
            None => d,
        }
    }
}

/// Describes a JSON value's kind for messages: "a string", "an array", ...
pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}
