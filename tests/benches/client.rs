//! What the generated client costs over hand-written code, on this machine,
//! in one run so the ratios are fair on a noisy machine:
//!
//! - a small call (`conversations.list`, 60-byte body) through the generated
//!   Slack client vs the same request with `reqwest` + `serde` by hand, both
//!   against a minimal keep-alive HTTP server on 127.0.0.1;
//! - decoding a `conversations.history` page of 1,000 messages into the
//!   generated models (as `send()` does it, and with `serde_json` directly)
//!   vs plain `serde` derive structs with the same fields.
//!
//! `cargo bench -p sdkgen-tests --bench client`; rounds alternate between the
//! contenders and the medians are compared. Figures go in the README.

use std::time::{Duration, Instant};

use serde::Deserialize;
use slack_web_api::models::{ConversationsHistoryError, ConversationsHistoryResponse, ConversationsListResponse};
use slack_web_api::{Configuration, SlackWebApiClient};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const TOKEN: &str = "xoxb-bench";
const LIST_BODY: &str = r#"{"ok":true,"channels":[],"response_metadata":{"next_cursor":""}}"#;
const ROUNDS: usize = 9;

/// Serves `LIST_BODY` to every request, keeping connections alive.
async fn serve() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let mut pending = Vec::new();
                let response =
                    format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{LIST_BODY}", LIST_BODY.len());
                loop {
                    let n = match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    pending.extend_from_slice(&buf[..n]);
                    // GET requests: no body, so each ends at the blank line.
                    while let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                        pending.drain(..end + 4);
                        if socket.write_all(response.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

#[derive(Deserialize)]
#[allow(dead_code)] // decoded to be measured, not read
struct PlainList {
    ok: bool,
    channels: Vec<serde_json::Value>,
    response_metadata: Option<PlainMetadata>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct PlainMetadata {
    next_cursor: Option<String>,
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn call_overhead() {
    let base = serve().await;
    let client = SlackWebApiClient::new(Configuration::builder().base_url(&base).slack_auth(TOKEN).build()).unwrap();
    let raw = reqwest::Client::new();
    let url = format!("{base}/conversations.list");
    let calls = 400;
    // Warm both connection pools.
    for _ in 0..50 {
        let _: ConversationsListResponse = client.conversations().list().send().await.unwrap();
        let _ = raw.get(&url).bearer_auth(TOKEN).send().await.unwrap().bytes().await.unwrap();
    }
    let (mut generated, mut by_hand) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let started = Instant::now();
        for _ in 0..calls {
            let page = client.conversations().list().send().await.unwrap();
            std::hint::black_box(page);
        }
        generated.push(started.elapsed() / calls);
        let started = Instant::now();
        for _ in 0..calls {
            let response = raw.get(&url).bearer_auth(TOKEN).header(reqwest::header::ACCEPT, "application/json").send().await.unwrap();
            assert!(response.status().is_success());
            let bytes = response.bytes().await.unwrap();
            let page: PlainList = serde_json::from_slice(&bytes).unwrap();
            std::hint::black_box(page);
        }
        by_hand.push(started.elapsed() / calls);
    }
    let (g, h) = (median(generated), median(by_hand));
    println!("small call: generated client {g:?}, reqwest + serde by hand {h:?}, ratio {:.2}", g.as_secs_f64() / h.as_secs_f64());
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct PlainHistory {
    ok: bool,
    messages: Vec<PlainMessage>,
    has_more: bool,
    pin_count: i64,
    channel_actions_count: i64,
    channel_actions_ts: serde_json::Value,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct PlainMessage {
    #[serde(rename = "type")]
    type_: String,
    user: Option<String>,
    text: String,
    ts: String,
    team: Option<String>,
    client_msg_id: Option<String>,
    thread_ts: Option<String>,
    reply_count: Option<i64>,
    reply_users_count: Option<i64>,
    latest_reply: Option<String>,
    reply_users: Option<Vec<String>>,
    is_starred: Option<bool>,
    reactions: Option<Vec<PlainReaction>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct PlainReaction {
    name: String,
    count: i64,
    users: Vec<String>,
}

fn history_page() -> Vec<u8> {
    let messages: Vec<serde_json::Value> = (0..1000)
        .map(|i| {
            serde_json::json!({
                "type": "message",
                "user": format!("U{:08}", i % 37),
                "text": format!("message number {i} with some words in it, as people write them"),
                "ts": format!("1700000{:03}.{:06}", i, i * 7),
                "team": "T0123456",
                "client_msg_id": format!("6b4c2f0e-{i:04}-4c1e-9e0a-5a1d2b3c4d5e"),
                "thread_ts": format!("1700000{:03}.000100", i / 10),
                "reply_count": i % 5,
                "reply_users_count": i % 3,
                "latest_reply": "1700000999.000200",
                "reply_users": ["U00000001", "U00000002"],
                "is_starred": i % 2 == 0,
                "reactions": [{"name": "thumbsup", "count": 2, "users": ["U00000001", "U00000002"]}]
            })
        })
        .collect();
    serde_json::to_vec(&serde_json::json!({
        "ok": true, "messages": messages, "has_more": true, "pin_count": 0,
        "channel_actions_count": 0, "channel_actions_ts": null,
        "response_metadata": {"next_cursor": "bmV4dF90czoxNTEyMDg1ODYxMDAwNTQz"}
    }))
    .unwrap()
}

fn decoding() {
    let page = history_page();
    let times = 20;
    let (mut as_sent, mut direct, mut plain) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let started = Instant::now();
        for _ in 0..times {
            let raw = sdkgen_runtime::Raw::new(200, page.clone());
            let decoded = sdkgen_runtime::response::json::<ConversationsHistoryResponse, ConversationsHistoryError, slack_web_api::Scheme>(
                raw,
                Some(("ok", sdkgen_runtime::response::Pinned::Bool(false))),
                sdkgen_runtime::response::error_body,
            )
            .unwrap();
            std::hint::black_box(decoded);
        }
        as_sent.push(started.elapsed() / times);
        let started = Instant::now();
        for _ in 0..times {
            let copy = page.clone();
            let decoded: ConversationsHistoryResponse = serde_json::from_slice(&copy).unwrap();
            std::hint::black_box(decoded);
        }
        direct.push(started.elapsed() / times);
        let started = Instant::now();
        for _ in 0..times {
            let copy = page.clone();
            let decoded: PlainHistory = serde_json::from_slice(&copy).unwrap();
            std::hint::black_box(decoded);
        }
        plain.push(started.elapsed() / times);
    }
    let (s, d, p) = (median(as_sent), median(direct), median(plain));
    println!(
        "1,000-message page ({} KB): as send() decodes {s:?} ({:.2}x), generated models directly {d:?} ({:.2}x), plain serde derive {p:?}",
        page.len() / 1024,
        s.as_secs_f64() / p.as_secs_f64(),
        d.as_secs_f64() / p.as_secs_f64()
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(call_overhead());
    decoding();
}
