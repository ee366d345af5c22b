//! Step 3: Swagger 2.0 → OpenAPI 3.0, on the `serde_json::Value`, in place.
//!
//! The structural changes happen here (servers, components, request bodies,
//! parameter schemas and styles, response content, security schemes). Two things
//! happen in the `normalize` pass that follows, because it visits every node anyway:
//! rewriting `$ref`s (see [`Rewrite`]) and the schema-level changes (`x-nullable`,
//! `type: file`, string `discriminator`).

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use super::refs::{fragment_tokens, get};
use super::validate::METHODS;
use super::{Source, kind_of};
use crate::diag::{Diagnostic, escape_pointer_token, pointer};

/// How `$ref`s of the Swagger 2.0 document become OpenAPI 3.0 ones.
#[derive(Debug, Default)]
pub(crate) struct Rewrite {
    /// Global parameters that are `in: body` (they became request bodies).
    body_params: HashSet<String>,
    /// First global `consumes` entry (for references into a body's schema).
    consumes: String,
    /// First global `produces` entry (for references into a response's schema).
    produces: String,
}

impl Rewrite {
    /// The OpenAPI 3.0 form of a reference, or `None` when it does not change.
    pub(crate) fn apply(&self, reference: &str) -> Option<String> {
        let rest = reference.strip_prefix("#/")?;
        let (section, rest) = rest.split_once('/').unwrap_or((rest, ""));
        let (name, tail) = match rest.split_once('/') {
            Some((name, tail)) => (name, Some(tail)),
            None => (rest, None),
        };
        let media = |mt: &str| escape_pointer_token(mt);
        let out = match section {
            "definitions" => format!("#/components/schemas/{rest}"),
            "securityDefinitions" => format!("#/components/securitySchemes/{rest}"),
            "parameters" => {
                let decoded = fragment_tokens(&format!("/{name}")).and_then(|t| t.into_iter().next()).unwrap_or_default();
                if self.body_params.contains(&decoded) {
                    match tail {
                        Some(t) if t == "schema" || t.starts_with("schema/") => {
                            format!("#/components/requestBodies/{name}/content/{}/{t}", media(&self.consumes))
                        }
                        Some(t) => format!("#/components/requestBodies/{name}/{t}"),
                        None => format!("#/components/requestBodies/{name}"),
                    }
                } else {
                    format!("#/components/parameters/{rest}")
                }
            }
            "responses" => match tail {
                Some(t) if t == "schema" || t.starts_with("schema/") => {
                    format!("#/components/responses/{name}/content/{}/{t}", media(&self.produces))
                }
                _ => format!("#/components/responses/{rest}"),
            },
            _ => return None,
        };
        Some(out)
    }
}

const DEFAULT_MEDIA: &str = "application/json";
const FORM: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";

/// Keys of a non-body parameter, header or items object that describe its value and
/// so move into the OpenAPI 3.0 `schema`.
const SCHEMA_KEYS: &[&str] = &[
    "type",
    "format",
    "items",
    "enum",
    "default",
    "pattern",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "maxItems",
    "minItems",
    "uniqueItems",
    "multipleOf",
    "x-nullable",
];

struct Upgrader<'s> {
    src: &'s Source<'s>,
    globals: Map<String, Value>,
    consumes: Vec<String>,
    produces: Vec<String>,
    host: Option<String>,
    base_path: Option<String>,
}

/// Upgrades the document; returns how its references are to be rewritten.
pub(crate) fn upgrade(src: &Source<'_>, doc: &mut Value) -> Result<Rewrite, Diagnostic> {
    let Value::Object(root) = doc else {
        return Err(src.diag_at("", "the document's root is not an object", "the top level must be a mapping"));
    };
    let old = std::mem::take(root);
    let mut info = None;
    let mut external_docs = None;
    let mut tags = None;
    let mut security = None;
    let mut paths = None;
    let mut definitions = None;
    let mut responses = None;
    let mut security_definitions = None;
    let mut schemes = None;
    let mut globals = Map::new();
    let mut extensions = Map::new();
    let mut up = Upgrader { src, globals: Map::new(), consumes: Vec::new(), produces: Vec::new(), host: None, base_path: None };
    for (key, value) in old {
        match key.as_str() {
            "swagger" => {}
            "info" => info = Some(value),
            "externalDocs" => external_docs = Some(value),
            "tags" => tags = Some(value),
            "security" => security = Some(value),
            "paths" => paths = Some(value),
            "definitions" => definitions = Some(value),
            "responses" => responses = Some(value),
            "securityDefinitions" => security_definitions = Some(value),
            "schemes" => schemes = Some(media_list(src, "/schemes", value)?),
            "consumes" => up.consumes = media_list(src, "/consumes", value)?,
            "produces" => up.produces = media_list(src, "/produces", value)?,
            "host" => up.host = Some(string_field(src, "/host", value)?),
            "basePath" => up.base_path = Some(string_field(src, "/basePath", value)?),
            "parameters" => match value {
                Value::Object(map) => globals = map,
                other => return Err(wrong_type(src, "/parameters", "an object of named parameters", &other)),
            },
            _ if key.starts_with("x-") => {
                extensions.insert(key, value);
            }
            _ => {}
        }
    }
    up.globals = globals;

    let mut rewrite = Rewrite {
        body_params: HashSet::new(),
        consumes: up.consumes.first().cloned().unwrap_or_else(|| DEFAULT_MEDIA.into()),
        produces: up.produces.first().cloned().unwrap_or_else(|| DEFAULT_MEDIA.into()),
    };

    root.insert("openapi".into(), Value::String("3.0.3".into()));
    if let Some(info) = info {
        root.insert("info".into(), info);
    }
    if let Some(d) = external_docs {
        root.insert("externalDocs".into(), d);
    }
    let servers = up.servers(schemes.as_deref());
    root.insert("servers".into(), Value::Array(servers));
    if let Some(tags) = tags {
        root.insert("tags".into(), tags);
    }
    if let Some(security) = security {
        root.insert("security".into(), security);
    }

    let mut paths = paths.unwrap_or_else(|| Value::Object(Map::new()));
    if let Value::Object(items) = &mut paths {
        for (path, item) in items.iter_mut() {
            if path.starts_with("x-") {
                continue;
            }
            if let Value::Object(item) = item {
                up.upgrade_path_item(path, item)?;
            }
        }
    }
    root.insert("paths".into(), paths);

    let mut components = Map::new();
    if let Some(definitions) = definitions {
        components.insert("schemas".into(), definitions);
    }
    if let Some(Value::Object(responses)) = responses {
        let mut out = Map::new();
        for (name, mut response) in responses {
            if let Value::Object(r) = &mut response {
                up.upgrade_response(r, &up.produces_or_default(None));
            }
            out.insert(name, response);
        }
        components.insert("responses".into(), Value::Object(out));
    }
    let mut parameters = Map::new();
    let mut request_bodies = Map::new();
    for (name, param) in &up.globals {
        let ptr = pointer(["parameters", name.as_str()]);
        let Value::Object(p) = param else {
            return Err(wrong_type(src, &ptr, "a parameter object", param));
        };
        if p.contains_key("$ref") {
            parameters.insert(name.clone(), param.clone());
            continue;
        }
        match p.get("in").and_then(Value::as_str) {
            Some("body") => {
                rewrite.body_params.insert(name.clone());
                let consumes = up.consumes_or_default(None);
                request_bodies.insert(name.clone(), Value::Object(body_request(p, &consumes)));
            }
            // Form fields are copied into each operation's request body schema.
            Some("formData") => {}
            _ => {
                parameters.insert(name.clone(), Value::Object(up.convert_param(p, &ptr)?));
            }
        }
    }
    if !parameters.is_empty() {
        components.insert("parameters".into(), Value::Object(parameters));
    }
    if !request_bodies.is_empty() {
        components.insert("requestBodies".into(), Value::Object(request_bodies));
    }
    if let Some(defs) = security_definitions {
        let Value::Object(defs) = defs else {
            return Err(wrong_type(src, "/securityDefinitions", "an object of named security schemes", &defs));
        };
        let mut schemes = Map::new();
        for (name, def) in defs {
            let converted = match def {
                Value::Object(d) => Value::Object(security_scheme(src, &name, d)?),
                other => other,
            };
            schemes.insert(name, converted);
        }
        components.insert("securitySchemes".into(), Value::Object(schemes));
    }
    if !components.is_empty() {
        root.insert("components".into(), Value::Object(components));
    }
    for (k, v) in extensions {
        root.insert(k, v);
    }
    Ok(rewrite)
}

fn wrong_type(src: &Source<'_>, ptr: &str, expected: &str, found: &Value) -> Diagnostic {
    src.diag_at(ptr, format!("expected {expected}, found {}", kind_of(found)), format!("make this {expected}, as Swagger 2.0 requires"))
}

fn string_field(src: &Source<'_>, ptr: &str, value: Value) -> Result<String, Diagnostic> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(wrong_type(src, ptr, "a string", &other)),
    }
}

fn media_list(src: &Source<'_>, ptr: &str, value: Value) -> Result<Vec<String>, Diagnostic> {
    match value {
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                match item {
                    Value::String(s) => out.push(s),
                    other => return Err(wrong_type(src, &format!("{ptr}/{i}"), "a string", &other)),
                }
            }
            Ok(out)
        }
        other => Err(wrong_type(src, ptr, "an array of strings", &other)),
    }
}

/// `type/subtype` in lower case, without parameters.
fn essence(media: &str) -> String {
    media.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

/// Where a merged parameter came from.
#[derive(Debug, Clone, Copy)]
enum From {
    Path(usize),
    Own(usize),
}

/// The identity (`name`, `in`) of a parameter, looking through `#/parameters/X`.
fn param_key<'a>(p: &'a Value, globals: &'a Map<String, Value>) -> Option<(&'a str, &'a str)> {
    let p = resolve_param(p, globals)?;
    Some((p.get("name")?.as_str()?, p.get("in")?.as_str()?))
}

fn resolve_param<'a>(p: &'a Value, globals: &'a Map<String, Value>) -> Option<&'a Map<String, Value>> {
    match p.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let tokens = fragment_tokens(r.strip_prefix('#')?)?;
            match tokens.as_slice() {
                [section, name] if section == "parameters" => globals.get(name.as_str())?.as_object(),
                _ => None,
            }
        }
        None => p.as_object(),
    }
}

/// Path-level parameters that the operation does not override, then the
/// operation's own, in order.
fn merge_order(path_params: &[Value], own: &[Value], globals: &Map<String, Value>) -> Vec<From> {
    let own_keys: Vec<Option<(&str, &str)>> = own.iter().map(|p| param_key(p, globals)).collect();
    let mut out = Vec::with_capacity(path_params.len() + own.len());
    for (i, p) in path_params.iter().enumerate() {
        let key = param_key(p, globals);
        if key.is_none() || !own_keys.contains(&key) {
            out.push(From::Path(i));
        }
    }
    out.extend((0..own.len()).map(From::Own));
    out
}

/// The `in` of a (possibly referenced) parameter.
fn param_in<'a>(p: &'a Value, globals: &'a Map<String, Value>) -> Option<&'a str> {
    resolve_param(p, globals)?.get("in")?.as_str()
}

impl Upgrader<'_> {
    fn consumes_or_default(&self, own: Option<&[String]>) -> Vec<String> {
        match own {
            Some(list) if !list.is_empty() => list.to_vec(),
            _ if !self.consumes.is_empty() => self.consumes.clone(),
            _ => vec![DEFAULT_MEDIA.into()],
        }
    }

    fn produces_or_default(&self, own: Option<&[String]>) -> Vec<String> {
        match own {
            Some(list) if !list.is_empty() => list.to_vec(),
            _ if !self.produces.is_empty() => self.produces.clone(),
            _ => vec![DEFAULT_MEDIA.into()],
        }
    }

    /// One server per scheme: `scheme://host+basePath`; without a host, the base
    /// path alone (or `/`).
    fn servers(&self, schemes: Option<&[String]>) -> Vec<Value> {
        let base = self.base_path.as_deref().unwrap_or("");
        let base = if base.is_empty() || base.starts_with('/') { base.to_string() } else { format!("/{base}") };
        match self.host.as_deref().filter(|h| !h.is_empty()) {
            None => vec![json!({ "url": if base.is_empty() { "/".to_string() } else { base } })],
            Some(host) => {
                let host = host.trim_end_matches('/');
                let tail = base.trim_end_matches('/');
                // A host written with its scheme (not allowed, but seen) keeps it.
                if host.contains("://") {
                    return vec![json!({ "url": format!("{host}{tail}") })];
                }
                let schemes: Vec<&str> = match schemes {
                    Some(list) if !list.is_empty() => list.iter().map(String::as_str).collect(),
                    _ => vec!["https"],
                };
                schemes.into_iter().map(|s| json!({ "url": format!("{s}://{host}{tail}") })).collect()
            }
        }
    }

    fn upgrade_path_item(&self, path: &str, item: &mut Map<String, Value>) -> Result<(), Diagnostic> {
        // Path-level parameters move into each operation.
        let path_params = match item.shift_remove("parameters") {
            None => Vec::new(),
            Some(Value::Array(list)) => list,
            Some(other) => {
                return Err(wrong_type(self.src, &pointer(["paths", path, "parameters"]), "an array of parameters", &other));
            }
        };
        for method in METHODS {
            if let Some(Value::Object(op)) = item.get_mut(method) {
                self.upgrade_operation(path, method, op, &path_params)?;
            }
        }
        Ok(())
    }

    fn upgrade_operation(&self, path: &str, method: &str, op: &mut Map<String, Value>, path_params: &[Value]) -> Result<(), Diagnostic> {
        let op_ptr = pointer(["paths", path, method]);
        let consumes = match op.remove("consumes") {
            Some(v) => Some(media_list(self.src, &format!("{op_ptr}/consumes"), v)?),
            None => None,
        };
        let produces = match op.remove("produces") {
            Some(v) => Some(media_list(self.src, &format!("{op_ptr}/produces"), v)?),
            None => None,
        };
        let consumes = self.consumes_or_default(consumes.as_deref());
        let produces = self.produces_or_default(produces.as_deref());
        if let Some(schemes) = op.remove("schemes") {
            let schemes = media_list(self.src, &format!("{op_ptr}/schemes"), schemes)?;
            op.insert("servers".into(), Value::Array(self.servers(Some(&schemes))));
        }
        let mut own = match op.remove("parameters") {
            None => Vec::new(),
            Some(Value::Array(list)) => list,
            Some(other) => {
                return Err(wrong_type(self.src, &format!("{op_ptr}/parameters"), "an array of parameters", &other));
            }
        };
        let order = merge_order(path_params, &own, &self.globals);
        let origin = |from: From| match from {
            From::Path(i) => pointer(["paths", path, "parameters", &i.to_string()]),
            From::Own(i) => format!("{op_ptr}/parameters/{i}"),
        };

        let mut params = Vec::new();
        let mut body: Option<(Value, From)> = None;
        let mut form: Vec<(Value, From)> = Vec::new();
        for from in order {
            let value = match from {
                From::Path(i) => path_params[i].clone(),
                From::Own(i) => std::mem::take(&mut own[i]),
            };
            match param_in(&value, &self.globals) {
                Some("body") => {
                    if body.is_some() {
                        return Err(self.src.diag_at(
                            &origin(from),
                            "the operation has more than one `in: body` parameter",
                            "Swagger 2.0 allows one body parameter per operation; merge them into one object schema",
                        ));
                    }
                    body = Some((value, from));
                }
                Some("formData") => form.push((value, from)),
                _ => params.push((value, from)),
            }
        }
        if let (Some(_), Some((_, from))) = (&body, form.first()) {
            return Err(self.src.diag_at(
                &origin(*from),
                "the operation has both an `in: body` parameter and `in: formData` parameters",
                "Swagger 2.0 allows either one body parameter or form parameters; keep one kind",
            ));
        }

        let mut converted = Vec::with_capacity(params.len());
        for (value, from) in params {
            match value {
                Value::Object(p) if !p.contains_key("$ref") => {
                    converted.push(Value::Object(self.convert_param(&p, &origin(from))?));
                }
                other => converted.push(other),
            }
        }
        if !converted.is_empty() {
            op.insert("parameters".into(), Value::Array(converted));
        }

        if let Some((value, _)) = body {
            let request_body = match value {
                Value::Object(p) if !p.contains_key("$ref") => Value::Object(body_request(&p, &consumes)),
                // `#/parameters/X` becomes `#/components/requestBodies/X` in the
                // reference rewrite.
                other => other,
            };
            op.insert("requestBody".into(), request_body);
        } else if !form.is_empty() {
            let mut fields = Vec::with_capacity(form.len());
            for (value, _) in &form {
                if let Some(p) = resolve_param(value, &self.globals) {
                    fields.push(p);
                }
            }
            op.insert("requestBody".into(), Value::Object(form_request(&fields, &consumes)));
        }

        if let Some(Value::Object(responses)) = op.get_mut("responses") {
            for (_, response) in responses.iter_mut() {
                if let Value::Object(r) = response {
                    self.upgrade_response(r, &produces);
                }
            }
        }
        Ok(())
    }

    /// A query/header/path parameter: value keywords move into `schema`;
    /// `collectionFormat` becomes `style`/`explode`.
    fn convert_param(&self, p: &Map<String, Value>, ptr: &str) -> Result<Map<String, Value>, Diagnostic> {
        let location = p.get("in").and_then(Value::as_str).unwrap_or_default();
        if !matches!(location, "query" | "header" | "path" | "cookie") {
            return Err(self.src.diag_at(
                &format!("{ptr}/in"),
                format!("parameter `in` is {}; Swagger 2.0 allows `query`, `header`, `path`, `formData` or `body`", shown(p.get("in"))),
                "set `in` to where the parameter goes",
            ));
        }
        let mut out = Map::new();
        let mut schema = Map::new();
        let mut collection_format = None;
        for (key, value) in p {
            match key.as_str() {
                "collectionFormat" => collection_format = value.as_str().map(str::to_string),
                "items" => {
                    schema.insert(key.clone(), convert_items(value));
                }
                "x-example" => {
                    out.insert("example".into(), value.clone());
                }
                "schema" => {}
                k if SCHEMA_KEYS.contains(&k) => {
                    schema.insert(key.clone(), value.clone());
                }
                _ => {
                    out.insert(key.clone(), value.clone());
                }
            }
        }
        let is_array = schema.get("type").and_then(Value::as_str) == Some("array");
        if is_array {
            let format = collection_format.as_deref().unwrap_or("csv");
            let (style, explode, exact) = match (location, format) {
                ("query", "multi") => ("form", true, true),
                ("query", "ssv") => ("spaceDelimited", false, true),
                ("query", "pipes") => ("pipeDelimited", false, true),
                ("query", "csv") => ("form", false, true),
                ("query", _) => ("form", false, false),
                (_, "csv") => ("simple", false, true),
                _ => ("simple", false, false),
            };
            if location != "cookie" {
                out.insert("style".into(), Value::String(style.into()));
            }
            out.insert("explode".into(), Value::Bool(explode));
            if !exact {
                // tsv, or a format the location cannot express: keep comma
                // semantics and say what the description asked for.
                out.insert("x-collection-format".into(), Value::String(format.into()));
            }
        }
        out.insert("schema".into(), Value::Object(schema));
        Ok(out)
    }

    /// Response `schema` + `produces` → `content`; `examples` → `content[mt].example`;
    /// headers get a `schema`.
    fn upgrade_response(&self, r: &mut Map<String, Value>, produces: &[String]) {
        if r.contains_key("$ref") {
            return;
        }
        let old = std::mem::take(r);
        let mut schema = None;
        let mut examples = None;
        let mut headers = None;
        let mut rest = Map::new();
        for (key, value) in old {
            match key.as_str() {
                "schema" => schema = Some(value),
                "examples" => examples = Some(value),
                "headers" => headers = Some(value),
                _ => {
                    rest.insert(key, value);
                }
            }
        }
        if !rest.contains_key("description") {
            rest.insert("description".into(), Value::String(String::new()));
        }
        // Keep `description` first for readability of dumps.
        let description = rest.shift_remove("description").unwrap_or_default();
        r.insert("description".into(), description);
        if let Some(Value::Object(headers)) = headers {
            let mut out = Map::new();
            for (name, header) in headers {
                let converted = match header {
                    Value::Object(h) if !h.contains_key("$ref") => Value::Object(convert_header(h)),
                    other => other,
                };
                out.insert(name, converted);
            }
            r.insert("headers".into(), Value::Object(out));
        }
        let mut content = Map::new();
        if let Some(schema) = schema {
            let n = produces.len();
            let mut schema = Some(schema);
            for (i, mt) in produces.iter().enumerate() {
                let s = if i + 1 == n { schema.take().unwrap_or_default() } else { schema.clone().unwrap_or_default() };
                content.insert(mt.clone(), json!({ "schema": s }));
            }
            if let Some(Value::Object(examples)) = examples {
                for (mt, example) in examples {
                    if !content.contains_key(&mt) {
                        // An example for a media type `produces` does not list: give
                        // it the same schema.
                        let schema = content.values().next().and_then(|m| m.get("schema")).cloned();
                        let entry = match schema {
                            Some(s) => json!({ "schema": s }),
                            None => json!({}),
                        };
                        content.insert(mt.clone(), entry);
                    }
                    if let Some(Value::Object(entry)) = content.get_mut(&mt) {
                        entry.insert("example".into(), example);
                    }
                }
            }
        } else if let Some(Value::Object(examples)) = examples {
            for (mt, example) in examples {
                content.insert(mt, json!({ "example": example }));
            }
        }
        if !content.is_empty() {
            r.insert("content".into(), Value::Object(content));
        }
        for (k, v) in rest {
            r.insert(k, v);
        }
    }
}

/// `items` of a non-body parameter or header: the same keywords, recursively, minus
/// `collectionFormat`.
fn convert_items(items: &Value) -> Value {
    let Value::Object(map) = items else { return items.clone() };
    let mut out = Map::new();
    for (key, value) in map {
        match key.as_str() {
            "collectionFormat" => {}
            "items" => {
                out.insert(key.clone(), convert_items(value));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    out.into()
}

fn convert_header(h: Map<String, Value>) -> Map<String, Value> {
    let mut out = Map::new();
    let mut schema = Map::new();
    for (key, value) in h {
        match key.as_str() {
            "collectionFormat" => {}
            "items" => {
                schema.insert(key, convert_items(&value));
            }
            "x-example" => {
                out.insert("example".into(), value);
            }
            k if SCHEMA_KEYS.contains(&k) => {
                schema.insert(key, value);
            }
            _ => {
                out.insert(key, value);
            }
        }
    }
    out.insert("schema".into(), Value::Object(schema));
    out
}

/// A body parameter → a request body with one content entry per media type.
fn body_request(p: &Map<String, Value>, consumes: &[String]) -> Map<String, Value> {
    let mut out = Map::new();
    if let Some(d) = p.get("description") {
        out.insert("description".into(), d.clone());
    }
    let schema = p.get("schema").cloned().unwrap_or_else(|| json!({}));
    let mut content = Map::new();
    for mt in consumes {
        content.insert(mt.clone(), json!({ "schema": schema.clone() }));
    }
    out.insert("content".into(), Value::Object(content));
    if p.get("required").and_then(Value::as_bool) == Some(true) {
        out.insert("required".into(), Value::Bool(true));
    }
    if let Some(name) = p.get("name") {
        out.insert("x-codegen-request-body-name".into(), name.clone());
    }
    for (k, v) in p {
        if k.starts_with("x-") {
            out.insert(k.clone(), v.clone());
        }
    }
    out
}

/// `formData` parameters → one request body with an object schema.
///
/// Swagger 2.0 cannot say that a form field carries JSON (`blocks=[{...}]`):
/// a `formData` parameter may only be a scalar, an array of scalars or a file.
/// A `schema` on one (which 2.0 allows on `body` parameters only; an overlay
/// adds it) is read as the field's schema, and the field as sent as JSON text:
/// its `encoding` gets `contentType: application/json`, OpenAPI 3.0's way to
/// say so. `type` and the other scalar keywords beside it are ignored.
fn form_request(fields: &[&Map<String, Value>], consumes: &[String]) -> Map<String, Value> {
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut has_file = false;
    let mut encoding = Map::new();
    for p in fields {
        let Some(name) = p.get("name").and_then(Value::as_str) else { continue };
        if let Some(Value::Object(declared)) = p.get("schema") {
            let mut schema = declared.clone();
            if let Some(description) = p.get("description") {
                if schema.contains_key("$ref") {
                    // A `$ref` object keeps no siblings: the parameter's own
                    // description goes on a wrapper, as for any annotated reference.
                    schema = Map::from_iter([("allOf".to_string(), json!([Value::Object(schema)]))]);
                }
                schema.insert("description".into(), description.clone());
            }
            encoding.insert(name.to_string(), json!({ "contentType": "application/json" }));
            if p.get("required").and_then(Value::as_bool) == Some(true) {
                required.push(Value::String(name.to_string()));
            }
            properties.insert(name.to_string(), Value::Object(schema));
            continue;
        }
        let mut schema = Map::new();
        let mut collection_format = None;
        for (key, value) in p.iter() {
            match key.as_str() {
                "type" if value == "file" => {
                    has_file = true;
                    schema.insert("type".into(), Value::String("string".into()));
                    schema.insert("format".into(), Value::String("binary".into()));
                }
                "format" if schema.get("format").is_some() => {}
                "items" => {
                    schema.insert(key.clone(), convert_items(value));
                }
                "collectionFormat" => collection_format = value.as_str(),
                "description" => {
                    schema.insert(key.clone(), value.clone());
                }
                "x-example" => {
                    schema.insert("example".into(), value.clone());
                }
                k if SCHEMA_KEYS.contains(&k) => {
                    schema.insert(key.clone(), value.clone());
                }
                _ => {}
            }
        }
        if schema.get("type").and_then(Value::as_str) == Some("array") {
            let explode = collection_format == Some("multi");
            encoding.insert(name.to_string(), json!({ "style": "form", "explode": explode }));
        }
        if p.get("required").and_then(Value::as_bool) == Some(true) {
            required.push(Value::String(name.to_string()));
        }
        properties.insert(name.to_string(), Value::Object(schema));
    }
    let mut schema = Map::new();
    schema.insert("type".into(), Value::String("object".into()));
    schema.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        schema.insert("required".into(), Value::Array(required.clone()));
    }
    let wanted = if has_file { vec![MULTIPART] } else { vec![FORM, MULTIPART] };
    let mut types: Vec<&String> = consumes.iter().filter(|c| wanted.contains(&essence(c).as_str())).collect();
    let fallback = String::from(if has_file { MULTIPART } else { FORM });
    if types.is_empty() {
        types.push(&fallback);
    }
    let mut content = Map::new();
    let schema = Value::Object(schema);
    for mt in types {
        let mut media = Map::new();
        media.insert("schema".into(), schema.clone());
        if !encoding.is_empty() {
            media.insert("encoding".into(), Value::Object(encoding.clone()));
        }
        content.insert(mt.clone(), Value::Object(media));
    }
    let mut out = Map::new();
    out.insert("content".into(), Value::Object(content));
    if !required.is_empty() {
        out.insert("required".into(), Value::Bool(true));
    }
    out
}

/// A Swagger 2.0 security definition → an OpenAPI 3.0 security scheme.
fn security_scheme(src: &Source<'_>, name: &str, d: Map<String, Value>) -> Result<Map<String, Value>, Diagnostic> {
    let kind = d.get("type").and_then(Value::as_str).unwrap_or_default().to_string();
    if !matches!(kind.as_str(), "basic" | "apiKey" | "oauth2") {
        return Err(src.diag_at(
            &pointer(["securityDefinitions", name, "type"]),
            format!("security definition `{name}` has type {}; Swagger 2.0 allows `basic`, `apiKey` or `oauth2`", shown(d.get("type"))),
            "set `type` to `basic`, `apiKey` or `oauth2`",
        ));
    }
    let flow = d.get("flow").and_then(Value::as_str).unwrap_or_default();
    if kind == "oauth2" && !matches!(flow, "implicit" | "password" | "application" | "accessCode") {
        return Err(src.diag_at(
            &pointer(["securityDefinitions", name, "flow"]),
            format!(
                "oauth2 security definition `{name}` has flow {}; Swagger 2.0 allows `implicit`, `password`, `application` or `accessCode`",
                shown(d.get("flow"))
            ),
            "set `flow` to one of the allowed values",
        ));
    }
    let mut out = Map::new();
    match kind.as_str() {
        "basic" => {
            out.insert("type".into(), Value::String("http".into()));
            out.insert("scheme".into(), Value::String("basic".into()));
            for (k, v) in d {
                if k == "description" || k.starts_with("x-") {
                    out.insert(k, v);
                }
            }
        }
        "oauth2" => {
            let flow = d.get("flow").and_then(Value::as_str).unwrap_or_default().to_string();
            let url = |key: &str| d.get(key).cloned().unwrap_or_else(|| Value::String(String::new()));
            let scopes = d.get("scopes").cloned().unwrap_or_else(|| json!({}));
            let (name, body) = match flow.as_str() {
                "implicit" => ("implicit", json!({ "authorizationUrl": url("authorizationUrl"), "scopes": scopes })),
                "password" => ("password", json!({ "tokenUrl": url("tokenUrl"), "scopes": scopes })),
                "application" => ("clientCredentials", json!({ "tokenUrl": url("tokenUrl"), "scopes": scopes })),
                _ => (
                    "authorizationCode",
                    json!({ "authorizationUrl": url("authorizationUrl"), "tokenUrl": url("tokenUrl"), "scopes": scopes }),
                ),
            };
            out.insert("type".into(), Value::String("oauth2".into()));
            let mut flows = Map::new();
            flows.insert(name.into(), body);
            out.insert("flows".into(), Value::Object(flows));
            for (k, v) in d {
                if k == "description" || k.starts_with("x-") {
                    out.insert(k, v);
                }
            }
        }
        _ => return Ok(d),
    }
    Ok(out)
}

/// A field's value for a message, or "none" when it is missing.
fn shown(value: Option<&Value>) -> String {
    value.map_or_else(|| "none".to_string(), |v| format!("`{}`", v.as_str().map_or_else(|| v.to_string(), str::to_string)))
}

/// Maps a pointer into the upgraded document back to the Swagger 2.0 original, when
/// the mapping is clear. `original` is the document as written.
pub(crate) fn original_pointer(original: &Value, upgraded: &[String]) -> Option<String> {
    let t: Vec<&str> = upgraded.iter().map(String::as_str).collect();
    let mapped: Vec<String> = match t.as_slice() {
        [] => Vec::new(),
        ["openapi", ..] => vec!["swagger".into()],
        ["servers", ..] => vec![if original.get("host").is_some() { "host" } else { "basePath" }.into()],
        ["components", "schemas", rest @ ..] => prefixed(&["definitions"], rest),
        ["components", "securitySchemes", name, ..] => vec!["securityDefinitions".into(), (*name).into()],
        ["components", "parameters", name, "schema", rest @ ..] => prefixed(&["parameters", name], rest),
        ["components", "parameters", rest @ ..] => prefixed(&["parameters"], rest),
        ["components", "requestBodies", name, "content", _, rest @ ..] => prefixed(&["parameters", name], rest),
        ["components", "requestBodies", name, ..] => vec!["parameters".into(), (*name).into()],
        ["components", "responses", name, rest @ ..] => {
            let mut out = vec!["responses".to_string(), (*name).to_string()];
            out.extend(response_tail(rest));
            out
        }
        ["paths", path, method, "parameters", index, rest @ ..] => {
            let op = original.get("paths")?.get(*path)?;
            let own = op.get(*method)?.get("parameters").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
            let path_params = op.get("parameters").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
            let globals = original.get("parameters").and_then(Value::as_object).cloned().unwrap_or_default();
            let index: usize = index.parse().ok()?;
            let from = merge_order(path_params, own, &globals)
                .into_iter()
                .filter(|f| {
                    let p = match f {
                        From::Path(i) => &path_params[*i],
                        From::Own(i) => &own[*i],
                    };
                    !matches!(param_in(p, &globals), Some("body" | "formData"))
                })
                .nth(index)?;
            let mut out = match from {
                From::Path(i) => vec!["paths".into(), (*path).into(), "parameters".into(), i.to_string()],
                From::Own(i) => vec!["paths".into(), (*path).into(), (*method).into(), "parameters".into(), i.to_string()],
            };
            let rest = match rest {
                ["schema", tail @ ..] => tail,
                other => other,
            };
            out.extend(rest.iter().map(|s| s.to_string()));
            out
        }
        ["paths", path, method, "requestBody", rest @ ..] => {
            let op = original.get("paths")?.get(*path)?;
            let own = op.get(*method)?.get("parameters").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
            let path_params = op.get("parameters").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
            let globals = original.get("parameters").and_then(Value::as_object).cloned().unwrap_or_default();
            let order = merge_order(path_params, own, &globals);
            let param = |f: &From| match f {
                From::Path(i) => &path_params[*i],
                From::Own(i) => &own[*i],
            };
            let origin = |f: &From| match f {
                From::Path(i) => vec!["paths".to_string(), (*path).to_string(), "parameters".into(), i.to_string()],
                From::Own(i) => vec!["paths".to_string(), (*path).to_string(), (*method).to_string(), "parameters".into(), i.to_string()],
            };
            if let Some(body) = order.iter().find(|f| param_in(param(f), &globals) == Some("body")) {
                let mut out = origin(body);
                if let ["content", _, "schema", tail @ ..] = rest {
                    out.push("schema".into());
                    out.extend(tail.iter().map(|s| s.to_string()));
                }
                out
            } else {
                let form: Vec<&From> = order.iter().filter(|f| param_in(param(f), &globals) == Some("formData")).collect();
                match rest {
                    ["content", _, "schema", "properties", name, tail @ ..] => {
                        let f = form.iter().find(|f| {
                            resolve_param(param(f), &globals).and_then(|p| p.get("name")).and_then(Value::as_str) == Some(*name)
                        })?;
                        let mut out = origin(f);
                        out.extend(tail.iter().map(|s| s.to_string()));
                        out
                    }
                    _ => origin(form.first()?),
                }
            }
        }
        ["paths", path, method, "responses", code, rest @ ..] => {
            let mut out = vec!["paths".to_string(), (*path).into(), (*method).into(), "responses".into(), (*code).into()];
            out.extend(response_tail(rest));
            out
        }
        ["paths", ..] | ["info", ..] | ["tags", ..] | ["externalDocs", ..] | ["security", ..] => t.iter().map(|s| s.to_string()).collect(),
        _ => return None,
    };
    // Only a pointer that exists in the original is a clear mapping.
    get(original, &mapped).ok()?;
    Some(pointer(&mapped))
}

fn prefixed(head: &[&str], rest: &[&str]) -> Vec<String> {
    head.iter().chain(rest.iter()).map(|s| s.to_string()).collect()
}

/// The Swagger 2.0 form of the part of a pointer below a response.
fn response_tail(rest: &[&str]) -> Vec<String> {
    match rest {
        ["content", _, "schema", tail @ ..] => prefixed(&["schema"], tail),
        ["content", mt, "example", tail @ ..] => prefixed(&["examples", mt], tail),
        ["headers", name, "schema", tail @ ..] => prefixed(&["headers", name], tail),
        other => other.iter().map(|s| s.to_string()).collect(),
    }
}
