//! Rust code as data: the Rust-type IR ([`RustType`], [`ArgType`]) and code
//! fragments ([`Code`]), built with `quote!` and turned into text only where
//! a template takes them. Nothing downstream reads generated text back:
//! decisions ("is this optional?", "is this a `String`?") are matches on
//! these types, so a new variant fails to compile until every match handles it.

use std::fmt;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{ToTokens, quote};
use serde::{Serialize, Serializer};

/// A Rust type the generated code names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RustType {
    /// `String`.
    String,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f64`.
    F64,
    /// `bool`.
    Bool,
    /// `serde_json::Value`: anything JSON can hold.
    Json,
    /// `crate::FileUpload`: a file sent in a request.
    FileUpload,
    /// `()`: no body.
    Unit,
    /// `Vec<u8>`: a body of raw bytes.
    Bytes,
    /// `Vec<T>`.
    Vec(Box<RustType>),
    /// `std::collections::BTreeMap<String, T>`.
    Map(Box<RustType>),
    /// `Option<T>`.
    Option(Box<RustType>),
    /// `Box<T>` (a recursive field).
    Box(Box<RustType>),
    /// A type declared in the module the code is in, named bare: a model
    /// beside it, an operation's own status enum.
    Local(String),
    /// A model type seen from elsewhere: `crate::models::Name`.
    Model(String),
}

impl RustType {
    /// `Option<self>`.
    pub fn option(self) -> RustType {
        RustType::Option(Box::new(self))
    }

    /// `Box<self>`.
    pub fn boxed(self) -> RustType {
        RustType::Box(Box::new(self))
    }

    /// Whether this is an `Option`.
    pub fn is_option(&self) -> bool {
        matches!(self, RustType::Option(_))
    }

    /// Whether this is a `Box`.
    pub fn is_box(&self) -> bool {
        matches!(self, RustType::Box(_))
    }

    /// The type inside an `Option`, or the type itself.
    pub fn without_option(&self) -> &RustType {
        match self {
            RustType::Option(inner) => inner,
            other => other,
        }
    }
}

impl ToTokens for RustType {
    fn to_tokens(&self, out: &mut TokenStream) {
        out.extend(match self {
            RustType::String => quote!(String),
            RustType::I32 => quote!(i32),
            RustType::I64 => quote!(i64),
            RustType::F64 => quote!(f64),
            RustType::Bool => quote!(bool),
            RustType::Json => quote!(serde_json::Value),
            RustType::FileUpload => quote!(crate::FileUpload),
            RustType::Unit => quote!(()),
            RustType::Bytes => quote!(Vec<u8>),
            RustType::Vec(inner) => quote!(Vec<#inner>),
            RustType::Map(inner) => quote!(std::collections::BTreeMap<String, #inner>),
            RustType::Option(inner) => quote!(Option<#inner>),
            RustType::Box(inner) => quote!(Box<#inner>),
            RustType::Local(name) => ident(name).into_token_stream(),
            RustType::Model(name) => {
                let name = ident(name);
                quote!(crate::models::#name)
            }
        });
    }
}

impl RustType {
    /// As written in another crate that reaches this one as `root` (the
    /// crate's tests, `root` its library name).
    pub fn from_crate(&self, root: &str) -> String {
        let mut out = String::new();
        self.write(&mut out, root).expect("writing to a String cannot fail");
        out
    }

    fn write(&self, f: &mut impl fmt::Write, root: &str) -> fmt::Result {
        match self {
            RustType::String => f.write_str("String"),
            RustType::I32 => f.write_str("i32"),
            RustType::I64 => f.write_str("i64"),
            RustType::F64 => f.write_str("f64"),
            RustType::Bool => f.write_str("bool"),
            RustType::Json => f.write_str("serde_json::Value"),
            RustType::FileUpload => write!(f, "{root}::FileUpload"),
            RustType::Unit => f.write_str("()"),
            RustType::Bytes => f.write_str("Vec<u8>"),
            RustType::Vec(inner) => Self::generic(f, "Vec<", inner, root),
            RustType::Map(inner) => Self::generic(f, "std::collections::BTreeMap<String, ", inner, root),
            RustType::Option(inner) => Self::generic(f, "Option<", inner, root),
            RustType::Box(inner) => Self::generic(f, "Box<", inner, root),
            RustType::Local(name) => f.write_str(name),
            RustType::Model(name) => write!(f, "{root}::models::{name}"),
        }
    }

    fn generic(f: &mut impl fmt::Write, open: &str, inner: &RustType, root: &str) -> fmt::Result {
        f.write_str(open)?;
        inner.write(f, root)?;
        f.write_char('>')
    }
}

/// As written in source (also inside docs): `Option<Vec<crate::models::Pet>>`.
impl fmt::Display for RustType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f, "crate")
    }
}

impl Serialize for RustType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The type a generated method takes for a value it stores as a [`RustType`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgType {
    /// `impl Into<String>`: any string-like value.
    IntoString,
    /// `impl Into<crate::FileUpload>`: bytes, a file name and contents, ...
    IntoFileUpload,
    /// The stored type itself.
    Exact(RustType),
}

impl ToTokens for ArgType {
    fn to_tokens(&self, out: &mut TokenStream) {
        match self {
            ArgType::IntoString => out.extend(quote!(impl Into<String>)),
            ArgType::IntoFileUpload => out.extend(quote!(impl Into<crate::FileUpload>)),
            ArgType::Exact(ty) => ty.to_tokens(out),
        }
    }
}

impl fmt::Display for ArgType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArgType::IntoString => f.write_str("impl Into<String>"),
            ArgType::IntoFileUpload => f.write_str("impl Into<crate::FileUpload>"),
            ArgType::Exact(ty) => ty.fmt(f),
        }
    }
}

impl Serialize for ArgType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A fragment of Rust code (an expression, a statement, ...), built with
/// `quote!`. It keeps the tokens' text, not the tokens, because views are
/// rendered on several threads and `proc_macro2` tokens are not `Send`.
/// Templates take it as text; the file it lands in is parsed by `syn` and
/// printed by `prettyplease`, so its spacing never shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Code(String);

impl Code {
    /// Whether the fragment is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<TokenStream> for Code {
    fn from(tokens: TokenStream) -> Self {
        Code(tokens.to_string())
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

/// The identifier `name` (`r#type` for a keyword the sanitiser escaped).
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// A string literal's tokens from its source text (as [`crate::rust::docs::lit`]
/// writes it), so the generated file keeps exactly that spelling.
pub fn lit_tokens(source: &str) -> TokenStream {
    let literal: proc_macro2::Literal = source.parse().unwrap_or_else(|_| proc_macro2::Literal::string(source));
    literal.into_token_stream()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(name: &str) -> RustType {
        RustType::Model(name.into())
    }

    #[test]
    fn text_and_tokens_name_the_same_type() {
        let ty = RustType::Map(Box::new(RustType::Vec(Box::new(model("Pet"))))).option();
        assert_eq!(ty.to_string(), "Option<std::collections::BTreeMap<String, Vec<crate::models::Pet>>>");
        let parsed: syn::Type = syn::parse2(ty.to_token_stream()).unwrap();
        let reparsed: syn::Type = syn::parse_str(&ty.to_string()).unwrap();
        assert_eq!(parsed.to_token_stream().to_string(), reparsed.to_token_stream().to_string());
    }

    #[test]
    fn a_local_model_is_named_bare_and_a_raw_identifier_stays_raw() {
        assert_eq!(RustType::Local("Pet".into()).to_string(), "Pet");
        assert_eq!(model("Pet").option().from_crate("pets"), "Option<pets::models::Pet>");
        assert_eq!(ident("r#type").to_string(), "r#type");
        assert_eq!(ArgType::IntoString.to_token_stream().to_string(), "impl Into < String >");
    }

    #[test]
    fn a_literal_keeps_its_spelling() {
        assert_eq!(lit_tokens(r#""caf\u{e9}""#).to_string(), r#""caf\u{e9}""#);
        assert_eq!(lit_tokens(r##"r#"a"b"#"##).to_string(), r##"r#"a"b"#"##);
    }

    #[test]
    fn option_helpers_look_through_one_layer() {
        let ty = RustType::String.option();
        assert!(ty.is_option());
        assert_eq!(ty.without_option(), &RustType::String);
        assert!(RustType::I64.boxed().is_box());
    }
}
