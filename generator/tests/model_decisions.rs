//! The decisions `sdkgen::model::build` makes, each checked for its exact
//! value: parameter styles and explode defaults per location, the order of
//! responses by status, request body encodings per media type, security
//! schemes and OAuth grants, operation ids, tags and their controllers, and
//! the diagnostics for input it cannot model.

// Rows of tuples are how these tests lay out expected values.
#![allow(clippy::type_complexity)]

use sdkgen::model::{
    Api, ApiKeyLocation, BodyKind, FieldEncoding, OAuthFlowKind, Operation, ParamLocation, ParamStyle, SchemeKind, SchemeUse, StatusKey,
    Ty, TypeKind,
};
use sdkgen::settings::{OperationSettings, SchemeSettings, Settings, Untagged};

mod support;
use support::*;

fn op<'a>(api: &'a Api, id: &str) -> &'a Operation {
    api.operations.iter().find(|o| o.id == id).unwrap_or_else(|| panic!("no operation {id}"))
}

/// A description with one `GET /things/{id}` operation `op` whose
/// `parameters` are `params` (YAML flow sequence items, one per line).
fn with_params(params: &[&str]) -> String {
    let mut yaml = String::from(
        "openapi: 3.0.3\ninfo: {title: T, version: \"1\"}\npaths:\n  /things/{id}:\n    get:\n      operationId: op\n      parameters:\n",
    );
    for p in params {
        yaml.push_str(&format!("        - {p}\n"));
    }
    yaml.push_str("      responses:\n        \"200\": {description: ok}\n");
    yaml
}

/// `(name, location, style, explode, required)` of each parameter of `op`.
fn param_summary(api: &Api) -> Vec<(String, ParamLocation, ParamStyle, bool, bool)> {
    op(api, "op").params.iter().map(|p| (p.name.clone(), p.location, p.style, p.explode, p.required)).collect()
}

#[test]
fn style_and_explode_default_per_location() {
    let api = model(&with_params(&[
        "{name: id, in: path, required: true, schema: {type: array, items: {type: string}}}",
        "{name: q, in: query, schema: {type: array, items: {type: string}}}",
        "{name: X-H, in: header, schema: {type: array, items: {type: string}}}",
        "{name: c, in: cookie, schema: {type: array, items: {type: string}}}",
    ]));
    assert_eq!(
        param_summary(&api),
        [
            ("id".to_string(), ParamLocation::Path, ParamStyle::Simple, false, true),
            ("q".to_string(), ParamLocation::Query, ParamStyle::Form, true, false),
            ("X-H".to_string(), ParamLocation::Header, ParamStyle::Simple, false, false),
            ("c".to_string(), ParamLocation::Cookie, ParamStyle::Form, true, false),
        ]
    );
}

#[test]
fn declared_styles_and_explode_are_kept() {
    let api = model(&with_params(&[
        "{name: id, in: path, required: true, style: matrix, explode: true, schema: {type: string}}",
        "{name: a, in: query, style: spaceDelimited, explode: false, schema: {type: array, items: {type: string}}}",
        "{name: b, in: query, style: pipeDelimited, explode: false, schema: {type: array, items: {type: string}}}",
        "{name: c, in: query, style: deepObject, explode: true, schema: {type: object, properties: {x: {type: string}}}}",
        "{name: d, in: query, style: form, explode: false, schema: {type: array, items: {type: string}}}",
        "{name: e, in: cookie, explode: false, schema: {type: string}}",
        "{name: X-F, in: header, explode: true, schema: {type: string}}",
    ]));
    assert_eq!(
        param_summary(&api),
        [
            ("id".to_string(), ParamLocation::Path, ParamStyle::Matrix, true, true),
            ("a".to_string(), ParamLocation::Query, ParamStyle::SpaceDelimited, false, false),
            ("b".to_string(), ParamLocation::Query, ParamStyle::PipeDelimited, false, false),
            ("c".to_string(), ParamLocation::Query, ParamStyle::DeepObject, true, false),
            ("d".to_string(), ParamLocation::Query, ParamStyle::Form, false, false),
            ("e".to_string(), ParamLocation::Cookie, ParamStyle::Form, false, false),
            ("X-F".to_string(), ParamLocation::Header, ParamStyle::Simple, true, false),
        ]
    );
}

#[test]
fn label_style_path_parameter() {
    let api = model(&with_params(&["{name: id, in: path, required: true, style: label, schema: {type: integer, format: int32}}"]));
    let p = &op(&api, "op").params[0];
    assert_eq!((p.style, p.explode, &p.ty), (ParamStyle::Label, false, &Ty::Integer(32)));
}

#[test]
fn runtime_names_of_styles() {
    let names: Vec<&str> = [
        ParamStyle::Form,
        ParamStyle::Simple,
        ParamStyle::SpaceDelimited,
        ParamStyle::PipeDelimited,
        ParamStyle::DeepObject,
        ParamStyle::Label,
        ParamStyle::Matrix,
    ]
    .into_iter()
    .map(ParamStyle::runtime_variant)
    .collect();
    assert_eq!(names, ["Form", "Simple", "SpaceDelimited", "PipeDelimited", "DeepObject", "Label", "Matrix"]);
}

/// A name in the path template that no parameter declares is still a
/// required string path parameter, after the declared ones.
#[test]
fn undeclared_path_template_names_become_string_parameters() {
    let api = model(
        r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /orgs/{org}/repos/{repo}:
    get:
      operationId: op
      parameters:
        - {name: repo, in: path, required: true, schema: {type: integer}}
      responses:
        "200": {description: ok}
"##,
    );
    let params = &op(&api, "op").params;
    let summary: Vec<(&str, &Ty, ParamStyle, bool)> = params.iter().map(|p| (p.name.as_str(), &p.ty, p.style, p.required)).collect();
    assert_eq!(summary, [("repo", &Ty::Integer(64), ParamStyle::Simple, true), ("org", &Ty::String, ParamStyle::Simple, true)]);
}

/// Path-level parameters come first; an operation's parameter of the same
/// name and location replaces one in place.
#[test]
fn operation_parameters_override_path_parameters() {
    let api = model(
        r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /things:
    parameters:
      - {name: limit, in: query, schema: {type: string}}
      - {name: limit, in: header, schema: {type: string}}
    get:
      operationId: op
      parameters:
        - {name: cursor, in: query, schema: {type: string}}
        - {name: limit, in: query, required: true, description: mine, schema: {type: integer, format: int32}}
      responses:
        "200": {description: ok}
"##,
    );
    let params = &op(&api, "op").params;
    let summary: Vec<(&str, ParamLocation, &Ty, bool, Option<&str>)> =
        params.iter().map(|p| (p.name.as_str(), p.location, &p.ty, p.required, p.description.as_deref())).collect();
    assert_eq!(
        summary,
        [
            ("limit", ParamLocation::Query, &Ty::Integer(32), true, Some("mine")),
            ("limit", ParamLocation::Header, &Ty::String, false, None),
            ("cursor", ParamLocation::Query, &Ty::String, false, None),
        ]
    );
}

/// Outside a body, file contents are text.
#[test]
fn binary_parameters_are_strings() {
    let api = model(&with_params(&[
        "{name: id, in: path, required: true, schema: {type: string, format: binary}}",
        "{name: q, in: query, schema: {type: array, items: {type: string, format: binary}}}",
    ]));
    let tys: Vec<&Ty> = op(&api, "op").params.iter().map(|p| &p.ty).collect();
    assert_eq!(tys, [&Ty::String, &Ty::Array(Box::new(Ty::String))]);
}

const RESPONSES: &str = r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    get:
      operationId: mixed
      responses:
        default: {description: other}
        "5XX": {description: server}
        "404": {description: missing}
        "4XX": {description: client}
        "400": {description: bad}
        "2XX": {description: some success}
        "204": {description: empty}
        "200":
          description: ok
          content:
            text/plain:
              schema: {type: string}
        "302": {description: moved}
  /b:
    get:
      operationId: defaultOnly
      responses:
        default:
          description: whatever
          content:
            application/octet-stream: {}
  /c:
    get:
      operationId: errorsOnly
      responses:
        default: {description: other}
        "500": {description: boom}
"##;

fn statuses(responses: &[sdkgen::model::Response]) -> Vec<StatusKey> {
    responses.iter().map(|r| r.status).collect()
}

/// Successes are 2xx, errors 4xx and 5xx, each codes ascending, then
/// ranges, then `default` (an error unless it is the only response);
/// 3xx are dropped.
#[test]
fn responses_are_ordered_codes_then_ranges_then_default() {
    let api = model(RESPONSES);
    let mixed = op(&api, "mixed");
    assert_eq!(statuses(&mixed.successes), [StatusKey::Code(200), StatusKey::Code(204), StatusKey::Range(2)]);
    assert_eq!(
        statuses(&mixed.errors),
        [StatusKey::Code(400), StatusKey::Code(404), StatusKey::Range(4), StatusKey::Range(5), StatusKey::Default]
    );
    assert_eq!(mixed.success().map(|r| r.status), Some(StatusKey::Code(200)));
    assert_eq!(mixed.error().map(|r| r.status), Some(StatusKey::Code(400)));

    let default_only = op(&api, "defaultOnly");
    assert_eq!(statuses(&default_only.successes), [StatusKey::Default]);
    assert!(default_only.errors.is_empty());

    let errors_only = op(&api, "errorsOnly");
    assert!(errors_only.successes.is_empty());
    assert_eq!(statuses(&errors_only.errors), [StatusKey::Code(500), StatusKey::Default]);
}

#[test]
fn response_bodies_by_media_type() {
    let api = model(RESPONSES);
    let mixed = op(&api, "mixed");
    let bodies: Vec<(Option<&str>, Option<&Ty>, Option<&str>)> =
        mixed.successes.iter().map(|r| (r.media_type.as_deref(), r.ty.as_ref(), r.description.as_deref())).collect();
    assert_eq!(
        bodies,
        [(Some("text/plain"), Some(&Ty::String), Some("ok")), (None, None, Some("empty")), (None, None, Some("some success"))]
    );
    let bytes = &op(&api, "defaultOnly").successes[0];
    assert_eq!((bytes.media_type.as_deref(), bytes.ty.as_ref()), (Some("application/octet-stream"), Some(&Ty::Binary)));
}

#[test]
fn status_keys_display_and_order_as_descriptions_write_them() {
    let mut keys = [StatusKey::Default, StatusKey::Range(5), StatusKey::Code(503), StatusKey::Range(4), StatusKey::Code(201)];
    keys.sort();
    let shown: Vec<String> = keys.iter().map(ToString::to_string).collect();
    assert_eq!(shown, ["201", "503", "4XX", "5XX", "default"]);
}

/// The first JSON response media type is the one decoded, whatever its
/// position.
#[test]
fn a_json_response_is_preferred_over_other_media_types() {
    let api = model(
        r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    get:
      operationId: op
      responses:
        "200":
          description: ok
          content:
            text/html: {schema: {type: string}}
            application/problem+json: {schema: {type: object, properties: {x: {type: boolean}}}}
            application/json: {schema: {type: integer}}
"##,
    );
    let r = &op(&api, "op").successes[0];
    assert_eq!(r.media_type.as_deref(), Some("application/problem+json"));
    let Some(Ty::Named(id)) = r.ty else { panic!("{:?}", r.ty) };
    assert_eq!(api.ty(id).name, ["op", "response"]);
}

/// A description with one `POST /upload` operation `op` whose request body
/// `content` is `content` (YAML, indented for its place).
fn with_body(content: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: T, version: \"1\"}}\npaths:\n  /upload:\n    post:\n      operationId: op\n      requestBody:\n        content:\n{content}      responses:\n        \"204\": {{description: ok}}\n"
    )
}

fn body_of(content: &str) -> sdkgen::model::Body {
    op(&model(&with_body(content)), "op").body.clone().expect("a body")
}

#[test]
fn body_encoding_per_media_type() {
    let cases = [
        ("application/json", BodyKind::Json(Ty::String)),
        ("application/vnd.api+json", BodyKind::Json(Ty::String)),
        ("'*/*'", BodyKind::Json(Ty::String)),
        ("text/plain", BodyKind::Text),
        ("text/csv", BodyKind::Text),
        ("application/octet-stream", BodyKind::Binary),
        ("image/png", BodyKind::Binary),
        ("application/x-www-form-urlencoded", BodyKind::Form),
        ("multipart/form-data", BodyKind::Multipart),
        ("multipart/mixed", BodyKind::Multipart),
    ];
    let mut got = Vec::new();
    for (media, _) in &cases {
        let body = body_of(&format!("          {media}:\n            schema: {{type: string}}\n"));
        got.push((body.media_type, body.kind));
    }
    let want: Vec<(String, BodyKind)> = cases.iter().map(|(m, k)| (m.trim_matches('\'').to_string(), k.clone())).collect();
    assert_eq!(got, want);
}

/// The first listed media type the client encodes itself is sent (bytes
/// only when nothing else is listed); the others of the same encoding are
/// alternatives, the rest documented as unsupported.
#[test]
fn body_media_type_choice_and_alternatives() {
    let body = body_of(
        "          application/octet-stream: {schema: {type: string, format: binary}}\n          application/xml: {schema: {type: string}}\n          application/json: {schema: {type: object, properties: {a: {type: string}}}}\n          application/merge-patch+json: {schema: {type: object}}\n          text/plain: {schema: {type: string}}\n",
    );
    assert_eq!(body.media_type, "application/json");
    assert_eq!(body.media_types, ["application/json", "application/merge-patch+json"]);
    assert_eq!(body.unsupported_media_types, ["application/octet-stream", "application/xml", "text/plain"]);

    let bytes = body_of("          image/png: {}\n          image/jpeg: {}\n          application/x-www-form-urlencoded: {}\n");
    assert_eq!(bytes.media_type, "application/x-www-form-urlencoded");

    let bytes = body_of("          image/png: {}\n          image/jpeg: {}\n          text/plain: {}\n");
    assert_eq!((bytes.media_type.as_str(), &bytes.kind), ("text/plain", &BodyKind::Text));
    assert_eq!(bytes.media_types, ["text/plain"]);
    assert_eq!(bytes.unsupported_media_types, ["image/png", "image/jpeg"]);

    let bytes = body_of("          image/png: {}\n          image/jpeg: {}\n");
    assert_eq!((bytes.media_type.as_str(), &bytes.kind), ("image/png", &BodyKind::Binary));
    assert_eq!(bytes.media_types, ["image/png", "image/jpeg"]);
}

/// Settings can pick the media type sent (`request_media_type`).
#[test]
fn settings_choose_the_request_media_type() {
    let yaml = with_body("          application/json: {schema: {type: string}}\n          application/octet-stream: {}\n");
    let settings = Settings {
        operations: [(
            "op".to_string(),
            OperationSettings { request_media_type: Some("application/octet-stream".into()), ..Default::default() },
        )]
        .into(),
        ..Default::default()
    };
    let body = op(&model_with(&yaml, &settings), "op").body.clone().unwrap();
    assert_eq!((body.media_type.as_str(), &body.kind), ("application/octet-stream", &BodyKind::Binary));
    assert_eq!(body.media_types, ["application/octet-stream", "application/json"]);
}

/// Form fields become `Body` parameters in declared order, with their
/// `encoding`; a URL-encoded form with a file goes as multipart.
#[test]
fn form_fields_are_body_parameters() {
    let yaml = with_body(
        r##"          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [b]
              properties:
                a: {type: object, properties: {x: {type: string}}}
                b: {type: string}
                c: {type: object, properties: {y: {type: string}}}
                d: {type: string, format: binary}
            encoding:
              a: {contentType: application/json}
              c: {style: deepObject}
"##,
    );
    let api = model(&yaml);
    let op = op(&api, "op");
    let body = op.body.as_ref().unwrap();
    assert_eq!((body.media_type.as_str(), &body.kind, body.required), ("multipart/form-data", &BodyKind::Multipart, false));
    let fields: Vec<(&str, ParamLocation, bool, FieldEncoding, ParamStyle, bool)> =
        op.params.iter().map(|p| (p.name.as_str(), p.location, p.required, p.encoding, p.style, p.explode)).collect();
    assert_eq!(
        fields,
        [
            ("a", ParamLocation::Body, false, FieldEncoding::Json, ParamStyle::Form, true),
            ("b", ParamLocation::Body, true, FieldEncoding::Default, ParamStyle::Form, true),
            // The file makes the form multipart, where `style` does not
            // apply: `c` is a part like any other.
            ("c", ParamLocation::Body, false, FieldEncoding::Default, ParamStyle::Form, true),
            ("d", ParamLocation::Body, false, FieldEncoding::Default, ParamStyle::Form, true),
        ]
    );
    assert_eq!(op.params[3].ty, Ty::Binary);
}

#[test]
fn a_styled_field_of_a_url_encoded_form() {
    let yaml = with_body(
        "          application/x-www-form-urlencoded:\n            schema: {type: object, properties: {c: {type: object, properties: {y: {type: string}}}}}\n            encoding: {c: {style: deepObject, explode: true}}\n",
    );
    let api = model(&yaml);
    let p = &op(&api, "op").params[0];
    assert_eq!((p.location, p.encoding, p.style, p.explode), (ParamLocation::Body, FieldEncoding::Styled, ParamStyle::DeepObject, true));
    assert_eq!(op(&api, "op").body.as_ref().unwrap().kind, BodyKind::Form);
    // `form` explodes unless told otherwise; the other styles do not.
    let yaml = yaml.replace("{style: deepObject, explode: true}", "{style: form}");
    let api = model(&yaml);
    let p = &op(&api, "op").params[0];
    assert_eq!((p.style, p.explode), (ParamStyle::Form, true));
    let yaml = yaml.replace("{style: form}", "{style: pipeDelimited}");
    let api = model(&yaml);
    let p = &op(&api, "op").params[0];
    assert_eq!((p.style, p.explode), (ParamStyle::PipeDelimited, false));
}

/// `binary_fields` in settings makes a field a file part.
#[test]
fn settings_make_fields_binary() {
    let yaml = with_body(
        "          multipart/form-data:\n            schema: {type: object, properties: {doc: {type: string}, note: {type: string}}}\n",
    );
    let settings = Settings {
        operations: [("op".to_string(), OperationSettings { binary_fields: vec!["doc".into()], ..Default::default() })].into(),
        ..Default::default()
    };
    let api = model_with(&yaml, &settings);
    let tys: Vec<(&str, &Ty)> = op(&api, "op").params.iter().map(|p| (p.name.as_str(), &p.ty)).collect();
    assert_eq!(tys, [("doc", &Ty::Binary), ("note", &Ty::String)]);
}

const SCHEMES: &str = r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths: {}
components:
  securitySchemes:
    inHeader: {type: apiKey, in: header, name: X-Key, description: "The key."}
    inQuery: {type: apiKey, in: query, name: key}
    inCookie: {type: apiKey, in: cookie, name: sid}
    basic: {type: http, scheme: Basic}
    bearer: {type: http, scheme: bearer, bearerFormat: JWT}
    plainBearer: {type: http, scheme: bearer}
    digest: {type: http, scheme: Digest}
    oidc: {type: openIdConnect, openIdConnectUrl: "https://id.example.com/.well-known/openid-configuration"}
    oauth:
      type: oauth2
      flows:
        implicit:
          authorizationUrl: https://a.example.com/implicit
          scopes: {b: "B", a: "A"}
        password:
          tokenUrl: https://a.example.com/password
          scopes: {}
        clientCredentials:
          tokenUrl: https://a.example.com/cc
          refreshUrl: https://a.example.com/refresh
          scopes: {c: ""}
        authorizationCode:
          authorizationUrl: https://a.example.com/authorize
          tokenUrl: https://a.example.com/token
          scopes: {read: Read}
"##;

#[test]
fn security_scheme_kinds() {
    let api = model(SCHEMES);
    let kinds: Vec<(&str, String)> = api.security_schemes.iter().map(|s| (s.name.as_str(), format!("{:?}", s.kind))).collect();
    assert_eq!(
        kinds[..8],
        [
            ("inHeader", r#"ApiKey { location: Header, param: "X-Key" }"#.to_string()),
            ("inQuery", r#"ApiKey { location: Query, param: "key" }"#.to_string()),
            ("inCookie", r#"ApiKey { location: Cookie, param: "sid" }"#.to_string()),
            ("basic", "Basic".to_string()),
            ("bearer", r#"Bearer { format: Some("JWT") }"#.to_string()),
            ("plainBearer", "Bearer { format: None }".to_string()),
            ("digest", r#"OtherHttp { scheme: "digest" }"#.to_string()),
            ("oidc", r#"OpenIdConnect { url: "https://id.example.com/.well-known/openid-configuration" }"#.to_string()),
        ]
    );
    assert_eq!(api.security_schemes[0].description.as_deref(), Some("The key."));
    let SchemeKind::ApiKey { location, .. } = &api.security_schemes[1].kind else { panic!() };
    assert_eq!((location.as_str(), location.to_string()), ("query", "query".to_string()));
    let locations: Vec<String> =
        [ApiKeyLocation::Header, ApiKeyLocation::Query, ApiKeyLocation::Cookie].iter().map(|l| serde_json::to_string(l).unwrap()).collect();
    assert_eq!(locations, [r#""header""#, r#""query""#, r#""cookie""#]);
}

/// Flows come in a fixed order (authorization code, client credentials,
/// password, implicit), whatever order the description lists them in.
#[test]
fn oauth_flows_in_fixed_order_with_their_urls_and_scopes() {
    let api = model(SCHEMES);
    let SchemeKind::OAuth2 { flows } = &api.security_schemes[8].kind else { panic!("{:?}", api.security_schemes[8].kind) };
    let summary: Vec<(OAuthFlowKind, Option<&str>, Option<&str>, Option<&str>, Vec<(String, String)>)> = flows
        .iter()
        .map(|f| (f.kind, f.authorization_url.as_deref(), f.token_url.as_deref(), f.refresh_url.as_deref(), f.scopes.clone()))
        .collect();
    let scope = |k: &str, v: &str| (k.to_string(), v.to_string());
    assert_eq!(
        summary,
        [
            (
                OAuthFlowKind::AuthorizationCode,
                Some("https://a.example.com/authorize"),
                Some("https://a.example.com/token"),
                None,
                vec![scope("read", "Read")]
            ),
            (
                OAuthFlowKind::ClientCredentials,
                None,
                Some("https://a.example.com/cc"),
                Some("https://a.example.com/refresh"),
                vec![scope("c", "")]
            ),
            (OAuthFlowKind::Password, None, Some("https://a.example.com/password"), None, vec![]),
            (OAuthFlowKind::Implicit, Some("https://a.example.com/implicit"), None, None, vec![scope("b", "B"), scope("a", "A")]),
        ]
    );
    let names: Vec<String> = flows.iter().map(|f| serde_json::to_string(&f.kind).unwrap()).collect();
    assert_eq!(names, [r#""authorization_code""#, r#""client_credentials""#, r#""password""#, r#""implicit""#]);
}

/// Settings override every flow's token URL and name the token's variable.
#[test]
fn scheme_settings_override_token_url_and_name_the_env_var() {
    let settings = Settings {
        auth: sdkgen::settings::AuthSettings {
            schemes: [(
                "oauth".to_string(),
                SchemeSettings {
                    token_url: Some("https://override/token".into()),
                    token_env: Some("MY_TOKEN".into()),
                    ..Default::default()
                },
            )]
            .into(),
            ..Default::default()
        },
        ..Default::default()
    };
    let api = model_with(SCHEMES, &settings);
    let oauth = &api.security_schemes[8];
    assert_eq!(oauth.env_var.as_deref(), Some("MY_TOKEN"));
    let SchemeKind::OAuth2 { flows } = &oauth.kind else { panic!() };
    let tokens: Vec<Option<&str>> = flows.iter().map(|f| f.token_url.as_deref()).collect();
    assert_eq!(tokens, [Some("https://override/token"), Some("https://override/token"), Some("https://override/token"), None]);
    assert_eq!(api.security_schemes[0].env_var, None);
}

/// An operation's `security` replaces the document's; an empty requirement
/// (`{}`) or an empty list makes credentials optional.
#[test]
fn security_requirements_per_operation() {
    let api = model(
        r##"
openapi: 3.0.3
info: {title: T, version: "1"}
security:
  - key: []
paths:
  /a:
    get: {operationId: inherits, responses: {"200": {description: ok}}}
  /b:
    get:
      operationId: either
      security:
        - key: []
          oauth: [read, write]
        - basic: []
      responses: {"200": {description: ok}}
  /c:
    get:
      operationId: optional
      security: [{key: []}, {}]
      responses: {"200": {description: ok}}
  /d:
    get:
      operationId: open
      security: []
      responses: {"200": {description: ok}}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
    basic: {type: http, scheme: basic}
    oauth: {type: oauth2, flows: {clientCredentials: {tokenUrl: "https://t", scopes: {read: r, write: w}}}}
"##,
    );
    let use_ = |scheme: &str, scopes: &[&str]| SchemeUse { scheme: scheme.into(), scopes: scopes.iter().map(|s| s.to_string()).collect() };
    let summary = |id: &str| (op(&api, id).security.clone(), op(&api, id).security_optional);
    assert_eq!(summary("inherits"), (vec![vec![use_("key", &[])]], false));
    assert_eq!(summary("either"), (vec![vec![use_("key", &[]), use_("oauth", &["read", "write"])], vec![use_("basic", &[])]], false));
    assert_eq!(summary("optional"), (vec![vec![use_("key", &[])]], true));
    assert_eq!(summary("open"), (vec![], true));
}

/// Without an `operationId`: the method and the path's words joined by
/// `_`; a derived id that is already taken gets `_2`, `_3`.
#[test]
fn operation_ids_derived_and_made_unique() {
    let api = model(
        r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /pets/{petId}/photos.json:
    get: {responses: {"200": {description: ok}}}
    delete: {operationId: get_other, responses: {"200": {description: ok}}}
  /:
    post: {responses: {"200": {description: ok}}}
  /other:
    get: {responses: {"200": {description: ok}}}
  /other/:
    get: {responses: {"200": {description: ok}}}
"##,
    );
    let ids: Vec<(&str, &str, &str)> = api.operations.iter().map(|o| (o.method.as_str(), o.path.as_str(), o.id.as_str())).collect();
    assert_eq!(
        ids,
        [
            ("GET", "/pets/{petId}/photos.json", "get_pets_petId_photos_json"),
            ("DELETE", "/pets/{petId}/photos.json", "get_other"),
            ("POST", "/", "post"),
            ("GET", "/other", "get_other_2"),
            ("GET", "/other/", "get_other_3"),
        ]
    );
}

/// Idempotent methods may be retried unless settings say otherwise.
#[test]
fn retry_safety_per_method() {
    let api = model(
        r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    get: {operationId: get, responses: {"200": {description: ok}}}
    put: {operationId: put, responses: {"200": {description: ok}}}
    post: {operationId: post, responses: {"200": {description: ok}}}
    delete: {operationId: delete, responses: {"200": {description: ok}}}
    options: {operationId: options, responses: {"200": {description: ok}}}
    head: {operationId: head, responses: {"200": {description: ok}}}
    patch: {operationId: patch, responses: {"200": {description: ok}}}
    trace: {operationId: trace, responses: {"200": {description: ok}}}
"##,
    );
    let safe: Vec<(&str, bool)> = api.operations.iter().map(|o| (o.id.as_str(), o.retry_safe)).collect();
    assert_eq!(
        safe,
        [
            ("get", true),
            ("put", true),
            ("post", false),
            ("delete", true),
            ("options", true),
            ("head", true),
            ("patch", false),
            ("trace", false),
        ]
    );
}

const TAGGED: &str = r##"
openapi: 3.0.3
info: {title: T, version: "1"}
tags:
  - {name: unused}
  - {name: pets, description: "Pet things."}
  - {name: animals}
paths:
  /stores:
    get: {operationId: listStores, tags: [stores, animals], responses: {"200": {description: ok}}}
  /pets:
    get: {operationId: listPets, tags: [pets, animals], responses: {"200": {description: ok}}}
  /misc:
    get: {operationId: misc, responses: {"200": {description: ok}}}
"##;

/// Declared tags first, then undeclared ones in order of first use; a tag
/// that is never first leads to the tags that hold its operations; an
/// unused declared tag is dropped; untagged operations go to `default`.
#[test]
fn tags_and_the_operations_filed_under_them() {
    let api = model(TAGGED);
    let tags: Vec<(&str, Vec<usize>, Vec<usize>, Option<&str>)> =
        api.tags.iter().map(|t| (t.name.as_str(), t.operations.clone(), t.groups.clone(), t.description.as_deref())).collect();
    assert_eq!(
        tags,
        [
            ("pets", vec![1], vec![], Some("Pet things.")),
            ("animals", vec![], vec![2, 0], None),
            ("stores", vec![0], vec![], None),
            ("default", vec![2], vec![], None),
        ]
    );
}

#[test]
fn default_tag_from_settings() {
    let api = model_with(TAGGED, &Settings { default_tag: Some("general".into()), ..Default::default() });
    assert_eq!(op(&api, "misc").tags, ["general"]);
    assert_eq!(api.tags.last().map(|t| t.name.as_str()), Some("general"));
}

/// `untagged = "path"`: the first path segment that is not a version, not
/// `api` and not a parameter; `default_tag`, then `default`, when none is.
#[test]
fn untagged_operations_by_first_path_segment() {
    let yaml = r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /v1/customers/{id}: {get: {operationId: a, responses: {"200": {description: ok}}}}
  /api/2.0/charges: {get: {operationId: b, responses: {"200": {description: ok}}}}
  /{tenant}/V2/refunds.list: {get: {operationId: c, responses: {"200": {description: ok}}}}
  /v1.2/v2beta/x: {get: {operationId: d, responses: {"200": {description: ok}}}}
  /api/v3: {get: {operationId: e, responses: {"200": {description: ok}}}}
  /tagged: {get: {operationId: f, tags: [own], responses: {"200": {description: ok}}}}
"##;
    let settings = Settings { untagged: Untagged::Path, default_tag: Some("rest".into()), ..Default::default() };
    let api = model_with(yaml, &settings);
    let tags: Vec<(&str, &str)> = api.operations.iter().map(|o| (o.id.as_str(), o.tags[0].as_str())).collect();
    assert_eq!(tags, [("a", "customers"), ("b", "charges"), ("c", "refunds.list"), ("d", "v2beta"), ("e", "rest"), ("f", "own")]);
}

/// `credential_parameters` in settings are taken off every operation (the
/// credential carries them) and listed.
#[test]
fn credential_parameters_are_removed() {
    let yaml = with_params(&[
        "{name: id, in: path, required: true, schema: {type: string}}",
        "{name: token, in: query, required: true, schema: {type: string}}",
        "{name: other, in: query, schema: {type: string}}",
    ]);
    let settings = Settings {
        auth: sdkgen::settings::AuthSettings { credential_parameters: vec!["token".into()], ..Default::default() },
        ..Default::default()
    };
    let api = model_with(&yaml, &settings);
    let op = op(&api, "op");
    let names: Vec<&str> = op.params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["id", "other"]);
    assert_eq!(op.credential_params, ["token"]);
}

const ERRORS: &str = r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    get:
      operationId: op
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  ok: {type: boolean, enum: [true]}
        "400":
          description: bad
          content:
            application/json:
              schema:
                type: object
                properties:
                  ok: {type: boolean, enum: [false]}
                  detail: {type: string}
                  code: {type: integer}
                  error: {type: string, enum: [bad_thing, worse_thing]}
        "500":
          description: boom
          content:
            application/json:
              schema:
                type: object
                properties:
                  error_code: {type: string}
                  title: {type: string}
"##;

/// The error code is the first string property of `error`, `code`,
/// `error_code`; the message of `message`, `error_description`, `detail`,
/// `title`. A documented code enum is named after the operation.
#[test]
fn error_code_and_message_properties() {
    let api = model(ERRORS);
    let op = op(&api, "op");
    let code = op.error_code.as_ref().unwrap();
    assert_eq!(code.path, ["error"]);
    let enum_id = code.enum_type.unwrap();
    assert_eq!(api.ty(enum_id).name, ["op", "error_code"]);
    let TypeKind::Enum { values } = &api.ty(enum_id).kind else { panic!("{:?}", api.ty(enum_id).kind) };
    assert_eq!(values, &["bad_thing", "worse_thing"]);
    assert_eq!(op.error_message.as_deref(), Some(&["detail".to_string()][..]));
    let second = &op.errors[1];
    assert_eq!(second.error_code.as_ref().map(|c| (c.path.clone(), c.enum_type)), Some((vec!["error_code".to_string()], None)));
    assert_eq!(second.error_message, Some(vec!["title".to_string()]));
}

/// Settings name the properties, as names or JSON pointers.
#[test]
fn error_properties_from_settings() {
    let settings = Settings {
        responses: sdkgen::settings::ResponseSettings {
            error_code_property: Some("/error/a~1b".into()),
            error_message_property: Some("msg".into()),
        },
        ..Default::default()
    };
    let api = model_with(ERRORS, &settings);
    let op = op(&api, "op");
    assert_eq!(op.error_code.as_ref().map(|c| c.path.clone()), Some(vec!["error".to_string(), "a/b".to_string()]));
    assert_eq!(op.error_message, Some(vec!["msg".to_string()]));
    assert_eq!(sdkgen::model::property_path("/a/~0b~1c"), ["a", "~b/c"]);
    assert_eq!(sdkgen::model::property_path("plain/name"), ["plain/name"]);
}

/// A property pinned to different constants in the success and error
/// bodies tells them apart.
#[test]
fn success_and_error_told_apart_by_a_pinned_property() {
    let api = model(ERRORS);
    let d = op(&api, "op").discriminator.clone().unwrap();
    assert_eq!((d.property.as_str(), d.success, d.error), ("ok", serde_json::json!(true), serde_json::json!(false)));
}

/// A component that may be null makes every use of it `Nullable`; an
/// inline `nullable` wraps its own type.
#[test]
fn nullable_components_and_fields() {
    let api = model(
        r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths: {}
components:
  schemas:
    Maybe: {type: object, nullable: true, properties: {a: {type: string}}}
    Either:
      oneOf:
        - {$ref: "#/components/schemas/Maybe"}
        - {type: integer}
    Holder:
      type: object
      required: [one]
      properties:
        one: {$ref: "#/components/schemas/Maybe"}
        many: {type: array, items: {$ref: "#/components/schemas/Maybe"}}
        text: {type: string, nullable: true}
        any: {nullable: true}
"##,
    );
    let holder = api.types.iter().find(|t| t.name == ["Holder"]).unwrap();
    let TypeKind::Struct { fields } = &holder.kind else { panic!() };
    let maybe = sdkgen::model::TypeId(0);
    let summary: Vec<(&str, &Ty, bool)> = fields.iter().map(|f| (f.name.as_str(), &f.ty, f.required)).collect();
    assert_eq!(
        summary,
        [
            ("one", &Ty::Nullable(Box::new(Ty::Named(maybe))), true),
            ("many", &Ty::Array(Box::new(Ty::Nullable(Box::new(Ty::Named(maybe))))), false),
            ("text", &Ty::Nullable(Box::new(Ty::String)), false),
            ("any", &Ty::Any, false),
        ]
    );
}

/// A discriminator's mapping gives each alternative its tag values.
#[test]
fn union_alternatives_and_their_tag_values() {
    let api = model(
        r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths: {}
components:
  schemas:
    Cat: {type: object, properties: {kind: {type: string}}}
    Dog: {type: object, properties: {kind: {type: string}}}
    Pet:
      oneOf: [{$ref: "#/components/schemas/Cat"}, {$ref: "#/components/schemas/Dog"}]
      discriminator:
        propertyName: kind
        mapping: {cat: "#/components/schemas/Cat", kitty: "#/components/schemas/Cat"}
    Loose:
      anyOf: [{type: string}, {type: array, items: {type: string}}]
"##,
    );
    let pet = api.types.iter().find(|t| t.name == ["Pet"]).unwrap();
    let TypeKind::Union { variants, tag } = &pet.kind else { panic!("{:?}", pet.kind) };
    assert_eq!(tag.as_deref(), Some("kind"));
    let summary: Vec<(String, Vec<String>)> = variants.iter().map(|v| (v.name.join("."), v.tag_values.clone())).collect();
    assert_eq!(summary, [("Cat".to_string(), vec!["cat".to_string(), "kitty".to_string()]), ("Dog".to_string(), vec!["Dog".to_string()])]);

    let loose = api.types.iter().find(|t| t.name == ["Loose"]).unwrap();
    let TypeKind::Union { variants, tag } = &loose.kind else { panic!("{:?}", loose.kind) };
    assert_eq!(*tag, None);
    let tys: Vec<&Ty> = variants.iter().map(|v| &v.ty).collect();
    assert_eq!(tys, [&Ty::String, &Ty::Array(Box::new(Ty::String))]);
}

#[test]
fn additional_properties_are_maps() {
    let api = model(
        r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths: {}
components:
  schemas:
    Holder:
      type: object
      properties:
        strings: {type: object, additionalProperties: {type: string}}
        free: {type: object, additionalProperties: true}
        closed: {type: object, additionalProperties: false}
        bare: {type: object}
"##,
    );
    let TypeKind::Struct { fields } = &api.types[0].kind else { panic!() };
    let tys: Vec<(&str, &Ty)> = fields.iter().map(|f| (f.name.as_str(), &f.ty)).collect();
    assert_eq!(
        tys,
        [
            ("strings", &Ty::Map(Box::new(Ty::String))),
            ("free", &Ty::Map(Box::new(Ty::Any))),
            ("closed", &Ty::Map(Box::new(Ty::Any))),
            ("bare", &Ty::Map(Box::new(Ty::Any))),
        ]
    );
}
