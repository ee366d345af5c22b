//! OAuth 2: tokens, the token endpoint, and what every flow shares.
//!
//! A generated SDK has one module per OAuth 2 scheme of its API with the
//! scheme's credentials, scope enum and manager; this module holds the parts
//! they share: tokens and secrets, the authorization request (state, PKCE),
//! the callback check, the token endpoint client, and the cell that makes one
//! renewal serve every concurrent call.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

crate::secret::secret! {
    /// An OAuth 2 client secret.
    ClientSecret
}

crate::secret::secret! {
    /// An OAuth 2 refresh token.
    RefreshToken
}

crate::secret::secret! {
    /// The `state` of an authorization request: an unguessable value that ties
    /// the callback to the session that started it (CSRF protection).
    CsrfState
}

crate::secret::secret! {
    /// A PKCE code verifier (RFC 7636), kept by the client between the
    /// authorization request and the code exchange.
    PkceVerifier
}

impl CsrfState {
    /// 32 bytes from the operating system's random number generator, base64url.
    pub fn random() -> Result<Self, OAuthError> {
        random_urlsafe(32).map(CsrfState)
    }
}

impl PkceVerifier {
    /// A fresh verifier: 32 random bytes, base64url (43 characters).
    pub fn random() -> Result<Self, OAuthError> {
        random_urlsafe(32).map(PkceVerifier)
    }

    /// The S256 challenge sent in the authorization request.
    pub fn challenge(&self) -> String {
        use sha2::Digest;
        base64url(&sha2::Sha256::digest(self.secret().as_bytes()))
    }
}

/// An authorization request: the consent URL to send the user to, and what to keep
/// (in the user's session) to finish the flow.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    url: String,
    state: CsrfState,
    pkce: Option<PkceVerifier>,
}

impl AuthorizationRequest {
    /// A consent URL with the state (and PKCE verifier) it was made with.
    pub fn new(url: String, state: CsrfState, pkce: Option<PkceVerifier>) -> Self {
        AuthorizationRequest { url, state, pkce }
    }

    /// Where to send the user for consent.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The state to check the callback against.
    pub fn state(&self) -> &CsrfState {
        &self.state
    }

    /// The PKCE verifier to send with the code exchange, when PKCE is used.
    pub fn pkce_verifier(&self) -> Option<&PkceVerifier> {
        self.pkce.as_ref()
    }
}

fn random_urlsafe(len: usize) -> Result<String, OAuthError> {
    let mut bytes = vec![0u8; len];
    getrandom::fill(&mut bytes).map_err(|e| OAuthError::Random(e.to_string()))?;
    Ok(base64url(&bytes))
}

/// Unpadded base64url (RFC 4648 §5), as PKCE and state values use.
fn base64url(input: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(input)
}

/// Reads the authorization server's redirect back to the application: the whole
/// callback URL or just its query string. Returns the authorization code when the
/// state matches and the user approved.
pub fn parse_callback(callback: &str, expected_state: &str) -> Result<String, OAuthError> {
    let query = match callback.split_once('?') {
        Some((_, query)) => query,
        None => callback,
    };
    let query = query.split('#').next().unwrap_or("");
    let mut code = None;
    let mut state = None;
    let mut error = None;
    let mut description = None;
    let mut uri = None;
    for (key, value) in reqwest::Url::parse(&format!("http://callback/?{query}"))
        .map_err(|_| OAuthError::InvalidCallback { reason: "not a URL query".into() })?
        .query_pairs()
    {
        match key.as_ref() {
            "code" => code = Some(value.into_owned()),
            "state" => state = Some(value.into_owned()),
            "error" => error = Some(value.into_owned()),
            "error_description" => description = Some(value.into_owned()),
            "error_uri" => uri = Some(value.into_owned()),
            _ => {}
        }
    }
    // The state is checked first: an error redirect with a foreign state is not ours.
    match state {
        Some(s) if constant_time_eq(s.as_bytes(), expected_state.as_bytes()) => {}
        Some(_) => return Err(OAuthError::StateMismatch),
        None => return Err(OAuthError::InvalidCallback { reason: "no `state` parameter".into() }),
    }
    if let Some(code_word) = error {
        return Err(OAuthError::Provider { status: None, code: OAuthErrorCode::from(code_word), description, uri });
    }
    code.filter(|c| !c.is_empty()).ok_or_else(|| OAuthError::InvalidCallback { reason: "no `code` parameter".into() })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq as _;
    a.ct_eq(b).into()
}

/// The client id of an OAuth 2 application.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct ClientId(String);

impl ClientId {
    /// Wraps a client id.
    pub fn new(id: impl Into<String>) -> Self {
        ClientId(id.into())
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for ClientId {
    fn from(id: &str) -> Self {
        ClientId(id.to_string())
    }
}

impl From<String> for ClientId {
    fn from(id: String) -> Self {
        ClientId(id)
    }
}

/// Seconds since the Unix epoch.
pub fn now_unix() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// An OAuth 2 token, as the authorization server returned it.
///
/// Serialises for storage (the secrets in clear: store it as you would a
/// password) and keeps every field the server sent, including provider-specific
/// ones, in [`OAuthToken::extra`]. `Debug` never prints secrets.
#[derive(Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct OAuthToken {
    /// The access token.
    pub access_token: crate::secret::AccessToken,
    /// `token_type`, usually `bearer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
    /// Lifetime in seconds, as the server said when the token was issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
    /// When it expires, in seconds since the Unix epoch (computed on receipt).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<u64>,
    /// The refresh token, when the server issued one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<RefreshToken>,
    /// Granted scopes, as the server wrote them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Every other field of the token response (e.g. Slack's `team`,
    /// `authed_user`, `bot_user_id`, `enterprise`, `incoming_webhook`).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl OAuthToken {
    /// A token known only by its access token (no expiry, no refresh token).
    pub fn bearer(access_token: impl Into<crate::secret::AccessToken>) -> Self {
        OAuthToken {
            access_token: access_token.into(),
            token_type: Some("bearer".into()),
            expires_in: None,
            expires_at: None,
            refresh_token: None,
            scope: None,
            extra: serde_json::Map::new(),
        }
    }

    /// Sets when the token expires (seconds since the Unix epoch).
    pub fn with_expires_at(mut self, expires_at: u64) -> Self {
        self.expires_at = Some(expires_at);
        self
    }

    /// Sets the refresh token.
    pub fn with_refresh_token(mut self, refresh_token: impl Into<RefreshToken>) -> Self {
        self.refresh_token = Some(refresh_token.into());
        self
    }

    /// Whether the token has expired, or will within `skew`. A token without a
    /// known expiry never expires.
    pub fn is_expired_within(&self, skew: Duration) -> bool {
        self.expires_at.is_some_and(|at| now_unix().saturating_add(skew.as_secs()) >= at)
    }

    /// Whether the token has expired.
    pub fn is_expired(&self) -> bool {
        self.is_expired_within(Duration::ZERO)
    }

    /// A field of the token response that has no field of its own here.
    pub fn get(&self, field: &str) -> Option<&serde_json::Value> {
        self.extra.get(field)
    }
}

impl std::fmt::Debug for OAuthToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Extra fields may hold secrets too (Slack's `authed_user.access_token`):
        // only their names are shown.
        let extra: Vec<&String> = self.extra.keys().collect();
        f.debug_struct("OAuthToken")
            .field("access_token", &self.access_token)
            .field("token_type", &self.token_type)
            .field("expires_at", &self.expires_at)
            .field("refresh_token", &self.refresh_token)
            .field("scope", &self.scope)
            .field("extra_fields", &extra)
            .finish()
    }
}

impl From<crate::secret::AccessToken> for OAuthToken {
    fn from(token: crate::secret::AccessToken) -> Self {
        OAuthToken::bearer(token)
    }
}

/// Error codes of RFC 6749 (§4.1.2.1, §5.2), with a catch-all.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OAuthErrorCode {
    /// `invalid_request`
    InvalidRequest,
    /// `invalid_client`
    InvalidClient,
    /// `invalid_grant`
    InvalidGrant,
    /// `unauthorized_client`
    UnauthorizedClient,
    /// `unsupported_grant_type`
    UnsupportedGrantType,
    /// `invalid_scope`
    InvalidScope,
    /// `access_denied`
    AccessDenied,
    /// `unsupported_response_type`
    UnsupportedResponseType,
    /// `server_error`
    ServerError,
    /// `temporarily_unavailable`
    TemporarilyUnavailable,
    /// Any other code (providers add their own, e.g. Slack's `bad_redirect_uri`).
    Other(String),
}

impl OAuthErrorCode {
    /// The code as sent.
    pub fn as_str(&self) -> &str {
        match self {
            OAuthErrorCode::InvalidRequest => "invalid_request",
            OAuthErrorCode::InvalidClient => "invalid_client",
            OAuthErrorCode::InvalidGrant => "invalid_grant",
            OAuthErrorCode::UnauthorizedClient => "unauthorized_client",
            OAuthErrorCode::UnsupportedGrantType => "unsupported_grant_type",
            OAuthErrorCode::InvalidScope => "invalid_scope",
            OAuthErrorCode::AccessDenied => "access_denied",
            OAuthErrorCode::UnsupportedResponseType => "unsupported_response_type",
            OAuthErrorCode::ServerError => "server_error",
            OAuthErrorCode::TemporarilyUnavailable => "temporarily_unavailable",
            OAuthErrorCode::Other(code) => code,
        }
    }
}

impl From<String> for OAuthErrorCode {
    fn from(code: String) -> Self {
        match code.as_str() {
            "invalid_request" => OAuthErrorCode::InvalidRequest,
            "invalid_client" => OAuthErrorCode::InvalidClient,
            "invalid_grant" => OAuthErrorCode::InvalidGrant,
            "unauthorized_client" => OAuthErrorCode::UnauthorizedClient,
            "unsupported_grant_type" => OAuthErrorCode::UnsupportedGrantType,
            "invalid_scope" => OAuthErrorCode::InvalidScope,
            "access_denied" => OAuthErrorCode::AccessDenied,
            "unsupported_response_type" => OAuthErrorCode::UnsupportedResponseType,
            "server_error" => OAuthErrorCode::ServerError,
            "temporarily_unavailable" => OAuthErrorCode::TemporarilyUnavailable,
            _ => OAuthErrorCode::Other(code),
        }
    }
}

impl std::fmt::Display for OAuthErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an OAuth 2 step failed. Never holds a secret.
#[derive(Debug)]
#[non_exhaustive]
pub enum OAuthError {
    /// The authorization server refused: an RFC 6749 error response, a provider's
    /// `ok: false` body, or an `error` in the callback (e.g. `access_denied`).
    Provider {
        /// HTTP status of the token response (`None` for callback errors).
        status: Option<http::StatusCode>,
        /// The error code.
        code: OAuthErrorCode,
        /// `error_description`.
        description: Option<String>,
        /// `error_uri`.
        uri: Option<String>,
    },
    /// The callback's `state` is not the one this session sent: possibly forged.
    StateMismatch,
    /// The callback is malformed.
    InvalidCallback {
        /// What is wrong.
        reason: String,
    },
    /// A credential the step needs is not configured (client id, refresh token...).
    MissingCredential {
        /// Which.
        what: &'static str,
    },
    /// The token endpoint answered with a status and body that are not an OAuth error.
    Status {
        /// HTTP status.
        status: http::StatusCode,
        /// The body (token responses are not included, as they hold secrets).
        body: String,
    },
    /// The token response could not be decoded (its body is not kept: it may hold secrets).
    Decode {
        /// HTTP status.
        status: http::StatusCode,
        /// What did not fit.
        reason: String,
    },
    /// The operating system's random number generator failed.
    Random(String),
    /// A URL from the configuration or description is not valid.
    InvalidUrl {
        /// The URL.
        url: String,
    },
    /// Connecting to the token endpoint failed.
    Transport(crate::error::TransportError),
}

impl OAuthError {
    /// The provider's error code, for [`OAuthError::Provider`].
    pub fn code(&self) -> Option<&OAuthErrorCode> {
        match self {
            OAuthError::Provider { code, .. } => Some(code),
            _ => None,
        }
    }
}

impl std::fmt::Display for OAuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OAuthError::Provider { code, description, .. } => {
                write!(f, "OAuth provider error `{code}`")?;
                if let Some(d) = description {
                    write!(f, ": {d}")?;
                }
                Ok(())
            }
            OAuthError::StateMismatch => f.write_str("the callback's state does not match the authorization request"),
            OAuthError::InvalidCallback { reason } => write!(f, "invalid OAuth callback: {reason}"),
            OAuthError::MissingCredential { what } => write!(f, "no {what} configured"),
            OAuthError::Status { status, .. } => write!(f, "token endpoint answered HTTP {status}"),
            OAuthError::Decode { status, reason } => write!(f, "cannot decode the token response (HTTP {}): {reason}", status.as_u16()),
            OAuthError::Random(e) => write!(f, "random number generator failed: {e}"),
            OAuthError::InvalidUrl { url } => write!(f, "invalid OAuth URL `{url}`"),
            OAuthError::Transport(e) => write!(f, "cannot reach the token endpoint: {e}"),
        }
    }
}

impl std::error::Error for OAuthError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            OAuthError::Transport(e) => Some(e),
            _ => None,
        }
    }
}

/// How the client authenticates itself at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// HTTP basic with client id and secret (`client_secret_basic`).
    Basic,
    /// Client id and secret as form fields (`client_secret_post`).
    Post,
}

/// A grant request to the token endpoint.
pub struct TokenRequest<'a> {
    /// The token endpoint.
    pub url: String,
    /// The client id.
    pub client_id: Option<&'a ClientId>,
    /// The client secret.
    pub client_secret: Option<&'a ClientSecret>,
    /// How the client authenticates itself.
    pub auth: ClientAuth,
    /// The grant's form fields.
    pub params: Vec<(&'static str, String)>,
}

/// Resolves a URL from the description against the API's base URL (OAuth URLs
/// may be relative).
pub fn resolve_url(base: &reqwest::Url, url: &str) -> Result<String, OAuthError> {
    if url.starts_with("http://") || url.starts_with("https://") {
        return Ok(url.to_string());
    }
    let joined = format!("{}{}", base.as_str().trim_end_matches('/'), url);
    reqwest::Url::parse(&joined).map(|u| u.to_string()).map_err(|_| OAuthError::InvalidUrl { url: url.to_string() })
}

/// Whether a provider's JSON answer refuses: an error status, or HTTP 200
/// with `ok: false` (Slack).
pub(crate) fn is_refusal(status: http::StatusCode, body: &serde_json::Map<String, serde_json::Value>) -> bool {
    body.get("ok") == Some(&serde_json::Value::Bool(false)) || !status.is_success()
}

/// The RFC 6749 error of a provider's JSON answer (`error`,
/// `error_description`, `error_uri`), when it names one.
pub(crate) fn provider_error(status: http::StatusCode, body: &serde_json::Map<String, serde_json::Value>) -> Option<OAuthError> {
    let text = |k: &str| body.get(k).and_then(|v| v.as_str()).map(str::to_string);
    Some(OAuthError::Provider {
        status: Some(status),
        code: OAuthErrorCode::from(text("error")?),
        description: text("error_description"),
        uri: text("error_uri"),
    })
}

/// Posts a grant and reads the token (or the provider's error).
pub async fn request_token(http: &reqwest::Client, request: TokenRequest<'_>) -> Result<OAuthToken, OAuthError> {
    let mut params = request.params;
    let mut builder = http.post(&request.url).header(reqwest::header::ACCEPT, "application/json");
    match (request.auth, request.client_id, request.client_secret) {
        (ClientAuth::Basic, Some(id), Some(secret)) => {
            builder = builder.basic_auth(id.as_str(), Some(secret.secret()));
        }
        (_, id, secret) => {
            if let Some(id) = id {
                params.push(("client_id", id.as_str().to_string()));
            }
            if let Some(secret) = secret {
                params.push(("client_secret", secret.secret().to_string()));
            }
        }
    }
    let response = builder.form(&params).send().await.map_err(|e| OAuthError::Transport(crate::error::TransportError::from(e)))?;
    let status = response.status();
    let bytes = response.bytes().await.map_err(|e| OAuthError::Transport(crate::error::TransportError::from(e)))?;
    let value: Option<serde_json::Value> = serde_json::from_slice(&bytes).ok();
    // RFC 6749 errors, and providers that answer 200 with `ok: false` (Slack).
    if let Some(serde_json::Value::Object(body)) = &value {
        let refused = is_refusal(status, body) || !body.contains_key("access_token");
        if let Some(error) = provider_error(status, body).filter(|_| refused) {
            return Err(error);
        }
    }
    if !status.is_success() {
        return Err(OAuthError::Status { status, body: String::from_utf8_lossy(&bytes).into_owned() });
    }
    let value = value.ok_or_else(|| OAuthError::Decode { status, reason: "the body is not JSON".into() })?;
    let mut token: OAuthToken = serde_json::from_value(value).map_err(|e| OAuthError::Decode { status, reason: e.to_string() })?;
    if let Some(expires_in) = token.expires_in {
        token.expires_at = Some(now_unix().saturating_add(expires_in));
    }
    Ok(token)
}

/// The token a client holds for one scheme, and the lock that makes one refresh
/// (or fetch) serve every concurrent call.
pub struct TokenCell {
    current: std::sync::Mutex<Option<OAuthToken>>,
    refresh: tokio::sync::Mutex<()>,
}

impl TokenCell {
    /// A cell holding `token`.
    pub fn new(token: Option<OAuthToken>) -> Self {
        TokenCell { current: std::sync::Mutex::new(token), refresh: tokio::sync::Mutex::new(()) }
    }

    /// The current token.
    pub fn get(&self) -> Option<OAuthToken> {
        self.current.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Replaces the token.
    pub fn set(&self, token: OAuthToken) {
        *self.current.lock().unwrap_or_else(|p| p.into_inner()) = Some(token);
    }

    /// Runs `renew` unless another call renewed the token while this one waited:
    /// `stale` is the token this call found unusable. Also says whether this call
    /// did the renewing.
    pub async fn renew<F, Fut>(&self, stale: Option<&crate::secret::AccessToken>, renew: F) -> Result<(OAuthToken, bool), OAuthError>
    where
        F: FnOnce(Option<OAuthToken>) -> Fut,
        Fut: std::future::Future<Output = Result<OAuthToken, OAuthError>>,
    {
        let _guard = self.refresh.lock().await;
        let current = self.get();
        if let Some(token) = &current
            && Some(&token.access_token) != stale
        {
            return Ok((token.clone(), false));
        }
        let token = renew(current).await?;
        self.set(token.clone());
        Ok((token, true))
    }
}

impl std::fmt::Debug for TokenCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenCell").field("current", &self.get()).finish()
    }
}

/// Whether a scheme's token can be used for a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// A valid token is there, or the client can get one.
    Ready,
    /// The token has expired and the client cannot renew it.
    Expired,
    /// No token and no way to get one.
    Missing,
}

/// Why a call could not get a token for its scheme.
pub enum CallAuthError {
    /// No token and no way to get one.
    Missing,
    /// The token expired and may not be renewed automatically.
    Expired,
    /// Renewing failed.
    OAuth(OAuthError),
}

/// A callback the application registers to persist tokens the client renews.
pub type TokenCallback = std::sync::Arc<dyn Fn(&OAuthToken) + Send + Sync>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_challenge_matches_rfc_7636_appendix_b() {
        let verifier = PkceVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(verifier.challenge(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }

    #[test]
    fn callback_checks_state_and_reports_denial() {
        assert_eq!(parse_callback("https://app/cb?code=abc&state=s1", "s1").unwrap(), "abc");
        assert!(matches!(parse_callback("code=abc&state=s2", "s1"), Err(OAuthError::StateMismatch)));
        let denied = parse_callback("https://app/cb?error=access_denied&state=s1", "s1").unwrap_err();
        assert_eq!(denied.code(), Some(&OAuthErrorCode::AccessDenied));
        assert!(matches!(parse_callback("code=abc", "s1"), Err(OAuthError::InvalidCallback { .. })));
    }

    #[test]
    fn random_values_differ() {
        assert_ne!(CsrfState::random().unwrap(), CsrfState::random().unwrap());
        assert_eq!(PkceVerifier::random().unwrap().secret().len(), 43);
    }

    #[test]
    fn token_debug_hides_secrets_and_expiry_uses_skew() {
        let mut token = OAuthToken::bearer("xoxb-secret").with_refresh_token("xoxe-refresh").with_expires_at(now_unix() + 30);
        token.extra.insert("authed_user".into(), serde_json::json!({"access_token": "xoxp-user"}));
        let shown = format!("{token:?}");
        assert!(!shown.contains("xoxb-secret") && !shown.contains("xoxe-refresh") && !shown.contains("xoxp"), "{shown}");
        assert!(!token.is_expired());
        assert!(token.is_expired_within(Duration::from_secs(60)));
        let stored = serde_json::to_string(&token).unwrap();
        let restored: OAuthToken = serde_json::from_str(&stored).unwrap();
        assert_eq!(restored, token);
    }
}
