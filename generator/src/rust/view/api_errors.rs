//! Error bodies' `code()` and `message()`: Rust expressions reading a
//! documented path out of a decoded body ([`ApiErrorView`], [`path_expr`]).

use serde::Serialize;

use super::models::FieldView;
use crate::model::{Api, Ty, TypeId, TypeKind};
use crate::rust::docs::lit;
use crate::rust::sanitize::{Namer, snake};
use crate::rust::tokens::{Code, RustType, ident, lit_tokens};
use proc_macro2::{Ident, TokenStream};
use quote::quote;

/// How an error body exposes its code and message.
#[derive(Debug, Serialize)]
pub struct ApiErrorView {
    /// Expression for `code()` over `self`.
    pub code_expr: Code,
    /// Expression for `message()` over `self`.
    pub message_expr: Code,
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
    let field_expr = |prop: &str| -> Option<TokenStream> {
        let idx = fields.iter().position(|f| f.name == prop)?;
        let v = &views[idx];
        let name = ident(&v.name);
        let enum_field = response.error_code.as_ref().is_some_and(|c| c.path == [prop] && c.enum_type.is_some());
        Some(match (&v.ty, enum_field) {
            // A body without its code decodes to the empty catch-all value: no code.
            (RustType::Option(_), true) => quote!(self.#name.as_ref().map(|c| c.as_str())),
            (_, true) => quote!(Some(self.#name.as_str()).filter(|code| !code.is_empty())),
            (RustType::String, false) => quote!(Some(self.#name.as_str())),
            (RustType::Option(inner), false) if **inner == RustType::String => quote!(self.#name.as_deref()),
            _ => return None,
        })
    };
    let expr = |path: &[String]| match path {
        [prop] if fields.iter().any(|f| &f.name == prop) => field_expr(prop),
        _ => path_expr(api, root, path),
    };
    let or_none = |e: Option<TokenStream>| Code::from(e.unwrap_or_else(|| quote!(None)));
    ApiErrorView {
        code_expr: or_none(response.error_code.as_ref().and_then(|c| expr(&c.path))),
        message_expr: or_none(response.error_message.as_deref().and_then(expr)),
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
pub(super) fn path_expr(api: &Api, root: TypeId, path: &[String]) -> Option<TokenStream> {
    path_expr_from(api, quote!(self), root, path)
}

/// Where a walk down a path has got to.
enum At {
    /// A place of type `T` (`self.error`).
    Place(TokenStream),
    /// An `Option<&T>` expression.
    Opt(TokenStream),
    /// An optional field of `base`, not yet borrowed: kept apart so that a
    /// string ends as `.as_deref()` rather than `.as_ref().map(String::as_str)`.
    OptField(Box<At>, Ident),
}

impl At {
    /// `self` as an `Option<&T>` (or place) expression.
    fn tokens(self) -> TokenStream {
        match self {
            At::Place(p) | At::Opt(p) => p,
            At::OptField(base, name) => match *base {
                At::Place(p) => quote!(#p.#name.as_ref()),
                opt => {
                    let e = opt.tokens();
                    quote!(#e.and_then(|v| v.#name.as_ref()))
                }
            },
        }
    }

    /// Whether it is an `Option`.
    fn is_opt(&self) -> bool {
        !matches!(self, At::Place(_))
    }
}

/// [`path_expr`] over the value `place` (of type `root`) instead of `self`.
pub(super) fn path_expr_from(api: &Api, place: TokenStream, root: TypeId, path: &[String]) -> Option<TokenStream> {
    let mut at = At::Place(place);
    let mut ty = Ty::Named(root);
    let mut json = false;
    for seg in path {
        let key = lit_tokens(&lit(seg));
        if json {
            let e = at.tokens();
            at = At::Opt(quote!(#e.and_then(|v| v.get(#key))));
            continue;
        }
        let Ty::Named(id) = ty else { return None };
        let TypeKind::Struct { fields } = &api.resolve(id).kind else { return None };
        let (idents, extra) = struct_idents(fields);
        let Some(fi) = fields.iter().position(|f| &f.name == seg) else {
            let extra = ident(&extra);
            at = match at {
                At::Place(p) => At::Opt(quote!(#p.#extra.get(#key))),
                opt => {
                    let e = opt.tokens();
                    At::Opt(quote!(#e.and_then(|v| v.#extra.get(#key))))
                }
            };
            json = true;
            continue;
        };
        let field = &fields[fi];
        let optional = !field.required || matches!(field.ty, Ty::Nullable(_));
        let name = ident(&idents[fi]);
        at = match (at, optional) {
            (At::Place(p), false) => At::Place(quote!(#p.#name)),
            (place @ At::Place(_), true) => At::OptField(Box::new(place), name),
            (opt, false) => {
                let e = opt.tokens();
                At::Opt(quote!(#e.map(|v| &v.#name)))
            }
            (opt, true) => At::OptField(Box::new(At::Opt(opt.tokens())), name),
        };
        ty = match &field.ty {
            Ty::Nullable(inner) => (**inner).clone(),
            other => other.clone(),
        };
    }
    if json {
        let e = at.tokens();
        return Some(quote!(#e.and_then(|v| v.as_str())));
    }
    let is_enum = matches!(ty, Ty::Named(id) if matches!(api.resolve(id).kind, TypeKind::Enum { .. }));
    Some(match (at, ty) {
        // `x.as_ref().map(String::as_str)` is what clippy calls `x.as_deref()`.
        (At::OptField(base, name), Ty::String) => match *base {
            At::Place(p) => quote!(#p.#name.as_deref()),
            opt => {
                let e = opt.tokens();
                quote!(#e.and_then(|v| v.#name.as_deref()))
            }
        },
        (At::Place(p), Ty::String) => quote!(Some(#p.as_str())),
        (opt, Ty::String) => {
            let e = opt.tokens();
            quote!(#e.map(String::as_str))
        }
        (At::Place(p), Ty::Any) => quote!(#p.as_str()),
        (opt, Ty::Any) => {
            let e = opt.tokens();
            quote!(#e.and_then(|v| v.as_str()))
        }
        (At::Place(p), _) if is_enum => quote!(Some(#p.as_str()).filter(|code| !code.is_empty())),
        (opt, _) if is_enum && opt.is_opt() => {
            let e = opt.tokens();
            quote!(#e.map(|c| c.as_str()))
        }
        _ => return None,
    })
}
