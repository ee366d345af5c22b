//! Which struct fields and union variants must be boxed: a type that contains itself directly (not
//! through a `Vec` or map) would have infinite size. Fields whose type lies in the
//! same strongly connected component of the "contains directly" graph get a `Box`.

use crate::model::{Api, Ty, TypeId, TypeKind};

/// The type a value holds inline (through `Option`, not through `Vec`/maps).
fn direct_target(ty: &Ty) -> Option<TypeId> {
    match ty {
        Ty::Named(id) => Some(*id),
        Ty::Nullable(inner) => direct_target(inner),
        _ => None,
    }
}

fn edges(api: &Api, id: usize) -> Vec<usize> {
    match &api.types[id].kind {
        TypeKind::Struct { fields } => fields.iter().filter_map(|f| direct_target(&f.ty)).map(|t| t.0).collect(),
        TypeKind::Alias(ty) => direct_target(ty).map(|t| t.0).into_iter().collect(),
        TypeKind::Union { variants, .. } => variants.iter().filter_map(|v| direct_target(&v.ty)).map(|t| t.0).collect(),
        TypeKind::Enum { .. } => Vec::new(),
    }
}

/// Component number of each type (Kosaraju, iterative so deep chains cannot
/// overflow the stack).
fn components(api: &Api) -> Vec<usize> {
    let n = api.types.len();
    let forward: Vec<Vec<usize>> = (0..n).map(|i| edges(api, i)).collect();
    let mut backward = vec![Vec::new(); n];
    for (from, targets) in forward.iter().enumerate() {
        for &to in targets {
            backward[to].push(from);
        }
    }
    // First pass: finishing order.
    let mut visited = vec![false; n];
    let mut order = Vec::with_capacity(n);
    for start in 0..n {
        if visited[start] {
            continue;
        }
        visited[start] = true;
        let mut stack = vec![(start, 0usize)];
        while let Some((node, next)) = stack.last_mut() {
            if let Some(&to) = forward[*node].get(*next) {
                *next += 1;
                if !visited[to] {
                    visited[to] = true;
                    stack.push((to, 0));
                }
            } else {
                order.push(*node);
                stack.pop();
            }
        }
    }
    // Second pass on the reversed graph, in reverse finishing order.
    let mut comp = vec![usize::MAX; n];
    let mut count = 0;
    for &start in order.iter().rev() {
        if comp[start] != usize::MAX {
            continue;
        }
        comp[start] = count;
        let mut stack = vec![start];
        while let Some(node) = stack.pop() {
            for &to in &backward[node] {
                if comp[to] == usize::MAX {
                    comp[to] = count;
                    stack.push(to);
                }
            }
        }
        count += 1;
    }
    comp
}

/// For each type, for each of its struct fields (or union variants): whether to box it.
pub fn boxed_fields(api: &Api) -> Vec<Vec<bool>> {
    let comp = components(api);
    api.types
        .iter()
        .enumerate()
        .map(|(id, def)| match &def.kind {
            TypeKind::Struct { fields } => fields.iter().map(|f| direct_target(&f.ty).is_some_and(|t| comp[t.0] == comp[id])).collect(),
            // A cycle through a struct is already broken by the struct's boxed
            // fields: only variants holding unions (or aliases) need a box.
            TypeKind::Union { variants, .. } => variants
                .iter()
                .map(|v| {
                    direct_target(&v.ty).is_some_and(|t| comp[t.0] == comp[id] && !matches!(api.types[t.0].kind, TypeKind::Struct { .. }))
                })
                .collect(),
            _ => Vec::new(),
        })
        .collect()
}
