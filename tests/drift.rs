//! The checked-in SDKs under `generated/` are exactly what the generator writes.
//!
//! On drift this prints the diff. `SDKGEN_BLESS=1 cargo test --test drift` rewrites
//! the files and still fails, so a blessed run is never mistaken for a passing one
//! (never when `CI` is set, so CI cannot bless its own drift).

use std::path::PathBuf;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

#[test]
fn generated_sdks_match_the_generator() {
    let root = repo_root();
    let jobs = sdkgen::settings::discover(&root.join("specs"), &root.join("generated")).unwrap_or_else(|d| panic!("{d}"));
    let bless = std::env::var_os("SDKGEN_BLESS").is_some() && std::env::var_os("CI").is_none();
    // generated/ belongs to the generator by the repository's layout, so
    // blessing may take over files written before it kept a manifest.
    let mode = if bless { sdkgen::workflow::Mode::Write { force: true } } else { sdkgen::workflow::Mode::Check };
    let outcomes = sdkgen::workflow::run(&jobs, &root, mode).unwrap_or_else(|d| panic!("{d}"));
    let mut failures = String::new();
    for o in &outcomes {
        if !o.drift.is_empty() {
            failures.push_str(&o.report);
            let what = if bless { "drifted; blessed: the files were rewritten" } else { "drifted" };
            failures.push_str(&format!("{}: generated code {what}\n", o.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{failures}\nfix: cargo run -p sdkgen -- generate   (or SDKGEN_BLESS=1 cargo test -p sdkgen-tests --test drift)"
    );
}
