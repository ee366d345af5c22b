//! OpenID Connect sign-in: checking the `id_token` the token endpoint returns
//! when a user signs in ("Sign in with Slack" and the like).
//!
//! An id token is a JWT signed by the provider. [`IdTokenVerifier`] accepts it
//! only when it is signed by one of the provider's published keys (its JWKS,
//! fetched and cached), with an asymmetric algorithm, was issued by the
//! expected issuer for this application, has not expired, and carries the
//! nonce of the sign-in request it answers. What it says about the user is
//! then in [`IdTokenClaims`].

use std::sync::Arc;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyAlgorithm, KeyOperations, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Map, Value};
use tokio::sync::{Mutex, RwLock};

/// Where the provider's OpenID Connect endpoints are, and what to ask for.
/// The generated crate fills it in from its settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenIdSettings {
    /// The consent page the user is sent to sign in.
    pub authorization_url: String,
    /// The token endpoint, which answers the sign-in code with tokens,
    /// among which the `id_token`.
    pub token_url: String,
    /// The UserInfo endpoint, for claims the id token does not carry.
    pub userinfo_url: String,
    /// The `iss` every id token of the provider carries.
    pub issuer: String,
    /// Where the provider publishes the public keys id tokens are signed
    /// with (a JSON Web Key Set).
    pub jwks_url: String,
    /// Scopes asked for (`openid` and, for instance, `email`, `profile`).
    pub scopes: Vec<String>,
}

/// The claims of a verified id token: who signed in, and what the provider
/// says about them.
///
/// Standard claims (OpenID Connect Core §2 and §5.1) have fields; the
/// provider's own (Slack's `https://slack.com/team_id`, ...) are in
/// [`IdTokenClaims::extra`], read with [`IdTokenClaims::claim`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct IdTokenClaims {
    /// Issuer: the provider.
    pub iss: String,
    /// Subject: the user's stable identifier at the provider. Use it, not the
    /// email, to recognise a returning user.
    pub sub: String,
    /// Audience: this application's client id. A token for several audiences
    /// is refused, so there is exactly one.
    #[serde(deserialize_with = "one_audience")]
    pub aud: String,
    /// Expiry, in seconds since the Unix epoch.
    pub exp: u64,
    /// When the token was issued, in seconds since the Unix epoch.
    pub iat: u64,
    /// The nonce of the sign-in request (already checked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// Email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Whether the provider checked that the user owns the email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_verified: Option<bool>,
    /// Full name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// URL of a profile picture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<String>,
    /// Given (first) name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    /// Family (last) name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// Locale, as a BCP 47 tag (`en-US`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// Every other claim, by name.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl IdTokenClaims {
    /// A claim without a field of its own, such as
    /// `https://slack.com/team_id`.
    pub fn claim(&self, name: &str) -> Option<&Value> {
        self.extra.get(name)
    }
}

/// `aud` is a string or an array of strings (RFC 7519 §4.1.3); by the time
/// claims are read, a verified token has exactly one.
fn one_audience<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    use serde::Deserialize as _;
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Audience {
        One(String),
        Many(Vec<String>),
    }
    match Audience::deserialize(deserializer)? {
        Audience::One(aud) => Ok(aud),
        Audience::Many(mut auds) if auds.len() == 1 => Ok(auds.remove(0)),
        Audience::Many(_) => Err(serde::de::Error::custom("`aud` must name exactly one audience")),
    }
}

/// Why an id token was refused. Never holds the token: it may be logged.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OidcError {
    /// The provider's keys cannot be fetched or read.
    Jwks {
        /// What went wrong.
        reason: String,
    },
    /// None of the provider's keys has the token's key id (`kid`) and fits
    /// its algorithm, even after fetching the keys again in case they were
    /// rotated.
    UnknownKey {
        /// The token's key id, if it has one.
        kid: Option<String>,
    },
    /// The token is signed with an algorithm that is refused: `none`, a
    /// symmetric one (`HS256`...), or one this crate does not know.
    UnsupportedAlgorithm {
        /// The token's `alg`.
        alg: String,
    },
    /// The signature does not match: the token was not signed by the
    /// provider, or was altered.
    BadSignature,
    /// The token was issued by another issuer than the expected one.
    WrongIssuer,
    /// The token is not for this application (`aud`, or `azp`, names another
    /// client, or it names other audiences too).
    WrongAudience,
    /// The token has expired (beyond the accepted clock difference).
    Expired,
    /// The token is not valid yet: its `nbf` or `iat` is in the future
    /// (beyond the accepted clock difference).
    NotYetValid,
    /// The token's nonce is not the one of this sign-in: possibly a token
    /// replayed from another sign-in.
    NonceMismatch,
    /// The token has no nonce, although the sign-in request sent one.
    MissingNonce,
    /// The token is not a well-formed id token.
    Malformed {
        /// What is wrong with it.
        reason: String,
    },
}

impl std::fmt::Display for OidcError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OidcError::Jwks { reason } => write!(f, "cannot get the OpenID provider's keys: {reason}"),
            OidcError::UnknownKey { kid: Some(kid) } => write!(f, "the id token is signed with an unknown key `{kid}`"),
            OidcError::UnknownKey { kid: None } => f.write_str("the id token names no key and the provider has no single key that fits"),
            OidcError::UnsupportedAlgorithm { alg } => write!(f, "the id token is signed with a refused algorithm `{alg}`"),
            OidcError::BadSignature => f.write_str("the id token's signature does not match"),
            OidcError::WrongIssuer => f.write_str("the id token was issued by another issuer"),
            OidcError::WrongAudience => f.write_str("the id token is not for this application"),
            OidcError::Expired => f.write_str("the id token has expired"),
            OidcError::NotYetValid => f.write_str("the id token is not valid yet"),
            OidcError::NonceMismatch => f.write_str("the id token's nonce is not the one of this sign-in"),
            OidcError::MissingNonce => f.write_str("the id token has no nonce"),
            OidcError::Malformed { reason } => write!(f, "malformed id token: {reason}"),
        }
    }
}

impl std::error::Error for OidcError {}

/// How long fetched keys are trusted before they are fetched again, so that
/// a key the provider withdrew stops being accepted.
const JWKS_MAX_AGE: Duration = Duration::from_secs(60 * 60);

/// At most one refetch for unknown key ids per this interval: otherwise
/// anyone could make the application hammer the provider by sending tokens
/// with made-up key ids.
const UNKNOWN_KEY_REFETCH_INTERVAL: Duration = Duration::from_secs(60);

/// Verifies the id tokens of one provider for one application.
///
/// Keys are fetched from the provider's JWKS URL on first use and cached for
/// an hour; a token signed with a key id not in the cache makes it fetch them
/// again at once (the provider rotated its keys), at most once a minute.
/// Share one verifier (in an `Arc`) rather than making one per sign-in, so
/// that the cache serves them all.
pub struct IdTokenVerifier {
    http: reqwest::Client,
    issuer: String,
    audience: String,
    jwks_url: String,
    leeway: Duration,
    keys: RwLock<Option<Arc<FetchedKeys>>>,
    /// Held while fetching, so that concurrent verifications fetch once; holds
    /// when the last refetch for an unknown key id was.
    refetch: Mutex<Option<Instant>>,
}

struct FetchedKeys {
    keys: Vec<Jwk>,
    fetched_at: Instant,
}

impl std::fmt::Debug for IdTokenVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdTokenVerifier")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("jwks_url", &self.jwks_url)
            .field("leeway", &self.leeway)
            .finish_non_exhaustive()
    }
}

impl IdTokenVerifier {
    /// A verifier of tokens issued by `issuer` (exactly as in the tokens'
    /// `iss`) for the client id `audience`, signed with the keys published at
    /// `jwks_url`, fetched with `http`.
    pub fn new(http: reqwest::Client, issuer: String, audience: String, jwks_url: String) -> Self {
        // jsonwebtoken picks its crypto backend per process. Choosing ours here
        // means applications never have to; one that chose another keeps it.
        let _ = jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER.install_default();
        IdTokenVerifier {
            http,
            issuer,
            audience,
            jwks_url,
            leeway: Duration::from_secs(60),
            keys: RwLock::new(None),
            refetch: Mutex::new(None),
        }
    }

    /// Accepted difference between the provider's clock and ours, for `exp`,
    /// `nbf` and `iat` (60 seconds unless set). Whole seconds: fractions are
    /// dropped.
    pub fn with_leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Verifies `id_token` and returns its claims. `expected_nonce` is the
    /// nonce sent in this sign-in's authorization request (kept in the user's
    /// session); an empty one matches nothing.
    pub async fn verify(&self, id_token: &str, expected_nonce: &str) -> Result<IdTokenClaims, OidcError> {
        let header = read_header(id_token)?;
        let alg = asymmetric_algorithm(&header.alg).ok_or_else(|| OidcError::UnsupportedAlgorithm { alg: header.alg.clone() })?;
        let key = self.key_for(header.kid.as_deref(), alg).await?;

        let mut validation = Validation::new(alg);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        // jsonwebtoken subtracts the leeway from the current time unchecked.
        validation.leeway = self.leeway.as_secs().min(crate::oauth::now_unix());
        let mut claims = jsonwebtoken::decode::<Map<String, Value>>(id_token, &key, &validation).map_err(from_jwt_error)?.claims;

        match claims.get("iat") {
            Some(Value::Number(iat)) => {
                let iat = iat.as_u64().ok_or_else(|| malformed("the `iat` claim is not a number of seconds"))?;
                if iat > crate::oauth::now_unix().saturating_add(self.leeway.as_secs()) {
                    return Err(OidcError::NotYetValid);
                }
            }
            Some(_) => return Err(malformed("the `iat` claim is not a number of seconds")),
            None => return Err(malformed("no `iat` claim")),
        }
        // jsonwebtoken checked that we are among the audiences; OpenID Connect
        // also wants tokens naming audiences we do not trust refused (Core
        // §3.1.3.7), and the authorized party, when named, to be us.
        if let Some(Value::Array(audiences)) = claims.get_mut("aud") {
            if audiences.len() != 1 {
                return Err(OidcError::WrongAudience);
            }
            let only = audiences.remove(0);
            claims.insert("aud".to_string(), only);
        }
        match claims.get("azp") {
            Some(Value::String(azp)) if *azp != self.audience => return Err(OidcError::WrongAudience),
            Some(Value::String(_)) | None => {}
            Some(_) => return Err(malformed("the `azp` claim is not a string")),
        }
        match claims.get("nonce") {
            Some(Value::String(nonce)) => {
                use subtle::ConstantTimeEq as _;
                let equal: bool = nonce.as_bytes().ct_eq(expected_nonce.as_bytes()).into();
                if !equal || expected_nonce.is_empty() {
                    return Err(OidcError::NonceMismatch);
                }
            }
            Some(_) => return Err(malformed("the `nonce` claim is not a string")),
            None => return Err(OidcError::MissingNonce),
        }

        serde_json::from_value(Value::Object(claims)).map_err(|e| {
            // serde's messages may quote claim values; only "missing field"
            // ones are known to quote nothing but the field's name.
            let message = e.to_string();
            malformed(if message.starts_with("missing field") { &message } else { "a standard claim has the wrong type" })
        })
    }

    /// The key that verifies a token with key id `kid` and algorithm `alg`,
    /// fetching the provider's keys when they are not cached, too old, or
    /// (rotation) do not have it.
    async fn key_for(&self, kid: Option<&str>, alg: Algorithm) -> Result<DecodingKey, OidcError> {
        let seen = self.keys.read().await.clone();
        if let Some(keys) = &seen
            && keys.fetched_at.elapsed() < JWKS_MAX_AGE
            && let Some(key) = select_key(&keys.keys, kid, alg)?
        {
            return Ok(key);
        }

        let mut last_refetch = self.refetch.lock().await;
        let current = self.keys.read().await.clone();
        if let Some(keys) = &current
            && keys.fetched_at.elapsed() < JWKS_MAX_AGE
        {
            if let Some(key) = select_key(&keys.keys, kid, alg)? {
                return Ok(key);
            }
            let fetched_meanwhile = match &seen {
                Some(seen) => !Arc::ptr_eq(seen, keys),
                None => true,
            };
            let refetched_recently = last_refetch.is_some_and(|at| at.elapsed() < UNKNOWN_KEY_REFETCH_INTERVAL);
            if fetched_meanwhile || refetched_recently {
                return Err(OidcError::UnknownKey { kid: kid.map(str::to_string) });
            }
            *last_refetch = Some(Instant::now());
        }

        let fetched = Arc::new(FetchedKeys { keys: self.fetch_keys().await?, fetched_at: Instant::now() });
        *self.keys.write().await = Some(fetched.clone());
        select_key(&fetched.keys, kid, alg)?.ok_or_else(|| OidcError::UnknownKey { kid: kid.map(str::to_string) })
    }

    async fn fetch_keys(&self) -> Result<Vec<Jwk>, OidcError> {
        let jwks_error = |reason: String| OidcError::Jwks { reason };
        let response = self
            .http
            .get(&self.jwks_url)
            .header(http::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|e| jwks_error(format!("cannot reach {}: {e}", self.jwks_url)))?;
        let status = response.status();
        if !status.is_success() {
            return Err(jwks_error(format!("{} answered HTTP {status}", self.jwks_url)));
        }
        let body = response.bytes().await.map_err(|e| jwks_error(format!("cannot read {}: {e}", self.jwks_url)))?;

        #[derive(serde::Deserialize)]
        struct RawSet {
            keys: Vec<Value>,
        }
        let set: RawSet =
            serde_json::from_slice(&body).map_err(|e| jwks_error(format!("{} is not a JSON Web Key Set: {e}", self.jwks_url)))?;
        // Keys of types this crate cannot read (encryption keys, new key types)
        // are skipped rather than failing the whole set: they sign nothing we
        // could verify anyway.
        Ok(set.keys.into_iter().filter_map(|key| serde_json::from_value::<Jwk>(key).ok()).collect())
    }
}

struct TokenHeader {
    alg: String,
    kid: Option<String>,
}

/// Reads the header without jsonwebtoken, whose `Header` cannot even hold
/// `alg: none`: the algorithm must be refused by name, before any key is
/// looked up.
fn read_header(token: &str) -> Result<TokenHeader, OidcError> {
    use base64::Engine as _;
    let mut parts = token.split('.');
    let (Some(header), Some(_), Some(_), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(malformed("not a signed JWT (three parts separated by dots)"));
    };
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(header).map_err(|_| malformed("the header is not base64url"))?;
    let header: Map<String, Value> = serde_json::from_slice(&bytes).map_err(|_| malformed("the header is not a JSON object"))?;
    if header.contains_key("crit") {
        // RFC 7515 §4.1.11: extensions marked critical must be understood; we
        // understand none.
        return Err(malformed("the header has critical extensions"));
    }
    let alg = match header.get("alg") {
        Some(Value::String(alg)) => alg.clone(),
        _ => return Err(malformed("the header has no `alg`")),
    };
    let kid = match header.get("kid") {
        Some(Value::String(kid)) => Some(kid.clone()),
        None | Some(Value::Null) => None,
        Some(_) => return Err(malformed("the header's `kid` is not a string")),
    };
    Ok(TokenHeader { alg, kid })
}

/// The algorithms accepted: asymmetric ones only. With a symmetric one, the
/// "key" would be whatever the provider's public key is as bytes, which anyone
/// has; `none` is no signature at all.
fn asymmetric_algorithm(alg: &str) -> Option<Algorithm> {
    Some(match alg {
        "RS256" => Algorithm::RS256,
        "RS384" => Algorithm::RS384,
        "RS512" => Algorithm::RS512,
        "PS256" => Algorithm::PS256,
        "PS384" => Algorithm::PS384,
        "PS512" => Algorithm::PS512,
        "ES256" => Algorithm::ES256,
        "ES384" => Algorithm::ES384,
        "EdDSA" => Algorithm::EdDSA,
        _ => return None,
    })
}

/// The one key with id `kid` (or, for a token without one, the only key)
/// that can verify `alg` signatures.
fn select_key(keys: &[Jwk], kid: Option<&str>, alg: Algorithm) -> Result<Option<DecodingKey>, OidcError> {
    let mut candidates = keys.iter().filter(|key| kid.is_none_or(|kid| key.common.key_id.as_deref() == Some(kid)) && key_fits(key, alg));
    let (Some(key), None) = (candidates.next(), candidates.next()) else {
        return Ok(None);
    };
    DecodingKey::from_jwk(key)
        .map(Some)
        .map_err(|e| OidcError::Jwks { reason: format!("key `{}` cannot be read: {e}", key.common.key_id.as_deref().unwrap_or("(no id)")) })
}

/// Whether `key` may verify `alg` signatures: a signing key, of the type the
/// algorithm needs, declared (if at all) for that algorithm. A key is never
/// used with an algorithm it was not published for.
fn key_fits(key: &Jwk, alg: Algorithm) -> bool {
    let for_signing = matches!(key.common.public_key_use, None | Some(PublicKeyUse::Signature))
        && key.common.key_operations.as_ref().is_none_or(|ops| ops.contains(&KeyOperations::Verify));
    let declared = match &key.common.key_algorithm {
        None => true,
        Some(declared) => matches!(
            (declared, alg),
            (KeyAlgorithm::RS256, Algorithm::RS256)
                | (KeyAlgorithm::RS384, Algorithm::RS384)
                | (KeyAlgorithm::RS512, Algorithm::RS512)
                | (KeyAlgorithm::PS256, Algorithm::PS256)
                | (KeyAlgorithm::PS384, Algorithm::PS384)
                | (KeyAlgorithm::PS512, Algorithm::PS512)
                | (KeyAlgorithm::ES256, Algorithm::ES256)
                | (KeyAlgorithm::ES384, Algorithm::ES384)
                | (KeyAlgorithm::EdDSA, Algorithm::EdDSA)
        ),
    };
    let kind = match (&key.algorithm, alg) {
        (
            AlgorithmParameters::RSA(_),
            Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512 | Algorithm::PS256 | Algorithm::PS384 | Algorithm::PS512,
        ) => true,
        (AlgorithmParameters::EllipticCurve(ec), Algorithm::ES256) => ec.curve == EllipticCurve::P256,
        (AlgorithmParameters::EllipticCurve(ec), Algorithm::ES384) => ec.curve == EllipticCurve::P384,
        (AlgorithmParameters::OctetKeyPair(okp), Algorithm::EdDSA) => okp.curve == EllipticCurve::Ed25519,
        _ => false,
    };
    for_signing && declared && kind
}

fn malformed(reason: &str) -> OidcError {
    OidcError::Malformed { reason: reason.to_string() }
}

fn from_jwt_error(error: jsonwebtoken::errors::Error) -> OidcError {
    use jsonwebtoken::errors::ErrorKind;
    match error.kind() {
        ErrorKind::InvalidSignature => OidcError::BadSignature,
        ErrorKind::ExpiredSignature => OidcError::Expired,
        ErrorKind::ImmatureSignature => OidcError::NotYetValid,
        ErrorKind::InvalidIssuer => OidcError::WrongIssuer,
        ErrorKind::InvalidAudience => OidcError::WrongAudience,
        ErrorKind::MissingRequiredClaim(claim) => malformed(&format!("no `{claim}` claim")),
        ErrorKind::InvalidClaimFormat(claim) => malformed(&format!("the `{claim}` claim has the wrong type")),
        ErrorKind::Base64(_) => malformed("a part is not base64url"),
        ErrorKind::Json(_) | ErrorKind::Utf8(_) => malformed("the header or claims are not a JSON object"),
        ErrorKind::InvalidToken => malformed("not a signed JWT"),
        // The key was checked to fit the algorithm; these mean it cannot be
        // used all the same (a truncated modulus, for instance).
        ErrorKind::InvalidKeyFormat | ErrorKind::InvalidRsaKey(_) | ErrorKind::InvalidEcdsaKey | ErrorKind::InvalidEddsaKey => {
            OidcError::Jwks { reason: "the provider's key cannot be used".to_string() }
        }
        other => malformed(&format!("cannot be verified: {other:?}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{EncodingKey, Header, encode};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    const KEY: &[u8] = include_bytes!("testdata/oidc_test_key.pem");
    const OTHER_KEY: &[u8] = include_bytes!("testdata/oidc_other_key.pem");
    const JWKS: &str = include_str!("testdata/oidc_test_jwks.json");
    const ISSUER: &str = "https://slack.com";
    const CLIENT_ID: &str = "123.456";
    const NONCE: &str = "n-0S6_WzA2Mj";

    /// A JWKS endpoint on 127.0.0.1 that counts the requests it answers.
    struct JwksServer {
        url: String,
        hits: Arc<AtomicUsize>,
        body: Arc<std::sync::Mutex<(u16, String)>>,
    }

    impl JwksServer {
        async fn start(jwks: &str) -> Self {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = format!("http://{}/.well-known/jwks.json", listener.local_addr().unwrap());
            let hits = Arc::new(AtomicUsize::new(0));
            let body = Arc::new(std::sync::Mutex::new((200, jwks.to_string())));
            let (served_hits, served_body) = (hits.clone(), body.clone());
            tokio::spawn(async move {
                loop {
                    let Ok((mut socket, _)) = listener.accept().await else { return };
                    let (hits, body) = (served_hits.clone(), served_body.clone());
                    tokio::spawn(async move {
                        // A GET has no body: the request ends at the blank line.
                        let mut request = Vec::new();
                        let mut buffer = [0u8; 1024];
                        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                            match socket.read(&mut buffer).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => request.extend_from_slice(&buffer[..n]),
                            }
                        }
                        hits.fetch_add(1, Ordering::SeqCst);
                        let (status, body) = body.lock().unwrap().clone();
                        let response = format!(
                            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                            body.len()
                        );
                        let _ = socket.write_all(response.as_bytes()).await;
                        let _ = socket.shutdown().await;
                    });
                }
            });
            JwksServer { url, hits, body }
        }

        fn hits(&self) -> usize {
            self.hits.load(Ordering::SeqCst)
        }

        fn serve(&self, status: u16, body: &str) {
            *self.body.lock().unwrap() = (status, body.to_string());
        }

        fn verifier(&self) -> IdTokenVerifier {
            let http = crate::transport::http_client_builder().build().unwrap();
            IdTokenVerifier::new(http, ISSUER.to_string(), CLIENT_ID.to_string(), self.url.clone())
        }
    }

    fn claims() -> Value {
        let now = crate::oauth::now_unix();
        serde_json::json!({
            "iss": ISSUER,
            "sub": "U0R7MFMJM",
            "aud": CLIENT_ID,
            "exp": now + 3600,
            "iat": now,
            "auth_time": now,
            "nonce": NONCE,
            "email": "ann@example.com",
            "email_verified": true,
            "name": "Ann",
            "picture": "https://example.com/ann.png",
            "given_name": "Ann",
            "family_name": "Example",
            "locale": "en-US",
            "https://slack.com/team_id": "T0R7GR",
            "https://slack.com/user_id": "U0R7MFMJM",
        })
    }

    fn with(changes: Value) -> Value {
        let mut claims = claims();
        for (name, value) in changes.as_object().unwrap() {
            if value.is_null() {
                claims.as_object_mut().unwrap().remove(name);
            } else {
                claims[name] = value.clone();
            }
        }
        claims
    }

    fn sign_with(key: &[u8], kid: Option<&str>, claims: &Value) -> String {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = kid.map(str::to_string);
        encode(&header, claims, &EncodingKey::from_rsa_pem(key).unwrap()).unwrap()
    }

    fn sign(claims: &Value) -> String {
        sign_with(KEY, Some("test-key-1"), claims)
    }

    /// A token with any header and a signature that signs nothing: the header
    /// must be refused before any signature is checked.
    fn with_header(header: Value) -> String {
        use base64::Engine as _;
        let b64 = |v: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap());
        format!("{}.{}.c2lnbmF0dXJl", b64(&header), b64(&claims()))
    }

    #[tokio::test]
    async fn valid_token_gives_its_claims() {
        let server = JwksServer::start(JWKS).await;
        let claims = server.verifier().verify(&sign(&claims()), NONCE).await.unwrap();
        assert_eq!(claims.iss, ISSUER);
        assert_eq!(claims.sub, "U0R7MFMJM");
        assert_eq!(claims.aud, CLIENT_ID);
        assert_eq!(claims.nonce.as_deref(), Some(NONCE));
        assert_eq!(claims.email.as_deref(), Some("ann@example.com"));
        assert_eq!(claims.email_verified, Some(true));
        assert_eq!(claims.name.as_deref(), Some("Ann"));
        assert_eq!(claims.given_name.as_deref(), Some("Ann"));
        assert_eq!(claims.family_name.as_deref(), Some("Example"));
        assert_eq!(claims.picture.as_deref(), Some("https://example.com/ann.png"));
        assert_eq!(claims.locale.as_deref(), Some("en-US"));
        assert_eq!(claims.claim("https://slack.com/team_id"), Some(&Value::from("T0R7GR")));
        assert!(claims.claim("auth_time").is_some());
        assert_eq!(claims.claim("email"), None, "standard claims are fields, not extras");
        assert_eq!(server.hits(), 1);
    }

    #[tokio::test]
    async fn keys_are_cached() {
        let server = JwksServer::start(JWKS).await;
        let verifier = server.verifier();
        for _ in 0..3 {
            verifier.verify(&sign(&claims()), NONCE).await.unwrap();
        }
        assert_eq!(server.hits(), 1);
    }

    #[tokio::test]
    async fn one_element_audience_arrays_and_minimal_claims() {
        let server = JwksServer::start(JWKS).await;
        let minimal = serde_json::json!({
            "iss": ISSUER, "sub": "U1", "aud": [CLIENT_ID], "nonce": NONCE,
            "exp": crate::oauth::now_unix() + 60, "iat": crate::oauth::now_unix(),
        });
        let claims = server.verifier().verify(&sign(&minimal), NONCE).await.unwrap();
        assert_eq!(claims.aud, CLIENT_ID);
        assert_eq!((claims.email, claims.name, claims.email_verified), (None, None, None));
        assert!(claims.extra.is_empty(), "{:?}", claims.extra);
    }

    #[tokio::test]
    async fn wrong_audience_is_refused() {
        let server = JwksServer::start(JWKS).await;
        let verifier = server.verifier();
        for aud in [serde_json::json!("another-app"), serde_json::json!([CLIENT_ID, "another-app"]), serde_json::json!([])] {
            let token = sign(&with(serde_json::json!({ "aud": aud })));
            assert_eq!(verifier.verify(&token, NONCE).await, Err(OidcError::WrongAudience), "{aud}");
        }
        let token = sign(&with(serde_json::json!({ "azp": "another-app" })));
        assert_eq!(verifier.verify(&token, NONCE).await, Err(OidcError::WrongAudience));
    }

    #[tokio::test]
    async fn expired_token_is_refused() {
        let server = JwksServer::start(JWKS).await;
        let now = crate::oauth::now_unix();
        let token = sign(&with(serde_json::json!({ "exp": now - 600, "iat": now - 4200 })));
        assert_eq!(server.verifier().verify(&token, NONCE).await, Err(OidcError::Expired));
        // Within the leeway it is still accepted, and the leeway can be widened.
        let token = sign(&with(serde_json::json!({ "exp": now - 30 })));
        assert!(server.verifier().verify(&token, NONCE).await.is_ok());
        let token = sign(&with(serde_json::json!({ "exp": now - 600 })));
        let lenient = server.verifier().with_leeway(Duration::from_secs(900));
        assert!(lenient.verify(&token, NONCE).await.is_ok());
    }

    #[tokio::test]
    async fn tokens_from_the_future_are_refused() {
        let server = JwksServer::start(JWKS).await;
        let now = crate::oauth::now_unix();
        let verifier = server.verifier();
        let token = sign(&with(serde_json::json!({ "iat": now + 600 })));
        assert_eq!(verifier.verify(&token, NONCE).await, Err(OidcError::NotYetValid));
        let token = sign(&with(serde_json::json!({ "nbf": now + 600 })));
        assert_eq!(verifier.verify(&token, NONCE).await, Err(OidcError::NotYetValid));
    }

    #[tokio::test]
    async fn signature_by_another_key_is_refused() {
        let server = JwksServer::start(JWKS).await;
        let verifier = server.verifier();
        let forged = sign_with(OTHER_KEY, Some("test-key-1"), &claims());
        assert_eq!(verifier.verify(&forged, NONCE).await, Err(OidcError::BadSignature));

        // A genuine signature over other claims.
        let genuine = sign(&claims());
        let altered = sign(&with(serde_json::json!({ "sub": "U-someone-else" })));
        let mut parts: Vec<&str> = genuine.split('.').collect();
        parts[1] = altered.split('.').nth(1).unwrap();
        assert_eq!(verifier.verify(&parts.join("."), NONCE).await, Err(OidcError::BadSignature));
    }

    #[tokio::test]
    async fn wrong_nonce_is_refused() {
        let server = JwksServer::start(JWKS).await;
        let verifier = server.verifier();
        let token = sign(&claims());
        assert_eq!(verifier.verify(&token, "another-nonce").await, Err(OidcError::NonceMismatch));
        assert_eq!(verifier.verify(&token, "").await, Err(OidcError::NonceMismatch));
        let without = sign(&with(serde_json::json!({ "nonce": null })));
        assert_eq!(verifier.verify(&without, NONCE).await, Err(OidcError::MissingNonce));
        let empty = sign(&with(serde_json::json!({ "nonce": "" })));
        assert_eq!(verifier.verify(&empty, "").await, Err(OidcError::NonceMismatch));
    }

    #[tokio::test]
    async fn wrong_issuer_is_refused() {
        let server = JwksServer::start(JWKS).await;
        let token = sign(&with(serde_json::json!({ "iss": "https://evil.example.com" })));
        assert_eq!(server.verifier().verify(&token, NONCE).await, Err(OidcError::WrongIssuer));
    }

    #[tokio::test]
    async fn unknown_key_is_refetched_once() {
        let server = JwksServer::start(JWKS).await;
        let verifier = server.verifier();
        verifier.verify(&sign(&claims()), NONCE).await.unwrap();
        assert_eq!(server.hits(), 1);

        let token = sign_with(OTHER_KEY, Some("test-key-2"), &claims());
        assert_eq!(verifier.verify(&token, NONCE).await, Err(OidcError::UnknownKey { kid: Some("test-key-2".into()) }));
        assert_eq!(server.hits(), 2, "one refetch, in case the keys were rotated");
        // Made-up key ids do not make the verifier hammer the provider.
        assert_eq!(verifier.verify(&token, NONCE).await, Err(OidcError::UnknownKey { kid: Some("test-key-2".into()) }));
        assert_eq!(server.hits(), 2);
        // Known keys still work from the cache.
        verifier.verify(&sign(&claims()), NONCE).await.unwrap();
        assert_eq!(server.hits(), 2);
    }

    #[tokio::test]
    async fn rotated_keys_are_picked_up() {
        let server = JwksServer::start(JWKS).await;
        let verifier = server.verifier();
        verifier.verify(&sign(&claims()), NONCE).await.unwrap();

        // The provider renames its key: the cache does not know the new id.
        server.serve(200, &JWKS.replace("test-key-1", "test-key-rotated"));
        let token = sign_with(KEY, Some("test-key-rotated"), &claims());
        assert!(verifier.verify(&token, NONCE).await.is_ok());
        assert_eq!(server.hits(), 2);
    }

    #[tokio::test]
    async fn concurrent_first_uses_fetch_once() {
        let server = JwksServer::start(JWKS).await;
        let verifier = Arc::new(server.verifier());
        let token = sign(&claims());
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (verifier, token) = (verifier.clone(), token.clone());
                tokio::spawn(async move { verifier.verify(&token, NONCE).await })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert_eq!(server.hits(), 1);
    }

    #[tokio::test]
    async fn tokens_without_kid_use_the_only_key() {
        let server = JwksServer::start(JWKS).await;
        let token = sign_with(KEY, None, &claims());
        assert!(server.verifier().verify(&token, NONCE).await.is_ok());
    }

    #[tokio::test]
    async fn symmetric_and_none_algorithms_are_refused() {
        let server = JwksServer::start(JWKS).await;
        let verifier = server.verifier();
        // Signed with the public modulus as an HMAC secret: the classic
        // algorithm-confusion forgery.
        let jwks: Value = serde_json::from_str(JWKS).unwrap();
        let modulus = jwks["keys"][0]["n"].as_str().unwrap();
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some("test-key-1".into());
        let hs256 = encode(&header, &claims(), &EncodingKey::from_secret(modulus.as_bytes())).unwrap();
        assert_eq!(verifier.verify(&hs256, NONCE).await, Err(OidcError::UnsupportedAlgorithm { alg: "HS256".into() }));

        for alg in ["none", "None", "HS512", "RSA-OAEP", ""] {
            let token = with_header(serde_json::json!({ "alg": alg, "kid": "test-key-1" }));
            assert_eq!(verifier.verify(&token, NONCE).await, Err(OidcError::UnsupportedAlgorithm { alg: alg.into() }));
        }
        let unsigned = format!("{}.", with_header(serde_json::json!({ "alg": "none" })).rsplit_once('.').unwrap().0);
        assert_eq!(verifier.verify(&unsigned, NONCE).await, Err(OidcError::UnsupportedAlgorithm { alg: "none".into() }));
        assert_eq!(server.hits(), 0, "refused before any key is fetched");
    }

    #[tokio::test]
    async fn keys_for_another_algorithm_are_not_used() {
        let server = JwksServer::start(JWKS).await;
        // The key is published for RS256 only.
        let mut header = Header::new(Algorithm::RS512);
        header.kid = Some("test-key-1".into());
        let token = encode(&header, &claims(), &EncodingKey::from_rsa_pem(KEY).unwrap()).unwrap();
        assert_eq!(server.verifier().verify(&token, NONCE).await, Err(OidcError::UnknownKey { kid: Some("test-key-1".into()) }));
    }

    #[tokio::test]
    async fn malformed_tokens_are_refused() {
        let server = JwksServer::start(JWKS).await;
        let verifier = server.verifier();
        for token in ["", "abc", "a.b", "a.b.c.d", "!!!.e30.sig", "e30.e30.sig"] {
            assert!(matches!(verifier.verify(token, NONCE).await, Err(OidcError::Malformed { .. })), "{token:?}");
        }
        let critical = with_header(serde_json::json!({ "alg": "RS256", "kid": "test-key-1", "crit": ["exp"] }));
        assert!(matches!(verifier.verify(&critical, NONCE).await, Err(OidcError::Malformed { .. })));
        let no_iat = sign(&with(serde_json::json!({ "iat": null })));
        assert_eq!(verifier.verify(&no_iat, NONCE).await, Err(OidcError::Malformed { reason: "no `iat` claim".into() }));
        let no_sub = sign(&with(serde_json::json!({ "sub": null })));
        assert_eq!(verifier.verify(&no_sub, NONCE).await, Err(OidcError::Malformed { reason: "no `sub` claim".into() }));
        let bad_email = sign(&with(serde_json::json!({ "email_verified": "secret-value" })));
        let error = verifier.verify(&bad_email, NONCE).await.unwrap_err();
        assert!(matches!(error, OidcError::Malformed { .. }) && !error.to_string().contains("secret-value"), "{error}");
    }

    #[tokio::test]
    async fn jwks_failures_are_reported() {
        let server = JwksServer::start(JWKS).await;
        let verifier = server.verifier();
        server.serve(500, "oops");
        assert!(matches!(verifier.verify(&sign(&claims()), NONCE).await, Err(OidcError::Jwks { .. })));
        server.serve(200, "not json");
        assert!(matches!(verifier.verify(&sign(&claims()), NONCE).await, Err(OidcError::Jwks { .. })));
        // Failures are not cached: once the provider answers, tokens pass.
        server.serve(200, JWKS);
        assert!(verifier.verify(&sign(&claims()), NONCE).await.is_ok());

        let http = crate::transport::http_client_builder().build().unwrap();
        let unreachable = IdTokenVerifier::new(http, ISSUER.into(), CLIENT_ID.into(), "http://127.0.0.1:1/jwks".into());
        assert!(matches!(unreachable.verify(&sign(&claims()), NONCE).await, Err(OidcError::Jwks { .. })));
    }

    #[tokio::test]
    async fn unreadable_keys_in_the_set_are_skipped() {
        let jwks: Value = serde_json::from_str(JWKS).unwrap();
        let mixed = serde_json::json!({ "keys": [
            { "kty": "future-key-type", "kid": "x" },
            { "kty": "RSA", "use": "enc", "kid": "test-key-1", "n": jwks["keys"][0]["n"], "e": "AQAB" },
            jwks["keys"][0],
        ]});
        let server = JwksServer::start(&mixed.to_string()).await;
        assert!(server.verifier().verify(&sign(&claims()), NONCE).await.is_ok());
    }

    #[tokio::test]
    async fn errors_and_debug_never_show_the_token() {
        let server = JwksServer::start(JWKS).await;
        let verifier = server.verifier();
        let token = sign(&with(serde_json::json!({ "aud": "another-app" })));
        let error = verifier.verify(&token, NONCE).await.unwrap_err();
        let shown = format!("{error} {error:?} {verifier:?}");
        for part in token.split('.') {
            assert!(!shown.contains(part), "{shown}");
        }
    }

    #[test]
    fn claims_round_trip_through_json() {
        let claims: IdTokenClaims = serde_json::from_value(with(serde_json::json!({ "aud": [CLIENT_ID] }))).unwrap();
        let again: IdTokenClaims = serde_json::from_value(serde_json::to_value(&claims).unwrap()).unwrap();
        assert_eq!(claims, again);
        assert_eq!(serde_json::to_value(&claims).unwrap()["aud"], CLIENT_ID);
    }
}
