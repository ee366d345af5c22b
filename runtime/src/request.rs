//! A request as the generated code assembles it, before credentials, hooks
//! and the transport see it.

use std::borrow::Cow;

/// A file to upload in a multipart body.
#[derive(Clone)]
pub struct FileUpload {
    pub(crate) bytes: Vec<u8>,
    pub(crate) file_name: Option<String>,
    pub(crate) content_type: Option<String>,
}

impl FileUpload {
    /// A file with these contents.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        FileUpload { bytes: bytes.into(), file_name: None, content_type: None }
    }

    /// Reads a file from disk; its name becomes the upload's file name.
    pub fn from_path(path: impl AsRef<std::path::Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)?;
        let upload = FileUpload::new(bytes);
        Ok(match path.file_name() {
            Some(name) => upload.file_name(name.to_string_lossy()),
            None => upload,
        })
    }

    /// Sets the file name sent with the contents.
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the content type (default `application/octet-stream`).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The contents.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl std::fmt::Debug for FileUpload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileUpload")
            .field("len", &self.bytes.len())
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

impl From<Vec<u8>> for FileUpload {
    fn from(bytes: Vec<u8>) -> Self {
        FileUpload::new(bytes)
    }
}

impl From<&[u8]> for FileUpload {
    fn from(bytes: &[u8]) -> Self {
        FileUpload::new(bytes.to_vec())
    }
}

impl From<String> for FileUpload {
    fn from(text: String) -> Self {
        FileUpload::new(text.into_bytes())
    }
}

impl From<&str> for FileUpload {
    fn from(text: &str) -> Self {
        FileUpload::new(text.as_bytes().to_vec())
    }
}

#[derive(Clone)]
pub(crate) enum Part {
    Text(String),
    File(FileUpload),
}

#[derive(Clone)]
pub(crate) enum Body {
    Empty,
    Form(Vec<(Cow<'static, str>, String)>),
    Multipart(Vec<(&'static str, Part)>),
    Json(Vec<u8>),
    Bytes(FileUpload),
    Text(String),
}

/// A request being assembled: generated request builders fill it from their
/// parameters; credentials are added when it is sent.
#[derive(Clone)]
pub struct RequestParts {
    pub(crate) method: http::Method,
    pub(crate) path: String,
    pub(crate) query: Vec<(Cow<'static, str>, String)>,
    pub(crate) headers: Vec<(&'static str, String, bool)>,
    pub(crate) cookies: Vec<(Cow<'static, str>, String)>,
    pub(crate) authorization: Option<String>,
    pub(crate) authorization_conflict: bool,
    pub(crate) body: Body,
    pub(crate) content_type: Option<&'static str>,
}

impl RequestParts {
    /// A request for `method` on `path` (already expanded, relative to the base URL).
    pub fn new(method: http::Method, path: String) -> Self {
        RequestParts {
            method,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            authorization: None,
            authorization_conflict: false,
            body: Body::Empty,
            content_type: None,
        }
    }

    /// Adds a query pair.
    pub fn query(&mut self, name: impl Into<Cow<'static, str>>, value: String) {
        self.query.push((name.into(), value));
    }

    /// Adds a header.
    pub fn header(&mut self, name: &'static str, value: String) {
        self.headers.push((name, value, false));
    }

    /// Adds a header that holds a credential (marked sensitive: never logged).
    pub fn secret_header(&mut self, name: &'static str, value: &str) {
        self.headers.push((name, value.to_string(), true));
    }

    /// Adds a cookie.
    pub fn cookie(&mut self, name: impl Into<Cow<'static, str>>, value: String) {
        self.cookies.push((name.into(), value));
    }

    /// Sets the `Authorization` header; a second scheme asking for it in the same
    /// request is a conflict no request can satisfy.
    pub fn authorization(&mut self, value: String) {
        if self.authorization.is_some() {
            self.authorization_conflict = true;
        }
        self.authorization = Some(value);
    }

    /// Sets HTTP basic authentication.
    pub fn basic_auth(&mut self, username: &str, password: &str) {
        let encoded = base64(format!("{username}:{password}").as_bytes());
        self.authorization(format!("Basic {encoded}"));
    }

    /// Adds a field of a URL-encoded form body.
    pub fn form(&mut self, name: impl Into<Cow<'static, str>>, value: String) {
        let name = name.into();
        match &mut self.body {
            Body::Form(fields) => fields.push((name, value)),
            _ => self.body = Body::Form(vec![(name, value)]),
        }
    }

    /// Adds a text field of a multipart body.
    pub fn text_part(&mut self, name: &'static str, value: String) {
        self.part(name, Part::Text(value));
    }

    /// Adds a file of a multipart body.
    pub fn file_part(&mut self, name: &'static str, file: FileUpload) {
        self.part(name, Part::File(file));
    }

    fn part(&mut self, name: &'static str, part: Part) {
        match &mut self.body {
            Body::Multipart(parts) => parts.push((name, part)),
            _ => self.body = Body::Multipart(vec![(name, part)]),
        }
    }

    /// A multipart body with no fields set is still multipart.
    pub fn multipart(&mut self) {
        if !matches!(self.body, Body::Multipart(_)) {
            self.body = Body::Multipart(Vec::new());
        }
    }

    /// An empty form body is still a form.
    pub fn empty_form(&mut self) {
        if !matches!(self.body, Body::Form(_)) {
            self.body = Body::Form(Vec::new());
        }
    }

    /// Sets a JSON body.
    pub fn json<T: serde::Serialize>(&mut self, value: &T) -> Result<(), String> {
        self.body = Body::Json(serde_json::to_vec(value).map_err(|e| e.to_string())?);
        Ok(())
    }

    /// The `Content-Type` of a JSON, text or binary body, instead of the
    /// encoding's usual one (a file's own content type still wins).
    pub fn content_type(&mut self, media_type: &'static str) {
        self.content_type = Some(media_type);
    }

    /// Sets a binary body.
    pub fn bytes(&mut self, file: FileUpload) {
        self.body = Body::Bytes(file);
    }

    /// Sets a text body.
    pub fn text(&mut self, text: String) {
        self.body = Body::Text(text);
    }
}

/// Padded standard base64 (RFC 4648 §4), as HTTP basic authentication uses.
pub(crate) fn base64(input: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"user:pa55"), "dXNlcjpwYTU1");
    }
}
