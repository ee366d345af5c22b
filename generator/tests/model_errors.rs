//! What `sdkgen::model::build` (and the loading right before it) says about
//! input it cannot model: the exact message, the JSON pointer and the hint.

use std::path::Path;

use openapiv3::{ArrayType, OpenAPI, ReferenceOr, Schema, SchemaData, SchemaKind, Type};
use sdkgen::settings::Settings;

fn loaded(yaml: &str) -> OpenAPI {
    sdkgen::load::load_str(Path::new("spec.yaml"), yaml).unwrap_or_else(|d| panic!("{d}")).api
}

const ONE_OPERATION: &str = r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    get:
      operationId: op
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: string}
"##;

/// The loader replaces path item references by their targets; one that is
/// left (as a document built by hand can have) is refused with its pointer.
#[test]
fn a_path_item_reference_is_refused_at_its_path() {
    let mut api = loaded(ONE_OPERATION);
    api.paths.paths.insert("/b/{id}".into(), ReferenceOr::Reference { reference: "#/paths/~1a".into() });
    let d = sdkgen::model::build(&api, Path::new("spec.yaml"), &Settings::default()).unwrap_err();
    assert_eq!(d.location.pointer.as_deref(), Some("/paths/~1b~1{id}"));
    assert_eq!(d.to_string(), "error: spec.yaml at /paths/~1b~1{id}: path item references are not supported\n  help: inline the path item");
}

/// An inline schema nested deeper than 200 levels is refused (the loader
/// stops deeper documents first; this guards documents built otherwise), with
/// a diagnostic rather than a panic, and no made-up JSON pointer.
#[test]
fn inline_nesting_deeper_than_200_levels_is_refused() {
    let mut api = loaded(ONE_OPERATION);
    let mut schema = Schema { schema_data: SchemaData::default(), schema_kind: SchemaKind::Type(Type::String(Default::default())) };
    for _ in 0..201 {
        schema = Schema {
            schema_data: SchemaData::default(),
            schema_kind: SchemaKind::Type(Type::Array(ArrayType {
                items: Some(ReferenceOr::Item(Box::new(schema))),
                min_items: None,
                max_items: None,
                unique_items: false,
            })),
        };
    }
    let ReferenceOr::Item(item) = api.paths.paths.get_mut("/a").unwrap() else { panic!() };
    let response = item.get.as_mut().unwrap().responses.responses.values_mut().next().unwrap();
    let ReferenceOr::Item(response) = response else { panic!() };
    response.content.get_mut("application/json").unwrap().schema = Some(ReferenceOr::Item(schema));
    let d = sdkgen::model::build(&api, Path::new("spec.yaml"), &Settings::default()).unwrap_err();
    let words = format!("op.response{}", ".item".repeat(200));
    assert_eq!(d.message, format!("schema nesting deeper than 200 levels at `{words}`"));
    assert_eq!(d.hint.as_deref(), Some("move nested schemas into components and refer to them with $ref"));
    assert_eq!(d.location.pointer, None);
}

/// Two operations with one `operationId` are refused while loading, at the
/// second, naming the first.
#[test]
fn a_repeated_operation_id_is_refused_naming_both_places() {
    let yaml = r##"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /a:
    get: {operationId: same, responses: {"200": {description: ok}}}
  /b/{id}:
    post: {operationId: same, responses: {"200": {description: ok}}}
"##;
    let Err(d) = sdkgen::load::load_str(Path::new("spec.yaml"), yaml) else { panic!("a repeated operationId was accepted") };
    assert_eq!(
        d.to_string(),
        "error: spec.yaml:8:12 at /paths/~1b~1{id}/post/operationId: duplicate operationId `same`: it is already used at \
         /paths/~1a/get/operationId\n  help: rename one of the two operations' `operationId`; each must be unique in the document"
    );
}

/// `[operations.<id>]` settings must name an operation; a near miss is
/// suggested.
#[test]
fn operation_settings_must_name_an_operation() {
    let api = sdkgen::model::build(&loaded(ONE_OPERATION), Path::new("spec.yaml"), &Settings::default()).unwrap();
    let ids: Vec<&str> = api.operations.iter().map(|o| o.id.as_str()).collect();
    let mut job = sdkgen::settings::single(Path::new("spec.yaml"), Path::new("out/t"), None).unwrap();
    job.settings_path = Some("no-such-dir/sdkgen.toml".into());
    job.settings.operations.insert("opp".into(), Default::default());
    let d = sdkgen::settings::check_operation_keys(&job, &ids).unwrap_err();
    assert_eq!(
        d.to_string(),
        "error: no-such-dir/sdkgen.toml: [operations.opp] names no operation of the description\n  help: did you mean \
         [operations.op]? Keys are operationIds"
    );
    job.settings.operations.clear();
    job.settings.operations.insert("somethingElse".into(), Default::default());
    let d = sdkgen::settings::check_operation_keys(&job, &ids).unwrap_err();
    assert_eq!(d.hint.as_deref(), Some("keys are operationIds as the description writes them"));
    job.settings.operations.clear();
    job.settings.operations.insert("op".into(), Default::default());
    assert_eq!(sdkgen::settings::check_operation_keys(&job, &ids), Ok(()));
}
