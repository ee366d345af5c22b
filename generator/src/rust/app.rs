//! The OAuth app layer of a crate (`[app]` in its settings): the runtime's
//! generic install flow, stores, rotation, signatures and OpenID Connect,
//! filled in with this API's endpoints, response fields and signing scheme.

use std::path::Path;

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::model::Api;
use crate::rust::docs::lit;
use crate::rust::tokens::{Code, lit_tokens};
use crate::settings::Settings;
use quote::quote;

/// The installation fields a token response can fill (the runtime's
/// `InstallationFields`).
pub const INSTALLATION_FIELDS: &[&str] = &[
    "app_id",
    "enterprise_id",
    "enterprise_name",
    "team_id",
    "team_name",
    "bot_token",
    "bot_refresh_token",
    "bot_token_expires_in",
    "bot_user_id",
    "bot_scopes",
    "user_id",
    "user_token",
    "user_refresh_token",
    "user_token_expires_in",
    "user_scopes",
    "incoming_webhook_url",
    "incoming_webhook_channel",
    "incoming_webhook_channel_id",
    "incoming_webhook_configuration_url",
    "is_enterprise_install",
    "token_type",
];

/// What the `app` module template needs.
#[derive(Debug, Serialize)]
pub struct AppView {
    /// The scheme's name, for docs.
    pub scheme: String,
    /// The scheme's module under `oauth`.
    pub scheme_module: String,
    /// The scheme's scope enum.
    pub scope_enum: String,
    /// The scheme's credentials type.
    pub credentials: String,
    /// The scheme's setter on the configuration builder.
    pub scheme_field: String,
    /// The API's base URL literal.
    pub api_base_url_lit: String,
    /// Consent page literal.
    pub authorization_url_lit: String,
    /// Token endpoint literal.
    pub token_url_lit: String,
    /// Scope separator literal.
    pub scope_separator_lit: String,
    /// `Some("user_scope".into())` or `None`.
    pub user_scope_param: Code,
    /// Whether installs ask for the installer's own scopes too.
    pub asks_user_scopes: bool,
    /// Whether installs send PKCE.
    pub pkce: bool,
    /// Rotation window in seconds.
    pub rotation_window_secs: u64,
    /// Rotation window in minutes, for docs.
    pub rotation_window_minutes: u64,
    /// `field: "/pointer",` lines of `InstallationFields`.
    pub installation: Vec<FieldView>,
    /// Whether every field of `InstallationFields` is given (no `..Default::default()`).
    pub installation_complete: bool,
    /// The identity call.
    pub identity: Option<IdentityView>,
    /// The request signature scheme.
    pub signature: Option<SignatureView>,
    /// OpenID Connect.
    pub openid: Option<OpenIdView>,
    /// Environment variable literals (`""` when not read).
    pub env: EnvView,
    /// The first bot scope of the description, for examples.
    pub example_scope: String,
}

/// One installation field.
#[derive(Debug, Serialize)]
pub struct FieldView {
    /// Field name.
    pub field: String,
    /// JSON pointer literal.
    pub pointer_lit: String,
}

/// See [`AppView::identity`].
#[derive(Debug, Serialize)]
pub struct IdentityView {
    /// Endpoint literal.
    pub url_lit: String,
    /// Pointer literal.
    pub bot_id_lit: String,
    /// Pointer literal.
    pub enterprise_url_lit: String,
    /// The operation's name, for docs.
    pub path: String,
}

/// See [`AppView::signature`].
#[derive(Debug, Serialize)]
pub struct SignatureView {
    /// Literal.
    pub signature_header_lit: String,
    /// Literal.
    pub timestamp_header_lit: String,
    /// Literal.
    pub base_string_lit: String,
    /// Literal.
    pub signature_prefix_lit: String,
    /// Seconds.
    pub max_age_secs: u64,
    /// Header names, for docs.
    pub signature_header: String,
    /// Header names, for docs.
    pub timestamp_header: String,
}

/// See [`AppView::openid`].
#[derive(Debug, Serialize)]
pub struct OpenIdView {
    /// Literal.
    pub authorization_url_lit: String,
    /// Literal.
    pub token_url_lit: String,
    /// Literal.
    pub userinfo_url_lit: String,
    /// Literal.
    pub issuer_lit: String,
    /// Literal.
    pub jwks_url_lit: String,
    /// `vec!["openid".to_string(), ...]`.
    pub scopes_expr: Code,
    /// The scopes for docs: `"openid", "email", "profile"`.
    pub scopes_shown: String,
    /// The issuer, for docs.
    pub issuer: String,
    /// The token operation's path, for docs.
    pub token_path: String,
    /// The UserInfo operation's path, for docs.
    pub userinfo_path: String,
}

/// Environment variable literals.
#[derive(Debug, Serialize)]
pub struct EnvView {
    /// Literal.
    pub client_id_lit: String,
    /// Literal.
    pub client_secret_lit: String,
    /// Literal.
    pub redirect_uri_lit: String,
    /// Literal.
    pub signing_secret_lit: String,
    /// Literal.
    pub encryption_key_lit: String,
    /// Literal.
    pub scopes_lit: String,
    /// Literal.
    pub user_scopes_lit: String,
    /// Names, for docs (empty when not read).
    pub client_id: String,
    /// See `client_id`.
    pub client_secret: String,
    /// See `client_id`.
    pub redirect_uri: String,
    /// See `client_id`.
    pub signing_secret: String,
    /// See `client_id`.
    pub encryption_key: String,
}

/// The app view of a crate whose settings have `[app]`, or a diagnostic
/// naming the setting to fix.
pub fn app_view(
    settings: &Settings,
    api: &Api,
    schemes: &[crate::rust::view::SchemeView],
    api_base_url: &str,
    settings_path: &Path,
) -> Result<Option<AppView>, Diagnostic> {
    let Some(app) = &settings.app else { return Ok(None) };
    let oauth_schemes = || {
        schemes
            .iter()
            .filter(|s| s.oauth.as_ref().is_some_and(|o| o.flow == crate::model::OAuthFlowKind::AuthorizationCode))
            .map(|s| format!("`{}`", s.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let scheme = schemes.iter().find(|s| s.name == app.scheme).ok_or_else(|| {
        Diagnostic::new(settings_path, format!("[app] scheme `{}` is not a security scheme of the description", app.scheme))
            .hint(format!("name an OAuth 2 scheme with an authorization-code flow: {}", oauth_schemes()))
    })?;
    let oauth = scheme.oauth.as_ref().filter(|o| o.flow == crate::model::OAuthFlowKind::AuthorizationCode).ok_or_else(|| {
        Diagnostic::new(settings_path, format!("[app] scheme `{}` has no OAuth 2 authorization-code flow", app.scheme))
            .hint(format!("installs need one; candidates: {}", oauth_schemes()))
    })?;
    let need = |value: &Option<String>, what: &str| {
        value.clone().ok_or_else(|| {
            Diagnostic::new(settings_path, format!("[app] needs the `{what}` of scheme `{}`", app.scheme))
                .hint(format!("set `{what}` under [auth.schemes.{}]", app.scheme))
        })
    };
    let base = api_base_url.trim_end_matches('/');
    // The description may give the OAuth URLs relative to the server; the app
    // layer needs them whole (a consent URL is sent to a browser).
    let absolute = |literal: String| -> String {
        match syn::parse_str::<syn::LitStr>(&literal).map(|l| l.value()) {
            Ok(url) if url.starts_with('/') => lit(&format!("{base}{url}")),
            _ => literal,
        }
    };
    let authorization_url_lit = absolute(need(&oauth.authorization_url_lit, "authorization_url")?);
    let token_url_lit = absolute(need(&oauth.token_url_lit, "token_url")?);
    let operation_url = |id: &str, key: &str| -> Result<(String, String), Diagnostic> {
        let op = api.operations.iter().find(|o| o.id == id).ok_or_else(|| {
            Diagnostic::new(settings_path, format!("[app] {key} `{id}` is not an operation of the description"))
                .hint("use the operationId as the description writes it (an overlay can add a missing operation)")
        })?;
        Ok((lit(&format!("{base}{}", op.path)), op.path.trim_start_matches('/').to_string()))
    };

    let mut installation = Vec::new();
    for (field, pointer) in &app.installation {
        if !INSTALLATION_FIELDS.contains(&field.as_str()) {
            return Err(Diagnostic::new(settings_path, format!("[app.installation] has no field `{field}`"))
                .hint(format!("the fields are: {}", INSTALLATION_FIELDS.join(", "))));
        }
        if !pointer.is_empty() && !pointer.starts_with('/') {
            return Err(Diagnostic::new(settings_path, format!("[app.installation] {field} = \"{pointer}\" is not a JSON pointer"))
                .hint(format!("write it as a JSON pointer into the token response, e.g. \"/{pointer}\"")));
        }
        installation.push(FieldView { field: field.clone(), pointer_lit: lit(pointer) });
    }

    let identity = match &app.identity {
        Some(identity) => {
            let (url_lit, path) = operation_url(&identity.operation, "identity operation")?;
            Some(IdentityView {
                url_lit,
                bot_id_lit: lit(identity.bot_id.as_deref().unwrap_or("")),
                enterprise_url_lit: lit(identity.enterprise_url.as_deref().unwrap_or("")),
                path,
            })
        }
        None => None,
    };
    let signature = match &app.signature {
        Some(signature) => {
            if !signature.base_string.contains("{body}") || !signature.base_string.contains("{timestamp}") {
                return Err(Diagnostic::new(settings_path, "[app.signature] base_string must contain `{timestamp}` and `{body}`")
                    .hint("Slack's is \"v0:{timestamp}:{body}\""));
            }
            Some(SignatureView {
                signature_header_lit: lit(&signature.signature_header),
                timestamp_header_lit: lit(&signature.timestamp_header),
                base_string_lit: lit(&signature.base_string),
                signature_prefix_lit: lit(&signature.signature_prefix),
                max_age_secs: signature.max_age_seconds.unwrap_or(300),
                signature_header: signature.signature_header.clone(),
                timestamp_header: signature.timestamp_header.clone(),
            })
        }
        None => None,
    };
    let openid = match &app.openid {
        Some(openid) => {
            let (token_url_lit, token_path) = operation_url(&openid.token_operation, "openid token_operation")?;
            let (userinfo_url_lit, userinfo_path) = operation_url(&openid.userinfo_operation, "openid userinfo_operation")?;
            let scopes =
                if openid.scopes.is_empty() { vec!["openid".to_string(), "email".into(), "profile".into()] } else { openid.scopes.clone() };
            Some(OpenIdView {
                authorization_url_lit: lit(&openid.authorization_url),
                token_url_lit,
                userinfo_url_lit,
                issuer_lit: lit(&openid.issuer),
                jwks_url_lit: lit(&openid.jwks_url),
                scopes_expr: {
                    let each = scopes.iter().map(|s| lit_tokens(&lit(s)));
                    quote!(vec![#(#each.to_string()),*]).into()
                },
                scopes_shown: scopes.iter().map(|s| lit(s)).collect::<Vec<_>>().join(", "),
                issuer: openid.issuer.clone(),
                token_path,
                userinfo_path,
            })
        }
        None => None,
    };
    let scheme_settings = settings.auth.schemes.get(&app.scheme).cloned().unwrap_or_default();
    let name = |v: &Option<String>| v.clone().unwrap_or_default();
    let env = EnvView {
        client_id_lit: lit(&name(&scheme_settings.client_id_env)),
        client_secret_lit: lit(&name(&scheme_settings.client_secret_env)),
        redirect_uri_lit: lit(&name(&scheme_settings.redirect_uri_env)),
        signing_secret_lit: lit(&name(&app.signing_secret_env)),
        encryption_key_lit: lit(&name(&app.encryption_key_env)),
        scopes_lit: lit(&name(&app.scopes_env)),
        user_scopes_lit: lit(&name(&app.user_scopes_env)),
        client_id: name(&scheme_settings.client_id_env),
        client_secret: name(&scheme_settings.client_secret_env),
        redirect_uri: name(&scheme_settings.redirect_uri_env),
        signing_secret: name(&app.signing_secret_env),
        encryption_key: name(&app.encryption_key_env),
    };
    let example_scope = oauth
        .scopes
        .iter()
        .map(|s| s.value_lit.trim_matches('"').to_string())
        .find(|s| s.contains(':') && s.contains("write"))
        .or_else(|| oauth.scopes.first().map(|s| s.value_lit.trim_matches('"').to_string()))
        .unwrap_or_else(|| "read".into());
    Ok(Some(AppView {
        scheme: app.scheme.clone(),
        scheme_module: oauth.module.clone(),
        scope_enum: oauth.scope_enum.clone(),
        credentials: oauth.credentials.clone(),
        scheme_field: scheme.field.clone(),
        api_base_url_lit: lit(base),
        authorization_url_lit,
        token_url_lit,
        scope_separator_lit: oauth.scope_separator_lit.clone(),
        user_scope_param: match &app.user_scope_param {
            Some(p) => {
                let p = lit_tokens(&lit(p));
                quote!(Some(#p.to_string())).into()
            }
            None => quote!(None).into(),
        },
        asks_user_scopes: app.user_scope_param.is_some(),
        pkce: app.pkce,
        rotation_window_secs: app.rotation_window_minutes.unwrap_or(120) * 60,
        rotation_window_minutes: app.rotation_window_minutes.unwrap_or(120),
        installation_complete: installation.len() == INSTALLATION_FIELDS.len(),
        installation,
        identity,
        signature,
        openid,
        env,
        example_scope,
    }))
}
