//! The `sdkgen` binary end to end: exit codes, diagnostics, and that bad input
//! leaves the output folder exactly as it was.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sdkgen(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sdkgen")).args(args).current_dir(cwd).output().expect("sdkgen runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

const PETS: &str = r##"{
  "openapi": "3.0.3",
  "info": {"title": "Pets", "version": "1"},
  "servers": [{"url": "https://pets.example/v1"}],
  "paths": {
    "/pets/{id}": {
      "get": {
        "operationId": "getPet",
        "tags": ["pets"],
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}}}
      }
    }
  },
  "components": {"schemas": {"Pet": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}}}
}"##;

/// A folder with `spec.json` and an output folder holding one sentinel file.
fn workspace(spec: &str) -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let spec_path = dir.path().join("spec.json");
    std::fs::write(&spec_path, spec).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("sentinel.txt"), "untouched").unwrap();
    (dir, spec_path, out)
}

fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    files.sort();
    files
}

fn assert_rejected(spec: &str, expect: &[&str]) {
    let (dir, spec_path, out) = workspace(spec);
    let before = snapshot(&out);
    let o = sdkgen(&["generate", "--spec", "spec.json", "--out", "out"], dir.path());
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    assert!(err.contains("spec.json"), "names the file: {err}");
    for e in expect {
        assert!(err.contains(e), "expected {e:?} in: {err}");
    }
    assert!(err.contains("help:"), "says how to fix it: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(snapshot(&out), before, "output folder changed");
    drop(spec_path);
}

#[test]
fn generate_then_check_round_trips_and_drift_is_reported_with_the_fix() {
    let (dir, _, _) = workspace(PETS);
    let o = sdkgen(&["generate", "--spec", "spec.json", "--out", "out", "--force"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = dir.path().join("out");
    assert!(out.join("src/models/pet.rs").is_file());
    assert_eq!(std::fs::read_to_string(out.join("sentinel.txt")).unwrap(), "untouched", "files the generator does not own stay");

    let o = sdkgen(&["check", "--spec", "spec.json", "--out", "out"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));

    // Hand edit → check fails with a diff and the command that fixes it.
    let model = out.join("src/models/pet.rs");
    let edited = std::fs::read_to_string(&model).unwrap().replace("pub name: String", "pub name: i64");
    std::fs::write(&model, edited).unwrap();
    std::fs::write(out.join("stray.rs"), "// not generated\n").unwrap();
    let o = sdkgen(&["check", "--spec", "spec.json", "--out", "out"], dir.path());
    let stdout = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("-    pub name: i64,") && stdout.contains("+    pub name: String,"), "{stdout}");
    assert!(!stdout.contains("stray.rs"), "a file the generator never wrote is not its business: {stdout}");
    assert!(stdout.contains("sdkgen generate --spec spec.json --out out"), "{stdout}");

    // Generating again repairs it.
    let o = sdkgen(&["generate", "--spec", "spec.json", "--out", "out"], dir.path());
    assert_eq!(o.status.code(), Some(0));
    let o = sdkgen(&["check", "--spec", "spec.json", "--out", "out"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
}

#[test]
fn output_is_byte_identical_across_runs() {
    let (dir, _, _) = workspace(PETS);
    sdkgen(&["generate", "--spec", "spec.json", "--out", "a"], dir.path());
    sdkgen(&["generate", "--spec", "spec.json", "--out", "b"], dir.path());
    let strip = |files: Vec<(PathBuf, Vec<u8>)>, root: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        files.into_iter().map(|(p, b)| (p.strip_prefix(root).unwrap().to_path_buf(), b)).collect()
    };
    let a = strip(snapshot(&dir.path().join("a")), &dir.path().join("a"));
    let b = strip(snapshot(&dir.path().join("b")), &dir.path().join("b"));
    assert!(!a.is_empty());
    assert_eq!(a, b);
}

#[test]
fn missing_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = sdkgen(&["generate", "--spec", "nope.yaml", "--out", "out"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("nope.yaml") && err.contains("help:"), "{err}");
    assert!(!dir.path().join("out").exists(), "nothing written");
}

#[test]
fn invalid_json_names_line_and_column() {
    assert_rejected("{\n  \"openapi\": \"3.0.0\",\n  \"info\": {,}\n}", &["spec.json:3:"]);
}

#[test]
fn unsupported_version_is_rejected() {
    assert_rejected(r#"{"openapi": "4.0.0", "info": {"title": "x", "version": "1"}, "paths": {}}"#, &["/openapi"]);
}

#[test]
fn dangling_ref_names_the_pointer() {
    let spec = PETS.replace("schemas/Pet\"}", "schemas/Missing\"}");
    assert_rejected(&spec, &["Missing", "/paths/~1pets~1{id}/get/responses/200/content/application~1json/schema"]);
}

#[test]
fn duplicate_operation_id_is_rejected() {
    let spec = PETS.replace(
        r#""/pets/{id}": {"#,
        r#""/other": {"get": {"operationId": "getPet", "responses": {"200": {"description": "ok"}}}}, "/pets/{id}": {"#,
    );
    assert_rejected(&spec, &["getPet", "operationId"]);
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let o = sdkgen(&["generate", "--spec", "x.json"], dir.path());
    assert_eq!(o.status.code(), Some(2), "--spec without --out");
    let o = sdkgen(&["frobnicate"], dir.path());
    assert_eq!(o.status.code(), Some(2));
}

/// A settings file beside the description, for the settings checks.
fn with_settings(settings: &str) -> (tempfile::TempDir, Output) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spec.json"), PETS).unwrap();
    std::fs::write(dir.path().join("sdkgen.toml"), settings).unwrap();
    let o = sdkgen(&["generate", "--spec", "spec.json", "--out", "out", "--settings", "sdkgen.toml"], dir.path());
    (dir, o)
}

#[test]
fn settings_need_no_spec_line_when_spec_is_given() {
    let (dir, o) = with_settings("[crate]\nname = \"pets-client\"\n");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let lib = std::fs::read_to_string(dir.path().join("out/src/lib.rs")).unwrap();
    assert!(
        lib.starts_with(
            "// Generated by sdkgen. Do not edit by hand: change the description,\n\
         // its settings or the templates, then run `sdkgen generate` again with the same --spec, --settings and --out.\n"
        ),
        "the header names a command that applies to --spec users: {lib}"
    );
}

#[test]
fn a_spec_path_in_settings_that_does_not_exist_is_an_error() {
    let (dir, o) = with_settings("spec = \"missing.json\"\n");
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("sdkgen.toml:1:1") && err.contains("missing.json") && err.contains("does not exist"), "{err}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn a_typo_in_an_operation_key_is_an_error_naming_the_closest() {
    let (dir, o) = with_settings("[operations.getPte]\nrequest_media_type = \"application/json\"\n");
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("sdkgen.toml:1:2") && err.contains("[operations.getPte] names no operation"), "{err}");
    assert!(err.contains("did you mean [operations.getPet]?"), "{err}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn settings_found_under_specs_must_name_the_description() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("specs/pets")).unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), "[workspace]\n").unwrap();
    std::fs::write(dir.path().join("specs/pets/sdkgen.toml"), "[crate]\nname = \"pets\"\n").unwrap();
    let o = sdkgen(&["generate"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("sdkgen.toml") && err.contains("do not name the API description") && err.contains("spec = "), "{err}");
}

/// `workspace` plus a settings file listing one overlay with the given actions.
fn overlay_workspace(actions: &str) -> (tempfile::TempDir, PathBuf) {
    let (dir, _, out) = workspace(PETS);
    std::fs::write(dir.path().join("sdkgen.toml"), "spec = \"spec.json\"\noverlays = [\"pets.overlay.yaml\"]\n").unwrap();
    let overlay = format!("overlay: 1.0.0\ninfo:\n  title: Pets fixes\n  version: 1.0.0\nactions:\n{actions}");
    std::fs::write(dir.path().join("pets.overlay.yaml"), overlay).unwrap();
    (dir, out)
}

// --force: `workspace` leaves a sentinel file of the user's in the folder.
const GENERATE_WITH_SETTINGS: [&str; 8] = ["generate", "--spec", "spec.json", "--out", "out", "--settings", "sdkgen.toml", "--force"];

#[test]
fn overlay_updates_reach_the_generated_code() {
    let (dir, out) = overlay_workspace(
        "  - target: $.components.schemas.Pet.properties.name\n    update:\n      description: The pet's name, set by the overlay.\n",
    );
    let o = sdkgen(&GENERATE_WITH_SETTINGS, dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let written = snapshot(&out);
    assert!(
        written.iter().any(|(_, b)| text(b).contains("The pet's name, set by the overlay.")),
        "the overlay's description is in the generated code"
    );
}

#[test]
fn overlay_target_that_selects_nothing_exits_2_and_writes_nothing() {
    let (dir, out) = overlay_workspace(
        "  - target: $.components.schemas.Pet\n    update: {description: A pet.}\n  - target: $.paths['/pets/{petId}'].get\n    description: the path parameter was renamed upstream\n    update: {summary: Gets a pet}\n",
    );
    let before = snapshot(&out);
    let o = sdkgen(&GENERATE_WITH_SETTINGS, dir.path());
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    assert!(err.contains("pets.overlay.yaml:8:5 at /actions/1/target"), "names the overlay, line and action: {err}");
    assert!(err.contains("$.paths['/pets/{petId}'].get"), "names the target: {err}");
    assert!(err.contains("selects nothing"), "{err}");
    assert!(err.contains("help:"), "{err}");
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(snapshot(&out), before, "output folder changed");
}
