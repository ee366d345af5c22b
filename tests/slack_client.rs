//! The generated Slack Web API client (`generated/slack-web-api`) against a local
//! wiremock server: what goes on the wire, and how every kind of answer decodes.

use std::time::Duration;

use serde_json::json;
use slack_web_api::models::{Blocks, BlocksItem, ChatPostMessageErrorCode, ChatPostMessageResponse};
use slack_web_api::{Configuration, Error, FileUpload, RetryPolicy, Scheme, SlackWebApiClient};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "xoxb-test-token";

/// A client talking to `server` with the test bot token.
fn client_for(server: &MockServer) -> SlackWebApiClient {
    let config = Configuration::builder().base_url(server.uri()).slack_auth(TOKEN).build();
    SlackWebApiClient::new(config).expect("client")
}

/// A client talking to `server` with no credential at all.
fn anonymous_client_for(server: &MockServer) -> SlackWebApiClient {
    let config = Configuration::builder().base_url(server.uri()).build();
    SlackWebApiClient::new(config).expect("client")
}

/// The one request the server received.
async fn single_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 1, "expected exactly one request, got {requests:?}");
    requests.remove(0)
}

fn header_str<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).map(|v| v.to_str().expect("ASCII header"))
}

/// The credential travels only as `Authorization: Bearer`, never as the `token`
/// parameter the description also declares (in the query, a header or the body).
fn assert_bearer_only(request: &Request) {
    assert_eq!(header_str(request, "authorization"), Some("Bearer xoxb-test-token"));
    assert!(request.headers.get("token").is_none(), "token header sent");
    assert!(request.url.query_pairs().all(|(k, _)| k != "token"), "token query parameter sent: {}", request.url);
    assert!(!String::from_utf8_lossy(&request.body).contains(TOKEN), "token in the body");
}

fn query_pairs(request: &Request) -> Vec<(String, String)> {
    request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

// 1. GET with query parameters.
#[tokio::test]
async fn get_sends_optional_parameters_in_the_query_and_decodes_history() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/conversations.history"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true,
            "messages": [
                {
                    "type": "message",
                    "user": "U012AB3CDE",
                    "text": "I find you punny and would like to smell your nose letter",
                    "ts": "1512085950.000216"
                },
                {
                    "type": "message",
                    "user": "U061F7AUR",
                    "text": "What, you want to smell my shoes better?",
                    "ts": "1512104434.000490",
                    "reply_count": 3
                }
            ],
            "has_more": true,
            "pin_count": 2,
            "channel_actions_ts": null,
            "channel_actions_count": 0,
            "response_metadata": { "next_cursor": "bmV4dF90czoxNTEyMDg1ODYxMDAwNTQz" }
        })))
        .expect(1)
        .mount(&server)
        .await;

    let history = client_for(&server)
        .conversations()
        .history()
        .channel("C123")
        .limit(50)
        .inclusive(true)
        // `=` must be percent-encoded in the query.
        .cursor("dXNlcjpVMDYxTkZUVDI=")
        .send()
        .await
        .expect("history");

    let request = single_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), "/conversations.history");
    assert_eq!(request.url.query(), Some("channel=C123&inclusive=true&limit=50&cursor=dXNlcjpVMDYxTkZUVDI%3D"));
    assert_eq!(
        query_pairs(&request),
        pairs(&[("channel", "C123"), ("inclusive", "true"), ("limit", "50"), ("cursor", "dXNlcjpVMDYxTkZUVDI="),])
    );
    assert!(request.body.is_empty());
    assert!(request.headers.get("content-type").is_none());
    assert_eq!(header_str(&request, "accept"), Some("application/json"));
    assert_eq!(header_str(&request, "user-agent"), Some("slack-web-api/0.1.0"));
    assert_bearer_only(&request);

    assert!(history.ok);
    assert!(history.has_more);
    assert_eq!(history.pin_count, 2);
    assert_eq!(history.channel_actions_count, 0);
    assert_eq!(history.channel_actions_ts, serde_json::Value::Null);
    assert_eq!(history.messages.len(), 2);
    let first = &history.messages[0];
    assert_eq!(first.type_, "message");
    assert_eq!(first.user.as_deref(), Some("U012AB3CDE"));
    assert_eq!(first.text, "I find you punny and would like to smell your nose letter");
    assert_eq!(first.ts, "1512085950.000216");
    assert_eq!(first.reply_count, None);
    assert_eq!(history.messages[1].reply_count, Some(3));
    // Not in the description's schema: kept as it arrived.
    assert_eq!(history.additional_properties.get("response_metadata"), Some(&json!({ "next_cursor": "bmV4dF90czoxNTEyMDg1ODYxMDAwNTQz" })));
}

// 2. Form POST.
#[tokio::test]
async fn post_message_sends_a_form_body_and_decodes_the_message() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(header("authorization", "Bearer xoxb-test-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true,
            "channel": "C123",
            "ts": "1503435956.000247",
            "message": {
                "text": "hello & bye",
                "username": "ecto1",
                "bot_id": "B123ABC456",
                "type": "message",
                "subtype": "bot_message",
                "ts": "1503435956.000247",
                "sparkle": "not in the schema"
            },
            "warning": "superfluous_charset",
            "response_metadata": { "warnings": ["superfluous_charset"] }
        })))
        .expect(1)
        .mount(&server)
        .await;

    let posted: ChatPostMessageResponse =
        client_for(&server).chat().post_message("C123").text("hello & bye").unfurl_links(false).send().await.expect("post");

    let request = single_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/chat.postMessage");
    assert_eq!(request.url.query(), None);
    assert_eq!(header_str(&request, "content-type"), Some("application/x-www-form-urlencoded"));
    // `&` is percent-encoded and spaces become `+`.
    assert_eq!(String::from_utf8(request.body.clone()).unwrap(), "channel=C123&text=hello+%26+bye&unfurl_links=false");
    assert_eq!(wire::form_pairs(&request.body), pairs(&[("channel", "C123"), ("text", "hello & bye"), ("unfurl_links", "false")]));
    assert_bearer_only(&request);

    assert!(posted.ok);
    assert_eq!(posted.channel, "C123");
    assert_eq!(posted.ts, "1503435956.000247");
    assert_eq!(posted.message.text, "hello & bye");
    assert_eq!(posted.message.username.as_deref(), Some("ecto1"));
    assert_eq!(posted.message.bot_id, Some(json!("B123ABC456")));
    assert_eq!(posted.message.subtype.as_deref(), Some("bot_message"));
    assert_eq!(posted.message.ts, "1503435956.000247");
    assert_eq!(posted.message.additional_properties.get("sparkle"), Some(&json!("not in the schema")));
    assert_eq!(posted.additional_properties.len(), 2);
    assert_eq!(posted.additional_properties.get("warning"), Some(&json!("superfluous_charset")));
    assert_eq!(posted.additional_properties.get("response_metadata"), Some(&json!({ "warnings": ["superfluous_charset"] })));
}

/// Message timestamps travel exactly as given: they are strings, not numbers (as
/// f64, `1503435956.000200` would be sent as `1503435956.0002`), and chat.delete
/// takes the channel and the timestamp it needs, in chat.update's order.
#[tokio::test]
async fn message_timestamps_are_sent_verbatim() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/chat.delete"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true,
            "channel": "C123",
            "ts": "1503435956.000200"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/conversations.replies"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true,
            "messages": []
        })))
        .mount(&server)
        .await;
    let client = client_for(&server);

    let deleted = client.chat().delete("C123", "1503435956.000200").send().await.expect("delete");
    assert_eq!(deleted.ts, "1503435956.000200");
    // The replies call may or may not decode this minimal body; only what was
    // sent matters here.
    let _ = client.conversations().replies().channel("C123").ts("1503435956.000200").oldest("1503435900.000100").send().await;

    let requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert_eq!(wire::form_pairs(&requests[0].body), pairs(&[("channel", "C123"), ("ts", "1503435956.000200")]));
    let query: Vec<(String, String)> = requests[1].url.query_pairs().into_owned().collect();
    assert_eq!(query, pairs(&[("channel", "C123"), ("ts", "1503435956.000200"), ("oldest", "1503435900.000100")]));
}

/// `blocks` and `attachments` are form fields holding JSON text. The setters
/// take typed values (`Blocks`, built with `BlocksItem::new` or from raw JSON
/// through `serde_json::from_value`), and the wire carries exactly
/// `blocks=<url-encoded JSON>`.
#[tokio::test]
async fn blocks_and_attachments_are_typed_and_sent_as_json_text() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true,
            "channel": "C123",
            "ts": "1503435956.000247",
            "message": { "type": "message", "text": "", "ts": "1503435956.000247" }
        })))
        .expect(2)
        .mount(&server)
        .await;
    let client = client_for(&server);

    // Nested keys in sorted order, so the JSON text is the same whether or not
    // serde_json preserves insertion order.
    let blocks: Blocks = vec![
        BlocksItem::new("section").with_additional_property("text", json!({ "text": "*hi* & bye", "type": "mrkdwn" })),
        BlocksItem::new("divider"),
    ];
    client
        .chat()
        .post_message("C123")
        .blocks(blocks.clone())
        .attachments(vec![json!({ "color": "#36a64f", "text": "ok" })])
        .send()
        .await
        .expect("post with typed blocks");
    let raw = json!([
        { "type": "section", "text": { "text": "*hi* & bye", "type": "mrkdwn" } },
        { "type": "divider" }
    ]);
    let from_raw: Blocks = serde_json::from_value(raw).expect("any block array decodes");
    assert_eq!(from_raw, blocks);
    client.chat().post_message("C123").blocks(from_raw).send().await.expect("post with blocks from raw JSON");

    let requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 2, "{requests:?}");
    let blocks_json = r#"[{"type":"section","text":{"text":"*hi* & bye","type":"mrkdwn"}},{"type":"divider"}]"#;
    let blocks_wire = "%5B%7B%22type%22%3A%22section%22%2C%22text%22%3A%7B%22text%22%3A%22*hi*+%26+bye%22%2C%22type%22%3A%22mrkdwn%22%7D%7D%2C%7B%22type%22%3A%22divider%22%7D%5D";
    assert_eq!(
        String::from_utf8(requests[0].body.clone()).unwrap(),
        format!("channel=C123&attachments=%5B%7B%22color%22%3A%22%2336a64f%22%2C%22text%22%3A%22ok%22%7D%5D&blocks={blocks_wire}")
    );
    assert_eq!(
        wire::form_pairs(&requests[0].body),
        pairs(&[("channel", "C123"), ("attachments", r##"[{"color":"#36a64f","text":"ok"}]"##), ("blocks", blocks_json),])
    );
    assert_eq!(String::from_utf8(requests[1].body.clone()).unwrap(), format!("channel=C123&blocks={blocks_wire}"));
}

// 3. Multipart upload.
#[tokio::test]
async fn files_upload_sends_multipart_with_the_file_and_text_fields() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/files.upload"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true,
            "file": {
                "id": "F0TD00400",
                "created": 1532293501,
                "name": "report.csv",
                "title": "Q3 report",
                "mimetype": "text/csv",
                "filetype": "csv",
                "size": 18,
                "user": "U0L4B9NSU",
                "channels": ["C123", "C456"],
                "is_public": true
            }
        })))
        .expect(1)
        .mount(&server)
        .await;

    // Binary content (NUL, 0xFF, CRLF) must arrive byte for byte.
    let contents: &[u8] = b"id,amount\r\n1,\x00\xff\r\n2,42\r\n";
    let uploaded = client_for(&server)
        .files()
        .upload()
        .file(FileUpload::new(contents).file_name("report.csv").content_type("text/csv"))
        .title("Q3 report")
        .initial_comment("Here it is — café & co")
        .channels("C123,C456")
        .send()
        .await
        .expect("upload");

    let request = single_request(&server).await;
    assert_eq!(request.method.as_str(), "POST");
    assert_eq!(request.url.path(), "/files.upload");
    assert_eq!(request.url.query(), None);
    let content_type = header_str(&request, "content-type").expect("content type");
    assert!(content_type.starts_with("multipart/form-data; boundary="), "content type: {content_type}");
    assert_bearer_only(&request);

    let parts = wire::multipart_parts(content_type, &request.body);
    let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["file", "title", "initial_comment", "channels"]);

    let file = &parts[0];
    assert_eq!(file.file_name.as_deref(), Some("report.csv"));
    assert_eq!(file.content_type.as_deref(), Some("text/csv"));
    assert_eq!(file.body, contents);

    let text = |name: &str| {
        let part = parts.iter().find(|p| p.name == name).expect(name);
        assert_eq!(part.file_name, None, "{name} is a text field, not a file");
        String::from_utf8(part.body.clone()).expect("UTF-8 text field")
    };
    assert_eq!(text("title"), "Q3 report");
    assert_eq!(text("initial_comment"), "Here it is — café & co");
    assert_eq!(text("channels"), "C123,C456");

    assert!(uploaded.ok);
    let file = &uploaded.file;
    assert_eq!(file.id.as_deref(), Some("F0TD00400"));
    assert_eq!(file.name.as_deref(), Some("report.csv"));
    assert_eq!(file.title.as_deref(), Some("Q3 report"));
    assert_eq!(file.mimetype.as_deref(), Some("text/csv"));
    assert_eq!(file.size, Some(18));
    assert_eq!(file.created, Some(1532293501));
    assert_eq!(file.is_public, Some(true));
    assert_eq!(file.channels, Some(vec!["C123".to_string(), "C456".to_string()]));
}

// 4. `ok: false` with HTTP 200 is the documented error, with a typed code.
#[tokio::test]
async fn ok_false_with_200_is_an_api_error_with_the_typed_code() {
    let server = MockServer::start().await;
    let body = r#"{"ok": false, "error": "channel_not_found"}"#;
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .expect(1)
        .mount(&server)
        .await;

    let err = client_for(&server).chat().post_message("C404").text("anyone?").send().await.expect_err("ok: false must be an error");

    assert_eq!(err.code(), Some("channel_not_found"));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert_eq!(err.to_string(), "API error `channel_not_found` (HTTP 200)");
    let Error::Api { status, error, body: raw, .. } = err else {
        panic!("expected Error::Api, got {err:?}");
    };
    assert_eq!(status.as_u16(), 200);
    assert_eq!(error.error, ChatPostMessageErrorCode::ChannelNotFound);
    assert!(error.error.is_channel_not_found() && !error.error.is_not_in_channel());
    assert!(!error.ok);
    assert_eq!(error.callstack, None);
    assert!(error.additional_properties.is_empty());
    assert_eq!(raw, body);
}

#[tokio::test]
async fn an_undocumented_error_code_keeps_the_raw_string() {
    let server = MockServer::start().await;
    let body = r#"{"ok":false,"error":"brand_new_error","detail":"something new"}"#;
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .expect(1)
        .mount(&server)
        .await;

    let err = client_for(&server).chat().post_message("C123").text("hi").send().await.expect_err("ok: false must be an error");

    assert_eq!(err.code(), Some("brand_new_error"));
    let Error::Api { status, error, body: raw, .. } = err else {
        panic!("expected Error::Api, got {err:?}");
    };
    assert_eq!(status.as_u16(), 200);
    assert_eq!(error.error, ChatPostMessageErrorCode::Other("brand_new_error".to_string()));
    assert_eq!(error.error.as_str(), "brand_new_error");
    assert!(!error.error.is_channel_not_found());
    assert_eq!(error.additional_properties.get("detail"), Some(&json!("something new")));
    assert_eq!(raw, body);
}

// 5. Rate limiting.
#[tokio::test]
async fn http_429_is_rate_limited_with_retry_after() {
    let server = MockServer::start().await;
    let body = r#"{"ok":false,"error":"ratelimited"}"#;
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "30").set_body_raw(body, "application/json"))
        .expect(1)
        .mount(&server)
        .await;

    // Retries off for this call: the 429 comes back at once.
    let err = client_for(&server)
        .chat()
        .post_message("C123")
        .text("spam")
        .retry_policy(RetryPolicy::none())
        .send()
        .await
        .expect_err("429 must be an error");

    assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(err.code(), None);
    let Error::RateLimited { retry_after, body: raw, .. } = err else {
        panic!("expected Error::RateLimited, got {err:?}");
    };
    assert_eq!(retry_after, Some(Duration::from_secs(30)));
    assert_eq!(raw, body);
}

// 6. Undocumented statuses and undecodable bodies.
#[tokio::test]
async fn non_2xx_with_a_non_json_body_is_a_status_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .respond_with(ResponseTemplate::new(500).set_body_raw("<html>oops</html>", "text/html"))
        .expect(1)
        .mount(&server)
        .await;

    let err = client_for(&server).chat().post_message("C123").text("hi").send().await.expect_err("500 must be an error");

    assert_eq!(err.code(), None);
    let Error::Status { status, body, .. } = err else {
        panic!("expected Error::Status, got {err:?}");
    };
    assert_eq!(status.as_u16(), 500);
    assert_eq!(body, "<html>oops</html>");
}

#[tokio::test]
async fn a_200_with_invalid_json_is_a_decode_error() {
    let server = MockServer::start().await;
    let body = r#"{"ok": true, "channel": "C123", "#;
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .expect(1)
        .mount(&server)
        .await;

    let err = client_for(&server).chat().post_message("C123").text("hi").send().await.expect_err("truncated JSON must be an error");

    let Error::Decode { status, body: raw, source, .. } = err else {
        panic!("expected Error::Decode, got {err:?}");
    };
    assert_eq!(status.as_u16(), 200);
    assert_eq!(raw, body);
    assert!(source.is_eof(), "unexpected decode error: {source}");
}

// 7. Credentials: required ones are checked before sending; `none`-scoped
// operations work anonymously.
#[tokio::test]
async fn missing_credentials_fail_before_anything_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "ok": true })))
        .expect(0)
        .mount(&server)
        .await;

    let err = anonymous_client_for(&server).chat().post_message("C123").text("hi").send().await.expect_err("no credential configured");

    let Error::MissingCredentials { operation, alternatives } = err else {
        panic!("expected Error::MissingCredentials, got {err:?}");
    };
    assert_eq!(operation, "chat_postMessage");
    assert_eq!(alternatives, &[&[Scheme::SlackAuth][..]][..]);
    let requests = server.received_requests().await.expect("recording is on");
    assert!(requests.is_empty(), "requests reached the server: {requests:?}");
}

#[tokio::test]
async fn none_scoped_operation_works_without_a_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api.test"))
        .and(query_param("foo", "bar"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "ok": true, "args": { "foo": "bar" } })))
        .expect(1)
        .mount(&server)
        .await;

    let reply = anonymous_client_for(&server).api().test().foo("bar").send().await.expect("api.test needs no token");

    let request = single_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), "/api.test");
    assert_eq!(query_pairs(&request), pairs(&[("foo", "bar")]));
    assert!(request.headers.get("authorization").is_none(), "sent Authorization");
    assert!(reply.ok);
    assert_eq!(reply.additional_properties.get("args"), Some(&json!({ "foo": "bar" })));
}

#[tokio::test]
async fn none_scoped_operation_still_sends_a_configured_token() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api.test"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "ok": true })))
        .expect(1)
        .mount(&server)
        .await;

    let reply = client_for(&server).api().test().send().await.expect("api.test");

    let request = single_request(&server).await;
    assert_eq!(request.url.query(), None);
    assert_bearer_only(&request);
    assert!(reply.ok);
    assert!(reply.additional_properties.is_empty());
}

// 8. Secrets never show in Debug output.
#[tokio::test]
async fn debug_output_never_contains_the_token() {
    let server = MockServer::start().await;
    let client = client_for(&server);
    // The token is configured (so its absence below is redaction, not a missing value).
    assert_eq!(client.config().slack_auth().and_then(|c| c.token()).map(|t| t.access_token.secret()), Some(TOKEN));

    let outputs = [
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{:?}", client.config()),
        format!("{:?}", Configuration::builder().slack_auth(TOKEN)),
        format!("{:?}", client.config().slack_auth().unwrap()),
        format!("{:?}", client.chat()),
        format!("{:?}", client.chat().post_message("C123").text("hi")),
        format!("{:?}", client.files().upload().file(FileUpload::new(b"x".as_slice()).file_name("a.txt"))),
        format!("{:?}", client.conversations().history().channel("C123")),
    ];
    for output in &outputs {
        assert!(!output.contains(TOKEN), "token leaked: {output}");
        assert!(!output.contains("xoxb"), "token prefix leaked: {output}");
    }
    assert!(outputs[2].contains("AccessToken(<redacted>)"), "{}", outputs[2]);
}

// 9. Clones share one client safely across tasks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_calls_through_clones_all_succeed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .and(header("authorization", "Bearer xoxb-test-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ok": true, "channel": "C123", "ts": "1503435956.000247"
        })))
        .expect(50)
        .mount(&server)
        .await;

    let client = client_for(&server);
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move { client.chat().post_message("C123").text(format!("message {i}")).send().await })
        })
        .collect();
    for task in tasks {
        let posted = task.await.expect("task").expect("call");
        assert_eq!(posted.channel, "C123");
    }

    let requests = server.received_requests().await.expect("recording is on");
    assert_eq!(requests.len(), 50);
    // Every call arrived once, with its own body.
    let mut texts: Vec<String> = requests
        .iter()
        .map(|r| {
            let fields = wire::form_pairs(&r.body);
            fields.into_iter().find(|(k, _)| k == "text").expect("text field").1
        })
        .collect();
    texts.sort();
    let mut expected: Vec<String> = (0..50).map(|i| format!("message {i}")).collect();
    expected.sort();
    assert_eq!(texts, expected);
}

// 10. `from_env`. Setting a variable in this process would race the other tests
// (and is `unsafe` in edition 2024), so the checks run in a child process: this
// test binary re-run on just this test, with the environment given to the child.
const CHILD_MARKER: &str = "SDKGEN_TESTS_SLACK_FROM_ENV_CHILD";

fn run_child(test_name: &str, token: Option<&str>) {
    let mut command = std::process::Command::new(std::env::current_exe().expect("test binary"));
    command.args([test_name, "--exact", "--nocapture", "--test-threads=1"]).env(CHILD_MARKER, "1");
    match token {
        Some(token) => command.env("SLACK_BOT_TOKEN", token),
        None => command.env_remove("SLACK_BOT_TOKEN"),
    };
    let output = command.output().expect("run the child test");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "child test failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    // Guard against the filter matching nothing (which would also succeed).
    assert!(stdout.contains("1 passed"), "child did not run the test:\n{stdout}");
}

fn in_child() -> bool {
    std::env::var_os(CHILD_MARKER).is_some()
}

#[test]
fn from_env_sends_slack_bot_token() {
    if !in_child() {
        return run_child("from_env_sends_slack_bot_token", Some("xoxb-from-env"));
    }
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/chat.postMessage"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "ok": true, "channel": "C123", "ts": "1503435956.000247"
            })))
            .expect(2)
            .mount(&server)
            .await;

        let client = SlackWebApiClient::from_env().expect("SLACK_BOT_TOKEN is set");
        assert_eq!(client.config().slack_auth().and_then(|c| c.token()).map(|t| t.access_token.secret()), Some("xoxb-from-env"));
        assert_eq!(client.config().base_url(), "https://slack.com/api");
        // Same credential, pointed at the local server.
        let local = client.with_config(client.config().to_builder().base_url(server.uri()).build()).expect("client");
        local.chat().post_message("C123").text("from env").send().await.expect("post");

        // The builder route reads the same variable.
        let config = Configuration::builder().base_url(server.uri()).credentials_from_env().build();
        SlackWebApiClient::new(config).expect("client").chat().post_message("C123").send().await.expect("post");

        let requests = server.received_requests().await.expect("recording is on");
        assert_eq!(requests.len(), 2);
        for request in &requests {
            assert_eq!(header_str(request, "authorization"), Some("Bearer xoxb-from-env"));
        }
    });
}

#[test]
fn from_env_without_slack_bot_token_is_a_config_error() {
    if !in_child() {
        run_child("from_env_without_slack_bot_token_is_a_config_error", None);
        return run_child("from_env_without_slack_bot_token_is_a_config_error", Some(""));
    }
    // Unset or empty: both count as missing.
    match SlackWebApiClient::from_env() {
        Err(slack_web_api::ConfigError::MissingEnv { vars }) => {
            assert_eq!(vars, ["SLACK_BOT_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_REDIRECT_URI"]);
        }
        other => panic!("expected ConfigError::MissingEnv, got {other:?}"),
    }
    // A credential set before is kept when the variable is missing.
    let config = Configuration::builder().slack_auth("xoxb-explicit").credentials_from_env().build();
    assert_eq!(config.slack_auth().and_then(|c| c.token()).map(|t| t.access_token.secret()), Some("xoxb-explicit"));
}

/// Just enough decoding of request bodies to assert on them.
mod wire {
    /// Decodes an `application/x-www-form-urlencoded` body into its pairs, in order.
    pub fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
        if body.is_empty() {
            return Vec::new();
        }
        body.split(|&b| b == b'&')
            .map(|pair| {
                let mut halves = pair.splitn(2, |&b| b == b'=');
                let name = decode(halves.next().unwrap_or_default());
                let value = decode(halves.next().unwrap_or_default());
                (name, value)
            })
            .collect()
    }

    fn decode(encoded: &[u8]) -> String {
        let mut out = Vec::with_capacity(encoded.len());
        let mut i = 0;
        while i < encoded.len() {
            match encoded[i] {
                b'+' => out.push(b' '),
                b'%' => {
                    let hex = std::str::from_utf8(&encoded[i + 1..i + 3]).expect("hex");
                    out.push(u8::from_str_radix(hex, 16).expect("percent escape"));
                    i += 2;
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8(out).expect("UTF-8 form value")
    }

    /// One part of a `multipart/form-data` body.
    #[derive(Debug)]
    pub struct Part {
        pub name: String,
        pub file_name: Option<String>,
        pub content_type: Option<String>,
        pub body: Vec<u8>,
    }

    /// Splits a `multipart/form-data` body (RFC 7578) into its parts.
    pub fn multipart_parts(content_type: &str, body: &[u8]) -> Vec<Part> {
        let boundary = content_type.split(';').find_map(|p| p.trim().strip_prefix("boundary=")).expect("boundary").trim_matches('"');
        let delimiter = format!("--{boundary}").into_bytes();
        let mut sections = split(body, &delimiter);
        assert!(sections.remove(0).is_empty(), "preamble before the first boundary");
        let closing = sections.pop().expect("closing delimiter");
        assert!(closing.starts_with(b"--"), "body does not end with the closing delimiter");
        sections
            .into_iter()
            .map(|section| {
                let section = section.strip_prefix(b"\r\n").expect("CRLF after boundary");
                let section = section.strip_suffix(b"\r\n").expect("CRLF before boundary");
                let end = find(section, b"\r\n\r\n").expect("blank line after part headers");
                let headers = std::str::from_utf8(&section[..end]).expect("ASCII headers");
                let mut part = Part { name: String::new(), file_name: None, content_type: None, body: section[end + 4..].to_vec() };
                for line in headers.split("\r\n") {
                    let (key, value) = line.split_once(':').expect("header line");
                    match key.trim().to_ascii_lowercase().as_str() {
                        "content-disposition" => {
                            for param in value.split(';').skip(1) {
                                let (k, v) = param.trim().split_once('=').expect("param");
                                let v = v.trim_matches('"').to_string();
                                match k {
                                    "name" => part.name = v,
                                    "filename" => part.file_name = Some(v),
                                    _ => {}
                                }
                            }
                        }
                        "content-type" => part.content_type = Some(value.trim().to_string()),
                        _ => {}
                    }
                }
                part
            })
            .collect()
    }

    fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
        haystack.windows(needle.len()).position(|w| w == needle)
    }

    fn split<'a>(mut rest: &'a [u8], delimiter: &[u8]) -> Vec<&'a [u8]> {
        let mut pieces = Vec::new();
        while let Some(at) = find(rest, delimiter) {
            pieces.push(&rest[..at]);
            rest = &rest[at + delimiter.len()..];
        }
        pieces.push(rest);
        pieces
    }
}

#[tokio::test]
async fn set_x_takes_an_option_and_none_leaves_the_parameter_out() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/conversations.list"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true, "channels": []})))
        .mount(&server)
        .await;
    let saved_cursor: Option<&str> = Some("dXNlcjpVMEc5V0ZYTlo=");
    client_for(&server)
        .conversations()
        .list()
        .set_cursor(saved_cursor.map(String::from))
        .limit(50)
        .set_limit(None)
        .set_exclude_archived(Some(true))
        .send()
        .await
        .unwrap();
    let request = single_request(&server).await;
    let pairs: Vec<(String, String)> = request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    assert_eq!(pairs, [("exclude_archived".to_string(), "true".to_string()), ("cursor".to_string(), "dXNlcjpVMEc5V0ZYTlo=".to_string())]);
}

#[tokio::test]
async fn response_headers_come_with_the_body_and_with_errors() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .respond_with(ResponseTemplate::new(200).insert_header("x-slack-req-id", "req-ok-1").set_body_json(
            json!({"ok": true, "channel": "C1", "ts": "1503435956.000200", "message": {"type": "message", "ts": "1503435956.000200"}}),
        ))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-slack-req-id", "req-err-2")
                .set_body_json(json!({"ok": false, "error": "channel_not_found"})),
        )
        .mount(&server)
        .await;
    let client = client_for(&server);
    let response = client.chat().post_message("C1").text("hi").send_with_response().await.unwrap();
    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(response.headers.get("x-slack-req-id").unwrap(), "req-ok-1");
    assert_eq!(response.body.ts, "1503435956.000200");

    let err = client.chat().post_message("C1").text("hi").send().await.unwrap_err();
    assert_eq!(err.code(), Some("channel_not_found"));
    assert_eq!(err.headers().and_then(|h| h.get("x-slack-req-id")).unwrap(), "req-err-2");
}

/// Answers with each of `statuses` in turn (then the last one again), the
/// 2xx ones with an empty `conversations.list` page.
struct Sequence {
    statuses: Vec<(u16, Option<&'static str>)>,
    calls: std::sync::atomic::AtomicUsize,
}

impl wiremock::Respond for Sequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let i = self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst).min(self.statuses.len() - 1);
        let (status, retry_after) = self.statuses[i];
        let mut t = ResponseTemplate::new(status);
        if let Some(after) = retry_after {
            t = t.insert_header("Retry-After", after);
        }
        if status == 200 {
            t.set_body_json(json!({"ok": true, "channels": []}))
        } else {
            t.set_body_raw(r#"{"ok":false,"error":"ratelimited"}"#, "application/json")
        }
    }
}

async fn serve_sequence(server: &MockServer, verb: &str, route: &str, statuses: Vec<(u16, Option<&'static str>)>) {
    Mock::given(method(verb)).and(path(route)).respond_with(Sequence { statuses, calls: Default::default() }).mount(server).await;
}

/// A client retrying fast, so the tests do not wait for the default delays.
fn fast_retrying_client(server: &MockServer) -> SlackWebApiClient {
    let policy = RetryPolicy::default().with_delays(Duration::from_millis(5), Duration::from_millis(20));
    let config = Configuration::builder().base_url(server.uri()).slack_auth(TOKEN).retry_policy(policy).build();
    SlackWebApiClient::new(config).expect("client")
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_after_the_wait() {
    let server = MockServer::start().await;
    serve_sequence(&server, "GET", "/conversations.list", vec![(429, Some("1")), (200, None)]).await;
    let started = std::time::Instant::now();
    let page = client_for(&server).conversations().list().send().await.expect("retried");
    assert!(started.elapsed() >= Duration::from_secs(1), "waited {:?}", started.elapsed());
    assert!(page.channels.is_empty());
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn server_errors_of_a_retry_safe_operation_are_retried() {
    // conversations.list is a GET: safe to send again.
    let server = MockServer::start().await;
    serve_sequence(&server, "GET", "/conversations.list", vec![(503, None), (503, None), (200, None)]).await;
    fast_retrying_client(&server).conversations().list().send().await.expect("third attempt succeeds");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn server_errors_of_other_operations_are_not_retried() {
    // chat.postMessage is a POST: a 503 may have posted the message already.
    let server = MockServer::start().await;
    serve_sequence(&server, "POST", "/chat.postMessage", vec![(503, None), (200, None)]).await;
    let err = fast_retrying_client(&server).chat().post_message("C1").text("once").send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn retries_can_be_turned_off_per_call_and_run_out() {
    let server = MockServer::start().await;
    serve_sequence(&server, "GET", "/conversations.list", vec![(503, None), (200, None)]).await;
    let client = fast_retrying_client(&server);
    let err = client.conversations().list().retry_policy(RetryPolicy::none()).send().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    // Three 429s with two retries allowed: the third is returned as it is.
    let server = MockServer::start().await;
    serve_sequence(&server, "GET", "/conversations.list", vec![(429, None)]).await;
    let err = fast_retrying_client(&server).conversations().list().send().await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { .. }), "{err:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);

    // A Retry-After longer than the policy waits for is returned at once.
    let server = MockServer::start().await;
    serve_sequence(&server, "GET", "/conversations.list", vec![(429, Some("3600")), (200, None)]).await;
    let err = fast_retrying_client(&server).conversations().list().send().await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(3600)));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

/// Three pages of conversations.list, keyed by the cursor each request sends.
async fn serve_three_pages(server: &MockServer) {
    // A channel as Slack sends it (every field the description requires), renamed.
    let fixture: serde_json::Value = serde_json::from_str(include_str!("fixtures/responses/slack_conversations_list.json")).unwrap();
    let page = |ids: &[&str], next: &str| {
        let channels: Vec<_> = ids
            .iter()
            .map(|id| {
                let mut channel = fixture["channels"][0].clone();
                channel["id"] = json!(id);
                channel
            })
            .collect();
        json!({"ok": true, "channels": channels, "response_metadata": {"next_cursor": next}})
    };
    for (cursor, body) in [
        (None, page(&["C1", "C2"], "Y3Vyc29yMg==")),
        (Some("Y3Vyc29yMg=="), page(&["C3", "C4"], "Y3Vyc29yMw==")),
        (Some("Y3Vyc29yMw=="), page(&["C5"], "")),
    ] {
        let mock = Mock::given(method("GET")).and(path("/conversations.list"));
        let mock = match cursor {
            Some(c) => mock.and(query_param("cursor", c)),
            None => mock.and(wiremock::matchers::query_param_is_missing("cursor")),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(server).await;
    }
}

fn channel_id(channel: &slack_web_api::models::ObjsConversation) -> String {
    match channel {
        slack_web_api::models::ObjsConversation::ConversationObject(c) => c.id.clone(),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn items_walk_every_page_until_the_cursor_is_empty() {
    use futures_util::TryStreamExt as _;
    let server = MockServer::start().await;
    serve_three_pages(&server).await;
    let channels: Vec<_> = client_for(&server).conversations().list().limit(2).items().try_collect().await.unwrap();
    let ids: Vec<String> = channels.iter().map(channel_id).collect();
    assert_eq!(ids, ["C1", "C2", "C3", "C4", "C5"]);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|r| r.url.query_pairs().any(|(k, v)| k == "limit" && v == "2")), "the page size goes with every page");
}

#[tokio::test]
async fn a_walk_stopped_after_two_pages_resumes_from_its_cursor() {
    use futures_util::{StreamExt as _, TryStreamExt as _};
    let server = MockServer::start().await;
    serve_three_pages(&server).await;
    let client = client_for(&server);
    // Stop after page 2 and keep its cursor, as a job that runs in slices would.
    let pages: Vec<_> = client.conversations().list().pages().take(2).try_collect().await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2, "no third page is fetched");
    let saved = pages[1].response_metadata.as_ref().map(|m| m.next_cursor.clone());
    assert_eq!(saved.as_deref(), Some("Y3Vyc29yMw=="));

    let rest: Vec<_> = client.conversations().list().set_cursor(saved).items().try_collect().await.unwrap();
    assert_eq!(rest.iter().map(channel_id).collect::<Vec<_>>(), ["C5"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn an_error_ends_the_walk() {
    use futures_util::TryStreamExt as _;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/conversations.list"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": false, "error": "invalid_cursor"})))
        .mount(&server)
        .await;
    let err = client_for(&server).conversations().list().items().try_collect::<Vec<_>>().await.unwrap_err();
    assert_eq!(err.code(), Some("invalid_cursor"));
}
