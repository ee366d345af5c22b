//! Inputs the fuzz targets in `generator/fuzz` (see its README) found sdkgen
//! panicking, overflowing the stack, hanging or running out of memory on, each
//! minimized and run through the same public pipeline the targets drive: load →
//! model → plan. Each must end in `Ok` or a clean diagnostic, never a crash.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use sdkgen::Diagnostic;
use sdkgen::settings::{SdkJob, Settings};

/// load → model → plan, as `sdkgen_fuzz::pipeline` does; `name` picks the format.
fn pipeline(name: &str, text: &str) -> Result<(), Diagnostic> {
    let path = Path::new(name);
    let loaded = sdkgen::load::load_str(path, text)?;
    let settings = Settings { spec: Some(path.to_path_buf()), ..Settings::default() };
    let api = sdkgen::model::build(&loaded.api, path, &settings)?;
    let job = SdkJob {
        name: "fuzz".into(),
        settings_path: None,
        spec_path: path.to_path_buf(),
        overlay_paths: Vec::new(),
        settings,
        out_dir: PathBuf::from("out"),
        origin: sdkgen::settings::Origin::Repository,
        runtime: sdkgen::runtime::Runtime::Registry,
        changelog: None,
    };
    sdkgen::rust::plan(&api, &job, Path::new(".")).map(|_| ())
}

/// Runs the pipeline and fails the test if it takes longer than `limit`.
fn timed(name: &str, text: &str, limit: Duration) -> Result<(), Diagnostic> {
    let start = Instant::now();
    let result = pipeline(name, text);
    let took = start.elapsed();
    assert!(took < limit, "took {took:?} (limit {limit:?})");
    result
}

/// Found by hand while reviewing what the fuzzers reach (`inline_local`), an OOM:
/// a parameter list made of references to another parameter list, repeated over a
/// few paths. Such references (to a node that is not an entry of `components`) are
/// replaced by copies of their target, a round at a time, and the copies' own
/// references are copied in the next round, so the document grew exponentially:
/// 3.3 KB (ten references per list over eight paths) went past the fuzzers' 4 GB
/// limit in `inline_local`. This is the same shape with six per list.
/// Fixed in `load::refs::inline_local`: at most `MAX_INLINED_NODES` are copied.
#[test]
fn references_to_lists_of_references_do_not_multiply_without_bound() {
    let text = r##"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{
"/p0":{"parameters":[{"name":"x","in":"query","schema":{"type":"string"}}]},
"/p1":{"parameters":[{"$ref":"#/paths/~1p0/parameters"},{"$ref":"#/paths/~1p0/parameters"},{"$ref":"#/paths/~1p0/parameters"},{"$ref":"#/paths/~1p0/parameters"},{"$ref":"#/paths/~1p0/parameters"},{"$ref":"#/paths/~1p0/parameters"}]},
"/p2":{"parameters":[{"$ref":"#/paths/~1p1/parameters"},{"$ref":"#/paths/~1p1/parameters"},{"$ref":"#/paths/~1p1/parameters"},{"$ref":"#/paths/~1p1/parameters"},{"$ref":"#/paths/~1p1/parameters"},{"$ref":"#/paths/~1p1/parameters"}]},
"/p3":{"parameters":[{"$ref":"#/paths/~1p2/parameters"},{"$ref":"#/paths/~1p2/parameters"},{"$ref":"#/paths/~1p2/parameters"},{"$ref":"#/paths/~1p2/parameters"},{"$ref":"#/paths/~1p2/parameters"},{"$ref":"#/paths/~1p2/parameters"}]},
"/p4":{"parameters":[{"$ref":"#/paths/~1p3/parameters"},{"$ref":"#/paths/~1p3/parameters"},{"$ref":"#/paths/~1p3/parameters"},{"$ref":"#/paths/~1p3/parameters"},{"$ref":"#/paths/~1p3/parameters"},{"$ref":"#/paths/~1p3/parameters"}]},
"/p5":{"parameters":[{"$ref":"#/paths/~1p4/parameters"},{"$ref":"#/paths/~1p4/parameters"},{"$ref":"#/paths/~1p4/parameters"},{"$ref":"#/paths/~1p4/parameters"},{"$ref":"#/paths/~1p4/parameters"},{"$ref":"#/paths/~1p4/parameters"}]},
"/p6":{"parameters":[{"$ref":"#/paths/~1p5/parameters"},{"$ref":"#/paths/~1p5/parameters"},{"$ref":"#/paths/~1p5/parameters"},{"$ref":"#/paths/~1p5/parameters"},{"$ref":"#/paths/~1p5/parameters"},{"$ref":"#/paths/~1p5/parameters"}]},
"/p7":{"parameters":[{"$ref":"#/paths/~1p6/parameters"},{"$ref":"#/paths/~1p6/parameters"},{"$ref":"#/paths/~1p6/parameters"},{"$ref":"#/paths/~1p6/parameters"},{"$ref":"#/paths/~1p6/parameters"},{"$ref":"#/paths/~1p6/parameters"}]}
}}"##;
    let err = timed("fuzz.json", text, Duration::from_secs(20)).unwrap_err();
    assert!(err.message.contains("nodes to the document"), "{err}");
    assert!(err.message.contains("#/paths/~1p"), "{err}");
    assert!(err.location.pointer.as_deref().is_some_and(|p| p.starts_with("/paths/~1p")), "{err}");
    assert!(err.location.line_col.is_some(), "{err}");
    assert!(err.hint.as_deref().is_some_and(|h| h.contains("components")), "{err}");
}

/// Found by `mutate_spec` (a timeout, artifact `/////yiIKIg=`: the multiauth
/// sample with one security requirement's scope list replaced by `{"$ref": "#"}`).
/// A reference that is not in a schema, to a node that is not an entry of
/// `components`, is replaced by a copy of its target; when the target contains
/// the reference (here: the whole document) the copy contains it again, one
/// level deeper. Eight rounds of that grew the sample 256-fold and 1,539 levels
/// deep, and loading ended in a misleading "nests 1539 levels deep (after merging
/// referenced files)" only after 0.7 s (over 10 s under the fuzzer).
/// Fixed in `load::refs::inline_local`: such a reference is a diagnostic.
#[test]
fn a_reference_to_the_node_that_contains_it_is_a_diagnostic() {
    let text = r##"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"security":[{"s":{"$ref":"#"}}],"responses":{"200":{"description":"OK"}}}}}}"##;
    let err = timed("fuzz.json", text, Duration::from_secs(5)).unwrap_err();
    assert!(err.message.contains("`$ref` `#` leads back into the node it refers to"), "{err}");
    assert_eq!(err.location.pointer.as_deref(), Some("/paths/~1a/get/security/0/s"), "{err}");
    assert!(err.location.line_col.is_some(), "{err}");
    assert!(err.hint.as_deref().is_some_and(|h| h.contains("point it at the object meant")), "{err}");
}

/// The same loop through two nodes: each response's header refers to the other
/// response, so each copy brings the other reference back. It is caught in the
/// second round, where the reference sits in a copy; the diagnostic then names
/// the target, which is a place in the file as written.
#[test]
fn two_responses_that_refer_to_each_other_are_a_diagnostic() {
    let text = r##"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      responses:
        '200':
          description: A
          headers:
            h: {$ref: '#/paths/~1b/get/responses/200'}
  /b:
    get:
      responses:
        '200':
          description: B
          headers:
            h: {$ref: '#/paths/~1a/get/responses/200'}
"##;
    let err = timed("fuzz.yaml", text, Duration::from_secs(5)).unwrap_err();
    assert!(err.message.contains("leads back into the node it refers to"), "{err}");
    let pointer = err.location.pointer.as_deref().unwrap_or_default();
    assert!(pointer == "/paths/~1a/get/responses/200" || pointer == "/paths/~1b/get/responses/200", "{err}");
    assert!(err.location.line_col.is_some_and(|(line, _)| line == 7 || line == 14), "{err}");
}

/// Found by review while fixing the two above: the path-item test in
/// `load::refs::inline_local` split the holder's JSON pointer as a URI fragment,
/// percent-decoding it, so a path with a `%` in it (`/files/%zz`) was not seen to
/// be a path item and its reference to `components/pathItems` was left in place:
/// "path item references are not supported" for a valid 3.1 document.
#[test]
fn a_path_item_reference_under_a_path_with_a_percent_sign_is_copied() {
    let text = r##"openapi: 3.1.0
info: {title: t, version: '1'}
paths:
  /files/%zz:
    $ref: '#/components/pathItems/Files'
  /files/%41:
    $ref: '#/components/pathItems/Files'
components:
  pathItems:
    Files:
      get:
        responses:
          '200': {description: OK}
"##;
    timed("fuzz.yaml", text, Duration::from_secs(5)).unwrap_or_else(|d| panic!("{d}"));
}
