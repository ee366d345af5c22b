//! Tests of the load stage: upgrade rules, normalisation, references and every
//! diagnostic, on small inline specs, plus the real Slack descriptions.

use std::path::{Path, PathBuf};

use openapiv3::{
    AdditionalProperties, OpenAPI, Parameter, ParameterSchemaOrContent, QueryStyle, ReferenceOr, RequestBody, Schema, SchemaKind,
    SecurityScheme, StatusCode, Type,
};
use serde_json::{Value, json};

use super::{LoadedSpec, load, load_str};
use crate::diag::Diagnostic;

fn ok(name: &str, text: &str) -> LoadedSpec {
    load_str(Path::new(name), text).unwrap_or_else(|d| panic!("unexpected diagnostic:\n{d}"))
}

fn err(name: &str, text: &str) -> Diagnostic {
    match load_str(Path::new(name), text) {
        Ok(_) => panic!("expected a diagnostic for {name}"),
        Err(d) => {
            assert!(d.hint.is_some(), "diagnostic without a hint: {d}");
            assert!(d.location.pointer.is_some() || d.location.line_col.is_some(), "diagnostic without a location: {d}");
            d
        }
    }
}

/// A Swagger 2.0 document: the given fields over a minimal base.
fn swagger(extra: Value) -> String {
    let mut doc = json!({
        "swagger": "2.0",
        "info": { "title": "t", "version": "1" },
        "paths": {}
    });
    merge(&mut doc, extra);
    serde_json::to_string_pretty(&doc).unwrap()
}

/// An OpenAPI 3.x document: the given fields over a minimal base.
fn openapi(version: &str, extra: Value) -> String {
    let mut doc = json!({
        "openapi": version,
        "info": { "title": "t", "version": "1" },
        "paths": {}
    });
    merge(&mut doc, extra);
    serde_json::to_string_pretty(&doc).unwrap()
}

fn merge(doc: &mut Value, extra: Value) {
    if let (Value::Object(d), Value::Object(e)) = (doc, extra) {
        for (k, v) in e {
            d.insert(k, v);
        }
    }
}

fn api(text: &str) -> OpenAPI {
    ok("spec.json", text).api
}

fn op<'a>(api: &'a OpenAPI, path: &str, method: &str) -> &'a openapiv3::Operation {
    let item = api.paths.paths.get(path).and_then(ReferenceOr::as_item).expect("path item");
    item.iter().find(|(m, _)| *m == method).map(|(_, o)| o).expect("operation")
}

fn body(op: &openapiv3::Operation) -> &RequestBody {
    op.request_body.as_ref().and_then(ReferenceOr::as_item).expect("inline request body")
}

fn param(op: &openapiv3::Operation, i: usize) -> &Parameter {
    op.parameters[i].as_item().expect("inline parameter")
}

fn schema_json(s: &ReferenceOr<Schema>) -> Value {
    serde_json::to_value(s).unwrap()
}

fn item_schema(s: &ReferenceOr<Schema>) -> &Schema {
    s.as_item().expect("inline schema")
}

fn component_schema<'a>(api: &'a OpenAPI, name: &str) -> &'a ReferenceOr<Schema> {
    api.components.as_ref().and_then(|c| c.schemas.get(name)).unwrap_or_else(|| panic!("schema {name}"))
}

fn ptr(d: &Diagnostic) -> &str {
    d.location.pointer.as_deref().unwrap_or("<none>")
}

// ---------------------------------------------------------------- Swagger 2.0

#[test]
fn servers_from_host_base_path_and_schemes() {
    let a = api(&swagger(json!({ "host": "api.example.com", "basePath": "/v1", "schemes": ["http", "https"] })));
    let urls: Vec<&str> = a.servers.iter().map(|s| s.url.as_str()).collect();
    assert_eq!(urls, ["http://api.example.com/v1", "https://api.example.com/v1"]);
    assert_eq!(a.openapi, "3.0.3");

    let a = api(&swagger(json!({ "basePath": "/v2" })));
    assert_eq!(a.servers[0].url, "/v2");
    let a = api(&swagger(json!({})));
    assert_eq!(a.servers[0].url, "/");
    let a = api(&swagger(json!({ "host": "h.io", "basePath": "/" })));
    assert_eq!(a.servers[0].url, "https://h.io");
}

#[test]
fn info_tags_external_docs_and_security_are_copied() {
    let a = api(&swagger(json!({
        "info": { "title": "Pets", "version": "2", "description": "d" },
        "tags": [{ "name": "pets", "description": "Pet ops" }],
        "externalDocs": { "url": "https://docs" },
        "security": [{ "key": [] }],
        "securityDefinitions": { "key": { "type": "apiKey", "name": "X-Key", "in": "header" } },
        "x-top": 1
    })));
    assert_eq!(a.info.title, "Pets");
    assert_eq!(a.tags[0].name, "pets");
    assert_eq!(a.external_docs.as_ref().unwrap().url, "https://docs");
    assert_eq!(a.security.as_ref().unwrap()[0].keys().next().map(String::as_str), Some("key"));
    assert_eq!(a.extensions.get("x-top"), Some(&json!(1)));
    match a.components.unwrap().security_schemes.get("key").and_then(ReferenceOr::as_item) {
        Some(SecurityScheme::APIKey { name, .. }) => assert_eq!(name, "X-Key"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn body_parameter_becomes_request_body_per_consumes() {
    let a = api(&swagger(json!({
        "consumes": ["application/xml"],
        "paths": { "/pets": {
            "post": {
                "consumes": ["application/json", "text/plain"],
                "parameters": [{ "in": "body", "name": "pet", "description": "The pet", "required": true,
                                 "schema": { "$ref": "#/definitions/Pet" } }],
                "responses": { "200": { "description": "ok" } }
            },
            "put": {
                "parameters": [{ "in": "body", "name": "pet", "schema": { "type": "string" } }],
                "responses": { "200": { "description": "ok" } }
            }
        }},
        "definitions": { "Pet": { "type": "object" } }
    })));
    let rb = body(op(&a, "/pets", "post"));
    assert_eq!(rb.content.keys().collect::<Vec<_>>(), ["application/json", "text/plain"]);
    assert_eq!(rb.description.as_deref(), Some("The pet"));
    assert!(rb.required);
    assert_eq!(rb.extensions.get("x-codegen-request-body-name"), Some(&json!("pet")));
    let s = rb.content["application/json"].schema.as_ref().unwrap();
    assert_eq!(schema_json(s), json!({ "$ref": "#/components/schemas/Pet" }));
    // Global consumes when the operation has none.
    let rb = body(op(&a, "/pets", "put"));
    assert_eq!(rb.content.keys().collect::<Vec<_>>(), ["application/xml"]);
    assert!(!rb.required);
    assert!(op(&a, "/pets", "put").parameters.is_empty());
}

#[test]
fn body_defaults_to_application_json() {
    let a = api(&swagger(json!({ "paths": { "/p": { "post": {
        "parameters": [{ "in": "body", "name": "b", "schema": {} }],
        "responses": { "default": { "description": "x" } }
    }}}})));
    assert_eq!(body(op(&a, "/p", "post")).content.keys().collect::<Vec<_>>(), ["application/json"]);
}

#[test]
fn form_data_becomes_urlencoded_object_schema() {
    let a = api(&swagger(json!({ "paths": { "/chat": { "post": {
        "consumes": ["application/x-www-form-urlencoded", "application/json"],
        "parameters": [
            { "in": "header", "name": "token", "type": "string", "required": true },
            { "in": "formData", "name": "text", "type": "string", "description": "Body text", "maxLength": 40 },
            { "in": "formData", "name": "channel", "type": "string", "required": true },
            { "in": "formData", "name": "count", "type": "integer", "format": "int32", "default": 3, "minimum": 1 },
            { "in": "formData", "name": "mode", "type": "string", "enum": ["a", "b"] },
            { "in": "formData", "name": "ids", "type": "array", "items": { "type": "string" }, "collectionFormat": "multi" }
        ],
        "responses": { "200": { "description": "ok" } }
    }}}})));
    let o = op(&a, "/chat", "post");
    assert_eq!(o.parameters.len(), 1);
    let rb = body(o);
    assert!(rb.required);
    assert_eq!(rb.content.keys().collect::<Vec<_>>(), ["application/x-www-form-urlencoded"]);
    let media = &rb.content["application/x-www-form-urlencoded"];
    let s = schema_json(media.schema.as_ref().unwrap());
    assert_eq!(
        s,
        json!({
            "type": "object",
            "properties": {
                "text": { "type": "string", "description": "Body text", "maxLength": 40 },
                "channel": { "type": "string" },
                "count": { "type": "integer", "format": "int32", "default": 3, "minimum": 1 },
                "mode": { "type": "string", "enum": ["a", "b"] },
                "ids": { "type": "array", "items": { "type": "string" } }
            },
            "required": ["channel"]
        })
    );
    // Property order is parameter order.
    let keys: Vec<&str> = s["properties"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["text", "channel", "count", "mode", "ids"]);
    assert!(media.encoding["ids"].explode);
}

#[test]
fn form_data_with_file_is_multipart() {
    let a = api(&swagger(json!({ "paths": { "/upload": { "post": {
        "consumes": ["multipart/form-data", "application/x-www-form-urlencoded"],
        "parameters": [
            { "in": "formData", "name": "file", "type": "file", "required": true },
            { "in": "formData", "name": "title", "type": "string" }
        ],
        "responses": { "200": { "description": "ok" } }
    }}, "/nofile": { "post": {
        "consumes": ["application/json"],
        "parameters": [{ "in": "formData", "name": "a", "type": "string" }],
        "responses": { "200": { "description": "ok" } }
    }}, "/fileonly": { "post": {
        "parameters": [{ "in": "formData", "name": "f", "type": "file" }],
        "responses": { "200": { "description": "ok" } }
    }}}})));
    let rb = body(op(&a, "/upload", "post"));
    assert_eq!(rb.content.keys().collect::<Vec<_>>(), ["multipart/form-data"]);
    let s = schema_json(rb.content["multipart/form-data"].schema.as_ref().unwrap());
    assert_eq!(s["properties"]["file"], json!({ "type": "string", "format": "binary" }));
    assert_eq!(s["required"], json!(["file"]));
    // Consumes names neither form type: urlencoded.
    let rb = body(op(&a, "/nofile", "post"));
    assert_eq!(rb.content.keys().collect::<Vec<_>>(), ["application/x-www-form-urlencoded"]);
    let rb = body(op(&a, "/fileonly", "post"));
    assert_eq!(rb.content.keys().collect::<Vec<_>>(), ["multipart/form-data"]);
}

/// Swagger 2.0 cannot say a form field carries JSON; a `schema` on a `formData`
/// parameter (an overlay adds one) is its schema, sent as JSON text.
#[test]
fn form_data_with_a_schema_is_a_json_field() {
    let a = api(&swagger(json!({
        "definitions": { "blocks": { "type": "array", "items": { "type": "object" } } },
        "paths": { "/chat": { "post": {
            "parameters": [
                { "in": "formData", "name": "blocks", "type": "string", "description": "Blocks as JSON",
                  "schema": { "$ref": "#/definitions/blocks" } },
                { "in": "formData", "name": "meta", "type": "string", "required": true,
                  "schema": { "type": "object", "properties": { "k": { "type": "string" } } } },
                { "in": "formData", "name": "text", "type": "string" }
            ],
            "responses": { "200": { "description": "ok" } }
        }}}
    })));
    let rb = body(op(&a, "/chat", "post"));
    let media = &rb.content["application/x-www-form-urlencoded"];
    let s = schema_json(media.schema.as_ref().unwrap());
    assert_eq!(s["properties"]["blocks"], json!({ "allOf": [{ "$ref": "#/components/schemas/blocks" }], "description": "Blocks as JSON" }));
    assert_eq!(s["properties"]["meta"], json!({ "type": "object", "properties": { "k": { "type": "string" } } }));
    assert_eq!(s["properties"]["text"], json!({ "type": "string" }));
    assert_eq!(s["required"], json!(["meta"]));
    assert_eq!(media.encoding["blocks"].content_type.as_deref(), Some("application/json"));
    assert_eq!(media.encoding["meta"].content_type.as_deref(), Some("application/json"));
    assert!(!media.encoding.contains_key("text"));
}

#[test]
fn oauth2_flows_are_mapped_with_scopes() {
    let a = api(&swagger(json!({ "securityDefinitions": {
        "imp": { "type": "oauth2", "flow": "implicit", "authorizationUrl": "https://a/auth", "scopes": { "read": "Read" } },
        "pw": { "type": "oauth2", "flow": "password", "tokenUrl": "https://a/token", "scopes": {} },
        "app": { "type": "oauth2", "flow": "application", "tokenUrl": "https://a/token", "scopes": { "x": "X" } },
        "code": { "type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a/auth", "scopes": { "a": "A", "b": "B" }, "description": "d" },
        "basic": { "type": "basic", "description": "Basic auth" }
    }})));
    let schemes = a.components.unwrap().security_schemes;
    let flows = |name: &str| match schemes[name].as_item() {
        Some(SecurityScheme::OAuth2 { flows, .. }) => flows.clone(),
        other => panic!("{other:?}"),
    };
    let f = flows("imp");
    assert_eq!(f.implicit.as_ref().unwrap().authorization_url, "https://a/auth");
    assert_eq!(f.implicit.as_ref().unwrap().scopes["read"], "Read");
    assert_eq!(flows("pw").password.unwrap().token_url, "https://a/token");
    assert_eq!(flows("app").client_credentials.unwrap().scopes["x"], "X");
    let code = flows("code").authorization_code.unwrap();
    assert_eq!(code.authorization_url, "https://a/auth");
    // Missing required URL: "" (unknown).
    assert_eq!(code.token_url, "");
    assert_eq!(code.scopes.keys().collect::<Vec<_>>(), ["a", "b"]);
    match schemes["basic"].as_item() {
        Some(SecurityScheme::HTTP { scheme, description, .. }) => {
            assert_eq!(scheme, "basic");
            assert_eq!(description.as_deref(), Some("Basic auth"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn references_are_rewritten_and_globals_split() {
    let a = api(&swagger(json!({
        "parameters": {
            "limit": { "in": "query", "name": "limit", "type": "integer" },
            "petBody": { "in": "body", "name": "pet", "required": true, "schema": { "$ref": "#/definitions/Pet" } },
            "note": { "in": "formData", "name": "note", "type": "string", "required": true }
        },
        "responses": {
            "NotFound": { "description": "nf", "schema": { "$ref": "#/definitions/Error" } }
        },
        "definitions": {
            "Pet": { "type": "object", "properties": { "tags": { "type": "array", "items": { "$ref": "#/definitions/Tag" } } } },
            "Tag": { "type": "string" },
            "Error": { "type": "object" }
        },
        "paths": {
            "/pets": { "post": {
                "parameters": [{ "$ref": "#/parameters/limit" }, { "$ref": "#/parameters/petBody" }],
                "responses": { "404": { "$ref": "#/responses/NotFound" }, "200": { "description": "ok" } }
            }},
            "/notes": { "post": {
                "parameters": [{ "$ref": "#/parameters/note" }],
                "responses": { "200": { "description": "ok" } }
            }}
        }
    })));
    let o = op(&a, "/pets", "post");
    assert_eq!(serde_json::to_value(&o.parameters[0]).unwrap(), json!({ "$ref": "#/components/parameters/limit" }));
    assert_eq!(serde_json::to_value(o.request_body.as_ref().unwrap()).unwrap(), json!({ "$ref": "#/components/requestBodies/petBody" }));
    assert_eq!(
        serde_json::to_value(&o.responses.responses[&StatusCode::Code(404)]).unwrap(),
        json!({ "$ref": "#/components/responses/NotFound" })
    );
    let c = a.components.as_ref().unwrap();
    assert!(c.parameters.contains_key("limit"));
    assert!(!c.parameters.contains_key("note"), "form fields are not component parameters");
    let rb = c.request_bodies["petBody"].as_item().unwrap();
    assert!(rb.required);
    assert_eq!(schema_json(rb.content["application/json"].schema.as_ref().unwrap()), json!({ "$ref": "#/components/schemas/Pet" }));
    let nf = c.responses["NotFound"].as_item().unwrap();
    assert_eq!(schema_json(nf.content["application/json"].schema.as_ref().unwrap()), json!({ "$ref": "#/components/schemas/Error" }));
    assert_eq!(schema_json(component_schema(&a, "Pet"))["properties"]["tags"]["items"], json!({ "$ref": "#/components/schemas/Tag" }));
    // A referenced form field is inlined into the operation's body.
    let rb = body(op(&a, "/notes", "post"));
    let s = schema_json(rb.content["application/x-www-form-urlencoded"].schema.as_ref().unwrap());
    assert_eq!(s["properties"]["note"], json!({ "type": "string" }));
    assert_eq!(s["required"], json!(["note"]));
}

#[test]
fn path_level_parameters_are_merged_operation_wins() {
    let a = api(&swagger(json!({ "paths": { "/pets/{id}": {
        "parameters": [
            { "in": "path", "name": "id", "type": "string", "required": true },
            { "in": "query", "name": "verbose", "type": "boolean" }
        ],
        "get": {
            "parameters": [{ "in": "query", "name": "verbose", "type": "integer" }],
            "responses": { "200": { "description": "ok" } }
        }
    }}})));
    let item = a.paths.paths["/pets/{id}"].as_item().unwrap();
    assert!(item.parameters.is_empty());
    let o = op(&a, "/pets/{id}", "get");
    assert_eq!(o.parameters.len(), 2);
    let p0 = param(o, 0).parameter_data_ref();
    assert_eq!(p0.name, "id");
    assert!(p0.required);
    let p1 = param(o, 1).parameter_data_ref();
    assert_eq!(p1.name, "verbose");
    match &p1.format {
        ParameterSchemaOrContent::Schema(s) => assert_eq!(schema_json(s), json!({ "type": "integer" })),
        other => panic!("{other:?}"),
    }
}

#[test]
fn collection_formats_become_style_and_explode() {
    let arr = |name: &str, location: &str, cf: Option<&str>| {
        let mut p = json!({ "in": location, "name": name, "type": "array", "items": { "type": "string" } });
        if let Some(cf) = cf {
            p["collectionFormat"] = json!(cf);
        }
        if location == "path" {
            p["required"] = json!(true);
        }
        p
    };
    let a = api(&swagger(json!({ "paths": { "/x/{p}": { "get": {
        "parameters": [
            arr("dflt", "query", None),
            arr("csv", "query", Some("csv")),
            arr("multi", "query", Some("multi")),
            arr("ssv", "query", Some("ssv")),
            arr("pipes", "query", Some("pipes")),
            arr("tsv", "query", Some("tsv")),
            arr("p", "path", Some("csv")),
            arr("h", "header", Some("csv"))
        ],
        "responses": { "200": { "description": "ok" } }
    }}}})));
    let o = op(&a, "/x/{p}", "get");
    let query = |i: usize| match param(o, i) {
        Parameter::Query { style, parameter_data, .. } => (style.clone(), parameter_data.explode, parameter_data.extensions.clone()),
        other => panic!("{other:?}"),
    };
    assert_eq!(query(0).0, QueryStyle::Form);
    assert_eq!(query(0).1, Some(false));
    assert_eq!(query(1).0, QueryStyle::Form);
    assert_eq!(query(1).1, Some(false));
    assert_eq!(query(2).0, QueryStyle::Form);
    assert_eq!(query(2).1, Some(true));
    assert_eq!(query(3).0, QueryStyle::SpaceDelimited);
    assert_eq!(query(4).0, QueryStyle::PipeDelimited);
    assert_eq!(query(5).0, QueryStyle::Form);
    assert_eq!(query(5).1, Some(false));
    assert_eq!(query(5).2.get("x-collection-format"), Some(&json!("tsv")));
    assert!(matches!(param(o, 6), Parameter::Path { style: openapiv3::PathStyle::Simple, .. }));
    assert!(matches!(param(o, 7), Parameter::Header { style: openapiv3::HeaderStyle::Simple, .. }));
    // The value keywords moved into the schema.
    match &param(o, 0).parameter_data_ref().format {
        ParameterSchemaOrContent::Schema(s) => {
            assert_eq!(schema_json(s), json!({ "type": "array", "items": { "type": "string" } }))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn non_body_parameter_schema_keeps_value_keywords() {
    let a = api(&swagger(json!({ "paths": { "/x": { "get": {
        "parameters": [{ "in": "query", "name": "n", "type": "integer", "format": "int64", "minimum": 1, "maximum": 9,
                         "default": 2, "enum": [1, 2], "description": "N", "x-example": 2 },
                       { "in": "query", "name": "s", "type": "string", "pattern": "^a", "minLength": 1 }],
        "responses": { "200": { "description": "ok" } }
    }}}})));
    let o = op(&a, "/x", "get");
    let d = param(o, 0).parameter_data_ref();
    assert_eq!(d.description.as_deref(), Some("N"));
    assert_eq!(d.example, Some(json!(2)));
    match &d.format {
        ParameterSchemaOrContent::Schema(s) => assert_eq!(
            schema_json(s),
            json!({ "type": "integer", "format": "int64", "minimum": 1, "maximum": 9, "default": 2, "enum": [1, 2] })
        ),
        other => panic!("{other:?}"),
    }
    match &param(o, 1).parameter_data_ref().format {
        ParameterSchemaOrContent::Schema(s) => {
            assert_eq!(schema_json(s), json!({ "type": "string", "pattern": "^a", "minLength": 1 }))
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn responses_get_content_examples_and_header_schemas() {
    let a = api(&swagger(json!({
        "produces": ["application/json", "application/xml"],
        "paths": { "/x": { "get": {
            "produces": ["application/json"],
            "responses": {
                "200": {
                    "description": "ok",
                    "schema": { "type": "object", "properties": { "a": { "type": "string" } } },
                    "examples": { "application/json": { "a": "hello", "$ref": "not a reference" } },
                    "headers": { "X-Rate": { "type": "integer", "description": "left" } }
                },
                "204": { "description": "empty" }
            }
        }, "put": {
            "responses": { "200": { "description": "ok", "schema": { "type": "string" } } }
        }}}
    })));
    let o = op(&a, "/x", "get");
    let r = o.responses.responses[&StatusCode::Code(200)].as_item().unwrap();
    assert_eq!(r.content.keys().collect::<Vec<_>>(), ["application/json"]);
    assert_eq!(r.content["application/json"].example, Some(json!({ "a": "hello", "$ref": "not a reference" })));
    let h = r.headers["X-Rate"].as_item().unwrap();
    assert_eq!(h.description.as_deref(), Some("left"));
    match &h.format {
        ParameterSchemaOrContent::Schema(s) => assert_eq!(schema_json(s), json!({ "type": "integer" })),
        other => panic!("{other:?}"),
    }
    let empty = o.responses.responses[&StatusCode::Code(204)].as_item().unwrap();
    assert!(empty.content.is_empty());
    // Global produces: one content entry per media type.
    let r = op(&a, "/x", "put").responses.responses[&StatusCode::Code(200)].as_item().unwrap();
    assert_eq!(r.content.keys().collect::<Vec<_>>(), ["application/json", "application/xml"]);
}

#[test]
fn swagger_schema_isms() {
    let a = api(&swagger(json!({ "definitions": {
        "Pet": {
            "type": "object",
            "discriminator": "kind",
            "properties": {
                "kind": { "type": "string" },
                "name": { "type": "string", "x-nullable": true },
                "photo": { "type": "file" }
            }
        }
    }})));
    let pet = item_schema(component_schema(&a, "Pet"));
    assert_eq!(pet.schema_data.discriminator.as_ref().unwrap().property_name, "kind");
    let json = schema_json(component_schema(&a, "Pet"));
    assert_eq!(json["properties"]["name"], json!({ "type": "string", "nullable": true }));
    assert_eq!(json["properties"]["photo"], json!({ "type": "string", "format": "binary" }));
}

#[test]
fn nullable_reference_becomes_all_of() {
    let a = api(&swagger(json!({ "definitions": {
        "Pet": { "type": "object", "properties": {
            "owner": { "$ref": "#/definitions/Owner", "x-nullable": true, "description": "may be absent" },
            "plain": { "$ref": "#/definitions/Owner" }
        }},
        "Owner": { "type": "object" }
    }})));
    let json = schema_json(component_schema(&a, "Pet"));
    assert_eq!(
        json["properties"]["owner"],
        json!({ "description": "may be absent", "nullable": true, "allOf": [{ "$ref": "#/components/schemas/Owner" }] })
    );
    assert_eq!(json["properties"]["plain"], json!({ "$ref": "#/components/schemas/Owner" }));
}

// ---------------------------------------------------------------- 3.x and normalisation

#[test]
fn openapi_31_is_down_converted() {
    let spec = ok(
        "spec.json",
        &openapi(
            "3.1.0",
            json!({ "components": { "schemas": {
                "A": { "type": ["string", "null"], "examples": ["x", "y"] },
                "B": { "const": "fixed" },
                "C": { "type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 10 },
                "D": { "type": "array", "prefixItems": [{ "type": "string" }, { "type": "integer" }] }
            }}}),
        ),
    );
    assert_eq!(spec.source_version, "3.1.0");
    assert_eq!(spec.api.openapi, "3.0.3");
    let a = &spec.api;
    assert_eq!(schema_json(component_schema(a, "A")), json!({ "type": "string", "nullable": true, "example": "x" }));
    assert_eq!(schema_json(component_schema(a, "B")), json!({ "enum": ["fixed"] }));
    match &item_schema(component_schema(a, "C")).schema_kind {
        SchemaKind::Type(Type::Integer(i)) => {
            assert_eq!((i.minimum, i.exclusive_minimum, i.maximum, i.exclusive_maximum), (Some(0), true, Some(10), true));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(schema_json(component_schema(a, "D"))["items"], json!({ "anyOf": [{ "type": "string" }, { "type": "integer" }] }));
}

#[test]
fn openapi_31_without_paths_gets_empty_paths() {
    let text = r#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "webhooks": {}}"#;
    let spec = ok("hooks.json", text);
    assert!(spec.api.paths.paths.is_empty());
}

#[test]
fn openapi_30_is_read_as_is() {
    let spec = ok(
        "spec.yaml",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200:\n          description: ok\n",
    );
    assert_eq!(spec.source_version, "3.0.3");
    assert_eq!(spec.api.openapi, "3.0.3");
    // An integer YAML key is a status code.
    assert!(op(&spec.api, "/a", "get").responses.responses.contains_key(&StatusCode::Code(200)));
}

#[test]
fn type_arrays_are_normalised() {
    let a = api(&openapi(
        "3.0.3",
        json!({ "components": { "schemas": {
            "Multi": { "type": ["object", "null", "array"], "items": { "type": "object" },
                       "properties": { "a": { "type": "string" } }, "description": "d" },
            "Num": { "type": ["string", "integer"], "minimum": 1, "maxLength": 3, "format": "int64" },
            "OnlyNull": { "type": "null" },
            "AllNull": { "type": ["null"] }
        }}}),
    ));
    assert_eq!(
        schema_json(component_schema(&a, "Multi")),
        json!({
            "description": "d",
            "nullable": true,
            "anyOf": [
                { "type": "object", "properties": { "a": { "type": "string" } } },
                { "type": "array", "items": { "type": "object" } }
            ]
        })
    );
    assert_eq!(
        schema_json(component_schema(&a, "Num")),
        json!({ "anyOf": [{ "type": "string", "maxLength": 3 }, { "type": "integer", "minimum": 1, "format": "int64" }] })
    );
    assert_eq!(schema_json(component_schema(&a, "OnlyNull")), json!({ "nullable": true }));
    assert_eq!(schema_json(component_schema(&a, "AllNull")), json!({ "nullable": true }));
}

#[test]
fn tuple_items_and_boolean_schemas_are_normalised() {
    let a = api(&swagger(json!({ "definitions": {
        "Latest": { "items": [{ "$ref": "#/definitions/Msg" }, { "type": "null" }] },
        "One": { "type": "array", "items": [{ "type": "string" }] },
        "Bools": { "type": "object", "properties": { "any": true, "none": false },
                   "additionalProperties": false },
        "Msg": { "type": "object" }
    }})));
    assert_eq!(
        schema_json(component_schema(&a, "Latest")),
        json!({ "items": { "anyOf": [{ "$ref": "#/components/schemas/Msg" }, { "nullable": true }] } })
    );
    assert_eq!(schema_json(component_schema(&a, "One")), json!({ "type": "array", "items": { "type": "string" } }));
    let bools = item_schema(component_schema(&a, "Bools"));
    match &bools.schema_kind {
        SchemaKind::Type(Type::Object(o)) => {
            assert_eq!(serde_json::to_value(&o.properties["any"]).unwrap(), json!({}));
            assert_eq!(serde_json::to_value(&o.properties["none"]).unwrap(), json!({ "not": {} }));
            assert_eq!(o.additional_properties, Some(AdditionalProperties::Any(false)));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn normalisation_leaves_data_and_property_names_alone() {
    let a = api(&openapi(
        "3.0.3",
        json!({ "components": { "schemas": {
            "Thing": {
                "type": "object",
                "properties": {
                    "type": { "type": ["string", "null"] },
                    "items": { "type": "string" },
                    "const": { "type": "integer" }
                },
                "example": { "type": ["a", "null"], "items": [1, 2], "const": 3, "x-nullable": true },
                "default": { "type": "null" }
            }
        }}}),
    ));
    let json = schema_json(component_schema(&a, "Thing"));
    assert_eq!(json["properties"]["type"], json!({ "type": "string", "nullable": true }));
    assert_eq!(json["properties"]["items"], json!({ "type": "string" }));
    assert_eq!(json["properties"]["const"], json!({ "type": "integer" }));
    assert_eq!(json["example"], json!({ "type": ["a", "null"], "items": [1, 2], "const": 3, "x-nullable": true }));
    assert_eq!(json["default"], json!({ "type": "null" }));
}

#[test]
fn unknown_extension_is_sniffed() {
    let json_text = openapi("3.0.0", json!({}));
    assert_eq!(ok("spec.txt", &json_text).source_version, "3.0.0");
    assert_eq!(ok("spec", "openapi: '3.0.1'\ninfo: {title: t, version: '1'}\npaths: {}\n").source_version, "3.0.1");
    // YAML's unquoted number versions are accepted.
    assert_eq!(ok("s.yaml", "swagger: 2.0\ninfo: {title: t, version: '1'}\npaths: {}\n").source_version, "2.0");
}

// ---------------------------------------------------------------- diagnostics

#[test]
fn missing_file() {
    let d = load(Path::new("/definitely/not/here/spec.json")).unwrap_err();
    assert_eq!(d.file, PathBuf::from("/definitely/not/here/spec.json"));
    assert!(d.message.contains("cannot read"), "{d}");
    assert!(d.message.contains("No such file"), "{d}");
    assert!(d.hint.as_deref().unwrap().contains("path"), "{d}");
    assert_eq!(ptr(&d), "");
}

#[test]
fn invalid_json_has_line_and_column() {
    let d = err("bad.json", "{\n  \"openapi\": \"3.0.0\",\n  \"info\": {\n    \"title\": \"t\"\n    \"version\": \"1\"\n  }\n}");
    assert_eq!(d.file, PathBuf::from("bad.json"));
    assert_eq!(d.location.line_col, Some((5, 5)));
    assert!(d.message.starts_with("invalid JSON: expected `,` or `}`"), "{d}");
    assert!(!d.message.contains("line 5"), "position is not repeated in the message: {d}");
}

#[test]
fn invalid_yaml_has_line_and_column() {
    let d = err("bad.yaml", "openapi: 3.0.0\ninfo:\n  title: t\n   version: 1\n");
    assert_eq!(d.file, PathBuf::from("bad.yaml"));
    let (line, _) = d.location.line_col.unwrap();
    assert_eq!(line, 4, "{d}");
    assert!(d.message.starts_with("invalid YAML"), "{d}");
}

#[test]
fn empty_and_non_object_documents() {
    let d = err("e.json", "  \n");
    assert!(d.message.contains("empty"), "{d}");
    let d = err("e.yaml", "# only a comment\n");
    assert!(d.message.contains("empty"), "{d}");
    let d = err("a.json", "[1, 2]");
    assert!(d.message.contains("an array"), "{d}");
    assert_eq!(d.location.line_col, Some((1, 1)));
}

#[test]
fn unsupported_versions() {
    let d = err("old.json", r#"{"swagger": "1.2", "info": {}}"#);
    assert_eq!(ptr(&d), "/swagger");
    assert!(d.message.contains("unsupported Swagger version `1.2`"), "{d}");
    assert!(d.hint.as_deref().unwrap().contains("Swagger 2.0"), "{d}");
    assert_eq!(d.location.line_col, Some((1, 2)));

    let d = err("new.yaml", "openapi: 4.0.0\ninfo: {}\n");
    assert_eq!(ptr(&d), "/openapi");
    assert!(d.message.contains("`4.0.0`"), "{d}");
    assert_eq!(d.location.line_col, Some((1, 1)));

    let d = err("none.json", r#"{"info": {}}"#);
    assert_eq!(ptr(&d), "/openapi");
    assert!(d.message.contains("no `openapi` or `swagger`"), "{d}");

    let d = err("num.json", r#"{"openapi": true}"#);
    assert!(d.message.contains("version string"), "{d}");
}

#[test]
fn dangling_reference_names_pointer_line_and_target() {
    let text = swagger(json!({
        "definitions": {
            "Pet": { "type": "object", "properties": { "owner": { "$ref": "#/definitions/Persn" } } },
            "Person": { "type": "object" }
        }
    }));
    let d = err("pets.json", &text);
    assert_eq!(d.file, PathBuf::from("pets.json"));
    assert_eq!(ptr(&d), "/definitions/Pet/properties/owner");
    assert!(d.message.contains("`#/definitions/Persn` does not exist"), "{d}");
    assert!(d.message.contains("did you mean `Person`"), "{d}");
    let line = text.lines().position(|l| l.contains("\"owner\"")).unwrap() + 1;
    assert_eq!(d.location.line_col.map(|(l, _)| l), Some(line), "{d}");
}

#[test]
fn dangling_reference_in_yaml_has_line() {
    let text = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          $ref: '#/components/responses/Nope'\n";
    let d = err("a.yaml", text);
    assert_eq!(ptr(&d), "/paths/~1a/get/responses/200");
    assert_eq!(d.location.line_col.map(|(l, _)| l), Some(7), "{d}");
}

#[test]
fn reference_cycles() {
    let d = err(
        "c.json",
        &swagger(json!({ "definitions": {
            "A": { "$ref": "#/definitions/B" },
            "B": { "$ref": "#/definitions/A" }
        }})),
    );
    assert!(d.message.contains("cycle"), "{d}");
    assert!(d.message.contains("#/definitions/A → #/definitions/B → #/definitions/A"), "{d}");
    assert_eq!(ptr(&d), "/definitions/A");

    let d = err("s.json", &openapi("3.0.0", json!({ "components": { "schemas": { "S": { "$ref": "#/components/schemas/S" } } } })));
    assert_eq!(ptr(&d), "/components/schemas/S");

    // Recursion through properties is a recursive type, not an error.
    let a = api(&swagger(json!({ "definitions": {
        "Node": { "type": "object", "properties": { "next": { "$ref": "#/definitions/Node" } } }
    }})));
    assert!(a.components.unwrap().schemas.contains_key("Node"));
}

#[test]
fn duplicate_operation_id() {
    let text = swagger(json!({ "paths": {
        "/a": { "get": { "operationId": "list", "responses": { "200": { "description": "ok" } } } },
        "/b": { "post": { "operationId": "list", "responses": { "200": { "description": "ok" } } } }
    }}));
    let d = err("dup.json", &text);
    assert_eq!(ptr(&d), "/paths/~1b/post/operationId");
    assert!(d.message.contains("duplicate operationId `list`"), "{d}");
    assert!(d.message.contains("/paths/~1a/get/operationId"), "{d}");
    assert!(d.hint.as_deref().unwrap().contains("rename"), "{d}");
    assert!(d.location.line_col.is_some());
}

#[test]
fn bad_path_and_status_keys() {
    let d = err("p.json", &openapi("3.0.0", json!({ "paths": { "pets": {} } })));
    assert_eq!(ptr(&d), "/paths/pets");
    let d =
        err("p.json", &openapi("3.0.0", json!({ "paths": { "/pets": { "get": { "responses": { "200 OK": { "description": "x" } } } } } })));
    assert_eq!(ptr(&d), "/paths/~1pets/get/responses/200 OK");
}

#[test]
fn wrong_type_is_reported_with_pointer_3_0() {
    let text = openapi(
        "3.0.0",
        json!({ "paths": { "/a": { "get": {
            "parameters": [{ "in": "query", "name": "q", "required": "yes", "schema": { "type": "string" } }],
            "responses": { "200": { "description": "ok" } }
        }}}}),
    );
    let d = err("w.json", &text);
    assert_eq!(ptr(&d), "/paths/~1a/get/parameters/0/required", "{d}");
    assert!(d.message.contains("invalid type: string \"yes\", expected a boolean"), "{d}");
    let line = text.lines().position(|l| l.contains("\"required\": \"yes\"")).unwrap() + 1;
    assert_eq!(d.location.line_col.map(|(l, _)| l), Some(line), "{d}");

    let text = openapi(
        "3.0.0",
        json!({ "components": { "schemas": { "S": { "type": "object", "properties": {
            "a": { "type": "object", "required": "a" }
        }}}}}),
    );
    let d = err("w.json", &text);
    assert!(ptr(&d).starts_with("/components/schemas/S/properties/a"), "{d}");
}

#[test]
fn wrong_type_after_upgrade_points_into_the_swagger_file() {
    let text = swagger(json!({ "paths": { "/a": { "get": {
        "parameters": [
            { "in": "body", "name": "b", "schema": {} },
            { "in": "query", "name": "q", "type": "string", "required": "yes" }
        ],
        "responses": { "200": { "description": "ok" } }
    }}}}));
    let d = err("w.json", &text);
    assert_eq!(ptr(&d), "/paths/~1a/get/parameters/1/required", "{d}");
    assert!(d.message.contains("expected a boolean"), "{d}");
    let line = text.lines().position(|l| l.contains("\"required\": \"yes\"")).unwrap() + 1;
    assert_eq!(d.location.line_col.map(|(l, _)| l), Some(line), "{d}");

    let text =
        swagger(json!({ "definitions": { "S": { "type": "object", "properties": { "n": { "type": "integer", "minLength": "x" } } } } }));
    let d = err("w.json", &text);
    assert!(ptr(&d).starts_with("/definitions/S/properties/n"), "{d}");
    assert!(d.location.line_col.is_some());

    let text = swagger(json!({ "paths": { "/a": { "get": { "responses": { "200": { "description": 5 } } } } } }));
    let d = err("w.json", &text);
    assert_eq!(ptr(&d), "/paths/~1a/get/responses/200/description", "{d}");
}

#[test]
fn too_deep_nesting() {
    let mut text = String::from("{\"openapi\": \"3.0.0\", \"x\": ");
    for _ in 0..600 {
        text.push('[');
    }
    for _ in 0..600 {
        text.push(']');
    }
    text.push('}');
    let d = err("deep.json", &text);
    assert!(d.message.contains("recursion limit"), "{d}");
    assert!(d.hint.as_deref().unwrap().contains("128 levels"), "{d}");
    assert_eq!(d.location.line_col.map(|(l, _)| l), Some(1));

    let mut yaml = String::from("openapi: 3.0.0\nx: ");
    for _ in 0..600 {
        yaml.push('[');
    }
    for _ in 0..600 {
        yaml.push(']');
    }
    yaml.push('\n');
    let d = err("deep.yaml", &yaml);
    assert!(d.message.contains("recursion limit"), "{d}");
}

#[test]
fn deep_but_legal_schemas_load() {
    // 30 levels (64 JSON levels: read on the calling thread) and 61 levels (126 JSON
    // levels, close to the parser's limit: read on a thread with a large stack).
    for levels in [30, 61] {
        let mut schema = json!({ "type": "string" });
        for _ in 0..levels {
            schema = json!({ "type": "object", "properties": { "a": schema } });
        }
        let text = openapi("3.0.0", json!({ "components": { "schemas": { "Deep": schema.clone() } } }));
        let a = api(&text);
        assert!(a.components.unwrap().schemas.contains_key("Deep"));
        // An error at the bottom is found, too.
        let mut bad = json!({ "type": "string", "maxLength": "long" });
        for _ in 0..levels {
            bad = json!({ "type": "object", "properties": { "a": bad } });
        }
        let text = openapi("3.0.0", json!({ "components": { "schemas": { "Deep": bad } } }));
        let d = err("deep.json", &text);
        let expected = format!("/components/schemas/Deep{}/maxLength", "/properties/a".repeat(levels));
        assert_eq!(ptr(&d), expected, "{d}");
    }
}

#[test]
fn non_string_ref_and_remote_ref() {
    let d = err("r.json", &openapi("3.0.0", json!({ "components": { "schemas": { "S": { "$ref": 5 } } } })));
    assert_eq!(ptr(&d), "/components/schemas/S/$ref");
    let d = err("r.json", &openapi("3.0.0", json!({ "components": { "schemas": { "S": { "$ref": "https://x/y.json#/S" } } } })));
    assert!(d.message.contains("remote"), "{d}");
    assert_eq!(ptr(&d), "/components/schemas/S");
}

#[test]
fn body_and_form_together_is_an_error() {
    let d = err(
        "bf.json",
        &swagger(json!({ "paths": { "/a": { "post": {
            "parameters": [{ "in": "body", "name": "b", "schema": {} }, { "in": "formData", "name": "f", "type": "string" }],
            "responses": { "200": { "description": "ok" } }
        }}}})),
    );
    assert_eq!(ptr(&d), "/paths/~1a/post/parameters/1");
    assert!(d.location.line_col.is_some());
}

// ---------------------------------------------------------------- other files

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn external_references_are_merged() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "common/models.yaml",
        "components:\n  schemas:\n    Pet:\n      type: object\n      properties:\n        tag: {$ref: '#/components/schemas/Tag'}\n        next: {$ref: '#/components/schemas/Pet'}\n        owner: {$ref: '../main.yaml#/components/schemas/Owner'}\n    Tag:\n      type: [string, 'null']\n  parameters:\n    Limit:\n      in: query\n      name: limit\n      schema: {$ref: '#/components/schemas/Tag'}\n",
    );
    let main = write(
        dir.path(),
        "main.yaml",
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /pets:\n    get:\n      parameters:\n        - $ref: 'common/models.yaml#/components/parameters/Limit'\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: 'common/models.yaml#/components/schemas/Pet'}\ncomponents:\n  schemas:\n    Pet: {type: string}\n    Owner: {type: object}\n",
    );
    let spec = load(&main).unwrap_or_else(|d| panic!("{d}"));
    let a = &spec.api;
    let o = op(a, "/pets", "get");
    let r = o.responses.responses[&StatusCode::Code(200)].as_item().unwrap();
    // `Pet` is taken in the main file, so the external one is `Pet_2`.
    assert_eq!(schema_json(r.content["application/json"].schema.as_ref().unwrap()), json!({ "$ref": "#/components/schemas/Pet_2" }));
    let pet2 = schema_json(component_schema(a, "Pet_2"));
    assert_eq!(pet2["properties"]["tag"], json!({ "$ref": "#/components/schemas/Tag" }));
    assert_eq!(pet2["properties"]["next"], json!({ "$ref": "#/components/schemas/Pet_2" }));
    assert_eq!(pet2["properties"]["owner"], json!({ "$ref": "#/components/schemas/Owner" }));
    assert_eq!(schema_json(component_schema(a, "Tag")), json!({ "type": "string", "nullable": true }));
    // The parameter is inlined, its schema hoisted.
    let p = param(o, 0).parameter_data_ref();
    assert_eq!(p.name, "limit");
    match &p.format {
        ParameterSchemaOrContent::Schema(s) => assert_eq!(schema_json(s), json!({ "$ref": "#/components/schemas/Tag" })),
        other => panic!("{other:?}"),
    }
    let names: Vec<&String> = a.components.as_ref().unwrap().schemas.keys().collect();
    // In order of first reference: the parameter (and its `Tag`) comes first.
    assert_eq!(names, ["Pet", "Owner", "Tag", "Pet_2"]);
}

#[test]
fn external_reference_errors() {
    let dir = tempfile::tempdir().unwrap();
    let main =
        write(dir.path(), "api.json", &openapi("3.0.0", json!({ "components": { "schemas": { "A": { "$ref": "missing.json#/X" } } } })));
    let d = load(&main).unwrap_err();
    assert_eq!(d.file, main);
    assert_eq!(ptr(&d), "/components/schemas/A");
    assert!(d.message.contains("missing.json"), "{d}");
    assert!(d.location.line_col.is_some());

    write(dir.path(), "other.yaml", "X:\n  type: object\n  properties:\n    y: {$ref: '#/Nope'}\n");
    let main =
        write(dir.path(), "api2.json", &openapi("3.0.0", json!({ "components": { "schemas": { "A": { "$ref": "other.yaml#/X" } } } })));
    let d = load(&main).unwrap_err();
    assert_eq!(d.file, dir.path().join("other.yaml"));
    assert_eq!(ptr(&d), "/X/properties/y");
    assert_eq!(d.location.line_col.map(|(l, _)| l), Some(4), "{d}");

    write(dir.path(), "broken.yaml", "X: [\n");
    let main =
        write(dir.path(), "api3.json", &openapi("3.0.0", json!({ "components": { "schemas": { "A": { "$ref": "broken.yaml#/X" } } } })));
    let d = load(&main).unwrap_err();
    assert_eq!(d.file, dir.path().join("broken.yaml"));
    assert!(d.message.contains("invalid YAML"), "{d}");
}

// ---------------------------------------------------------------- the real Slack descriptions

fn check_slack(spec: &LoadedSpec) {
    let a = &spec.api;
    assert_eq!(a.operations().count(), 174);
    assert_eq!(a.servers.iter().map(|s| s.url.as_str()).collect::<Vec<_>>(), ["https://slack.com/api"]);
    let schemes = &a.components.as_ref().unwrap().security_schemes;
    match schemes["slackAuth"].as_item() {
        Some(SecurityScheme::OAuth2 { flows, .. }) => {
            let code = flows.authorization_code.as_ref().expect("authorizationCode flow");
            assert_eq!(code.scopes.len(), 67);
            assert_eq!(code.authorization_url, "https://slack.com/oauth/authorize");
            assert_eq!(code.token_url, "https://slack.com/api/oauth.access");
        }
        other => panic!("{other:?}"),
    }
    let (_, _, post) = a.operations().find(|(_, _, o)| o.operation_id.as_deref() == Some("chat_postMessage")).unwrap();
    let rb = post.request_body.as_ref().unwrap();
    let rb = match rb {
        ReferenceOr::Item(rb) => rb,
        ReferenceOr::Reference { reference } => panic!("unexpected reference {reference}"),
    };
    let media = &rb.content["application/x-www-form-urlencoded"];
    match &item_schema(media.schema.as_ref().unwrap()).schema_kind {
        SchemaKind::Type(Type::Object(o)) => {
            assert!(o.required.contains(&"channel".to_string()));
            assert!(o.properties.contains_key("channel"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn slack_v2_and_v3() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let v2 = dir.join("../specs/slack-web-api/slack_web_openapi_v2.json");
    let spec = load(&v2).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(spec.source_version, "2.0");
    check_slack(&spec);
    // The upgraded v2 only offers the form body (its `consumes` also lists JSON).
    let (_, _, post) = spec.api.operations().find(|(_, _, o)| o.operation_id.as_deref() == Some("chat_postMessage")).unwrap();
    assert_eq!(body(post).content.keys().collect::<Vec<_>>(), ["application/x-www-form-urlencoded"]);

    let v3 = dir.join("../tests/fixtures/slack/slack_web_openapi_v3.json");
    let spec = load(&v3).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(spec.source_version, "3.0.0");
    check_slack(&spec);
}

#[test]
fn external_references_from_swagger_2() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "defs.json", r#"{"Error": {"type": "object", "properties": {"code": {"type": "integer", "x-nullable": true}}}}"#);
    write(
        dir.path(),
        "items.yaml",
        "get:\n  operationId: getItems\n  parameters:\n    - {in: query, name: q, type: array, items: {type: string}, collectionFormat: multi}\n  responses:\n    default:\n      description: error\n      schema: {$ref: 'defs.json#/Error'}\n",
    );
    let main = write(dir.path(), "api.yaml", "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  /items:\n    $ref: 'items.yaml'\n");
    let spec = load(&main).unwrap_or_else(|d| panic!("{d}"));
    let o = op(&spec.api, "/items", "get");
    assert_eq!(o.operation_id.as_deref(), Some("getItems"));
    assert!(matches!(param(o, 0), Parameter::Query { parameter_data, .. } if parameter_data.explode == Some(true)));
    let r = o.responses.default.as_ref().unwrap().as_item().unwrap();
    assert_eq!(schema_json(r.content["application/json"].schema.as_ref().unwrap()), json!({ "$ref": "#/components/schemas/Error" }));
    assert_eq!(schema_json(component_schema(&spec.api, "Error"))["properties"]["code"], json!({ "type": "integer", "nullable": true }));
}

#[test]
fn external_non_schema_cycle_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.yaml", "A: {$ref: '#/B'}\nB: {$ref: '#/A'}\n");
    let main = write(
        dir.path(),
        "api.yaml",
        "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters:\n        - $ref: 'p.yaml#/A'\n      responses: {'200': {description: ok}}\n",
    );
    let d = load(&main).unwrap_err();
    assert!(d.message.contains("cycle"), "{d}");
    assert_eq!(d.file, dir.path().join("p.yaml"));
}

#[test]
fn structural_errors_read_well() {
    let d = err(
        "c.json",
        &openapi(
            "3.0.0",
            json!({ "paths": { "/a": { "get": {
        "parameters": [{ "in": "query", "name": "q" }], "responses": { "200": { "description": "x" } } } } } }),
        ),
    );
    assert_eq!(ptr(&d), "/paths/~1a/get/parameters/0");
    assert!(d.message.contains("neither `schema` nor `content`"), "{d}");

    let d = err("e.json", &openapi("3.0.0", json!({ "paths": { "/a": { "get": { "responses": { "200": {} } } } } })));
    assert_eq!(ptr(&d), "/paths/~1a/get/responses/200");
    assert!(d.message.contains("missing field `description`"), "{d}");

    let d = err(
        "f.json",
        &openapi(
            "3.0.0",
            json!({ "components": { "securitySchemes": { "s": { "type": "oauth2",
        "flows": { "implicit": { "authorizationUrl": "x", "scopes": 5 } } } } } }),
        ),
    );
    assert_eq!(ptr(&d), "/components/securitySchemes/s/flows/implicit/scopes");

    let d = err(
        "g.json",
        &swagger(json!({ "paths": { "/a": { "get": {
        "parameters": [{ "name": "q", "type": "string" }], "responses": { "200": { "description": "x" } } } } } })),
    );
    assert_eq!(ptr(&d), "/paths/~1a/get/parameters/0/in");

    let d = err("j.json", &swagger(json!({ "securityDefinitions": { "x": { "type": "weird" } } })));
    assert_eq!(ptr(&d), "/securityDefinitions/x/type");
    assert!(d.message.contains("`weird`"), "{d}");

    let yaml = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                type: object\n                properties:\n                  a:\n                    type: string\n                    minLength: -1\n";
    let d = err("i.yaml", yaml);
    assert_eq!(ptr(&d), "/paths/~1a/get/responses/200/content/application~1json/schema/properties/a/minLength");
    assert_eq!(d.location.line_col, Some((16, 21)));
}

#[test]
fn typeless_items_of_objects_are_alternatives_with_a_warning() {
    let text = swagger(json!({"definitions": {
        "conversation": {"items": [
            {"type": "object", "required": ["id", "name"], "properties": {"id": {"type": "string"}, "name": {"type": "string"}}},
            {"type": "object", "required": ["id", "user"], "properties": {"id": {"type": "string"}, "user": {"type": "string"}}}
        ]},
        "tuple": {"type": "array", "items": [{"type": "string"}, {"type": "integer"}]}
    }}));
    let spec = ok("slack.json", &text);
    assert_eq!(spec.warnings.len(), 1, "{:?}", spec.warnings);
    assert!(spec.warnings[0].contains("#/definitions/conversation has `items` (2 object schemas) but no `type`"), "{:?}", spec.warnings);
    let conversation = schema_json(component_schema(&spec.api, "conversation"));
    assert_eq!(conversation["anyOf"].as_array().map(Vec::len), Some(2), "{conversation}");
    assert!(conversation.get("items").is_none());
    // A tuple with `type: array` stays an array.
    let tuple = schema_json(component_schema(&spec.api, "tuple"));
    assert_eq!(tuple["type"], "array");
    assert_eq!(tuple["items"]["anyOf"].as_array().map(Vec::len), Some(2), "{tuple}");
}
