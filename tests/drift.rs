//! The checked-in SDKs under `generated/` are exactly what the generator writes.
//!
//! On drift this prints the diff. `SDKGEN_BLESS=1 cargo test --test drift` rewrites
//! the files instead (never when `CI` is set, so CI cannot bless its own drift).

use std::path::PathBuf;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

#[test]
fn generated_sdks_match_the_generator() {
    let root = repo_root();
    let jobs = sdkgen::settings::discover(&root.join("specs"), &root.join("generated")).unwrap_or_else(|d| panic!("{d}"));
    let bless = std::env::var_os("SDKGEN_BLESS").is_some() && std::env::var_os("CI").is_none();
    let outcomes = sdkgen::workflow::run(&jobs, &root, bless).unwrap_or_else(|d| panic!("{d}"));
    let mut failures = String::new();
    for o in &outcomes {
        if !bless && !o.drift.is_empty() {
            failures.push_str(&o.report);
            failures.push_str(&format!("{}: generated code drifted\n", o.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{failures}\nfix: cargo run -p sdkgen -- generate   (or SDKGEN_BLESS=1 cargo test -p sdkgen-tests --test drift)"
    );
}
