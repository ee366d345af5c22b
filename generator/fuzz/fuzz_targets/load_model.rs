//! Raw bytes → `sdkgen::load::load_str` → `sdkgen::model::build` → `sdkgen::rust::plan`.
//!
//! Non-UTF-8 input is skipped (files are read as UTF-8 before this stage, and the
//! reader has its own diagnostic for that). Text whose first non-space character is
//! `{` is loaded as `fuzz.json`, anything else as `fuzz.yaml`, so JSON and YAML
//! seeds both work unchanged.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let json = text.trim_start().starts_with('{');
    sdkgen_fuzz::pipeline(text, json);
});
