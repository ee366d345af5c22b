//! One type for structurally identical inline schemas.
//!
//! Big descriptions spell the same small object out again and again (GitHub's
//! webhook payloads repeat `{href: string}` under every `_links` key), and
//! each inline schema used to become a struct of its own: dozens of identical
//! structs per file, and crates too big to compile comfortably. After the
//! model is built (and before anything is named in Rust), [`merge_identical`]
//! replaces every inline type by the first type of the same shape.
//!
//! What "the same shape" means (the [`Key`]): the kind, and for a struct its
//! fields in declared order with their wire names, requiredness, deprecation
//! and types (nullability included), for an enum its values in order, for a
//! union its variants (names, types, discriminator values) and discriminator
//! property. Referenced named types count by the identity they have after
//! merging, so the comparison runs to a fixpoint: once the `{href}` objects
//! are one type, the `_links` objects holding them compare equal too.
//! Descriptions and titles are documentation and do not count; the kept
//! type keeps its own.
//!
//! What the generated code does with a type beyond its shape counts too (its
//! role): the error body of an operation gets `code()` / `message()` reading
//! the properties the settings or the description name, an enum of error
//! codes gets `is_<code>()` helpers. Types with different roles stay apart, so
//! merging never gives a type methods it did not have.
//!
//! Which type is kept: component schemas are named by the API author, so they
//! are never merged into each other, and an inline type shaped like a
//! component becomes that component (the first one in document order when
//! several components share the shape). Among inline types the first in
//! [`Api::types`] order is kept: components' inline parts in component order,
//! then operations' in document order, and an outer object before the objects
//! inside it. The same description therefore always keeps the same names.
//! One exception: a type an operation names directly (its request, response
//! and error bodies, parameters, error-code enum) is never replaced, so every
//! operation keeps returning `<Operation>Response`. When it equals a type
//! kept earlier it becomes an alias of that type (`pub type
//! ReposGetError503 = crate::models::ReposListError503;`): one definition,
//! its own name. Objects nested inside those are merged like any other.
//!
//! Inline types that refer to themselves (through a component) are only
//! merged when their keys meet bottom-up; two copies of a recursive inline
//! shape stay two types, which is safe (never merges types that differ).

use std::collections::HashMap;

use super::{Api, Operation, Owner, Ty, TypeDef, TypeId, TypeKind};

/// A [`Ty`] with named types replaced by the index of the type they stand
/// for after merging.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum TyKey {
    String,
    Integer(u8),
    Number,
    Boolean,
    Binary,
    Any,
    Array(Box<TyKey>),
    Map(Box<TyKey>),
    Nullable(Box<TyKey>),
    Named(usize),
}

/// What makes two types generate the same Rust code, docs set aside.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Shape {
    /// Fields: wire name, required, deprecated, type.
    Struct(Vec<(String, bool, bool, TyKey)>),
    Enum(Vec<String>),
    Alias(TyKey),
    /// Variants (name words, type, discriminator values) and discriminator.
    Union(Vec<(Vec<String>, TyKey, Vec<String>)>, Option<String>),
}

/// What the generated code adds to a type beyond its shape.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
enum Role {
    /// Nothing: a plain model type.
    #[default]
    Plain,
    /// The body of an error response: `code()` and `message()` read these
    /// paths (the code through an enum or not).
    ErrorBody { code: Option<Vec<String>>, code_enum: bool, message: Option<Vec<String>> },
    /// The enum of an operation's error codes (`is_<code>()` helpers).
    ErrorCodes,
}

/// A type's shape and role: equal keys, one type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    shape: Shape,
    role: Role,
}

/// Replaces every inline type by the first type of the same shape and role
/// (a component when one has it), drops the replaced ones and renumbers
/// every reference. See the module documentation for the rules.
pub fn merge_identical(api: &mut Api) {
    let roles = roles(api);
    let pinned = named_by_operations(api);
    let count = api.types.len();
    // `same[i]`: the type `i` is identical to (itself while it is the first
    // of its kind). Pinned types follow it too, but stay, as aliases.
    let mut same: Vec<usize> = (0..count).collect();
    // Each round merges what compares equal with the identities of the last
    // round; a merge can make outer types equal, so go on until nothing
    // changes. Every round but the last merges at least one type, so there
    // are at most `count` rounds.
    loop {
        let mut changed = false;
        let mut components: HashMap<Key, usize> = HashMap::new();
        let mut inline: HashMap<Key, usize> = HashMap::new();
        for (i, def) in api.types.iter().enumerate() {
            if same[i] != i || !is_component(def) {
                continue;
            }
            let key = Key { shape: shape(&def.kind, &same), role: roles[i].clone() };
            components.entry(key).or_insert(i);
        }
        for i in 0..count {
            let def = &api.types[i];
            if same[i] != i || is_component(def) {
                continue;
            }
            let key = Key { shape: shape(&def.kind, &same), role: roles[i].clone() };
            let target = match components.get(&key) {
                Some(&c) => c,
                None => *inline.entry(key).or_insert(i),
            };
            if target != i {
                same[i] = target;
                changed = true;
            }
        }
        if !changed {
            break;
        }
        // Point every merged type at the type finally kept, so that the next
        // round (and the renumbering) sees one identity per class.
        for i in 0..count {
            same[i] = find(&same, i);
        }
    }
    if same.iter().enumerate().all(|(i, k)| i == *k) {
        return;
    }
    // A pinned copy keeps its name as an alias of the type it equals: one
    // definition, and every operation still names its own type.
    for i in 0..count {
        if pinned[i] && same[i] != i {
            api.types[i].kind = TypeKind::Alias(Ty::Named(TypeId(same[i])));
        }
    }
    // `kept[i]`: the type `i` is replaced by (itself while it is kept).
    let kept: Vec<usize> = (0..count).map(|i| if pinned[i] { i } else { same[i] }).collect();
    // New positions: kept types in their old order, replaced ones where the
    // type replacing them lands.
    let mut position = vec![usize::MAX; count];
    let mut next = 0;
    for i in 0..count {
        if kept[i] == i {
            position[i] = next;
            next += 1;
        }
    }
    let renumber: Vec<usize> = (0..count).map(|i| position[kept[i]]).collect();
    let types = std::mem::take(&mut api.types);
    api.types = types
        .into_iter()
        .enumerate()
        .filter(|(i, _)| kept[*i] == *i)
        .map(|(_, mut def)| {
            renumber_kind(&mut def, &renumber);
            def
        })
        .collect();
    for op in &mut api.operations {
        renumber_operation(op, &renumber);
    }
}

/// Whether `def` is a component schema itself (not an inline part of one,
/// which has the component as owner too but more name words).
fn is_component(def: &TypeDef) -> bool {
    matches!(&def.owner, Owner::Component(name) if def.name.len() == 1 && def.name[0] == *name)
}

/// The type `i` ends up replaced by (following replacements made in earlier
/// rounds; chains are short and always end, since a type is only replaced by
/// one kept at that moment).
fn find(kept: &[usize], mut i: usize) -> usize {
    // A chain longer than the number of types would be a cycle; stop there
    // rather than loop (it cannot happen: targets come first or are components).
    for _ in 0..=kept.len() {
        if kept[i] == i {
            return i;
        }
        i = kept[i];
    }
    i
}

/// Types an operation names directly (through arrays, maps and `null`): its
/// parameters', request and response bodies' types and its error-code enum.
/// They appear in its signature under its name (`ConversationsListResponse`,
/// `ChatPostMessageErrorCode`), so they are never replaced: a call to
/// `admin.conversations.archive` returning `AdminAppsApproveResponse` would
/// be correct and baffling. A copy becomes an alias under its own name; the
/// first stands in for later copies.
fn named_by_operations(api: &Api) -> Vec<bool> {
    fn mark(ty: &Ty, pinned: &mut [bool]) {
        match ty {
            Ty::Array(inner) | Ty::Map(inner) | Ty::Nullable(inner) => mark(inner, pinned),
            Ty::Named(TypeId(i)) => {
                if let Some(p) = pinned.get_mut(*i) {
                    *p = true;
                }
            }
            Ty::String | Ty::Integer(_) | Ty::Number | Ty::Boolean | Ty::Binary | Ty::Any => {}
        }
    }
    let mut pinned = vec![false; api.types.len()];
    for op in &api.operations {
        for p in &op.params {
            mark(&p.ty, &mut pinned);
        }
        if let Some(super::Body { kind: super::BodyKind::Json(ty), .. }) = &op.body {
            mark(ty, &mut pinned);
        }
        for r in op.successes.iter().chain(&op.errors) {
            if let Some(ty) = &r.ty {
                mark(ty, &mut pinned);
            }
            if let Some(TypeId(i)) = r.error_code.as_ref().and_then(|c| c.enum_type) {
                mark(&Ty::Named(TypeId(i)), &mut pinned);
            }
        }
    }
    pinned
}

/// The roles the renderer gives types, decided the way it decides them: the
/// first error response whose body is the type names the paths its
/// `code()` / `message()` read; any error response's code enum gets helpers.
fn roles(api: &Api) -> Vec<Role> {
    let mut roles = vec![Role::Plain; api.types.len()];
    let mut is_body = vec![false; api.types.len()];
    for op in &api.operations {
        for e in &op.errors {
            if let Some(Ty::Named(TypeId(id))) = &e.ty {
                if let Some(seen) = is_body.get_mut(*id).filter(|seen| !**seen) {
                    *seen = true;
                    roles[*id] = Role::ErrorBody {
                        code: e.error_code.as_ref().map(|c| c.path.clone()),
                        code_enum: e.error_code.as_ref().is_some_and(|c| c.enum_type.is_some()),
                        message: e.error_message.clone(),
                    };
                }
            }
        }
    }
    for op in &api.operations {
        for e in &op.errors {
            if let Some(TypeId(id)) = e.error_code.as_ref().and_then(|c| c.enum_type) {
                // An enum is never an error body (bodies are structs), but
                // should the two meet, the body's role wins: it is the
                // bigger difference in generated code.
                if let Some(role @ Role::Plain) = roles.get_mut(id) {
                    *role = Role::ErrorCodes;
                }
            }
        }
    }
    roles
}

fn shape(kind: &TypeKind, kept: &[usize]) -> Shape {
    match kind {
        TypeKind::Struct { fields } => {
            Shape::Struct(fields.iter().map(|f| (f.name.clone(), f.required, f.deprecated, ty_key(&f.ty, kept))).collect())
        }
        TypeKind::Enum { values } => Shape::Enum(values.clone()),
        TypeKind::Alias(ty) => Shape::Alias(ty_key(ty, kept)),
        TypeKind::Union { variants, tag } => {
            Shape::Union(variants.iter().map(|v| (v.name.clone(), ty_key(&v.ty, kept), v.tag_values.clone())).collect(), tag.clone())
        }
    }
}

fn ty_key(ty: &Ty, kept: &[usize]) -> TyKey {
    match ty {
        Ty::String => TyKey::String,
        Ty::Integer(bits) => TyKey::Integer(*bits),
        Ty::Number => TyKey::Number,
        Ty::Boolean => TyKey::Boolean,
        Ty::Binary => TyKey::Binary,
        Ty::Any => TyKey::Any,
        Ty::Array(inner) => TyKey::Array(Box::new(ty_key(inner, kept))),
        Ty::Map(inner) => TyKey::Map(Box::new(ty_key(inner, kept))),
        Ty::Nullable(inner) => TyKey::Nullable(Box::new(ty_key(inner, kept))),
        // An index out of range (a model built elsewhere) keeps its own identity.
        Ty::Named(TypeId(i)) => TyKey::Named(kept.get(*i).map_or(*i, |_| find(kept, *i))),
    }
}

fn renumber_ty(ty: &mut Ty, renumber: &[usize]) {
    match ty {
        Ty::Array(inner) | Ty::Map(inner) | Ty::Nullable(inner) => renumber_ty(inner, renumber),
        Ty::Named(id) => {
            if let Some(&new) = renumber.get(id.0) {
                *id = TypeId(new);
            }
        }
        Ty::String | Ty::Integer(_) | Ty::Number | Ty::Boolean | Ty::Binary | Ty::Any => {}
    }
}

fn renumber_kind(def: &mut TypeDef, renumber: &[usize]) {
    match &mut def.kind {
        TypeKind::Struct { fields } => fields.iter_mut().for_each(|f| renumber_ty(&mut f.ty, renumber)),
        TypeKind::Alias(ty) => renumber_ty(ty, renumber),
        TypeKind::Union { variants, .. } => variants.iter_mut().for_each(|v| renumber_ty(&mut v.ty, renumber)),
        TypeKind::Enum { .. } => {}
    }
}

fn renumber_id(id: &mut TypeId, renumber: &[usize]) {
    if let Some(&new) = renumber.get(id.0) {
        *id = TypeId(new);
    }
}

fn renumber_operation(op: &mut Operation, renumber: &[usize]) {
    for p in &mut op.params {
        renumber_ty(&mut p.ty, renumber);
    }
    if let Some(super::Body { kind: super::BodyKind::Json(ty), .. }) = &mut op.body {
        renumber_ty(ty, renumber);
    }
    for r in op.successes.iter_mut().chain(op.errors.iter_mut()) {
        if let Some(ty) = &mut r.ty {
            renumber_ty(ty, renumber);
        }
        if let Some(id) = r.error_code.as_mut().and_then(|c| c.enum_type.as_mut()) {
            renumber_id(id, renumber);
        }
    }
    if let Some(id) = op.error_code.as_mut().and_then(|c| c.enum_type.as_mut()) {
        renumber_id(id, renumber);
    }
}
