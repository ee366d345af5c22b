//! One before/after pair of tiny descriptions per check.

use std::path::Path;

use serde_json::{Value, json};

use super::*;

fn doc(paths: Value, schemas: Value) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": { "title": "T", "version": "1" },
        "paths": paths,
        "components": { "schemas": schemas, "securitySchemes": {
            "key": { "type": "apiKey", "in": "header", "name": "X-Key" },
            "oauth": { "type": "oauth2", "flows": { "clientCredentials": { "tokenUrl": "https://t.example/token", "scopes": { "read": "", "write": "" } } } }
        }}
    })
}

fn api(v: &Value) -> Api {
    let path = Path::new("spec.json");
    let loaded = crate::load::load_str(path, &v.to_string()).unwrap_or_else(|d| panic!("load: {d}"));
    crate::model::build(&loaded.api, path, &Settings::default()).unwrap_or_else(|d| panic!("model: {d}"))
}

fn diff(old: &Value, new: &Value) -> Changelog {
    compare(&api(old), &api(new), &Settings::default())
}

/// The one entry with this check id.
fn one<'a>(log: &'a Changelog, check: &str) -> &'a Entry {
    let found: Vec<&Entry> = log.entries.iter().filter(|e| e.check == check).collect();
    assert_eq!(found.len(), 1, "{check} in {:#?}", log.entries);
    found[0]
}

fn ok() -> Value {
    json!({ "200": { "description": "ok" } })
}

/// `GET /pets` with these parameters.
fn list(params: Value) -> Value {
    json!({ "/pets": { "get": { "operationId": "listPets", "tags": ["pets"], "parameters": params, "responses": ok() } } })
}

/// `POST /pets` sending `Pet` and `GET /pets/{id}` returning it.
fn pets(pet: Value) -> Value {
    doc(
        json!({
            "/pets": { "post": { "operationId": "createPet", "tags": ["pets"],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "properties": { "pet": { "$ref": "#/components/schemas/NewPet" } } } } } },
                "responses": ok() } },
            "/pets/{id}": { "get": { "operationId": "getPet", "tags": ["pets"],
                "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }],
                "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Pet" } } } } } } }
        }),
        json!({ "Pet": pet.clone(), "NewPet": pet }),
    )
}

fn query(name: &str, required: bool, schema: Value) -> Value {
    json!({ "name": name, "in": "query", "required": required, "schema": schema })
}

#[test]
fn every_check_id_is_listed() {
    let mut seen = std::collections::HashSet::new();
    for c in checks::CHECKS {
        assert!(seen.insert(c), "{c} twice");
    }
}

#[test]
fn no_change_is_no_entry_and_no_bump() {
    let d = pets(json!({ "type": "object", "properties": { "name": { "type": "string" } } }));
    let log = diff(&d, &d);
    assert!(log.entries.is_empty(), "{:#?}", log.entries);
    assert_eq!(log.verdict("1.2.3"), Verdict::None);
    assert_eq!(log.next_version("1.2.3"), None);
}

#[test]
fn endpoint_added_removed_and_deprecated() {
    let old = doc(list(json!([])), json!({}));
    let mut new = doc(json!({ "/cats": { "get": { "operationId": "listCats", "tags": ["cats"], "responses": ok() } } }), json!({}));
    let log = diff(&old, &new);
    let added = one(&log, "endpoint-added");
    assert_eq!(added.level, Level::NonBreaking);
    assert!(added.message.contains("`cats().list_cats()`"), "{}", added.message);
    let removed = one(&log, "endpoint-removed");
    assert_eq!(removed.rust, Impact::Breaking("`pets().list_pets()` is gone".into()));
    assert_eq!(log.verdict("1.0.0"), Verdict::Major);

    new = doc(list(json!([])), json!({}));
    new["paths"]["/pets"]["get"]["deprecated"] = json!(true);
    let log = diff(&old, &new);
    let e = one(&log, "endpoint-deprecated");
    assert_eq!((e.level, e.section()), (Level::NonBreaking, Section::Deprecated));
}

#[test]
fn renamed_operation_id_renames_the_method() {
    let old = doc(list(json!([])), json!({}));
    let mut new = old.clone();
    new["paths"]["/pets"]["get"]["operationId"] = json!("findPets");
    let log = diff(&old, &new);
    let e = one(&log, "api-operation-id-changed");
    assert_eq!(e.wire, Impact::None);
    assert_eq!(e.rust, Impact::Breaking("`pets().list_pets()` is now `pets().find_pets()`".into()));
    assert_eq!(log.entries.len(), 1);
    assert_eq!(log.next_version("0.4.1").as_deref(), Some("0.5.0"));
}

#[test]
fn moved_path_is_wire_breaking_only() {
    let old = doc(list(json!([])), json!({}));
    let new = doc(json!({ "/v2/pets": old["paths"]["/pets"].clone() }), json!({}));
    let log = diff(&old, &new);
    let e = one(&log, "api-path-changed");
    assert!(e.wire.is_breaking());
    assert_eq!((e.rust.clone(), e.level), (Impact::Compatible, Level::NonBreaking));
}

#[test]
fn tag_change_moves_the_method() {
    let old = doc(list(json!([])), json!({}));
    let mut new = old.clone();
    new["paths"]["/pets"]["get"]["tags"] = json!(["animals"]);
    let e = one(&diff(&old, &new), "api-tag-changed").clone();
    assert_eq!(e.rust, Impact::Breaking("`pets().list_pets()` is now `animals().list_pets()`".into()));
}

#[test]
fn parameters_added_removed_required_optional() {
    let old = doc(list(json!([query("limit", false, json!({ "type": "integer" }))])), json!({}));
    // A new optional parameter: a new setter.
    let new = doc(
        list(json!([query("limit", false, json!({ "type": "integer" })), query("cursor", false, json!({ "type": "string" }))])),
        json!({}),
    );
    let log = diff(&old, &new);
    let e = one(&log, "new-optional-request-parameter");
    assert_eq!((e.level, &e.wire, &e.rust), (Level::NonBreaking, &Impact::Compatible, &Impact::Compatible));
    assert_eq!(log.verdict("0.3.0"), Verdict::Patch);
    assert_eq!(log.verdict("1.3.0"), Verdict::Minor);
    assert_eq!(log.verdict("0.0.3"), Verdict::Patch);

    // A new required one: a new positional argument.
    let new = doc(
        list(json!([query("limit", false, json!({ "type": "integer" })), query("owner", true, json!({ "type": "string" }))])),
        json!({}),
    );
    let e = one(&diff(&old, &new), "new-required-request-parameter").clone();
    assert_eq!(e.rust, Impact::Breaking("`pets().list_pets()` takes a new argument `owner`".into()));
    assert!(e.wire.is_breaking());

    // Became required: the setter becomes an argument.
    let new = doc(list(json!([query("limit", true, json!({ "type": "integer" }))])), json!({}));
    let log = diff(&old, &new);
    let e = one(&log, "request-parameter-became-required");
    assert_eq!(e.rust, Impact::Breaking("`pets().list_pets()` takes a new argument `limit`".into()));
    assert_eq!(log.next_version("0.4.1").as_deref(), Some("0.5.0"));
    assert_eq!(log.next_version("2.4.1").as_deref(), Some("3.0.0"));

    // Became optional: compatible on the wire, not in Rust.
    let log = diff(&new, &old);
    let e = one(&log, "request-parameter-became-optional");
    assert_eq!((&e.wire, e.level), (&Impact::Compatible, Level::Breaking));

    // Removed.
    let new = doc(list(json!([])), json!({}));
    let e = one(&diff(&old, &new), "request-parameter-removed").clone();
    assert_eq!(e.rust, Impact::Breaking("`pets().list_pets()` loses the setter `limit`".into()));
}

#[test]
fn parameter_type_and_enum_values() {
    let old = doc(
        list(json!([
            query("sort", false, json!({ "type": "string", "enum": ["name", "age"] })),
            query("n", false, json!({ "type": "integer", "format": "int32" }))
        ])),
        json!({}),
    );
    let new = doc(
        list(json!([
            query("sort", false, json!({ "type": "string", "enum": ["name", "size"] })),
            query("n", false, json!({ "type": "string" }))
        ])),
        json!({}),
    );
    let log = diff(&old, &new);
    let added = one(&log, "request-parameter-enum-value-added");
    assert_eq!((&added.wire, &added.rust), (&Impact::Compatible, &Impact::Compatible));
    let removed = one(&log, "request-parameter-enum-value-removed");
    assert!(removed.wire.is_breaking() && removed.rust.is_breaking(), "{removed:?}");
    let changed = one(&log, "request-parameter-type-changed");
    assert_eq!(changed.message, "query parameter `n` changed type from integer (int32) to string");
    assert_eq!(changed.rust, Impact::Breaking("`i32` → `String`".into()));
}

#[test]
fn request_body_properties() {
    let body = |props: Value, required: Value| {
        doc(
            json!({ "/pets": { "post": { "operationId": "createPet", "tags": ["pets"],
                "requestBody": { "required": true, "content": { "application/json": { "schema": { "type": "object", "properties": props, "required": required } } } },
                "responses": ok() } } }),
            json!({}),
        )
    };
    let old = body(json!({ "name": { "type": "string" }, "tag": { "type": "string" } }), json!([]));
    let new = body(json!({ "name": { "type": "string" }, "age": { "type": "integer" } }), json!(["name", "age"]));
    let log = diff(&old, &new);
    let added = one(&log, "new-required-request-property");
    assert!(added.wire.is_breaking());
    assert!(matches!(&added.rust, Impact::Breaking(r) if r.ends_with("::new()` takes a new argument `age`")), "{added:?}");
    let became = one(&log, "request-property-became-required");
    assert_eq!(became.message, "request body: property `name` became required");
    assert!(became.wire.is_breaking());
    let removed = one(&log, "request-property-removed");
    assert_eq!(removed.wire, Impact::Compatible);
    assert!(removed.rust.is_breaking());

    let new = body(json!({ "name": { "type": "string" }, "tag": { "type": "string" }, "note": { "type": "string" } }), json!([]));
    let e = one(&diff(&old, &new), "new-optional-request-property").clone();
    assert_eq!((e.wire, e.rust), (Impact::Compatible, Impact::Compatible));
}

#[test]
fn request_body_required_and_media_types() {
    let with = |required: bool, types: &[&str]| {
        let content: serde_json::Map<String, Value> = types
            .iter()
            .map(|t| (t.to_string(), json!({ "schema": { "type": "object", "properties": { "a": { "type": "string" } } } })))
            .collect();
        doc(
            json!({ "/pets": { "post": { "operationId": "createPet", "tags": ["pets"], "requestBody": { "required": required, "content": content }, "responses": ok() } } }),
            json!({}),
        )
    };
    let log = diff(&with(false, &["application/json"]), &with(true, &["application/json", "application/vnd.pets+json"]));
    assert!(one(&log, "request-body-became-required").rust.is_breaking());
    assert_eq!(one(&log, "request-body-media-type-added").level, Level::NonBreaking);
    let log = diff(&with(true, &["application/json", "application/vnd.pets+json"]), &with(true, &["application/json"]));
    let e = one(&log, "request-body-media-type-removed");
    assert!(e.wire.is_breaking() && e.rust.is_breaking());
}

#[test]
fn response_property_added_depends_on_required() {
    let old = pets(json!({ "type": "object", "properties": { "name": { "type": "string" } } }));
    // Optional: models are `#[non_exhaustive]`, so a new field breaks no one.
    let new = pets(json!({ "type": "object", "properties": { "name": { "type": "string" }, "age": { "type": "integer" } } }));
    let log = diff(&old, &new);
    let e = log.entries.iter().find(|e| e.check == "response-optional-property-added").expect("response side");
    assert_eq!((&e.wire, &e.rust), (&Impact::Compatible, &Impact::Compatible));
    assert_eq!(e.location, Location::Schema { name: "Pet".into(), path: "age".into() });
    assert!(log.entries.iter().any(|e| e.check == "new-optional-request-property" && e.location.group() == "NewPet"));
    // Required: `Pet::new()` takes it.
    let new = pets(
        json!({ "type": "object", "required": ["age"], "properties": { "name": { "type": "string" }, "age": { "type": "integer" } } }),
    );
    let e = diff(&old, &new).entries.into_iter().find(|e| e.check == "response-required-property-added").expect("response side");
    assert_eq!(e.wire, Impact::Compatible);
    assert_eq!(e.rust, Impact::Breaking("`Pet::new()` takes a new argument `age`".into()));
}

#[test]
fn response_property_removed_and_type_changed() {
    let old = pets(json!({ "type": "object", "properties": { "name": { "type": "string" }, "age": { "type": "integer" } } }));
    let new = pets(json!({ "type": "object", "properties": { "age": { "type": "string" } } }));
    let log = diff(&old, &new);
    let removed = log.entries.iter().find(|e| e.check == "response-property-removed").unwrap();
    assert!(removed.wire.is_breaking());
    assert_eq!(removed.rust, Impact::Breaking("the field `Pet::name` is gone".into()));
    let changed = log.entries.iter().find(|e| e.check == "response-property-type-changed").unwrap();
    assert_eq!(changed.message, "property `age` changed type from integer (int64) to string");
}

#[test]
fn response_property_optional_required_and_nullable() {
    let old = pets(
        json!({ "type": "object", "required": ["name"], "properties": { "name": { "type": "string" }, "age": { "type": "integer" } } }),
    );
    let new = pets(
        json!({ "type": "object", "required": ["age"], "properties": { "name": { "type": "string" }, "age": { "type": "integer" } } }),
    );
    let log = diff(&old, &new);
    let optional = log.entries.iter().find(|e| e.check == "response-property-became-optional").unwrap();
    assert!(optional.wire.is_breaking());
    assert_eq!(
        optional.rust,
        Impact::Breaking("`Pet::name` changes between `T` and `Option<T>`, and `Pet::new()` arguments change".into())
    );
    let required = log.entries.iter().find(|e| e.check == "response-property-became-required").unwrap();
    assert_eq!((&required.wire, required.level), (&Impact::Compatible, Level::Breaking));

    let new = pets(
        json!({ "type": "object", "required": ["name"], "properties": { "name": { "type": "string", "nullable": true }, "age": { "type": "integer" } } }),
    );
    let log = diff(&old, &new);
    let e = log.entries.iter().find(|e| e.check == "response-property-became-nullable").unwrap();
    assert!(e.wire.is_breaking() && e.rust.is_breaking());
}

#[test]
fn response_enum_values() {
    let old = pets(json!({ "type": "object", "properties": { "status": { "type": "string", "enum": ["available", "sold"] } } }));
    let new = pets(json!({ "type": "object", "properties": { "status": { "type": "string", "enum": ["available", "pending"] } } }));
    let log = diff(&old, &new);
    let added = log.entries.iter().find(|e| e.check == "response-property-enum-value-added").unwrap();
    // The generated enum is `#[non_exhaustive]` with a catch-all variant.
    assert_eq!((added.wire.is_breaking(), &added.rust, added.level), (true, &Impact::Compatible, Level::NonBreaking));
    let removed = log.entries.iter().find(|e| e.check == "response-property-enum-value-removed").unwrap();
    assert_eq!(removed.wire, Impact::Compatible);
    assert!(matches!(&removed.rust, Impact::Breaking(r) if r.ends_with("::Sold` is gone`") || r.contains("Sold")), "{removed:?}");
}

#[test]
fn response_statuses_and_media_types() {
    let op = |responses: Value| {
        doc(json!({ "/pets": { "get": { "operationId": "listPets", "tags": ["pets"], "responses": responses } } }), json!({}))
    };
    let r200 = json!({ "description": "ok", "content": { "application/json": { "schema": { "type": "object", "properties": { "a": { "type": "string" } } } } } });
    let old = op(json!({ "200": r200.clone(), "404": { "description": "missing" } }));
    let new = op(json!({ "200": r200.clone(), "202": { "description": "accepted" }, "429": { "description": "slow down" } }));
    let log = diff(&old, &new);
    let s = one(&log, "response-success-status-added");
    assert!(s.rust.is_breaking(), "one body became an enum by status: {s:?}");
    assert_eq!(one(&log, "response-non-success-status-added").level, Level::Info);
    assert_eq!(one(&log, "response-non-success-status-removed").level, Level::Info);
    let log = diff(&new, &old);
    assert!(one(&log, "response-success-status-removed").wire.is_breaking());

    let text = json!({ "description": "ok", "content": { "text/plain": { "schema": { "type": "string" } } } });
    let log = diff(&op(json!({ "200": r200.clone() })), &op(json!({ "200": text })));
    assert!(log.entries.iter().any(|e| e.check == "response-media-type-changed" && e.rust.is_breaking()), "{:#?}", log.entries);
    let log = diff(&op(json!({ "200": { "description": "ok" } })), &op(json!({ "200": r200 })));
    assert!(one(&log, "response-body-added").rust.is_breaking());
}

#[test]
fn security_requirements_and_scopes() {
    let op = |security: Value| {
        doc(
            json!({ "/pets": { "get": { "operationId": "listPets", "tags": ["pets"], "security": security, "responses": ok() } } }),
            json!({}),
        )
    };
    let log = diff(&op(json!([])), &op(json!([{ "key": [] }])));
    let e = one(&log, "api-security-added");
    assert!(e.wire.is_breaking());
    assert_eq!((e.rust.clone(), e.level), (Impact::None, Level::NonBreaking));
    let log = diff(&op(json!([{ "key": [] }, { "oauth": ["read"] }])), &op(json!([{ "oauth": ["read", "write"] }])));
    assert!(one(&log, "api-security-removed").wire.is_breaking());
    assert!(one(&log, "api-security-scope-added").wire.is_breaking());
    let log = diff(&op(json!([{ "oauth": ["read", "write"] }])), &op(json!([{ "oauth": ["read"] }])));
    assert_eq!(one(&log, "api-security-scope-removed").wire, Impact::Compatible);
}

#[test]
fn security_schemes_and_schemas_added_removed() {
    let old = doc(list(json!([])), json!({ "Old": { "type": "string" } }));
    let mut new = doc(list(json!([])), json!({ "Fresh": { "type": "object", "properties": { "a": { "type": "string" } } } }));
    new["components"]["securitySchemes"]["basic"] = json!({ "type": "http", "scheme": "basic" });
    new["components"]["securitySchemes"].as_object_mut().unwrap().remove("key");
    let log = diff(&old, &new);
    assert_eq!(one(&log, "api-schema-added").rust, Impact::Compatible);
    assert!(one(&log, "api-schema-removed").rust.is_breaking());
    assert_eq!(one(&log, "api-security-component-added").level, Level::NonBreaking);
    assert!(one(&log, "api-security-component-removed").rust.is_breaking());
}

#[test]
fn deprecated_property_and_parameter() {
    let old = pets(json!({ "type": "object", "properties": { "name": { "type": "string" } } }));
    let new = pets(json!({ "type": "object", "properties": { "name": { "type": "string", "deprecated": true } } }));
    let log = diff(&old, &new);
    assert!(log.entries.iter().all(|e| e.section() == Section::Deprecated), "{:#?}", log.entries);
    assert!(log.entries.iter().any(|e| e.check == "response-property-deprecated"));
    let old = doc(list(json!([query("q", false, json!({ "type": "string" }))])), json!({}));
    let mut p = query("q", false, json!({ "type": "string" }));
    p["deprecated"] = json!(true);
    let log = diff(&old, &doc(list(json!([p])), json!({})));
    assert_eq!(one(&log, "request-parameter-deprecated").section(), Section::Deprecated);
}

#[test]
fn inline_nested_objects_report_their_path() {
    let op = |city: Value| {
        doc(
            json!({ "/me": { "get": { "operationId": "me", "tags": ["users"], "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": {
                "type": "object", "properties": { "address": { "type": "object", "properties": { "city": city } }, "tags": { "type": "array", "items": { "type": "object", "properties": { "id": { "type": "integer" } } } } }
            } } } } } } } }),
            json!({}),
        )
    };
    let log = diff(&op(json!({ "type": "string" })), &op(json!({ "type": "integer" })));
    let e = one(&log, "response-property-type-changed");
    assert_eq!(e.message, "response 200: property `address.city` changed type from string to integer (int64)");
}

#[test]
fn versions_and_renderings() {
    let old = doc(list(json!([query("limit", false, json!({ "type": "integer" }))])), json!({}));
    let new =
        doc(list(json!([query("limit", true, json!({ "type": "integer" })), query("q", false, json!({ "type": "string" }))])), json!({}));
    let log = diff(&old, &new);
    assert_eq!(parse_version("1.2.3-beta.1+x"), Some((1, 2, 3)));
    assert_eq!(parse_version("1.2"), None);
    assert_eq!(log.next_version("0.0.7").as_deref(), Some("0.0.8"));
    let text = log.render(Format::Text, "0.4.1");
    assert_eq!(
        text,
        "sdkgen diff: 1 breaking, 1 additions, 0 other (the crate goes 0.4.1 → 0.5.0: breaking)\n\
         ## Operations\n\
         - BREAKING `listPets` (GET /pets): query parameter `limit` became required [request-parameter-became-required] — Rust: `pets().list_pets()` takes a new argument `limit` — wire: breaking (clients may leave it out)\n\
         - added `listPets` (GET /pets): new optional query parameter `q` [new-optional-request-parameter]\n"
    );
    let md = log.render(Format::Markdown, "0.4.1");
    assert!(
        md.starts_with("## 0.5.0\n\n### Breaking changes\n\n- `listPets` (GET /pets): query parameter `limit` became required"),
        "{md}"
    );
    assert!(md.contains("### Added\n\n- `listPets` (GET /pets): new optional query parameter `q`"), "{md}");
    let v: Value = serde_json::from_str(&log.render(Format::Json, "0.4.1")).unwrap();
    assert_eq!(v["next_version"], "0.5.0");
    assert_eq!(v["verdict"], "minor");
    assert_eq!(v["entries"][0]["rust"], json!({ "impact": "breaking", "reason": "`pets().list_pets()` takes a new argument `limit`" }));
    assert_eq!(v["entries"][0]["location"], json!({ "kind": "operation", "id": "listPets", "method": "GET", "path": "/pets" }));
}

#[test]
fn alternatives_of_one_name_pair_in_order() {
    let d = |second: Value| {
        doc(
            json!({ "/x": { "get": { "operationId": "x", "tags": ["x"], "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": {
                "oneOf": [
                    { "type": "object", "properties": { "a": { "type": "string" } } },
                    { "type": "object", "properties": { "b": second } }
                ]
            } } } } } } } }),
            json!({}),
        )
    };
    let old = d(json!({ "type": "string" }));
    assert!(diff(&old, &old).entries.is_empty(), "{:#?}", diff(&old, &old).entries);
    let log = diff(&old, &d(json!({ "type": "integer" })));
    assert_eq!(log.entries.len(), 1, "{:#?}", log.entries);
    assert_eq!(log.entries[0].check, "response-property-type-changed");
}

/// Every description the repository generates from compares equal to itself.
#[test]
fn repository_specs_do_not_differ_from_themselves() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    for entry in std::fs::read_dir(&root).unwrap() {
        let settings = entry.unwrap().path().join("sdkgen.toml");
        let text = std::fs::read_to_string(&settings).unwrap();
        let spec: crate::settings::Settings = toml::from_str(&text).unwrap();
        let spec = settings.parent().unwrap().join(spec.spec.unwrap());
        let (log, _) = compare_files(&spec, &spec, Some(&settings)).unwrap_or_else(|d| panic!("{d}"));
        assert!(log.entries.is_empty(), "{}: {:#?}", spec.display(), log.entries);
    }
}
