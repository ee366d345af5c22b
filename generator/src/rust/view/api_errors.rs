//! Error bodies' `code()` and `message()`: Rust expressions reading a
//! documented path out of a decoded body ([`ApiErrorView`], [`path_expr`]).

use serde::Serialize;

use super::models::FieldView;
use crate::model::{Api, Ty, TypeId, TypeKind};
use crate::rust::docs::lit;
use crate::rust::sanitize::{Namer, snake};

/// How an error body exposes its code and message.
#[derive(Debug, Serialize)]
pub struct ApiErrorView {
    /// Expression for `code()` over `self`.
    pub code_expr: String,
    /// Expression for `message()` over `self`.
    pub message_expr: String,
    /// Literals of the required properties: a body is this error only if it has them.
    pub required: Vec<String>,
    /// Literals of every declared property: without required ones, a body is
    /// this error only if it has one of them.
    pub properties: Vec<String>,
}

/// `code()` and `message()` of the error body `root` (a struct with `fields`,
/// declared as `views`) that `response` documents.
pub(super) fn api_error_view(
    api: &Api,
    root: TypeId,
    response: &crate::model::Response,
    fields: &[crate::model::Field],
    views: &[FieldView],
) -> ApiErrorView {
    // A declared property of the body itself: read the field as it is typed.
    let field_expr = |prop: &str| -> Option<String> {
        let idx = fields.iter().position(|f| f.name == prop)?;
        let v = &views[idx];
        let ty = v.ty.as_str();
        let enum_field = response.error_code.as_ref().is_some_and(|c| c.path == [prop] && c.enum_type.is_some());
        Some(match (ty.starts_with("Option<"), enum_field) {
            // A body without its code decodes to the empty catch-all value: no code.
            (false, true) => format!("Some(self.{}.as_str()).filter(|code| !code.is_empty())", v.name),
            (true, true) => format!("self.{}.as_ref().map(|c| c.as_str())", v.name),
            (false, false) if ty == "String" => format!("Some(self.{}.as_str())", v.name),
            (true, false) if ty == "Option<String>" => format!("self.{}.as_deref()", v.name),
            _ => return None,
        })
    };
    let expr = |path: &[String]| match path {
        [prop] if fields.iter().any(|f| &f.name == prop) => field_expr(prop),
        _ => path_expr(api, root, path),
    };
    ApiErrorView {
        code_expr: response.error_code.as_ref().and_then(|c| expr(&c.path)).unwrap_or_else(|| "None".into()),
        message_expr: response.error_message.as_deref().and_then(expr).unwrap_or_else(|| "None".into()),
        required: fields.iter().filter(|f| f.required).map(|f| lit(&f.name)).collect(),
        properties: fields.iter().map(|f| lit(&f.name)).collect(),
    }
}

/// Field identifiers of a struct's fields and of its catch-all map, as the
/// model files declare them.
pub(super) fn struct_idents(fields: &[crate::model::Field]) -> (Vec<String>, String) {
    let mut namer = Namer::new();
    let idents = fields.iter().map(|f| namer.unique(snake(&f.name))).collect();
    (idents, namer.unique("additional_properties".into()))
}

/// An `Option<&str>` expression reading `path` from `self` (a `root` struct):
/// through declared fields while the path follows them, then through the
/// catch-all map as JSON (a code the description does not declare, e.g.
/// Slack's `error` beside a schema that lists only `ok`). `None` when the
/// path ends at something that is not a string.
pub(super) fn path_expr(api: &Api, root: TypeId, path: &[String]) -> Option<String> {
    path_expr_from(api, "self", root, path)
}

/// [`path_expr`] over the value `place` (of type `root`) instead of `self`.
pub(super) fn path_expr_from(api: &Api, place: &str, root: TypeId, path: &[String]) -> Option<String> {
    enum At {
        /// A place of type `T` (`self.error`).
        Place(String),
        /// An `Option<&T>` expression.
        Opt(String),
    }
    let mut at = At::Place(place.into());
    let mut ty = Ty::Named(root);
    let mut json = false;
    for seg in path {
        if json {
            let At::Opt(e) = at else { return None };
            at = At::Opt(format!("{e}.and_then(|v| v.get({}))", lit(seg)));
            continue;
        }
        let Ty::Named(id) = ty else { return None };
        let TypeKind::Struct { fields } = &api.ty(id).kind else { return None };
        let (idents, extra) = struct_idents(fields);
        let Some(fi) = fields.iter().position(|f| &f.name == seg) else {
            at = At::Opt(match at {
                At::Place(p) => format!("{p}.{extra}.get({})", lit(seg)),
                At::Opt(e) => format!("{e}.and_then(|v| v.{extra}.get({}))", lit(seg)),
            });
            json = true;
            continue;
        };
        let field = &fields[fi];
        let optional = !field.required || matches!(field.ty, Ty::Nullable(_));
        let ident = &idents[fi];
        at = match (at, optional) {
            (At::Place(p), false) => At::Place(format!("{p}.{ident}")),
            (At::Place(p), true) => At::Opt(format!("{p}.{ident}.as_ref()")),
            (At::Opt(e), false) => At::Opt(format!("{e}.map(|v| &v.{ident})")),
            (At::Opt(e), true) => At::Opt(format!("{e}.and_then(|v| v.{ident}.as_ref())")),
        };
        ty = match &field.ty {
            Ty::Nullable(inner) => (**inner).clone(),
            other => other.clone(),
        };
    }
    if json {
        let At::Opt(e) = at else { return None };
        return Some(format!("{e}.and_then(|v| v.as_str())"));
    }
    let is_enum = matches!(ty, Ty::Named(id) if matches!(api.ty(id).kind, TypeKind::Enum { .. }));
    Some(match (at, ty) {
        (At::Place(p), Ty::String) => format!("Some({p}.as_str())"),
        // `x.as_ref().map(String::as_str)` is what clippy calls `x.as_deref()`.
        (At::Opt(e), Ty::String) => match (e.strip_suffix(".as_ref()"), e.strip_suffix(".as_ref())")) {
            (Some(head), _) => format!("{head}.as_deref()"),
            (_, Some(head)) => format!("{head}.as_deref())"),
            _ => format!("{e}.map(String::as_str)"),
        },
        (At::Place(p), Ty::Any) => format!("{p}.as_str()"),
        (At::Opt(e), Ty::Any) => format!("{e}.and_then(|v| v.as_str())"),
        (At::Place(p), _) if is_enum => format!("Some({p}.as_str()).filter(|code| !code.is_empty())"),
        (At::Opt(e), _) if is_enum => format!("{e}.map(|c| c.as_str())"),
        _ => return None,
    })
}
