//! The install flow, Sign in with OpenID Connect, and per-installation
//! clients.
//!
//! An [`App`] ties together what an application installed in many workspaces
//! needs: the consent URL with a state issued in the [`StateStore`], the
//! callback that consumes the state, exchanges the code, asks the API who the
//! bot is and saves the [`Installation`]; clients for each installation whose
//! tokens are rotated before they expire; the request signature check; and
//! signing users in with OpenID Connect.
//!
//! A generated crate fills in [`AppSettings`] from its description and
//! settings and implements [`AppClient`] for its client, so an application
//! only gives its own credentials and stores.

use std::marker::PhantomData;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::installation::{Bot, Installation, InstallationFields, InstallationStore};
use super::oidc::{IdTokenClaims, IdTokenVerifier, OidcError, OpenIdSettings};
use super::rotation::{RefreshGrant, RotationError, Rotator};
use super::signature::{SignatureError, SignatureScheme, SignatureVerifier, SigningSecret};
use super::sqlite::SqliteStore;
use super::state::{MemoryStateStore, StateOutcome, StateStore};
use super::{StoreError, TokenCipher, post};
use crate::error::ConfigError;
use crate::oauth::{AuthorizationRequest, ClientId, ClientSecret, CsrfState, OAuthError, PkceVerifier, RefreshToken, now_unix};
use crate::secret::AccessToken;

/// What an API's app layer is made of: its endpoints, where an installation's
/// fields are in the token response, how it signs requests, its OpenID
/// Connect endpoints and the environment variables credentials are read from.
///
/// A generated crate builds this from its description and settings.
#[derive(Debug, Clone)]
pub struct AppSettings {
    /// The API's base URL. The URLs below that start with it are moved along
    /// when [`AppBuilder::api_base_url`] points the app elsewhere (a mock, a
    /// proxy).
    pub api_base_url: String,
    /// The consent page installs start at.
    pub authorization_url: String,
    /// The token endpoint codes are exchanged and tokens refreshed at.
    pub token_url: String,
    /// The query parameter of the bot's scopes (`scope`).
    pub scope_param: String,
    /// The query parameter of the installer's own scopes, when the provider
    /// has one (Slack: `user_scope`).
    pub user_scope_param: Option<String>,
    /// What separates scopes in URLs and responses.
    pub scope_separator: String,
    /// Whether to send a PKCE challenge (RFC 7636) with installs.
    pub pkce: bool,
    /// Where an installation's fields are in the token response.
    pub installation: InstallationFields,
    /// A call that tells who the bot is, made with the new bot token.
    pub identity: Option<IdentityCall>,
    /// How the API signs the requests it sends to the application.
    pub signature: Option<SignatureScheme>,
    /// The OpenID Connect endpoints, for signing users in.
    pub openid: Option<OpenIdSettings>,
    /// How long before expiry rotating tokens are refreshed.
    pub rotation_window: Duration,
    /// The environment variables [`AppBuilder::from_env`] reads.
    pub env: EnvNames,
}

/// A call made with a new bot token to learn what the token response lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityCall {
    /// The endpoint (posted to with the bot token as bearer).
    pub url: String,
    /// JSON pointer of the bot's id in the answer.
    pub bot_id: &'static str,
    /// JSON pointer of the enterprise's URL, read for enterprise-wide installs.
    pub enterprise_url: &'static str,
}

/// Names of the environment variables the app's configuration is read from.
/// Empty names are not read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvNames {
    /// The client id.
    pub client_id: &'static str,
    /// The client secret.
    pub client_secret: &'static str,
    /// The redirect URI registered with the provider.
    pub redirect_uri: &'static str,
    /// The secret incoming requests are signed with.
    pub signing_secret: &'static str,
    /// The key tokens are encrypted with at rest (32 bytes, base64).
    pub encryption_key: &'static str,
    /// The bot's scopes, separated by commas or spaces.
    pub scopes: &'static str,
    /// The installer's scopes, separated by commas or spaces.
    pub user_scopes: &'static str,
}

/// What the app layer needs of a generated client: one made for a token.
pub trait AppClient: Sized {
    /// A client that calls `api_base_url` with `token`, sending through `http`.
    fn for_token(api_base_url: &str, token: AccessToken, http: reqwest::Client) -> Result<Self, ConfigError>;
}

/// Why an install or sign-in callback was refused. Nothing is saved when one
/// is returned.
#[derive(Debug)]
#[non_exhaustive]
pub enum InstallError {
    /// The callback has no `state`: it was not started here.
    MissingState,
    /// The `state` was never issued here: possibly forged.
    UnknownState,
    /// The `state` has expired: the user took too long; start again.
    ExpiredState,
    /// The `state` was already used: a replayed callback.
    ReusedState,
    /// The user or the provider refused (`error=access_denied`, ...).
    Denied {
        /// The `error` parameter.
        code: String,
        /// The `error_description` parameter.
        description: Option<String>,
    },
    /// The callback is malformed (no `code`, not a query string).
    InvalidCallback {
        /// What is wrong.
        reason: String,
    },
    /// Exchanging the code failed (the provider refused it, or could not be reached).
    Exchange(OAuthError),
    /// The identity call made with the new bot token failed.
    Identity(OAuthError),
    /// The `id_token` of a sign-in is not acceptable.
    IdToken(OidcError),
    /// The state or installation store failed.
    Store(StoreError),
    /// The app lacks what this step needs (OpenID Connect endpoints, a redirect URI...).
    NotConfigured {
        /// What.
        what: &'static str,
    },
}

impl std::fmt::Display for InstallError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InstallError::MissingState => f.write_str("the callback has no `state` parameter"),
            InstallError::UnknownState => f.write_str("the callback's `state` was not issued here"),
            InstallError::ExpiredState => f.write_str("the callback's `state` has expired: start again"),
            InstallError::ReusedState => f.write_str("the callback's `state` was already used"),
            InstallError::Denied { code, description } => {
                write!(f, "the authorization was refused: `{code}`")?;
                if let Some(d) = description {
                    write!(f, " ({d})")?;
                }
                Ok(())
            }
            InstallError::InvalidCallback { reason } => write!(f, "invalid callback: {reason}"),
            InstallError::Exchange(e) => write!(f, "exchanging the code failed: {e}"),
            InstallError::Identity(e) => write!(f, "the identity call with the new bot token failed: {e}"),
            InstallError::IdToken(e) => write!(f, "the id_token was refused: {e}"),
            InstallError::Store(e) => write!(f, "{e}"),
            InstallError::NotConfigured { what } => write!(f, "the app has no {what} configured"),
        }
    }
}

impl std::error::Error for InstallError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            InstallError::Exchange(e) | InstallError::Identity(e) => Some(e),
            InstallError::IdToken(e) => Some(e),
            InstallError::Store(e) => Some(e),
            _ => None,
        }
    }
}

impl From<StoreError> for InstallError {
    fn from(e: StoreError) -> Self {
        InstallError::Store(e)
    }
}

/// Why the app could not give a client, verify a request or be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum AppError {
    /// Nothing is installed for this workspace (or user).
    NotInstalled {
        /// The enterprise asked for.
        enterprise_id: Option<String>,
        /// The workspace asked for.
        team_id: Option<String>,
        /// The user asked for.
        user_id: Option<String>,
    },
    /// The store failed.
    Store(StoreError),
    /// The token needed refreshing and that failed.
    Rotation(RotationError),
    /// The client could not be built.
    Client(ConfigError),
    /// An incoming request's signature is not acceptable.
    Signature(SignatureError),
    /// A setting the step needs is missing.
    NotConfigured {
        /// What, and where it is read from.
        what: String,
    },
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AppError::NotInstalled { enterprise_id, team_id, user_id } => {
                write!(f, "not installed for enterprise {enterprise_id:?}, team {team_id:?}")?;
                if let Some(user) = user_id {
                    write!(f, ", user {user}")?;
                }
                Ok(())
            }
            AppError::Store(e) => write!(f, "{e}"),
            AppError::Rotation(e) => write!(f, "{e}"),
            AppError::Client(e) => write!(f, "cannot build the client: {e}"),
            AppError::Signature(e) => write!(f, "request refused: {e}"),
            AppError::NotConfigured { what } => write!(f, "not configured: {what}"),
        }
    }
}

impl std::error::Error for AppError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            AppError::Store(e) => Some(e),
            AppError::Rotation(e) => Some(e),
            AppError::Client(e) => Some(e),
            AppError::Signature(e) => Some(e),
            _ => None,
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        AppError::Store(e)
    }
}

impl From<RotationError> for AppError {
    fn from(e: RotationError) -> Self {
        match e {
            // Reading the token failed, not rotating it.
            RotationError::Store(e) => AppError::Store(e),
            e => AppError::Rotation(e),
        }
    }
}

impl From<SignatureError> for AppError {
    fn from(e: SignatureError) -> Self {
        AppError::Signature(e)
    }
}

/// A user signed in with OpenID Connect.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SignIn {
    /// The verified claims of the `id_token` (subject, email, name, provider claims).
    pub claims: IdTokenClaims,
    /// The access token for the provider's UserInfo endpoint.
    pub access_token: AccessToken,
    /// The refresh token, when the provider issued one.
    pub refresh_token: Option<RefreshToken>,
}

/// Configures an [`App`].
pub struct AppBuilder<C> {
    settings: AppSettings,
    client_id: Option<ClientId>,
    client_secret: Option<ClientSecret>,
    redirect_uri: Option<String>,
    sign_in_redirect_uri: Option<String>,
    scopes: Vec<String>,
    user_scopes: Vec<String>,
    signing_secret: Option<SigningSecret>,
    cipher: Option<TokenCipher>,
    states: Option<Arc<dyn StateStore>>,
    installations: Option<Arc<dyn InstallationStore>>,
    sqlite: Option<PathBuf>,
    http: Option<reqwest::Client>,
    api_base_url: Option<String>,
    authorization_url: Option<String>,
    openid_authorization_url: Option<String>,
    jwks_url: Option<String>,
    rotation: bool,
    rotation_window: Option<Duration>,
    env_error: Option<String>,
    _client: PhantomData<fn() -> C>,
}

impl<C> std::fmt::Debug for AppBuilder<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppBuilder")
            .field("client_id", &self.client_id)
            .field("redirect_uri", &self.redirect_uri)
            .field("scopes", &self.scopes)
            .field("user_scopes", &self.user_scopes)
            .field("sqlite", &self.sqlite)
            .field("api_base_url", &self.api_base_url)
            .finish_non_exhaustive()
    }
}

fn split_scopes(list: &str) -> Vec<String> {
    list.split([',', ' ']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

impl<C: AppClient> AppBuilder<C> {
    /// A builder for an app with `settings` (a generated crate's `app::settings()`).
    pub fn new(settings: AppSettings) -> Self {
        AppBuilder {
            settings,
            client_id: None,
            client_secret: None,
            redirect_uri: None,
            sign_in_redirect_uri: None,
            scopes: Vec::new(),
            user_scopes: Vec::new(),
            signing_secret: None,
            cipher: None,
            states: None,
            installations: None,
            sqlite: None,
            http: None,
            api_base_url: None,
            authorization_url: None,
            openid_authorization_url: None,
            jwks_url: None,
            rotation: true,
            rotation_window: None,
            env_error: None,
            _client: PhantomData,
        }
    }

    /// Reads what is set of the environment variables named in the settings
    /// (client id and secret, redirect URI, signing secret, encryption key,
    /// scopes). A malformed encryption key is reported by [`build`](Self::build).
    pub fn from_env(mut self) -> Self {
        let names = self.settings.env.clone();
        let var = |name: &str| if name.is_empty() { None } else { std::env::var(name).ok().filter(|v| !v.is_empty()) };
        if let Some(v) = var(names.client_id) {
            self.client_id = Some(ClientId::new(v));
        }
        if let Some(v) = var(names.client_secret) {
            self.client_secret = Some(ClientSecret::new(v));
        }
        if let Some(v) = var(names.redirect_uri) {
            self.redirect_uri = Some(v);
        }
        if let Some(v) = var(names.signing_secret) {
            self.signing_secret = Some(SigningSecret::new(v));
        }
        if let Some(v) = var(names.scopes) {
            self.scopes = split_scopes(&v);
        }
        if let Some(v) = var(names.user_scopes) {
            self.user_scopes = split_scopes(&v);
        }
        if let Some(v) = var(names.encryption_key) {
            match TokenCipher::from_base64(&v) {
                Ok(cipher) => self.cipher = Some(cipher),
                Err(e) => self.env_error = Some(format!("{}: {e}", names.encryption_key)),
            }
        }
        self
    }

    /// The client id.
    pub fn client_id(mut self, client_id: impl Into<ClientId>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// The client secret.
    pub fn client_secret(mut self, client_secret: impl Into<ClientSecret>) -> Self {
        self.client_secret = Some(client_secret.into());
        self
    }

    /// The redirect URI registered with the provider.
    pub fn redirect_uri(mut self, redirect_uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(redirect_uri.into());
        self
    }

    /// Where sign-ins return, when not to the install's redirect URI.
    pub fn sign_in_redirect_uri(mut self, redirect_uri: impl Into<String>) -> Self {
        self.sign_in_redirect_uri = Some(redirect_uri.into());
        self
    }

    /// The bot's scopes asked for at install.
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The installer's own scopes asked for at install.
    pub fn user_scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.user_scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The secret incoming requests are signed with.
    pub fn signing_secret(mut self, secret: impl Into<SigningSecret>) -> Self {
        self.signing_secret = Some(secret.into());
        self
    }

    /// Encrypts tokens at rest in the SQLite store opened by
    /// [`sqlite_file`](Self::sqlite_file).
    pub fn encryption(mut self, cipher: TokenCipher) -> Self {
        self.cipher = Some(cipher);
        self
    }

    /// Keeps states and installations in the SQLite database at `path`
    /// (created if missing): the default store, shared safely by several
    /// processes.
    pub fn sqlite_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.sqlite = Some(path.into());
        self
    }

    /// Keeps states in `store` (default: the SQLite file, or memory).
    pub fn state_store(mut self, store: Arc<dyn StateStore>) -> Self {
        self.states = Some(store);
        self
    }

    /// Keeps installations in `store` (default: the SQLite file).
    pub fn installation_store(mut self, store: Arc<dyn InstallationStore>) -> Self {
        self.installations = Some(store);
        self
    }

    /// Sends the app's own requests (token, identity, OpenID Connect) and the
    /// clients' calls through `http`.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Sends API calls (and the token, identity and OpenID Connect requests
    /// under the API's base URL) to `url` instead: a mock server, a proxy.
    pub fn api_base_url(mut self, url: impl Into<String>) -> Self {
        self.api_base_url = Some(url.into().trim_end_matches('/').to_string());
        self
    }

    /// The consent page installs start at, instead of the API's.
    pub fn authorization_url(mut self, url: impl Into<String>) -> Self {
        self.authorization_url = Some(url.into());
        self
    }

    /// The OpenID Connect consent page, instead of the API's.
    pub fn openid_authorization_url(mut self, url: impl Into<String>) -> Self {
        self.openid_authorization_url = Some(url.into());
        self
    }

    /// Where the OpenID Connect provider's keys are, instead of the API's.
    pub fn jwks_url(mut self, url: impl Into<String>) -> Self {
        self.jwks_url = Some(url.into());
        self
    }

    /// Whether expiring tokens are refreshed before use (default: yes).
    pub fn token_rotation(mut self, enabled: bool) -> Self {
        self.rotation = enabled;
        self
    }

    /// How long before expiry tokens are refreshed (default: the settings').
    pub fn rotation_window(mut self, window: Duration) -> Self {
        self.rotation_window = Some(window);
        self
    }

    /// The app, or what is missing.
    pub fn build(self) -> Result<App<C>, AppError> {
        if let Some(reason) = self.env_error {
            return Err(AppError::NotConfigured { what: reason });
        }
        let missing = |what: &str, env: &str| AppError::NotConfigured {
            what: if env.is_empty() { what.to_string() } else { format!("{what} (environment variable {env})") },
        };
        let client_id = self.client_id.ok_or_else(|| missing("the client id", self.settings.env.client_id))?;
        let client_secret = self.client_secret.ok_or_else(|| missing("the client secret", self.settings.env.client_secret))?;
        let sqlite = match &self.sqlite {
            Some(path) => {
                let store = SqliteStore::open(path)?;
                Some(match self.cipher.clone() {
                    Some(cipher) => store.with_cipher(cipher),
                    None => store,
                })
            }
            None => None,
        };
        let installations: Arc<dyn InstallationStore> = match (self.installations, &sqlite) {
            (Some(store), _) => store,
            (None, Some(sqlite)) => Arc::new(sqlite.clone()),
            (None, None) => {
                return Err(AppError::NotConfigured {
                    what: "an installation store (AppBuilder::sqlite_file or AppBuilder::installation_store)".into(),
                });
            }
        };
        let states: Arc<dyn StateStore> = match (self.states, sqlite) {
            (Some(store), _) => store,
            (None, Some(sqlite)) => Arc::new(sqlite),
            (None, None) => Arc::new(MemoryStateStore::new()),
        };
        let http = match self.http {
            Some(http) => http,
            None => crate::transport::http_client_builder()
                .build()
                .map_err(|e| AppError::Client(ConfigError::Http(crate::error::TransportError::from(e))))?,
        };
        let default_base = self.settings.api_base_url.trim_end_matches('/').to_string();
        let base = self.api_base_url.unwrap_or_else(|| default_base.clone());
        let rebase = |url: &str| match url.strip_prefix(&default_base) {
            Some(rest) => format!("{base}{rest}"),
            None => url.to_string(),
        };
        let mut settings = self.settings.clone();
        settings.token_url = rebase(&settings.token_url);
        if let Some(url) = self.authorization_url {
            settings.authorization_url = url;
        }
        if let Some(identity) = &mut settings.identity {
            identity.url = rebase(&identity.url);
        }
        if let Some(openid) = &mut settings.openid {
            openid.token_url = rebase(&openid.token_url);
            openid.userinfo_url = rebase(&openid.userinfo_url);
            if let Some(url) = self.openid_authorization_url {
                openid.authorization_url = url;
            }
            if let Some(url) = self.jwks_url {
                openid.jwks_url = url;
            }
        }
        let verifier = match (&settings.signature, self.signing_secret) {
            (Some(scheme), Some(secret)) => Some(SignatureVerifier::new(secret, scheme.clone())),
            _ => None,
        };
        let id_tokens = settings.openid.as_ref().map(|openid| {
            IdTokenVerifier::new(http.clone(), openid.issuer.clone(), client_id.as_str().to_string(), openid.jwks_url.clone())
        });
        let grant = RefreshGrant {
            http: http.clone(),
            token_url: settings.token_url.clone(),
            client_id: client_id.clone(),
            client_secret: client_secret.clone(),
        };
        let window = self.rotation_window.unwrap_or(settings.rotation_window);
        let rotator = Rotator::new(installations.clone(), grant).with_window(window);
        Ok(App {
            inner: Arc::new(Inner {
                settings,
                api_base_url: base,
                client_id,
                client_secret,
                sign_in_redirect_uri: self.sign_in_redirect_uri.or_else(|| self.redirect_uri.clone()),
                redirect_uri: self.redirect_uri,
                scopes: self.scopes,
                user_scopes: self.user_scopes,
                states,
                installations,
                http,
                verifier,
                id_tokens,
                rotator: self.rotation.then_some(rotator),
            }),
            _client: PhantomData,
        })
    }
}

struct Inner {
    settings: AppSettings,
    api_base_url: String,
    client_id: ClientId,
    client_secret: ClientSecret,
    redirect_uri: Option<String>,
    sign_in_redirect_uri: Option<String>,
    scopes: Vec<String>,
    user_scopes: Vec<String>,
    states: Arc<dyn StateStore>,
    installations: Arc<dyn InstallationStore>,
    http: reqwest::Client,
    verifier: Option<SignatureVerifier>,
    id_tokens: Option<IdTokenVerifier>,
    rotator: Option<Rotator>,
}

/// An application installed in many workspaces: install flow, stores,
/// per-installation clients with token rotation, request signatures and
/// OpenID Connect sign-in. Cheap to clone (shared state).
pub struct App<C> {
    inner: Arc<Inner>,
    _client: PhantomData<fn() -> C>,
}

impl<C> Clone for App<C> {
    fn clone(&self) -> Self {
        App { inner: self.inner.clone(), _client: PhantomData }
    }
}

impl<C> std::fmt::Debug for App<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("api_base_url", &self.inner.api_base_url)
            .field("client_id", &self.inner.client_id)
            .field("redirect_uri", &self.inner.redirect_uri)
            .field("scopes", &self.inner.scopes)
            .field("user_scopes", &self.inner.user_scopes)
            .field("token_rotation", &self.inner.rotator.is_some())
            .finish_non_exhaustive()
    }
}

/// The parameters of a callback the app looks at.
#[derive(Default)]
struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

fn parse_callback(callback: &str) -> Result<Callback, InstallError> {
    let query = callback.split_once('?').map_or(callback, |(_, q)| q);
    let query = query.split('#').next().unwrap_or("");
    let url = reqwest::Url::parse(&format!("http://callback/?{query}"))
        .map_err(|_| InstallError::InvalidCallback { reason: "not a URL query string".into() })?;
    let mut parsed = Callback::default();
    for (key, value) in url.query_pairs() {
        let slot = match key.as_ref() {
            "code" => &mut parsed.code,
            "state" => &mut parsed.state,
            "error" => &mut parsed.error,
            "error_description" => &mut parsed.error_description,
            _ => continue,
        };
        *slot = Some(value.into_owned()).filter(|v| !v.is_empty());
    }
    Ok(parsed)
}

impl<C: AppClient> App<C> {
    /// A builder for an app with `settings`.
    pub fn builder(settings: AppSettings) -> AppBuilder<C> {
        AppBuilder::new(settings)
    }

    /// The state store.
    pub fn states(&self) -> &Arc<dyn StateStore> {
        &self.inner.states
    }

    /// The installation store.
    pub fn installations(&self) -> &Arc<dyn InstallationStore> {
        &self.inner.installations
    }

    /// The settings, with URLs as this app uses them.
    pub fn settings(&self) -> &AppSettings {
        &self.inner.settings
    }

    /// Starts an install: issues a state (with a PKCE verifier when the
    /// provider takes one) and builds the consent URL to send the user to.
    pub async fn begin_install(&self) -> Result<AuthorizationRequest, InstallError> {
        let settings = &self.inner.settings;
        let pkce = if settings.pkce {
            Some(PkceVerifier::random().map_err(|e| InstallError::Store(StoreError::Random(e.to_string())))?)
        } else {
            None
        };
        let state = self.inner.states.issue_with(pkce.as_ref().map(|v| v.secret().to_string())).await?;
        let mut url = reqwest::Url::parse(&settings.authorization_url)
            .map_err(|_| InstallError::NotConfigured { what: "valid authorization URL" })?;
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("client_id", self.inner.client_id.as_str());
            query.append_pair(&settings.scope_param, &self.inner.scopes.join(&settings.scope_separator));
            if let Some(param) = &settings.user_scope_param
                && !self.inner.user_scopes.is_empty()
            {
                query.append_pair(param, &self.inner.user_scopes.join(&settings.scope_separator));
            }
            query.append_pair("state", state.secret());
            if let Some(redirect_uri) = &self.inner.redirect_uri {
                query.append_pair("redirect_uri", redirect_uri);
            }
            if let Some(verifier) = &pkce {
                query.append_pair("code_challenge", &verifier.challenge());
                query.append_pair("code_challenge_method", "S256");
            }
        }
        Ok(AuthorizationRequest::new(url.to_string(), state, pkce))
    }

    /// Exchanges an authorization code at `token_url` (client credentials in
    /// the form, as both install and sign-in endpoints take them).
    async fn exchange_code(
        &self,
        token_url: &str,
        code: &str,
        redirect_uri: Option<&str>,
        pkce_verifier: Option<&str>,
    ) -> Result<(http::StatusCode, serde_json::Map<String, serde_json::Value>), InstallError> {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", self.inner.client_id.as_str()),
            ("client_secret", self.inner.client_secret.secret()),
        ];
        form.extend(redirect_uri.map(|uri| ("redirect_uri", uri)));
        form.extend(pkce_verifier.map(|verifier| ("code_verifier", verifier)));
        post::form(&self.inner.http, token_url, &form, None).await.map_err(InstallError::Exchange)
    }

    /// Consumes the state of a callback, telling why it is refused.
    async fn consume_state(&self, callback: &Callback) -> Result<Option<String>, InstallError> {
        let state = callback.state.as_deref().ok_or(InstallError::MissingState)?;
        match self.inner.states.take(state).await? {
            StateOutcome::Valid { data } => Ok(data),
            StateOutcome::Expired => Err(InstallError::ExpiredState),
            StateOutcome::AlreadyUsed => Err(InstallError::ReusedState),
            _ => Err(InstallError::UnknownState),
        }
    }

    /// Finishes an install from the provider's redirect (the whole callback
    /// URL or its query string): consumes the state, exchanges the code, asks
    /// who the bot is, and saves the installation. Nothing is saved when an
    /// error is returned.
    pub async fn complete_install(&self, callback: &str) -> Result<Installation, InstallError> {
        let callback = parse_callback(callback)?;
        // The state is consumed first, refusals included: a state serves once.
        let verifier = self.consume_state(&callback).await?;
        if let Some(code) = callback.error {
            return Err(InstallError::Denied { code, description: callback.error_description });
        }
        let code = callback.code.ok_or(InstallError::InvalidCallback { reason: "no `code` parameter".into() })?;
        let settings = &self.inner.settings;
        let redirect_uri = self.inner.redirect_uri.as_deref();
        let (_, body) = self.exchange_code(&settings.token_url, &code, redirect_uri, verifier.as_deref()).await?;
        let body = serde_json::Value::Object(body);
        let mut installation = settings.installation.read(&body, &settings.scope_separator, now_unix());
        if let (Some(identity), Some(token)) = (&settings.identity, &installation.bot_token) {
            let (_, answer) = post::form(&self.inner.http, &identity.url, &[], Some(token)).await.map_err(InstallError::Identity)?;
            let answer = serde_json::Value::Object(answer);
            let text = |pointer: &str| (!pointer.is_empty()).then(|| answer.pointer(pointer)?.as_str().map(str::to_string)).flatten();
            installation.bot_id = text(identity.bot_id);
            if installation.is_enterprise_install {
                installation.enterprise_url = text(identity.enterprise_url);
            }
        }
        self.inner.installations.save(&installation).await?;
        tracing::info!(
            enterprise_id = installation.enterprise_id.as_deref(),
            team_id = installation.team_id.as_deref(),
            user_id = installation.user_id.as_deref(),
            "saved an installation"
        );
        Ok(installation)
    }

    /// The workspace's bot, its token rotated first when it is about to expire.
    pub async fn bot(&self, enterprise_id: Option<&str>, team_id: Option<&str>) -> Result<Option<Bot>, AppError> {
        Ok(match &self.inner.rotator {
            Some(rotator) => rotator.bot(enterprise_id, team_id).await?,
            None => self.inner.installations.find_bot(enterprise_id, team_id).await?,
        })
    }

    /// A user's installation, its user token rotated first when it is about to expire.
    pub async fn installation(
        &self,
        enterprise_id: Option<&str>,
        team_id: Option<&str>,
        user_id: Option<&str>,
    ) -> Result<Option<Installation>, AppError> {
        Ok(match &self.inner.rotator {
            Some(rotator) => rotator.installation(enterprise_id, team_id, user_id).await?,
            None => self.inner.installations.find_installation(enterprise_id, team_id, user_id).await?,
        })
    }

    /// A client for one installation: with the workspace's bot token when
    /// `user_id` is `None`, else with that user's token. Tokens about to
    /// expire are rotated (and saved) first.
    pub async fn client_for(&self, enterprise_id: Option<&str>, team_id: Option<&str>, user_id: Option<&str>) -> Result<C, AppError> {
        let not_installed = || AppError::NotInstalled {
            enterprise_id: enterprise_id.map(str::to_string),
            team_id: team_id.map(str::to_string),
            user_id: user_id.map(str::to_string),
        };
        let token = match user_id {
            None => self.bot(enterprise_id, team_id).await?.map(|bot| bot.bot_token),
            Some(_) => self.installation(enterprise_id, team_id, user_id).await?.and_then(|i| i.user_token),
        };
        self.client_with_token(token.ok_or_else(not_installed)?)
    }

    /// A client that calls with `token`.
    pub fn client_with_token(&self, token: AccessToken) -> Result<C, AppError> {
        C::for_token(&self.inner.api_base_url, token, self.inner.http.clone()).map_err(AppError::Client)
    }

    /// Checks that an incoming request was signed by the API with the app's
    /// signing secret, recently.
    pub fn verify_request(&self, headers: &http::HeaderMap, body: &[u8]) -> Result<(), AppError> {
        let verifier = self.inner.verifier.as_ref().ok_or_else(|| AppError::NotConfigured {
            what: match self.inner.settings.env.signing_secret {
                "" => "the signing secret".to_string(),
                env => format!("the signing secret (environment variable {env})"),
            },
        })?;
        Ok(verifier.verify(headers, body)?)
    }

    /// The application was uninstalled from a workspace: forgets its bot and
    /// every installation in it.
    pub async fn uninstalled(&self, enterprise_id: Option<&str>, team_id: Option<&str>) -> Result<(), AppError> {
        self.inner.installations.delete_all(enterprise_id, team_id).await?;
        tracing::info!(enterprise_id, team_id, "forgot an uninstalled workspace");
        Ok(())
    }

    /// Tokens were revoked: forgets the users' installations and, when
    /// `bot` is true, the workspace's bot.
    pub async fn tokens_revoked(
        &self,
        enterprise_id: Option<&str>,
        team_id: Option<&str>,
        user_ids: &[&str],
        bot: bool,
    ) -> Result<(), AppError> {
        for user in user_ids {
            self.inner.installations.delete_installation(enterprise_id, team_id, Some(user)).await?;
        }
        if bot {
            self.inner.installations.delete_bot(enterprise_id, team_id).await?;
        }
        Ok(())
    }

    fn openid(&self) -> Result<(&OpenIdSettings, &IdTokenVerifier), InstallError> {
        match (&self.inner.settings.openid, &self.inner.id_tokens) {
            (Some(settings), Some(verifier)) => Ok((settings, verifier)),
            _ => Err(InstallError::NotConfigured { what: "OpenID Connect endpoints" }),
        }
    }

    /// Starts a sign-in with OpenID Connect: a nonce kept with the issued
    /// state, and the consent URL asking for the settings' scopes (`openid`,
    /// `email`, `profile`).
    pub async fn begin_sign_in(&self) -> Result<AuthorizationRequest, InstallError> {
        let (openid, _) = self.openid()?;
        let nonce = CsrfState::random().map_err(|e| InstallError::Store(StoreError::Random(e.to_string())))?;
        let state = self.inner.states.issue_with(Some(nonce.secret().to_string())).await?;
        let mut url = reqwest::Url::parse(&openid.authorization_url)
            .map_err(|_| InstallError::NotConfigured { what: "valid OpenID Connect authorization URL" })?;
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("response_type", "code");
            query.append_pair("scope", &openid.scopes.join(" "));
            query.append_pair("client_id", self.inner.client_id.as_str());
            query.append_pair("state", state.secret());
            query.append_pair("nonce", nonce.secret());
            if let Some(redirect_uri) = &self.inner.sign_in_redirect_uri {
                query.append_pair("redirect_uri", redirect_uri);
            }
        }
        Ok(AuthorizationRequest::new(url.to_string(), state, None))
    }

    /// Finishes a sign-in: consumes the state, exchanges the code, and
    /// verifies the `id_token` (signature against the provider's keys,
    /// issuer, audience, expiry, and the nonce kept with the state).
    pub async fn complete_sign_in(&self, callback: &str) -> Result<SignIn, InstallError> {
        let (openid, verifier) = self.openid()?;
        let callback = parse_callback(callback)?;
        let nonce = self.consume_state(&callback).await?;
        if let Some(code) = callback.error {
            return Err(InstallError::Denied { code, description: callback.error_description });
        }
        let code = callback.code.ok_or(InstallError::InvalidCallback { reason: "no `code` parameter".into() })?;
        let redirect_uri = self.inner.sign_in_redirect_uri.as_deref();
        let (status, body) = self.exchange_code(&openid.token_url, &code, redirect_uri, None).await?;
        let text = |key: &str| body.get(key).and_then(|v| v.as_str()).filter(|s| !s.is_empty()).map(str::to_string);
        let decode = |reason: &str| InstallError::Exchange(OAuthError::Decode { status, reason: reason.to_string() });
        let id_token = text("id_token").ok_or_else(|| decode("no `id_token` in the token response"))?;
        let access_token = text("access_token").ok_or_else(|| decode("no `access_token` in the token response"))?;
        let nonce = nonce.ok_or(InstallError::IdToken(OidcError::MissingNonce))?;
        let claims = verifier.verify(&id_token, &nonce).await.map_err(InstallError::IdToken)?;
        Ok(SignIn { claims, access_token: AccessToken::new(access_token), refresh_token: text("refresh_token").map(RefreshToken::new) })
    }
}
