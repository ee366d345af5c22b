//! Step 1b: OpenAPI Overlay 1.0 documents, applied to the raw document right after
//! it is parsed.
//!
//! An overlay is a list of actions, each a JSONPath (RFC 9535) `target` with an
//! `update` to merge into every node it selects or `remove: true` to delete them.
//! Actions run in order, on the document as the user wrote it: before `$ref`s are
//! resolved and before a Swagger 2.0 description is upgraded, so targets use the
//! description's own layout (`definitions`, `in: formData`, ...).
//!
//! Unlike the specification, which lets a target select nothing, an action whose
//! target selects nothing is an error: it almost always means the description
//! changed upstream and the fix no longer applies.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};
use serde_json_path::{JsonPath, PathElement};

use super::{Format, Source, kind_of, read};
use crate::diag::Diagnostic;

/// A parsed and checked overlay document.
#[derive(Debug, Clone)]
pub(crate) struct Overlay {
    path: PathBuf,
    text: String,
    format: Format,
    actions: Vec<Action>,
}

/// One action: what it selects and what it does there.
#[derive(Debug, Clone)]
struct Action {
    /// The target as written.
    target: String,
    path: JsonPath,
    description: Option<String>,
    /// `None` when the action removes.
    update: Option<Value>,
    remove: bool,
}

/// Step of a location in the document.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Key(String),
    Index(usize),
}

const OVERLAY_HINT: &str = "an overlay starts with `overlay: 1.0.0`, `info: {title, version}` and a list of `actions`, each with a `target` (JSONPath) and an `update` or `remove: true`";

impl Overlay {
    /// Reads and checks the overlay at `path`.
    pub(crate) fn read(path: &Path) -> Result<Overlay, Diagnostic> {
        let text = read::read_file(path, path, None)?;
        Overlay::parse(path, &text)
    }

    /// Parses and checks an overlay from its text (`path` names it in diagnostics).
    pub(crate) fn parse(path: &Path, text: &str) -> Result<Overlay, Diagnostic> {
        let text = read::strip_bom(text).to_string();
        let format = read::detect_format(path, &text);
        let src = Source { path, text: &text, format };
        if read::is_blank(&text, format) {
            return Err(Diagnostic::new(path, "the overlay is empty").at("").at_line(1, 1).hint(OVERLAY_HINT));
        }
        let doc = match format {
            Format::Json => serde_json::from_str::<Value>(&text).map_err(|e| read::json_error(&src, &e))?,
            Format::Yaml => serde_yaml_ng::from_str::<Value>(&text).map_err(|e| read::yaml_error(&src, &e))?,
        };
        let Value::Object(root) = doc else {
            return Err(src.diag_at("", format!("the overlay's root is {}, but an overlay is an object", kind_of(&doc)), OVERLAY_HINT));
        };
        check_root(&src, &root)?;
        let actions = match root.get("actions") {
            Some(Value::Array(list)) if !list.is_empty() => list,
            Some(Value::Array(_)) => {
                return Err(src.diag_at("/actions", "the overlay has no actions", "add at least one action"));
            }
            Some(other) => {
                return Err(src.diag_at(
                    "/actions",
                    format!("`actions` must be a list of actions, found {}", kind_of(other)),
                    OVERLAY_HINT,
                ));
            }
            None => {
                return Err(src.diag_at("", "the overlay has no `actions` field", OVERLAY_HINT));
            }
        };
        let actions = actions.iter().enumerate().map(|(i, a)| parse_action(&src, i, a)).collect::<Result<_, _>>()?;
        Ok(Overlay { path: path.to_path_buf(), text, format, actions })
    }

    fn src(&self) -> Source<'_> {
        Source { path: &self.path, text: &self.text, format: self.format }
    }

    /// Applies the actions in order to `doc`, the description read from `doc_path`.
    pub(crate) fn apply(&self, doc: &mut Value, doc_path: &Path) -> Result<(), Diagnostic> {
        let src = self.src();
        for (i, action) in self.actions.iter().enumerate() {
            let mut found: Vec<Vec<Step>> = action
                .path
                .query_located(doc)
                .locations()
                .map(|loc| {
                    loc.iter()
                        .map(|e| match e {
                            PathElement::Name(n) => Step::Key(n.to_string()),
                            PathElement::Index(i) => Step::Index(*i),
                        })
                        .collect()
                })
                .collect();
            if found.is_empty() {
                let about = match &action.description {
                    Some(d) => format!(" ({})", d.trim()),
                    None => String::new(),
                };
                return Err(src.diag_at(
                    &format!("/actions/{i}/target"),
                    format!(
                        "action {i}{about}: the target `{}` selects nothing in `{}`",
                        action.target,
                        doc_path.display()
                    ),
                    "the description may have changed (the operation, parameter or schema this action was written for is gone or different), or the JSONPath is wrong; targets address the description as written, before references are resolved and before a Swagger 2.0 upgrade",
                ));
            }
            if action.remove {
                // Deepest and last first, so that removing one node never shifts the
                // index of another still to be removed.
                found.sort();
                found.dedup();
                for steps in found.iter().rev() {
                    let Some((last, parent)) = steps.split_last() else {
                        return Err(src.diag_at(
                            &format!("/actions/{i}/target"),
                            format!("action {i}: the target `{}` selects the document root, which cannot be removed", action.target),
                            "select the part of the document to remove",
                        ));
                    };
                    match (node_mut(doc, parent), last) {
                        (Some(Value::Object(map)), Step::Key(k)) => {
                            map.shift_remove(k);
                        }
                        (Some(Value::Array(list)), Step::Index(n)) if *n < list.len() => {
                            list.remove(*n);
                        }
                        // Inside a node this action already removed.
                        _ => {}
                    }
                }
            } else if let Some(update) = &action.update {
                for steps in &found {
                    let Some(node) = node_mut(doc, steps) else { continue };
                    match (node, update) {
                        (Value::Object(target), Value::Object(update)) => merge(target, update),
                        (Value::Array(list), value) => list.push(value.clone()),
                        (Value::Object(_), other) => {
                            return Err(src.diag_at(
                                &format!("/actions/{i}/update"),
                                format!(
                                    "action {i}: the target selects an object at {}, but `update` is {}",
                                    pointer_of(steps),
                                    kind_of(other)
                                ),
                                "an update of an object is an object whose fields are merged into it",
                            ));
                        }
                        (other, _) => {
                            return Err(src.diag_at(
                                &format!("/actions/{i}/target"),
                                format!(
                                    "action {i}: the target `{}` selects {} at {}; an update applies to objects and arrays only",
                                    action.target,
                                    kind_of(other),
                                    pointer_of(steps)
                                ),
                                "target the object that holds the value and update the field there, e.g. `$.a` with `update: {b: new}` instead of `$.a.b`",
                            ));
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// The top-level fields other than `actions`.
fn check_root(src: &Source<'_>, root: &Map<String, Value>) -> Result<(), Diagnostic> {
    match root.get("overlay") {
        None => {
            return Err(src.diag_at(
                "",
                "the document has no `overlay` field, so it is not an overlay",
                format!("add `overlay: 1.0.0` at the top level; {OVERLAY_HINT}"),
            ));
        }
        Some(Value::String(v)) if is_v1_0(v) => {}
        Some(Value::String(v)) => {
            return Err(src.diag_at(
                "/overlay",
                format!("overlay version `{v}` is not supported"),
                "sdkgen reads Overlay 1.0 documents (`overlay: 1.0.0`)",
            ));
        }
        Some(other) => {
            return Err(src.diag_at(
                "/overlay",
                format!("`overlay` must be a version string, found {}", kind_of(other)),
                "write it as `overlay: 1.0.0`",
            ));
        }
    }
    match root.get("info") {
        Some(Value::Object(info)) => {
            for field in ["title", "version"] {
                match info.get(field) {
                    Some(Value::String(_)) => {}
                    Some(other) => {
                        return Err(src.diag_at(
                            &format!("/info/{field}"),
                            format!("`info.{field}` must be a string, found {}", kind_of(other)),
                            "quote it",
                        ));
                    }
                    None => {
                        return Err(src.diag_at(
                            "/info",
                            format!("`info` has no `{field}`"),
                            "give the overlay a `title` and a `version` under `info`",
                        ));
                    }
                }
            }
        }
        Some(other) => {
            return Err(src.diag_at(
                "/info",
                format!("`info` must be an object, found {}", kind_of(other)),
                "write `info: {title: ..., version: ...}`",
            ));
        }
        None => {
            return Err(src.diag_at("", "the overlay has no `info` field", OVERLAY_HINT));
        }
    }
    if let Some(extends) = root.get("extends").filter(|v| !v.is_string()) {
        return Err(src.diag_at(
            "/extends",
            format!("`extends` must be a URL string, found {}", kind_of(extends)),
            "remove it: the overlay applies to the description named by `spec` in sdkgen.toml",
        ));
    }
    for key in root.keys() {
        if !matches!(key.as_str(), "overlay" | "info" | "extends" | "actions") && !key.starts_with("x-") {
            return Err(src.diag_at(
                &format!("/{}", crate::diag::escape_pointer_token(key)),
                format!("unknown field `{key}` in the overlay"),
                "an overlay has `overlay`, `info`, `extends`, `actions` and `x-` extensions",
            ));
        }
    }
    Ok(())
}

fn is_v1_0(v: &str) -> bool {
    let v = v.trim();
    v == "1.0" || v.strip_prefix("1.0.").is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

fn parse_action(src: &Source<'_>, i: usize, value: &Value) -> Result<Action, Diagnostic> {
    let at = format!("/actions/{i}");
    let Value::Object(action) = value else {
        return Err(src.diag_at(
            &at,
            format!("action {i} must be an object, found {}", kind_of(value)),
            "an action is `{target: <JSONPath>, update: {...}}` or `{target: <JSONPath>, remove: true}`",
        ));
    };
    for key in action.keys() {
        if !matches!(key.as_str(), "target" | "description" | "update" | "remove") && !key.starts_with("x-") {
            return Err(src.diag_at(
                &format!("{at}/{}", crate::diag::escape_pointer_token(key)),
                format!("unknown field `{key}` in action {i}"),
                "an action has `target`, `description`, `update`, `remove` and `x-` extensions",
            ));
        }
    }
    let target = match action.get("target") {
        Some(Value::String(t)) => t.clone(),
        Some(other) => {
            return Err(src.diag_at(
                &format!("{at}/target"),
                format!("the target of action {i} must be a JSONPath string, found {}", kind_of(other)),
                "quote the JSONPath, e.g. `target: \"$.paths['/pets'].get\"`",
            ));
        }
        None => {
            return Err(src.diag_at(
                &at,
                format!("action {i} has no `target`"),
                "add a JSONPath `target` selecting the nodes to update or remove, e.g. `$.paths['/pets'].get`",
            ));
        }
    };
    let path = JsonPath::parse(&target).map_err(|e| {
        src.diag_at(
            &format!("{at}/target"),
            format!(
                "the target of action {i} is not a valid JSONPath: {} (at character {} of `{target}`)",
                e.message(),
                e.position()
            ),
            "targets are RFC 9535 JSONPath expressions starting with `$`; quote names with `/` or `.` as `['/chat.delete']`, and write filters as `[?@.name=='ts']`",
        )
    })?;
    let description = match action.get("description") {
        None => None,
        Some(Value::String(d)) => Some(d.clone()),
        Some(other) => {
            return Err(src.diag_at(
                &format!("{at}/description"),
                format!("the description of action {i} must be a string, found {}", kind_of(other)),
                "quote it",
            ));
        }
    };
    let remove = match action.get("remove") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(src.diag_at(
                &format!("{at}/remove"),
                format!("`remove` of action {i} must be true or false, found {}", kind_of(other)),
                "write `remove: true` to delete the target",
            ));
        }
    };
    let update = if remove { None } else { action.get("update").cloned() };
    if !remove && update.is_none() {
        return Err(src.diag_at(
            &at,
            format!("action {i} (target `{target}`) has neither `update` nor `remove: true`, so it does nothing"),
            "add `update: {...}` to merge fields into the target, or `remove: true` to delete it",
        ));
    }
    Ok(Action { target, path, description, update, remove })
}

/// Merges `update` into `target`: objects merge recursively, arrays are appended
/// to, anything else is replaced (Overlay 1.0).
fn merge(target: &mut Map<String, Value>, update: &Map<String, Value>) {
    for (key, value) in update {
        match (target.get_mut(key), value) {
            (Some(Value::Object(t)), Value::Object(u)) => merge(t, u),
            (Some(Value::Array(t)), Value::Array(u)) => t.extend(u.iter().cloned()),
            (Some(t), v) => *t = v.clone(),
            (None, v) => {
                target.insert(key.clone(), v.clone());
            }
        }
    }
}

fn node_mut<'v>(mut value: &'v mut Value, steps: &[Step]) -> Option<&'v mut Value> {
    for step in steps {
        value = match (value, step) {
            (Value::Object(map), Step::Key(k)) => map.get_mut(k)?,
            (Value::Array(list), Step::Index(n)) => list.get_mut(*n)?,
            _ => return None,
        };
    }
    Some(value)
}

fn pointer_of(steps: &[Step]) -> String {
    let p = crate::diag::pointer(steps.iter().map(|s| match s {
        Step::Key(k) => k.clone(),
        Step::Index(n) => n.to_string(),
    }));
    if p.is_empty() { "/".to_string() } else { p }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn overlay(yaml: &str) -> Overlay {
        Overlay::parse(Path::new("o.overlay.yaml"), yaml).unwrap_or_else(|d| panic!("unexpected diagnostic:\n{d}"))
    }

    fn overlay_err(yaml: &str) -> Diagnostic {
        let d = Overlay::parse(Path::new("o.overlay.yaml"), yaml).expect_err("a diagnostic");
        assert!(d.hint.is_some(), "{d}");
        assert_eq!(d.file, Path::new("o.overlay.yaml"));
        d
    }

    fn apply(yaml: &str, mut doc: Value) -> Result<Value, Diagnostic> {
        overlay(yaml).apply(&mut doc, Path::new("spec.json"))?;
        Ok(doc)
    }

    const HEAD: &str = "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n";

    fn slack_like() -> Value {
        json!({
            "swagger": "2.0",
            "paths": {
                "/chat.delete": {"post": {
                    "consumes": ["application/x-www-form-urlencoded"],
                    "parameters": [
                        {"name": "token", "in": "formData", "type": "string"},
                        {"name": "ts", "in": "formData", "type": "number"},
                        {"name": "channel", "in": "formData", "type": "string"}
                    ]
                }},
                "/conversations.mark": {"post": {"parameters": [
                    {"name": "ts", "in": "formData", "type": "number"}
                ]}},
                "/chat.unfurl": {"post": {"parameters": [
                    {"name": "ts", "in": "formData", "type": "string", "required": true}
                ]}}
            }
        })
    }

    #[test]
    fn update_merges_objects_and_replaces_scalars() {
        let doc = apply(
            &format!(
                "{HEAD}  - target: $.paths['/chat.delete'].post\n    update:\n      summary: Deletes\n      consumes: [multipart/form-data]\n      x-extra: {{a: 1}}\n"
            ),
            slack_like(),
        )
        .unwrap();
        let op = &doc["paths"]["/chat.delete"]["post"];
        assert_eq!(op["summary"], "Deletes");
        // Arrays are appended to.
        assert_eq!(op["consumes"], json!(["application/x-www-form-urlencoded", "multipart/form-data"]));
        assert_eq!(op["x-extra"], json!({"a": 1}));
        assert_eq!(op["parameters"].as_array().unwrap().len(), 3, "untouched fields stay");
    }

    #[test]
    fn update_of_an_array_appends_the_value() {
        let doc = apply(
            &format!(
                "{HEAD}  - target: $.paths['/chat.delete'].post.parameters\n    update: {{name: as_user, in: formData, type: boolean}}\n"
            ),
            slack_like(),
        )
        .unwrap();
        let params = doc["paths"]["/chat.delete"]["post"]["parameters"].as_array().unwrap();
        assert_eq!(params.len(), 4);
        assert_eq!(params[3]["name"], "as_user");
    }

    #[test]
    fn filter_expression_updates_the_matching_parameter_only() {
        let doc = apply(
            &format!(
                "{HEAD}  - target: $.paths['/chat.delete'].post.parameters[?@.name=='ts']\n    description: timestamps are strings\n    update: {{type: string, required: true}}\n"
            ),
            slack_like(),
        )
        .unwrap();
        let params = &doc["paths"]["/chat.delete"]["post"]["parameters"];
        assert_eq!(params[1], json!({"name": "ts", "in": "formData", "type": "string", "required": true}));
        assert_eq!(params[2]["type"], "string");
        assert!(params[2].get("required").is_none());
        assert_eq!(doc["paths"]["/conversations.mark"]["post"]["parameters"][0]["type"], "number");
    }

    #[test]
    fn wildcard_filter_reaches_every_operation() {
        let doc = apply(
            &format!("{HEAD}  - target: $.paths.*.*.parameters[?@.name=='ts' && @.type=='number']\n    update: {{type: string}}\n"),
            slack_like(),
        )
        .unwrap();
        assert_eq!(doc["paths"]["/chat.delete"]["post"]["parameters"][1]["type"], "string");
        assert_eq!(doc["paths"]["/conversations.mark"]["post"]["parameters"][0]["type"], "string");
    }

    #[test]
    fn remove_deletes_from_objects_and_arrays() {
        let doc = apply(
            &format!(
                "{HEAD}  - target: $.paths['/chat.delete'].post.consumes\n    remove: true\n  - target: $.paths.*.post.parameters[?@.type=='number']\n    remove: true\n"
            ),
            slack_like(),
        )
        .unwrap();
        let op = &doc["paths"]["/chat.delete"]["post"];
        assert!(op.get("consumes").is_none());
        let names: Vec<&str> = op["parameters"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["token", "channel"]);
        assert_eq!(doc["paths"]["/conversations.mark"]["post"]["parameters"], json!([]));
    }

    #[test]
    fn removing_several_elements_of_one_array_removes_the_right_ones() {
        let doc = apply(&format!("{HEAD}  - target: $.a[?@ > 1]\n    remove: true\n"), json!({"a": [1, 2, 3, 1, 5]})).unwrap();
        assert_eq!(doc, json!({"a": [1, 1]}));
    }

    #[test]
    fn actions_apply_in_order() {
        let doc = apply(
            &format!(
                "{HEAD}  - target: $.paths['/chat.delete'].post.consumes\n    remove: true\n  - target: $.paths['/chat.delete'].post\n    update: {{consumes: [multipart/form-data]}}\n"
            ),
            slack_like(),
        )
        .unwrap();
        assert_eq!(doc["paths"]["/chat.delete"]["post"]["consumes"], json!(["multipart/form-data"]));
    }

    #[test]
    fn unmatched_target_is_a_diagnostic_at_the_action() {
        let text = format!(
            "{HEAD}  - target: $.paths['/chat.delete'].post\n    update: {{summary: x}}\n  - target: $.paths['/chat.gone'].post\n    description: chat.gone was renamed\n    update: {{summary: x}}\n"
        );
        let d = apply(&text, slack_like()).unwrap_err();
        assert_eq!(d.file, Path::new("o.overlay.yaml"));
        assert_eq!(d.location.pointer.as_deref(), Some("/actions/1/target"));
        assert_eq!(d.location.line_col, Some((6, 5)));
        assert!(d.message.contains("$.paths['/chat.gone'].post"), "{d}");
        assert!(d.message.contains("chat.gone was renamed"), "{d}");
        assert!(d.message.contains("spec.json"), "{d}");
        assert!(d.hint.as_deref().unwrap().contains("changed"), "{d}");
    }

    #[test]
    fn invalid_jsonpath_is_a_diagnostic_with_the_parsers_message() {
        let d = overlay_err(&format!("{HEAD}  - target: $.paths[/chat.delete]\n    remove: true\n"));
        assert_eq!(d.location.pointer.as_deref(), Some("/actions/0/target"));
        assert_eq!(d.location.line_col, Some((4, 5)));
        assert!(d.message.contains("not a valid JSONPath"), "{d}");
        assert!(d.message.contains("at character"), "{d}");
    }

    #[test]
    fn malformed_overlays_are_diagnostics() {
        let d = overlay_err("info: {title: t, version: '1'}\nactions: []\n");
        assert!(d.message.contains("`overlay`"), "{d}");
        let d = overlay_err("overlay: 2.0.0\ninfo: {title: t, version: '1'}\nactions: []\n");
        assert_eq!(d.location.pointer.as_deref(), Some("/overlay"));
        let d = overlay_err("overlay: 1.0.0\ninfo: {title: t, version: '1'}\n");
        assert!(d.message.contains("`actions`"), "{d}");
        let d = overlay_err("overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions: []\n");
        assert!(d.message.contains("no actions"), "{d}");
        let d = overlay_err(&format!("{HEAD}  - target: $.a\n    description: nothing to do\n"));
        assert!(d.message.contains("neither `update` nor `remove: true`"), "{d}");
        assert_eq!(d.location.line_col, Some((4, 5)));
        let d = overlay_err(&format!("{HEAD}  - target: $.a\n    udpate: {{}}\n"));
        assert!(d.message.contains("udpate"), "{d}");
        let d = overlay_err(&format!("{HEAD}  - update: {{}}\n"));
        assert!(d.message.contains("no `target`"), "{d}");
        let d = overlay_err("overlay: 1.0.0\nactions: [{target: $.a, remove: true}]\n");
        assert!(d.message.contains("`info`"), "{d}");
        let d = overlay_err("overlay: [1\n");
        assert!(d.message.contains("invalid YAML"), "{d}");
    }

    #[test]
    fn json_overlays_are_read_too() {
        let o = Overlay::parse(
            Path::new("o.json"),
            r#"{"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": [{"target": "$.a", "update": {"b": 2}}]}"#,
        )
        .unwrap();
        let mut doc = json!({"a": {"b": 1}});
        o.apply(&mut doc, Path::new("spec.json")).unwrap();
        assert_eq!(doc, json!({"a": {"b": 2}}));
    }

    #[test]
    fn updating_a_scalar_target_is_a_diagnostic() {
        let d = apply(&format!("{HEAD}  - target: $.a.b\n    update: 3\n"), json!({"a": {"b": 1}})).unwrap_err();
        assert_eq!(d.location.pointer.as_deref(), Some("/actions/0/target"));
        assert!(d.message.contains("/a/b"), "{d}");
    }
}
