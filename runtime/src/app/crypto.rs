//! Encryption of tokens at rest.
//!
//! A store given a [`TokenCipher`] writes every token (bot, user and refresh
//! tokens) as `enc:v1:<base64(nonce || ciphertext)>`, AES-256-GCM with a
//! random 96-bit nonce. The record and field a token belongs to are
//! authenticated with it (associated data), so a value copied from one row or
//! field to another does not decrypt: whoever can write the store cannot swap
//! one workspace's token for another's unnoticed.
//!
//! The prefix makes stored values self-describing: a store can tell an
//! encrypted token from a plain one, ask for the key when it has none, and
//! read a database written before encryption was turned on.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::StoreError;

/// What every encrypted value starts with. The version lets a later format
/// (another algorithm, key rotation with key ids) coexist with this one.
const PREFIX: &str = "enc:v1:";
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;
const KEY_LEN: usize = 32;

/// Encrypts and decrypts tokens with a 32-byte key (AES-256-GCM).
///
/// `Debug` never shows the key.
#[derive(Clone)]
pub struct TokenCipher {
    aead: Aes256Gcm,
}

impl TokenCipher {
    /// A cipher from a key in standard base64 that decodes to exactly 32
    /// bytes (as [`generate_key`](TokenCipher::generate_key) makes).
    /// Whitespace around the key is ignored (keys read from files end with a
    /// newline).
    pub fn from_base64(key: &str) -> Result<Self, StoreError> {
        // The decoding error is not kept: it could quote part of the key.
        let bytes = STANDARD.decode(key.trim()).map_err(|_| StoreError::InvalidKey { reason: "it is not valid standard base64".into() })?;
        if bytes.len() != KEY_LEN {
            return Err(StoreError::InvalidKey { reason: format!("it decodes to {} bytes, {KEY_LEN} are needed", bytes.len()) });
        }
        let aead =
            Aes256Gcm::new_from_slice(&bytes).map_err(|_| StoreError::InvalidKey { reason: format!("{KEY_LEN} bytes are needed") })?;
        Ok(TokenCipher { aead })
    }

    /// The cipher whose key is in the environment variable `name`; `None` when
    /// the variable is unset or empty (encryption not configured), an error
    /// when it is set to something that is not a key.
    pub fn from_env(name: &str) -> Result<Option<Self>, StoreError> {
        match std::env::var(name) {
            Ok(value) if value.trim().is_empty() => Ok(None),
            Ok(value) => Self::from_base64(&value).map(Some),
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => {
                Err(StoreError::InvalidKey { reason: format!("the environment variable {name} is not valid UTF-8") })
            }
        }
    }

    /// A fresh random key (32 bytes from the operating system), in standard
    /// base64: what [`from_base64`](TokenCipher::from_base64) takes.
    pub fn generate_key() -> Result<String, StoreError> {
        let mut key = [0u8; KEY_LEN];
        getrandom::fill(&mut key).map_err(|e| StoreError::Random(e.to_string()))?;
        Ok(STANDARD.encode(key))
    }

    /// Encrypts `plain`, bound to `context` (the record and field it is
    /// stored in): the result only decrypts with the same context.
    pub fn encrypt(&self, plain: &str, context: &str) -> Result<String, StoreError> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| StoreError::Random(e.to_string()))?;
        let sealed = self
            .aead
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plain.as_bytes(), aad: context.as_bytes() })
            // Only fails for messages of gigabytes, which no token is.
            .map_err(|_| StoreError::InvalidValue { reason: "the value is too long to encrypt".into() })?;
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(format!("{PREFIX}{}", STANDARD.encode(out)))
    }

    /// Decrypts a value written by [`encrypt`](TokenCipher::encrypt) with the
    /// same `context`. Any failure (wrong key, altered value, other context,
    /// not an encrypted value at all) is [`StoreError::Decrypt`] naming
    /// `field`, and nothing else: what went wrong is not told apart, so the
    /// error cannot serve as an oracle.
    pub fn decrypt(&self, stored: &str, context: &str, field: &'static str) -> Result<String, StoreError> {
        let fail = || StoreError::Decrypt { field };
        let encoded = stored.strip_prefix(PREFIX).ok_or_else(fail)?;
        let bytes = STANDARD.decode(encoded).map_err(|_| fail())?;
        if bytes.len() < NONCE_LEN + TAG_LEN {
            return Err(fail());
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        let plain = self.aead.decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad: context.as_bytes() }).map_err(|_| fail())?;
        String::from_utf8(plain).map_err(|_| fail())
    }

    /// Whether a stored value was written by [`encrypt`](TokenCipher::encrypt)
    /// (as opposed to a token stored in plain).
    pub fn is_encrypted(stored: &str) -> bool {
        stored.starts_with(PREFIX)
    }
}

impl std::fmt::Debug for TokenCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenCipher(<redacted>)")
    }
}

/// The associated data binding a token to its record and field:
/// `table|enterprise|team|user|field`. `%` and `|` in ids are escaped so that
/// two different records can never produce the same context.
pub(crate) fn token_context(table: &str, enterprise: &str, team: &str, user: &str, field: &str) -> String {
    let escape = |s: &str| s.replace('%', "%25").replace('|', "%7C");
    format!("{table}|{}|{}|{}|{field}", escape(enterprise), escape(team), escape(user))
}

/// A token as it is written: encrypted when the store has a cipher.
pub(crate) fn seal(cipher: Option<&TokenCipher>, plain: &str, context: &str) -> Result<String, StoreError> {
    match cipher {
        Some(cipher) => cipher.encrypt(plain, context),
        None => Ok(plain.to_string()),
    }
}

/// A token as it is read back. An encrypted value without a cipher is
/// [`StoreError::KeyRequired`]; a plain value with a cipher is returned as it
/// is, so that a store written before encryption was turned on stays readable
/// (its tokens get encrypted as they are saved or rotated again).
pub(crate) fn unseal(cipher: Option<&TokenCipher>, stored: &str, context: &str, field: &'static str) -> Result<String, StoreError> {
    if !TokenCipher::is_encrypted(stored) {
        return Ok(stored.to_string());
    }
    match cipher {
        Some(cipher) => cipher.decrypt(stored, context, field),
        None => Err(StoreError::KeyRequired { field }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cipher() -> TokenCipher {
        TokenCipher::from_base64(&TokenCipher::generate_key().unwrap()).unwrap()
    }

    #[test]
    fn roundtrip() {
        let cipher = cipher();
        let stored = cipher.encrypt("xoxb-secret", "bots|E1|T1||bot_token").unwrap();
        assert!(TokenCipher::is_encrypted(&stored));
        assert!(!stored.contains("xoxb-secret"));
        assert_eq!(cipher.decrypt(&stored, "bots|E1|T1||bot_token", "bot_token").unwrap(), "xoxb-secret");
        assert_eq!(cipher.encrypt("", "c").and_then(|s| cipher.decrypt(&s, "c", "f")).unwrap(), "");
    }

    #[test]
    fn a_wrong_key_does_not_decrypt() {
        let stored = cipher().encrypt("xoxb-secret", "ctx").unwrap();
        assert!(matches!(cipher().decrypt(&stored, "ctx", "bot_token"), Err(StoreError::Decrypt { field: "bot_token" })));
    }

    #[test]
    fn an_altered_value_does_not_decrypt() {
        let cipher = cipher();
        let stored = cipher.encrypt("xoxb-secret", "ctx").unwrap();
        let mut bytes = STANDARD.decode(stored.strip_prefix(PREFIX).unwrap()).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let altered = format!("{PREFIX}{}", STANDARD.encode(&bytes));
        assert!(matches!(cipher.decrypt(&altered, "ctx", "f"), Err(StoreError::Decrypt { .. })));
        let truncated = format!("{PREFIX}{}", STANDARD.encode(&bytes[..20]));
        assert!(matches!(cipher.decrypt(&truncated, "ctx", "f"), Err(StoreError::Decrypt { .. })));
        assert!(matches!(cipher.decrypt("enc:v1:***", "ctx", "f"), Err(StoreError::Decrypt { .. })));
        assert!(matches!(cipher.decrypt("xoxb-plain", "ctx", "f"), Err(StoreError::Decrypt { .. })));
    }

    #[test]
    fn another_context_does_not_decrypt() {
        let cipher = cipher();
        let stored = cipher.encrypt("xoxb-secret", &token_context("bots", "E1", "T1", "", "bot_token")).unwrap();
        let other = token_context("bots", "E1", "T2", "", "bot_token");
        assert!(matches!(cipher.decrypt(&stored, &other, "bot_token"), Err(StoreError::Decrypt { .. })));
        // Ids containing the separator cannot forge another record's context.
        assert_ne!(token_context("t", "a|b", "", "", "f"), token_context("t", "a", "b", "", "f"));
    }

    #[test]
    fn two_encryptions_of_one_value_differ() {
        let cipher = cipher();
        assert_ne!(cipher.encrypt("xoxb-secret", "ctx").unwrap(), cipher.encrypt("xoxb-secret", "ctx").unwrap());
    }

    #[test]
    fn malformed_keys_are_refused_without_quoting_them() {
        let short = STANDARD.encode([7u8; 16]);
        match TokenCipher::from_base64(&short) {
            Err(StoreError::InvalidKey { reason }) => assert!(reason.contains("16 bytes") && !reason.contains(&short)),
            other => panic!("unexpected {other:?}"),
        }
        assert!(matches!(TokenCipher::from_base64("not base64 at all!"), Err(StoreError::InvalidKey { .. })));
        let key = TokenCipher::generate_key().unwrap();
        assert!(TokenCipher::from_base64(&format!("{key}\n")).is_ok());
        assert_eq!(format!("{:?}", TokenCipher::from_base64(&key).unwrap()), "TokenCipher(<redacted>)");
    }

    #[test]
    fn from_env_is_none_when_unset() {
        assert!(TokenCipher::from_env("SDKGEN_TEST_SURELY_UNSET_KEY_VARIABLE").unwrap().is_none());
    }

    #[test]
    fn unseal_requires_a_key_for_encrypted_values_and_passes_plain_ones() {
        let cipher = cipher();
        let stored = seal(Some(&cipher), "tok", "ctx").unwrap();
        assert!(matches!(unseal(None, &stored, "ctx", "user_token"), Err(StoreError::KeyRequired { field: "user_token" })));
        assert_eq!(unseal(Some(&cipher), &stored, "ctx", "user_token").unwrap(), "tok");
        assert_eq!(unseal(Some(&cipher), "plain", "ctx", "user_token").unwrap(), "plain");
        assert_eq!(seal(None, "plain", "ctx").unwrap(), "plain");
    }
}
