//! Constructs of real-world descriptions that the corpus harness (`tests/corpus.rs`)
//! found sdkgen failing on, each reduced to a small inline spec: they load, model
//! and render, and come out the way the fix intends.

use std::path::{Path, PathBuf};

use sdkgen::model::{Api, StatusKey, Ty, TypeId, TypeKind};
use sdkgen::render::FileSet;
use serde_json::{Value, json};

mod support;
use support::*;

/// An OpenAPI 3.0 document: the given fields over a minimal base.
fn openapi(extra: Value) -> String {
    let mut doc = json!({ "openapi": "3.0.3", "info": { "title": "Fixes", "version": "1" }, "paths": {} });
    if let (Value::Object(d), Value::Object(e)) = (&mut doc, extra) {
        d.extend(e);
    }
    serde_json::to_string_pretty(&doc).unwrap()
}

fn file<'a>(files: &'a FileSet, path: &str) -> &'a str {
    files.get(&PathBuf::from(path)).unwrap_or_else(|| panic!("no {path}"))
}

fn type_id(api: &Api, name: &str) -> TypeId {
    TypeId(api.types.iter().position(|t| t.name == [name]).unwrap_or_else(|| panic!("no type {name}")))
}

fn field<'a>(api: &'a Api, ty: &str, name: &str) -> &'a sdkgen::model::Field {
    match &api.ty(type_id(api, ty)).kind {
        TypeKind::Struct { fields } => fields.iter().find(|f| f.name == name).unwrap_or_else(|| panic!("no field {name}")),
        other => panic!("{ty} is not a struct: {other:?}"),
    }
}

/// AWS descriptions document every property as `allOf: [{$ref}, {description}]`;
/// recursive ones (`Expression.Not` → `Expression`) nested inline types until the
/// depth limit. The description-only part now annotates a plain reference.
#[test]
fn all_of_a_reference_and_a_description_is_the_reference() {
    let api = model(&openapi(json!({ "components": { "schemas": {
        "Expression": { "type": "object", "properties": {
            "Not": { "allOf": [{ "$ref": "#/components/schemas/Expression" }, { "description": "Negates." }] },
            "Key": { "allOf": [{ "$ref": "#/components/schemas/Key" }, { "description": "The key.", "nullable": true }] }
        }},
        "Key": { "type": "string" }
    }}})));
    let expression = type_id(&api, "Expression");
    let not = field(&api, "Expression", "Not");
    assert_eq!(not.ty, Ty::Named(expression));
    assert_eq!(not.description.as_deref(), Some("Negates."));
    let key = field(&api, "Expression", "Key");
    assert_eq!(key.ty, Ty::Nullable(Box::new(Ty::Named(type_id(&api, "Key")))));
    assert_eq!(key.description.as_deref(), Some("The key."));
    assert_eq!(api.types.len(), 2, "no inline copies: {:?}", api.types.iter().map(|t| &t.name).collect::<Vec<_>>());
}

/// Twilio writes nullable references with a `type` beside them, which reads as
/// `{allOf: [{$ref}], type: string, nullable: true}`; that recursed until the stack
/// overflowed.
#[test]
fn nullable_reference_with_a_type_beside_it() {
    let api = model(&openapi(json!({ "components": { "schemas": {
        "sink": { "type": "object", "properties": {
            "status": { "$ref": "#/components/schemas/sink_status", "nullable": true, "type": "string", "description": "Status." }
        }},
        "sink_status": { "type": "string", "enum": ["active", "failed"] }
    }}})));
    let status = field(&api, "sink", "status");
    assert_eq!(status.ty, Ty::Nullable(Box::new(Ty::Named(type_id(&api, "sink_status")))));
}

/// Recursion through an `allOf` that adds properties to the schema holding it: the
/// inline type refers to itself instead of nesting forever.
#[test]
fn recursion_through_all_of_with_properties_ends() {
    let api = model(&openapi(json!({ "components": { "schemas": {
        "Node": { "type": "object", "properties": {
            "child": { "allOf": [{ "$ref": "#/components/schemas/Node" }, { "type": "object", "properties": { "depth": { "type": "integer" } } }] }
        }}
    }}})));
    let child = field(&api, "Node", "child");
    let Ty::Named(inline) = child.ty else { panic!("{:?}", child.ty) };
    let TypeKind::Struct { fields } = &api.ty(inline).kind else { panic!() };
    let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["child", "depth"]);
    assert_eq!(fields[0].ty, Ty::Named(inline), "the inline type refers to itself");
}

/// Bundlers share one definition by pointing later uses at the first
/// (`#/paths/~1a/get/parameters/0`); path items and components can be references
/// too. All of these were "reference does not resolve" errors.
#[test]
fn references_outside_components_are_followed() {
    let api = model(&openapi(json!({
        "paths": {
            "/a/{id}": { "get": {
                "operationId": "getA",
                "parameters": [
                    { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
                    { "$ref": "#/components/parameters/Limit" }
                ],
                "responses": {
                    "200": { "description": "ok", "content": { "application/json": { "schema": { "type": "object", "properties": { "n": { "type": "integer" } } } } } },
                    "404": { "description": "missing", "content": { "application/json": { "schema": { "type": "object", "properties": { "message": { "type": "string" } } } } } }
                }
            }},
            "/b/{id}": { "get": {
                "operationId": "getB",
                "parameters": [{ "$ref": "#/paths/~1a~1%7Bid%7D/get/parameters/0" }, { "$ref": "#/paths/~1a~1{id}/get/parameters/1" }],
                "responses": {
                    "200": { "$ref": "#/paths/~1a~1{id}/get/responses/200" },
                    "404": { "$ref": "#/paths/~1a~1{id}/get/responses/404" }
                }
            }},
            "/c/{id}": { "$ref": "#/paths/~1b~1{id}" }
        },
        "components": { "parameters": {
            "Limit": { "$ref": "#/components/parameters/PageLimit" },
            "PageLimit": { "name": "limit", "in": "query", "schema": { "type": "integer" } }
        }}
    })));
    assert_eq!(api.operations.len(), 3);
    for op in &api.operations {
        let params: Vec<(&str, bool)> = op.params.iter().map(|p| (p.name.as_str(), p.required)).collect();
        assert_eq!(params, [("id", true), ("limit", false)], "{}", op.id);
        assert!(op.success().and_then(|s| s.ty.as_ref()).is_some(), "{}", op.id);
        assert!(op.error().and_then(|s| s.ty.as_ref()).is_some(), "{}", op.id);
    }
}

/// A reference to the wrong kind of thing (a response pointing at a schema) is a
/// mistake in the description that costs that response its body, not the whole API.
#[test]
fn references_to_the_wrong_kind_are_skipped() {
    let api = model(&openapi(json!({
        "paths": { "/a": { "post": {
            "operationId": "postA",
            "parameters": [{ "$ref": "#/components/schemas/Bad" }],
            "requestBody": { "$ref": "#/components/schemas/Bad" },
            "responses": {
                "200": { "description": "ok" },
                "400": { "$ref": "#/components/schemas/Bad" }
            }
        }}},
        "components": { "schemas": { "Bad": { "type": "object", "properties": { "message": { "type": "string" } } } } }
    })));
    let op = &api.operations[0];
    assert!(op.params.is_empty());
    assert_eq!(op.error().map(|e| (e.status, e.ty.is_none())), Some((StatusKey::Code(400), true)));
    assert!(op.body.is_some(), "any JSON may be sent");
}

/// Callbacks are not generated; PeerTube's (a `$ref` to a whole callback where a
/// path item belongs) made the document unreadable.
#[test]
fn callbacks_are_ignored() {
    let api = model(&openapi(json!({
        "paths": { "/search": { "get": {
            "operationId": "search",
            "callbacks": { "searchTarget === search-index": { "$ref": "#/components/callbacks/searchIndex" } },
            "responses": { "200": { "description": "ok" } }
        }}},
        "components": { "callbacks": { "searchIndex": { "https://index/{$request.query.q}": { "get": { "responses": { "200": { "description": "ok" } } } } } } }
    })));
    assert_eq!(api.operations.len(), 1);
}

/// Microsoft Graph has operation ids over 250 characters; a module per operation
/// made file names the file system refuses.
#[test]
fn long_names_make_short_file_names() {
    let id = "identityGovernance.entitlementManagement.accessPackageAssignments.accessPackage.".repeat(5) + "get";
    let files = render(&openapi(json!({ "paths": { "/x": { "get": {
        "operationId": id,
        "tags": [id],
        "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": {
            "type": "object", "properties": { "a": { "type": "string", "enum": ["x", "y"] } }
        }}}}}
    }}}})));
    for path in files.keys() {
        let name = path.file_name().unwrap().to_string_lossy();
        assert!(name.len() <= 110, "{} is {} bytes", path.display(), name.len());
    }
    assert!(files.keys().any(|p| p.starts_with("src/models") && p.to_string_lossy().contains("identity_governance")));
}

/// Crates whose API decodes no JSON body, or has no operation at all, built with
/// dead-code warnings.
#[test]
fn no_dead_code_is_allowed_in_any_generated_file() {
    let text_only = openapi(json!({ "paths": { "/chart": { "get": {
        "operationId": "chart",
        "responses": { "200": { "description": "a PNG", "content": { "image/png": { "schema": { "type": "string", "format": "binary" } } } } }
    }}}}));
    let with_json = openapi(json!({ "paths": { "/n": { "get": {
        "operationId": "n",
        "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": { "type": "integer" } } } } }
    }}}}));
    for text in [text_only, with_json, openapi(json!({}))] {
        let files = render(&text);
        for (path, contents) in &files {
            if path.starts_with("vendor") {
                continue;
            }
            assert!(!contents.contains("dead_code"), "{} allows dead code", path.display());
        }
        assert!(!files.contains_key(&PathBuf::from("src/http.rs")), "the runtime is not copied into src/");
    }
}

/// A file field in a URL-encoded form (FunGenerators' barcode API) was pushed as a
/// form string and did not compile; such a form is sent as multipart. A binary
/// query parameter is text.
#[test]
fn files_in_url_encoded_forms_are_sent_as_multipart() {
    let text = openapi(json!({ "paths": { "/decode": { "post": {
        "operationId": "decode",
        "parameters": [{ "name": "hint", "in": "query", "schema": { "type": "string", "format": "binary" } }],
        "requestBody": { "content": { "application/x-www-form-urlencoded": { "schema": {
            "type": "object", "required": ["image"],
            "properties": { "image": { "type": "string", "format": "binary" }, "note": { "type": "string" } }
        }}}},
        "responses": { "200": { "description": "ok" } }
    }}}}));
    let api = model(&text);
    let op = &api.operations[0];
    let body = op.body.as_ref().unwrap();
    assert_eq!(body.media_type, "multipart/form-data");
    assert_eq!(body.kind, sdkgen::model::BodyKind::Multipart);
    let tys: Vec<(&str, &Ty)> = op.params.iter().map(|p| (p.name.as_str(), &p.ty)).collect();
    assert_eq!(tys, [("hint", &Ty::String), ("image", &Ty::Binary), ("note", &Ty::String)]);

    let files = render(&text);
    let controller = files.iter().find(|(p, _)| p.starts_with("src/controllers") && !p.ends_with("mod.rs")).unwrap().1;
    assert!(controller.contains("parts.multipart();") && controller.contains("parts.file_part(\"image\""), "{controller}");
}

/// Schemas referenced where they sit inside an operation or another schema
/// (DigitalOcean, SpaceTraders, Enode...) were any JSON; they are types now.
#[test]
fn schemas_referenced_outside_components_become_types() {
    let api = model(&openapi(json!({
        "paths": {
            "/a": { "get": {
                "operationId": "getA",
                "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": {
                    "type": "object", "properties": {
                        "meta": { "type": "object", "properties": { "page": { "type": "integer" } } },
                        "next": { "$ref": "#/paths/~1a/get/responses/200/content/application~1json/schema" }
                    }
                }}}}}
            }},
            "/b": { "get": {
                "operationId": "getB",
                "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": {
                    "type": "object", "properties": {
                        "meta": { "$ref": "#/paths/~1a/get/responses/200/content/application~1json/schema/properties/meta" },
                        "owner": { "$ref": "#/components/schemas/Pet/properties/owner" },
                        "kind": { "$ref": "#/components/schemas/Pet/definitions/kind" }
                    }
                }}}}}
            }}
        },
        "components": { "schemas": {
            "Pet": {
                "type": "object",
                "properties": { "owner": { "type": "object", "properties": { "name": { "type": "string" } } } },
                // Not a schema (Codat): left where it is, the reference is any JSON.
                "definitions": { "kind": { "type": { "type": "string", "enum": ["a", "b"] } } }
            }
        }}
    })));
    let b = api.operations.iter().find(|o| o.id == "getB").unwrap();
    let Some(Ty::Named(response)) = b.success().and_then(|s| s.ty.clone()) else { panic!() };
    let TypeKind::Struct { fields } = &api.ty(response).kind else { panic!() };
    assert_eq!(fields[0].ty, Ty::Named(type_id(&api, "meta")));
    assert_eq!(fields[1].ty, Ty::Named(type_id(&api, "owner")));
    assert_eq!(fields[2].ty, Ty::Any);
    // Recursion through the hoisted copy ends at the copy itself.
    let a = type_id(&api, "getA_response");
    assert_eq!(field(&api, "getA_response", "next").ty, Ty::Named(a));
}

/// Clippy on generated crates (the CI lints the checked-in ones with
/// `-D warnings`): seven required parameters make eight arguments
/// (`too_many_arguments`), and a list of strings joined into one query value was
/// mapped through the identity (`map_identity`) or a closure around `String::from`
/// (`redundant_closure`).
#[test]
fn many_required_parameters_and_joined_string_lists_are_clippy_clean() {
    let params: Vec<Value> = (1..=7)
        .map(|i| json!({ "name": format!("p{i}"), "in": "query", "required": true, "schema": { "type": "string" } }))
        .chain([
            json!({ "name": "ids", "in": "query", "explode": false, "schema": { "type": "array", "items": { "type": "string" } } }),
            json!({ "name": "kinds", "in": "query", "explode": false, "schema": { "type": "array", "items": { "type": "string", "enum": ["a", "b"] } } }),
        ])
        .collect();
    let files = render(&openapi(json!({ "paths": { "/x": { "get": {
        "operationId": "many", "tags": ["t"], "parameters": params,
        "responses": { "200": { "description": "ok" } }
    }}}})));
    let controller = file(&files, "src/controllers/t.rs");
    let at = controller.find("pub fn many(").unwrap();
    assert!(controller[..at].trim_end().ends_with("#[allow(clippy::too_many_arguments)]"), "{controller}");
    assert!(controller.contains("parts.query(\"ids\", value.join(\",\"));"), "{controller}");
    assert!(controller.contains("value.into_iter().map(String::from).collect::<Vec<_>>().join(\",\")"), "{controller}");
    assert!(!controller.contains("map(|item|"), "{controller}");
}

/// cpy.re/peertube: `oneOf: [{$ref: Uuid}, {type: string}]` where `Uuid` is itself
/// a string. Both alternatives are `String`, so a `From<String>` per variant
/// conflicted (E0119): `From` is generated only for payload types no other
/// alternative resolves to.
#[test]
fn union_alternatives_that_resolve_to_one_type_get_no_conflicting_from() {
    let files = render(&openapi(json!({ "components": { "schemas": {
        "Uuid": { "type": "string", "format": "uuid" },
        "Id": { "oneOf": [ { "$ref": "#/components/schemas/Uuid" }, { "type": "integer" }, { "type": "string" } ] }
    } } })));
    let id = file(&files, "src/models/id.rs");
    assert!(id.contains("Uuid(crate::models::Uuid)"), "{id}");
    assert!(id.contains("String(String)"), "{id}");
    assert!(!id.contains("impl From<String> for Id"), "{id}");
    assert!(!id.contains("impl From<crate::models::Uuid> for Id"), "{id}");
    assert!(id.contains("impl From<i64> for Id"), "{id}");
}

/// AWS descriptions: every operation documents several error bodies, so the
/// single-body decoder `http::error_body` has no caller (dead code warning).
#[test]
fn apis_whose_operations_all_have_several_error_bodies_have_no_dead_decoder() {
    let files = render(&openapi(json!({
        "paths": { "/x": { "get": { "operationId": "x", "tags": ["t"], "responses": {
            "200": { "description": "ok" },
            "400": { "description": "a", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/A" } } } },
            "404": { "description": "b", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/B" } } } }
        } } } },
        "components": { "schemas": {
            "A": { "type": "object", "properties": { "message": { "type": "string" } } },
            "B": { "type": "object", "properties": { "code": { "type": "string" } } }
        } }
    })));
    let controller = file(&files, "src/controllers/t.rs");
    assert!(controller.contains("sdkgen_runtime::response::unit(raw, XErrorBody::decode)"), "{controller}");
    let flat: String = controller.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("400 => { sdkgen_runtime::response::error_body(status, body) .map(XErrorBody::BadRequest) }"), "{flat}");
    assert!(controller.contains("_ => None,"), "{controller}");
}

/// api.github.com: inline object alternatives without a title were `Variant1`,
/// `Variant2`; they are named by their one property, or the first property they
/// require (`changes: oneOf [{field_value}, {body}]` → `FieldValue`, `Body`).
#[test]
fn inline_union_alternatives_are_named_by_what_sets_them_apart() {
    let files = render(&openapi(json!({ "components": { "schemas": { "Changes": { "oneOf": [
        { "type": "object", "properties": { "field_value": { "type": "string" } } },
        { "type": "object", "required": ["body"], "properties": { "body": { "type": "string" }, "extra": { "type": "integer" } } },
        { "type": "object", "properties": { "a": { "type": "string" }, "b": { "type": "string" } } }
    ] } } } })));
    let changes = file(&files, "src/models/changes.rs");
    assert!(changes.contains("FieldValue(ChangesFieldValue)"), "{changes}");
    assert!(changes.contains("Body(ChangesBody)"), "{changes}");
    assert!(changes.contains("Variant3(ChangesVariant3)"), "{changes}");
}

/// Stripe: no operation has a tag, so every one landed in a 51k-line
/// `default` controller. `untagged = "path"` files them by their first path
/// segment that names something (`/v1/customers/{id}` → `customers`).
#[test]
fn untagged_operations_can_be_split_by_path() {
    let text = openapi(json!({ "paths": {
        "/v1/customers": { "get": { "operationId": "GetCustomers", "responses": { "200": { "description": "ok" } } } },
        "/v1/customers/{customer}": { "delete": { "operationId": "DeleteCustomer",
            "parameters": [{ "name": "customer", "in": "path", "required": true, "schema": { "type": "string" } }],
            "responses": { "200": { "description": "ok" } } } },
        "/v1/charges": { "get": { "operationId": "GetCharges", "responses": { "200": { "description": "ok" } } } },
        "/api/2.0/{id}/refunds": { "get": { "operationId": "GetRefunds",
            "parameters": [{ "name": "id", "in": "path", "required": true, "schema": { "type": "string" } }],
            "responses": { "200": { "description": "ok" } } } }
    } }));
    let path = Path::new("spec.json");
    let loaded = sdkgen::load::load_str(path, &text).unwrap();
    let settings = sdkgen::settings::Settings { untagged: sdkgen::settings::Untagged::Path, ..Default::default() };
    let api = sdkgen::model::build(&loaded.api, path, &settings).unwrap();
    let tags: Vec<(&str, &str)> = api.operations.iter().map(|o| (o.id.as_str(), o.tags[0].as_str())).collect();
    assert_eq!(
        tags,
        [("GetCustomers", "customers"), ("DeleteCustomer", "customers"), ("GetCharges", "charges"), ("GetRefunds", "refunds")]
    );
    // Without the setting they share one controller, as before.
    assert!(model(&text).operations.iter().all(|o| o.tags == ["default"]));
}

/// A title that starts with a digit or is a keyword still gives cargo a
/// package name it accepts.
#[test]
fn package_names_from_titles_are_valid() {
    let text = openapi(json!({})).replace("\"Fixes\"", "\"1Forge Finance APIs\"");
    let cargo = file(&render(&text), "Cargo.toml").to_string();
    assert!(cargo.contains("name = \"api-1forge-finance-apis\""), "{cargo}");
}

/// An operation with several error bodies, none of them an object with a
/// code or message, and examples: the example test (in the crate's `tests/`)
/// names the error-body enum through `<lib>::controllers` (it is declared in
/// the controller's module),
/// and its `ApiError` impl is no `match self { _ => None }` (clippy's
/// `match_single_binding`, 720 warnings over 11 AWS descriptions).
#[test]
fn error_body_enums_are_reachable_from_example_tests_and_lint_clean() {
    let files = render(&openapi(json!({
        "paths": { "/x": { "get": { "operationId": "x", "tags": ["t"], "responses": {
            "200": { "description": "ok", "content": { "application/json": {
                "schema": { "type": "object", "properties": { "id": { "type": "string" } } },
                "example": { "id": "a" } } } },
            "400": { "description": "a", "content": { "application/json": { "schema": { "type": "array", "items": { "type": "string" } } } } },
            "404": { "description": "b", "content": { "application/json": { "schema": { "type": "integer" } } } }
        } } } }
    })));
    let tests = file(&files, "tests/examples.rs");
    assert!(tests.contains("fixes::controllers::XErrorBody"), "{tests}");
    assert!(tests.contains("fixes::controllers::XErrorBody::decode"), "{tests}");
    let controller = file(&files, "src/controllers/t.rs");
    let at = controller.find("impl crate::ApiError for XErrorBody").unwrap();
    let body = &controller[at..];
    assert!(!body[..body.find("\n}\n").unwrap()].contains("match self"), "{body}");
}

/// Slack's `objs_user`: two inline alternatives that both require `id` first
/// were `Id` and `Id2`. They are named by a short description, else by a
/// property only they have.
#[test]
fn inline_alternatives_with_the_same_first_property_are_told_apart() {
    let api = model(&openapi(json!({ "components": { "schemas": {
        "User": { "anyOf": [
            { "description": "user object for non enterprise type", "type": "object", "required": ["id"],
              "properties": { "id": { "type": "string" }, "team": { "type": "string" } } },
            { "description": "enterprise user", "type": "object", "required": ["id"],
              "properties": { "id": { "type": "string" }, "teams": { "type": "array", "items": { "type": "string" } } } }
        ] },
        "Star": { "anyOf": [
            { "type": "object", "required": ["channel"], "properties": { "channel": { "type": "string" }, "message": { "type": "string" } } },
            { "type": "object", "required": ["channel"], "properties": { "channel": { "type": "string" }, "file": { "type": "string" } } }
        ] }
    } } })));
    let variants = |name: &str| match &api.ty(type_id(&api, name)).kind {
        TypeKind::Union { variants, .. } => variants.iter().map(|v| v.name.join("_")).collect::<Vec<_>>(),
        other => panic!("{other:?}"),
    };
    assert_eq!(variants("User"), ["user object for non enterprise type", "enterprise user"]);
    assert_eq!(variants("Star"), ["with_message", "with_file"]);
}

/// Which operations may be retried after a server error: idempotent methods,
/// unless the settings say otherwise for an operation.
#[test]
fn retry_safety_follows_the_method_unless_settings_say_otherwise() {
    let text = openapi(json!({ "paths": {
        "/a": {
            "get": { "operationId": "readA", "responses": { "200": { "description": "ok" } } },
            "post": { "operationId": "writeA", "responses": { "200": { "description": "ok" } } },
            "put": { "operationId": "putA", "responses": { "200": { "description": "ok" } } }
        },
        "/search": { "post": { "operationId": "search", "responses": { "200": { "description": "ok" } } } }
    } }));
    let path = Path::new("spec.json");
    let loaded = sdkgen::load::load_str(path, &text).unwrap();
    let settings: sdkgen::settings::Settings =
        toml::from_str("[operations.search]\nretry_safe = true\n[operations.readA]\nretry_safe = false\n").unwrap();
    let api = sdkgen::model::build(&loaded.api, path, &settings).unwrap();
    let safe: Vec<(&str, bool)> = api.operations.iter().map(|o| (o.id.as_str(), o.retry_safe)).collect();
    assert_eq!(safe, [("readA", false), ("putA", true), ("writeA", false), ("search", true)]);
}
