//! The crate's example tests: every JSON example of a response decoded as
//! its type ([`ExampleTestView`]).

use serde::Serialize;

use super::operations::{DiscriminatorView, OperationView};
use super::responses::{BodyDecoding, error_payload, response_decoding};
use super::types::Types;
use crate::model::Operation;
use crate::rust::docs::lit;
use crate::rust::sanitize::{Namer, snake};
use crate::rust::tokens::RustType;

/// Examples of one operation, checked by a generated test.
#[derive(Debug, Serialize)]
pub struct ExampleTestView {
    /// Test function name.
    pub test: String,
    /// Error type.
    pub error_ty: String,
    /// Error decoder function.
    pub error_decoder: String,
    /// Discriminator, if any.
    pub discriminator: Option<DiscriminatorView>,
    /// Success examples.
    pub success: Vec<ExampleView>,
    /// Error examples.
    pub errors: Vec<ExampleView>,
    /// The cargo feature of the operation's controller.
    pub feature: String,
}

/// One example body and the type it decodes to.
#[derive(Debug, Serialize)]
pub struct ExampleView {
    /// Rust type.
    pub ty: String,
    /// Literal JSON text.
    pub body: String,
}

/// The test of `op`'s examples, in the crate's `tests/` folder: it names the
/// crate's items by the library name `lib`, and is compiled with `feature`.
pub(super) fn example_test(
    op: &Operation,
    view: &OperationView,
    types: &Types<'_>,
    namer: &mut Namer,
    lib: &str,
    feature: &str,
) -> Option<ExampleTestView> {
    // Type expressions are written from inside the crate (`crate::models::X`);
    // the test is another crate.
    let examples = |responses: &[crate::model::Response], decoding: &dyn Fn(&crate::model::Response) -> (RustType, BodyDecoding)| {
        responses
            .iter()
            .map(|r| (r, decoding(r)))
            .filter(|(_, (_, kind))| *kind == BodyDecoding::Json)
            .flat_map(|(r, (ty, _))| r.examples.iter().map(move |(_, v)| ExampleView { ty: ty.from_crate(lib), body: lit(&v.to_string()) }))
            .collect::<Vec<_>>()
    };
    let success = examples(&op.successes, &|r| response_decoding(r, types));
    let errors = examples(&op.errors, &|r| error_payload(r, types));
    if success.is_empty() && errors.is_empty() {
        return None;
    }
    // A per-operation error-body enum lives in its controller's module; the
    // test reaches it through the re-export in `controllers`.
    let (error_ty, error_decoder) = match &view.error_enum {
        Some(e) => (format!("{lib}::controllers::{}", e.name), format!("{lib}::controllers::{}::decode", e.name)),
        None => (view.error_ty.from_crate(lib), view.error_decoder.to_string()),
    };
    Some(ExampleTestView {
        test: namer.unique(snake(&format!("{}_examples_decode", op.id))),
        error_ty,
        error_decoder,
        discriminator: view
            .discriminator
            .as_ref()
            .map(|d| DiscriminatorView { property_lit: d.property_lit.clone(), error_expr: d.error_expr.clone() }),
        success,
        errors,
        feature: feature.to_string(),
    })
}
