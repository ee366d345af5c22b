//! Form posts to the provider's endpoints (token, identity, OpenID Connect),
//! read as JSON objects with the provider's refusals told apart.

use crate::oauth::OAuthError;
use crate::secret::AccessToken;

/// Posts `form` (with a bearer token when given) and returns the JSON object
/// answered. RFC 6749 error responses and `ok: false` bodies (answered with
/// HTTP 200 by some providers) are [`OAuthError::Provider`]; bodies are never
/// kept in errors, as they may hold tokens.
pub(crate) async fn form(
    http: &reqwest::Client,
    url: &str,
    form: &[(&str, &str)],
    bearer: Option<&AccessToken>,
) -> Result<(http::StatusCode, serde_json::Map<String, serde_json::Value>), OAuthError> {
    let mut request = http.post(url).header(reqwest::header::ACCEPT, "application/json").form(form);
    if let Some(token) = bearer {
        request = request.bearer_auth(token.secret());
    }
    let response = request.send().await.map_err(|e| OAuthError::Transport(crate::error::TransportError::from(e)))?;
    let status = response.status();
    let bytes = response.bytes().await.map_err(|e| OAuthError::Transport(crate::error::TransportError::from(e)))?;
    let body = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(serde_json::Value::Object(body)) => body,
        _ if !status.is_success() => {
            return Err(OAuthError::Status { status, body: String::from_utf8_lossy(&bytes).chars().take(512).collect() });
        }
        _ => return Err(OAuthError::Decode { status, reason: "the body is not a JSON object".into() }),
    };
    if crate::oauth::is_refusal(status, &body) {
        return Err(crate::oauth::provider_error(status, &body).unwrap_or(OAuthError::Status { status, body: String::new() }));
    }
    Ok((status, body))
}
