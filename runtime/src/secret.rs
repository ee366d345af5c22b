//! Secret values: tokens, keys and passwords that never show in `Debug`.

macro_rules! secret {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// `Debug` prints a placeholder, never the value. Serialises as the plain
        /// string, for storage.
        #[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps a secret value.
            pub fn new(value: impl Into<String>) -> Self {
                $name(value.into())
            }

            /// The secret value, for sending it.
            pub fn secret(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                $name(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                $name(value.to_string())
            }
        }
    };
}

pub(crate) use secret;

secret! {
    /// An OAuth 2 or bearer access token.
    AccessToken
}

secret! {
    /// An API key.
    ApiKey
}

secret! {
    /// A password.
    Password
}

/// A user name and password for HTTP basic authentication.
#[derive(Clone, PartialEq, Eq)]
pub struct BasicCredentials {
    username: String,
    password: Password,
}

impl BasicCredentials {
    /// Credentials for `username`.
    pub fn new(username: impl Into<String>, password: impl Into<Password>) -> Self {
        BasicCredentials { username: username.into(), password: password.into() }
    }

    /// The user name.
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The password.
    pub fn password(&self) -> &Password {
        &self.password
    }
}

impl std::fmt::Debug for BasicCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BasicCredentials").field("username", &self.username).field("password", &self.password).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_value() {
        let shown = format!("{:?} {:?}", AccessToken::new("xoxb-1"), BasicCredentials::new("ann", "pa55"));
        assert!(!shown.contains("xoxb-1") && !shown.contains("pa55"), "{shown}");
        assert!(shown.contains("ann"));
        assert_eq!(serde_json::to_string(&ApiKey::new("k")).unwrap(), "\"k\"");
    }
}
