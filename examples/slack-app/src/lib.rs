//! An example Slack app built on the generated `slack-web-api` crate and its
//! `app` feature: installs across many workspaces (and enterprise-wide),
//! signed events, per-installation clients with token rotation, and Sign in
//! with Slack.
//!
//! | route | what it does |
//! | --- | --- |
//! | `GET /slack/install` | redirects to Slack's consent page with a fresh `state` |
//! | `GET /slack/oauth_redirect` | finishes the install: state, code exchange, `auth.test`, saved installation |
//! | `POST /slack/events` | checks the signature; answers `url_verification`; forgets the workspace on `app_uninstalled`, the revoked tokens on `tokens_revoked`; replies to `app_mention` through the workspace's bot |
//! | `GET /slack/login` | redirects to Sign in with Slack (OpenID Connect) with a nonce |
//! | `GET /slack/login/callback` | verifies the `id_token`, then reads `openid.connect.userInfo` |
//!
//! Configuration comes from the environment ([`Config::from_env`]).

use std::path::PathBuf;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use slack_web_api::app::{self, App, AppError, InstallError};

/// Where the app listens, keeps its data, and (for tests or proxies) which
/// Slack it talks to.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// `SLACK_APP_ADDR`: the address to listen on (default `127.0.0.1:3000`).
    pub addr: String,
    /// `SLACK_APP_DATABASE`: the SQLite file of states and installations
    /// (default `slack-app.sqlite`).
    pub database: PathBuf,
    /// `SLACK_LOGIN_REDIRECT_URI`: where Sign in with Slack returns (default:
    /// `SLACK_REDIRECT_URI` with `/slack/login/callback` as its path).
    pub login_redirect_uri: Option<String>,
    /// `SLACK_API_BASE_URL`: Slack's Web API (default `https://slack.com/api`).
    pub api_base_url: Option<String>,
    /// `SLACK_AUTHORIZE_URL`: the install consent page.
    pub authorize_url: Option<String>,
    /// `SLACK_OPENID_AUTHORIZE_URL`: the sign-in consent page.
    pub openid_authorize_url: Option<String>,
    /// `SLACK_OPENID_JWKS_URL`: Slack's OpenID Connect keys.
    pub jwks_url: Option<String>,
}

impl Config {
    /// Reads the configuration from the environment. The credentials
    /// (`SLACK_CLIENT_ID`, `SLACK_CLIENT_SECRET`, `SLACK_SIGNING_SECRET`,
    /// `SLACK_REDIRECT_URI`, `SLACK_SCOPES`, `SLACK_USER_SCOPES`,
    /// `SLACK_TOKEN_ENCRYPTION_KEY`) are read by the app builder.
    pub fn from_env() -> Self {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        Config {
            addr: var("SLACK_APP_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into()),
            database: var("SLACK_APP_DATABASE").unwrap_or_else(|| "slack-app.sqlite".into()).into(),
            login_redirect_uri: var("SLACK_LOGIN_REDIRECT_URI"),
            api_base_url: var("SLACK_API_BASE_URL"),
            authorize_url: var("SLACK_AUTHORIZE_URL"),
            openid_authorize_url: var("SLACK_OPENID_AUTHORIZE_URL"),
            jwks_url: var("SLACK_OPENID_JWKS_URL"),
        }
    }

    /// The Slack app: credentials from the environment, states and
    /// installations in the SQLite file.
    pub fn build_app(&self) -> Result<App, AppError> {
        let mut builder = app::builder().from_env().sqlite_file(&self.database);
        let login = self.login_redirect_uri.clone().or_else(|| {
            let install = std::env::var("SLACK_REDIRECT_URI").ok()?;
            let mut url = sdkgen_runtime::reqwest::Url::parse(&install).ok()?;
            url.set_path("/slack/login/callback");
            url.set_query(None);
            Some(url.to_string())
        });
        if let Some(uri) = login {
            builder = builder.sign_in_redirect_uri(uri);
        }
        if let Some(url) = &self.api_base_url {
            builder = builder.api_base_url(url);
        }
        if let Some(url) = &self.authorize_url {
            builder = builder.authorization_url(url);
        }
        if let Some(url) = &self.openid_authorize_url {
            builder = builder.openid_authorization_url(url);
        }
        if let Some(url) = &self.jwks_url {
            builder = builder.jwks_url(url);
        }
        builder.build()
    }
}

/// The app's routes.
pub fn router(app: App) -> Router {
    Router::new()
        .route("/slack/install", get(install))
        .route("/slack/oauth_redirect", get(oauth_redirect))
        .route("/slack/events", post(events))
        .route("/slack/login", get(login))
        .route("/slack/login/callback", get(login_callback))
        .with_state(app)
}

fn text(status: StatusCode, body: impl Into<String>) -> Response {
    (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body.into()).into_response()
}

/// The status a refused callback answers with.
fn install_error_status(error: &InstallError) -> StatusCode {
    match error {
        InstallError::MissingState
        | InstallError::UnknownState
        | InstallError::ExpiredState
        | InstallError::ReusedState
        | InstallError::InvalidCallback { .. } => StatusCode::BAD_REQUEST,
        InstallError::Denied { .. } | InstallError::IdToken(_) => StatusCode::FORBIDDEN,
        InstallError::Exchange(_) | InstallError::Identity(_) => StatusCode::BAD_GATEWAY,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

async fn install(State(app): State<App>) -> Response {
    match app.begin_install().await {
        Ok(request) => Redirect::to(request.url()).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "cannot start an install");
            text(StatusCode::INTERNAL_SERVER_ERROR, "cannot start the installation")
        }
    }
}

async fn oauth_redirect(State(app): State<App>, RawQuery(query): RawQuery) -> Response {
    match app.complete_install(query.as_deref().unwrap_or("")).await {
        Ok(installation) => {
            let place = installation.team_name.or(installation.enterprise_name).unwrap_or_default();
            text(StatusCode::OK, format!("Thanks for installing this app in {place}!"))
        }
        Err(e) => {
            tracing::warn!(error = %e, "install refused");
            text(install_error_status(&e), format!("The installation failed: {e}"))
        }
    }
}

async fn login(State(app): State<App>) -> Response {
    match app.begin_sign_in().await {
        Ok(request) => Redirect::to(request.url()).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "cannot start a sign-in");
            text(StatusCode::INTERNAL_SERVER_ERROR, "cannot start signing in")
        }
    }
}

async fn login_callback(State(app): State<App>, RawQuery(query): RawQuery) -> Response {
    let sign_in = match app.complete_sign_in(query.as_deref().unwrap_or("")).await {
        Ok(sign_in) => sign_in,
        Err(e) => {
            tracing::warn!(error = %e, "sign-in refused");
            return text(install_error_status(&e), format!("Signing in failed: {e}"));
        }
    };
    // The id_token says who signed in; userInfo, called with the new token
    // through the generated client, adds the profile.
    let client = match app.client_with_token(sign_in.access_token.clone()) {
        Ok(client) => client,
        Err(e) => return text(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    };
    match client.openid_connect().user_info().send().await {
        Ok(user) => axum::Json(serde_json::json!({
            "sub": sign_in.claims.sub,
            "email": sign_in.claims.email,
            "team_id": sign_in.claims.claim("https://slack.com/team_id"),
            "name": user.name,
            "user_id": user.https_slack_com_user_id,
        }))
        .into_response(),
        Err(e) => text(StatusCode::BAD_GATEWAY, format!("openid.connect.userInfo failed: {e}")),
    }
}

fn field<'a>(value: &'a serde_json::Value, pointer: &str) -> Option<&'a str> {
    value.pointer(pointer).and_then(|v| v.as_str()).filter(|s| !s.is_empty())
}

async fn events(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    // The signature covers the raw body: check it before reading anything.
    if let Err(e) = app.verify_request(&headers, &body) {
        tracing::warn!(error = %e, "refused an unsigned or stale request");
        return text(StatusCode::UNAUTHORIZED, format!("{e}"));
    }
    let Ok(payload) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return text(StatusCode::BAD_REQUEST, "the body is not JSON");
    };
    match field(&payload, "/type") {
        Some("url_verification") => text(StatusCode::OK, field(&payload, "/challenge").unwrap_or_default()),
        Some("event_callback") => match handle_event(&app, &payload).await {
            Ok(()) => StatusCode::OK.into_response(),
            Err(e) => {
                tracing::error!(error = %e, "event failed");
                text(StatusCode::INTERNAL_SERVER_ERROR, e)
            }
        },
        _ => StatusCode::OK.into_response(),
    }
}

async fn handle_event(app: &App, payload: &serde_json::Value) -> Result<(), String> {
    let enterprise = field(payload, "/enterprise_id");
    let team = field(payload, "/team_id");
    match field(payload, "/event/type") {
        Some("app_uninstalled") => app.uninstalled(enterprise, team).await.map_err(|e| e.to_string()),
        Some("tokens_revoked") => {
            let ids = |pointer: &str| -> Vec<&str> {
                payload.pointer(pointer).and_then(|v| v.as_array()).map_or_else(Vec::new, |a| a.iter().filter_map(|v| v.as_str()).collect())
            };
            let users = ids("/event/tokens/oauth");
            let bot = !ids("/event/tokens/bot").is_empty();
            app.tokens_revoked(enterprise, team, &users, bot).await.map_err(|e| e.to_string())
        }
        Some("app_mention") => {
            let channel = field(payload, "/event/channel").ok_or("an app_mention without a channel")?;
            let user = field(payload, "/event/user").unwrap_or("there");
            // The workspace's bot token, rotated first if it is about to expire.
            let client = match app.client_for(enterprise, team, None).await {
                Ok(client) => client,
                Err(AppError::NotInstalled { .. }) => {
                    tracing::info!(team, "ignored a mention from a workspace without an installation");
                    return Ok(());
                }
                Err(e) => return Err(e.to_string()),
            };
            client
                .chat()
                .post_message(channel)
                .text(format!("Hello <@{user}>!"))
                .send()
                .await
                .map(|_| ())
                .map_err(|e| format!("chat.postMessage failed: {e}"))
        }
        _ => Ok(()),
    }
}
