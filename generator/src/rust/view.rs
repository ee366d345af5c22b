//! The data templates render: every name final, every string already a literal.

use std::collections::HashMap;

use serde::Serialize;

use super::docs::{doc_lines, doc_paragraphs, lit};
use super::recursion::boxed_fields;
use super::sanitize::{Namer, module_name, package_name, pascal, snake, type_name};
use crate::diag::Diagnostic;
use crate::model::{Api, BodyKind, FieldEncoding, Operation, Owner, ParamLocation, SchemeKind, Ty, TypeId, TypeKind};
use crate::settings::{Origin, SdkJob};

/// Everything about the generated crate.
#[derive(Debug, Serialize)]
pub struct CrateView {
    /// Package name (`slack-web-api`).
    pub package: String,
    /// Library name (`slack_web_api`).
    pub lib: String,
    /// Package version.
    pub version: String,
    /// Package description, as a TOML/Rust string literal.
    pub description_lit: String,
    /// Licence (SPDX), as a literal.
    pub license_lit: Option<String>,
    /// Client type name.
    pub client: String,
    /// API title as a literal.
    pub title_lit: String,
    /// Crate docs.
    pub docs: Vec<String>,
    /// Where the description lives, as shown in headers: its folder under
    /// `specs/` (not the file: a new version under another name changes
    /// nothing), none for `--spec`.
    pub spec_display: Option<String>,
    /// How to regenerate the crate, as shown in headers.
    pub regenerate: String,
    /// User agent literal.
    pub user_agent_lit: String,
    /// Environments (servers).
    pub environments: Vec<EnvironmentView>,
    /// Security schemes.
    pub schemes: Vec<SchemeView>,
    /// Controllers.
    pub controllers: Vec<ControllerView>,
    /// Model files.
    pub model_files: Vec<ModelFileView>,
    /// Operations whose examples are tested.
    pub example_tests: Vec<ExampleTestView>,
    /// The cargo features of the controllers, in controller order (`full`
    /// enables them all).
    pub features: Vec<FeatureView>,
    /// A `cfg` predicate true when any controller is compiled
    /// (`any(feature = "a", ...)`; `any()`, false, without controllers): what
    /// only controllers use is gated on it.
    pub any_controller_cfg: String,
    /// The controller the docs of the features take as their example: the
    /// quick start's first, else the first controller.
    pub feature_example: Option<FeatureExample>,
    /// Count of operations.
    pub operation_count: usize,
    /// Whether any operation sends multipart bodies.
    pub uses_multipart: bool,
    /// Whether any operation pages (streams need `futures-util`).
    pub has_pagination: bool,
    /// Whether any operation decodes a JSON success body.
    pub uses_json: bool,
    /// The first scheme with an environment variable, for docs.
    pub env_example: Option<EnvExample>,
    /// Doc line of the client type.
    pub client_doc_lit: String,
    /// A call to show in docs: `client.chat().post_message("channel")`.
    pub example_call: Option<String>,
    /// The same as a doc line literal, sending it and printing the result.
    pub example_doc_lit: Option<String>,
    /// The cargo feature of [`Self::example_call`]'s controller.
    pub example_feature: Option<String>,
    /// The quick start the settings ask for (`[docs]`).
    pub quick_start: Option<crate::rust::quick_start::QuickStart>,
    /// Package description, plain text.
    pub description: String,
    /// Any OAuth 2 scheme.
    pub has_oauth: bool,
    /// The OAuth app layer (`[app]` settings).
    pub app: Option<crate::rust::app::AppView>,
    /// Any OAuth 2 authorization code scheme.
    pub has_auth_code: bool,
    /// Any scheme that is not OAuth 2.
    pub has_non_oauth: bool,
    /// The runtime dependency line of Cargo.toml.
    pub runtime_dependency: String,
    /// How the crate reaches the runtime (files to vendor).
    #[serde(skip)]
    pub runtime: crate::runtime::Runtime,
    /// Literals of every environment variable that can hold a credential.
    pub credential_vars: Vec<String>,
    /// Problems worth telling the user that do not stop generation.
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// A documented way to configure the client from the environment.
#[derive(Debug, Serialize)]
pub struct EnvExample {
    /// Variable name.
    pub var: String,
    /// Setter on the configuration builder.
    pub setter: String,
}

/// One server.
#[derive(Debug, Serialize)]
pub struct EnvironmentView {
    /// Variant name.
    pub variant: String,
    /// Base URL literal.
    pub url_lit: String,
    /// Docs.
    pub docs: Vec<String>,
}

/// One security scheme.
#[derive(Debug, Serialize)]
pub struct SchemeView {
    /// Name in the description, as a literal.
    pub name_lit: String,
    /// Variant of the crate's `Scheme` enum.
    pub variant: String,
    /// Field/setter name on the configuration.
    pub field: String,
    /// `bearer`, `api_key`, `basic` or `authorization` (other HTTP schemes).
    pub kind: String,
    /// Where an API key goes: `header`, `query` or `cookie`.
    pub location: Option<String>,
    /// Header/query/cookie name (API keys) or HTTP scheme word, as a literal.
    pub param_lit: Option<String>,
    /// Environment variable literal.
    pub env_lit: Option<String>,
    /// Environment variable name (for docs).
    pub env_var: Option<String>,
    /// Doc line naming the variable.
    pub env_doc_lit: Option<String>,
    /// Docs.
    pub docs: Vec<String>,
    /// OAuth 2 details (for `oauth2` schemes).
    #[serde(flatten)]
    pub oauth: Option<OAuthView>,
    /// Module of its guide under `guides`.
    pub guide_module: String,
    /// What a request carries, for the guide (Markdown).
    pub carries: String,
    /// The scheme's name as written in the description (for Markdown).
    pub name: String,
}

/// An OAuth 2 scheme's generated types.
#[derive(Debug, Serialize)]
pub struct OAuthView {
    /// `authorization_code`, `client_credentials`, `password` or `implicit`.
    pub flow: String,
    /// Human name of the flow.
    pub flow_title: String,
    /// Module under `oauth`.
    pub module: String,
    /// Credentials type.
    pub credentials: String,
    /// Manager type.
    pub manager: String,
    /// Scope enum.
    pub scope_enum: String,
    /// Accessor of the manager on the client.
    pub accessor: String,
    /// Scopes.
    pub scopes: Vec<ScopeView>,
    /// Authorization URL literal.
    pub authorization_url_lit: Option<String>,
    /// Token URL literal.
    pub token_url_lit: Option<String>,
    /// Scope separator literal.
    pub scope_separator_lit: String,
    /// `Basic` or `Post`.
    pub token_auth: String,
    /// Environment variables read by `from_env`.
    pub env_vars: Vec<EnvVarView>,
    /// Module doc.
    pub module_doc_lit: String,
    /// How to reach the manager.
    pub manager_reach_lit: String,
    /// Link to the guide.
    pub guide_link_lit: String,
    /// Guide module name.
    pub guide: String,
    /// First doc line of the scope enum.
    pub scopes_doc_lit: String,
}

/// A scope of an OAuth 2 scheme.
#[derive(Debug, Serialize)]
pub struct ScopeView {
    /// Variant name.
    pub variant: String,
    /// Scope literal.
    pub value_lit: String,
    /// Description literal.
    pub description_lit: String,
    /// Variant doc line.
    pub doc_lit: String,
    /// Row of the scope table.
    pub table_lit: String,
    /// Scope text (for Markdown).
    pub value: String,
    /// Description text (for Markdown).
    pub description: String,
}

/// An environment variable a credentials type reads.
#[derive(Debug, Serialize)]
pub struct EnvVarView {
    /// Name.
    pub var: String,
    /// Name literal.
    pub var_lit: String,
    /// Statement storing `value`.
    pub assign: String,
    /// What it holds.
    pub what: String,
}

/// A controller: the operations of one tag.
#[derive(Debug, Serialize)]
pub struct ControllerView {
    /// Module name.
    pub module: String,
    /// Struct name.
    pub name: String,
    /// Accessor on the client.
    pub accessor: String,
    /// Tag literal.
    pub tag_lit: String,
    /// Docs.
    pub docs: Vec<String>,
    /// Operations.
    pub operations: Vec<OperationView>,
    /// Controllers this one leads to (tags that are never first).
    pub groups: Vec<GroupView>,
    /// The cargo feature that compiles it.
    pub feature: String,
}

/// A controller and its feature, as an example in the docs.
#[derive(Debug, Serialize)]
pub struct FeatureExample {
    /// Feature name.
    pub feature: String,
    /// Controller struct name.
    pub controller: String,
}

/// A cargo feature of the generated crate.
#[derive(Debug, Serialize)]
pub struct FeatureView {
    /// Feature name.
    pub name: String,
    /// What it enables, as TOML string literals (a group controller's
    /// feature enables the controllers it leads to).
    pub enables: Vec<String>,
    /// The `Cargo.toml` comment above it (one line).
    pub comment: String,
}

/// A controller reached from a group controller.
#[derive(Debug, Serialize)]
pub struct GroupView {
    /// Method name.
    pub accessor: String,
    /// Controller struct path.
    pub name: String,
    /// Docs.
    pub docs: Vec<String>,
    /// Its controller's cargo feature (enabled by the group's).
    pub feature: String,
}

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
    pub http_method: String,
    /// `format!` string literal for the path.
    pub path_format_lit: String,
    /// Path segments, in template order.
    pub path_args: Vec<PathArgView>,
    /// Required parameters (method arguments).
    pub required: Vec<ParamView>,
    /// Optional parameters (setters).
    pub optional: Vec<ParamView>,
    /// `none`, `form`, `multipart`, `json`, `binary`, `text`.
    pub body: String,
    /// JSON body field (for `json`), and whether it is optional.
    pub body_field: Option<ParamView>,
    /// Success type.
    pub response_ty: String,
    /// How the success body is decoded: `json`, `unit`, `text`, `bytes`.
    pub response_kind: String,
    /// Error type.
    pub error_ty: String,
    /// Several success responses with different bodies: their enum.
    pub output_enum: Option<StatusEnumView>,
    /// Several error responses with different bodies: their enum.
    pub error_enum: Option<StatusEnumView>,
    /// Function decoding an error body from status and bytes.
    pub error_decoder: String,
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
    pub payload: Option<String>,
    /// `json`, `unit`, `text` or `bytes`.
    pub kind: String,
    /// Match pattern over the status code (`404`, `400..=499`, `_`).
    pub pattern: String,
    /// Docs.
    pub docs: Vec<String>,
    /// Whether the payload implements `crate::ApiError`.
    pub api_error: bool,
    /// For a success response: the expression decoding `raw` into this variant.
    pub decode: String,
    /// For an error response: the function decoding its body.
    pub decoder: String,
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
    pub expr: String,
}

/// How success and error bodies are told apart.
#[derive(Debug, Serialize)]
pub struct DiscriminatorView {
    /// Property literal.
    pub property_lit: String,
    /// Rust expression of the error value (`sdkgen_runtime::response::Pinned::Bool(false)`).
    pub error_expr: String,
}

/// A paginated operation: its pages and items as streams.
#[derive(Debug, Serialize)]
pub struct PaginationView {
    /// Statements of the `next` closure: `request` (the builder just sent)
    /// and `page` (what it returned) to `Option<Self>`, the next request.
    pub next_body: String,
    /// Whether pages are read with their headers (`Link` style): `page` is
    /// then an `ApiResponse` and the stream maps it to its body.
    pub with_headers: bool,
    /// Access to the page's items from a page (`.channels`, or nothing when
    /// the page is the array), when the response has them.
    pub items_field: Option<String>,
    /// Doc line of `items()`.
    pub items_doc: String,
    /// See `items_field`.
    pub item_ty: String,
    /// Docs of `pages()`.
    pub docs: Vec<String>,
}

/// A request parameter.
#[derive(Debug, Serialize)]
pub struct ParamView {
    /// Field and setter name.
    pub field: String,
    /// Wire name literal.
    pub wire_lit: String,
    /// `path`, `query`, `header`, `cookie`, `form`, `multipart`, `body`.
    pub location: String,
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
    /// `string`, `json` or `file`.
    pub encode: String,
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

/// One file under `src/models/`.
#[derive(Debug, Serialize)]
pub struct ModelFileView {
    /// Module name.
    pub module: String,
    /// Docs of the module.
    pub docs: Vec<String>,
    /// Types, in order.
    pub types: Vec<TypeView>,
    /// The cargo feature that compiles it, when only one controller uses its
    /// types; `None`: always compiled.
    pub feature: Option<String>,
}

/// One generated type.
#[derive(Debug, Serialize)]
pub struct TypeView {
    /// `struct`, `enum` or `alias`.
    pub kind: String,
    /// Type name.
    pub name: String,
    /// Docs.
    pub docs: Vec<String>,
    /// Struct fields.
    pub fields: Vec<FieldView>,
    /// Name of the field that keeps unknown properties.
    pub extra_field: String,
    /// Enum variants.
    pub variants: Vec<VariantView>,
    /// Catch-all variant of an enum.
    pub other_variant: String,
    /// Alias target.
    pub alias: String,
    /// For an error body: how `code()` and `message()` read it.
    pub api_error: Option<ApiErrorView>,
    /// Union details.
    pub union: Option<UnionView>,
    /// For an enum of error codes: an `is_<code>()` method per variant.
    pub is_helpers: bool,
    /// For a struct: `new()` and the `with_*` setters.
    pub build: Option<StructBuildView>,
}

/// How callers build a struct model (it is `#[non_exhaustive]`, so outside the
/// crate a struct literal is not an option): `new(<required fields>)`, then a
/// chainable `with_<field>(value)` per other field.
#[derive(Debug, Serialize)]
pub struct StructBuildView {
    /// Doc lines of `new`.
    pub new_docs: Vec<String>,
    /// `new`'s arguments: the required fields, in declared order.
    pub required: Vec<BuildArgView>,
    /// `with_*` setters of the other fields, in declared order.
    pub optional: Vec<BuildArgView>,
    /// Whether `new` takes more arguments than clippy's `too_many_arguments`
    /// allows (a model with many required properties).
    pub many_args: bool,
    /// Whether `new` sets a deprecated field.
    pub new_deprecated: bool,
    /// The setter adding a property the description does not list.
    pub extra_setter: String,
}

/// A field set by `new` or by a `with_*` setter.
#[derive(Debug, Serialize)]
pub struct BuildArgView {
    /// The field.
    pub field: String,
    /// Setter name (`with_<field>`; empty for `new`'s arguments).
    pub method: String,
    /// Binding of the argument.
    pub arg: String,
    /// Argument type.
    pub arg_ty: String,
    /// The value stored in the field, from `arg`.
    pub value: String,
    /// Doc lines of the setter.
    pub docs: Vec<String>,
    /// The field is deprecated.
    pub deprecated: bool,
}

/// A `oneOf` / `anyOf` type.
#[derive(Debug, Serialize)]
pub struct UnionView {
    /// Alternatives.
    pub variants: Vec<UnionVariantView>,
    /// Discriminator property literal.
    pub tag_lit: Option<String>,
    /// Catch-all variant name.
    pub other: String,
}

/// One alternative of a union.
#[derive(Debug, Serialize)]
pub struct UnionVariantView {
    /// Variant name.
    pub name: String,
    /// Payload type.
    pub ty: String,
    /// Docs.
    pub docs: Vec<String>,
    /// Discriminator values selecting it, as a match pattern (`"cat" | "Cat"`).
    pub tag_pattern: Option<String>,
    /// The discriminator value it is written with.
    pub tag_lit: Option<String>,
    /// `sdkgen_runtime::de::Shape` expression describing it.
    pub shape: String,
    /// Whether a `From` impl is generated for its payload type.
    pub from: bool,
}

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

/// A struct field.
#[derive(Debug, Serialize)]
pub struct FieldView {
    /// Field name.
    pub name: String,
    /// Serde attribute contents (`rename = "x"`, `default`, ...).
    pub serde: Vec<String>,
    /// Type.
    pub ty: String,
    /// Docs.
    pub docs: Vec<String>,
    /// Deprecated.
    pub deprecated: bool,
}

/// An enum variant.
#[derive(Debug, Serialize)]
pub struct VariantView {
    /// Variant name.
    pub name: String,
    /// Wire value literal.
    pub wire_lit: String,
    /// Docs.
    pub docs: Vec<String>,
    /// For error codes: the `is_<code>()` method and its doc literal.
    pub is_method: String,
    /// See `is_method`.
    pub is_doc: String,
}

/// Examples of one operation, checked by a generated test.
#[derive(Debug, Serialize)]
pub struct ExampleTestView {
    /// Test function name.
    pub test: String,
    /// Error type.
    pub error_ty: String,
    /// Error decoder function.
    pub error_decoder: String,
    /// Discriminator, if any.
    pub discriminator: Option<DiscriminatorView>,
    /// Success examples.
    pub success: Vec<ExampleView>,
    /// Error examples.
    pub errors: Vec<ExampleView>,
    /// The cargo feature of the operation's controller.
    pub feature: String,
}

/// One example body and the type it decodes to.
#[derive(Debug, Serialize)]
pub struct ExampleView {
    /// Rust type.
    pub ty: String,
    /// Literal JSON text.
    pub body: String,
}

/// The variant every generated enum with a catch-all (string enums, unions,
/// OAuth scopes) keeps an undocumented value in, raw: always this name, so
/// `Enum::Other(raw)` reads the same everywhere. A documented value or
/// alternative whose name would be the same takes the next free name
/// (`Other2`) instead.
pub const CATCH_ALL: &str = "Other";

/// Names decided for the model types.
struct TypeNames {
    names: Vec<String>,
    modules: Vec<String>,
}

impl TypeNames {
    fn new(api: &Api) -> Self {
        let mut namer = Namer::new();
        let names = api.types.iter().map(|t| namer.unique(type_name(&t.name.join("_")))).collect();
        let mut module_namer = Namer::with_reserved(["mod", "models"]);
        let mut module_of_owner: HashMap<String, String> = HashMap::new();
        let modules = api
            .types
            .iter()
            .map(|t| {
                let key = match &t.owner {
                    Owner::Component(name) => format!("c:{name}"),
                    Owner::Operation(i) => format!("o:{}", api.operations[*i].id),
                };
                let raw = match &t.owner {
                    Owner::Component(name) => name.clone(),
                    Owner::Operation(i) => api.operations[*i].id.clone(),
                };
                module_of_owner.entry(key).or_insert_with(|| module_namer.unique(module_name(&raw))).clone()
            })
            .collect();
        TypeNames { names, modules }
    }
}

/// Renders Rust type expressions relative to a module.
struct Types<'a> {
    api: &'a Api,
    names: &'a TypeNames,
    /// How the API pages (settings).
    pagination: Option<&'a crate::settings::PaginationSettings>,
}

impl Types<'_> {
    /// The Rust type of `ty`, as seen from model module `here` (`None`: outside models).
    fn rust(&self, ty: &Ty, here: Option<&str>) -> String {
        match ty {
            Ty::String => "String".into(),
            Ty::Integer(32) => "i32".into(),
            Ty::Integer(_) => "i64".into(),
            Ty::Number => "f64".into(),
            Ty::Boolean => "bool".into(),
            Ty::Binary => {
                if here.is_some() {
                    "String".into()
                } else {
                    "crate::FileUpload".into()
                }
            }
            Ty::Any => "serde_json::Value".into(),
            Ty::Array(inner) => format!("Vec<{}>", self.rust(inner, here)),
            Ty::Map(inner) => format!("std::collections::BTreeMap<String, {}>", self.rust(inner, here)),
            Ty::Nullable(inner) => format!("Option<{}>", self.rust(inner, here)),
            Ty::Named(id) => self.named(*id, here),
        }
    }

    fn named(&self, id: TypeId, here: Option<&str>) -> String {
        let name = &self.names.names[id.0];
        if here == Some(self.names.modules[id.0].as_str()) { name.clone() } else { format!("crate::models::{name}") }
    }

    /// For scalar types (through aliases): the lenient decoder's name.
    fn scalar_decoder(&self, ty: &Ty) -> Option<&'static str> {
        match ty {
            Ty::String => Some("string"),
            Ty::Integer(32) => Some("int32"),
            Ty::Integer(_) => Some("int64"),
            Ty::Number => Some("float"),
            Ty::Boolean => Some("boolean"),
            Ty::Named(id) => match &self.api.ty(*id).kind {
                TypeKind::Alias(t) => self.scalar_decoder(t),
                _ => None,
            },
            _ => None,
        }
    }

    /// `ty` with aliases replaced by what they stand for.
    fn resolve(&self, ty: &Ty) -> Ty {
        let mut ty = ty.clone();
        for _ in 0..16 {
            match &ty {
                Ty::Named(id) => match &self.api.ty(*id).kind {
                    TypeKind::Alias(inner) => ty = inner.clone(),
                    _ => break,
                },
                Ty::Array(inner) => return Ty::Array(Box::new(self.resolve(inner))),
                Ty::Map(inner) => return Ty::Map(Box::new(self.resolve(inner))),
                Ty::Nullable(inner) => return Ty::Nullable(Box::new(self.resolve(inner))),
                _ => break,
            }
        }
        ty
    }

    /// A `sdkgen_runtime::de::Shape` expression: what a value of `ty` looks like in JSON,
    /// for telling union alternatives apart.
    fn shape(&self, ty: &Ty) -> String {
        let mut ty = self.resolve(ty);
        let mut nullable = false;
        while let Ty::Nullable(inner) = ty {
            nullable = true;
            ty = self.resolve(&inner);
        }
        let mut required: Vec<String> = Vec::new();
        let mut known: Vec<String> = Vec::new();
        let mut values: Vec<String> = Vec::new();
        let kind = match &ty {
            Ty::String | Ty::Binary => "String",
            Ty::Integer(_) => "Integer",
            Ty::Number => "Number",
            Ty::Boolean => "Boolean",
            Ty::Array(_) => "Array",
            Ty::Map(_) => "Object",
            Ty::Named(id) => match &self.api.ty(*id).kind {
                TypeKind::Struct { fields } => {
                    required = fields.iter().filter(|f| f.required).map(|f| lit(&f.name)).collect();
                    known = fields.iter().map(|f| lit(&f.name)).collect();
                    "Object"
                }
                TypeKind::Enum { values: v } => {
                    values = v.iter().map(|v| lit(v)).collect();
                    "String"
                }
                // Unions, and aliases too deep to follow.
                TypeKind::Union { .. } | TypeKind::Alias(_) => "Any",
            },
            Ty::Any | Ty::Nullable(_) => "Any",
        };
        format!(
            "sdkgen_runtime::de::Shape {{ kind: sdkgen_runtime::de::Kind::{kind}, nullable: {nullable}, required: &[{}], known: &[{}], values: &[{}] }}",
            required.join(", "),
            known.join(", "),
            values.join(", ")
        )
    }

    /// Whether values of `ty` are JSON objects or arrays of them (through
    /// aliases and `null`): what a form field without an `encoding` sends as
    /// one JSON text. `depth` bounds the walk through unions of unions.
    fn structured(&self, ty: &Ty, depth: usize) -> bool {
        if depth > 8 {
            return false;
        }
        match self.resolve(ty) {
            Ty::Nullable(inner) => self.structured(&inner, depth + 1),
            Ty::Map(_) => true,
            Ty::Array(inner) => matches!(self.resolve(&inner), Ty::Array(_)) || self.structured(&inner, depth + 1),
            Ty::Named(id) => match &self.api.ty(id).kind {
                TypeKind::Struct { .. } => true,
                TypeKind::Union { variants, .. } => variants.iter().any(|v| self.structured(&v.ty, depth + 1)),
                TypeKind::Enum { .. } | TypeKind::Alias(_) => false,
            },
            _ => false,
        }
    }

    fn is_string(&self, ty: &Ty) -> bool {
        match ty {
            Ty::String => true,
            Ty::Named(id) => matches!(&self.api.ty(*id).kind, TypeKind::Alias(t) if self.is_string(t)),
            _ => false,
        }
    }
}

/// Plans the crate for `api`.
pub fn plan(api: &Api, job: &SdkJob, repo_root: &std::path::Path) -> Result<CrateView, Diagnostic> {
    let settings = &job.settings;
    let package = package_name(settings.krate.name.as_deref().unwrap_or(&api.title));
    let lib = snake(&package);
    let client = settings.krate.client.clone().unwrap_or_else(|| format!("{}Client", pascal(&package)));
    let version = settings.krate.version.clone().unwrap_or_else(|| "0.1.0".into());
    let description = settings.krate.description.clone().unwrap_or_else(|| format!("Client for {}", api.title));
    let display = |p: &std::path::Path| p.strip_prefix(repo_root).unwrap_or(p).to_string_lossy().replace('\\', "/");

    let names = TypeNames::new(api);
    let types = Types { api, names: &names, pagination: settings.pagination.as_ref() };

    // Environments.
    let mut env_namer = Namer::new();
    let environments = if api.servers.is_empty() {
        vec![EnvironmentView { variant: "Production".into(), url_lit: lit("/"), docs: vec![lit(" The API's own host.")] }]
    } else {
        api.servers
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let base = match (&s.description, api.servers.len()) {
                    (Some(d), _) => pascal(d),
                    (None, 1) => "Production".into(),
                    (None, _) => format!("Server{}", i + 1),
                };
                let mut url = s.url.clone();
                for (k, v) in &s.variables {
                    url = url.replace(&format!("{{{k}}}"), v);
                }
                let mut docs = s.description.as_deref().map(doc_lines).unwrap_or_default();
                if !docs.is_empty() {
                    docs.push(lit(""));
                }
                docs.push(lit(&format!(" `{}`", url.replace('`', "'"))));
                EnvironmentView { variant: env_namer.unique(base), url_lit: lit(url.trim_end_matches('/')), docs }
            })
            .collect()
    };

    // Security schemes. Their managers' accessors come before the controllers'.
    let mut accessor_namer = Namer::with_reserved([
        "new",
        "from_env",
        "config",
        "with_config",
        "clone",
        "http_client",
        "token_cell",
        "token_http",
        "http",
        "base_url",
    ]);
    let mut oauth_namer = Namer::with_reserved(["mod", "tests"]);
    let mut scheme_namer = Namer::new();
    let mut field_namer =
        Namer::with_reserved(["environment", "base_url", "timeout", "user_agent", "http_client", "retry_policy", "hook", "hooks"]);
    let mut scheme_variant: HashMap<&str, String> = HashMap::new();
    let mut schemes = Vec::new();
    for s in &api.security_schemes {
        let variant = scheme_namer.unique(pascal(&s.name));
        scheme_variant.insert(s.name.as_str(), variant.clone());
        let (kind, location, param) = match &s.kind {
            SchemeKind::ApiKey { location, param } => ("api_key", Some(location.clone()), Some(lit(param))),
            SchemeKind::Basic => ("basic", None, None),
            SchemeKind::OAuth2 { flows } if !flows.is_empty() => ("oauth2", None, None),
            SchemeKind::Bearer { .. } | SchemeKind::OAuth2 { .. } | SchemeKind::OpenIdConnect { .. } => ("bearer", None, None),
            SchemeKind::OtherHttp { scheme } => ("authorization", None, Some(lit(&pascal(scheme)))),
        };
        let what = match &s.kind {
            SchemeKind::ApiKey { location, param } => format!("API key sent in the `{param}` {location}."),
            SchemeKind::Basic => "HTTP basic authentication.".into(),
            SchemeKind::Bearer { .. } => "Bearer token sent in the `Authorization` header.".into(),
            SchemeKind::OAuth2 { .. } => "OAuth 2 access token, sent as `Authorization: Bearer <token>`.".into(),
            SchemeKind::OpenIdConnect { .. } => "OpenID Connect access token, sent as `Authorization: Bearer <token>`.".into(),
            SchemeKind::OtherHttp { scheme } => format!("`Authorization: {} <credentials>`.", pascal(scheme)),
        };
        let mut parts = vec![format!("`{}`: {what}", s.name)];
        if let Some(d) = &s.description {
            parts.push(d.clone());
        }
        let field = field_namer.unique(snake(&s.name));
        let oauth = match &s.kind {
            SchemeKind::OAuth2 { flows } if !flows.is_empty() => {
                Some(oauth_view(s, &flows[0], &settings.auth.schemes, &client, &variant, &mut oauth_namer, &mut accessor_namer))
            }
            _ => None,
        };
        let guide_module = match &oauth {
            Some(o) => o.module.clone(),
            None => oauth_namer.unique(module_name(&s.name)),
        };
        schemes.push(SchemeView {
            guide_module,
            carries: what.clone(),
            name: s.name.clone(),
            oauth,
            name_lit: lit(&s.name),
            variant,
            field,
            kind: kind.into(),
            location,
            param_lit: param,
            env_lit: s.env_var.as_deref().map(lit),
            env_doc_lit: s.env_var.as_deref().map(|v| lit(&format!(" (`{}` for `{}`)", v.replace('`', "'"), s.name.replace('`', "'")))),
            env_var: s.env_var.clone(),
            docs: doc_paragraphs(parts.iter().map(String::as_str)),
        });
    }

    // Controllers. Their types never take a model's name: `crate::controllers`
    // and `crate::models` are both glob-imported by callers, and a request
    // builder named like the body it sends reads as that body in docs.
    let mut ctl_namer =
        Namer::with_reserved(["http", "models", "controllers", "Scheme"].into_iter().chain(names.names.iter().map(String::as_str)));
    let mut module_namer = Namer::with_reserved(["mod"]);
    struct CtlNames {
        module: String,
        name: String,
        accessor: String,
    }
    let ctl_names: Vec<CtlNames> = api
        .tags
        .iter()
        .map(|t| CtlNames {
            module: module_namer.unique(module_name(&t.name)),
            name: ctl_namer.unique(format!("{}Controller", type_name(&t.name))),
            accessor: accessor_namer.unique(snake(&t.name)),
        })
        .collect();
    let tag_features = super::features::tag_features(&ctl_names.iter().map(|c| c.module.clone()).collect::<Vec<_>>());
    let mut controllers = Vec::new();
    let mut example_tests = Vec::new();
    let mut test_namer = Namer::new();
    let mut uses_multipart = false;
    let mut has_pagination = false;
    for (ti, tag) in api.tags.iter().enumerate() {
        let mut method_namer = Namer::with_reserved(["new", "client"]);
        let tag_snake = snake(&tag.name);
        let mut operations = Vec::new();
        for &oi in &tag.operations {
            let op = &api.operations[oi];
            let op_snake = snake(&op.id);
            let short = op_snake
                .strip_prefix(&format!("{tag_snake}_"))
                .filter(|s| !s.is_empty() && !s.starts_with(|c: char| c.is_ascii_digit()))
                .map(str::to_string)
                .unwrap_or(op_snake.clone());
            let method = method_namer.unique(snake(&short));
            let names = OperationNames {
                builder: builder_name(&mut ctl_namer, &op.id),
                output: ctl_namer.unique(type_name(&format!("{}_output", op.id))),
                error: ctl_namer.unique(type_name(&format!("{}_error_body", op.id))),
                media_type: if op.body.as_ref().is_some_and(|b| b.media_types.len() > 1) {
                    ctl_namer.unique(type_name(&format!("{}_media_type", op.id)))
                } else {
                    String::new()
                },
            };
            let view = operation_view(op, method, names, &types, &scheme_variant, api)?;
            uses_multipart |= view.body == "multipart";
            has_pagination |= view.pagination.is_some();
            if let Some(t) = example_test(op, &view, &types, &mut test_namer, &lib, &tag_features[ti]) {
                example_tests.push(t);
            }
            operations.push(view);
        }
        let groups = tag
            .groups
            .iter()
            .map(|&g| {
                let member = &api.tags[g];
                let short = member.name.strip_prefix(&format!("{}.", tag.name)).unwrap_or(&member.name);
                GroupView {
                    accessor: snake(short),
                    name: ctl_names[g].name.clone(),
                    feature: tag_features[g].clone(),
                    docs: vec![lit(&format!(" Operations tagged `{}`.", member.name.replace('`', "'")))],
                }
            })
            .collect();
        let mut docs = vec![lit(&format!(" Operations tagged `{}`.", tag.name.replace('`', "'")))];
        if let Some(d) = &tag.description {
            docs.push(lit(""));
            docs.extend(doc_lines(d));
        }
        controllers.push(ControllerView {
            module: ctl_names[ti].module.clone(),
            name: ctl_names[ti].name.clone(),
            accessor: ctl_names[ti].accessor.clone(),
            tag_lit: lit(&tag.name),
            docs,
            operations,
            groups,
            feature: tag_features[ti].clone(),
        });
    }

    let type_features: Vec<Option<String>> =
        super::features::model_gates(api, &names.modules).into_iter().map(|tag| tag.map(|t| tag_features[t].clone())).collect();
    let model_files = model_files(api, &names, &types, &type_features);
    let features = controllers
        .iter()
        .map(|c| {
            let (enables, comment) = if c.groups.is_empty() {
                (Vec::new(), format!("The `{}` controller ({}).", c.accessor, plural(c.operations.len(), "operation")))
            } else {
                (
                    c.groups.iter().map(|g| lit(&g.feature)).collect(),
                    format!("The `{}` controller, with the {} it leads to.", c.accessor, plural(c.groups.len(), "controller")),
                )
            };
            FeatureView { name: c.feature.clone(), enables, comment }
        })
        .collect();
    let any_controller_cfg = super::features::cfg("any", &controllers.iter().map(|c| c.feature.clone()).collect::<Vec<_>>());

    let mut crate_docs = vec![lit(&format!(" Client for {}.", api.title))];
    if let Some(d) = &api.description {
        crate_docs.push(lit(""));
        crate_docs.extend(doc_lines(d));
    }
    let env_example = schemes.iter().find_map(|s| s.env_var.clone().map(|var| EnvExample { var, setter: s.field.clone() }));

    let example_feature = controllers
        .iter()
        .find(|c| c.operations.iter().any(|o| !o.required.is_empty() && o.required.iter().all(|p| p.arg_ty == "impl Into<String>")))
        .map(|c| c.feature.clone());
    let example_call = controllers.iter().find_map(|c| {
        c.operations.iter().find(|o| !o.required.is_empty() && o.required.iter().all(|p| p.arg_ty == "impl Into<String>")).map(|o| {
            let args: Vec<String> = o.required.iter().map(|p| lit(&p.field)).collect();
            format!("client.{}().{}({})", c.accessor, o.method, args.join(", "))
        })
    });
    // One request has one Authorization header: a requirement that ANDs two schemes
    // carried there cannot be met as written.
    let mut warnings = Vec::new();
    let in_authorization = |name: &str| api.security_schemes.iter().any(|s| s.name == name && !matches!(s.kind, SchemeKind::ApiKey { .. }));
    for op in &api.operations {
        for requirement in &op.security {
            let clashing: Vec<&str> = requirement.iter().map(|u| u.scheme.as_str()).filter(|n| in_authorization(n)).collect();
            if clashing.len() > 1 {
                warnings.push(format!(
                    "{}: operation `{}` requires {} together, but each is sent in the Authorization header; the client refuses such a call (Error::InvalidRequest) rather than drop one",
                    job.spec_path.display(),
                    op.id,
                    clashing.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(" and "),
                ));
            }
        }
    }
    let has_oauth = schemes.iter().any(|s| s.oauth.is_some());
    let uses_json = controllers.iter().flat_map(|c| &c.operations).any(|o| o.response_kind == "json");
    let has_auth_code = schemes.iter().any(|s| s.oauth.as_ref().is_some_and(|o| o.flow == "authorization_code"));
    let mut credential_vars: Vec<String> = Vec::new();
    for var in schemes
        .iter()
        .flat_map(|s| s.env_lit.iter().cloned().chain(s.oauth.iter().flat_map(|o| o.env_vars.iter().map(|e| e.var_lit.clone()))))
    {
        if !credential_vars.contains(&var) {
            credential_vars.push(var);
        }
    }
    let has_non_oauth = schemes.iter().any(|s| s.oauth.is_none());
    let settings_path = job.settings_path.as_deref().unwrap_or(&job.spec_path);
    let quick_start = crate::rust::quick_start::quick_start(&settings.docs, &controllers, &lib, &client, settings_path)?;
    let api_base_url = api
        .servers
        .first()
        .map_or_else(String::new, |s| s.variables.iter().fold(s.url.clone(), |url, (k, v)| url.replace(&format!("{{{k}}}"), v)));
    let feature_example = quick_start
        .as_ref()
        .and_then(|q| q.features.first())
        .and_then(|f| controllers.iter().find(|c| &c.feature == f))
        .or(controllers.first())
        .map(|c| FeatureExample { feature: c.feature.clone(), controller: c.name.clone() });
    let app = crate::rust::app::app_view(settings, api, &schemes, &api_base_url, settings_path)?;
    Ok(CrateView {
        app,
        quick_start,
        has_oauth,
        has_auth_code,
        has_non_oauth,
        runtime_dependency: job.runtime.dependency(),
        runtime: job.runtime.clone(),
        credential_vars,
        warnings,
        client_doc_lit: lit(&format!(" The client for {}.", api.title)),
        example_doc_lit: example_call.as_ref().map(|c| lit(&format!("let response = {c}.send().await?;"))),
        example_call,
        example_feature,
        description: description.clone(),
        user_agent_lit: lit(&format!("{package}/{version}")),
        package,
        lib,
        version,
        description_lit: lit(&description),
        license_lit: settings.krate.license.as_deref().map(lit),
        client,
        title_lit: lit(&api.title),
        docs: crate_docs,
        spec_display: match job.origin {
            Origin::Repository => job.spec_path.parent().map(|dir| format!("{}/", display(dir))),
            Origin::Paths { .. } => None,
        },
        regenerate: job.origin.header(),
        environments,
        schemes,
        controllers,
        model_files,
        example_tests,
        features,
        any_controller_cfg,
        feature_example,
        operation_count: api.operations.len(),
        uses_multipart,
        has_pagination,
        uses_json,
        env_example,
    })
}

/// `n` and `what`, plural when `n` is not 1 (`1 operation`, `3 operations`).
fn plural(n: usize, what: &str) -> String {
    if n == 1 { format!("{n} {what}") } else { format!("{n} {what}s") }
}

/// The request builder of operation `id`: `<Op>Request`, or `<Op>RequestBuilder`
/// when that is taken (by a model, typically the operation's inline body,
/// which is named `<Op>Request` too).
fn builder_name(namer: &mut Namer, id: &str) -> String {
    let base = type_name(&format!("{id}_request"));
    if namer.is_taken(&base) { namer.unique(format!("{base}Builder")) } else { namer.unique(base) }
}

/// Names of an operation's generated types.
struct OperationNames {
    builder: String,
    output: String,
    error: String,
    media_type: String,
}

fn operation_view(
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
        None => "none",
        Some(BodyKind::Form) => "form",
        Some(BodyKind::Multipart) => "multipart",
        Some(BodyKind::Json(_)) => "json",
        Some(BodyKind::Binary) => "binary",
        Some(BodyKind::Text) => "text",
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
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
            ParamLocation::Body if body == "multipart" => "multipart",
            ParamLocation::Body => "form",
        };
        let mut view =
            param_view(p.ty.clone(), field, lit(&p.name), location, p.explode, p.style, p.description.as_deref(), p.deprecated, types);
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
                "body",
                false,
                "form",
                op.body.as_ref().and_then(|b| b.description.as_deref()),
                false,
                types,
            );
            Some(view)
        }
        Some(BodyKind::Binary) => {
            Some(param_view(Ty::Binary, field_namer.unique("body".into()), lit("body"), "body", false, "form", None, false, types))
        }
        Some(BodyKind::Text) => {
            Some(param_view(Ty::String, field_namer.unique("body".into()), lit("body"), "body", false, "form", None, false, types))
        }
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
        let param = required.iter().find(|p: &&ParamView| p.location == "path" && path_fields.get(name) == Some(&p.field));
        let binding = binding_namer.unique(param.map_or_else(|| "segment".to_string(), |p| p.arg.clone()));
        // Named arguments (`{id}`): the formatter lays out `format!` best with plain names.
        fmt.push_str(&format!("{{{binding}}}"));
        let expr = param.map(|p| p.path_expr.clone()).unwrap_or_else(|| "String::new()".to_string());
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

    let decoded: Vec<(String, &'static str)> = op.successes.iter().map(|r| response_decoding(r, types)).collect();
    let (response_ty, response_kind, output_enum) = match decoded.first() {
        None => ("()".to_string(), "unit".to_string(), None),
        Some(first) if decoded.iter().all(|d| d == first) => (first.0.clone(), first.1.to_string(), None),
        Some(_) => {
            let name = names.output.clone();
            let view = status_enum(api, &name, &op.successes, &decoded, |_| false);
            (name, "enum".to_string(), Some(view))
        }
    };
    let error_payloads: Vec<(String, &'static str)> = op.errors.iter().map(|r| error_payload(r, types)).collect();
    let (error_ty, error_enum, error_decoder) = match error_payloads.first() {
        None => ("serde_json::Value".to_string(), None, "sdkgen_runtime::response::any_error_body".to_string()),
        Some(first) if error_payloads.iter().all(|d| d == first) => {
            // Bodiless errors: any JSON they carry anyway is kept as a value.
            if first.1 == "json" {
                (first.0.clone(), None, error_decoder(&op.errors[0], api))
            } else {
                ("serde_json::Value".to_string(), None, "sdkgen_runtime::response::any_error_body".to_string())
            }
        }
        Some(_) => {
            let name = names.error.clone();
            let view = status_enum(api, &name, &op.errors, &error_payloads, |r| match &r.ty {
                Some(Ty::Named(id)) => matches!(api.ty(*id).kind, TypeKind::Struct { .. }),
                Some(Ty::Any) => true,
                _ => false,
            });
            let decoder = format!("{name}::decode");
            (name, Some(view), decoder)
        }
    };

    let mut output_enum = output_enum;
    if let Some(e) = &mut output_enum {
        for v in &mut e.variants {
            let call = match v.kind.as_str() {
                "json" => format!("sdkgen_runtime::response::json(raw, None, {error_decoder})"),
                kind => format!("sdkgen_runtime::response::{kind}(raw, {error_decoder})"),
            };
            v.decode = match v.payload {
                Some(_) => format!("{call}.map({}::{})", e.name, v.name),
                None => format!("{call}.map(|()| {}::{})", e.name, v.name),
            };
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
    let builds_parts = body != "none" || !optional.is_empty() || required.iter().any(|p: &ParamView| p.location != "path");
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
        http_method: op.method.clone(),
        path_format_lit: lit(&fmt),
        path_args,
        required,
        optional,
        body: body.into(),
        body_field: None,
        response_ty,
        response_kind,
        error_ty,
        output_enum,
        error_enum,
        error_decoder,
        content_type_lit,
        media_types,
        discriminator,
        security,
        security_optional: op.security_optional,
        retry_safe: op.retry_safe,
    })
}

/// How a success response is decoded: its Rust type and `json`, `unit`, `text`
/// or `bytes`.
fn response_decoding(r: &crate::model::Response, types: &Types<'_>) -> (String, &'static str) {
    match &r.ty {
        None => ("()".to_string(), "unit"),
        Some(Ty::Binary) => ("Vec<u8>".to_string(), "bytes"),
        Some(_) if r.media_type.as_deref().is_some_and(|m| m.starts_with("text/")) => ("String".to_string(), "text"),
        Some(ty) => (types.rust(ty, None), "json"),
    }
}

/// The payload of an error response: JSON of its type, or nothing (`unit`;
/// text and binary error bodies stay in [`Error::body`](crate::Error)).
fn error_payload(r: &crate::model::Response, types: &Types<'_>) -> (String, &'static str) {
    match &r.ty {
        Some(ty @ (Ty::Named(_) | Ty::Any)) if !r.media_type.as_deref().is_some_and(|m| m.starts_with("text/")) => {
            (types.rust(ty, None), "json")
        }
        Some(Ty::Binary | Ty::String) | None => ("()".to_string(), "unit"),
        Some(ty) => (types.rust(ty, None), "json"),
    }
}

/// Variant name of a status: its reason phrase.
fn status_variant(status: &str) -> String {
    let phrase = match status {
        "200" => "Ok",
        "201" => "Created",
        "202" => "Accepted",
        "203" => "NonAuthoritativeInformation",
        "204" => "NoContent",
        "205" => "ResetContent",
        "206" => "PartialContent",
        "207" => "MultiStatus",
        "208" => "AlreadyReported",
        "226" => "ImUsed",
        "400" => "BadRequest",
        "401" => "Unauthorized",
        "402" => "PaymentRequired",
        "403" => "Forbidden",
        "404" => "NotFound",
        "405" => "MethodNotAllowed",
        "406" => "NotAcceptable",
        "407" => "ProxyAuthenticationRequired",
        "408" => "RequestTimeout",
        "409" => "Conflict",
        "410" => "Gone",
        "411" => "LengthRequired",
        "412" => "PreconditionFailed",
        "413" => "PayloadTooLarge",
        "414" => "UriTooLong",
        "415" => "UnsupportedMediaType",
        "416" => "RangeNotSatisfiable",
        "417" => "ExpectationFailed",
        "418" => "ImATeapot",
        "421" => "MisdirectedRequest",
        "422" => "UnprocessableEntity",
        "423" => "Locked",
        "424" => "FailedDependency",
        "425" => "TooEarly",
        "426" => "UpgradeRequired",
        "428" => "PreconditionRequired",
        "429" => "TooManyRequests",
        "431" => "RequestHeaderFieldsTooLarge",
        "451" => "UnavailableForLegalReasons",
        "500" => "InternalServerError",
        "501" => "NotImplemented",
        "502" => "BadGateway",
        "503" => "ServiceUnavailable",
        "504" => "GatewayTimeout",
        "505" => "HttpVersionNotSupported",
        "507" => "InsufficientStorage",
        "508" => "LoopDetected",
        "511" => "NetworkAuthenticationRequired",
        "2XX" => "Success",
        "4XX" => "ClientError",
        "5XX" => "ServerError",
        "default" => "Default",
        other => return format!("Status{}", pascal(other)),
    };
    phrase.to_string()
}

/// The match pattern of a documented status over `u16` codes.
fn status_pattern(status: &str) -> String {
    match status.as_bytes() {
        [d, b'X' | b'x', b'X' | b'x'] if d.is_ascii_digit() => {
            let d = d - b'0';
            format!("{d}00..={d}99")
        }
        _ if status.parse::<u16>().is_ok() => status.to_string(),
        _ => "_".to_string(),
    }
}

/// The error decoder for a response: bodies of a declared object are checked
/// for its properties (see `sdkgen_runtime::response::Documented`), others taken as they are.
fn error_decoder(r: &crate::model::Response, api: &Api) -> String {
    match &r.ty {
        Some(Ty::Named(id)) if matches!(api.ty(*id).kind, TypeKind::Struct { .. }) => "sdkgen_runtime::response::error_body".into(),
        _ => "sdkgen_runtime::response::any_error_body".into(),
    }
}

fn status_enum(
    api: &Api,
    name: &str,
    responses: &[crate::model::Response],
    decoded: &[(String, &'static str)],
    api_error: impl Fn(&crate::model::Response) -> bool,
) -> StatusEnumView {
    let mut namer = Namer::new();
    let variants: Vec<StatusVariantView> = responses
        .iter()
        .zip(decoded)
        .map(|(r, (ty, kind))| {
            let pattern = status_pattern(&r.status);
            let what = if pattern == "_" { "Any other status".to_string() } else { format!("HTTP {}", r.status) };
            let mut docs = vec![lit(&format!(" {what}."))];
            if let Some(d) = &r.description {
                docs.push(lit(""));
                docs.extend(doc_lines(d));
            }
            StatusVariantView {
                name: namer.unique(status_variant(&r.status)),
                payload: (*kind != "unit").then(|| ty.clone()),
                kind: kind.to_string(),
                pattern,
                docs,
                api_error: *kind == "json" && api_error(r),
                decode: String::new(),
                decoder: error_decoder(r, api),
            }
        })
        .collect();
    StatusEnumView {
        name: name.to_string(),
        has_fallback: variants.iter().any(|v| v.pattern == "_"),
        all_api_error: variants.iter().all(|v| v.api_error),
        any_api_error: variants.iter().any(|v| v.api_error),
        variants,
    }
}

/// `serde_json::Value` constant → a `sdkgen_runtime::response::Pinned` expression.
fn pinned_expr(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Bool(b) => format!("sdkgen_runtime::response::Pinned::Bool({b})"),
        serde_json::Value::Number(n) if n.is_i64() => format!("sdkgen_runtime::response::Pinned::Int({n})"),
        serde_json::Value::String(s) => format!("sdkgen_runtime::response::Pinned::Str({})", lit(s)),
        other => format!("sdkgen_runtime::response::Pinned::Str({})", lit(&other.to_string())),
    }
}

/// A form field sent as one JSON text (`blocks=[{"type":"section"}]`): the
/// setter takes the typed value, serialized with `serde_json` when sent.
fn send_as_json_text(view: &mut ParamView) {
    let method = if view.location == "multipart" { "text_part" } else { "form" };
    let push = |value: &str| {
        format!(
            "parts.{method}({}, serde_json::to_string(&{value}).map_err(|e| crate::Error::InvalidRequest {{ message: e.to_string() }})?);",
            view.wire_lit
        )
    };
    view.push_required = push(&format!("self.{}", view.field));
    view.push_optional = push("value");
    view.encode = "json".into();
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

#[allow(clippy::too_many_arguments)]
fn param_view(
    ty: Ty,
    field: String,
    wire_lit: String,
    location: &str,
    explode: bool,
    style: &str,
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
        Ty::Binary => "file",
        Ty::String | Ty::Integer(_) | Ty::Number | Ty::Boolean => "string",
        Ty::Named(id) => match &types.api.ty(*id).kind {
            TypeKind::Enum { .. } => "string",
            TypeKind::Alias(Ty::String | Ty::Integer(_) | Ty::Number | Ty::Boolean) => "string",
            _ => "json",
        },
        _ => "json",
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
            "file" => v.to_string(),
            "json" => format!("sdkgen_runtime::params::json_param(&{v})"),
            _ if elem_ty == "String" => v.to_string(),
            _ if matches!(elem, Ty::Named(_)) && types.is_string(&elem) => v.to_string(),
            _ if matches!(elem, Ty::Named(id) if matches!(types.api.ty(id).kind, TypeKind::Enum { .. })) => format!("String::from({v})"),
            _ => format!("{v}.to_string()"),
        }
    };
    let method = match (location, encode) {
        ("query", _) => "query",
        ("header", _) => "header",
        ("cookie", _) => "cookie",
        ("form", _) => "form",
        ("multipart", "file") => "file_part",
        ("multipart", _) => "text_part",
        ("body", _) => "body",
        _ => "query",
    };
    let style_expr = format!("sdkgen_runtime::params::Style::{}", pascal(style));
    // Objects, and styles other than comma-joined or repeated values, go through
    // the runtime's styler (which works on the value's JSON form).
    let structured = encode == "json";
    let styled_query =
        matches!(location, "query" | "cookie") && (structured || matches!(style, "spaceDelimited" | "pipeDelimited" | "deepObject"));
    let push = |value: &str| -> String {
        if styled_query {
            return format!(
                "for (name, value) in sdkgen_runtime::params::styled({wire_lit}, {style_expr}, {explode}, &{value}) {{ parts.{method}(name, value); }}"
            );
        }
        if location == "header" && structured {
            return format!("parts.header({wire_lit}, sdkgen_runtime::params::header_value({explode}, &{value}));");
        }
        if location == "body" {
            return match (&ty, encode) {
                (Ty::Binary, _) => format!("parts.bytes({value});"),
                (Ty::String, _) => format!("parts.text({value});"),
                _ => format!("parts.json(&{value}).map_err(|message| crate::Error::InvalidRequest {{ message }})?;"),
            };
        }
        if is_array {
            if explode || location == "multipart" {
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
    let path_expr = if structured || is_array || matches!(style, "label" | "matrix") {
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
        location: location.into(),
        ty: stored,
        arg_ty,
        arg,
        convert,
        convert_value,
        setter: String::new(),
        encode: encode.into(),
        is_array,
        explode,
        docs: description.map(doc_lines).unwrap_or_default(),
        deprecated,
    }
}

/// `features` is the feature of each type (see [`super::features::model_gates`]),
/// the same for every type of one module.
fn model_files(api: &Api, names: &TypeNames, types: &Types<'_>, features: &[Option<String>]) -> Vec<ModelFileView> {
    let boxed = boxed_fields(api);
    let mut files: Vec<ModelFileView> = Vec::new();
    let mut index: HashMap<&str, usize> = HashMap::new();
    // Which operation's error body each type is, to give it `code()`/`message()`.
    let mut error_of: HashMap<usize, &crate::model::Response> = HashMap::new();
    // Enums of error codes, to give them `is_<code>()`.
    let mut error_code_enums: std::collections::HashSet<usize> = std::collections::HashSet::new();
    for op in &api.operations {
        for e in &op.errors {
            if let Some(Ty::Named(id)) = &e.ty {
                error_of.entry(id.0).or_insert(e);
            }
            if let Some(TypeId(id)) = e.error_code.as_ref().and_then(|c| c.enum_type) {
                error_code_enums.insert(id);
            }
        }
    }
    for (i, def) in api.types.iter().enumerate() {
        let module = names.modules[i].as_str();
        let here = Some(module);
        let name = names.names[i].clone();
        let mut docs = def.description.as_deref().map(doc_lines).unwrap_or_default();
        if docs.is_empty() {
            docs.push(lit(&format!(" `{}`.", def.name.join(".").replace('`', "'"))));
        }
        let mut view = TypeView {
            kind: String::new(),
            name,
            docs,
            fields: Vec::new(),
            extra_field: String::new(),
            variants: Vec::new(),
            other_variant: String::new(),
            alias: String::new(),
            api_error: None,
            union: None,
            is_helpers: false,
            build: None,
        };
        match &def.kind {
            TypeKind::Struct { fields } => {
                view.kind = "struct".into();
                let mut namer = Namer::new();
                for (fi, f) in fields.iter().enumerate() {
                    let ident = namer.unique(snake(&f.name));
                    let mut ty = types.rust(&f.ty, here);
                    if boxed[i][fi] {
                        ty = match &f.ty {
                            Ty::Nullable(inner) => format!("Option<Box<{}>>", types.rust(inner, here)),
                            _ => format!("Box<{ty}>"),
                        };
                    }
                    let mut serde = Vec::new();
                    if ident != f.name {
                        serde.push(format!("rename = {}", lit(&f.name)));
                    }
                    let is_option = ty.starts_with("Option<");
                    if !f.required && !is_option {
                        ty = format!("Option<{ty}>");
                    }
                    let inner = match &f.ty {
                        Ty::Nullable(t) => t.as_ref(),
                        t => t,
                    };
                    let decoder = types.scalar_decoder(inner).filter(|_| !boxed[i][fi]);
                    // Lenient: real responses omit documented-required fields.
                    serde.push("default".into());
                    if ty.starts_with("Option<") {
                        serde.push("skip_serializing_if = \"Option::is_none\"".into());
                        if let Some(d) = decoder {
                            serde.push(format!("deserialize_with = \"sdkgen_runtime::de::opt_{d}\""));
                        }
                    } else if let Some(d) = decoder {
                        serde.push(format!("deserialize_with = \"sdkgen_runtime::de::{d}\""));
                    }
                    let mut fdocs = f.description.as_deref().map(doc_lines).unwrap_or_default();
                    if fdocs.is_empty() {
                        fdocs.push(lit(&format!(" `{}`.", f.name.replace('`', "'"))));
                    }
                    view.fields.push(FieldView { name: ident, serde, ty, docs: fdocs, deprecated: f.deprecated });
                }
                view.extra_field = namer.unique("additional_properties".into());
                view.build = Some(struct_build(&view, fields, &boxed[i], types, here));
                if let Some(response) = error_of.get(&i) {
                    view.api_error = Some(api_error_view(api, TypeId(i), response, fields, &view.fields));
                }
            }
            TypeKind::Enum { values } => {
                view.kind = "enum".into();
                let sanitized: Vec<String> = values.iter().map(|v| pascal(v)).collect();
                let mut namer = Namer::with_reserved([CATCH_ALL]);
                view.is_helpers = error_code_enums.contains(&i);
                let mut methods = Namer::with_reserved(["as_str"]);
                for (v, s) in values.iter().zip(sanitized) {
                    // Escaped like a Rust string, so newlines and backticks stay on one line.
                    let shown = v.escape_debug().to_string().replace('`', "\\u{60}");
                    let (is_method, is_doc) = if view.is_helpers {
                        (methods.unique(is_method(&s)), lit(&format!(" Whether the code is `{shown}`.")))
                    } else {
                        (String::new(), String::new())
                    };
                    view.variants.push(VariantView {
                        name: namer.unique(s),
                        wire_lit: lit(v),
                        docs: vec![lit(&format!(" `{shown}`"))],
                        is_method,
                        is_doc,
                    });
                }
                view.other_variant = CATCH_ALL.into();
            }
            TypeKind::Alias(ty) => {
                view.kind = "alias".into();
                view.alias = types.rust(ty, here);
            }
            TypeKind::Union { variants, tag } => {
                view.kind = "union".into();
                let mut namer = Namer::with_reserved([CATCH_ALL]);
                let mut out: Vec<UnionVariantView> = Vec::new();
                for (vi, v) in variants.iter().enumerate() {
                    let mut ty = types.rust(&v.ty, here);
                    if boxed[i][vi] {
                        ty = format!("Box<{ty}>");
                    }
                    let mut vdocs = vec![lit(&format!(" `{}`.", v.name.join(".").replace('`', "'")))];
                    if let (Some(tag), false) = (tag, v.tag_values.is_empty()) {
                        let values: Vec<String> =
                            v.tag_values.iter().map(|t| format!("`{}`", t.escape_debug().to_string().replace('`', "\\u{60}"))).collect();
                        vdocs.push(lit(""));
                        vdocs.push(lit(&format!(" Selected by `{}` = {}.", tag.replace('`', "'"), values.join(" or "))));
                    }
                    out.push(UnionVariantView {
                        name: namer.unique(pascal(&v.name.join("_"))),
                        docs: vdocs,
                        tag_pattern: tag
                            .as_ref()
                            .filter(|_| !v.tag_values.is_empty())
                            .map(|_| v.tag_values.iter().map(|t| lit(t)).collect::<Vec<_>>().join(" | ")),
                        tag_lit: tag.as_ref().and_then(|_| v.tag_values.first()).map(|t| lit(t)),
                        shape: types.shape(&v.ty),
                        from: false,
                        ty,
                    });
                }
                // `From` for payload types no other alternative shares (aliases
                // resolved: two names for `String` are one type).
                let resolved: Vec<String> = variants
                    .iter()
                    .zip(&out)
                    .map(|(v, o)| if o.ty.starts_with("Box<") { o.ty.clone() } else { types.rust(&types.resolve(&v.ty), here) })
                    .collect();
                for vi in 0..out.len() {
                    let unique = resolved.iter().filter(|r| **r == resolved[vi]).count() == 1;
                    out[vi].from = unique && resolved[vi] != "serde_json::Value";
                }
                view.union = Some(UnionView { variants: out, tag_lit: tag.as_deref().map(lit), other: CATCH_ALL.into() });
            }
        }
        let file = *index.entry(module).or_insert_with(|| {
            let docs = match &def.owner {
                Owner::Component(n) => vec![lit(&format!(" The `{}` schema.", n.replace('`', "'")))],
                Owner::Operation(o) => vec![lit(&format!(" Types of the `{}` operation.", api.operations[*o].id.replace('`', "'")))],
            };
            files.push(ModelFileView { module: module.to_string(), docs, types: Vec::new(), feature: features[i].clone() });
            files.len() - 1
        });
        files[file].types.push(view);
    }
    files
}

/// `new()` and the `with_*` setters of a struct whose fields `view` already
/// names (`fields` are the model's, `boxed` says which are boxed).
fn struct_build(view: &TypeView, fields: &[crate::model::Field], boxed: &[bool], types: &Types<'_>, here: Option<&str>) -> StructBuildView {
    // Methods never take a field's name either (`m.with_x` the field beside
    // `m.with_x()` the setter of `x` would read as one thing).
    let mut methods =
        Namer::with_reserved(["new"].into_iter().chain(view.fields.iter().map(|f| f.name.as_str())).chain([view.extra_field.as_str()]));
    let mut args = Namer::with_reserved(["self"]);
    let mut required = Vec::new();
    let mut optional = Vec::new();
    for ((f, v), &is_boxed) in fields.iter().zip(&view.fields).zip(boxed) {
        let (nullable, inner) = match &f.ty {
            Ty::Nullable(inner) => (true, inner.as_ref()),
            other => (false, other),
        };
        let inner_ty = types.rust(inner, here);
        let docs = vec![lit(&format!(" Sets [`{}`](Self::{}).", v.name, v.name))];
        // Clippy rejects placeholder names (`foo`) as bindings, though not as fields.
        let arg_base = if matches!(v.name.as_str(), "foo" | "baz" | "quux") { format!("{}_", v.name) } else { v.name.clone() };
        let string = types.is_string(inner) && !is_boxed;
        if f.required {
            let arg = args.unique(arg_base);
            let (arg_ty, value) = match (nullable, is_boxed) {
                (true, true) => (format!("Option<{inner_ty}>"), format!("{arg}.map(Box::new)")),
                (true, false) => (format!("Option<{inner_ty}>"), arg.clone()),
                (false, true) => (inner_ty, format!("Box::new({arg})")),
                (false, false) if string => ("impl Into<String>".to_string(), format!("{arg}.into()")),
                (false, false) => (inner_ty, arg.clone()),
            };
            required.push(BuildArgView {
                field: v.name.clone(),
                method: String::new(),
                arg,
                arg_ty,
                value,
                docs,
                deprecated: v.deprecated,
            });
        } else {
            let method = methods.unique(format!("with_{}", v.name.trim_end_matches('_')));
            let (arg_ty, value) = if is_boxed {
                (inner_ty, "Some(Box::new(value))".to_string())
            } else if string {
                ("impl Into<String>".to_string(), "Some(value.into())".to_string())
            } else {
                (inner_ty, "Some(value)".to_string())
            };
            optional.push(BuildArgView {
                field: v.name.clone(),
                method,
                arg: "value".into(),
                arg_ty,
                value,
                docs,
                deprecated: v.deprecated,
            });
        }
    }
    let name = &view.name;
    let new_docs = if required.is_empty() {
        vec![lit(&format!(" An empty [`{name}`]: every field at its default; set them with the `with_*` methods."))]
    } else {
        let list: Vec<String> = required.iter().map(|a| format!("[`{}`](Self::{})", a.field, a.field)).collect();
        vec![lit(&format!(" A [`{name}`] with its required fields ({}); set the others with the `with_*` methods.", list.join(", ")))]
    };
    StructBuildView {
        new_docs,
        many_args: required.len() > 7,
        new_deprecated: required.iter().any(|a| a.deprecated),
        required,
        optional,
        extra_setter: methods.unique("with_additional_property".into()),
    }
}

/// `is_<code>()` for a variant; a code that already reads as a question
/// (`is_archived`) keeps its name.
fn is_method(variant: &str) -> String {
    let name = snake(variant);
    let name = name.trim_start_matches("r#");
    if name.starts_with("is_") { name.to_string() } else { format!("is_{name}") }
}

/// Pagination as the settings describe it: the operation takes the style's
/// parameter (optionally) and its success body has the items (or, for the
/// cursor style, the next cursor).
fn pagination_view(op: &Operation, api: &Api, optional: &[ParamView], types: &Types<'_>) -> Option<PaginationView> {
    use crate::settings::PaginationStyle;
    let settings = types.pagination?;
    let param_lit = lit(settings.param().ok()?);
    let param = optional.iter().find(|p| p.wire_lit == param_lit)?;
    let [success] = op.successes.as_slice() else { return None };
    let body = success.ty.as_ref()?;
    // The items: a named property, the one required array, or the body itself.
    let (items_field, item_ty) = match body {
        Ty::Array(item) => (Some(String::new()), types.rust(item, None)),
        Ty::Named(root) => match &api.ty(*root).kind {
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
                        Ty::Array(item) => (Some(format!(".{}", idents[*only])), types.rust(item, None)),
                        _ => (None, String::new()),
                    },
                    _ => (None, String::new()),
                }
            }
            _ => (None, String::new()),
        },
        _ => (None, String::new()),
    };
    let field = &param.field;
    let setter = &param.setter;
    let count = |items: &str| format!("let count = page{items}.len(); if count == 0 {{ return None; }}");
    let (next_body, docs) = match settings.style {
        PaginationStyle::Cursor => {
            if param.ty != "String" {
                return None;
            }
            let Ty::Named(root) = body else { return None };
            let TypeKind::Struct { fields } = &api.ty(*root).kind else { return None };
            let next_cursor = settings.next_cursor.as_deref()?;
            let path = crate::model::property_path(next_cursor);
            let (idents, _) = struct_idents(fields);
            let cursor = match path_expr_from(api, "page", *root, &path) {
                Some(expr) => format!("sdkgen_runtime::pagination::non_empty({expr})"),
                // Through a union (Slack's objs_response_metadata is one of three
                // shapes): the field holding it is read as JSON; it is small.
                None => {
                    let (first, rest) = path.split_first()?;
                    let fi = fields.iter().position(|f| &f.name == first)?;
                    let pointer: String = rest.iter().map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1"))).collect();
                    format!(
                        "serde_json::to_value(&page.{}).ok().and_then(|v| sdkgen_runtime::pagination::non_empty(v.pointer({}).and_then(|c| c.as_str())))",
                        idents[fi],
                        lit(&pointer)
                    )
                }
            };
            (
                format!("let cursor = {cursor}?; Some(request.{setter}(Some(cursor)))"),
                format!(
                    "following `{next_cursor}` until it is empty; starts from the cursor set on this builder, so a saved cursor resumes a walk."
                ),
            )
        }
        PaginationStyle::Offset => {
            let items = items_field.as_deref()?;
            let ty = &param.ty;
            (
                format!(
                    "{} let offset = request.{field}.unwrap_or(0).checked_add({ty}::try_from(count).ok()?)?; Some(request.{setter}(Some(offset)))",
                    count(items)
                ),
                format!(
                    "moving `{}` on by the items read until a page is empty; starts from the offset set on this builder.",
                    settings.param().ok()?
                ),
            )
        }
        PaginationStyle::Page => {
            let items = items_field.as_deref()?;
            let first = settings.first_page.unwrap_or(1);
            (
                format!(
                    "{} let number = request.{field}.unwrap_or({first}).checked_add(1)?; Some(request.{setter}(Some(number)))",
                    count(items)
                ),
                format!(
                    "counting `{}` up until a page is empty; starts from the page set on this builder (else {first}).",
                    settings.param().ok()?
                ),
            )
        }
        PaginationStyle::Link => (
            format!(
                "let next = sdkgen_runtime::pagination::link_next(&page.headers, {param_lit})?; Some(request.{setter}(Some(next.parse().ok()?)))"
            ),
            format!(
                "following the `Link` header's `next` URL (its `{}`) until there is none; starts from the builder as it is.",
                settings.param().ok()?
            ),
        ),
    };
    let with_headers = settings.style == PaginationStyle::Link;
    if !matches!(param.ty.as_str(), "String" | "i64" | "i32") {
        return None;
    }
    let docs = vec![lit(&format!(" Every page, {docs}"))];
    let items_doc = match items_field.as_deref() {
        Some("") | None => lit(" The items of every page, one by one, fetching pages as needed."),
        Some(field) => lit(&format!(
            " The items of every page (`{}`), one by one, fetching pages as needed.",
            field.trim_start_matches('.').trim_start_matches("r#")
        )),
    };
    Some(PaginationView { next_body, with_headers, items_field, items_doc, item_ty, docs })
}

fn api_error_view(
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
fn struct_idents(fields: &[crate::model::Field]) -> (Vec<String>, String) {
    let mut namer = Namer::new();
    let idents = fields.iter().map(|f| namer.unique(snake(&f.name))).collect();
    (idents, namer.unique("additional_properties".into()))
}

/// An `Option<&str>` expression reading `path` from `self` (a `root` struct):
/// through declared fields while the path follows them, then through the
/// catch-all map as JSON (a code the description does not declare, e.g.
/// Slack's `error` beside a schema that lists only `ok`). `None` when the
/// path ends at something that is not a string.
fn path_expr(api: &Api, root: TypeId, path: &[String]) -> Option<String> {
    path_expr_from(api, "self", root, path)
}

/// [`path_expr`] over the value `place` (of type `root`) instead of `self`.
fn path_expr_from(api: &Api, place: &str, root: TypeId, path: &[String]) -> Option<String> {
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

/// The test of `op`'s examples, in the crate's `tests/` folder: it names the
/// crate's items by the library name `lib`, and is compiled with `feature`.
fn example_test(
    op: &Operation,
    view: &OperationView,
    types: &Types<'_>,
    namer: &mut Namer,
    lib: &str,
    feature: &str,
) -> Option<ExampleTestView> {
    // Type expressions are written from inside the crate (`crate::models::X`);
    // the test is another crate.
    let outside = |expr: &str| expr.replace("crate::", &format!("{lib}::"));
    let examples = |responses: &[crate::model::Response], decoding: &dyn Fn(&crate::model::Response) -> (String, &'static str)| {
        responses
            .iter()
            .map(|r| (r, decoding(r)))
            .filter(|(_, (_, kind))| *kind == "json")
            .flat_map(|(r, (ty, _))| r.examples.iter().map(move |(_, v)| ExampleView { ty: outside(&ty), body: lit(&v.to_string()) }))
            .collect::<Vec<_>>()
    };
    let success = examples(&op.successes, &|r| response_decoding(r, types));
    let errors = examples(&op.errors, &|r| error_payload(r, types));
    if success.is_empty() && errors.is_empty() {
        return None;
    }
    // A per-operation error-body enum lives in its controller's module; the
    // test reaches it through the re-export in `controllers`.
    let (error_ty, error_decoder) = match &view.error_enum {
        Some(e) => (format!("{lib}::controllers::{}", e.name), format!("{lib}::controllers::{}::decode", e.name)),
        None => (outside(&view.error_ty), view.error_decoder.clone()),
    };
    Some(ExampleTestView {
        test: namer.unique(snake(&format!("{}_examples_decode", op.id))),
        error_ty,
        error_decoder,
        discriminator: view
            .discriminator
            .as_ref()
            .map(|d| DiscriminatorView { property_lit: d.property_lit.clone(), error_expr: d.error_expr.clone() }),
        success,
        errors,
        feature: feature.to_string(),
    })
}

#[allow(clippy::too_many_arguments)]
fn oauth_view(
    s: &crate::model::SecurityScheme,
    flow: &crate::model::OAuthFlow,
    settings: &std::collections::BTreeMap<String, crate::settings::SchemeSettings>,
    client: &str,
    variant: &str,
    module_namer: &mut Namer,
    accessor_namer: &mut Namer,
) -> OAuthView {
    use heck::ToShoutySnakeCase;
    let cfg = settings.get(&s.name).cloned().unwrap_or_default();
    let (flow_name, flow_title) = match flow.kind.as_str() {
        "authorizationCode" => ("authorization_code", "OAuth 2 authorization code grant"),
        "clientCredentials" => ("client_credentials", "OAuth 2 client credentials grant"),
        "password" => ("password", "OAuth 2 resource owner password grant"),
        _ => ("implicit", "OAuth 2 implicit grant"),
    };
    let base = type_name(&s.name);
    let module = module_namer.unique(module_name(&s.name));
    let accessor = accessor_namer.unique(snake(&s.name));
    // `templates/oauth_scheme.rs.tera` names the catch-all `Other` (= CATCH_ALL).
    let mut scope_namer = Namer::with_reserved([CATCH_ALL]);
    let scopes = flow
        .scopes
        .iter()
        .map(|(value, description)| {
            let description = if description.trim().is_empty() { value.clone() } else { description.trim().to_string() };
            let one_line = description.replace(['\n', '\r'], " ").replace('|', "\\|");
            ScopeView {
                variant: scope_namer.unique(pascal(value)),
                value_lit: lit(value),
                description_lit: lit(&description),
                doc_lit: lit(&format!(" `{}`: {}", value.replace('`', "'"), one_line.replace('`', "'"))),
                table_lit: lit(&format!(" | `{}` | {} |", value.replace('`', "'"), one_line.replace('`', "'"))),
                value: value.clone(),
                description: one_line,
            }
        })
        .collect();
    let prefix = s.name.to_shouty_snake_case();
    let env = |given: &Option<String>, suffix: &str| given.clone().unwrap_or_else(|| format!("{prefix}_{suffix}"));
    let mut env_vars = vec![
        EnvVarView {
            var: env(&s.env_var, "TOKEN"),
            var_lit: lit(&env(&s.env_var, "TOKEN")),
            assign: "credentials.token = Some(OAuthToken::bearer(value));".into(),
            what: "an access token".into(),
        },
        EnvVarView {
            var: env(&cfg.client_id_env, "CLIENT_ID"),
            var_lit: lit(&env(&cfg.client_id_env, "CLIENT_ID")),
            assign: "credentials.client_id = Some(ClientId::new(value));".into(),
            what: "the client id".into(),
        },
        EnvVarView {
            var: env(&cfg.client_secret_env, "CLIENT_SECRET"),
            var_lit: lit(&env(&cfg.client_secret_env, "CLIENT_SECRET")),
            assign: "credentials.client_secret = Some(ClientSecret::new(value));".into(),
            what: "the client secret".into(),
        },
    ];
    if flow_name == "authorization_code" {
        env_vars.push(EnvVarView {
            var: env(&cfg.redirect_uri_env, "REDIRECT_URI"),
            var_lit: lit(&env(&cfg.redirect_uri_env, "REDIRECT_URI")),
            assign: "credentials.redirect_uri = Some(value);".into(),
            what: "the redirect URI".into(),
        });
    }
    let authorization_url = cfg.authorization_url.clone().or_else(|| flow.authorization_url.clone());
    OAuthView {
        flow: flow_name.into(),
        flow_title: flow_title.into(),
        credentials: format!("{base}Credentials"),
        manager: format!("{base}Manager"),
        scope_enum: format!("{base}Scope"),
        scopes,
        authorization_url_lit: Some(lit(authorization_url.as_deref().unwrap_or(""))),
        token_url_lit: flow.token_url.as_deref().map(lit),
        scope_separator_lit: lit(cfg.scope_separator.as_deref().unwrap_or(" ")),
        token_auth: if cfg.token_auth.as_deref() == Some("post") { "Post".into() } else { "Basic".into() },
        env_vars,
        module_doc_lit: lit(&format!(" The `{}` security scheme: {flow_title}.", s.name.replace('`', "'"))),
        manager_reach_lit: lit(&format!(" [`{client}::{accessor}`](crate::{client}::{accessor}).")),
        guide_link_lit: lit(&format!(
            " A step-by-step guide: [`guides::{module}`](crate::guides::{module}). Scheme: [`Scheme::{variant}`](crate::Scheme::{variant})."
        )),
        guide: module.clone(),
        scopes_doc_lit: lit(&format!(" The scopes of the `{}` scheme.", s.name.replace('`', "'"))),
        module,
        accessor,
    }
}
