//! The example app as a real process, driven the way Slack and a browser
//! drive it, against a local Slack (consent pages, authorization server, Web
//! API): two installs (one enterprise-wide), a refused and a replayed
//! callback, mentions answered through each installation's bot with a token
//! rotated on the way, signed, forged and stale events, uninstall and revoked
//! tokens, and Sign in with Slack.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use reqwest::StatusCode;
use sdkgen_runtime::app::{InstallationStore, SqliteStore, TokenCipher};
use serde_json::json;
use support::{CLIENT_ID, CLIENT_SECRET, MockSlack, Plan, SIGNING_SECRET, now};

/// The app process, killed when the test ends however it ends.
struct AppProcess {
    child: Child,
    url: String,
}

impl Drop for AppProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_app(slack: &MockSlack, database: &std::path::Path, key: &str) -> AppProcess {
    let mut child = Command::new(env!("CARGO_BIN_EXE_slack-example-app"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "warn")
        .env("SLACK_APP_ADDR", "127.0.0.1:0")
        .env("SLACK_APP_DATABASE", database)
        .env("SLACK_CLIENT_ID", CLIENT_ID)
        .env("SLACK_CLIENT_SECRET", CLIENT_SECRET)
        .env("SLACK_SIGNING_SECRET", SIGNING_SECRET)
        .env("SLACK_REDIRECT_URI", "http://127.0.0.1:1/slack/oauth_redirect")
        .env("SLACK_SCOPES", "app_mentions:read,chat:write")
        .env("SLACK_USER_SCOPES", "search:read")
        .env("SLACK_TOKEN_ENCRYPTION_KEY", key)
        .env("SLACK_API_BASE_URL", slack.url("/api"))
        .env("SLACK_AUTHORIZE_URL", slack.url("/oauth/v2/authorize"))
        .env("SLACK_OPENID_AUTHORIZE_URL", slack.url("/openid/connect/authorize"))
        .env("SLACK_OPENID_JWKS_URL", slack.url("/openid/connect/keys"))
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the example app starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("listening on ").unwrap_or_else(|| panic!("unexpected first line: {line:?}")).to_string();
    AppProcess { child, url }
}

fn browser() -> reqwest::Client {
    sdkgen_runtime::transport::http_client_builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

fn location(response: &reqwest::Response) -> String {
    assert!(response.status().is_redirection(), "expected a redirect, got {}", response.status());
    response.headers()[reqwest::header::LOCATION].to_str().unwrap().to_string()
}

/// The callback URL as Slack sends the browser to it, rewritten onto the
/// app's real address (the registered redirect URI names a fixed host).
fn onto(app: &AppProcess, callback: &str) -> String {
    let url = reqwest::Url::parse(callback).unwrap();
    format!("{}{}?{}", app.url, url.path(), url.query().unwrap_or(""))
}

/// A browser going through an install: the app's install page, Slack's
/// consent page, back to the app. Returns the callback URL and the app's answer.
async fn install(app: &AppProcess) -> (String, StatusCode, String) {
    let browser = browser();
    let consent = location(&browser.get(format!("{}/slack/install", app.url)).send().await.unwrap());
    let callback = onto(app, &location(&browser.get(&consent).send().await.unwrap()));
    let answer = browser.get(&callback).send().await.unwrap();
    let status = answer.status();
    (callback, status, answer.text().await.unwrap())
}

/// Posts an event the way Slack signs it at `timestamp`.
async fn send_event(app: &AppProcess, body: &serde_json::Value, timestamp: u64, secret: &str) -> (StatusCode, String) {
    let body = serde_json::to_vec(body).unwrap();
    let signature = slack_web_api::app::signatures::verifier(secret).sign(timestamp, &body);
    let answer = browser()
        .post(format!("{}/slack/events", app.url))
        .header("content-type", "application/json")
        .header("X-Slack-Request-Timestamp", timestamp.to_string())
        .header("X-Slack-Signature", signature)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = answer.status();
    (status, answer.text().await.unwrap())
}

fn mention(enterprise: Option<&str>, team: &str, channel: &str) -> serde_json::Value {
    json!({
        "type": "event_callback",
        "team_id": team,
        "enterprise_id": enterprise,
        "event": {"type": "app_mention", "user": "U0BOB", "channel": channel, "text": "<@UBOT> hi"},
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_app_end_to_end() {
    let slack = MockSlack::start().await;
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("app.sqlite");
    let key = TokenCipher::generate_key().unwrap();
    let app = start_app(&slack, &database, &key);

    // 1. A workspace installs; its tokens rotate and expire within the window.
    slack.lock().plans.push_back(Plan { team: Some(("T0ACME", "Acme")), user_id: "U0ANN", expires_in: Some(600), ..Plan::default() });
    let (acme_callback, status, body) = install(&app).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "Thanks for installing this app in Acme!"));
    {
        let s = slack.lock();
        let consent = &s.consent_queries[0];
        assert_eq!(consent["client_id"], CLIENT_ID);
        assert_eq!(consent["scope"], "app_mentions:read,chat:write");
        assert_eq!(consent["user_scope"], "search:read");
        assert_eq!(consent["redirect_uri"], "http://127.0.0.1:1/slack/oauth_redirect");
    }

    // 2. An enterprise installs org-wide (no workspace of its own).
    slack.lock().plans.push_back(Plan {
        enterprise: Some(("E0GLOBEX", "Globex")),
        is_enterprise_install: true,
        user_id: "U0EVE",
        ..Plan::default()
    });
    let (_, status, body) = install(&app).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "Thanks for installing this app in Globex!"));

    // 3. A refusal at the consent page, and a replayed callback: nothing saved.
    slack.lock().plans.push_back(Plan { team: Some(("T0NOPE", "Nope")), deny: true, ..Plan::default() });
    let (_, status, body) = install(&app).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(body.contains("access_denied"), "{body}");
    let replay = browser().get(&acme_callback).send().await.unwrap();
    assert_eq!(replay.status(), StatusCode::BAD_REQUEST);
    assert!(replay.text().await.unwrap().contains("already used"));
    let forged = browser().get(format!("{}/slack/oauth_redirect?code=code-1&state=forged", app.url)).send().await.unwrap();
    assert_eq!(forged.status(), StatusCode::BAD_REQUEST);
    assert_eq!(slack.lock().code_grants, 2, "only the two approved installs exchanged a code");

    // What was saved, read with the key: tokens encrypted at rest, bot ids from auth.test.
    let store = SqliteStore::open(&database).unwrap().with_cipher(TokenCipher::from_base64(&key).unwrap());
    let acme = store.find_installation(None, Some("T0ACME"), Some("U0ANN")).await.unwrap().expect("Acme is installed");
    let acme_first_token = acme.bot_token.clone().unwrap();
    assert!(acme_first_token.secret().starts_with("xoxe.xoxb-"));
    assert_eq!(acme.bot_id.as_deref(), Some(format!("B{}", acme.bot_user_id.clone().unwrap()).as_str()));
    assert_eq!(acme.user_scopes, ["search:read"]);
    assert_eq!(acme.bot_scopes, ["app_mentions:read", "chat:write"]);
    assert!(acme.user_token.is_some() && acme.bot_refresh_token.is_some());
    assert!(store.find_bot(None, Some("T0NOPE")).await.unwrap().is_none());
    let raw = std::fs::read(&database).unwrap();
    assert!(!String::from_utf8_lossy(&raw).contains(acme_first_token.secret()), "tokens are encrypted at rest");
    let globex = store.find_bot(Some("E0GLOBEX"), Some("T0ANYWHERE")).await.unwrap().expect("enterprise-wide bot");
    assert!(globex.is_enterprise_install && globex.team_id.is_none());

    // 4. Mentions in each installation, answered through that installation's
    //    bot. Acme's token expires within the rotation window: it is rotated
    //    once, saved, and the reply goes out with the new token.
    let (status, _) = send_event(&app, &mention(None, "T0ACME", "C0ACME"), now(), SIGNING_SECRET).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send_event(&app, &mention(Some("E0GLOBEX"), "T0GLOBEXSALES", "C0GLOBEX"), now(), SIGNING_SECRET).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send_event(&app, &mention(None, "T0ACME", "C0ACME2"), now(), SIGNING_SECRET).await;
    assert_eq!(status, StatusCode::OK);
    let rotated = store.find_bot(None, Some("T0ACME")).await.unwrap().unwrap().bot_token;
    assert_ne!(rotated, acme_first_token);
    {
        let s = slack.lock();
        assert_eq!(s.refresh_grants, 1, "one rotation for two mentions");
        assert_eq!(s.refused_refresh_grants, 0);
        let posts: Vec<(&str, &str, &str)> = s.posts.iter().map(|p| (p.token.as_str(), p.channel.as_str(), p.text.as_str())).collect();
        assert_eq!(
            posts,
            [
                (rotated.secret(), "C0ACME", "Hello <@U0BOB>!"),
                (globex.bot_token.secret(), "C0GLOBEX", "Hello <@U0BOB>!"),
                (rotated.secret(), "C0ACME2", "Hello <@U0BOB>!"),
            ]
        );
    }

    // 5. Signatures: a forged one, a stale one (6 minutes), a challenge.
    let (status, body) = send_event(&app, &mention(None, "T0ACME", "C0X"), now(), "not-the-signing-secret").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, body) = send_event(&app, &mention(None, "T0ACME", "C0X"), now() - 360, SIGNING_SECRET).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, body) = send_event(&app, &json!({"type": "url_verification", "challenge": "3eZbrw1aBm"}), now(), SIGNING_SECRET).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "3eZbrw1aBm"));
    assert_eq!(slack.lock().posts.len(), 3, "refused events posted nothing");

    // 6. Revoked user tokens and an uninstall clean the store.
    let revoked = json!({"type": "event_callback", "enterprise_id": "E0GLOBEX", "event": {"type": "tokens_revoked", "tokens": {"oauth": ["U0EVE"], "bot": []}}});
    assert_eq!(send_event(&app, &revoked, now(), SIGNING_SECRET).await.0, StatusCode::OK);
    assert!(store.find_installation(Some("E0GLOBEX"), None, Some("U0EVE")).await.unwrap().is_none());
    assert!(store.find_bot(Some("E0GLOBEX"), None).await.unwrap().is_some(), "the bot stays");
    let uninstalled = json!({"type": "event_callback", "team_id": "T0ACME", "event": {"type": "app_uninstalled"}});
    assert_eq!(send_event(&app, &uninstalled, now(), SIGNING_SECRET).await.0, StatusCode::OK);
    assert!(store.find_bot(None, Some("T0ACME")).await.unwrap().is_none());
    assert!(store.find_installation(None, Some("T0ACME"), None).await.unwrap().is_none());
    let (status, _) = send_event(&app, &mention(None, "T0ACME", "C0ACME"), now(), SIGNING_SECRET).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(slack.lock().posts.len(), 3, "an uninstalled workspace gets no reply");

    // 7. Sign in with Slack: nonce, id_token verified against the JWKS, userInfo.
    let browser = browser();
    let consent = location(&browser.get(format!("{}/slack/login", app.url)).send().await.unwrap());
    assert!(consent.contains("scope=openid+email+profile") && consent.contains("nonce="), "{consent}");
    let callback = onto(&app, &location(&browser.get(&consent).send().await.unwrap()));
    assert!(callback.contains("/slack/login/callback?"), "{callback}");
    let answer = browser.get(&callback).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    let signed_in: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(
        signed_in,
        json!({"sub": "U0ANN", "email": "ann@example.com", "team_id": "T0ACME", "name": "Ann Example", "user_id": "U0ANN"})
    );
    let replay = browser.get(&callback).send().await.unwrap();
    assert_eq!(replay.status(), StatusCode::BAD_REQUEST, "a sign-in callback serves once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn installations_survive_a_restart_and_need_their_key() {
    let slack = MockSlack::start().await;
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("app.sqlite");
    let key = TokenCipher::generate_key().unwrap();
    let app = start_app(&slack, &database, &key);
    slack.lock().plans.push_back(Plan { team: Some(("T0ACME", "Acme")), user_id: "U0ANN", ..Plan::default() });
    assert_eq!(install(&app).await.1, StatusCode::OK);
    drop(app);

    // Restarted with the same key: the installation is there.
    let app = start_app(&slack, &database, &key);
    let (status, body) = send_event(&app, &mention(None, "T0ACME", "C0ACME"), now(), SIGNING_SECRET).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(slack.lock().posts.len(), 1);
    drop(app);

    // Restarted with another key: the tokens are refused, not misread.
    let app = start_app(&slack, &database, &TokenCipher::generate_key().unwrap());
    let (status, body) = send_event(&app, &mention(None, "T0ACME", "C0ACME"), now(), SIGNING_SECRET).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(body.contains("cannot be decrypted"), "{body}");
    assert_eq!(slack.lock().posts.len(), 1, "nothing was sent with a garbled token");
}

#[test]
fn a_malformed_encryption_key_stops_the_app_with_a_clear_error() {
    let output = Command::new(env!("CARGO_BIN_EXE_slack-example-app"))
        .env_clear()
        .env("SLACK_APP_ADDR", "127.0.0.1:0")
        .env("SLACK_CLIENT_ID", CLIENT_ID)
        .env("SLACK_CLIENT_SECRET", CLIENT_SECRET)
        .env("SLACK_APP_DATABASE", std::env::temp_dir().join("never-created.sqlite"))
        .env("SLACK_TOKEN_ENCRYPTION_KEY", "too-short")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("SLACK_TOKEN_ENCRYPTION_KEY"), "{stderr}");
    assert!(!stderr.contains("too-short"), "the key is not echoed: {stderr}");
}
