//! The `state` of authorization requests: issued when a flow starts, consumed
//! exactly once when the provider redirects back.
//!
//! A state may carry data the callback needs (a PKCE verifier, an OpenID
//! Connect nonce); [`StateStore::take`] returns it with the outcome. Consuming
//! is atomic in every store here: of many concurrent callbacks with one state,
//! across threads or processes sharing the store, exactly one succeeds.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use super::{BoxFuture, StoreError, now_millis};
use crate::oauth::CsrfState;

/// How long an issued state stays valid unless a store is told otherwise.
pub const DEFAULT_EXPIRY: Duration = Duration::from_secs(600);

/// How long a consumed or expired state is remembered, so that a second use is
/// reported as such rather than as an unknown state.
pub const REMEMBER_USED: Duration = Duration::from_secs(24 * 3600);

/// What consuming a state found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StateOutcome {
    /// The state was issued here, has not expired, and is now consumed.
    Valid {
        /// The data issued with it.
        data: Option<String>,
    },
    /// The state was never issued here (or was forgotten long ago): possibly forged.
    Unknown,
    /// The state was issued here but has expired.
    Expired,
    /// The state was already consumed: a replayed callback.
    AlreadyUsed,
}

impl StateOutcome {
    /// Whether the state was valid (and is now consumed).
    pub fn is_valid(&self) -> bool {
        matches!(self, StateOutcome::Valid { .. })
    }
}

/// Issues and consumes `state` values.
///
/// Implementations must make [`take`](StateStore::take) atomic: a state is
/// `Valid` for exactly one caller, whatever the concurrency.
pub trait StateStore: Send + Sync {
    /// Issues a fresh random state that carries `data`, valid for the store's
    /// expiry.
    fn issue_with(&self, data: Option<String>) -> BoxFuture<'_, Result<CsrfState, StoreError>>;

    /// Consumes `state`, telling whether it was valid, unknown, expired or
    /// already used.
    fn take<'a>(&'a self, state: &'a str) -> BoxFuture<'a, Result<StateOutcome, StoreError>>;

    /// Issues a fresh random state with no data.
    fn issue(&self) -> BoxFuture<'_, Result<CsrfState, StoreError>> {
        self.issue_with(None)
    }

    /// Consumes `state`: true exactly once for a state issued here and not
    /// expired, false afterwards or for any other value.
    fn consume<'a>(&'a self, state: &'a str) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move { Ok(self.take(state).await?.is_valid()) })
    }
}

/// A fresh random state value (32 bytes from the operating system, base64url).
pub(crate) fn fresh_state() -> Result<CsrfState, StoreError> {
    CsrfState::random().map_err(|e| StoreError::Random(e.to_string()))
}

/// Whether `state` could have been issued here (base64url, bounded length):
/// anything else is rejected before it reaches a file name or a query.
pub(crate) fn is_well_formed(state: &str) -> bool {
    !state.is_empty() && state.len() <= 128 && state.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

struct Entry {
    data: Option<String>,
    expires_at: u64,
    consumed: bool,
}

/// A state store in the process's memory: for a single process (tests, one
/// instance behind no load balancer).
pub struct MemoryStateStore {
    expiry: Duration,
    entries: Mutex<HashMap<String, Entry>>,
}

impl Default for MemoryStateStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryStateStore {
    /// A store whose states expire after [`DEFAULT_EXPIRY`].
    pub fn new() -> Self {
        Self::with_expiry(DEFAULT_EXPIRY)
    }

    /// A store whose states expire after `expiry`.
    pub fn with_expiry(expiry: Duration) -> Self {
        MemoryStateStore { expiry, entries: Mutex::new(HashMap::new()) }
    }

    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, Entry>> {
        // A panic while holding the lock cannot leave an entry half-written.
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl StateStore for MemoryStateStore {
    fn issue_with(&self, data: Option<String>) -> BoxFuture<'_, Result<CsrfState, StoreError>> {
        Box::pin(async move {
            let state = fresh_state()?;
            let now = now_millis();
            let mut entries = self.entries();
            let forget_before = now.saturating_sub(REMEMBER_USED.as_millis() as u64);
            entries.retain(|_, e| e.expires_at > forget_before);
            let expires_at = now.saturating_add(self.expiry.as_millis() as u64);
            entries.insert(state.secret().to_string(), Entry { data, expires_at, consumed: false });
            Ok(state)
        })
    }

    fn take<'a>(&'a self, state: &'a str) -> BoxFuture<'a, Result<StateOutcome, StoreError>> {
        Box::pin(async move {
            let mut entries = self.entries();
            let Some(entry) = entries.get_mut(state) else { return Ok(StateOutcome::Unknown) };
            if entry.consumed {
                return Ok(StateOutcome::AlreadyUsed);
            }
            entry.consumed = true;
            if entry.expires_at <= now_millis() {
                return Ok(StateOutcome::Expired);
            }
            Ok(StateOutcome::Valid { data: entry.data.take() })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn of_a_hundred_concurrent_consumers_exactly_one_wins() {
        let store = Arc::new(MemoryStateStore::new());
        let state = store.issue().await.unwrap();
        let tasks: Vec<_> = (0..100)
            .map(|_| {
                let (store, state) = (store.clone(), state.secret().to_string());
                tokio::spawn(async move { store.consume(&state).await.unwrap() })
            })
            .collect();
        let mut wins = 0;
        for task in tasks {
            wins += usize::from(task.await.unwrap());
        }
        assert_eq!(wins, 1);
        assert_eq!(store.take(state.secret()).await.unwrap(), StateOutcome::AlreadyUsed);
    }

    #[tokio::test]
    async fn unknown_expired_and_data_are_told_apart() {
        let store = MemoryStateStore::with_expiry(Duration::from_millis(30));
        assert_eq!(store.take("never-issued").await.unwrap(), StateOutcome::Unknown);
        let with_data = store.issue_with(Some("nonce-1".into())).await.unwrap();
        assert_eq!(store.take(with_data.secret()).await.unwrap(), StateOutcome::Valid { data: Some("nonce-1".into()) });
        let late = store.issue().await.unwrap();
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(store.take(late.secret()).await.unwrap(), StateOutcome::Expired);
        assert_eq!(store.take(late.secret()).await.unwrap(), StateOutcome::AlreadyUsed);
    }
}
