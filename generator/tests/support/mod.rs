//! What the generator's tests share: a description modelled or rendered in
//! memory, as `sdkgen generate` would, under the name `spec.yaml` (YAML reads
//! JSON too). Diagnostics name that file.

// Each test binary uses the part it needs.
#![allow(dead_code)]

use std::path::Path;

use sdkgen::model::Api;
use sdkgen::render::FileSet;
use sdkgen::settings::Settings;

/// The model of `text` with `settings`; panics with the diagnostic.
pub fn model_with(text: &str, settings: &Settings) -> Api {
    let path = Path::new("spec.yaml");
    let loaded = sdkgen::load::load_str(path, text).unwrap_or_else(|d| panic!("load: {d}"));
    sdkgen::model::build(&loaded.api, path, settings).unwrap_or_else(|d| panic!("model: {d}"))
}

/// The model of `text` with default settings.
pub fn model(text: &str) -> Api {
    model_with(text, &Settings::default())
}

/// Every file of the crate generated from `text` with `settings`.
pub fn render_with(text: &str, settings: Settings) -> FileSet {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.yaml");
    std::fs::write(&spec, text).unwrap();
    let mut job = sdkgen::settings::single(&spec, &dir.path().join("out"), None).unwrap();
    job.settings = settings;
    sdkgen::workflow::render_job(&job, dir.path()).unwrap_or_else(|d| panic!("render: {d}"))
}

/// Every file of the crate generated from `text` with default settings.
pub fn render(text: &str) -> FileSet {
    render_with(text, Settings::default())
}
