//! In-process Rust formatting: `syn` parses, `prettyplease` prints. No rustfmt
//! subprocess per file.

/// Parses and pretty-prints one Rust file; on failure, the parser's message.
///
/// (proc-macro2's `span-locations` would give line numbers, but makes every parse
/// about 20% slower; a failure here is a template bug, reported with the text.)
pub fn rust(text: &str) -> Result<String, String> {
    if text.len() > CHUNKED {
        if let Some(printed) = by_chunks(text) {
            return Ok(space_items(&printed));
        }
    }
    let file = syn::parse_file(text).map_err(|e| e.to_string())?;
    Ok(space_items(&prettyplease::unparse(&file)))
}

/// Files longer than this are parsed and printed a run of items at a time:
/// the syntax tree of a whole file takes some 40 times its text (a 12 MB
/// controller of Microsoft Graph took 500 MB).
const CHUNKED: usize = 256 * 1024;

/// The least text parsed at once when parsing by chunks.
const CHUNK: usize = 64 * 1024;

/// Parses and prints `text` a run of top-level items at a time; `None` when a
/// run does not parse on its own (the whole file is then parsed, which also
/// gives the error). Items print the same alone as in a file: prettyplease
/// ends every top-level item with a hard break.
fn by_chunks(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut start = 0;
    for end in item_ends(text).into_iter().chain(std::iter::once(text.len())) {
        if end - start < CHUNK && end != text.len() {
            continue;
        }
        let file = syn::parse_file(&text[start..end]).ok()?;
        // Only the first run may hold the file's inner attributes (`//!`):
        // elsewhere they would be an error in the whole file.
        if start > 0 && (!file.attrs.is_empty() || file.shebang.is_some()) {
            return None;
        }
        out.push_str(&prettyplease::unparse(&file));
        start = end;
    }
    Some(out)
}

/// Where top-level items may end: after a `;` or `}` outside any bracket,
/// string or comment, when what follows starts an item (an attribute, a doc
/// comment, a keyword items begin with). A guess: a wrong one makes a run that
/// does not parse, and [`by_chunks`] gives up.
fn item_ends(text: &str) -> Vec<usize> {
    const STARTS: &[&str] = &[
        "#",
        "///",
        "/**",
        "pub ",
        "pub(",
        "fn ",
        "impl",
        "struct ",
        "enum ",
        "mod ",
        "use ",
        "const ",
        "static ",
        "type ",
        "trait ",
        "async ",
        "unsafe ",
        "extern ",
        "macro_rules!",
    ];
    let bytes = text.as_bytes();
    let mut ends = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let mut nest = 0usize;
                while i < bytes.len() {
                    if bytes[i] == b'/' && bytes.get(i + 1) == Some(&b'*') {
                        nest += 1;
                        i += 2;
                    } else if bytes[i] == b'*' && bytes.get(i + 1) == Some(&b'/') {
                        nest -= 1;
                        i += 2;
                        if nest == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                continue;
            }
            b'r' if !ident_before(bytes, i) && matches!(bytes.get(i + 1), Some(b'"' | b'#')) => {
                // A raw string: r"…", r#"…"#, … (or an identifier `r#name`).
                let hashes = bytes[i + 1..].iter().take_while(|&&b| b == b'#').count();
                if bytes.get(i + 1 + hashes) == Some(&b'"') {
                    let close: Vec<u8> = std::iter::once(b'"').chain(std::iter::repeat_n(b'#', hashes)).collect();
                    let body = i + 2 + hashes;
                    i = match bytes[body..].windows(close.len()).position(|w| w == close.as_slice()) {
                        Some(at) => body + at + close.len(),
                        None => return Vec::new(),
                    };
                    continue;
                }
                i += 1;
                continue;
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
                continue;
            }
            b'\'' => {
                // A char literal ('x', '\n', '\u{..}', '\'') or a lifetime ('a).
                if bytes.get(i + 1) == Some(&b'\\') {
                    i += 2;
                    while i < bytes.len() && bytes[i] != b'\'' {
                        i += 1;
                    }
                    i += 1;
                    continue;
                }
                let len = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                if bytes.get(i + 1 + len) == Some(&b'\'') {
                    i += 2 + len;
                    continue;
                }
                i += 1;
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                if depth == 0 {
                    return Vec::new();
                }
                depth -= 1;
                if depth == 0 && bytes[i] == b'}' && starts_item(text, i + 1, STARTS) {
                    ends.push(i + 1);
                }
            }
            b';' if depth == 0 && starts_item(text, i + 1, STARTS) => ends.push(i + 1),
            _ => {}
        }
        i += 1;
    }
    ends
}

/// Whether `bytes[i]` continues an identifier (so `r` there is not a raw string's).
fn ident_before(bytes: &[u8], i: usize) -> bool {
    i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')
}

/// Whether an item starts at `at`, after white space and plain comments.
fn starts_item(text: &str, at: usize, starts: &[&str]) -> bool {
    let mut rest = &text[at..];
    loop {
        rest = rest.trim_start();
        if rest.starts_with("//") && !rest.starts_with("///") && !rest.starts_with("//!") {
            rest = rest.find('\n').map_or("", |n| &rest[n..]);
            continue;
        }
        break;
    }
    starts.iter().any(|s| rest.starts_with(s))
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

    #[test]
    fn a_long_file_prints_the_same_by_chunks() {
        let mut text = String::from("//! Docs.\n\nuse a::{b, c};\n");
        for i in 0..4000 {
            text.push_str(&format!(
                "/// Doc {i}.\n#[derive(Debug)]\npub struct S{i} {{ a: &'static str, b: char }}\n\
                 impl S{i} {{ const X: char = '}}'; fn f(&self) -> &'static str {{ let _ = r#\"}};\"#; \"{{\\\"}}\" }} }}\n\
                 // a comment }}\nconst C{i}: u8 = {{ 1 }};\n"
            ));
        }
        assert!(text.len() > super::CHUNKED);
        let whole = super::space_items(&prettyplease::unparse(&syn::parse_file(&text).unwrap()));
        let printed = super::by_chunks(&text).expect("splits");
        assert_eq!(super::space_items(&printed), whole);
        assert_eq!(super::rust(&text).unwrap(), whole);
        // Inner attributes after the first run are an error of the whole file.
        let late = format!("{text}\n//! Late.\nfn g() {{}}\n");
        assert!(super::by_chunks(&late).is_none() || super::rust(&late).is_err());
        assert!(super::rust(&late).is_err());
    }
}
