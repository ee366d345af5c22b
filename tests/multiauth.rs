//! Every multi-auth endpoint with every combination of credentials.
