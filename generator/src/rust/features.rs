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
    &["default", "full", "rustls", "native-tls", "middleware", "app", "schemas", "sdkgen-runtime", "serde", "serde_json", "tokio"];

/// The feature compiling the models no operation reaches (GitHub's webhook
/// payloads: most of that crate), and what they name. `full` includes it.
pub const SCHEMAS_FEATURE: &str = "schemas";

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

/// For each model type: the tags (by index into [`Api::tags`]; the index
/// `api.tags.len()` stands for [`SCHEMAS_FEATURE`]) whose features compile
/// it, or `None` when it is always compiled. `modules` is each type's model
/// module: types sharing a module share one `mod` line, so a module is
/// compiled when any tag that reaches one of its types is on, or the schemas
/// feature when no operation reaches one. A module is compiled too whenever a
/// module naming one of its types is (the fixpoint below), so no compiled
/// model names one left out. A module every one of several tags reaches is
/// always compiled.
/// `users` is [`tag_users`]'s answer.
pub fn model_gates(api: &Api, modules: &[String], users: &[BTreeSet<usize>]) -> Vec<Option<BTreeSet<usize>>> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let module_of: Vec<usize> = modules
        .iter()
        .map(|m| {
            let next = index.len();
            *index.entry(m.as_str()).or_insert(next)
        })
        .collect();
    let mut gate: Vec<Option<BTreeSet<usize>>> = vec![Some(BTreeSet::new()); index.len()];
    // Types no operation reaches go behind the schemas feature, index
    // `api.tags.len()` among the tags.
    let schemas = api.tags.len();
    for (t, &m) in module_of.iter().enumerate() {
        if let Some(tags) = &mut gate[m] {
            if users[t].is_empty() {
                tags.insert(schemas);
            } else {
                tags.extend(&users[t]);
            }
        }
    }
    // Which modules each module's types name.
    let mut names: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); index.len()];
    for (t, &m) in module_of.iter().enumerate() {
        let mut named = Vec::new();
        match &api.types[t].kind {
            TypeKind::Struct { fields } => fields.iter().for_each(|f| named_in(&f.ty, &mut named)),
            TypeKind::Union { variants, .. } => variants.iter().for_each(|v| named_in(&v.ty, &mut named)),
            TypeKind::Alias(ty) => named_in(ty, &mut named),
            TypeKind::Enum { .. } => {}
        }
        names[m].extend(named.into_iter().map(|id| module_of[id.0]).filter(|&other| other != m));
    }
    loop {
        let mut changed = false;
        for m in 0..names.len() {
            for &other in &names[m] {
                let widened = match (&gate[m], &gate[other]) {
                    (None, Some(_)) => Some(None),
                    (Some(outer), Some(inner)) if !outer.is_subset(inner) => Some(Some(inner.union(outer).copied().collect())),
                    _ => None,
                };
                if let Some(g) = widened {
                    gate[other] = g;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    // Reached by every controller: compiled whichever is on, so spelled as
    // always (a crate of one controller keeps its gate).
    let every = api.tags.len();
    module_of.iter().map(|&m| gate[m].clone().filter(|tags| every < 2 || tags.range(..every).count() < every)).collect()
}

/// For each model type, the tags (by index into [`Api::tags`]) whose
/// operations reach it: through their parameters, bodies and responses, and
/// on through fields, alternatives and aliases.
pub fn tag_users(api: &Api) -> Vec<BTreeSet<usize>> {
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
    users
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
