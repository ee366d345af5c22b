//! What sends a request: a `reqwest::Client` by default, a
//! `reqwest-middleware` client with the `middleware` feature, or anything
//! implementing [`Transport`] (a recorder in tests, a custom signer).

use std::future::Future;
use std::pin::Pin;

use crate::error::TransportError;

/// The future a [`Transport`] returns.
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<reqwest::Response, TransportError>> + Send + 'a>>;

/// Sends one request and returns the response (whatever its status).
pub trait Transport: Send + Sync + 'static {
    /// Sends `request`.
    fn send(&self, request: reqwest::Request) -> SendFuture<'_>;
}

impl Transport for reqwest::Client {
    fn send(&self, request: reqwest::Request) -> SendFuture<'_> {
        Box::pin(async move { self.execute(request).await.map_err(TransportError::from) })
    }
}

#[cfg(feature = "middleware")]
impl Transport for reqwest_middleware::ClientWithMiddleware {
    fn send(&self, request: reqwest::Request) -> SendFuture<'_> {
        Box::pin(async move {
            self.execute(request).await.map_err(|e| match e {
                reqwest_middleware::Error::Reqwest(e) => TransportError::from(e),
                other => TransportError::other(other.to_string()),
            })
        })
    }
}

/// A `reqwest` builder with a TLS backend ready.
pub fn http_client_builder() -> reqwest::ClientBuilder {
    // With rustls, a process-wide crypto provider must be chosen before the first
    // client is built. An application that installed its own keeps it.
    #[cfg(feature = "rustls")]
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}

/// A client for token endpoints: it follows no redirects, so credentials are
/// never replayed to another host.
pub fn token_client(timeout: std::time::Duration) -> Result<reqwest::Client, TransportError> {
    http_client_builder().redirect(reqwest::redirect::Policy::none()).timeout(timeout).build().map_err(TransportError::from)
}
