//! Snapshots of what small descriptions generate, one concern each: the
//! rendered crate (every file but the vendored runtime and the recorded
//! description, concatenated under `// ==== path ====` lines) and, for some,
//! the model `sdkgen::model::build` makes of them.
//!
//! They guard refactors of the model and the view: a change that alters the
//! generated text shows up as a snapshot diff. After an intended change,
//! review the diff and accept it with `cargo insta review` (or rerun with
//! `INSTA_UPDATE=always` and read `git diff`).
//!
//! The descriptions live in `tests/fixtures/snapshots/`, each with a comment
//! saying what it exercises.

use sdkgen::render::FileSet;
use sdkgen::settings::{Settings, Untagged};

mod support;
use support::*;

/// The generated files that come from the description, each under a
/// `// ==== path ====` line, in path order. The vendored runtime is the same
/// for every description and `.sdkgen/` holds the description itself.
fn crate_text(files: &FileSet) -> String {
    let mut out = String::new();
    for (path, text) in files {
        let path = path.to_string_lossy().replace('\\', "/");
        if path.starts_with("vendor/") || path.starts_with(".sdkgen/") {
            continue;
        }
        out.push_str(&format!("// ==== {path} ====\n"));
        out.push_str(text);
        if !text.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// Settings from the text of an `sdkgen.toml`.
fn settings(toml: &str) -> Settings {
    toml::from_str(toml).unwrap_or_else(|e| panic!("settings: {e}"))
}

/// The model of `yaml`, pretty-printed.
fn model_text(yaml: &str, settings: &Settings) -> String {
    format!("{:#?}\n", model_with(yaml, settings))
}

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!("fixtures/snapshots/", $name, ".yaml"))
    };
}

/// Snapshots the crate generated from the fixture `$name` with default settings.
macro_rules! crate_snapshot {
    ($test:ident, $name:literal) => {
        #[test]
        fn $test() {
            let files = render_with(fixture!($name), Settings::default());
            insta::assert_snapshot!(concat!($name, "_crate"), crate_text(&files));
        }
    };
}

/// Snapshots the crate generated from the fixture `$name` with the settings
/// in `$name.toml` beside it.
macro_rules! crate_snapshot_with_settings {
    ($test:ident, $name:literal) => {
        #[test]
        fn $test() {
            let settings = settings(include_str!(concat!("fixtures/snapshots/", $name, ".toml")));
            let files = render_with(fixture!($name), settings);
            insta::assert_snapshot!(concat!($name, "_crate"), crate_text(&files));
        }
    };
}

/// Snapshots the model of the fixture `$name` with default settings.
macro_rules! model_snapshot {
    ($test:ident, $name:literal) => {
        #[test]
        fn $test() {
            insta::assert_snapshot!(concat!($name, "_model"), model_text(fixture!($name), &Settings::default()));
        }
    };
}

crate_snapshot!(path_parameters, "params_path");
crate_snapshot!(query_parameters, "params_query");
crate_snapshot!(header_and_cookie_parameters, "params_header_cookie");
crate_snapshot!(json_bodies, "body_json");
crate_snapshot!(form_multipart_binary_and_text_bodies, "body_forms");
crate_snapshot!(responses, "responses");
crate_snapshot!(api_keys_and_http_schemes, "security_keys");
crate_snapshot!(oauth_flows_and_openid_connect, "security_oauth");
crate_snapshot!(enums_and_nullable_fields, "enums_nullable");
crate_snapshot!(unions_with_and_without_discriminator, "unions");
crate_snapshot!(additional_properties_maps, "maps");
crate_snapshot!(servers_tags_groups_and_docs, "docs_tags_servers");
crate_snapshot_with_settings!(cursor_pagination, "pagination");
crate_snapshot_with_settings!(crate_auth_response_and_docs_settings, "settings_driven");

model_snapshot!(model_of_path_parameters, "params_path");
model_snapshot!(model_of_query_parameters, "params_query");
model_snapshot!(model_of_header_and_cookie_parameters, "params_header_cookie");
model_snapshot!(model_of_form_bodies, "body_forms");
model_snapshot!(model_of_responses, "responses");
model_snapshot!(model_of_security_schemes, "security_keys");
model_snapshot!(model_of_oauth_flows, "security_oauth");
model_snapshot!(model_of_unions, "unions");
model_snapshot!(model_of_tags_and_servers, "docs_tags_servers");

/// The model with settings: credential parameters, token variable,
/// anonymous scopes, retry safety and error properties.
#[test]
fn model_with_settings() {
    let settings = settings(include_str!("fixtures/snapshots/settings_driven.toml"));
    insta::assert_snapshot!("settings_driven_model", model_text(fixture!("settings_driven"), &settings));
}

fn untagged_by_path() -> Settings {
    Settings { untagged: Untagged::Path, ..Default::default() }
}

/// `untagged = "path"`: one controller per first path segment.
#[test]
fn untagged_operations_split_by_path() {
    let files = render_with(fixture!("untagged_path"), untagged_by_path());
    insta::assert_snapshot!("untagged_path_crate", crate_text(&files));
}

#[test]
fn model_of_untagged_operations_split_by_path() {
    insta::assert_snapshot!("untagged_path_model", model_text(fixture!("untagged_path"), &untagged_by_path()));
}

/// The same description renders the same text twice (nothing depends on
/// hash order or the output folder).
#[test]
fn rendering_is_deterministic() {
    let a = crate_text(&render_with(fixture!("security_oauth"), Settings::default()));
    let b = crate_text(&render_with(fixture!("security_oauth"), Settings::default()));
    assert_eq!(a, b);
}
