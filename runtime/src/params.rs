//! How parameter values are laid out on the wire: the description's `style`
//! and `explode` for query, path, header and cookie parameters (OpenAPI 3
//! "Style Values"), and percent-encoding of path segments.

use std::borrow::Cow;

use serde_json::Value;

/// How a parameter's value is laid out (the description's `style`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Style {
    /// `name=a&name=b` (exploded) or `name=a,b`; objects `k=v&k2=v2` or `name=k,v,k2,v2`.
    Form,
    /// `a,b`; objects `k=v,k2=v2` (exploded) or `k,v,k2,v2`.
    Simple,
    /// `name=a b`.
    SpaceDelimited,
    /// `name=a|b`.
    PipeDelimited,
    /// `name[k]=v&name[k2]=v2`.
    DeepObject,
    /// `.a.b` (exploded) or `.a,b`.
    Label,
    /// `;name=a;name=b` (exploded) or `;name=a,b`.
    Matrix,
}

/// A value for a query, header, cookie or form parameter that has no plain
/// text form: strings as they are, anything else as JSON.
pub fn json_param<T: serde::Serialize + ?Sized>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// A value's text inside a styled parameter: strings as they are, other scalars
/// in their JSON form, nested arrays and objects as JSON.
fn item_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The name/value pairs of a query or cookie parameter.
pub fn styled<T: serde::Serialize + ?Sized>(
    name: &'static str,
    style: Style,
    explode: bool,
    value: &T,
) -> Vec<(Cow<'static, str>, String)> {
    let joiner = match style {
        Style::SpaceDelimited => " ",
        Style::PipeDelimited => "|",
        _ => ",",
    };
    match serde_json::to_value(value).unwrap_or(Value::Null) {
        Value::Array(items) if style == Style::Form && explode => items.iter().map(|item| (Cow::Borrowed(name), item_text(item))).collect(),
        Value::Array(items) => {
            vec![(Cow::Borrowed(name), items.iter().map(item_text).collect::<Vec<_>>().join(joiner))]
        }
        Value::Object(map) if style == Style::DeepObject => {
            map.iter().map(|(k, v)| (Cow::Owned(format!("{name}[{k}]")), item_text(v))).collect()
        }
        Value::Object(map) if style == Style::Form && explode => map.iter().map(|(k, v)| (Cow::Owned(k.clone()), item_text(v))).collect(),
        Value::Object(map) => {
            let flat: Vec<String> = map.iter().flat_map(|(k, v)| [k.clone(), item_text(v)]).collect();
            vec![(Cow::Borrowed(name), flat.join(joiner))]
        }
        other => vec![(Cow::Borrowed(name), item_text(&other))],
    }
}

/// A header value (`simple` style; headers are not percent-encoded).
pub fn header_value<T: serde::Serialize + ?Sized>(explode: bool, value: &T) -> String {
    simple(&serde_json::to_value(value).unwrap_or(Value::Null), explode, |s| s.to_string())
}

fn simple(value: &Value, explode: bool, encode: impl Fn(&str) -> String) -> String {
    match value {
        Value::Array(items) => items.iter().map(|i| encode(&item_text(i))).collect::<Vec<_>>().join(","),
        Value::Object(map) if explode => {
            map.iter().map(|(k, v)| format!("{}={}", encode(k), encode(&item_text(v)))).collect::<Vec<_>>().join(",")
        }
        Value::Object(map) => map.iter().flat_map(|(k, v)| [encode(k), encode(&item_text(v))]).collect::<Vec<_>>().join(","),
        other => encode(&item_text(other)),
    }
}

/// A path segment in `style`, percent-encoded (the style's own delimiters stay).
pub fn path_segment<T: serde::Serialize + ?Sized>(name: &str, style: Style, explode: bool, value: &T) -> String {
    let value = serde_json::to_value(value).unwrap_or(Value::Null);
    let name = encode_path(name);
    match style {
        Style::Label => {
            let body = simple(&value, explode, encode_path);
            if explode { format!(".{}", body.replace(',', ".")) } else { format!(".{body}") }
        }
        Style::Matrix => match &value {
            Value::Array(items) if explode => items.iter().map(|i| format!(";{name}={}", encode_path(&item_text(i)))).collect(),
            Value::Object(map) if explode => {
                map.iter().map(|(k, v)| format!(";{}={}", encode_path(k), encode_path(&item_text(v)))).collect()
            }
            other => format!(";{name}={}", simple(other, false, encode_path)),
        },
        _ => simple(&value, explode, encode_path),
    }
}

/// Percent-encodes a path segment (everything but RFC 3986 unreserved characters).
pub fn encode_path(segment: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_follow_the_openapi_examples() {
        let color = ["blue", "black", "brown"];
        // Keys in alphabetical order: serde_json keeps that order with or without
        // its `preserve_order` feature.
        let point = serde_json::json!({"B": 150, "G": 200, "R": 100});
        let pairs =
            |v: Vec<(Cow<'static, str>, String)>| -> Vec<(String, String)> { v.into_iter().map(|(k, v)| (k.into_owned(), v)).collect() };
        let one = |k: &str, v: &str| vec![(k.to_string(), v.to_string())];
        assert_eq!(pairs(styled("color", Style::Form, false, &color)), one("color", "blue,black,brown"));
        assert_eq!(pairs(styled("color", Style::Form, true, &color)).len(), 3);
        assert_eq!(pairs(styled("color", Style::SpaceDelimited, false, &color)), one("color", "blue black brown"));
        assert_eq!(pairs(styled("color", Style::PipeDelimited, false, &color)), one("color", "blue|black|brown"));
        assert_eq!(pairs(styled("color", Style::Form, false, &point)), one("color", "B,150,G,200,R,100"));
        assert_eq!(
            pairs(styled("color", Style::Form, true, &point)),
            vec![("B".into(), "150".into()), ("G".into(), "200".into()), ("R".into(), "100".into())]
        );
        assert_eq!(
            pairs(styled("color", Style::DeepObject, true, &point)),
            vec![("color[B]".into(), "150".into()), ("color[G]".into(), "200".into()), ("color[R]".into(), "100".into())]
        );
        assert_eq!(path_segment("color", Style::Simple, false, &color), "blue,black,brown");
        assert_eq!(path_segment("color", Style::Simple, true, &point), "B=150,G=200,R=100");
        assert_eq!(path_segment("color", Style::Label, false, &color), ".blue,black,brown");
        assert_eq!(path_segment("color", Style::Label, true, &color), ".blue.black.brown");
        assert_eq!(path_segment("color", Style::Matrix, false, "blue"), ";color=blue");
        assert_eq!(path_segment("color", Style::Matrix, true, &color), ";color=blue;color=black;color=brown");
        assert_eq!(path_segment("color", Style::Matrix, false, &point), ";color=B,150,G,200,R,100");
        assert_eq!(path_segment("color", Style::Matrix, true, &point), ";B=150;G=200;R=100");
        assert_eq!(path_segment("id", Style::Simple, false, &["a/b", "c d"]), "a%2Fb,c%20d");
        assert_eq!(header_value(false, &point), "B,150,G,200,R,100");
    }

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(encode_path("a b/c?d%"), "a%20b%2Fc%3Fd%25");
        assert_eq!(encode_path("ok-._~"), "ok-._~");
    }

    #[test]
    fn json_params_keep_strings_plain() {
        assert_eq!(json_param("a b"), "a b");
        assert_eq!(json_param(&serde_json::json!([{"type": "divider"}])), r#"[{"type":"divider"}]"#);
        assert_eq!(json_param(&true), "true");
    }
}
