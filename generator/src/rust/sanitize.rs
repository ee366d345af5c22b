//! The one place where names from a description become Rust identifiers.
//!
//! Anything can come in (`chat.postMessage`, `+1`, `type`, `Result`, `日本`); what
//! comes out is a valid, warning-free identifier in the right case, and a [`Namer`]
//! keeps the names of one scope distinct.

use std::collections::HashSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Rust keywords (strict, reserved and weak ones that cannot be used plainly).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else", "enum", "extern",
    "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv",
    "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof", "union", "unsafe", "unsized",
    "use", "virtual", "where", "while", "yield",
];

/// Type names that generated code (or the prelude) already uses; a generated type
/// with one of these names would shadow it.
const RESERVED_TYPES: &[&str] = &[
    "Self",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Box",
    "String",
    "Vec",
    "Default",
    "Clone",
    "Copy",
    "Debug",
    "Display",
    "Send",
    "Sync",
    "Sized",
    "Fn",
    "FnMut",
    "FnOnce",
    "Drop",
    "Iterator",
    "IntoIterator",
    "Into",
    "From",
    "TryFrom",
    "TryInto",
    "ToString",
    "ToOwned",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "Hash",
    "AsRef",
    "AsMut",
    "Extend",
    "Error",
    "Value",
    "Map",
    "BTreeMap",
    "HashMap",
    "Future",
    "Duration",
    "Serialize",
    "Deserialize",
    "Client",
    "Configuration",
    "Environment",
    "FileUpload",
    "Secret",
];

/// Words for the characters that would otherwise vanish from a name.
fn spell_symbols(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    let mut first = true;
    while let Some(c) = chars.next() {
        match c {
            '+' if first => out.push_str("plus "),
            '-' if first && chars.peek().is_some_and(|n| n.is_ascii_digit()) => out.push_str("minus "),
            c if c.is_ascii_alphanumeric() => out.push(c),
            '_' => out.push('_'),
            _ => out.push(' '),
        }
        first = false;
    }
    out
}

fn words(raw: &str) -> String {
    let spelled = spell_symbols(raw);
    if spelled.chars().any(|c| c.is_ascii_alphanumeric()) {
        spelled
    } else if raw.is_empty() {
        "empty".to_string()
    } else {
        // Only symbols or non-ASCII text: name it by its code points so distinct
        // values stay distinct and names stay ASCII.
        let mut s = String::from("value");
        for c in raw.chars().take(8) {
            s.push_str(&format!(" u{:x}", c as u32));
        }
        s
    }
}

/// A valid cargo package name from a title or a setting: ASCII letters,
/// digits and `-`, starting with a letter, not a Rust keyword and not a name
/// cargo reserves (`test`, `std`, ...): `"2FA API"` → `api-2fa-api`.
pub fn package_name(raw: &str) -> String {
    let ascii: String = raw.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { ' ' }).collect();
    // Word by word, so a plural acronym stays one word (`APIs` → `apis`, where
    // case conversion alone would split it into `ap-is`).
    let words: Vec<String> = ascii
        .split([' ', '-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let stem = w.strip_suffix('s').unwrap_or(w);
            if stem.len() > 1 && stem.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) {
                w.to_ascii_lowercase()
            } else {
                heck::ToKebabCase::to_kebab_case(w)
            }
        })
        .collect();
    let mut name = words.join("-");
    if name.is_empty() {
        return "api-client".into();
    }
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name = format!("api-{name}");
    }
    const RESERVED: &[&str] = &["test", "std", "core", "alloc", "proc-macro", "build", "deps", "examples"];
    if KEYWORDS.contains(&name.replace('-', "_").as_str()) || RESERVED.contains(&name.as_str()) {
        name.push_str("-api");
    }
    name
}

/// A `snake_case` identifier for a field, method, module or parameter.
pub fn snake(raw: &str) -> String {
    let mut s = words(raw).to_snake_case();
    if s.is_empty() {
        s = "value".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'n');
    }
    if KEYWORDS.contains(&s.as_str()) || s == "_" {
        s.push('_');
    }
    s
}

/// Longest module name, in bytes. A module is a file (`<name>.rs`, written through
/// `<name>.rs.sdkgen-tmp`), and file systems allow 255 bytes per name.
pub const MAX_MODULE_LEN: usize = 100;

/// [`snake`] for a module: a name longer than [`MAX_MODULE_LEN`] is cut, at a word
/// boundary when there is one in its second half ([`Namer`] keeps cut names distinct).
pub fn module_name(raw: &str) -> String {
    let s = snake(raw);
    if s.len() <= MAX_MODULE_LEN {
        return s;
    }
    // `snake` output is ASCII, so any byte index is a character boundary.
    let cut = &s[..MAX_MODULE_LEN];
    let cut = match cut.rfind('_') {
        Some(i) if i > MAX_MODULE_LEN / 2 => &cut[..i],
        _ => cut,
    };
    cut.trim_end_matches('_').to_string()
}

/// An `UpperCamelCase` identifier for a type or enum variant.
pub fn pascal(raw: &str) -> String {
    let mut s = words(raw).to_upper_camel_case();
    if s.is_empty() {
        s = "Value".into();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'V');
    }
    if KEYWORDS.contains(&s.as_str()) || s == "Self" {
        s.push('_');
    }
    s
}

/// [`pascal`] for a type name: also avoids names the generated code relies on.
pub fn type_name(raw: &str) -> String {
    let mut s = pascal(raw);
    if RESERVED_TYPES.contains(&s.as_str()) {
        s.push_str("Model");
    }
    s
}

/// Keeps the identifiers of one scope distinct: the second `foo` becomes `foo_2`
/// (`Foo2` in Pascal case), and so on, in the order names are asked for.
#[derive(Debug, Default, Clone)]
pub struct Namer {
    used: HashSet<String>,
}

impl Namer {
    /// An empty scope.
    pub fn new() -> Self {
        Namer::default()
    }

    /// A scope where `names` are already taken.
    pub fn with_reserved<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        Namer { used: names.into_iter().map(str::to_string).collect() }
    }

    /// Whether `name` is already taken in this scope.
    pub fn is_taken(&self, name: &str) -> bool {
        self.used.contains(name)
    }

    /// Takes `base`, or the first free `base` + number.
    pub fn unique(&mut self, base: String) -> String {
        if self.used.insert(base.clone()) {
            return base;
        }
        // `foo_bar` → `foo_bar_2`, `self_` → `self_2`; `Foo` and `Self_` → `Foo2`,
        // `Self2` (a double or inner underscore would trip the case lints).
        let snake_like = base.starts_with(|c: char| c.is_ascii_lowercase() || c == '_');
        let stem = base.trim_end_matches('_');
        let mut n = 2;
        loop {
            let candidate = if snake_like { format!("{stem}_{n}") } else { format!("{stem}{n}") };
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_keywords_and_symbols() {
        assert_eq!(snake("postMessage"), "post_message");
        assert_eq!(snake("type"), "type_");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("2fa"), "n2fa");
        assert_eq!(snake("api-key"), "api_key");
        assert_eq!(pascal("chat.postMessage"), "ChatPostMessage");
        assert_eq!(pascal("+1"), "Plus1");
        assert_eq!(pascal("-1"), "Minus1");
        assert_eq!(pascal("1x"), "V1x");
        assert_eq!(pascal(""), "Empty");
        assert_eq!(pascal("日本"), "ValueU65e5U672c");
        assert_eq!(type_name("Result"), "ResultModel");
        assert_eq!(type_name("self"), "Self_");
    }

    #[test]
    fn long_module_names_are_cut_at_a_word() {
        let raw = "identity_governance_entitlement_management_access_package_assignments_access_package_".repeat(4);
        let m = module_name(&raw);
        assert!(m.len() <= MAX_MODULE_LEN, "{m}");
        assert!(m.starts_with("identity_governance_entitlement_management"), "{m}");
        assert!(!m.ends_with('_'), "{m}");
        assert_eq!(module_name("chat.postMessage"), "chat_post_message");
        let mut n = Namer::new();
        assert_ne!(n.unique(module_name(&raw)), n.unique(module_name(&(raw.clone() + "x"))));
    }

    #[test]
    fn namer_suffixes_collisions() {
        let mut n = Namer::new();
        assert_eq!(n.unique("foo_bar".into()), "foo_bar");
        assert_eq!(n.unique("foo_bar".into()), "foo_bar_2");
        assert_eq!(n.unique("Foo".into()), "Foo");
        assert_eq!(n.unique("Foo".into()), "Foo2");
        assert_eq!(n.unique("Self_".into()), "Self_");
        assert_eq!(n.unique("Self_".into()), "Self2");
    }

    #[test]
    fn package_names_are_always_valid_for_cargo() {
        assert_eq!(package_name("Slack Web API"), "slack-web-api");
        assert_eq!(package_name("1Password Connect"), "api-1password-connect");
        assert_eq!(package_name("Übersicht API"), "bersicht-api");
        assert_eq!(package_name("Test"), "test-api");
        assert_eq!(package_name("1Forge Finance APIs"), "api-1forge-finance-apis");
        assert_eq!(package_name("PetStore"), "pet-store");
        assert_eq!(package_name("Self"), "self-api");
        assert_eq!(package_name("!!!"), "api-client");
    }
}
