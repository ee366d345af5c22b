//! What real APIs send, through the generated clients' own decoding, against
//! local servers: GitHub issues full of `null`s, Stripe's nested errors, Slack
//! pages of typed conversations and message timestamps that must come back
//! byte for byte. The bodies are under `tests/fixtures/responses/`.

use github_issues::GithubClient;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn fixture(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/responses").join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

async fn serve(server: &MockServer, verb: &str, route: &str, status: u16, body: Value) {
    Mock::given(method(verb)).and(path(route)).respond_with(ResponseTemplate::new(status).set_body_json(body)).mount(server).await;
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "{requests:?}");
    requests.remove(0)
}

/// The keys of a decoded model's catch-all map: exactly the fields the
/// description does not document. A documented field found there would mean
/// the model misnamed it.
fn extra_keys(map: &serde_json::Map<String, Value>) -> Vec<&str> {
    let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

fn github(server: &MockServer) -> GithubClient {
    let config = github_issues::Configuration::builder().base_url(server.uri()).github_token("ghp_test").build();
    GithubClient::new(config).unwrap()
}

#[tokio::test]
async fn an_unassigned_github_issue_decodes_with_its_nulls() {
    let server = MockServer::start().await;
    serve(&server, "GET", "/repos/octo/hello/issues/3412", 200, fixture("github_issue_unassigned.json")).await;
    let issue = github(&server).issues().get("octo", "hello", 3412).send().await.unwrap();
    assert_eq!(issue.number, 3412);
    assert_eq!(issue.assignee, None);
    assert_eq!(issue.milestone, None);
    assert_eq!(issue.closed_by, None);
    assert_eq!(issue.closed_at, None);
    assert_eq!(issue.assignees, Some(vec![]));
    assert_eq!(issue.user.as_ref().map(|u| u.login.as_str()), Some("monalisa"));
    assert_eq!(extra_keys(&issue.additional_properties), ["sub_issues_summary", "type"]);

    // Written back, a required property that was null stays present as null
    // (the description requires it); an optional one that was absent stays out.
    let written = serde_json::to_value(&issue).unwrap();
    assert_eq!(written.get("assignee"), Some(&Value::Null));
    assert_eq!(written.get("closed_at"), Some(&Value::Null));
    assert_eq!(written.get("body_html"), None);

    // The token the description never declared (added by the overlay) is sent.
    let request = only_request(&server).await;
    assert_eq!(request.headers.get("authorization").unwrap(), "Bearer ghp_test");
}

#[tokio::test]
async fn a_page_of_github_issues_decodes_assigned_unassigned_and_pull_requests() {
    let server = MockServer::start().await;
    let page = fixture("github_issues_page.json");
    serve(&server, "GET", "/repos/octo/hello/issues", 200, page.clone()).await;
    let issues = github(&server).issues().list_for_repo("octo", "hello").send().await.unwrap();
    assert_eq!(issues.len(), 3);
    let with = |i: usize, field: &str| !page[i][field].is_null();
    for (i, issue) in issues.iter().enumerate() {
        assert_eq!(issue.assignee.is_some(), with(i, "assignee"), "issue {i}");
        assert_eq!(issue.milestone.is_some(), with(i, "milestone"), "issue {i}");
        assert_eq!(issue.pull_request.is_some(), page[i].get("pull_request").is_some(), "issue {i}");
    }
    assert!(issues.iter().any(|i| i.assignee.is_none()) && issues.iter().any(|i| i.assignee.is_some()));
    let milestone = issues.iter().find_map(|i| i.milestone.as_ref()).unwrap();
    assert_eq!(Some(milestone.title.as_str()), page.as_array().unwrap().iter().find_map(|i| i["milestone"]["title"].as_str()));
}

#[tokio::test]
async fn github_reads_its_token_from_the_environment() {
    // In a child process, so the variable does not leak into other tests.
    if std::env::var_os("REAL_RESPONSES_CHILD").is_some() {
        let client = GithubClient::from_env().unwrap();
        assert_eq!(client.config().github_token().map(|t| t.secret()), Some("ghp_from_env"));
        return;
    }
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["github_reads_its_token_from_the_environment", "--exact", "--nocapture"])
        .env("REAL_RESPONSES_CHILD", "1")
        .env("GITHUB_TOKEN", "ghp_from_env")
        .status()
        .unwrap();
    assert!(status.success());
}

#[tokio::test]
async fn an_undocumented_error_body_is_a_status_error_not_an_api_error() {
    let server = MockServer::start().await;
    // A proxy's problem document: JSON, but not GitHub's documented error.
    let problem = json!({"type": "about:blank", "title": "Bad Gateway", "status": 502, "detail": "upstream timed out"});
    serve(&server, "GET", "/repos/octo/hello/issues/1", 404, problem.clone()).await;
    let err = github(&server).issues().get("octo", "hello", 1).send().await.unwrap_err();
    match &err {
        github_issues::Error::Status { status, body, .. } => {
            assert_eq!(status.as_u16(), 404);
            assert_eq!(serde_json::from_str::<Value>(body).unwrap(), problem);
        }
        other => panic!("expected Error::Status, got {other:?}"),
    }

    // GitHub's own error body is the documented error.
    let server = MockServer::start().await;
    let not_found =
        json!({"message": "Not Found", "documentation_url": "https://docs.github.com/rest/issues/issues#get-an-issue", "status": "404"});
    serve(&server, "GET", "/repos/octo/hello/issues/1", 404, not_found).await;
    let err = github(&server).issues().get("octo", "hello", 1).send().await.unwrap_err();
    assert!(matches!(err, github_issues::Error::Api { .. }), "{err:?}");
    assert_eq!(err.message(), Some("Not Found"));
}

fn stripe(server: &MockServer) -> stripe_customers::StripeClient {
    let config = stripe_customers::Configuration::builder().base_url(server.uri()).bearer_auth("sk_test_123").build();
    stripe_customers::StripeClient::new(config).unwrap()
}

#[tokio::test]
async fn a_stripe_customer_decodes_with_its_nulls() {
    use stripe_customers::models::GetCustomersCustomerResponse;
    let server = MockServer::start().await;
    serve(&server, "GET", "/v1/customers/cus_RqTk0b3Q9dYxWm", 200, fixture("stripe_customer.json")).await;
    let response = stripe(&server).customers().get_customers_customer("cus_RqTk0b3Q9dYxWm").send().await.unwrap();
    let GetCustomersCustomerResponse::Customer(customer) = response else { panic!("{response:?}") };
    assert_eq!(customer.id, "cus_RqTk0b3Q9dYxWm");
    assert_eq!(customer.address, None);
    assert_eq!(customer.discount, None);
    assert_eq!(customer.email.as_deref(), Some("jenny.rosen@example.com"));
    assert_eq!(customer.tax_exempt.as_ref().map(|t| t.as_str()), Some("none"));
    assert_eq!(extra_keys(&customer.additional_properties), Vec::<&str>::new());
}

#[tokio::test]
async fn a_nested_stripe_error_has_its_code_and_message() {
    let server = MockServer::start().await;
    serve(&server, "GET", "/v1/customers/cus_nonexistent", 404, fixture("stripe_error_404.json")).await;
    let err = stripe(&server).customers().get_customers_customer("cus_nonexistent").send().await.unwrap_err();
    assert!(matches!(err, stripe_customers::Error::Api { .. }), "{err:?}");
    assert_eq!(err.code(), Some("resource_missing"));
    assert_eq!(err.message(), Some("No such customer: 'cus_nonexistent'"));
}

/// Stripe's form fields with `style: deepObject` go out as `metadata[key]=value`
/// pairs, not as one JSON text; plain fields as they are.
#[tokio::test]
async fn stripe_metadata_is_sent_as_deep_object_pairs() {
    use std::collections::BTreeMap;
    use stripe_customers::models::PostCustomersMetadata;
    let server = MockServer::start().await;
    serve(&server, "POST", "/v1/customers", 200, fixture("stripe_customer.json")).await;
    let metadata =
        PostCustomersMetadata::Object(BTreeMap::from([("order".to_string(), "42".to_string()), ("plan".to_string(), "pro".to_string())]));
    stripe(&server).customers().post_customers().email("jenny@example.com").metadata(metadata).send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let body = String::from_utf8(requests[0].body.clone()).unwrap();
    assert_eq!(body, "email=jenny%40example.com&metadata%5Border%5D=42&metadata%5Bplan%5D=pro");
}

fn slack(server: &MockServer) -> slack_web_api::SlackWebApiClient {
    let config = slack_web_api::Configuration::builder().base_url(server.uri()).slack_auth("xoxb-test").build();
    slack_web_api::SlackWebApiClient::new(config).unwrap()
}

#[tokio::test]
async fn a_conversations_list_page_has_typed_channels() {
    use slack_web_api::models::ObjsConversation;
    let server = MockServer::start().await;
    let page = fixture("slack_conversations_list.json");
    serve(&server, "GET", "/conversations.list", 200, page.clone()).await;
    let response = slack(&server).conversations().list().send().await.unwrap();
    assert_eq!(response.channels.len(), 3);
    let ObjsConversation::ConversationObject(general) = &response.channels[0] else { panic!("{:?}", response.channels[0]) };
    assert_eq!(general.name, "general");
    assert_eq!(general.id, page["channels"][0]["id"].as_str().unwrap());
    assert!(general.is_channel && !general.is_private);
    assert_eq!(extra_keys(&general.additional_properties), ["context_team_id", "updated"]);
    let ObjsConversation::ConversationImChannelObjectFromConversationsMethods(im) = &response.channels[2] else {
        panic!("{:?}", response.channels[2])
    };
    assert!(im.is_im);
    assert_eq!(im.user, page["channels"][2]["user"].as_str().unwrap());
    assert_eq!(response.response_metadata.as_ref().map(|m| m.next_cursor.as_str()), Some("dGVhbTpDMDYxRkE1UEI="));
}

#[tokio::test]
async fn a_message_timestamp_comes_back_and_goes_out_byte_for_byte() {
    let server = MockServer::start().await;
    serve(&server, "POST", "/chat.postMessage", 200, fixture("slack_chat_post_message.json")).await;
    serve(&server, "POST", "/chat.delete", 200, json!({"ok": true, "channel": "C123ABC456", "ts": "1503435956.000200"})).await;
    let client = slack(&server);
    let posted = client.chat().post_message("C123ABC456").text("Here's a message for you").send().await.unwrap();
    assert_eq!(posted.ts, "1503435956.000200");
    assert_eq!(posted.message.ts, "1503435956.000200");
    assert_eq!(extra_keys(&posted.message.additional_properties), ["app_id"]);

    client.chat().delete(posted.channel.clone(), posted.ts.clone()).send().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let body = String::from_utf8(requests[1].body.clone()).unwrap();
    assert_eq!(body, "channel=C123ABC456&ts=1503435956.000200");
}

#[tokio::test]
async fn a_slack_error_code_the_schema_does_not_declare_is_still_read() {
    // users.identity's error schema declares only `ok`; the body carries `error`.
    let server = MockServer::start().await;
    serve(&server, "GET", "/users.identity", 200, json!({"ok": false, "error": "invalid_auth"})).await;
    let err = slack(&server).users().identity().send().await.unwrap_err();
    assert!(matches!(err, slack_web_api::Error::Api { .. }), "{err:?}");
    assert_eq!(err.code(), Some("invalid_auth"));
}
