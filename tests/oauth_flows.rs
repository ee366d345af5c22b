//! OAuth 2 flows of the generated clients against a local authorization server.
