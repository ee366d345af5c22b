//! Cargo features per controller: a crate compiles only the controllers its
//! features name, with the models only they use; models shared by several
//! controllers (or used by none) are always compiled.

use std::path::PathBuf;

use sdkgen::render::FileSet;

mod support;
use support::*;

fn file<'a>(files: &'a FileSet, path: &str) -> &'a str {
    files.get(&PathBuf::from(path)).unwrap_or_else(|| panic!("no {path}"))
}

/// The attribute line right above the first line of `text` that starts with
/// `item` (after indentation), or `""` when that line is no attribute.
fn attribute_above<'a>(text: &'a str, item: &str) -> &'a str {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines.iter().position(|l| l.trim_start().starts_with(item)).unwrap_or_else(|| panic!("no `{item}` in\n{text}"));
    let above = lines[..at].iter().rev().map(|l| l.trim()).find(|l| !l.starts_with("///") && !l.starts_with("#[doc"));
    above.filter(|l| l.starts_with("#[")).unwrap_or("")
}

/// Three tags: `pets` and `stores` share `Owner`; `Pet` (and `Marking`, which
/// only `Pet` reaches) belong to `pets`, `Store` to `stores`; `Orphan` is used
/// by no operation. `animals` only leads to `pets`; `full` would clash with
/// the feature enabling every controller.
const SPEC: &str = r##"
openapi: 3.0.3
info: { title: Shop, version: "1" }
paths:
  /pets:
    get:
      operationId: pets_list
      tags: [pets, animals]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { type: array, items: { $ref: "#/components/schemas/Pet" } }
              example: [{ name: "Tom", owner: { name: "Ann" } }]
  /stores:
    get:
      operationId: stores_list
      tags: [stores]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { type: array, items: { $ref: "#/components/schemas/Store" } }
              example: [{ city: "Oslo" }]
  /everything:
    get:
      operationId: full_get
      tags: [full]
      responses:
        "200": { description: ok, content: { application/json: { schema: { type: string } } } }
components:
  schemas:
    Owner:
      type: object
      properties: { name: { type: string } }
    Marking:
      type: object
      properties: { colour: { type: string } }
    Pet:
      type: object
      required: [name]
      properties:
        name: { type: string }
        owner: { $ref: "#/components/schemas/Owner" }
        markings: { type: array, items: { $ref: "#/components/schemas/Marking" } }
    Store:
      type: object
      properties:
        city: { type: string }
        owner: { $ref: "#/components/schemas/Owner" }
    Orphan:
      type: object
      properties: { x: { type: string } }
"##;

#[test]
fn cargo_toml_has_a_feature_per_controller_and_full_by_default() {
    let files = render(SPEC);
    let cargo = file(&files, "Cargo.toml");
    assert!(cargo.contains("default = [\"rustls\", \"full\"]"), "{cargo}");
    let full = &cargo[cargo.find("\nfull = [").unwrap_or_else(|| panic!("no full:\n{cargo}"))..];
    let full = &full[..full.find(']').unwrap()];
    for f in ["\"pets\"", "\"stores\"", "\"full_2\"", "\"animals\""] {
        assert!(full.contains(f), "{f} not in {full}");
    }
    assert!(cargo.contains("\npets = []\n"), "{cargo}");
    assert!(cargo.contains("\nstores = []\n"), "{cargo}");
    // The tag named `full` does not take the name of the feature enabling all.
    assert!(cargo.contains("\nfull_2 = []\n"), "{cargo}");
    // A controller that only leads to others enables them.
    assert!(cargo.contains("\nanimals = [\"pets\"]\n"), "{cargo}");
    // The other features stay.
    for f in ["\nrustls = ", "\nnative-tls = ", "\nmiddleware = "] {
        assert!(cargo.contains(f), "{f} missing:\n{cargo}");
    }
}

#[test]
fn models_are_gated_on_the_features_of_the_controllers_that_reach_them() {
    let files = render(SPEC);
    let models = file(&files, "src/models/mod.rs");
    assert_eq!(attribute_above(models, "mod pet;"), "#[cfg(feature = \"pets\")]", "{models}");
    // Reached only through `Pet`.
    assert_eq!(attribute_above(models, "mod marking;"), "#[cfg(feature = \"pets\")]", "{models}");
    assert_eq!(attribute_above(models, "mod store;"), "#[cfg(feature = \"stores\")]", "{models}");
    assert_eq!(attribute_above(models, "pub use pet::"), "#[cfg(feature = \"pets\")]", "{models}");
    // Shared by two controllers: compiled with either.
    let either = "#[cfg(any(feature = \"pets\", feature = \"stores\"))]";
    assert_eq!(attribute_above(models, "mod owner;"), either, "{models}");
    assert_eq!(attribute_above(models, "pub use owner::"), either, "{models}");
    // Used by no operation: behind the `schemas` feature, which `full` enables.
    assert_eq!(attribute_above(models, "mod orphan;"), "#[cfg(feature = \"schemas\")]", "{models}");
    let cargo = file(&files, "Cargo.toml");
    assert!(cargo.contains("\n    \"schemas\",\n]") && cargo.contains("\nschemas = []\n"), "{cargo}");
}

#[test]
fn controllers_their_accessors_and_example_tests_are_gated() {
    let files = render(SPEC);
    let controllers = file(&files, "src/controllers/mod.rs");
    assert_eq!(attribute_above(controllers, "mod pets;"), "#[cfg(feature = \"pets\")]", "{controllers}");
    assert_eq!(attribute_above(controllers, "pub use stores::"), "#[cfg(feature = \"stores\")]", "{controllers}");
    assert_eq!(attribute_above(controllers, "mod full;"), "#[cfg(feature = \"full_2\")]", "{controllers}");
    let client = file(&files, "src/client.rs");
    assert_eq!(attribute_above(client, "pub fn pets("), "#[cfg(feature = \"pets\")]", "{client}");
    assert_eq!(attribute_above(client, "pub fn stores("), "#[cfg(feature = \"stores\")]", "{client}");
    assert_eq!(attribute_above(client, "pub fn animals("), "#[cfg(feature = \"animals\")]", "{client}");
    // What only controllers use is compiled when one of them is.
    let core = client.find("pub(crate) fn core(").unwrap();
    let gate: String = client[client[..core].rfind("#[cfg(").unwrap()..core].split_whitespace().collect();
    assert!(gate.starts_with("#[cfg(any("), "{gate}");
    for f in ["pets", "stores", "animals", "full_2"] {
        assert!(gate.contains(&format!("feature=\"{f}\"")), "{f} not in {gate}");
    }

    // The example tests live outside the library and name it by its name.
    assert!(!files.contains_key(&PathBuf::from("src/example_tests.rs")));
    assert!(!file(&files, "src/lib.rs").contains("example_tests"));
    let tests = file(&files, "tests/examples.rs");
    let lines: Vec<&str> = tests.lines().map(str::trim).collect();
    let at = lines.iter().position(|l| l.starts_with("fn pets_list_examples_decode")).unwrap();
    assert_eq!(lines[at - 2..at], ["#[cfg(feature = \"pets\")]", "#[test]"], "{tests}");
    assert!(tests.contains("shop::models::Pet"), "{tests}");
    assert!(!tests.contains("crate::"), "{tests}");
}
