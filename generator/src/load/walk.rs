//! What each node of an OpenAPI / Swagger document is, judged from the keys above
//! it: a keyword object, a map of user-chosen names, a schema, or data (example
//! values, defaults, enums, extensions) that must never be read as structure.
//!
//! The walkers in `refs` and `normalize` use [`child`] to decide what a child node is
//! and whether to visit it at all, so that a property named `type` or an example
//! holding `$ref` is left alone.

use serde_json::Value;

/// The role of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ctx {
    /// The document root.
    Root,
    /// The `components` object.
    Components,
    /// An object whose keys are keywords (operation, parameter, response, ...).
    Object,
    /// A map from user-chosen names to keyword objects; `x-` keys are extensions.
    Names,
    /// Like `Names`, but `x-` keys are names too (HTTP header names).
    NamesKeepX,
    /// A schema.
    Schema,
    /// A map from names to schemas (`properties`, `definitions`, ...).
    SchemaNames,
    /// A list of schemas (`allOf`, ...); also `items` given as a list.
    SchemaList,
}

/// The role of the value under `key` in a node of role `parent`, or `None` when the
/// value is data and is not to be visited.
pub(crate) fn child(parent: Ctx, key: &str, value: &Value, swagger2: bool) -> Option<Ctx> {
    match parent {
        Ctx::Root => match key {
            _ if key.starts_with("x-") => None,
            "definitions" => Some(Ctx::SchemaNames),
            "components" => Some(Ctx::Components),
            "paths" | "parameters" | "responses" | "securityDefinitions" | "webhooks" => Some(Ctx::Names),
            _ => Some(Ctx::Object),
        },
        Ctx::Components => match key {
            _ if key.starts_with("x-") => None,
            "schemas" => Some(Ctx::SchemaNames),
            "headers" => Some(Ctx::NamesKeepX),
            _ => Some(Ctx::Names),
        },
        Ctx::Object => match key {
            _ if key.starts_with("x-") => None,
            "example" | "default" | "enum" | "const" | "value" => None,
            "examples" if swagger2 || !value.is_object() => None,
            "schema" | "items" => Some(if value.is_array() { Ctx::SchemaList } else { Ctx::Schema }),
            "headers" => Some(Ctx::NamesKeepX),
            "examples" | "content" | "responses" | "callbacks" | "links" | "encoding" | "parameters" | "requestBodies"
            | "securitySchemes" | "variables" | "scopes" | "mapping" => Some(Ctx::Names),
            _ => Some(Ctx::Object),
        },
        Ctx::Names => {
            if key.starts_with("x-") {
                None
            } else {
                Some(Ctx::Object)
            }
        }
        Ctx::NamesKeepX => Some(Ctx::Object),
        Ctx::Schema => match key {
            "properties" | "patternProperties" | "definitions" | "$defs" | "dependentSchemas" => Some(Ctx::SchemaNames),
            "items" | "additionalItems" => Some(if value.is_array() { Ctx::SchemaList } else { Ctx::Schema }),
            "additionalProperties" | "unevaluatedProperties" | "unevaluatedItems" => value.is_object().then_some(Ctx::Schema),
            "not" | "contains" | "propertyNames" | "if" | "then" | "else" => Some(Ctx::Schema),
            "allOf" | "anyOf" | "oneOf" | "prefixItems" => Some(Ctx::SchemaList),
            _ => None,
        },
        Ctx::SchemaNames => Some(Ctx::Schema),
        Ctx::SchemaList => Some(Ctx::Schema),
    }
}

/// The role of the elements of an array that has role `ctx`.
pub(crate) fn element(ctx: Ctx) -> Ctx {
    match ctx {
        Ctx::Schema | Ctx::SchemaList => Ctx::Schema,
        _ => Ctx::Object,
    }
}

/// True for roles whose nodes are schemas.
pub(crate) fn is_schema(ctx: Ctx) -> bool {
    ctx == Ctx::Schema
}
