//! Errors of API calls. No type of the HTTP library appears here except the
//! `http` crate's `StatusCode` and `HeaderMap`, so that upgrading the transport
//! does not change an SDK's error API.

use std::time::Duration;

use http::{HeaderMap, StatusCode};

/// The documented error body of an operation: what [`Error::code`] and
/// [`Error::message`] read.
pub trait ApiError: std::fmt::Debug {
    /// The machine-readable error code, e.g. `channel_not_found`.
    fn code(&self) -> Option<&str>;
    /// A human-readable message, when the body has one.
    fn message(&self) -> Option<&str>;
}

/// Bodies of operations that document no error schema.
impl ApiError for serde_json::Value {
    fn code(&self) -> Option<&str> {
        ["error", "code", "error_code"].iter().find_map(|k| self.get(*k).and_then(|v| v.as_str()))
    }

    fn message(&self) -> Option<&str> {
        ["message", "error_description", "detail"].iter().find_map(|k| self.get(*k).and_then(|v| v.as_str()))
    }
}

/// Connecting, sending or receiving failed. The URL is never part of the
/// message, so query credentials cannot leak into logs.
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    source: Box<dyn std::error::Error + Send + Sync>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TransportErrorKind {
    Connect,
    Timeout,
    Other,
}

impl TransportError {
    /// A failure to connect: nothing reached the server.
    pub fn connect(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        TransportError { kind: TransportErrorKind::Connect, source: source.into() }
    }

    /// The request or the response took longer than the timeout.
    pub fn timeout(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        TransportError { kind: TransportErrorKind::Timeout, source: source.into() }
    }

    /// Any other failure while sending or receiving.
    pub fn other(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        TransportError { kind: TransportErrorKind::Other, source: source.into() }
    }

    /// Whether no connection could be made (safe to retry for any operation).
    pub fn is_connect(&self) -> bool {
        self.kind == TransportErrorKind::Connect
    }

    /// Whether the call timed out (the server may have acted on it).
    pub fn is_timeout(&self) -> bool {
        self.kind == TransportErrorKind::Timeout
    }
}

impl From<reqwest::Error> for TransportError {
    fn from(e: reqwest::Error) -> Self {
        let e = e.without_url();
        if e.is_timeout() {
            TransportError::timeout(e)
        } else if e.is_connect() {
            TransportError::connect(e)
        } else {
            TransportError::other(e)
        }
    }
}

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.kind {
            TransportErrorKind::Connect => write!(f, "cannot connect: {}", self.source),
            TransportErrorKind::Timeout => write!(f, "timed out: {}", self.source),
            TransportErrorKind::Other => write!(f, "{}", self.source),
        }
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.source.as_ref())
    }
}

/// Why a call failed. `E` is the operation's documented error body, `S` the
/// API's security schemes (a generated crate names it `Error<E>` with its own
/// `Scheme`).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<E, S: 'static> {
    /// The API answered with its documented error response.
    Api {
        /// HTTP status (APIs that report errors in the body often use 200).
        status: StatusCode,
        /// The decoded error body, with the operation's typed error code.
        error: E,
        /// The raw body.
        body: String,
        /// The response headers (request ids, rate-limit state); boxed to keep
        /// `Error` small.
        headers: Box<HeaderMap>,
    },
    /// HTTP 429: too many requests, after the retries the policy allows.
    RateLimited {
        /// How long the server asked to wait (`Retry-After`), when it said.
        retry_after: Option<Duration>,
        /// The raw body.
        body: String,
        /// The response headers.
        headers: Box<HeaderMap>,
    },
    /// An HTTP status the description does not document, with a body that is not
    /// the documented error.
    Status {
        /// HTTP status.
        status: StatusCode,
        /// The raw body.
        body: String,
        /// The response headers.
        headers: Box<HeaderMap>,
    },
    /// The body could not be decoded as the documented type.
    Decode {
        /// HTTP status.
        status: StatusCode,
        /// The raw body.
        body: String,
        /// What did not fit.
        source: serde_json::Error,
        /// The response headers.
        headers: Box<HeaderMap>,
    },
    /// No configured credential satisfies the operation; nothing was sent.
    MissingCredentials {
        /// The operation.
        operation: &'static str,
        /// What would satisfy it: any one entry, with every scheme in that entry.
        alternatives: &'static [&'static [S]],
    },
    /// The scheme's OAuth 2 token has expired and automatic renewal is off (or has
    /// no refresh token); nothing was sent.
    TokenExpired {
        /// The scheme.
        scheme: S,
    },
    /// Obtaining or renewing the scheme's OAuth 2 token failed; nothing was sent.
    Token {
        /// The scheme.
        scheme: S,
        /// Why.
        source: crate::oauth::OAuthError,
    },
    /// The request could not be built (for example a header value with a newline).
    InvalidRequest {
        /// What was wrong.
        message: String,
    },
    /// Connecting, sending or receiving failed.
    Transport(TransportError),
}

impl<E: ApiError, S> Error<E, S> {
    /// The API's error code, for [`Error::Api`].
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api { error, .. } => error.code(),
            _ => None,
        }
    }

    /// The API's error message, for [`Error::Api`].
    pub fn message(&self) -> Option<&str> {
        match self {
            Error::Api { error, .. } => error.message(),
            _ => None,
        }
    }
}

impl<E, S> Error<E, S> {
    /// The decoded error body, for [`Error::Api`].
    pub fn api_error(&self) -> Option<&E> {
        match self {
            Error::Api { error, .. } => Some(error),
            _ => None,
        }
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. } | Error::Status { status, .. } | Error::Decode { status, .. } => Some(*status),
            Error::RateLimited { .. } => Some(StatusCode::TOO_MANY_REQUESTS),
            _ => None,
        }
    }

    /// The raw response body, when a response arrived.
    pub fn body(&self) -> Option<&str> {
        match self {
            Error::Api { body, .. } | Error::RateLimited { body, .. } | Error::Status { body, .. } | Error::Decode { body, .. } => {
                Some(body)
            }
            _ => None,
        }
    }

    /// The response headers, when a response arrived (Slack's `x-slack-req-id`,
    /// GitHub's `x-ratelimit-remaining`, `Retry-After`).
    pub fn headers(&self) -> Option<&HeaderMap> {
        match self {
            Error::Api { headers, .. }
            | Error::RateLimited { headers, .. }
            | Error::Status { headers, .. }
            | Error::Decode { headers, .. } => Some(headers.as_ref()),
            _ => None,
        }
    }

    /// How long to wait before retrying, for [`Error::RateLimited`].
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Whether this is the API's documented error.
    pub fn is_api(&self) -> bool {
        matches!(self, Error::Api { .. })
    }

    /// Whether the API still answered 429 after the retries the policy allows.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::RateLimited { .. })
    }

    /// Whether the call failed before or while talking to the server.
    pub fn is_transport(&self) -> bool {
        matches!(self, Error::Transport(_))
    }

    /// Whether the call timed out.
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport(e) if e.is_timeout())
    }
}

impl<E: ApiError, S: crate::call::SecurityScheme> std::fmt::Display for Error<E, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Api { status, error, .. } => {
                write!(f, "API error `{}`", error.code().unwrap_or("unknown"))?;
                if let Some(message) = error.message() {
                    write!(f, ": {message}")?;
                }
                write!(f, " (HTTP {})", status.as_u16())
            }
            Error::RateLimited { retry_after: Some(d), .. } => write!(f, "rate limited: retry after {} s", d.as_secs()),
            Error::RateLimited { retry_after: None, .. } => f.write_str("rate limited"),
            Error::Status { status, .. } => write!(f, "unexpected HTTP status {status}"),
            Error::Decode { status, source, .. } => write!(f, "cannot decode the response (HTTP {}): {source}", status.as_u16()),
            Error::MissingCredentials { operation, alternatives } => {
                write!(f, "`{operation}` needs credentials for ")?;
                for (i, alternative) in alternatives.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" or ")?;
                    }
                    let names: Vec<&str> = alternative.iter().map(|s| s.name()).collect();
                    write!(f, "{}", names.join(" and "))?;
                }
                f.write_str("; no alternative has all its credentials configured")
            }
            Error::TokenExpired { scheme } => write!(f, "the {} token has expired", scheme.name()),
            Error::Token { scheme, source } => write!(f, "cannot obtain a {} token: {source}", scheme.name()),
            Error::InvalidRequest { message } => write!(f, "invalid request: {message}"),
            Error::Transport(e) => write!(f, "transport error: {e}"),
        }
    }
}

impl<E: ApiError, S: crate::call::SecurityScheme> std::error::Error for Error<E, S> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Decode { source, .. } => Some(source),
            Error::Transport(e) => Some(e),
            Error::Token { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// A decoded response body with the HTTP status and headers it came with, from
/// `send_with_response()`.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiResponse<T> {
    /// HTTP status.
    pub status: StatusCode,
    /// The response headers.
    pub headers: HeaderMap,
    /// The decoded body.
    pub body: T,
}

impl<T> ApiResponse<T> {
    /// A response with this status, headers and body.
    pub fn new(status: StatusCode, headers: HeaderMap, body: T) -> Self {
        ApiResponse { status, headers, body }
    }
}

/// Why a client could not be created.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// The base URL does not parse as an absolute URL.
    InvalidBaseUrl {
        /// The URL given.
        url: String,
        /// Why it was rejected.
        reason: String,
    },
    /// None of the environment variables that hold credentials is set.
    MissingEnv {
        /// The variables looked at.
        vars: &'static [&'static str],
    },
    /// The HTTP client could not be built (e.g. the TLS backend failed to start).
    Http(TransportError),
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigError::InvalidBaseUrl { url, reason } => write!(f, "invalid base URL `{url}`: {reason}"),
            ConfigError::MissingEnv { vars } => write!(f, "no credentials in the environment: set {}", vars.join(" or ")),
            ConfigError::Http(e) => write!(f, "cannot build the HTTP client: {e}"),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::Http(e) => Some(e),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Scheme {
        ApiKey,
        OAuth,
        Basic,
    }

    impl crate::call::SecurityScheme for Scheme {
        fn name(self) -> &'static str {
            match self {
                Scheme::ApiKey => "apiKey",
                Scheme::OAuth => "oauth",
                Scheme::Basic => "basic",
            }
        }
    }

    #[test]
    fn missing_credentials_name_every_alternative() {
        let e: Error<serde_json::Value, Scheme> =
            Error::MissingCredentials { operation: "getPet", alternatives: &[&[Scheme::ApiKey], &[Scheme::OAuth, Scheme::Basic]] };
        assert_eq!(
            e.to_string(),
            "`getPet` needs credentials for apiKey or oauth and basic; no alternative has all its credentials configured"
        );
    }

    #[test]
    fn api_errors_read_code_and_message() {
        let e: Error<serde_json::Value, Scheme> = Error::Api {
            status: StatusCode::OK,
            error: serde_json::json!({"ok": false, "error": "channel_not_found"}),
            body: String::new(),
            headers: Box::default(),
        };
        assert_eq!(e.code(), Some("channel_not_found"));
        assert_eq!(e.to_string(), "API error `channel_not_found` (HTTP 200)");
        assert!(e.is_api() && !e.is_rate_limited());
    }
}
