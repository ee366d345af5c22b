//! Inputs at the limits: nesting far deeper than any real spec, reference cycles,
//! recursive schemas, and a very large description. Each ends in a clear
//! diagnostic or a success, never a stack overflow or a hang.

use std::path::Path;
use std::process::{Command, Output};

fn generate(spec: &str, dir: &Path) -> Output {
    std::fs::write(dir.join("spec.json"), spec).unwrap();
    Command::new(env!("CARGO_BIN_EXE_sdkgen"))
        .args(["generate", "--spec", "spec.json", "--out", "out"])
        .current_dir(dir)
        .output()
        .expect("sdkgen runs")
}

fn spec_with_schemas(schemas: &str) -> String {
    format!(r#"{{"openapi":"3.0.3","info":{{"title":"Limits","version":"1"}},"paths":{{}},"components":{{"schemas":{schemas}}}}}"#)
}

#[test]
fn a_schema_nested_ten_thousand_levels_deep_is_a_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let depth = 10_000;
    let nested = format!(
        "{}{{\"type\":\"string\"}}{}",
        "{\"type\":\"object\",\"properties\":{\"a\":".repeat(depth),
        "}}".repeat(depth)
    );
    let o = generate(&spec_with_schemas(&format!("{{\"Deep\":{nested}}}")), dir.path());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("spec.json:1:") && err.contains("nests more than"), "{err}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn a_bare_ref_cycle_is_a_diagnostic_naming_the_cycle() {
    let dir = tempfile::tempdir().unwrap();
    let o = generate(
        &spec_with_schemas(r##"{"A":{"$ref":"#/components/schemas/B"},"B":{"$ref":"#/components/schemas/A"}}"##),
        dir.path(),
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("#/components/schemas/A → #/components/schemas/B → #/components/schemas/A"), "{err}");
}

#[test]
fn recursive_schemas_generate_boxed_fields() {
    let dir = tempfile::tempdir().unwrap();
    let o = generate(
        &spec_with_schemas(
            r##"{"Node":{"type":"object","properties":{"next":{"$ref":"#/components/schemas/Node"},"children":{"type":"array","items":{"$ref":"#/components/schemas/Node"}}}}}"##,
        ),
        dir.path(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let model = std::fs::read_to_string(dir.path().join("out/src/models/node.rs")).unwrap();
    assert!(model.contains("pub next: Option<Box<Node>>"), "{model}");
    assert!(model.contains("pub children: Option<Vec<Node>>"), "{model}");
}

/// About 47 MB: 6,000 operations and schemas with long descriptions. Ignored by
/// default (about 9 s and 1.2 GiB in a release build); run with
/// `cargo test --release -p sdkgen --test limits -- --ignored`.
#[test]
#[ignore]
fn a_fifty_megabyte_description_generates() {
    let dir = tempfile::tempdir().unwrap();
    let description = "x".repeat(200);
    let mut paths = Vec::new();
    let mut schemas = Vec::new();
    for i in 0..6000 {
        let props: Vec<String> =
            (0..30).map(|j| format!(r#""field_{j}":{{"type":"string","description":"{description}"}}"#)).collect();
        schemas.push(format!(r#""Model{i}":{{"type":"object","properties":{{{}}}}}"#, props.join(",")));
        paths.push(format!(
            r##""/things{i}/{{id}}":{{"get":{{"operationId":"getThing{i}","tags":["tag{}"],"parameters":[{{"name":"id","in":"path","required":true,"schema":{{"type":"string"}}}}],"responses":{{"200":{{"description":"ok","content":{{"application/json":{{"schema":{{"$ref":"#/components/schemas/Model{i}"}}}}}}}}}}}}}}"##,
            i % 50
        ));
    }
    let spec = format!(
        r#"{{"openapi":"3.0.3","info":{{"title":"Big","version":"1"}},"paths":{{{}}},"components":{{"schemas":{{{}}}}}}}"#,
        paths.join(","),
        schemas.join(",")
    );
    assert!(spec.len() > 45_000_000);
    let o = generate(&spec, dir.path());
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(dir.path().join("out/src/models/model5999.rs").is_file());
}
