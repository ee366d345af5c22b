//! The generated crate's app layer in process, against the local Slack: every
//! way an install or a sign-in is refused is a typed error, and nothing is
//! saved when one is returned.

mod support;

use std::sync::Arc;
use std::time::Duration;

use sdkgen_runtime::app::{InstallationStore, OidcError, SignatureError, SqliteStore};
use sdkgen_runtime::http::{HeaderMap, HeaderValue};
use sdkgen_runtime::oauth::OAuthErrorCode;
use slack_web_api::app::{self, App, AppError, InstallError};
use support::{CLIENT_ID, CLIENT_SECRET, MockSlack, Plan, SIGNING_SECRET, now};

fn app_with(slack: &MockSlack, store: SqliteStore) -> App {
    let store = Arc::new(store);
    app::builder()
        .client_id(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .redirect_uri("https://example.com/slack/oauth_redirect")
        .signing_secret(SIGNING_SECRET)
        .scopes(["chat:write"])
        .installation_store(store.clone())
        .state_store(store)
        .api_base_url(slack.url("/api"))
        .authorization_url(slack.url("/oauth/v2/authorize"))
        .openid_authorization_url(slack.url("/openid/connect/authorize"))
        .jwks_url(slack.url("/openid/connect/keys"))
        .build()
        .unwrap()
}

/// What the browser brings back from the consent page (the callback's query).
async fn consent(url: &str) -> String {
    let browser = sdkgen_runtime::transport::http_client_builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let answer = browser.get(url).send().await.unwrap();
    let location = answer.headers()[reqwest::header::LOCATION].to_str().unwrap();
    reqwest::Url::parse(location).unwrap().query().unwrap_or("").to_string()
}

fn acme() -> Plan {
    Plan { team: Some(("T0ACME", "Acme")), user_id: "U0ANN", ..Plan::default() }
}

async fn nothing_saved(store: &SqliteStore) {
    assert!(store.find_bot(None, Some("T0ACME")).await.unwrap().is_none());
    assert!(store.find_installation(None, Some("T0ACME"), None).await.unwrap().is_none());
}

#[tokio::test]
async fn refused_installs_are_typed_and_save_nothing() {
    let slack = MockSlack::start().await;
    let store = SqliteStore::open_in_memory().unwrap();
    let app = app_with(&slack, store.clone());

    // No state, a state never issued, a state used twice.
    assert!(matches!(app.complete_install("code=abc").await, Err(InstallError::MissingState)));
    assert!(matches!(app.complete_install("code=abc&state=forged").await, Err(InstallError::UnknownState)));

    // Refused at the consent page: the state is spent with it.
    slack.lock().plans.push_back(Plan { deny: true, ..acme() });
    let callback = consent(app.begin_install().await.unwrap().url()).await;
    match app.complete_install(&callback).await {
        Err(InstallError::Denied { code, .. }) => assert_eq!(code, "access_denied"),
        other => panic!("expected Denied, got {other:?}"),
    }
    assert!(matches!(app.complete_install(&callback).await, Err(InstallError::ReusedState)));

    // A code the authorization server does not know.
    let state = app.begin_install().await.unwrap().state().secret().to_string();
    match app.complete_install(&format!("code=never-issued&state={state}")).await {
        Err(InstallError::Exchange(e)) => assert_eq!(e.code(), Some(&OAuthErrorCode::Other("invalid_code".into()))),
        other => panic!("expected Exchange, got {other:?}"),
    }

    // auth.test fails after the exchange: the installation is not saved half-known.
    slack.lock().identity_down = true;
    slack.lock().plans.push_back(acme());
    let callback = consent(app.begin_install().await.unwrap().url()).await;
    assert!(matches!(app.complete_install(&callback).await, Err(InstallError::Identity(_))));
    slack.lock().identity_down = false;
    nothing_saved(&store).await;

    // The same flow, all well, saves it.
    slack.lock().plans.push_back(acme());
    let callback = consent(app.begin_install().await.unwrap().url()).await;
    let installation = app.complete_install(&callback).await.unwrap();
    assert_eq!(installation.team_id.as_deref(), Some("T0ACME"));
    assert!(store.find_bot(None, Some("T0ACME")).await.unwrap().is_some());
}

#[tokio::test]
async fn an_expired_state_is_refused_before_the_code_is_spent() {
    let slack = MockSlack::start().await;
    let store = SqliteStore::open_in_memory().unwrap().with_state_expiry(Duration::from_millis(200));
    let app = app_with(&slack, store.clone());
    slack.lock().plans.push_back(acme());
    let callback = consent(app.begin_install().await.unwrap().url()).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(matches!(app.complete_install(&callback).await, Err(InstallError::ExpiredState)));
    assert_eq!(slack.lock().code_grants, 0);
    nothing_saved(&store).await;
}

#[tokio::test]
async fn id_tokens_that_are_not_right_are_refused() {
    let slack = MockSlack::start().await;
    let app = app_with(&slack, SqliteStore::open_in_memory().unwrap());
    for (fault, expected) in [("aud", "WrongAudience"), ("nonce", "NonceMismatch"), ("expired", "Expired"), ("key", "BadSignature")] {
        slack.lock().id_token_fault = Some(fault);
        let callback = consent(app.begin_sign_in().await.unwrap().url()).await;
        match app.complete_sign_in(&callback).await {
            Err(InstallError::IdToken(e)) => {
                let matched = match &e {
                    OidcError::WrongAudience => "WrongAudience",
                    OidcError::NonceMismatch => "NonceMismatch",
                    OidcError::Expired => "Expired",
                    OidcError::BadSignature => "BadSignature",
                    _ => "other",
                };
                assert_eq!(matched, expected, "{fault}: {e}");
            }
            other => panic!("{fault}: expected an id_token error, got {other:?}"),
        }
    }
    slack.lock().id_token_fault = None;
    let callback = consent(app.begin_sign_in().await.unwrap().url()).await;
    let signed_in = app.complete_sign_in(&callback).await.unwrap();
    assert_eq!(signed_in.claims.sub, "U0ANN");
    assert_eq!(signed_in.claims.claim("https://slack.com/team_id"), Some(&serde_json::json!("T0ACME")));
}

fn signed(body: &[u8], timestamp: u64, secret: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("X-Slack-Request-Timestamp", HeaderValue::from_str(&timestamp.to_string()).unwrap());
    let signature = app::signatures::verifier(secret).sign(timestamp, body);
    headers.insert("X-Slack-Signature", HeaderValue::from_str(&signature).unwrap());
    headers
}

#[tokio::test]
async fn request_signatures_are_checked() {
    let slack = MockSlack::start().await;
    let app = app_with(&slack, SqliteStore::open_in_memory().unwrap());
    let body = br#"{"type":"event_callback"}"#;
    app.verify_request(&signed(body, now(), SIGNING_SECRET), body).unwrap();
    let refused = |r: Result<(), AppError>| match r {
        Err(AppError::Signature(e)) => e,
        other => panic!("expected a signature error, got {other:?}"),
    };
    assert_eq!(refused(app.verify_request(&signed(body, now(), SIGNING_SECRET), b"{\"type\":\"forged\"}")), SignatureError::Mismatch);
    assert_eq!(refused(app.verify_request(&signed(body, now(), "another-secret"), body)), SignatureError::Mismatch);
    assert!(matches!(refused(app.verify_request(&signed(body, now() - 360, SIGNING_SECRET), body)), SignatureError::Stale { .. }));
    assert!(matches!(refused(app.verify_request(&HeaderMap::new(), body)), SignatureError::MissingHeader { .. }));

    // Without a signing secret the app says which setting is missing.
    let unsigned = app::builder()
        .client_id(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .installation_store(Arc::new(SqliteStore::open_in_memory().unwrap()))
        .build()
        .unwrap();
    let error = unsigned.verify_request(&signed(body, now(), SIGNING_SECRET), body).unwrap_err();
    assert_eq!(error.to_string(), "not configured: the signing secret (environment variable SLACK_SIGNING_SECRET)");
}

#[test]
fn missing_credentials_and_stores_are_named() {
    let error = app::builder().installation_store(Arc::new(SqliteStore::open_in_memory().unwrap())).build().unwrap_err();
    assert_eq!(error.to_string(), "not configured: the client id (environment variable SLACK_CLIENT_ID)");
    let error = app::builder().client_id(CLIENT_ID).client_secret(CLIENT_SECRET).build().unwrap_err();
    assert!(error.to_string().contains("an installation store"), "{error}");
}

#[tokio::test]
async fn user_tokens_rotate_too() {
    let slack = MockSlack::start().await;
    let store = SqliteStore::open_in_memory().unwrap();
    let app = app_with(&slack, store.clone());
    slack.lock().plans.push_back(Plan { expires_in: Some(600), ..acme() });
    let callback = consent(app.begin_install().await.unwrap().url()).await;
    let installed = app.complete_install(&callback).await.unwrap();
    let first = installed.user_token.clone().unwrap();

    let rotated = app.installation(None, Some("T0ACME"), Some("U0ANN")).await.unwrap().unwrap();
    let token = rotated.user_token.clone().unwrap();
    assert_ne!(token, first);
    assert!(token.secret().starts_with("xoxe.xoxp-rotated-"));
    assert!(rotated.user_token_expires_at.unwrap() > now() + 40_000);
    // Saved, and not rotated again.
    let again = app.installation(None, Some("T0ACME"), Some("U0ANN")).await.unwrap().unwrap();
    assert_eq!(again.user_token, Some(token.clone()));
    assert_eq!(slack.lock().refresh_grants, 1);
    // The user's client calls with it.
    let client = app.client_for(None, Some("T0ACME"), Some("U0ANN")).await.unwrap();
    client.auth().test().send().await.unwrap();

    // A refused refresh leaves the stored token as it was and says why.
    slack.lock().plans.push_back(Plan { team: Some(("T0BETA", "Beta")), user_id: "U0BEN", expires_in: Some(600), ..Plan::default() });
    let callback = consent(app.begin_install().await.unwrap().url()).await;
    let beta = app.complete_install(&callback).await.unwrap();
    store.delete_bot(None, Some("T0BETA")).await.unwrap();
    let mut forged = beta.clone();
    forged.user_refresh_token = Some("xoxe-1-unknown".into());
    store.save(&forged).await.unwrap();
    match app.installation(None, Some("T0BETA"), Some("U0BEN")).await {
        Err(AppError::Rotation(e)) => assert!(e.to_string().contains("invalid_refresh_token"), "{e}"),
        other => panic!("expected a rotation error, got {other:?}"),
    }
    let kept = store.find_installation(None, Some("T0BETA"), Some("U0BEN")).await.unwrap().unwrap();
    assert_eq!(kept.user_token, beta.user_token);
}
