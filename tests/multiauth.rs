//! Every multi-auth endpoint with every combination of credentials.
//!
//! The generated `multiauth-sample` client talks to a local wiremock server. Each
//! test configures some credentials, calls one operation and checks the exact
//! request the server received: the `Authorization` header, the `token` /
//! `api-key` query parameters and headers, and nothing else that could carry a
//! credential. An operation's `security` list is a list of alternatives (OR, in
//! declared order); the schemes of one alternative are all required (AND); only
//! the first satisfiable alternative is sent; when none is satisfiable the call
//! fails with `Error::MissingCredentials` before anything is sent.

use std::collections::BTreeMap;
use std::time::Duration;

use multiauth_sample::models::{ErrorResponse, ServerResponse};
use multiauth_sample::{
    BasicCredentials, Configuration, ConfigurationBuilder, Error, MultiauthSampleClient, OAuthCcgCredentials, OAuthToken, Scheme,
};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

// ---------------------------------------------------------------------------
// Credentials: every secret ends in `S3CRET` so leaks are easy to spot.

const USERNAME: &str = "alice";
const PASSWORD: &str = "basic-pass-S3CRET";
/// `Basic ` + base64("alice:basic-pass-S3CRET").
const BASIC: &str = "Basic YWxpY2U6YmFzaWMtcGFzcy1TM0NSRVQ=";
const QUERY_TOKEN: &str = "query-token-S3CRET";
const QUERY_API_KEY: &str = "query-api-key-S3CRET";
const HEADER_TOKEN: &str = "header-token-S3CRET";
const HEADER_API_KEY: &str = "header-api-key-S3CRET";
const BEARER: &str = "bearer-token-S3CRET";
const CUSTOM: &str = "custom-value-S3CRET";
const ACG: &str = "acg-token-S3CRET";
const ROPCG: &str = "ropcg-token-S3CRET";
const CCG_PLAIN: &str = "ccg-plain-token-S3CRET";
const CCG_CLIENT_ID: &str = "ccg-client";
const CCG_CLIENT_SECRET: &str = "ccg-client-secret-S3CRET";
/// What the mock token endpoint issues for the client credentials grant.
const CCG_ISSUED: &str = "ccg-token";
/// The OAuthCCG token URL of the description, resolved against the base URL.
const CCG_TOKEN_PATH: &str = "/oauth2/auth-server/request_token";

/// Everything that must never show up in `Debug` or `Display` output.
const SECRETS: &[&str] = &[
    PASSWORD,
    "YWxpY2U6YmFzaWMtcGFzcy1TM0NSRVQ",
    QUERY_TOKEN,
    QUERY_API_KEY,
    HEADER_TOKEN,
    HEADER_API_KEY,
    BEARER,
    CUSTOM,
    ACG,
    ROPCG,
    CCG_PLAIN,
    CCG_CLIENT_SECRET,
    CCG_ISSUED,
    "S3CRET",
];

fn assert_no_secrets(what: &str, text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{what} shows the secret `{secret}`: {text}");
    }
}

/// One credential a test can configure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cred {
    Basic,
    QueryToken,
    QueryApiKey,
    HeaderToken,
    HeaderApiKey,
    Bearer,
    Custom,
    /// OAuthACG given as a plain token.
    AcgToken,
    /// OAuthROPCG given as a plain token.
    RopcgToken,
    /// OAuthCCG given as a plain token.
    CcgToken,
    /// OAuthCCG client id and secret: the client fetches its token.
    CcgClient,
}
use Cred::*;

/// The `apiKey` scheme: query parameters `token` and `api-key`.
const API_KEY: [Cred; 2] = [QueryToken, QueryApiKey];
/// The `apiHeader` scheme: headers `token` and `api-key`.
const API_HEADER: [Cred; 2] = [HeaderToken, HeaderApiKey];
/// basicAuth AND apiKey AND apiHeader.
const BASIC_AND_KEYS: [Cred; 5] = [Basic, QueryToken, QueryApiKey, HeaderToken, HeaderApiKey];
/// Every scheme configured (OAuthCCG by client credentials).
const EVERYTHING: [Cred; 10] = [Basic, QueryToken, QueryApiKey, HeaderToken, HeaderApiKey, Bearer, Custom, AcgToken, RopcgToken, CcgClient];

fn with(creds: &[&[Cred]]) -> Vec<Cred> {
    creds.concat()
}

fn configure(builder: ConfigurationBuilder, creds: &[Cred]) -> ConfigurationBuilder {
    creds.iter().fold(builder, |b, cred| match cred {
        Basic => b.basic_auth(BasicCredentials::new(USERNAME, PASSWORD)),
        QueryToken => b.api_key_token(QUERY_TOKEN),
        QueryApiKey => b.api_key_api_key(QUERY_API_KEY),
        HeaderToken => b.api_header_token(HEADER_TOKEN),
        HeaderApiKey => b.api_header_api_key(HEADER_API_KEY),
        Bearer => b.o_auth_bearer_token(BEARER),
        Custom => b.custom_auth(CUSTOM),
        AcgToken => b.o_auth_acg(ACG),
        RopcgToken => b.o_auth_ropcg(ROPCG),
        CcgToken => b.o_auth_ccg(CCG_PLAIN),
        CcgClient => b.o_auth_ccg(OAuthCcgCredentials::new(CCG_CLIENT_ID, CCG_CLIENT_SECRET)),
    })
}

fn config(server: &MockServer, creds: &[Cred]) -> Configuration {
    configure(Configuration::builder().base_url(server.uri()), creds).build()
}

fn client(server: &MockServer, creds: &[Cred]) -> MultiauthSampleClient {
    client_with(server, |b| configure(b, creds))
}

/// A client for `server` configured by `f` (for credentials `Cred` does not cover).
fn client_with(server: &MockServer, f: impl FnOnce(ConfigurationBuilder) -> ConfigurationBuilder) -> MultiauthSampleClient {
    let config = f(Configuration::builder().base_url(server.uri())).build();
    MultiauthSampleClient::new(config).expect("client")
}

// ---------------------------------------------------------------------------
// The API: every GET succeeds; the OAuthCCG token endpoint issues `ccg-token`.

async fn api_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(CCG_TOKEN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": CCG_ISSUED,
            "token_type": "bearer",
            "expires_in": 3600,
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"message": "ok", "passed": true})))
        .mount(&server)
        .await;
    server
}

/// Headers every request carries and that hold no credential.
const PLUMBING_HEADERS: &[&str] = &["host", "user-agent", "accept", "accept-encoding"];

/// What one request carried that could hold a credential: every header but the
/// plumbing ones (names lowercase) and every query parameter.
#[derive(Debug, Default, PartialEq, Eq)]
struct Sent {
    headers: BTreeMap<String, String>,
    query: BTreeMap<String, String>,
}

impl Sent {
    /// No credential at all.
    fn nothing() -> Self {
        Sent::default()
    }

    fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.insert(name.to_string(), value.to_string());
        self
    }

    fn query(mut self, name: &str, value: &str) -> Self {
        self.query.insert(name.to_string(), value.to_string());
        self
    }

    fn authorization(self, value: &str) -> Self {
        self.header("authorization", value)
    }

    fn basic(self) -> Self {
        self.authorization(BASIC)
    }

    fn bearer(self, token: &str) -> Self {
        self.authorization(&format!("Bearer {token}"))
    }

    fn custom(self) -> Self {
        self.authorization(&format!("Custom {CUSTOM}"))
    }

    /// The `apiKey` scheme: query parameters `token` and `api-key`.
    fn api_key(self) -> Self {
        self.query("token", QUERY_TOKEN).query("api-key", QUERY_API_KEY)
    }

    /// The `apiHeader` scheme: headers `token` and `api-key`.
    fn api_header(self) -> Self {
        self.header("token", HEADER_TOKEN).header("api-key", HEADER_API_KEY)
    }

    /// Reads a received request; a header or query parameter sent twice fails.
    fn of(request: &Request) -> Self {
        let mut sent = Sent::nothing();
        for (name, value) in &request.headers {
            let name = name.as_str();
            if PLUMBING_HEADERS.contains(&name) {
                continue;
            }
            let value = value.to_str().expect("header value is text").to_string();
            if let Some(first) = sent.headers.insert(name.to_string(), value) {
                panic!("header `{name}` sent twice (first `{first}`): {request:?}");
            }
        }
        for (name, value) in request.url.query_pairs() {
            if let Some(first) = sent.query.insert(name.to_string(), value.to_string()) {
                panic!("query parameter `{name}` sent twice (first `{first}`): {request:?}");
            }
        }
        sent
    }
}

/// The requests the API received, without those to the token endpoint.
async fn api_requests(server: &MockServer) -> Vec<Request> {
    let requests = server.received_requests().await.expect("recording is on");
    requests.into_iter().filter(|r| r.url.path() != CCG_TOKEN_PATH).collect()
}

async fn token_requests(server: &MockServer) -> usize {
    let requests = server.received_requests().await.expect("recording is on");
    requests.iter().filter(|r| r.url.path() == CCG_TOKEN_PATH).count()
}

/// What the token endpoint received, to explain a failure.
async fn token_request_summaries(server: &MockServer) -> Vec<String> {
    let requests = server.received_requests().await.expect("recording is on");
    requests
        .iter()
        .filter(|r| r.url.path() == CCG_TOKEN_PATH)
        .map(|r| {
            let authorization = r.headers.get("authorization").is_some();
            let body = String::from_utf8_lossy(&r.body);
            format!("POST {CCG_TOKEN_PATH} client authentication: {authorization}, body: {body}")
        })
        .collect()
}

async fn assert_nothing_sent(server: &MockServer) {
    let requests = server.received_requests().await.expect("recording is on");
    assert!(requests.is_empty(), "expected no request, got {requests:?}");
}

// ---------------------------------------------------------------------------
// Operations, so that one helper can call any of them.

#[derive(Debug, Clone, Copy)]
enum Op {
    CustomAuthentication,
    Oauth2,
    Oauth2Status,
    Oauth2User,
    CustomQueryOrHeaderParam,
    BasicAndApiKeyAndApiHeader,
    OauthOrCombination,
    MultipleAuthCombination,
    NoAuth,
}

type Outcome = Result<ServerResponse, Error<ErrorResponse>>;

impl Op {
    /// The operation id of the description.
    fn id(self) -> &'static str {
        match self {
            Op::CustomAuthentication => "customAuthentication",
            Op::Oauth2 => "oauth2",
            Op::Oauth2Status => "oauth2Status",
            Op::Oauth2User => "oauth2User",
            Op::CustomQueryOrHeaderParam => "customQueryOrHeaderParam",
            Op::BasicAndApiKeyAndApiHeader => "basicAndApiKeyAndApiHeader",
            Op::OauthOrCombination => "oauthOrCombination",
            Op::MultipleAuthCombination => "multipleAuthCombination",
            Op::NoAuth => "noAuth",
        }
    }

    fn path(self) -> &'static str {
        match self {
            Op::CustomAuthentication => "/auth/customAuthentication",
            Op::Oauth2 => "/auth/oauth2",
            Op::Oauth2Status => "/oauth2/non-auth-server/status",
            Op::Oauth2User => "/oauth2/non-auth-server/user",
            Op::CustomQueryOrHeaderParam => "/auth/customQueryOrHeaderParam",
            Op::BasicAndApiKeyAndApiHeader => "/auth/basicAndApiKeyAndApiHeader",
            Op::OauthOrCombination => "/oauth2/oauthOrCombination",
            Op::MultipleAuthCombination => "/auth/multipleAuthCombination",
            Op::NoAuth => "/auth/noAuth",
        }
    }

    async fn call(self, client: &MultiauthSampleClient) -> Outcome {
        let auth = client.authentication();
        let oauth2 = client.oauth2();
        match self {
            Op::CustomAuthentication => auth.custom_authentication().send().await,
            Op::Oauth2 => auth.oauth2().send().await,
            Op::Oauth2Status => oauth2.status().send().await,
            Op::Oauth2User => oauth2.user().send().await,
            Op::CustomQueryOrHeaderParam => auth.custom_query_or_header_param().send().await,
            Op::BasicAndApiKeyAndApiHeader => auth.basic_and_api_key_and_api_header().send().await,
            Op::OauthOrCombination => oauth2.oauth_or_combination().send().await,
            Op::MultipleAuthCombination => auth.multiple_auth_combination().send().await,
            #[allow(deprecated)]
            Op::NoAuth => auth.no_auth().send().await,
        }
    }
}

/// Calls `op` once on `server` and returns what the API received.
async fn call_and_capture(server: &MockServer, client: &MultiauthSampleClient, op: Op) -> Sent {
    let response = op.call(client).await.unwrap_or_else(|e| panic!("{op:?} failed: {e} ({e:?})"));
    assert_eq!(response.message, "ok");
    let requests = api_requests(server).await;
    assert_eq!(requests.len(), 1, "{op:?}: expected one API request, got {requests:?}");
    assert_eq!(requests[0].method.as_str(), "GET");
    assert_eq!(requests[0].url.path(), op.path());
    Sent::of(&requests[0])
}

/// What `op` sends with a client holding `creds`.
async fn sent(op: Op, creds: &[Cred]) -> Sent {
    let server = api_server().await;
    call_and_capture(&server, &client(&server, creds), op).await
}

/// Checks that `op` with `creds` fails with `MissingCredentials` naming
/// `alternatives`, before sending anything; returns the error's `Display`.
async fn missing(op: Op, creds: &[Cred], alternatives: &[&[Scheme]]) -> String {
    let server = api_server().await;
    let Err(error) = op.call(&client(&server, creds)).await else {
        panic!("{op:?} with {creds:?} should fail");
    };
    match &error {
        Error::MissingCredentials { operation, alternatives: named } => {
            assert_eq!(*operation, op.id());
            assert_eq!(*named, alternatives, "{op:?} with {creds:?}");
        }
        other => panic!("{op:?} with {creds:?}: expected MissingCredentials, got {other:?}"),
    }
    assert_nothing_sent(&server).await;

    let shown = error.to_string();
    let expected =
        alternatives.iter().map(|alt| alt.iter().map(|s| s.name()).collect::<Vec<_>>().join(" and ")).collect::<Vec<_>>().join(" or ");
    assert!(shown.starts_with(&format!("`{}` needs credentials for {expected}", op.id())), "{shown}");
    assert_no_secrets("MissingCredentials (Display)", &shown);
    assert_no_secrets("MissingCredentials (Debug)", &format!("{error:?}"));
    shown
}

// ---------------------------------------------------------------------------
// customAuthentication: CustomAuth.

#[tokio::test]
async fn custom_authentication_sends_only_the_custom_authorization() {
    assert_eq!(sent(Op::CustomAuthentication, &[Custom]).await, Sent::nothing().custom());
    // Everything else configured too: still only CustomAuth.
    assert_eq!(sent(Op::CustomAuthentication, &EVERYTHING).await, Sent::nothing().custom());
}

#[tokio::test]
async fn custom_authentication_without_custom_auth_is_missing_credentials() {
    let alternatives: &[&[Scheme]] = &[&[Scheme::CustomAuth]];
    missing(Op::CustomAuthentication, &[], alternatives).await;
    // A bearer token (same header, other scheme) does not stand in for it.
    let others = with(&[&BASIC_AND_KEYS, &[Bearer, AcgToken, RopcgToken, CcgToken]]);
    missing(Op::CustomAuthentication, &others, alternatives).await;
}

// ---------------------------------------------------------------------------
// oauth2: OAuthBearerToken.

#[tokio::test]
async fn oauth2_sends_only_the_bearer_token() {
    assert_eq!(sent(Op::Oauth2, &[Bearer]).await, Sent::nothing().bearer(BEARER));
    assert_eq!(sent(Op::Oauth2, &EVERYTHING).await, Sent::nothing().bearer(BEARER));
}

#[tokio::test]
async fn oauth2_without_a_bearer_token_is_missing_credentials() {
    let alternatives: &[&[Scheme]] = &[&[Scheme::OAuthBearerToken]];
    missing(Op::Oauth2, &[], alternatives).await;
    // Tokens of the OAuth 2 grants are also bearer tokens on the wire, but
    // belong to other schemes.
    missing(Op::Oauth2, &[CcgToken, AcgToken, RopcgToken, Custom], alternatives).await;
    missing(Op::Oauth2, &BASIC_AND_KEYS, alternatives).await;
}

// ---------------------------------------------------------------------------
// oauth2Status: OAuthCCG.

#[tokio::test]
async fn oauth2_status_sends_the_ccg_token() {
    assert_eq!(sent(Op::Oauth2Status, &[CcgToken]).await, Sent::nothing().bearer(CCG_PLAIN));

    let server = api_server().await;
    let client = client(&server, &[CcgClient, Bearer]);
    assert_eq!(call_and_capture(&server, &client, Op::Oauth2Status).await, Sent::nothing().bearer(CCG_ISSUED));
    assert_eq!(token_requests(&server).await, 1);
}

#[tokio::test]
async fn oauth2_status_without_ccg_is_missing_credentials() {
    let alternatives: &[&[Scheme]] = &[&[Scheme::OAuthCcg]];
    missing(Op::Oauth2Status, &[], alternatives).await;
    missing(Op::Oauth2Status, &[Bearer, AcgToken, RopcgToken, Custom], alternatives).await;
}

// ---------------------------------------------------------------------------
// oauth2User: OAuthACG AND OAuthROPCG.

/// Both schemes are `Authorization: Bearer <token>`: a request has a single
/// `Authorization` header, so the AND of the description cannot be put on the
/// wire. Rather than silently dropping one token, the client refuses before
/// sending (and the generator warns about the requirement).
#[tokio::test]
async fn oauth2_user_with_both_tokens_is_refused_before_sending() {
    let server = api_server().await;
    let client = client(&server, &[AcgToken, RopcgToken]);
    match Op::Oauth2User.call(&client).await {
        Err(Error::InvalidRequest { message }) => {
            assert!(message.contains("oauth2User") && message.contains("Authorization"), "{message}");
            assert!(!message.contains(ACG) && !message.contains(ROPCG), "{message}");
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    assert_nothing_sent(&server).await;
    assert_eq!(token_requests(&server).await, 0);
}

#[tokio::test]
async fn oauth2_user_with_one_of_the_two_tokens_is_missing_credentials() {
    let alternatives: &[&[Scheme]] = &[&[Scheme::OAuthAcg, Scheme::OAuthRopcg]];
    missing(Op::Oauth2User, &[], alternatives).await;
    missing(Op::Oauth2User, &[AcgToken], alternatives).await;
    missing(Op::Oauth2User, &[RopcgToken], alternatives).await;
    missing(Op::Oauth2User, &[AcgToken, Bearer, CcgToken], alternatives).await;
}

#[tokio::test]
async fn oauth2_user_with_an_expired_acg_token_fails_before_sending() {
    let server = api_server().await;
    let expired = OAuthToken::bearer(ACG).with_expires_at(1);
    let client = client_with(&server, |b| b.o_auth_acg(expired).o_auth_ropcg(ROPCG));
    let error = Op::Oauth2User.call(&client).await.expect_err("expired token");
    assert!(matches!(error, Error::TokenExpired { scheme: Scheme::OAuthAcg }), "{error:?}");
    assert_nothing_sent(&server).await;
    assert_no_secrets("TokenExpired", &format!("{error} {error:?}"));
}

/// A plain ROPCG token that has expired cannot be renewed (no user name and
/// password): like any expired token by default, `Error::TokenExpired`.
#[tokio::test]
async fn oauth2_user_with_an_expired_ropcg_token_is_token_expired() {
    let server = api_server().await;
    let expired = OAuthToken::bearer(ROPCG).with_expires_at(1);
    let client = client_with(&server, |b| b.o_auth_acg(ACG).o_auth_ropcg(expired));
    let error = Op::Oauth2User.call(&client).await.expect_err("expired token");
    assert_nothing_sent(&server).await;
    assert_no_secrets("expired ROPCG token error", &format!("{error} {error:?}"));
    assert!(matches!(error, Error::TokenExpired { scheme: Scheme::OAuthRopcg }), "{error:?} ({error})");
}

// ---------------------------------------------------------------------------
// customQueryOrHeaderParam: apiKey (query) OR apiHeader (headers).

#[tokio::test]
async fn custom_query_or_header_param_prefers_the_query_pair() {
    let op = Op::CustomQueryOrHeaderParam;
    assert_eq!(sent(op, &with(&[&API_KEY, &API_HEADER])).await, Sent::nothing().api_key());
    assert_eq!(sent(op, &API_KEY).await, Sent::nothing().api_key());
    assert_eq!(sent(op, &EVERYTHING).await, Sent::nothing().api_key());
}

#[tokio::test]
async fn custom_query_or_header_param_falls_back_to_the_header_pair() {
    let op = Op::CustomQueryOrHeaderParam;
    assert_eq!(sent(op, &API_HEADER).await, Sent::nothing().api_header());
    // Half of the query pair is not enough, and that half is not sent either.
    assert_eq!(sent(op, &[QueryToken, HeaderToken, HeaderApiKey]).await, Sent::nothing().api_header());
    assert_eq!(sent(op, &[QueryApiKey, HeaderToken, HeaderApiKey]).await, Sent::nothing().api_header());
    // Schemes the operation does not list are not sent.
    assert_eq!(sent(op, &[Basic, Bearer, Custom, HeaderToken, HeaderApiKey]).await, Sent::nothing().api_header());
}

#[tokio::test]
async fn custom_query_or_header_param_with_half_pairs_is_missing_credentials() {
    let op = Op::CustomQueryOrHeaderParam;
    let alternatives: &[&[Scheme]] = &[&[Scheme::ApiKeyToken, Scheme::ApiKeyApiKey], &[Scheme::ApiHeaderToken, Scheme::ApiHeaderApiKey]];
    for creds in [
        &[][..],
        &[QueryToken],
        &[QueryApiKey],
        &[HeaderToken],
        &[HeaderApiKey],
        &[QueryToken, HeaderToken],
        &[QueryToken, HeaderApiKey],
        &[QueryApiKey, HeaderToken],
        &[QueryApiKey, HeaderApiKey],
        &[Basic, Bearer, Custom, CcgToken, AcgToken, RopcgToken],
    ] {
        missing(op, creds, alternatives).await;
    }
}

#[tokio::test]
async fn query_keys_are_percent_encoded_and_arrive_unchanged() {
    let server = api_server().await;
    let token = "a b&c=d+e/f?g#h%S3CRET";
    let key = "ключ;é";
    let client = client_with(&server, |b| b.api_key_token(token).api_key_api_key(key));
    assert_eq!(
        call_and_capture(&server, &client, Op::CustomQueryOrHeaderParam).await,
        Sent::nothing().query("token", token).query("api-key", key)
    );
}

// ---------------------------------------------------------------------------
// basicAndApiKeyAndApiHeader: basicAuth AND apiKey AND apiHeader.

#[tokio::test]
async fn basic_and_api_key_and_api_header_sends_all_five() {
    let op = Op::BasicAndApiKeyAndApiHeader;
    let all_five = Sent::nothing().basic().api_key().api_header();
    assert_eq!(sent(op, &BASIC_AND_KEYS).await, all_five);
    // Bearer and custom credentials (same `Authorization` header) stay out.
    assert_eq!(sent(op, &EVERYTHING).await, Sent::nothing().basic().api_key().api_header());
}

#[tokio::test]
async fn basic_and_api_key_and_api_header_with_any_one_missing_is_missing_credentials() {
    let op = Op::BasicAndApiKeyAndApiHeader;
    let alternatives: &[&[Scheme]] =
        &[&[Scheme::BasicAuth, Scheme::ApiKeyToken, Scheme::ApiKeyApiKey, Scheme::ApiHeaderToken, Scheme::ApiHeaderApiKey]];
    for left_out in BASIC_AND_KEYS {
        let creds: Vec<Cred> = EVERYTHING.into_iter().filter(|c| *c != left_out).collect();
        let shown = missing(op, &creds, alternatives).await;
        assert!(shown.contains("basicAuth and apiKeyToken and apiKeyApiKey and apiHeaderToken and apiHeaderApiKey"), "{shown}");
    }
    missing(op, &[], alternatives).await;
}

// ---------------------------------------------------------------------------
// oauthOrCombination: OAuthCCG OR OAuthBearerToken.

#[tokio::test]
async fn oauth_or_combination_with_only_a_bearer_token_sends_it() {
    let server = api_server().await;
    let client = client(&server, &[Bearer]);
    assert_eq!(call_and_capture(&server, &client, Op::OauthOrCombination).await, Sent::nothing().bearer(BEARER));
    assert_eq!(token_requests(&server).await, 0);
}

#[tokio::test]
async fn oauth_or_combination_prefers_the_fetched_ccg_token() {
    let server = api_server().await;
    let client = client(&server, &[CcgClient, Bearer]);
    assert_eq!(call_and_capture(&server, &client, Op::OauthOrCombination).await, Sent::nothing().bearer(CCG_ISSUED));
    assert_eq!(token_requests(&server).await, 1);

    // The token is kept: a second call fetches nothing and sends the same.
    Op::OauthOrCombination.call(&client).await.expect("second call");
    let requests = api_requests(&server).await;
    assert_eq!(requests.len(), 2);
    assert_eq!(Sent::of(&requests[1]), Sent::nothing().bearer(CCG_ISSUED));
    assert_eq!(token_requests(&server).await, 1);
}

#[tokio::test]
async fn oauth_or_combination_prefers_a_plain_ccg_token() {
    let server = api_server().await;
    let client = client(&server, &[CcgToken, Bearer]);
    assert_eq!(call_and_capture(&server, &client, Op::OauthOrCombination).await, Sent::nothing().bearer(CCG_PLAIN));
    assert_eq!(token_requests(&server).await, 0);
}

/// A CCG token that has expired, with no client id and secret to fetch another,
/// is not usable (and by default an expired token is `Error::TokenExpired`
/// before the request): the client must not ask the token endpoint for a client
/// credentials grant without client credentials.
#[tokio::test]
async fn oauth2_status_with_an_expired_ccg_token_it_cannot_renew_is_token_expired() {
    let server = api_server().await;
    let expired = OAuthToken::bearer(CCG_PLAIN).with_expires_at(1);
    let client = client_with(&server, |b| b.o_auth_ccg(expired));
    let outcome = Op::Oauth2Status.call(&client).await;
    let token_calls = token_request_summaries(&server).await;
    assert!(matches!(outcome, Err(Error::TokenExpired { scheme: Scheme::OAuthCcg })), "{outcome:?}; token endpoint got {token_calls:?}");
    assert!(token_calls.is_empty(), "grant without client credentials: {token_calls:?}");
    assert_nothing_sent(&server).await;
}

/// The same expired CCG token on an operation with a second alternative: the
/// first alternative is not satisfiable, so the bearer token is sent.
#[tokio::test]
async fn oauth_or_combination_skips_an_expired_ccg_token_it_cannot_renew() {
    let server = api_server().await;
    let expired = OAuthToken::bearer(CCG_PLAIN).with_expires_at(1);
    let client = client_with(&server, |b| b.o_auth_ccg(expired).o_auth_bearer_token(BEARER));
    let outcome = Op::OauthOrCombination.call(&client).await;
    let token_calls = token_request_summaries(&server).await;
    let sent: Vec<Sent> = api_requests(&server).await.iter().map(Sent::of).collect();
    assert!(outcome.is_ok(), "{outcome:?}");
    assert_eq!(sent, vec![Sent::nothing().bearer(BEARER)], "token endpoint got {token_calls:?}");
    assert!(token_calls.is_empty(), "grant without client credentials: {token_calls:?}");
}

/// An API 401 is retried only after renewing an OAuth token the client can
/// renew; a user-supplied bearer token or a plain CCG token (no client
/// credentials) is not renewable, so there is exactly one request.
#[tokio::test]
async fn a_401_is_not_retried_without_a_renewable_token() {
    for (op, creds) in [(Op::Oauth2, Bearer), (Op::OauthOrCombination, Bearer), (Op::Oauth2Status, CcgToken)] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(401).set_body_json(json!({
                "message": "Invalid credentials.",
                "code": "unauthorized",
            })))
            .mount(&server)
            .await;
        let client = client(&server, &[creds]);
        let error = op.call(&client).await.expect_err("401");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(401), "{op:?}: {error:?}");
        let token_calls = token_request_summaries(&server).await;
        assert!(token_calls.is_empty(), "{op:?} with {creds:?}: {token_calls:?}");
        assert_eq!(api_requests(&server).await.len(), 1, "{op:?} with {creds:?} was retried");
        assert_no_secrets("401 error", &format!("{error} {error:?}"));
    }
}

/// When the token endpoint refuses the CCG client, the call fails with that
/// refusal (it is not masked by the next alternative) and nothing reaches the API.
#[tokio::test]
async fn oauth_or_combination_reports_a_refused_ccg_grant_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(CCG_TOKEN_PATH))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": "invalid_client",
            "error_description": "unknown client",
        })))
        .mount(&server)
        .await;
    let client = client(&server, &[CcgClient, Bearer]);
    let error = Op::OauthOrCombination.call(&client).await.expect_err("refused grant");
    assert!(matches!(error, Error::Token { scheme: Scheme::OAuthCcg, .. }), "{error:?}");
    assert!(api_requests(&server).await.is_empty());
    assert_eq!(token_requests(&server).await, 1);
    assert_no_secrets("Token error", &format!("{error} {error:?}"));
}

#[tokio::test]
async fn oauth_or_combination_without_either_is_missing_credentials() {
    let alternatives: &[&[Scheme]] = &[&[Scheme::OAuthCcg], &[Scheme::OAuthBearerToken]];
    missing(Op::OauthOrCombination, &[], alternatives).await;
    let others = with(&[&BASIC_AND_KEYS, &[Custom, AcgToken, RopcgToken]]);
    let shown = missing(Op::OauthOrCombination, &others, alternatives).await;
    assert!(shown.contains("OAuthCCG or OAuthBearerToken"), "{shown}");
}

// ---------------------------------------------------------------------------
// multipleAuthCombination: CustomAuth OR OAuthBearerToken OR
// (basicAuth AND apiKey AND apiHeader).

const MULTIPLE_AUTH_ALTERNATIVES: &[&[Scheme]] = &[
    &[Scheme::CustomAuth],
    &[Scheme::OAuthBearerToken],
    &[Scheme::BasicAuth, Scheme::ApiKeyToken, Scheme::ApiKeyApiKey, Scheme::ApiHeaderToken, Scheme::ApiHeaderApiKey],
];

#[tokio::test]
async fn multiple_auth_combination_uses_the_first_satisfiable_alternative() {
    let op = Op::MultipleAuthCombination;
    // CustomAuth first, whatever else is configured.
    assert_eq!(sent(op, &with(&[&[Custom], &BASIC_AND_KEYS])).await, Sent::nothing().custom());
    assert_eq!(sent(op, &EVERYTHING).await, Sent::nothing().custom());
    // Then the bearer token.
    assert_eq!(sent(op, &with(&[&[Bearer], &BASIC_AND_KEYS])).await, Sent::nothing().bearer(BEARER));
    assert_eq!(sent(op, &[Bearer]).await, Sent::nothing().bearer(BEARER));
    // Then all five of the third alternative.
    assert_eq!(sent(op, &BASIC_AND_KEYS).await, Sent::nothing().basic().api_key().api_header());
    // OAuth grant tokens are no alternative here and are not sent.
    assert_eq!(
        sent(op, &with(&[&BASIC_AND_KEYS, &[AcgToken, RopcgToken, CcgToken]])).await,
        Sent::nothing().basic().api_key().api_header()
    );
}

#[tokio::test]
async fn multiple_auth_combination_with_an_incomplete_third_alternative_is_missing_credentials() {
    let op = Op::MultipleAuthCombination;
    // basic + apiKey, apiHeader missing.
    let shown = missing(op, &with(&[&[Basic], &API_KEY]), MULTIPLE_AUTH_ALTERNATIVES).await;
    assert!(
        shown.starts_with(
            "`multipleAuthCombination` needs credentials for CustomAuth or OAuthBearerToken or \
             basicAuth and apiKeyToken and apiKeyApiKey and apiHeaderToken and apiHeaderApiKey"
        ),
        "{shown}"
    );
    for left_out in BASIC_AND_KEYS {
        let creds: Vec<Cred> = BASIC_AND_KEYS.into_iter().filter(|c| *c != left_out).collect();
        let creds = with(&[&creds, &[AcgToken, RopcgToken, CcgToken]]);
        missing(op, &creds, MULTIPLE_AUTH_ALTERNATIVES).await;
    }
    missing(op, &[], MULTIPLE_AUTH_ALTERNATIVES).await;
}

// ---------------------------------------------------------------------------
// noAuth: `security: []`.

#[tokio::test]
async fn no_auth_sends_no_credentials_even_when_configured() {
    assert_eq!(sent(Op::NoAuth, &[]).await, Sent::nothing());

    let server = api_server().await;
    let client = client(&server, &EVERYTHING);
    assert_eq!(call_and_capture(&server, &client, Op::NoAuth).await, Sent::nothing());
    assert_eq!(token_requests(&server).await, 0, "no token fetched for `security: []`");
}

// ---------------------------------------------------------------------------
// Requests that cannot be built, and secrets in Debug / Display.

/// A credential with a line break: sending it would inject a header.
const INJECTED: &str = "x-S3CRET\r\nx-injected: 1";

#[tokio::test]
async fn credentials_that_cannot_be_sent_in_a_header_fail_before_sending() {
    type Configure = fn(ConfigurationBuilder) -> ConfigurationBuilder;
    let cases: [(Op, Configure); 3] = [
        (Op::CustomAuthentication, |b| b.custom_auth(INJECTED)),
        (Op::Oauth2, |b| b.o_auth_bearer_token(INJECTED)),
        (Op::CustomQueryOrHeaderParam, |b| b.api_header_token(INJECTED).api_header_api_key(HEADER_API_KEY)),
    ];
    for (op, configure) in cases {
        let server = api_server().await;
        let client = client_with(&server, configure);
        let Err(error) = op.call(&client).await else {
            panic!("{op:?}: a header value with a line break was sent");
        };
        assert!(matches!(error, Error::InvalidRequest { .. }), "{op:?}: {error:?}");
        assert_nothing_sent(&server).await;
        assert_no_secrets("InvalidRequest", &format!("{error} {error:?}"));
    }
}

#[tokio::test]
async fn debug_of_configuration_client_and_requests_shows_no_secret() {
    let server = api_server().await;
    for ccg in [CcgClient, CcgToken] {
        let mut creds: Vec<Cred> = EVERYTHING.into_iter().filter(|c| *c != CcgClient).collect();
        creds.push(ccg);
        let config = config(&server, &creds);
        assert_no_secrets("Configuration", &format!("{config:?} {config:#?}"));
        let builder = configure(Configuration::builder(), &creds);
        assert_no_secrets("ConfigurationBuilder", &format!("{builder:?}"));

        let client = MultiauthSampleClient::new(config).expect("client");
        assert_no_secrets("client", &format!("{client:?} {client:#?}"));
        assert_no_secrets("request builder", &format!("{:?}", client.authentication().oauth2()));
        assert_no_secrets("controller", &format!("{:?}", client.oauth2()));
    }
}

#[tokio::test]
async fn transport_errors_show_no_query_or_header_credential() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(10))).mount(&server).await;
    let client = client_with(&server, |b| configure(b.timeout(Duration::from_millis(300)), &BASIC_AND_KEYS));
    let error = Op::BasicAndApiKeyAndApiHeader.call(&client).await.expect_err("times out");
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_no_secrets("Transport error", &format!("{error} {error:?}"));
}
