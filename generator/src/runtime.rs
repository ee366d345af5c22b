//! How a generated crate reaches the runtime crate (`sdkgen-runtime`): by
//! version from a registry, by a path to a checkout, or as a copy vendored
//! into the output folder, so the SDK builds anywhere, offline, without this
//! repository.

use std::path::{Component, Path, PathBuf};

/// The runtime's package name.
pub const PACKAGE: &str = "sdkgen-runtime";

/// Where vendored runtime files go, relative to the output folder.
pub const VENDOR_DIR: &str = "vendor/sdkgen-runtime";

/// The runtime crate's files, compiled into the binary so `--runtime vendor`
/// works wherever `sdkgen` runs.
pub const FILES: &[(&str, &str)] = &[
    ("Cargo.toml", include_str!("../../runtime/Cargo.toml")),
    ("LICENSE", include_str!("../../runtime/LICENSE")),
    ("README.md", include_str!("../../runtime/README.md")),
    ("src/app/crypto.rs", include_str!("../../runtime/src/app/crypto.rs")),
    ("src/app/error.rs", include_str!("../../runtime/src/app/error.rs")),
    ("src/app/file.rs", include_str!("../../runtime/src/app/file.rs")),
    ("src/app/install.rs", include_str!("../../runtime/src/app/install.rs")),
    ("src/app/installation.rs", include_str!("../../runtime/src/app/installation.rs")),
    ("src/app/mod.rs", include_str!("../../runtime/src/app/mod.rs")),
    ("src/app/oidc.rs", include_str!("../../runtime/src/app/oidc.rs")),
    ("src/app/post.rs", include_str!("../../runtime/src/app/post.rs")),
    ("src/app/rotation.rs", include_str!("../../runtime/src/app/rotation.rs")),
    ("src/app/signature.rs", include_str!("../../runtime/src/app/signature.rs")),
    ("src/app/sqlite.rs", include_str!("../../runtime/src/app/sqlite.rs")),
    ("src/app/state.rs", include_str!("../../runtime/src/app/state.rs")),
    ("src/app/testdata/README.md", include_str!("../../runtime/src/app/testdata/README.md")),
    ("src/app/testdata/oidc_other_key.pem", include_str!("../../runtime/src/app/testdata/oidc_other_key.pem")),
    ("src/app/testdata/oidc_test_jwks.json", include_str!("../../runtime/src/app/testdata/oidc_test_jwks.json")),
    ("src/app/testdata/oidc_test_key.pem", include_str!("../../runtime/src/app/testdata/oidc_test_key.pem")),
    ("src/call.rs", include_str!("../../runtime/src/call.rs")),
    ("src/de.rs", include_str!("../../runtime/src/de.rs")),
    ("src/error.rs", include_str!("../../runtime/src/error.rs")),
    ("src/hooks.rs", include_str!("../../runtime/src/hooks.rs")),
    ("src/lib.rs", include_str!("../../runtime/src/lib.rs")),
    ("src/oauth.rs", include_str!("../../runtime/src/oauth.rs")),
    ("src/pagination.rs", include_str!("../../runtime/src/pagination.rs")),
    ("src/params.rs", include_str!("../../runtime/src/params.rs")),
    ("src/request.rs", include_str!("../../runtime/src/request.rs")),
    ("src/response.rs", include_str!("../../runtime/src/response.rs")),
    ("src/retry.rs", include_str!("../../runtime/src/retry.rs")),
    ("src/secret.rs", include_str!("../../runtime/src/secret.rs")),
    ("src/transport.rs", include_str!("../../runtime/src/transport.rs")),
];

/// The runtime's version (from its Cargo.toml).
pub fn version() -> &'static str {
    let manifest = FILES[0].1;
    manifest.lines().find_map(|line| line.strip_prefix("version = \"").and_then(|rest| rest.strip_suffix('"'))).unwrap_or("0.1.0")
}

/// How the generated crate depends on the runtime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Runtime {
    /// By version only, as a crate from crates.io (or a private registry).
    Registry,
    /// A copy in `vendor/sdkgen-runtime/` of the output folder.
    Vendor,
    /// A checkout of the runtime crate, as a path relative to the output folder.
    Path(String),
}

impl Runtime {
    /// Reads `registry`, `vendor` or a path; a path given on the command line
    /// is relative to the current folder, made relative to `out_dir` here.
    pub fn parse(value: &str, base: &Path, out_dir: &Path) -> Runtime {
        match value {
            "registry" => Runtime::Registry,
            "vendor" => Runtime::Vendor,
            path => Runtime::Path(relative(&absolute(base, Path::new(path)), &absolute(base, out_dir))),
        }
    }

    /// The default for an output folder: the repository's own runtime crate
    /// when there is one, else a vendored copy.
    pub fn default_for(repo_root: &Path, out_dir: &Path) -> Runtime {
        let checkout = repo_root.join("runtime");
        let is_runtime = std::fs::read_to_string(checkout.join("Cargo.toml"))
            .is_ok_and(|m| m.lines().any(|l| l.trim() == format!("name = \"{PACKAGE}\"")));
        if is_runtime {
            let cwd = std::env::current_dir().unwrap_or_default();
            Runtime::Path(relative(&absolute(&cwd, &checkout), &absolute(&cwd, out_dir)))
        } else {
            Runtime::Vendor
        }
    }

    /// The dependency's table in the generated Cargo.toml.
    pub fn dependency(&self) -> String {
        let version = version();
        match self {
            Runtime::Registry => format!("{{ version = \"{version}\", default-features = false }}"),
            Runtime::Vendor => format!("{{ version = \"{version}\", path = \"{VENDOR_DIR}\", default-features = false }}"),
            Runtime::Path(path) => format!("{{ version = \"{version}\", path = {path:?}, default-features = false }}"),
        }
    }

    /// Files to write into the output folder.
    pub fn vendored_files(&self) -> Vec<(PathBuf, &'static str)> {
        match self {
            Runtime::Vendor => FILES.iter().map(|(path, text)| (Path::new(VENDOR_DIR).join(path), *text)).collect(),
            _ => Vec::new(),
        }
    }
}

fn absolute(base: &Path, path: &Path) -> PathBuf {
    let joined = if path.is_absolute() { path.to_path_buf() } else { base.join(path) };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `target` relative to `from` (both absolute and normalised), with `/`.
fn relative(target: &Path, from: &Path) -> String {
    let t: Vec<_> = target.components().collect();
    let f: Vec<_> = from.components().collect();
    let common = t.iter().zip(&f).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); f.len() - common];
    parts.extend(t[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    if parts.is_empty() { ".".to_string() } else { parts.join("/") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_made_relative_to_the_output_folder() {
        let base = Path::new("/work/repo");
        assert_eq!(Runtime::parse("runtime", base, Path::new("generated/slack")), Runtime::Path("../../runtime".into()));
        assert_eq!(Runtime::parse("/opt/rt", base, Path::new("/tmp/out")), Runtime::Path("../../opt/rt".into()));
        assert_eq!(Runtime::parse("vendor", base, Path::new("x")), Runtime::Vendor);
    }

    #[test]
    fn every_runtime_source_file_is_embedded() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
        let mut on_disk = Vec::new();
        let mut dirs = vec![root.join("src")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    on_disk.push(path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/"));
                }
            }
        }
        on_disk.sort();
        let embedded: Vec<String> = FILES.iter().map(|(p, _)| p.to_string()).filter(|p| p.starts_with("src/")).collect();
        assert_eq!(embedded, on_disk);
        let manifest: toml::Value = toml::from_str(FILES[0].1).unwrap();
        assert_eq!(manifest["package"]["version"].as_str(), Some(version()));
    }
}
