//! How callers build requests and models: request builders never share a name
//! with a model, every struct model has a constructor taking its required
//! fields and `with_*` setters for the rest, and form fields that carry JSON
//! take their typed model.

use std::collections::BTreeSet;
use std::path::PathBuf;

use sdkgen::render::FileSet;

mod support;
use support::*;

fn file<'a>(files: &'a FileSet, path: &str) -> &'a str {
    files.get(&PathBuf::from(path)).unwrap_or_else(|| panic!("no {path}"))
}

/// The names a `mod.rs` re-exports (`pub use module::{A, B};`, `pub use module::A;`).
fn exported(mod_rs: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for item in mod_rs.split("pub use ").skip(1) {
        let item = item.split_once(';').map_or(item, |(item, _)| item);
        let (_, list) = item.split_once("::").unwrap_or_default();
        let list = list.trim_start_matches('{').trim_end_matches('}');
        names.extend(list.split(',').map(|n| n.trim().to_string()).filter(|n| !n.is_empty()));
    }
    names
}

/// `createPet`'s request builder would be `CreatePetRequest`, the name of its
/// inline JSON body, and `listPets`' would be `ListPetsRequest`, a component
/// schema: both builders take the `Builder` suffix, the others keep theirs.
#[test]
fn a_request_builder_never_takes_a_model_name() {
    let files = render(
        r##"
openapi: 3.0.3
info: {title: Pets, version: "1"}
paths:
  /pets:
    get:
      operationId: listPets
      parameters:
        - {name: filter, in: query, schema: {$ref: "#/components/schemas/ListPetsRequest"}}
      responses:
        "200": {description: ok}
    post:
      operationId: createPet
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [name], properties: {name: {type: string}}}
      responses:
        "201": {description: created}
  /pets/{id}:
    get:
      operationId: getPet
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        "200": {description: ok}
components:
  schemas:
    ListPetsRequest: {type: object, properties: {species: {type: string}}}
"##,
    );
    let models = exported(file(&files, "src/models/mod.rs"));
    let controllers = exported(file(&files, "src/controllers/mod.rs"));
    assert!(models.contains("CreatePetRequest"), "{models:?}");
    assert!(models.contains("ListPetsRequest"), "{models:?}");
    assert!(controllers.contains("CreatePetRequestBuilder"), "{controllers:?}");
    assert!(controllers.contains("ListPetsRequestBuilder"), "{controllers:?}");
    assert!(controllers.contains("GetPetRequest"), "unclashed names stay: {controllers:?}");
    let shared: Vec<&String> = models.intersection(&controllers).collect();
    assert!(shared.is_empty(), "shared names: {shared:?}");

    let default = file(&files, "src/controllers/default.rs");
    assert!(default.contains("body: crate::models::CreatePetRequest,"), "{default}");
    assert!(default.contains(") -> CreatePetRequestBuilder {"), "{default}");
}

/// Struct models are `#[non_exhaustive]`: outside the crate they are built by
/// `new(<required fields>)` and `with_*` setters, strings taken as `impl Into<String>`.
#[test]
fn struct_models_have_a_constructor_and_setters() {
    let files = render(
        r##"
openapi: 3.0.3
info: {title: Pets, version: "1"}
paths: {}
components:
  schemas:
    Pet:
      type: object
      required: [name, age, owner]
      properties:
        name: {type: string}
        age: {type: integer, format: int32}
        owner: {$ref: "#/components/schemas/Pet", nullable: true}
        tag: {type: string}
        parent: {$ref: "#/components/schemas/Pet"}
    Wide:
      type: object
      required: [a, b, c, d, e, f, g, h]
      properties:
        a: {type: string}
        b: {type: string}
        c: {type: string}
        d: {type: string}
        e: {type: string}
        f: {type: string}
        g: {type: string}
        h: {type: string}
"##,
    );
    let pet = file(&files, "src/models/pet.rs");
    for expected in [
        "pub fn new(name: impl Into<String>, age: i32, owner: Option<Pet>) -> Self {",
        "name: name.into(),",
        "owner: owner.map(Box::new),",
        "..Default::default()",
        "pub fn with_tag(mut self, value: impl Into<String>) -> Self {",
        "self.tag = Some(value.into());",
        "pub fn with_parent(mut self, value: Pet) -> Self {",
        "self.parent = Some(Box::new(value));",
        "pub fn with_additional_property(",
    ] {
        assert!(pet.contains(expected), "no `{expected}` in\n{pet}");
    }
    let wide = file(&files, "src/models/wide.rs");
    assert!(wide.contains("#[allow(\n        clippy::too_many_arguments,"), "{wide}");
}

/// A form field whose `encoding` says JSON, or an object (or array of objects)
/// without a declared `style`, is one JSON text: its setter takes the typed
/// value. A declared `style` keeps its layout; scalar arrays repeat the field.
#[test]
fn json_form_fields_take_the_typed_value_and_send_json_text() {
    let files = render(
        r##"
openapi: 3.0.3
info: {title: Forms, version: "1"}
paths:
  /post:
    post:
      operationId: post
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              required: [blocks]
              properties:
                blocks: {$ref: "#/components/schemas/Blocks"}
                label: {type: string}
                items: {type: array, items: {$ref: "#/components/schemas/Block"}}
                styled: {type: array, items: {$ref: "#/components/schemas/Block"}}
                tags: {type: array, items: {type: string}}
            encoding:
              blocks: {contentType: application/json}
              label: {contentType: application/json}
              styled: {style: deepObject, explode: true}
      responses:
        "204": {description: done}
  /upload:
    post:
      operationId: upload
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                file: {type: string, format: binary}
                meta: {$ref: "#/components/schemas/Block"}
      responses:
        "204": {description: done}
components:
  schemas:
    Block: {type: object, required: [type], properties: {type: {type: string}}}
    Blocks: {type: array, items: {$ref: "#/components/schemas/Block"}}
"##,
    );
    let default = file(&files, "src/controllers/default.rs");
    let json_text = |method: &str, wire: &str, value: &str| format!("parts.{method}(\"{wire}\", serde_json::to_string(&{value}).map_err(");
    let flat: String = default.split_whitespace().collect::<Vec<_>>().join(" ").replace("( ", "(").replace(" )", ")").replace(" .", ".");
    for expected in [
        // Declared JSON: required, a typed alias; and a string, quoted as JSON.
        "pub fn post(&self, blocks: crate::models::Blocks) -> PostRequest".to_string(),
        json_text("form", "blocks", "self.blocks"),
        "pub fn label(mut self, value: impl Into<String>) -> Self".to_string(),
        json_text("form", "label", "value"),
        // No encoding: an array of objects is one JSON text.
        "pub fn items(mut self, value: Vec<crate::models::Block>) -> Self".to_string(),
        json_text("form", "items", "value"),
        // Multipart: an object part is JSON (the OpenAPI default for objects).
        json_text("text_part", "meta", "value"),
        "* `blocks`: Sent as one JSON text. From raw JSON: `serde_json::from_value::<crate::models::Blocks>(value)`.".to_string(),
        "/// Sent as one JSON text. From raw JSON: `serde_json::from_value::<Vec<crate::models::Block>>(value)`.".to_string(),
    ] {
        assert!(flat.contains(&expected), "no `{expected}` in\n{default}");
    }
    // A declared style and scalar arrays keep their per-item layout.
    assert!(!flat.contains(&json_text("form", "styled", "value")), "{default}");
    assert!(!flat.contains(&json_text("form", "tags", "value")), "{default}");
    assert!(flat.contains("for item in value { parts.form(\"tags\", item); }"), "{default}");
}
