//! What the fuzz targets share: the pipeline they drive (load → model → plan; never
//! render, which is slow and only formats what plan decided).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use sdkgen::settings::{SdkJob, Settings};

/// The folder the fuzzed document pretends to live in. It holds a few small files
/// (`common.yaml`, `common.json`) so that relative `$ref`s to other files reach real
/// documents; the fuzzed document itself is never written to disk.
pub fn base_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("ext"))
}

/// Runs one document through load, model building and planning. Diagnostics are
/// the expected outcome for most inputs; only panics, stack overflows, hangs and
/// running out of memory are bugs.
///
/// With `SDKGEN_FUZZ_VERBOSE` set, prints how far each input got (for checking
/// seeds: `cargo fuzz run <target> seeds/<target> -- -runs=0`).
pub fn pipeline(text: &str, json: bool) {
    let dir = base_dir();
    let path = dir.join(if json { "fuzz.json" } else { "fuzz.yaml" });
    let loaded = match sdkgen::load::load_str(&path, text) {
        Ok(loaded) => loaded,
        Err(d) => return verbose(|| format!("load: {d}")),
    };
    let settings = Settings { spec: Some(path.clone()), ..Settings::default() };
    let api = match sdkgen::model::build(&loaded.api, &path, &settings) {
        Ok(api) => api,
        Err(d) => return verbose(|| format!("model: {d}")),
    };
    let job = SdkJob {
        name: "fuzz".into(),
        settings_path: None,
        spec_path: path,
        overlay_paths: Vec::new(),
        settings,
        out_dir: dir.join("out"),
        origin: sdkgen::settings::Origin::Repository,
        runtime: sdkgen::runtime::Runtime::Registry,
        changelog: None,
    };
    match sdkgen::rust::plan(&api, &job, dir) {
        Ok(_) => verbose(|| format!("ok: {} operations, {} types, {} warnings", api.operations.len(), api.types.len(), api.warnings.len())),
        Err(d) => verbose(|| format!("plan: {d}")),
    }
}

/// With `SDKGEN_FUZZ_DUMP=<file>` set, writes the document about to be run there
/// (for turning a `mutate_spec` artifact into a plain spec for a regression test).
pub fn dump(text: &str) {
    static TO: OnceLock<Option<PathBuf>> = OnceLock::new();
    if let Some(file) = TO.get_or_init(|| std::env::var_os("SDKGEN_FUZZ_DUMP").map(PathBuf::from)) {
        let _ = std::fs::write(file, text);
    }
}

fn verbose(message: impl FnOnce() -> String) {
    static ON: OnceLock<bool> = OnceLock::new();
    if *ON.get_or_init(|| std::env::var_os("SDKGEN_FUZZ_VERBOSE").is_some()) {
        eprintln!("{}", message());
    }
}
