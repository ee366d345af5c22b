//! Step 2: which specification the document follows.

use serde_json::Value;

use super::{Source, kind_of};
use crate::diag::Diagnostic;

/// The specification a document declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SpecVersion {
    /// `swagger: "2.0"`: upgraded to OpenAPI 3.0.
    Swagger2,
    /// `openapi: 3.0.x`: read as is.
    V30,
    /// `openapi: 3.1.x`: down-converted where its features map onto 3.0.
    V31,
}

/// The declared version and its text.
#[derive(Debug, Clone)]
pub(crate) struct Version {
    pub kind: SpecVersion,
    pub text: String,
}

const SUPPORTED: &str = "sdkgen reads Swagger 2.0 (`swagger: \"2.0\"`), OpenAPI 3.0.x (`openapi: 3.0.3`) and OpenAPI 3.1.x (`openapi: 3.1.0`, down-converted to 3.0)";

/// Reads `swagger` / `openapi` from the root.
pub(crate) fn detect(src: &Source<'_>, doc: &Value) -> Result<Version, Diagnostic> {
    let (field, value) = match (doc.get("swagger"), doc.get("openapi")) {
        (Some(v), _) => ("swagger", v),
        (None, Some(v)) => ("openapi", v),
        (None, None) => {
            return Err(src.diag_at(
                "/openapi",
                "the document has no `openapi` or `swagger` field, so its version is unknown",
                format!("add `openapi: 3.0.3` (or `swagger: \"2.0\"`) at the top level; {SUPPORTED}"),
            ));
        }
    };
    let pointer = format!("/{field}");
    // YAML turns an unquoted `2.0` or `3.0` into a number; accept it as written.
    let text = match value {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        other => {
            return Err(src.diag_at(
                &pointer,
                format!("`{field}` must be a version string, found {}", kind_of(other)),
                format!("write it as a quoted string, e.g. `{field}: \"{}\"`; {SUPPORTED}", example(field)),
            ));
        }
    };
    let kind = match field {
        "swagger" if text == "2.0" || text == "2" => Some(SpecVersion::Swagger2),
        "openapi" if is_minor(&text, "3.0") => Some(SpecVersion::V30),
        "openapi" if is_minor(&text, "3.1") => Some(SpecVersion::V31),
        _ => None,
    };
    match kind {
        Some(kind) => Ok(Version { kind, text }),
        None => Err(src.diag_at(
            &pointer,
            format!("unsupported {} version `{text}`", if field == "swagger" { "Swagger" } else { "OpenAPI" }),
            format!("{SUPPORTED}; convert the document to one of these versions"),
        )),
    }
}

fn example(field: &str) -> &'static str {
    if field == "swagger" { "2.0" } else { "3.0.3" }
}

/// `3.0`, `3.0.0`, `3.0.3`, `3.0.3-rc1`, ... for `minor` = "3.0".
fn is_minor(text: &str, minor: &str) -> bool {
    match text.strip_prefix(minor) {
        Some("") => true,
        Some(rest) => rest.strip_prefix('.').is_some_and(|patch| {
            let digits = patch.bytes().take_while(u8::is_ascii_digit).count();
            digits > 0 && (digits == patch.len() || patch[digits..].starts_with('-'))
        }),
        None => false,
    }
}

/// After down-conversion a 3.1 document is a 3.0 one: say so, and add the `paths`
/// that 3.1 made optional (webhook-only documents).
pub(crate) fn finish_v31(doc: &mut Value) {
    if let Value::Object(root) = doc {
        root.insert("openapi".into(), Value::String("3.0.3".into()));
        if !root.contains_key("paths") {
            root.insert("paths".into(), Value::Object(serde_json::Map::new()));
        }
    }
}
