//! Finds where a JSON pointer sits in the original text, for diagnostics only.
//!
//! JSON: a small linear scanner over the text that never recurses (nested values
//! are skipped with a depth counter). YAML: the YAML parser itself is walked down the
//! pointer and stopped with an error at the target node; the error carries the
//! node's line and column. Both run only when a diagnostic is being built.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::Format;

/// Splits an RFC 6901 pointer into unescaped reference tokens.
pub(crate) fn pointer_tokens(pointer: &str) -> Vec<String> {
    if pointer.is_empty() {
        return Vec::new();
    }
    pointer.strip_prefix('/').unwrap_or(pointer).split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect()
}

/// 1-based line and column of the node at `pointer` (or of the deepest part of the
/// pointer that exists), or `None` when the text cannot be scanned.
pub(crate) fn locate(text: &str, format: Format, pointer: &str) -> Option<(usize, usize)> {
    let tokens = pointer_tokens(pointer);
    match format {
        Format::Json => locate_json(text, &tokens).map(|offset| line_col(text, offset)),
        Format::Yaml => locate_yaml(text, &tokens),
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

/// Byte offset of the node at `tokens`: the key of an object member, the start of an
/// array element, or the start of the deepest existing ancestor.
pub(crate) fn locate_json(text: &str, tokens: &[String]) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut pos = skip_ws(bytes, 0);
    if pos >= bytes.len() {
        return None;
    }
    let mut best = pos;
    for token in tokens {
        match bytes.get(pos) {
            Some(b'{') => {
                pos += 1;
                loop {
                    pos = skip_ws(bytes, pos);
                    match bytes.get(pos) {
                        Some(b'"') => {}
                        _ => return Some(best),
                    }
                    let key_start = pos;
                    let key_end = skip_string(bytes, pos)?;
                    let key_matches = key_equals(&text[key_start..key_end], token);
                    pos = skip_ws(bytes, key_end);
                    if bytes.get(pos) != Some(&b':') {
                        return Some(best);
                    }
                    pos = skip_ws(bytes, pos + 1);
                    if key_matches {
                        best = key_start;
                        break;
                    }
                    pos = skip_value(bytes, pos)?;
                    pos = skip_ws(bytes, pos);
                    match bytes.get(pos) {
                        Some(b',') => pos += 1,
                        _ => return Some(best),
                    }
                }
            }
            Some(b'[') => {
                let Ok(index) = token.parse::<usize>() else {
                    return Some(best);
                };
                pos = skip_ws(bytes, pos + 1);
                if bytes.get(pos) == Some(&b']') {
                    return Some(best);
                }
                for _ in 0..index {
                    pos = skip_value(bytes, pos)?;
                    pos = skip_ws(bytes, pos);
                    match bytes.get(pos) {
                        Some(b',') => pos = skip_ws(bytes, pos + 1),
                        _ => return Some(best),
                    }
                }
                best = pos;
            }
            _ => return Some(best),
        }
    }
    Some(best)
}

fn skip_ws(bytes: &[u8], mut pos: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(pos) {
        pos += 1;
    }
    pos
}

/// `pos` is at an opening quote; returns the offset just past the closing quote.
fn skip_string(bytes: &[u8], pos: usize) -> Option<usize> {
    let mut i = pos + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Skips one value starting at `pos`, without recursion.
fn skip_value(bytes: &[u8], pos: usize) -> Option<usize> {
    match *bytes.get(pos)? {
        b'"' => skip_string(bytes, pos),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut i = pos;
            loop {
                match *bytes.get(i)? {
                    b'"' => i = skip_string(bytes, i)?,
                    b'{' | b'[' => {
                        depth += 1;
                        i += 1;
                    }
                    b'}' | b']' => {
                        depth = depth.checked_sub(1)?;
                        i += 1;
                        if depth == 0 {
                            return Some(i);
                        }
                    }
                    _ => i += 1,
                }
            }
        }
        _ => {
            let mut i = pos;
            while let Some(&b) = bytes.get(i) {
                if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                    break;
                }
                i += 1;
            }
            Some(i)
        }
    }
}

/// Compares a raw JSON string literal (with quotes) to an unescaped key.
fn key_equals(raw: &str, key: &str) -> bool {
    let inner = &raw[1..raw.len().saturating_sub(1).max(1)];
    if !inner.contains('\\') {
        return inner == key;
    }
    serde_json::from_str::<String>(raw).is_ok_and(|k| k == key)
}

/// Walks the YAML parser down `tokens` and stops with an error at the target so that
/// the parser reports the target's position.
fn locate_yaml(text: &str, tokens: &[String]) -> Option<(usize, usize)> {
    let de = serde_yaml_ng::Deserializer::from_str(text);
    let result = Navigate { tokens }.deserialize(de);
    match result {
        Ok(()) => Some((1, 1)),
        Err(err) => err.location().map(|l| (l.line(), l.column())),
    }
}

const STOP: &str = "sdkgen-locate-stop";

struct Navigate<'t> {
    tokens: &'t [String],
}

impl<'de> DeserializeSeed<'de> for Navigate<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Navigate<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.tokens.split_first() else {
            return Err(de::Error::custom(STOP));
        };
        while let Some(matched) = map.next_key_seed(KeySeed { token: first, last: rest.is_empty() })? {
            if matched {
                return map.next_value_seed(Navigate { tokens: rest });
            }
            map.next_value::<IgnoredAny>()?;
        }
        Err(de::Error::custom(STOP))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.tokens.split_first() else {
            return Err(de::Error::custom(STOP));
        };
        let Ok(index) = first.parse::<usize>() else {
            return Err(de::Error::custom(STOP));
        };
        for _ in 0..index {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Err(de::Error::custom(STOP));
            }
        }
        match seq.next_element_seed(Navigate { tokens: rest })? {
            Some(()) => Ok(()),
            None => Err(de::Error::custom(STOP)),
        }
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(E::custom(STOP))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(E::custom(STOP))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(E::custom(STOP))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(E::custom(STOP))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(E::custom(STOP))
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(STOP))
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        Err(E::custom(STOP))
    }
}

/// Deserializes a key; `true` when it equals the token. The last token stops at the
/// key itself, so the position reported is the key's.
struct KeySeed<'t> {
    token: &'t str,
    last: bool,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = bool;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<bool, E> {
        let matched = key == self.token;
        if matched && self.last {
            return Err(E::custom(STOP));
        }
        Ok(matched)
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<bool, A::Error> {
        Ok(false)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<bool, A::Error> {
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_pointer_to_line_col() {
        let text = "{\n  \"a\": {\"x\": [1, {\"y\": 2}]},\n  \"b/c\": {\n    \"d\": true\n  }\n}";
        assert_eq!(locate(text, Format::Json, "/b~1c/d"), Some((4, 5)));
        assert_eq!(locate(text, Format::Json, "/a/x/1/y"), Some((2, 19)));
        assert_eq!(locate(text, Format::Json, "/a/x/1"), Some((2, 18)));
        // Missing tail: deepest existing ancestor.
        assert_eq!(locate(text, Format::Json, "/b~1c/nope"), Some((3, 3)));
        assert_eq!(locate(text, Format::Json, ""), Some((1, 1)));
    }

    #[test]
    fn json_escaped_keys_and_strings_with_brackets() {
        let text = r#"{"s": "}]{[\"", "k\u0065y": 1}"#;
        assert_eq!(locate(text, Format::Json, "/key"), Some((1, 17)));
    }

    #[test]
    fn yaml_pointer_to_line_col() {
        let text = "a:\n  x:\n    - 1\n    - y: 2\nb/c:\n  d: true\n";
        assert_eq!(locate(text, Format::Yaml, "/b~1c/d"), Some((6, 3)));
        assert_eq!(locate(text, Format::Yaml, "/a/x/1/y"), Some((4, 7)));
    }
}
