//! Installations: what an application was granted in one workspace (or a
//! whole enterprise), and the store that keeps them.
//!
//! An installation holds the bot token of the workspace and, when the
//! installer granted user scopes, the installer's user token. The store keeps
//! the newest bot of each workspace apart from the installations of each
//! user, so that [`InstallationStore::find_bot`] answers events from any user
//! of a workspace and [`InstallationStore::find_installation`] the calls made
//! on behalf of one user.
//!
//! Tokens that rotate (they expire and come with a refresh token) are
//! refreshed through [`InstallationStore::claim_refresh`] and
//! [`InstallationStore::complete_refresh`]: a lease and a version number that
//! let one process spend a single-use refresh token while the others wait for
//! its result.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::{BoxFuture, StoreError};
use crate::oauth::RefreshToken;
use crate::secret::AccessToken;

/// What one installation granted.
///
/// `Debug` never shows a token. Built by the install flow from the token
/// response ([`InstallationFields`]), or by hand.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Installation {
    /// The application's id.
    pub app_id: Option<String>,
    /// The enterprise (organisation) it was installed in, if any.
    pub enterprise_id: Option<String>,
    /// The enterprise's name.
    pub enterprise_name: Option<String>,
    /// The enterprise's URL (from the identity call).
    pub enterprise_url: Option<String>,
    /// The workspace; `None` for an installation across a whole enterprise.
    pub team_id: Option<String>,
    /// The workspace's name.
    pub team_name: Option<String>,
    /// The bot token.
    pub bot_token: Option<AccessToken>,
    /// The bot token's refresh token, when tokens rotate.
    pub bot_refresh_token: Option<RefreshToken>,
    /// When the bot token expires, in seconds since the Unix epoch.
    pub bot_token_expires_at: Option<u64>,
    /// The bot's id (from the identity call).
    pub bot_id: Option<String>,
    /// The bot's user id.
    pub bot_user_id: Option<String>,
    /// The bot's scopes.
    pub bot_scopes: Vec<String>,
    /// The installer's user id.
    pub user_id: Option<String>,
    /// The installer's user token, when user scopes were granted.
    pub user_token: Option<AccessToken>,
    /// The user token's refresh token, when tokens rotate.
    pub user_refresh_token: Option<RefreshToken>,
    /// When the user token expires, in seconds since the Unix epoch.
    pub user_token_expires_at: Option<u64>,
    /// The installer's scopes.
    pub user_scopes: Vec<String>,
    /// The incoming webhook's URL.
    pub incoming_webhook_url: Option<String>,
    /// The incoming webhook's channel name.
    pub incoming_webhook_channel: Option<String>,
    /// The incoming webhook's channel id.
    pub incoming_webhook_channel_id: Option<String>,
    /// The incoming webhook's configuration URL.
    pub incoming_webhook_configuration_url: Option<String>,
    /// Whether it was installed across a whole enterprise.
    pub is_enterprise_install: bool,
    /// The token type the provider named (`bot`, `user`).
    pub token_type: Option<String>,
    /// When it was installed, in seconds since the Unix epoch.
    pub installed_at: u64,
    /// The version of the user token's record, which a rotation increments
    /// (set by the store; ignored by `save`).
    #[serde(default)]
    pub version: u64,
}

/// The bot of one workspace (or enterprise).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Bot {
    /// The application's id.
    pub app_id: Option<String>,
    /// The enterprise.
    pub enterprise_id: Option<String>,
    /// The enterprise's name.
    pub enterprise_name: Option<String>,
    /// The workspace; `None` for an enterprise-wide installation.
    pub team_id: Option<String>,
    /// The workspace's name.
    pub team_name: Option<String>,
    /// The bot token.
    pub bot_token: AccessToken,
    /// The bot token's refresh token, when tokens rotate.
    pub bot_refresh_token: Option<RefreshToken>,
    /// When the bot token expires, in seconds since the Unix epoch.
    pub bot_token_expires_at: Option<u64>,
    /// The bot's id.
    pub bot_id: Option<String>,
    /// The bot's user id.
    pub bot_user_id: Option<String>,
    /// The bot's scopes.
    pub bot_scopes: Vec<String>,
    /// Whether it was installed across a whole enterprise.
    pub is_enterprise_install: bool,
    /// When it was installed, in seconds since the Unix epoch.
    pub installed_at: u64,
    /// The version of the bot's record, which a rotation increments.
    #[serde(default)]
    pub version: u64,
}

impl Installation {
    /// The bot part of the installation, when it has a bot token.
    pub fn bot(&self) -> Option<Bot> {
        Some(Bot {
            app_id: self.app_id.clone(),
            enterprise_id: self.enterprise_id.clone(),
            enterprise_name: self.enterprise_name.clone(),
            team_id: self.team_id.clone(),
            team_name: self.team_name.clone(),
            bot_token: self.bot_token.clone()?,
            bot_refresh_token: self.bot_refresh_token.clone(),
            bot_token_expires_at: self.bot_token_expires_at,
            bot_id: self.bot_id.clone(),
            bot_user_id: self.bot_user_id.clone(),
            bot_scopes: self.bot_scopes.clone(),
            is_enterprise_install: self.is_enterprise_install,
            installed_at: self.installed_at,
            version: 0,
        })
    }

    /// The bot token's rotation target.
    pub fn bot_target(&self) -> TokenTarget {
        TokenTarget { kind: TokenKind::Bot, enterprise_id: self.enterprise_id.clone(), team_id: self.team_id.clone(), user_id: None }
    }

    /// The user token's rotation target.
    pub fn user_target(&self) -> TokenTarget {
        TokenTarget {
            kind: TokenKind::User,
            enterprise_id: self.enterprise_id.clone(),
            team_id: self.team_id.clone(),
            user_id: self.user_id.clone(),
        }
    }
}

impl Bot {
    /// The bot token's rotation target.
    pub fn target(&self) -> TokenTarget {
        TokenTarget { kind: TokenKind::Bot, enterprise_id: self.enterprise_id.clone(), team_id: self.team_id.clone(), user_id: None }
    }
}

/// Which token of an installation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TokenKind {
    /// The workspace's bot token.
    Bot,
    /// A user's token.
    User,
}

/// One rotating token: the bot token of a workspace, or the user token of one
/// user in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenTarget {
    /// Bot or user token.
    pub kind: TokenKind,
    /// The enterprise.
    pub enterprise_id: Option<String>,
    /// The workspace (`None` for an enterprise-wide installation).
    pub team_id: Option<String>,
    /// The user, for a user token.
    pub user_id: Option<String>,
}

/// The tokens a refresh grant returned.
#[derive(Debug, Clone, PartialEq)]
pub struct RotatedToken {
    /// The new access token.
    pub access_token: AccessToken,
    /// The new refresh token (refresh tokens are single-use).
    pub refresh_token: RefreshToken,
    /// When the new access token expires, in seconds since the Unix epoch.
    pub expires_at: u64,
}

/// Where installations are kept.
///
/// Lookups fall back from a workspace to its enterprise: a workspace of an
/// enterprise where the application was installed enterprise-wide finds that
/// installation. The `claim_refresh` / `complete_refresh` pair must be atomic
/// with respect to every process sharing the store.
pub trait InstallationStore: Send + Sync {
    /// Saves an installation: its bot becomes the workspace's bot (when it has
    /// a bot token), and it replaces the installer's previous installation.
    fn save<'a>(&'a self, installation: &'a Installation) -> BoxFuture<'a, Result<(), StoreError>>;

    /// The bot of a workspace (or of its enterprise, for an enterprise-wide
    /// installation).
    fn find_bot<'a>(&'a self, enterprise_id: Option<&'a str>, team_id: Option<&'a str>) -> BoxFuture<'a, Result<Option<Bot>, StoreError>>;

    /// The installation of `user_id` in a workspace, or the newest
    /// installation of the workspace when `user_id` is `None`. The bot fields
    /// are those of the workspace's current bot.
    fn find_installation<'a>(
        &'a self,
        enterprise_id: Option<&'a str>,
        team_id: Option<&'a str>,
        user_id: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Option<Installation>, StoreError>>;

    /// Forgets the bot of a workspace (its bot token was revoked).
    fn delete_bot<'a>(&'a self, enterprise_id: Option<&'a str>, team_id: Option<&'a str>) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Forgets the installation of `user_id`, or every installation of the
    /// workspace when `user_id` is `None` (user tokens revoked).
    fn delete_installation<'a>(
        &'a self,
        enterprise_id: Option<&'a str>,
        team_id: Option<&'a str>,
        user_id: Option<&'a str>,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Forgets the workspace entirely: its bot and every installation (the
    /// application was uninstalled).
    fn delete_all<'a>(&'a self, enterprise_id: Option<&'a str>, team_id: Option<&'a str>) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            self.delete_bot(enterprise_id, team_id).await?;
            self.delete_installation(enterprise_id, team_id, None).await
        })
    }

    /// Takes the right to refresh `target`'s token for `lease`, if its record
    /// is still at `version` and no unexpired lease is held by anyone else.
    /// True for exactly one of many concurrent callers.
    fn claim_refresh<'a>(&'a self, target: &'a TokenTarget, version: u64, lease: Duration) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// Saves the rotated tokens if the record is still at `version`,
    /// incrementing the version and ending the lease. False when another
    /// writer got there first (nothing is written then).
    fn complete_refresh<'a>(
        &'a self,
        target: &'a TokenTarget,
        version: u64,
        token: &'a RotatedToken,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// Ends a lease without rotating (the refresh grant failed), so another
    /// caller may try.
    fn release_refresh<'a>(&'a self, target: &'a TokenTarget, version: u64) -> BoxFuture<'a, Result<(), StoreError>>;
}

/// Where each field of an [`Installation`] is in the token response, as JSON
/// pointers (RFC 6901). Empty pointers are not read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InstallationFields {
    /// `app_id`.
    pub app_id: &'static str,
    /// `enterprise_id`.
    pub enterprise_id: &'static str,
    /// `enterprise_name`.
    pub enterprise_name: &'static str,
    /// `team_id`.
    pub team_id: &'static str,
    /// `team_name`.
    pub team_name: &'static str,
    /// `bot_token`.
    pub bot_token: &'static str,
    /// `bot_refresh_token`.
    pub bot_refresh_token: &'static str,
    /// The bot token's lifetime in seconds.
    pub bot_token_expires_in: &'static str,
    /// `bot_user_id`.
    pub bot_user_id: &'static str,
    /// `bot_scopes`, separated by the scheme's scope separator.
    pub bot_scopes: &'static str,
    /// `user_id`.
    pub user_id: &'static str,
    /// `user_token`.
    pub user_token: &'static str,
    /// `user_refresh_token`.
    pub user_refresh_token: &'static str,
    /// The user token's lifetime in seconds.
    pub user_token_expires_in: &'static str,
    /// `user_scopes`.
    pub user_scopes: &'static str,
    /// `incoming_webhook_url`.
    pub incoming_webhook_url: &'static str,
    /// `incoming_webhook_channel`.
    pub incoming_webhook_channel: &'static str,
    /// `incoming_webhook_channel_id`.
    pub incoming_webhook_channel_id: &'static str,
    /// `incoming_webhook_configuration_url`.
    pub incoming_webhook_configuration_url: &'static str,
    /// `is_enterprise_install`.
    pub is_enterprise_install: &'static str,
    /// `token_type`.
    pub token_type: &'static str,
}

impl InstallationFields {
    /// Builds an installation from a token response. `now` is the current time
    /// in seconds since the Unix epoch; `separator` splits scope lists.
    pub fn read(&self, response: &serde_json::Value, separator: &str, now: u64) -> Installation {
        let text = |pointer: &str| -> Option<String> {
            if pointer.is_empty() {
                return None;
            }
            match response.pointer(pointer)? {
                serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            }
        };
        let seconds = |pointer: &str| text(pointer).and_then(|s| s.parse::<u64>().ok());
        let scopes = |pointer: &str| -> Vec<String> {
            text(pointer)
                .map(|s| s.split(separator).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect())
                .unwrap_or_default()
        };
        let flag = |pointer: &str| !pointer.is_empty() && response.pointer(pointer).and_then(|v| v.as_bool()).unwrap_or(false);
        Installation {
            app_id: text(self.app_id),
            enterprise_id: text(self.enterprise_id),
            enterprise_name: text(self.enterprise_name),
            enterprise_url: None,
            team_id: text(self.team_id),
            team_name: text(self.team_name),
            bot_token: text(self.bot_token).map(AccessToken::new),
            bot_refresh_token: text(self.bot_refresh_token).map(RefreshToken::new),
            bot_token_expires_at: seconds(self.bot_token_expires_in).map(|s| now.saturating_add(s)),
            bot_id: None,
            bot_user_id: text(self.bot_user_id),
            bot_scopes: scopes(self.bot_scopes),
            user_id: text(self.user_id),
            user_token: text(self.user_token).map(AccessToken::new),
            user_refresh_token: text(self.user_refresh_token).map(RefreshToken::new),
            user_token_expires_at: seconds(self.user_token_expires_in).map(|s| now.saturating_add(s)),
            user_scopes: scopes(self.user_scopes),
            incoming_webhook_url: text(self.incoming_webhook_url),
            incoming_webhook_channel: text(self.incoming_webhook_channel),
            incoming_webhook_channel_id: text(self.incoming_webhook_channel_id),
            incoming_webhook_configuration_url: text(self.incoming_webhook_configuration_url),
            is_enterprise_install: flag(self.is_enterprise_install),
            token_type: text(self.token_type),
            installed_at: now,
            version: 0,
        }
    }
}
