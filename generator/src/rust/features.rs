//! Cargo features of the generated crate: one per controller (tag), so a crate
//! for a big API compiles only the controllers a user enables, together with
//! the models only they use.
//!
//! A model is gated on a tag's feature when that tag's operations are the only
//! ones that reach it (through parameters, bodies, responses and error codes,
//! then through fields, alternatives and aliases). Models reached by several
//! tags, or by none, are always compiled: a `cfg(any(..))` per subset of tags
//! would save little and make every model's gate depend on every other tag.

use std::collections::{BTreeSet, HashMap};

use super::sanitize::Namer;
use super::tokens::Code;
use crate::model::{Api, BodyKind, Ty, TypeId, TypeKind};
use proc_macro2::TokenStream;
use quote::quote;

/// Feature names the generated `Cargo.toml` already uses (or that cargo gives
/// a meaning to), which a controller's feature never takes.
const RESERVED: &[&str] =
    &["default", "full", "rustls", "native-tls", "middleware", "app", "sdkgen-runtime", "serde", "serde_json", "tokio"];

/// The cargo feature of each tag (by index into [`Api::tags`]), named after
/// its controller module (`chat`, `admin_users`), the next free name when
/// that one is taken. Module names are snake-case identifiers, so they are
/// valid feature names; a raw identifier loses its `r#`.
pub fn tag_features(modules: &[String]) -> Vec<String> {
    let mut namer = Namer::with_reserved(RESERVED.iter().copied());
    modules.iter().map(|m| namer.unique(m.trim_start_matches("r#").to_string())).collect()
}

/// A `cfg` predicate on `features`: `feature = "a"` for one (clippy's
/// `non_minimal_cfg` refuses `any(feature = "a")`), else `any(...)` or
/// `all(...)` (`any()` is false, `all()` true).
pub fn cfg(op: CfgOp, features: &[String]) -> Code {
    let each: Vec<TokenStream> = features.iter().map(|f| quote!(feature = #f)).collect();
    match (each.as_slice(), op) {
        ([one], _) => one.clone().into(),
        (_, CfgOp::Any) => quote!(any(#(#each),*)).into(),
        (_, CfgOp::All) => quote!(all(#(#each),*)).into(),
    }
}

/// How [`cfg`] joins several features.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CfgOp {
    /// Any of them.
    Any,
    /// All of them.
    All,
}

/// For each model type: the tag whose feature gates it, or `None` when it is
/// always compiled. `modules` is each type's model module: types sharing a
/// module share one `mod` line, so they share one gate; a module that holds an
/// always-compiled type is always compiled, and so is everything its types
/// reach (the fixpoint below), so no compiled model names a gated one.
pub fn model_gates(api: &Api, modules: &[String]) -> Vec<Option<usize>> {
    let n = api.types.len();
    // Which tags reach each type.
    let mut users: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); n];
    for (ti, tag) in api.tags.iter().enumerate() {
        let mut roots = Vec::new();
        for &oi in &tag.operations {
            let op = &api.operations[oi];
            for p in &op.params {
                named_in(&p.ty, &mut roots);
            }
            if let Some(BodyKind::Json(ty)) = op.body.as_ref().map(|b| &b.kind) {
                named_in(ty, &mut roots);
            }
            for r in op.successes.iter().chain(&op.errors) {
                if let Some(ty) = &r.ty {
                    named_in(ty, &mut roots);
                }
                roots.extend(r.error_code.as_ref().and_then(|c| c.enum_type));
            }
            roots.extend(op.error_code.as_ref().and_then(|c| c.enum_type));
        }
        for id in reachable(api, roots) {
            users[id.0].insert(ti);
        }
    }
    let mut gate: Vec<Option<usize>> = users.iter().map(|u| if u.len() == 1 { u.iter().next().copied() } else { None }).collect();

    let mut by_module: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, m) in modules.iter().enumerate() {
        by_module.entry(m.as_str()).or_default().push(i);
    }
    loop {
        // A module is gated only when all its types agree on one tag.
        let mut always: Vec<TypeId> = Vec::new();
        for members in by_module.values() {
            let first = gate[members[0]];
            if first.is_none() || members.iter().any(|&i| gate[i] != first) {
                always.extend(members.iter().map(|&i| TypeId(i)));
            }
        }
        let mut changed = false;
        for id in reachable(api, always) {
            if gate[id.0].take().is_some() {
                changed = true;
            }
        }
        if !changed {
            return gate;
        }
    }
}

/// The named types `ty` mentions directly.
fn named_in(ty: &Ty, out: &mut Vec<TypeId>) {
    match ty {
        Ty::Named(id) => out.push(*id),
        Ty::Array(inner) | Ty::Map(inner) | Ty::Nullable(inner) => named_in(inner, out),
        Ty::String | Ty::Integer(_) | Ty::Number | Ty::Boolean | Ty::Binary | Ty::Any => {}
    }
}

/// `roots` and every type they reach through fields, alternatives and aliases.
fn reachable(api: &Api, roots: Vec<TypeId>) -> BTreeSet<TypeId> {
    let mut seen = BTreeSet::new();
    let mut stack = roots;
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        match &api.ty(id).kind {
            TypeKind::Struct { fields } => fields.iter().for_each(|f| named_in(&f.ty, &mut stack)),
            TypeKind::Union { variants, .. } => variants.iter().for_each(|v| named_in(&v.ty, &mut stack)),
            TypeKind::Alias(ty) => named_in(ty, &mut stack),
            TypeKind::Enum { .. } => {}
        }
    }
    seen
}
