//! Per-SDK settings: `specs/<sdk>/sdkgen.toml`.
//!
//! Everything that is particular to one API (its crate name, the quirks of its
//! description) lives here, so the generator itself carries no special cases.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diag::Diagnostic;

/// The file name sdkgen looks for in each folder under `specs/`.
pub const SETTINGS_FILE: &str = "sdkgen.toml";

/// Settings of one SDK.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The API description, relative to the settings file. Needed when the
    /// settings are found under `specs/`; `--spec` takes its place otherwise.
    pub spec: Option<PathBuf>,
    /// OpenAPI Overlay 1.0 documents applied in order to the description before it
    /// is read, relative to the settings file.
    #[serde(default)]
    pub overlays: Vec<PathBuf>,
    /// The generated package.
    #[serde(default, rename = "crate")]
    pub krate: CrateSettings,
    /// What the crate's docs show.
    #[serde(default)]
    pub docs: DocsSettings,
    /// Credentials and security quirks.
    #[serde(default)]
    pub auth: AuthSettings,
    /// How responses are read.
    #[serde(default)]
    pub responses: ResponseSettings,
    /// Per-operation overrides, keyed by operationId.
    #[serde(default)]
    pub operations: BTreeMap<String, OperationSettings>,
    /// Tag used for operations that declare none.
    #[serde(default)]
    pub default_tag: Option<String>,
    /// Where operations that declare no tag go: all into one controller
    /// (`"default"`, named by `default_tag`), or one controller per first path
    /// segment (`"path"`, version segments such as `v1` skipped).
    #[serde(default)]
    pub untagged: Untagged,
    /// How the API pages its lists, when it does.
    #[serde(default)]
    pub pagination: Option<PaginationSettings>,
    /// The OAuth app layer (install flow, stores, rotation, signatures,
    /// OpenID Connect), generated behind the crate's `app` feature when set.
    #[serde(default)]
    pub app: Option<AppSettings>,
    /// A folder of `<name>.tera` files replacing built-in templates, relative
    /// to the settings file (`--templates` on the command line wins).
    #[serde(default)]
    pub templates: Option<PathBuf>,
}

/// The OAuth *app* layer of an API whose OAuth 2 authorization-code scheme
/// installs an application in many workspaces (or accounts): what the
/// runtime's generic install flow needs to know of this API.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppSettings {
    /// The OAuth 2 scheme (with an authorization-code flow) installs go through.
    pub scheme: String,
    /// The consent page's parameter for the installer's own scopes, when the
    /// provider has one (Slack: `user_scope`).
    pub user_scope_param: Option<String>,
    /// Whether installs send a PKCE challenge.
    #[serde(default)]
    pub pkce: bool,
    /// How long before expiry rotating tokens are refreshed (default 120).
    pub rotation_window_minutes: Option<u64>,
    /// Environment variable of the secret incoming requests are signed with.
    pub signing_secret_env: Option<String>,
    /// Environment variable of the key tokens are encrypted with at rest.
    pub encryption_key_env: Option<String>,
    /// Environment variable of the bot scopes asked for at install.
    pub scopes_env: Option<String>,
    /// Environment variable of the installer's scopes asked for at install.
    pub user_scopes_env: Option<String>,
    /// Where each field of an installation is in the token response (JSON
    /// pointers), keyed by field name (`bot_token = "/access_token"`).
    #[serde(default)]
    pub installation: BTreeMap<String, String>,
    /// A call made with the new bot token to learn who the bot is.
    pub identity: Option<AppIdentitySettings>,
    /// How the API signs the requests it sends to the application.
    pub signature: Option<AppSignatureSettings>,
    /// OpenID Connect sign-in.
    pub openid: Option<AppOpenIdSettings>,
}

/// See [`AppSettings::identity`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppIdentitySettings {
    /// The operation (operationId) called with the bot token.
    pub operation: String,
    /// JSON pointer of the bot's id in its response.
    pub bot_id: Option<String>,
    /// JSON pointer of the enterprise's URL in its response.
    pub enterprise_url: Option<String>,
}

/// See [`AppSettings::signature`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppSignatureSettings {
    /// Header holding the signature.
    pub signature_header: String,
    /// Header holding the request's timestamp (seconds since the Unix epoch).
    pub timestamp_header: String,
    /// The signed text, with `{timestamp}` and `{body}` placeholders.
    pub base_string: String,
    /// What precedes the hex HMAC-SHA256 digest in the signature header.
    #[serde(default)]
    pub signature_prefix: String,
    /// How old (or how far ahead) a request may be, in seconds (default 300).
    pub max_age_seconds: Option<u64>,
}

/// See [`AppSettings::openid`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppOpenIdSettings {
    /// The consent page of sign-ins.
    pub authorization_url: String,
    /// The operation (operationId) codes are exchanged at.
    pub token_operation: String,
    /// The operation (operationId) of the UserInfo endpoint.
    pub userinfo_operation: String,
    /// The `iss` of the provider's id tokens.
    pub issuer: String,
    /// Where the provider's signing keys are (JWKS).
    pub jwks_url: String,
    /// Scopes asked for (default `openid`, `email`, `profile`).
    #[serde(default)]
    pub scopes: Vec<String>,
}

/// How the API pages its lists. Every operation that takes the style's
/// request parameter (optionally) and answers with a page of items gets
/// `pages()` and `items()` streams.
///
/// - `cursor` (default): `cursor_param` carries the cursor, `next_cursor` (a
///   property or JSON pointer) holds the next one; empty or missing ends the walk.
/// - `offset`: `offset_param` moves on by the number of items read; an empty
///   page ends the walk.
/// - `page`: `page_param` counts pages from `first_page` (default 1); an
///   empty page ends the walk.
/// - `link`: the `Link` header's `rel="next"` URL gives the next value of
///   `link_param` (GitHub: `page`); no next link ends the walk.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaginationSettings {
    /// The style.
    #[serde(default)]
    pub style: PaginationStyle,
    /// Cursor style: the request parameter carrying the cursor (Slack: `cursor`).
    pub cursor_param: Option<String>,
    /// Cursor style: where the next cursor is in the response.
    pub next_cursor: Option<String>,
    /// Offset style: the request parameter carrying the offset.
    pub offset_param: Option<String>,
    /// Page style: the request parameter carrying the page number.
    pub page_param: Option<String>,
    /// Page style: the number of the first page.
    pub first_page: Option<i64>,
    /// Link style: the query parameter of the next link to carry over.
    pub link_param: Option<String>,
    /// The response property holding the items (default: the response's one
    /// required array, or the response itself when it is an array).
    pub items: Option<String>,
}

/// See [`PaginationSettings`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PaginationStyle {
    /// A cursor in the response.
    #[default]
    Cursor,
    /// An offset moved on by the items read.
    Offset,
    /// A page number.
    Page,
    /// The `Link` header's next URL.
    Link,
}

impl PaginationSettings {
    /// The request parameter the style moves on, or what is missing.
    pub fn param(&self) -> Result<&str, &'static str> {
        let (value, key) = match self.style {
            PaginationStyle::Cursor => (&self.cursor_param, "cursor_param"),
            PaginationStyle::Offset => (&self.offset_param, "offset_param"),
            PaginationStyle::Page => (&self.page_param, "page_param"),
            PaginationStyle::Link => (&self.link_param, "link_param"),
        };
        value.as_deref().ok_or(key)
    }
}

/// See [`Settings::untagged`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Untagged {
    /// One controller for all of them.
    #[default]
    Default,
    /// One controller per first path segment.
    Path,
}

/// The generated package's identity.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrateSettings {
    /// Package name, e.g. `slack-web-api`. Defaults to the spec title in kebab case.
    pub name: Option<String>,
    /// Package version. Defaults to `0.1.0`.
    pub version: Option<String>,
    /// One-line description. Defaults to the spec title.
    pub description: Option<String>,
    /// Name of the client type. Defaults to the package name in Pascal case + `Client`.
    pub client: Option<String>,
    /// Licence of the generated crate (SPDX).
    pub license: Option<String>,
    /// How the crate reaches the runtime crate: `registry` (by version),
    /// `vendor` (a copy in the output folder) or a path to a checkout of it,
    /// relative to this settings file. Defaults to the repository's
    /// `runtime/` when there is one, else `vendor`.
    pub runtime: Option<String>,
}

/// What the crate's quick start (README and lib docs) shows.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocsSettings {
    /// The call of the quick start, with an error-handling example.
    pub example: Option<ExampleCall>,
    /// A paginated operation walked item by item in the quick start.
    pub paginated_example: Option<ExampleCall>,
}

/// An operation and the values to show for its parameters.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleCall {
    /// The operation id.
    pub operation: String,
    /// Values by parameter (or body property) name: every required one, and
    /// optional ones to show their setters.
    #[serde(default)]
    pub arguments: BTreeMap<String, String>,
}

/// Security quirks of a description.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthSettings {
    /// Parameters that repeat the credential (e.g. a `token` parameter beside an
    /// OAuth 2 scheme). They are removed from the generated API: the configured
    /// credential is sent instead.
    #[serde(default)]
    pub credential_parameters: Vec<String>,
    /// Scopes that mean "no scope at all": a requirement that asks only for these
    /// is treated as optional (the credential is sent when configured).
    #[serde(default)]
    pub anonymous_scopes: Vec<String>,
    /// Per security scheme settings, keyed by scheme name.
    #[serde(default)]
    pub schemes: BTreeMap<String, SchemeSettings>,
}

/// Settings of one security scheme.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemeSettings {
    /// Environment variable the access token (or key) is read from.
    pub token_env: Option<String>,
    /// Token endpoint, where the description omits it.
    pub token_url: Option<String>,
    /// Authorization endpoint, to use instead of the description's.
    pub authorization_url: Option<String>,
    /// Environment variables of OAuth 2 client credentials.
    pub client_id_env: Option<String>,
    /// See `client_id_env`.
    pub client_secret_env: Option<String>,
    /// See `client_id_env`.
    pub redirect_uri_env: Option<String>,
    /// What joins scopes in requests (RFC 6749: a space; Slack: a comma).
    pub scope_separator: Option<String>,
    /// How the client authenticates at the token endpoint: `basic` (default) or `post`.
    pub token_auth: Option<TokenAuth>,
}

/// How a client authenticates at an OAuth 2 token endpoint (RFC 6749 §2.3.1).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenAuth {
    /// HTTP Basic with the client id and secret.
    #[default]
    Basic,
    /// The client id and secret in the form body.
    Post,
}

/// How responses are read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseSettings {
    /// Property of an error body holding the machine-readable error code, or a
    /// JSON pointer to it (`/error/code`); read even where the error schema does
    /// not declare it. Defaults to the first of `error`, `code`, `error_code`
    /// that the error schema declares.
    pub error_code_property: Option<String>,
    /// Property (or JSON pointer) of an error body holding a human-readable
    /// message. Defaults to the first of `message`, `error_description`,
    /// `detail`, `title` that the error schema declares.
    pub error_message_property: Option<String>,
}

/// Overrides for one operation.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationSettings {
    /// Media type to send the request body as, e.g. `multipart/form-data` where the
    /// description lists only `application/x-www-form-urlencoded` but the API takes uploads.
    pub request_media_type: Option<String>,
    /// Body fields that carry file contents (sent as a file part in multipart bodies).
    #[serde(default)]
    pub binary_fields: Vec<String>,
    /// Whether a server error or a lost connection may be retried (default:
    /// for idempotent methods only; an RPC read sent as POST can say `true`,
    /// a GET with side effects `false`). 429 is retried for every operation.
    pub retry_safe: Option<bool>,
}

/// One SDK to generate: its settings and where they came from.
#[derive(Debug, Clone)]
pub struct SdkJob {
    /// Short name, the folder name under `specs/` (and under `generated/`).
    pub name: String,
    /// The settings file, if there is one.
    pub settings_path: Option<PathBuf>,
    /// The API description.
    pub spec_path: PathBuf,
    /// Overlays to apply to the description, in order.
    pub overlay_paths: Vec<PathBuf>,
    /// The settings.
    pub settings: Settings,
    /// Output folder.
    pub out_dir: PathBuf,
    /// How the job was asked for, which decides how to regenerate it.
    pub origin: Origin,
    /// How the generated crate reaches the runtime crate.
    pub runtime: crate::runtime::Runtime,
    /// The changelog to copy into the crate instead of the one beside the
    /// settings (`generate --bump` renders with the entry it is adding).
    pub changelog: Option<String>,
}

/// How a job was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Found under `specs/` of a repository.
    Repository,
    /// Given by `--spec`, `--out` and perhaps `--settings`.
    Paths {
        /// `--spec` as given.
        spec: PathBuf,
        /// `--out` as given.
        out: PathBuf,
        /// `--settings` as given.
        settings: Option<PathBuf>,
    },
}

impl SdkJob {
    /// The folder of template overrides, resolved against the folder of the
    /// settings file (an absolute path, as `--templates` gives, stays as it is).
    pub fn templates_dir(&self) -> Option<PathBuf> {
        let dir = self.settings_path.as_deref().and_then(Path::parent).unwrap_or(Path::new(""));
        self.settings.templates.as_ref().map(|t| dir.join(t))
    }
}

impl Origin {
    /// The exact command that regenerates the SDK, for drift reports.
    pub fn command(&self) -> String {
        match self {
            Origin::Repository => "cargo run -p sdkgen -- generate".into(),
            Origin::Paths { spec, out, settings } => {
                let mut cmd = format!("sdkgen generate --spec {} --out {}", spec.display(), out.display());
                if let Some(s) = settings {
                    cmd.push_str(&format!(" --settings {}", s.display()));
                }
                cmd
            }
        }
    }

    /// How to regenerate, in words that do not depend on where the output
    /// went, for file headers (the same description generates the same files
    /// into any folder).
    pub fn header(&self) -> String {
        match self {
            Origin::Repository => "run `cargo run -p sdkgen -- generate`".into(),
            Origin::Paths { settings: Some(_), .. } => "run `sdkgen generate` again with the same --spec, --settings and --out".into(),
            Origin::Paths { settings: None, .. } => "run `sdkgen generate` again with the same --spec and --out".into(),
        }
    }
}

/// Reads one settings file.
pub fn read(path: &Path) -> Result<Settings, Diagnostic> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostic::new(path, format!("cannot read settings file: {e}"))
            .hint(format!("create {} with at least `spec = \"<file>\"`", path.display()))
    })?;
    let settings = toml::from_str::<Settings>(&text).map_err(|e| {
        let mut d = Diagnostic::new(path, format!("invalid settings: {}", e.message()));
        if let Some(span) = e.span() {
            let (line, col) = line_col(&text, span.start);
            d = d.at_line(line, col);
        }
        d.hint("see the settings reference in README.md")
    })?;
    check_overlays(path, &text, &settings)?;
    check_templates(path, &text, &settings)?;
    check_pagination(path, &text, &settings)?;
    Ok(settings)
}

/// The overlays of `settings`, resolved against the folder of the settings file.
fn overlay_paths(settings_path: &Path, settings: &Settings) -> Vec<PathBuf> {
    let dir = settings_path.parent().unwrap_or(Path::new(""));
    settings.overlays.iter().map(|o| dir.join(o)).collect()
}

/// Every listed overlay must exist: a missing one is reported at its entry.
fn check_overlays(path: &Path, text: &str, settings: &Settings) -> Result<(), Diagnostic> {
    for (i, resolved) in overlay_paths(path, settings).iter().enumerate() {
        if resolved.is_file() {
            continue;
        }
        let mut d = Diagnostic::new(path, format!("the overlay `{}` listed in `overlays` does not exist", resolved.display()))
            .hint("create the overlay or fix its path; overlay paths are relative to the folder of the settings file");
        #[derive(Deserialize)]
        struct Spans {
            overlays: Vec<toml::Spanned<String>>,
        }
        if let Some(span) = toml::from_str::<Spans>(text).ok().and_then(|s| s.overlays.get(i).map(|o| o.span())) {
            let (line, col) = line_col(text, span.start);
            d = d.at_line(line, col);
        }
        return Err(d);
    }
    Ok(())
}

/// A `templates` folder that does not exist is reported at its line, like a
/// missing overlay: rendering without the overrides would silently change the output.
fn check_templates(path: &Path, text: &str, settings: &Settings) -> Result<(), Diagnostic> {
    let Some(templates) = &settings.templates else { return Ok(()) };
    let resolved = path.parent().unwrap_or(Path::new("")).join(templates);
    if resolved.is_dir() {
        return Ok(());
    }
    let mut d = Diagnostic::new(path, format!("`templates` names {}, which is not a folder", resolved.display()))
        .hint("the path is relative to the settings file; `sdkgen templates --export DIR` writes the built-in templates to start from");
    #[derive(Deserialize)]
    struct Spans {
        templates: toml::Spanned<String>,
    }
    if let Ok(spans) = toml::from_str::<Spans>(text) {
        let (line, col) = line_col(text, spans.templates.span().start);
        d = d.at_line(line, col);
    }
    Err(d)
}

/// Finds every `specs/<sdk>/sdkgen.toml` and pairs it with `generated/<sdk>`,
/// sorted by name so runs are deterministic.
pub fn discover(specs_dir: &Path, generated_dir: &Path) -> Result<Vec<SdkJob>, Diagnostic> {
    let entries = std::fs::read_dir(specs_dir).map_err(|e| {
        Diagnostic::new(specs_dir, format!("cannot list SDK specs: {e}"))
            .hint("run sdkgen from the repository root, or pass --spec and --out for a single SDK")
    })?;
    let mut dirs: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.join(SETTINGS_FILE).is_file()).collect();
    dirs.sort();
    let mut jobs = Vec::with_capacity(dirs.len());
    for dir in dirs {
        let settings_path = dir.join(SETTINGS_FILE);
        let settings = read(&settings_path)?;
        let Some(spec) = &settings.spec else {
            return Err(Diagnostic::new(&settings_path, "the settings do not name the API description")
                .hint("add `spec = \"<file>\"` (relative to this file) at the top"));
        };
        let spec_path = dir.join(spec);
        check_spec_exists(&settings_path, &spec_path)?;
        let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let out_dir = generated_dir.join(&name);
        let repo_root = specs_dir.parent().unwrap_or(Path::new("."));
        let runtime = runtime_of(&settings, &settings_path, &out_dir, || crate::runtime::Runtime::default_for(repo_root, &out_dir));
        jobs.push(SdkJob {
            spec_path,
            overlay_paths: overlay_paths(&settings_path, &settings),
            runtime,
            out_dir,
            settings_path: Some(settings_path),
            settings,
            name,
            origin: Origin::Repository,
            changelog: None,
        });
    }
    if jobs.is_empty() {
        return Err(
            Diagnostic::new(specs_dir, "no SDKs found").hint(format!("add a folder with a {SETTINGS_FILE} under {}", specs_dir.display()))
        );
    }
    Ok(jobs)
}

/// One job from explicit paths (`--spec`, `--out`, optional `--settings`).
/// The settings' own `spec`, when present, must exist even though `--spec`
/// takes its place, so that a wrong path is never silently ignored.
pub fn single(spec: &Path, out: &Path, settings_path: Option<&Path>) -> Result<SdkJob, Diagnostic> {
    let settings = match settings_path {
        Some(p) => {
            let settings = read(p)?;
            if let Some(own) = &settings.spec {
                check_spec_exists(p, &p.parent().unwrap_or(Path::new(".")).join(own))?;
            }
            settings
        }
        None => Settings::default(),
    };
    let name = out.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    // Outside a repository's layout, the SDK carries its own copy unless the
    // settings say otherwise.
    let runtime = runtime_of(&settings, settings_path.unwrap_or(Path::new("sdkgen.toml")), out, || crate::runtime::Runtime::Vendor);
    Ok(SdkJob {
        name,
        runtime,
        overlay_paths: settings_path.map_or_else(Vec::new, |p| overlay_paths(p, &settings)),
        settings_path: settings_path.map(Path::to_path_buf),
        spec_path: spec.to_path_buf(),
        settings,
        out_dir: out.to_path_buf(),
        origin: Origin::Paths { spec: spec.to_path_buf(), out: out.to_path_buf(), settings: settings_path.map(Path::to_path_buf) },
        changelog: None,
    })
}

/// A pagination style without the keys it needs is an error, not a silent
/// absence of `pages()`.
fn check_pagination(path: &Path, text: &str, settings: &Settings) -> Result<(), Diagnostic> {
    let Some(pagination) = &settings.pagination else { return Ok(()) };
    let missing = match pagination.param() {
        Err(key) => Some(key),
        Ok(_) if pagination.style == PaginationStyle::Cursor && pagination.next_cursor.is_none() => Some("next_cursor"),
        Ok(_) => None,
    };
    let Some(key) = missing else { return Ok(()) };
    let mut d = Diagnostic::new(path, format!("[pagination] of style {:?} needs `{key}`", pagination.style).to_lowercase());
    if let Some(offset) = text.find("[pagination]") {
        let (line, col) = line_col(text, offset);
        d = d.at_line(line, col);
    }
    Err(d.hint(format!("add `{key} = \"...\"` under [pagination] (see the settings reference in README.md)")))
}

/// The runtime a job's settings ask for, or the default for its output folder.
fn runtime_of(
    settings: &Settings,
    settings_path: &Path,
    out_dir: &Path,
    default: impl FnOnce() -> crate::runtime::Runtime,
) -> crate::runtime::Runtime {
    match &settings.krate.runtime {
        Some(value) => {
            let cwd = std::env::current_dir().unwrap_or_default();
            let base = settings_path.parent().map_or_else(|| cwd.clone(), |dir| cwd.join(dir));
            crate::runtime::Runtime::parse(value, &base, &cwd.join(out_dir))
        }
        None => default(),
    }
}

fn check_spec_exists(settings_path: &Path, spec_path: &Path) -> Result<(), Diagnostic> {
    if spec_path.is_file() {
        return Ok(());
    }
    let mut d = Diagnostic::new(settings_path, format!("`spec` names {}, which does not exist", spec_path.display()));
    if let Ok(text) = std::fs::read_to_string(settings_path)
        && let Some(offset) = text.find("spec")
    {
        let (line, col) = line_col(&text, offset);
        d = d.at_line(line, col);
    }
    Err(d.hint("the path is relative to the settings file; correct it or remove the line and pass --spec"))
}

/// Operation settings must name operations the description has: a typo would
/// otherwise be silently ignored.
pub fn check_operation_keys(job: &SdkJob, operation_ids: &[&str]) -> Result<(), Diagnostic> {
    let Some(settings_path) = &job.settings_path else { return Ok(()) };
    for key in job.settings.operations.keys() {
        if operation_ids.contains(&key.as_str()) {
            continue;
        }
        let mut d = Diagnostic::new(settings_path, format!("[operations.{key}] names no operation of the description"));
        if let Ok(text) = std::fs::read_to_string(settings_path)
            && let Some(offset) = text.find(&format!("operations.{key}"))
        {
            let (line, col) = line_col(&text, offset);
            d = d.at_line(line, col);
        }
        let close = closest(key, operation_ids);
        return Err(match close {
            Some(c) => d.hint(format!("did you mean [operations.{c}]? Keys are operationIds")),
            None => d.hint("keys are operationIds as the description writes them"),
        });
    }
    Ok(())
}

/// The candidate with the fewest edits from `key`, when it is close.
pub(crate) fn closest<'a>(key: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let distance = |a: &str, b: &str| {
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut prev = row[0];
            row[0] = i + 1;
            for j in 0..b.len() {
                let cur = row[j + 1];
                row[j + 1] = (prev + usize::from(ca != b[j])).min(row[j] + 1).min(cur + 1);
                prev = cur;
            }
        }
        row[b.len()]
    };
    candidates.iter().map(|c| (distance(key, c), *c)).filter(|(d, _)| *d <= 3.max(key.len() / 4)).min().map(|(_, c)| c)
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_is_a_diagnostic_with_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SETTINGS_FILE);
        std::fs::write(&path, "spec = \"a.json\"\n[crate]\nnmae = \"x\"\n").unwrap();
        let err = read(&path).unwrap_err();
        assert_eq!(err.location.line_col.map(|l| l.0), Some(3));
        assert!(err.message.contains("nmae"), "{err}");
    }

    #[test]
    fn a_token_auth_other_than_basic_or_post_is_a_diagnostic_with_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SETTINGS_FILE);
        std::fs::write(&path, "spec = \"a.json\"\n[auth.schemes.oauth]\ntoken_auth = \"client_secret_post\"\n").unwrap();
        let err = read(&path).unwrap_err();
        assert_eq!(err.location.line_col, Some((3, 14)));
        assert!(err.message.contains("unknown variant `client_secret_post`, expected `basic` or `post`"), "{err}");
        std::fs::write(&path, "spec = \"a.json\"\n[auth.schemes.oauth]\ntoken_auth = \"post\"\n").unwrap();
        let settings = read(&path).unwrap();
        assert_eq!(settings.auth.schemes["oauth"].token_auth, Some(TokenAuth::Post));
    }

    #[test]
    fn a_pagination_style_without_its_parameter_is_a_diagnostic_with_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SETTINGS_FILE);
        std::fs::write(&path, "spec = \"a.json\"\n\n[pagination]\nstyle = \"link\"\n").unwrap();
        let err = read(&path).unwrap_err();
        assert_eq!(err.location.line_col.map(|l| l.0), Some(3));
        assert!(err.message.contains("`link_param`"), "{err}");
        std::fs::write(&path, "spec = \"a.json\"\n[pagination]\ncursor_param = \"cursor\"\n").unwrap();
        assert!(read(&path).unwrap_err().message.contains("`next_cursor`"));
        std::fs::write(&path, "spec = \"a.json\"\n[pagination]\nstyle = \"offset\"\noffset_param = \"offset\"\n").unwrap();
        assert!(read(&path).is_ok());
    }

    #[test]
    fn overlays_resolve_beside_the_settings_and_a_missing_one_is_a_diagnostic() {
        let dir = tempfile::tempdir().unwrap();
        let sdk = dir.path().join("specs").join("x");
        std::fs::create_dir_all(&sdk).unwrap();
        let path = sdk.join(SETTINGS_FILE);
        std::fs::write(sdk.join("a.overlay.yaml"), "").unwrap();
        std::fs::write(sdk.join("a.json"), "{}").unwrap();
        std::fs::write(&path, "spec = \"a.json\"\noverlays = [\n  \"a.overlay.yaml\",\n  \"gone.overlay.yaml\",\n]\n").unwrap();
        let err = read(&path).unwrap_err();
        assert!(err.message.contains("gone.overlay.yaml"), "{err}");
        assert_eq!(err.location.line_col, Some((4, 3)));

        std::fs::write(&path, "spec = \"a.json\"\noverlays = [\"a.overlay.yaml\"]\n").unwrap();
        let jobs = discover(&dir.path().join("specs"), &dir.path().join("generated")).unwrap();
        assert_eq!(jobs[0].overlay_paths, [sdk.join("a.overlay.yaml")]);
        let job = single(&sdk.join("a.json"), &dir.path().join("out"), Some(&path)).unwrap();
        assert_eq!(job.overlay_paths, [sdk.join("a.overlay.yaml")]);
    }
}
