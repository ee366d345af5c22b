//! What happens around a call, seen from outside: hooks that change requests
//! and observe responses and retries, per-call timeouts and headers, and
//! custom transports (a `reqwest-middleware` client, a recording one). Real
//! HTTP servers on 127.0.0.1.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use slack_web_api::hooks::{CallInfo, Hook, OutgoingRequest, ResponseInfo, RetryInfo};
use slack_web_api::{Configuration, RetryPolicy, SlackWebApiClient};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "xoxb-observability-secret";

fn ok_page() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(r#"{"ok":true,"channels":[]}"#, "application/json")
}

/// What the hooks saw, in order.
#[derive(Default, Clone)]
struct Recorder {
    seen: Arc<Mutex<Vec<String>>>,
}

impl Recorder {
    fn lines(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

impl Hook for Recorder {
    fn on_request(&self, call: &CallInfo<'_>, request: &mut OutgoingRequest<'_>) {
        request.headers_mut().insert("x-trace-id", "trace-42".parse().unwrap());
        self.seen.lock().unwrap().push(format!("request {} {} attempt {}", call.operation_id, request.path(), call.attempt));
    }

    fn on_response(&self, call: &CallInfo<'_>, response: &ResponseInfo<'_>) {
        self.seen.lock().unwrap().push(format!("response {} {}", call.operation_id, response.status.as_u16()));
    }

    fn on_retry(&self, call: &CallInfo<'_>, retry: &RetryInfo) {
        self.seen.lock().unwrap().push(format!("retry {} after attempt {}: {}", call.operation_id, call.attempt, retry.reason));
    }
}

fn client_with(server: &MockServer, recorder: &Recorder) -> SlackWebApiClient {
    let config = Configuration::builder()
        .base_url(server.uri())
        .slack_auth(TOKEN)
        .retry_policy(RetryPolicy::default().with_delays(Duration::from_millis(5), Duration::from_millis(10)))
        .hook(recorder.clone())
        .build();
    SlackWebApiClient::new(config).unwrap()
}

#[tokio::test]
async fn a_hook_adds_a_header_and_sees_every_attempt_response_and_retry() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/conversations.list"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/conversations.list"))
        .and(header("x-trace-id", "trace-42"))
        .respond_with(ok_page())
        .mount(&server)
        .await;
    let recorder = Recorder::default();
    client_with(&server, &recorder).conversations().list().send().await.expect("second attempt succeeds");
    assert_eq!(
        recorder.lines(),
        [
            "request conversations_list /conversations.list attempt 1",
            "response conversations_list 503",
            "retry conversations_list after attempt 1: HTTP 503",
            "request conversations_list /conversations.list attempt 2",
            "response conversations_list 200",
        ]
    );
    for request in server.received_requests().await.unwrap() {
        assert_eq!(request.headers.get("x-trace-id").unwrap(), "trace-42");
    }
}

#[tokio::test]
async fn per_call_timeout_and_headers_apply_to_that_call_only() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/conversations.list"))
        .respond_with(ok_page().set_delay(Duration::from_millis(800)))
        .mount(&server)
        .await;
    let client = client_with(&server, &Recorder::default());
    let err = client
        .conversations()
        .list()
        .retry_policy(RetryPolicy::none())
        .request_timeout(Duration::from_millis(100))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");

    client.conversations().list().extra_header("x-slack-retry-num", "1").send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert!(requests[0].headers.get("x-slack-retry-num").is_none());
    assert_eq!(requests[1].headers.get("x-slack-retry-num").unwrap(), "1");

    let err = client.conversations().list().extra_header("bad header", "x").send().await.unwrap_err();
    assert!(matches!(err, slack_web_api::Error::InvalidRequest { .. }), "{err:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 2, "an invalid header sends nothing");
}

/// A transport that records what it sends and forwards it.
#[tokio::test]
async fn calls_go_through_a_reqwest_middleware_client_and_custom_transports() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/conversations.list")).respond_with(ok_page()).mount(&server).await;
    let config = Configuration::builder().base_url(server.uri()).slack_auth(TOKEN).build();

    let middleware = reqwest_middleware::ClientBuilder::new(sdkgen_runtime::transport::http_client_builder().build().unwrap()).build();
    let client = SlackWebApiClient::with_transport(config.clone(), middleware).unwrap();
    client.conversations().list().send().await.unwrap();

    let sent = Arc::new(Mutex::new(Vec::new()));
    let client = SlackWebApiClient::with_transport(
        config,
        Forwarding { http: sdkgen_runtime::transport::http_client_builder().build().unwrap(), sent: sent.clone() },
    )
    .unwrap();
    client.conversations().list().send().await.unwrap();
    assert_eq!(sent.lock().unwrap().as_slice(), ["GET /conversations.list Bearer xoxb-observability-secret"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

struct Forwarding {
    http: sdkgen_runtime::reqwest::Client,
    sent: Arc<Mutex<Vec<String>>>,
}

impl sdkgen_runtime::Transport for Forwarding {
    fn send(&self, request: sdkgen_runtime::reqwest::Request) -> sdkgen_runtime::transport::SendFuture<'_> {
        let auth = request.headers().get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        self.sent.lock().unwrap().push(format!("{} {} {auth}", request.method(), request.url().path()));
        Box::pin(async move { self.http.execute(request).await.map_err(sdkgen_runtime::TransportError::from) })
    }
}

#[tokio::test]
async fn hooks_and_per_call_headers_work_on_another_api_too() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/notes"))
        .and(header("x-trace-id", "trace-42"))
        .and(header("x-request-source", "tests"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<p>hi</p>", "text/html"))
        .mount(&server)
        .await;
    let config = schema_tour::Configuration::builder()
        .base_url(server.uri())
        .hook(slack_web_api::hooks::on_request(|_, request: &mut OutgoingRequest<'_>| {
            request.headers_mut().insert("x-trace-id", "trace-42".parse().unwrap());
        }))
        .build();
    let client = schema_tour::SchemaTourClient::new(config).unwrap();
    let html = client.media().add_note("hi").extra_header("x-request-source", "tests").send().await.unwrap();
    assert_eq!(html, "<p>hi</p>");
}
