//! Telling success from error in a response, and decoding it.

use std::time::Duration;

use http::{HeaderMap, StatusCode};

use crate::Error;

/// A response as it arrived.
#[derive(Debug, Clone)]
pub struct Raw {
    /// HTTP status.
    pub status: StatusCode,
    /// `Retry-After`, when it is a number of seconds.
    pub retry_after: Option<Duration>,
    /// The response headers.
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Vec<u8>,
}

impl Raw {
    /// A response with this status and body and no headers (for tests and
    /// examples).
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Raw {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
            retry_after: None,
            headers: HeaderMap::new(),
            body: body.into(),
        }
    }

    /// The decoded body with the status and headers it came with, for
    /// `send_with_response()`.
    pub fn decode_with_response<T, E>(self, decode: impl FnOnce(Raw) -> Result<T, E>) -> Result<crate::ApiResponse<T>, E> {
        let (status, headers) = (self.status, self.headers.clone());
        decode(self).map(|body| crate::ApiResponse::new(status, headers, body))
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A constant a body property is pinned to (e.g. `ok: false` in error bodies).
#[derive(Debug, Clone, Copy)]
pub enum Pinned {
    /// A boolean constant.
    Bool(bool),
    /// An integer constant.
    Int(i64),
    /// A string constant.
    Str(&'static str),
}

impl Pinned {
    fn matches(&self, value: &serde_json::Value) -> bool {
        match (self, value) {
            (Pinned::Bool(a), serde_json::Value::Bool(b)) => a == b,
            (Pinned::Int(a), serde_json::Value::Number(b)) => b.as_i64() == Some(*a),
            (Pinned::Str(a), serde_json::Value::String(b)) => a == b,
            _ => false,
        }
    }
}

/// Decodes an operation's error body from the status and the raw bytes; `None`
/// when the body is not the documented error.
pub type ErrorDecoder<E> = fn(StatusCode, &[u8]) -> Option<E>;

/// What a JSON body must hold to be read as a documented error type, so that
/// other JSON (a proxy's problem document, a gateway's error) is not mistaken
/// for it: decoding is lenient and would accept any object.
pub trait Documented {
    /// Properties the body must have.
    const REQUIRED: &'static [&'static str];
    /// Declared properties: without required ones, most of the body's must be these.
    const PROPERTIES: &'static [&'static str];
}

/// The error decoder of operations with one documented error body.
pub fn error_body<E: serde::de::DeserializeOwned + Documented>(_status: StatusCode, body: &[u8]) -> Option<E> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    let object = value.as_object()?;
    // With required properties, all of them; without, mostly documented
    // properties (a problem document sharing only `status` is not the error).
    let recognised = if E::REQUIRED.is_empty() {
        let documented = object.keys().filter(|k| E::PROPERTIES.contains(&k.as_str())).count();
        E::PROPERTIES.is_empty() || documented * 2 > object.len()
    } else {
        E::REQUIRED.iter().all(|p| object.contains_key(*p))
    };
    if !recognised {
        return None;
    }
    serde_json::from_value(value).ok()
}

/// The error decoder of operations whose error body is not an object the
/// description declares: any JSON is taken as it is.
pub fn any_error_body<E: serde::de::DeserializeOwned>(_status: StatusCode, body: &[u8]) -> Option<E> {
    serde_json::from_slice(body).ok()
}

/// Statuses that are errors whatever the body: 429, and non-2xx ones (whose body
/// is the documented error when it decodes as one).
fn check_status<E, S>(raw: &Raw, errors: ErrorDecoder<E>) -> Result<(), Error<E, S>> {
    if raw.status == StatusCode::TOO_MANY_REQUESTS {
        return Err(Error::RateLimited { retry_after: raw.retry_after, body: raw.text(), headers: Box::new(raw.headers.clone()) });
    }
    if !raw.status.is_success() {
        return Err(api_or_status(raw, errors));
    }
    Ok(())
}

fn api_or_status<E, S>(raw: &Raw, errors: ErrorDecoder<E>) -> Error<E, S> {
    match errors(raw.status, &raw.body) {
        Some(error) => Error::Api { status: raw.status, error, body: raw.text(), headers: Box::new(raw.headers.clone()) },
        None => Error::Status { status: raw.status, body: raw.text(), headers: Box::new(raw.headers.clone()) },
    }
}

/// Decodes a JSON success body; with a discriminator, a body whose property holds
/// the error constant is the documented error even with a 2xx status.
pub fn json<T: serde::de::DeserializeOwned, E, S>(
    raw: Raw,
    discriminator: Option<(&str, Pinned)>,
    errors: ErrorDecoder<E>,
) -> Result<T, Error<E, S>> {
    check_status(&raw, errors)?;
    let decode_error = |source| Error::Decode { status: raw.status, body: raw.text(), source, headers: Box::new(raw.headers.clone()) };
    let Some((property, error_value)) = discriminator else {
        return serde_json::from_slice(&raw.body).map_err(decode_error);
    };
    // Only the discriminator is read first (the rest of the body is skipped,
    // not built), then the body is decoded once into its type.
    let pinned = top_level(&raw.body, property).map_err(decode_error)?;
    if pinned.is_some_and(|v| error_value.matches(&v)) {
        return Err(api_or_status(&raw, errors));
    }
    serde_json::from_slice(&raw.body).map_err(decode_error)
}

/// The value of one top-level property of a JSON object, skipping the others
/// without building them; `None` when the body is not an object or lacks it.
fn top_level(body: &[u8], property: &str) -> Result<Option<serde_json::Value>, serde_json::Error> {
    use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};

    struct Seed<'p>(&'p str);

    impl<'de> DeserializeSeed<'de> for Seed<'_> {
        type Value = Option<serde_json::Value>;

        fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Seed<'_> {
        type Value = Option<serde_json::Value>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a JSON value")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut found = None;
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if found.is_none() && key == self.0 {
                    found = Some(map.next_value::<serde_json::Value>()?);
                } else {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            Ok(found)
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }

        fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }

    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = Seed(property).deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value)
}

/// A success with no body to decode.
pub fn unit<E, S>(raw: Raw, errors: ErrorDecoder<E>) -> Result<(), Error<E, S>> {
    check_status(&raw, errors)
}

/// A text success body.
pub fn text<E, S>(raw: Raw, errors: ErrorDecoder<E>) -> Result<String, Error<E, S>> {
    check_status(&raw, errors)?;
    Ok(raw.text())
}

/// A binary success body.
pub fn bytes<E, S>(raw: Raw, errors: ErrorDecoder<E>) -> Result<Vec<u8>, Error<E, S>> {
    check_status(&raw, errors)?;
    Ok(raw.body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct SlackError {
        error: String,
    }

    impl Documented for SlackError {
        const REQUIRED: &'static [&'static str] = &["ok", "error"];
        const PROPERTIES: &'static [&'static str] = &["ok", "error"];
    }

    #[test]
    fn a_pinned_discriminator_turns_a_200_into_the_documented_error() {
        let raw = Raw::new(200, r#"{"ok":false,"error":"channel_not_found"}"#);
        let e = json::<serde_json::Value, SlackError, ()>(raw, Some(("ok", Pinned::Bool(false))), error_body).unwrap_err();
        assert_eq!(e.api_error().map(|e| e.error.as_str()), Some("channel_not_found"));
        let ok = json::<serde_json::Value, SlackError, ()>(Raw::new(200, r#"{"ok":true}"#), Some(("ok", Pinned::Bool(false))), error_body);
        assert!(ok.is_ok());
    }

    #[test]
    fn the_discriminator_is_read_without_building_the_rest() {
        assert_eq!(top_level(br#"{"a":[1,{"b":2}],"ok":false,"ok":true}"#, "ok").unwrap(), Some(serde_json::json!(false)));
        assert_eq!(top_level(br#"{"a":"ok"}"#, "ok").unwrap(), None);
        assert_eq!(top_level(br#"[{"ok":false}]"#, "ok").unwrap(), None);
        assert!(top_level(br#"{"ok":false"#, "ok").is_err());
        assert!(top_level(br#"{"ok":true} trailing"#, "ok").is_err());
    }

    #[test]
    fn foreign_json_is_not_the_documented_error() {
        let raw = Raw::new(502, r#"{"type":"about:blank","status":502}"#);
        assert!(matches!(unit::<SlackError, ()>(raw, error_body), Err(Error::Status { .. })));
        assert!(matches!(unit::<SlackError, ()>(Raw::new(429, ""), error_body), Err(Error::RateLimited { .. })));
    }
}
