//! The crate's quick start: the calls the settings name (`[docs] example`
//! and `paginated_example`), written out with their arguments, a walk over
//! a paginated list and an error-handling `match`.

use std::path::Path;

use crate::diag::Diagnostic;
use crate::rust::docs::lit;
use crate::rust::tokens::{ArgType, RustType};
use crate::rust::view::{ControllerView, OperationView, ParamView};
use crate::settings::{DocsSettings, ExampleCall};

/// The quick start's code: `use` lines, then the body of an async function
/// returning `Result<(), Box<dyn std::error::Error>>` after `client` exists.
#[derive(Debug, Default, serde::Serialize)]
pub struct QuickStart {
    /// `use` lines.
    pub uses: Vec<String>,
    /// Body lines.
    pub body: Vec<String>,
    /// `uses` as doc line literals.
    pub uses_lits: Vec<String>,
    /// `body` as doc line literals.
    pub body_lits: Vec<String>,
    /// The cargo features of the controllers the calls use, sorted.
    pub features: Vec<String>,
    /// A `cfg` predicate true when those features are on: the body's doc
    /// lines are written only then, so the doc test compiles with any features.
    pub cfg: crate::rust::tokens::Code,
    /// The body, after a comment on retries, as one doc string literal (one
    /// `cfg_attr` in `lib.rs` instead of one per line).
    pub body_block_lit: String,
}

/// The quick start the settings ask for; `None` when they name no example.
pub fn quick_start(
    docs: &DocsSettings,
    controllers: &[ControllerView],
    lib: &str,
    client: &str,
    settings_path: &Path,
) -> Result<Option<QuickStart>, Diagnostic> {
    if docs.example.is_none() && docs.paginated_example.is_none() {
        return Ok(None);
    }
    let mut out = QuickStart::default();
    let mut imports = vec![client.to_string()];
    if let Some(example) = &docs.paginated_example {
        let (controller, op) = find(controllers, example, settings_path)?;
        let Some(pagination) = &op.pagination else {
            return Err(Diagnostic::new(settings_path, format!("[docs] paginated_example: `{}` is not paginated", example.operation))
                .hint("name an operation that [pagination] applies to"));
        };
        let call = call(controller, op, example, settings_path)?;
        out.features.push(controller.feature.clone());
        out.uses.push(format!("use {lib}::pagination::TryStreamExt as _;"));
        if pagination.items_field.is_some() {
            out.body.push(format!("// Every item of `{}`, fetching pages as they are needed.", example.operation));
            out.body.push(format!("let mut items = std::pin::pin!({call}.items());"));
            out.body.push("while let Some(item) = items.try_next().await? {".into());
            out.body.push("    println!(\"{item:?}\");".into());
        } else {
            out.body.push(format!("// Every page of `{}`.", example.operation));
            out.body.push(format!("let mut pages = std::pin::pin!({call}.pages());"));
            out.body.push("while let Some(page) = pages.try_next().await? {".into());
            out.body.push("    println!(\"{page:?}\");".into());
        }
        out.body.push("}".into());
    }
    if let Some(example) = &docs.example {
        let (controller, op) = find(controllers, example, settings_path)?;
        let call = call(controller, op, example, settings_path)?;
        out.features.push(controller.feature.clone());
        imports.push("Error".into());
        if !out.body.is_empty() {
            out.body.push(String::new());
        }
        out.body.push(format!("// `{}`, telling the API's own errors from the rest.", example.operation));
        out.body.push(format!("match {call}.send().await {{"));
        out.body.push("    Ok(response) => println!(\"{response:?}\"),".into());
        out.body.push("    Err(e @ Error::Api { .. }) => eprintln!(\"the API refused: {}\", e.code().unwrap_or(\"unknown\")),".into());
        out.body.push(
            "    Err(Error::RateLimited { retry_after, .. }) => eprintln!(\"rate limited after the retries: {retry_after:?}\"),".into(),
        );
        out.body.push("    Err(other) => return Err(other.into()),".into());
        out.body.push("}".into());
    }
    imports.sort();
    out.uses.push(format!("use {lib}::{{{}}};", imports.join(", ")));
    out.uses.sort();
    let doc = |line: &String| if line.is_empty() { lit("") } else { lit(&format!(" {line}")) };
    out.uses_lits = out.uses.iter().map(doc).collect();
    out.body_lits = out.body.iter().map(doc).collect();
    // Unlike the `//!` lines around it, a `doc` attribute inside `cfg_attr`
    // keeps its text as written: no leading space to strip.
    let mut block = vec![
        "// Calls are retried by `RetryPolicy::default()`: a 429 after its Retry-After,".to_string(),
        "// server errors where the operation is safe to send twice.".to_string(),
        String::new(),
    ];
    block.extend(out.body.iter().cloned());
    out.body_block_lit = lit(&block.join("\n"));
    out.features.sort();
    out.features.dedup();
    out.cfg = crate::rust::features::cfg(crate::rust::features::CfgOp::All, &out.features);
    Ok(Some(out))
}

fn find<'v>(
    controllers: &'v [ControllerView],
    example: &ExampleCall,
    settings_path: &Path,
) -> Result<(&'v ControllerView, &'v OperationView), Diagnostic> {
    let wanted = lit(&example.operation);
    controllers.iter().find_map(|c| c.operations.iter().find(|o| o.id_lit == wanted).map(|o| (c, o))).ok_or_else(|| {
        Diagnostic::new(settings_path, format!("[docs] names `{}`, which is not an operation of the description", example.operation))
            .hint("use an operationId as the description writes it")
    })
}

/// `client.chat().post_message("C1").text("Hello")`.
fn call(controller: &ControllerView, op: &OperationView, example: &ExampleCall, settings_path: &Path) -> Result<String, Diagnostic> {
    let value_of = |p: &ParamView| example.arguments.get(p.wire_lit.trim_matches('"'));
    let mut args = Vec::new();
    for p in &op.required {
        let Some(value) = value_of(p) else {
            return Err(Diagnostic::new(
                settings_path,
                format!(
                    "[docs] example `{}` has no value for its required parameter `{}`",
                    example.operation,
                    p.wire_lit.trim_matches('"')
                ),
            )
            .hint("add it to `arguments`"));
        };
        args.push(literal(&p.arg_ty, value, settings_path)?);
    }
    let mut call = format!("client.{}().{}({})", controller.accessor, op.method, args.join(", "));
    for p in &op.optional {
        if let Some(value) = value_of(p) {
            call.push_str(&format!(".{}({})", p.field, literal(&p.arg_ty, value, settings_path)?));
        }
    }
    let known: Vec<&str> = op.required.iter().chain(&op.optional).map(|p| p.wire_lit.trim_matches('"')).collect();
    if let Some(unknown) = example.arguments.keys().find(|k| !known.contains(&k.as_str())) {
        return Err(Diagnostic::new(settings_path, format!("[docs] example `{}` has no parameter `{unknown}`", example.operation))
            .hint(format!("its parameters: {}", known.join(", "))));
    }
    Ok(call)
}

/// A Rust literal of `value` for a parameter taking `arg_ty`.
fn literal(arg_ty: &ArgType, value: &str, settings_path: &Path) -> Result<String, Diagnostic> {
    let number = |ok: bool| {
        if ok {
            Ok(value.to_string())
        } else {
            Err(Diagnostic::new(settings_path, format!("[docs] `{value}` is not a value of type {arg_ty}")))
        }
    };
    match arg_ty {
        ArgType::Exact(RustType::I64 | RustType::I32) => number(value.parse::<i64>().is_ok()),
        ArgType::Exact(RustType::F64) => number(value.parse::<f64>().is_ok()),
        ArgType::Exact(RustType::Bool) => number(value == "true" || value == "false"),
        _ => Ok(lit(value)),
    }
}
