//! File stores: states and installations as files in a folder, for an
//! application without a database. Several processes may share the folder
//! (on a local file system: network file systems do not all honour renames
//! and locks the same way).
//!
//! Every file is written whole to a temporary file and renamed into place, so
//! a reader sees the old record or the new one, never half of one. A state is
//! consumed by renaming its file: of many concurrent renames exactly one
//! succeeds. Installation records are changed under an exclusive lock on a
//! per-workspace lock file, held from the read to the write, which makes the
//! refresh lease and the compare-and-swap on versions safe across processes.
//!
//! File names never contain ids as they are: ids are hex-encoded, so no id
//! can reach outside the folder or collide with another on a file system
//! that ignores case. States are checked to be base64url before they become a
//! file name.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::crypto::{seal, token_context, unseal};
use super::installation::{Bot, Installation, InstallationStore, RotatedToken, TokenKind, TokenTarget};
use super::state::{DEFAULT_EXPIRY, REMEMBER_USED, StateOutcome, StateStore, fresh_state, is_well_formed};
use super::{BoxFuture, StoreError, TokenCipher, now_millis};
use crate::oauth::{CsrfState, RefreshToken};
use crate::secret::AccessToken;

/// The format of the records written here; a record of a newer format is
/// refused rather than misread.
const FORMAT: u32 = 1;

/// How often, at most, issuing a state also sweeps old state files.
const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// Temporary files older than this were left by a crashed writer.
const STALE_TEMP: Duration = Duration::from_secs(3600);

/// Keeps file names well under the usual 255-byte limit.
const MAX_NAME: usize = 200;

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + use<> {
    let path = path.to_path_buf();
    move |source| StoreError::Io { path, source }
}

fn corrupt(what: &Path, reason: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt { what: what.display().to_string(), reason: reason.to_string() }
}

async fn blocking<T, F>(work: F) -> Result<T, StoreError>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, StoreError> + Send + 'static,
{
    tokio::task::spawn_blocking(work).await.map_err(|e| StoreError::Task(e.to_string()))?
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Creates a folder (and its parents), readable by the owner only on Unix:
/// it holds tokens.
fn create_dir(path: &Path) -> Result<(), StoreError> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path).map_err(io(path))
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a
/// rename, so that readers never see a partial file. Errors name `shown`
/// rather than `path` when the file name itself is secret (a state).
fn write_atomically(path: &Path, bytes: &[u8], shown: &Path) -> Result<(), StoreError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut suffix = [0u8; 8];
    getrandom::fill(&mut suffix).map_err(|e| StoreError::Random(e.to_string()))?;
    let temp = dir.join(format!(".tmp-{}", hex(&suffix)));
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options.open(&temp).and_then(|mut file| {
        file.write_all(bytes)?;
        // Flushed before the rename, so that a crash cannot leave an empty
        // file under the final name.
        file.sync_all()
    });
    if let Err(e) = written.and_then(|()| fs::rename(&temp, path)) {
        let _ = fs::remove_file(&temp);
        return Err(io(shown)(e));
    }
    Ok(())
}

/// Reads a JSON record; `None` when the file does not exist.
fn read_record<T: DeserializeOwned>(path: &Path) -> Result<Option<T>, StoreError> {
    let bytes = match fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(path)(e)),
    };
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| corrupt(path, e))?;
    let format = value.get("format").and_then(serde_json::Value::as_u64).unwrap_or(0);
    if format > u64::from(FORMAT) {
        return Err(StoreError::SchemaTooNew { found: u32::try_from(format).unwrap_or(u32::MAX), supported: FORMAT });
    }
    serde_json::from_value(value).map(Some).map_err(|e| corrupt(path, e))
}

fn write_record<T: Serialize>(path: &Path, record: &T) -> Result<(), StoreError> {
    let bytes = serde_json::to_vec_pretty(record).map_err(|e| corrupt(path, e))?;
    write_atomically(path, &bytes, path)
}

fn remove_if_present(path: &Path) -> Result<(), StoreError> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io(path)(e)),
        _ => Ok(()),
    }
}

// ---------------------------------------------------------------------------
// States

#[derive(Serialize, Deserialize)]
struct StateRecord {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    data: Option<String>,
    /// Milliseconds since the Unix epoch.
    expires_at: u64,
}

/// States as files in a folder: `<state>.state` when issued, renamed to
/// `<state>.used` when consumed.
///
/// Old files are swept lazily while states are issued (at most once a
/// minute), once they are [`REMEMBER_USED`] past their expiry.
#[derive(Clone)]
pub struct FileStateStore {
    dir: PathBuf,
    expiry: Duration,
    last_sweep: Arc<AtomicU64>,
}

impl std::fmt::Debug for FileStateStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileStateStore").field("dir", &self.dir).field("expiry", &self.expiry).finish_non_exhaustive()
    }
}

impl FileStateStore {
    /// A store in `dir`, created if missing, whose states expire after
    /// [`DEFAULT_EXPIRY`].
    pub fn new(dir: impl AsRef<Path>) -> Result<Self, StoreError> {
        let dir = dir.as_ref().to_path_buf();
        create_dir(&dir)?;
        Ok(FileStateStore { dir, expiry: DEFAULT_EXPIRY, last_sweep: Arc::new(AtomicU64::new(0)) })
    }

    /// States issued from now on expire after `expiry`.
    pub fn with_expiry(mut self, expiry: Duration) -> Self {
        self.expiry = expiry;
        self
    }

    /// Whether this call should sweep: true at most once per [`SWEEP_EVERY`].
    fn sweep_due(&self) -> bool {
        let now = now_millis();
        let last = self.last_sweep.load(Ordering::Relaxed);
        now.saturating_sub(last) >= SWEEP_EVERY.as_millis() as u64
            && self.last_sweep.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_ok()
    }
}

/// Deletes state files forgotten by now, and temporary files of crashed
/// writers. Best effort: another process may be sweeping too.
fn sweep_states(dir: &Path, expiry: Duration) {
    let now = SystemTime::now();
    let forget_before = now.checked_sub(REMEMBER_USED + expiry);
    let stale_before = now.checked_sub(STALE_TEMP);
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        // A state file's time is when it was issued (the rename keeps it), or
        // when its data was dropped on consumption: both start its expiry.
        let limit = if name.ends_with(".state") || name.ends_with(".used") {
            forget_before
        } else if name.starts_with(".tmp-") {
            stale_before
        } else {
            continue;
        };
        let modified = entry.metadata().and_then(|m| m.modified());
        if let (Ok(modified), Some(limit)) = (modified, limit)
            && modified < limit
        {
            let _ = fs::remove_file(entry.path());
        }
    }
}

impl StateStore for FileStateStore {
    fn issue_with(&self, data: Option<String>) -> BoxFuture<'_, Result<CsrfState, StoreError>> {
        Box::pin(async move {
            let state = fresh_state()?;
            let name = format!("{}.state", state.secret());
            let record = StateRecord { data, expires_at: now_millis().saturating_add(self.expiry.as_millis() as u64) };
            let (dir, expiry, sweep) = (self.dir.clone(), self.expiry, self.sweep_due());
            blocking(move || {
                if sweep {
                    sweep_states(&dir, expiry);
                }
                let bytes = serde_json::to_vec(&record).map_err(|e| corrupt(&dir, e))?;
                write_atomically(&dir.join(name), &bytes, &dir)
            })
            .await?;
            Ok(state)
        })
    }

    fn take<'a>(&'a self, state: &'a str) -> BoxFuture<'a, Result<StateOutcome, StoreError>> {
        Box::pin(async move {
            // Checked before the state becomes part of a path.
            if !is_well_formed(state) {
                return Ok(StateOutcome::Unknown);
            }
            let dir = self.dir.clone();
            let (issued, used) = (dir.join(format!("{state}.state")), dir.join(format!("{state}.used")));
            blocking(move || {
                // Errors name the folder, not the files: their names are states.
                match fs::rename(&issued, &used) {
                    Ok(()) => {
                        let bytes = fs::read(&used).map_err(io(&dir))?;
                        let record: StateRecord = serde_json::from_slice(&bytes).map_err(|e| corrupt(Path::new("a state file"), e))?;
                        if record.data.is_some() {
                            // The data is of no use once handed out; keeping it
                            // is harmless if this fails, so the outcome stands.
                            let emptied = StateRecord { data: None, expires_at: record.expires_at };
                            if let Ok(bytes) = serde_json::to_vec(&emptied) {
                                let _ = write_atomically(&used, &bytes, &dir);
                            }
                        }
                        if record.expires_at <= now_millis() {
                            Ok(StateOutcome::Expired)
                        } else {
                            Ok(StateOutcome::Valid { data: record.data })
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => match fs::symlink_metadata(&used) {
                        Ok(_) => Ok(StateOutcome::AlreadyUsed),
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(StateOutcome::Unknown),
                        Err(e) => Err(io(&dir)(e)),
                    },
                    Err(e) => Err(io(&dir)(e)),
                }
            })
            .await
        })
    }
}

// ---------------------------------------------------------------------------
// Installations

#[derive(Debug, Clone, Serialize, Deserialize)]
struct BotRecord {
    format: u32,
    app_id: Option<String>,
    enterprise_id: Option<String>,
    enterprise_name: Option<String>,
    team_id: Option<String>,
    team_name: Option<String>,
    /// Encrypted when the store has a cipher.
    bot_token: String,
    bot_refresh_token: Option<String>,
    bot_token_expires_at: Option<u64>,
    bot_id: Option<String>,
    bot_user_id: Option<String>,
    #[serde(default)]
    bot_scopes: Vec<String>,
    #[serde(default)]
    is_enterprise_install: bool,
    installed_at: u64,
    version: u64,
    /// Milliseconds since the Unix epoch.
    lease_until: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct InstallationRecord {
    format: u32,
    app_id: Option<String>,
    enterprise_id: Option<String>,
    enterprise_name: Option<String>,
    enterprise_url: Option<String>,
    team_id: Option<String>,
    team_name: Option<String>,
    bot_id: Option<String>,
    bot_user_id: Option<String>,
    #[serde(default)]
    bot_scopes: Vec<String>,
    user_id: Option<String>,
    /// Encrypted when the store has a cipher, like the refresh token and the
    /// webhook URL (which lets anyone post).
    user_token: Option<String>,
    user_refresh_token: Option<String>,
    user_token_expires_at: Option<u64>,
    #[serde(default)]
    user_scopes: Vec<String>,
    incoming_webhook_url: Option<String>,
    incoming_webhook_channel: Option<String>,
    incoming_webhook_channel_id: Option<String>,
    incoming_webhook_configuration_url: Option<String>,
    #[serde(default)]
    is_enterprise_install: bool,
    token_type: Option<String>,
    installed_at: u64,
    /// Milliseconds since the Unix epoch; orders installations saved in the
    /// same second.
    #[serde(default)]
    saved_at: u64,
    version: u64,
    lease_until: Option<u64>,
}

fn key(id: Option<&str>) -> &str {
    id.unwrap_or_default()
}

/// The encryption context of a bot record's field (the same as SQLite's).
fn bot_context(enterprise: Option<&str>, team: Option<&str>, field: &str) -> String {
    token_context("bots", key(enterprise), key(team), "", field)
}

fn installation_context(enterprise: Option<&str>, team: Option<&str>, user: Option<&str>, field: &str) -> String {
    token_context("installations", key(enterprise), key(team), key(user), field)
}

impl BotRecord {
    fn new(bot: &Bot, version: u64, cipher: Option<&TokenCipher>) -> Result<Self, StoreError> {
        let (e, t) = (bot.enterprise_id.as_deref(), bot.team_id.as_deref());
        Ok(BotRecord {
            format: FORMAT,
            app_id: bot.app_id.clone(),
            enterprise_id: bot.enterprise_id.clone(),
            enterprise_name: bot.enterprise_name.clone(),
            team_id: bot.team_id.clone(),
            team_name: bot.team_name.clone(),
            bot_token: seal(cipher, bot.bot_token.secret(), &bot_context(e, t, "bot_token"))?,
            bot_refresh_token: bot
                .bot_refresh_token
                .as_ref()
                .map(|r| seal(cipher, r.secret(), &bot_context(e, t, "bot_refresh_token")))
                .transpose()?,
            bot_token_expires_at: bot.bot_token_expires_at,
            bot_id: bot.bot_id.clone(),
            bot_user_id: bot.bot_user_id.clone(),
            bot_scopes: bot.bot_scopes.clone(),
            is_enterprise_install: bot.is_enterprise_install,
            installed_at: bot.installed_at,
            version,
            lease_until: None,
        })
    }

    fn into_bot(self, cipher: Option<&TokenCipher>) -> Result<Bot, StoreError> {
        let (e, t) = (self.enterprise_id.as_deref(), self.team_id.as_deref());
        let bot_token = unseal(cipher, &self.bot_token, &bot_context(e, t, "bot_token"), "bot_token")?;
        let bot_refresh_token = self
            .bot_refresh_token
            .as_deref()
            .map(|r| unseal(cipher, r, &bot_context(e, t, "bot_refresh_token"), "bot_refresh_token"))
            .transpose()?;
        Ok(Bot {
            app_id: self.app_id,
            enterprise_id: self.enterprise_id.filter(|s| !s.is_empty()),
            enterprise_name: self.enterprise_name,
            team_id: self.team_id.filter(|s| !s.is_empty()),
            team_name: self.team_name,
            bot_token: AccessToken::new(bot_token),
            bot_refresh_token: bot_refresh_token.map(RefreshToken::new),
            bot_token_expires_at: self.bot_token_expires_at,
            bot_id: self.bot_id,
            bot_user_id: self.bot_user_id,
            bot_scopes: self.bot_scopes,
            is_enterprise_install: self.is_enterprise_install,
            installed_at: self.installed_at,
            version: self.version,
        })
    }
}

impl InstallationRecord {
    fn new(i: &Installation, version: u64, cipher: Option<&TokenCipher>) -> Result<Self, StoreError> {
        let (e, t, u) = (i.enterprise_id.as_deref(), i.team_id.as_deref(), i.user_id.as_deref());
        let sealed = |value: Option<&str>, field: &str| value.map(|v| seal(cipher, v, &installation_context(e, t, u, field))).transpose();
        Ok(InstallationRecord {
            format: FORMAT,
            app_id: i.app_id.clone(),
            enterprise_id: i.enterprise_id.clone(),
            enterprise_name: i.enterprise_name.clone(),
            enterprise_url: i.enterprise_url.clone(),
            team_id: i.team_id.clone(),
            team_name: i.team_name.clone(),
            bot_id: i.bot_id.clone(),
            bot_user_id: i.bot_user_id.clone(),
            bot_scopes: i.bot_scopes.clone(),
            user_id: i.user_id.clone(),
            user_token: sealed(i.user_token.as_ref().map(AccessToken::secret), "user_token")?,
            user_refresh_token: sealed(i.user_refresh_token.as_ref().map(RefreshToken::secret), "user_refresh_token")?,
            user_token_expires_at: i.user_token_expires_at,
            user_scopes: i.user_scopes.clone(),
            incoming_webhook_url: sealed(i.incoming_webhook_url.as_deref(), "incoming_webhook_url")?,
            incoming_webhook_channel: i.incoming_webhook_channel.clone(),
            incoming_webhook_channel_id: i.incoming_webhook_channel_id.clone(),
            incoming_webhook_configuration_url: i.incoming_webhook_configuration_url.clone(),
            is_enterprise_install: i.is_enterprise_install,
            token_type: i.token_type.clone(),
            installed_at: i.installed_at,
            saved_at: now_millis(),
            version,
            lease_until: None,
        })
    }

    /// The installation, with the bot fields of the workspace's current bot
    /// when there is one (bot tokens are kept only in bot records, so that a
    /// rotated bot token is never shadowed by a stale copy).
    fn into_installation(self, bot: Option<Bot>, cipher: Option<&TokenCipher>) -> Result<Installation, StoreError> {
        let (e, t, u) = (self.enterprise_id.as_deref(), self.team_id.as_deref(), self.user_id.as_deref());
        let open = |stored: &Option<String>, field: &'static str| {
            stored.as_deref().map(|s| unseal(cipher, s, &installation_context(e, t, u, field), field)).transpose()
        };
        let user_token = open(&self.user_token, "user_token")?;
        let user_refresh_token = open(&self.user_refresh_token, "user_refresh_token")?;
        let incoming_webhook_url = open(&self.incoming_webhook_url, "incoming_webhook_url")?;
        let mut installation = Installation {
            app_id: self.app_id,
            enterprise_id: self.enterprise_id.filter(|s| !s.is_empty()),
            enterprise_name: self.enterprise_name,
            enterprise_url: self.enterprise_url,
            team_id: self.team_id.filter(|s| !s.is_empty()),
            team_name: self.team_name,
            bot_token: None,
            bot_refresh_token: None,
            bot_token_expires_at: None,
            bot_id: self.bot_id,
            bot_user_id: self.bot_user_id,
            bot_scopes: self.bot_scopes,
            user_id: self.user_id.filter(|s| !s.is_empty()),
            user_token: user_token.map(AccessToken::new),
            user_refresh_token: user_refresh_token.map(RefreshToken::new),
            user_token_expires_at: self.user_token_expires_at,
            user_scopes: self.user_scopes,
            incoming_webhook_url,
            incoming_webhook_channel: self.incoming_webhook_channel,
            incoming_webhook_channel_id: self.incoming_webhook_channel_id,
            incoming_webhook_configuration_url: self.incoming_webhook_configuration_url,
            is_enterprise_install: self.is_enterprise_install,
            token_type: self.token_type,
            installed_at: self.installed_at,
            version: self.version,
        };
        if let Some(bot) = bot {
            super::sqlite::overlay_bot(&mut installation, bot);
        }
        Ok(installation)
    }
}

/// Installations as files in a folder:
///
/// - `bots/<workspace>.json`: the newest bot of each workspace;
/// - `installations/<workspace>/<user>.json`: each installer's installation;
/// - `locks/<workspace>.lock`: held while a workspace's records change.
///
/// `<workspace>` is `e<hex enterprise id>-t<hex team id>` and `<user>`
/// `u<hex user id>`, absent ids being empty. Tokens (and webhook URLs) are
/// encrypted like [`SqliteStore`](super::SqliteStore)'s when a cipher is set;
/// plain values written before stay readable.
///
/// Saving writes the bot record, then the installation record: a crash in
/// between can leave the new bot with the previous installation, never a
/// partial file.
#[derive(Clone)]
pub struct FileInstallationStore {
    dir: PathBuf,
    cipher: Option<TokenCipher>,
}

impl std::fmt::Debug for FileInstallationStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileInstallationStore").field("dir", &self.dir).field("encrypted", &self.cipher.is_some()).finish()
    }
}

/// Where one workspace's records are.
struct Workspace {
    bot: PathBuf,
    installations: PathBuf,
    lock: PathBuf,
}

impl Workspace {
    fn installation(&self, user: Option<&str>) -> Result<PathBuf, StoreError> {
        let name = format!("u{}.json", hex(key(user).as_bytes()));
        if name.len() > MAX_NAME {
            return Err(StoreError::InvalidValue { reason: "the user id is too long to name a file".into() });
        }
        Ok(self.installations.join(name))
    }

    /// Holds the workspace's lock until the returned file is dropped. Lock
    /// files are never deleted: deleting one could let two processes lock two
    /// different files of the same name.
    fn lock(&self) -> Result<File, StoreError> {
        let file = OpenOptions::new().create(true).truncate(false).write(true).open(&self.lock).map_err(io(&self.lock))?;
        file.lock().map_err(io(&self.lock))?;
        Ok(file)
    }

    fn read_bot(&self) -> Result<Option<BotRecord>, StoreError> {
        read_record(&self.bot)
    }

    /// Every installation record of the workspace.
    fn read_installations(&self) -> Result<Vec<InstallationRecord>, StoreError> {
        let entries = match fs::read_dir(&self.installations) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io(&self.installations)(e)),
        };
        let mut records = Vec::new();
        for entry in entries {
            let entry = entry.map_err(io(&self.installations))?;
            let name = entry.file_name();
            if name.to_str().is_some_and(|n| n.starts_with('u') && n.ends_with(".json")) {
                // A file deleted since the listing reads as None.
                records.extend(read_record::<InstallationRecord>(&entry.path())?);
            }
        }
        Ok(records)
    }
}

impl FileInstallationStore {
    /// A store in `dir`, created if missing.
    pub fn new(dir: impl AsRef<Path>) -> Result<Self, StoreError> {
        let dir = dir.as_ref().to_path_buf();
        for sub in ["bots", "installations", "locks"] {
            create_dir(&dir.join(sub))?;
        }
        Ok(FileInstallationStore { dir, cipher: None })
    }

    /// Encrypts tokens with `cipher` from now on. Tokens already stored in
    /// plain stay readable; tokens encrypted with another key cannot be read.
    pub fn with_cipher(mut self, cipher: TokenCipher) -> Self {
        self.cipher = Some(cipher);
        self
    }

    fn workspace(&self, enterprise: Option<&str>, team: Option<&str>) -> Result<Workspace, StoreError> {
        let name = format!("e{}-t{}", hex(key(enterprise).as_bytes()), hex(key(team).as_bytes()));
        if name.len() > MAX_NAME {
            return Err(StoreError::InvalidValue { reason: "the enterprise and team ids are too long to name a file".into() });
        }
        Ok(Workspace {
            bot: self.dir.join("bots").join(format!("{name}.json")),
            installations: self.dir.join("installations").join(&name),
            lock: self.dir.join("locks").join(format!("{name}.lock")),
        })
    }

    /// Runs `work` on a blocking thread, with a clone of the store.
    async fn run<T, F>(&self, work: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&FileInstallationStore) -> Result<T, StoreError> + Send + 'static,
    {
        let store = self.clone();
        blocking(move || work(&store)).await
    }

    /// The bot record of a workspace, or its enterprise's enterprise-wide one.
    fn find_bot_record(&self, enterprise: Option<&str>, team: Option<&str>) -> Result<Option<BotRecord>, StoreError> {
        if let Some(record) = self.read_bot(enterprise, team)? {
            return Ok(Some(record));
        }
        if !key(enterprise).is_empty() && !key(team).is_empty() {
            let record = self.read_bot(enterprise, None)?;
            return Ok(record.filter(|r| r.is_enterprise_install));
        }
        Ok(None)
    }

    /// The bot record of exactly (`enterprise`, `team`).
    fn read_bot(&self, enterprise: Option<&str>, team: Option<&str>) -> Result<Option<BotRecord>, StoreError> {
        let workspace = self.workspace(enterprise, team)?;
        let record = workspace.read_bot()?;
        if let Some(r) = &record {
            check_ids(&workspace.bot, (r.enterprise_id.as_deref(), r.team_id.as_deref(), None), (enterprise, team, None))?;
        }
        Ok(record)
    }

    fn find_installation_record(
        &self,
        enterprise: Option<&str>,
        team: Option<&str>,
        user: Option<&str>,
        enterprise_wide_only: bool,
    ) -> Result<Option<InstallationRecord>, StoreError> {
        let workspace = self.workspace(enterprise, team)?;
        let found = match user {
            Some(user) => read_record::<InstallationRecord>(&workspace.installation(Some(user))?)?,
            None => workspace.read_installations()?.into_iter().max_by_key(|r| (r.installed_at, r.saved_at)),
        };
        if let Some(r) = &found {
            let ids = (r.enterprise_id.as_deref(), r.team_id.as_deref(), user.and(r.user_id.as_deref()));
            check_ids(&workspace.installations, ids, (enterprise, team, user))?;
        }
        Ok(found.filter(|r| !enterprise_wide_only || r.is_enterprise_install))
    }

    /// Changes the record of `target` under the workspace's lock: `change`
    /// gets the current record (if any) and tells whether to write it back.
    fn update_target(
        &self,
        target: &TokenTarget,
        change: impl FnOnce(&mut Target) -> Result<bool, StoreError>,
    ) -> Result<bool, StoreError> {
        let workspace = self.workspace(target.enterprise_id.as_deref(), target.team_id.as_deref())?;
        let _lock = workspace.lock()?;
        match target.kind {
            TokenKind::Bot => {
                let Some(record) = workspace.read_bot()? else { return Ok(false) };
                let mut record = Target::Bot(Box::new(record));
                let write = change(&mut record)?;
                if let (true, Target::Bot(record)) = (write, &record) {
                    write_record(&workspace.bot, record)?;
                }
                Ok(write)
            }
            TokenKind::User => {
                let path = workspace.installation(target.user_id.as_deref())?;
                let Some(record) = read_record::<InstallationRecord>(&path)? else { return Ok(false) };
                let mut record = Target::User(Box::new(record));
                let write = change(&mut record)?;
                if let (true, Target::User(record)) = (write, &record) {
                    write_record(&path, record)?;
                }
                Ok(write)
            }
        }
    }
}

type Ids<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>);

/// Refuses a record found under another record's name (a file copied or
/// renamed by hand): its tokens would be served for the wrong workspace.
fn check_ids(path: &Path, found: Ids<'_>, expected: Ids<'_>) -> Result<(), StoreError> {
    let same = key(found.0) == key(expected.0) && key(found.1) == key(expected.1) && key(found.2) == key(expected.2);
    if same { Ok(()) } else { Err(corrupt(path, "the record is for another workspace or user than its file name says")) }
}

/// The record a rotation changes.
enum Target {
    Bot(Box<BotRecord>),
    User(Box<InstallationRecord>),
}

impl Target {
    fn version(&self) -> u64 {
        match self {
            Target::Bot(r) => r.version,
            Target::User(r) => r.version,
        }
    }

    fn lease_until(&mut self) -> &mut Option<u64> {
        match self {
            Target::Bot(r) => &mut r.lease_until,
            Target::User(r) => &mut r.lease_until,
        }
    }
}

impl InstallationStore for FileInstallationStore {
    fn save<'a>(&'a self, installation: &'a Installation) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let installation = installation.clone();
            self.run(move |store| {
                let cipher = store.cipher.as_ref();
                let workspace = store.workspace(installation.enterprise_id.as_deref(), installation.team_id.as_deref())?;
                let path = workspace.installation(installation.user_id.as_deref())?;
                let _lock = workspace.lock()?;
                // A new save is a new version: a rotation that started from
                // the previous token loses its compare-and-swap.
                if let Some(bot) = installation.bot() {
                    let version = workspace.read_bot()?.map_or(1, |r| r.version + 1);
                    write_record(&workspace.bot, &BotRecord::new(&bot, version, cipher)?)?;
                }
                create_dir(&workspace.installations)?;
                let version = read_record::<InstallationRecord>(&path)?.map_or(1, |r| r.version + 1);
                write_record(&path, &InstallationRecord::new(&installation, version, cipher)?)
            })
            .await
        })
    }

    fn find_bot<'a>(&'a self, enterprise_id: Option<&'a str>, team_id: Option<&'a str>) -> BoxFuture<'a, Result<Option<Bot>, StoreError>> {
        Box::pin(async move {
            let (enterprise, team) = (enterprise_id.map(str::to_string), team_id.map(str::to_string));
            self.run(move |store| {
                // Reads need no lock: records are replaced whole by renames.
                store.find_bot_record(enterprise.as_deref(), team.as_deref())?.map(|r| r.into_bot(store.cipher.as_ref())).transpose()
            })
            .await
        })
    }

    fn find_installation<'a>(
        &'a self,
        enterprise_id: Option<&'a str>,
        team_id: Option<&'a str>,
        user_id: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Option<Installation>, StoreError>> {
        Box::pin(async move {
            let (e, t, u) = (enterprise_id.map(str::to_string), team_id.map(str::to_string), user_id.map(str::to_string));
            self.run(move |store| {
                let (e, t, u) = (e.as_deref(), t.as_deref(), u.as_deref());
                let mut found = store.find_installation_record(e, t, u, false)?;
                if found.is_none() && !key(e).is_empty() && !key(t).is_empty() {
                    found = store.find_installation_record(e, None, u, true)?;
                }
                let Some(record) = found else { return Ok(None) };
                let workspace = store.workspace(record.enterprise_id.as_deref(), record.team_id.as_deref())?;
                let bot = workspace.read_bot()?.map(|r| r.into_bot(store.cipher.as_ref())).transpose()?;
                record.into_installation(bot, store.cipher.as_ref()).map(Some)
            })
            .await
        })
    }

    fn delete_bot<'a>(&'a self, enterprise_id: Option<&'a str>, team_id: Option<&'a str>) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let workspace = self.workspace(enterprise_id, team_id)?;
            blocking(move || {
                let _lock = workspace.lock()?;
                remove_if_present(&workspace.bot)
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
            let workspace = self.workspace(enterprise_id, team_id)?;
            let user = user_id.map(|u| workspace.installation(Some(u))).transpose()?;
            blocking(move || {
                let _lock = workspace.lock()?;
                delete_installations(&workspace, user.as_deref())
            })
            .await
        })
    }

    fn delete_all<'a>(&'a self, enterprise_id: Option<&'a str>, team_id: Option<&'a str>) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let workspace = self.workspace(enterprise_id, team_id)?;
            blocking(move || {
                let _lock = workspace.lock()?;
                remove_if_present(&workspace.bot)?;
                delete_installations(&workspace, None)
            })
            .await
        })
    }

    fn claim_refresh<'a>(&'a self, target: &'a TokenTarget, version: u64, lease: Duration) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(async move {
            let target = target.clone();
            self.run(move |store| {
                store.update_target(&target, |record| {
                    let now = now_millis();
                    if record.version() != version || record.lease_until().is_some_and(|until| until >= now) {
                        return Ok(false);
                    }
                    *record.lease_until() = Some(now.saturating_add(lease.as_millis() as u64));
                    Ok(true)
                })
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
            let (target, token) = (target.clone(), token.clone());
            self.run(move |store| {
                let cipher = store.cipher.as_ref();
                store.update_target(&target, |record| {
                    if record.version() != version {
                        return Ok(false);
                    }
                    match record {
                        Target::Bot(r) => {
                            let (e, t) = (r.enterprise_id.as_deref(), r.team_id.as_deref());
                            r.bot_token = seal(cipher, token.access_token.secret(), &bot_context(e, t, "bot_token"))?;
                            let refresh = seal(cipher, token.refresh_token.secret(), &bot_context(e, t, "bot_refresh_token"))?;
                            r.bot_refresh_token = Some(refresh);
                            r.bot_token_expires_at = Some(token.expires_at);
                            r.version += 1;
                            r.lease_until = None;
                        }
                        Target::User(r) => {
                            let (e, t, u) = (r.enterprise_id.as_deref(), r.team_id.as_deref(), r.user_id.as_deref());
                            let access = seal(cipher, token.access_token.secret(), &installation_context(e, t, u, "user_token"))?;
                            let refresh = seal(cipher, token.refresh_token.secret(), &installation_context(e, t, u, "user_refresh_token"))?;
                            r.user_token = Some(access);
                            r.user_refresh_token = Some(refresh);
                            r.user_token_expires_at = Some(token.expires_at);
                            r.version += 1;
                            r.lease_until = None;
                        }
                    }
                    Ok(true)
                })
            })
            .await
        })
    }

    fn release_refresh<'a>(&'a self, target: &'a TokenTarget, version: u64) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let target = target.clone();
            self.run(move |store| {
                store.update_target(&target, |record| {
                    if record.version() != version || record.lease_until().is_none() {
                        return Ok(false);
                    }
                    *record.lease_until() = None;
                    Ok(true)
                })
            })
            .await?;
            Ok(())
        })
    }
}

/// Deletes one installation of a workspace (`user`: its file), or all of them.
/// The caller holds the workspace's lock.
fn delete_installations(workspace: &Workspace, user: Option<&Path>) -> Result<(), StoreError> {
    if let Some(path) = user {
        return remove_if_present(path);
    }
    let entries = match fs::read_dir(&workspace.installations) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io(&workspace.installations)(e)),
    };
    for entry in entries {
        let entry = entry.map_err(io(&workspace.installations))?;
        remove_if_present(&entry.path())?;
    }
    // Best effort: the folder is recreated by the next save anyway.
    let _ = fs::remove_dir(&workspace.installations);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::sqlite::tests::shared::{self, installation};

    fn cipher() -> TokenCipher {
        TokenCipher::from_base64(&TokenCipher::generate_key().unwrap()).unwrap()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn of_a_hundred_concurrent_consumers_exactly_one_wins() {
        let dir = tempfile::tempdir().unwrap();
        shared::consume_once_among_a_hundred(Arc::new(FileStateStore::new(dir.path()).unwrap())).await;
    }

    #[tokio::test]
    async fn unknown_expired_used_and_data_are_told_apart() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStateStore::new(dir.path().join("states")).unwrap().with_expiry(Duration::from_millis(30));
        shared::outcomes_are_told_apart(&store).await;
        // Nothing but state files was written, and nothing outside the folder.
        for entry in fs::read_dir(dir.path().join("states")).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            assert!(name.ends_with(".state") || name.ends_with(".used"), "{name}");
        }
    }

    #[tokio::test]
    async fn consumed_states_keep_no_data_and_old_ones_are_swept() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStateStore::new(dir.path()).unwrap();
        let state = store.issue_with(Some("verifier".into())).await.unwrap();
        assert!(store.consume(state.secret()).await.unwrap());
        let used = dir.path().join(format!("{}.used", state.secret()));
        assert!(!fs::read_to_string(&used).unwrap().contains("verifier"));

        let ancient = SystemTime::now() - REMEMBER_USED - DEFAULT_EXPIRY - Duration::from_secs(60);
        File::options().write(true).open(&used).unwrap().set_modified(ancient).unwrap();
        let kept = store.issue().await.unwrap();
        store.last_sweep.store(0, Ordering::Relaxed);
        store.issue().await.unwrap();
        assert_eq!(store.take(state.secret()).await.unwrap(), StateOutcome::Unknown);
        assert!(store.consume(kept.secret()).await.unwrap());
    }

    #[tokio::test]
    async fn the_stores_survive_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let key = TokenCipher::generate_key().unwrap();
        let states = FileStateStore::new(dir.path().join("states")).unwrap();
        let installations =
            FileInstallationStore::new(dir.path().join("installations")).unwrap().with_cipher(TokenCipher::from_base64(&key).unwrap());
        installations.save(&installation(Some("E1"), Some("T1"), "U1", Some("xoxb-1"))).await.unwrap();
        let state = states.issue_with(Some("data".into())).await.unwrap();
        drop((states, installations));

        let states = FileStateStore::new(dir.path().join("states")).unwrap();
        let installations =
            FileInstallationStore::new(dir.path().join("installations")).unwrap().with_cipher(TokenCipher::from_base64(&key).unwrap());
        let found = installations.find_installation(Some("E1"), Some("T1"), Some("U1")).await.unwrap().unwrap();
        let mut expected = installation(Some("E1"), Some("T1"), "U1", Some("xoxb-1"));
        expected.version = found.version;
        assert_eq!(found, expected);
        assert_eq!(states.take(state.secret()).await.unwrap(), StateOutcome::Valid { data: Some("data".into()) });
    }

    #[tokio::test]
    async fn enterprise_wide_installations_are_found_from_workspaces() {
        let dir = tempfile::tempdir().unwrap();
        shared::enterprise_wide_installations_are_found_from_workspaces(&FileInstallationStore::new(dir.path()).unwrap()).await;
    }

    #[tokio::test]
    async fn installations_carry_the_current_bot() {
        let dir = tempfile::tempdir().unwrap();
        shared::installations_carry_the_current_bot(&FileInstallationStore::new(dir.path()).unwrap()).await;
    }

    #[tokio::test]
    async fn deletes_forget() {
        let dir = tempfile::tempdir().unwrap();
        shared::deletes_forget(&FileInstallationStore::new(dir.path()).unwrap()).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn of_twenty_concurrent_claims_exactly_one_wins() {
        let dir = tempfile::tempdir().unwrap();
        shared::of_twenty_claims_exactly_one_wins(Arc::new(FileInstallationStore::new(dir.path()).unwrap())).await;
    }

    #[tokio::test]
    async fn rotation_is_compare_and_swap() {
        let dir = tempfile::tempdir().unwrap();
        shared::rotation_is_compare_and_swap(&FileInstallationStore::new(dir.path()).unwrap()).await;
    }

    #[tokio::test]
    async fn rotation_is_compare_and_swap_when_encrypted() {
        let dir = tempfile::tempdir().unwrap();
        shared::rotation_is_compare_and_swap(&FileInstallationStore::new(dir.path()).unwrap().with_cipher(cipher())).await;
    }

    #[tokio::test]
    async fn tokens_are_encrypted_at_rest() {
        let dir = tempfile::tempdir().unwrap();
        let key = TokenCipher::generate_key().unwrap();
        let store = FileInstallationStore::new(dir.path()).unwrap().with_cipher(TokenCipher::from_base64(&key).unwrap());
        store.save(&installation(None, Some("T1"), "U1", Some("xoxb-1"))).await.unwrap();
        assert_eq!(store.find_bot(None, Some("T1")).await.unwrap().unwrap().bot_token.secret(), "xoxb-1");

        let workspace = store.workspace(None, Some("T1")).unwrap();
        let raw_bot = fs::read_to_string(&workspace.bot).unwrap();
        let raw_installation = fs::read_to_string(workspace.installation(Some("U1")).unwrap()).unwrap();
        for plain in ["xoxb-1", "xoxb-1-refresh"] {
            assert!(!raw_bot.contains(plain));
        }
        for plain in ["xoxp-U1", "xoxe-U1", "secret-path"] {
            assert!(!raw_installation.contains(plain));
        }
        assert!(raw_bot.contains("enc:v1:") && raw_installation.contains("enc:v1:"));

        let keyless = FileInstallationStore::new(dir.path()).unwrap();
        assert!(matches!(keyless.find_bot(None, Some("T1")).await, Err(StoreError::KeyRequired { field: "bot_token" })));
        assert!(matches!(keyless.find_installation(None, Some("T1"), Some("U1")).await, Err(StoreError::KeyRequired { .. })));
        let wrong = FileInstallationStore::new(dir.path()).unwrap().with_cipher(cipher());
        assert!(matches!(wrong.find_bot(None, Some("T1")).await, Err(StoreError::Decrypt { field: "bot_token" })));
        assert!(matches!(wrong.find_installation(None, Some("T1"), Some("U1")).await, Err(StoreError::Decrypt { .. })));

        // A plain store stays readable once a key is configured.
        let plain_dir = tempfile::tempdir().unwrap();
        FileInstallationStore::new(plain_dir.path())
            .unwrap()
            .save(&installation(None, Some("T1"), "U1", Some("xoxb-plain")))
            .await
            .unwrap();
        let with_key = FileInstallationStore::new(plain_dir.path()).unwrap().with_cipher(cipher());
        assert_eq!(with_key.find_bot(None, Some("T1")).await.unwrap().unwrap().bot_token.secret(), "xoxb-plain");
    }

    #[tokio::test]
    async fn ids_cannot_escape_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("store");
        let store = FileInstallationStore::new(&root).unwrap();
        store.save(&installation(Some("../../E"), Some("/etc/T"), "..\\U", Some("xoxb-1"))).await.unwrap();
        let found = store.find_installation(Some("../../E"), Some("/etc/T"), Some("..\\U")).await.unwrap().unwrap();
        assert_eq!(found.user_id.as_deref(), Some("..\\U"));
        // Everything written is inside the store's folder.
        let outside: Vec<_> = fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(outside, vec![std::ffi::OsString::from("store")]);
        let long = "T".repeat(300);
        assert!(matches!(store.find_bot(None, Some(&long)).await, Err(StoreError::InvalidValue { .. })));
    }

    #[tokio::test]
    async fn a_newer_record_format_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileInstallationStore::new(dir.path()).unwrap();
        store.save(&installation(None, Some("T1"), "U1", Some("xoxb-1"))).await.unwrap();
        let path = store.workspace(None, Some("T1")).unwrap().bot;
        let text = fs::read_to_string(&path).unwrap().replacen("\"format\": 1", "\"format\": 7", 1);
        fs::write(&path, text).unwrap();
        assert!(matches!(store.find_bot(None, Some("T1")).await, Err(StoreError::SchemaTooNew { found: 7, supported: 1 })));
        fs::write(&path, "{ not json").unwrap();
        assert!(matches!(store.find_bot(None, Some("T1")).await, Err(StoreError::Corrupt { .. })));
    }

    #[tokio::test]
    async fn a_record_under_another_name_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileInstallationStore::new(dir.path()).unwrap();
        store.save(&installation(None, Some("T1"), "U1", Some("xoxb-1"))).await.unwrap();
        let (t1, t2) = (store.workspace(None, Some("T1")).unwrap(), store.workspace(None, Some("T2")).unwrap());
        fs::copy(&t1.bot, &t2.bot).unwrap();
        assert!(matches!(store.find_bot(None, Some("T2")).await, Err(StoreError::Corrupt { .. })));
        fs::create_dir_all(&t2.installations).unwrap();
        fs::copy(t1.installation(Some("U1")).unwrap(), t2.installation(Some("U2")).unwrap()).unwrap();
        assert!(matches!(store.find_installation(None, Some("T2"), Some("U2")).await, Err(StoreError::Corrupt { .. })));
    }

    const CHILD: &str = "app::file::tests::child_consumes_fifty_times";

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn of_two_processes_consuming_one_state_exactly_one_wins() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileStateStore::new(dir.path()).unwrap();
        let state = store.issue().await.unwrap();
        let env = [("SDKGEN_TEST_STATE_DIR", dir.path().display().to_string()), ("SDKGEN_TEST_STATE", state.secret().to_string())];
        let wins = tokio::task::spawn_blocking(move || shared::wins_of_two_processes(CHILD, &env)).await.unwrap();
        assert_eq!(wins, 1);
        assert_eq!(store.take(state.secret()).await.unwrap(), StateOutcome::AlreadyUsed);
    }

    /// Run by the test above in child processes.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    #[ignore = "run as a child process by of_two_processes_consuming_one_state_exactly_one_wins"]
    async fn child_consumes_fifty_times() {
        let (Ok(dir), Ok(state)) = (std::env::var("SDKGEN_TEST_STATE_DIR"), std::env::var("SDKGEN_TEST_STATE")) else {
            return;
        };
        shared::consume_fifty_times_as_child(Arc::new(FileStateStore::new(dir).unwrap()), state).await;
    }
}
