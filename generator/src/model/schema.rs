//! Schemas → [`Ty`] and named [`TypeDef`]s.
//!
//! Every object with properties and every string enum becomes a named type; the
//! name is built from where the schema sits (component name, or operation +
//! response + property path), so the same document always yields the same names.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use openapiv3::{AdditionalProperties, OpenAPI, ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};

use super::{Field, Owner, Ty, TypeDef, TypeId, TypeKind, Variant};
use crate::diag::Diagnostic;

/// Deeper inline nesting than this is rejected rather than risking the stack.
const MAX_DEPTH: usize = 200;

pub(super) struct Schemas<'a> {
    api: &'a OpenAPI,
    file: &'a Path,
    pub types: Vec<TypeDef>,
    components: HashMap<&'a str, TypeId>,
    /// Names to use instead of the derived ones, keyed by the derived name.
    renames: HashMap<Vec<String>, Vec<String>>,
    depth: usize,
    /// Inline schemas whose named type is being built, by address: a schema that
    /// comes round again (recursion through an `allOf` that merges a component
    /// holding it) refers to the type in progress instead of nesting forever.
    in_progress: HashMap<*const Schema, TypeId>,
}

type Properties = indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>;

/// One property collected from an object schema (or an `allOf` of them).
struct Prop<'s> {
    name: &'s str,
    schema: &'s ReferenceOr<Box<Schema>>,
    required: bool,
}

impl<'a> Schemas<'a> {
    pub fn new(api: &'a OpenAPI, file: &'a Path) -> Self {
        Schemas { api, file, types: Vec::new(), components: HashMap::new(), renames: HashMap::new(), depth: 0, in_progress: HashMap::new() }
    }

    /// Gives every component schema a [`TypeId`] (so references resolve in any
    /// order, recursion included), then converts each.
    pub fn register_components(&mut self) -> Result<(), Diagnostic> {
        let Some(components) = &self.api.components else { return Ok(()) };
        for (name, _) in &components.schemas {
            let id = TypeId(self.types.len());
            self.types.push(TypeDef {
                name: vec![name.clone()],
                owner: Owner::Component(name.clone()),
                description: None,
                kind: TypeKind::Alias(Ty::Any),
            });
            self.components.insert(name.as_str(), id);
        }
        for (name, schema) in &components.schemas {
            let id = self.components[name.as_str()];
            let owner = Owner::Component(name.clone());
            let words = vec![name.clone()];
            let (kind, description) = match schema {
                ReferenceOr::Reference { reference } => (TypeKind::Alias(self.reference(reference)), None),
                ReferenceOr::Item(schema) => {
                    let kind = match self.subtype_union(name, schema) {
                        Some(kind) => kind,
                        None => self.kind_of(schema, &words, &owner)?,
                    };
                    (kind, describe(schema))
                }
            };
            self.types[id.0].kind = kind;
            self.types[id.0].description = description;
        }
        Ok(())
    }

    /// Components that say they may be null: `nullable: true`, or a null
    /// alternative of their `oneOf` / `anyOf`.
    pub fn nullable_components(&self) -> HashSet<TypeId> {
        let Some(components) = &self.api.components else { return HashSet::new() };
        components
            .schemas
            .iter()
            .filter_map(|(name, schema)| match schema {
                ReferenceOr::Item(s) => Some((name, s)),
                ReferenceOr::Reference { .. } => None,
            })
            .filter(|(_, s)| {
                s.schema_data.nullable || Self::alternatives_of(s).is_some_and(|alts| alts.iter().any(|a| self.is_null_only(a)))
            })
            .map(|(name, _)| self.components[name.as_str()])
            .collect()
    }

    /// A base schema with a `discriminator` and subtypes that extend it
    /// (`allOf: [{$ref: base}, ...]`, or the discriminator's `mapping`): a union
    /// of the subtypes, so a value of the base type can be any of them.
    fn subtype_union(&self, base: &str, schema: &'a Schema) -> Option<TypeKind> {
        let discriminator = schema.schema_data.discriminator.as_ref()?;
        if Self::alternatives_of(schema).is_some() || discriminator.property_name.is_empty() {
            return None;
        }
        let components = &self.api.components.as_ref()?.schemas;
        let base_ref = format!("#/components/schemas/{}", base.replace('~', "~0").replace('/', "~1"));
        let mut subtypes: Vec<(String, Vec<String>)> = Vec::new();
        let add = |name: &str, tag: Option<&str>, subtypes: &mut Vec<(String, Vec<String>)>| {
            if name == base || !components.contains_key(name) {
                return;
            }
            let i = match subtypes.iter().position(|(n, _)| n == name) {
                Some(i) => i,
                None => {
                    subtypes.push((name.to_string(), Vec::new()));
                    subtypes.len() - 1
                }
            };
            if let Some(tag) = tag {
                subtypes[i].1.push(tag.to_string());
            }
        };
        for (tag, target) in &discriminator.mapping {
            let name = target.strip_prefix("#/components/schemas/").map(unescape_token).unwrap_or_else(|| target.clone());
            add(&name, Some(tag), &mut subtypes);
        }
        for (name, candidate) in components {
            let ReferenceOr::Item(candidate) = candidate else { continue };
            let parts: &[ReferenceOr<Schema>] = match &candidate.schema_kind {
                SchemaKind::AllOf { all_of } => all_of,
                SchemaKind::Any(a) => &a.all_of,
                _ => continue,
            };
            if parts.iter().any(|p| matches!(p, ReferenceOr::Reference { reference } if *reference == base_ref)) {
                add(name, None, &mut subtypes);
            }
        }
        if subtypes.is_empty() {
            return None;
        }
        let variants = subtypes
            .into_iter()
            .map(|(name, mut tags)| {
                if tags.is_empty() {
                    tags.push(name.clone());
                }
                let ty = Ty::Named(self.components[name.as_str()]);
                Variant { name: vec![name], ty, tag_values: tags }
            })
            .collect();
        Some(TypeKind::Union { variants, tag: Some(discriminator.property_name.clone()) })
    }

    /// Use `to` as the name of the type that would be named `from`.
    pub fn rename(&mut self, from: Vec<String>, to: Vec<String>) {
        self.renames.insert(from, to);
    }

    /// Follows references to the schema they name.
    pub fn resolve(&self, schema: &'a ReferenceOr<Schema>) -> Option<&'a Schema> {
        let mut current = schema;
        for _ in 0..32 {
            match current {
                ReferenceOr::Item(s) => return Some(s),
                ReferenceOr::Reference { reference } => {
                    current = self.component_schema(reference)?;
                }
            }
        }
        None
    }

    /// Like [`Self::resolve`] for boxed schemas (properties, items).
    pub fn resolve_boxed(&self, schema: &'a ReferenceOr<Box<Schema>>) -> Option<&'a Schema> {
        match schema {
            ReferenceOr::Item(s) => Some(s),
            ReferenceOr::Reference { reference } => self.resolve(self.component_schema(reference)?),
        }
    }

    fn component_schema(&self, reference: &str) -> Option<&'a ReferenceOr<Schema>> {
        let name = reference.strip_prefix("#/components/schemas/")?;
        let name = unescape_token(name);
        self.api.components.as_ref()?.schemas.get(name.as_str())
    }

    fn reference(&self, reference: &str) -> Ty {
        reference
            .strip_prefix("#/components/schemas/")
            .map(unescape_token)
            .and_then(|name| self.components.get(name.as_str()).copied())
            .map_or(Ty::Any, Ty::Named)
    }

    /// The type of a schema that sits at `name` (inline objects and enums become
    /// named types with that name).
    pub fn ty(&mut self, schema: &'a ReferenceOr<Schema>, name: &[String], owner: &Owner) -> Result<Ty, Diagnostic> {
        match schema {
            ReferenceOr::Reference { reference } => Ok(self.reference(reference)),
            ReferenceOr::Item(s) => self.item_ty(s, name, owner),
        }
    }

    /// [`Self::ty`] for boxed schemas.
    pub fn ty_boxed(&mut self, schema: &'a ReferenceOr<Box<Schema>>, name: &[String], owner: &Owner) -> Result<Ty, Diagnostic> {
        match schema {
            ReferenceOr::Reference { reference } => Ok(self.reference(reference)),
            ReferenceOr::Item(s) => self.item_ty(s, name, owner),
        }
    }

    fn item_ty(&mut self, schema: &'a Schema, name: &[String], owner: &Owner) -> Result<Ty, Diagnostic> {
        if self.depth >= MAX_DEPTH {
            // The loader refuses such nesting in a file first, with its JSON
            // pointer; this guards models built from a document in memory,
            // where only the type's name words are known.
            return Err(Diagnostic::new(self.file, format!("schema nesting deeper than {MAX_DEPTH} levels at `{}`", name.join(".")))
                .hint("move nested schemas into components and refer to them with $ref"));
        }
        self.depth += 1;
        let result = self.item_ty_inner(schema, name, owner);
        self.depth -= 1;
        let ty = result?;
        Ok(if schema.schema_data.nullable && !matches!(ty, Ty::Any | Ty::Nullable(_)) { Ty::Nullable(Box::new(ty)) } else { ty })
    }

    fn item_ty_inner(&mut self, schema: &'a Schema, name: &[String], owner: &Owner) -> Result<Ty, Diagnostic> {
        Ok(match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                if string_values(&s.enumeration).is_empty() {
                    match &s.format {
                        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Ty::Binary,
                        _ => Ty::String,
                    }
                } else {
                    self.named(schema, name, owner)?
                }
            }
            SchemaKind::Type(Type::Integer(i)) => match &i.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => Ty::Integer(32),
                _ => Ty::Integer(64),
            },
            SchemaKind::Type(Type::Number(_)) => Ty::Number,
            SchemaKind::Type(Type::Boolean(_)) => Ty::Boolean,
            SchemaKind::Type(Type::Object(o)) => {
                if o.properties.is_empty() {
                    self.map_of(o.additional_properties.as_ref(), name, owner)?
                } else {
                    self.named(schema, name, owner)?
                }
            }
            SchemaKind::Type(Type::Array(a)) => match &a.items {
                Some(items) => Ty::Array(Box::new(self.ty_boxed(items, &child(name, "item"), owner)?)),
                None => Ty::Array(Box::new(Ty::Any)),
            },
            SchemaKind::OneOf { one_of: alts } | SchemaKind::AnyOf { any_of: alts } => self.alternatives_ty(schema, alts, name, owner)?,
            SchemaKind::AllOf { all_of } => {
                if all_of.len() == 1 && schema_has_no_properties(schema) {
                    self.ty(&all_of[0], name, owner)?
                } else if self.collect_props(schema, 0).is_empty() {
                    Ty::Any
                } else {
                    self.named(schema, name, owner)?
                }
            }
            SchemaKind::Not { .. } => Ty::Any,
            SchemaKind::Any(any) => {
                // Decided the way `kind_of` decides, so that a schema sent to
                // `named` always comes back a struct or an enum (never round again).
                let has_props = !self.collect_props(schema, 0).is_empty();
                let is_enum = any.properties.is_empty()
                    && any.all_of.is_empty()
                    && !string_values(&any.enumeration).is_empty()
                    && any.typ.as_deref().is_none_or(|t| t == "string");
                if has_props || is_enum {
                    self.named(schema, name, owner)?
                } else if any.all_of.is_empty() && (!any.one_of.is_empty() || !any.any_of.is_empty()) {
                    let alts = if any.one_of.is_empty() { &any.any_of } else { &any.one_of };
                    self.alternatives_ty(schema, alts, name, owner)?
                } else if let ([only], true) = (any.all_of.as_slice(), any.properties.is_empty()) {
                    // `{allOf: [{$ref: X}], type: ..., nullable: true}`: the nullable
                    // form of a reference, with a `type` beside it.
                    self.ty(only, name, owner)?
                } else {
                    match any.typ.as_deref() {
                        Some("string") => Ty::String,
                        Some("integer") => Ty::Integer(64),
                        Some("number") => Ty::Number,
                        Some("boolean") => Ty::Boolean,
                        Some("array") => match &any.items {
                            Some(items) => Ty::Array(Box::new(self.ty_boxed(items, &child(name, "item"), owner)?)),
                            None => Ty::Array(Box::new(Ty::Any)),
                        },
                        Some("object") => self.map_of(any.additional_properties.as_ref(), name, owner)?,
                        _ => Ty::Any,
                    }
                }
            }
        })
    }

    /// `oneOf` / `anyOf`: null alternatives make the result nullable; one real
    /// alternative is that type; strings only (plain or enums) are one string enum
    /// (or a string); anything else is a named union.
    fn alternatives_ty(
        &mut self,
        schema: &'a Schema,
        alts: &'a [ReferenceOr<Schema>],
        name: &[String],
        owner: &Owner,
    ) -> Result<Ty, Diagnostic> {
        let real: Vec<&'a ReferenceOr<Schema>> = alts.iter().filter(|s| !self.is_null_only(s)).collect();
        let has_null = real.len() < alts.len();
        let ty = match real.as_slice() {
            [] => Ty::Any,
            [only] => self.ty(only, name, owner)?,
            _ if real.iter().all(|s| self.resolve(s).is_some_and(is_plain_string)) => {
                if real.iter().any(|s| self.resolve(s).is_some_and(|s| !string_enum_values(s).is_empty())) {
                    self.named(schema, name, owner)?
                } else {
                    Ty::String
                }
            }
            _ => self.named(schema, name, owner)?,
        };
        Ok(if has_null && !matches!(ty, Ty::Any | Ty::Nullable(_)) { Ty::Nullable(Box::new(ty)) } else { ty })
    }

    /// The alternatives of a `oneOf` / `anyOf` schema, when it is one.
    pub(super) fn alternatives_of(schema: &'a Schema) -> Option<&'a [ReferenceOr<Schema>]> {
        match &schema.schema_kind {
            SchemaKind::OneOf { one_of: alts } | SchemaKind::AnyOf { any_of: alts } => Some(alts),
            SchemaKind::Any(a) if a.properties.is_empty() && a.all_of.is_empty() => {
                if !a.one_of.is_empty() {
                    Some(&a.one_of)
                } else if !a.any_of.is_empty() {
                    Some(&a.any_of)
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// The definition of a named `oneOf` / `anyOf`: a string enum when every
    /// alternative is a string, else a union of the non-null alternatives.
    fn union_kind(
        &mut self,
        schema: &'a Schema,
        alts: &'a [ReferenceOr<Schema>],
        name: &[String],
        owner: &Owner,
    ) -> Result<TypeKind, Diagnostic> {
        let real: Vec<&'a ReferenceOr<Schema>> = alts.iter().filter(|s| !self.is_null_only(s)).collect();
        if real.len() < 2 {
            // Reached for components (inline schemas stop in `alternatives_ty`).
            let ty = self.alternatives_ty(schema, alts, name, owner)?;
            return Ok(TypeKind::Alias(ty));
        }
        if real.iter().all(|s| self.resolve(s).is_some_and(is_plain_string)) {
            let mut values: Vec<String> = Vec::new();
            for s in &real {
                for v in self.resolve(s).map(string_enum_values).unwrap_or_default() {
                    if !values.contains(&v) {
                        values.push(v);
                    }
                }
            }
            if values.is_empty() {
                return Ok(TypeKind::Alias(Ty::String));
            }
            return Ok(TypeKind::Enum { values });
        }
        let discriminator = schema.schema_data.discriminator.as_ref();
        // Inline alternatives are named by their one property or the first
        // they require; where two would get the same name (Slack's two user
        // objects both require `id` first), by what sets each apart.
        let prop_name = |alt: &ReferenceOr<Schema>| match alt {
            ReferenceOr::Item(item) if item.schema_data.title.as_deref().is_none_or(|t| t.trim().is_empty()) => {
                let props = self.collect_props(item, 0);
                match (props.as_slice(), props.iter().find(|p| p.required)) {
                    ([only], _) => Some(only.name.to_string()),
                    (_, Some(first)) => Some(first.name.to_string()),
                    _ => None,
                }
            }
            _ => None,
        };
        let prop_names: Vec<Option<String>> = real.iter().map(|a| prop_name(a)).collect();
        let all_props: Vec<Vec<&str>> = real
            .iter()
            .map(|a| match a {
                ReferenceOr::Item(item) => self.collect_props(item, 0).iter().map(|p| p.name).collect(),
                ReferenceOr::Reference { .. } => Vec::new(),
            })
            .collect();
        let mut variants = Vec::with_capacity(real.len());
        for (i, alt) in real.iter().enumerate() {
            let (words, tag_values) = match alt {
                ReferenceOr::Reference { reference } => {
                    let component = reference.strip_prefix("#/components/schemas/").map(unescape_token);
                    let mut tags: Vec<String> = discriminator
                        .map(|d| {
                            d.mapping
                                .iter()
                                .filter(|(_, target)| *target == reference || component.as_deref().is_some_and(|c| target.as_str() == c))
                                .map(|(k, _)| k.clone())
                                .collect()
                        })
                        .unwrap_or_default();
                    if tags.is_empty() && discriminator.is_some() {
                        tags.extend(component.clone());
                    }
                    (vec![component.unwrap_or_else(|| format!("variant{}", i + 1))], tags)
                }
                ReferenceOr::Item(item) => {
                    let words = match (&item.schema_data.title, &prop_names[i]) {
                        (Some(t), _) if !t.trim().is_empty() => vec![t.clone()],
                        (_, Some(prop)) if prop_names.iter().filter(|n| n.as_ref() == Some(prop)).count() > 1 => {
                            let unique =
                                all_props[i].iter().find(|p| all_props.iter().enumerate().all(|(j, other)| j == i || !other.contains(p)));
                            match (short_description(item), unique) {
                                (Some(d), _) => vec![d],
                                (None, Some(p)) => vec![format!("with_{p}")],
                                (None, None) => vec![prop.clone()],
                            }
                        }
                        (_, Some(prop)) => vec![prop.clone()],
                        _ => vec![format!("variant{}", i + 1)],
                    };
                    (words, Vec::new())
                }
            };
            let ty = self.ty(alt, &child(name, &words.join("_")), owner)?;
            let words = match (&ty, alt) {
                // An inline alternative without a title: named by what it is.
                (ty, ReferenceOr::Item(item)) if item.schema_data.title.is_none() => match ty {
                    Ty::String => vec!["string".to_string()],
                    Ty::Integer(_) => vec!["integer".to_string()],
                    Ty::Number => vec!["number".to_string()],
                    Ty::Boolean => vec!["boolean".to_string()],
                    Ty::Array(_) => vec!["array".to_string()],
                    Ty::Map(_) => vec!["object".to_string()],
                    _ => words,
                },
                _ => words,
            };
            variants.push(Variant { name: words, ty, tag_values });
        }
        let tag = discriminator.map(|d| d.property_name.clone()).filter(|p| !p.is_empty());
        Ok(TypeKind::Union { variants, tag })
    }

    fn map_of(&mut self, additional: Option<&'a AdditionalProperties>, name: &[String], owner: &Owner) -> Result<Ty, Diagnostic> {
        Ok(match additional {
            Some(AdditionalProperties::Schema(s)) => Ty::Map(Box::new(self.ty(s, &child(name, "value"), owner)?)),
            _ => Ty::Map(Box::new(Ty::Any)),
        })
    }

    /// Registers a named type for an inline schema and refers to it.
    fn named(&mut self, schema: &'a Schema, name: &[String], owner: &Owner) -> Result<Ty, Diagnostic> {
        let key = schema as *const Schema;
        if let Some(&id) = self.in_progress.get(&key) {
            return Ok(Ty::Named(id));
        }
        let words = self.renames.get(name).cloned().unwrap_or_else(|| name.to_vec());
        let id = TypeId(self.types.len());
        self.types.push(TypeDef {
            name: words.clone(),
            owner: owner.clone(),
            description: describe(schema),
            kind: TypeKind::Alias(Ty::Any),
        });
        self.in_progress.insert(key, id);
        let kind = self.kind_of(schema, &words, owner);
        self.in_progress.remove(&key);
        self.types[id.0].kind = kind?;
        Ok(Ty::Named(id))
    }

    /// The definition of a schema that gets a name of its own.
    fn kind_of(&mut self, schema: &'a Schema, name: &[String], owner: &Owner) -> Result<TypeKind, Diagnostic> {
        let values = match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => string_values(&s.enumeration),
            SchemaKind::Any(a) if a.properties.is_empty() && a.all_of.is_empty() => string_values(&a.enumeration),
            _ => Vec::new(),
        };
        if !values.is_empty() {
            return Ok(TypeKind::Enum { values });
        }
        if let Some(alts) = Self::alternatives_of(schema) {
            return self.union_kind(schema, alts, name, owner);
        }
        let props = self.collect_props(schema, 0);
        let is_object = !props.is_empty()
            || matches!(&schema.schema_kind, SchemaKind::AllOf { .. })
            || matches!(&schema.schema_kind, SchemaKind::Type(Type::Object(o)) if !o.properties.is_empty());
        if !is_object {
            // Not an object or enum: an alias of whatever it is, null included.
            let ty = self.item_ty_inner(schema, name, owner)?;
            let ty = if schema.schema_data.nullable && !matches!(ty, Ty::Any | Ty::Nullable(_)) { Ty::Nullable(Box::new(ty)) } else { ty };
            return Ok(TypeKind::Alias(ty));
        }
        // Collect first (borrowing the document), then convert.
        let props: Vec<(String, &'a ReferenceOr<Box<Schema>>, bool)> =
            props.into_iter().map(|p| (p.name.to_string(), p.schema, p.required)).collect();
        let mut fields = Vec::with_capacity(props.len());
        for (prop, prop_schema, required) in props {
            let resolved = self.resolve_boxed(prop_schema);
            let description = resolved.and_then(describe);
            let deprecated = resolved.is_some_and(|s| s.schema_data.deprecated);
            let ty = self.ty_boxed(prop_schema, &child(name, &prop), owner)?;
            fields.push(Field { name: prop, ty, required, description, deprecated });
        }
        Ok(TypeKind::Struct { fields })
    }

    /// Properties of an object schema, merging `allOf` parts (first definition of
    /// a name wins, `required` from any part counts).
    fn collect_props(&self, schema: &'a Schema, depth: usize) -> Vec<Prop<'a>> {
        let mut out: Vec<Prop<'a>> = Vec::new();
        if depth > 32 {
            return out;
        }
        type Parts<'a> = (Option<&'a Properties>, &'a [String], &'a [ReferenceOr<Schema>]);
        let (properties, required, all_of): Parts<'a> = match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => (Some(&o.properties), &o.required, &[]),
            SchemaKind::AllOf { all_of } => (None, &[], all_of),
            SchemaKind::Any(a) => (Some(&a.properties), &a.required, &a.all_of),
            _ => (None, &[], &[]),
        };
        let merge = |out: &mut Vec<Prop<'a>>, p: Prop<'a>| {
            if let Some(existing) = out.iter_mut().find(|e| e.name == p.name) {
                existing.required |= p.required;
            } else {
                out.push(p);
            }
        };
        for part in all_of {
            if let Some(part) = self.resolve(part) {
                for p in self.collect_props(part, depth + 1) {
                    merge(&mut out, p);
                }
            }
        }
        if let Some(properties) = properties {
            for (name, prop) in properties {
                merge(&mut out, Prop { name, schema: prop, required: required.contains(name) });
            }
        }
        for name in required {
            if let Some(existing) = out.iter_mut().find(|e| e.name == name) {
                existing.required = true;
            }
        }
        out
    }

    /// A schema that only says "null" (`{nullable: true}` and nothing else).
    fn is_null_only(&self, schema: &ReferenceOr<Schema>) -> bool {
        match schema {
            ReferenceOr::Reference { .. } => false,
            ReferenceOr::Item(s) => match &s.schema_kind {
                SchemaKind::Any(a) => {
                    a.typ.is_none()
                        && a.properties.is_empty()
                        && a.items.is_none()
                        && a.enumeration.iter().all(|v| v.is_null())
                        && a.all_of.is_empty()
                        && a.any_of.is_empty()
                        && a.one_of.is_empty()
                        && s.schema_data.nullable
                }
                _ => false,
            },
        }
    }
}

/// A description short enough to name a type by (`enterprise user`).
fn short_description(schema: &Schema) -> Option<String> {
    let d = schema.schema_data.description.as_deref()?.trim().trim_end_matches('.');
    let words = d.split_whitespace().count();
    ((1..=6).contains(&words) && d.chars().all(|c| c.is_alphanumeric() || c == ' ' || c == '-' || c == '_')).then(|| d.to_string())
}

/// The schema's title and description, joined.
fn describe(schema: &Schema) -> Option<String> {
    let data = &schema.schema_data;
    match (&data.title, &data.description) {
        (Some(t), Some(d)) if !d.contains(t.as_str()) => Some(format!("{t}\n\n{d}")),
        (_, Some(d)) => Some(d.clone()),
        (Some(t), None) => Some(t.clone()),
        (None, None) => None,
    }
}

/// A string schema (with or without `enum`), nothing else.
fn is_plain_string(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => !matches!(s.format, VariantOrUnknownOrEmpty::Item(StringFormat::Binary)),
        SchemaKind::Any(a) => {
            a.typ.as_deref() == Some("string")
                && a.properties.is_empty()
                && a.all_of.is_empty()
                && a.one_of.is_empty()
                && a.any_of.is_empty()
        }
        _ => false,
    }
}

/// The `enum` values of a string schema.
fn string_enum_values(schema: &Schema) -> Vec<String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => string_values(&s.enumeration),
        SchemaKind::Any(a) => string_values(&a.enumeration),
        _ => Vec::new(),
    }
}

fn schema_has_no_properties(schema: &Schema) -> bool {
    !matches!(&schema.schema_kind, SchemaKind::Type(Type::Object(o)) if !o.properties.is_empty())
}

fn string_values<T: serde::Serialize>(values: &[T]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for v in values {
        if let Ok(serde_json::Value::String(s)) = serde_json::to_value(v) {
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out
}

fn child(name: &[String], word: &str) -> Vec<String> {
    let mut out = name.to_vec();
    out.push(word.to_string());
    out
}

fn unescape_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}
