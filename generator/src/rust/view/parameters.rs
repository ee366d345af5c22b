//! Parameters: the setter, wire name and encoding of each path, query,
//! header, cookie, form and multipart parameter ([`ParamView`]).

use serde::Serialize;

use super::types::Types;
use crate::model::{ParamStyle, Ty, TypeKind};
use crate::rust::docs::{doc_lines, lit};
use crate::rust::tokens::{ArgType, Code, RustType, ident, lit_tokens};
use proc_macro2::TokenStream;
use quote::quote;

/// Where a parameter's value goes; serialises (for the templates) as `path`,
/// `query`, `header`, `cookie`, `form`, `multipart` or `body`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamViewLocation {
    /// A path segment.
    Path,
    /// The query string.
    Query,
    /// A header.
    Header,
    /// A cookie.
    Cookie,
    /// A field of a URL-encoded form body.
    Form,
    /// A part of a multipart body.
    Multipart,
    /// The whole request body (JSON, text or bytes).
    Body,
}

/// How a parameter's value is turned into what is sent; serialises as
/// `string`, `json` or `file`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamEncode {
    /// As text.
    String,
    /// As JSON (objects, and values the runtime's styler lays out).
    Json,
    /// As a file part.
    File,
}

/// A request parameter.
#[derive(Debug, Serialize)]
pub struct ParamView {
    /// Field and setter name.
    pub field: String,
    /// Wire name literal.
    pub wire_lit: String,
    /// Where the value goes.
    pub location: ParamViewLocation,
    /// Stored type (without the `Option` of optional parameters).
    pub ty: RustType,
    /// Argument type of the method/setter.
    pub arg_ty: ArgType,
    /// Name of the method argument.
    pub arg: String,
    /// Expression converting the argument into the stored type.
    pub convert: Code,
    /// Whether `convert` is the argument itself, named like the field
    /// (`Self { field, .. }` shorthand).
    pub shorthand: bool,
    /// The same for a setter, whose argument is `value`.
    pub convert_value: Code,
    /// For an optional parameter: the `set_x(Option<T>)` setter's name.
    pub setter: String,
    /// How the value is encoded.
    pub encode: ParamEncode,
    /// Whether the value is an array.
    pub is_array: bool,
    /// Whether arrays repeat the parameter per element.
    pub explode: bool,
    /// Docs.
    pub docs: Vec<String>,
    /// Deprecated.
    pub deprecated: bool,
    /// Statement adding a required value (`self.<field>`) to `parts`.
    pub push_required: Code,
    /// Statement adding an optional value (`value`) to `parts`.
    pub push_optional: Code,
    /// Expression of the value as a path segment.
    pub path_expr: Code,
}

/// A form field sent as one JSON text (`blocks=[{"type":"section"}]`): the
/// setter takes the typed value, serialized with `serde_json` when sent.
pub(super) fn send_as_json_text(view: &mut ParamView) {
    let method = match view.location {
        ParamViewLocation::Multipart => quote!(text_part),
        ParamViewLocation::Form
        | ParamViewLocation::Path
        | ParamViewLocation::Query
        | ParamViewLocation::Header
        | ParamViewLocation::Cookie
        | ParamViewLocation::Body => quote!(form),
    };
    let wire = lit_tokens(&view.wire_lit);
    let push = |value: TokenStream| -> Code {
        quote! {
            parts.#method(#wire, serde_json::to_string(&#value).map_err(|e| crate::Error::InvalidRequest { message: e.to_string() })?);
        }
        .into()
    };
    let field = ident(&view.field);
    view.push_required = push(quote!(self.#field));
    view.push_optional = push(quote!(value));
    view.encode = ParamEncode::Json;
    if !view.docs.is_empty() {
        view.docs.push(lit(""));
    }
    let raw = if mentions_json_value(&view.ty) {
        String::new()
    } else {
        format!(" From raw JSON: `serde_json::from_value::<{}>(value)`.", view.ty)
    };
    view.docs.push(lit(&format!(" Sent as one JSON text.{raw}")));
}

/// Whether `ty` is or holds `serde_json::Value` (raw JSON needs no
/// `from_value` hint).
fn mentions_json_value(ty: &RustType) -> bool {
    match ty {
        RustType::Json => true,
        RustType::Vec(inner) | RustType::Map(inner) | RustType::Option(inner) | RustType::Box(inner) => mentions_json_value(inner),
        RustType::String
        | RustType::I32
        | RustType::I64
        | RustType::F64
        | RustType::Bool
        | RustType::FileUpload
        | RustType::Unit
        | RustType::Bytes
        | RustType::Local(_)
        | RustType::Model(_) => false,
    }
}

/// How one element of a parameter becomes text.
enum ToText {
    /// It is a `String` already.
    Itself,
    /// An enum of strings: `String::from(v)`.
    FromEnum,
    /// `v.to_string()`.
    Display,
    /// Through the runtime's JSON styler.
    Json,
}

impl ToText {
    fn apply(&self, v: &TokenStream) -> TokenStream {
        match self {
            ToText::Itself => v.clone(),
            ToText::FromEnum => quote!(String::from(#v)),
            ToText::Display => quote!(#v.to_string()),
            ToText::Json => quote!(sdkgen_runtime::params::json_param(&#v)),
        }
    }
}

/// How a parameter is laid out on the wire: its `style` and `explode`, and
/// whether a form field was given them by its `encoding` entry (otherwise a
/// form field's style is the default and objects go as one JSON text).
#[derive(Debug, Clone, Copy)]
pub(super) struct Layout {
    pub(super) style: ParamStyle,
    pub(super) explode: bool,
    pub(super) styled_field: bool,
}

impl Layout {
    /// A whole request body: sent as it is, no style applies.
    pub(super) const WHOLE_BODY: Layout = Layout { style: ParamStyle::Form, explode: false, styled_field: false };
}

/// The view of one parameter of type `ty`: its setter `field`, wire name
/// `wire_lit` and how it is sent (`location`, `layout`).
#[allow(clippy::too_many_arguments)]
pub(super) fn param_view(
    ty: Ty,
    field: String,
    wire_lit: String,
    location: ParamViewLocation,
    layout: Layout,
    description: Option<&str>,
    deprecated: bool,
    types: &Types<'_>,
) -> ParamView {
    let Layout { style, explode, styled_field } = layout;
    let (is_array, elem) = match &ty {
        Ty::Array(inner) => (true, (**inner).clone()),
        other => (false, other.clone()),
    };
    let stored = types.rust(&ty, None);
    let encode = match &elem {
        Ty::Binary => ParamEncode::File,
        Ty::String | Ty::Integer(_) | Ty::Number | Ty::Boolean => ParamEncode::String,
        Ty::Named(id) => match &types.api.resolve(*id).kind {
            TypeKind::Enum { .. } => ParamEncode::String,
            TypeKind::Alias(Ty::String | Ty::Integer(_) | Ty::Number | Ty::Boolean) => ParamEncode::String,
            _ => ParamEncode::Json,
        },
        _ => ParamEncode::Json,
    };
    // Clippy rejects placeholder names (`foo`) as bindings, though not as fields.
    let arg = if matches!(field.as_str(), "foo" | "baz" | "quux") { format!("{field}_") } else { field.clone() };
    let binding = ident(&arg);
    let (arg_ty, convert, convert_value) = if types.is_string(&ty) && stored == RustType::String {
        (ArgType::IntoString, quote!(#binding.into()), quote!(value.into()))
    } else if matches!(ty, Ty::Binary) {
        (ArgType::IntoFileUpload, quote!(#binding.into()), quote!(value.into()))
    } else {
        (ArgType::Exact(stored.clone()), quote!(#binding), quote!(value))
    };
    let shorthand = matches!(arg_ty, ArgType::Exact(_)) && arg == field;
    let to_text = match encode {
        ParamEncode::File => ToText::Itself,
        ParamEncode::Json => ToText::Json,
        ParamEncode::String if types.rust(&elem, None) == RustType::String => ToText::Itself,
        ParamEncode::String if matches!(elem, Ty::Named(_)) && types.is_string(&elem) => ToText::Itself,
        ParamEncode::String if matches!(elem, Ty::Named(id) if matches!(types.api.resolve(id).kind, TypeKind::Enum { .. })) => {
            ToText::FromEnum
        }
        ParamEncode::String => ToText::Display,
    };
    let method = match (location, encode) {
        // Path values are formatted into the path (`path_expr`), never pushed.
        (ParamViewLocation::Query | ParamViewLocation::Path, _) => quote!(query),
        (ParamViewLocation::Header, _) => quote!(header),
        (ParamViewLocation::Cookie, _) => quote!(cookie),
        (ParamViewLocation::Form, _) => quote!(form),
        (ParamViewLocation::Multipart, ParamEncode::File) => quote!(file_part),
        (ParamViewLocation::Multipart, ParamEncode::String | ParamEncode::Json) => quote!(text_part),
        (ParamViewLocation::Body, _) => quote!(body),
    };
    let wire = lit_tokens(&wire_lit);
    let style_variant = ident(style.runtime_variant());
    let style_expr = quote!(sdkgen_runtime::params::Style::#style_variant);
    // Objects, and styles other than comma-joined or repeated values, go through
    // the runtime's styler (which works on the value's JSON form).
    let structured = encode == ParamEncode::Json;
    // A URL-encoded form lays an object field out as a query string does when
    // the description gives the field a style (`metadata[key]=value`); arrays
    // repeat the field, as every form field's do (deepObject says nothing of
    // arrays).
    let query_like = match location {
        ParamViewLocation::Query | ParamViewLocation::Cookie => true,
        ParamViewLocation::Form => styled_field && !is_array,
        ParamViewLocation::Path | ParamViewLocation::Header | ParamViewLocation::Multipart | ParamViewLocation::Body => false,
    };
    let (styled_in_query, styled_in_path) = match style {
        ParamStyle::SpaceDelimited | ParamStyle::PipeDelimited | ParamStyle::DeepObject => (true, false),
        ParamStyle::Label | ParamStyle::Matrix => (false, true),
        ParamStyle::Form | ParamStyle::Simple => (false, false),
    };
    let styled_query = query_like && (structured || styled_in_query);
    let push = |value: TokenStream| -> Code {
        let tokens = if styled_query {
            quote! {
                for (name, value) in sdkgen_runtime::params::styled(#wire, #style_expr, #explode, &#value) { parts.#method(name, value); }
            }
        } else if location == ParamViewLocation::Header && structured {
            quote!(parts.header(#wire, sdkgen_runtime::params::header_value(#explode, &#value));)
        } else if location == ParamViewLocation::Body {
            match (&ty, encode) {
                (Ty::Binary, _) => quote!(parts.bytes(#value);),
                (Ty::String, _) => quote!(parts.text(#value);),
                _ => quote!(parts.json(&#value).map_err(|message| crate::Error::InvalidRequest { message })?;),
            }
        } else if is_array && (explode || location == ParamViewLocation::Multipart) {
            let item = to_text.apply(&quote!(item));
            quote!(for item in #value { parts.#method(#wire, #item); })
        } else if is_array {
            match to_text {
                // Strings already: joined as they are.
                ToText::Itself => quote!(parts.#method(#wire, #value.join(","));),
                ToText::FromEnum => quote!(parts.#method(#wire, #value.into_iter().map(String::from).collect::<Vec<_>>().join(","));),
                ToText::Display | ToText::Json => {
                    let item = to_text.apply(&quote!(item));
                    quote!(parts.#method(#wire, #value.into_iter().map(|item| #item).collect::<Vec<_>>().join(","));)
                }
            }
        } else {
            let text = to_text.apply(&value);
            quote!(parts.#method(#wire, #text);)
        };
        tokens.into()
    };
    let this = ident(&field);
    let push_required = push(quote!(self.#this));
    let push_optional = push(quote!(value));
    let path_expr = if structured || is_array || styled_in_path {
        quote!(sdkgen_runtime::params::path_segment(#wire, #style_expr, #explode, &self.#this))
    } else if types.is_string(&ty) {
        quote!(sdkgen_runtime::params::encode_path(&self.#this))
    } else {
        let text = to_text.apply(&quote!(self.#this));
        quote!(sdkgen_runtime::params::encode_path(&#text))
    };
    ParamView {
        push_required,
        push_optional,
        path_expr: path_expr.into(),
        field,
        wire_lit,
        location,
        ty: stored,
        arg_ty,
        arg,
        convert: convert.into(),
        shorthand,
        convert_value: convert_value.into(),
        setter: String::new(),
        encode,
        is_array,
        explode,
        docs: description.map(doc_lines).unwrap_or_default(),
        deprecated,
    }
}
