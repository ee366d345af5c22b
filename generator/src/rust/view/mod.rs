//! The data templates render: every name final, every string already a literal.
//!
//! [`plan`] builds the [`CrateView`] from the model; each concern lives in a
//! private submodule, its views re-exported here: `types` (model type names
//! and Rust type expressions), `schemes` (security schemes, OAuth),
//! `operations` (controller methods and their request builders),
//! `parameters`, `responses` (success and error decoding, status enums),
//! `pagination`, `models` (model files), `api_errors` (`code()`/`message()`
//! of error bodies) and `examples` (example-decoding tests).

mod api_errors;
mod examples;
mod models;
mod operations;
mod pagination;
mod parameters;
mod responses;
mod schemes;
mod types;

use serde::Serialize;

use super::docs::{doc_lines, lit};
use super::sanitize::{Namer, module_name, package_name, pascal, snake, type_name};
use super::tokens::{ArgType, Code};
use crate::diag::Diagnostic;
use crate::model::Api;
use crate::settings::{Origin, SdkJob};

pub use api_errors::ApiErrorView;
pub use examples::{ExampleTestView, ExampleView};
pub use models::{
    BuildArgView, FieldView, ModelFileView, StructBuildView, TypeView, TypeViewKind, UnionVariantView, UnionView, VariantView,
};
pub use operations::{DiscriminatorView, MediaTypesView, OperationView, PathArgView, RequestBodyKind};
pub use pagination::PaginationView;
pub use parameters::{ParamEncode, ParamView, ParamViewLocation};
pub use responses::{BodyDecoding, ResponseKind, StatusEnumView, StatusVariantView};
pub use schemes::{EnvVarView, OAuthView, SchemeView, SchemeViewKind, ScopeView};

use examples::example_test;
use models::model_files;
use operations::{OperationNames, builder_name, operation_view};
use schemes::scheme_views;
use types::{TypeNames, Types};

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
    pub any_controller_cfg: Code,
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

/// The variant every generated enum with a catch-all (string enums, unions,
/// OAuth scopes) keeps an undocumented value in, raw: always this name, so
/// `Enum::Other(raw)` reads the same everywhere. A documented value or
/// alternative whose name would be the same takes the next free name
/// (`Other2`) instead.
pub const CATCH_ALL: &str = "Other";

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
    let (schemes, scheme_variant) = scheme_views(api, &settings.auth.schemes, &client, &mut accessor_namer);

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
            uses_multipart |= view.body == RequestBodyKind::Multipart;
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

    let gates = super::features::model_gates(api, &names.modules, &names.users);
    let feature_of = |t: usize| tag_features.get(t).map_or(super::features::SCHEMAS_FEATURE, String::as_str).to_string();
    let uses_schemas_feature = gates.iter().flatten().any(|tags| tags.contains(&tag_features.len()));
    let type_features: Vec<Option<Code>> = gates
        .into_iter()
        .map(|tags| {
            tags.map(|tags| {
                let features: Vec<String> = tags.iter().map(|&t| feature_of(t)).collect();
                super::features::cfg(super::features::CfgOp::Any, &features)
            })
        })
        .collect();
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
        .chain(uses_schemas_feature.then(|| FeatureView {
            name: super::features::SCHEMAS_FEATURE.to_string(),
            enables: Vec::new(),
            comment: "Models of the description that no operation uses (e.g. webhook payloads).".to_string(),
        }))
        .collect();
    let any_controller_cfg =
        super::features::cfg(super::features::CfgOp::Any, &controllers.iter().map(|c| c.feature.clone()).collect::<Vec<_>>());

    let mut crate_docs = vec![lit(&format!(" Client for {}.", api.title))];
    if let Some(d) = &api.description {
        crate_docs.push(lit(""));
        crate_docs.extend(doc_lines(d));
    }
    let env_example = schemes.iter().find_map(|s| s.env_var.clone().map(|var| EnvExample { var, setter: s.field.clone() }));

    let example_feature = controllers
        .iter()
        .find(|c| c.operations.iter().any(|o| !o.required.is_empty() && o.required.iter().all(|p| p.arg_ty == ArgType::IntoString)))
        .map(|c| c.feature.clone());
    let example_call = controllers.iter().find_map(|c| {
        c.operations.iter().find(|o| !o.required.is_empty() && o.required.iter().all(|p| p.arg_ty == ArgType::IntoString)).map(|o| {
            let args: Vec<String> = o.required.iter().map(|p| lit(&p.field)).collect();
            format!("client.{}().{}({})", c.accessor, o.method, args.join(", "))
        })
    });
    let has_oauth = schemes.iter().any(|s| s.oauth.is_some());
    let uses_json = controllers.iter().flat_map(|c| &c.operations).any(|o| o.response_kind == ResponseKind::Json);
    let has_auth_code = schemes.iter().any(|s| s.oauth.as_ref().is_some_and(|o| o.flow == crate::model::OAuthFlowKind::AuthorizationCode));
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
