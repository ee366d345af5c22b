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
    let nested = format!("{}{{\"type\":\"string\"}}{}", "{\"type\":\"object\",\"properties\":{\"a\":".repeat(depth), "}}".repeat(depth));
    let o = generate(&spec_with_schemas(&format!("{{\"Deep\":{nested}}}")), dir.path());
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("spec.json:1:") && err.contains("nests more than"), "{err}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn a_bare_ref_cycle_is_a_diagnostic_naming_the_cycle() {
    let dir = tempfile::tempdir().unwrap();
    let o = generate(&spec_with_schemas(r##"{"A":{"$ref":"#/components/schemas/B"},"B":{"$ref":"#/components/schemas/A"}}"##), dir.path());
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
        let props: Vec<String> = (0..30).map(|j| format!(r#""field_{j}":{{"type":"string","description":"{description}"}}"#)).collect();
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

/// Lists of references in another file, each referring to the list before it:
/// copying them into the description multiplies (6^8 leaves). The copies are
/// bounded like references inside one file: a diagnostic, not all the memory.
#[test]
fn references_to_lists_of_references_in_another_file_do_not_multiply_without_bound() {
    let dir = tempfile::tempdir().unwrap();
    let mut lists = serde_json::Map::new();
    lists.insert("l0".into(), serde_json::json!([{ "name": "x", "in": "query", "schema": { "type": "string" } }]));
    for level in 1..=8 {
        let refs: Vec<serde_json::Value> = (0..6).map(|_| serde_json::json!({ "$ref": format!("#/l{}", level - 1) })).collect();
        lists.insert(format!("l{level}"), serde_json::Value::Array(refs));
    }
    std::fs::write(dir.path().join("lists.json"), serde_json::Value::Object(lists).to_string()).unwrap();
    let spec = r##"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{
        "parameters":[{"$ref":"lists.json#/l8"}],"responses":{"200":{"description":"ok"}}}}}}"##;
    let started = std::time::Instant::now();
    let out = generate(spec, dir.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("nodes to the document"), "{stderr}");
    assert!(stderr.contains("lists.json#/l"), "{stderr}");
    assert!(started.elapsed() < std::time::Duration::from_secs(60), "{:?}", started.elapsed());
}
