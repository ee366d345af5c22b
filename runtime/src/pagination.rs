//! Walking a paginated list as a stream of pages: the generated `pages()` and
//! `items()` of each paginated operation build on [`pages`], with the next
//! request computed from the page just read (a cursor in the body, an offset
//! or page number, or the `Link` header's `next` URL).

use std::future::Future;

pub use futures_util::stream::{Stream, StreamExt, TryStreamExt};

/// The pages of a walk starting with `first`: each is sent with `send`, and
/// `next` makes the following request from the one just sent and its page
/// (`None` ends the walk). The stream stops after the first error, which is
/// its last item; dropping it stops the walk.
pub fn pages<Req, Page, E, Send, Fut, Next>(first: Req, send: Send, next: Next) -> impl Stream<Item = Result<Page, E>>
where
    Req: Clone,
    Send: Fn(Req) -> Fut,
    Fut: Future<Output = Result<Page, E>>,
    Next: Fn(Req, &Page) -> Option<Req>,
{
    futures_util::stream::try_unfold((Some(first), send, next), |(state, send, next)| async move {
        let Some(request) = state else { return Ok(None) };
        let following = request.clone();
        let page = send(request).await?;
        let state = next(following, &page);
        Ok(Some((page, (state, send, next))))
    })
}

/// The items of every page of `pages`, one by one, fetching pages as needed.
pub fn items<Page, Items, E>(
    pages: impl Stream<Item = Result<Page, E>>,
    items: impl FnMut(Page) -> Items,
) -> impl Stream<Item = Result<Items::Item, E>>
where
    Items: IntoIterator,
{
    use futures_util::TryStreamExt as _;
    let mut items = items;
    pages.map_ok(move |page| futures_util::stream::iter(items(page).into_iter().map(Ok))).try_flatten()
}

/// The value of the query parameter `param` in the `rel="next"` URL of a
/// `Link` header (RFC 8288), e.g. GitHub's
/// `<https://api.github.com/repositories/1/issues?page=2>; rel="next"`.
pub fn link_next(headers: &http::HeaderMap, param: &str) -> Option<String> {
    for value in headers.get_all(http::header::LINK) {
        let Ok(value) = value.to_str() else { continue };
        for link in value.split(',') {
            let mut pieces = link.split(';');
            let target = pieces.next()?.trim();
            let is_next = pieces.any(|p| {
                let p = p.trim();
                p.strip_prefix("rel=")
                    .map(|rel| rel.trim_matches('"').split_ascii_whitespace().any(|r| r.eq_ignore_ascii_case("next")))
                    .unwrap_or(false)
            });
            if !is_next {
                continue;
            }
            let target = target.trim_start_matches('<').trim_end_matches('>');
            let url = reqwest::Url::parse(target).ok()?;
            return url.query_pairs().find(|(k, _)| k == param).map(|(_, v)| v.into_owned());
        }
    }
    None
}

/// A non-empty cursor, for cursor walks where an empty one ends the walk.
pub fn non_empty(cursor: Option<&str>) -> Option<String> {
    cursor.filter(|c| !c.is_empty()).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_headers_give_the_next_page() {
        let mut headers = http::HeaderMap::new();
        headers.insert(
            http::header::LINK,
            r#"<https://api.example.com/items?page=1>; rel="prev", <https://api.example.com/items?page=3&per_page=50>; rel="next""#
                .parse()
                .unwrap(),
        );
        assert_eq!(link_next(&headers, "page").as_deref(), Some("3"));
        assert_eq!(link_next(&headers, "cursor"), None);
        headers.insert(http::header::LINK, r#"<https://api.example.com/items?page=1>; rel="first""#.parse().unwrap());
        assert_eq!(link_next(&headers, "page"), None);
    }

    #[tokio::test]
    async fn a_walk_follows_next_until_it_ends_and_stops_at_an_error() {
        let send = |n: u32| async move { if n < 4 { Ok::<_, String>(n * 10) } else { Err(format!("page {n}")) } };
        let all: Vec<_> = pages(1u32, send, |n, _| (n < 3).then_some(n + 1)).collect().await;
        assert_eq!(all, vec![Ok(10), Ok(20), Ok(30)]);
        let failed: Vec<_> = pages(3u32, send, |n, _| Some(n + 1)).collect().await;
        assert_eq!(failed, vec![Ok(30), Err("page 4".to_string())]);
    }
}
