//! `tracing` spans of calls: the operation id, method, status, attempts and
//! duration, retries as events, and never a credential. In a test binary of
//! its own because the subscriber is process-wide (tracing caches which
//! callsites are enabled across threads).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use slack_web_api::{Configuration, RetryPolicy, SlackWebApiClient};
use tracing_subscriber::layer::SubscriberExt as _;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "xoxb-tracing-secret";

fn ok_page() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(r#"{"ok":true,"channels":[]}"#, "application/json")
}

/// Every span and event field, as `name.field=value` lines.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<String>>>);

struct Fields<'a>(&'a mut Vec<String>, &'a str);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push(format!("{}.{}={:?}", self.1, field.name(), value));
    }

    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.push(format!("{}.{}={}", self.1, field.name(), value));
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Captured {
    fn on_new_span(&self, attrs: &tracing::span::Attributes<'_>, _: &tracing::span::Id, _: tracing_subscriber::layer::Context<'_, S>) {
        let mut lines = self.0.lock().unwrap();
        lines.push(format!("span {}", attrs.metadata().name()));
        attrs.record(&mut Fields(&mut lines, attrs.metadata().name()));
    }

    fn on_record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        values.record(&mut Fields(&mut self.0.lock().unwrap(), "record"));
    }

    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        event.record(&mut Fields(&mut self.0.lock().unwrap(), "event"));
    }
}

#[tokio::test]
async fn each_call_is_a_span_with_the_operation_status_and_attempts_and_no_secret() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/conversations.list"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path("/conversations.list")).respond_with(ok_page()).mount(&server).await;
    let captured = Captured::default();
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(captured.clone())).unwrap();

    let config = Configuration::builder()
        .base_url(server.uri())
        .slack_auth(TOKEN)
        .retry_policy(RetryPolicy::default().with_delays(Duration::from_millis(5), Duration::from_millis(10)))
        .build();
    let client = SlackWebApiClient::new(config).unwrap();
    client.conversations().list().limit(5).send().await.unwrap();

    let lines = captured.0.lock().unwrap().clone();
    for expected in [
        "span sdk.call",
        "sdk.call.operation=conversations_list",
        "sdk.call.method=GET",
        "event.message=retrying",
        "event.reason=rate limited",
        "record.status=200",
        "record.attempts=2",
    ] {
        assert!(lines.iter().any(|l| l == expected), "no `{expected}` in {lines:#?}");
    }
    assert!(lines.iter().any(|l| l.starts_with("record.duration_ms=")), "{lines:#?}");
    let all = lines.join("\n");
    assert!(!all.contains(TOKEN) && !all.contains("limit=5"), "a credential or query leaked into tracing: {all}");
    // One span for the call, its two attempts and the retry between them.
    assert_eq!(lines.iter().filter(|l| *l == "span sdk.call").count(), 1);
}
