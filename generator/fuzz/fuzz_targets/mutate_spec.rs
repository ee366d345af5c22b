//! Structure-aware fuzzing: a known-good description (one of `bases/*.json`) is
//! parsed into a `serde_json::Value`, a short list of fuzzer-chosen edits is applied
//! (replace a node, delete a key, copy a subtree elsewhere, point a node at another
//! with a `$ref`, rename a key, ...), and the result is serialized and run through
//! load → model → plan like `load_model` does. The documents stay mostly valid, so
//! the fuzzer spends its time in the semantic stages rather than in the parsers.
//!
//! Nodes are addressed by their index in a depth-first listing of the document
//! (modulo its length), so every index names some node.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value};

const BASES: [&str; 3] =
    [include_str!("../bases/multiauth.json"), include_str!("../bases/swagger2.json"), include_str!("../bases/openapi31.json")];

/// Words that mean something to an OpenAPI reader, for keys and strings.
const WORDS: &[&str] = &[
    "$ref",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "discriminator",
    "propertyName",
    "mapping",
    "nullable",
    "x-nullable",
    "additionalProperties",
    "properties",
    "required",
    "items",
    "prefixItems",
    "type",
    "format",
    "enum",
    "const",
    "default",
    "example",
    "examples",
    "description",
    "title",
    "readOnly",
    "writeOnly",
    "deprecated",
    "object",
    "array",
    "string",
    "integer",
    "number",
    "boolean",
    "null",
    "file",
    "binary",
    "byte",
    "date-time",
    "int32",
    "int64",
    "paths",
    "components",
    "schemas",
    "parameters",
    "requestBody",
    "responses",
    "content",
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "text/plain",
    "application/octet-stream",
    "schema",
    "in",
    "query",
    "header",
    "path",
    "cookie",
    "body",
    "formData",
    "name",
    "style",
    "explode",
    "collectionFormat",
    "securitySchemes",
    "securityDefinitions",
    "security",
    "oauth2",
    "flows",
    "flow",
    "implicit",
    "password",
    "clientCredentials",
    "authorizationCode",
    "accessCode",
    "application",
    "tokenUrl",
    "authorizationUrl",
    "refreshUrl",
    "scopes",
    "apiKey",
    "http",
    "basic",
    "bearer",
    "openIdConnect",
    "scheme",
    "servers",
    "url",
    "variables",
    "tags",
    "operationId",
    "get",
    "post",
    "put",
    "delete",
    "patch",
    "head",
    "options",
    "trace",
    "200",
    "201",
    "204",
    "2XX",
    "4XX",
    "default",
    "headers",
    "callbacks",
    "webhooks",
    "links",
    "definitions",
    "openapi",
    "swagger",
    "3.0.0",
    "3.0.3",
    "3.1.0",
    "2.0",
    "info",
    "version",
    "host",
    "basePath",
    "consumes",
    "produces",
    "#/components/schemas/",
    "#/definitions/",
    "#/components/parameters/",
    "#/components/responses/",
    "#/paths/",
    "common.yaml#/components/schemas/Error",
    "common.json#/definitions/Item",
    "common.yaml#/components/parameters/Limit",
    "common.yaml#/components/responses/NotFound",
    "common.json#/paths/~1shared",
    "/",
    "/{id}",
    "{id}",
    "id",
    "",
    " ",
    "x-",
    "Self",
    "self",
    "type",
    "crate",
    "r#",
    "\u{feff}",
    "é",
    "__",
    "0",
    "-1",
    "~1",
    "~0",
    "%2F",
];

#[derive(Debug, Arbitrary)]
struct Input {
    base: u8,
    edits: Vec<Edit>,
}

#[derive(Debug, Arbitrary)]
enum Edit {
    /// Replace the node with a new value.
    Replace { at: u16, value: Gen },
    /// Remove the node from its parent.
    Delete { at: u16 },
    /// Put a copy of one node in place of another.
    Copy { from: u16, to: u16 },
    /// Add (or overwrite) a key of an object node, or append to an array node.
    Insert { at: u16, key: Word, value: Gen },
    /// Replace the node with `{"$ref": "#<pointer of target>"}`.
    RefTo { at: u16, target: u16 },
    /// Add `"$ref": "#<pointer of target>"` beside the node's other keys.
    AddRef { at: u16, target: u16 },
    /// Give the node a new key in its parent object (keeping its place).
    Rename { at: u16, key: Word },
    /// Put a copy of the node into itself (under a key or at the end of an array).
    Nest { at: u16, key: Word },
}

#[derive(Debug, Arbitrary)]
enum Word {
    Known(u8),
    Raw(String),
    Prefixed(u8, String),
}

impl Word {
    fn text(&self) -> String {
        match self {
            Word::Known(i) => WORDS[*i as usize % WORDS.len()].to_string(),
            Word::Raw(s) => s.clone(),
            Word::Prefixed(i, s) => format!("{}{s}", WORDS[*i as usize % WORDS.len()]),
        }
    }
}

#[derive(Debug, Arbitrary)]
enum Gen {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Word),
    Array(Vec<Gen>),
    Object(Vec<(Word, Gen)>),
    /// `{"$ref": "#<pointer of an existing node>"}`.
    RefNode(u16),
    /// `{"$ref": <any string>}`.
    RefStr(Word),
}

impl Gen {
    fn build(&self, nodes: &[Vec<String>], depth: usize) -> Value {
        if depth > 16 {
            return Value::Null;
        }
        match self {
            Gen::Null => Value::Null,
            Gen::Bool(b) => Value::Bool(*b),
            Gen::Int(i) => Value::from(*i),
            Gen::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Gen::Str(w) => Value::String(w.text()),
            Gen::Array(items) => Value::Array(items.iter().map(|g| g.build(nodes, depth + 1)).collect()),
            Gen::Object(entries) => {
                let mut map = Map::new();
                for (k, g) in entries {
                    map.insert(k.text(), g.build(nodes, depth + 1));
                }
                Value::Object(map)
            }
            Gen::RefNode(i) => reference(&nodes[*i as usize % nodes.len()]),
            Gen::RefStr(w) => {
                let mut map = Map::new();
                map.insert("$ref".into(), Value::String(w.text()));
                Value::Object(map)
            }
        }
    }
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

fn fragment(tokens: &[String]) -> String {
    let mut out = String::from("#");
    for t in tokens {
        out.push('/');
        out.push_str(&escape(t));
    }
    out
}

fn reference(tokens: &[String]) -> Value {
    let mut map = Map::new();
    map.insert("$ref".into(), Value::String(fragment(tokens)));
    Value::Object(map)
}

/// Every node's path (root first), depth-first in document order.
fn nodes(doc: &Value) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut stack: Vec<(&Value, Vec<String>)> = vec![(doc, Vec::new())];
    while let Some((node, path)) = stack.pop() {
        match node {
            Value::Object(map) => {
                for (k, v) in map.iter().rev() {
                    let mut p = path.clone();
                    p.push(k.clone());
                    stack.push((v, p));
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate().rev() {
                    let mut p = path.clone();
                    p.push(i.to_string());
                    stack.push((v, p));
                }
            }
            _ => {}
        }
        out.push(path);
    }
    out
}

fn get_mut<'a>(doc: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
    let mut node = doc;
    for tok in path {
        node = match node {
            Value::Object(map) => map.get_mut(tok.as_str())?,
            Value::Array(items) => items.get_mut(tok.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

fn get<'a>(doc: &'a Value, path: &[String]) -> Option<&'a Value> {
    let mut node = doc;
    for tok in path {
        node = match node {
            Value::Object(map) => map.get(tok.as_str())?,
            Value::Array(items) => items.get(tok.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(node)
}

fn pick(nodes: &[Vec<String>], i: u16) -> Vec<String> {
    nodes[i as usize % nodes.len()].clone()
}

fn apply(doc: &mut Value, edit: &Edit) {
    let nodes = nodes(doc);
    match edit {
        Edit::Replace { at, value } => {
            let value = value.build(&nodes, 0);
            let at = pick(&nodes, *at);
            if at.is_empty() && !value.is_object() {
                return;
            }
            if let Some(node) = get_mut(doc, &at) {
                *node = value;
            }
        }
        Edit::Delete { at } => {
            let at = pick(&nodes, *at);
            let Some((last, parent)) = at.split_last() else { return };
            match get_mut(doc, parent) {
                Some(Value::Object(map)) => {
                    map.shift_remove(last.as_str());
                }
                Some(Value::Array(items)) => {
                    if let Ok(i) = last.parse::<usize>() {
                        if i < items.len() {
                            items.remove(i);
                        }
                    }
                }
                _ => {}
            }
        }
        Edit::Copy { from, to } => {
            let (from, to) = (pick(&nodes, *from), pick(&nodes, *to));
            let Some(value) = get(doc, &from).cloned() else { return };
            if to.is_empty() && !value.is_object() {
                return;
            }
            if let Some(node) = get_mut(doc, &to) {
                *node = value;
            }
        }
        Edit::Insert { at, key, value } => {
            let value = value.build(&nodes, 0);
            match get_mut(doc, &pick(&nodes, *at)) {
                Some(Value::Object(map)) => {
                    map.insert(key.text(), value);
                }
                Some(Value::Array(items)) => items.push(value),
                _ => {}
            }
        }
        Edit::RefTo { at, target } => {
            let (at, target) = (pick(&nodes, *at), pick(&nodes, *target));
            if at.is_empty() {
                return;
            }
            if let Some(node) = get_mut(doc, &at) {
                *node = reference(&target);
            }
        }
        Edit::AddRef { at, target } => {
            let target = pick(&nodes, *target);
            if let Some(Value::Object(map)) = get_mut(doc, &pick(&nodes, *at)) {
                map.insert("$ref".into(), Value::String(fragment(&target)));
            }
        }
        Edit::Rename { at, key } => {
            let at = pick(&nodes, *at);
            let Some((last, parent)) = at.split_last() else { return };
            if let Some(Value::Object(map)) = get_mut(doc, parent) {
                let new_key = key.text();
                let old = std::mem::take(map);
                for (k, v) in old {
                    if k == *last {
                        map.insert(new_key.clone(), v);
                    } else if k != new_key {
                        map.insert(k, v);
                    }
                }
            }
        }
        Edit::Nest { at, key } => {
            let at = pick(&nodes, *at);
            let Some(node) = get_mut(doc, &at) else { return };
            let copy = node.clone();
            match node {
                Value::Object(map) => {
                    map.insert(key.text(), copy);
                }
                Value::Array(items) => items.push(copy),
                _ => {}
            }
        }
    }
}

fuzz_target!(|input: Input| {
    let mut doc: Value = serde_json::from_str(BASES[input.base as usize % BASES.len()]).expect("bases are valid JSON");
    for edit in input.edits.iter().take(8) {
        apply(&mut doc, edit);
    }
    let text = serde_json::to_string(&doc).expect("a Value serializes");
    sdkgen_fuzz::dump(&text);
    sdkgen_fuzz::pipeline(&text, true);
});
