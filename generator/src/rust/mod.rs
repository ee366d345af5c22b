//! Rust naming and types: the language-neutral [`crate::model::Api`] becomes a
//! [`view::CrateView`], the data the templates render. Every identifier goes
//! through [`sanitize`], every string from the description through [`docs::lit`].

pub mod app;
pub mod docs;
pub mod features;
pub mod quick_start;
mod recursion;
pub mod sanitize;
pub mod tokens;
pub mod view;

pub use view::{CrateView, plan};
