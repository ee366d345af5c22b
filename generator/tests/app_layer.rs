//! `[app]` settings: the OAuth app layer is generated for any API with an
//! authorization-code scheme, from its description and settings; a setting
//! that names something the description lacks is a diagnostic naming the fix.

use std::path::PathBuf;

use sdkgen::render::FileSet;
use serde_json::json;

/// A chat API that is not Slack: OAuth 2 with relative URLs, a `/me` call.
fn description() -> String {
    serde_json::to_string_pretty(&json!({
        "openapi": "3.0.3",
        "info": {"title": "Acme Chat", "version": "1"},
        "servers": [{"url": "https://api.acme.test/v2"}],
        "paths": {
            "/me": {"get": {"operationId": "whoAmI", "security": [{"acmeAuth": ["chat"]}], "responses": {"200": {"description": "ok"}}}},
            "/oauth/token": {"post": {"operationId": "exchangeToken", "responses": {"200": {"description": "ok"}}}}
        },
        "components": {"securitySchemes": {
            "acmeAuth": {"type": "oauth2", "flows": {"authorizationCode": {
                "authorizationUrl": "/oauth/authorize", "tokenUrl": "/oauth/token", "scopes": {"chat": "Chat", "chat:write": "Write"}
            }}},
            "apiKey": {"type": "apiKey", "in": "header", "name": "X-Key"}
        }}
    }))
    .unwrap()
}

const GOOD: &str = r#"
[crate]
name = "acme-chat"

[app]
scheme = "acmeAuth"
pkce = true
rotation_window_minutes = 30
signing_secret_env = "ACME_SIGNING_SECRET"

[app.installation]
team_id = "/workspace/id"
bot_token = "/access_token"
bot_refresh_token = "/refresh_token"
bot_token_expires_in = "/expires_in"

[app.identity]
operation = "whoAmI"
bot_id = "/id"

[app.signature]
signature_header = "X-Acme-Signature"
timestamp_header = "X-Acme-Timestamp"
base_string = "{timestamp}.{body}"
signature_prefix = "sha256="
max_age_seconds = 120
"#;

fn render(settings: &str) -> Result<FileSet, String> {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("openapi.json");
    std::fs::write(&spec, description()).unwrap();
    let settings_path = dir.path().join("sdkgen.toml");
    std::fs::write(&settings_path, format!("spec = \"openapi.json\"\n{settings}")).unwrap();
    let job = sdkgen::settings::single(&spec, &dir.path().join("out"), Some(&settings_path)).map_err(|d| d.to_string())?;
    sdkgen::workflow::render_job(&job, dir.path()).map_err(|d| d.to_string())
}

fn file<'a>(files: &'a FileSet, path: &str) -> &'a str {
    files.get(&PathBuf::from(path)).unwrap_or_else(|| panic!("no {path}"))
}

#[test]
fn an_api_other_than_slack_gets_its_own_app_layer() {
    let files = render(GOOD).unwrap();
    let app = file(&files, "src/app.rs");
    for expected in [
        // Relative OAuth URLs made whole against the server.
        r#"authorization_url: "https://api.acme.test/v2/oauth/authorize".to_string()"#,
        r#"token_url: "https://api.acme.test/v2/oauth/token".to_string()"#,
        r#"url: "https://api.acme.test/v2/me".to_string()"#,
        "pkce: true",
        "rotation_window: std::time::Duration::from_secs(1800)",
        r#"team_id: "/workspace/id""#,
        r#"signature_header: "X-Acme-Signature""#,
        r#"base_string: "{timestamp}.{body}""#,
        "max_age: std::time::Duration::from_secs(120)",
        r#"signing_secret: "ACME_SIGNING_SECRET""#,
        "user_scope_param: None",
        "openid: None",
        "..Default::default()",
    ] {
        assert!(app.contains(expected), "src/app.rs lacks {expected}:\n{app}");
    }
    assert!(!app.contains("pub mod sign_in"), "no OpenID Connect settings, no sign-in module");
    assert!(file(&files, "Cargo.toml").contains("app = [\"sdkgen-runtime/app\"]"));
    assert!(file(&files, "src/lib.rs").contains("#[cfg(feature = \"app\")]\npub mod app;"));
    for guide in ["docs/app_install.md", "docs/app_stores.md", "docs/app_rotation.md", "docs/app_signatures.md"] {
        assert!(files.contains_key(&PathBuf::from(guide)), "no {guide}");
    }
    assert!(!files.contains_key(&PathBuf::from("docs/app_sign_in.md")));
    assert!(file(&files, "docs/app_install.md").contains("use acme_chat::app;"));
}

#[test]
fn without_app_settings_there_is_no_app_layer() {
    let files = render("[crate]\nname = \"acme-chat\"\n").unwrap();
    assert!(!files.contains_key(&PathBuf::from("src/app.rs")));
    assert!(!file(&files, "Cargo.toml").contains("app = "));
    assert!(!file(&files, "src/lib.rs").contains("pub mod app"));
}

#[test]
fn app_settings_naming_what_the_description_lacks_are_diagnostics() {
    let cases = [
        (GOOD.replace("scheme = \"acmeAuth\"", "scheme = \"nope\""), "[app] scheme `nope` is not a security scheme", "`acmeAuth`"),
        (GOOD.replace("scheme = \"acmeAuth\"", "scheme = \"apiKey\""), "has no OAuth 2 authorization-code flow", "`acmeAuth`"),
        (GOOD.replace("team_id = ", "workspace_id = "), "[app.installation] has no field `workspace_id`", "team_id"),
        (GOOD.replace("\"/workspace/id\"", "\"workspace.id\""), "is not a JSON pointer", "\"/workspace.id\""),
        (
            GOOD.replace("operation = \"whoAmI\"", "operation = \"auth_test\""),
            "identity operation `auth_test` is not an operation",
            "overlay",
        ),
        (GOOD.replace("{timestamp}.{body}", "{body}"), "base_string must contain", "v0:{timestamp}:{body}"),
        (GOOD.replace("pkce = true", "pkce = true\nsurprise = 1"), "unknown field `surprise`", "settings reference"),
    ];
    for (settings, message, hint) in cases {
        let error = render(&settings).expect_err(message);
        assert!(error.contains(message), "expected {message:?} in:\n{error}");
        assert!(error.contains(hint), "expected the hint {hint:?} in:\n{error}");
        assert!(error.contains("sdkgen.toml"), "the file is named:\n{error}");
    }
}
