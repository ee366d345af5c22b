//! One call from start to end: credentials, the request, hooks, the
//! transport, retries, and a tracing span around it all.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::StatusCode;
use http::header::{HeaderName, HeaderValue};
use tracing::Instrument as _;

use crate::error::{ConfigError, Error, TransportError};
use crate::hooks::{CallInfo, Hooks, OutgoingRequest, ResponseInfo, RetryInfo};
use crate::request::{Body, Part, RequestParts};
use crate::response::Raw;
use crate::retry::{RetryPolicy, RetryReason};
use crate::secret::AccessToken;
use crate::transport::Transport;

/// A security scheme of an API (the generated `Scheme` enum).
pub trait SecurityScheme: Copy + Eq + Send + Sync + std::fmt::Debug + 'static {
    /// The scheme's name in the description.
    fn name(self) -> &'static str;
}

/// What the generated code knows about an operation.
#[derive(Debug)]
pub struct Operation<S: 'static> {
    /// The operation id.
    pub id: &'static str,
    /// The security alternatives: any one entry, with every scheme in it.
    pub security: &'static [&'static [S]],
    /// Whether the operation may be called without credentials.
    pub security_optional: bool,
    /// Whether a server error or timeout may be retried (idempotent, or as
    /// the settings say).
    pub retry_safe: bool,
}

/// Why credentials could not be applied.
#[derive(Debug)]
#[non_exhaustive]
pub enum AuthFailure<S> {
    /// No alternative is configured.
    Missing,
    /// The scheme's token has expired and cannot be renewed here.
    Expired(S),
    /// Renewing the scheme's token failed.
    Token(S, crate::oauth::OAuthError),
}

/// The credentials of a client, scheme by scheme (implemented by the generated
/// client).
pub trait Credentials: Send + Sync {
    /// The API's security schemes.
    type Scheme: SecurityScheme;

    /// Whether a call can carry `scheme` now (an OAuth 2 token that has
    /// expired and cannot be renewed does not count).
    fn is_ready(&self, scheme: Self::Scheme) -> bool;

    /// Adds the scheme's credential to `parts` (the caller checked it is
    /// ready). Returns the OAuth 2 token used, if the scheme is OAuth 2.
    fn apply(
        &self,
        scheme: Self::Scheme,
        parts: &mut RequestParts,
    ) -> impl Future<Output = Result<Option<AccessToken>, AuthFailure<Self::Scheme>>> + Send;

    /// Whether the scheme's token has expired and cannot be renewed.
    fn is_expired(&self, _scheme: Self::Scheme) -> bool {
        false
    }

    /// Whether a call rejected with HTTP 401 may renew the scheme's token and retry.
    fn renews_tokens(&self, _scheme: Self::Scheme) -> bool {
        false
    }

    /// Renews the scheme's token after the API rejected `token`; `true` when a
    /// usable token is there.
    fn renew_rejected(&self, _scheme: Self::Scheme, _token: &AccessToken) -> impl Future<Output = bool> + Send {
        async { false }
    }
}

/// Applies the first satisfiable alternative of the operation's security to
/// `parts`. Fails when none is satisfiable and the operation is not callable
/// anonymously.
async fn authorize<C: Credentials>(
    credentials: &C,
    op: &Operation<C::Scheme>,
    parts: &mut RequestParts,
) -> Result<Vec<(C::Scheme, AccessToken)>, AuthFailure<C::Scheme>> {
    let mut applied = Vec::new();
    for alternative in op.security {
        if alternative.iter().all(|s| credentials.is_ready(*s)) {
            for scheme in alternative.iter() {
                if let Some(token) = credentials.apply(*scheme, parts).await? {
                    applied.push((*scheme, token));
                }
            }
            return Ok(applied);
        }
    }
    // A configured token that has expired (and cannot be renewed) is an error,
    // even where the call could go out anonymously: sending it without the
    // credential the user configured would fail later, and less clearly.
    if let Some(scheme) = op.security.iter().flat_map(|a| a.iter()).find(|s| credentials.is_expired(**s)) {
        return Err(AuthFailure::Expired(*scheme));
    }
    if op.security_optional || op.security.is_empty() { Ok(applied) } else { Err(AuthFailure::Missing) }
}

/// Per-call settings a request builder may override.
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    /// Retries of this call instead of the configuration's.
    pub retry_policy: Option<RetryPolicy>,
    /// Timeout of each attempt instead of the configuration's.
    pub timeout: Option<Duration>,
    /// Headers added to the request (replacing one of the same name).
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// Header names or values that could not be sent, reported when the call is.
    pub invalid_header: Option<String>,
}

impl CallOptions {
    /// Adds a header; an invalid name or value fails the call when it is sent.
    pub fn header(&mut self, name: &str, value: &str) {
        match (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            (Ok(name), Ok(value)) => self.headers.push((name, value)),
            _ => self.invalid_header = Some(format!("header `{name}` cannot be sent with that name or value")),
        }
    }
}

/// The shared state of a client: where requests go, how they are sent, and
/// the settings every call starts from.
pub struct Core {
    builder: reqwest::Client,
    transport: Arc<dyn Transport>,
    base_url: reqwest::Url,
    timeout: Duration,
    user_agent: HeaderValue,
    retry_policy: RetryPolicy,
    hooks: Hooks,
}

impl std::fmt::Debug for Core {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Core").field("base_url", &self.base_url.as_str()).field("timeout", &self.timeout).finish_non_exhaustive()
    }
}

/// What a [`Core`] is built from.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CoreSettings {
    /// The base URL requests go to.
    pub base_url: String,
    /// Timeout of each attempt.
    pub timeout: Duration,
    /// `User-Agent` of every request.
    pub user_agent: String,
    /// Retries, unless a call says otherwise.
    pub retry_policy: RetryPolicy,
    /// Hooks run around every call.
    pub hooks: Hooks,
}

impl CoreSettings {
    /// Settings for requests to `base_url`.
    pub fn new(
        base_url: impl Into<String>,
        timeout: Duration,
        user_agent: impl Into<String>,
        retry_policy: RetryPolicy,
        hooks: Hooks,
    ) -> Self {
        CoreSettings { base_url: base_url.into(), timeout, user_agent: user_agent.into(), retry_policy, hooks }
    }
}

impl Core {
    /// A core that builds requests with `http` and sends them through
    /// `transport` (or `http` itself).
    pub fn new(settings: CoreSettings, http: reqwest::Client, transport: Option<Arc<dyn Transport>>) -> Result<Self, ConfigError> {
        let raw = settings.base_url;
        let base_url = reqwest::Url::parse(&raw).map_err(|e| ConfigError::InvalidBaseUrl { url: raw.clone(), reason: e.to_string() })?;
        if base_url.cannot_be_a_base() {
            return Err(ConfigError::InvalidBaseUrl { url: raw, reason: "not a base URL".into() });
        }
        let user_agent = HeaderValue::try_from(settings.user_agent.as_str())
            .map_err(|_| ConfigError::InvalidBaseUrl { url: raw, reason: "the User-Agent cannot be sent in a header".into() })?;
        let transport = transport.unwrap_or_else(|| Arc::new(http.clone()));
        Ok(Core {
            builder: http,
            transport,
            base_url,
            timeout: settings.timeout,
            user_agent,
            retry_policy: settings.retry_policy,
            hooks: settings.hooks,
        })
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &reqwest::Url {
        &self.base_url
    }

    /// The `reqwest` client requests are built with.
    pub fn http(&self) -> &reqwest::Client {
        &self.builder
    }
}

fn invalid<E, S>(message: impl Into<String>) -> Error<E, S> {
    Error::InvalidRequest { message: message.into() }
}

/// Sends a call, retried as the policy allows, and reads the whole response.
///
/// Runs in a `tracing` span `sdk.call` with the operation id, method, final
/// status, attempts and duration (never a URL query, header or body, which may
/// hold credentials); each retry is an event in it and goes to the hooks.
pub async fn execute<C: Credentials, E>(
    core: &Core,
    credentials: &C,
    op: &Operation<C::Scheme>,
    parts: RequestParts,
    options: &CallOptions,
) -> Result<Raw, Error<E, C::Scheme>> {
    let span = tracing::info_span!(
        "sdk.call",
        operation = op.id,
        method = %parts.method,
        status = tracing::field::Empty,
        attempts = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
    );
    let started = Instant::now();
    let outcome = retried(core, credentials, op, parts, options).instrument(span.clone()).await;
    let (outcome, attempts) = outcome;
    if let Ok(raw) = &outcome {
        span.record("status", raw.status.as_u16());
    } else if let Err(e) = &outcome
        && let Some(status) = e.status()
    {
        span.record("status", status.as_u16());
    }
    span.record("attempts", attempts);
    span.record("duration_ms", started.elapsed().as_millis() as u64);
    outcome
}

async fn retried<C: Credentials, E>(
    core: &Core,
    credentials: &C,
    op: &Operation<C::Scheme>,
    parts: RequestParts,
    options: &CallOptions,
) -> (Result<Raw, Error<E, C::Scheme>>, u32) {
    if let Some(message) = &options.invalid_header {
        return (Err(invalid(message.clone())), 0);
    }
    let policy = options.retry_policy.as_ref().unwrap_or(&core.retry_policy);
    let mut backoff = policy.backoff().peekable();
    let mut number = 0;
    loop {
        number += 1;
        // The last attempt sends the parts themselves; earlier ones a copy.
        if backoff.peek().is_none() {
            return (attempt(core, credentials, op, parts, options, number).await, number);
        }
        let outcome = attempt(core, credentials, op, parts.clone(), options, number).await;
        let Some((reason, wait)) = retry_wait(&outcome, op, policy) else {
            return (outcome, number);
        };
        let delay = backoff.next().unwrap_or_default();
        let delay = wait.unwrap_or(delay);
        tracing::info!(attempt = number, delay_ms = delay.as_millis() as u64, reason = %reason, "retrying");
        let call = CallInfo { operation_id: op.id, method: &parts.method, attempt: number };
        core.hooks.on_retry(&call, &RetryInfo { reason, delay });
        tokio::time::sleep(delay).await;
    }
}

/// Whether to retry after `outcome`: `None` to return it, else why and the
/// server's `Retry-After` when it gave one.
fn retry_wait<S, E>(
    outcome: &Result<Raw, Error<E, S>>,
    op: &Operation<S>,
    policy: &RetryPolicy,
) -> Option<(RetryReason, Option<Duration>)> {
    match outcome {
        Ok(raw) if raw.status == StatusCode::TOO_MANY_REQUESTS => match raw.retry_after {
            Some(after) if after > policy.max_retry_after => None,
            after => Some((RetryReason::RateLimited, after)),
        },
        Ok(raw) => (op.retry_safe && policy.retry_statuses.contains(&raw.status.as_u16()))
            .then_some((RetryReason::Status(raw.status.as_u16()), None)),
        Err(Error::Transport(e)) if e.is_connect() => Some((RetryReason::Connect, None)),
        Err(Error::Transport(e)) if op.retry_safe && e.is_timeout() => Some((RetryReason::Timeout, None)),
        Err(_) => None,
    }
}

/// One attempt: credentials, request, whole response; an OAuth 2 token the API
/// rejects (HTTP 401) is renewed once, where the scheme allows it, and the
/// request sent again with the new one.
async fn attempt<C: Credentials, E>(
    core: &Core,
    credentials: &C,
    op: &Operation<C::Scheme>,
    parts: RequestParts,
    options: &CallOptions,
    number: u32,
) -> Result<Raw, Error<E, C::Scheme>> {
    let renews = op.security.iter().flat_map(|a| a.iter()).any(|s| credentials.renews_tokens(*s));
    let again = renews.then(|| parts.clone());
    let (raw, applied) = send_once(core, credentials, op, parts, options, number).await?;
    if raw.status == StatusCode::UNAUTHORIZED
        && let Some(parts) = again
    {
        let mut renewed = false;
        for (scheme, token) in &applied {
            renewed |= credentials.renew_rejected(*scheme, token).await;
        }
        if renewed {
            return send_once(core, credentials, op, parts, options, number).await.map(|(raw, _)| raw);
        }
    }
    Ok(raw)
}

type Applied<S> = Vec<(S, AccessToken)>;

/// One request: credentials, request, hooks, whole response.
async fn send_once<C: Credentials, E>(
    core: &Core,
    credentials: &C,
    op: &Operation<C::Scheme>,
    mut parts: RequestParts,
    options: &CallOptions,
    number: u32,
) -> Result<(Raw, Applied<C::Scheme>), Error<E, C::Scheme>> {
    let applied = authorize(credentials, op, &mut parts).await.map_err(|failure| match failure {
        AuthFailure::Missing => Error::MissingCredentials { operation: op.id, alternatives: op.security },
        AuthFailure::Expired(scheme) => Error::TokenExpired { scheme },
        AuthFailure::Token(scheme, source) => Error::Token { scheme, source },
    })?;
    if parts.authorization_conflict {
        return Err(invalid(format!(
            "`{}` requires several credentials that each go in the Authorization header; one request cannot carry them all",
            op.id
        )));
    }
    let method = parts.method.clone();
    let mut request = build(core, parts, options)?;
    let call = CallInfo { operation_id: op.id, method: &method, attempt: number };
    core.hooks.on_request(&call, &mut OutgoingRequest::new(&mut request));

    let started = Instant::now();
    let mut response = core.transport.send(request).await.map_err(Error::Transport)?;
    let status = response.status();
    // Taken, not copied: the body is read through `bytes()`, which needs no headers.
    let headers = std::mem::take(response.headers_mut());
    let retry_after = headers
        .get(http::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    let body = response.bytes().await.map_err(|e| Error::Transport(TransportError::from(e)))?.to_vec();
    if !core.hooks.is_empty() {
        core.hooks.on_response(&call, &ResponseInfo { status, headers: &headers, body: &body, elapsed: started.elapsed() });
    }
    Ok((Raw { status, retry_after, headers, body }, applied))
}

/// The `reqwest` request of `parts`.
fn build<E, S>(core: &Core, parts: RequestParts, options: &CallOptions) -> Result<reqwest::Request, Error<E, S>> {
    let mut url = core.base_url.clone();
    {
        let joined = format!("{}{}", url.path().trim_end_matches('/'), parts.path);
        url.set_path(&joined);
    }
    if !parts.query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (name, value) in &parts.query {
            pairs.append_pair(name, value);
        }
    }

    let mut request = core
        .builder
        .request(parts.method, url)
        .timeout(options.timeout.unwrap_or(core.timeout))
        .header(http::header::USER_AGENT, core.user_agent.clone())
        .header(http::header::ACCEPT, "application/json");
    for (name, value, secret) in parts.headers {
        let mut value =
            HeaderValue::from_str(&value).map_err(|_| invalid(format!("header `{name}` has a value that cannot be sent in a header")))?;
        value.set_sensitive(secret);
        request = request.header(name, value);
    }
    if !parts.cookies.is_empty() {
        let cookie = parts.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
        let value = HeaderValue::from_str(&cookie).map_err(|_| invalid("a cookie value cannot be sent in a header"))?;
        request = request.header(http::header::COOKIE, value);
    }
    if let Some(authorization) = parts.authorization {
        let mut value =
            HeaderValue::from_str(&authorization).map_err(|_| invalid("the credential cannot be sent in the Authorization header"))?;
        value.set_sensitive(true);
        request = request.header(http::header::AUTHORIZATION, value);
    }
    request = match parts.body {
        Body::Empty => request,
        Body::Form(fields) => request.form(&fields),
        Body::Multipart(fields) => {
            let mut form = reqwest::multipart::Form::new();
            for (name, part) in fields {
                form = match part {
                    Part::Text(text) => form.text(name, text),
                    Part::File(file) => {
                        let mut part = reqwest::multipart::Part::bytes(file.bytes);
                        if let Some(file_name) = file.file_name {
                            part = part.file_name(file_name);
                        }
                        let content_type = file.content_type.as_deref().unwrap_or("application/octet-stream");
                        part = part.mime_str(content_type).map_err(|_| invalid(format!("`{content_type}` is not a valid content type")))?;
                        form.part(name, part)
                    }
                };
            }
            request.multipart(form)
        }
        Body::Json(bytes) => request.header(http::header::CONTENT_TYPE, parts.content_type.unwrap_or("application/json")).body(bytes),
        Body::Bytes(file) => {
            let content_type =
                file.content_type.clone().unwrap_or_else(|| parts.content_type.unwrap_or("application/octet-stream").to_string());
            request.header(http::header::CONTENT_TYPE, content_type).body(file.bytes)
        }
        Body::Text(text) => {
            request.header(http::header::CONTENT_TYPE, parts.content_type.unwrap_or("text/plain; charset=utf-8")).body(text)
        }
    };
    let mut request = request.build().map_err(|e| invalid(format!("the request cannot be built: {}", e.without_url())))?;
    for (name, value) in &options.headers {
        request.headers_mut().insert(name.clone(), value.clone());
    }
    Ok(request)
}

/// The per-call methods of a generated request builder, over its `options`
/// field ([`CallOptions`]): `retry_policy`, `request_timeout` and
/// `extra_header`. One definition here instead of a copy in each of an
/// API's builders.
#[macro_export]
macro_rules! call_option_setters {
    () => {
        /// Retries this call by `policy` instead of the configuration's
        /// (`RetryPolicy::none()`: no retries).
        pub fn retry_policy(mut self, policy: $crate::RetryPolicy) -> Self {
            self.options.retry_policy = Some(policy);
            self
        }

        /// Times each attempt of this call out after `timeout` instead of the
        /// configuration's.
        pub fn request_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.options.timeout = Some(timeout);
            self
        }

        /// Adds a header to this call (replacing one of the same name); a name
        /// or value that cannot be sent fails the call when it is sent.
        pub fn extra_header(mut self, name: &str, value: &str) -> Self {
            self.options.header(name, value);
            self
        }
    };
}
