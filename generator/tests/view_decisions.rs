//! The decisions `sdkgen::rust::plan` makes from a model, each checked for
//! its exact value: controller and method names, how each security scheme
//! is carried (and which OAuth grant a scheme's client uses), where each
//! parameter goes and how it is encoded, how bodies are sent and responses
//! decoded, and the diagnostics for settings that name what is not there.
//!
//! Only names and the enums templates switch on are checked here; the Rust
//! text itself is guarded by the snapshots (`tests/snapshots.rs`).

// Rows of tuples are how these tests lay out expected values.
#![allow(clippy::type_complexity)]

use std::path::Path;

use sdkgen::model::{ApiKeyLocation, OAuthFlowKind};
use sdkgen::rust::CrateView;
use sdkgen::rust::view::{
    BodyDecoding, OperationView, ParamEncode, ParamView, ParamViewLocation, RequestBodyKind, ResponseKind, SchemeViewKind,
};
use sdkgen::settings::Settings;

fn plan_with(yaml: &str, settings: Settings) -> Result<CrateView, sdkgen::Diagnostic> {
    let path = Path::new("spec.yaml");
    let loaded = sdkgen::load::load_str(path, yaml).unwrap_or_else(|d| panic!("{d}"));
    let api = sdkgen::model::build(&loaded.api, path, &settings).unwrap_or_else(|d| panic!("{d}"));
    let mut job = sdkgen::settings::single(path, Path::new("out/t"), None).unwrap();
    job.settings = settings;
    job.settings_path = Some("sdkgen.toml".into());
    sdkgen::rust::plan(&api, &job, Path::new("."))
}

fn plan(yaml: &str) -> CrateView {
    plan_with(yaml, Settings::default()).unwrap_or_else(|d| panic!("{d}"))
}

fn operation<'a>(view: &'a CrateView, id: &str) -> &'a OperationView {
    let lit = format!("{id:?}");
    view.controllers.iter().flat_map(|c| &c.operations).find(|o| o.id_lit == lit).unwrap_or_else(|| panic!("no operation {id}"))
}

/// A tag becomes a controller: module, struct, accessor and feature, each a
/// valid name; a method drops its tag's prefix unless what is left starts
/// with a digit.
#[test]
fn controllers_and_method_names_per_tag() {
    let view = plan(
        r##"
openapi: 3.0.3
info: {title: Pet Store, version: "1"}
paths:
  /a: {get: {operationId: pets_list, tags: [pets], responses: {"200": {description: ok}}}}
  /b: {get: {operationId: pets_2fa, tags: [pets], responses: {"200": {description: ok}}}}
  /c: {get: {operationId: getStore, tags: [Store Front], responses: {"200": {description: ok}}}}
  /d: {get: {operationId: makeMod, tags: [mod], responses: {"200": {description: ok}}}}
  /e: {get: {operationId: misc, responses: {"200": {description: ok}}}}
"##,
    );
    let controllers: Vec<(&str, &str, &str, &str, Vec<&str>)> = view
        .controllers
        .iter()
        .map(|c| {
            (
                c.module.as_str(),
                c.name.as_str(),
                c.accessor.as_str(),
                c.feature.as_str(),
                c.operations.iter().map(|o| o.method.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        controllers,
        [
            ("pets", "PetsController", "pets", "pets", vec!["list", "pets_2fa"]),
            ("store_front", "StoreFrontController", "store_front", "store_front", vec!["get_store"]),
            ("mod_", "ModController", "mod_", "mod_", vec!["make_mod"]),
            // `default` is cargo's own feature; the type name of `default`
            // steers clear of the `Default` trait before `Controller` is added.
            ("default", "DefaultModelController", "default", "default_2", vec!["misc"]),
        ]
    );
    assert_eq!((view.package.as_str(), view.lib.as_str(), view.client.as_str()), ("pet-store", "pet_store", "PetStoreClient"));
    let builders: Vec<&str> = view.controllers[0].operations.iter().map(|o| o.builder.as_str()).collect();
    assert_eq!(builders, ["PetsListRequest", "Pets2faRequest"]);
}

const SCHEMES: &str = r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths: {}
components:
  securitySchemes:
    inHeader: {type: apiKey, in: header, name: X-Key}
    inQuery: {type: apiKey, in: query, name: key}
    inCookie: {type: apiKey, in: cookie, name: sid}
    basic: {type: http, scheme: basic}
    bearer: {type: http, scheme: bearer}
    digest: {type: http, scheme: digest}
    oidc: {type: openIdConnect, openIdConnectUrl: "https://id.example.com/.well-known/openid-configuration"}
    noFlows: {type: oauth2, flows: {}}
    code:
      type: oauth2
      flows:
        authorizationCode: {authorizationUrl: "https://a/authorize", tokenUrl: "https://a/token", scopes: {read: Read, other: Other}}
    machine:
      type: oauth2
      flows:
        clientCredentials: {tokenUrl: "https://a/token", scopes: {}}
    user:
      type: oauth2
      flows:
        password: {tokenUrl: "https://a/token", scopes: {}}
    browser:
      type: oauth2
      flows:
        implicit: {authorizationUrl: "https://a/authorize", scopes: {}}
    all:
      type: oauth2
      flows:
        implicit: {authorizationUrl: "https://a/authorize", scopes: {}}
        clientCredentials: {tokenUrl: "https://a/token", scopes: {}}
"##;

/// How each kind of scheme is carried; OpenID Connect and OAuth 2 without
/// flows are bearer tokens.
#[test]
fn scheme_kinds_and_locations() {
    let view = plan(SCHEMES);
    let schemes: Vec<(&str, &str, SchemeViewKind, Option<ApiKeyLocation>, Option<&str>)> =
        view.schemes.iter().map(|s| (s.name.as_str(), s.variant.as_str(), s.kind, s.location, s.param_lit.as_deref())).collect();
    assert_eq!(
        schemes,
        [
            ("inHeader", "InHeader", SchemeViewKind::ApiKey, Some(ApiKeyLocation::Header), Some("\"X-Key\"")),
            ("inQuery", "InQuery", SchemeViewKind::ApiKey, Some(ApiKeyLocation::Query), Some("\"key\"")),
            ("inCookie", "InCookie", SchemeViewKind::ApiKey, Some(ApiKeyLocation::Cookie), Some("\"sid\"")),
            ("basic", "Basic", SchemeViewKind::Basic, None, None),
            ("bearer", "Bearer", SchemeViewKind::Bearer, None, None),
            ("digest", "Digest", SchemeViewKind::Authorization, None, Some("\"Digest\"")),
            ("oidc", "Oidc", SchemeViewKind::Bearer, None, None),
            ("noFlows", "NoFlows", SchemeViewKind::Bearer, None, None),
            ("code", "Code", SchemeViewKind::OAuth2, None, None),
            ("machine", "Machine", SchemeViewKind::OAuth2, None, None),
            ("user", "User", SchemeViewKind::OAuth2, None, None),
            ("browser", "Browser", SchemeViewKind::OAuth2, None, None),
            ("all", "All", SchemeViewKind::OAuth2, None, None),
        ]
    );
    let carries: Vec<&str> = view.schemes.iter().map(|s| s.carries.as_str()).collect();
    assert_eq!(
        carries,
        [
            "API key sent in the `X-Key` header.",
            "API key sent in the `key` query.",
            "API key sent in the `sid` cookie.",
            "HTTP basic authentication.",
            "Bearer token sent in the `Authorization` header.",
            "`Authorization: Digest <credentials>`.",
            "OpenID Connect access token, sent as `Authorization: Bearer <token>`.",
            "OAuth 2 access token, sent as `Authorization: Bearer <token>`.",
            "OAuth 2 access token, sent as `Authorization: Bearer <token>`.",
            "OAuth 2 access token, sent as `Authorization: Bearer <token>`.",
            "OAuth 2 access token, sent as `Authorization: Bearer <token>`.",
            "OAuth 2 access token, sent as `Authorization: Bearer <token>`.",
            "OAuth 2 access token, sent as `Authorization: Bearer <token>`.",
        ]
    );
    assert!(view.has_oauth && view.has_auth_code && view.has_non_oauth);
}

/// An OAuth 2 scheme's client uses its first grant in the fixed order
/// (authorization code, client credentials, password, implicit); its
/// variables are named after the scheme, a redirect URI only for the code
/// grant; a scope named like the catch-all takes the next name.
#[test]
fn oauth_grant_and_variables_per_scheme() {
    let view = plan(SCHEMES);
    let oauth: Vec<(&str, OAuthFlowKind, &str, &str, Vec<&str>)> = view
        .schemes
        .iter()
        .filter_map(|s| {
            let o = s.oauth.as_ref()?;
            Some((s.name.as_str(), o.flow, o.flow_title.as_str(), o.module.as_str(), o.env_vars.iter().map(|e| e.var.as_str()).collect()))
        })
        .collect();
    assert_eq!(
        oauth,
        [
            (
                "code",
                OAuthFlowKind::AuthorizationCode,
                "OAuth 2 authorization code grant",
                "code",
                vec!["CODE_TOKEN", "CODE_CLIENT_ID", "CODE_CLIENT_SECRET", "CODE_REDIRECT_URI"]
            ),
            (
                "machine",
                OAuthFlowKind::ClientCredentials,
                "OAuth 2 client credentials grant",
                "machine",
                vec!["MACHINE_TOKEN", "MACHINE_CLIENT_ID", "MACHINE_CLIENT_SECRET"]
            ),
            (
                "user",
                OAuthFlowKind::Password,
                "OAuth 2 resource owner password grant",
                "user",
                vec!["USER_TOKEN", "USER_CLIENT_ID", "USER_CLIENT_SECRET"]
            ),
            (
                "browser",
                OAuthFlowKind::Implicit,
                "OAuth 2 implicit grant",
                "browser",
                vec!["BROWSER_TOKEN", "BROWSER_CLIENT_ID", "BROWSER_CLIENT_SECRET"]
            ),
            (
                "all",
                OAuthFlowKind::ClientCredentials,
                "OAuth 2 client credentials grant",
                "all",
                vec!["ALL_TOKEN", "ALL_CLIENT_ID", "ALL_CLIENT_SECRET"]
            ),
        ]
    );
    let code = view.schemes.iter().find(|s| s.name == "code").and_then(|s| s.oauth.as_ref()).unwrap();
    let scopes: Vec<(&str, &str)> = code.scopes.iter().map(|s| (s.variant.as_str(), s.value.as_str())).collect();
    assert_eq!(scopes, [("Read", "read"), ("Other2", "other")]);
    assert_eq!(sdkgen::rust::view::CATCH_ALL, "Other");
}

/// Where each parameter goes, how its value is encoded, and the split into
/// method arguments (required, in declared order) and setters.
#[test]
fn parameter_locations_and_encodings() {
    let view = plan(
        r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a/{id}:
    post:
      operationId: op
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
        - {name: X-Trace, in: header, required: true, schema: {type: string}}
        - {name: tags, in: query, schema: {type: array, items: {type: string}}}
        - {name: filter, in: query, style: deepObject, schema: {type: object, properties: {a: {type: string}}}}
        - {name: sort, in: query, schema: {type: string, enum: [asc, desc]}}
        - {name: session, in: cookie, schema: {type: string}}
        - {name: type, in: query, schema: {type: boolean}}
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              required: [file]
              properties:
                file: {type: string, format: binary}
                meta: {type: object, properties: {k: {type: string}}}
      responses:
        "204": {description: ok}
"##,
    );
    let op = operation(&view, "op");
    let summary = |ps: &[ParamView]| -> Vec<(String, ParamViewLocation, ParamEncode, bool, bool)> {
        ps.iter().map(|p| (p.field.clone(), p.location, p.encode, p.is_array, p.explode)).collect()
    };
    let s = |f: &str, l, e, a, x| (f.to_string(), l, e, a, x);
    assert_eq!(
        summary(&op.required),
        [
            s("id", ParamViewLocation::Path, ParamEncode::String, false, false),
            s("x_trace", ParamViewLocation::Header, ParamEncode::String, false, false),
            s("file", ParamViewLocation::Multipart, ParamEncode::File, false, true),
        ]
    );
    assert_eq!(
        summary(&op.optional),
        [
            s("tags", ParamViewLocation::Query, ParamEncode::String, true, true),
            s("filter", ParamViewLocation::Query, ParamEncode::Json, false, true),
            s("sort", ParamViewLocation::Query, ParamEncode::String, false, true),
            s("session", ParamViewLocation::Cookie, ParamEncode::String, false, true),
            s("type_", ParamViewLocation::Query, ParamEncode::String, false, true),
            s("meta", ParamViewLocation::Multipart, ParamEncode::Json, false, true),
        ]
    );
    assert_eq!(op.body, RequestBodyKind::Multipart);
    assert!(view.uses_multipart);
}

/// The fields of `params` that hold the whole request body.
fn body_fields(params: &[ParamView]) -> Vec<&str> {
    params.iter().filter(|p| p.location == ParamViewLocation::Body).map(|p| p.field.as_str()).collect()
}

/// How each request body is sent, and the media type enum of a body that
/// can go as several.
#[test]
fn request_body_kinds() {
    let view = plan(
        r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /json:
    post:
      operationId: json
      requestBody: {required: true, content: {application/json: {schema: {type: object, properties: {a: {type: string}}}}, application/merge-patch+json: {schema: {type: object}}}}
      responses: {"204": {description: ok}}
  /form:
    post:
      operationId: form
      requestBody: {content: {application/x-www-form-urlencoded: {schema: {type: object, properties: {a: {type: string}}}}}}
      responses: {"204": {description: ok}}
  /bytes:
    post:
      operationId: bytes
      requestBody: {required: true, content: {application/pdf: {schema: {type: string, format: binary}}}}
      responses: {"204": {description: ok}}
  /text:
    post:
      operationId: text
      requestBody: {content: {text/csv: {schema: {type: string}}}}
      responses: {"204": {description: ok}}
  /none:
    post:
      operationId: none
      responses: {"204": {description: ok}}
"##,
    );
    // (kind, Content-Type set by the view, the body as a required argument,
    // the body as a setter)
    let kinds: Vec<(RequestBodyKind, Option<&str>, Vec<&str>, Vec<&str>)> = ["json", "form", "bytes", "text", "none"]
        .iter()
        .map(|id| {
            let op = operation(&view, id);
            (op.body, op.content_type_lit.as_deref(), body_fields(&op.required), body_fields(&op.optional))
        })
        .collect();
    assert_eq!(
        kinds,
        [
            // Sent as one of two JSON types: the caller's choice sets it.
            (RequestBodyKind::Json, None, vec!["body"], vec![]),
            (RequestBodyKind::Form, None, vec![], vec![]),
            (RequestBodyKind::Binary, Some("\"application/pdf\""), vec!["body"], vec![]),
            (RequestBodyKind::Text, Some("\"text/csv\""), vec![], vec!["body"]),
            (RequestBodyKind::None, None, vec![], vec![]),
        ]
    );
    let media = operation(&view, "json").media_types.as_ref().unwrap();
    let variants: Vec<(&str, &str)> = media.variants.iter().map(|v| (v.name.as_str(), v.wire_lit.as_str())).collect();
    assert_eq!((media.name.as_str(), media.field.as_str()), ("JsonMediaType", "media_type"));
    assert_eq!(variants, [("ApplicationJson", "\"application/json\""), ("ApplicationMergePatchJson", "\"application/merge-patch+json\"")]);
}

const REPLIES: &str = r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /one:
    get:
      operationId: one
      responses:
        "200": {description: ok, content: {application/json: {schema: {type: object, properties: {a: {type: string}}}}}}
        "404": {description: missing, content: {application/json: {schema: {$ref: "#/components/schemas/Problem"}}}}
  /many:
    get:
      operationId: many
      responses:
        "201": {description: made, content: {application/json: {schema: {type: integer}}}}
        "299": {description: odd}
        "2XX": {description: some, content: {text/plain: {schema: {type: string}}}}
        "418": {description: teapot}
        "4XX": {description: client, content: {application/json: {schema: {$ref: "#/components/schemas/Problem"}}}}
        "599": {description: odd error}
        default: {description: other, content: {text/plain: {schema: {type: string}}}}
  /text:
    get:
      operationId: text
      responses: {"200": {description: ok, content: {text/html: {schema: {type: string}}}}}
  /bytes:
    get:
      operationId: bytes
      responses: {"200": {description: ok, content: {image/png: {schema: {type: string, format: binary}}}}}
  /empty:
    get:
      operationId: empty
      responses: {"204": {description: ok}}
components:
  schemas:
    Problem: {type: object, properties: {code: {type: string}, message: {type: string}}}
"##;

/// How each operation's success is decoded: one response as itself,
/// several as an enum by status.
#[test]
fn response_kinds() {
    let view = plan(REPLIES);
    let kinds: Vec<ResponseKind> = ["one", "many", "text", "bytes", "empty"].iter().map(|id| operation(&view, id).response_kind).collect();
    assert_eq!(kinds, [ResponseKind::Json, ResponseKind::Enum, ResponseKind::Text, ResponseKind::Bytes, ResponseKind::Unit]);
    assert!(operation(&view, "one").output_enum.is_none());
    assert!(view.uses_json);
}

/// Status enums: a variant per documented status named by its reason
/// phrase (`Status<code>` without one), codes before ranges before
/// `default`, matched by code, range or `_`.
#[test]
fn status_enum_variants() {
    let view = plan(REPLIES);
    let op = operation(&view, "many");
    let variants = |e: &sdkgen::rust::view::StatusEnumView| -> Vec<(String, String, BodyDecoding)> {
        // Patterns are code: compare them without the tokens' spacing.
        e.variants.iter().map(|v| (v.name.clone(), v.pattern.to_string().replace(' ', ""), v.kind)).collect()
    };
    let v = |n: &str, p: &str, k| (n.to_string(), p.to_string(), k);
    let output = op.output_enum.as_ref().unwrap();
    assert_eq!((output.name.as_str(), output.has_fallback), ("ManyOutput", false));
    assert_eq!(
        variants(output),
        [v("Created", "201", BodyDecoding::Json), v("Status299", "299", BodyDecoding::Unit), v("Success", "200..=299", BodyDecoding::Text),]
    );
    let errors = op.error_enum.as_ref().unwrap();
    assert_eq!((errors.name.as_str(), errors.has_fallback), ("ManyErrorBody", true));
    assert_eq!(
        variants(errors),
        [
            v("ImATeapot", "418", BodyDecoding::Unit),
            v("Status599", "599", BodyDecoding::Unit),
            v("ClientError", "400..=499", BodyDecoding::Json),
            v("Default", "_", BodyDecoding::Unit),
        ]
    );
    // One documented error: its body is the error type, no enum.
    assert!(operation(&view, "one").error_enum.is_none());
}

/// A `[docs]` example must name an operation, give its required
/// parameters, name only parameters it has, with values of their types.
#[test]
fn docs_example_diagnostics() {
    let yaml = r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer}}
        - {name: full, in: query, schema: {type: boolean}}
      responses: {"200": {description: ok}}
"##;
    let example = |operation: &str, args: &[(&str, &str)]| Settings {
        docs: sdkgen::settings::DocsSettings {
            example: Some(sdkgen::settings::ExampleCall {
                operation: operation.into(),
                arguments: args.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            }),
            ..Default::default()
        },
        ..Default::default()
    };
    let error = |settings| plan_with(yaml, settings).expect_err("a diagnostic").to_string();
    assert_eq!(
        error(example("getPets", &[])),
        "error: sdkgen.toml: [docs] names `getPets`, which is not an operation of the description\n  help: use an operationId as the description writes it"
    );
    assert_eq!(
        error(example("getPet", &[])),
        "error: sdkgen.toml: [docs] example `getPet` has no value for its required parameter `id`\n  help: add it to `arguments`"
    );
    assert_eq!(
        error(example("getPet", &[("id", "7"), ("color", "red")])),
        "error: sdkgen.toml: [docs] example `getPet` has no parameter `color`\n  help: its parameters: id, full"
    );
    assert_eq!(error(example("getPet", &[("id", "seven")])), "error: sdkgen.toml: [docs] `seven` is not a value of type i64");
    assert_eq!(error(example("getPet", &[("id", "7"), ("full", "yes")])), "error: sdkgen.toml: [docs] `yes` is not a value of type bool");
    let view = plan_with(yaml, example("getPet", &[("id", "7"), ("full", "true")])).unwrap();
    assert_eq!(view.quick_start.unwrap().body[1], "match client.default().get_pet(7).full(true).send().await {");
}

/// Each operation keeps its security alternatives, each a list of the
/// `Scheme` variants it needs together (the warning about two schemes in one
/// `Authorization` header is the model's: tests/auth_clash.rs).
#[test]
fn each_operation_keeps_its_security_alternatives() {
    let view = plan(
        r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    get:
      operationId: both
      security: [{basic: [], bearer: []}]
      responses: {"200": {description: ok}}
  /b:
    get:
      operationId: keyAndBearer
      security: [{key: [], bearer: []}, {basic: []}]
      responses: {"200": {description: ok}}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
    basic: {type: http, scheme: basic}
    bearer: {type: http, scheme: bearer}
"##,
    );
    let security: Vec<&Vec<Vec<String>>> = view.controllers[0].operations.iter().map(|o| &o.security).collect();
    let alt = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    assert_eq!(security, [&vec![alt(&["Basic", "Bearer"])], &vec![alt(&["Key", "Bearer"]), alt(&["Basic"])]]);
}
