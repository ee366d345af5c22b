//! Security schemes: how each is carried ([`SchemeView`]), and for OAuth 2 the
//! token flow, scopes and environment variables ([`OAuthView`]).

use std::collections::HashMap;

use proc_macro2::TokenStream;
use quote::quote;
use serde::Serialize;

use super::CATCH_ALL;
use crate::model::{Api, ApiKeyLocation, OAuthFlowKind, SchemeKind};
use crate::rust::docs::{doc_paragraphs, lit};
use crate::rust::sanitize::{Namer, module_name, pascal, snake, type_name};
use crate::rust::tokens::Code;

/// How a request carries a scheme's credential: what the templates switch on
/// (`s.kind == "bearer"`, …), so each variant serialises to that string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SchemeViewKind {
    /// `Authorization: Bearer <token>` (bearer, OpenID Connect, OAuth 2 without flows).
    #[serde(rename = "bearer")]
    Bearer,
    /// An API key in a header, query parameter or cookie.
    #[serde(rename = "api_key")]
    ApiKey,
    /// HTTP basic.
    #[serde(rename = "basic")]
    Basic,
    /// `Authorization: <Scheme> <credentials>` (other HTTP schemes).
    #[serde(rename = "authorization")]
    Authorization,
    /// OAuth 2 with a token flow (see [`OAuthView`]).
    #[serde(rename = "oauth2")]
    OAuth2,
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
    /// How a request carries the credential.
    pub kind: SchemeViewKind,
    /// Where an API key goes.
    pub location: Option<ApiKeyLocation>,
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
    /// The flow's grant (`authorization_code`, `client_credentials`,
    /// `password` or `implicit` in the templates).
    pub flow: OAuthFlowKind,
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
    pub token_auth: Code,
    /// Environment variables read by `from_env`.
    pub env_vars: Vec<EnvVarView>,
    /// The variable holding an access token.
    pub token_var: String,
    /// The variable holding the client id.
    pub client_id_var: String,
    /// The variable holding the client secret.
    pub client_secret_var: String,
    /// The variable holding the redirect URI (authorization-code flow).
    pub redirect_uri_var: Option<String>,
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
    pub assign: Code,
}

/// The security schemes' views, in the description's order, and the `Scheme`
/// variant of each scheme by name. `accessor_namer` names the client's
/// accessors: an OAuth scheme's token manager takes one (before the
/// controllers do).
pub(super) fn scheme_views<'a>(
    api: &'a Api,
    settings: &std::collections::BTreeMap<String, crate::settings::SchemeSettings>,
    client: &str,
    accessor_namer: &mut Namer,
) -> (Vec<SchemeView>, HashMap<&'a str, String>) {
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
            SchemeKind::ApiKey { location, param } => (SchemeViewKind::ApiKey, Some(*location), Some(lit(param))),
            SchemeKind::Basic => (SchemeViewKind::Basic, None, None),
            SchemeKind::OAuth2 { flows } if !flows.is_empty() => (SchemeViewKind::OAuth2, None, None),
            SchemeKind::Bearer { .. } | SchemeKind::OAuth2 { .. } | SchemeKind::OpenIdConnect { .. } => {
                (SchemeViewKind::Bearer, None, None)
            }
            SchemeKind::OtherHttp { scheme } => (SchemeViewKind::Authorization, None, Some(lit(&pascal(scheme)))),
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
                Some(oauth_view(s, &flows[0], settings, client, &variant, &mut oauth_namer, accessor_namer))
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
            kind,
            location,
            param_lit: param,
            env_lit: s.env_var.as_deref().map(lit),
            env_doc_lit: s.env_var.as_deref().map(|v| lit(&format!(" (`{}` for `{}`)", v.replace('`', "'"), s.name.replace('`', "'")))),
            env_var: s.env_var.clone(),
            docs: doc_paragraphs(parts.iter().map(String::as_str)),
        });
    }
    (schemes, scheme_variant)
}

/// The token manager of OAuth 2 scheme `s` for its first `flow`, with the
/// scheme's `settings`.
#[allow(clippy::too_many_arguments)]
pub(super) fn oauth_view(
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
    let flow_title = match flow.kind {
        OAuthFlowKind::AuthorizationCode => "OAuth 2 authorization code grant",
        OAuthFlowKind::ClientCredentials => "OAuth 2 client credentials grant",
        OAuthFlowKind::Password => "OAuth 2 resource owner password grant",
        OAuthFlowKind::Implicit => "OAuth 2 implicit grant",
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
    let var = |name: String, assign: TokenStream| EnvVarView { var_lit: lit(&name), var: name, assign: assign.into() };
    let token_var = env(&s.env_var, "TOKEN");
    let client_id_var = env(&cfg.client_id_env, "CLIENT_ID");
    let client_secret_var = env(&cfg.client_secret_env, "CLIENT_SECRET");
    let mut env_vars = vec![
        var(token_var.clone(), quote!(credentials.token = Some(OAuthToken::bearer(value));)),
        var(client_id_var.clone(), quote!(credentials.client_id = Some(ClientId::new(value));)),
        var(client_secret_var.clone(), quote!(credentials.client_secret = Some(ClientSecret::new(value));)),
    ];
    let needs_redirect_uri = match flow.kind {
        OAuthFlowKind::AuthorizationCode => true,
        OAuthFlowKind::ClientCredentials | OAuthFlowKind::Password | OAuthFlowKind::Implicit => false,
    };
    let redirect_uri_var = needs_redirect_uri.then(|| env(&cfg.redirect_uri_env, "REDIRECT_URI"));
    if let Some(name) = &redirect_uri_var {
        env_vars.push(var(name.clone(), quote!(credentials.redirect_uri = Some(value);)));
    }
    let authorization_url = cfg.authorization_url.clone().or_else(|| flow.authorization_url.clone());
    OAuthView {
        flow: flow.kind,
        flow_title: flow_title.into(),
        credentials: format!("{base}Credentials"),
        manager: format!("{base}Manager"),
        scope_enum: format!("{base}Scope"),
        scopes,
        authorization_url_lit: Some(lit(authorization_url.as_deref().unwrap_or(""))),
        token_url_lit: flow.token_url.as_deref().map(lit),
        scope_separator_lit: lit(cfg.scope_separator.as_deref().unwrap_or(" ")),
        token_auth: match cfg.token_auth.unwrap_or_default() {
            crate::settings::TokenAuth::Basic => quote!(Basic).into(),
            crate::settings::TokenAuth::Post => quote!(Post).into(),
        },
        token_var,
        client_id_var,
        client_secret_var,
        redirect_uri_var,
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
