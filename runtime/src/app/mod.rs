//! The OAuth *app* layer: what an application installed in many workspaces
//! needs beside the API client.
//!
//! - [`state`]: the `state` of authorization requests, issued and consumed once
//!   ([`MemoryStateStore`], [`SqliteStore`], [`FileStateStore`]);
//! - [`installation`]: what an installation grants (bot and user tokens, team,
//!   enterprise, webhook), kept in an [`InstallationStore`] ([`SqliteStore`],
//!   the default, or [`FileInstallationStore`]), optionally encrypted at rest
//!   ([`TokenCipher`]);
//! - [`install`]: the install flow, from the consent URL to the saved
//!   installation, and per-installation clients whose tokens are rotated
//!   before they expire ([`App`]);
//! - [`rotation`]: refreshing a token once across threads and processes;
//! - [`signature`]: verifying that an incoming request was signed by the API;
//! - [`oidc`]: signing users in with OpenID Connect (`id_token` checks).
//!
//! Enabled by the `app` feature. A generated crate whose settings enable the
//! app layer wraps this module with its API's URLs, response fields and
//! signing scheme already filled in.

pub mod crypto;
pub mod file;
pub mod install;
pub mod installation;
pub mod oidc;
pub mod rotation;
pub mod signature;
pub mod sqlite;
pub mod state;

mod error;
mod post;

pub use crypto::TokenCipher;
pub use error::StoreError;
pub use file::{FileInstallationStore, FileStateStore};
pub use install::{App, AppBuilder, AppClient, AppError, AppSettings, InstallError, SignIn};
pub use installation::{Bot, Installation, InstallationFields, InstallationStore, RotatedToken, TokenKind, TokenTarget};
pub use oidc::{IdTokenClaims, IdTokenVerifier, OidcError, OpenIdSettings};
pub use signature::{SignatureError, SignatureScheme, SignatureVerifier, SigningSecret};
pub use sqlite::SqliteStore;
pub use state::{MemoryStateStore, StateOutcome, StateStore};

/// A boxed future, as the store traits return (they are used as trait objects).
pub type BoxFuture<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// Milliseconds since the Unix epoch.
pub(crate) fn now_millis() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}
