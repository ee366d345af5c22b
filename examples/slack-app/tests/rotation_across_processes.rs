//! Two processes sharing one SQLite store, 25 concurrent calls each, through a
//! bot token about to expire: the single-use refresh token is spent exactly
//! once at the authorization server, and every call goes out with the one
//! rotated token.

mod support;

use std::process::{Command, Stdio};
use std::sync::Arc;

use sdkgen_runtime::app::{Installation, InstallationStore, SqliteStore};
use support::{CLIENT_ID, CLIENT_SECRET, MockSlack, now};

const CHILD: &str = "ROTATION_TEST_CHILD";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_spend_one_refresh_token_once() {
    let slack = MockSlack::start().await;
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("shared.sqlite");

    // An installation whose bot token expires in 5 minutes (within the window).
    let store = SqliteStore::open(&database).unwrap();
    let mut installation = Installation::default();
    installation.team_id = Some("T0ACME".into());
    installation.user_id = Some("U0ANN".into());
    installation.bot_token = Some("xoxe.xoxb-seed".into());
    installation.bot_refresh_token = Some("xoxe-1-seed".into());
    installation.bot_token_expires_at = Some(now() + 300);
    store.save(&installation).await.unwrap();
    slack.lock().seed_bot_token("xoxe.xoxb-seed", "xoxe-1-seed", "T0ACME");

    // Both children start their calls at the same instant.
    let start_at = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() + 1500;
    let spawn = || {
        Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "child_calls_through_an_expiring_token", "--ignored", "--nocapture", "--test-threads", "1"])
            .env(CHILD, "1")
            .env("ROTATION_TEST_DATABASE", &database)
            .env("ROTATION_TEST_API", slack.url("/api"))
            .env("ROTATION_TEST_START_AT", start_at.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap()
    };
    let children = [spawn(), spawn()];
    let mut tokens = Vec::new();
    for child in children {
        let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap()).await.unwrap();
        assert!(output.status.success(), "a child failed");
        let stdout = String::from_utf8(output.stdout).unwrap();
        // The harness writes "test <name> ... " before the first line of output.
        tokens.extend(stdout.lines().filter_map(|l| l.split_once("TOKEN=")).map(|(_, token)| token.to_string()));
    }

    let (grants, refused) = {
        let s = slack.lock();
        (s.refresh_grants, s.refused_refresh_grants)
    };
    assert_eq!(grants, 1, "exactly one refresh grant");
    assert_eq!(refused, 0, "no second use of the refresh token");
    assert_eq!(tokens.len(), 50);
    let rotated = store.find_bot(None, Some("T0ACME")).await.unwrap().unwrap();
    assert!(rotated.bot_token.secret().starts_with("xoxe.xoxb-rotated-"));
    assert!(tokens.iter().all(|t| t == rotated.bot_token.secret()), "every call used the rotated token: {tokens:?}");
    assert!(rotated.bot_token_expires_at.unwrap() > now() + 40_000);
}

/// One of the two processes (run by the test above, not on its own).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "run as a child process by two_processes_spend_one_refresh_token_once"]
async fn child_calls_through_an_expiring_token() {
    if std::env::var(CHILD).is_err() {
        return;
    }
    let var = |name: &str| std::env::var(name).unwrap();
    let app = slack_web_api::app::builder()
        .client_id(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .sqlite_file(var("ROTATION_TEST_DATABASE"))
        .api_base_url(var("ROTATION_TEST_API"))
        .build()
        .unwrap();
    let app = Arc::new(app);
    let start_at: u128 = var("ROTATION_TEST_START_AT").parse().unwrap();
    let now_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis();
    tokio::time::sleep(std::time::Duration::from_millis(start_at.saturating_sub(now_ms) as u64)).await;
    let calls: Vec<_> = (0..25)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move {
                let bot = app.bot(None, Some("T0ACME")).await.unwrap().unwrap();
                // The token works: auth.test through the generated client.
                let client = app.client_for(None, Some("T0ACME"), None).await.unwrap();
                client.auth().test().send().await.unwrap();
                bot.bot_token.secret().to_string()
            })
        })
        .collect();
    for call in calls {
        println!("TOKEN={}", call.await.unwrap());
    }
}
