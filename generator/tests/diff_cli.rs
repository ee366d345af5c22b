//! `sdkgen diff` end to end: output formats, `--fail-on` exit codes, and bad
//! input as a diagnostic with exit 2.

use std::path::Path;
use std::process::{Command, Output};

fn sdkgen(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sdkgen")).args(args).current_dir(cwd).output().expect("sdkgen runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn spec(limit_required: bool, extra_param: bool) -> String {
    let mut params = vec![format!(r#"{{"name": "limit", "in": "query", "required": {limit_required}, "schema": {{"type": "integer"}}}}"#)];
    if extra_param {
        params.push(r#"{"name": "q", "in": "query", "schema": {"type": "string"}}"#.into());
    }
    format!(
        r#"{{"openapi": "3.0.3", "info": {{"title": "Pets", "version": "1"}},
  "paths": {{"/pets": {{"get": {{"operationId": "listPets", "tags": ["pets"], "parameters": [{}], "responses": {{"200": {{"description": "ok"}}}}}}}}}}}}"#,
        params.join(", ")
    )
}

/// A folder with `old.json`, `breaking.json` (a parameter became required) and
/// `added.json` (a new optional parameter).
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("old.json"), spec(false, false)).unwrap();
    std::fs::write(dir.path().join("breaking.json"), spec(true, false)).unwrap();
    std::fs::write(dir.path().join("added.json"), spec(false, true)).unwrap();
    dir
}

#[test]
fn fail_on_sets_the_exit_code() {
    let dir = workspace();
    let d = dir.path();
    // Breaking on 1.x is a major bump: meets every threshold.
    for level in ["major", "minor", "patch"] {
        let o = sdkgen(&["diff", "old.json", "breaking.json", "--version", "1.2.0", "--fail-on", level], d);
        assert_eq!(o.status.code(), Some(1), "--fail-on {level}: {}", text(&o.stderr));
    }
    // An addition on 1.x is a minor bump.
    let codes: Vec<Option<i32>> = ["major", "minor", "patch"]
        .iter()
        .map(|level| sdkgen(&["diff", "old.json", "added.json", "--version", "1.2.0", "--fail-on", level], d).status.code())
        .collect();
    assert_eq!(codes, [Some(0), Some(1), Some(1)]);
    // On 0.x a breaking change bumps the minor version.
    let o = sdkgen(&["diff", "old.json", "breaking.json", "--version", "0.4.1", "--fail-on", "major"], d);
    assert_eq!(o.status.code(), Some(0));
    let o = sdkgen(&["diff", "old.json", "breaking.json", "--version", "0.4.1", "--fail-on", "minor"], d);
    assert_eq!(o.status.code(), Some(1));
    // Without --fail-on, changes are not a failure; no change is exit 0 too.
    assert_eq!(sdkgen(&["diff", "old.json", "breaking.json"], d).status.code(), Some(0));
    let o = sdkgen(&["diff", "old.json", "old.json", "--fail-on", "patch"], d);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(text(&o.stdout), "sdkgen diff: no changes (the crate stays 0.1.0)\n");
}

#[test]
fn formats_and_version_from_settings() {
    let dir = workspace();
    let d = dir.path();
    std::fs::write(d.join("sdkgen.toml"), "[crate]\nversion = \"0.4.1\"\n").unwrap();
    let o = sdkgen(&["diff", "old.json", "breaking.json", "--settings", "sdkgen.toml"], d);
    let out = text(&o.stdout);
    assert!(out.starts_with("sdkgen diff: 1 breaking, 0 additions, 0 other (the crate goes 0.4.1 → 0.5.0: breaking)\n## Operations\n- BREAKING `listPets` (GET /pets): query parameter `limit` became required [request-parameter-became-required] — Rust: `pets().list_pets()` takes a new argument `limit`"), "{out}");
    let o = sdkgen(&["diff", "old.json", "added.json", "--version", "2.0.0", "--format", "markdown"], d);
    assert_eq!(
        text(&o.stdout),
        "## 2.1.0\n\n### Added\n\n- `listPets` (GET /pets): new optional query parameter `q` [new-optional-request-parameter]\n\n"
    );
    let o = sdkgen(&["diff", "old.json", "added.json", "--format", "json"], d);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (v["current_version"].as_str(), v["next_version"].as_str(), v["verdict"].as_str()),
        (Some("0.1.0"), Some("0.1.1"), Some("patch"))
    );
    assert_eq!(v["entries"][0]["check"], "new-optional-request-parameter");
}

#[test]
fn bad_input_is_a_diagnostic_with_exit_2() {
    let dir = workspace();
    let d = dir.path();
    std::fs::write(d.join("broken.json"), "{\"openapi\": \"3.0.3\", \"info\": ").unwrap();
    let o = sdkgen(&["diff", "old.json", "broken.json"], d);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).starts_with("error: broken.json"), "{}", text(&o.stderr));
    let o = sdkgen(&["diff", "old.json", "missing.json"], d);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("missing.json"), "{}", text(&o.stderr));
    let o = sdkgen(&["diff", "old.json", "added.json", "--version", "one"], d);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("`one` is not a version"), "{}", text(&o.stderr));
    let o = sdkgen(&["diff", "old.json", "added.json", "--fail-on", "none"], d);
    assert_eq!(o.status.code(), Some(2));
}
