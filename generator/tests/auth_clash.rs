//! The model stage notices security requirements that AND two schemes sent in
//! the one `Authorization` header, and only those.

use serde_json::json;

mod support;
use support::model;

fn warnings(security: serde_json::Value) -> Vec<String> {
    let doc = json!({
        "openapi": "3.0.3",
        "info": { "title": "Clash", "version": "1" },
        "components": { "securitySchemes": {
            "basic": { "type": "http", "scheme": "basic" },
            "bearer": { "type": "http", "scheme": "bearer" },
            "key": { "type": "apiKey", "in": "header", "name": "X-Key" },
            "oauth": { "type": "oauth2", "flows": { "clientCredentials": { "tokenUrl": "https://example.com/token", "scopes": {} } } }
        } },
        "paths": { "/things": { "get": {
            "operationId": "listThings",
            "security": security,
            "responses": { "204": { "description": "none" } }
        } } }
    });
    model(&doc.to_string()).warnings
}

#[test]
fn two_authorization_schemes_required_together_are_reported() {
    assert_eq!(
        warnings(json!([{ "basic": [], "oauth": [] }])),
        ["spec.yaml: operation `listThings` requires `basic` and `oauth` together, but each is sent in the Authorization header; \
          the client refuses such a call (Error::InvalidRequest) rather than drop one"]
    );
}

#[test]
fn alternatives_and_an_api_key_beside_a_token_are_fine() {
    assert!(warnings(json!([{ "basic": [] }, { "bearer": [] }])).is_empty());
    assert!(warnings(json!([{ "key": [], "bearer": [] }])).is_empty());
}
