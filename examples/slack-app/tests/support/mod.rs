//! A local stand-in for Slack: the consent pages (install and Sign in with
//! Slack), the authorization server (oauth.v2.access with codes and
//! single-use refresh tokens, openid.connect.token with RS256 id tokens and
//! its JWKS), and the Web API methods the app calls (auth.test,
//! chat.postMessage, openid.connect.userInfo). It checks every token it is
//! shown and records what was done, so tests assert on exact effects.

#![allow(dead_code)] // each test binary uses part of it

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

pub const CLIENT_ID: &str = "1111.2222";
pub const CLIENT_SECRET: &str = "client-secret-for-tests";
pub const SIGNING_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const TEST_KEY: &str = include_str!("../../../../runtime/src/app/testdata/oidc_test_key.pem");
const OTHER_KEY: &str = include_str!("../../../../runtime/src/app/testdata/oidc_other_key.pem");
const TEST_JWKS: &str = include_str!("../../../../runtime/src/app/testdata/oidc_test_jwks.json");

/// What the next consent approves (or refuses).
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub team: Option<(&'static str, &'static str)>,
    pub enterprise: Option<(&'static str, &'static str)>,
    pub is_enterprise_install: bool,
    pub user_id: &'static str,
    pub deny: bool,
    /// Lifetime of the issued tokens (rotation on); `None`: tokens do not expire.
    pub expires_in: Option<u64>,
}

/// Who a token belongs to.
#[derive(Debug, Clone)]
pub struct TokenInfo {
    pub team_id: Option<String>,
    pub enterprise_id: Option<String>,
    pub user_id: String,
    pub bot: bool,
    pub is_enterprise_install: bool,
    /// False once rotated away or revoked.
    pub valid: bool,
}

#[derive(Debug, Clone)]
pub struct Post {
    pub token: String,
    pub channel: String,
    pub text: String,
}

#[derive(Default)]
pub struct MockState {
    pub plans: VecDeque<Plan>,
    codes: HashMap<String, Plan>,
    pub tokens: HashMap<String, TokenInfo>,
    /// refresh token → (access token it renews, spent)
    refresh_tokens: HashMap<String, (String, bool)>,
    pub refresh_grants: usize,
    pub refused_refresh_grants: usize,
    pub code_grants: usize,
    pub posts: Vec<Post>,
    pub consent_queries: Vec<HashMap<String, String>>,
    /// The lifetime of rotated tokens.
    pub rotated_expires_in: u64,
    sign_in_codes: HashMap<String, String>,
    counter: u64,
    pub jwks_requests: usize,
    /// Makes the next id tokens wrong: `aud`, `nonce`, `expired` or `key`
    /// (signed with a key the JWKS does not have).
    pub id_token_fault: Option<&'static str>,
    /// Makes auth.test refuse every token.
    pub identity_down: bool,
}

impl MockState {
    fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// Registers a rotating bot token issued outside the consent flow (seeded stores).
    pub fn seed_bot_token(&mut self, access: &str, refresh: &str, team_id: &str) {
        self.tokens.insert(
            access.to_string(),
            TokenInfo {
                team_id: Some(team_id.into()),
                enterprise_id: None,
                user_id: "UBOT".into(),
                bot: true,
                is_enterprise_install: false,
                valid: true,
            },
        );
        self.refresh_tokens.insert(refresh.to_string(), (access.to_string(), false));
    }
}

pub struct MockSlack {
    pub addr: SocketAddr,
    pub state: Arc<Mutex<MockState>>,
}

impl MockSlack {
    pub async fn start() -> MockSlack {
        let state = Arc::new(Mutex::new(MockState { rotated_expires_in: 43_200, ..MockState::default() }));
        let router = Router::new()
            .route("/oauth/v2/authorize", get(authorize))
            .route("/openid/connect/authorize", get(openid_authorize))
            .route("/openid/connect/keys", get(keys))
            .route("/api/oauth.v2.access", post(oauth_v2_access))
            .route("/api/auth.test", post(auth_test).get(auth_test))
            .route("/api/chat.postMessage", post(post_message))
            .route("/api/openid.connect.token", post(openid_token))
            .route("/api/openid.connect.userInfo", post(user_info).get(user_info))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        MockSlack { addr, state }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn lock(&self) -> std::sync::MutexGuard<'_, MockState> {
        self.state.lock().unwrap()
    }
}

type Shared = State<Arc<Mutex<MockState>>>;

fn redirect_to(base: &str, params: &[(&str, &str)]) -> Response {
    let mut url = reqwest::Url::parse(base).unwrap();
    for (k, v) in params {
        url.query_pairs_mut().append_pair(k, v);
    }
    Redirect::to(url.as_str()).into_response()
}

async fn authorize(State(state): Shared, Query(query): Query<HashMap<String, String>>) -> Response {
    let mut s = state.lock().unwrap();
    s.consent_queries.push(query.clone());
    let plan = s.plans.pop_front().expect("a test plans each consent");
    let redirect = query.get("redirect_uri").cloned().expect("the app sends its redirect_uri");
    let st = query.get("state").cloned().unwrap_or_default();
    if plan.deny {
        return redirect_to(&redirect, &[("error", "access_denied"), ("state", &st)]);
    }
    let code = format!("code-{}", s.next());
    s.codes.insert(code.clone(), plan);
    redirect_to(&redirect, &[("code", &code), ("state", &st)])
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers.get(header::AUTHORIZATION)?.to_str().ok()?.strip_prefix("Bearer ").map(str::to_string)
}

fn refuse(error: &str) -> Response {
    axum::Json(json!({"ok": false, "error": error})).into_response()
}

async fn oauth_v2_access(State(state): Shared, Form(form): Form<HashMap<String, String>>) -> Response {
    let mut s = state.lock().unwrap();
    if form.get("client_id").map(String::as_str) != Some(CLIENT_ID) || form.get("client_secret").map(String::as_str) != Some(CLIENT_SECRET)
    {
        return refuse("invalid_client_id");
    }
    if form.get("grant_type").map(String::as_str) == Some("refresh_token") {
        let refresh = form.get("refresh_token").cloned().unwrap_or_default();
        let Some((old_access, spent)) = s.refresh_tokens.get(&refresh).cloned() else {
            s.refused_refresh_grants += 1;
            return refuse("invalid_refresh_token");
        };
        if spent {
            s.refused_refresh_grants += 1;
            return refuse("invalid_refresh_token");
        }
        s.refresh_grants += 1;
        s.refresh_tokens.insert(refresh, (old_access.clone(), true));
        let mut info = s.tokens.get(&old_access).cloned().expect("a refresh token belongs to a token");
        if let Some(old) = s.tokens.get_mut(&old_access) {
            old.valid = false;
        }
        info.valid = true;
        let n = s.next();
        let kind = if info.bot { "xoxb" } else { "xoxp" };
        let access = format!("xoxe.{kind}-rotated-{n}");
        let new_refresh = format!("xoxe-1-rotated-{n}");
        s.tokens.insert(access.clone(), info.clone());
        s.refresh_tokens.insert(new_refresh.clone(), (access.clone(), false));
        return axum::Json(json!({
            "ok": true,
            "access_token": access,
            "refresh_token": new_refresh,
            "expires_in": s.rotated_expires_in,
            "token_type": if info.bot { "bot" } else { "user" },
            "team": {"id": info.team_id},
        }))
        .into_response();
    }
    let code = form.get("code").cloned().unwrap_or_default();
    let Some(plan) = s.codes.remove(&code) else { return refuse("invalid_code") };
    s.code_grants += 1;
    let n = s.next();
    let team_id = plan.team.map(|t| t.0.to_string());
    let enterprise_id = plan.enterprise.map(|e| e.0.to_string());
    let info = |user_id: &str, bot: bool| TokenInfo {
        team_id: team_id.clone(),
        enterprise_id: enterprise_id.clone(),
        user_id: user_id.into(),
        bot,
        is_enterprise_install: plan.is_enterprise_install,
        valid: true,
    };
    let rotating = plan.expires_in.is_some();
    let prefix = if rotating { "xoxe." } else { "" };
    let bot_token = format!("{prefix}xoxb-{n}");
    let user_token = format!("{prefix}xoxp-{n}");
    s.tokens.insert(bot_token.clone(), info(&format!("UBOT{n}"), true));
    s.tokens.insert(user_token.clone(), info(plan.user_id, false));
    let mut body = json!({
        "ok": true,
        "app_id": "A0KRD7HC3",
        "authed_user": {"id": plan.user_id, "scope": "search:read", "access_token": user_token, "token_type": "user"},
        "scope": "app_mentions:read,chat:write",
        "token_type": "bot",
        "access_token": bot_token,
        "bot_user_id": format!("UBOT{n}"),
        "team": plan.team.map(|(id, name)| json!({"id": id, "name": name})),
        "enterprise": plan.enterprise.map(|(id, name)| json!({"id": id, "name": name})),
        "is_enterprise_install": plan.is_enterprise_install,
        "incoming_webhook": {"channel": "#general", "channel_id": "C0GENERAL", "configuration_url": "https://example.slack.com/services/B1", "url": format!("https://hooks.slack.com/services/T/B/{n}")},
    });
    if let Some(expires_in) = plan.expires_in {
        let bot_refresh = format!("xoxe-1-bot-{n}");
        let user_refresh = format!("xoxe-1-user-{n}");
        s.refresh_tokens.insert(bot_refresh.clone(), (bot_token.clone(), false));
        s.refresh_tokens.insert(user_refresh.clone(), (user_token.clone(), false));
        body["refresh_token"] = json!(bot_refresh);
        body["expires_in"] = json!(expires_in);
        body["authed_user"]["refresh_token"] = json!(user_refresh);
        body["authed_user"]["expires_in"] = json!(expires_in);
    }
    axum::Json(body).into_response()
}

/// The token's owner, or the error code Slack answers with.
fn check_token(s: &MockState, headers: &HeaderMap) -> Result<(String, TokenInfo), &'static str> {
    let token = bearer(headers).ok_or("not_authed")?;
    match s.tokens.get(&token) {
        Some(info) if info.valid => Ok((token, info.clone())),
        Some(_) => Err("token_expired"),
        None => Err("invalid_auth"),
    }
}

async fn auth_test(State(state): Shared, headers: HeaderMap) -> Response {
    let s = state.lock().unwrap();
    if s.identity_down {
        return refuse("internal_error");
    }
    let (_, info) = match check_token(&s, &headers) {
        Ok(found) => found,
        Err(code) => return refuse(code),
    };
    axum::Json(json!({
        "ok": true,
        "url": format!("https://{}.slack.com/", info.team_id.as_deref().or(info.enterprise_id.as_deref()).unwrap_or("x").to_lowercase()),
        "team_id": info.team_id,
        "enterprise_id": info.enterprise_id,
        "user_id": info.user_id,
        "bot_id": if info.bot { Some(format!("B{}", info.user_id)) } else { None },
        "is_enterprise_install": info.is_enterprise_install,
    }))
    .into_response()
}

async fn post_message(State(state): Shared, headers: HeaderMap, Form(form): Form<HashMap<String, String>>) -> Response {
    let mut s = state.lock().unwrap();
    let (token, _) = match check_token(&s, &headers) {
        Ok(found) => found,
        Err(code) => return refuse(code),
    };
    let channel = form.get("channel").cloned().unwrap_or_default();
    s.posts.push(Post { token, channel: channel.clone(), text: form.get("text").cloned().unwrap_or_default() });
    axum::Json(json!({"ok": true, "channel": channel, "ts": "1700000000.000100"})).into_response()
}

async fn openid_authorize(State(state): Shared, Query(query): Query<HashMap<String, String>>) -> Response {
    let mut s = state.lock().unwrap();
    s.consent_queries.push(query.clone());
    let redirect = query.get("redirect_uri").cloned().expect("the app sends its redirect_uri");
    let code = format!("oidc-code-{}", s.next());
    s.sign_in_codes.insert(code.clone(), query.get("nonce").cloned().unwrap_or_default());
    redirect_to(&redirect, &[("code", &code), ("state", query.get("state").map(String::as_str).unwrap_or(""))])
}

async fn keys(State(state): Shared) -> Response {
    state.lock().unwrap().jwks_requests += 1;
    ([(header::CONTENT_TYPE, "application/json")], TEST_JWKS).into_response()
}

/// An id token as Slack signs it (RS256, kid `test-key-1`).
pub fn id_token(claims: &Value) -> String {
    sign_id_token(claims, TEST_KEY)
}

fn sign_id_token(claims: &Value, pem: &str) -> String {
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some("test-key-1".into());
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap();
    jsonwebtoken::encode(&header, claims, &key).unwrap()
}

pub fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

async fn openid_token(State(state): Shared, Form(form): Form<HashMap<String, String>>) -> Response {
    let mut s = state.lock().unwrap();
    if form.get("client_id").map(String::as_str) != Some(CLIENT_ID) || form.get("client_secret").map(String::as_str) != Some(CLIENT_SECRET)
    {
        return refuse("invalid_client_id");
    }
    let Some(nonce) = form.get("code").and_then(|c| s.sign_in_codes.remove(c)) else { return refuse("invalid_code") };
    let n = s.next();
    let access = format!("xoxp-oidc-{n}");
    s.tokens.insert(
        access.clone(),
        TokenInfo {
            team_id: Some("T0ACME".into()),
            enterprise_id: None,
            user_id: "U0ANN".into(),
            bot: false,
            is_enterprise_install: false,
            valid: true,
        },
    );
    let mut claims = json!({
        "iss": "https://slack.com",
        "sub": "U0ANN",
        "aud": CLIENT_ID,
        "exp": now() + 300,
        "iat": now(),
        "auth_time": now(),
        "nonce": nonce,
        "email": "ann@example.com",
        "email_verified": true,
        "https://slack.com/team_id": "T0ACME",
        "https://slack.com/user_id": "U0ANN",
    });
    let mut pem = TEST_KEY;
    match s.id_token_fault {
        Some("aud") => claims["aud"] = json!("9999.9999"),
        Some("nonce") => claims["nonce"] = json!("another-nonce"),
        Some("expired") => {
            claims["exp"] = json!(now() - 600);
            claims["iat"] = json!(now() - 900);
        }
        Some("key") => pem = OTHER_KEY,
        _ => {}
    }
    let token = sign_id_token(&claims, pem);
    axum::Json(json!({"ok": true, "access_token": access, "token_type": "Bearer", "id_token": token})).into_response()
}

async fn user_info(State(state): Shared, headers: HeaderMap) -> Response {
    let s = state.lock().unwrap();
    let (_, info) = match check_token(&s, &headers) {
        Ok(found) => found,
        Err(code) => return refuse(code),
    };
    axum::Json(json!({
        "ok": true,
        "sub": info.user_id,
        "https://slack.com/user_id": info.user_id,
        "https://slack.com/team_id": info.team_id,
        "email": "ann@example.com",
        "email_verified": true,
        "name": "Ann Example",
    }))
    .into_response()
}
