//! OAuth 2 flows of the generated clients against a local authorization server.
//!
//! The server is a wiremock `MockServer` on 127.0.0.1 whose token endpoints are a
//! custom [`Respond`] implementation over shared state: it authenticates clients
//! (HTTP basic or form fields), issues one-time authorization codes bound to the
//! client, redirect URI and PKCE challenge, rotates refresh tokens (each usable
//! once), answers with RFC 6749 errors (or Slack's HTTP 200 `ok: false` bodies),
//! counts grants per type, and can issue short-lived tokens. The same server
//! serves API endpoints that accept only the bearer tokens it issued, so the
//! clients' base URL is the server's URI.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use multiauth_sample::oauth::PkceVerifier;
use multiauth_sample::{
    Configuration, ConfigurationBuilder, Error, MultiauthSampleClient, OAuthAcgCredentials, OAuthAcgScope, OAuthCcgCredentials, OAuthError,
    OAuthErrorCode, OAuthRopcgCredentials, OAuthToken, Scheme,
};
use serde_json::{Map, Value, json};
use slack_web_api::{SlackAuthCredentials, SlackAuthScope, SlackWebApiClient};
use wiremock::http::Url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const ACG_CLIENT: &str = "acg-client";
const ACG_SECRET: &str = "acg-secret-5f2b";
const REDIRECT: &str = "https://app.example/oauth/callback";
const ROPCG_CLIENT: &str = "ropcg-client";
const ROPCG_SECRET: &str = "ropcg-secret-9d1c";
const USERNAME: &str = "alice";
const PASSWORD: &str = "wonderland-pw-3e8";
const CCG_CLIENT: &str = "ccg-client";
const CCG_SECRET: &str = "ccg-secret-77aa";
const SLACK_CLIENT: &str = "1234.5678";
const SLACK_SECRET: &str = "slack-secret-0c3e";
const SLACK_REDIRECT: &str = "https://app.example/slack/callback";

const ACG_TOKEN_PATH: &str = "/oauth2/non-auth-server/token";
const CCG_TOKEN_PATH: &str = "/oauth2/auth-server/request_token";
const CONSENT_PATH: &str = "/oauth2/auth-server/oauth/authorize";
const USER_PATH: &str = "/oauth2/non-auth-server/user";
const STATUS_PATH: &str = "/oauth2/non-auth-server/status";
const SLACK_TOKEN_PATH: &str = "/api/oauth.v2.access";
const SLACK_AUTH_TEST_PATH: &str = "/auth.test";
const SLACK_EMOJI_LIST_PATH: &str = "/emoji.list";

// ---------------------------------------------------------------------------
// The authorization server
// ---------------------------------------------------------------------------

/// How the server words its answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flavor {
    /// RFC 6749: errors are 400/401 with `{"error": ..., "error_description": ...}`.
    Rfc6749,
    /// Slack: everything is HTTP 200, errors are `{"ok": false, "error": ...}`.
    Slack,
}

#[derive(Debug, Clone)]
struct RegisteredClient {
    secret: String,
    redirect_uri: Option<String>,
}

#[derive(Debug, Clone)]
struct CodeGrant {
    client_id: String,
    redirect_uri: String,
    challenge: Option<String>,
    scope: Option<String>,
    used: bool,
}

#[derive(Debug, Clone)]
struct RefreshGrant {
    client_id: String,
    scope: Option<String>,
    used: bool,
}

#[derive(Debug, Clone)]
struct IssuedToken {
    client_id: String,
    expires_at: Option<SystemTime>,
}

/// One request to a token endpoint, as the server read it.
#[derive(Debug, Clone)]
struct TokenCall {
    path: String,
    form: Vec<(String, String)>,
    /// Client id and secret from `Authorization: Basic`.
    basic: Option<(String, String)>,
    content_type: Option<String>,
    accept: Option<String>,
}

impl TokenCall {
    fn field(&self, name: &str) -> Option<&str> {
        self.form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Why the token endpoint refuses a grant.
struct Refusal {
    status: u16,
    error: &'static str,
    slack_error: &'static str,
    description: String,
}

impl Refusal {
    fn new(status: u16, error: &'static str, slack_error: &'static str, description: impl Into<String>) -> Self {
        Refusal { status, error, slack_error, description: description.into() }
    }

    fn invalid_grant(slack_error: &'static str, description: &str) -> Self {
        Refusal::new(400, "invalid_grant", slack_error, description)
    }

    fn response(&self, flavor: Flavor) -> ResponseTemplate {
        match flavor {
            Flavor::Rfc6749 => {
                let mut template = ResponseTemplate::new(self.status).insert_header("cache-control", "no-store").set_body_json(json!({
                    "error": self.error,
                    "error_description": self.description,
                }));
                if self.status == 401 {
                    template = template.insert_header("www-authenticate", "Basic realm=\"oauth\"");
                }
                template
            }
            Flavor::Slack => ResponseTemplate::new(200).set_body_json(json!({ "ok": false, "error": self.slack_error })),
        }
    }
}

#[derive(Debug)]
struct AuthState {
    clients: HashMap<String, RegisteredClient>,
    users: HashMap<String, String>,
    codes: HashMap<String, CodeGrant>,
    refresh_tokens: HashMap<String, RefreshGrant>,
    access_tokens: HashMap<String, IssuedToken>,
    /// Token requests per `grant_type` (successful or not).
    grants: HashMap<String, usize>,
    calls: Vec<TokenCall>,
    serials: HashMap<&'static str, u64>,
    /// Lifetime of the tokens issued from now on (`None`: no `expires_in`).
    expires_in: Option<u64>,
    /// Whether refresh grants issue a new refresh token (and retire the old one).
    rotate: bool,
    /// Extra fields of authorization code token responses.
    extra: Map<String, Value>,
    /// Prepended to every access and refresh token issued.
    token_prefix: String,
}

impl Default for AuthState {
    fn default() -> Self {
        AuthState {
            clients: HashMap::new(),
            users: HashMap::new(),
            codes: HashMap::new(),
            refresh_tokens: HashMap::new(),
            access_tokens: HashMap::new(),
            grants: HashMap::new(),
            calls: Vec::new(),
            serials: HashMap::new(),
            expires_in: Some(3600),
            rotate: true,
            extra: Map::new(),
            token_prefix: String::new(),
        }
    }
}

fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    let text = String::from_utf8_lossy(body);
    Url::parse(&format!("http://form.invalid/?{text}")).map(|url| url.query_pairs().into_owned().collect()).unwrap_or_default()
}

fn header_value(request: &Request, name: &str) -> Option<String> {
    request.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// Standard base64 (RFC 4648 §4), for reading `Authorization: Basic`.
fn base64_decode(input: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in input.bytes() {
        if c == b'=' {
            break;
        }
        let value = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

fn parse_basic(authorization: &str) -> Option<(String, String)> {
    let encoded = authorization.strip_prefix("Basic ")?;
    let decoded = String::from_utf8(base64_decode(encoded)?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_string(), secret.to_string()))
}

fn scopes_of(scope: &str) -> Vec<&str> {
    scope.split([' ', ',']).filter(|s| !s.is_empty()).collect()
}

impl AuthState {
    fn next(&mut self, kind: &'static str) -> u64 {
        let serial = self.serials.entry(kind).or_default();
        *serial += 1;
        *serial
    }

    fn token_endpoint(&mut self, request: &Request, flavor: Flavor) -> ResponseTemplate {
        let form = form_pairs(&request.body);
        let basic = header_value(request, "authorization").and_then(|h| parse_basic(&h));
        let call = TokenCall {
            path: request.url.path().to_string(),
            form,
            basic,
            content_type: header_value(request, "content-type"),
            accept: header_value(request, "accept"),
        };
        let grant_type = call.field("grant_type").unwrap_or_default().to_string();
        *self.grants.entry(grant_type.clone()).or_default() += 1;
        self.calls.push(call.clone());
        match self.grant(&call, &grant_type, flavor) {
            Ok(body) => ResponseTemplate::new(200)
                .insert_header("cache-control", "no-store")
                .insert_header("pragma", "no-cache")
                .set_body_json(body),
            Err(refusal) => refusal.response(flavor),
        }
    }

    fn grant(&mut self, call: &TokenCall, grant_type: &str, flavor: Flavor) -> Result<Value, Refusal> {
        // Client authentication: HTTP basic, else form fields.
        let (client_id, secret) = match &call.basic {
            Some((id, secret)) => (id.clone(), Some(secret.clone())),
            None => (call.field("client_id").unwrap_or_default().to_string(), call.field("client_secret").map(str::to_string)),
        };
        let Some(client) = self.clients.get(&client_id) else {
            return Err(Refusal::new(401, "invalid_client", "invalid_client_id", "unknown client"));
        };
        if secret.as_deref() != Some(client.secret.as_str()) {
            return Err(Refusal::new(401, "invalid_client", "bad_client_secret", "client authentication failed"));
        }
        match grant_type {
            "authorization_code" => {
                let code = call.field("code").unwrap_or_default();
                let Some(grant) = self.codes.get_mut(code) else {
                    return Err(Refusal::invalid_grant("invalid_code", "unknown authorization code"));
                };
                if grant.used {
                    return Err(Refusal::invalid_grant("invalid_code", "authorization code already used"));
                }
                grant.used = true;
                let grant = grant.clone();
                if grant.client_id != client_id {
                    return Err(Refusal::invalid_grant("invalid_code", "code issued to another client"));
                }
                if call.field("redirect_uri") != Some(grant.redirect_uri.as_str()) {
                    return Err(Refusal::invalid_grant("bad_redirect_uri", "redirect_uri does not match"));
                }
                if let Some(challenge) = &grant.challenge {
                    let Some(verifier) = call.field("code_verifier") else {
                        return Err(Refusal::invalid_grant("invalid_code_verifier", "code_verifier missing"));
                    };
                    if PkceVerifier::new(verifier).challenge() != *challenge {
                        return Err(Refusal::invalid_grant("invalid_code_verifier", "PKCE verification failed"));
                    }
                }
                let extra = self.extra.clone();
                let refresh = flavor == Flavor::Rfc6749;
                Ok(self.issue(&client_id, grant.scope, refresh, extra, flavor))
            }
            "refresh_token" => {
                let presented = call.field("refresh_token").unwrap_or_default();
                let rotate = self.rotate;
                let Some(grant) = self.refresh_tokens.get_mut(presented) else {
                    return Err(Refusal::invalid_grant("invalid_refresh_token", "unknown refresh token"));
                };
                if grant.used {
                    return Err(Refusal::invalid_grant("invalid_refresh_token", "refresh token already used"));
                }
                if grant.client_id != client_id {
                    return Err(Refusal::invalid_grant("invalid_refresh_token", "refresh token issued to another client"));
                }
                let granted = grant.scope.clone();
                if let Some(requested) = call.field("scope") {
                    let allowed = granted.as_deref().map(scopes_of).unwrap_or_default();
                    if !scopes_of(requested).iter().all(|s| allowed.contains(s)) {
                        return Err(Refusal::new(400, "invalid_scope", "invalid_scope", "scope exceeds the grant"));
                    }
                }
                grant.used = rotate;
                let scope = call.field("scope").map(str::to_string).or(granted);
                Ok(self.issue(&client_id, scope, rotate, Map::new(), flavor))
            }
            "password" => {
                let username = call.field("username").unwrap_or_default();
                let password = call.field("password").unwrap_or_default();
                if self.users.get(username).map(String::as_str) != Some(password) {
                    return Err(Refusal::invalid_grant("invalid_grant", "invalid resource owner credentials"));
                }
                let scope = call.field("scope").map(str::to_string);
                Ok(self.issue(&client_id, scope, true, Map::new(), flavor))
            }
            "client_credentials" => {
                let scope = call.field("scope").map(str::to_string);
                Ok(self.issue(&client_id, scope, false, Map::new(), flavor))
            }
            _ => Err(Refusal::new(
                400,
                "unsupported_grant_type",
                "unsupported_grant_type",
                format!("grant type `{grant_type}` is not supported"),
            )),
        }
    }

    fn issue(&mut self, client_id: &str, scope: Option<String>, with_refresh: bool, extra: Map<String, Value>, flavor: Flavor) -> Value {
        let (access_kind, refresh_kind, token_type) = match flavor {
            Flavor::Rfc6749 => ("at", "rt", "Bearer"),
            Flavor::Slack => ("xoxb", "xoxe", "bot"),
        };
        let serial = self.next(access_kind);
        let access = format!("{}{access_kind}-{serial}", self.token_prefix);
        let expires_at = self.expires_in.map(|s| SystemTime::now() + Duration::from_secs(s));
        self.access_tokens.insert(access.clone(), IssuedToken { client_id: client_id.to_string(), expires_at });
        let mut body = Map::new();
        if flavor == Flavor::Slack {
            body.insert("ok".into(), json!(true));
        }
        body.insert("access_token".into(), json!(access));
        body.insert("token_type".into(), json!(token_type));
        if let Some(expires_in) = self.expires_in {
            body.insert("expires_in".into(), json!(expires_in));
        }
        if with_refresh {
            let serial = self.next(refresh_kind);
            let refresh = format!("{}{refresh_kind}-{serial}", self.token_prefix);
            self.refresh_tokens
                .insert(refresh.clone(), RefreshGrant { client_id: client_id.to_string(), scope: scope.clone(), used: false });
            body.insert("refresh_token".into(), json!(refresh));
        }
        if let Some(scope) = scope {
            body.insert("scope".into(), json!(scope));
        }
        body.extend(extra);
        Value::Object(body)
    }

    fn accepts(&self, token: &str, client_id: &str) -> bool {
        self.access_tokens
            .get(token)
            .is_some_and(|issued| issued.client_id == client_id && issued.expires_at.is_none_or(|at| SystemTime::now() < at))
    }
}

/// A token endpoint.
struct TokenEndpoint {
    state: Arc<Mutex<AuthState>>,
    flavor: Flavor,
}

impl Respond for TokenEndpoint {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.token_endpoint(request, self.flavor)
    }
}

/// An API endpoint that takes only bearer tokens the server issued to `client_id`.
struct ApiEndpoint {
    state: Arc<Mutex<AuthState>>,
    client_id: &'static str,
    flavor: Flavor,
}

impl Respond for ApiEndpoint {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let authorized = authorization_values(request)
            .iter()
            .any(|value| value.strip_prefix("Bearer ").is_some_and(|token| state.accepts(token, self.client_id)));
        match (self.flavor, authorized) {
            (Flavor::Rfc6749, true) => ResponseTemplate::new(200).set_body_json(json!({
                "message": "Authentication successful.",
                "passed": true,
            })),
            (Flavor::Rfc6749, false) => ResponseTemplate::new(401)
                .insert_header("www-authenticate", "Bearer error=\"invalid_token\"")
                .set_body_json(json!({ "message": "Invalid credentials.", "code": "unauthorized" })),
            (Flavor::Slack, true) => ResponseTemplate::new(200).set_body_json(json!({
                "ok": true,
                "url": "https://team.slack.com/",
                "team": "Team",
                "user": "bot",
                "team_id": "T1",
                "user_id": "U1",
            })),
            (Flavor::Slack, false) => ResponseTemplate::new(200).set_body_json(json!({ "ok": false, "error": "invalid_auth" })),
        }
    }
}

/// Every `Authorization` header value of a request.
fn authorization_values(request: &Request) -> Vec<String> {
    request.headers.get_all("authorization").iter().filter_map(|v| v.to_str().ok()).map(str::to_string).collect()
}

/// The authorization server and API, on 127.0.0.1.
struct AuthServer {
    mock: MockServer,
    state: Arc<Mutex<AuthState>>,
}

impl AuthServer {
    /// A server with no route, and the test clients and user registered.
    async fn bare() -> Self {
        let mut state = AuthState::default();
        let clients = [
            (ACG_CLIENT, ACG_SECRET, Some(REDIRECT)),
            (ROPCG_CLIENT, ROPCG_SECRET, None),
            (CCG_CLIENT, CCG_SECRET, None),
            (SLACK_CLIENT, SLACK_SECRET, Some(SLACK_REDIRECT)),
        ];
        for (id, secret, redirect) in clients {
            state
                .clients
                .insert(id.to_string(), RegisteredClient { secret: secret.to_string(), redirect_uri: redirect.map(str::to_string) });
        }
        state.users.insert(USERNAME.to_string(), PASSWORD.to_string());
        AuthServer { mock: MockServer::start().await, state: Arc::new(Mutex::new(state)) }
    }

    /// A server with the multi-auth sample's token endpoints and OAuth API
    /// endpoints, and Slack's token endpoint and `auth.test`.
    async fn start() -> Self {
        let server = AuthServer::bare().await;
        server.mount_token_endpoint(ACG_TOKEN_PATH, Flavor::Rfc6749).await;
        server.mount_token_endpoint(CCG_TOKEN_PATH, Flavor::Rfc6749).await;
        server.mount_token_endpoint(SLACK_TOKEN_PATH, Flavor::Slack).await;
        server.mount_api(USER_PATH, ACG_CLIENT, Flavor::Rfc6749).await;
        server.mount_api(STATUS_PATH, CCG_CLIENT, Flavor::Rfc6749).await;
        server.mount_api(SLACK_AUTH_TEST_PATH, SLACK_CLIENT, Flavor::Slack).await;
        server.mount_api(SLACK_EMOJI_LIST_PATH, SLACK_CLIENT, Flavor::Slack).await;
        server
    }

    async fn mount_token_endpoint(&self, at: &str, flavor: Flavor) {
        Mock::given(method("POST")).and(path(at)).respond_with(TokenEndpoint { state: self.state.clone(), flavor }).mount(&self.mock).await;
    }

    async fn mount_api(&self, at: &str, client_id: &'static str, flavor: Flavor) {
        Mock::given(method("GET"))
            .and(path(at))
            .respond_with(ApiEndpoint { state: self.state.clone(), client_id, flavor })
            .mount(&self.mock)
            .await;
    }

    fn uri(&self) -> String {
        self.mock.uri()
    }

    fn state(&self) -> MutexGuard<'_, AuthState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Acts as the user approving the consent page at `consent_url`: checks the
    /// request like an authorization server, issues a one-time code bound to the
    /// client, redirect URI, scope and PKCE challenge, and returns the redirect
    /// back to the application.
    fn approve(&self, consent_url: &str) -> String {
        let url = Url::parse(consent_url).expect("the consent URL parses");
        let params: HashMap<String, String> = url.query_pairs().into_owned().collect();
        assert_eq!(params.get("response_type").map(String::as_str), Some("code"));
        let client_id = params.get("client_id").expect("client_id").clone();
        let redirect_uri = params.get("redirect_uri").expect("redirect_uri").clone();
        let mut state = self.state();
        let registered = state.clients.get(&client_id).unwrap_or_else(|| panic!("unknown client {client_id}")).redirect_uri.clone();
        assert_eq!(registered.as_deref(), Some(redirect_uri.as_str()), "unregistered redirect URI");
        let challenge = params.get("code_challenge").cloned();
        if challenge.is_some() {
            assert_eq!(params.get("code_challenge_method").map(String::as_str), Some("S256"));
        }
        let code = format!("code-{}", state.next("code"));
        state.codes.insert(
            code.clone(),
            CodeGrant { client_id, redirect_uri: redirect_uri.clone(), challenge, scope: params.get("scope").cloned(), used: false },
        );
        let mut callback = Url::parse(&redirect_uri).expect("redirect URI");
        callback.query_pairs_mut().append_pair("code", &code);
        if let Some(csrf) = params.get("state") {
            callback.query_pairs_mut().append_pair("state", csrf);
        }
        callback.to_string()
    }

    /// Acts as the user declining the consent page: the error redirect.
    fn deny(&self, consent_url: &str) -> String {
        let url = Url::parse(consent_url).expect("the consent URL parses");
        let params: HashMap<String, String> = url.query_pairs().into_owned().collect();
        let mut callback = Url::parse(params.get("redirect_uri").expect("redirect_uri")).unwrap();
        callback
            .query_pairs_mut()
            .append_pair("error", "access_denied")
            .append_pair("error_description", "The resource owner denied the request")
            .append_pair("state", params.get("state").expect("state"));
        callback.to_string()
    }

    fn seed_access_token(&self, token: &str, client_id: &str) {
        self.state().access_tokens.insert(token.to_string(), IssuedToken { client_id: client_id.to_string(), expires_at: None });
    }

    fn seed_refresh_token(&self, token: &str, client_id: &str, scope: Option<&str>) {
        self.state()
            .refresh_tokens
            .insert(token.to_string(), RefreshGrant { client_id: client_id.to_string(), scope: scope.map(str::to_string), used: false });
    }

    fn revoke(&self, token: &str) {
        self.state().access_tokens.remove(token);
    }

    fn set_expires_in(&self, expires_in: Option<u64>) {
        self.state().expires_in = expires_in;
    }

    fn set_extra(&self, extra: Value) {
        let Value::Object(map) = extra else { panic!("extra fields must be an object") };
        self.state().extra = map;
    }

    fn grants(&self, grant_type: &str) -> usize {
        self.state().grants.get(grant_type).copied().unwrap_or(0)
    }

    fn token_calls(&self) -> Vec<TokenCall> {
        self.state().calls.clone()
    }

    async fn requests(&self) -> Vec<Request> {
        self.mock.received_requests().await.expect("request recording is on")
    }

    async fn requests_to(&self, at: &str) -> Vec<Request> {
        self.requests().await.into_iter().filter(|r| r.url.path() == at).collect()
    }
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn query_pairs(url: &Url) -> Vec<(String, String)> {
    url.query_pairs().into_owned().collect()
}

fn basic(id: &str, secret: &str) -> Option<(String, String)> {
    Some((id.to_string(), secret.to_string()))
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs()
}

fn acg_credentials() -> OAuthAcgCredentials {
    OAuthAcgCredentials::new(ACG_CLIENT, ACG_SECRET, REDIRECT).with_scopes([OAuthAcgScope::FileRequestsRead])
}

fn ropcg_credentials() -> OAuthRopcgCredentials {
    OAuthRopcgCredentials::new(ROPCG_CLIENT, ROPCG_SECRET, USERNAME, PASSWORD)
}

fn multiauth_client(server: &AuthServer, configure: impl FnOnce(ConfigurationBuilder) -> ConfigurationBuilder) -> MultiauthSampleClient {
    let config = configure(Configuration::builder().base_url(server.uri())).build();
    MultiauthSampleClient::new(config).expect("client")
}

fn slack_credentials(server: &AuthServer) -> SlackAuthCredentials {
    SlackAuthCredentials::new(SLACK_CLIENT, SLACK_SECRET, SLACK_REDIRECT).with_token_url(format!("{}{SLACK_TOKEN_PATH}", server.uri()))
}

fn slack_client(server: &AuthServer, credentials: SlackAuthCredentials) -> SlackWebApiClient {
    let config = slack_web_api::Configuration::builder().base_url(server.uri()).slack_auth(credentials).build();
    SlackWebApiClient::new(config).expect("client")
}

/// Asserts `error` is the provider's refusal with this code, HTTP status and description.
#[track_caller]
fn assert_provider_error(
    error: &OAuthError,
    expected_code: OAuthErrorCode,
    expected_status: Option<u16>,
    expected_description: Option<&str>,
) {
    match error {
        OAuthError::Provider { status, code, description, uri } => {
            assert_eq!(code, &expected_code, "{error:?}");
            assert_eq!(status.map(|s| s.as_u16()), expected_status, "{error:?}");
            assert_eq!(description.as_deref(), expected_description, "{error:?}");
            assert_eq!(uri, &None, "{error:?}");
        }
        other => panic!("expected a provider error `{expected_code}`, got {other:?}"),
    }
}

/// Polls until `expired` says so (tokens are issued with a lifetime of seconds).
async fn wait_until(expired: impl Fn() -> bool) {
    for _ in 0..100 {
        if expired() {
            return;
        }
        // The test crate's tokio has no `time` feature of its own.
        tokio::task::spawn_blocking(|| std::thread::sleep(Duration::from_millis(100))).await.expect("sleep");
    }
    panic!("the token did not expire within 10 s");
}

// ---------------------------------------------------------------------------
// 1. Authorization code grant with state and PKCE
// ---------------------------------------------------------------------------

#[tokio::test]
async fn authorization_code_flow_with_state_and_pkce() {
    let server = AuthServer::start().await;
    server.set_extra(json!({
        "account": { "id": "u-42", "name": USERNAME },
        "issued_by": "sdkgen-tests",
    }));
    let client = multiauth_client(&server, |b| b.o_auth_acg(acg_credentials()).o_auth_ropcg(ropcg_credentials()));
    let manager = client.o_auth_acg();

    // The server checks verifiers with the crate's S256 function: anchor it to
    // RFC 7636 appendix B first.
    assert_eq!(PkceVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").challenge(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");

    // The consent URL.
    let request = manager.authorization_request(true).expect("authorization request");
    let other = manager.authorization_request(true).expect("authorization request");
    assert_ne!(request.state(), other.state(), "the state is random");
    let verifier = request.pkce_verifier().expect("a PKCE verifier");
    assert_ne!(Some(verifier), other.pkce_verifier(), "the verifier is random");
    assert_eq!(verifier.secret().len(), 43);
    assert_eq!(request.state().secret().len(), 43);
    for secret in [verifier.secret(), request.state().secret()] {
        assert!(secret.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "not base64url: {secret}");
    }
    let url = Url::parse(request.url()).expect("consent URL");
    let base = Url::parse(&server.uri()).unwrap();
    assert_eq!(url.scheme(), base.scheme());
    assert_eq!(url.host_str(), base.host_str());
    assert_eq!(url.port(), base.port());
    assert_eq!(url.path(), CONSENT_PATH);
    let challenge = verifier.challenge();
    assert_eq!(
        query_pairs(&url),
        pairs(&[
            ("response_type", "code"),
            ("client_id", ACG_CLIENT),
            ("redirect_uri", REDIRECT),
            ("scope", "file_requests.read"),
            ("state", request.state().secret()),
            ("code_challenge", &challenge),
            ("code_challenge_method", "S256"),
        ])
    );

    // The user approves; the server redirects back with a code for that state.
    let callback = server.approve(request.url());
    assert_eq!(callback, format!("{REDIRECT}?code=code-1&state={}", request.state().secret()));
    let code = manager.parse_callback(&callback, request.state()).expect("the callback's code");
    assert_eq!(code, "code-1");
    // Only the query string works too.
    let query = callback.split_once('?').unwrap().1;
    assert_eq!(manager.parse_callback(query, request.state()).unwrap(), "code-1");

    // A callback for another session's state is refused.
    let mismatch = manager.parse_callback(&callback, other.state()).unwrap_err();
    assert!(matches!(mismatch, OAuthError::StateMismatch), "{mismatch:?}");

    // The user declines.
    let denied = server.deny(request.url());
    let error = manager.parse_callback(&denied, request.state()).unwrap_err();
    assert_provider_error(&error, OAuthErrorCode::AccessDenied, None, Some("The resource owner denied the request"));
    assert_eq!(server.token_calls().len(), 0, "nothing sent before the exchange");

    // The code exchange.
    let token = manager.fetch_token_with_pkce(&code, verifier).await.expect("token");
    let calls = server.token_calls();
    assert_eq!(calls.len(), 1);
    let call = &calls[0];
    assert_eq!(call.path, ACG_TOKEN_PATH);
    assert_eq!(call.basic, basic(ACG_CLIENT, ACG_SECRET));
    assert_eq!(call.content_type.as_deref(), Some("application/x-www-form-urlencoded"));
    assert_eq!(call.accept.as_deref(), Some("application/json"));
    assert_eq!(
        call.form,
        pairs(&[
            ("grant_type", "authorization_code"),
            ("code", "code-1"),
            ("redirect_uri", REDIRECT),
            ("code_verifier", verifier.secret()),
        ])
    );
    assert_eq!(server.grants("authorization_code"), 1);

    assert_eq!(token.access_token.secret(), "at-1");
    assert_eq!(token.token_type.as_deref(), Some("Bearer"));
    assert_eq!(token.expires_in, Some(3600));
    let expires_at = token.expires_at.expect("expires_at computed on receipt");
    let now = unix_now();
    assert!((now + 3595..=now + 3600).contains(&expires_at), "{expires_at} vs now {now}");
    assert_eq!(token.refresh_token.as_ref().map(|r| r.secret()), Some("rt-1"));
    assert_eq!(token.scope.as_deref(), Some("file_requests.read"));
    assert_eq!(Value::Object(token.extra.clone()), json!({ "account": { "id": "u-42", "name": USERNAME }, "issued_by": "sdkgen-tests" }));
    assert_eq!(token.get("issued_by"), Some(&json!("sdkgen-tests")));
    assert_eq!(manager.token(), Some(token.clone()), "the client keeps the token");
    assert!(!manager.is_token_expired());
}

/// After `fetch_token_with_pkce`, "the client uses it from now on": a call to an
/// endpoint that needs OAuthACG carries `Authorization: Bearer <that token>`.
#[tokio::test]
async fn token_from_the_code_exchange_authorizes_calls() {
    let server = AuthServer::start().await;
    let client = multiauth_client(&server, |b| b.o_auth_acg(acg_credentials()).o_auth_ropcg(ropcg_credentials()));
    let manager = client.o_auth_acg();
    let request = manager.authorization_request(true).unwrap();
    let code = manager.parse_callback(&server.approve(request.url()), request.state()).unwrap();
    let token = manager.fetch_token_with_pkce(&code, request.pkce_verifier().unwrap()).await.expect("token");
    assert_eq!(token.access_token.secret(), "at-1");
    assert_eq!(manager.token(), Some(token));

    // The only multi-auth endpoint needing OAuthACG, `oauth2User`, also needs
    // OAuthROPCG in the same Authorization header, which no request can carry:
    // the client refuses before sending (the Slack test below shows a fetched
    // token authorizing calls). The ROPCG credentials still count as ready, so the
    // refusal is about the header, not a missing credential.
    let response = client.oauth2().user().send().await;
    assert!(matches!(&response, Err(multiauth_sample::Error::InvalidRequest { .. })), "{response:?}");
    assert!(server.requests_to(USER_PATH).await.is_empty());
    assert_eq!(manager.token().map(|t| t.access_token.secret().to_string()), Some("at-1".to_string()));
}

/// `oauth2User` requires OAuthACG AND OAuthROPCG, both sent in the one
/// `Authorization` header. Whatever the client does about that, it must not send
/// a request that silently lacks the ACG token (the scheme `file_requests.read`
/// is on): either the ACG token reaches the API, or the call fails before anything
/// is sent.
#[tokio::test]
async fn user_endpoint_never_silently_drops_the_acg_token() {
    let server = AuthServer::start().await;
    server.seed_access_token("acg-live", ACG_CLIENT);
    server.seed_access_token("ropcg-live", ROPCG_CLIENT);
    let client = multiauth_client(&server, |b| {
        b.o_auth_acg(acg_credentials().with_token(OAuthToken::bearer("acg-live")))
            .o_auth_ropcg(OAuthRopcgCredentials::from_token(OAuthToken::bearer("ropcg-live")))
    });

    let response = client.oauth2().user().send().await;
    let sent: Vec<Vec<String>> = server.requests_to(USER_PATH).await.iter().map(authorization_values).collect();
    for values in &sent {
        assert!(
            values.contains(&"Bearer acg-live".to_string()),
            "a request without the ACG token was sent; Authorization headers received: {sent:?}; result: {response:?}"
        );
    }
    if sent.is_empty() {
        assert!(response.is_err(), "{response:?}");
    } else {
        assert!(response.is_ok(), "{response:?}");
    }
}

// ---------------------------------------------------------------------------
// 2. Refresh with rotation
// ---------------------------------------------------------------------------

#[tokio::test]
async fn refresh_rotates_and_a_used_refresh_token_is_invalid_grant() {
    let server = AuthServer::start().await;
    let client = multiauth_client(&server, |b| b.o_auth_acg(acg_credentials()));
    let manager = client.o_auth_acg();

    // A token by the code flow, without PKCE this time.
    let request = manager.authorization_request(false).unwrap();
    assert!(request.pkce_verifier().is_none());
    let url = Url::parse(request.url()).unwrap();
    assert!(url.query_pairs().all(|(k, _)| !k.starts_with("code_challenge")), "{url}");
    let code = manager.parse_callback(&server.approve(request.url()), request.state()).unwrap();
    let first = manager.fetch_token(&code).await.expect("token");
    assert_eq!(server.token_calls()[0].form, pairs(&[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", REDIRECT),]));
    assert_eq!(first.access_token.secret(), "at-1");
    assert_eq!(first.refresh_token.as_ref().unwrap().secret(), "rt-1");

    // First refresh: rt-1 for at-2 / rt-2.
    let second = manager.refresh_token().await.expect("first refresh");
    let calls = server.token_calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[1].path, ACG_TOKEN_PATH);
    assert_eq!(calls[1].basic, basic(ACG_CLIENT, ACG_SECRET));
    assert_eq!(calls[1].form, pairs(&[("grant_type", "refresh_token"), ("refresh_token", "rt-1"), ("scope", "file_requests.read"),]));
    assert_eq!(second.access_token.secret(), "at-2");
    assert_eq!(second.refresh_token.as_ref().unwrap().secret(), "rt-2");
    assert_eq!(manager.token(), Some(second.clone()));

    // Second refresh uses the rotated token.
    let third = manager.refresh_token().await.expect("second refresh");
    let calls = server.token_calls();
    assert_eq!(calls.len(), 3);
    assert_eq!(calls[2].field("refresh_token"), Some("rt-2"));
    assert_eq!(third.access_token.secret(), "at-3");
    assert_eq!(third.refresh_token.as_ref().unwrap().secret(), "rt-3");
    assert_eq!(manager.token(), Some(third.clone()));
    assert_eq!(server.grants("refresh_token"), 2);

    // The first refresh token, used once already, is refused.
    let stale = multiauth_client(&server, |b| b.o_auth_acg(acg_credentials().with_token(first.clone())));
    let error = stale.o_auth_acg().refresh_token().await.unwrap_err();
    assert_provider_error(&error, OAuthErrorCode::InvalidGrant, Some(400), Some("refresh token already used"));
    assert_eq!(error.code(), Some(&OAuthErrorCode::InvalidGrant));
    assert_eq!(stale.o_auth_acg().token(), Some(first), "a refused refresh keeps the token");
    assert_eq!(server.token_calls()[3].field("refresh_token"), Some("rt-1"));
    assert_eq!(server.grants("refresh_token"), 3);
    // The live client's token is untouched by the other client's failure.
    assert_eq!(manager.token(), Some(third));
}

#[tokio::test]
async fn refresh_without_rotation_keeps_the_refresh_token() {
    let server = AuthServer::start().await;
    server.seed_refresh_token("rt-keep", ACG_CLIENT, Some("file_requests.read"));
    server.state().rotate = false;
    let client =
        multiauth_client(&server, |b| b.o_auth_acg(acg_credentials().with_token(OAuthToken::bearer("old").with_refresh_token("rt-keep"))));

    let token = client.o_auth_acg().refresh_token().await.expect("refresh");
    assert_eq!(token.access_token.secret(), "at-1");
    assert_eq!(token.refresh_token.as_ref().map(|r| r.secret()), Some("rt-keep"), "a response without refresh_token keeps the current one");
    assert_eq!(client.o_auth_acg().token(), Some(token));
    let again = client.o_auth_acg().refresh_token().await.expect("refresh again");
    assert_eq!(again.access_token.secret(), "at-2");
    assert_eq!(server.token_calls()[1].field("refresh_token"), Some("rt-keep"));
}

// ---------------------------------------------------------------------------
// 3. Token endpoint errors
// ---------------------------------------------------------------------------

#[tokio::test]
async fn invalid_grant_for_bogus_and_reused_codes_and_invalid_client_for_a_wrong_secret() {
    let server = AuthServer::start().await;
    let client = multiauth_client(&server, |b| b.o_auth_acg(acg_credentials()));
    let manager = client.o_auth_acg();

    // A code the server never issued.
    let error = manager.fetch_token("not-a-code").await.unwrap_err();
    assert_provider_error(&error, OAuthErrorCode::InvalidGrant, Some(400), Some("unknown authorization code"));
    assert_eq!(manager.token(), None);

    // A code used twice.
    let request = manager.authorization_request(false).unwrap();
    let code = manager.parse_callback(&server.approve(request.url()), request.state()).unwrap();
    let token = manager.fetch_token(&code).await.expect("first use");
    let error = manager.fetch_token(&code).await.unwrap_err();
    assert_provider_error(&error, OAuthErrorCode::InvalidGrant, Some(400), Some("authorization code already used"));
    assert_eq!(manager.token(), Some(token), "a refused exchange keeps the token");

    // A PKCE code exchanged without its verifier.
    let request = manager.authorization_request(true).unwrap();
    let code = manager.parse_callback(&server.approve(request.url()), request.state()).unwrap();
    let error = manager.fetch_token(&code).await.unwrap_err();
    assert_provider_error(&error, OAuthErrorCode::InvalidGrant, Some(400), Some("code_verifier missing"));

    // A PKCE code with another request's verifier.
    let request = manager.authorization_request(true).unwrap();
    let foreign = manager.authorization_request(true).unwrap();
    let code = manager.parse_callback(&server.approve(request.url()), request.state()).unwrap();
    let error = manager.fetch_token_with_pkce(&code, foreign.pkce_verifier().unwrap()).await.unwrap_err();
    assert_provider_error(&error, OAuthErrorCode::InvalidGrant, Some(400), Some("PKCE verification failed"));

    // A wrong client secret.
    let request = manager.authorization_request(false).unwrap();
    let code = manager.parse_callback(&server.approve(request.url()), request.state()).unwrap();
    let wrong = multiauth_client(&server, |b| b.o_auth_acg(OAuthAcgCredentials::new(ACG_CLIENT, "wrong-secret", REDIRECT)));
    let error = wrong.o_auth_acg().fetch_token(&code).await.unwrap_err();
    assert!(
        matches!(
            &error,
            OAuthError::Provider { code: OAuthErrorCode::InvalidClient, status: Some(s), .. } if s.as_u16() == 401
        ),
        "{error:?}"
    );
    assert_provider_error(&error, OAuthErrorCode::InvalidClient, Some(401), Some("client authentication failed"));
    assert_eq!(wrong.o_auth_acg().token(), None);
    assert_eq!(server.token_calls().last().unwrap().basic, basic(ACG_CLIENT, "wrong-secret"));
    // The code was not consumed by the refused client: the right one can use it.
    let token = manager.fetch_token(&code).await.expect("the code is still valid");
    assert_eq!(token.access_token.secret(), "at-2");
    assert_eq!(server.grants("authorization_code"), 7);

    // A wrong secret when the client fetches a token itself (client credentials):
    // the call fails before it is sent.
    let ccg = multiauth_client(&server, |b| b.o_auth_ccg(OAuthCcgCredentials::new(CCG_CLIENT, "wrong-secret")));
    match ccg.oauth2().status().send().await {
        Err(Error::Token { scheme, source }) => {
            assert_eq!(scheme, Scheme::OAuthCcg);
            assert_provider_error(&source, OAuthErrorCode::InvalidClient, Some(401), Some("client authentication failed"));
        }
        other => panic!("expected Error::Token, got {other:?}"),
    }
    assert_eq!(server.requests_to(STATUS_PATH).await.len(), 0);
    assert_eq!(server.grants("client_credentials"), 1);
}

// ---------------------------------------------------------------------------
// 4. Expired tokens
// ---------------------------------------------------------------------------

fn expired_token() -> OAuthToken {
    OAuthToken::bearer("old").with_expires_at(unix_now() - 60).with_refresh_token("r1")
}

#[tokio::test]
async fn expired_token_without_auto_refresh_fails_before_sending() {
    let server = AuthServer::start().await;
    server.seed_refresh_token("r1", ACG_CLIENT, None);
    server.seed_access_token("ropcg-live", ROPCG_CLIENT);
    let client = multiauth_client(&server, |b| {
        b.o_auth_acg(acg_credentials().with_token(expired_token()))
            .o_auth_ropcg(OAuthRopcgCredentials::from_token(OAuthToken::bearer("ropcg-live")))
    });
    assert!(client.o_auth_acg().is_token_expired());

    match client.oauth2().user().send().await {
        Err(Error::TokenExpired { scheme }) => assert_eq!(scheme, Scheme::OAuthAcg),
        other => panic!("expected Error::TokenExpired, got {other:?}"),
    }
    assert_eq!(server.requests().await.len(), 0, "nothing sent at all");
    let held = client.o_auth_acg().token().expect("the token is kept");
    assert_eq!(held.access_token.secret(), "old");
    assert_eq!(held.refresh_token.as_ref().map(|r| r.secret()), Some("r1"));

    // Same on the Slack client.
    server.seed_refresh_token("r1-slack", SLACK_CLIENT, None);
    let slack = slack_client(
        &server,
        slack_credentials(&server)
            .with_token(slack_web_api::OAuthToken::bearer("old").with_expires_at(unix_now() - 60).with_refresh_token("r1-slack")),
    );
    // An operation that requires the token.
    match slack.emoji().list().send().await {
        Err(slack_web_api::Error::TokenExpired { scheme }) => {
            assert_eq!(scheme, slack_web_api::Scheme::SlackAuth)
        }
        other => panic!("expected Error::TokenExpired, got {other:?}"),
    }
    assert_eq!(server.requests().await.len(), 0, "nothing sent at all");
    // An operation the description also allows anonymously (`auth.test`): the
    // configured token has expired, so the call must not go out without it.
    let response = slack.auth().test().send().await;
    let sent = server.requests().await;
    assert!(
        matches!(response, Err(slack_web_api::Error::TokenExpired { scheme: slack_web_api::Scheme::SlackAuth })),
        "expected Error::TokenExpired, got {response:?}; requests sent: {:?}",
        sent.iter().map(|r| (r.url.path().to_string(), authorization_values(r))).collect::<Vec<_>>()
    );
    assert_eq!(sent.len(), 0, "nothing sent at all");
    assert_eq!(server.token_calls().len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_refresh_is_single_flight_and_uses_the_rotated_refresh_token() {
    let server = AuthServer::start().await;
    server.seed_refresh_token("r1", SLACK_CLIENT, Some("chat:write"));
    // Refreshed tokens live 3 s, so the second half can wait for expiry.
    server.set_expires_in(Some(3));
    // (access token, refresh token) of every token handed to the callback.
    type Persisted = Arc<Mutex<Vec<(String, Option<String>)>>>;
    let persisted: Persisted = Arc::default();
    let sink = persisted.clone();
    let credentials = slack_credentials(&server)
        .with_scopes([SlackAuthScope::ChatWrite])
        .with_token(slack_web_api::OAuthToken::bearer("old").with_expires_at(unix_now() - 60).with_refresh_token("r1"))
        .with_auto_refresh(true)
        .on_token_refreshed(move |token| {
            sink.lock()
                .unwrap()
                .push((token.access_token.secret().to_string(), token.refresh_token.as_ref().map(|r| r.secret().to_string())));
        });
    let client = slack_client(&server, credentials);

    let calls: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.auth().test().send().await })
        })
        .collect();
    for call in calls {
        let response = call.await.expect("task");
        assert!(response.is_ok(), "{response:?}");
    }
    assert_eq!(server.grants("refresh_token"), 1, "one refresh for 50 calls");
    let token_calls = server.token_calls();
    assert_eq!(token_calls.len(), 1);
    assert_eq!(token_calls[0].path, SLACK_TOKEN_PATH);
    assert_eq!(token_calls[0].basic, basic(SLACK_CLIENT, SLACK_SECRET));
    assert_eq!(token_calls[0].form, pairs(&[("grant_type", "refresh_token"), ("refresh_token", "r1"), ("scope", "chat:write")]));
    let api = server.requests_to(SLACK_AUTH_TEST_PATH).await;
    assert_eq!(api.len(), 50);
    for request in &api {
        assert_eq!(authorization_values(request), vec!["Bearer xoxb-1".to_string()]);
    }
    let held = client.slack_auth().token().expect("token");
    assert_eq!(held.access_token.secret(), "xoxb-1");
    assert_eq!(held.refresh_token.as_ref().map(|r| r.secret()), Some("xoxe-1"));

    // When the new token expires, the next call refreshes with the rotated
    // refresh token (r1 is spent: the server would refuse it).
    wait_until(|| client.slack_auth().is_token_expired()).await;
    let response = client.auth().test().send().await;
    assert!(response.is_ok(), "{response:?}");
    assert_eq!(server.grants("refresh_token"), 2);
    assert_eq!(server.token_calls()[1].field("refresh_token"), Some("xoxe-1"));
    let api = server.requests_to(SLACK_AUTH_TEST_PATH).await;
    assert_eq!(api.len(), 51);
    assert_eq!(authorization_values(&api[50]), vec!["Bearer xoxb-2".to_string()]);
    assert_eq!(client.slack_auth().token().unwrap().refresh_token.unwrap().secret(), "xoxe-2");

    // The callback saw each renewal once, with the new refresh token.
    assert_eq!(
        *persisted.lock().unwrap(),
        vec![("xoxb-1".to_string(), Some("xoxe-1".to_string())), ("xoxb-2".to_string(), Some("xoxe-2".to_string())),]
    );
}

// ---------------------------------------------------------------------------
// 5. Client credentials
// ---------------------------------------------------------------------------

#[tokio::test]
async fn client_credentials_token_is_fetched_reused_and_fetched_again_after_expiry() {
    let server = AuthServer::start().await;
    server.set_expires_in(Some(2));
    let client = multiauth_client(&server, |b| b.o_auth_ccg(OAuthCcgCredentials::new(CCG_CLIENT, CCG_SECRET)));
    assert_eq!(client.o_auth_ccg().token(), None);

    for _ in 0..3 {
        let response = client.oauth2().status().send().await.expect("status");
        assert_eq!(response.message, "Authentication successful.");
        assert_eq!(response.passed, Some(true));
    }
    assert_eq!(server.grants("client_credentials"), 1, "the token is reused");
    let calls = server.token_calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].path, CCG_TOKEN_PATH);
    assert_eq!(calls[0].basic, basic(CCG_CLIENT, CCG_SECRET));
    assert_eq!(calls[0].form, pairs(&[("grant_type", "client_credentials")]));
    assert_eq!(calls[0].content_type.as_deref(), Some("application/x-www-form-urlencoded"));
    let token = client.o_auth_ccg().token().expect("cached token");
    assert_eq!(token.access_token.secret(), "at-1");
    assert_eq!(token.refresh_token, None);
    assert_eq!(token.expires_in, Some(2));
    let api = server.requests_to(STATUS_PATH).await;
    assert_eq!(api.len(), 3);
    for request in &api {
        assert_eq!(authorization_values(request), vec!["Bearer at-1".to_string()]);
    }

    // After expiry the next call fetches a new one.
    wait_until(|| client.o_auth_ccg().is_token_expired()).await;
    client.oauth2().status().send().await.expect("status after expiry");
    assert_eq!(server.grants("client_credentials"), 2);
    let api = server.requests_to(STATUS_PATH).await;
    assert_eq!(api.len(), 4);
    assert_eq!(authorization_values(&api[3]), vec!["Bearer at-2".to_string()]);
    assert_eq!(client.o_auth_ccg().token().unwrap().access_token.secret(), "at-2");
}

#[tokio::test]
async fn client_credentials_clock_skew_counts_a_token_as_expired_early() {
    let server = AuthServer::start().await;
    server.set_expires_in(Some(30));
    let client = multiauth_client(&server, |b| {
        b.o_auth_ccg(OAuthCcgCredentials::new(CCG_CLIENT, CCG_SECRET).with_clock_skew(Duration::from_secs(60)))
    });
    client.oauth2().status().send().await.expect("first call");
    assert!(client.o_auth_ccg().is_token_expired(), "30 s left, 60 s skew");
    client.oauth2().status().send().await.expect("second call");
    assert_eq!(server.grants("client_credentials"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_credentials_concurrent_first_calls_fetch_once() {
    let server = AuthServer::start().await;
    let client = multiauth_client(&server, |b| b.o_auth_ccg(OAuthCcgCredentials::new(CCG_CLIENT, CCG_SECRET)));
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.oauth2().status().send().await })
        })
        .collect();
    for call in calls {
        let response = call.await.expect("task");
        assert!(response.is_ok(), "{response:?}");
    }
    assert_eq!(server.grants("client_credentials"), 1);
    let api = server.requests_to(STATUS_PATH).await;
    assert_eq!(api.len(), 20);
    for request in &api {
        assert_eq!(authorization_values(request), vec!["Bearer at-1".to_string()]);
    }
}

#[tokio::test]
async fn client_credentials_token_rejected_by_the_api_is_fetched_again_once() {
    let server = AuthServer::start().await;
    let client = multiauth_client(&server, |b| b.o_auth_ccg(OAuthCcgCredentials::new(CCG_CLIENT, CCG_SECRET)));
    client.oauth2().status().send().await.expect("first call");
    server.revoke("at-1");
    client.oauth2().status().send().await.expect("the call is retried with a new token");
    assert_eq!(server.grants("client_credentials"), 2);
    let sent: Vec<Vec<String>> = server.requests_to(STATUS_PATH).await.iter().map(authorization_values).collect();
    assert_eq!(sent, vec![vec!["Bearer at-1".to_string()], vec!["Bearer at-1".to_string()], vec!["Bearer at-2".to_string()],]);
}

// ---------------------------------------------------------------------------
// 6. Slack
// ---------------------------------------------------------------------------

#[tokio::test]
async fn slack_consent_url_errors_in_ok_false_bodies_and_extra_token_fields() {
    let server = AuthServer::start().await;
    server.set_expires_in(None);
    server.set_extra(json!({
        "bot_user_id": "U1",
        "team": { "id": "T1", "name": "Team" },
        "authed_user": { "id": "U2" },
        "enterprise": null,
    }));
    let client = slack_client(&server, slack_credentials(&server).with_scopes([SlackAuthScope::ChatWrite]));
    let manager = client.slack_auth();

    // The consent page is Slack's, whatever the base URL; scopes are comma-separated.
    let wide = slack_client(
        &server,
        slack_credentials(&server).with_scopes([SlackAuthScope::ChatWrite, SlackAuthScope::ChannelsRead, SlackAuthScope::UsersReadEmail]),
    );
    let url = Url::parse(&wide.slack_auth().authorization_url_with("st-1", &[("user_scope", "identity.basic")]).unwrap()).unwrap();
    assert_eq!((url.scheme(), url.host_str(), url.path()), ("https", Some("slack.com"), "/oauth/v2/authorize"));
    assert_eq!(
        query_pairs(&url),
        pairs(&[
            ("response_type", "code"),
            ("client_id", SLACK_CLIENT),
            ("redirect_uri", SLACK_REDIRECT),
            ("scope", "chat:write,channels:read,users:read.email"),
            ("state", "st-1"),
            ("user_scope", "identity.basic"),
        ])
    );

    // A refused code: HTTP 200 with `ok: false`.
    let error = manager.fetch_token("bogus").await.unwrap_err();
    match &error {
        slack_web_api::OAuthError::Provider { status, code, description, uri } => {
            assert_eq!(code, &slack_web_api::OAuthErrorCode::Other("invalid_code".into()));
            assert_eq!(status.map(|s| s.as_u16()), Some(200));
            assert_eq!((description, uri), (&None, &None));
        }
        other => panic!("expected a provider error, got {other:?}"),
    }
    assert_eq!(manager.token(), None);

    // The flow, answered like Slack.
    let request = manager.authorization_request(false).unwrap();
    let code = manager.parse_callback(&server.approve(request.url()), request.state()).unwrap();
    let token = manager.fetch_token(&code).await.expect("token");
    let call = server.token_calls().pop().unwrap();
    assert_eq!(call.path, SLACK_TOKEN_PATH);
    assert_eq!(call.basic, basic(SLACK_CLIENT, SLACK_SECRET));
    assert_eq!(call.form, pairs(&[("grant_type", "authorization_code"), ("code", &code), ("redirect_uri", SLACK_REDIRECT),]));
    assert_eq!(token.access_token.secret(), "xoxb-1");
    assert_eq!(token.token_type.as_deref(), Some("bot"));
    assert_eq!(token.scope.as_deref(), Some("chat:write"));
    assert_eq!((token.expires_in, token.expires_at), (None, None));
    assert_eq!(token.refresh_token, None);
    assert_eq!(
        Value::Object(token.extra.clone()),
        json!({
            "ok": true,
            "bot_user_id": "U1",
            "team": { "id": "T1", "name": "Team" },
            "authed_user": { "id": "U2" },
            "enterprise": null,
        })
    );
    assert_eq!(token.get("bot_user_id"), Some(&json!("U1")));
    assert_eq!(token.get("team"), Some(&json!({ "id": "T1", "name": "Team" })));
    assert_eq!(token.get("authed_user"), Some(&json!({ "id": "U2" })));
    assert_eq!(token.get("enterprise"), Some(&Value::Null));
    assert_eq!(manager.token(), Some(token.clone()));

    // Stored and restored, nothing is lost.
    let stored = serde_json::to_string(&token).unwrap();
    let restored: slack_web_api::OAuthToken = serde_json::from_str(&stored).unwrap();
    assert_eq!(restored, token);
    let stored: Value = serde_json::from_str(&stored).unwrap();
    assert_eq!(stored["enterprise"], Value::Null);
    assert!(stored.as_object().unwrap().contains_key("enterprise"));
    assert_eq!(stored["access_token"], json!("xoxb-1"));
}

/// After `fetch_token` the Slack client sends the new token with its calls.
#[tokio::test]
async fn slack_token_from_the_code_exchange_authorizes_calls() {
    let server = AuthServer::start().await;
    server.set_expires_in(None);
    let client = slack_client(&server, slack_credentials(&server).with_scopes([SlackAuthScope::ChatWrite]));
    let manager = client.slack_auth();
    let request = manager.authorization_request(false).unwrap();
    let code = manager.parse_callback(&server.approve(request.url()), request.state()).unwrap();
    let token = manager.fetch_token(&code).await.expect("token");
    assert_eq!(token.access_token.secret(), "xoxb-1");
    assert_eq!(manager.token(), Some(token));

    // An operation that requires the token, then one that also allows anonymous calls.
    let required = client.emoji().list().send().await;
    let optional = client.auth().test().send().await;
    let sent: Vec<(String, Vec<String>)> = server
        .requests()
        .await
        .iter()
        .filter(|r| r.method.as_str() == "GET")
        .map(|r| (r.url.path().to_string(), authorization_values(r)))
        .collect();
    assert_eq!(
        sent,
        vec![
            (SLACK_EMOJI_LIST_PATH.to_string(), vec!["Bearer xoxb-1".to_string()]),
            (SLACK_AUTH_TEST_PATH.to_string(), vec!["Bearer xoxb-1".to_string()]),
        ],
        "emoji.list: {required:?}; auth.test: {optional:?}"
    );
    assert!(required.is_ok(), "{required:?}");
    assert!(optional.is_ok(), "{optional:?}");
}

// ---------------------------------------------------------------------------
// 7. Secrets stay out of Debug output
// ---------------------------------------------------------------------------

#[tokio::test]
async fn debug_output_never_shows_secrets() {
    let server = AuthServer::start().await;
    server.state().token_prefix = "SECRET-".into();
    let secrets = [
        ACG_SECRET,
        ROPCG_SECRET,
        CCG_SECRET,
        SLACK_SECRET,
        PASSWORD,
        "SECRET-",
        "stored-access-1f",
        "stored-refresh-2e",
        "xoxp-user-secret",
    ];
    let assert_clean = |what: &str, shown: String| {
        for secret in secrets {
            assert!(!shown.contains(secret), "{what} shows `{secret}`: {shown}");
        }
    };

    let mut stored = OAuthToken::bearer("stored-access-1f").with_refresh_token("stored-refresh-2e");
    stored.extra.insert("authed_user".into(), json!({ "access_token": "xoxp-user-secret" }));
    assert_clean("OAuthToken", format!("{stored:?}"));
    assert_clean("OAuthAcgCredentials", format!("{:?}", acg_credentials().with_token(stored.clone())));
    assert_clean("OAuthRopcgCredentials", format!("{:?}", ropcg_credentials()));
    assert_clean("OAuthCcgCredentials", format!("{:?}", OAuthCcgCredentials::new(CCG_CLIENT, CCG_SECRET)));
    assert_clean("SlackAuthCredentials", format!("{:?}", slack_credentials(&server)));

    let client = multiauth_client(&server, |b| {
        b.o_auth_acg(acg_credentials()).o_auth_ropcg(ropcg_credentials()).o_auth_ccg(OAuthCcgCredentials::new(CCG_CLIENT, CCG_SECRET))
    });
    let request = client.o_auth_acg().authorization_request(true).unwrap();
    let verifier = request.pkce_verifier().unwrap().secret().to_string();
    let shown = format!("{request:?}");
    assert!(!shown.contains(&verifier), "AuthorizationRequest shows the verifier: {shown}");

    // Tokens the client obtained.
    let code = client.o_auth_acg().parse_callback(&server.approve(request.url()), request.state()).unwrap();
    let token = client.o_auth_acg().fetch_token_with_pkce(&code, request.pkce_verifier().unwrap()).await.unwrap();
    assert!(token.access_token.secret().starts_with("SECRET-"));
    assert_clean("fetched OAuthToken", format!("{token:?}"));
    client.oauth2().status().send().await.expect("status");
    assert!(client.o_auth_ccg().token().is_some());
    assert_clean("MultiauthSampleClient", format!("{client:?}"));
    assert_clean("OAuthAcgManager", format!("{:?}", client.o_auth_acg()));
    assert_clean("OAuthCcgManager", format!("{:?}", client.o_auth_ccg()));

    // Errors.
    let reused = client.o_auth_acg().fetch_token(&code).await.unwrap_err();
    assert_clean("OAuthError::Provider", format!("{reused:?} {reused}"));
    let mismatch = client.o_auth_acg().parse_callback("code=c&state=other", request.state()).unwrap_err();
    assert_clean("OAuthError::StateMismatch", format!("{mismatch:?} {mismatch}"));
    let refresh = client.o_auth_acg().refresh_token().await.expect("refresh");
    assert_clean("refreshed OAuthToken", format!("{refresh:?}"));
    let wrong = multiauth_client(&server, |b| b.o_auth_ccg(OAuthCcgCredentials::new(CCG_CLIENT, CCG_SECRET.to_uppercase())));
    let error = wrong.oauth2().status().send().await.unwrap_err();
    assert!(matches!(error, Error::Token { .. }), "{error:?}");
    assert_clean("Error::Token", format!("{error:?} {error}"));
    assert!(!format!("{error:?}").contains(&CCG_SECRET.to_uppercase()));

    let slack = slack_client(&server, slack_credentials(&server).with_token(slack_web_api::OAuthToken::bearer("stored-access-1f")));
    assert_clean("SlackWebApiClient", format!("{slack:?}"));
    let slack_error = slack.slack_auth().fetch_token("bogus").await.unwrap_err();
    assert_clean("slack OAuthError", format!("{slack_error:?} {slack_error}"));
}

// ---------------------------------------------------------------------------
// 8. The token client follows no redirect
// ---------------------------------------------------------------------------

#[tokio::test]
async fn token_requests_do_not_follow_redirects() {
    let server = AuthServer::bare().await;
    let elsewhere = format!("{}/oauth2/elsewhere/token", server.uri());
    Mock::given(method("POST"))
        .and(path(ACG_TOKEN_PATH))
        .respond_with(ResponseTemplate::new(307).insert_header("location", elsewhere.as_str()))
        .mount(&server.mock)
        .await;
    server.mount_token_endpoint("/oauth2/elsewhere/token", Flavor::Rfc6749).await;
    let client = multiauth_client(&server, |b| b.o_auth_acg(acg_credentials()));
    let request = client.o_auth_acg().authorization_request(false).unwrap();
    let code = client.o_auth_acg().parse_callback(&server.approve(request.url()), request.state()).unwrap();

    let error = client.o_auth_acg().fetch_token(&code).await.unwrap_err();
    match &error {
        OAuthError::Status { status, body } => {
            assert_eq!(status.as_u16(), 307);
            assert_eq!(body, "");
        }
        other => panic!("expected OAuthError::Status, got {other:?}"),
    }
    assert_eq!(server.requests_to("/oauth2/elsewhere/token").await.len(), 0);
    assert_eq!(server.requests_to(ACG_TOKEN_PATH).await.len(), 1);
    assert_eq!(server.token_calls().len(), 0);
    assert_eq!(client.o_auth_acg().token(), None);

    // Nor when the client fetches a token by itself, to another host.
    let other_host = AuthServer::start().await;
    Mock::given(method("POST"))
        .and(path(CCG_TOKEN_PATH))
        .respond_with(ResponseTemplate::new(307).insert_header("location", format!("{}{CCG_TOKEN_PATH}", other_host.uri()).as_str()))
        .mount(&server.mock)
        .await;
    let ccg = multiauth_client(&server, |b| b.o_auth_ccg(OAuthCcgCredentials::new(CCG_CLIENT, CCG_SECRET)));
    match ccg.oauth2().status().send().await {
        Err(Error::Token { scheme, source: OAuthError::Status { status, .. } }) => {
            assert_eq!(scheme, Scheme::OAuthCcg);
            assert_eq!(status.as_u16(), 307);
        }
        other => panic!("expected Error::Token with HTTP 307, got {other:?}"),
    }
    assert_eq!(other_host.requests().await.len(), 0, "credentials replayed to another host");
    assert_eq!(server.requests_to(STATUS_PATH).await.len(), 0);
}
