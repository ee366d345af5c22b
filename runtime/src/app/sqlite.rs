//! The SQLite store: states and installations in one database file, shared
//! safely by every thread and process that opens it.
//!
//! The database is opened in WAL mode with a busy timeout, so that several
//! processes (workers behind a load balancer, a CLI next to a server) can use
//! one file: readers never wait, writers queue for up to five seconds. Every
//! check-and-write is a single statement or runs in a `BEGIN IMMEDIATE`
//! transaction, which takes the write lock before reading, so no two
//! processes can act on the same snapshot.
//!
//! The schema is versioned with `PRAGMA user_version` and migrated when the
//! store is opened; a database written by a newer version of this crate is
//! refused ([`StoreError::SchemaTooNew`]) rather than misread.
//!
//! With a [`TokenCipher`], every token (and incoming webhook URL) is written
//! encrypted, bound to its row and column. A database written without a key
//! stays readable once a key is configured: plain values are returned as they
//! are and get encrypted the next time they are saved or rotated.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use super::crypto::{seal, token_context, unseal};
use super::installation::{Bot, Installation, InstallationStore, RotatedToken, TokenKind, TokenTarget};
use super::state::{DEFAULT_EXPIRY, REMEMBER_USED, StateOutcome, StateStore, fresh_state, is_well_formed};
use super::{BoxFuture, StoreError, TokenCipher, now_millis};
use crate::oauth::{CsrfState, RefreshToken};
use crate::secret::AccessToken;

/// How long a writer waits for another process's write to finish before
/// failing with "database is locked".
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The schema, one script per version: `MIGRATIONS[n]` brings a database from
/// version `n` to `n + 1`. A new version is one more entry at the end; entries
/// are never edited once released.
const MIGRATIONS: &[&str] = &[
    // 1: states, the newest bot of each workspace, each installer's installation.
    // Absent enterprise and team ids are stored as '' so that the primary keys
    // apply to them (NULLs are all distinct in a unique key).
    "CREATE TABLE states (
        state TEXT PRIMARY KEY NOT NULL,
        data TEXT,
        expires_at INTEGER NOT NULL,
        consumed_at INTEGER
    );
    CREATE INDEX states_expires_at ON states (expires_at);
    CREATE TABLE bots (
        enterprise_id TEXT NOT NULL,
        team_id TEXT NOT NULL,
        app_id TEXT,
        enterprise_name TEXT,
        team_name TEXT,
        bot_token TEXT NOT NULL,
        bot_refresh_token TEXT,
        bot_token_expires_at INTEGER,
        bot_id TEXT,
        bot_user_id TEXT,
        bot_scopes TEXT NOT NULL DEFAULT '[]',
        is_enterprise_install INTEGER NOT NULL DEFAULT 0,
        installed_at INTEGER NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        lease_until INTEGER,
        PRIMARY KEY (enterprise_id, team_id)
    );
    CREATE TABLE installations (
        enterprise_id TEXT NOT NULL,
        team_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        app_id TEXT,
        enterprise_name TEXT,
        enterprise_url TEXT,
        team_name TEXT,
        bot_id TEXT,
        bot_user_id TEXT,
        bot_scopes TEXT NOT NULL DEFAULT '[]',
        user_token TEXT,
        user_refresh_token TEXT,
        user_token_expires_at INTEGER,
        user_scopes TEXT NOT NULL DEFAULT '[]',
        incoming_webhook_url TEXT,
        incoming_webhook_channel TEXT,
        incoming_webhook_channel_id TEXT,
        incoming_webhook_configuration_url TEXT,
        is_enterprise_install INTEGER NOT NULL DEFAULT 0,
        token_type TEXT,
        installed_at INTEGER NOT NULL,
        saved_at INTEGER NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        lease_until INTEGER,
        PRIMARY KEY (enterprise_id, team_id, user_id)
    );",
];

/// States and installations in one SQLite database.
///
/// Clones share one connection; other processes may open the same file.
/// Blocking database work runs on Tokio's blocking threads.
#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Connection>>,
    cipher: Option<TokenCipher>,
    state_expiry: Duration,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("encrypted", &self.cipher.is_some())
            .field("state_expiry", &self.state_expiry)
            .finish_non_exhaustive()
    }
}

fn db(operation: &'static str) -> impl FnOnce(rusqlite::Error) -> StoreError {
    move |e| StoreError::Database { operation, source: Box::new(e) }
}

impl SqliteStore {
    /// Opens the database at `path`, creating it if missing and migrating its
    /// schema to the newest version. Blocks while another process holds the
    /// write lock (up to a few seconds): call it at start-up, not per request.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let conn = Connection::open(path.as_ref()).map_err(db("open the database"))?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(db("set the busy timeout"))?;
        // WAL lets readers proceed while one process writes; NORMAL
        // synchronisation is durable across application crashes in WAL mode.
        let _mode: String =
            conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0)).map_err(db("switch to WAL journal mode"))?;
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(db("set synchronous mode"))?;
        Self::from_connection(conn)
    }

    /// A private in-memory database, gone when the last clone is dropped (for
    /// tests and single-process use).
    pub fn open_in_memory() -> Result<Self, StoreError> {
        let conn = Connection::open_in_memory().map_err(db("open an in-memory database"))?;
        Self::from_connection(conn)
    }

    fn from_connection(mut conn: Connection) -> Result<Self, StoreError> {
        migrate(&mut conn)?;
        Ok(SqliteStore { conn: Arc::new(Mutex::new(conn)), cipher: None, state_expiry: DEFAULT_EXPIRY })
    }

    /// Encrypts tokens with `cipher` from now on. Tokens already stored in
    /// plain stay readable (and are encrypted when next saved or rotated);
    /// tokens encrypted with another key cannot be read.
    pub fn with_cipher(mut self, cipher: TokenCipher) -> Self {
        self.cipher = Some(cipher);
        self
    }

    /// States issued from now on expire after `expiry` (default
    /// [`DEFAULT_EXPIRY`]).
    pub fn with_state_expiry(mut self, expiry: Duration) -> Self {
        self.state_expiry = expiry;
        self
    }

    /// Runs `work` on a blocking thread with the connection.
    async fn run<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            // A panic while holding the lock rolled its transaction back (the
            // transaction's drop), so the connection is still consistent.
            let mut conn = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            work(&mut conn)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }
}

/// Brings the schema to the newest version, in one immediate transaction so
/// that processes opening a new file at once migrate it exactly once.
fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let supported = MIGRATIONS.len() as u32;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db("start the schema migration"))?;
    let found: u32 = tx.query_row("PRAGMA user_version", [], |row| row.get(0)).map_err(db("read the schema version"))?;
    if found > supported {
        return Err(StoreError::SchemaTooNew { found, supported });
    }
    for (version, script) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        tx.execute_batch(script).map_err(db("migrate the schema"))?;
        tx.pragma_update(None, "user_version", version as u32 + 1).map_err(db("record the schema version"))?;
    }
    tx.commit().map_err(db("commit the schema migration"))
}

fn key(id: Option<&str>) -> String {
    id.unwrap_or_default().to_string()
}

fn non_empty(id: String) -> Option<String> {
    if id.is_empty() { None } else { Some(id) }
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

fn sql_u64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn scopes_to_sql(scopes: &[String]) -> String {
    serde_json::Value::from(scopes.to_vec()).to_string()
}

fn scopes_from_sql(stored: &str, what: impl FnOnce() -> String) -> Result<Vec<String>, StoreError> {
    if stored.is_empty() {
        return Ok(Vec::new());
    }
    serde_json::from_str(stored).map_err(|e| StoreError::Corrupt { what: what(), reason: format!("scopes: {e}") })
}

impl StateStore for SqliteStore {
    fn issue_with(&self, data: Option<String>) -> BoxFuture<'_, Result<CsrfState, StoreError>> {
        Box::pin(async move {
            let state = fresh_state()?;
            let value = state.secret().to_string();
            let expiry = millis(self.state_expiry);
            self.run(move |conn| {
                let now = sql_u64(now_millis());
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db("issue a state"))?;
                // Forgetting lazily keeps the table small without a cleanup job.
                tx.execute("DELETE FROM states WHERE expires_at < ?1", [now.saturating_sub(millis(REMEMBER_USED))])
                    .map_err(db("forget old states"))?;
                tx.execute(
                    "INSERT INTO states (state, data, expires_at) VALUES (?1, ?2, ?3)",
                    params![value, data, now.saturating_add(expiry)],
                )
                .map_err(db("issue a state"))?;
                tx.commit().map_err(db("issue a state"))
            })
            .await?;
            Ok(state)
        })
    }

    fn take<'a>(&'a self, state: &'a str) -> BoxFuture<'a, Result<StateOutcome, StoreError>> {
        Box::pin(async move {
            if !is_well_formed(state) {
                return Ok(StateOutcome::Unknown);
            }
            let state = state.to_string();
            self.run(move |conn| {
                let now = sql_u64(now_millis());
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db("consume a state"))?;
                // The conditional update is what makes one caller win: the
                // others find `consumed_at` set.
                let taken: Option<(Option<String>, i64)> = tx
                    .query_row(
                        "UPDATE states SET consumed_at = ?2 WHERE state = ?1 AND consumed_at IS NULL RETURNING data, expires_at",
                        params![state, now],
                        |row| Ok((row.get(0)?, row.get(1)?)),
                    )
                    .optional()
                    .map_err(db("consume a state"))?;
                let outcome = match taken {
                    Some((data, expires_at)) => {
                        // The data (a PKCE verifier, a nonce) is of no use once
                        // handed out.
                        tx.execute("UPDATE states SET data = NULL WHERE state = ?1", [&state]).map_err(db("consume a state"))?;
                        if expires_at <= now { StateOutcome::Expired } else { StateOutcome::Valid { data } }
                    }
                    None => {
                        let known = tx
                            .query_row("SELECT 1 FROM states WHERE state = ?1", [&state], |_| Ok(()))
                            .optional()
                            .map_err(db("consume a state"))?
                            .is_some();
                        if known { StateOutcome::AlreadyUsed } else { StateOutcome::Unknown }
                    }
                };
                tx.commit().map_err(db("consume a state"))?;
                Ok(outcome)
            })
            .await
        })
    }
}

const BOT_COLUMNS: &str = "enterprise_id, team_id, app_id, enterprise_name, team_name, bot_token, bot_refresh_token, \
     bot_token_expires_at, bot_id, bot_user_id, bot_scopes, is_enterprise_install, installed_at, version";

/// A bot row as stored (tokens possibly encrypted).
struct BotRow {
    enterprise_id: String,
    team_id: String,
    app_id: Option<String>,
    enterprise_name: Option<String>,
    team_name: Option<String>,
    bot_token: String,
    bot_refresh_token: Option<String>,
    bot_token_expires_at: Option<i64>,
    bot_id: Option<String>,
    bot_user_id: Option<String>,
    bot_scopes: String,
    is_enterprise_install: bool,
    installed_at: i64,
    version: i64,
}

impl BotRow {
    fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(BotRow {
            enterprise_id: row.get(0)?,
            team_id: row.get(1)?,
            app_id: row.get(2)?,
            enterprise_name: row.get(3)?,
            team_name: row.get(4)?,
            bot_token: row.get(5)?,
            bot_refresh_token: row.get(6)?,
            bot_token_expires_at: row.get(7)?,
            bot_id: row.get(8)?,
            bot_user_id: row.get(9)?,
            bot_scopes: row.get(10)?,
            is_enterprise_install: row.get(11)?,
            installed_at: row.get(12)?,
            version: row.get(13)?,
        })
    }

    fn into_bot(self, cipher: Option<&TokenCipher>) -> Result<Bot, StoreError> {
        let context = |field| token_context("bots", &self.enterprise_id, &self.team_id, "", field);
        let bot_token = unseal(cipher, &self.bot_token, &context("bot_token"), "bot_token")?;
        let bot_refresh_token = self
            .bot_refresh_token
            .as_deref()
            .map(|stored| unseal(cipher, stored, &context("bot_refresh_token"), "bot_refresh_token"))
            .transpose()?;
        let bot_scopes = scopes_from_sql(&self.bot_scopes, || "a workspace's bot".into())?;
        Ok(Bot {
            app_id: self.app_id,
            enterprise_id: non_empty(self.enterprise_id),
            enterprise_name: self.enterprise_name,
            team_id: non_empty(self.team_id),
            team_name: self.team_name,
            bot_token: AccessToken::new(bot_token),
            bot_refresh_token: bot_refresh_token.map(RefreshToken::new),
            bot_token_expires_at: self.bot_token_expires_at.map(|s| s.max(0) as u64),
            bot_id: self.bot_id,
            bot_user_id: self.bot_user_id,
            bot_scopes,
            is_enterprise_install: self.is_enterprise_install,
            installed_at: self.installed_at.max(0) as u64,
            version: self.version.max(0) as u64,
        })
    }
}

const INSTALLATION_COLUMNS: &str = "enterprise_id, team_id, user_id, app_id, enterprise_name, enterprise_url, team_name, \
     bot_id, bot_user_id, bot_scopes, user_token, user_refresh_token, user_token_expires_at, user_scopes, \
     incoming_webhook_url, incoming_webhook_channel, incoming_webhook_channel_id, incoming_webhook_configuration_url, \
     is_enterprise_install, token_type, installed_at, version";

/// An installation row as stored (tokens possibly encrypted).
struct InstallationRow {
    enterprise_id: String,
    team_id: String,
    user_id: String,
    app_id: Option<String>,
    enterprise_name: Option<String>,
    enterprise_url: Option<String>,
    team_name: Option<String>,
    bot_id: Option<String>,
    bot_user_id: Option<String>,
    bot_scopes: String,
    user_token: Option<String>,
    user_refresh_token: Option<String>,
    user_token_expires_at: Option<i64>,
    user_scopes: String,
    incoming_webhook_url: Option<String>,
    incoming_webhook_channel: Option<String>,
    incoming_webhook_channel_id: Option<String>,
    incoming_webhook_configuration_url: Option<String>,
    is_enterprise_install: bool,
    token_type: Option<String>,
    installed_at: i64,
    version: i64,
}

impl InstallationRow {
    fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(InstallationRow {
            enterprise_id: row.get(0)?,
            team_id: row.get(1)?,
            user_id: row.get(2)?,
            app_id: row.get(3)?,
            enterprise_name: row.get(4)?,
            enterprise_url: row.get(5)?,
            team_name: row.get(6)?,
            bot_id: row.get(7)?,
            bot_user_id: row.get(8)?,
            bot_scopes: row.get(9)?,
            user_token: row.get(10)?,
            user_refresh_token: row.get(11)?,
            user_token_expires_at: row.get(12)?,
            user_scopes: row.get(13)?,
            incoming_webhook_url: row.get(14)?,
            incoming_webhook_channel: row.get(15)?,
            incoming_webhook_channel_id: row.get(16)?,
            incoming_webhook_configuration_url: row.get(17)?,
            is_enterprise_install: row.get(18)?,
            token_type: row.get(19)?,
            installed_at: row.get(20)?,
            version: row.get(21)?,
        })
    }

    /// The installation, with the bot fields of `bot` (the workspace's current
    /// bot) when there is one.
    fn into_installation(self, bot: Option<Bot>, cipher: Option<&TokenCipher>) -> Result<Installation, StoreError> {
        let context = |field| token_context("installations", &self.enterprise_id, &self.team_id, &self.user_id, field);
        let open = |stored: &Option<String>, field: &'static str| {
            stored.as_deref().map(|stored| unseal(cipher, stored, &context(field), field)).transpose()
        };
        let user_token = open(&self.user_token, "user_token")?;
        let user_refresh_token = open(&self.user_refresh_token, "user_refresh_token")?;
        let incoming_webhook_url = open(&self.incoming_webhook_url, "incoming_webhook_url")?;
        let what = || "an installation".to_string();
        let mut installation = Installation {
            app_id: self.app_id,
            enterprise_id: non_empty(self.enterprise_id),
            enterprise_name: self.enterprise_name,
            enterprise_url: self.enterprise_url,
            team_id: non_empty(self.team_id),
            team_name: self.team_name,
            bot_token: None,
            bot_refresh_token: None,
            bot_token_expires_at: None,
            bot_id: self.bot_id,
            bot_user_id: self.bot_user_id,
            bot_scopes: scopes_from_sql(&self.bot_scopes, what)?,
            user_id: non_empty(self.user_id),
            user_token: user_token.map(AccessToken::new),
            user_refresh_token: user_refresh_token.map(RefreshToken::new),
            user_token_expires_at: self.user_token_expires_at.map(|s| s.max(0) as u64),
            user_scopes: scopes_from_sql(&self.user_scopes, what)?,
            incoming_webhook_url,
            incoming_webhook_channel: self.incoming_webhook_channel,
            incoming_webhook_channel_id: self.incoming_webhook_channel_id,
            incoming_webhook_configuration_url: self.incoming_webhook_configuration_url,
            is_enterprise_install: self.is_enterprise_install,
            token_type: self.token_type,
            installed_at: self.installed_at.max(0) as u64,
            version: self.version.max(0) as u64,
        };
        if let Some(bot) = bot {
            overlay_bot(&mut installation, bot);
        }
        Ok(installation)
    }
}

/// Puts the workspace's current bot into an installation: bot tokens live
/// only in the bots table, so a rotated bot token is never shadowed by an
/// installation's stale copy.
pub(crate) fn overlay_bot(installation: &mut Installation, bot: Bot) {
    installation.bot_token = Some(bot.bot_token);
    installation.bot_refresh_token = bot.bot_refresh_token;
    installation.bot_token_expires_at = bot.bot_token_expires_at;
    installation.bot_id = bot.bot_id;
    installation.bot_user_id = bot.bot_user_id;
    installation.bot_scopes = bot.bot_scopes;
}

fn select_bot(conn: &Connection, enterprise: &str, team: &str, enterprise_wide_only: bool) -> Result<Option<BotRow>, StoreError> {
    conn.query_row(
        &format!("SELECT {BOT_COLUMNS} FROM bots WHERE enterprise_id = ?1 AND team_id = ?2 AND (?3 = 0 OR is_enterprise_install = 1)"),
        params![enterprise, team, enterprise_wide_only],
        BotRow::read,
    )
    .optional()
    .map_err(db("find a bot"))
}

/// The workspace's bot, or its enterprise's enterprise-wide bot.
fn find_bot_row(conn: &Connection, enterprise: &str, team: &str) -> Result<Option<BotRow>, StoreError> {
    if let Some(row) = select_bot(conn, enterprise, team, false)? {
        return Ok(Some(row));
    }
    if !enterprise.is_empty() && !team.is_empty() {
        return select_bot(conn, enterprise, "", true);
    }
    Ok(None)
}

fn select_installation(
    conn: &Connection,
    enterprise: &str,
    team: &str,
    user: Option<&str>,
    enterprise_wide_only: bool,
) -> Result<Option<InstallationRow>, StoreError> {
    conn.query_row(
        &format!(
            "SELECT {INSTALLATION_COLUMNS} FROM installations \
             WHERE enterprise_id = ?1 AND team_id = ?2 AND (?3 IS NULL OR user_id = ?3) \
             AND (?4 = 0 OR is_enterprise_install = 1) \
             ORDER BY installed_at DESC, saved_at DESC, rowid DESC LIMIT 1"
        ),
        params![enterprise, team, user, enterprise_wide_only],
        InstallationRow::read,
    )
    .optional()
    .map_err(db("find an installation"))
}

fn write_bot(tx: &Connection, bot: &Bot, cipher: Option<&TokenCipher>) -> Result<(), StoreError> {
    let (enterprise, team) = (key(bot.enterprise_id.as_deref()), key(bot.team_id.as_deref()));
    let context = |field| token_context("bots", &enterprise, &team, "", field);
    let bot_token = seal(cipher, bot.bot_token.secret(), &context("bot_token"))?;
    let bot_refresh_token = bot.bot_refresh_token.as_ref().map(|t| seal(cipher, t.secret(), &context("bot_refresh_token"))).transpose()?;
    // A new save counts as a new version and ends any lease: a rotation that
    // started from the previous token must not overwrite this one.
    tx.execute(
        "INSERT INTO bots (enterprise_id, team_id, app_id, enterprise_name, team_name, bot_token, bot_refresh_token, \
             bot_token_expires_at, bot_id, bot_user_id, bot_scopes, is_enterprise_install, installed_at, version, lease_until) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, 1, NULL) \
         ON CONFLICT (enterprise_id, team_id) DO UPDATE SET app_id = excluded.app_id, \
             enterprise_name = excluded.enterprise_name, team_name = excluded.team_name, \
             bot_token = excluded.bot_token, bot_refresh_token = excluded.bot_refresh_token, \
             bot_token_expires_at = excluded.bot_token_expires_at, bot_id = excluded.bot_id, \
             bot_user_id = excluded.bot_user_id, bot_scopes = excluded.bot_scopes, \
             is_enterprise_install = excluded.is_enterprise_install, installed_at = excluded.installed_at, \
             version = bots.version + 1, lease_until = NULL",
        params![
            enterprise,
            team,
            bot.app_id,
            bot.enterprise_name,
            bot.team_name,
            bot_token,
            bot_refresh_token,
            bot.bot_token_expires_at.map(sql_u64),
            bot.bot_id,
            bot.bot_user_id,
            scopes_to_sql(&bot.bot_scopes),
            bot.is_enterprise_install,
            sql_u64(bot.installed_at),
        ],
    )
    .map_err(db("save a bot"))?;
    Ok(())
}

fn write_installation(tx: &Connection, i: &Installation, cipher: Option<&TokenCipher>) -> Result<(), StoreError> {
    let (enterprise, team, user) = (key(i.enterprise_id.as_deref()), key(i.team_id.as_deref()), key(i.user_id.as_deref()));
    let context = |field| token_context("installations", &enterprise, &team, &user, field);
    let sealed = |value: Option<&str>, field: &'static str| value.map(|v| seal(cipher, v, &context(field))).transpose();
    let user_token = sealed(i.user_token.as_ref().map(AccessToken::secret), "user_token")?;
    let user_refresh_token = sealed(i.user_refresh_token.as_ref().map(RefreshToken::secret), "user_refresh_token")?;
    let incoming_webhook_url = sealed(i.incoming_webhook_url.as_deref(), "incoming_webhook_url")?;
    tx.execute(
        "INSERT INTO installations (enterprise_id, team_id, user_id, app_id, enterprise_name, enterprise_url, team_name, \
             bot_id, bot_user_id, bot_scopes, user_token, user_refresh_token, user_token_expires_at, user_scopes, \
             incoming_webhook_url, incoming_webhook_channel, incoming_webhook_channel_id, \
             incoming_webhook_configuration_url, is_enterprise_install, token_type, installed_at, saved_at, \
             version, lease_until) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, 1, NULL) \
         ON CONFLICT (enterprise_id, team_id, user_id) DO UPDATE SET app_id = excluded.app_id, \
             enterprise_name = excluded.enterprise_name, enterprise_url = excluded.enterprise_url, \
             team_name = excluded.team_name, bot_id = excluded.bot_id, bot_user_id = excluded.bot_user_id, \
             bot_scopes = excluded.bot_scopes, user_token = excluded.user_token, \
             user_refresh_token = excluded.user_refresh_token, user_token_expires_at = excluded.user_token_expires_at, \
             user_scopes = excluded.user_scopes, incoming_webhook_url = excluded.incoming_webhook_url, \
             incoming_webhook_channel = excluded.incoming_webhook_channel, \
             incoming_webhook_channel_id = excluded.incoming_webhook_channel_id, \
             incoming_webhook_configuration_url = excluded.incoming_webhook_configuration_url, \
             is_enterprise_install = excluded.is_enterprise_install, token_type = excluded.token_type, \
             installed_at = excluded.installed_at, saved_at = excluded.saved_at, \
             version = installations.version + 1, lease_until = NULL",
        params![
            enterprise,
            team,
            user,
            i.app_id,
            i.enterprise_name,
            i.enterprise_url,
            i.team_name,
            i.bot_id,
            i.bot_user_id,
            scopes_to_sql(&i.bot_scopes),
            user_token,
            user_refresh_token,
            i.user_token_expires_at.map(sql_u64),
            scopes_to_sql(&i.user_scopes),
            incoming_webhook_url,
            i.incoming_webhook_channel,
            i.incoming_webhook_channel_id,
            i.incoming_webhook_configuration_url,
            i.is_enterprise_install,
            i.token_type,
            sql_u64(i.installed_at),
            sql_u64(now_millis()),
        ],
    )
    .map_err(db("save an installation"))?;
    Ok(())
}

impl InstallationStore for SqliteStore {
    fn save<'a>(&'a self, installation: &'a Installation) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let installation = installation.clone();
            let cipher = self.cipher.clone();
            self.run(move |conn| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db("save an installation"))?;
                if let Some(bot) = installation.bot() {
                    write_bot(&tx, &bot, cipher.as_ref())?;
                }
                write_installation(&tx, &installation, cipher.as_ref())?;
                tx.commit().map_err(db("save an installation"))
            })
            .await
        })
    }

    fn find_bot<'a>(&'a self, enterprise_id: Option<&'a str>, team_id: Option<&'a str>) -> BoxFuture<'a, Result<Option<Bot>, StoreError>> {
        Box::pin(async move {
            let (enterprise, team) = (key(enterprise_id), key(team_id));
            let cipher = self.cipher.clone();
            self.run(move |conn| find_bot_row(conn, &enterprise, &team)?.map(|row| row.into_bot(cipher.as_ref())).transpose()).await
        })
    }

    fn find_installation<'a>(
        &'a self,
        enterprise_id: Option<&'a str>,
        team_id: Option<&'a str>,
        user_id: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Option<Installation>, StoreError>> {
        Box::pin(async move {
            let (enterprise, team, user) = (key(enterprise_id), key(team_id), user_id.map(str::to_string));
            let cipher = self.cipher.clone();
            self.run(move |conn| {
                // One read transaction: the installation and the bot come from
                // the same snapshot.
                let tx = conn.transaction().map_err(db("find an installation"))?;
                let mut row = select_installation(&tx, &enterprise, &team, user.as_deref(), false)?;
                if row.is_none() && !enterprise.is_empty() && !team.is_empty() {
                    row = select_installation(&tx, &enterprise, "", user.as_deref(), true)?;
                }
                let Some(row) = row else { return Ok(None) };
                let bot = select_bot(&tx, &row.enterprise_id, &row.team_id, false)?.map(|bot| bot.into_bot(cipher.as_ref())).transpose()?;
                row.into_installation(bot, cipher.as_ref()).map(Some)
            })
            .await
        })
    }

    fn delete_bot<'a>(&'a self, enterprise_id: Option<&'a str>, team_id: Option<&'a str>) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let (enterprise, team) = (key(enterprise_id), key(team_id));
            self.run(move |conn| {
                conn.execute("DELETE FROM bots WHERE enterprise_id = ?1 AND team_id = ?2", params![enterprise, team])
                    .map_err(db("delete a bot"))?;
                Ok(())
            })
            .await
        })
    }

    fn delete_installation<'a>(
        &'a self,
        enterprise_id: Option<&'a str>,
        team_id: Option<&'a str>,
        user_id: Option<&'a str>,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let (enterprise, team, user) = (key(enterprise_id), key(team_id), user_id.map(str::to_string));
            self.run(move |conn| {
                conn.execute(
                    "DELETE FROM installations WHERE enterprise_id = ?1 AND team_id = ?2 AND (?3 IS NULL OR user_id = ?3)",
                    params![enterprise, team, user],
                )
                .map_err(db("delete installations"))?;
                Ok(())
            })
            .await
        })
    }

    fn delete_all<'a>(&'a self, enterprise_id: Option<&'a str>, team_id: Option<&'a str>) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let (enterprise, team) = (key(enterprise_id), key(team_id));
            self.run(move |conn| {
                // Together, so that an uninstalled workspace never keeps half
                // of its tokens.
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(db("delete a workspace"))?;
                tx.execute("DELETE FROM bots WHERE enterprise_id = ?1 AND team_id = ?2", params![enterprise, team])
                    .map_err(db("delete a workspace"))?;
                tx.execute("DELETE FROM installations WHERE enterprise_id = ?1 AND team_id = ?2", params![enterprise, team])
                    .map_err(db("delete a workspace"))?;
                tx.commit().map_err(db("delete a workspace"))
            })
            .await
        })
    }

    fn claim_refresh<'a>(&'a self, target: &'a TokenTarget, version: u64, lease: Duration) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let target = target.clone();
            let lease = millis(lease);
            self.run(move |conn| {
                let now = sql_u64(now_millis());
                let (enterprise, team, user) = target_key(&target);
                // One conditional statement: SQLite serialises writers, so of
                // concurrent claimers exactly one finds the lease free.
                let changed = match target.kind {
                    TokenKind::Bot => conn.execute(
                        "UPDATE bots SET lease_until = ?1 WHERE enterprise_id = ?2 AND team_id = ?3 AND version = ?4 \
                         AND (lease_until IS NULL OR lease_until < ?5)",
                        params![now.saturating_add(lease), enterprise, team, sql_u64(version), now],
                    ),
                    TokenKind::User => conn.execute(
                        "UPDATE installations SET lease_until = ?1 WHERE enterprise_id = ?2 AND team_id = ?3 \
                         AND user_id = ?6 AND version = ?4 AND (lease_until IS NULL OR lease_until < ?5)",
                        params![now.saturating_add(lease), enterprise, team, sql_u64(version), now, user],
                    ),
                }
                .map_err(db("claim a token refresh"))?;
                Ok(changed == 1)
            })
            .await
        })
    }

    fn complete_refresh<'a>(
        &'a self,
        target: &'a TokenTarget,
        version: u64,
        token: &'a RotatedToken,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let target = target.clone();
            let (enterprise, team, user) = target_key(&target);
            let cipher = self.cipher.as_ref();
            let (table, access_field, refresh_field) = match target.kind {
                TokenKind::Bot => ("bots", "bot_token", "bot_refresh_token"),
                TokenKind::User => ("installations", "user_token", "user_refresh_token"),
            };
            let context = |field| token_context(table, &enterprise, &team, if table == "bots" { "" } else { &user }, field);
            let access = seal(cipher, token.access_token.secret(), &context(access_field))?;
            let refresh = seal(cipher, token.refresh_token.secret(), &context(refresh_field))?;
            let expires_at = sql_u64(token.expires_at);
            self.run(move |conn| {
                let changed = match target.kind {
                    TokenKind::Bot => conn.execute(
                        "UPDATE bots SET bot_token = ?1, bot_refresh_token = ?2, bot_token_expires_at = ?3, \
                         version = version + 1, lease_until = NULL \
                         WHERE enterprise_id = ?4 AND team_id = ?5 AND version = ?6",
                        params![access, refresh, expires_at, enterprise, team, sql_u64(version)],
                    ),
                    TokenKind::User => conn.execute(
                        "UPDATE installations SET user_token = ?1, user_refresh_token = ?2, user_token_expires_at = ?3, \
                         version = version + 1, lease_until = NULL \
                         WHERE enterprise_id = ?4 AND team_id = ?5 AND user_id = ?7 AND version = ?6",
                        params![access, refresh, expires_at, enterprise, team, sql_u64(version), user],
                    ),
                }
                .map_err(db("save a rotated token"))?;
                Ok(changed == 1)
            })
            .await
        })
    }

    fn release_refresh<'a>(&'a self, target: &'a TokenTarget, version: u64) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let target = target.clone();
            self.run(move |conn| {
                let (enterprise, team, user) = target_key(&target);
                match target.kind {
                    TokenKind::Bot => conn.execute(
                        "UPDATE bots SET lease_until = NULL WHERE enterprise_id = ?1 AND team_id = ?2 AND version = ?3",
                        params![enterprise, team, sql_u64(version)],
                    ),
                    TokenKind::User => conn.execute(
                        "UPDATE installations SET lease_until = NULL \
                         WHERE enterprise_id = ?1 AND team_id = ?2 AND user_id = ?4 AND version = ?3",
                        params![enterprise, team, sql_u64(version), user],
                    ),
                }
                .map_err(db("release a token refresh"))?;
                Ok(())
            })
            .await
        })
    }
}

/// The row key of a rotation target, absent ids as ''.
fn target_key(target: &TokenTarget) -> (String, String, String) {
    (key(target.enterprise_id.as_deref()), key(target.team_id.as_deref()), key(target.user_id.as_deref()))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::Arc;

    /// Behaviours every installation and state store shares; the file stores'
    /// tests run them too.
    pub(crate) mod shared {
        use crate::app::installation::{Bot, Installation, InstallationStore, RotatedToken};
        use crate::app::state::{StateOutcome, StateStore};
        use crate::oauth::RefreshToken;
        use crate::secret::AccessToken;
        use std::sync::Arc;
        use std::time::Duration;

        /// An installation of `user` in (`enterprise`, `team`), with a bot token
        /// when `bot` is given.
        pub(crate) fn installation(enterprise: Option<&str>, team: Option<&str>, user: &str, bot: Option<&str>) -> Installation {
            Installation {
                app_id: Some("A1".into()),
                enterprise_id: enterprise.map(Into::into),
                team_id: team.map(Into::into),
                team_name: Some("Team".into()),
                bot_token: bot.map(AccessToken::new),
                bot_refresh_token: bot.map(|b| RefreshToken::new(format!("{b}-refresh"))),
                bot_token_expires_at: bot.map(|_| 2_000_000_000),
                bot_id: bot.map(|_| "B1".into()),
                bot_user_id: bot.map(|_| "UB1".into()),
                bot_scopes: vec!["chat:write".into(), "commands".into()],
                user_id: Some(user.into()),
                user_token: Some(AccessToken::new(format!("xoxp-{user}"))),
                user_refresh_token: Some(RefreshToken::new(format!("xoxe-{user}"))),
                user_token_expires_at: Some(2_000_000_000),
                user_scopes: vec!["search:read".into()],
                incoming_webhook_url: Some("https://hooks.example/secret-path".into()),
                is_enterprise_install: enterprise.is_some() && team.is_none(),
                token_type: Some("bot".into()),
                installed_at: 1_700_000_000,
                ..Installation::default()
            }
        }

        fn rotated(access: &str) -> RotatedToken {
            RotatedToken {
                access_token: AccessToken::new(access),
                refresh_token: RefreshToken::new(format!("{access}-refresh")),
                expires_at: 2_100_000_000,
            }
        }

        pub(crate) async fn consume_once_among_a_hundred<S: StateStore + 'static>(store: Arc<S>) {
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

        /// `store` must issue states that expire after about 30 ms.
        pub(crate) async fn outcomes_are_told_apart<S: StateStore>(store: &S) {
            assert_eq!(store.take("never-issued").await.unwrap(), StateOutcome::Unknown);
            assert_eq!(store.take("../../etc/passwd").await.unwrap(), StateOutcome::Unknown);
            assert_eq!(store.take("").await.unwrap(), StateOutcome::Unknown);
            let with_data = store.issue_with(Some("nonce-1".into())).await.unwrap();
            assert_eq!(store.take(with_data.secret()).await.unwrap(), StateOutcome::Valid { data: Some("nonce-1".into()) });
            assert_eq!(store.take(with_data.secret()).await.unwrap(), StateOutcome::AlreadyUsed);
            let without = store.issue().await.unwrap();
            let late = store.issue().await.unwrap();
            assert_eq!(store.take(without.secret()).await.unwrap(), StateOutcome::Valid { data: None });
            tokio::time::sleep(Duration::from_millis(60)).await;
            assert_eq!(store.take(late.secret()).await.unwrap(), StateOutcome::Expired);
            assert_eq!(store.take(late.secret()).await.unwrap(), StateOutcome::AlreadyUsed);
        }

        pub(crate) async fn enterprise_wide_installations_are_found_from_workspaces<S: InstallationStore>(store: &S) {
            store.save(&installation(Some("E1"), None, "U1", Some("xoxb-enterprise"))).await.unwrap();
            let bot = store.find_bot(Some("E1"), Some("T9")).await.unwrap().expect("enterprise bot");
            assert_eq!(bot.bot_token.secret(), "xoxb-enterprise");
            assert_eq!((bot.enterprise_id.as_deref(), bot.team_id.as_deref()), (Some("E1"), None));
            assert!(bot.is_enterprise_install);
            let found = store.find_installation(Some("E1"), Some("T9"), Some("U1")).await.unwrap().expect("enterprise installation");
            assert_eq!(found.user_token.as_ref().unwrap().secret(), "xoxp-U1");
            assert_eq!(found.bot_token.as_ref().unwrap().secret(), "xoxb-enterprise");
            let newest = store.find_installation(Some("E1"), Some("T9"), None).await.unwrap().expect("newest");
            assert_eq!(newest.user_id.as_deref(), Some("U1"));
            assert!(store.find_installation(Some("E1"), Some("T9"), Some("U2")).await.unwrap().is_none());
            assert!(store.find_bot(Some("E2"), Some("T9")).await.unwrap().is_none());
            assert!(store.find_bot(None, Some("T9")).await.unwrap().is_none());

            // A workspace of an enterprise installed only in that workspace does
            // not lend its bot to its neighbours.
            store.save(&installation(Some("E3"), Some("T1"), "U1", Some("xoxb-t1"))).await.unwrap();
            assert!(store.find_bot(Some("E3"), Some("T2")).await.unwrap().is_none());
            // The workspace's own bot wins over the enterprise's.
            store.save(&installation(Some("E1"), Some("T5"), "U5", Some("xoxb-t5"))).await.unwrap();
            assert_eq!(store.find_bot(Some("E1"), Some("T5")).await.unwrap().unwrap().bot_token.secret(), "xoxb-t5");
        }

        pub(crate) async fn installations_carry_the_current_bot<S: InstallationStore>(store: &S) {
            let mut first = installation(None, Some("T1"), "U1", Some("xoxb-old"));
            first.installed_at = 1_700_000_000;
            store.save(&first).await.unwrap();
            let mut second = installation(None, Some("T1"), "U2", Some("xoxb-new"));
            second.installed_at = 1_700_000_100;
            second.bot_scopes = vec!["chat:write".into()];
            store.save(&second).await.unwrap();

            let u1 = store.find_installation(None, Some("T1"), Some("U1")).await.unwrap().unwrap();
            assert_eq!(u1.user_token.as_ref().unwrap().secret(), "xoxp-U1");
            assert_eq!(u1.bot_token.as_ref().unwrap().secret(), "xoxb-new");
            assert_eq!(u1.bot_scopes, vec!["chat:write".to_string()]);
            assert_eq!(u1.incoming_webhook_url.as_deref(), Some("https://hooks.example/secret-path"));
            assert_eq!(u1.user_scopes, vec!["search:read".to_string()]);
            let newest = store.find_installation(None, Some("T1"), None).await.unwrap().unwrap();
            assert_eq!(newest.user_id.as_deref(), Some("U2"));

            // A rotated bot token shows in every installation of the workspace.
            let bot = store.find_bot(None, Some("T1")).await.unwrap().unwrap();
            assert!(store.claim_refresh(&bot.target(), bot.version, Duration::from_secs(30)).await.unwrap());
            assert!(store.complete_refresh(&bot.target(), bot.version, &rotated("xoxb-rotated")).await.unwrap());
            let u1 = store.find_installation(None, Some("T1"), Some("U1")).await.unwrap().unwrap();
            assert_eq!(u1.bot_token.as_ref().unwrap().secret(), "xoxb-rotated");
            assert_eq!(u1.bot_refresh_token.as_ref().unwrap().secret(), "xoxb-rotated-refresh");
            assert_eq!(u1.bot_token_expires_at, Some(2_100_000_000));

            // An installation granting only user scopes keeps the workspace's bot.
            store.save(&installation(None, Some("T1"), "U3", None)).await.unwrap();
            assert_eq!(store.find_bot(None, Some("T1")).await.unwrap().unwrap().bot_token.secret(), "xoxb-rotated");
            let u3 = store.find_installation(None, Some("T1"), Some("U3")).await.unwrap().unwrap();
            assert_eq!(u3.bot_token.as_ref().unwrap().secret(), "xoxb-rotated");

            // Saving again replaces the installer's installation.
            let mut again = installation(None, Some("T1"), "U1", Some("xoxb-latest"));
            again.user_token = Some(AccessToken::new("xoxp-U1-again"));
            store.save(&again).await.unwrap();
            let u1 = store.find_installation(None, Some("T1"), Some("U1")).await.unwrap().unwrap();
            assert_eq!(u1.user_token.as_ref().unwrap().secret(), "xoxp-U1-again");
            assert_eq!(u1.bot_token.as_ref().unwrap().secret(), "xoxb-latest");
        }

        pub(crate) async fn deletes_forget<S: InstallationStore>(store: &S) {
            for user in ["U1", "U2"] {
                store.save(&installation(None, Some("T1"), user, Some("xoxb-1"))).await.unwrap();
            }
            store.save(&installation(None, Some("T2"), "U1", Some("xoxb-2"))).await.unwrap();

            store.delete_bot(None, Some("T1")).await.unwrap();
            assert!(store.find_bot(None, Some("T1")).await.unwrap().is_none());
            let u1 = store.find_installation(None, Some("T1"), Some("U1")).await.unwrap().unwrap();
            assert!(u1.bot_token.is_none() && u1.bot_refresh_token.is_none());
            assert_eq!(u1.user_token.as_ref().unwrap().secret(), "xoxp-U1");

            store.delete_installation(None, Some("T1"), Some("U1")).await.unwrap();
            assert!(store.find_installation(None, Some("T1"), Some("U1")).await.unwrap().is_none());
            assert!(store.find_installation(None, Some("T1"), Some("U2")).await.unwrap().is_some());
            store.delete_installation(None, Some("T1"), None).await.unwrap();
            assert!(store.find_installation(None, Some("T1"), None).await.unwrap().is_none());

            store.delete_all(None, Some("T2")).await.unwrap();
            assert!(store.find_bot(None, Some("T2")).await.unwrap().is_none());
            assert!(store.find_installation(None, Some("T2"), None).await.unwrap().is_none());
            // Deleting what is not there is not an error.
            store.delete_all(None, Some("T404")).await.unwrap();
        }

        pub(crate) async fn of_twenty_claims_exactly_one_wins<S: InstallationStore + 'static>(store: Arc<S>) {
            store.save(&installation(None, Some("T1"), "U1", Some("xoxb-1"))).await.unwrap();
            let bot = store.find_bot(None, Some("T1")).await.unwrap().unwrap();
            let tasks: Vec<_> = (0..20)
                .map(|_| {
                    let (store, target, version) = (store.clone(), bot.target(), bot.version);
                    tokio::spawn(async move { store.claim_refresh(&target, version, Duration::from_secs(30)).await.unwrap() })
                })
                .collect();
            let mut wins = 0;
            for task in tasks {
                wins += usize::from(task.await.unwrap());
            }
            assert_eq!(wins, 1);
            // Released, it can be claimed again; an expired lease too.
            store.release_refresh(&bot.target(), bot.version).await.unwrap();
            assert!(store.claim_refresh(&bot.target(), bot.version, Duration::from_millis(20)).await.unwrap());
            assert!(!store.claim_refresh(&bot.target(), bot.version, Duration::from_secs(30)).await.unwrap());
            tokio::time::sleep(Duration::from_millis(40)).await;
            assert!(store.claim_refresh(&bot.target(), bot.version, Duration::from_secs(30)).await.unwrap());
            // A stale version cannot be claimed.
            store.release_refresh(&bot.target(), bot.version).await.unwrap();
            assert!(!store.claim_refresh(&bot.target(), bot.version + 1, Duration::from_secs(30)).await.unwrap());
            // Nor a record that does not exist.
            let mut missing = bot.target();
            missing.team_id = Some("T404".into());
            assert!(!store.claim_refresh(&missing, bot.version, Duration::from_secs(30)).await.unwrap());
        }

        pub(crate) async fn rotation_is_compare_and_swap<S: InstallationStore>(store: &S) {
            store.save(&installation(None, Some("T1"), "U1", Some("xoxb-1"))).await.unwrap();
            let bot: Bot = store.find_bot(None, Some("T1")).await.unwrap().unwrap();
            let target = bot.target();
            assert!(store.claim_refresh(&target, bot.version, Duration::from_secs(30)).await.unwrap());
            // A stale version writes nothing.
            assert!(!store.complete_refresh(&target, bot.version + 1, &rotated("xoxb-stale")).await.unwrap());
            assert_eq!(store.find_bot(None, Some("T1")).await.unwrap().unwrap(), bot);
            assert!(store.complete_refresh(&target, bot.version, &rotated("xoxb-2")).await.unwrap());
            let after = store.find_bot(None, Some("T1")).await.unwrap().unwrap();
            assert_eq!(after.version, bot.version + 1);
            assert_eq!(after.bot_token.secret(), "xoxb-2");
            assert_eq!(after.bot_refresh_token.as_ref().unwrap().secret(), "xoxb-2-refresh");
            assert_eq!(after.bot_token_expires_at, Some(2_100_000_000));
            // The same version cannot complete twice, and the lease ended.
            assert!(!store.complete_refresh(&target, bot.version, &rotated("xoxb-3")).await.unwrap());
            assert!(store.claim_refresh(&target, after.version, Duration::from_secs(30)).await.unwrap());

            // A save while a rotation is in flight wins over the rotation.
            store.save(&installation(None, Some("T1"), "U1", Some("xoxb-reinstalled"))).await.unwrap();
            assert!(!store.complete_refresh(&target, after.version, &rotated("xoxb-late")).await.unwrap());
            let bot = store.find_bot(None, Some("T1")).await.unwrap().unwrap();
            assert_eq!(bot.bot_token.secret(), "xoxb-reinstalled");
            assert!(bot.version > after.version);

            // User tokens rotate on their own record; the bot is untouched.
            let user = store.find_installation(None, Some("T1"), Some("U1")).await.unwrap().unwrap();
            let target = user.user_target();
            assert!(store.claim_refresh(&target, user.version, Duration::from_secs(30)).await.unwrap());
            assert!(!store.complete_refresh(&target, user.version + 7, &rotated("xoxp-stale")).await.unwrap());
            assert!(store.complete_refresh(&target, user.version, &rotated("xoxp-2")).await.unwrap());
            let after = store.find_installation(None, Some("T1"), Some("U1")).await.unwrap().unwrap();
            assert_eq!(after.version, user.version + 1);
            assert_eq!(after.user_token.as_ref().unwrap().secret(), "xoxp-2");
            assert_eq!(after.user_refresh_token.as_ref().unwrap().secret(), "xoxp-2-refresh");
            assert_eq!(after.user_token_expires_at, Some(2_100_000_000));
            assert_eq!(after.bot_token.as_ref().unwrap().secret(), "xoxb-reinstalled");
            assert_eq!(store.find_bot(None, Some("T1")).await.unwrap().unwrap(), bot);
        }

        /// Runs `test` (a child test of this binary) in two processes at once
        /// with `env`, and returns the sum of the `WINS=` they print.
        pub(crate) fn wins_of_two_processes(test: &str, env: &[(&str, String)]) -> usize {
            let start_at = crate::app::now_millis() + 700;
            let spawn = || {
                std::process::Command::new(std::env::current_exe().unwrap())
                    .args(["--exact", test, "--nocapture", "--include-ignored", "--test-threads", "1"])
                    .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
                    .env("SDKGEN_TEST_START_AT", start_at.to_string())
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            };
            let children = [spawn(), spawn()];
            let mut total = 0;
            for child in children {
                let output = child.wait_with_output().unwrap();
                let stdout = String::from_utf8_lossy(&output.stdout);
                assert!(output.status.success(), "child failed: {stdout}\n{}", String::from_utf8_lossy(&output.stderr));
                let wins = stdout
                    .lines()
                    .find_map(|line| line.split_once("WINS=").map(|(_, rest)| rest.trim()))
                    .unwrap_or_else(|| panic!("no WINS= line in the child's output: {stdout}"));
                total += wins.parse::<usize>().unwrap();
            }
            total
        }

        /// In a child process: waits for the agreed start, consumes `state` 50
        /// times concurrently and prints the wins.
        pub(crate) async fn consume_fifty_times_as_child<S: StateStore + 'static>(store: Arc<S>, state: String) {
            let start_at: u64 = std::env::var("SDKGEN_TEST_START_AT").unwrap().parse().unwrap();
            let wait = start_at.saturating_sub(crate::app::now_millis());
            tokio::time::sleep(Duration::from_millis(wait)).await;
            let tasks: Vec<_> = (0..50)
                .map(|_| {
                    let (store, state) = (store.clone(), state.clone());
                    tokio::spawn(async move { store.consume(&state).await.unwrap() })
                })
                .collect();
            let mut wins = 0;
            for task in tasks {
                wins += usize::from(task.await.unwrap());
            }
            // On a line of its own: libtest prints the test's name without a
            // line break before running it.
            println!("\nWINS={wins}");
        }
    }

    use shared::installation;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn of_a_hundred_concurrent_consumers_exactly_one_wins() {
        shared::consume_once_among_a_hundred(Arc::new(SqliteStore::open_in_memory().unwrap())).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn of_a_hundred_concurrent_consumers_of_a_file_exactly_one_wins() {
        let dir = tempfile::tempdir().unwrap();
        shared::consume_once_among_a_hundred(Arc::new(SqliteStore::open(dir.path().join("app.db")).unwrap())).await;
    }

    #[tokio::test]
    async fn unknown_expired_used_and_data_are_told_apart() {
        let store = SqliteStore::open_in_memory().unwrap().with_state_expiry(Duration::from_millis(30));
        shared::outcomes_are_told_apart(&store).await;
    }

    #[tokio::test]
    async fn consumed_states_keep_no_data_and_old_ones_are_forgotten() {
        let store = SqliteStore::open_in_memory().unwrap();
        let state = store.issue_with(Some("verifier".into())).await.unwrap();
        assert!(store.consume(state.secret()).await.unwrap());
        {
            let conn = store.conn.lock().unwrap();
            let data: Option<String> = conn.query_row("SELECT data FROM states WHERE state = ?1", [state.secret()], |r| r.get(0)).unwrap();
            assert_eq!(data, None);
            let ancient = sql_u64(now_millis()) - millis(REMEMBER_USED) - 1000;
            conn.execute("UPDATE states SET expires_at = ?1", [ancient]).unwrap();
        }
        store.issue().await.unwrap();
        assert_eq!(store.take(state.secret()).await.unwrap(), StateOutcome::Unknown);
    }

    #[tokio::test]
    async fn the_store_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.db");
        let store = SqliteStore::open(&path).unwrap();
        store.save(&installation(Some("E1"), Some("T1"), "U1", Some("xoxb-1"))).await.unwrap();
        let state = store.issue_with(Some("data".into())).await.unwrap();
        drop(store);

        let store = SqliteStore::open(&path).unwrap();
        let found = store.find_installation(Some("E1"), Some("T1"), Some("U1")).await.unwrap().unwrap();
        let mut expected = installation(Some("E1"), Some("T1"), "U1", Some("xoxb-1"));
        expected.version = found.version;
        assert_eq!(found, expected);
        assert_eq!(store.take(state.secret()).await.unwrap(), StateOutcome::Valid { data: Some("data".into()) });
        let version: u32 = store.conn.lock().unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(version as usize, MIGRATIONS.len());
        let mode: String = store.conn.lock().unwrap().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
    }

    #[tokio::test]
    async fn enterprise_wide_installations_are_found_from_workspaces() {
        shared::enterprise_wide_installations_are_found_from_workspaces(&SqliteStore::open_in_memory().unwrap()).await;
    }

    #[tokio::test]
    async fn installations_carry_the_current_bot() {
        shared::installations_carry_the_current_bot(&SqliteStore::open_in_memory().unwrap()).await;
    }

    #[tokio::test]
    async fn deletes_forget() {
        shared::deletes_forget(&SqliteStore::open_in_memory().unwrap()).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn of_twenty_concurrent_claims_exactly_one_wins() {
        shared::of_twenty_claims_exactly_one_wins(Arc::new(SqliteStore::open_in_memory().unwrap())).await;
    }

    #[tokio::test]
    async fn rotation_is_compare_and_swap() {
        shared::rotation_is_compare_and_swap(&SqliteStore::open_in_memory().unwrap()).await;
    }

    #[tokio::test]
    async fn rotation_is_compare_and_swap_when_encrypted() {
        let cipher = TokenCipher::from_base64(&TokenCipher::generate_key().unwrap()).unwrap();
        shared::rotation_is_compare_and_swap(&SqliteStore::open_in_memory().unwrap().with_cipher(cipher)).await;
    }

    #[tokio::test]
    async fn tokens_are_encrypted_at_rest() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.db");
        let key = TokenCipher::generate_key().unwrap();
        let store = SqliteStore::open(&path).unwrap().with_cipher(TokenCipher::from_base64(&key).unwrap());
        store.save(&installation(None, Some("T1"), "U1", Some("xoxb-1"))).await.unwrap();
        let found = store.find_installation(None, Some("T1"), Some("U1")).await.unwrap().unwrap();
        assert_eq!(found.bot_token.as_ref().unwrap().secret(), "xoxb-1");
        assert_eq!(found.user_token.as_ref().unwrap().secret(), "xoxp-U1");
        drop(store);

        let raw = Connection::open(&path).unwrap();
        let (bot_token, bot_refresh): (String, String) =
            raw.query_row("SELECT bot_token, bot_refresh_token FROM bots", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        let (user_token, user_refresh, webhook): (String, String, String) = raw
            .query_row("SELECT user_token, user_refresh_token, incoming_webhook_url FROM installations", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        for (stored, plain) in [
            (&bot_token, "xoxb-1"),
            (&bot_refresh, "xoxb-1-refresh"),
            (&user_token, "xoxp-U1"),
            (&user_refresh, "xoxe-U1"),
            (&webhook, "secret-path"),
        ] {
            assert!(TokenCipher::is_encrypted(stored) && !stored.contains(plain));
        }

        let keyless = SqliteStore::open(&path).unwrap();
        assert!(matches!(keyless.find_bot(None, Some("T1")).await, Err(StoreError::KeyRequired { field: "bot_token" })));
        assert!(matches!(keyless.find_installation(None, Some("T1"), Some("U1")).await, Err(StoreError::KeyRequired { .. })));
        let wrong = SqliteStore::open(&path).unwrap().with_cipher(TokenCipher::from_base64(&TokenCipher::generate_key().unwrap()).unwrap());
        assert!(matches!(wrong.find_bot(None, Some("T1")).await, Err(StoreError::Decrypt { field: "bot_token" })));
        assert!(matches!(wrong.find_installation(None, Some("T1"), Some("U1")).await, Err(StoreError::Decrypt { .. })));

        // A value moved to another row does not decrypt there.
        raw.execute("INSERT INTO bots (enterprise_id, team_id, bot_token, installed_at) VALUES ('', 'T2', ?1, 0)", [&bot_token]).unwrap();
        let right = SqliteStore::open(&path).unwrap().with_cipher(TokenCipher::from_base64(&key).unwrap());
        assert!(matches!(right.find_bot(None, Some("T2")).await, Err(StoreError::Decrypt { field: "bot_token" })));
        assert_eq!(right.find_bot(None, Some("T1")).await.unwrap().unwrap().bot_token.secret(), "xoxb-1");
    }

    #[tokio::test]
    async fn a_plain_database_stays_readable_once_a_key_is_configured() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.db");
        SqliteStore::open(&path).unwrap().save(&installation(None, Some("T1"), "U1", Some("xoxb-1"))).await.unwrap();
        let cipher = TokenCipher::from_base64(&TokenCipher::generate_key().unwrap()).unwrap();
        let store = SqliteStore::open(&path).unwrap().with_cipher(cipher);
        let found = store.find_installation(None, Some("T1"), Some("U1")).await.unwrap().unwrap();
        assert_eq!(found.bot_token.as_ref().unwrap().secret(), "xoxb-1");
        assert_eq!(found.user_token.as_ref().unwrap().secret(), "xoxp-U1");
    }

    #[tokio::test]
    async fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.db");
        drop(SqliteStore::open(&path).unwrap());
        Connection::open(&path).unwrap().pragma_update(None, "user_version", 99).unwrap();
        match SqliteStore::open(&path) {
            Err(StoreError::SchemaTooNew { found: 99, supported }) => assert_eq!(supported as usize, MIGRATIONS.len()),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn debug_shows_no_secret() {
        let cipher = TokenCipher::from_base64(&TokenCipher::generate_key().unwrap()).unwrap();
        let shown = format!("{:?}", SqliteStore::open_in_memory().unwrap().with_cipher(cipher));
        assert!(shown.contains("encrypted: true"), "{shown}");
    }

    const CHILD: &str = "app::sqlite::tests::child_consumes_fifty_times";

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn of_two_processes_consuming_one_state_exactly_one_wins() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("app.db");
        let store = SqliteStore::open(&path).unwrap();
        let state = store.issue().await.unwrap();
        let env = [("SDKGEN_TEST_SQLITE_DB", path.display().to_string()), ("SDKGEN_TEST_STATE", state.secret().to_string())];
        let wins = tokio::task::spawn_blocking(move || shared::wins_of_two_processes(CHILD, &env)).await.unwrap();
        assert_eq!(wins, 1);
        assert_eq!(store.take(state.secret()).await.unwrap(), StateOutcome::AlreadyUsed);
    }

    /// Run by the test above in child processes.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    #[ignore = "run as a child process by of_two_processes_consuming_one_state_exactly_one_wins"]
    async fn child_consumes_fifty_times() {
        let (Ok(path), Ok(state)) = (std::env::var("SDKGEN_TEST_SQLITE_DB"), std::env::var("SDKGEN_TEST_STATE")) else {
            return;
        };
        shared::consume_fifty_times_as_child(Arc::new(SqliteStore::open(path).unwrap()), state).await;
    }
}
