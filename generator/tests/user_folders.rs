//! `sdkgen generate` as users run it: into their own folders, next to their
//! `.git`, notes, `Cargo.lock` and build output, and when the disk fails
//! halfway. The generator replaces or deletes only files it wrote, and a
//! failed write leaves the folder byte for byte as it was.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Two operations and two models, so a change of the description both edits
/// and removes generated files.
const SPEC: &str = r##"{
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
    },
    "/owners/{id}": {
      "get": {
        "operationId": "getOwner",
        "tags": ["owners"],
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Owner"}}}}}
      }
    }
  },
  "components": {"schemas": {
    "Pet": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
    "Owner": {"type": "object", "properties": {"email": {"type": "string"}}}
  }}
}"##;

/// The same API one version later: `Pet` gains a field, owners are gone.
fn next_version() -> String {
    let spec = SPEC.replace(
        r#""properties": {"name": {"type": "string"}}"#,
        r#""properties": {"name": {"type": "string"}, "age": {"type": "integer"}}"#,
    );
    let start = spec.find(r#""/owners/{id}""#).unwrap();
    let end = spec.find(r#""components""#).unwrap();
    let mut spec = format!("{}}},\n  {}", spec[..start].trim_end().trim_end_matches(','), &spec[end..]);
    spec = spec.replace(
        r#",
    "Owner": {"type": "object", "properties": {"email": {"type": "string"}}}"#,
        "",
    );
    spec
}

fn sdkgen(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sdkgen")).args(args).current_dir(cwd).output().expect("sdkgen runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Every file under `dir` with its bytes, relative paths, sorted.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push((p.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&p).unwrap()));
            }
        }
    }
    files.sort();
    files
}

/// A folder with the description and a project of the user's in `out/`.
fn users_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spec.json"), SPEC).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(out.join(".git/refs")).unwrap();
    std::fs::write(out.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    std::fs::write(out.join("NOTES.md"), "my notes\n").unwrap();
    std::fs::create_dir_all(out.join("src")).unwrap();
    std::fs::write(out.join("src/main.rs"), "fn main() {}\n").unwrap();
    std::fs::write(out.join("Cargo.toml"), "[package]\nname = \"mine\"\n").unwrap();
    dir
}

fn generate(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["generate", "--spec", "spec.json", "--out", "out"];
    args.extend_from_slice(extra);
    sdkgen(&args, dir)
}

#[test]
fn a_folder_it_does_not_own_is_refused_and_left_as_it_was() {
    let dir = users_project();
    let before = snapshot(&dir.path().join("out"));
    let o = generate(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("already holds files sdkgen did not write"), "{err}");
    assert!(err.contains(".git") && err.contains("NOTES.md"), "names what is there: {err}");
    assert!(err.contains("--force"), "says how to go on: {err}");
    assert!(err.contains("nothing was written."), "{err}");
    assert_eq!(snapshot(&dir.path().join("out")), before);
}

#[test]
fn forced_generation_keeps_every_file_of_the_user() {
    let dir = users_project();
    let out = dir.path().join("out");
    let o = generate(dir.path(), &["--force"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("overwrote 1 files sdkgen had not written before"), "{}", stdout(&o));
    assert_eq!(std::fs::read_to_string(out.join(".git/HEAD")).unwrap(), "ref: refs/heads/main\n");
    assert_eq!(std::fs::read_to_string(out.join("NOTES.md")).unwrap(), "my notes\n");
    assert_eq!(std::fs::read_to_string(out.join("src/main.rs")).unwrap(), "fn main() {}\n");
    // Cargo.toml is a file the generator writes: --force lets it take it over.
    assert!(std::fs::read_to_string(out.join("Cargo.toml")).unwrap().contains("name = \"pets\""));
    let manifest = std::fs::read_to_string(out.join(".sdkgen/FILES")).unwrap();
    assert!(manifest.lines().any(|l| l == "Cargo.toml") && manifest.lines().any(|l| l == "src/lib.rs"), "{manifest}");
    assert!(!manifest.contains("NOTES.md") && !manifest.contains("main.rs") && !manifest.contains(".git"), "{manifest}");
}

#[test]
fn regenerating_deletes_only_files_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spec.json"), SPEC).unwrap();
    let out = dir.path().join("out");
    let o = generate(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(out.join("src/models/owner.rs").is_file());

    // What a user's folder gains after the first generation.
    std::fs::write(out.join("Cargo.lock"), "# lock\n").unwrap();
    std::fs::create_dir_all(out.join("target/debug")).unwrap();
    std::fs::write(out.join("target/debug/build.log"), "log\n").unwrap();
    std::fs::create_dir_all(out.join(".git")).unwrap();
    std::fs::write(out.join(".git/HEAD"), "ref\n").unwrap();
    std::fs::write(out.join("NOTES.md"), "notes\n").unwrap();
    std::fs::write(out.join("src/models/extra.rs"), "// mine\n").unwrap();

    let o = sdkgen(&["check", "--spec", "spec.json", "--out", "out"], dir.path());
    assert_eq!(o.status.code(), Some(0), "the user's files are not drift: {}", stdout(&o));
    let o = generate(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("up to date"), "{}", stdout(&o));

    std::fs::write(dir.path().join("spec.json"), next_version()).unwrap();
    let o = sdkgen(&["check", "--spec", "spec.json", "--out", "out"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("stale: ") && stdout(&o).contains("owner.rs"), "{}", stdout(&o));
    assert!(!stdout(&o).contains("Cargo.lock") && !stdout(&o).contains("NOTES.md"), "{}", stdout(&o));
    let o = generate(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!out.join("src/models/owner.rs").exists(), "a model no longer generated is deleted");
    assert!(!out.join("src/controllers/owners.rs").exists());
    assert!(std::fs::read_to_string(out.join("src/models/pet.rs")).unwrap().contains("pub age"));
    for (file, contents) in [
        ("Cargo.lock", "# lock\n"),
        ("target/debug/build.log", "log\n"),
        (".git/HEAD", "ref\n"),
        ("NOTES.md", "notes\n"),
        ("src/models/extra.rs", "// mine\n"),
    ] {
        assert_eq!(std::fs::read_to_string(out.join(file)).unwrap(), contents, "{file}");
    }
}

#[test]
fn out_dot_beside_the_description_never_touches_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spec.json"), SPEC).unwrap();
    let o = sdkgen(&["generate", "--spec", "spec.json", "--out", "."], dir.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(snapshot(dir.path()), vec![(PathBuf::from("spec.json"), SPEC.as_bytes().to_vec())]);
    let o = sdkgen(&["generate", "--spec", "spec.json", "--out", ".", "--force"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(dir.path().join("spec.json")).unwrap(), SPEC);
    assert!(dir.path().join("src/lib.rs").is_file());
}

#[test]
fn a_manifest_naming_paths_outside_the_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spec.json"), SPEC).unwrap();
    std::fs::write(dir.path().join("precious.txt"), "keep\n").unwrap();
    assert_eq!(generate(dir.path(), &[]).status.code(), Some(0));
    let manifest = dir.path().join("out/.sdkgen/FILES");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    text.push_str("../precious.txt\n");
    std::fs::write(&manifest, text).unwrap();
    let o = generate(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("../precious.txt") && stderr(&o).contains("FILES:"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(dir.path().join("precious.txt")).unwrap(), "keep\n");
}

#[test]
fn crlf_checkouts_are_not_drift() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spec.json"), SPEC).unwrap();
    assert_eq!(generate(dir.path(), &[]).status.code(), Some(0));
    let lib = dir.path().join("out/src/lib.rs");
    let crlf = std::fs::read_to_string(&lib).unwrap().replace('\n', "\r\n");
    std::fs::write(&lib, &crlf).unwrap();
    let o = sdkgen(&["check", "--spec", "spec.json", "--out", "out"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(generate(dir.path(), &[]).status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), crlf, "an equal file is not rewritten");
}

/// Generates the first version, then prepares the second; returns the folder
/// and the snapshot of `out/` before the failing run.
fn generated_then_changed() -> (tempfile::TempDir, Vec<(PathBuf, Vec<u8>)>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spec.json"), SPEC).unwrap();
    assert_eq!(generate(dir.path(), &[]).status.code(), Some(0));
    std::fs::write(dir.path().join("out/NOTES.md"), "notes\n").unwrap();
    std::fs::write(dir.path().join("spec.json"), next_version()).unwrap();
    let before = snapshot(&dir.path().join("out"));
    (dir, before)
}

#[test]
fn a_full_disk_while_writing_changes_nothing() {
    let (dir, before) = generated_then_changed();
    let o = Command::new(env!("CARGO_BIN_EXE_sdkgen"))
        .args(["generate", "--spec", "spec.json", "--out", "out"])
        .env("SDKGEN_TEST_FAIL_WRITE", "src/models/pet.rs")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("pet.rs") && err.contains("cannot write"), "{err}");
    assert!(err.contains("nothing was written."), "{err}");
    assert_eq!(snapshot(&dir.path().join("out")), before);
}

#[test]
fn a_failure_halfway_puts_back_every_replaced_file() {
    let (dir, before) = generated_then_changed();
    // By the time pet.rs is moved in, the stale files are moved aside and the
    // files before it in path order (Cargo.toml, README.md, src/...) replaced.
    let o = Command::new(env!("CARGO_BIN_EXE_sdkgen"))
        .args(["generate", "--spec", "spec.json", "--out", "out"])
        .env("SDKGEN_TEST_FAIL_PLACE", "src/models/pet.rs")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("pet.rs"), "{err}");
    assert!(err.contains("nothing was changed: the") && err.contains("put back as they were"), "{err}");
    assert!(!err.contains("nothing was written"), "{err}");
    assert_eq!(snapshot(&dir.path().join("out")), before);
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

/// Runs sdkgen as an unprivileged user when the tests run as root, since
/// permissions do not stop root.
fn sdkgen_unprivileged(args: &[&str], cwd: &Path) -> Output {
    let mut cmd = if is_root() {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_sdkgen")]);
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_sdkgen"))
    };
    cmd.args(args).current_dir(cwd).output().expect("sdkgen runs")
}

fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn chmod_all(dir: &Path, mode: u32) {
    chmod(dir, mode);
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            chmod_all(&p, mode);
        } else {
            chmod(&p, 0o666);
        }
    }
}

#[test]
fn a_read_only_subfolder_leaves_everything_as_it_was() {
    let (dir, before) = generated_then_changed();
    // Everyone may write the folder, except src/models.
    chmod(dir.path(), 0o777);
    chmod_all(&dir.path().join("out"), 0o777);
    chmod(&dir.path().join("out/src/models"), 0o555);
    let o = sdkgen_unprivileged(&["generate", "--spec", "spec.json", "--out", "out"], dir.path());
    chmod(&dir.path().join("out/src/models"), 0o755);
    assert_eq!(o.status.code(), Some(2), "stdout: {}\nstderr: {}", stdout(&o), stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("src/models"), "names the file: {err}");
    assert!(err.contains("nothing was changed"), "{err}");
    assert_eq!(snapshot(&dir.path().join("out")), before);
}

#[test]
fn a_run_killed_while_rendering_into_a_new_folder_is_no_obstacle() {
    // Files are staged as they are rendered: a run killed meanwhile leaves
    // only the staging folder in what was a new folder.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spec.json"), SPEC).unwrap();
    let staged = dir.path().join("out/.sdkgen/in-progress/new/src");
    std::fs::create_dir_all(&staged).unwrap();
    std::fs::write(staged.join("lib.rs"), "// half").unwrap();
    let o = generate(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!dir.path().join("out/.sdkgen/in-progress").exists());
    assert!(dir.path().join("out/.sdkgen/FILES").is_file());
}

#[test]
fn a_failure_after_staging_began_leaves_no_new_folder() {
    // The description is staged as soon as it is loaded; a settings error
    // found after that removes the staging folder and the folders it made.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spec.json"), SPEC).unwrap();
    std::fs::write(dir.path().join("sdkgen.toml"), "[operations.getPett]\nretry_safe = true\n").unwrap();
    let o = generate(dir.path(), &["--settings", "sdkgen.toml"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("getPett"), "{}", stderr(&o));
    assert!(stderr(&o).contains("nothing was written."), "{}", stderr(&o));
    assert!(!dir.path().join("out").exists(), "{:?}", snapshot(&dir.path().join("out")));
}
