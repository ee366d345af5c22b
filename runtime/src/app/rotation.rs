//! Token rotation: refreshing an expiring token once, across threads and
//! processes.
//!
//! Refresh tokens are single-use. When two workers refresh the same token at
//! once, the second grant fails (`invalid_refresh_token`) and, worse, may
//! leave the installation with no working token. The [`Rotator`] prevents
//! that in two layers:
//!
//! 1. within a process, one task per token refreshes while the others wait
//!    for it (single flight);
//! 2. across processes, the store decides: [`InstallationStore::claim_refresh`]
//!    grants a lease to exactly one caller for the record's current version;
//!    the others poll the store until the rotated token appears (or the lease
//!    runs out, when its holder died, and they may claim it themselves).
//!
//! The rotated tokens are saved ([`InstallationStore::complete_refresh`])
//! before the new access token is used.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::installation::{Bot, Installation, InstallationStore, RotatedToken, TokenTarget};
use super::{StoreError, post};
use crate::oauth::{ClientId, ClientSecret, OAuthError, RefreshToken, now_unix};
use crate::secret::AccessToken;

/// How long before expiry a token is refreshed by default (two hours, as the
/// providers that rotate tokens every twelve hours suggest).
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(2 * 3600);

/// How long a refresh lease lasts by default: longer than any sane token
/// endpoint takes to answer.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(30);

const POLL: Duration = Duration::from_millis(50);

/// Why a token could not be made fresh.
#[derive(Debug)]
#[non_exhaustive]
pub enum RotationError {
    /// The store failed.
    Store(StoreError),
    /// The refresh grant failed (e.g. `invalid_refresh_token`).
    Grant(OAuthError),
    /// Another process holds the refresh lease and did not finish in time.
    Timeout {
        /// How long this caller waited.
        waited: Duration,
    },
}

impl std::fmt::Display for RotationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RotationError::Store(e) => write!(f, "token rotation: {e}"),
            RotationError::Grant(e) => write!(f, "token rotation: the refresh grant failed: {e}"),
            RotationError::Timeout { waited } => {
                write!(f, "token rotation: another worker holds the refresh lease and did not finish within {waited:?}")
            }
        }
    }
}

impl std::error::Error for RotationError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RotationError::Store(e) => Some(e),
            RotationError::Grant(e) => Some(e),
            RotationError::Timeout { .. } => None,
        }
    }
}

impl From<StoreError> for RotationError {
    fn from(e: StoreError) -> Self {
        RotationError::Store(e)
    }
}

/// The token endpoint and client credentials refresh grants are sent with.
#[derive(Clone)]
pub struct RefreshGrant {
    /// The HTTP client.
    pub http: reqwest::Client,
    /// The token endpoint.
    pub token_url: String,
    /// The client id.
    pub client_id: ClientId,
    /// The client secret.
    pub client_secret: ClientSecret,
}

impl std::fmt::Debug for RefreshGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefreshGrant").field("token_url", &self.token_url).field("client_id", &self.client_id).finish()
    }
}

impl RefreshGrant {
    /// Spends `refresh_token` for a new access token (and a new refresh token).
    pub async fn send(&self, refresh_token: &RefreshToken) -> Result<RotatedToken, OAuthError> {
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.secret()),
            ("client_id", self.client_id.as_str()),
            ("client_secret", self.client_secret.secret()),
        ];
        let (status, body) = post::form(&self.http, &self.token_url, &form, None).await?;
        let text = |key: &str| body.get(key).and_then(|v| v.as_str()).filter(|s| !s.is_empty()).map(str::to_string);
        let access_token =
            text("access_token").ok_or(OAuthError::Decode { status, reason: "no `access_token` in the refresh response".into() })?;
        // A provider that does not rotate the refresh token keeps the old one valid.
        let refresh_token = text("refresh_token").map(RefreshToken::new).unwrap_or_else(|| refresh_token.clone());
        let expires_in = body.get("expires_in").and_then(|v| v.as_u64().or_else(|| v.as_str().and_then(|s| s.parse().ok())));
        let expires_at = now_unix().saturating_add(expires_in.unwrap_or(0));
        Ok(RotatedToken { access_token: AccessToken::new(access_token), refresh_token, expires_at })
    }
}

/// Refreshes installation tokens that are about to expire, once per token
/// however many tasks and processes ask.
pub struct Rotator {
    store: Arc<dyn InstallationStore>,
    grant: RefreshGrant,
    window: Duration,
    lease: Duration,
    in_flight: Mutex<HashMap<TokenTarget, Arc<tokio::sync::Mutex<()>>>>,
}

impl std::fmt::Debug for Rotator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rotator").field("grant", &self.grant).field("window", &self.window).field("lease", &self.lease).finish()
    }
}

/// The parts of a stored token rotation looks at.
struct Snapshot {
    refresh_token: Option<RefreshToken>,
    expires_at: Option<u64>,
    version: u64,
}

impl Rotator {
    /// A rotator over `store`, refreshing tokens within [`DEFAULT_WINDOW`] of
    /// their expiry.
    pub fn new(store: Arc<dyn InstallationStore>, grant: RefreshGrant) -> Self {
        Rotator { store, grant, window: DEFAULT_WINDOW, lease: DEFAULT_LEASE, in_flight: Mutex::new(HashMap::new()) }
    }

    /// Refreshes tokens that expire within `window`.
    pub fn with_window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// How long a refresh lease lasts (a worker that dies mid-refresh blocks
    /// the others for at most this long).
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// The store it reads and writes.
    pub fn store(&self) -> &Arc<dyn InstallationStore> {
        &self.store
    }

    /// The workspace's bot, its token refreshed first if it is about to expire.
    pub async fn bot(&self, enterprise_id: Option<&str>, team_id: Option<&str>) -> Result<Option<Bot>, RotationError> {
        let Some(bot) = self.store.find_bot(enterprise_id, team_id).await? else { return Ok(None) };
        if !self.needs_refresh(&snapshot_of_bot(&bot)) {
            return Ok(Some(bot));
        }
        // The bot found may be the enterprise's: rotate the record it came from.
        let target = bot.target();
        let (e, t) = (bot.enterprise_id.clone(), bot.team_id.clone());
        let read = || async { Ok(self.store.find_bot(e.as_deref(), t.as_deref()).await?.filter(|b| b.target() == target)) };
        self.refresh(&target, read, |bot: &Bot| Some(snapshot_of_bot(bot))).await
    }

    /// A user's installation, its user token refreshed first if it is about to
    /// expire (the bot token is left as it is: see [`Rotator::bot`]).
    pub async fn installation(
        &self,
        enterprise_id: Option<&str>,
        team_id: Option<&str>,
        user_id: Option<&str>,
    ) -> Result<Option<Installation>, RotationError> {
        let Some(found) = self.store.find_installation(enterprise_id, team_id, user_id).await? else { return Ok(None) };
        let Some(snapshot) = snapshot_of_user(&found) else { return Ok(Some(found)) };
        if !self.needs_refresh(&snapshot) {
            return Ok(Some(found));
        }
        let target = found.user_target();
        let (e, t, u) = (found.enterprise_id.clone(), found.team_id.clone(), found.user_id.clone());
        let read = || async {
            Ok(self.store.find_installation(e.as_deref(), t.as_deref(), u.as_deref()).await?.filter(|i| i.user_target() == target))
        };
        self.refresh(&target, read, snapshot_of_user).await
    }

    fn needs_refresh(&self, snapshot: &Snapshot) -> bool {
        snapshot.refresh_token.is_some() && snapshot.expires_at.is_some_and(|at| now_unix().saturating_add(self.window.as_secs()) >= at)
    }

    fn lock_for(&self, target: &TokenTarget) -> Arc<tokio::sync::Mutex<()>> {
        let mut in_flight = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
        // Forget the locks nobody holds, so the map does not grow with every
        // installation ever refreshed.
        in_flight.retain(|_, lock| Arc::strong_count(lock) > 1);
        in_flight.entry(target.clone()).or_default().clone()
    }

    async fn refresh<T, R, Fut>(
        &self,
        target: &TokenTarget,
        read: R,
        snapshot: impl Fn(&T) -> Option<Snapshot>,
    ) -> Result<Option<T>, RotationError>
    where
        R: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<Option<T>, StoreError>>,
    {
        let lock = self.lock_for(target);
        let _single_flight = lock.lock().await;
        let started = Instant::now();
        loop {
            let Some(current) = read().await? else { return Ok(None) };
            let Some(seen) = snapshot(&current) else { return Ok(Some(current)) };
            // Another task or process may have rotated it while this one waited.
            if !self.needs_refresh(&seen) {
                return Ok(Some(current));
            }
            let Some(refresh_token) = seen.refresh_token.clone() else { return Ok(Some(current)) };
            if self.store.claim_refresh(target, seen.version, self.lease).await? {
                let rotated = match self.grant.send(&refresh_token).await {
                    Ok(rotated) => rotated,
                    Err(e) => {
                        self.store.release_refresh(target, seen.version).await?;
                        return Err(RotationError::Grant(e));
                    }
                };
                tracing::debug!(kind = ?target.kind, "rotated an installation token");
                if self.store.complete_refresh(target, seen.version, &rotated).await? {
                    return Ok(read().await?);
                }
                // The record changed under the lease (a reinstall): use what is there now.
                continue;
            }
            if started.elapsed() > self.lease + POLL {
                return Err(RotationError::Timeout { waited: started.elapsed() });
            }
            tokio::time::sleep(POLL).await;
        }
    }
}

fn snapshot_of_bot(bot: &Bot) -> Snapshot {
    Snapshot { refresh_token: bot.bot_refresh_token.clone(), expires_at: bot.bot_token_expires_at, version: bot.version }
}

fn snapshot_of_user(installation: &Installation) -> Option<Snapshot> {
    installation.user_token.as_ref()?;
    Some(Snapshot {
        refresh_token: installation.user_refresh_token.clone(),
        expires_at: installation.user_token_expires_at,
        version: installation.version,
    })
}
