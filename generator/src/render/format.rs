//! In-process Rust formatting: `syn` parses, `prettyplease` prints. No rustfmt
//! subprocess per file.

/// Parses and pretty-prints one Rust file; on failure, the parser's message.
///
/// (proc-macro2's `span-locations` would give line numbers, but makes every parse
/// about 20% slower; a failure here is a template bug, reported with the text.)
pub fn rust(text: &str) -> Result<String, String> {
    let file = syn::parse_file(text).map_err(|e| e.to_string())?;
    Ok(space_items(&prettyplease::unparse(&file)))
}

/// prettyplease prints items back to back; a blank line between an item's closing
/// brace and the next item at the same depth reads like hand-written code.
fn space_items(text: &str) -> String {
    const ITEM_STARTS: &[&str] =
        &["///", "#[", "pub ", "fn ", "async fn", "impl", "struct ", "enum ", "mod ", "const ", "type ", "trait ", "macro_rules!"];
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut prev: Option<&str> = None;
    for line in text.lines() {
        if let Some(p) = prev {
            let indent = |l: &str| l.len() - l.trim_start().len();
            let t = p.trim();
            let is_import = ["use ", "pub use ", "mod ", "pub mod ", "pub(crate) mod "].iter().any(|s| t.starts_with(s));
            let closes = matches!(t, "}" | "};")
                || t.ends_with("{}")
                || (t.ends_with(';') && !is_import && !t.starts_with("//") && ITEM_STARTS.iter().any(|s| t.starts_with(s)));
            let next = line.trim_start();
            let next_is_import = ["use ", "pub use ", "mod ", "pub mod ", "pub(crate) mod "].iter().any(|s| next.starts_with(s));
            let after_module_docs = t.starts_with("//!") && !next.starts_with("//!");
            let after_imports = is_import && !next_is_import && !next.is_empty() && indent(p) == indent(line);
            if after_module_docs
                || after_imports
                || (closes && indent(p) == indent(line) && ITEM_STARTS.iter().any(|s| line.trim_start().starts_with(s)))
            {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        prev = Some(line);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_and_reports_errors() {
        assert_eq!(super::rust("fn  a( ){let x=1;}").unwrap(), "fn a() {\n    let x = 1;\n}\n");
        assert_eq!(
            super::rust("struct A{} impl A{fn a(){} fn b(){}}").unwrap(),
            "struct A {}\n\nimpl A {\n    fn a() {}\n\n    fn b() {}\n}\n"
        );
        let msg = super::rust("fn a() {\n  let = ;\n}").unwrap_err();
        assert!(msg.contains("expected"), "{msg}");
    }
}
