//! Every way a description says "this may be null" makes the field an
//! `Option`: `nullable` on the referenced schema (GitHub's
//! `NullableSimpleUser`), on the referring property, `allOf: [$ref]` or
//! `anyOf: [$ref]` with `nullable` (Stripe), 3.1 `type: [.., "null"]` and
//! `oneOf` with `{type: "null"}`.

use sdkgen::model::{Api, Ty, TypeKind};

mod support;
use support::model;

fn fields(api: &Api, type_name: &str) -> Vec<(String, Ty)> {
    let t = api.types.iter().find(|t| t.name == [type_name]).unwrap_or_else(|| panic!("no type {type_name}"));
    match &t.kind {
        TypeKind::Struct { fields } => fields.iter().map(|f| (f.name.clone(), f.ty.clone())).collect(),
        other => panic!("{type_name} is {other:?}"),
    }
}

fn id(api: &Api, type_name: &str) -> sdkgen::model::TypeId {
    sdkgen::model::TypeId(api.types.iter().position(|t| t.name == [type_name]).unwrap())
}

fn nullable(ty: Ty) -> Ty {
    Ty::Nullable(Box::new(ty))
}

const V30: &str = r##"
openapi: 3.0.3
info: {title: Nulls, version: "1"}
paths:
  /h:
    get:
      operationId: getHolder
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Holder"}}}}
components:
  schemas:
    User: {type: object, properties: {login: {type: string}}}
    NullableUser: {type: object, nullable: true, properties: {login: {type: string}}}
    NullableString: {type: string, nullable: true}
    NullableColor: {type: string, nullable: true, enum: [red, blue]}
    Holder:
      type: object
      properties:
        on_target: {$ref: "#/components/schemas/NullableUser"}
        on_property: {$ref: "#/components/schemas/User", nullable: true}
        all_of: {allOf: [{$ref: "#/components/schemas/User"}], nullable: true}
        any_of: {anyOf: [{$ref: "#/components/schemas/User"}], nullable: true}
        items: {type: array, items: {$ref: "#/components/schemas/NullableUser"}}
        alias: {$ref: "#/components/schemas/NullableString"}
        color: {$ref: "#/components/schemas/NullableColor"}
        plain: {$ref: "#/components/schemas/User"}
        text: {type: string, nullable: true}
"##;

#[test]
fn openapi_3_0_forms() {
    let api = model(V30);
    let user = Ty::Named(id(&api, "User"));
    let nullable_user = Ty::Named(id(&api, "NullableUser"));
    let f = fields(&api, "Holder");
    let get = |n: &str| f.iter().find(|(name, _)| name == n).unwrap().1.clone();
    assert_eq!(get("on_target"), nullable(nullable_user.clone()));
    assert_eq!(get("on_property"), nullable(user.clone()));
    assert_eq!(get("all_of"), nullable(user.clone()));
    assert_eq!(get("any_of"), nullable(user.clone()));
    assert_eq!(get("items"), Ty::Array(Box::new(nullable(nullable_user))));
    assert_eq!(get("color"), nullable(Ty::Named(id(&api, "NullableColor"))));
    assert_eq!(get("plain"), user);
    assert_eq!(get("text"), nullable(Ty::String));
    // An alias carries its own nullability: `type NullableString = Option<String>`.
    assert_eq!(get("alias"), Ty::Named(id(&api, "NullableString")));
    match &api.ty(id(&api, "NullableString")).kind {
        TypeKind::Alias(ty) => assert_eq!(ty, &nullable(Ty::String)),
        other => panic!("{other:?}"),
    }
}

const V31: &str = r##"
openapi: 3.1.0
info: {title: Nulls, version: "1"}
paths:
  /h:
    get:
      operationId: getHolder
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: "#/components/schemas/Holder"}}}}
components:
  schemas:
    User: {type: object, properties: {login: {type: string}}}
    Pet: {type: object, properties: {name: {type: string}}}
    MaybeUser: {type: [object, "null"], properties: {login: {type: string}}}
    UserOrPetOrNull:
      oneOf: [{$ref: "#/components/schemas/User"}, {$ref: "#/components/schemas/Pet"}, {type: "null"}]
    Holder:
      type: object
      properties:
        type_array: {type: [string, "null"]}
        one_of_null: {oneOf: [{$ref: "#/components/schemas/User"}, {type: "null"}]}
        target_type_array: {$ref: "#/components/schemas/MaybeUser"}
        union_or_null: {$ref: "#/components/schemas/UserOrPetOrNull"}
"##;

#[test]
fn openapi_3_1_forms() {
    let api = model(V31);
    let f = fields(&api, "Holder");
    let get = |n: &str| f.iter().find(|(name, _)| name == n).unwrap().1.clone();
    assert_eq!(get("type_array"), nullable(Ty::String));
    assert_eq!(get("one_of_null"), nullable(Ty::Named(id(&api, "User"))));
    assert_eq!(get("target_type_array"), nullable(Ty::Named(id(&api, "MaybeUser"))));
    assert_eq!(get("union_or_null"), nullable(Ty::Named(id(&api, "UserOrPetOrNull"))));
}
