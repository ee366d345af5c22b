//! Step 6: checks that `openapiv3` would not make on its own, run on the document as
//! written: unique `operationId`s, path keys that start with `/` and response keys
//! that are status codes (`openapiv3` silently drops the others).

use std::collections::HashMap;

use serde_json::Value;

use super::Source;
use crate::diag::{Diagnostic, pointer};

/// The HTTP methods a path item may hold.
pub(crate) const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Runs the checks.
pub(crate) fn check(src: &Source<'_>, doc: &Value) -> Result<(), Diagnostic> {
    let Some(Value::Object(paths)) = doc.get("paths") else {
        return Ok(());
    };
    let mut seen: HashMap<&str, String> = HashMap::new();
    for (path, item) in paths {
        if path.starts_with("x-") {
            continue;
        }
        if !path.starts_with('/') {
            return Err(src.diag_at(
                &pointer(["paths", path.as_str()]),
                format!("path `{path}` does not start with `/`"),
                format!("write it as `/{path}`; paths are appended to the server URL"),
            ));
        }
        let Value::Object(item) = item else { continue };
        for method in METHODS {
            let Some(Value::Object(op)) = item.get(method) else { continue };
            if let Some(Value::String(id)) = op.get("operationId") {
                let here = pointer(["paths", path.as_str(), method, "operationId"]);
                if let Some(first) = seen.get(id.as_str()) {
                    return Err(src.diag_at(
                        &here,
                        format!("duplicate operationId `{id}`: it is already used at {first}"),
                        "rename one of the two operations' `operationId`; each must be unique in the document",
                    ));
                }
                seen.insert(id, here);
            }
            if let Some(Value::Object(responses)) = op.get("responses") {
                for code in responses.keys() {
                    if !is_response_key(code) {
                        return Err(src.diag_at(
                            &pointer(["paths", path.as_str(), method, "responses", code.as_str()]),
                            format!("`{code}` is not an HTTP status code"),
                            "use a three-digit status code such as `200`, a range such as `2XX`, or `default`",
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

fn is_response_key(key: &str) -> bool {
    let b = key.as_bytes();
    key == "default"
        || key.starts_with("x-")
        || (b.len() == 3
            && (b'1'..=b'9').contains(&b[0])
            && ((b[1].is_ascii_digit() && b[2].is_ascii_digit()) || (b[1] == b'X' || b[1] == b'x') && (b[2] == b'X' || b[2] == b'x')))
}
