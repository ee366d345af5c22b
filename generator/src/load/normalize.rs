//! Step 4: JSON-Schema-isms that real specs use, turned into OpenAPI 3.0 schema
//! forms, for 2.0 (after upgrade), 3.0 and 3.1 input alike. Only nodes in schema
//! positions are touched (see `walk`), never example values or a property that
//! happens to be called `type`.
//!
//! In the same single pass, a Swagger 2.0 document's `$ref`s are rewritten to their
//! OpenAPI 3.0 places.
//!
//! Callbacks (`callbacks` of operations and of `components`) are removed first: the
//! generated clients do not serve them, and real descriptions write them in forms
//! `openapiv3` cannot read (a `$ref` to a whole callback in place of a path item).
//!
//! Per schema:
//! - `true` / `false` → `{}` / `{not: {}}` (but `additionalProperties: bool` stays);
//! - `x-nullable: true` → `nullable: true`; `type: file` → `type: string, format: binary`;
//! - `{$ref: X, nullable: true}` → `{allOf: [{$ref: X}], nullable: true}` (a bare
//!   `$ref` object loses its siblings in `openapiv3`);
//! - `discriminator: "prop"` → `discriminator: {propertyName: "prop"}`;
//! - `type: [T, "null"]` → `type: T, nullable: true`; `type: "null"` → `nullable: true`;
//!   several remaining types → `anyOf: [{type: a}, {type: b}]`, with the keywords
//!   that belong to one type (e.g. `items` for `array`) moved into its branch;
//! - `const: v` → `enum: [v]`; `examples: [a, ...]` → `example: a`;
//! - numeric `exclusiveMinimum: n` → `minimum: n, exclusiveMinimum: true` (same for max);
//! - `items: [A, B]` (tuple form) and 3.1 `prefixItems` → `items: {anyOf: [A, B]}`
//!   (a single element becomes `items: A`);
//! - `items: [A, B]` of object schemas with no `type` beside it → `anyOf: [A, B]`:
//!   not an array at all but the alternatives of an object, as Slack's generator
//!   wrote them (see [`typeless_alternatives`]);
//! - `allOf` parts that only annotate (`{description: ...}`, `{nullable: true}`)
//!   are merged into the schema itself: `allOf: [{$ref: X}, {description: d}]` →
//!   `allOf: [{$ref: X}], description: d`, i.e. a documented reference to X rather
//!   than a new type that copies X.

use serde_json::{Map, Value, json};

use super::swagger2::Rewrite;
use super::walk::{self, Ctx};

/// Normalises every schema in the document, and rewrites references with `rewrite`.
pub(crate) fn normalize(doc: &mut Value, rewrite: Option<&Rewrite>) {
    drop_callbacks(doc);
    let mut stack: Vec<(&mut Value, Ctx)> = vec![(doc, Ctx::Root)];
    while let Some((node, ctx)) = stack.pop() {
        if ctx == Ctx::Schema {
            schema(node);
        }
        match node {
            Value::Object(map) => {
                if let Some(rewrite) = rewrite {
                    if matches!(ctx, Ctx::Object | Ctx::Schema) {
                        if let Some(Value::String(r)) = map.get_mut("$ref") {
                            if let Some(new) = rewrite.apply(r) {
                                *r = new;
                            }
                        }
                    }
                }
                for (key, value) in map.iter_mut() {
                    if !(value.is_object() || value.is_array() || value.is_boolean()) {
                        continue;
                    }
                    if let Some(c) = walk::child(ctx, key, value, false) {
                        if value.is_boolean() && c != Ctx::Schema {
                            continue;
                        }
                        stack.push((value, c));
                    }
                }
            }
            Value::Array(items) => {
                let c = walk::element(ctx);
                for value in items.iter_mut() {
                    if value.is_object() || value.is_array() || (value.is_boolean() && c == Ctx::Schema) {
                        stack.push((value, c));
                    }
                }
            }
            _ => {}
        }
    }
}

/// Removes `callbacks` from every operation and from `components`.
fn drop_callbacks(doc: &mut Value) {
    if let Some(Value::Object(components)) = doc.get_mut("components") {
        components.shift_remove("callbacks");
    }
    let Some(Value::Object(paths)) = doc.get_mut("paths") else { return };
    for item in paths.values_mut() {
        let Value::Object(item) = item else { continue };
        for method in super::validate::METHODS {
            if let Some(Value::Object(op)) = item.get_mut(method) {
                op.shift_remove("callbacks");
            }
        }
    }
}

/// Keywords that apply to one JSON type, for splitting a multi-type schema.
const TYPE_KEYWORDS: &[(&str, &[&str])] = &[
    ("properties", &["object"]),
    ("required", &["object"]),
    ("additionalProperties", &["object"]),
    ("minProperties", &["object"]),
    ("maxProperties", &["object"]),
    ("patternProperties", &["object"]),
    ("items", &["array"]),
    ("minItems", &["array"]),
    ("maxItems", &["array"]),
    ("uniqueItems", &["array"]),
    ("pattern", &["string"]),
    ("minLength", &["string"]),
    ("maxLength", &["string"]),
    ("format", &["string", "number", "integer"]),
    ("minimum", &["number", "integer"]),
    ("maximum", &["number", "integer"]),
    ("exclusiveMinimum", &["number", "integer"]),
    ("exclusiveMaximum", &["number", "integer"]),
    ("multipleOf", &["number", "integer"]),
];

/// Normalises one schema node (not its children).
fn schema(node: &mut Value) {
    let map = match node {
        Value::Bool(true) => {
            *node = json!({});
            return;
        }
        Value::Bool(false) => {
            *node = json!({ "not": {} });
            return;
        }
        Value::Object(map) => map,
        _ => return,
    };
    if map.contains_key("x-nullable") && map.shift_remove("x-nullable") == Some(Value::Bool(true)) {
        map.insert("nullable".into(), Value::Bool(true));
    }
    // `openapiv3` reads an object with `$ref` as a bare reference and drops its
    // siblings; a nullable reference is written the OpenAPI 3.0 way instead.
    if map.get("nullable") == Some(&Value::Bool(true)) && map.get("$ref").is_some_and(Value::is_string) {
        if let Some(reference) = map.shift_remove("$ref") {
            map.insert("allOf".into(), json!([{ "$ref": reference }]));
        }
    }
    if let Some(Value::String(prop)) = map.get("discriminator") {
        let prop = prop.clone();
        map.insert("discriminator".into(), json!({ "propertyName": prop }));
    }
    types(map);
    if map.contains_key("const") {
        if let Some(v) = map.shift_remove("const") {
            if !map.contains_key("enum") {
                map.insert("enum".into(), Value::Array(vec![v]));
            }
        }
    }
    if let Some(Value::Array(_)) = map.get("examples") {
        if let Some(Value::Array(list)) = map.shift_remove("examples") {
            if let (Some(first), false) = (list.into_iter().next(), map.contains_key("example")) {
                map.insert("example".into(), first);
            }
        }
    }
    for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(Value::Number(n)) = map.get(exclusive) {
            let n = Value::Number(n.clone());
            map.insert(bound.into(), n);
            map.insert(exclusive.into(), Value::Bool(true));
        }
    }
    if is_typeless_alternatives(map) {
        let list = alternatives_in_items(map).cloned().unwrap_or_default();
        map.shift_remove("items");
        map.insert("anyOf".into(), Value::Array(list));
    }
    tuple_items(map);
    annotation_parts(map);
}

/// A schema with no `type` whose `items` lists object schemas: read as the
/// alternatives it means (an array would say `type: array`).
fn is_typeless_alternatives(map: &Map<String, Value>) -> bool {
    let Some(list) = alternatives_in_items(map) else { return false };
    !list.is_empty()
        && ["type", "properties", "prefixItems", "anyOf", "oneOf", "allOf"].iter().all(|k| !map.contains_key(*k))
        && list.iter().all(|item| {
            item.get("$ref").is_some() || item.get("properties").is_some() || item.get("type").and_then(Value::as_str) == Some("object")
        })
}

/// `items: [A, B]`, or `items: {anyOf: [A, B]}` (what converters made of
/// the former), as a list.
fn alternatives_in_items(map: &Map<String, Value>) -> Option<&Vec<Value>> {
    match map.get("items")? {
        Value::Array(list) => Some(list),
        Value::Object(items) if items.len() == 1 => match items.get("anyOf").or_else(|| items.get("oneOf")) {
            Some(Value::Array(list)) => Some(list),
            _ => None,
        },
        _ => None,
    }
}

/// Component schemas written as [`is_typeless_alternatives`], each with a
/// warning naming it (`location` is where components live in the file, e.g.
/// `#/definitions` for Swagger 2.0), so a reader of the description learns how
/// it was read.
pub(crate) fn typeless_alternatives(doc: &Value, location: &str) -> Vec<String> {
    let Some(Value::Object(schemas)) = doc.pointer("/components/schemas") else { return Vec::new() };
    schemas
        .iter()
        .filter(|(_, s)| s.as_object().is_some_and(is_typeless_alternatives))
        .map(|(name, s)| {
            let n = s.as_object().and_then(alternatives_in_items).map_or(0, Vec::len);
            format!(
                "{location}/{name} has `items` ({n} object schemas) but no `type`: read as alternatives \
                 (anyOf) of an object, not as an array; write `anyOf` (or `type: array`) to say so"
            )
        })
        .collect()
}

/// Keywords that describe a schema without constraining its shape.
const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "example",
    "examples",
    "default",
    "deprecated",
    "readOnly",
    "writeOnly",
    "externalDocs",
    "xml",
    "nullable",
    "$comment",
];

fn is_annotation_only(part: &Value) -> bool {
    part.as_object().is_some_and(|m| !m.is_empty() && m.keys().all(|k| ANNOTATIONS.contains(&k.as_str()) || k.starts_with("x-")))
}

/// Moves `allOf` parts that only annotate into the schema (keywords it already has
/// win), when some other part gives the shape.
fn annotation_parts(map: &mut Map<String, Value>) {
    let Some(Value::Array(parts)) = map.get("allOf") else { return };
    if !parts.iter().any(is_annotation_only) || parts.iter().all(is_annotation_only) {
        return;
    }
    let Some(Value::Array(parts)) = map.shift_remove("allOf") else { return };
    let mut kept = Vec::with_capacity(parts.len());
    for part in parts {
        if !is_annotation_only(&part) {
            kept.push(part);
            continue;
        }
        if let Value::Object(annotations) = part {
            for (key, value) in annotations {
                // `nullable: true` anywhere makes the whole schema nullable.
                if !map.contains_key(&key) || (key == "nullable" && value == Value::Bool(true)) {
                    map.insert(key, value);
                }
            }
        }
    }
    map.insert("allOf".into(), Value::Array(kept));
}

fn set_nullable(map: &mut Map<String, Value>) {
    map.insert("nullable".into(), Value::Bool(true));
}

fn types(map: &mut Map<String, Value>) {
    let names: Vec<String> = match map.get("type") {
        Some(Value::String(t)) if t == "null" => {
            map.shift_remove("type");
            set_nullable(map);
            return;
        }
        Some(Value::String(t)) if t == "file" => {
            map.insert("type".into(), Value::String("string".into()));
            map.insert("format".into(), Value::String("binary".into()));
            return;
        }
        Some(Value::Array(list)) => {
            let mut names: Vec<String> = Vec::with_capacity(list.len());
            let mut nullable = false;
            for t in list {
                match t.as_str() {
                    Some("null") => nullable = true,
                    Some(s) => {
                        let s = if s == "file" { "string" } else { s };
                        if !names.iter().any(|n| n == s) {
                            names.push(s.to_string());
                        }
                    }
                    None => {}
                }
            }
            if nullable {
                set_nullable(map);
            }
            names
        }
        _ => return,
    };
    match names.as_slice() {
        [] => {
            map.shift_remove("type");
        }
        [one] => {
            map.insert("type".into(), Value::String(one.clone()));
        }
        _ => split_types(map, &names),
    }
}

/// `type: [a, b]` → `anyOf: [{type: a}, {type: b}]`, moving the keywords that belong
/// to exactly the branches of their type into those branches.
fn split_types(map: &mut Map<String, Value>, names: &[String]) {
    map.shift_remove("type");
    let mut branches: Vec<Map<String, Value>> = names
        .iter()
        .map(|n| {
            let mut b = Map::new();
            b.insert("type".into(), Value::String(n.clone()));
            b
        })
        .collect();
    for (keyword, applies) in TYPE_KEYWORDS {
        if !map.contains_key(*keyword) {
            continue;
        }
        let mut targets: Vec<usize> = names.iter().enumerate().filter(|(_, n)| applies.contains(&n.as_str())).map(|(i, _)| i).collect();
        if *keyword == "format" {
            targets = format_branch(map.get("format"), names).into_iter().collect();
        }
        if targets.is_empty() {
            continue;
        }
        if let Some(value) = map.shift_remove(*keyword) {
            for &i in &targets {
                branches[i].insert((*keyword).into(), value.clone());
            }
        }
    }
    let alternatives = Value::Array(branches.into_iter().map(Value::Object).collect());
    if !map.contains_key("anyOf") {
        map.insert("anyOf".into(), alternatives);
    } else {
        let wrapped = json!({ "anyOf": alternatives });
        match map.get_mut("allOf") {
            Some(Value::Array(all)) => all.push(wrapped),
            _ => {
                map.insert("allOf".into(), Value::Array(vec![wrapped]));
            }
        }
    }
}

/// The branch a `format` belongs to: numeric formats to `integer`/`number`, others
/// to `string`; `None` when no branch fits.
fn format_branch(format: Option<&Value>, names: &[String]) -> Option<usize> {
    let format = format?.as_str()?;
    let find = |t: &str| names.iter().position(|n| n == t);
    match format {
        "int32" | "int64" => find("integer").or_else(|| find("number")),
        "float" | "double" | "decimal" => find("number").or_else(|| find("integer")),
        _ => find("string"),
    }
}

/// `items: [A, B]` / `prefixItems: [A, B]` → `items: {anyOf: [A, B]}`.
fn tuple_items(map: &mut Map<String, Value>) {
    if let Some(Value::Array(_)) = map.get("prefixItems") {
        if let Some(Value::Array(mut prefix)) = map.shift_remove("prefixItems") {
            match map.get("items") {
                Some(Value::Object(_)) => {
                    if let Some(rest) = map.shift_remove("items") {
                        prefix.push(rest);
                    }
                }
                Some(Value::Array(_)) => {
                    if let Some(Value::Array(rest)) = map.shift_remove("items") {
                        prefix.extend(rest);
                    }
                }
                _ => {
                    map.shift_remove("items");
                }
            }
            map.insert("items".into(), alternatives(prefix));
            return;
        }
    }
    if let Some(items) = map.get_mut("items") {
        if let Value::Array(list) = items {
            let list = std::mem::take(list);
            *items = alternatives(list);
        }
    }
}

fn alternatives(mut list: Vec<Value>) -> Value {
    match list.len() {
        0 => json!({}),
        1 => list.pop().unwrap_or_default(),
        _ => json!({ "anyOf": list }),
    }
}
