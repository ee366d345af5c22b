//! Pagination styles other than Slack's cursor, from settings: the schema
//! tour's `listPets` moves an `offset` on by the items read; GitHub's lists
//! follow the `Link` header's `rel="next"` URL. Real HTTP servers on
//! 127.0.0.1; the requests each walk sends are asserted exactly.

use futures_util::{StreamExt as _, TryStreamExt as _};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Pets 0..5 served from `offset`, two at a time.
struct PetsFromOffset;

impl Respond for PetsFromOffset {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let offset: usize = request.url.query_pairs().find(|(k, _)| k == "offset").map_or(0, |(_, v)| v.parse().unwrap());
        let pets: Vec<_> =
            (offset..5.min(offset + 2)).map(|i| json!({"kind": "cat", "name": format!("cat {i}"), "indoor": true})).collect();
        ResponseTemplate::new(200).set_body_json(json!({"items": pets, "total": 5}))
    }
}

fn offsets(requests: &[Request]) -> Vec<Option<String>> {
    requests.iter().map(|r| r.url.query_pairs().find(|(k, _)| k == "offset").map(|(_, v)| v.into_owned())).collect()
}

#[tokio::test]
async fn an_offset_walk_moves_on_by_the_items_read_until_a_page_is_empty() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/pets")).respond_with(PetsFromOffset).mount(&server).await;
    let client = schema_tour::SchemaTourClient::new(schema_tour::Configuration::builder().base_url(server.uri()).build()).unwrap();

    let pets: Vec<_> = client.pets().list_pets().limit(2).items().try_collect().await.unwrap();
    assert_eq!(pets.len(), 5);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(offsets(&requests), [None, Some("2".into()), Some("4".into()), Some("5".into())]);
    assert!(requests.iter().all(|r| r.url.query_pairs().any(|(k, v)| k == "limit" && v == "2")));

    // Stopped after one page, the walk resumes from the offset it reached.
    let first: Vec<_> = client.pets().list_pets().limit(2).pages().take(1).try_collect().await.unwrap();
    assert_eq!(first[0].items.len(), 2);
    let rest: Vec<_> = client.pets().list_pets().limit(2).offset(2).items().try_collect().await.unwrap();
    assert_eq!(rest.len(), 3);
}

/// Issues in pages of two, with GitHub's Link header naming the next page.
struct IssuePages {
    base: String,
}

impl Respond for IssuePages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let page: u32 = request.url.query_pairs().find(|(k, _)| k == "page").map_or(1, |(_, v)| v.parse().unwrap());
        let issues: Vec<_> =
            (0..2).map(|i| json!({"id": page * 10 + i, "number": page * 10 + i, "title": format!("issue {page}.{i}")})).collect();
        let mut links = vec![format!(r#"<{}/repositories/1/issues?page=1&per_page=2>; rel="first""#, self.base)];
        if page < 3 {
            links.push(format!(r#"<{}/repositories/1/issues?per_page=2&page={}>; rel="next""#, self.base, page + 1));
        }
        ResponseTemplate::new(200).insert_header("link", links.join(", ").as_str()).set_body_json(issues)
    }
}

#[tokio::test]
async fn a_link_walk_follows_the_next_url_until_there_is_none() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/repos/octo/hello/issues")).respond_with(IssuePages { base: server.uri() }).mount(&server).await;
    let config = github_issues::Configuration::builder().base_url(server.uri()).github_token("ghp_test").build();
    let client = github_issues::GithubClient::new(config).unwrap();

    let titles: Vec<String> =
        client.issues().list_for_repo("octo", "hello").per_page(2).items().map_ok(|i| i.title).try_collect().await.unwrap();
    assert_eq!(titles, ["issue 1.0", "issue 1.1", "issue 2.0", "issue 2.1", "issue 3.0", "issue 3.1"]);
    let pages: Vec<Option<String>> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.url.query_pairs().find(|(k, _)| k == "page").map(|(_, v)| v.into_owned()))
        .collect();
    assert_eq!(pages, [None, Some("2".into()), Some("3".into())]);

    // Resuming from a saved page number.
    let last: Vec<_> = client.issues().list_for_repo("octo", "hello").page(3).pages().try_collect().await.unwrap();
    assert_eq!(last.len(), 1);
    assert_eq!(last[0].len(), 2);
}
