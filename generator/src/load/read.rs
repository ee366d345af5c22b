//! Step 1: reading a file and parsing it into a `serde_json::Value`.

use std::io::ErrorKind;
use std::path::Path;

use serde_json::Value;

use super::{Format, Source, kind_of, locate};
use crate::diag::Diagnostic;

/// Where a failed read was asked for, so the diagnostic can point at the `$ref`.
pub(crate) struct RefSite<'a> {
    pub src: Source<'a>,
    pub pointer: &'a str,
    pub reference: &'a str,
}

/// Reads `path` as UTF-8. `shown` names the file in diagnostics; `site` is the `$ref`
/// that asked for it, if any (the diagnostic is then about the referencing file).
pub(crate) fn read_file(path: &Path, shown: &Path, site: Option<RefSite<'_>>) -> Result<String, Diagnostic> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) => {
            let hint = match err.kind() {
                ErrorKind::NotFound => match &site {
                    Some(_) => {
                        "create the file or fix the path in the `$ref`; it is resolved relative to the directory of the file that contains the `$ref`"
                    }
                    None => "check the path; a relative path is resolved from the current directory",
                },
                ErrorKind::PermissionDenied => "make the file readable by the current user",
                ErrorKind::IsADirectory => "pass the API description file itself, not its directory",
                _ => "check that the file exists and can be read",
            };
            return Err(match site {
                Some(site) => site.src.diag_at(
                    site.pointer,
                    format!("cannot read `{}` (referenced by `{}`): {err}", shown.display(), site.reference),
                    hint,
                ),
                None => Diagnostic::new(shown, format!("cannot read the file: {err}")).at("").hint(hint),
            });
        }
    };
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(err) => {
            let offset = err.utf8_error().valid_up_to();
            let valid = std::str::from_utf8(&err.as_bytes()[..offset]).unwrap_or_default();
            let (line, col) = locate::line_col(valid, valid.len());
            Err(Diagnostic::new(shown, format!("the file is not valid UTF-8 (invalid byte at offset {offset})"))
                .at("")
                .at_line(line, col)
                .hint("save the file as UTF-8"))
        }
    }
}

/// Drops a leading byte-order mark.
pub(crate) fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// JSON or YAML by extension; otherwise JSON when the text starts with `{`.
pub(crate) fn detect_format(path: &Path, text: &str) -> Format {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("json") => Format::Json,
        Some("yaml" | "yml") => Format::Yaml,
        _ if text.trim_start().starts_with('{') => Format::Json,
        _ => Format::Yaml,
    }
}

/// Parses the text; the root must be an object.
pub(crate) fn parse(src: &Source<'_>) -> Result<Value, Diagnostic> {
    if is_blank(src.text, src.format) {
        return Err(Diagnostic::new(src.path, "the document is empty")
            .at("")
            .at_line(1, 1)
            .hint("write an OpenAPI 3.0 or Swagger 2.0 description in the file, starting with `openapi: 3.0.3` or `swagger: \"2.0\"`"));
    }
    let value = match src.format {
        Format::Json => serde_json::from_str::<Value>(src.text).map_err(|err| json_error(src, &err))?,
        Format::Yaml => serde_yaml_ng::from_str::<Value>(src.text).map_err(|err| yaml_error(src, &err))?,
    };
    match value {
        Value::Object(_) => Ok(value),
        Value::Null => Err(Diagnostic::new(src.path, "the document is empty")
            .at("")
            .at_line(1, 1)
            .hint("write an OpenAPI 3.0 or Swagger 2.0 description in the file, starting with `openapi: 3.0.3` or `swagger: \"2.0\"`")),
        other => Err(src.diag_at(
            "",
            format!("the document's root is {}, but an API description is an object", kind_of(&other)),
            "the top level must be a mapping with `openapi` (or `swagger`), `info` and `paths`",
        )),
    }
}

pub(crate) fn is_blank(text: &str, format: Format) -> bool {
    match format {
        Format::Json => text.trim().is_empty(),
        Format::Yaml => text.lines().all(|l| {
            let l = l.trim();
            l.is_empty() || l.starts_with('#') || l == "---" || l == "..."
        }),
    }
}

const DEPTH_HINT: &str = "the document nests more than 128 levels deep; move nested schemas into `components/schemas` (or `definitions`) and refer to them with `$ref`";

pub(crate) fn json_error(src: &Source<'_>, err: &serde_json::Error) -> Diagnostic {
    // serde_json appends " at line L column C" to its messages; the location is
    // reported separately.
    let message = strip_positions(&err.to_string());
    let hint = if message.contains("recursion limit") {
        DEPTH_HINT
    } else if err.is_eof() {
        "the file ends too early: close every `{`, `[` and string"
    } else {
        "fix the JSON syntax at this position (a missing comma, quote or bracket, or a trailing comma, is the usual cause)"
    };
    let (line, col) = (err.line().max(1), err.column().max(1));
    Diagnostic::new(src.path, format!("invalid JSON: {message}")).at("").at_line(line, col).hint(hint)
}

pub(crate) fn yaml_error(src: &Source<'_>, err: &serde_yaml_ng::Error) -> Diagnostic {
    let message = strip_positions(&err.to_string());
    let hint = if message.contains("recursion limit") {
        DEPTH_HINT
    } else if message.contains("more than one document") {
        "keep a single YAML document in the file (remove the extra `---` separators)"
    } else {
        "fix the YAML syntax at this position (indentation, a missing `:` or an unclosed quote is the usual cause)"
    };
    let d = Diagnostic::new(src.path, format!("invalid YAML: {message}")).at("").hint(hint);
    match err.location() {
        Some(loc) => d.at_line(loc.line(), loc.column()),
        None => d.at_line(1, 1),
    }
}

/// Removes the parsers' " at line L column C" / " at position N" parts, since the
/// location is reported on its own.
fn strip_positions(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find(" at ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 4..];
        let skipped = skip_position(after);
        if skipped == 0 {
            out.push_str(" at ");
        }
        rest = &after[skipped..];
    }
    out.push_str(rest);
    out
}

/// Length of a leading "line L column C" or "position N", else 0.
fn skip_position(s: &str) -> usize {
    fn digits(s: &str) -> usize {
        s.bytes().take_while(u8::is_ascii_digit).count()
    }
    if let Some(r) = s.strip_prefix("line ") {
        let d1 = digits(r);
        if d1 > 0 {
            if let Some(r2) = r[d1..].strip_prefix(" column ") {
                let d2 = digits(r2);
                if d2 > 0 {
                    return s.len() - r2.len() + d2;
                }
            }
            return 0;
        }
    } else if let Some(r) = s.strip_prefix("position ") {
        let d = digits(r);
        if d > 0 {
            return s.len() - r.len() + d;
        }
    }
    0
}
