//! Responses: how success and error bodies are decoded, and the per-operation
//! enums of documented statuses ([`StatusEnumView`]).

use serde::Serialize;

use super::types::Types;
use crate::model::{Api, StatusKey, Ty, TypeKind};
use crate::rust::docs::{doc_lines, lit};
use crate::rust::sanitize::Namer;
use crate::rust::tokens::{Code, RustType, lit_tokens};
use proc_macro2::{Literal, TokenStream};
use quote::{ToTokens, quote};

/// How one response body is decoded; serialises as `json`, `unit`, `text` or
/// `bytes`, which (but `json`) also name the runtime's decoding function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyDecoding {
    /// JSON of the payload type (`sdkgen_runtime::response::json`).
    Json,
    /// No body (`sdkgen_runtime::response::unit`).
    Unit,
    /// Text (`sdkgen_runtime::response::text`).
    Text,
    /// Raw bytes (`sdkgen_runtime::response::bytes`).
    Bytes,
}

impl BodyDecoding {
    /// `json`, `unit`, `text` or `bytes`.
    pub fn as_str(self) -> &'static str {
        match self {
            BodyDecoding::Json => "json",
            BodyDecoding::Unit => "unit",
            BodyDecoding::Text => "text",
            BodyDecoding::Bytes => "bytes",
        }
    }
}

/// How an operation's success responses are decoded: all alike
/// ([`BodyDecoding`]), or by status into an enum ([`StatusEnumView`]).
/// Serialises as `json`, `unit`, `text`, `bytes` or `enum`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseKind {
    /// JSON.
    Json,
    /// No body.
    Unit,
    /// Text.
    Text,
    /// Raw bytes.
    Bytes,
    /// Bodies differ by status: the operation's output enum.
    Enum,
}

impl From<BodyDecoding> for ResponseKind {
    fn from(d: BodyDecoding) -> Self {
        match d {
            BodyDecoding::Json => ResponseKind::Json,
            BodyDecoding::Unit => ResponseKind::Unit,
            BodyDecoding::Text => ResponseKind::Text,
            BodyDecoding::Bytes => ResponseKind::Bytes,
        }
    }
}

/// An enum over the documented responses of one operation, chosen by status.
#[derive(Debug, Serialize)]
pub struct StatusEnumView {
    /// Type name.
    pub name: String,
    /// Variants: specific codes first, then ranges, then `default`.
    pub variants: Vec<StatusVariantView>,
    /// Whether a variant covers every other status (`default`).
    pub has_fallback: bool,
    /// Whether every variant's payload implements `crate::ApiError`.
    pub all_api_error: bool,
    /// Whether any variant's payload does.
    pub any_api_error: bool,
}

/// One documented response.
#[derive(Debug, Serialize)]
pub struct StatusVariantView {
    /// Variant name.
    pub name: String,
    /// Payload type; `None` for a response without a body.
    pub payload: Option<RustType>,
    /// How its body is decoded.
    pub kind: BodyDecoding,
    /// Match pattern over the status code (`404`, `400..=499`, `_`).
    pub pattern: Code,
    /// Whether it is `default`: any status no other variant names.
    pub fallback: bool,
    /// Docs.
    pub docs: Vec<String>,
    /// Whether the payload implements `crate::ApiError`.
    pub api_error: bool,
    /// For a success response: the expression decoding `raw` into this variant.
    pub decode: Code,
    /// For an error response: the function decoding its body.
    pub decoder: Code,
}

/// How a success response is decoded: its Rust type and `json`, `unit`, `text`
/// or `bytes`.
pub(super) fn response_decoding(r: &crate::model::Response, types: &Types<'_>) -> (RustType, BodyDecoding) {
    match &r.ty {
        None => (RustType::Unit, BodyDecoding::Unit),
        Some(Ty::Binary) => (RustType::Bytes, BodyDecoding::Bytes),
        Some(_) if r.media_type.as_deref().is_some_and(|m| m.starts_with("text/")) => (RustType::String, BodyDecoding::Text),
        Some(ty) => (types.rust(ty, None), BodyDecoding::Json),
    }
}

/// The payload of an error response: JSON of its type, or nothing (`unit`;
/// text and binary error bodies stay in [`Error::body`](crate::Error)).
pub(super) fn error_payload(r: &crate::model::Response, types: &Types<'_>) -> (RustType, BodyDecoding) {
    match &r.ty {
        Some(ty @ (Ty::Named(_) | Ty::Any)) if !r.media_type.as_deref().is_some_and(|m| m.starts_with("text/")) => {
            (types.rust(ty, None), BodyDecoding::Json)
        }
        Some(Ty::Binary | Ty::String) | None => (RustType::Unit, BodyDecoding::Unit),
        Some(ty) => (types.rust(ty, None), BodyDecoding::Json),
    }
}

/// Variant name of a status: its reason phrase.
pub(super) fn status_variant(status: StatusKey) -> String {
    let phrase = match status {
        StatusKey::Code(200) => "Ok",
        StatusKey::Code(201) => "Created",
        StatusKey::Code(202) => "Accepted",
        StatusKey::Code(203) => "NonAuthoritativeInformation",
        StatusKey::Code(204) => "NoContent",
        StatusKey::Code(205) => "ResetContent",
        StatusKey::Code(206) => "PartialContent",
        StatusKey::Code(207) => "MultiStatus",
        StatusKey::Code(208) => "AlreadyReported",
        StatusKey::Code(226) => "ImUsed",
        StatusKey::Code(400) => "BadRequest",
        StatusKey::Code(401) => "Unauthorized",
        StatusKey::Code(402) => "PaymentRequired",
        StatusKey::Code(403) => "Forbidden",
        StatusKey::Code(404) => "NotFound",
        StatusKey::Code(405) => "MethodNotAllowed",
        StatusKey::Code(406) => "NotAcceptable",
        StatusKey::Code(407) => "ProxyAuthenticationRequired",
        StatusKey::Code(408) => "RequestTimeout",
        StatusKey::Code(409) => "Conflict",
        StatusKey::Code(410) => "Gone",
        StatusKey::Code(411) => "LengthRequired",
        StatusKey::Code(412) => "PreconditionFailed",
        StatusKey::Code(413) => "PayloadTooLarge",
        StatusKey::Code(414) => "UriTooLong",
        StatusKey::Code(415) => "UnsupportedMediaType",
        StatusKey::Code(416) => "RangeNotSatisfiable",
        StatusKey::Code(417) => "ExpectationFailed",
        StatusKey::Code(418) => "ImATeapot",
        StatusKey::Code(421) => "MisdirectedRequest",
        StatusKey::Code(422) => "UnprocessableEntity",
        StatusKey::Code(423) => "Locked",
        StatusKey::Code(424) => "FailedDependency",
        StatusKey::Code(425) => "TooEarly",
        StatusKey::Code(426) => "UpgradeRequired",
        StatusKey::Code(428) => "PreconditionRequired",
        StatusKey::Code(429) => "TooManyRequests",
        StatusKey::Code(431) => "RequestHeaderFieldsTooLarge",
        StatusKey::Code(451) => "UnavailableForLegalReasons",
        StatusKey::Code(500) => "InternalServerError",
        StatusKey::Code(501) => "NotImplemented",
        StatusKey::Code(502) => "BadGateway",
        StatusKey::Code(503) => "ServiceUnavailable",
        StatusKey::Code(504) => "GatewayTimeout",
        StatusKey::Code(505) => "HttpVersionNotSupported",
        StatusKey::Code(507) => "InsufficientStorage",
        StatusKey::Code(508) => "LoopDetected",
        StatusKey::Code(511) => "NetworkAuthenticationRequired",
        StatusKey::Range(2) => "Success",
        StatusKey::Range(4) => "ClientError",
        StatusKey::Range(5) => "ServerError",
        StatusKey::Default => "Default",
        // Codes without a reason phrase here: the number itself.
        StatusKey::Code(n) => return format!("Status{n}"),
        StatusKey::Range(d) => return format!("Status{d}XX"),
    };
    phrase.to_string()
}

/// The match pattern of a documented status over `u16` codes.
pub(super) fn status_pattern(status: StatusKey) -> TokenStream {
    match status {
        StatusKey::Range(d) => {
            let low = Literal::u16_unsuffixed(d * 100);
            let high = Literal::u16_unsuffixed(d * 100 + 99);
            quote!(#low..=#high)
        }
        StatusKey::Code(n) => Literal::u16_unsuffixed(n).into_token_stream(),
        StatusKey::Default => quote!(_),
    }
}

/// The error decoder for a response: bodies of a declared object are checked
/// for its properties (see `sdkgen_runtime::response::Documented`), others taken as they are.
pub(super) fn error_decoder(r: &crate::model::Response, api: &Api) -> TokenStream {
    match &r.ty {
        Some(Ty::Named(id)) if matches!(api.resolve(*id).kind, TypeKind::Struct { .. }) => quote!(sdkgen_runtime::response::error_body),
        _ => quote!(sdkgen_runtime::response::any_error_body),
    }
}

/// The enum `name` of an operation's documented `responses` (decoded as
/// `decoded`); `api_error` says which payloads are API error bodies.
pub(super) fn status_enum(
    api: &Api,
    name: &str,
    responses: &[crate::model::Response],
    decoded: &[(RustType, BodyDecoding)],
    api_error: impl Fn(&crate::model::Response) -> bool,
) -> StatusEnumView {
    let mut namer = Namer::new();
    let variants: Vec<StatusVariantView> = responses
        .iter()
        .zip(decoded)
        .map(|(r, (ty, kind))| {
            let fallback = r.status == StatusKey::Default;
            let what = if fallback { "Any other status".to_string() } else { format!("HTTP {}", r.status) };
            let mut docs = vec![lit(&format!(" {what}."))];
            if let Some(d) = &r.description {
                docs.push(lit(""));
                docs.extend(doc_lines(d));
            }
            StatusVariantView {
                name: namer.unique(status_variant(r.status)),
                payload: (*kind != BodyDecoding::Unit).then(|| ty.clone()),
                kind: *kind,
                pattern: status_pattern(r.status).into(),
                fallback,
                docs,
                api_error: *kind == BodyDecoding::Json && api_error(r),
                decode: Code::default(),
                decoder: error_decoder(r, api).into(),
            }
        })
        .collect();
    StatusEnumView {
        name: name.to_string(),
        has_fallback: variants.iter().any(|v| v.fallback),
        all_api_error: variants.iter().all(|v| v.api_error),
        any_api_error: variants.iter().any(|v| v.api_error),
        variants,
    }
}

/// `serde_json::Value` constant → a `sdkgen_runtime::response::Pinned` expression.
pub(super) fn pinned_expr(v: &serde_json::Value) -> Code {
    let tokens = match v {
        serde_json::Value::Bool(b) => quote!(sdkgen_runtime::response::Pinned::Bool(#b)),
        serde_json::Value::Number(n) if n.is_i64() => {
            let n = proc_macro2::Literal::i64_unsuffixed(n.as_i64().unwrap_or_default());
            quote!(sdkgen_runtime::response::Pinned::Int(#n))
        }
        serde_json::Value::String(s) => {
            let s = lit_tokens(&lit(s));
            quote!(sdkgen_runtime::response::Pinned::Str(#s))
        }
        other => {
            let s = lit_tokens(&lit(&other.to_string()));
            quote!(sdkgen_runtime::response::Pinned::Str(#s))
        }
    };
    tokens.into()
}
