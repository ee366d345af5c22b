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

/// Refuses a document nested deeper than [`MAX_DEPTH`]; whether it is deep
/// enough to be read on a thread with a large stack.
pub(crate) fn check_depth(src: &Source<'_>, doc: &Value) -> Result<bool, Diagnostic> {
    let depth = max_depth(doc);
    if depth > MAX_DEPTH {
        return Err(src.diag_at(
            "",
            format!("the document nests {depth} levels deep (after merging referenced files); the limit is {MAX_DEPTH}"),
            "move nested schemas into `components/schemas` and refer to them with `$ref`",
        ));
    }
    Ok(depth > 64)
}

/// Deserializes the upgraded document (`deep`: see [`check_depth`]).
///
/// The document is consumed as it is read, so that it and the `OpenAPI` it
/// becomes are not both whole in memory. On failure, what went wrong where
/// when a quick check finds it; `None` when the document has to be built
/// again for [`narrowed`] to find the node at fault.
pub(crate) fn read(doc: Value, deep: bool) -> Result<oa::OpenAPI, Option<Failure>> {
    // Deep documents get a thread with a large stack (only address space is
    // reserved until it is used).
    match on_stack(deep, move || {
        shapes(&doc)?;
        Ok(serde_json::from_value::<oa::OpenAPI>(doc).ok())
    }) {
        Ok(Some(api)) => Ok(api),
        Ok(None) => Err(None),
        Err(failure) => Err(Some(failure)),
    }
}

/// Where in `doc`, which does not deserialize, the fault is.
pub(crate) fn narrowed(doc: &Value, deep: bool) -> Failure {
    on_stack::<()>(deep, || Err(narrow(doc))).err().unwrap_or_default()
}

/// A failure as a diagnostic about the file.
pub(crate) fn diagnostic(src: &Source<'_>, failure: &Failure, swagger2: bool) -> Diagnostic {
    report(src, &failure.0, &failure.1, swagger2)
}

/// Runs `f`, on a thread with a large stack when `deep`.
fn on_stack<T: Send>(deep: bool, f: impl FnOnce() -> Result<T, Failure> + Send) -> Result<T, Failure> {
    if !deep {
        return f();
    }
    thread::scope(|s| thread::Builder::new().stack_size(STACK_SIZE).spawn_scoped(s, f).ok().and_then(|h| h.join().ok()))
        .unwrap_or_else(|| Err((Vec::new(), "could not start a thread to read a deeply nested document".into())))
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

/// A deserialization failure: the pointer's tokens and the message.
pub(crate) type Failure = (Vec<String>, String);

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

/// One step of a pointer, borrowed from the document.
#[derive(Debug, Clone, Copy)]
enum Tok<'a> {
    Key(&'a str),
    Index(usize),
}

impl Tok<'_> {
    fn to_token(self) -> String {
        match self {
            Tok::Key(k) => k.to_string(),
            Tok::Index(i) => i.to_string(),
        }
    }
}

/// A child of a node: one or two pointer steps below it, its kind and value.
type Child<'a> = (Tok<'a>, Option<Tok<'a>>, Kind, &'a Value);

/// The children of a node that `openapiv3` deserializes as typed objects.
fn children<'a>(kind: Kind, v: &'a Value, out: &mut Vec<Child<'a>>) {
    out.clear();
    let Value::Object(map) = v else { return };
    if map.contains_key("$ref") {
        return;
    }
    let one = |out: &mut Vec<Child<'a>>, key: &'static str, k: Kind| {
        if let Some((key, c)) = map.get_key_value(key) {
            out.push((Tok::Key(key), None, k, c));
        }
    };
    let list = |out: &mut Vec<Child<'a>>, key: &'static str, k: Kind| {
        if let Some((key, Value::Array(items))) = map.get_key_value(key) {
            for (i, c) in items.iter().enumerate() {
                out.push((Tok::Key(key), Some(Tok::Index(i)), k, c));
            }
        }
    };
    let named = |out: &mut Vec<Child<'a>>, key: &'static str, k: Kind| {
        if let Some((key, Value::Object(items))) = map.get_key_value(key) {
            for (name, c) in items {
                // Extensions are not children, except where `x-` names are names.
                let keep = match k {
                    Kind::Schema | Kind::Header => true,
                    Kind::PathItem => name.starts_with('/'),
                    _ => !name.starts_with("x-"),
                };
                if keep {
                    out.push((Tok::Key(key), Some(Tok::Key(name)), k, c));
                }
            }
        }
    };
    match kind {
        Kind::Root => {
            one(out, "info", Kind::Info);
            one(out, "externalDocs", Kind::ExternalDocs);
            list(out, "servers", Kind::Server);
            list(out, "tags", Kind::Tag);
            list(out, "security", Kind::SecurityRequirement);
            named(out, "paths", Kind::PathItem);
            one(out, "components", Kind::Components);
        }
        Kind::Components => {
            named(out, "schemas", Kind::Schema);
            named(out, "responses", Kind::Response);
            named(out, "parameters", Kind::Parameter);
            named(out, "examples", Kind::Example);
            named(out, "requestBodies", Kind::RequestBody);
            named(out, "headers", Kind::Header);
            named(out, "securitySchemes", Kind::SecurityScheme);
            named(out, "links", Kind::Link);
            named(out, "callbacks", Kind::Callback);
        }
        Kind::PathItem => {
            for m in super::validate::METHODS {
                one(out, m, Kind::Operation);
            }
            list(out, "parameters", Kind::Parameter);
            list(out, "servers", Kind::Server);
        }
        Kind::Operation => {
            one(out, "externalDocs", Kind::ExternalDocs);
            list(out, "parameters", Kind::Parameter);
            one(out, "requestBody", Kind::RequestBody);
            named(out, "responses", Kind::Response);
            named(out, "callbacks", Kind::Callback);
            list(out, "security", Kind::SecurityRequirement);
            list(out, "servers", Kind::Server);
        }
        Kind::Parameter | Kind::Header => {
            one(out, "schema", Kind::Schema);
            named(out, "content", Kind::MediaType);
            named(out, "examples", Kind::Example);
        }
        Kind::RequestBody => named(out, "content", Kind::MediaType),
        Kind::Response => {
            named(out, "headers", Kind::Header);
            named(out, "content", Kind::MediaType);
            named(out, "links", Kind::Link);
        }
        Kind::MediaType => {
            one(out, "schema", Kind::Schema);
            named(out, "examples", Kind::Example);
            named(out, "encoding", Kind::Encoding);
        }
        Kind::Encoding => named(out, "headers", Kind::Header),
        Kind::Callback => {
            for (key, c) in map {
                out.push((Tok::Key(key), None, Kind::PathItem, c));
            }
        }
        Kind::Schema => {
            named(out, "properties", Kind::Schema);
            one(out, "items", Kind::Schema);
            if map.get("additionalProperties").is_some_and(Value::is_object) {
                one(out, "additionalProperties", Kind::Schema);
            }
            one(out, "not", Kind::Schema);
            list(out, "allOf", Kind::Schema);
            list(out, "anyOf", Kind::Schema);
            list(out, "oneOf", Kind::Schema);
        }
        Kind::Info
        | Kind::Server
        | Kind::Tag
        | Kind::ExternalDocs
        | Kind::SecurityScheme
        | Kind::Example
        | Kind::Link
        | Kind::SecurityRequirement => {}
    }
}

/// Finds the deepest failing node: its pointer tokens and the error message.
fn narrow(doc: &Value) -> Failure {
    let mut tokens: Vec<String> = Vec::new();
    let mut kind = Kind::Root;
    let mut node = doc;
    let mut kids = Vec::new();
    loop {
        children(kind, node, &mut kids);
        let Some(&(first, second, k, child)) = kids.iter().find(|(_, _, k, c)| check(*k, c).is_err()) else {
            break;
        };
        tokens.push(first.to_token());
        if let Some(second) = second {
            tokens.push(second.to_token());
        }
        kind = k;
        node = child;
    }
    match check(kind, node) {
        Err((mut below, message)) => {
            // A missing field is reported at the node that lacks it.
            if below.is_empty() && !message.starts_with("missing field") {
                below = refine(kind, node);
            }
            tokens.extend(below);
            (tokens, message)
        }
        Ok(()) => (tokens, "the document does not match the OpenAPI 3.0 structure".into()),
    }
}

/// Checks, without recursion, the keywords of every schema `openapiv3` will read.
///
/// `openapiv3` retries a failing schema once per nesting level (its `ReferenceOr`
/// deserializes twice to produce a better message), so an error 30 levels down
/// costs 2^30 attempts. Catching schema errors here, in one linear pass, keeps
/// `openapiv3` on its fast path; what remains (operations, parameters, ...) is
/// shallow.
fn shapes(doc: &Value) -> Result<(), Failure> {
    shapes_at(doc, Kind::Root)
}

/// Whether `value` has the shape of a schema, as [`shapes`] checks it (a
/// reference counts as one).
pub(crate) fn is_schema_shaped(value: &Value) -> bool {
    shapes_at(value, Kind::Schema).is_ok()
}

/// [`shapes`] for a node of kind `kind`.
fn shapes_at(root: &Value, kind: Kind) -> Result<(), Failure> {
    let mut path: Vec<Tok<'_>> = Vec::new();
    // (node, what it is, path length of its parent, up to two path tokens to push)
    type Frame<'v> = (&'v Value, Kind, usize, Option<Tok<'v>>, Option<Tok<'v>>);
    let mut stack: Vec<Frame<'_>> = vec![(root, kind, 0, None, None)];
    let mut kids = Vec::new();
    while let Some((node, kind, parent_len, first, second)) = stack.pop() {
        path.truncate(parent_len);
        path.extend(first);
        path.extend(second);
        if kind == Kind::Schema {
            if let Err((below, message)) = schema_keywords(node) {
                let mut tokens: Vec<String> = path.iter().map(|t| t.to_token()).collect();
                tokens.extend(below);
                return Err((tokens, message));
            }
        }
        children(kind, node, &mut kids);
        let len = path.len();
        for &(first, second, k, child) in kids.iter().rev() {
            stack.push((child, k, len, Some(first), second));
        }
    }
    Ok(())
}

/// A value as serde's "invalid type" messages show it.
fn unexpected(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) if n.is_i64() || n.is_u64() => format!("integer `{n}`"),
        Value::Number(n) => format!("floating point `{n}`"),
        Value::String(s) if s.chars().count() > 40 => format!("string {:?}...", s.chars().take(40).collect::<String>()),
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "sequence".into(),
        Value::Object(_) => "map".into(),
    }
}

/// The keyword types `openapiv3` requires of one schema (children are checked as
/// nodes of their own).
fn schema_keywords(node: &Value) -> Result<(), Failure> {
    let fail = |key: &str, expected: &str, found: &Value| {
        Err((vec![key.to_string()], format!("invalid type: {}, expected {expected}", unexpected(found))))
    };
    let Value::Object(map) = node else {
        return Err((Vec::new(), format!("invalid type: {}, expected a schema object", unexpected(node))));
    };
    if let Some(Value::String(_)) = map.get("$ref") {
        return Ok(());
    }
    for (key, v) in map {
        let ok = match key.as_str() {
            "nullable" | "readOnly" | "writeOnly" | "deprecated" => v.is_boolean(),
            "exclusiveMinimum" | "exclusiveMaximum" | "uniqueItems" => v.is_boolean() || v.is_null(),
            "title" | "description" | "type" | "pattern" | "format" => v.is_string() || v.is_null(),
            "multipleOf" | "minimum" | "maximum" => v.is_number() || v.is_null(),
            "minProperties" | "maxProperties" | "minItems" | "maxItems" | "minLength" | "maxLength" => v.is_u64() || v.is_null(),
            "enum" => v.is_array() || v.is_null(),
            "required" => match v {
                Value::Array(items) => {
                    if let Some((i, bad)) = items.iter().enumerate().find(|(_, s)| !s.is_string()) {
                        return Err((
                            vec![key.clone(), i.to_string()],
                            format!("invalid type: {}, expected a property name (string)", unexpected(bad)),
                        ));
                    }
                    true
                }
                Value::Null => true,
                _ => false,
            },
            "properties" => match v {
                Value::Object(props) => {
                    if let Some((name, bad)) = props.iter().find(|(_, s)| !s.is_object()) {
                        return Err((
                            vec![key.clone(), name.clone()],
                            format!("invalid type: {}, expected a schema object", unexpected(bad)),
                        ));
                    }
                    true
                }
                Value::Null => true,
                _ => false,
            },
            "additionalProperties" => v.is_boolean() || v.is_object() || v.is_null(),
            "items" | "not" => v.is_object() || v.is_null(),
            "allOf" | "anyOf" | "oneOf" => match v {
                Value::Array(items) => {
                    if let Some((i, bad)) = items.iter().enumerate().find(|(_, s)| !s.is_object()) {
                        return Err((
                            vec![key.clone(), i.to_string()],
                            format!("invalid type: {}, expected a schema object", unexpected(bad)),
                        ));
                    }
                    true
                }
                Value::Null => true,
                _ => false,
            },
            "externalDocs" => match v {
                Value::Object(d) => {
                    if !d.get("url").is_some_and(Value::is_string) {
                        return Err((vec![key.clone(), "url".into()], "missing field `url` (a string)".into()));
                    }
                    if d.get("description").is_some_and(|x| !(x.is_string() || x.is_null())) {
                        return Err((vec![key.clone(), "description".into()], "invalid type: expected a string".into()));
                    }
                    true
                }
                Value::Null => true,
                _ => false,
            },
            "discriminator" => match v {
                Value::Object(d) => {
                    if !d.get("propertyName").is_some_and(Value::is_string) {
                        return Err((vec![key.clone(), "propertyName".into()], "missing field `propertyName` (a string)".into()));
                    }
                    if let Some(mapping) = d.get("mapping") {
                        if !mapping.as_object().is_some_and(|m| m.values().all(Value::is_string)) {
                            return Err((
                                vec![key.clone(), "mapping".into()],
                                "invalid type: expected an object of strings (names to references)".into(),
                            ));
                        }
                    }
                    true
                }
                Value::Null => true,
                _ => false,
            },
            _ => true,
        };
        if !ok {
            let expected = match key.as_str() {
                "nullable" | "readOnly" | "writeOnly" | "deprecated" | "exclusiveMinimum" | "exclusiveMaximum" | "uniqueItems" => {
                    "a boolean"
                }
                "title" | "description" | "type" | "pattern" | "format" => "a string",
                "multipleOf" | "minimum" | "maximum" => "a number",
                "minProperties" | "maxProperties" | "minItems" | "maxItems" | "minLength" | "maxLength" => "a non-negative integer",
                "enum" => "an array of values",
                "required" => "an array of property names",
                "properties" => "an object of property schemas",
                "additionalProperties" => "a boolean or a schema object",
                "allOf" | "anyOf" | "oneOf" => "an array of schema objects",
                "externalDocs" | "discriminator" => "an object",
                _ => "a schema object",
            };
            return fail(key, expected, v);
        }
    }
    Ok(())
}

/// Values tried in place of a member to see whether it alone is the problem.
fn probes() -> [Value; 6] {
    [
        Value::Null,
        Value::String(String::new()),
        Value::Bool(false),
        Value::from(0),
        Value::Object(Default::default()),
        Value::Array(Vec::new()),
    ]
}

/// Where inside a failing node the problem is, when `openapiv3`'s buffering lost
/// the path: a member is the culprit when replacing it with some neutral value
/// makes the node deserialize; then the search goes on inside that member.
fn refine(kind: Kind, node: &Value) -> Vec<String> {
    let mut work = node.clone();
    let mut path: Vec<String> = Vec::new();
    // Bounds the work on large nodes; the node itself is a fine answer.
    let mut budget = 600usize;
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
                if budget == 0 {
                    break 'keys;
                }
                budget -= 1;
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
    let message = &reword(message);
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
    if message.contains("ParameterSchemaOrContent") {
        "give the parameter (or header) a `schema`, e.g. `schema: {type: string}`, or a `content` map".into()
    } else if message.contains("unknown variant `body`") || message.contains("unknown variant `formData`") {
        "OpenAPI 3.0 has no body or form parameters: describe them with the operation's `requestBody`".into()
    } else if message.contains("missing field") {
        "add the missing field; the OpenAPI 3.0 specification requires it here".into()
    } else if message.contains("unknown variant") {
        "use one of the values listed in the message".into()
    } else if message.contains("invalid type") || message.contains("expected") {
        "change the value to the type the OpenAPI 3.0 specification expects here".into()
    } else {
        "fix this node so that it follows the OpenAPI 3.0 specification".into()
    }
}

/// Rewords `openapiv3`'s internal type names.
fn reword(message: &str) -> String {
    if message.contains("no variant of enum ParameterSchemaOrContent") {
        "the parameter (or header) has neither `schema` nor `content`".into()
    } else {
        message.to_string()
    }
}
