//! A language-neutral model of an API: what the operations take and return, the
//! types they use and how they are secured. Built from an OpenAPI 3.0 document
//! plus the SDK's settings; nothing here knows about Rust.

mod build;
mod dedupe;
mod schema;

pub use build::{build, property_path};
pub use dedupe::merge_identical;

/// The whole API.
#[derive(Debug, Clone)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// `info.description`.
    pub description: Option<String>,
    /// Servers in declared order; the first is the default.
    pub servers: Vec<Server>,
    /// Tags in order: declared tags first, then in order of first use.
    pub tags: Vec<Tag>,
    /// Operations in document order.
    pub operations: Vec<Operation>,
    /// Named types: component schemas first (document order), then inline ones in
    /// the order operations use them, structurally identical inline ones merged
    /// (see [`merge_identical`]). A [`TypeId`] indexes this list.
    pub types: Vec<TypeDef>,
    /// Security schemes in declared order.
    pub security_schemes: Vec<SecurityScheme>,
    /// What the description asks for that cannot work as written, found while
    /// building (file and place named); generation goes on.
    pub warnings: Vec<String>,
}

/// Index into [`Api::types`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub usize);

/// A server the API is reachable at.
#[derive(Debug, Clone)]
pub struct Server {
    /// URL, possibly with `{variables}`.
    pub url: String,
    /// `description`.
    pub description: Option<String>,
    /// Variables with their default values.
    pub variables: Vec<(String, String)>,
}

/// A tag and the operations filed under it.
#[derive(Debug, Clone)]
pub struct Tag {
    /// Tag name as written in the description.
    pub name: String,
    /// Tag description.
    pub description: Option<String>,
    /// Operations whose first tag this is (indices into [`Api::operations`]).
    pub operations: Vec<usize>,
    /// For a tag that is never an operation's first tag: the tags (indices into
    /// [`Api::tags`]) that hold its operations, so it can lead to them.
    pub groups: Vec<usize>,
}

/// A type used by the API.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Words to name it by, e.g. `["chat_postMessage", "response"]`.
    pub name: Vec<String>,
    /// Where it is defined; decides which file it is written to.
    pub owner: Owner,
    /// Title and description.
    pub description: Option<String>,
    /// What it is.
    pub kind: TypeKind,
}

/// Where a named type comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    /// `components.schemas.<name>`.
    Component(String),
    /// Inline in the operation with this index.
    Operation(usize),
}

/// The shape of a named type.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// An object with known properties.
    Struct {
        /// Properties in declared order.
        fields: Vec<Field>,
    },
    /// A string with a fixed set of values.
    Enum {
        /// Values in declared order.
        values: Vec<String>,
    },
    /// Another name for a type.
    Alias(Ty),
    /// One of several shapes (`oneOf` / `anyOf` with more than one non-null
    /// alternative).
    Union {
        /// Alternatives in declared order.
        variants: Vec<Variant>,
        /// The property whose value names the alternative (`discriminator`), when
        /// the description declares one.
        tag: Option<String>,
    },
}

/// One alternative of a [`TypeKind::Union`].
#[derive(Debug, Clone)]
pub struct Variant {
    /// Words to name it by (the referenced schema's name, or a title).
    pub name: Vec<String>,
    /// Its type.
    pub ty: Ty,
    /// With a discriminator: the property values that select it.
    pub tag_values: Vec<String>,
}

/// A property of an object.
#[derive(Debug, Clone)]
pub struct Field {
    /// Name on the wire.
    pub name: String,
    /// Type of the value.
    pub ty: Ty,
    /// Listed in `required`.
    pub required: bool,
    /// Description.
    pub description: Option<String>,
    /// Marked deprecated.
    pub deprecated: bool,
}

/// A type reference.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// A string.
    String,
    /// An integer of this many bits (32 or 64).
    Integer(u8),
    /// A floating-point number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// Raw bytes (file contents).
    Binary,
    /// Anything JSON can hold.
    Any,
    /// An array.
    Array(Box<Ty>),
    /// An object with arbitrary keys.
    Map(Box<Ty>),
    /// A value that may be `null`.
    Nullable(Box<Ty>),
    /// A named type.
    Named(TypeId),
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// `operationId` (derived from method and path when absent).
    pub id: String,
    /// HTTP method.
    pub method: HttpMethod,
    /// Path template, e.g. `/chat.postMessage` or `/pets/{id}`.
    pub path: String,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// Marked deprecated.
    pub deprecated: bool,
    /// `externalDocs.url`.
    pub docs_url: Option<String>,
    /// Tags, first one is where the operation is filed.
    pub tags: Vec<String>,
    /// Parameters: path, query, header, cookie, then body fields of form bodies.
    pub params: Vec<Param>,
    /// Request body, when there is one.
    pub body: Option<Body>,
    /// Success responses (2xx; `default` when nothing else is documented): codes
    /// in ascending order, then ranges. The first is the primary one.
    pub successes: Vec<Response>,
    /// Error responses (4xx, 5xx): codes in ascending order, then ranges, then
    /// `default`. The first is the primary one.
    pub errors: Vec<Response>,
    /// How to tell success from error when both come with the same status.
    pub discriminator: Option<Discriminator>,
    /// Where the error body keeps its machine-readable code.
    pub error_code: Option<ErrorCode>,
    /// Property of the error body with a human-readable message.
    pub error_message: Option<Vec<String>>,
    /// Alternatives (OR) of requirements; each requirement needs all its schemes (AND).
    pub security: Vec<Vec<SchemeUse>>,
    /// Whether the operation may be called without credentials.
    pub security_optional: bool,
    /// Whether sending it twice does no harm, so a server error or a lost
    /// connection may be retried: an idempotent method (GET, HEAD, OPTIONS,
    /// PUT, DELETE) unless settings say otherwise.
    pub retry_safe: bool,
    /// Parameters removed because the credential carries them (settings).
    pub credential_params: Vec<String>,
}

/// One scheme within a security requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemeUse {
    /// Scheme name.
    pub scheme: String,
    /// Scopes asked for.
    pub scopes: Vec<String>,
}

/// A request parameter.
#[derive(Debug, Clone)]
pub struct Param {
    /// Name on the wire.
    pub name: String,
    /// Where it goes.
    pub location: ParamLocation,
    /// Whether it must be given.
    pub required: bool,
    /// Value type.
    pub ty: Ty,
    /// Description.
    pub description: Option<String>,
    /// Marked deprecated.
    pub deprecated: bool,
    /// For arrays and objects: one name/value pair per element (`true`) or one
    /// joined value.
    pub explode: bool,
    /// `style`.
    pub style: ParamStyle,
    /// For a field of a form body: what its `encoding` entry says.
    pub encoding: FieldEncoding,
}

/// How a field of a form body is written, from the body's `encoding` entry for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FieldEncoding {
    /// Nothing said: an object (or an array of objects) goes as one JSON
    /// text, other values as text (arrays repeat the field).
    #[default]
    Default,
    /// `contentType: application/json` (or another JSON type): the whole value
    /// as one JSON text, `blocks=[{"type":"section",...}]`.
    Json,
    /// A `style` (`deepObject`, `form`, ...) for a URL-encoded body: the layout
    /// that style describes.
    Styled,
}

/// A parameter's `style`: how its value is laid out on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamStyle {
    /// `form` (query, cookie and form-body default).
    Form,
    /// `simple` (path and header default).
    Simple,
    /// `spaceDelimited`.
    SpaceDelimited,
    /// `pipeDelimited`.
    PipeDelimited,
    /// `deepObject`.
    DeepObject,
    /// `label`.
    Label,
    /// `matrix`.
    Matrix,
}

impl ParamStyle {
    /// The variant of the runtime's `sdkgen_runtime::params::Style` for it.
    pub fn runtime_variant(self) -> &'static str {
        match self {
            ParamStyle::Form => "Form",
            ParamStyle::Simple => "Simple",
            ParamStyle::SpaceDelimited => "SpaceDelimited",
            ParamStyle::PipeDelimited => "PipeDelimited",
            ParamStyle::DeepObject => "DeepObject",
            ParamStyle::Label => "Label",
            ParamStyle::Matrix => "Matrix",
        }
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// An HTTP header.
    Header,
    /// A cookie.
    Cookie,
    /// A field of an `application/x-www-form-urlencoded` or `multipart/form-data` body.
    Body,
}

/// A request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// Media type sent.
    pub media_type: String,
    /// Media types the same value can be sent as (the first is `media_type`):
    /// other JSON types for a JSON body, other `text/*` for text, any for bytes.
    pub media_types: Vec<String>,
    /// Listed media types this encoding cannot produce (documented only).
    pub unsupported_media_types: Vec<String>,
    /// How it is encoded.
    pub kind: BodyKind,
    /// Whether it must be given.
    pub required: bool,
    /// Description.
    pub description: Option<String>,
}

/// Encoding of a request body.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyKind {
    /// URL-encoded form; fields are in [`Operation::params`] with [`ParamLocation::Body`].
    Form,
    /// Multipart form; fields likewise, [`Ty::Binary`] ones are file parts.
    Multipart,
    /// JSON of this type.
    Json(Ty),
    /// Raw bytes.
    Binary,
    /// Plain text.
    Text,
}

/// A documented response.
#[derive(Debug, Clone)]
pub struct Response {
    /// Status it is documented for (`200`, `2XX`, `default`).
    pub status: StatusKey,
    /// Description.
    pub description: Option<String>,
    /// Media type of the body.
    pub media_type: Option<String>,
    /// Type of the body; `None` when there is none.
    pub ty: Option<Ty>,
    /// Examples given for the body, named.
    pub examples: Vec<(String, serde_json::Value)>,
    /// For an error response: where its body keeps the machine-readable code.
    pub error_code: Option<ErrorCode>,
    /// For an error response: the property with a human-readable message.
    pub error_message: Option<Vec<String>>,
}

/// The status a response is documented for. Ordered as responses are: codes
/// ascending, then ranges, then `default`. Displays as the description
/// writes it: `404`, `2XX`, `default`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StatusKey {
    /// One code, e.g. `404`.
    Code(u16),
    /// A range by its first digit: `2` is `2XX`.
    Range(u16),
    /// `default`: any status not documented otherwise.
    Default,
}

impl std::fmt::Display for StatusKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatusKey::Code(n) => write!(f, "{n}"),
            StatusKey::Range(n) => write!(f, "{n}XX"),
            StatusKey::Default => f.write_str("default"),
        }
    }
}

/// A property pinned to different constants in the success and error bodies
/// (e.g. `ok: true` / `ok: false`), which tells them apart.
#[derive(Debug, Clone, PartialEq)]
pub struct Discriminator {
    /// Property name.
    pub property: String,
    /// Its value in a success body.
    pub success: serde_json::Value,
    /// Its value in an error body.
    pub error: serde_json::Value,
}

/// The machine-readable error code of an error body.
#[derive(Debug, Clone)]
pub struct ErrorCode {
    /// Where the code is: a property name, or the tokens of a JSON pointer
    /// (`["error", "code"]` for Stripe's nested errors).
    pub path: Vec<String>,
    /// The enum of documented codes, when the description lists them.
    pub enum_type: Option<TypeId>,
}

/// A security scheme.
#[derive(Debug, Clone)]
pub struct SecurityScheme {
    /// Name in `components.securitySchemes`.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// What it is.
    pub kind: SchemeKind,
    /// Environment variable the credential can be read from (settings).
    pub env_var: Option<String>,
}

/// Kinds of security scheme.
#[derive(Debug, Clone)]
pub enum SchemeKind {
    /// An API key.
    ApiKey {
        /// Where the key goes.
        location: ApiKeyLocation,
        /// Header, query or cookie name.
        param: String,
    },
    /// HTTP basic.
    Basic,
    /// HTTP bearer.
    Bearer {
        /// `bearerFormat`.
        format: Option<String>,
    },
    /// OAuth 2.
    OAuth2 {
        /// Flows in a fixed order: authorization code, client credentials, password, implicit.
        flows: Vec<OAuthFlow>,
    },
    /// OpenID Connect discovery.
    OpenIdConnect {
        /// Discovery URL.
        url: String,
    },
    /// Any other HTTP scheme, carried as an `Authorization` header.
    OtherHttp {
        /// The scheme name, e.g. `digest`.
        scheme: String,
    },
}

/// An HTTP method an operation can use. Displays upper case (`GET`), as
/// HTTP and `http::Method`'s constants write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HttpMethod {
    /// `GET`.
    Get,
    /// `PUT`.
    Put,
    /// `POST`.
    Post,
    /// `DELETE`.
    Delete,
    /// `OPTIONS`.
    Options,
    /// `HEAD`.
    Head,
    /// `PATCH`.
    Patch,
    /// `TRACE`.
    Trace,
}

impl HttpMethod {
    /// The method of a path item's key (`get`, `post`, ...); `None` for other keys.
    pub fn from_key(key: &str) -> Option<HttpMethod> {
        Some(match key {
            "get" => HttpMethod::Get,
            "put" => HttpMethod::Put,
            "post" => HttpMethod::Post,
            "delete" => HttpMethod::Delete,
            "options" => HttpMethod::Options,
            "head" => HttpMethod::Head,
            "patch" => HttpMethod::Patch,
            "trace" => HttpMethod::Trace,
            _ => return None,
        })
    }

    /// Whether a failed attempt is retried unless the settings say
    /// otherwise: the idempotent methods of RFC 9110 §9.2.2 but `TRACE`, a
    /// diagnostic echo nobody needs repeated.
    pub fn retry_safe(self) -> bool {
        match self {
            HttpMethod::Get | HttpMethod::Head | HttpMethod::Options | HttpMethod::Put | HttpMethod::Delete => true,
            HttpMethod::Post | HttpMethod::Patch | HttpMethod::Trace => false,
        }
    }

    /// Upper case, as sent.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Put => "PUT",
            HttpMethod::Post => "POST",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Options => "OPTIONS",
            HttpMethod::Head => "HEAD",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Trace => "TRACE",
        }
    }
}

impl std::fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl SchemeKind {
    /// Whether the credential goes in the `Authorization` header, which a
    /// request has only one of.
    pub fn uses_authorization_header(&self) -> bool {
        match self {
            SchemeKind::ApiKey { .. } => false,
            SchemeKind::Basic
            | SchemeKind::Bearer { .. }
            | SchemeKind::OAuth2 { .. }
            | SchemeKind::OpenIdConnect { .. }
            | SchemeKind::OtherHttp { .. } => true,
        }
    }
}

/// Where an API key is sent. Serialises (for the templates) as `header`,
/// `query` or `cookie`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiKeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

impl ApiKeyLocation {
    /// `header`, `query` or `cookie`.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiKeyLocation::Header => "header",
            ApiKeyLocation::Query => "query",
            ApiKeyLocation::Cookie => "cookie",
        }
    }
}

impl std::fmt::Display for ApiKeyLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The grant of an OAuth 2 flow. Serialises (for the templates) as
/// `authorization_code`, `client_credentials`, `password` or `implicit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OAuthFlowKind {
    /// `authorizationCode`.
    AuthorizationCode,
    /// `clientCredentials`.
    ClientCredentials,
    /// `password`.
    Password,
    /// `implicit`.
    Implicit,
}

/// An OAuth 2 flow.
#[derive(Debug, Clone)]
pub struct OAuthFlow {
    /// Its grant.
    pub kind: OAuthFlowKind,
    /// Authorization endpoint.
    pub authorization_url: Option<String>,
    /// Token endpoint.
    pub token_url: Option<String>,
    /// Refresh endpoint.
    pub refresh_url: Option<String>,
    /// Scopes with their descriptions, in declared order.
    pub scopes: Vec<(String, String)>,
}

impl Operation {
    /// The primary success response.
    pub fn success(&self) -> Option<&Response> {
        self.successes.first()
    }

    /// The primary error response.
    pub fn error(&self) -> Option<&Response> {
        self.errors.first()
    }
}

impl Api {
    /// The type behind an id.
    pub fn ty(&self, id: TypeId) -> &TypeDef {
        &self.types[id.0]
    }

    /// The type `id` stands for: through aliases of named types (a `$ref`
    /// component, an operation's type merged into an identical one) to the
    /// first type that is not such an alias. Gives up on a cycle of aliases
    /// and returns where it stopped.
    pub fn resolve(&self, mut id: TypeId) -> &TypeDef {
        for _ in 0..=self.types.len() {
            match &self.ty(id).kind {
                TypeKind::Alias(Ty::Named(next)) => id = *next,
                _ => break,
            }
        }
        self.ty(id)
    }
}
