//! The Rust names the generated crate gives to an API's items, computed the way
//! `rust::view` computes them, so that a change can be told in the user's
//! terms (`chat().post_message()` takes a new argument) and a renamed method
//! found even when the wire is unchanged.
//!
//! What the templates promise, and the checks rely on:
//! - every model struct is `#[non_exhaustive]` with a `Default`, and is built
//!   with `new(<required properties>)` plus `with_*` setters: a new optional
//!   property breaks nobody, a new required one changes `new()`;
//! - a property that is not required (or nullable) is an `Option<T>`;
//! - enums are `#[non_exhaustive]` with a catch-all variant for unlisted values;
//! - an operation is `<controller>().<method>(<required params>, <required body>)`
//!   returning a builder with one setter per optional parameter.

use crate::model::{Api, Ty, TypeId};
use crate::rust::sanitize::{Namer, snake, type_name};

/// Rust names of an API's operations and types.
pub(super) struct Names {
    /// Per operation: `controller().method()`.
    pub calls: Vec<String>,
    /// Per type: the type's name.
    pub types: Vec<String>,
}

impl Names {
    pub(super) fn of(api: &Api) -> Names {
        let mut calls = vec![String::new(); api.operations.len()];
        // Same order and reserved names as `view::plan`, so that `_2` suffixes match.
        let mut accessors = Namer::new();
        for tag in &api.tags {
            let accessor = accessors.unique(snake(&tag.name));
            let tag_snake = snake(&tag.name);
            let mut namer = Namer::with_reserved(["new", "client"]);
            for &oi in &tag.operations {
                let Some(op) = api.operations.get(oi) else { continue };
                let op_snake = snake(&op.id);
                let short = op_snake
                    .strip_prefix(&format!("{tag_snake}_"))
                    .filter(|s| !s.is_empty() && !s.starts_with(|c: char| c.is_ascii_digit()))
                    .map(str::to_string)
                    .unwrap_or(op_snake.clone());
                let method = namer.unique(snake(&short));
                calls[oi] = format!("{accessor}().{method}()");
            }
        }
        for (oi, op) in api.operations.iter().enumerate() {
            // Every operation is filed under a tag; this only guards a model
            // built some other way.
            if calls[oi].is_empty() {
                calls[oi] = format!("{}()", snake(&op.id));
            }
        }
        let mut namer = Namer::new();
        let types = api.types.iter().map(|t| namer.unique(type_name(&t.name.join("_")))).collect();
        Names { calls, types }
    }

    /// The Rust type a model type becomes, for messages.
    pub(super) fn rust_ty(&self, ty: &Ty) -> String {
        match ty {
            Ty::String => "String".into(),
            Ty::Integer(bits) if *bits <= 32 => "i32".into(),
            Ty::Integer(_) => "i64".into(),
            Ty::Number => "f64".into(),
            Ty::Boolean => "bool".into(),
            Ty::Binary => "bytes".into(),
            Ty::Any => "serde_json::Value".into(),
            Ty::Array(t) => format!("Vec<{}>", self.rust_ty(t)),
            Ty::Map(t) => format!("HashMap<String, {}>", self.rust_ty(t)),
            Ty::Nullable(t) => format!("Option<{}>", self.rust_ty(t)),
            Ty::Named(TypeId(i)) => self.types.get(*i).cloned().unwrap_or_default(),
        }
    }
}

/// A parameter's or property's field name in the generated code.
pub(super) fn field(name: &str) -> String {
    snake(name)
}
