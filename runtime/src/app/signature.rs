//! Request signatures: checking that an incoming request (an event, a slash
//! command, an interaction) was sent by the API and not by someone who only
//! knows the application's URL.
//!
//! The API signs a *base string* made of a timestamp and the raw body with
//! HMAC-SHA256 and a secret it shares with the application, and sends the
//! timestamp and the hex digest in two headers. [`SignatureScheme`] says which
//! headers and which base string; [`SignatureVerifier`] checks a request
//! against it. Slack's `v0` scheme is one such configuration:
//!
//! ```
//! use std::time::Duration;
//! use sdkgen_runtime::app::signature::{SignatureScheme, SignatureVerifier, SigningSecret};
//!
//! let scheme = SignatureScheme {
//!     signature_header: "x-slack-signature",
//!     timestamp_header: "x-slack-request-timestamp",
//!     base_string: "v0:{timestamp}:{body}",
//!     signature_prefix: "v0=",
//!     max_age: Duration::from_secs(5 * 60),
//! };
//! let verifier = SignatureVerifier::new(SigningSecret::new("8f742231b10e8888abcd99yyyzzz85a5"), scheme);
//!
//! let body = b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J";
//! let mut headers = sdkgen_runtime::http::HeaderMap::new();
//! headers.insert("x-slack-request-timestamp", "1531420618".parse().unwrap());
//! headers.insert("x-slack-signature", verifier.sign(1531420618, body).parse().unwrap());
//! assert_eq!(verifier.verify_at(&headers, body, 1531420618 + 10), Ok(()));
//! ```

use std::time::Duration;

use hmac::{Hmac, KeyInit as _, Mac as _};
use sha2::Sha256;

crate::secret::secret! {
    /// The secret the API signs requests with (Slack's "signing secret"),
    /// shared with the application when it is registered.
    SigningSecret
}

/// How the API signs requests. The generated crate fills it in from its
/// settings; every field is the API's, none is a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureScheme {
    /// Header with the signature (Slack: `x-slack-signature`).
    pub signature_header: &'static str,
    /// Header with the Unix time, in seconds, the request was signed at
    /// (Slack: `x-slack-request-timestamp`).
    pub timestamp_header: &'static str,
    /// The signed bytes: this text with `{timestamp}` replaced by the
    /// timestamp header as sent and `{body}` by the raw body (Slack:
    /// `v0:{timestamp}:{body}`).
    pub base_string: &'static str,
    /// What precedes the lowercase hex digest in the signature header
    /// (Slack: `v0=`).
    pub signature_prefix: &'static str,
    /// How far the timestamp may be from the current time, either way
    /// (Slack: 5 minutes). Bounds how long a captured request can be replayed.
    pub max_age: Duration,
}

/// Why a request is refused. Never holds the secret or the expected signature:
/// it may be logged or answered to the sender.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// A header the scheme needs is absent.
    MissingHeader {
        /// The header.
        name: &'static str,
    },
    /// The timestamp header is not an integer number of seconds.
    InvalidTimestamp,
    /// The request was signed longer ago than the scheme's `max_age`: possibly
    /// a replay.
    Stale {
        /// How many seconds ago it was signed.
        age_seconds: u64,
    },
    /// The timestamp is further ahead of the current time than `max_age`: a
    /// forged timestamp or a badly wrong clock.
    FromTheFuture {
        /// How many seconds ahead it is.
        ahead_seconds: u64,
    },
    /// The signature header is not the prefix followed by a hex HMAC-SHA256
    /// digest (missing prefix, characters other than hex digits, wrong length).
    MalformedSignature,
    /// The signature does not match the body and timestamp: the request was
    /// not signed with this secret, or was altered.
    Mismatch,
}

impl std::fmt::Display for SignatureError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignatureError::MissingHeader { name } => write!(f, "the request has no `{name}` header"),
            SignatureError::InvalidTimestamp => f.write_str("the request timestamp is not a number of seconds"),
            SignatureError::Stale { age_seconds } => {
                write!(f, "the request was signed {age_seconds} s ago, longer ago than allowed")
            }
            SignatureError::FromTheFuture { ahead_seconds } => {
                write!(f, "the request timestamp is {ahead_seconds} s in the future, further than allowed")
            }
            SignatureError::MalformedSignature => f.write_str("the request signature is malformed"),
            SignatureError::Mismatch => f.write_str("the request signature does not match"),
        }
    }
}

impl std::error::Error for SignatureError {}

/// Checks the signatures of incoming requests with one secret and scheme.
///
/// `Debug` never shows the secret.
#[derive(Debug, Clone)]
pub struct SignatureVerifier {
    secret: SigningSecret,
    scheme: SignatureScheme,
}

/// HMAC-SHA256's digest length, in bytes.
const DIGEST_LEN: usize = 32;

impl SignatureVerifier {
    /// A verifier for requests signed with `secret` as `scheme` says.
    pub fn new(secret: SigningSecret, scheme: SignatureScheme) -> Self {
        SignatureVerifier { secret, scheme }
    }

    /// The scheme requests are checked against.
    pub fn scheme(&self) -> &SignatureScheme {
        &self.scheme
    }

    /// Checks a request against the current time. `body` is the body exactly
    /// as received, before any parsing: re-encoding a parsed form or JSON
    /// would change the bytes that were signed.
    pub fn verify(&self, headers: &http::HeaderMap, body: &[u8]) -> Result<(), SignatureError> {
        self.verify_at(headers, body, crate::oauth::now_unix())
    }

    /// Checks a request as if the current time were `now_unix_seconds`.
    ///
    /// The timestamp is checked before the signature, so that a replayed
    /// request is reported as stale even though its signature is genuine.
    pub fn verify_at(&self, headers: &http::HeaderMap, body: &[u8], now_unix_seconds: u64) -> Result<(), SignatureError> {
        let timestamp = header(headers, self.scheme.timestamp_header)?;
        let signature = header(headers, self.scheme.signature_header)?;

        let timestamp = timestamp.to_str().map_err(|_| SignatureError::InvalidTimestamp)?;
        let signed_at = parse_seconds(timestamp).ok_or(SignatureError::InvalidTimestamp)?;
        if signed_at <= now_unix_seconds {
            let age_seconds = now_unix_seconds - signed_at;
            if Duration::from_secs(age_seconds) > self.scheme.max_age {
                return Err(SignatureError::Stale { age_seconds });
            }
        } else {
            let ahead_seconds = signed_at - now_unix_seconds;
            if Duration::from_secs(ahead_seconds) > self.scheme.max_age {
                return Err(SignatureError::FromTheFuture { ahead_seconds });
            }
        }

        let digest = signature
            .as_bytes()
            .strip_prefix(self.scheme.signature_prefix.as_bytes())
            .and_then(decode_hex)
            .ok_or(SignatureError::MalformedSignature)?;

        // The timestamp as sent, not as re-formatted: it is what was signed.
        // `verify_slice` compares in constant time, so the time taken tells an
        // attacker nothing about how many leading bytes they got right.
        self.mac(timestamp, body).verify_slice(&digest).map_err(|_| SignatureError::Mismatch)
    }

    /// The signature header value for `body` signed at `timestamp` (Unix
    /// seconds): the prefix and the lowercase hex digest. For tests, and for
    /// sending signed requests to another application.
    pub fn sign(&self, timestamp: u64, body: &[u8]) -> String {
        let digest = self.mac(&timestamp.to_string(), body).finalize().into_bytes();
        let mut value = String::with_capacity(self.scheme.signature_prefix.len() + 2 * digest.len());
        value.push_str(self.scheme.signature_prefix);
        for byte in digest.iter() {
            value.push(char::from(HEX_DIGITS[usize::from(byte >> 4)]));
            value.push(char::from(HEX_DIGITS[usize::from(byte & 0x0f)]));
        }
        value
    }

    /// The MAC over the base string, fed piece by piece so that the body,
    /// which may be large and need not be UTF-8, is never copied.
    fn mac(&self, timestamp: &str, body: &[u8]) -> Hmac<Sha256> {
        // HMAC takes keys of any length, so this cannot fail.
        let mut mac = Hmac::<Sha256>::new_from_slice(self.secret.secret().as_bytes()).expect("HMAC accepts keys of any length");
        let mut rest = self.scheme.base_string;
        while let Some(open) = rest.find('{') {
            mac.update(&rest.as_bytes()[..open]);
            let tail = &rest[open..];
            if let Some(after) = tail.strip_prefix("{timestamp}") {
                mac.update(timestamp.as_bytes());
                rest = after;
            } else if let Some(after) = tail.strip_prefix("{body}") {
                mac.update(body);
                rest = after;
            } else {
                // A brace that opens no placeholder is literal text.
                mac.update(b"{");
                rest = &tail[1..];
            }
        }
        mac.update(rest.as_bytes());
        mac
    }
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

fn header<'a>(headers: &'a http::HeaderMap, name: &'static str) -> Result<&'a http::HeaderValue, SignatureError> {
    headers.get(name).ok_or(SignatureError::MissingHeader { name })
}

/// Only ASCII digits: `str::parse` would also take a leading `+`, which no
/// API sends and which would make two spellings of one timestamp valid.
fn parse_seconds(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Decodes exactly one digest's worth of hex digits (either case).
fn decode_hex(hex: &[u8]) -> Option<[u8; DIGEST_LEN]> {
    if hex.len() != 2 * DIGEST_LEN {
        return None;
    }
    let mut out = [0u8; DIGEST_LEN];
    for (byte, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        *byte = (hex_value(pair[0])? << 4) | hex_value(pair[1])?;
    }
    Some(out)
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
    const TIMESTAMP: u64 = 1531420618;
    const BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    // Checked independently with Python's `hmac` module.
    const EXPECTED: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    fn slack() -> SignatureScheme {
        SignatureScheme {
            signature_header: "x-slack-signature",
            timestamp_header: "x-slack-request-timestamp",
            base_string: "v0:{timestamp}:{body}",
            signature_prefix: "v0=",
            max_age: Duration::from_secs(5 * 60),
        }
    }

    fn verifier() -> SignatureVerifier {
        SignatureVerifier::new(SigningSecret::new(SECRET), slack())
    }

    fn headers(timestamp: &str, signature: &str) -> http::HeaderMap {
        let mut headers = http::HeaderMap::new();
        // `from_bytes`, unlike `parse`, lets non-ASCII bytes through, as a
        // server would receive them.
        headers.insert("x-slack-request-timestamp", http::HeaderValue::from_bytes(timestamp.as_bytes()).unwrap());
        headers.insert("x-slack-signature", http::HeaderValue::from_bytes(signature.as_bytes()).unwrap());
        headers
    }

    #[test]
    fn signs_slacks_published_example() {
        assert_eq!(verifier().sign(TIMESTAMP, BODY.as_bytes()), EXPECTED);
    }

    #[test]
    fn accepts_slacks_published_example() {
        let headers = headers(&TIMESTAMP.to_string(), EXPECTED);
        assert_eq!(verifier().verify_at(&headers, BODY.as_bytes(), TIMESTAMP + 10), Ok(()));
        // Clocks differ: a request a little ahead of ours is fine too.
        assert_eq!(verifier().verify_at(&headers, BODY.as_bytes(), TIMESTAMP - 10), Ok(()));
    }

    #[test]
    fn accepts_uppercase_hex() {
        let upper = format!("v0={}", EXPECTED["v0=".len()..].to_ascii_uppercase());
        let headers = headers(&TIMESTAMP.to_string(), &upper);
        assert_eq!(verifier().verify_at(&headers, BODY.as_bytes(), TIMESTAMP), Ok(()));
    }

    #[test]
    fn verify_uses_the_current_time() {
        let now = crate::oauth::now_unix();
        let verifier = verifier();
        let signature = verifier.sign(now, b"{}");
        assert_eq!(verifier.verify(&headers(&now.to_string(), &signature), b"{}"), Ok(()));
        // The published example is years old.
        let old = headers(&TIMESTAMP.to_string(), EXPECTED);
        assert!(matches!(verifier.verify(&old, BODY.as_bytes()), Err(SignatureError::Stale { .. })));
    }

    #[test]
    fn tampered_body_is_a_mismatch() {
        let headers = headers(&TIMESTAMP.to_string(), EXPECTED);
        let tampered = BODY.replace("roadrunner", "coyote");
        assert_eq!(verifier().verify_at(&headers, tampered.as_bytes(), TIMESTAMP), Err(SignatureError::Mismatch));
    }

    #[test]
    fn tampered_timestamp_is_a_mismatch() {
        let headers = headers(&(TIMESTAMP + 1).to_string(), EXPECTED);
        assert_eq!(verifier().verify_at(&headers, BODY.as_bytes(), TIMESTAMP), Err(SignatureError::Mismatch));
    }

    #[test]
    fn another_secret_is_a_mismatch() {
        let other = SignatureVerifier::new(SigningSecret::new("not the secret"), slack());
        let headers = headers(&TIMESTAMP.to_string(), EXPECTED);
        assert_eq!(other.verify_at(&headers, BODY.as_bytes(), TIMESTAMP), Err(SignatureError::Mismatch));
    }

    #[test]
    fn one_changed_hex_digit_is_a_mismatch() {
        // Every position, so that no byte of the digest goes unchecked.
        for position in "v0=".len()..EXPECTED.len() {
            let mut signature = EXPECTED.as_bytes().to_vec();
            signature[position] = if signature[position] == b'0' { b'1' } else { b'0' };
            let signature = String::from_utf8(signature).unwrap();
            let headers = headers(&TIMESTAMP.to_string(), &signature);
            assert_eq!(verifier().verify_at(&headers, BODY.as_bytes(), TIMESTAMP), Err(SignatureError::Mismatch), "position {position}");
        }
    }

    #[test]
    fn stale_requests_are_refused() {
        let headers = headers(&TIMESTAMP.to_string(), EXPECTED);
        assert_eq!(verifier().verify_at(&headers, BODY.as_bytes(), TIMESTAMP + 6 * 60), Err(SignatureError::Stale { age_seconds: 360 }));
        // The limit itself is still accepted.
        assert_eq!(verifier().verify_at(&headers, BODY.as_bytes(), TIMESTAMP + 5 * 60), Ok(()));
    }

    #[test]
    fn requests_from_the_future_are_refused() {
        let headers = headers(&TIMESTAMP.to_string(), EXPECTED);
        assert_eq!(
            verifier().verify_at(&headers, BODY.as_bytes(), TIMESTAMP - 6 * 60),
            Err(SignatureError::FromTheFuture { ahead_seconds: 360 })
        );
    }

    #[test]
    fn missing_headers_are_named() {
        let mut only_signature = headers(&TIMESTAMP.to_string(), EXPECTED);
        only_signature.remove("x-slack-request-timestamp");
        assert_eq!(
            verifier().verify_at(&only_signature, BODY.as_bytes(), TIMESTAMP),
            Err(SignatureError::MissingHeader { name: "x-slack-request-timestamp" })
        );
        let mut only_timestamp = headers(&TIMESTAMP.to_string(), EXPECTED);
        only_timestamp.remove("x-slack-signature");
        assert_eq!(
            verifier().verify_at(&only_timestamp, BODY.as_bytes(), TIMESTAMP),
            Err(SignatureError::MissingHeader { name: "x-slack-signature" })
        );
        assert!(matches!(
            verifier().verify_at(&http::HeaderMap::new(), BODY.as_bytes(), TIMESTAMP),
            Err(SignatureError::MissingHeader { .. })
        ));
    }

    #[test]
    fn non_integer_timestamps_are_refused() {
        for timestamp in ["", "soon", "1531420618.5", "-1531420618", "+1531420618", " 1531420618", "99999999999999999999999"] {
            let headers = headers(timestamp, EXPECTED);
            assert_eq!(verifier().verify_at(&headers, BODY.as_bytes(), TIMESTAMP), Err(SignatureError::InvalidTimestamp), "{timestamp:?}");
        }
    }

    #[test]
    fn garbage_signatures_are_malformed() {
        let digest = &EXPECTED["v0=".len()..];
        let cases = [
            String::new(),
            "garbage".to_string(),
            digest.to_string(),                // no prefix
            format!("v1={digest}"),            // another scheme's prefix
            format!("v0={}", &digest[..62]),   // too short
            format!("v0={digest}00"),          // too long
            format!("v0={}zz", &digest[..62]), // not hex
            format!("v0={}", "é".repeat(32)),  // not ASCII
            "v0=".to_string(),
        ];
        for signature in cases {
            let headers = headers(&TIMESTAMP.to_string(), &signature);
            assert_eq!(
                verifier().verify_at(&headers, BODY.as_bytes(), TIMESTAMP),
                Err(SignatureError::MalformedSignature),
                "{signature:?}"
            );
        }
    }

    #[test]
    fn bodies_need_not_be_utf8() {
        let verifier = verifier();
        let body = [0xff, 0xfe, 0x00, b'{', b'}'];
        let signature = verifier.sign(TIMESTAMP, &body);
        let headers = headers(&TIMESTAMP.to_string(), &signature);
        assert_eq!(verifier.verify_at(&headers, &body, TIMESTAMP), Ok(()));
        assert_eq!(verifier.verify_at(&headers, &body[1..], TIMESTAMP), Err(SignatureError::Mismatch));
    }

    #[test]
    fn other_base_strings_and_prefixes() {
        let scheme = SignatureScheme {
            signature_header: "x-signature",
            timestamp_header: "x-timestamp",
            base_string: "{timestamp}.{body}.{other}",
            signature_prefix: "sha256=",
            max_age: Duration::from_secs(60),
        };
        let verifier = SignatureVerifier::new(SigningSecret::new("s3cret"), scheme);
        let signature = verifier.sign(100, b"hello");
        assert!(signature.starts_with("sha256=") && signature.len() == "sha256=".len() + 64);
        // Unknown placeholders are literal text.
        let expected = {
            let mut mac = Hmac::<Sha256>::new_from_slice(b"s3cret").unwrap();
            mac.update(b"100.hello.{other}");
            mac.finalize().into_bytes()
        };
        let mut headers = http::HeaderMap::new();
        headers.insert("x-timestamp", "100".parse().unwrap());
        headers.insert("x-signature", signature.parse().unwrap());
        assert_eq!(verifier.verify_at(&headers, b"hello", 100), Ok(()));
        assert_eq!(decode_hex(&signature.as_bytes()["sha256=".len()..]).unwrap().as_slice(), expected.as_slice());
    }

    #[test]
    fn debug_and_errors_never_show_the_secret() {
        let verifier = verifier();
        let shown = format!("{verifier:?}");
        assert!(!shown.contains(SECRET), "{shown}");
        assert!(shown.contains("x-slack-signature"), "{shown}");
        let digest = &EXPECTED["v0=".len()..];
        let tampered = headers(&TIMESTAMP.to_string(), EXPECTED);
        let error = verifier.verify_at(&tampered, b"other body", TIMESTAMP).unwrap_err();
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains(SECRET) && !shown.contains(digest), "{shown}");
    }
}
