//! Structurally identical inline schemas become one type (`model::dedupe`):
//! GitHub's webhook payloads repeat `{href: string}` under every `_links`
//! key, and each copy used to be a struct of its own. The trimmed GitHub
//! description under `specs/github-issues/` has no `_links`, so the
//! description here rebuilds the pattern: two components with the same inline
//! `_links` object of three `{href}` objects, plus the cases that must stay
//! apart.

use std::path::PathBuf;

use sdkgen::model::{Api, Ty, TypeId, TypeKind};

mod support;
use support::*;

const LINKS: &str = r##"
openapi: 3.0.3
info: {title: Links, version: "1"}
paths:
  /pulls:
    get:
      operationId: listPulls
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: "#/components/schemas/PullRequest"}}
  /issues:
    get:
      operationId: getIssue
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  issue: {$ref: "#/components/schemas/Issue"}
                  # Shaped like the `Label` component: becomes `Label`.
                  label:
                    type: object
                    required: [name]
                    properties:
                      name: {type: string}
                      color: {type: string}
                  # Shaped like both `UserA` and `UserB`: the first one.
                  author:
                    type: object
                    properties:
                      login: {type: string}
        "400":
          description: bad request
          content:
            application/json:
              schema: {type: object, properties: {message: {type: string}}}
  /third:
    get:
      operationId: getThird
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  # Shaped like getIssue's error body, which has `code()` and
                  # `message()`: a plain object stays a plain object.
                  problem: {type: object, properties: {message: {type: string}}}
  /other:
    get:
      operationId: getOther
      responses:
        "200":
          description: ok
          content:
            application/json:
              # The same shape as getIssue's response, but an operation's
              # own response keeps its name, as an alias of the first.
              schema:
                type: object
                properties:
                  issue: {$ref: "#/components/schemas/Issue"}
                  label:
                    type: object
                    required: [name]
                    properties:
                      name: {type: string}
                      color: {type: string}
                  author:
                    type: object
                    properties:
                      login: {type: string}
components:
  schemas:
    PullRequest:
      type: object
      properties:
        number: {type: integer}
        _links:
          type: object
          required: [comments, commits, html]
          properties:
            comments: {title: Link, type: object, required: [href], properties: {href: {type: string}}}
            commits: {title: Link, type: object, required: [href], properties: {href: {type: string}}}
            html:
              description: The web page.
              type: object
              required: [href]
              properties: {href: {type: string}}
        # Differs only in `href` not being required: its own type.
        optional_link: {type: object, properties: {href: {type: string}}}
        # Differs only in `href` being nullable: its own type.
        nullable_link: {type: object, required: [href], properties: {href: {type: string, nullable: true}}}
    Issue:
      type: object
      properties:
        _links:
          description: Links of the issue (documentation does not tell types apart).
          type: object
          required: [comments, commits, html]
          properties:
            comments: {type: object, required: [href], properties: {href: {type: string}}}
            commits: {type: object, required: [href], properties: {href: {type: string}}}
            html: {type: object, required: [href], properties: {href: {type: string}}}
    Label:
      type: object
      required: [name]
      properties:
        name: {type: string}
        color: {type: string}
    UserA:
      type: object
      properties:
        login: {type: string}
    UserB:
      type: object
      properties:
        login: {type: string}
"##;

fn name(api: &Api, id: TypeId) -> String {
    api.ty(id).name.join(".")
}

fn find(api: &Api, words: &str) -> Option<TypeId> {
    api.types.iter().position(|t| t.name.join(".") == words).map(TypeId)
}

/// The type a struct's field refers to (through `Option`, arrays and maps).
fn field_type(api: &Api, of: &str, field: &str) -> TypeId {
    let id = find(api, of).unwrap_or_else(|| panic!("no type {of}; types: {:?}", names(api)));
    let TypeKind::Struct { fields } = &api.resolve(id).kind else { panic!("{of} is not a struct") };
    let f = fields.iter().find(|f| f.name == field).unwrap_or_else(|| panic!("{of} has no {field}"));
    let mut ty = &f.ty;
    loop {
        match ty {
            Ty::Named(id) => return *id,
            Ty::Nullable(inner) | Ty::Array(inner) | Ty::Map(inner) => ty = inner,
            other => panic!("{of}.{field} is {other:?}"),
        }
    }
}

fn names(api: &Api) -> Vec<String> {
    api.types.iter().map(|t| t.name.join(".")).collect()
}

#[test]
fn repeated_href_objects_are_one_type_named_after_the_first() {
    let api = model(LINKS);
    let comments = field_type(&api, "PullRequest._links", "comments");
    assert_eq!(name(&api, comments), "PullRequest._links.comments", "the first in document order is kept");
    assert_eq!(field_type(&api, "PullRequest._links", "commits"), comments);
    assert_eq!(field_type(&api, "PullRequest._links", "html"), comments);
    for gone in ["PullRequest._links.commits", "PullRequest._links.html", "Issue._links.comments"] {
        assert_eq!(find(&api, gone), None, "{gone} is merged away; types: {:?}", names(&api));
    }
    // The kept type keeps its own docs (its title), not a merged one's.
    assert_eq!(api.ty(comments).description.as_deref(), Some("Link"));
}

#[test]
fn a_nested_duplicate_collapses_once_its_parts_have() {
    // `Issue._links` only equals `PullRequest._links` once the `{href}`
    // objects inside both are one type: the comparison runs to a fixpoint.
    let api = model(LINKS);
    let links = field_type(&api, "PullRequest", "_links");
    assert_eq!(field_type(&api, "Issue", "_links"), links);
    assert_eq!(find(&api, "Issue._links"), None);
    assert_eq!(field_type(&api, "PullRequest._links", "comments"), field_type(&api, "PullRequest._links", "html"));
}

#[test]
fn requiredness_and_nullability_keep_objects_apart() {
    let api = model(LINKS);
    let link = field_type(&api, "PullRequest._links", "comments");
    let optional = field_type(&api, "PullRequest", "optional_link");
    let nullable = field_type(&api, "PullRequest", "nullable_link");
    assert_ne!(optional, link);
    assert_ne!(nullable, link);
    assert_ne!(optional, nullable);
}

#[test]
fn an_inline_object_shaped_like_a_component_is_the_component() {
    let api = model(LINKS);
    assert_eq!(name(&api, field_type(&api, "getIssue.response", "label")), "Label");
    // Shaped like two components: the first in document order.
    assert_eq!(name(&api, field_type(&api, "getIssue.response", "author")), "UserA");
    assert_eq!(find(&api, "getIssue.response.label"), None);
}

#[test]
fn components_of_the_same_shape_stay_two_types() {
    let api = model(LINKS);
    let a = find(&api, "UserA").expect("UserA");
    let b = find(&api, "UserB").expect("UserB");
    assert_ne!(a, b);
}

#[test]
fn an_operations_own_types_keep_their_names() {
    let api = model(LINKS);
    for (op, expected) in [("getIssue", "getIssue.response"), ("getOther", "getOther.response")] {
        let op = api.operations.iter().find(|o| o.id == op).unwrap();
        let Some(Ty::Named(id)) = op.success().and_then(|s| s.ty.clone()) else { panic!("{} has no named response", op.id) };
        assert_eq!(name(&api, id), expected);
    }
    // What they hold is shared all the same.
    assert_eq!(field_type(&api, "getOther.response", "label"), field_type(&api, "getIssue.response", "label"));
}

#[test]
fn an_operations_own_copy_is_an_alias_of_the_first() {
    let api = model(LINKS);
    let first = find(&api, "getIssue.response").unwrap();
    let copy = find(&api, "getOther.response").unwrap();
    assert!(matches!(api.ty(copy).kind, TypeKind::Alias(Ty::Named(id)) if id == first), "{:?}", api.ty(copy).kind);
    assert!(matches!(api.ty(first).kind, TypeKind::Struct { .. }));
    assert!(std::ptr::eq(api.resolve(copy), api.ty(first)));

    let files = render(LINKS);
    let model_file = |name: &str| files.get(&PathBuf::from(format!("src/models/{name}.rs"))).unwrap_or_else(|| panic!("no {name}"));
    assert!(model_file("get_other").contains("pub type GetOtherResponse = crate::models::GetIssueResponse;"));
    assert!(!model_file("get_other").contains("pub struct"));
    assert!(model_file("get_issue").contains("pub struct GetIssueResponse {"));
}

#[test]
fn an_error_body_is_never_shared_with_a_plain_object() {
    // Merging would give the plain object the error body's `code()` and
    // `message()`: what the generated code does with a type counts.
    let api = model(LINKS);
    let problem = field_type(&api, "getThird.response", "problem");
    assert_eq!(name(&api, problem), "getThird.response.problem");
    assert!(find(&api, "getIssue.error").is_some());
}

#[test]
fn the_same_description_always_keeps_the_same_names() {
    assert_eq!(names(&model(LINKS)), names(&model(LINKS)));
}

/// The rendered crate declares one struct for the three `{href}` objects,
/// and the `_links` fields are typed with it.
#[test]
fn the_generated_crate_declares_one_link_struct() {
    let files = render(LINKS);
    let models: String =
        files.iter().filter(|(path, _)| path.starts_with(PathBuf::from("src/models"))).map(|(_, text)| text.as_str()).collect();
    let structs: Vec<&str> = models.split("pub struct ").skip(1).filter_map(|s| s.split_whitespace().next()).collect();
    assert!(structs.contains(&"PullRequestLinksComments"), "structs: {structs:?}");
    for gone in ["PullRequestLinksCommits", "PullRequestLinksHtml", "IssueLinks", "IssueLinksComments", "GetIssueResponseLabel"] {
        assert!(!structs.contains(&gone), "{gone} is declared; structs: {structs:?}");
    }
    for field in ["comments", "commits", "html"] {
        assert!(models.contains(&format!("pub {field}: PullRequestLinksComments,")), "`{field}` is not typed with the kept struct");
    }
    assert!(models.contains("pub struct UserA ") && models.contains("pub struct UserB "));
}
