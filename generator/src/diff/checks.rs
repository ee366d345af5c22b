//! The checks: operations are paired by method and path (then by
//! `operationId`, which catches a moved path), parameters by place and name,
//! properties by name, responses by status. Component schemas are compared
//! once each, per direction they are used in (request, response, or neither),
//! since a property removed from a request body and from a response mean
//! different things.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::model::{
    Api, BodyKind, Field, Operation, Owner, Param, ParamLocation, Response, SchemeKind, Ty, TypeDef, TypeId, TypeKind, Variant,
};

use super::rust_api::{Names, field};
use super::{Entry, Impact, Level, Location};

/// Every check id, so that ids stay `&'static str` while being put together
/// from a direction and a change.
pub const CHECKS: &[&str] = &[
    "endpoint-added",
    "endpoint-removed",
    "endpoint-deprecated",
    "endpoint-reactivated",
    "api-path-changed",
    "api-operation-id-changed",
    "api-tag-changed",
    "new-required-request-parameter",
    "new-optional-request-parameter",
    "request-parameter-removed",
    "request-parameter-became-required",
    "request-parameter-became-optional",
    "request-parameter-deprecated",
    "request-parameter-type-changed",
    "request-parameter-became-nullable",
    "request-parameter-became-not-nullable",
    "request-parameter-enum-value-added",
    "request-parameter-enum-value-removed",
    "request-parameter-one-of-added",
    "request-parameter-one-of-removed",
    "new-required-request-body",
    "new-optional-request-body",
    "request-body-removed",
    "request-body-became-required",
    "request-body-became-optional",
    "request-body-media-type-added",
    "request-body-media-type-removed",
    "request-body-type-changed",
    "request-body-became-nullable",
    "request-body-became-not-nullable",
    "request-body-enum-value-added",
    "request-body-enum-value-removed",
    "request-body-one-of-added",
    "request-body-one-of-removed",
    "new-required-request-property",
    "new-optional-request-property",
    "request-property-removed",
    "request-property-became-required",
    "request-property-became-optional",
    "request-property-deprecated",
    "request-property-type-changed",
    "request-property-became-nullable",
    "request-property-became-not-nullable",
    "request-property-enum-value-added",
    "request-property-enum-value-removed",
    "request-property-one-of-added",
    "request-property-one-of-removed",
    "response-success-status-added",
    "response-success-status-removed",
    "response-non-success-status-added",
    "response-non-success-status-removed",
    "response-media-type-changed",
    "response-body-added",
    "response-body-removed",
    "response-body-type-changed",
    "response-body-became-nullable",
    "response-body-became-not-nullable",
    "response-body-enum-value-added",
    "response-body-enum-value-removed",
    "response-body-one-of-added",
    "response-body-one-of-removed",
    "response-required-property-added",
    "response-optional-property-added",
    "response-property-removed",
    "response-property-became-required",
    "response-property-became-optional",
    "response-property-deprecated",
    "response-property-type-changed",
    "response-property-became-nullable",
    "response-property-became-not-nullable",
    "response-property-enum-value-added",
    "response-property-enum-value-removed",
    "response-property-one-of-added",
    "response-property-one-of-removed",
    "api-schema-added",
    "api-schema-removed",
    "api-schema-type-changed",
    "api-schema-became-nullable",
    "api-schema-became-not-nullable",
    "api-schema-enum-value-added",
    "api-schema-enum-value-removed",
    "api-schema-one-of-added",
    "api-schema-one-of-removed",
    "schema-required-property-added",
    "schema-optional-property-added",
    "schema-property-removed",
    "schema-property-became-required",
    "schema-property-became-optional",
    "schema-property-deprecated",
    "schema-property-type-changed",
    "schema-property-became-nullable",
    "schema-property-became-not-nullable",
    "schema-property-enum-value-added",
    "schema-property-enum-value-removed",
    "schema-property-one-of-added",
    "schema-property-one-of-removed",
    "api-security-added",
    "api-security-removed",
    "api-security-scope-added",
    "api-security-scope-removed",
    "api-security-component-added",
    "api-security-component-removed",
    "api-security-component-type-changed",
];

/// The static id for `name`; every name built here is in [`CHECKS`] (a test
/// holds them to it).
fn id(name: &str) -> &'static str {
    CHECKS.iter().find(|c| **c == name).copied().unwrap_or("unknown-check")
}

pub(super) fn run(old: &Api, new: &Api) -> Vec<Entry> {
    let mut cx = Cx { old, new, old_names: Names::of(old), new_names: Names::of(new), out: Vec::new(), seen: HashSet::new(), depth: 0 };
    cx.operations();
    cx.schemas();
    cx.security_schemes();
    cx.out
}

/// Which way a type travels, which decides what a change to it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Side {
    /// Sent by the client.
    Request,
    /// Received by the client.
    Response,
    /// A component schema no operation uses (still generated as a type).
    Unused,
}

/// Where a type comparison is.
#[derive(Clone)]
struct At {
    loc: Location,
    side: Side,
    /// The root: `"param"`, `"body"` or `"schema"`.
    root: &'static str,
    /// Words put before the property path in messages (`response 200`).
    label: String,
    /// Property path below the root.
    path: String,
}

impl At {
    fn child(&self, segment: &str) -> At {
        let mut at = self.clone();
        if segment.starts_with('[') || segment.starts_with('{') || at.path.is_empty() {
            at.path.push_str(segment);
        } else {
            at.path = format!("{}.{segment}", at.path);
        }
        at
    }

    /// The id prefix: the root's when at it, a property's below it.
    fn prefix(&self) -> &'static str {
        let nested = !self.path.is_empty();
        match (self.side, self.root, nested) {
            (_, "schema", false) => "api-schema",
            (Side::Request, "param", false) => "request-parameter",
            (Side::Request, "body", false) => "request-body",
            (Side::Response, "body", false) => "response-body",
            (Side::Request, _, _) => "request-property",
            (Side::Response, _, _) => "response-property",
            (Side::Unused, _, _) => "schema-property",
        }
    }

    /// The place, in words, for messages.
    fn subject(&self) -> String {
        match (&self.loc, self.path.is_empty()) {
            (Location::Schema { .. }, true) => self.label.clone(),
            (Location::Schema { .. }, false) => format!("property `{}`", self.path),
            (_, true) => self.label.clone(),
            (_, false) => format!("{}: property `{}`", self.label, self.path),
        }
    }

    fn location(&self) -> Location {
        match &self.loc {
            Location::Schema { name, .. } => Location::Schema { name: name.clone(), path: self.path.clone() },
            other => other.clone(),
        }
    }
}

struct Cx<'a> {
    old: &'a Api,
    new: &'a Api,
    old_names: Names,
    new_names: Names,
    out: Vec<Entry>,
    /// Inline type pairs compared under the current root (recursion guard).
    seen: HashSet<(TypeId, TypeId)>,
    depth: usize,
}

fn op_location(op: &Operation) -> Location {
    Location::Operation { id: op.id.clone(), method: op.method.to_string(), path: op.path.clone() }
}

/// `/pets/{id}` and `/pets/{petId}` are one path.
fn path_key(op: &Operation) -> (String, String) {
    let mut key = String::new();
    let mut in_var = false;
    for c in op.path.chars() {
        match c {
            '{' => {
                in_var = true;
                key.push_str("{}");
            }
            '}' => in_var = false,
            c if !in_var => key.push(c),
            _ => {}
        }
    }
    (op.method.to_string(), key)
}

/// The name of a component schema's own type. Types inline in a component
/// have it as owner too, but are named by more words than its name.
fn component(def: &TypeDef) -> Option<&str> {
    match &def.owner {
        Owner::Component(name) if def.name.len() == 1 && def.name[0] == *name => Some(name),
        _ => None,
    }
}

fn find_param<'p>(params: &'p [Param], p: &Param) -> Option<&'p Param> {
    params.iter().find(|q| q.name == p.name && q.location == p.location)
}

fn breaking(reason: impl Into<String>) -> Impact {
    Impact::Breaking(reason.into())
}

fn strip_nullable(ty: &Ty) -> (bool, &Ty) {
    match ty {
        Ty::Nullable(inner) => (true, inner),
        other => (false, other),
    }
}

fn location_name(l: ParamLocation) -> &'static str {
    match l {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
        ParamLocation::Body => "form",
    }
}

impl<'a> Cx<'a> {
    fn push(&mut self, check: &str, location: Location, message: String, wire: Impact, rust: Impact) {
        // The crate's version follows its Rust API; the wire verdict is shown.
        let level = match (&rust, &wire) {
            (Impact::Breaking(_), _) => Level::Breaking,
            (Impact::Compatible, _) | (Impact::None, Impact::Breaking(_)) => Level::NonBreaking,
            (Impact::None, _) => Level::Info,
        };
        self.out.push(Entry { check: id(check), level, location, message, wire, rust });
    }

    // ---- operations -------------------------------------------------------

    fn operations(&mut self) {
        let old_by_key: HashMap<(String, String), usize> = self.old.operations.iter().enumerate().map(|(i, o)| (path_key(o), i)).collect();
        let old_by_id: HashMap<&str, usize> = self.old.operations.iter().enumerate().map(|(i, o)| (o.id.as_str(), i)).collect();
        let mut matched = vec![false; self.old.operations.len()];
        let mut pairs = Vec::new();
        // Same method and path first, so an id reused elsewhere does not steal a pair.
        let mut unpaired = Vec::new();
        for (ni, n) in self.new.operations.iter().enumerate() {
            match old_by_key.get(&path_key(n)) {
                Some(&oi) if !matched[oi] => {
                    matched[oi] = true;
                    pairs.push((ni, Some(oi)));
                }
                _ => unpaired.push(ni),
            }
        }
        for ni in unpaired {
            let by_id = old_by_id.get(self.new.operations[ni].id.as_str()).copied().filter(|&oi| !matched[oi]);
            if let Some(oi) = by_id {
                matched[oi] = true;
            }
            pairs.push((ni, by_id));
        }
        pairs.sort_by_key(|p| p.0);
        for (ni, oi) in pairs {
            let n = &self.new.operations[ni];
            match oi {
                Some(oi) => self.operation(oi, ni),
                None => {
                    let call = &self.new_names.calls[ni];
                    let message = format!("new operation {} {} (`{call}`)", n.method, n.path);
                    self.push("endpoint-added", op_location(n), message, Impact::Compatible, Impact::Compatible);
                }
            }
        }
        for (oi, o) in self.old.operations.iter().enumerate() {
            if !matched[oi] {
                let call = &self.old_names.calls[oi];
                let wire = if o.deprecated { Impact::Compatible } else { breaking("clients calling it get an error") };
                self.push(
                    "endpoint-removed",
                    op_location(o),
                    format!("operation {} {} removed{}", o.method, o.path, if o.deprecated { " (it was deprecated)" } else { "" }),
                    wire,
                    breaking(format!("`{call}` is gone")),
                );
            }
        }
    }

    fn operation(&mut self, oi: usize, ni: usize) {
        let (o, n) = (&self.old.operations[oi], &self.new.operations[ni]);
        let loc = op_location(n);
        let (old_call, new_call) = (self.old_names.calls[oi].clone(), self.new_names.calls[ni].clone());
        if o.id != n.id {
            let rust = if old_call == new_call { Impact::Compatible } else { breaking(format!("`{old_call}` is now `{new_call}`")) };
            self.push("api-operation-id-changed", loc.clone(), format!("operationId `{}` became `{}`", o.id, n.id), Impact::None, rust);
        } else if old_call != new_call {
            self.push(
                "api-tag-changed",
                loc.clone(),
                format!(
                    "filed under tag `{}` instead of `{}`",
                    n.tags.first().map_or("", String::as_str),
                    o.tags.first().map_or("", String::as_str)
                ),
                Impact::None,
                breaking(format!("`{old_call}` is now `{new_call}`")),
            );
        }
        if path_key(o) != path_key(n) {
            self.push(
                "api-path-changed",
                loc.clone(),
                format!("{} {} moved to {} {}", o.method, o.path, n.method, n.path),
                breaking(format!("clients still call {} {}", o.method, o.path)),
                Impact::Compatible,
            );
        }
        if o.deprecated != n.deprecated {
            let (check, what) =
                if n.deprecated { ("endpoint-deprecated", "deprecated") } else { ("endpoint-reactivated", "no longer deprecated") };
            self.push(check, loc.clone(), format!("operation {what}"), Impact::Compatible, Impact::Compatible);
        }
        self.params(o, n, &loc, &new_call);
        self.body(o, n, &loc, &new_call);
        self.responses(&o.successes, &n.successes, true, &loc, &new_call);
        self.responses(&o.errors, &n.errors, false, &loc, &new_call);
        self.security(o, n, &loc);
    }

    fn params(&mut self, o: &Operation, n: &Operation, loc: &Location, call: &str) {
        for np in &n.params {
            let f = field(&np.name);
            let place = location_name(np.location);
            let Some(op) = find_param(&o.params, np) else {
                if np.required {
                    self.push(
                        "new-required-request-parameter",
                        loc.clone(),
                        format!("new required {place} parameter `{}`", np.name),
                        breaking("clients do not send it"),
                        breaking(format!("`{call}` takes a new argument `{f}`")),
                    );
                } else {
                    self.push(
                        "new-optional-request-parameter",
                        loc.clone(),
                        format!("new optional {place} parameter `{}`", np.name),
                        Impact::Compatible,
                        Impact::Compatible,
                    );
                }
                continue;
            };
            if op.required != np.required {
                if np.required {
                    self.push(
                        "request-parameter-became-required",
                        loc.clone(),
                        format!("{place} parameter `{}` became required", np.name),
                        breaking("clients may leave it out"),
                        breaking(format!("`{call}` takes a new argument `{f}`")),
                    );
                } else {
                    self.push(
                        "request-parameter-became-optional",
                        loc.clone(),
                        format!("{place} parameter `{}` became optional", np.name),
                        Impact::Compatible,
                        breaking(format!("`{f}` is no longer an argument of `{call}` but a builder setter")),
                    );
                }
            }
            if np.deprecated && !op.deprecated {
                self.push(
                    "request-parameter-deprecated",
                    loc.clone(),
                    format!("{place} parameter `{}` deprecated", np.name),
                    Impact::Compatible,
                    Impact::Compatible,
                );
            }
            let at = At {
                loc: loc.clone(),
                side: Side::Request,
                root: "param",
                label: format!("{place} parameter `{}`", np.name),
                path: String::new(),
            };
            self.root_ty(&at, &op.ty, &np.ty, (!op.required, !np.required));
        }
        for op in &o.params {
            if find_param(&n.params, op).is_none() {
                let how = if op.required { "argument" } else { "setter" };
                self.push(
                    "request-parameter-removed",
                    loc.clone(),
                    format!("{} parameter `{}` removed", location_name(op.location), op.name),
                    Impact::Compatible,
                    breaking(format!("`{call}` loses the {how} `{}`", field(&op.name))),
                );
            }
        }
    }

    fn body(&mut self, o: &Operation, n: &Operation, loc: &Location, call: &str) {
        match (&o.body, &n.body) {
            (None, None) => {}
            (None, Some(b)) if b.required => self.push(
                "new-required-request-body",
                loc.clone(),
                format!("new required request body ({})", b.media_type),
                breaking("clients send no body"),
                breaking(format!("`{call}` takes a new argument `body`")),
            ),
            (None, Some(b)) => self.push(
                "new-optional-request-body",
                loc.clone(),
                format!("new optional request body ({})", b.media_type),
                Impact::Compatible,
                Impact::Compatible,
            ),
            (Some(_), None) => self.push(
                "request-body-removed",
                loc.clone(),
                "request body removed".into(),
                Impact::Compatible,
                breaking(format!("`{call}` no longer takes a body")),
            ),
            (Some(a), Some(b)) => {
                if a.required != b.required {
                    if b.required {
                        self.push(
                            "request-body-became-required",
                            loc.clone(),
                            "request body became required".into(),
                            breaking("clients may send none"),
                            breaking(format!("`{call}` takes a new argument `body`")),
                        );
                    } else {
                        self.push(
                            "request-body-became-optional",
                            loc.clone(),
                            "request body became optional".into(),
                            Impact::Compatible,
                            breaking(format!("`body` is no longer an argument of `{call}` but a builder setter")),
                        );
                    }
                }
                for m in b.media_types.iter().filter(|m| !a.media_types.contains(m)) {
                    self.push(
                        "request-body-media-type-added",
                        loc.clone(),
                        format!("request body may also be sent as `{m}`"),
                        Impact::Compatible,
                        Impact::Compatible,
                    );
                }
                for m in a.media_types.iter().filter(|m| !b.media_types.contains(m)) {
                    let rust =
                        if a.media_types.len() > 1 { breaking(format!("the media type variant for `{m}` is gone")) } else { Impact::None };
                    self.push(
                        "request-body-media-type-removed",
                        loc.clone(),
                        format!("request body can no longer be sent as `{m}`"),
                        breaking(format!("clients sending `{m}` are refused")),
                        rust,
                    );
                }
                match (&a.kind, &b.kind) {
                    (BodyKind::Json(x), BodyKind::Json(y)) => {
                        let at =
                            At { loc: loc.clone(), side: Side::Request, root: "body", label: "request body".into(), path: String::new() };
                        self.root_ty(&at, x, y, (!a.required, !b.required));
                    }
                    (x, y) if x == y => {}
                    // Form and multipart fields are parameters, compared there.
                    (BodyKind::Form | BodyKind::Multipart, BodyKind::Form | BodyKind::Multipart) => {}
                    _ => self.push(
                        "request-body-type-changed",
                        loc.clone(),
                        format!("request body changed from `{}` to `{}`", a.media_type, b.media_type),
                        breaking("clients send the old encoding"),
                        breaking("the body argument changes type"),
                    ),
                }
            }
        }
    }

    fn responses(&mut self, old: &[Response], new: &[Response], success: bool, loc: &Location, call: &str) {
        // One decoded type, or an enum by status (both non-exhaustive for added
        // statuses, but going from one to the other changes what `send()` returns).
        let single = |rs: &[Response]| rs.windows(2).all(|w| w[0].ty == w[1].ty && w[0].media_type == w[1].media_type);
        let shape_changed = if success {
            let (a, b) = (single(old), single(new));
            a != b || (a && b && !old.is_empty() && !new.is_empty() && old[0].ty.is_none() != new[0].ty.is_none())
        } else {
            false
        };
        let shape_reason = || format!("`{call}.send()` returns a different type (one body, or an enum by status)");
        let (added, removed) = if success {
            ("response-success-status-added", "response-success-status-removed")
        } else {
            ("response-non-success-status-added", "response-non-success-status-removed")
        };
        for r in new.iter().filter(|r| !old.iter().any(|q| q.status == r.status)) {
            let rust = if shape_changed { breaking(shape_reason()) } else { Impact::None };
            let wire = if success { Impact::Compatible } else { Impact::None };
            self.push(added, loc.clone(), format!("new response status {}", r.status), wire, rust);
        }
        for r in old.iter().filter(|r| !new.iter().any(|q| q.status == r.status)) {
            let rust = if shape_changed {
                breaking(shape_reason())
            } else if !single(old) {
                breaking(format!("the `{}` variant of the response enum is gone", r.status))
            } else {
                Impact::None
            };
            let wire = if success { breaking("clients expecting it get another status") } else { Impact::None };
            self.push(removed, loc.clone(), format!("response status {} removed", r.status), wire, rust);
        }
        for a in old {
            let Some(b) = new.iter().find(|r| r.status == a.status) else { continue };
            let label = format!("response {}", a.status);
            if a.media_type != b.media_type && a.ty.is_some() && b.ty.is_some() {
                let kind = |m: &Option<String>| m.as_deref().is_some_and(|m| m.contains("json"));
                let rust =
                    if kind(&a.media_type) != kind(&b.media_type) { breaking("the body is decoded differently") } else { Impact::None };
                self.push(
                    "response-media-type-changed",
                    loc.clone(),
                    format!(
                        "{label}: media type `{}` became `{}`",
                        a.media_type.as_deref().unwrap_or(""),
                        b.media_type.as_deref().unwrap_or("")
                    ),
                    breaking("clients expect the old media type"),
                    rust,
                );
            }
            match (&a.ty, &b.ty) {
                (Some(x), Some(y)) => {
                    let at = At { loc: loc.clone(), side: Side::Response, root: "body", label, path: String::new() };
                    self.root_ty(&at, x, y, (false, false));
                }
                (None, Some(_)) => self.push(
                    "response-body-added",
                    loc.clone(),
                    format!("{label}: now has a body"),
                    Impact::Compatible,
                    if success { breaking(format!("`{call}.send()` returns the body instead of `()`")) } else { Impact::Compatible },
                ),
                (Some(_), None) => self.push(
                    "response-body-removed",
                    loc.clone(),
                    format!("{label}: no longer has a body"),
                    breaking("clients expect a body"),
                    breaking("the decoded body is gone"),
                ),
                (None, None) => {}
            }
        }
    }

    fn security(&mut self, o: &Operation, n: &Operation, loc: &Location) {
        let schemes = |alt: &[crate::model::SchemeUse]| alt.iter().map(|u| u.scheme.clone()).collect::<BTreeSet<_>>();
        let describe = |alt: &[crate::model::SchemeUse]| alt.iter().map(|u| format!("`{}`", u.scheme)).collect::<Vec<_>>().join(" + ");
        for alt in &n.security {
            let set = schemes(alt);
            match o.security.iter().find(|a| schemes(a) == set) {
                None => {
                    let wire = if o.security.is_empty() && !n.security_optional {
                        breaking("calls without credentials are refused")
                    } else {
                        Impact::Compatible
                    };
                    let what = if alt.is_empty() { "anonymous access".to_string() } else { describe(alt) };
                    self.push("api-security-added", loc.clone(), format!("now accepts {what}"), wire, Impact::None);
                }
                Some(old_alt) => {
                    for u in alt {
                        let before = old_alt.iter().find(|v| v.scheme == u.scheme).map_or(&[][..], |v| &v.scopes[..]);
                        for s in u.scopes.iter().filter(|s| !before.contains(s)) {
                            self.push(
                                "api-security-scope-added",
                                loc.clone(),
                                format!("`{}` now needs scope `{s}`", u.scheme),
                                breaking("tokens without the scope are refused"),
                                Impact::None,
                            );
                        }
                        for s in before.iter().filter(|s| !u.scopes.contains(s)) {
                            self.push(
                                "api-security-scope-removed",
                                loc.clone(),
                                format!("`{}` no longer needs scope `{s}`", u.scheme),
                                Impact::Compatible,
                                Impact::None,
                            );
                        }
                    }
                }
            }
        }
        for alt in &o.security {
            let set = schemes(alt);
            if !n.security.iter().any(|a| schemes(a) == set) {
                let what = if alt.is_empty() { "anonymous access".to_string() } else { describe(alt) };
                let wire = if n.security.is_empty() { Impact::Compatible } else { breaking("clients using only it are refused") };
                self.push("api-security-removed", loc.clone(), format!("no longer accepts {what}"), wire, Impact::None);
            }
        }
    }

    // ---- types ------------------------------------------------------------

    /// Compares the type at a root (a parameter, a body, a component schema);
    /// `optional` says whether the old and new Rust types are already an
    /// `Option` there (an optional parameter, a property not required).
    fn root_ty(&mut self, at: &At, a: &Ty, b: &Ty, optional: (bool, bool)) {
        self.seen.clear();
        self.depth = 0;
        self.ty(at, a, b, optional);
    }

    fn ty(&mut self, at: &At, a: &Ty, b: &Ty, optional: (bool, bool)) {
        let (an, a0) = strip_nullable(a);
        let (bn, b0) = strip_nullable(b);
        if an != bn {
            let request = at.side == Side::Request;
            let (what, wire) = match (bn, request) {
                (true, true) => ("became-nullable", Impact::Compatible),
                (true, false) => ("became-nullable", breaking("clients may get `null`")),
                (false, true) => ("became-not-nullable", breaking("clients sending `null` are refused")),
                (false, false) => ("became-not-nullable", Impact::Compatible),
            };
            let wire = if at.side == Side::Unused { Impact::None } else { wire };
            let rust = if (an || optional.0) != (bn || optional.1) {
                breaking("its Rust type changes between `T` and `Option<T>`")
            } else {
                Impact::None
            };
            let words = what.replace('-', " ");
            self.push(&format!("{}-{what}", at.prefix()), at.location(), format!("{} {words}", at.subject()), wire, rust);
        }
        self.depth += 1;
        if self.depth > 64 {
            return;
        }
        match (a0, b0) {
            (Ty::Array(x), Ty::Array(y)) => self.ty(&at.child("[]"), x, y, (false, false)),
            (Ty::Map(x), Ty::Map(y)) => self.ty(&at.child("{}"), x, y, (false, false)),
            (Ty::Named(i), Ty::Named(j)) => self.named(at, *i, *j, a0, b0),
            (x, y) if x == y => {}
            _ => self.type_changed(at, a0, b0),
        }
        self.depth -= 1;
    }

    fn type_changed(&mut self, at: &At, a: &Ty, b: &Ty) {
        let (from, to) = (self.label(self.old, a), self.label(self.new, b));
        let (rust_from, rust_to) = (self.old_names.rust_ty(a), self.new_names.rust_ty(b));
        let wire = if at.side == Side::Unused { Impact::None } else { breaking(format!("{from} → {to}")) };
        let rust = if rust_from == rust_to { Impact::None } else { breaking(format!("`{rust_from}` → `{rust_to}`")) };
        self.push(
            &format!("{}-type-changed", at.prefix()),
            at.location(),
            format!("{} changed type from {from} to {to}", at.subject()),
            wire,
            rust,
        );
    }

    /// A type in words: `string`, `integer (int64)`, `array of `Pet``.
    fn label(&self, api: &Api, ty: &Ty) -> String {
        match ty {
            Ty::String => "string".into(),
            Ty::Integer(bits) => format!("integer (int{bits})"),
            Ty::Number => "number".into(),
            Ty::Boolean => "boolean".into(),
            Ty::Binary => "binary".into(),
            Ty::Any => "any value".into(),
            Ty::Array(t) => format!("array of {}", self.label(api, t)),
            Ty::Map(t) => format!("map of {}", self.label(api, t)),
            Ty::Nullable(t) => format!("{} or null", self.label(api, t)),
            Ty::Named(id) => {
                let def = api.ty(*id);
                match (component(def), &def.kind) {
                    (Some(name), _) => format!("`{name}`"),
                    (None, TypeKind::Struct { .. }) => "object".into(),
                    (None, TypeKind::Enum { .. }) => "string enum".into(),
                    (None, TypeKind::Union { .. }) => "one of several types".into(),
                    (None, TypeKind::Alias(t)) => self.label(api, t),
                }
            }
        }
    }

    fn named(&mut self, at: &At, i: TypeId, j: TypeId, a: &Ty, b: &Ty) {
        let (ta, tb) = (self.old.ty(i), self.new.ty(j));
        match (component(ta), component(tb)) {
            // Compared once on its own, in `schemas`.
            (Some(x), Some(y)) if x == y => return,
            (Some(_), _) | (_, Some(_)) => return self.type_changed(at, a, b),
            _ => {}
        }
        if !self.seen.insert((i, j)) {
            return;
        }
        self.kinds(at, &ta.kind, &tb.kind, a, b, (i, j));
    }

    fn kinds(&mut self, at: &At, ka: &TypeKind, kb: &TypeKind, a: &Ty, b: &Ty, ids: (TypeId, TypeId)) {
        match (ka, kb) {
            (TypeKind::Struct { fields: fa }, TypeKind::Struct { fields: fb }) => self.fields(at, fa, fb, ids.1),
            (TypeKind::Enum { values: va }, TypeKind::Enum { values: vb }) => self.enum_values(at, va, vb, ids.1),
            (TypeKind::Alias(x), TypeKind::Alias(y)) => self.ty(at, x, y, (false, false)),
            (TypeKind::Union { variants: va, .. }, TypeKind::Union { variants: vb, .. }) => self.variants(at, va, vb),
            _ => self.type_changed(at, a, b),
        }
    }

    /// Alternatives pair by name; several of one name (untitled inline
    /// shapes) pair in order.
    fn variants(&mut self, at: &At, va: &[Variant], vb: &[Variant]) {
        let keyed = |vs: &[Variant]| -> Vec<(String, usize)> {
            let mut count: HashMap<String, usize> = HashMap::new();
            vs.iter()
                .map(|v| {
                    let name = v.name.join("_");
                    let k = count.entry(name.clone()).or_default();
                    *k += 1;
                    (name, *k)
                })
                .collect()
        };
        let (ka, kb) = (keyed(va), keyed(vb));
        for (key, _) in kb.iter().zip(vb).filter(|(k, _)| !ka.contains(k)) {
            let wire = match at.side {
                Side::Request => Impact::Compatible,
                Side::Response => breaking("clients may not expect it"),
                Side::Unused => Impact::None,
            };
            self.push(
                &format!("{}-one-of-added", at.prefix()),
                at.location(),
                format!("{} may also be `{}`", at.subject(), key.0),
                wire,
                Impact::Compatible,
            );
        }
        for (key, _) in ka.iter().zip(va).filter(|(k, _)| !kb.contains(k)) {
            let wire = match at.side {
                Side::Request => breaking("clients sending it are refused"),
                Side::Response => Impact::Compatible,
                Side::Unused => Impact::None,
            };
            self.push(
                &format!("{}-one-of-removed", at.prefix()),
                at.location(),
                format!("{} can no longer be `{}`", at.subject(), key.0),
                wire,
                breaking(format!("the `{}` variant is gone", key.0)),
            );
        }
        for (key, v) in ka.iter().zip(va) {
            if let Some(w) = kb.iter().position(|k| k == key).map(|i| &vb[i]) {
                let segment = if key.1 > 1 { format!("<{}#{}>", key.0, key.1) } else { format!("<{}>", key.0) };
                self.ty(&at.child(&segment), &v.ty, &w.ty, (false, false));
            }
        }
    }

    fn enum_values(&mut self, at: &At, va: &[String], vb: &[String], new_id: TypeId) {
        let ty = self.new_names.types.get(new_id.0).cloned().unwrap_or_default();
        for v in vb.iter().filter(|v| !va.contains(v)) {
            let wire = match at.side {
                Side::Request => Impact::Compatible,
                Side::Response => breaking(format!("clients may not expect `{v}`")),
                Side::Unused => Impact::None,
            };
            // `#[non_exhaustive]` with a catch-all variant: matches already cover it.
            self.push(
                &format!("{}-enum-value-added", at.prefix()),
                at.location(),
                format!("{} has a new value `{v}`", at.subject()),
                wire,
                Impact::Compatible,
            );
        }
        for v in va.iter().filter(|v| !vb.contains(v)) {
            let wire = match at.side {
                Side::Request => breaking(format!("clients sending `{v}` are refused")),
                Side::Response => Impact::Compatible,
                Side::Unused => Impact::None,
            };
            self.push(
                &format!("{}-enum-value-removed", at.prefix()),
                at.location(),
                format!("{} lost the value `{v}`", at.subject()),
                wire,
                breaking(format!("`{ty}::{}` is gone", crate::rust::sanitize::pascal(v))),
            );
        }
    }

    fn fields(&mut self, at: &At, fa: &[Field], fb: &[Field], new_id: TypeId) {
        let ty = self.new_names.types.get(new_id.0).cloned().unwrap_or_default();
        let side = match at.side {
            Side::Request => "request",
            Side::Response => "response",
            Side::Unused => "schema",
        };
        for f in fb {
            let here = at.child(&f.name);
            let name = field(&f.name);
            let Some(old) = fa.iter().find(|g| g.name == f.name) else {
                let (check, wire, rust) = match (at.side, f.required) {
                    (Side::Request, true) => (
                        "new-required-request-property".to_string(),
                        breaking("clients do not send it"),
                        breaking(format!("`{ty}::new()` takes a new argument `{name}`")),
                    ),
                    (Side::Request, false) => ("new-optional-request-property".to_string(), Impact::Compatible, Impact::Compatible),
                    (_, true) => (
                        format!("{side}-required-property-added"),
                        if at.side == Side::Unused { Impact::None } else { Impact::Compatible },
                        breaking(format!("`{ty}::new()` takes a new argument `{name}`")),
                    ),
                    (_, false) => (
                        format!("{side}-optional-property-added"),
                        if at.side == Side::Unused { Impact::None } else { Impact::Compatible },
                        Impact::Compatible,
                    ),
                };
                let req = if f.required { "required" } else { "optional" };
                let msg = match &at.loc {
                    Location::Schema { .. } => format!("new {req} property `{}`", here.path),
                    _ => format!("{}: new {req} property `{}`", at.label, here.path),
                };
                self.push(&check, here.location(), msg, wire, rust);
                continue;
            };
            if old.required != f.required {
                let (what, wire) = match (f.required, at.side) {
                    (true, Side::Request) => ("became-required", breaking("clients may leave it out")),
                    (true, Side::Response) => ("became-required", Impact::Compatible),
                    (false, Side::Request) => ("became-optional", Impact::Compatible),
                    (false, Side::Response) => ("became-optional", breaking("clients may not get it")),
                    (true, Side::Unused) => ("became-required", Impact::None),
                    (false, Side::Unused) => ("became-optional", Impact::None),
                };
                let nullable = matches!(f.ty, Ty::Nullable(_));
                let rust = if nullable {
                    breaking(format!("`{ty}::new()` arguments change"))
                } else {
                    breaking(format!("`{ty}::{name}` changes between `T` and `Option<T>`, and `{ty}::new()` arguments change"))
                };
                self.push(
                    &format!("{side}-property-{what}"),
                    here.location(),
                    format!("{} {}", here.subject(), what.replace('-', " ")),
                    wire,
                    rust,
                );
            }
            if f.deprecated && !old.deprecated {
                self.push(
                    &format!("{side}-property-deprecated"),
                    here.location(),
                    format!("{} deprecated", here.subject()),
                    Impact::Compatible,
                    Impact::Compatible,
                );
            }
            self.ty(&here, &old.ty, &f.ty, (!old.required, !f.required));
        }
        for g in fa.iter().filter(|g| !fb.iter().any(|f| f.name == g.name)) {
            let here = at.child(&g.name);
            let wire = match at.side {
                Side::Request => Impact::Compatible,
                Side::Response => breaking("clients reading it get nothing"),
                Side::Unused => Impact::None,
            };
            let old_ty = self.new_names.types.get(new_id.0).cloned().unwrap_or_default();
            self.push(
                &format!("{side}-property-removed"),
                here.location(),
                format!("{} removed", here.subject()),
                wire,
                breaking(format!("the field `{old_ty}::{}` is gone", field(&g.name))),
            );
        }
    }

    // ---- schemas and security schemes ------------------------------------

    fn schemas(&mut self) {
        let components = |api: &'a Api| -> Vec<(String, TypeId)> {
            api.types.iter().enumerate().filter_map(|(i, t)| component(t).map(|name| (name.to_string(), TypeId(i)))).collect()
        };
        let (old_c, new_c) = (components(self.old), components(self.new));
        let mut sides: HashMap<String, BTreeSet<Side>> = HashMap::new();
        for api in [self.old, self.new] {
            for (name, side) in uses(api) {
                sides.entry(name).or_default().insert(side);
            }
        }
        for (name, j) in &new_c {
            let Some((_, i)) = old_c.iter().find(|(n, _)| n == name) else {
                let ty = self.new_names.types[j.0].clone();
                self.push(
                    "api-schema-added",
                    Location::Schema { name: name.clone(), path: String::new() },
                    format!("new schema `{name}` (type `{ty}`)"),
                    Impact::None,
                    Impact::Compatible,
                );
                continue;
            };
            let used: Vec<Side> = match sides.get(name) {
                Some(s) if !s.is_empty() => s.iter().copied().collect(),
                _ => vec![Side::Unused],
            };
            for side in used {
                let label = match side {
                    Side::Request => format!("schema `{name}` (sent)"),
                    Side::Response => format!("schema `{name}` (received)"),
                    Side::Unused => format!("schema `{name}`"),
                };
                let at = At {
                    loc: Location::Schema { name: name.clone(), path: String::new() },
                    side,
                    root: "schema",
                    label,
                    path: String::new(),
                };
                self.seen.clear();
                self.depth = 0;
                let (ta, tb) = (self.old.ty(*i), self.new.ty(*j));
                self.kinds(&at, &ta.kind, &tb.kind, &Ty::Named(*i), &Ty::Named(*j), (*i, *j));
            }
        }
        for (name, i) in &old_c {
            if !new_c.iter().any(|(n, _)| n == name) {
                let ty = self.old_names.types[i.0].clone();
                self.push(
                    "api-schema-removed",
                    Location::Schema { name: name.clone(), path: String::new() },
                    format!("schema `{name}` removed"),
                    Impact::None,
                    breaking(format!("the type `{ty}` is gone")),
                );
            }
        }
    }

    fn security_schemes(&mut self) {
        let kind = |k: &SchemeKind| match k {
            SchemeKind::ApiKey { location, param } => format!("API key in {location} `{param}`"),
            SchemeKind::Basic => "HTTP basic".into(),
            SchemeKind::Bearer { .. } => "HTTP bearer".into(),
            SchemeKind::OAuth2 { .. } => "OAuth 2".into(),
            SchemeKind::OpenIdConnect { .. } => "OpenID Connect".into(),
            SchemeKind::OtherHttp { scheme } => format!("HTTP {scheme}"),
        };
        for s in &self.new.security_schemes {
            let loc = Location::SecurityScheme { name: s.name.clone() };
            match self.old.security_schemes.iter().find(|o| o.name == s.name) {
                None => self.push(
                    "api-security-component-added",
                    loc,
                    format!("new security scheme `{}` ({})", s.name, kind(&s.kind)),
                    Impact::None,
                    Impact::Compatible,
                ),
                Some(o) if kind(&o.kind) != kind(&s.kind) => self.push(
                    "api-security-component-type-changed",
                    loc,
                    format!("security scheme `{}` changed from {} to {}", s.name, kind(&o.kind), kind(&s.kind)),
                    breaking("clients send the old credential"),
                    breaking("the credential it takes changes"),
                ),
                Some(_) => {}
            }
        }
        for o in &self.old.security_schemes {
            if !self.new.security_schemes.iter().any(|s| s.name == o.name) {
                self.push(
                    "api-security-component-removed",
                    Location::SecurityScheme { name: o.name.clone() },
                    format!("security scheme `{}` removed", o.name),
                    Impact::None,
                    breaking("its credential setting and `Scheme` variant are gone"),
                );
            }
        }
    }
}

/// Which component schemas each operation sends and receives, through any
/// depth of nesting.
fn uses(api: &Api) -> Vec<(String, Side)> {
    fn walk(api: &Api, ty: &Ty, side: Side, seen: &mut HashSet<(usize, bool)>, out: &mut Vec<(String, Side)>) {
        match ty {
            Ty::Array(t) | Ty::Map(t) | Ty::Nullable(t) => walk(api, t, side, seen, out),
            Ty::Named(id) => {
                if !seen.insert((id.0, side == Side::Request)) {
                    return;
                }
                let Some(def) = api.types.get(id.0) else { return };
                if let Some(name) = component(def) {
                    out.push((name.to_string(), side));
                }
                match &def.kind {
                    TypeKind::Struct { fields } => fields.iter().for_each(|f| walk(api, &f.ty, side, seen, out)),
                    TypeKind::Alias(t) => walk(api, t, side, seen, out),
                    TypeKind::Union { variants, .. } => variants.iter().for_each(|v| walk(api, &v.ty, side, seen, out)),
                    TypeKind::Enum { .. } => {}
                }
            }
            _ => {}
        }
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for op in &api.operations {
        for p in &op.params {
            walk(api, &p.ty, Side::Request, &mut seen, &mut out);
        }
        if let Some(BodyKind::Json(t)) = op.body.as_ref().map(|b| &b.kind) {
            walk(api, t, Side::Request, &mut seen, &mut out);
        }
        for r in op.successes.iter().chain(&op.errors) {
            if let Some(t) = &r.ty {
                walk(api, t, Side::Response, &mut seen, &mut out);
            }
        }
    }
    out
}
