//! OpenAPI 3.0 document + settings → [`Api`].

use std::collections::HashSet;
use std::path::Path;

use openapiv3::{
    MediaType, OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, RequestBody, Response as OaResponse, Schema, SchemaKind,
    SecurityScheme as OaScheme, StatusCode, Type,
};

use super::schema::Schemas;
use super::*;
use crate::diag::{Diagnostic, pointer};
use crate::settings::Settings;

/// Builds the model of `api` (read from `file`) with the SDK's `settings`;
/// structurally identical inline types come out as one ([`super::merge_identical`]).
pub fn build(api: &OpenAPI, file: &Path, settings: &Settings) -> Result<Api, Diagnostic> {
    let mut schemas = Schemas::new(api, file);
    schemas.register_components()?;

    let security_schemes = security_schemes(api, settings);
    let mut operations = Vec::new();
    let mut seen_ids: HashSet<String> = HashSet::new();
    for (path, item) in &api.paths.paths {
        let ReferenceOr::Item(item) = item else {
            return Err(Diagnostic::new(file, "path item references are not supported")
                .at(pointer(["paths", path.as_str()]))
                .hint("inline the path item"));
        };
        for (key, op) in item.iter() {
            let Some(method) = HttpMethod::from_key(key) else { continue };
            let index = operations.len();
            let mut id = op.operation_id.clone().unwrap_or_else(|| derive_id(key, path));
            if !seen_ids.insert(id.clone()) {
                let base = id.clone();
                let mut n = 2;
                while !seen_ids.insert(format!("{base}_{n}")) {
                    n += 1;
                }
                id = format!("{base}_{n}");
            }
            let ctx = OpCtx { api, settings, index, id: id.clone(), path, method };
            operations.push(ctx.operation(op, &item.parameters, &mut schemas)?);
        }
    }

    let tags = tags(api, &operations, settings);
    let nullable = schemas.nullable_components();
    let mut types = schemas.types;
    nullable_uses(&mut types, &mut operations, &nullable);
    let servers = api
        .servers
        .iter()
        .map(|s| Server {
            url: s.url.clone(),
            description: s.description.clone(),
            variables: s.variables.iter().flat_map(|vars| vars.iter().map(|(k, v)| (k.clone(), v.default.clone()))).collect(),
        })
        .collect();
    let mut model = Api {
        title: api.info.title.clone(),
        version: api.info.version.clone(),
        description: api.info.description.clone(),
        servers,
        tags,
        operations,
        types,
        security_schemes,
        warnings: Vec::new(),
    };
    model.warnings = authorization_clashes(&model, file);
    // Last, once every reference (nullable ones included) is final: repeated
    // inline objects become one type before anything is named in Rust.
    super::dedupe::merge_identical(&mut model);
    Ok(model)
}

/// Where a component says it may be null (`nullable: true` on the schema, or a
/// null alternative), every use of it may be null: a field, item or parameter of
/// that type becomes `Nullable`. Aliases carry their own nullability and union
/// variants stay as they are (a null there is the catch-all's).
fn nullable_uses(types: &mut [TypeDef], operations: &mut [Operation], nullable: &HashSet<TypeId>) {
    let named: HashSet<TypeId> = nullable.iter().copied().filter(|id| !matches!(types[id.0].kind, TypeKind::Alias(_))).collect();
    if named.is_empty() {
        return;
    }
    fn wrap(ty: &mut Ty, named: &HashSet<TypeId>) {
        match ty {
            Ty::Named(id) if named.contains(id) => *ty = Ty::Nullable(Box::new(Ty::Named(*id))),
            Ty::Array(inner) | Ty::Map(inner) => wrap(inner, named),
            Ty::Nullable(inner) if !matches!(**inner, Ty::Named(_)) => wrap(inner, named),
            _ => {}
        }
    }
    for t in types.iter_mut() {
        match &mut t.kind {
            TypeKind::Struct { fields } => fields.iter_mut().for_each(|f| wrap(&mut f.ty, &named)),
            TypeKind::Alias(ty) => wrap(ty, &named),
            TypeKind::Enum { .. } | TypeKind::Union { .. } => {}
        }
    }
    for op in operations {
        op.params.iter_mut().for_each(|p| wrap(&mut p.ty, &named));
        if let Some(Body { kind: BodyKind::Json(ty), .. }) = &mut op.body {
            wrap(ty, &named);
        }
    }
}

/// A parameter's `style` (the default of its location when absent).
fn style_of(p: &Parameter) -> ParamStyle {
    use openapiv3::PathStyle;
    match p {
        Parameter::Query { style, .. } => query_style(style),
        Parameter::Path { style, .. } => match style {
            PathStyle::Simple => ParamStyle::Simple,
            PathStyle::Label => ParamStyle::Label,
            PathStyle::Matrix => ParamStyle::Matrix,
        },
        Parameter::Header { .. } => ParamStyle::Simple,
        Parameter::Cookie { .. } => ParamStyle::Form,
    }
}

/// A query (or form field) style.
fn query_style(style: &openapiv3::QueryStyle) -> ParamStyle {
    use openapiv3::QueryStyle;
    match style {
        QueryStyle::Form => ParamStyle::Form,
        QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
        QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
        QueryStyle::DeepObject => ParamStyle::DeepObject,
    }
}

/// `GET /pets/{id}` → `get_pets_id`.
fn derive_id(method: &str, path: &str) -> String {
    let mut id = method.to_string();
    for part in path.split(|c: char| !c.is_ascii_alphanumeric()).filter(|p| !p.is_empty()) {
        id.push('_');
        id.push_str(part);
    }
    id
}

struct OpCtx<'a> {
    api: &'a OpenAPI,
    settings: &'a Settings,
    index: usize,
    id: String,
    path: &'a str,
    method: HttpMethod,
}

impl<'a> OpCtx<'a> {
    fn operation(
        &self,
        op: &'a openapiv3::Operation,
        path_params: &'a [ReferenceOr<Parameter>],
        schemas: &mut Schemas<'a>,
    ) -> Result<Operation, Diagnostic> {
        let owner = Owner::Operation(self.index);
        let op_settings = self.settings.operations.get(self.id.as_str());
        let credential = &self.settings.auth.credential_parameters;
        let mut credential_params = Vec::new();

        // Parameters: path-level first, overridden by operation-level ones.
        let mut params: Vec<Param> = Vec::new();
        for p in path_params.iter().chain(op.parameters.iter()) {
            // A reference to something else than a parameter (a schema, say) is a
            // mistake in the description that leaves nothing to generate.
            let Some(data) = self.parameter(p) else { continue };
            let location = match p {
                ReferenceOr::Item(Parameter::Path { .. }) => ParamLocation::Path,
                ReferenceOr::Item(Parameter::Query { .. }) => ParamLocation::Query,
                ReferenceOr::Item(Parameter::Header { .. }) => ParamLocation::Header,
                ReferenceOr::Item(Parameter::Cookie { .. }) => ParamLocation::Cookie,
                ReferenceOr::Reference { .. } => self.referenced_location(p),
            };
            let (name, required, description, deprecated, explode, ty) = self.param_data(data, location, schemas, &owner)?;
            let style = match p {
                ReferenceOr::Item(p) => Some(p),
                ReferenceOr::Reference { reference } => self.parameter_ref(reference),
            }
            .map_or(ParamStyle::Form, style_of);
            // File contents only travel in bodies: elsewhere a binary value is text.
            let ty = binary_as_string(ty);
            if credential.iter().any(|c| c == &name) {
                credential_params.push(name);
                continue;
            }
            let param = Param { name, location, required, ty, description, deprecated, explode, style, encoding: FieldEncoding::Default };
            if let Some(existing) = params.iter_mut().find(|e| e.name == param.name && e.location == param.location) {
                *existing = param;
            } else {
                params.push(param);
            }
        }
        // Path template names that no parameter declares are still required.
        for name in template_names(self.path) {
            if !params.iter().any(|p| p.location == ParamLocation::Path && p.name == name) {
                params.push(Param {
                    name,
                    location: ParamLocation::Path,
                    required: true,
                    ty: Ty::String,
                    description: None,
                    deprecated: false,
                    explode: false,
                    style: ParamStyle::Simple,
                    encoding: FieldEncoding::Default,
                });
            }
        }

        let body = match &op.request_body {
            None => None,
            Some(body) => self.body(body, op_settings, &mut params, &mut credential_params, schemas, &owner)?,
        };

        // Responses: 2xx are successes, 4xx/5xx and `default` errors (`default`
        // is the success when nothing else is documented).
        let mut success_entries: Vec<(StatusKey, &'a ReferenceOr<OaResponse>)> = Vec::new();
        let mut error_entries: Vec<(StatusKey, &'a ReferenceOr<OaResponse>)> = Vec::new();
        for (code, response) in &op.responses.responses {
            let (class, key) = match code {
                StatusCode::Code(n) => (n / 100, StatusKey::Code(*n)),
                StatusCode::Range(n) => (*n, StatusKey::Range(*n)),
            };
            match class {
                2 => success_entries.push((key, response)),
                4 | 5 => error_entries.push((key, response)),
                _ => {}
            }
        }
        if let Some(default) = &op.responses.default {
            let entry = (StatusKey::Default, default);
            if success_entries.is_empty() && error_entries.is_empty() {
                success_entries.push(entry);
            } else {
                error_entries.push(entry);
            }
        }
        success_entries.sort_by_key(|(key, _)| *key);
        error_entries.sort_by_key(|(key, _)| *key);

        let mut successes = Vec::with_capacity(success_entries.len());
        for (i, (status, r)) in success_entries.iter().enumerate() {
            let word = if i == 0 { "response".to_string() } else { format!("response_{}", status.to_string().to_ascii_lowercase()) };
            successes.push(self.response(*status, r, &word, schemas, &owner)?);
        }
        let mut errors = Vec::with_capacity(error_entries.len());
        for (i, (status, r)) in error_entries.iter().enumerate() {
            let word = if i == 0 { "error".to_string() } else { format!("error_{}", status.to_string().to_ascii_lowercase()) };
            let error_schema = self.response_schema(r).and_then(|s| schemas.resolve(s));
            let code_prop = error_schema.and_then(|s| self.error_code_property(s, schemas));
            let message = error_schema.and_then(|s| self.error_message_property(s, schemas));
            // The primary error's code enum is named after the operation.
            let code_enum_name = if i == 0 {
                vec![self.id.to_string(), "error_code".to_string()]
            } else {
                vec![self.id.to_string(), word.clone(), "code".to_string()]
            };
            if let Some([prop]) = code_prop.as_deref() {
                schemas.rename(vec![self.id.to_string(), word.clone(), prop.clone()], code_enum_name.clone());
            }
            let first_new_type = schemas.types.len();
            let mut response = self.response(*status, r, &word, schemas, &owner)?;
            response.error_message = message;
            response.error_code = code_prop.map(|path| ErrorCode {
                enum_type: schemas.types[first_new_type..]
                    .iter()
                    .rposition(|t| t.name == code_enum_name && t.owner == owner)
                    .map(|i| TypeId(first_new_type + i)),
                path,
            });
            errors.push(response);
        }
        let error_code = errors.first().and_then(|e| e.error_code.clone());
        let error_message = errors.first().and_then(|e| e.error_message.clone());

        let discriminator = match (
            success_entries.first().and_then(|(_, r)| self.response_schema(r)).and_then(|s| schemas.resolve(s)),
            error_entries.first().and_then(|(_, r)| self.response_schema(r)).and_then(|s| schemas.resolve(s)),
        ) {
            (Some(s), Some(e)) => discriminator(s, e, schemas),
            _ => None,
        };

        let requirements = op.security.as_ref().or(self.api.security.as_ref());
        let anonymous = &self.settings.auth.anonymous_scopes;
        let mut security = Vec::new();
        let mut security_optional = requirements.is_none_or(|r| r.is_empty());
        for requirement in requirements.into_iter().flatten() {
            if requirement.is_empty() {
                security_optional = true;
                continue;
            }
            if !anonymous.is_empty()
                && requirement.values().all(|scopes| !scopes.is_empty() && scopes.iter().all(|s| anonymous.contains(s)))
            {
                security_optional = true;
            }
            security
                .push(requirement.iter().map(|(scheme, scopes)| SchemeUse { scheme: scheme.clone(), scopes: scopes.clone() }).collect());
        }

        let mut tags = op.tags.clone();
        if tags.is_empty() {
            let by_path = match self.settings.untagged {
                crate::settings::Untagged::Path => first_path_segment(self.path),
                crate::settings::Untagged::Default => None,
            };
            tags.push(by_path.or_else(|| self.settings.default_tag.clone()).unwrap_or_else(|| "default".to_string()));
        }
        Ok(Operation {
            id: self.id.clone(),
            method: self.method,
            path: self.path.to_string(),
            summary: op.summary.clone(),
            description: op.description.clone(),
            deprecated: op.deprecated,
            docs_url: op.external_docs.as_ref().map(|d| d.url.clone()),
            tags,
            params,
            body,
            successes,
            errors,
            discriminator,
            error_code,
            error_message,
            security,
            security_optional,
            credential_params,
            retry_safe: self.settings.operations.get(self.id.as_str()).and_then(|o| o.retry_safe).unwrap_or(self.method.retry_safe()),
        })
    }

    /// The parameter `p` is or refers to; `None` for a reference to something that
    /// is not a parameter (the load stage has checked that the target exists).
    fn parameter(&self, p: &'a ReferenceOr<Parameter>) -> Option<&'a openapiv3::ParameterData> {
        match p {
            ReferenceOr::Item(p) => Some(p.parameter_data_ref()),
            ReferenceOr::Reference { reference } => self.parameter_ref(reference).map(Parameter::parameter_data_ref),
        }
    }

    fn parameter_ref(&self, reference: &str) -> Option<&'a Parameter> {
        let name = reference.strip_prefix("#/components/parameters/")?;
        match self.api.components.as_ref()?.parameters.get(name)? {
            ReferenceOr::Item(p) => Some(p),
            ReferenceOr::Reference { .. } => None,
        }
    }

    fn referenced_location(&self, p: &ReferenceOr<Parameter>) -> ParamLocation {
        let ReferenceOr::Reference { reference } = p else { return ParamLocation::Query };
        match self.parameter_ref(reference) {
            Some(Parameter::Path { .. }) => ParamLocation::Path,
            Some(Parameter::Header { .. }) => ParamLocation::Header,
            Some(Parameter::Cookie { .. }) => ParamLocation::Cookie,
            _ => ParamLocation::Query,
        }
    }

    #[allow(clippy::type_complexity)]
    fn param_data(
        &self,
        data: &'a openapiv3::ParameterData,
        location: ParamLocation,
        schemas: &mut Schemas<'a>,
        owner: &Owner,
    ) -> Result<(String, bool, Option<String>, bool, bool, Ty), Diagnostic> {
        let name_words = vec![self.id.to_string(), data.name.clone()];
        let ty = match &data.format {
            ParameterSchemaOrContent::Schema(s) => schemas.ty(s, &name_words, owner)?,
            ParameterSchemaOrContent::Content(c) => match c.first() {
                Some((_, media)) => match &media.schema {
                    Some(s) => schemas.ty(s, &name_words, owner)?,
                    None => Ty::String,
                },
                None => Ty::String,
            },
        };
        let explode = data.explode.unwrap_or(location == ParamLocation::Query || location == ParamLocation::Cookie);
        let required = data.required || location == ParamLocation::Path;
        Ok((data.name.clone(), required, data.description.clone(), data.deprecated.unwrap_or(false), explode, ty))
    }

    fn body(
        &self,
        body: &'a ReferenceOr<RequestBody>,
        op_settings: Option<&crate::settings::OperationSettings>,
        params: &mut Vec<Param>,
        credential_params: &mut Vec<String>,
        schemas: &mut Schemas<'a>,
        owner: &Owner,
    ) -> Result<Option<Body>, Diagnostic> {
        let body = match body {
            ReferenceOr::Item(b) => b,
            ReferenceOr::Reference { reference } => {
                let found = reference
                    .strip_prefix("#/components/requestBodies/")
                    .and_then(|name| self.api.components.as_ref()?.request_bodies.get(name));
                match found {
                    Some(ReferenceOr::Item(b)) => b,
                    // A reference to something else than a request body: any JSON.
                    _ => {
                        return Ok(Some(Body {
                            media_type: "application/json".into(),
                            media_types: vec!["application/json".into()],
                            unsupported_media_types: Vec::new(),
                            kind: BodyKind::Json(Ty::Any),
                            required: false,
                            description: None,
                        }));
                    }
                }
            }
        };
        let wanted = op_settings.and_then(|s| s.request_media_type.as_deref());
        let Some((media_type, media)) = choose_media(&body.content, wanted) else {
            return Ok(None);
        };
        let mut media_type = wanted.unwrap_or(media_type).to_string();
        let kind = body_kind(&media_type);
        let binary_fields: &[String] = op_settings.map_or(&[], |s| &s.binary_fields);
        let schema = media.schema.as_ref();
        let kind = match kind {
            BodyKind::Form | BodyKind::Multipart => {
                let resolved = schema.and_then(|s| schemas.resolve(s));
                let props: Vec<(String, &'a ReferenceOr<Box<Schema>>, bool)> = match resolved.map(|s| &s.schema_kind) {
                    Some(SchemaKind::Type(Type::Object(o))) => {
                        o.properties.iter().map(|(k, v)| (k.clone(), v, o.required.contains(k))).collect()
                    }
                    Some(SchemaKind::Any(a)) => a.properties.iter().map(|(k, v)| (k.clone(), v, a.required.contains(k))).collect(),
                    _ => Vec::new(),
                };
                for (name, prop, required) in props {
                    if self.settings.auth.credential_parameters.contains(&name) {
                        credential_params.push(name);
                        continue;
                    }
                    let resolved = schemas.resolve_boxed(prop);
                    let description = resolved.and_then(|s| s.schema_data.description.clone());
                    let deprecated = resolved.is_some_and(|s| s.schema_data.deprecated);
                    let ty = if binary_fields.contains(&name) {
                        Ty::Binary
                    } else {
                        match schemas.ty_boxed(prop, &[self.id.to_string(), name.clone()], owner)? {
                            // An optional file part is one that is left out.
                            Ty::Nullable(inner) if *inner == Ty::Binary => Ty::Binary,
                            ty => ty,
                        }
                    };
                    let (encoding, style, explode) = match media.encoding.get(&name) {
                        Some(e) if e.content_type.as_deref().is_some_and(is_json_media_type) => {
                            (FieldEncoding::Json, ParamStyle::Form, true)
                        }
                        // `style` applies to URL-encoded bodies only. `explode`
                        // defaults to true for `form` (the parser reads an
                        // absent `explode` as false, so an explicit false
                        // under `form` cannot be told apart).
                        Some(openapiv3::Encoding { style: Some(style), explode, .. }) if kind == BodyKind::Form => {
                            (FieldEncoding::Styled, query_style(style), *explode || *style == openapiv3::QueryStyle::Form)
                        }
                        _ => (FieldEncoding::Default, ParamStyle::Form, true),
                    };
                    params.push(Param {
                        name,
                        location: ParamLocation::Body,
                        required,
                        ty,
                        description,
                        deprecated,
                        explode,
                        style,
                        encoding,
                    });
                }
                // A URL-encoded form cannot carry a file: a form with file fields is
                // sent as multipart, which is what such APIs take.
                let has_file = params.iter().any(|p| p.location == ParamLocation::Body && is_binary(&p.ty));
                if kind == BodyKind::Form && has_file {
                    media_type = "multipart/form-data".to_string();
                    // Multipart parts have no style: a styled field is a
                    // part like any other.
                    for p in params.iter_mut().filter(|p| p.encoding == FieldEncoding::Styled) {
                        (p.encoding, p.style, p.explode) = (FieldEncoding::Default, ParamStyle::Form, true);
                    }
                    BodyKind::Multipart
                } else {
                    kind
                }
            }
            BodyKind::Json(_) => match schema {
                Some(s) => BodyKind::Json(schemas.ty(s, &[self.id.to_string(), "request".to_string()], owner)?),
                None => BodyKind::Json(Ty::Any),
            },
            other => other,
        };
        // The same value can go out as any listed type of the same encoding.
        let family = |k: &BodyKind| match k {
            BodyKind::Json(_) => 0,
            BodyKind::Text => 1,
            BodyKind::Binary => 2,
            BodyKind::Form => 3,
            BodyKind::Multipart => 4,
        };
        let chosen = family(&kind);
        let mut media_types = vec![media_type.clone()];
        let mut unsupported_media_types = Vec::new();
        for listed in body.content.keys() {
            if listed == &media_type {
                continue;
            }
            let other = family(&body_kind(listed));
            if other == chosen || (chosen == 2 && other != 3 && other != 4) {
                media_types.push(listed.clone());
            } else {
                unsupported_media_types.push(listed.clone());
            }
        }
        Ok(Some(Body {
            media_type,
            media_types,
            unsupported_media_types,
            kind,
            required: body.required,
            description: body.description.clone(),
        }))
    }

    fn response_schema(&self, r: &'a ReferenceOr<OaResponse>) -> Option<&'a ReferenceOr<Schema>> {
        let response = self.resolve_response(r)?;
        let (_, media) = choose_response_media(&response.content)?;
        media.schema.as_ref()
    }

    fn resolve_response(&self, r: &'a ReferenceOr<OaResponse>) -> Option<&'a OaResponse> {
        match r {
            ReferenceOr::Item(r) => Some(r),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/responses/")?;
                match self.api.components.as_ref()?.responses.get(name)? {
                    ReferenceOr::Item(r) => Some(r),
                    ReferenceOr::Reference { .. } => None,
                }
            }
        }
    }

    fn response(
        &self,
        status: StatusKey,
        r: &'a ReferenceOr<OaResponse>,
        word: &str,
        schemas: &mut Schemas<'a>,
        owner: &Owner,
    ) -> Result<Response, Diagnostic> {
        let Some(response) = self.resolve_response(r) else {
            // A reference to something else than a response: documented, but
            // nothing is known about its body.
            return Ok(Response {
                status,
                description: None,
                media_type: None,
                ty: None,
                examples: Vec::new(),
                error_code: None,
                error_message: None,
            });
        };
        let chosen = choose_response_media(&response.content);
        let (media_type, ty, examples) = match chosen {
            None => (None, None, Vec::new()),
            Some((mt, media)) => {
                let ty = match (&media.schema, body_kind(mt)) {
                    (Some(s), BodyKind::Json(_)) => Some(schemas.ty(s, &[self.id.to_string(), word.to_string()], owner)?),
                    (_, BodyKind::Text) => Some(Ty::String),
                    (_, BodyKind::Binary) => Some(Ty::Binary),
                    (None, _) => Some(Ty::Any),
                    (Some(s), _) => Some(schemas.ty(s, &[self.id.to_string(), word.to_string()], owner)?),
                };
                (Some(mt.to_string()), ty, examples_of(media))
            }
        };
        Ok(Response {
            status,
            description: Some(response.description.clone()).filter(|d| !d.is_empty()),
            media_type,
            ty,
            examples,
            error_code: None,
            error_message: None,
        })
    }

    /// Where an error body keeps its code: the configured property or JSON
    /// pointer (whether or not the schema declares it: real bodies carry what
    /// descriptions leave out), else the first declared string property of
    /// `error`, `code`, `error_code`.
    fn error_code_property(&self, error: &'a Schema, schemas: &Schemas<'a>) -> Option<Vec<String>> {
        match &self.settings.responses.error_code_property {
            Some(p) => Some(property_path(p)),
            None => declared_string(error, &["error", "code", "error_code"], schemas).map(|p| vec![p]),
        }
    }

    /// Like [`Self::error_code_property`] for the human-readable message.
    fn error_message_property(&self, error: &'a Schema, schemas: &Schemas<'a>) -> Option<Vec<String>> {
        match &self.settings.responses.error_message_property {
            Some(p) => Some(property_path(p)),
            None => declared_string(error, &["message", "error_description", "detail", "title"], schemas).map(|p| vec![p]),
        }
    }
}

/// The first segment of a path that names something: not a version (`v1`,
/// `2.0`), not `api`, not a `{parameter}`. `/v1/customers/{id}` → `customers`.
fn first_path_segment(path: &str) -> Option<String> {
    path.split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{') && *s != "api")
        .find(|s| {
            let version = s.strip_prefix(['v', 'V']).unwrap_or(s);
            !(version.chars().all(|c| c.is_ascii_digit() || c == '.') && version.starts_with(|c: char| c.is_ascii_digit()))
        })
        .map(str::to_string)
}

/// A property name, or a JSON pointer (`/error/code`) split into its tokens.
pub fn property_path(setting: &str) -> Vec<String> {
    match setting.strip_prefix('/') {
        Some(pointer) => pointer.split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect(),
        None => vec![setting.to_string()],
    }
}

/// The first of `candidates` that `schema` declares as a string property.
fn declared_string<'a>(schema: &'a Schema, candidates: &[&str], schemas: &Schemas<'a>) -> Option<String> {
    let props = object_props(schema)?;
    candidates.iter().find_map(|c| {
        let s = schemas.resolve_boxed(props.get(*c)?)?;
        is_string(s).then(|| c.to_string())
    })
}

fn object_props(schema: &Schema) -> Option<&indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => Some(&o.properties),
        SchemaKind::Any(a) => Some(&a.properties),
        _ => None,
    }
}

fn is_string(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Type(Type::String(_)))
        || matches!(&schema.schema_kind, SchemaKind::Any(a) if a.typ.as_deref() == Some("string"))
}

/// The single constant a schema pins a value to (`enum` with one value).
fn constant(schema: &Schema) -> Option<serde_json::Value> {
    let values: Vec<serde_json::Value> = match &schema.schema_kind {
        SchemaKind::Type(Type::Boolean(b)) => b.enumeration.iter().map(|v| serde_json::json!(v)).collect(),
        SchemaKind::Type(Type::String(s)) => s.enumeration.iter().map(|v| serde_json::json!(v)).collect(),
        SchemaKind::Type(Type::Integer(i)) => i.enumeration.iter().map(|v| serde_json::json!(v)).collect(),
        SchemaKind::Any(a) => a.enumeration.clone(),
        _ => Vec::new(),
    };
    match values.as_slice() {
        [only] if !only.is_null() => Some(only.clone()),
        _ => None,
    }
}

/// A property both bodies define, pinned to different constants.
fn discriminator<'a>(success: &'a Schema, error: &'a Schema, schemas: &Schemas<'a>) -> Option<Discriminator> {
    let e_props = object_props(error)?;
    e_props.iter().find_map(|(name, e_prop)| {
        let e_value = constant(schemas.resolve_boxed(e_prop)?)?;
        let s_value = pinned(success, name, schemas, 0)?;
        (s_value != e_value).then(|| Discriminator { property: name.clone(), success: s_value, error: e_value })
    })
}

/// The constant `schema` pins property `name` to: its own, or the one every
/// alternative of a `oneOf` / `anyOf` pins it to (Slack's users.identity
/// answers one of several shapes, each with `ok: true`).
fn pinned<'a>(schema: &'a Schema, name: &str, schemas: &Schemas<'a>, depth: usize) -> Option<serde_json::Value> {
    if let Some(prop) = object_props(schema).and_then(|p| p.get(name)) {
        return constant(schemas.resolve_boxed(prop)?);
    }
    let alternatives = Schemas::alternatives_of(schema).filter(|_| depth < 8)?;
    let mut values = alternatives.iter().map(|a| pinned(schemas.resolve(a)?, name, schemas, depth + 1));
    let first = values.next()??;
    values.all(|v| v.as_ref() == Some(&first)).then_some(first)
}

/// A file, or a list of files.
fn is_binary(ty: &Ty) -> bool {
    match ty {
        Ty::Binary => true,
        Ty::Array(inner) => **inner == Ty::Binary,
        _ => false,
    }
}

/// `ty` with file contents read as text (for parameters outside the body).
fn binary_as_string(ty: Ty) -> Ty {
    match ty {
        Ty::Binary => Ty::String,
        Ty::Array(inner) => Ty::Array(Box::new(binary_as_string(*inner))),
        Ty::Nullable(inner) => Ty::Nullable(Box::new(binary_as_string(*inner))),
        other => other,
    }
}

fn template_names(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else { break };
        out.push(rest[start + 1..start + len].to_string());
        rest = &rest[start + len + 1..];
    }
    out
}

/// How a media type is encoded.
/// Whether an `encoding` `contentType` (a media type or a comma-separated list)
/// names JSON only: `application/json`, `application/vnd.x+json`.
fn is_json_media_type(content_type: &str) -> bool {
    let mut types = content_type.split(',').map(|t| t.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
    types.all(|t| t == "application/json" || (t.starts_with("application/") && t.ends_with("+json")))
}

pub(crate) fn body_kind(media_type: &str) -> BodyKind {
    let mt = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if mt == "application/x-www-form-urlencoded" {
        BodyKind::Form
    } else if mt.starts_with("multipart/") {
        BodyKind::Multipart
    } else if mt == "application/json" || mt.ends_with("+json") || mt == "*/*" || mt == "application/*" {
        BodyKind::Json(Ty::Any)
    } else if mt.starts_with("text/") {
        BodyKind::Text
    } else {
        BodyKind::Binary
    }
}

fn choose_media<'m>(content: &'m indexmap::IndexMap<String, MediaType>, wanted: Option<&str>) -> Option<(&'m str, &'m MediaType)> {
    if let Some(w) = wanted {
        if let Some((k, v)) = content.get_key_value(w) {
            return Some((k.as_str(), v));
        }
    }
    // The first listed type the client encodes itself (JSON, forms, text);
    // else the first one, sent as bytes.
    content.iter().find(|(k, _)| !matches!(body_kind(k), BodyKind::Binary)).or_else(|| content.iter().next()).map(|(k, v)| (k.as_str(), v))
}

fn choose_response_media(content: &indexmap::IndexMap<String, MediaType>) -> Option<(&str, &MediaType)> {
    content.iter().find(|(k, _)| matches!(body_kind(k), BodyKind::Json(_))).or_else(|| content.iter().next()).map(|(k, v)| (k.as_str(), v))
}

fn examples_of(media: &MediaType) -> Vec<(String, serde_json::Value)> {
    let mut out = Vec::new();
    if let Some(v) = &media.example {
        out.push(("example".to_string(), v.clone()));
    }
    for (name, ex) in &media.examples {
        if let ReferenceOr::Item(ex) = ex {
            if let Some(v) = &ex.value {
                out.push((name.clone(), v.clone()));
            }
        }
    }
    out
}

fn security_schemes(api: &OpenAPI, settings: &Settings) -> Vec<SecurityScheme> {
    let Some(components) = &api.components else { return Vec::new() };
    components
        .security_schemes
        .iter()
        .filter_map(|(name, scheme)| {
            let ReferenceOr::Item(scheme) = scheme else { return None };
            let scheme_settings = settings.auth.schemes.get(name);
            let (kind, description) = match scheme {
                OaScheme::APIKey { location, name: param, description, .. } => {
                    let location = match location {
                        openapiv3::APIKeyLocation::Query => ApiKeyLocation::Query,
                        openapiv3::APIKeyLocation::Header => ApiKeyLocation::Header,
                        openapiv3::APIKeyLocation::Cookie => ApiKeyLocation::Cookie,
                    };
                    (SchemeKind::ApiKey { location, param: param.clone() }, description)
                }
                OaScheme::HTTP { scheme, bearer_format, description, .. } => {
                    let kind = match scheme.to_ascii_lowercase().as_str() {
                        "basic" => SchemeKind::Basic,
                        "bearer" => SchemeKind::Bearer { format: bearer_format.clone() },
                        other => SchemeKind::OtherHttp { scheme: other.to_string() },
                    };
                    (kind, description)
                }
                OaScheme::OAuth2 { flows, description, .. } => {
                    let token_override = scheme_settings.and_then(|s| s.token_url.clone());
                    let url = |u: &str| Some(u.to_string()).filter(|u| !u.is_empty());
                    let flow = |kind: OAuthFlowKind,
                                authorization_url: Option<&str>,
                                token_url: Option<&str>,
                                refresh_url: &Option<String>,
                                scopes: &indexmap::IndexMap<String, String>| OAuthFlow {
                        kind,
                        authorization_url: authorization_url.and_then(url),
                        token_url: token_url.and_then(|t| token_override.clone().or_else(|| url(t))),
                        refresh_url: refresh_url.clone(),
                        scopes: scopes.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                    };
                    let mut out = Vec::new();
                    if let Some(f) = &flows.authorization_code {
                        out.push(flow(
                            OAuthFlowKind::AuthorizationCode,
                            Some(&f.authorization_url),
                            Some(&f.token_url),
                            &f.refresh_url,
                            &f.scopes,
                        ));
                    }
                    if let Some(f) = &flows.client_credentials {
                        out.push(flow(OAuthFlowKind::ClientCredentials, None, Some(&f.token_url), &f.refresh_url, &f.scopes));
                    }
                    if let Some(f) = &flows.password {
                        out.push(flow(OAuthFlowKind::Password, None, Some(&f.token_url), &f.refresh_url, &f.scopes));
                    }
                    if let Some(f) = &flows.implicit {
                        out.push(flow(OAuthFlowKind::Implicit, Some(&f.authorization_url), None, &f.refresh_url, &f.scopes));
                    }
                    (SchemeKind::OAuth2 { flows: out }, description)
                }
                OaScheme::OpenIDConnect { open_id_connect_url, description, .. } => {
                    (SchemeKind::OpenIdConnect { url: open_id_connect_url.clone() }, description)
                }
            };
            Some(SecurityScheme {
                name: name.clone(),
                description: description.clone(),
                kind,
                env_var: scheme_settings.and_then(|s| s.token_env.clone()),
            })
        })
        .collect()
}

/// Declared tags first, then undeclared ones in order of first use; each tag lists
/// the operations filed under it (their first tag).
fn tags(api: &OpenAPI, operations: &[Operation], _settings: &Settings) -> Vec<Tag> {
    let mut tags: Vec<Tag> = api
        .tags
        .iter()
        .map(|t| Tag { name: t.name.clone(), description: t.description.clone(), operations: Vec::new(), groups: Vec::new() })
        .collect();
    let index_of = |tags: &mut Vec<Tag>, name: &str| -> usize {
        if let Some(i) = tags.iter().position(|t| t.name == name) {
            return i;
        }
        tags.push(Tag { name: name.to_string(), description: None, operations: Vec::new(), groups: Vec::new() });
        tags.len() - 1
    };
    let mut secondary: Vec<(usize, usize)> = Vec::new();
    for (i, op) in operations.iter().enumerate() {
        let primary = index_of(&mut tags, &op.tags[0]);
        tags[primary].operations.push(i);
        for other in &op.tags[1..] {
            let t = index_of(&mut tags, other);
            secondary.push((t, primary));
        }
    }
    for (t, primary) in secondary {
        if tags[t].operations.is_empty() && !tags[t].groups.contains(&primary) {
            tags[t].groups.push(primary);
        }
    }
    // A tag with neither operations nor groups would be an empty controller.
    let keep: Vec<bool> = tags.iter().map(|t| !t.operations.is_empty() || !t.groups.is_empty()).collect();
    if keep.iter().all(|k| *k) {
        return tags;
    }
    let mut remap = vec![usize::MAX; tags.len()];
    let mut n = 0;
    for (i, k) in keep.iter().enumerate() {
        if *k {
            remap[i] = n;
            n += 1;
        }
    }
    tags.into_iter()
        .zip(keep)
        .filter(|(_, k)| *k)
        .map(|(mut t, _)| {
            t.groups = t.groups.iter().map(|g| remap[*g]).collect();
            t
        })
        .collect()
}

/// One request has one `Authorization` header: a security requirement that
/// ANDs two schemes carried there cannot be met as written. The generated
/// client refuses such a call rather than drop a credential; this says so
/// when generating, pointing at the requirement.
fn authorization_clashes(api: &Api, file: &Path) -> Vec<String> {
    let in_header = |name: &str| api.security_schemes.iter().any(|s| s.name == name && s.kind.uses_authorization_header());
    let mut warnings = Vec::new();
    for op in &api.operations {
        for requirement in &op.security {
            let clashing: Vec<String> =
                requirement.iter().map(|u| u.scheme.as_str()).filter(|n| in_header(n)).map(|n| format!("`{n}`")).collect();
            if clashing.len() > 1 {
                warnings.push(format!(
                    "{}: operation `{}` requires {} together, but each is sent in the Authorization header; the client refuses such a call (Error::InvalidRequest) rather than drop one",
                    file.display(),
                    op.id,
                    clashing.join(" and "),
                ));
            }
        }
    }
    warnings
}
