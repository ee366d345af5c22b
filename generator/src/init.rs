//! `sdkgen init`: starts a new SDK under `specs/<name>/` from an API
//! description, with a settings file that shows what sdkgen found in the
//! description and every setting there is, commented out with an example, so a
//! user edits a file instead of reading the reference first.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use heck::ToShoutySnakeCase;
use openapiv3::{OpenAPI, ReferenceOr, SecurityScheme};

use crate::diag::Diagnostic;
use crate::load;
use crate::rust::sanitize::package_name;
use crate::settings::SETTINGS_FILE;

/// What `init` did.
#[derive(Debug, Clone)]
pub struct Initialized {
    /// The SDK's name, its folder under `specs/` (and `generated/`).
    pub name: String,
    /// The settings file written.
    pub settings_path: PathBuf,
    /// The description, as the settings name it: the copy beside them, or the
    /// original when it was already in the folder.
    pub spec_path: PathBuf,
    /// Whether the description was copied into the folder.
    pub copied: bool,
    /// Things the user should know (files the description refers to, which
    /// were not copied).
    pub warnings: Vec<String>,
}

/// Creates `root/specs/<name>/sdkgen.toml` for the description at `spec`,
/// copying the description beside it unless it is already in that folder.
/// `name` defaults to the description's title made a valid package name.
/// Nothing is written when the settings file exists already.
pub fn init(spec: &Path, name: Option<&str>, root: &Path) -> Result<Initialized, Diagnostic> {
    let loaded = load::load(spec)?;
    let api = &loaded.api;
    let name = match name {
        Some(given) => {
            let valid = package_name(given);
            if valid != given {
                return Err(Diagnostic::new(spec, format!("`{given}` is not a valid SDK name"))
                    .hint(format!("the name is a folder under specs/ and generated/ and a cargo package name; try --name {valid}")));
            }
            valid
        }
        None => package_name(&api.info.title),
    };
    let dir = root.join("specs").join(&name);
    let settings_path = dir.join(SETTINGS_FILE);
    if settings_path.exists() {
        return Err(Diagnostic::new(&settings_path, "the settings file exists already; nothing was written")
            .hint(format!("edit it, or pick another folder with --name (the SDK `{name}` is set up: run `sdkgen generate`)")));
    }

    let file_name = spec
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .ok_or_else(|| Diagnostic::new(spec, "the description's path names no file"))?;
    let inside = match (spec.canonicalize(), dir.canonicalize()) {
        (Ok(spec_abs), Ok(dir_abs)) => spec_abs.strip_prefix(&dir_abs).ok().map(Path::to_path_buf),
        _ => None,
    };
    let (spec_setting, spec_path, copied) = match inside {
        Some(relative) => {
            let shown: Vec<String> = relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
            (shown.join("/"), spec.to_path_buf(), false)
        }
        None => {
            if file_name == SETTINGS_FILE {
                return Err(Diagnostic::new(spec, format!("a description named {SETTINGS_FILE} would replace the settings"))
                    .hint("rename the description (for example to openapi.yaml) and run init again"));
            }
            (file_name.clone(), dir.join(&file_name), true)
        }
    };
    let mut warnings = Vec::new();
    let external = external_refs(spec);
    if copied && !external.is_empty() {
        warnings.push(format!(
            "the description refers to other files ({}); copy them into {} beside it",
            external.join(", "),
            dir.display()
        ));
    }

    let text = settings_text(api, &loaded.source_version, &name, &spec_setting);
    // Checked before anything is written: a reference that the settings reader
    // rejects would be a broken first experience.
    if let Err(e) = toml::from_str::<crate::settings::Settings>(&text) {
        return Err(Diagnostic::new(&settings_path, format!("sdkgen wrote settings it cannot read: {}", e.message()))
            .hint("this is a bug in sdkgen init; please report it with the description"));
    }

    std::fs::create_dir_all(&dir).map_err(|e| Diagnostic::new(&dir, format!("cannot create the folder: {e}")))?;
    if copied {
        let source = std::fs::read(spec).map_err(|e| Diagnostic::new(spec, format!("cannot read the description: {e}")))?;
        match std::fs::read(&spec_path) {
            Ok(existing) if existing == source => {}
            Ok(_) => {
                return Err(Diagnostic::new(&spec_path, "a different file of this name is in the SDK's folder; nothing was written")
                    .hint("move it away, or run init with --spec naming that file"));
            }
            Err(_) => {
                std::fs::write(&spec_path, &source).map_err(|e| Diagnostic::new(&spec_path, format!("cannot copy the description: {e}")))?
            }
        }
    }
    // `create_new`: a settings file that appeared since the check is not replaced.
    let write = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&settings_path)
        .and_then(|mut f| std::io::Write::write_all(&mut f, text.as_bytes()));
    write.map_err(|e| Diagnostic::new(&settings_path, format!("cannot write the settings: {e}")))?;
    Ok(Initialized { name, settings_path, spec_path, copied, warnings })
}

/// `$ref`s of the description that point into other files: a copy of the
/// description alone would not find them.
fn external_refs(spec: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(spec) else { return Vec::new() };
    let Ok(doc) = serde_yaml_ng::from_str::<serde_json::Value>(&text) else { return Vec::new() };
    let mut found = std::collections::BTreeSet::new();
    let mut stack = vec![&doc];
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::String(r)) = map.get("$ref")
                    && !r.starts_with('#')
                {
                    found.insert(r.split('#').next().unwrap_or(r).to_string());
                }
                stack.extend(map.values());
            }
            serde_json::Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    found.into_iter().collect()
}

/// What the description holds that the settings speak about.
struct Found<'a> {
    schemes: Vec<(&'a str, &'a SecurityScheme)>,
    /// Tag → number of operations.
    tags: BTreeMap<&'a str, usize>,
    operation_ids: Vec<&'a str>,
    untagged: usize,
    /// Operation id and its required parameters, for the quick start example.
    example: Option<(&'a str, Vec<&'a str>)>,
    /// Pagination parameters by name → how many operations take them.
    paging: BTreeMap<&'static str, usize>,
}

fn survey(api: &OpenAPI) -> Found<'_> {
    let schemes = api
        .components
        .iter()
        .flat_map(|c| c.security_schemes.iter())
        .filter_map(|(name, s)| s.as_item().map(|s| (name.as_str(), s)))
        .collect();
    let mut found = Found {
        schemes,
        tags: api.tags.iter().map(|t| (t.name.as_str(), 0)).collect(),
        operation_ids: Vec::new(),
        untagged: 0,
        example: None,
        paging: BTreeMap::new(),
    };
    for (_, _, op) in api.operations() {
        if op.tags.is_empty() {
            found.untagged += 1;
        }
        for tag in &op.tags {
            *found.tags.entry(tag.as_str()).or_default() += 1;
        }
        let Some(id) = op.operation_id.as_deref() else { continue };
        found.operation_ids.push(id);
        let params: Vec<&openapiv3::Parameter> = op.parameters.iter().filter_map(|p| parameter(api, p)).collect();
        for p in &params {
            if let openapiv3::Parameter::Query { parameter_data, .. } = p
                && let Some(name) = ["cursor", "offset", "page"].into_iter().find(|n| *n == parameter_data.name)
            {
                *found.paging.entry(name).or_default() += 1;
            }
        }
        if found.example.is_none() {
            let required = params.iter().map(|p| p.parameter_data_ref()).filter(|d| d.required).map(|d| d.name.as_str());
            found.example = Some((id, required.collect()));
        }
    }
    found
}

/// A parameter, through its `$ref` when it is one.
fn parameter<'a>(api: &'a OpenAPI, p: &'a ReferenceOr<openapiv3::Parameter>) -> Option<&'a openapiv3::Parameter> {
    match p {
        ReferenceOr::Item(p) => Some(p),
        ReferenceOr::Reference { reference } => {
            let key = reference.strip_prefix("#/components/parameters/")?;
            api.components.as_ref()?.parameters.get(key)?.as_item()
        }
    }
}

/// A TOML basic string.
fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML key: bare when it can be, quoted otherwise (`[operations."a.b"]`).
fn toml_key(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') { s.to_string() } else { toml_str(s) }
}

/// Text from the description, safe inside a `#` comment: a newline there
/// would end the comment and turn the rest into (invalid) settings.
fn plain(s: &str) -> String {
    let one_line: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let one_line = one_line.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() > 100 { format!("{}...", one_line.chars().take(97).collect::<String>()) } else { one_line }
}

/// `items` as comment lines under `label`, wrapped to a readable width.
fn listing(out: &mut String, label: &str, items: &[String]) {
    let indent = format!("#   {:<12}", "");
    let mut line = format!("#   {label:<12}");
    let mut first = true;
    for (i, item) in items.iter().enumerate() {
        let piece = if i + 1 < items.len() { format!("{item},") } else { item.clone() };
        if !first && line.chars().count() + 1 + piece.chars().count() > 88 {
            out.push_str(line.trim_end());
            out.push('\n');
            line = indent.clone();
            first = true;
        }
        if !first {
            line.push(' ');
        }
        line.push_str(&piece);
        first = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
}

fn scheme_summary(name: &str, scheme: &SecurityScheme) -> String {
    let kind = match scheme {
        SecurityScheme::APIKey { location, name: key, .. } => {
            let place = match location {
                openapiv3::APIKeyLocation::Query => "query parameter",
                openapiv3::APIKeyLocation::Header => "header",
                openapiv3::APIKeyLocation::Cookie => "cookie",
            };
            format!("API key in {place} `{}`", plain(key))
        }
        SecurityScheme::HTTP { scheme, .. } => format!("HTTP {}", plain(scheme)),
        SecurityScheme::OAuth2 { flows, .. } => {
            let names: Vec<&str> = [
                (flows.authorization_code.is_some(), "authorization code"),
                (flows.client_credentials.is_some(), "client credentials"),
                (flows.implicit.is_some(), "implicit"),
                (flows.password.is_some(), "password"),
            ]
            .into_iter()
            .filter_map(|(has, n)| has.then_some(n))
            .collect();
            format!("OAuth 2: {}", names.join(", "))
        }
        SecurityScheme::OpenIDConnect { .. } => "OpenID Connect".into(),
    };
    format!("{} ({kind})", plain(name))
}

/// The settings file: what was found, the settings in force (`spec`, the
/// crate's name), then every other setting commented out with an example.
/// Commented settings are written as `# key = value` and commented tables as
/// `# [table]` so that removing `# ` gives valid settings; explanations are
/// indented (`#   ...`) or follow the value.
fn settings_text(api: &OpenAPI, source_version: &str, name: &str, spec: &str) -> String {
    let found = survey(api);
    let title = plain(&api.info.title);
    let shouty = name.to_shouty_snake_case();
    let format = if source_version.starts_with("2.") {
        format!("Swagger {source_version} (upgraded to OpenAPI 3.0 when read)")
    } else {
        format!("OpenAPI {source_version}")
    };
    let mut o = String::new();
    let _ = writeln!(o, "# sdkgen settings for {title}, written by `sdkgen init`.");
    o.push_str(
        "#\n\
         # From the repository root, `sdkgen generate` writes every specs/<sdk>/ into\n\
         # generated/<sdk>/ and `sdkgen check` says whether generated/ is up to date.\n\
         # Every setting is below, commented out with an example: remove the `# `\n\
         # to use one. README.md (Settings) explains them in full.\n\
         #\n\
         # Found in the description:\n",
    );
    listing(&mut o, "title", std::slice::from_ref(&title));
    listing(&mut o, "version", &[plain(&api.info.version)]);
    listing(&mut o, "format", &[format]);
    let servers: Vec<String> = api.servers.iter().map(|s| plain(&s.url)).collect();
    match servers.len() {
        0 => listing(&mut o, "server", &["none (the client needs a base URL in its Configuration)".into()]),
        1 => listing(&mut o, "server", &servers),
        n => listing(&mut o, "servers", &[format!("{} (the default; {} more as Environments)", servers[0], n - 1)]),
    }
    let none = vec!["none".to_string()];
    let schemes: Vec<String> = found.schemes.iter().map(|(n, s)| scheme_summary(n, s)).collect();
    listing(&mut o, "security", if schemes.is_empty() { &none } else { &schemes });
    let mut tags: Vec<String> = found.tags.iter().map(|(t, n)| format!("{} ({n})", plain(t))).collect();
    if tags.len() > 40 {
        let more = tags.len() - 40;
        tags.truncate(40);
        tags.push(format!("and {more} more"));
    }
    listing(&mut o, "tags", if tags.is_empty() { &none } else { &tags });
    let count = api.operations().count();
    let mut ops = format!("{count}");
    if found.untagged > 0 {
        let _ = write!(ops, ", {} without a tag (see `untagged`)", found.untagged);
    }
    listing(&mut o, "operations", &[ops]);
    for (param, n) in &found.paging {
        listing(&mut o, "paging", &[format!("{n} operations take `{param}` (see [pagination])")]);
    }

    let _ = write!(
        o,
        "\n\
         # The description, relative to this file.\n\
         spec = {spec}\n\
         \n\
         # Overlay 1.0 documents fixing the description without editing it, applied\n\
         # in order (relative to this file).\n\
         # overlays = [\"fixes.overlay.yaml\"]\n\
         # Operations without a tag: \"default\" puts them in one controller named by\n\
         # default_tag; \"path\" makes one per first path segment (/v1/pets -> pets).\n\
         # untagged = \"default\"\n\
         # default_tag = \"default\"\n\
         # A folder of <name>.tera files replacing built-in templates (relative to this\n\
         # file; `sdkgen templates --list` names them, `--export DIR` writes them).\n\
         # templates = \"templates\"\n\
         \n\
         [crate]\n\
         # The package name (default: from the title; the folder under specs/ and\n\
         # generated/ is named by `sdkgen init --name`, here the same).\n\
         name = {name_lit}\n\
         # version = \"0.1.0\"\n\
         # description = {description}\n\
         # client = \"{client}Client\"        # the client type; default: name in Pascal case + Client\n\
         # license = \"MIT\"\n\
         # runtime = \"vendor\"        # \"vendor\" (a copy in the crate), \"registry\" or a path to\n\
         #                           runtime/; default: the repository's runtime/, else vendor\n",
        spec = toml_str(spec),
        name_lit = toml_str(name),
        description = toml_str(&format!("Client for {}", api.info.title)),
        client = heck::ToUpperCamelCase::to_upper_camel_case(name),
    );

    let (example_op, example_args) = found.example.clone().unwrap_or(("operationId", Vec::new()));
    let args: Vec<String> = example_args.iter().map(|a| format!("{} = \"...\"", toml_key(a))).collect();
    let _ = write!(
        o,
        "\n\
         # The quick start of README.md and the crate docs: a call (every required\n\
         # parameter, by name) and a paginated walk.\n\
         # [docs]\n\
         # example = {{ operation = {op}, arguments = {{ {args} }} }}\n\
         # paginated_example = {{ operation = {op}, arguments = {{ }} }}\n",
        op = toml_str(example_op),
        args = args.join(", "),
    );

    // The style the description's parameters suggest; cursor when none does.
    let style = if found.paging.contains_key("cursor") { "cursor" } else { found.paging.keys().next().copied().unwrap_or("cursor") };
    o.push_str(
        "\n\
         # Operations taking the style's parameter get pages() and items() streams.\n\
         #   Styles: \"cursor\" (cursor_param and next_cursor, a property or JSON pointer;\n\
         #   empty or missing ends), \"offset\" (offset_param, moved on by the items\n\
         #   read), \"page\" (page_param counted up from first_page, default 1), \"link\"\n\
         #   (link_param carried over from the Link header's rel=\"next\" URL).\n\
         # [pagination]\n",
    );
    let _ = writeln!(o, "# style = \"{style}\"");
    match style {
        "offset" => {
            o.push_str("# offset_param = \"offset\"\n#   cursor_param, next_cursor, page_param, first_page, link_param: the other styles\n")
        }
        "page" => o.push_str(
            "# page_param = \"page\"\n# first_page = 1\n#   cursor_param, next_cursor, offset_param, link_param: the other styles\n",
        ),
        _ => o.push_str(
            "# cursor_param = \"cursor\"\n\
             # next_cursor = \"/meta/next_cursor\"\n\
             #   offset_param, page_param, first_page, link_param: the other styles\n",
        ),
    }
    o.push_str("# items = \"data\"           # the property holding the items; default: the one required array\n");

    o.push_str(
        "\n\
         # [auth]\n\
         # credential_parameters = [\"token\"]  # parameters the credential already carries: removed\n\
         # anonymous_scopes = [\"none\"]        # a requirement asking only for these is optional\n",
    );
    let mut any_oauth = false;
    for (scheme, s) in &found.schemes {
        let var = scheme.to_shouty_snake_case();
        let var = if var.is_empty() { shouty.clone() } else { var };
        let _ = write!(o, "\n# {}\n# [auth.schemes.{}]\n", scheme_summary(scheme, s), toml_key(scheme));
        match s {
            SecurityScheme::OAuth2 { flows, .. } => {
                any_oauth = true;
                let _ = writeln!(o, "# token_env = \"{var}_TOKEN\"        # read by Client::from_env (this is the default)");
                if flows.authorization_code.is_none() && flows.client_credentials.is_none() && flows.password.is_none() {
                    o.push_str("# token_url = \"https://...\"     # where the description omits it\n");
                } else {
                    o.push_str("# token_url = \"https://...\"     # instead of the description's\n");
                }
                let _ = write!(
                    o,
                    "# authorization_url = \"https://...\"\n\
                     # client_id_env = \"{var}_CLIENT_ID\"\n\
                     # client_secret_env = \"{var}_CLIENT_SECRET\"\n\
                     # redirect_uri_env = \"{var}_REDIRECT_URI\"\n\
                     # scope_separator = \" \"         # what joins scopes (RFC 6749: a space)\n\
                     # token_auth = \"basic\"          # or \"post\": how the client authenticates at the token endpoint\n"
                );
            }
            SecurityScheme::APIKey { .. } => {
                let _ = writeln!(o, "# token_env = \"{var}_KEY\"          # read by Client::from_env");
            }
            _ => {
                let _ = writeln!(o, "# token_env = \"{var}_TOKEN\"        # read by Client::from_env");
            }
        }
    }
    if found.schemes.is_empty() {
        o.push_str("#   The description declares no security scheme (an overlay can add one), then:\n");
    }
    if !any_oauth {
        o.push_str(
            "#   [auth.schemes.<name>] takes token_env; OAuth 2 schemes also token_url,\n\
             #   authorization_url, client_id_env, client_secret_env, redirect_uri_env,\n\
             #   scope_separator and token_auth.\n",
        );
    }

    o.push_str(
        "\n\
         # Where error bodies keep their code and message: a property or a JSON pointer.\n\
         # [responses]\n\
         # error_code_property = \"error\"            # default: error, code or error_code\n\
         # error_message_property = \"/error/message\" # default: message, error_description, detail, title\n",
    );
    let _ = write!(
        o,
        "\n\
         # Per-operation overrides, keyed by operationId{ids}.\n\
         # [operations.{op}]\n\
         # request_media_type = \"multipart/form-data\"  # send the body as this media type\n\
         # binary_fields = [\"file\"]                   # body fields carrying file contents\n\
         # retry_safe = true                          # may a server error be retried (default: idempotent methods)\n",
        ids = if found.operation_ids.is_empty() { String::new() } else { format!(" (e.g. {})", plain(example_op)) },
        op = toml_key(example_op),
    );

    let app_scheme = found
        .schemes
        .iter()
        .find(|(_, s)| matches!(s, SecurityScheme::OAuth2 { flows, .. } if flows.authorization_code.is_some()))
        .map(|(n, _)| *n);
    let note = if app_scheme.is_some() {
        ""
    } else {
        "\n#   It needs an OAuth 2 scheme with an authorization-code flow, which this\n#   description does not declare (an overlay can add one)."
    };
    let fields = crate::rust::app::INSTALLATION_FIELDS.join(", ");
    let mut field_lines = String::new();
    listing(&mut field_lines, "fields:", &fields.split(", ").map(str::to_string).collect::<Vec<_>>());
    let _ = write!(
        o,
        "\n\
         # The OAuth app layer (crate feature `app`): installs in many workspaces or\n\
         # accounts, stores, token rotation, request signatures, OpenID Connect.{note}\n\
         # [app]\n\
         # scheme = {scheme}\n\
         # user_scope_param = \"user_scope\"   # the consent page's parameter for the installer's scopes\n\
         # pkce = false\n\
         # rotation_window_minutes = 120\n\
         # signing_secret_env = \"{shouty}_SIGNING_SECRET\"\n\
         # encryption_key_env = \"{shouty}_TOKEN_ENCRYPTION_KEY\"   # 32 bytes, base64\n\
         # scopes_env = \"{shouty}_SCOPES\"\n\
         # user_scopes_env = \"{shouty}_USER_SCOPES\"\n\
         #\n\
         # Where each installation field is in the token response (JSON pointers).\n\
         {field_lines}\
         # [app.installation]\n\
         # bot_token = \"/access_token\"\n\
         # bot_refresh_token = \"/refresh_token\"\n\
         # bot_token_expires_in = \"/expires_in\"\n\
         # bot_scopes = \"/scope\"\n\
         #\n\
         # A call with the new bot token naming the bot.\n\
         # [app.identity]\n\
         # operation = {op}\n\
         # bot_id = \"/bot_id\"\n\
         # enterprise_url = \"/url\"\n\
         #\n\
         # How the API signs its requests to the app (HMAC-SHA256).\n\
         # [app.signature]\n\
         # signature_header = \"X-Signature\"\n\
         # timestamp_header = \"X-Request-Timestamp\"\n\
         # base_string = \"v0:{{timestamp}}:{{body}}\"\n\
         # signature_prefix = \"v0=\"\n\
         # max_age_seconds = 300\n\
         #\n\
         # Sign-in with OpenID Connect.\n\
         # [app.openid]\n\
         # authorization_url = \"https://.../authorize\"\n\
         # token_operation = {op}\n\
         # userinfo_operation = {op}\n\
         # issuer = \"https://...\"\n\
         # jwks_url = \"https://.../keys\"\n\
         # scopes = [\"openid\", \"email\", \"profile\"]\n",
        scheme = toml_str(app_scheme.unwrap_or("oauthScheme")),
        op = toml_str(example_op),
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    const PETS: &str = r#"{
      "openapi": "3.0.3",
      "info": {"title": "Pet \"Store\"\nAPI", "version": "1.0.0"},
      "servers": [{"url": "https://pets.example/v1"}],
      "paths": {
        "/pets": {"get": {"operationId": "list.pets", "tags": ["pets"],
          "parameters": [{"name": "cursor", "in": "query", "schema": {"type": "string"}},
                         {"name": "kind", "in": "query", "required": true, "schema": {"type": "string"}}],
          "responses": {"200": {"description": "ok"}}}},
        "/health": {"get": {"operationId": "health", "responses": {"200": {"description": "ok"}}}}
      },
      "components": {"securitySchemes": {
        "pet auth": {"type": "oauth2", "flows": {"authorizationCode": {"authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {}}}},
        "key": {"type": "apiKey", "in": "header", "name": "X-Key"}
      }}
    }"#;

    fn text() -> String {
        let loaded = load::load_str(Path::new("pets.json"), PETS).unwrap();
        settings_text(&loaded.api, &loaded.source_version, "pet-store-api", "pets.json")
    }

    /// Every commented setting, uncommented, is a setting the reader knows:
    /// the reference cannot drift from `settings.rs` unnoticed.
    #[test]
    fn the_reference_uncommented_is_valid_settings() {
        let text = text();
        toml::from_str::<crate::settings::Settings>(&text).unwrap();
        let uncommented: String = text
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest) if rest.starts_with('[') || rest.split_once(" = ").is_some_and(|(k, _)| !k.contains(' ')) => rest.to_string(),
                _ => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        let settings: crate::settings::Settings = toml::from_str(&uncommented).unwrap_or_else(|e| panic!("{e}\n{uncommented}"));
        assert!(settings.templates.is_some() && settings.app.as_ref().unwrap().openid.is_some());
        assert!(settings.auth.schemes.contains_key("pet auth") && settings.operations.contains_key("list.pets"));
        assert!(settings.pagination.is_some() && settings.docs.example.is_some());
    }

    #[test]
    fn the_summary_names_what_the_description_holds() {
        let text = text();
        for expected in [
            "title       Pet \"Store\" API",
            "https://pets.example/v1",
            "pet auth (OAuth 2: authorization code)",
            "key (API key in header `X-Key`)",
            "pets (1)",
            "2, 1 without a tag",
            "1 operations take `cursor`",
            "[auth.schemes.\"pet auth\"]",
            "example = { operation = \"list.pets\", arguments = { kind = \"...\" } }",
        ] {
            assert!(text.contains(expected), "{expected:?} in:\n{text}");
        }
    }
}
