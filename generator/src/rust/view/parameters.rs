//! Parameters: the setter, wire name and encoding of each path, query,
//! header, cookie, form and multipart parameter ([`ParamView`]).

use serde::Serialize;

use super::types::Types;
use crate::model::{ParamStyle, Ty, TypeKind};
use crate::rust::docs::{doc_lines, lit};

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
    pub ty: String,
    /// Argument type of the method/setter.
    pub arg_ty: String,
    /// Name of the method argument.
    pub arg: String,
    /// Expression converting the argument into the stored type.
    pub convert: String,
    /// The same for a setter, whose argument is `value`.
    pub convert_value: String,
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
    pub push_required: String,
    /// Statement adding an optional value (`value`) to `parts`.
    pub push_optional: String,
    /// Expression of the value as a path segment.
    pub path_expr: String,
}

/// A form field sent as one JSON text (`blocks=[{"type":"section"}]`): the
/// setter takes the typed value, serialized with `serde_json` when sent.
pub(super) fn send_as_json_text(view: &mut ParamView) {
    let method = match view.location {
        ParamViewLocation::Multipart => "text_part",
        ParamViewLocation::Form
        | ParamViewLocation::Path
        | ParamViewLocation::Query
        | ParamViewLocation::Header
        | ParamViewLocation::Cookie
        | ParamViewLocation::Body => "form",
    };
    let push = |value: &str| {
        format!(
            "parts.{method}({}, serde_json::to_string(&{value}).map_err(|e| crate::Error::InvalidRequest {{ message: e.to_string() }})?);",
            view.wire_lit
        )
    };
    view.push_required = push(&format!("self.{}", view.field));
    view.push_optional = push("value");
    view.encode = ParamEncode::Json;
    if !view.docs.is_empty() {
        view.docs.push(lit(""));
    }
    let raw = if view.ty.contains("serde_json::Value") {
        String::new()
    } else {
        format!(" From raw JSON: `serde_json::from_value::<{}>(value)`.", view.ty)
    };
    view.docs.push(lit(&format!(" Sent as one JSON text.{raw}")));
}

/// The view of one parameter of type `ty`: its setter `field`, wire name
/// `wire_lit` and how it is sent (`location`, `explode`, `style`).
#[allow(clippy::too_many_arguments)]
pub(super) fn param_view(
    ty: Ty,
    field: String,
    wire_lit: String,
    location: ParamViewLocation,
    explode: bool,
    style: ParamStyle,
    description: Option<&str>,
    deprecated: bool,
    types: &Types<'_>,
) -> ParamView {
    let (is_array, elem) = match &ty {
        Ty::Array(inner) => (true, (**inner).clone()),
        other => (false, other.clone()),
    };
    let stored = types.rust(&ty, None);
    let encode = match &elem {
        Ty::Binary => ParamEncode::File,
        Ty::String | Ty::Integer(_) | Ty::Number | Ty::Boolean => ParamEncode::String,
        Ty::Named(id) => match &types.api.ty(*id).kind {
            TypeKind::Enum { .. } => ParamEncode::String,
            TypeKind::Alias(Ty::String | Ty::Integer(_) | Ty::Number | Ty::Boolean) => ParamEncode::String,
            _ => ParamEncode::Json,
        },
        _ => ParamEncode::Json,
    };
    // Clippy rejects placeholder names (`foo`) as bindings, though not as fields.
    let arg = if matches!(field.as_str(), "foo" | "baz" | "quux") { format!("{field}_") } else { field.clone() };
    let (arg_ty, convert, convert_value) = if types.is_string(&ty) && stored == "String" {
        ("impl Into<String>".to_string(), format!("{arg}.into()"), "value.into()".to_string())
    } else if matches!(ty, Ty::Binary) {
        ("impl Into<crate::FileUpload>".to_string(), format!("{arg}.into()"), "value.into()".to_string())
    } else {
        (stored.clone(), arg.clone(), "value".to_string())
    };
    let elem_ty = types.rust(&elem, None);
    let conv = |v: &str| -> String {
        match encode {
            ParamEncode::File => v.to_string(),
            ParamEncode::Json => format!("sdkgen_runtime::params::json_param(&{v})"),
            ParamEncode::String if elem_ty == "String" => v.to_string(),
            ParamEncode::String if matches!(elem, Ty::Named(_)) && types.is_string(&elem) => v.to_string(),
            ParamEncode::String if matches!(elem, Ty::Named(id) if matches!(types.api.ty(id).kind, TypeKind::Enum { .. })) => {
                format!("String::from({v})")
            }
            ParamEncode::String => format!("{v}.to_string()"),
        }
    };
    let method = match (location, encode) {
        // Path values are formatted into the path (`path_expr`), never pushed.
        (ParamViewLocation::Query | ParamViewLocation::Path, _) => "query",
        (ParamViewLocation::Header, _) => "header",
        (ParamViewLocation::Cookie, _) => "cookie",
        (ParamViewLocation::Form, _) => "form",
        (ParamViewLocation::Multipart, ParamEncode::File) => "file_part",
        (ParamViewLocation::Multipart, ParamEncode::String | ParamEncode::Json) => "text_part",
        (ParamViewLocation::Body, _) => "body",
    };
    let style_expr = format!("sdkgen_runtime::params::Style::{}", style.runtime_variant());
    // Objects, and styles other than comma-joined or repeated values, go through
    // the runtime's styler (which works on the value's JSON form).
    let structured = encode == ParamEncode::Json;
    let query_like = match location {
        ParamViewLocation::Query | ParamViewLocation::Cookie => true,
        ParamViewLocation::Path
        | ParamViewLocation::Header
        | ParamViewLocation::Form
        | ParamViewLocation::Multipart
        | ParamViewLocation::Body => false,
    };
    let (styled_in_query, styled_in_path) = match style {
        ParamStyle::SpaceDelimited | ParamStyle::PipeDelimited | ParamStyle::DeepObject => (true, false),
        ParamStyle::Label | ParamStyle::Matrix => (false, true),
        ParamStyle::Form | ParamStyle::Simple => (false, false),
    };
    let styled_query = query_like && (structured || styled_in_query);
    let push = |value: &str| -> String {
        if styled_query {
            return format!(
                "for (name, value) in sdkgen_runtime::params::styled({wire_lit}, {style_expr}, {explode}, &{value}) {{ parts.{method}(name, value); }}"
            );
        }
        if location == ParamViewLocation::Header && structured {
            return format!("parts.header({wire_lit}, sdkgen_runtime::params::header_value({explode}, &{value}));");
        }
        if location == ParamViewLocation::Body {
            return match (&ty, encode) {
                (Ty::Binary, _) => format!("parts.bytes({value});"),
                (Ty::String, _) => format!("parts.text({value});"),
                _ => format!("parts.json(&{value}).map_err(|message| crate::Error::InvalidRequest {{ message }})?;"),
            };
        }
        if is_array {
            if explode || location == ParamViewLocation::Multipart {
                format!("for item in {value} {{ parts.{method}({wire_lit}, {}); }}", conv("item"))
            } else {
                match conv("item") {
                    // Strings already: joined as they are.
                    item if item == "item" => format!("parts.{method}({wire_lit}, {value}.join(\",\"));"),
                    item if item == "String::from(item)" => {
                        format!("parts.{method}({wire_lit}, {value}.into_iter().map(String::from).collect::<Vec<_>>().join(\",\"));")
                    }
                    item => format!("parts.{method}({wire_lit}, {value}.into_iter().map(|item| {item}).collect::<Vec<_>>().join(\",\"));"),
                }
            }
        } else {
            format!("parts.{method}({wire_lit}, {});", conv(value))
        }
    };
    let push_required = push(&format!("self.{field}"));
    let push_optional = push("value");
    let path_expr = if structured || is_array || styled_in_path {
        format!("sdkgen_runtime::params::path_segment({wire_lit}, {style_expr}, {explode}, &self.{field})")
    } else if types.is_string(&ty) {
        format!("sdkgen_runtime::params::encode_path(&self.{field})")
    } else {
        format!("sdkgen_runtime::params::encode_path(&{})", conv(&format!("self.{field}")))
    };
    ParamView {
        push_required,
        push_optional,
        path_expr,
        field,
        wire_lit,
        location,
        ty: stored,
        arg_ty,
        arg,
        convert,
        convert_value,
        setter: String::new(),
        encode,
        is_array,
        explode,
        docs: description.map(doc_lines).unwrap_or_default(),
        deprecated,
    }
}
