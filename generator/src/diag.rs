//! Diagnostics for bad input: one error that names the file, the place in it and
//! what to do about it. Every stage returns these instead of panicking, and the CLI
//! maps them to exit code 2.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in an input file a problem sits.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// RFC 6901 JSON pointer into the document, e.g. `/paths/~1chat.postMessage/post`.
    pub pointer: Option<String>,
    /// 1-based line and column, when the parser knows them.
    pub line_col: Option<(usize, usize)>,
}

impl Location {
    /// A location known only by its JSON pointer.
    pub fn pointer(pointer: impl Into<String>) -> Self {
        Location { pointer: Some(pointer.into()), line_col: None }
    }

    /// A location known only by line and column.
    pub fn line_col(line: usize, col: usize) -> Self {
        Location { pointer: None, line_col: Some((line, col)) }
    }
}

/// A problem with the input that stops generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file the problem is in.
    pub file: PathBuf,
    /// Where in that file.
    pub location: Location,
    /// What is wrong.
    pub message: String,
    /// How to fix it or work around it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// A diagnostic about `file` with no location yet.
    pub fn new(file: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Diagnostic { file: file.as_ref().to_path_buf(), location: Location::default(), message: message.into(), hint: None }
    }

    /// Sets the JSON pointer of the problem.
    pub fn at(mut self, pointer: impl Into<String>) -> Self {
        self.location.pointer = Some(pointer.into());
        self
    }

    /// Sets the line and column of the problem.
    pub fn at_line(mut self, line: usize, col: usize) -> Self {
        self.location.line_col = Some((line, col));
        self
    }

    /// Says how to fix the problem.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.file.display())?;
        if let Some((line, col)) = self.location.line_col {
            write!(f, ":{line}:{col}")?;
        }
        if let Some(pointer) = &self.location.pointer {
            let shown = if pointer.is_empty() { "/" } else { pointer };
            write!(f, " at {shown}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  help: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Joins reference tokens into a JSON pointer.
pub fn pointer<I, S>(tokens: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::new();
    for token in tokens {
        out.push('/');
        out.push_str(&escape_pointer_token(token.as_ref()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_location_and_hint() {
        let d = Diagnostic::new("specs/x/openapi.json", "dangling $ref `#/definitions/nope`")
            .at(pointer(["paths", "/a/b", "get"]))
            .at_line(3, 7)
            .hint("define the schema or fix the reference");
        assert_eq!(
            d.to_string(),
            "error: specs/x/openapi.json:3:7 at /paths/~1a~1b/get: dangling $ref `#/definitions/nope`\n  help: define the schema or fix the reference"
        );
    }
}
