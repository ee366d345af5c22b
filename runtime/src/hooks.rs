//! Hooks: code of the application that runs around every call, to change a
//! request before it is sent (a header, a signature) or to look at a response
//! or a retry (metrics, logs).

use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, Method, StatusCode};

use crate::retry::RetryReason;

/// The call a hook runs for.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct CallInfo<'a> {
    /// The operation id in the description (e.g. `chat.postMessage`).
    pub operation_id: &'a str,
    /// The HTTP method.
    pub method: &'a Method,
    /// Which attempt this is, from 1.
    pub attempt: u32,
}

/// A request about to be sent, as a hook may change it.
pub struct OutgoingRequest<'a> {
    inner: &'a mut reqwest::Request,
}

impl<'a> OutgoingRequest<'a> {
    pub(crate) fn new(inner: &'a mut reqwest::Request) -> Self {
        OutgoingRequest { inner }
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        self.inner.method()
    }

    /// The URL, query included (it may hold an API key: do not log it whole).
    pub fn url(&self) -> &str {
        self.inner.url().as_str()
    }

    /// The URL's path.
    pub fn path(&self) -> &str {
        self.inner.url().path()
    }

    /// The headers, credentials included (marked sensitive).
    pub fn headers(&self) -> &HeaderMap {
        self.inner.headers()
    }

    /// The headers, to add or change one.
    pub fn headers_mut(&mut self) -> &mut HeaderMap {
        self.inner.headers_mut()
    }

    /// The body, when it is in memory (multipart bodies are streamed).
    pub fn body(&self) -> Option<&[u8]> {
        self.inner.body().and_then(|b| b.as_bytes())
    }

    /// The timeout of this attempt.
    pub fn timeout(&self) -> Option<Duration> {
        self.inner.timeout().copied()
    }

    /// Sets the timeout of this attempt.
    pub fn set_timeout(&mut self, timeout: Duration) {
        *self.inner.timeout_mut() = Some(timeout);
    }
}

impl std::fmt::Debug for OutgoingRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL's query and some headers may hold credentials.
        f.debug_struct("OutgoingRequest").field("method", self.method()).field("path", &self.path()).finish_non_exhaustive()
    }
}

/// A response as a hook sees it, before it is decoded.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ResponseInfo<'a> {
    /// HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: &'a HeaderMap,
    /// The body.
    pub body: &'a [u8],
    /// How long the attempt took.
    pub elapsed: Duration,
}

/// A retry about to happen.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct RetryInfo {
    /// Why the attempt is retried.
    pub reason: RetryReason,
    /// How long the client waits before the next attempt.
    pub delay: Duration,
}

/// Code that runs around every call of a client. Every method has a default
/// that does nothing; implement the ones you need.
pub trait Hook: Send + Sync + 'static {
    /// Before each attempt is sent, with the credentials applied.
    fn on_request(&self, _call: &CallInfo<'_>, _request: &mut OutgoingRequest<'_>) {}

    /// After each response arrived, before it is decoded.
    fn on_response(&self, _call: &CallInfo<'_>, _response: &ResponseInfo<'_>) {}

    /// Before the client waits to retry the attempt `call.attempt`.
    fn on_retry(&self, _call: &CallInfo<'_>, _retry: &RetryInfo) {}
}

/// The hooks of a configuration, run in the order they were added.
#[derive(Clone, Default)]
pub struct Hooks {
    hooks: Vec<Arc<dyn Hook>>,
}

impl Hooks {
    /// Adds a hook.
    pub fn push(&mut self, hook: impl Hook) {
        self.hooks.push(Arc::new(hook));
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.hooks.is_empty()
    }

    pub(crate) fn on_request(&self, call: &CallInfo<'_>, request: &mut OutgoingRequest<'_>) {
        for hook in &self.hooks {
            hook.on_request(call, request);
        }
    }

    pub(crate) fn on_response(&self, call: &CallInfo<'_>, response: &ResponseInfo<'_>) {
        for hook in &self.hooks {
            hook.on_response(call, response);
        }
    }

    pub(crate) fn on_retry(&self, call: &CallInfo<'_>, retry: &RetryInfo) {
        for hook in &self.hooks {
            hook.on_retry(call, retry);
        }
    }
}

impl std::fmt::Debug for Hooks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Hooks({})", self.hooks.len())
    }
}

/// A hook that only changes requests: `on_request(|call, request| ...)`.
pub fn on_request<F>(f: F) -> impl Hook
where
    F: Fn(&CallInfo<'_>, &mut OutgoingRequest<'_>) + Send + Sync + 'static,
{
    struct RequestFn<F>(F);
    impl<F: Fn(&CallInfo<'_>, &mut OutgoingRequest<'_>) + Send + Sync + 'static> Hook for RequestFn<F> {
        fn on_request(&self, call: &CallInfo<'_>, request: &mut OutgoingRequest<'_>) {
            (self.0)(call, request);
        }
    }
    RequestFn(f)
}

/// A hook that only looks at responses: `on_response(|call, response| ...)`.
pub fn on_response<F>(f: F) -> impl Hook
where
    F: Fn(&CallInfo<'_>, &ResponseInfo<'_>) + Send + Sync + 'static,
{
    struct ResponseFn<F>(F);
    impl<F: Fn(&CallInfo<'_>, &ResponseInfo<'_>) + Send + Sync + 'static> Hook for ResponseFn<F> {
        fn on_response(&self, call: &CallInfo<'_>, response: &ResponseInfo<'_>) {
            (self.0)(call, response);
        }
    }
    ResponseFn(f)
}
