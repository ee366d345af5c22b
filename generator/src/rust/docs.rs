//! Description text → doc attributes.
//!
//! Descriptions are Markdown written for a web page, not for rustdoc. Left as they
//! are, indented lines become doctests that fail to compile, `[foo]` becomes a broken
//! intra-doc link, `<b>` an unclosed HTML tag and a bare URL a lint warning. This
//! module rewrites just enough to keep `cargo doc` and `cargo test` clean, and turns
//! each line into a Rust string literal, so no text from the description can end
//! up as code. Descriptions written in HTML (Stripe's `<p>...</p>`) are first
//! converted to Markdown by `htmd`.

/// A Rust string literal holding `s` exactly.
pub fn lit(s: &str) -> String {
    // `{:?}` on a str is a valid Rust string literal (quotes, backslashes and
    // control characters escaped).
    format!("{s:?}")
}

/// Doc lines for `text`, each a string literal that starts with a space (so the
/// formatter prints `/// text`).
pub fn doc_lines(text: &str) -> Vec<String> {
    // Tabs: four spaces (clippy's `tabs_in_doc_comments`).
    let text = text.replace("\r\n", "\n").replace('\r', "\n").replace('\t', "    ");
    let text = match is_html(&text).then(|| htmd::convert(&text)) {
        Some(Ok(markdown)) => markdown,
        _ => text,
    };
    let text = join_split_links(&text);
    let mut out = Vec::new();
    let mut in_fence = false;
    let mut blank_run = 0;
    // Width of the marker of the list item being continued, if any: lines are
    // trimmed, so a continuation line is indented to the item's text again (a
    // "lazy" one reads as a mistake to clippy's `doc_lazy_continuation`).
    let mut list_indent: Option<usize> = None;
    for raw in text.trim().lines() {
        let trimmed = raw.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            list_indent = None;
            let fence = &trimmed[..3];
            out.push(lit(&if in_fence { format!(" {fence}") } else { format!(" {fence}text") }));
            in_fence = !in_fence;
            blank_run = 0;
            continue;
        }
        if in_fence {
            out.push(lit(&format!(" {}", raw.trim_end())));
            continue;
        }
        if trimmed.is_empty() {
            list_indent = None;
            blank_run += 1;
            if blank_run == 1 {
                out.push(lit(""));
            }
            continue;
        }
        blank_run = 0;
        let indent = match list_marker_width(trimmed) {
            Some(width) => {
                list_indent = Some(width);
                0
            }
            None => list_indent.unwrap_or(0),
        };
        out.push(lit(&format!(" {:indent$}{}", "", markdown_line(trimmed))));
    }
    if in_fence {
        out.push(lit(" ```"));
    }
    out
}

/// Elements whose tags mark a description as HTML rather than Markdown with
/// a stray `<`.
const HTML_TAGS: &[&str] = &[
    "<p>", "</p>", "<a href", "</a>", "<code>", "<ul>", "<ol>", "<li>", "<br>", "<br/>", "<br />", "<strong>", "<em>", "<b>", "</b>",
    "<i>", "</i>", "<pre>", "<h1>", "<h2>", "<h3>", "<h4>", "<table>", "<div>",
];

fn is_html(text: &str) -> bool {
    text.contains('<') && HTML_TAGS.iter().any(|t| text.contains(t))
}

/// `[link text that\nwraps](dest)`: the text joined onto one line, since each
/// line is escaped on its own (a split link would lose its brackets).
fn join_split_links(text: &str) -> String {
    if !text.contains('[') {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<char> = chars.clone();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '[' {
            let close = chars[i + 1..].iter().position(|&c| c == ']' || c == '[').map(|p| i + 1 + p);
            if let Some(close) = close.filter(|&c| chars[c] == ']' && chars.get(c + 1) == Some(&'(')) {
                let inner = &chars[i + 1..close];
                let blank_line = inner.windows(2).any(|w| w == ['\n', '\n']);
                if !blank_line {
                    for (k, c) in inner.iter().enumerate() {
                        if *c == '\n' {
                            out[i + 1 + k] = ' ';
                        }
                    }
                }
                i = close;
            }
        }
        i += 1;
    }
    out.into_iter().collect()
}

/// The width of the list marker a line starts with (`- `, `* `, `+ `, `1. `,
/// `1) `), marker and space included.
fn list_marker_width(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    if bytes.len() >= 2 && matches!(bytes[0], b'-' | b'*' | b'+') && bytes[1] == b' ' {
        return Some(2);
    }
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if (1..=9).contains(&digits) && matches!(bytes.get(digits), Some(b'.' | b')')) && bytes.get(digits + 1) == Some(&b' ') {
        return Some(digits + 2);
    }
    None
}

/// Doc lines for several paragraphs, blank line between them.
pub fn doc_paragraphs<'a>(parts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in parts {
        let lines = doc_lines(part);
        if lines.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(lit(""));
        }
        out.extend(lines);
    }
    out
}

/// Escapes one line of prose outside code blocks.
fn markdown_line(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    let mut i = 0;
    let mut in_code = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            // An unmatched backtick would swallow the rest of the paragraph.
            if in_code || chars[i + 1..].contains(&'`') {
                in_code = !in_code;
                out.push(c);
            } else {
                out.push_str("\\`");
            }
            i += 1;
            continue;
        }
        if in_code {
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '[' => {
                if let Some((end, dest)) = link_at(&chars, i) {
                    if is_external(&dest) {
                        let text: String = chars[i + 1..end].iter().collect();
                        out.push('[');
                        out.push_str(&escape_plain(&text));
                        out.push_str("](");
                        out.push_str(&dest);
                        out.push(')');
                        i = end + 2 + dest.chars().count() + 1;
                        continue;
                    }
                }
                out.push_str("\\[");
            }
            ']' => out.push_str("\\]"),
            '<' => {
                let rest: String = chars[i + 1..].iter().collect();
                if let Some(close) = rest.find('>').filter(|_| is_url_start(&rest)) {
                    out.push('<');
                    out.push_str(&rest[..close]);
                    out.push('>');
                    i += 1 + rest[..close].chars().count() + 1;
                    continue;
                }
                out.push_str("&lt;");
            }
            '>' => out.push_str("&gt;"),
            'h' if is_url_start(&chars[i..].iter().take(8).collect::<String>()) && (i == 0 || !matches!(chars[i - 1], '(' | '<' | '/')) => {
                let mut end = i;
                while end < chars.len() && !chars[end].is_whitespace() && !matches!(chars[end], ')' | '>' | ']' | '"' | '\'' | '`') {
                    end += 1;
                }
                while end > i && matches!(chars[end - 1], '.' | ',' | ';' | ':' | '!' | '?') {
                    end -= 1;
                }
                out.push('<');
                out.extend(&chars[i..end]);
                out.push('>');
                i = end;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

fn escape_plain(text: &str) -> String {
    text.replace('[', "\\[").replace(']', "\\]").replace('<', "&lt;").replace('>', "&gt;")
}

fn is_url_start(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://")
}

fn is_external(dest: &str) -> bool {
    is_url_start(dest) || dest.starts_with("mailto:") || dest.starts_with('#') || dest.starts_with('/')
}

/// `[text](dest)` starting at `start`: the index of `]` and the destination.
fn link_at(chars: &[char], start: usize) -> Option<(usize, String)> {
    let close = start + chars[start..].iter().position(|&c| c == ']')?;
    if chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let dest_start = close + 2;
    let dest_len = chars[dest_start..].iter().position(|&c| c == ')')?;
    let dest: String = chars[dest_start..dest_start + dest_len].iter().collect();
    if dest.contains(char::is_whitespace) {
        return None;
    }
    Some((close, dest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_is_made_safe_for_rustdoc() {
        let lines = doc_lines("See [below](#channels) or [x](chat.postMessage).\n    indented code\n<x> is 1 < 2 https://api.slack.com/x.");
        assert_eq!(
            lines,
            vec![
                lit(" See [below](#channels) or \\[x\\](chat.postMessage)."),
                lit(" indented code"),
                lit(" &lt;x&gt; is 1 &lt; 2 <https://api.slack.com/x>."),
            ]
        );
    }

    #[test]
    fn html_descriptions_become_markdown() {
        let lines = doc_lines(
            "<p>Retrieves a <strong>Customer</strong> object. See <a href=\"https://stripe.com/docs/api\">the API</a>.</p><p>Second.</p>",
        );
        assert_eq!(
            lines,
            vec![lit(" Retrieves a **Customer** object. See [the API](https://stripe.com/docs/api)."), lit(""), lit(" Second."),]
        );
    }

    #[test]
    fn links_split_over_lines_are_joined() {
        let lines = doc_lines("Use [the dispute\nobject](https://stripe.com/docs/api#disputes) to\nrespond.");
        assert_eq!(lines, vec![lit(" Use [the dispute object](https://stripe.com/docs/api#disputes) to"), lit(" respond.")]);
    }

    #[test]
    fn fences_become_text_blocks_and_are_closed() {
        let lines = doc_lines("a\n```json\n{\"x\": [1]}");
        assert_eq!(lines, vec![lit(" a"), lit(" ```text"), lit(" {\"x\": [1]}"), lit(" ```")]);
    }

    #[test]
    fn list_continuation_lines_are_indented_to_the_item() {
        let lines = doc_lines("Kinds:\n- `a`: the first\nkind of thing\n10. ten\n    more\n\nafter");
        assert_eq!(
            lines,
            vec![
                lit(" Kinds:"),
                lit(" - `a`: the first"),
                lit("   kind of thing"),
                lit(" 10. ten"),
                lit("     more"),
                lit(""),
                lit(" after"),
            ]
        );
    }

    #[test]
    fn tabs_become_spaces() {
        assert_eq!(doc_lines("a\tb\n```\n\tcode\n```"), vec![lit(" a    b"), lit(" ```text"), lit("     code"), lit(" ```")]);
    }

    #[test]
    fn literals_escape_everything() {
        assert_eq!(lit("a\"b\\c\n*/ {{ x }}"), "\"a\\\"b\\\\c\\n*/ {{ x }}\"");
    }
}
