//! Operations: one controller method and its request builder each
//! ([`OperationView`], built by [`operation_view`]).

use std::collections::HashMap;

use serde::Serialize;

use super::PaginationView;
use super::models::VariantView;
use super::pagination::pagination_view;
use super::parameters::{Layout, ParamView, ParamViewLocation, param_view, send_as_json_text};
use super::responses::{
    BodyDecoding, ResponseKind, StatusEnumView, error_decoder, error_payload, pinned_expr, response_decoding, status_enum,
};
use super::types::Types;
use crate::diag::Diagnostic;
use crate::model::{Api, BodyKind, FieldEncoding, Operation, ParamLocation, Ty, TypeKind};
use crate::rust::docs::{doc_paragraphs, lit};
use crate::rust::sanitize::{Namer, pascal, snake, type_name};
use crate::rust::tokens::{Code, RustType, ident};
use quote::{ToTokens, quote};

/// One operation.
#[derive(Debug, Serialize)]
pub struct OperationView {
    /// operationId literal.
    pub id_lit: String,
    /// How the operation pages, when it does (settings `[pagination]`).
    pub pagination: Option<PaginationView>,
    /// Method on the controller.
    pub method: String,
    /// Request builder struct.
    pub builder: String,
    /// Docs of the controller method.
    pub docs: Vec<String>,
    /// Deprecation note literal, when deprecated.
    pub deprecated: Option<String>,
    /// `GET`, `POST`, ...
    pub http_method: Code,
    /// `format!` string literal for the path.
    pub path_format_lit: String,
    /// Path segments, in template order.
    pub path_args: Vec<PathArgView>,
    /// Required parameters (method arguments).
    pub required: Vec<ParamView>,
    /// Optional parameters (setters).
    pub optional: Vec<ParamView>,
    /// How the request body is encoded.
    pub body: RequestBodyKind,
    /// JSON body field (for `json`), and whether it is optional.
    pub body_field: Option<ParamView>,
    /// Success type.
    pub response_ty: RustType,
    /// How the success body is decoded.
    pub response_kind: ResponseKind,
    /// Error type.
    pub error_ty: RustType,
    /// Several success responses with different bodies: their enum.
    pub output_enum: Option<StatusEnumView>,
    /// Several error responses with different bodies: their enum.
    pub error_enum: Option<StatusEnumView>,
    /// Function decoding an error body from status and bytes.
    pub error_decoder: Code,
    /// Content type literal sent unless the caller picks another.
    pub content_type_lit: Option<String>,
    /// Several media types the body can be sent as: their enum and the setter.
    pub media_types: Option<MediaTypesView>,
    /// Discriminator property literal and its error value as a `serde_json::Value` expression.
    pub discriminator: Option<DiscriminatorView>,
    /// Alternatives of scheme variants.
    pub security: Vec<Vec<String>>,
    /// Callable without credentials.
    pub security_optional: bool,
    /// Whether a 5xx or a failed connection may be retried (an idempotent method, or settings).
    pub retry_safe: bool,
    /// Whether `send` adds anything to the request after creating it.
    pub builds_parts: bool,
    /// Whether the controller method takes more arguments than clippy's
    /// `too_many_arguments` allows (required parameters are arguments by design).
    pub many_args: bool,
}

/// How an operation's request body is encoded; serialises (for
/// `controller.rs.tera`) as `none`, `form`, `multipart`, `json`, `binary` or `text`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestBodyKind {
    /// No body.
    None,
    /// URL-encoded form.
    Form,
    /// Multipart form.
    Multipart,
    /// JSON.
    Json,
    /// Raw bytes.
    Binary,
    /// Plain text.
    Text,
}

/// The media types a request body can be sent as.
#[derive(Debug, Serialize)]
pub struct MediaTypesView {
    /// Enum name.
    pub name: String,
    /// Builder field and setter.
    pub field: String,
    /// Variants; the first is the default.
    pub variants: Vec<VariantView>,
}

/// A path segment: a local binding and the expression it holds.
#[derive(Debug, Serialize)]
pub struct PathArgView {
    /// Local variable named in the format string.
    pub binding: String,
    /// Its value, percent-encoded.
    pub expr: Code,
}

/// How success and error bodies are told apart.
#[derive(Debug, Serialize)]
pub struct DiscriminatorView {
    /// Property literal.
    pub property_lit: String,
    /// Rust expression of the error value (`sdkgen_runtime::response::Pinned::Bool(false)`).
    pub error_expr: Code,
}

/// The request builder of operation `id`: `<Op>Request`, or `<Op>RequestBuilder`
/// when that is taken (by a model, typically the operation's inline body,
/// which is named `<Op>Request` too).
pub(super) fn builder_name(namer: &mut Namer, id: &str) -> String {
    let base = type_name(&format!("{id}_request"));
    if namer.is_taken(&base) { namer.unique(format!("{base}Builder")) } else { namer.unique(base) }
}

/// Names of an operation's generated types.
pub(super) struct OperationNames {
    pub(super) builder: String,
    pub(super) output: String,
    pub(super) error: String,
    pub(super) media_type: String,
}

/// The view of operation `op`, called `method` on its controller, its types
/// named `names`; `scheme_variant` is the `Scheme` variant of each security scheme.
pub(super) fn operation_view(
    op: &Operation,
    method: String,
    names: OperationNames,
    types: &Types<'_>,
    scheme_variant: &HashMap<&str, String>,
    api: &Api,
) -> Result<OperationView, Diagnostic> {
    // The builder's own methods, so a parameter's setter never shadows one.
    let mut reserved = vec![
        "client",
        "send",
        "send_with_response",
        "execute",
        "decode",
        "new",
        "options",
        "retry_policy",
        "request_timeout",
        "extra_header",
    ];
    // Only APIs that page have `pages()` and `items()` builders.
    if types.pagination.is_some() {
        reserved.extend(["pages", "items"]);
    }
    let mut field_namer = Namer::with_reserved(reserved);
    let body_kind = op.body.as_ref().map(|b| &b.kind);
    let body = match body_kind {
        None => RequestBodyKind::None,
        Some(BodyKind::Form) => RequestBodyKind::Form,
        Some(BodyKind::Multipart) => RequestBodyKind::Multipart,
        Some(BodyKind::Json(_)) => RequestBodyKind::Json,
        Some(BodyKind::Binary) => RequestBodyKind::Binary,
        Some(BodyKind::Text) => RequestBodyKind::Text,
    };
    let mut required = Vec::new();
    let mut optional = Vec::new();
    let mut path_fields: HashMap<&str, String> = HashMap::new();
    // Path parameters first (they are the most identifying), then the rest in order.
    let ordered = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Path)
        .chain(op.params.iter().filter(|p| p.location != ParamLocation::Path));
    for p in ordered {
        let field = field_namer.unique(snake(&p.name));
        if p.location == ParamLocation::Path {
            path_fields.insert(p.name.as_str(), field.clone());
        }
        let location = match p.location {
            ParamLocation::Path => ParamViewLocation::Path,
            ParamLocation::Query => ParamViewLocation::Query,
            ParamLocation::Header => ParamViewLocation::Header,
            ParamLocation::Cookie => ParamViewLocation::Cookie,
            ParamLocation::Body if body == RequestBodyKind::Multipart => ParamViewLocation::Multipart,
            ParamLocation::Body => ParamViewLocation::Form,
        };
        let layout = Layout { style: p.style, explode: p.explode, styled_field: p.encoding == FieldEncoding::Styled };
        let mut view = param_view(p.ty.clone(), field, lit(&p.name), location, layout, p.description.as_deref(), p.deprecated, types);
        let json_text = match p.encoding {
            FieldEncoding::Json => true,
            FieldEncoding::Styled => false,
            FieldEncoding::Default => types.structured(&p.ty, 0),
        };
        if p.location == ParamLocation::Body && json_text {
            send_as_json_text(&mut view);
        }
        if p.required { required.push(view) } else { optional.push(view) }
    }
    let body_field = match body_kind {
        Some(BodyKind::Json(ty)) => {
            let field = field_namer.unique("body".into());
            let view = param_view(
                ty.clone(),
                field,
                lit("body"),
                ParamViewLocation::Body,
                Layout::WHOLE_BODY,
                op.body.as_ref().and_then(|b| b.description.as_deref()),
                false,
                types,
            );
            Some(view)
        }
        Some(BodyKind::Binary) => Some(param_view(
            Ty::Binary,
            field_namer.unique("body".into()),
            lit("body"),
            ParamViewLocation::Body,
            Layout::WHOLE_BODY,
            None,
            false,
            types,
        )),
        Some(BodyKind::Text) => Some(param_view(
            Ty::String,
            field_namer.unique("body".into()),
            lit("body"),
            ParamViewLocation::Body,
            Layout::WHOLE_BODY,
            None,
            false,
            types,
        )),
        _ => None,
    };
    let body_required = op.body.as_ref().is_some_and(|b| b.required);
    let (body_required_view, body_optional_view) = match body_field {
        Some(b) if body_required => (Some(b), None),
        Some(b) => (None, Some(b)),
        None => (None, None),
    };

    // Path: `/pets/{id}` → format string `/pets/{}` with args in order.
    let mut fmt = String::new();
    let mut path_args = Vec::new();
    let mut binding_namer = Namer::with_reserved(["parts", "operation", "raw", "self"]);
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        fmt.push_str(&rest[..start].replace('{', "{{").replace('}', "}}"));
        let name = &rest[start + 1..start + len];
        let param = required.iter().find(|p: &&ParamView| p.location == ParamViewLocation::Path && path_fields.get(name) == Some(&p.field));
        let binding = binding_namer.unique(param.map_or_else(|| "segment".to_string(), |p| p.arg.clone()));
        // Named arguments (`{id}`): the formatter lays out `format!` best with plain names.
        fmt.push_str(&format!("{{{binding}}}"));
        let expr = param.map_or_else(|| quote!(String::new()).into(), |p| p.path_expr.clone());
        path_args.push(PathArgView { binding, expr });
        rest = &rest[start + len + 1..];
    }
    fmt.push_str(&rest.replace('{', "{{").replace('}', "}}"));

    // Media types: the chosen one when the runtime would not send it by itself,
    // and a choice when the same value can go out as several.
    let content_type_lit = op.body.as_ref().and_then(|b| {
        let default = matches!(
            (&b.kind, b.media_type.as_str()),
            (BodyKind::Json(_), "application/json") | (BodyKind::Text, "text/plain") | (BodyKind::Binary, "application/octet-stream")
        ) || matches!(b.kind, BodyKind::Form | BodyKind::Multipart)
            || b.media_type.contains('*');
        (!default).then(|| lit(&b.media_type))
    });
    let media_types = op.body.as_ref().filter(|b| b.media_types.len() > 1).map(|b| {
        let mut variant_namer = Namer::new();
        MediaTypesView {
            name: names.media_type.clone(),
            field: field_namer.unique("media_type".into()),
            variants: b
                .media_types
                .iter()
                .map(|m| VariantView {
                    name: variant_namer.unique(pascal(m)),
                    wire_lit: lit(m),
                    docs: vec![lit(&format!(" `{}`", m.replace('`', "'")))],
                    is_method: String::new(),
                    is_doc: String::new(),
                })
                .collect(),
        }
    });

    let decoded: Vec<(RustType, BodyDecoding)> = op.successes.iter().map(|r| response_decoding(r, types)).collect();
    let (response_ty, response_kind, output_enum) = match decoded.first() {
        None => (RustType::Unit, ResponseKind::Unit, None),
        Some(first) if decoded.iter().all(|d| d == first) => (first.0.clone(), first.1.into(), None),
        Some(_) => {
            let name = names.output.clone();
            let view = status_enum(api, &name, &op.successes, &decoded, |_| false);
            (RustType::Local(name), ResponseKind::Enum, Some(view))
        }
    };
    let any_error_body = || quote!(sdkgen_runtime::response::any_error_body);
    let error_payloads: Vec<(RustType, BodyDecoding)> = op.errors.iter().map(|r| error_payload(r, types)).collect();
    let (error_ty, error_enum, error_decoder) = match error_payloads.first() {
        None => (RustType::Json, None, any_error_body()),
        Some(first) if error_payloads.iter().all(|d| d == first) => {
            // Bodiless errors: any JSON they carry anyway is kept as a value.
            if first.1 == BodyDecoding::Json {
                (first.0.clone(), None, error_decoder(&op.errors[0], api))
            } else {
                (RustType::Json, None, any_error_body())
            }
        }
        Some(_) => {
            let name = names.error.clone();
            let view = status_enum(api, &name, &op.errors, &error_payloads, |r| match &r.ty {
                Some(Ty::Named(id)) => matches!(api.resolve(*id).kind, TypeKind::Struct { .. }),
                Some(Ty::Any) => true,
                _ => false,
            });
            let enum_name = ident(&name);
            (RustType::Local(name), Some(view), quote!(#enum_name::decode))
        }
    };

    let mut output_enum = output_enum;
    if let Some(e) = &mut output_enum {
        let enum_name = ident(&e.name);
        let decoder = &error_decoder;
        for v in &mut e.variants {
            let call = match v.kind {
                BodyDecoding::Json => quote!(sdkgen_runtime::response::json(raw, None, #decoder)),
                kind @ (BodyDecoding::Unit | BodyDecoding::Text | BodyDecoding::Bytes) => {
                    let function = ident(kind.as_str());
                    quote!(sdkgen_runtime::response::#function(raw, #decoder))
                }
            };
            let variant = ident(&v.name);
            v.decode = match v.payload {
                Some(_) => quote!(#call.map(#enum_name::#variant)),
                None => quote!(#call.map(|()| #enum_name::#variant)),
            }
            .into();
        }
    }

    // Docs: summary, description, HTTP line, docs link, scopes, removed parameters.
    let mut parts: Vec<String> = Vec::new();
    if let Some(s) = &op.summary {
        parts.push(s.clone());
    }
    if let Some(d) = &op.description {
        if op.summary.as_deref() != Some(d.as_str()) {
            parts.push(d.clone());
        }
    }
    parts.push(format!("`{} {}` (operation `{}`).", op.method, op.path.replace('`', "'"), op.id.replace('`', "'")));
    if let Some(url) = &op.docs_url {
        parts.push(format!("API documentation: <{}>", url.replace(['<', '>', ' '], "")));
    }
    let scopes: Vec<String> = op
        .security
        .iter()
        .flatten()
        .flat_map(|u| u.scopes.iter().map(move |s| format!("`{}` ({})", s.replace('`', "'"), u.scheme.replace('`', "'"))))
        .collect();
    if !scopes.is_empty() {
        let mut seen = Vec::new();
        for s in scopes {
            if !seen.contains(&s) {
                seen.push(s);
            }
        }
        parts.push(format!("Scopes: {}.", seen.join(", ")));
    }
    if let Some(b) = op.body.as_ref().filter(|b| b.media_types.len() > 1 || !b.unsupported_media_types.is_empty()) {
        let quote = |m: &String| format!("`{}`", m.replace('`', "'"));
        let mut line = format!("The body is sent as {}", b.media_types.iter().map(quote).collect::<Vec<_>>().join(" or "));
        if b.media_types.len() > 1 {
            line.push_str(" (choose with the request's `media_type` setter)");
        }
        if !b.unsupported_media_types.is_empty() {
            line.push_str(&format!(
                "; the description also lists {}, which this client does not send here",
                b.unsupported_media_types.iter().map(quote).collect::<Vec<_>>().join(", ")
            ));
        }
        line.push('.');
        parts.push(line);
    }
    if !op.credential_params.is_empty() {
        parts.push(format!(
            "The `{}` parameter is not taken here: the configured credential is sent instead.",
            op.credential_params.join("`, `")
        ));
    }
    let mut docs = doc_paragraphs(parts.iter().map(String::as_str));
    let args: Vec<&ParamView> = required.iter().chain(body_required_view.iter()).collect();
    if !args.is_empty() {
        docs.push(lit(""));
        docs.push(lit(" # Arguments"));
        docs.push(lit(""));
        for a in &args {
            let first = a.docs.first().map(|d| {
                let s: String = serde_json::from_str(d).unwrap_or_default();
                s.trim().to_string()
            });
            let line = match first {
                Some(text) if !text.is_empty() => format!(" * `{}`: {}", a.field, text),
                _ => format!(" * `{}`", a.field),
            };
            docs.push(lit(&line));
        }
    }

    let discriminator =
        op.discriminator.as_ref().map(|d| DiscriminatorView { property_lit: lit(&d.property), error_expr: pinned_expr(&d.error) });
    let security = op
        .security
        .iter()
        .map(|alt| alt.iter().filter_map(|u| scheme_variant.get(u.scheme.as_str()).cloned()).collect::<Vec<_>>())
        .filter(|alt: &Vec<String>| !alt.is_empty())
        .collect();
    let _ = api;
    if let Some(b) = body_required_view {
        required.push(b);
    }
    if let Some(b) = body_optional_view {
        optional.push(b);
    }
    for p in &mut optional {
        p.setter = field_namer.unique(format!("set_{}", p.field.trim_start_matches("r#")));
    }
    let builds_parts =
        body != RequestBodyKind::None || !optional.is_empty() || required.iter().any(|p: &ParamView| p.location != ParamViewLocation::Path);
    let pagination = pagination_view(op, api, &optional, types);
    Ok(OperationView {
        pagination,
        builds_parts,
        // `&self` and the arguments; clippy's default limit is 7.
        many_args: required.len() + 1 > 7,
        id_lit: lit(&op.id),
        method,
        builder: names.builder.clone(),
        docs,
        deprecated: op.deprecated.then(|| lit("deprecated by the API description")),
        http_method: ident(op.method.as_str()).into_token_stream().into(),
        path_format_lit: lit(&fmt),
        path_args,
        required,
        optional,
        body,
        body_field: None,
        response_ty,
        response_kind,
        error_ty,
        output_enum,
        error_enum,
        error_decoder: error_decoder.into(),
        content_type_lit,
        media_types,
        discriminator,
        security,
        security_optional: op.security_optional,
        retry_safe: op.retry_safe,
    })
}
