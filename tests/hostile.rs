//! A description written to break code generators: names, descriptions, paths,
//! enum values and examples full of quotes, backslashes, `*/`, `#`, newlines,
//! template syntax, non-ASCII text, Rust keywords and std names. The generated
//! crate must compile without warnings and give back every string exactly.
//!
//! The crate is generated into a temporary folder and built with its own target
//! folder (`target/hostile`), reusing the dependencies the workspace already
//! fetched (`--offline`).

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The enum values of the `Self` schema in `fixtures/hostile.json`.
const VALUES: &[&str] = &[
    "a\"b",
    "back\\slash",
    "*/",
    "#",
    "line\nbreak",
    "{{ x }}",
    "{% y %}",
    "日本",
    "type",
    "Self",
    "self",
    "",
    "+1",
    "-1",
    "1",
    "unknown",
    "Unknown",
    "other",
    "Other",
];

const ROUND_TRIP: &str = r####"
use hostile_api_title::models::{BoxModel, New, Self_};

#[test]
fn every_enum_value_round_trips() {
    for value in VALUES {
        let parsed = Self_::from(*value);
        // The catch-all is `Other` even where listed values are named so.
        assert!(!matches!(parsed, Self_::Other(_)), "{value:?} is a listed value");
        assert_eq!(parsed.as_str(), *value);
        let json = serde_json::to_string(&parsed).unwrap();
        assert_eq!(json, serde_json::to_string(value).unwrap());
        assert_eq!(serde_json::from_str::<Self_>(&json).unwrap(), parsed);
    }
    assert_eq!(Self_::from("not listed"), Self_::Other("not listed".to_string()));
}

#[test]
fn field_names_and_values_round_trip() {
    let value = serde_json::json!({
        "type": "a\"b\\c */ {{x}} {% y %}\n#",
        "crate": ["{% y %}", "日本"],
        "Result": {"match": true, "fn": 1},
        "Self": "*/",
        "Self_": "x",
        "additional_properties": "y",
        "extra \"key\" */": {"nested": "\u{0}\u{7f}"}
    });
    let model: BoxModel = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(model.type_, "a\"b\\c */ {{x}} {% y %}\n#");
    assert_eq!(serde_json::to_value(&model).unwrap(), value);
}

#[test]
#[allow(deprecated, reason = "sets the deprecated properties on purpose")]
fn constructors_take_the_required_fields_and_setters_avoid_field_names() {
    // `new` is a field too; `with_x` is taken by a field, so `x`'s setter is `with_x_2`.
    let built = New::new("n", "f", 1, 2, 3, 4, 5, true, Self_::from("type"))
        .with_x_2("x")
        .with_with_x("wx")
        .with_type(7)
        .with_old("o")
        .with_next(New::new("inner", "f", 0, 0, 0, 0, 0, false, Self_::from("")))
        .with_with_additional_property(true)
        .with_additional_property_2("extra \"key\"", "*/");
    let value = serde_json::json!({
        "new": "n", "foo": "f", "a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "retired": true, "Self": "type",
        "x": "x", "with_x": "wx", "type": 7, "old": "o",
        "next": {"new": "inner", "foo": "f", "a": 0, "b": 0, "c": 0, "d": 0, "e": 0, "retired": false, "Self": ""},
        "with_additional_property": true, "extra \"key\"": "*/"
    });
    assert_eq!(serde_json::to_value(&built).unwrap(), value);
    assert_eq!(serde_json::from_value::<New>(value).unwrap(), built);
}
"####;

fn cargo(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO"))
        .args(args)
        .arg("--offline")
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", root().join("target/hostile"))
        .env("RUSTFLAGS", "-D warnings")
        .env("RUSTDOCFLAGS", "-D warnings")
        .output()
        .expect("cargo runs")
}

#[test]
fn hostile_description_generates_a_clean_crate_that_round_trips_strings() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("hostile");
    let spec = root().join("tests/fixtures/hostile.json");
    let job = sdkgen::settings::single(&spec, &dir, None).unwrap();
    let outcomes = sdkgen::workflow::run(&[job], &root(), sdkgen::workflow::Mode::Write { force: false }).unwrap_or_else(|d| panic!("{d}"));
    assert!(outcomes[0].files > 10);

    // Strings from the description appear only inside literals and doc attributes:
    // nothing from it became code.
    let lib = std::fs::read_to_string(dir.join("src/lib.rs")).unwrap();
    assert!(lib.contains("//! Client for Hostile \"API\" */ {{ title }}."), "{lib}");

    let values: Vec<String> = VALUES.iter().map(|v| format!("{v:?}")).collect();
    let test = format!("const VALUES: &[&str] = &[{}];\n{ROUND_TRIP}", values.join(", "));
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    std::fs::write(dir.join("tests/round_trip.rs"), test).unwrap();

    let test = cargo(&dir, &["test", "--quiet"]);
    let output = format!("{}{}", String::from_utf8_lossy(&test.stdout), String::from_utf8_lossy(&test.stderr));
    assert!(test.status.success(), "{output}");
    assert!(output.contains("test result: ok. 3 passed"), "{output}");
    let doc = cargo(&dir, &["doc", "--no-deps", "--quiet"]);
    assert!(doc.status.success(), "{}", String::from_utf8_lossy(&doc.stderr));
}
