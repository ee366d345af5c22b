//! Template overrides end to end, through the `sdkgen` binary: a folder of
//! `<name>.tera` files named by the settings or `--templates`, the checks on
//! that folder, `sdkgen templates --list` and `--export`, and one generated
//! crate with an overridden Rust template built with cargo.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sdkgen(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sdkgen")).args(args).current_dir(cwd).output().expect("sdkgen runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
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

/// A temporary folder with `spec.json`.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("spec.json"), PETS).unwrap();
    dir
}

fn write(path: &Path, contents: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

/// `generate --spec spec.json --out out` plus `extra`; asserts exit 0.
fn generate(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["generate", "--spec", "spec.json", "--out", "out"];
    args.extend_from_slice(extra);
    let o = sdkgen(&args, dir);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    o
}

fn assert_exit_2(o: &Output, expect: &[&str]) -> String {
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    for e in expect {
        assert!(err.contains(e), "expected {e:?} in: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
    err
}

#[test]
fn a_readme_override_named_by_the_settings_is_used() {
    let dir = workspace();
    write(&dir.path().join("cfg/sdkgen.toml"), "templates = \"my-templates\"\n");
    write(&dir.path().join("cfg/my-templates/README.md.tera"), "# {{ package }}, our way\n\nAsk the platform team.\n");
    generate(dir.path(), &["--settings", "cfg/sdkgen.toml"]);
    let readme = std::fs::read_to_string(dir.path().join("out/README.md")).unwrap();
    assert!(readme.contains("# pets, our way\n\nAsk the platform team.\n"), "{readme}");
    // Only README.md changed: the other files still come from the built-in templates.
    let lib = std::fs::read_to_string(dir.path().join("out/src/lib.rs")).unwrap();
    assert!(lib.contains("# Quick start"), "{lib}");
}

#[test]
fn templates_on_the_command_line_win_over_the_settings() {
    let dir = workspace();
    write(&dir.path().join("sdkgen.toml"), "templates = \"a\"\n");
    write(&dir.path().join("a/README.md.tera"), "from the settings\n");
    write(&dir.path().join("b/README.md.tera"), "from the command line: {{ operation_count }} operation\n");
    generate(dir.path(), &["--settings", "sdkgen.toml", "--templates", "b"]);
    let readme = std::fs::read_to_string(dir.path().join("out/README.md")).unwrap();
    assert!(readme.contains("from the command line: 1 operation"), "{readme}");

    // `check` takes the same flag: with it the output is up to date, without
    // it the settings' templates drift from what was written.
    let o = sdkgen(&["check", "--spec", "spec.json", "--out", "out", "--settings", "sdkgen.toml", "--templates", "b"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}{}", text(&o.stdout), text(&o.stderr));
    let o = sdkgen(&["check", "--spec", "spec.json", "--out", "out", "--settings", "sdkgen.toml"], dir.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stdout));
}

#[test]
fn an_unknown_template_name_is_exit_2_listing_the_valid_names() {
    let dir = workspace();
    write(&dir.path().join("tpl/README.md.tera"), "fine\n");
    write(&dir.path().join("tpl/readme.md.tera"), "a typo\n");
    write(&dir.path().join("out/keep.txt"), "untouched");
    let o = sdkgen(&["generate", "--spec", "spec.json", "--out", "out", "--force", "--templates", "tpl"], dir.path());
    let err = assert_exit_2(&o, &["readme.md.tera", "does not name a built-in template", "did you mean README.md.tera?"]);
    for name in ["Cargo.toml.tera", "lib.rs.tera", "model.rs.tera", "app.rs.tera", "app_sign_in.md.tera"] {
        assert!(err.contains(name), "lists {name}: {err}");
    }
    assert!(err.contains("nothing was written"), "{err}");
    assert!(!dir.path().join("out/Cargo.toml").exists());

    // A missing folder named by the settings is reported at its line.
    write(&dir.path().join("sdkgen.toml"), "spec = \"spec.json\"\ntemplates = \"gone\"\n");
    let o = sdkgen(&["generate", "--spec", "spec.json", "--out", "out", "--settings", "sdkgen.toml"], dir.path());
    assert_exit_2(&o, &["sdkgen.toml:2:13", "`templates` names", "not a folder"]);
}

#[test]
fn a_broken_template_is_exit_2_naming_the_file() {
    let dir = workspace();
    // Does not parse: the file, line and tera's message.
    write(&dir.path().join("tpl/model.rs.tera"), "// fine\n{% for t in %}\n");
    let o = sdkgen(&["generate", "--spec", "spec.json", "--out", "out", "--templates", "tpl"], dir.path());
    let err = assert_exit_2(&o, &["model.rs.tera:2:", "the template does not parse", "Found `%}`"]);
    assert!(err.contains("help:"), "{err}");
    std::fs::remove_file(dir.path().join("tpl/model.rs.tera")).unwrap();

    // Parses, but renders text that is not Rust: the syn check names the template.
    write(&dir.path().join("tpl/lib.rs.tera"), "pub fn broken( {{ package }}\n");
    let o = sdkgen(&["generate", "--spec", "spec.json", "--out", "out", "--templates", "tpl"], dir.path());
    assert_exit_2(&o, &["tpl/lib.rs.tera", "rendered invalid Rust into src/lib.rs", "overrides a built-in"]);

    // Refers to a value templates do not get: the file and the names there are.
    write(&dir.path().join("tpl/lib.rs.tera"), "//! {{ no_such_value }}\n");
    let o = sdkgen(&["generate", "--spec", "spec.json", "--out", "out", "--templates", "tpl"], dir.path());
    assert_exit_2(&o, &["tpl/lib.rs.tera:1:", "no_such_value", "Available variables"]);
    assert!(!dir.path().join("out").exists(), "nothing was written");
}

#[test]
fn list_names_every_template_with_what_it_renders() {
    let dir = tempfile::tempdir().unwrap();
    let o = sdkgen(&["templates", "--list"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), sdkgen::render::builtins().len(), "{out}");
    assert!(lines.iter().any(|l| l.starts_with("README.md ") && l.contains("README")), "{out}");
    assert!(lines.iter().any(|l| l.starts_with("model.rs ") && l.contains("src/models/")), "{out}");
    assert!(lines.iter().all(|l| l.split_whitespace().count() > 2), "every name has a description: {out}");

    let o = sdkgen(&["templates"], dir.path());
    assert_eq!(o.status.code(), Some(2), "an action is required");
}

#[test]
fn export_writes_every_template_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let o = sdkgen(&["templates", "--export", "deep/tpl"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let tpl = dir.path().join("deep/tpl");
    for b in sdkgen::render::builtins() {
        let exported = std::fs::read_to_string(tpl.join(format!("{}.tera", b.name))).unwrap();
        assert_eq!(exported, b.source, "{}", b.name);
    }

    std::fs::write(tpl.join("lib.rs.tera"), "edited").unwrap();
    let o = sdkgen(&["templates", "--export", "deep/tpl"], dir.path());
    assert_exit_2(&o, &["would overwrite", "lib.rs.tera", "--force"]);
    assert_eq!(std::fs::read_to_string(tpl.join("lib.rs.tera")).unwrap(), "edited");

    let o = sdkgen(&["templates", "--export", "deep/tpl", "--force"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_ne!(std::fs::read_to_string(tpl.join("lib.rs.tera")).unwrap(), "edited");

    // The exported set, unchanged, is a valid override folder that changes nothing.
    let work = workspace();
    generate(work.path(), &[]);
    let templates = tpl.to_string_lossy().into_owned();
    let o = sdkgen(&["check", "--spec", "spec.json", "--out", "out", "--templates", &templates], work.path());
    assert_eq!(o.status.code(), Some(0), "{}{}", text(&o.stdout), text(&o.stderr));
}

/// The one slow test: an exported-then-edited `lib.rs` template adds a
/// documented function, and the generated crate (with a vendored runtime)
/// builds with `-D warnings` and its test calling the function passes. It
/// shares `target/hostile` with `tests/hostile.rs`, so the dependencies are
/// built once for both (`--offline`: the workspace has fetched them).
#[test]
fn an_overridden_rust_template_generates_a_crate_that_builds() {
    let dir = workspace();
    let o = sdkgen(&["templates", "--export", "tpl"], dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    // Only lib.rs is kept: the others would be overrides identical to the built-in ones.
    for entry in std::fs::read_dir(dir.path().join("tpl")).unwrap() {
        let path = entry.unwrap().path();
        if !path.ends_with("lib.rs.tera") {
            std::fs::remove_file(path).unwrap();
        }
    }
    let lib = dir.path().join("tpl/lib.rs.tera");
    let mut source = std::fs::read_to_string(&lib).unwrap();
    source.push_str(
        "\n/// The name of the package this client was generated as.\n\
         pub fn generated_package() -> &'static str {\n    \"{{ package }}\"\n}\n",
    );
    std::fs::write(&lib, source).unwrap();
    generate(dir.path(), &["--templates", "tpl", "--runtime", "vendor"]);
    let out = dir.path().join("out");
    let generated = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    assert!(generated.contains("pub fn generated_package() -> &'static str"), "{generated}");
    write(
        &out.join("tests/helper.rs"),
        "//! The override's function.\n\n#[test]\nfn generated_package_is_the_package() {\n    assert_eq!(pets::generated_package(), \"pets\");\n}\n",
    );

    let test = Command::new(env!("CARGO"))
        .args(["test", "--quiet", "--offline", "--test", "helper"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", root().join("target/hostile"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .expect("cargo runs");
    let output = format!("{}{}", text(&test.stdout), text(&test.stderr));
    assert!(test.status.success(), "{output}");
    assert!(output.contains("test result: ok. 1 passed"), "{output}");
}
