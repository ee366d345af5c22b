//! sdkgen: reads an OpenAPI 3.0 (or Swagger 2.0) description and writes an idiomatic
//! Rust client crate.
//!
//! The pipeline has one module per stage:
//! [`load`] (read, upgrade, resolve) → [`model`] (a language-neutral model of the API)
//! → [`rust`] (Rust names and types) → [`render`] (templates, `syn`, `prettyplease`)
//! → [`output`] (write or check).

pub mod bump;
pub mod diag;
pub mod diff;
pub mod init;
pub mod load;
pub mod model;
pub mod output;
pub mod render;
pub mod runtime;
pub mod rust;
pub mod settings;
pub mod workflow;

pub use diag::Diagnostic;
