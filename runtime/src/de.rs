//! Lenient decoding of scalar fields.
//!
//! Real responses do not always use the type their description documents: ids
//! documented as strings arrive as numbers, counts as strings (`"2"`), flags as
//! `0`/`1`. Each scalar field of a model decodes through one of these functions,
//! which accept the documented type and its common stand-ins, and still reject
//! anything else (an object where a number belongs stays a decoding error).
//!
//! Unions (`oneOf`/`anyOf`) pick their alternative with [`ranked`].

use serde::Deserialize;
use serde::de::{Deserializer, Error};
use serde_json::Value;

fn string_of<E: Error>(value: Value) -> Result<String, E> {
    match value {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(E::custom(format!("invalid type: {other}, expected a string"))),
    }
}

fn i64_of<E: Error>(value: Value) -> Result<i64, E> {
    match &value {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.2e18).map(|f| f as i64))
            .ok_or_else(|| E::custom(format!("invalid value: {n}, expected an integer"))),
        Value::String(s) => s.trim().parse().map_err(|_| E::custom(format!("invalid value: {s:?}, expected an integer"))),
        Value::Bool(b) => Ok(i64::from(*b)),
        other => Err(E::custom(format!("invalid type: {other}, expected an integer"))),
    }
}

fn f64_of<E: Error>(value: Value) -> Result<f64, E> {
    match &value {
        Value::Number(n) => n.as_f64().ok_or_else(|| E::custom("number out of range")),
        Value::String(s) => s.trim().parse().map_err(|_| E::custom(format!("invalid value: {s:?}, expected a number"))),
        other => Err(E::custom(format!("invalid type: {other}, expected a number"))),
    }
}

fn bool_of<E: Error>(value: Value) -> Result<bool, E> {
    match &value {
        Value::Bool(b) => Ok(*b),
        Value::Number(n) if n.as_i64() == Some(0) => Ok(false),
        Value::Number(n) if n.as_i64() == Some(1) => Ok(true),
        Value::String(s) if matches!(s.as_str(), "true" | "1") => Ok(true),
        Value::String(s) if matches!(s.as_str(), "false" | "0" | "") => Ok(false),
        other => Err(E::custom(format!("invalid type: {other}, expected a boolean"))),
    }
}

macro_rules! lenient {
    ($plain:ident, $optional:ident, $ty:ty, $of:ident) => {
        /// Decodes the type leniently; `null` is the type's default.
        pub fn $plain<'de, D: Deserializer<'de>>(d: D) -> Result<$ty, D::Error> {
            match Value::deserialize(d)? {
                Value::Null => Ok(<$ty>::default()),
                value => $of(value),
            }
        }

        /// Decodes the type leniently; `null` is `None`.
        pub fn $optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<$ty>, D::Error> {
            match Value::deserialize(d)? {
                Value::Null => Ok(None),
                value => $of(value).map(Some),
            }
        }
    };
}

lenient!(string, opt_string, String, string_of);
lenient!(int64, opt_int64, i64, i64_of);
lenient!(float, opt_float, f64, f64_of);
lenient!(boolean, opt_boolean, bool, bool_of);

/// A 32-bit integer, leniently; out of range is an error.
pub fn int32<'de, D: Deserializer<'de>>(d: D) -> Result<i32, D::Error> {
    let wide = int64(d)?;
    i32::try_from(wide).map_err(|_| D::Error::custom(format!("{wide} does not fit in 32 bits")))
}

/// An optional 32-bit integer, leniently; out of range is an error.
pub fn opt_int32<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i32>, D::Error> {
    match opt_int64(d)? {
        None => Ok(None),
        Some(wide) => i32::try_from(wide).map(Some).map_err(|_| D::Error::custom(format!("{wide} does not fit in 32 bits"))),
    }
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    struct Probe {
        #[serde(default, deserialize_with = "super::int64")]
        count: i64,
        #[serde(default, deserialize_with = "super::opt_boolean")]
        flag: Option<bool>,
        #[serde(default, deserialize_with = "super::string")]
        id: String,
    }

    #[test]
    fn stand_ins_decode_and_garbage_does_not() {
        let p: Probe = serde_json::from_str(r#"{"count": "2", "flag": 1, "id": 1298393284}"#).unwrap();
        assert_eq!((p.count, p.flag, p.id.as_str()), (2, Some(true), "1298393284"));
        let p: Probe = serde_json::from_str(r#"{"flag": null}"#).unwrap();
        assert_eq!((p.count, p.flag, p.id.as_str()), (0, None, ""));
        assert!(serde_json::from_str::<Probe>(r#"{"count": {"a": 1}}"#).is_err());
        assert!(serde_json::from_str::<Probe>(r#"{"count": "two"}"#).is_err());
    }
}

/// What a union alternative looks like in JSON, for telling alternatives apart.
pub struct Shape {
    /// Its JSON kind.
    pub kind: Kind,
    /// Whether `null` is one of its values.
    pub nullable: bool,
    /// Properties an object must have.
    pub required: &'static [&'static str],
    /// Properties it documents.
    pub known: &'static [&'static str],
    /// The listed values of a string enum.
    pub values: &'static [&'static str],
}

/// JSON kinds of [`Shape`]s.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A JSON object.
    Object,
    /// A JSON array.
    Array,
    /// A JSON string.
    String,
    /// A JSON number without a fraction.
    Integer,
    /// Any JSON number.
    Number,
    /// `true` or `false`.
    Boolean,
    /// Any JSON value.
    Any,
}

/// The alternatives `value` may be, best fit first: the JSON kind must match and
/// an object must have every required property; more documented properties (and
/// fewer undocumented ones) rank higher, a listed enum value ranks above another
/// string; ties keep the declared order.
pub fn ranked(value: &Value, shapes: &[Shape]) -> Vec<usize> {
    let mut scored: Vec<(i64, usize)> = shapes.iter().enumerate().filter_map(|(i, shape)| score(value, shape).map(|s| (s, i))).collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, i)| i).collect()
}

fn score(value: &Value, shape: &Shape) -> Option<i64> {
    match (value, shape.kind) {
        (Value::Null, _) if shape.nullable => Some(10),
        (_, Kind::Any) => Some(0),
        (Value::Object(map), Kind::Object) => {
            if !shape.required.iter().all(|r| map.contains_key(*r)) {
                return None;
            }
            let known = map.keys().filter(|k| shape.known.contains(&k.as_str())).count() as i64;
            let unknown = map.len() as i64 - known;
            Some(10 + 2 * known - unknown)
        }
        (Value::Array(_), Kind::Array) | (Value::Bool(_), Kind::Boolean) => Some(10),
        (Value::String(s), Kind::String) => Some(match (shape.values.is_empty(), shape.values.contains(&s.as_str())) {
            (true, _) => 10,
            (false, true) => 20,
            (false, false) => 1,
        }),
        (Value::Number(n), Kind::Integer) => (n.is_i64() || n.is_u64()).then_some(11),
        (Value::Number(_), Kind::Number) => Some(10),
        _ => None,
    }
}

/// Serializes `value` with the discriminator `property` set to `tag` (the
/// variant decides it, whatever the payload holds).
pub fn with_tag<T: serde::Serialize, S: serde::Serializer>(value: &T, property: &str, tag: &str, serializer: S) -> Result<S::Ok, S::Error> {
    let mut json = serde_json::to_value(value).map_err(serde::ser::Error::custom)?;
    if let Value::Object(map) = &mut json {
        map.insert(property.to_string(), Value::String(tag.to_string()));
    }
    serde::Serialize::serialize(&json, serializer)
}

#[cfg(test)]
mod union_tests {
    use super::*;

    const OBJECT: Shape = Shape { kind: Kind::Object, nullable: false, required: &["id"], known: &["id", "name"], values: &[] };
    const WIDE: Shape = Shape { kind: Kind::Object, nullable: false, required: &[], known: &["id", "name", "size"], values: &[] };
    const ENUM: Shape = Shape { kind: Kind::String, nullable: false, required: &[], known: &[], values: &["a"] };
    const TEXT: Shape = Shape { kind: Kind::String, nullable: true, required: &[], known: &[], values: &[] };
    const INT: Shape = Shape { kind: Kind::Integer, nullable: false, required: &[], known: &[], values: &[] };
    const NUM: Shape = Shape { kind: Kind::Number, nullable: false, required: &[], known: &[], values: &[] };

    #[test]
    fn shapes_rank_by_fit() {
        let shapes = [OBJECT, WIDE, ENUM, TEXT, INT, NUM];
        assert_eq!(ranked(&serde_json::json!({"id": 1, "name": "x"}), &shapes), vec![0, 1]);
        assert_eq!(ranked(&serde_json::json!({"name": "x", "size": 2}), &shapes), vec![1]);
        assert_eq!(ranked(&serde_json::json!("a"), &shapes), vec![2, 3]);
        assert_eq!(ranked(&serde_json::json!("b"), &shapes), vec![3, 2]);
        assert_eq!(ranked(&serde_json::json!(null), &shapes), vec![3]);
        assert_eq!(ranked(&serde_json::json!(3), &shapes), vec![4, 5]);
        assert_eq!(ranked(&serde_json::json!(3.5), &shapes), vec![5]);
        assert!(ranked(&serde_json::json!([1]), &shapes).is_empty());
    }
}
