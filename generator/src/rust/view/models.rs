//! Model files: one module of `crate::models` per owner, with its structs,
//! enums, unions and aliases ([`ModelFileView`], built by [`model_files`]).

use std::collections::HashMap;

use serde::Serialize;

use super::CATCH_ALL;
use super::api_errors::{ApiErrorView, api_error_view};
use super::types::{TypeNames, Types};
use crate::model::{Api, Owner, Ty, TypeId, TypeKind};
use crate::rust::docs::{doc_lines, lit};
use crate::rust::recursion::boxed_fields;
use crate::rust::sanitize::{Namer, pascal, snake};
use crate::rust::tokens::{ArgType, Code, RustType, ident, lit_tokens};
use quote::quote;

/// One file under `src/models/`.
#[derive(Debug, Serialize)]
pub struct ModelFileView {
    /// Module name.
    pub module: String,
    /// Docs of the module.
    pub docs: Vec<String>,
    /// Types, in order.
    pub types: Vec<TypeView>,
    /// The `cfg` predicate on the controllers' features that compiles it
    /// (any controller whose operations reach its types); `None`: always
    /// compiled.
    pub cfg: Option<Code>,
}

/// What a generated type is; serialises (for `model.rs.tera`) as `struct`,
/// `enum`, `alias` or `union`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TypeViewKind {
    /// A struct with fields.
    Struct,
    /// An enum of string values (with a catch-all).
    Enum,
    /// A type alias.
    Alias,
    /// An enum over alternative shapes.
    Union,
}

/// One generated type.
#[derive(Debug, Serialize)]
pub struct TypeView {
    /// What it is.
    pub kind: TypeViewKind,
    /// Type name.
    pub name: String,
    /// Docs.
    pub docs: Vec<String>,
    /// Struct fields.
    pub fields: Vec<FieldView>,
    /// Name of the field that keeps unknown properties.
    pub extra_field: String,
    /// Enum variants.
    pub variants: Vec<VariantView>,
    /// Catch-all variant of an enum.
    pub other_variant: String,
    /// Alias target.
    pub alias: Option<RustType>,
    /// For an error body: how `code()` and `message()` read it.
    pub api_error: Option<ApiErrorView>,
    /// Union details.
    pub union: Option<UnionView>,
    /// For an enum of error codes: an `is_<code>()` method per variant.
    pub is_helpers: bool,
    /// For a struct: `new()` and the `with_*` setters.
    pub build: Option<StructBuildView>,
}

/// How callers build a struct model (it is `#[non_exhaustive]`, so outside the
/// crate a struct literal is not an option): `new(<required fields>)`, then a
/// chainable `with_<field>(value)` per other field.
#[derive(Debug, Serialize)]
pub struct StructBuildView {
    /// Doc lines of `new`.
    pub new_docs: Vec<String>,
    /// `new`'s arguments: the required fields, in declared order.
    pub required: Vec<BuildArgView>,
    /// `with_*` setters of the other fields, in declared order.
    pub optional: Vec<BuildArgView>,
    /// Whether `new` takes more arguments than clippy's `too_many_arguments`
    /// allows (a model with many required properties).
    pub many_args: bool,
    /// Whether `new` sets a deprecated field.
    pub new_deprecated: bool,
    /// The setter adding a property the description does not list.
    pub extra_setter: String,
}

/// A field set by `new` or by a `with_*` setter.
#[derive(Debug, Serialize)]
pub struct BuildArgView {
    /// The field.
    pub field: String,
    /// Setter name (`with_<field>`; empty for `new`'s arguments).
    pub method: String,
    /// Binding of the argument.
    pub arg: String,
    /// Argument type.
    pub arg_ty: ArgType,
    /// The value stored in the field, from `arg`.
    pub value: Code,
    /// Whether `value` is `arg` itself (`Self { field, .. }` shorthand).
    pub shorthand: bool,
    /// Doc lines of the setter.
    pub docs: Vec<String>,
    /// The field is deprecated.
    pub deprecated: bool,
}

/// A `oneOf` / `anyOf` type.
#[derive(Debug, Serialize)]
pub struct UnionView {
    /// Alternatives.
    pub variants: Vec<UnionVariantView>,
    /// Discriminator property literal.
    pub tag_lit: Option<String>,
    /// Catch-all variant name.
    pub other: String,
}

/// One alternative of a union.
#[derive(Debug, Serialize)]
pub struct UnionVariantView {
    /// Variant name.
    pub name: String,
    /// Payload type.
    pub ty: RustType,
    /// Docs.
    pub docs: Vec<String>,
    /// Discriminator values selecting it, as a match pattern (`"cat" | "Cat"`).
    pub tag_pattern: Option<String>,
    /// The discriminator value it is written with.
    pub tag_lit: Option<String>,
    /// `sdkgen_runtime::de::Shape` expression describing it.
    pub shape: Code,
    /// Whether a `From` impl is generated for its payload type.
    pub from: bool,
}

/// A struct field.
#[derive(Debug, Serialize)]
pub struct FieldView {
    /// Field name.
    pub name: String,
    /// Serde attribute contents (`rename = "x", default, ...`).
    pub serde: Code,
    /// Type.
    pub ty: RustType,
    /// Docs.
    pub docs: Vec<String>,
    /// Deprecated.
    pub deprecated: bool,
}

/// An enum variant.
#[derive(Debug, Serialize)]
pub struct VariantView {
    /// Variant name.
    pub name: String,
    /// Wire value literal.
    pub wire_lit: String,
    /// Docs.
    pub docs: Vec<String>,
    /// For error codes: the `is_<code>()` method and its doc literal.
    pub is_method: String,
    /// See `is_method`.
    pub is_doc: String,
}

/// `features` is the `cfg` of each type (see [`crate::rust::features::model_gates`]),
/// the same for every type of one module.
pub(super) fn model_files(api: &Api, names: &TypeNames, types: &Types<'_>, features: &[Option<Code>]) -> Vec<ModelFileView> {
    let boxed = boxed_fields(api);
    let mut files: Vec<ModelFileView> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    // Which operation's error body each type is, to give it `code()`/`message()`.
    let mut error_of: HashMap<usize, &crate::model::Response> = HashMap::new();
    // Enums of error codes, to give them `is_<code>()`.
    let mut error_code_enums: std::collections::HashSet<usize> = std::collections::HashSet::new();
    for op in &api.operations {
        for e in &op.errors {
            if let Some(Ty::Named(id)) = &e.ty {
                error_of.entry(id.0).or_insert(e);
            }
            if let Some(TypeId(id)) = e.error_code.as_ref().and_then(|c| c.enum_type) {
                error_code_enums.insert(id);
            }
        }
    }
    for (i, def) in api.types.iter().enumerate() {
        let module = names.modules[i].as_str();
        let here = Some(module);
        let name = names.names[i].clone();
        let mut docs = def.description.as_deref().map(doc_lines).unwrap_or_default();
        if docs.is_empty() {
            docs.push(lit(&format!(" `{}`.", def.name.join(".").replace('`', "'"))));
        }
        let kind = match &def.kind {
            TypeKind::Struct { .. } => TypeViewKind::Struct,
            TypeKind::Enum { .. } => TypeViewKind::Enum,
            TypeKind::Alias(_) => TypeViewKind::Alias,
            TypeKind::Union { .. } => TypeViewKind::Union,
        };
        let mut view = TypeView {
            kind,
            name,
            docs,
            fields: Vec::new(),
            extra_field: String::new(),
            variants: Vec::new(),
            other_variant: String::new(),
            alias: None,
            api_error: None,
            union: None,
            is_helpers: false,
            build: None,
        };
        match &def.kind {
            TypeKind::Struct { fields } => {
                let mut namer = Namer::new();
                for (fi, f) in fields.iter().enumerate() {
                    let ident = namer.unique(snake(&f.name));
                    let mut ty = match (&f.ty, boxed[i][fi]) {
                        (Ty::Nullable(inner), true) => types.rust(inner, here).boxed().option(),
                        (ty, true) => types.rust(ty, here).boxed(),
                        (ty, false) => types.rust(ty, here),
                    };
                    let mut serde = Vec::new();
                    if ident != f.name {
                        let wire = lit_tokens(&lit(&f.name));
                        serde.push(quote!(rename = #wire));
                    }
                    if !f.required && !ty.is_option() {
                        ty = ty.option();
                    }
                    let inner = match &f.ty {
                        Ty::Nullable(t) => t.as_ref(),
                        t => t,
                    };
                    let decoder = types.scalar_decoder(inner).filter(|_| !boxed[i][fi]);
                    // Lenient: real responses omit documented-required fields.
                    serde.push(quote!(default));
                    // An optional field left unset is left out; a required one
                    // that may be null goes out as `null`, as the API expects it.
                    if ty.is_option() && !f.required {
                        serde.push(quote!(skip_serializing_if = "Option::is_none"));
                    }
                    if let Some(d) = decoder {
                        let path = format!("sdkgen_runtime::de::{}{d}", if ty.is_option() { "opt_" } else { "" });
                        serde.push(quote!(deserialize_with = #path));
                    }
                    let mut fdocs = f.description.as_deref().map(doc_lines).unwrap_or_default();
                    if fdocs.is_empty() {
                        fdocs.push(lit(&format!(" `{}`.", f.name.replace('`', "'"))));
                    }
                    let serde = quote!(#(#serde),*).into();
                    view.fields.push(FieldView { name: ident, serde, ty, docs: fdocs, deprecated: f.deprecated });
                }
                view.extra_field = namer.unique("additional_properties".into());
                view.build = Some(struct_build(&view, fields, &boxed[i], types, here));
                if let Some(response) = error_of.get(&i) {
                    view.api_error = Some(api_error_view(api, TypeId(i), response, fields, &view.fields));
                }
            }
            TypeKind::Enum { values } => {
                let sanitized: Vec<String> = values.iter().map(|v| pascal(v)).collect();
                let mut namer = Namer::with_reserved([CATCH_ALL]);
                view.is_helpers = error_code_enums.contains(&i);
                let mut methods = Namer::with_reserved(["as_str"]);
                for (v, s) in values.iter().zip(sanitized) {
                    // Escaped like a Rust string, so newlines and backticks stay on one line.
                    let shown = v.escape_debug().to_string().replace('`', "\\u{60}");
                    let (is_method, is_doc) = if view.is_helpers {
                        (methods.unique(is_method(&s)), lit(&format!(" Whether the code is `{shown}`.")))
                    } else {
                        (String::new(), String::new())
                    };
                    view.variants.push(VariantView {
                        name: namer.unique(s),
                        wire_lit: lit(v),
                        docs: vec![lit(&format!(" `{shown}`"))],
                        is_method,
                        is_doc,
                    });
                }
                view.other_variant = CATCH_ALL.into();
            }
            TypeKind::Alias(ty) => {
                view.alias = Some(types.rust(ty, here));
            }
            TypeKind::Union { variants, tag } => {
                let mut namer = Namer::with_reserved([CATCH_ALL]);
                let mut out: Vec<UnionVariantView> = Vec::new();
                for (vi, v) in variants.iter().enumerate() {
                    let mut ty = types.rust(&v.ty, here);
                    if boxed[i][vi] {
                        ty = ty.boxed();
                    }
                    let mut vdocs = vec![lit(&format!(" `{}`.", v.name.join(".").replace('`', "'")))];
                    if let (Some(tag), false) = (tag, v.tag_values.is_empty()) {
                        let values: Vec<String> =
                            v.tag_values.iter().map(|t| format!("`{}`", t.escape_debug().to_string().replace('`', "\\u{60}"))).collect();
                        vdocs.push(lit(""));
                        vdocs.push(lit(&format!(" Selected by `{}` = {}.", tag.replace('`', "'"), values.join(" or "))));
                    }
                    out.push(UnionVariantView {
                        name: namer.unique(pascal(&v.name.join("_"))),
                        docs: vdocs,
                        tag_pattern: tag
                            .as_ref()
                            .filter(|_| !v.tag_values.is_empty())
                            .map(|_| v.tag_values.iter().map(|t| lit(t)).collect::<Vec<_>>().join(" | ")),
                        tag_lit: tag.as_ref().and_then(|_| v.tag_values.first()).map(|t| lit(t)),
                        shape: types.shape(&v.ty),
                        from: false,
                        ty,
                    });
                }
                // `From` for payload types no other alternative shares (aliases
                // resolved: two names for `String` are one type).
                let resolved: Vec<RustType> = variants
                    .iter()
                    .zip(&out)
                    .map(|(v, o)| if o.ty.is_box() { o.ty.clone() } else { types.rust(&types.resolve(&v.ty), here) })
                    .collect();
                for vi in 0..out.len() {
                    let unique = resolved.iter().filter(|r| **r == resolved[vi]).count() == 1;
                    out[vi].from = unique && resolved[vi] != RustType::Json;
                }
                view.union = Some(UnionView { variants: out, tag_lit: tag.as_deref().map(lit), other: CATCH_ALL.into() });
            }
        }
        let file = *index.entry(module).or_insert_with(|| {
            let docs = match &def.owner {
                Owner::Component(n) => vec![lit(&format!(" The `{}` schema.", n.replace('`', "'")))],
                Owner::Operation(_) if names.shared.as_deref() == Some(module) => {
                    vec![lit(" Types of operations that several controllers use: each is kept once and named after the first.")]
                }
                Owner::Operation(o) => vec![lit(&format!(" Types of the `{}` operation.", api.operations[*o].id.replace('`', "'")))],
            };
            files.push(ModelFileView { module: module.to_string(), docs, types: Vec::new(), cfg: features[i].clone() });
            files.len() - 1
        });
        files[file].types.push(view);
    }
    files
}

/// `new()` and the `with_*` setters of a struct whose fields `view` already
/// names (`fields` are the model's, `boxed` says which are boxed).
pub(super) fn struct_build(
    view: &TypeView,
    fields: &[crate::model::Field],
    boxed: &[bool],
    types: &Types<'_>,
    here: Option<&str>,
) -> StructBuildView {
    // Methods never take a field's name either (`m.with_x` the field beside
    // `m.with_x()` the setter of `x` would read as one thing).
    let mut methods =
        Namer::with_reserved(["new"].into_iter().chain(view.fields.iter().map(|f| f.name.as_str())).chain([view.extra_field.as_str()]));
    let mut args = Namer::with_reserved(["self"]);
    let mut required = Vec::new();
    let mut optional = Vec::new();
    for ((f, v), &is_boxed) in fields.iter().zip(&view.fields).zip(boxed) {
        let (nullable, inner) = match &f.ty {
            Ty::Nullable(inner) => (true, inner.as_ref()),
            other => (false, other),
        };
        let inner_ty = types.rust(inner, here);
        let docs = vec![lit(&format!(" Sets [`{}`](Self::{}).", v.name, v.name))];
        // Clippy rejects placeholder names (`foo`) as bindings, though not as fields.
        let arg_base = if matches!(v.name.as_str(), "foo" | "baz" | "quux") { format!("{}_", v.name) } else { v.name.clone() };
        let string = types.is_string(inner) && !is_boxed;
        if f.required {
            let arg = args.unique(arg_base);
            let binding = ident(&arg);
            // `plain`: the argument is stored as it is.
            let (arg_ty, value, plain) = match (nullable, is_boxed) {
                (true, true) => (ArgType::Exact(inner_ty.option()), quote!(#binding.map(Box::new)), false),
                (true, false) => (ArgType::Exact(inner_ty.option()), quote!(#binding), true),
                (false, true) => (ArgType::Exact(inner_ty), quote!(Box::new(#binding)), false),
                (false, false) if string => (ArgType::IntoString, quote!(#binding.into()), false),
                (false, false) => (ArgType::Exact(inner_ty), quote!(#binding), true),
            };
            required.push(BuildArgView {
                shorthand: plain && arg == v.name,
                field: v.name.clone(),
                method: String::new(),
                arg,
                arg_ty,
                value: value.into(),
                docs,
                deprecated: v.deprecated,
            });
        } else {
            let method = methods.unique(format!("with_{}", v.name.trim_end_matches('_')));
            let (arg_ty, value) = if is_boxed {
                (ArgType::Exact(inner_ty), quote!(Some(Box::new(value))))
            } else if string {
                (ArgType::IntoString, quote!(Some(value.into())))
            } else {
                (ArgType::Exact(inner_ty), quote!(Some(value)))
            };
            optional.push(BuildArgView {
                field: v.name.clone(),
                method,
                arg: "value".into(),
                arg_ty,
                value: value.into(),
                shorthand: false,
                docs,
                deprecated: v.deprecated,
            });
        }
    }
    let name = &view.name;
    let new_docs = if required.is_empty() {
        vec![lit(&format!(" An empty [`{name}`]: every field at its default; set them with the `with_*` methods."))]
    } else {
        let list: Vec<String> = required.iter().map(|a| format!("[`{}`](Self::{})", a.field, a.field)).collect();
        vec![lit(&format!(" A [`{name}`] with its required fields ({}); set the others with the `with_*` methods.", list.join(", ")))]
    };
    StructBuildView {
        new_docs,
        many_args: required.len() > 7,
        new_deprecated: required.iter().any(|a| a.deprecated),
        required,
        optional,
        extra_setter: methods.unique("with_additional_property".into()),
    }
}

/// `is_<code>()` for a variant; a code that already reads as a question
/// (`is_archived`) keeps its name.
pub(super) fn is_method(variant: &str) -> String {
    let name = snake(variant);
    let name = name.trim_start_matches("r#");
    if name.starts_with("is_") { name.to_string() } else { format!("is_{name}") }
}
