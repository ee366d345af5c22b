//! Pagination as the settings describe it ([`PaginationView`]).

use serde::Serialize;

use super::api_errors::{path_expr_from, struct_idents};
use super::parameters::ParamView;
use super::types::Types;
use crate::model::{Api, Operation, Ty, TypeKind};
use crate::rust::docs::lit;
use crate::rust::tokens::{Code, RustType, ident, lit_tokens};
use proc_macro2::TokenStream;
use quote::quote;

/// A paginated operation: its pages and items as streams.
#[derive(Debug, Serialize)]
pub struct PaginationView {
    /// Statements of the `next` closure: `request` (the builder just sent)
    /// and `page` (what it returned) to `Option<Self>`, the next request.
    pub next_body: Code,
    /// Whether pages are read with their headers (`Link` style): `page` is
    /// then an `ApiResponse` and the stream maps it to its body.
    pub with_headers: bool,
    /// Access to the page's items from a page (`.channels`, or nothing when
    /// the page is the array), when the response has them.
    pub items_field: Option<Code>,
    /// Doc line of `items()`.
    pub items_doc: String,
    /// See `items_field`.
    pub item_ty: Option<RustType>,
    /// Docs of `pages()`.
    pub docs: Vec<String>,
}

/// Pagination as the settings describe it: the operation takes the style's
/// parameter (optionally) and its success body has the items (or, for the
/// cursor style, the next cursor).
pub(super) fn pagination_view(op: &Operation, api: &Api, optional: &[ParamView], types: &Types<'_>) -> Option<PaginationView> {
    use crate::settings::PaginationStyle;
    let settings = types.pagination?;
    let param_lit = lit(settings.param().ok()?);
    let param = optional.iter().find(|p| p.wire_lit == param_lit)?;
    if !matches!(param.ty, RustType::String | RustType::I64 | RustType::I32) {
        return None;
    }
    let [success] = op.successes.as_slice() else { return None };
    let body = success.ty.as_ref()?;
    // The items: a named property (`Some(Some(field))`), the body itself
    // (`Some(None)`), or none the stream can find (`None`).
    let (items, item_ty): (Option<Option<String>>, Option<RustType>) = match body {
        Ty::Array(item) => (Some(None), Some(types.rust(item, None))),
        Ty::Named(root) => match &api.resolve(*root).kind {
            TypeKind::Struct { fields } => {
                let (idents, _) = struct_idents(fields);
                let arrays: Vec<usize> = fields
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| matches!(f.ty, Ty::Array(_)) && f.required)
                    .filter(|(_, f)| settings.items.as_ref().is_none_or(|name| &f.name == name))
                    .map(|(i, _)| i)
                    .collect();
                match arrays.as_slice() {
                    [only] => match &fields[*only].ty {
                        Ty::Array(item) => (Some(Some(idents[*only].clone())), Some(types.rust(item, None))),
                        _ => (None, None),
                    },
                    _ => (None, None),
                }
            }
            _ => (None, None),
        },
        _ => (None, None),
    };
    // `.field` after `page`, or nothing when the page is the array.
    let access = |field: &Option<String>| -> TokenStream {
        match field {
            Some(name) => {
                let name = ident(name);
                quote!(.#name)
            }
            None => TokenStream::new(),
        }
    };
    let field = ident(&param.field);
    let setter = ident(&param.setter);
    let count = |items: TokenStream| quote!(let count = page #items.len(); if count == 0 { return None; });
    let wire = lit_tokens(&param_lit);
    let (next_body, docs) = match settings.style {
        PaginationStyle::Cursor => {
            if param.ty != RustType::String {
                return None;
            }
            let Ty::Named(root) = body else { return None };
            let TypeKind::Struct { fields } = &api.resolve(*root).kind else { return None };
            let next_cursor = settings.next_cursor.as_deref()?;
            let path = crate::model::property_path(next_cursor);
            let (idents, _) = struct_idents(fields);
            let cursor = match path_expr_from(api, quote!(page), *root, &path) {
                Some(expr) => quote!(sdkgen_runtime::pagination::non_empty(#expr)),
                // Through a union (Slack's objs_response_metadata is one of three
                // shapes): the field holding it is read as JSON; it is small.
                None => {
                    let (first, rest) = path.split_first()?;
                    let fi = fields.iter().position(|f| &f.name == first)?;
                    let pointer: String = rest.iter().map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1"))).collect();
                    let holder = ident(&idents[fi]);
                    let pointer = lit_tokens(&lit(&pointer));
                    quote! {
                        serde_json::to_value(&page.#holder).ok().and_then(|v| sdkgen_runtime::pagination::non_empty(v.pointer(#pointer).and_then(|c| c.as_str())))
                    }
                }
            };
            (
                quote!(let cursor = #cursor?; Some(request.#setter(Some(cursor)))),
                format!(
                    "following `{next_cursor}` until it is empty; starts from the cursor set on this builder, so a saved cursor resumes a walk."
                ),
            )
        }
        PaginationStyle::Offset => {
            let count = count(access(items.as_ref()?));
            let ty = &param.ty;
            (
                quote! {
                    #count
                    let offset = request.#field.unwrap_or(0).checked_add(#ty::try_from(count).ok()?)?;
                    Some(request.#setter(Some(offset)))
                },
                format!(
                    "moving `{}` on by the items read until a page is empty; starts from the offset set on this builder.",
                    settings.param().ok()?
                ),
            )
        }
        PaginationStyle::Page => {
            let count = count(access(items.as_ref()?));
            let first = settings.first_page.unwrap_or(1);
            (
                quote! {
                    #count
                    let number = request.#field.unwrap_or(#first).checked_add(1)?;
                    Some(request.#setter(Some(number)))
                },
                format!(
                    "counting `{}` up until a page is empty; starts from the page set on this builder (else {first}).",
                    settings.param().ok()?
                ),
            )
        }
        PaginationStyle::Link => (
            quote! {
                let next = sdkgen_runtime::pagination::link_next(&page.headers, #wire)?;
                Some(request.#setter(Some(next.parse().ok()?)))
            },
            format!(
                "following the `Link` header's `next` URL (its `{}`) until there is none; starts from the builder as it is.",
                settings.param().ok()?
            ),
        ),
    };
    let with_headers = settings.style == PaginationStyle::Link;
    let docs = vec![lit(&format!(" Every page, {docs}"))];
    let items_doc = match items.as_ref() {
        Some(None) | None => lit(" The items of every page, one by one, fetching pages as needed."),
        Some(Some(field)) => {
            lit(&format!(" The items of every page (`{}`), one by one, fetching pages as needed.", field.trim_start_matches("r#")))
        }
    };
    let items_field = items.as_ref().map(|field| Code::from(access(field)));
    Some(PaginationView { next_body: next_body.into(), with_headers, items_field, items_doc, item_ty, docs })
}
