//! Step 7: the final `serde_json::Value` → [`openapiv3::OpenAPI`].
//!
//! `serde_path_to_error` gives the path of a type error, but `openapiv3` buffers
//! much of the document (flattened maps, untagged `ReferenceOr`), where the path is
//! lost. So on failure the error is narrowed down: each child node of a known kind
//! (path item, operation, parameter, schema, ...) is deserialized on its own, the
//! first failing child is descended into, and the deepest failing node's own
//! `serde_path_to_error` path is appended. This runs only on the error path.

use std::thread;

use openapiv3 as oa;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{Format, Source, swagger2};
use crate::diag::{Diagnostic, escape_pointer_token};

/// The deepest nesting accepted. The parsers stop at 128 levels; merging other files
/// can go deeper, and deserialization recurses.
pub(crate) const MAX_DEPTH: usize = 512;

/// Stack for the recursive deserialization of deep documents.
const STACK_SIZE: usize = 256 * 1024 * 1024;

/// Deserializes the upgraded document; failures are mapped back to the file.
pub(crate) fn deserialize(src: &Source<'_>, doc: &Value, swagger2: bool) -> Result<oa::OpenAPI, Diagnostic> {
    let depth = max_depth(doc);
    if depth > MAX_DEPTH {
        return Err(src.diag_at(
            "",
            format!("the document nests {depth} levels deep (after merging referenced files); the limit is {MAX_DEPTH}"),
            "move nested schemas into `components/schemas` and refer to them with `$ref`",
        ));
    }
    let run = || attempt::<oa::OpenAPI>(doc).map_err(|_| narrow(doc));
    let result = if depth > 64 {
        // Deep documents get a thread with a large stack (only address space is
        // reserved until it is used).
        thread::scope(|s| {
            thread::Builder::new().stack_size(STACK_SIZE).spawn_scoped(s, run).ok().and_then(|h| h.join().ok())
        })
        .unwrap_or_else(|| Err((Vec::new(), "could not start a thread to read a deeply nested document".into())))
    } else {
        run()
    };
    result.map_err(|(tokens, message)| report(src, &tokens, &message, swagger2))
}

/// Nesting depth of a value, without recursion.
fn max_depth(root: &Value) -> usize {
    let mut max = 0;
    let mut stack = vec![(root, 1usize)];
    while let Some((node, depth)) = stack.pop() {
        max = max.max(depth);
        match node {
            Value::Object(map) => stack.extend(map.values().filter(|v| v.is_object() || v.is_array()).map(|v| (v, depth + 1))),
            Value::Array(items) => stack.extend(items.iter().filter(|v| v.is_object() || v.is_array()).map(|v| (v, depth + 1))),
            _ => {}
        }
    }
    max
}

type Failure = (Vec<String>, String);

/// Deserializes `T`; on failure, the path below `value` and the message.
fn attempt<T: DeserializeOwned>(value: &Value) -> Result<T, Failure> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|err| {
        let mut tokens = Vec::new();
        for seg in err.path().iter() {
            match seg {
                serde_path_to_error::Segment::Seq { index } => tokens.push(index.to_string()),
                serde_path_to_error::Segment::Map { key } => tokens.push(key.clone()),
                serde_path_to_error::Segment::Enum { .. } => {}
                serde_path_to_error::Segment::Unknown => break,
            }
        }
        (tokens, err.into_inner().to_string())
    })
}

/// The kinds of node whose children are tried one by one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Root,
    Info,
    Server,
    Tag,
    ExternalDocs,
    Components,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Response,
    MediaType,
    Header,
    Schema,
    SecurityScheme,
    Example,
    Link,
    Encoding,
    Callback,
    SecurityRequirement,
}

fn check(kind: Kind, v: &Value) -> Result<(), Failure> {
    use oa::ReferenceOr as R;
    fn t<T: DeserializeOwned>(v: &Value) -> Result<(), Failure> {
        attempt::<T>(v).map(|_| ())
    }
    match kind {
        Kind::Root => t::<oa::OpenAPI>(v),
        Kind::Info => t::<oa::Info>(v),
        Kind::Server => t::<oa::Server>(v),
        Kind::Tag => t::<oa::Tag>(v),
        Kind::ExternalDocs => t::<oa::ExternalDocumentation>(v),
        Kind::Components => t::<oa::Components>(v),
        Kind::PathItem => t::<R<oa::PathItem>>(v),
        Kind::Operation => t::<oa::Operation>(v),
        Kind::Parameter => t::<R<oa::Parameter>>(v),
        Kind::RequestBody => t::<R<oa::RequestBody>>(v),
        Kind::Response => t::<R<oa::Response>>(v),
        Kind::MediaType => t::<oa::MediaType>(v),
        Kind::Header => t::<R<oa::Header>>(v),
        Kind::Schema => t::<R<oa::Schema>>(v),
        Kind::SecurityScheme => t::<R<oa::SecurityScheme>>(v),
        Kind::Example => t::<R<oa::Example>>(v),
        Kind::Link => t::<R<oa::Link>>(v),
        Kind::Encoding => t::<oa::Encoding>(v),
        Kind::Callback => t::<oa::Callback>(v),
        Kind::SecurityRequirement => t::<oa::SecurityRequirement>(v),
    }
}

/// Children of a node worth trying on their own: (tokens below the node, kind, value).
fn children(kind: Kind, v: &Value) -> Vec<(Vec<String>, Kind, &Value)> {
    let mut out = Vec::new();
    let Value::Object(map) = v else { return out };
    if map.contains_key("$ref") {
        return out;
    }
    let mut one = |key: &str, k: Kind| {
        if let Some(c) = map.get(key) {
            out.push((vec![key.to_string()], k, c));
        }
    };
    let mut list = Vec::new();
    let mut named = Vec::new();
    match kind {
        Kind::Root => {
            one("info", Kind::Info);
            one("externalDocs", Kind::ExternalDocs);
            list.push(("servers", Kind::Server));
            list.push(("tags", Kind::Tag));
            list.push(("security", Kind::SecurityRequirement));
            named.push(("paths", Kind::PathItem));
            one("components", Kind::Components);
        }
        Kind::Components => {
            named.extend([
                ("schemas", Kind::Schema),
                ("responses", Kind::Response),
                ("parameters", Kind::Parameter),
                ("examples", Kind::Example),
                ("requestBodies", Kind::RequestBody),
                ("headers", Kind::Header),
                ("securitySchemes", Kind::SecurityScheme),
                ("links", Kind::Link),
                ("callbacks", Kind::Callback),
            ]);
        }
        Kind::PathItem => {
            for m in super::validate::METHODS {
                one(m, Kind::Operation);
            }
            list.push(("parameters", Kind::Parameter));
            list.push(("servers", Kind::Server));
        }
        Kind::Operation => {
            one("externalDocs", Kind::ExternalDocs);
            list.push(("parameters", Kind::Parameter));
            one("requestBody", Kind::RequestBody);
            named.push(("responses", Kind::Response));
            named.push(("callbacks", Kind::Callback));
            list.push(("security", Kind::SecurityRequirement));
            list.push(("servers", Kind::Server));
        }
        Kind::Parameter | Kind::Header => {
            one("schema", Kind::Schema);
            named.push(("content", Kind::MediaType));
            named.push(("examples", Kind::Example));
        }
        Kind::RequestBody => named.push(("content", Kind::MediaType)),
        Kind::Response => {
            named.push(("headers", Kind::Header));
            named.push(("content", Kind::MediaType));
            named.push(("links", Kind::Link));
        }
        Kind::MediaType => {
            one("schema", Kind::Schema);
            named.push(("examples", Kind::Example));
            named.push(("encoding", Kind::Encoding));
        }
        Kind::Encoding => named.push(("headers", Kind::Header)),
        Kind::Callback => {
            for (key, c) in map {
                out.push((vec![key.clone()], Kind::PathItem, c));
            }
        }
        Kind::Schema => {
            named.push(("properties", Kind::Schema));
            one("items", Kind::Schema);
            if map.get("additionalProperties").is_some_and(Value::is_object) {
                one("additionalProperties", Kind::Schema);
            }
            one("not", Kind::Schema);
            list.extend([("allOf", Kind::Schema), ("anyOf", Kind::Schema), ("oneOf", Kind::Schema)]);
        }
        Kind::Info | Kind::Server | Kind::Tag | Kind::ExternalDocs | Kind::SecurityScheme | Kind::Example | Kind::Link | Kind::SecurityRequirement => {}
    }
    for (key, k) in list {
        if let Some(Value::Array(items)) = map.get(key) {
            for (i, c) in items.iter().enumerate() {
                out.push((vec![key.to_string(), i.to_string()], k, c));
            }
        }
    }
    for (key, k) in named {
        if let Some(Value::Object(items)) = map.get(key) {
            for (name, c) in items {
                if kind == Kind::Root || !name.starts_with("x-") || matches!(k, Kind::Schema | Kind::Header) {
                    if key == "paths" && !name.starts_with('/') {
                        continue;
                    }
                    out.push((vec![key.to_string(), name.clone()], k, c));
                }
            }
        }
    }
    out
}

/// Finds the deepest failing node: its pointer tokens and the error message.
fn narrow(doc: &Value) -> Failure {
    let mut tokens: Vec<String> = Vec::new();
    let mut kind = Kind::Root;
    let mut node = doc;
    loop {
        let mut descended = false;
        for (sub, k, child) in children(kind, node) {
            if check(k, child).is_err() {
                tokens.extend(sub);
                kind = k;
                node = child;
                descended = true;
                break;
            }
        }
        if !descended {
            break;
        }
    }
    match check(kind, node) {
        Err((mut below, message)) => {
            if below.is_empty() {
                below = refine(kind, node);
            }
            tokens.extend(below);
            (tokens, message)
        }
        Ok(()) => (tokens, "the document does not match the OpenAPI 3.0 structure".into()),
    }
}

/// Values tried in place of a member to see whether it alone is the problem.
fn probes() -> [Value; 6] {
    [Value::Null, Value::String(String::new()), Value::Bool(false), Value::from(0), Value::Object(Default::default()), Value::Array(Vec::new())]
}

/// Where inside a failing node the problem is, when `openapiv3`'s buffering lost
/// the path: a member is the culprit when replacing it with some neutral value
/// makes the node deserialize; then the search goes on inside that member.
fn refine(kind: Kind, node: &Value) -> Vec<String> {
    let mut work = node.clone();
    let mut path: Vec<String> = Vec::new();
    loop {
        let keys: Vec<String> = match super::refs::get(&work, &path) {
            Ok(Value::Object(map)) => map.keys().cloned().collect(),
            Ok(Value::Array(items)) => (0..items.len()).map(|i| i.to_string()).collect(),
            _ => break,
        };
        let mut found = None;
        'keys: for key in keys {
            let pointer: String = path.iter().chain(std::iter::once(&key)).map(|t| format!("/{}", escape_pointer_token(t))).collect();
            for probe in probes() {
                let Some(slot) = work.pointer_mut(&pointer) else { continue 'keys };
                let original = std::mem::replace(slot, probe);
                let passes = check(kind, &work).is_ok();
                if let Some(slot) = work.pointer_mut(&pointer) {
                    *slot = original;
                }
                if passes {
                    found = Some(key);
                    break 'keys;
                }
            }
        }
        match found {
            Some(key) => path.push(key),
            None => break,
        }
    }
    path
}

/// The diagnostic for a failure at `tokens` of the (possibly upgraded) document.
fn report(src: &Source<'_>, tokens: &[String], message: &str, swagger2: bool) -> Diagnostic {
    let upgraded_pointer: String = tokens.iter().map(|t| format!("/{}", escape_pointer_token(t))).collect();
    let hint = hint_for(message);
    if !swagger2 {
        return src.diag_at(&upgraded_pointer, format!("invalid OpenAPI document: {message}"), hint);
    }
    // Map the pointer back into the Swagger 2.0 file when the mapping is clear.
    let original = match src.format {
        Format::Json => serde_json::from_str::<Value>(src.text).ok(),
        Format::Yaml => serde_yaml_ng::from_str::<Value>(src.text).ok(),
    };
    match original.as_ref().and_then(|o| swagger2::original_pointer(o, tokens)) {
        Some(p) => src.diag_at(&p, format!("invalid Swagger 2.0 document: {message}"), hint),
        None => {
            Diagnostic::new(
                src.path,
                format!(
                    "invalid Swagger 2.0 document: {message} (the location is a pointer into the document as upgraded to OpenAPI 3.0; it has no exact counterpart in the file)"
                ),
            )
            .at(upgraded_pointer)
            .hint(hint)
        }
    }
}

fn hint_for(message: &str) -> String {
    if message.contains("missing field") {
        "add the missing field; the OpenAPI 3.0 specification requires it here".into()
    } else if message.contains("invalid type") || message.contains("expected") {
        "change the value to the type the OpenAPI 3.0 specification expects here".into()
    } else if message.contains("unknown variant") {
        "use one of the values listed in the message".into()
    } else {
        "fix this node so that it follows the OpenAPI 3.0 specification".into()
    }
}
