//! Step 5: `$ref`s. Runs on the document as written (before any upgrade), so that
//! pointers in diagnostics name places in the user's file.
//!
//! - A local reference (`#/...`) must resolve to an existing node.
//! - A reference to another file beside the spec (`common.yaml#/Pet`) is loaded
//!   (relative to the referencing file's directory, parsed like the spec, cached),
//!   and merged: schemas are moved into `components/schemas` (or `definitions` for
//!   Swagger 2.0) under their own name, made unique with a `_2`, `_3`, ... suffix,
//!   and the reference is pointed at them; anything else (a parameter, a response, a
//!   path item) is copied in place of the reference. References inside the merged
//!   nodes are processed the same way, relative to their own file, so recursion
//!   through files ends.
//! - A chain of bare references that never reaches a definition (`A: {$ref: B}`,
//!   `B: {$ref: A}`) is an error; recursive schemas are fine.
//! - A local reference to a parameter, response, request body, header, example or
//!   path item anywhere but its own section of `components` (`#/paths/~1a/get/
//!   parameters/0`, as bundlers write when they share one definition), a path item
//!   reference, and a component that is only a reference to another are replaced by
//!   a copy of their target, so that later stages only meet references of the
//!   usual form (a copied path item leaves its `operationId`s behind).
//!
//! After normalisation, [`hoist_local_schemas`] gives schemas referenced anywhere
//! but `components/schemas` a component of their own.

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::read::{self, RefSite};
use super::walk::{self, Ctx};
use super::{Format, Source, kind_of};
use crate::diag::{Diagnostic, escape_pointer_token};

/// One `$ref` in a document.
#[derive(Debug, Clone)]
pub(crate) struct Site {
    /// Pointer of the object holding the `$ref`.
    pub holder: String,
    /// The reference as written.
    pub target: String,
    /// Whether the holder is a schema.
    pub in_schema: bool,
}

/// Checks every reference, merges other files' nodes in, and rejects bare cycles.
pub(crate) fn resolve(src: &Source<'_>, doc: &mut Value, swagger2: bool) -> Result<(), Diagnostic> {
    let sites = collect(doc, Ctx::Root, swagger2).map_err(|(p, m, h)| src.diag_at(&p, m, h))?;
    let mut has_external = false;
    for site in &sites {
        if site.target.starts_with('#') {
            check_local(src, doc, site)?;
        } else {
            has_external = true;
        }
    }
    if !has_external {
        check_cycles(src, doc, &sites)?;
        return inline_local(src, doc, swagger2);
    }
    let (replacements, schemas) = {
        let mut ext = External::new(*src, doc, swagger2);
        let mut replacements = Vec::new();
        for site in sites.iter().filter(|s| !s.target.starts_with('#')) {
            let rep = ext.replacement(None, &site.holder, &site.target, site.in_schema)?;
            replacements.push((site.holder.clone(), rep));
        }
        ext.drain_queue()?;
        (replacements, ext.new_schemas)
    };
    for (holder, rep) in replacements.into_iter().rev() {
        apply(doc, &holder, rep);
    }
    if !schemas.is_empty() {
        insert_schemas(doc, schemas, swagger2);
    }
    let sites = collect(doc, Ctx::Root, swagger2).map_err(|(p, m, h)| src.diag_at(&p, m, h))?;
    check_cycles(src, doc, &sites)?;
    inline_local(src, doc, swagger2)
}

/// Rounds of [`inline_local`]: a copy may hold references that need copying too.
const MAX_INLINE_ROUNDS: usize = 8;

/// The most nodes [`inline_local`] copies in all. A copy's own references are
/// copied in the next round, so without a limit a few kilobytes of references to
/// nodes holding references would grow the document exponentially.
const MAX_INLINED_NODES: usize = 1_000_000;

/// Replaces non-schema references that do not name an entry of their
/// `components` section (or 2.0's `parameters` / `responses`) with a copy of
/// their target; see the module docs. Runs after every reference is known to
/// resolve and bare cycles are rejected.
fn inline_local(src: &Source<'_>, doc: &mut Value, swagger2: bool) -> Result<(), Diagnostic> {
    let mut copied = 0usize;
    for round in 0..MAX_INLINE_ROUNDS {
        let Ok(sites) = collect(doc, Ctx::Root, swagger2) else { return Ok(()) };
        let mut copies: Vec<(String, Value)> = Vec::new();
        for site in &sites {
            if site.in_schema || !site.target.starts_with('#') {
                continue;
            }
            let Some(tokens) = fragment_tokens(&site.target[1..]) else { continue };
            // The holder is a JSON pointer, not a URI fragment: a `%` in a path is itself.
            let holder: Vec<String> = pointer_tokens(&site.holder);
            // An example may point at any value; the example is data, not structure.
            if holder.len() >= 2 && holder[holder.len() - 2] == "examples" {
                continue;
            }
            let is_path_item = holder.len() == 2 && holder[0] == "paths";
            let is_component = if swagger2 {
                holder.len() == 2 && matches!(holder[0].as_str(), "parameters" | "responses")
            } else {
                holder.len() == 3 && holder[0] == "components"
            };
            if !(is_path_item || is_component || !is_section_entry(&tokens, swagger2)) {
                continue;
            }
            // A copy of a node that holds the reference holds it again, one level
            // deeper, forever (`$ref: '#'`, or two nodes referring to each other).
            if holder.starts_with(&tokens) {
                // After the first round the holder may sit in a copy; the target
                // is always a place in the file as written.
                let at = if round == 0 { site.holder.clone() } else { tokens_pointer(&tokens) };
                return Err(src.diag_at(
                    &at,
                    format!(
                        "`$ref` `{}` leads back into the node it refers to (directly or through the references in that node), so it cannot be replaced by a copy of that node",
                        site.target
                    ),
                    "a reference to a parameter, response, path item or other object that is not a schema is replaced by a copy of its target, which must not contain the reference itself; point it at the object meant, e.g. `#/components/responses/NotFound`",
                ));
            }
            if let Ok(target) = get(doc, &tokens) {
                copied += node_count(target, MAX_INLINED_NODES - copied + 1);
                if copied > MAX_INLINED_NODES {
                    // Targets are places in the file as written (checked before any copying).
                    return Err(src.diag_at(
                        &tokens_pointer(&tokens),
                        format!(
                            "copying `{}` everywhere it is referenced would add more than {MAX_INLINED_NODES} nodes to the document: it holds references that are copied in turn, and the copies multiply",
                            site.target
                        ),
                        if swagger2 {
                            "make the shared parameter or response an entry of the top-level `parameters` / `responses` and refer to that: such references are kept, not copied"
                        } else {
                            "make the shared parameter, response or path item an entry of `components` (e.g. `#/components/parameters/Limit`) and refer to that: such references are kept, not copied"
                        },
                    ));
                }
                let mut copy = target.clone();
                if is_path_item {
                    // Operations at another path are other operations: their ids
                    // are derived from method and path instead of repeated.
                    if let Value::Object(item) = &mut copy {
                        for op in item.values_mut() {
                            if let Value::Object(op) = op {
                                op.shift_remove("operationId");
                            }
                        }
                    }
                }
                copies.push((site.holder.clone(), copy));
            }
        }
        if copies.is_empty() {
            return Ok(());
        }
        for (holder, value) in copies.into_iter().rev() {
            apply(doc, &holder, Replacement::Node(value));
        }
    }
    Ok(())
}

/// The reference tokens of a JSON pointer (unlike [`fragment_tokens`], no
/// percent-decoding: that belongs to URI fragments).
fn pointer_tokens(pointer: &str) -> Vec<String> {
    pointer.split('/').skip(1).map(|t| t.replace("~1", "/").replace("~0", "~")).collect()
}

/// Number of nodes in `root`, counting stops once past `limit`.
fn node_count(root: &Value, limit: usize) -> usize {
    let mut count = 0;
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        count += 1;
        if count > limit {
            break;
        }
        match node {
            Value::Object(map) => stack.extend(map.values()),
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    count
}

/// Makes a schema that a reference names somewhere other than `components/schemas`
/// (e.g. `#/paths/~1a/get/responses/200/content/application~1json/schema` or
/// `#/components/schemas/Pet/properties/owner`) a component schema of its own and
/// points the reference at it, so that it becomes a type rather than any JSON.
/// Each target is copied once; references inside the copies are handled the same
/// way (recursion included). Runs on the normalised OpenAPI 3.0 document; a target
/// without the shape of a schema (`accept`) is left alone: the reference stays
/// any JSON, as `openapiv3` never reads the place it points to.
pub(crate) fn hoist_local_schemas(doc: &mut Value, accept: impl Fn(&Value) -> bool) {
    const BASE: &str = "#/components/schemas/";
    let mut taken: HashSet<String> = schema_section(doc).map(|m| m.keys().cloned().collect()).unwrap_or_default();
    let mut hoisted: HashMap<Vec<String>, Option<String>> = HashMap::new();
    for _ in 0..MAX_INLINE_ROUNDS {
        let Ok(sites) = collect(doc, Ctx::Root, false) else { return };
        let mut retarget: Vec<(String, String)> = Vec::new();
        let mut new_schemas: Vec<(String, Value)> = Vec::new();
        for site in sites.iter().filter(|s| s.in_schema && s.target.starts_with('#')) {
            let Some(tokens) = fragment_tokens(&site.target[1..]) else { continue };
            if tokens.len() == 3 && tokens[0] == "components" && tokens[1] == "schemas" {
                continue;
            }
            let name = match hoisted.get(&tokens) {
                Some(name) => name.clone(),
                None => {
                    let name = match get(doc, &tokens) {
                        Ok(target) if accept(target) => {
                            let stem = hoisted_name(doc, &tokens);
                            let mut name = stem.clone();
                            let mut n = 2;
                            while !taken.insert(name.clone()) {
                                name = format!("{stem}_{n}");
                                n += 1;
                            }
                            new_schemas.push((name.clone(), target.clone()));
                            Some(name)
                        }
                        _ => None,
                    };
                    hoisted.insert(tokens, name.clone());
                    name
                }
            };
            if let Some(name) = name {
                retarget.push((site.holder.clone(), format!("{BASE}{}", escape_pointer_token(&name))));
            }
        }
        if retarget.is_empty() {
            return;
        }
        for (holder, reference) in retarget {
            apply(doc, &holder, Replacement::Ref(reference));
        }
        if !new_schemas.is_empty() {
            insert_schemas(doc, new_schemas, false);
        }
    }
}

fn schema_section(doc: &Value) -> Option<&serde_json::Map<String, Value>> {
    doc.get("components")?.get("schemas")?.as_object()
}

/// A name for a hoisted schema: the property it describes, else the operation
/// and the part of it, else the component it sits in.
fn hoisted_name(doc: &Value, tokens: &[String]) -> String {
    if let Some(i) = tokens.iter().rposition(|t| t == "properties") {
        if let Some(property) = tokens.get(i + 1) {
            return property.clone();
        }
    }
    if tokens.len() >= 3 && tokens[0] == "paths" {
        let op = doc.get("paths").and_then(|p| p.get(&tokens[1])).and_then(|i| i.get(&tokens[2]));
        let id = op.and_then(|o| o.get("operationId")).and_then(Value::as_str).map_or_else(
            || {
                let words: Vec<&str> = tokens[1].split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
                format!("{}_{}", tokens[2], words.join("_"))
            },
            str::to_string,
        );
        let part = if tokens.iter().any(|t| t == "responses") {
            "response"
        } else if tokens.iter().any(|t| t == "requestBody") {
            "request"
        } else {
            "parameter"
        };
        return format!("{id}_{part}");
    }
    let last = tokens.iter().rev().find(|t| !t.is_empty() && !t.bytes().all(|b| b.is_ascii_digit()));
    match (tokens.get(2), last) {
        (Some(component), Some(last)) if tokens.len() > 3 => format!("{component}_{last}"),
        (_, Some(last)) => last.clone(),
        _ => "Schema".to_string(),
    }
}

/// `#/components/<section>/<name>` (3.x) or `#/<section>/<name>` (2.0).
fn is_section_entry(tokens: &[String], swagger2: bool) -> bool {
    if swagger2 {
        tokens.len() == 2 && matches!(tokens[0].as_str(), "parameters" | "responses" | "definitions")
    } else {
        tokens.len() == 3 && tokens[0] == "components"
    }
}

#[derive(Clone, Copy)]
enum Tok<'a> {
    Key(&'a str),
    Index(usize),
}

fn pointer_of(path: &[Tok<'_>]) -> String {
    let mut out = String::new();
    for tok in path {
        out.push('/');
        match tok {
            Tok::Key(k) => out.push_str(&escape_pointer_token(k)),
            Tok::Index(i) => out.push_str(&i.to_string()),
        }
    }
    out
}

/// All `$ref`s under `root` (whose role is `ctx`), in document order, with holder
/// pointers relative to `root`. A non-string `$ref` is an error (pointer, message, hint).
pub(crate) fn collect(root: &Value, ctx: Ctx, swagger2: bool) -> Result<Vec<Site>, (String, String, String)> {
    let mut sites = Vec::new();
    let mut path: Vec<Tok<'_>> = Vec::new();
    let mut stack: Vec<(&Value, Ctx, usize, Option<Tok<'_>>)> = vec![(root, ctx, 0, None)];
    while let Some((node, ctx, depth, tok)) = stack.pop() {
        path.truncate(depth.saturating_sub(1));
        if let Some(tok) = tok {
            path.push(tok);
        }
        match node {
            Value::Object(map) => {
                if matches!(ctx, Ctx::Object | Ctx::Schema) {
                    match map.get("$ref") {
                        Some(Value::String(target)) => {
                            sites.push(Site { holder: pointer_of(&path), target: target.clone(), in_schema: walk::is_schema(ctx) })
                        }
                        Some(other) => {
                            return Err((
                                format!("{}/$ref", pointer_of(&path)),
                                format!("`$ref` must be a string, found {}", kind_of(other)),
                                "write the reference as a string, e.g. `$ref: '#/components/schemas/Pet'`".into(),
                            ));
                        }
                        None => {}
                    }
                }
                for (key, value) in map.iter().rev() {
                    if !(value.is_object() || value.is_array()) {
                        continue;
                    }
                    if let Some(c) = walk::child(ctx, key, value, swagger2) {
                        stack.push((value, c, depth + 1, Some(Tok::Key(key))));
                    }
                }
            }
            Value::Array(items) => {
                let c = walk::element(ctx);
                for (i, value) in items.iter().enumerate().rev() {
                    if value.is_object() || value.is_array() {
                        stack.push((value, c, depth + 1, Some(Tok::Index(i))));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(sites)
}

/// Decodes `%XX` escapes (URI fragments and file names in references).
fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_string());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The reference tokens of a URI fragment (without `#`); `None` if it is not a JSON
/// pointer.
pub(crate) fn fragment_tokens(fragment: &str) -> Option<Vec<String>> {
    let decoded = percent_decode(fragment)?;
    if decoded.is_empty() {
        return Some(Vec::new());
    }
    let rest = decoded.strip_prefix('/')?;
    Some(rest.split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect())
}

/// Follows `tokens` from `root`; on failure, how many tokens matched.
pub(crate) fn get<'a>(root: &'a Value, tokens: &[String]) -> Result<&'a Value, usize> {
    let mut node = root;
    for (depth, tok) in tokens.iter().enumerate() {
        let next = match node {
            Value::Object(map) => map.get(tok.as_str()),
            Value::Array(items) => tok.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        node = next.ok_or(depth)?;
    }
    Ok(node)
}

fn tokens_pointer(tokens: &[String]) -> String {
    crate::diag::pointer(tokens)
}

/// A local reference must be a JSON pointer to an existing node.
fn check_local(src: &Source<'_>, doc: &Value, site: &Site) -> Result<(), Diagnostic> {
    let fragment = &site.target[1..];
    let Some(tokens) = fragment_tokens(fragment) else {
        return Err(src.diag_at(
            &site.holder,
            format!("`$ref` `{}` is not a JSON pointer", site.target),
            "write local references as JSON pointers, e.g. `#/components/schemas/Pet` (anchors like `#name` are not supported)",
        ));
    };
    match get(doc, &tokens) {
        Ok(_) => Ok(()),
        Err(depth) => Err(missing_target(src, &site.holder, &site.target, doc, &tokens, depth, None)),
    }
}

/// "`$ref` target does not exist", with a did-you-mean when a sibling name is close.
fn missing_target(
    src: &Source<'_>,
    holder: &str,
    reference: &str,
    doc: &Value,
    tokens: &[String],
    depth: usize,
    file: Option<&Path>,
) -> Diagnostic {
    let missing = tokens.get(depth).map(String::as_str).unwrap_or_default();
    let parent_tokens = &tokens[..depth.min(tokens.len())];
    let parent_pointer = tokens_pointer(parent_tokens);
    let suggestion = get(doc, parent_tokens).ok().and_then(|parent| match parent {
        Value::Object(map) => closest(missing, map.keys().map(String::as_str)),
        _ => None,
    });
    let in_file = file.map(|f| format!(" in `{}`", f.display())).unwrap_or_default();
    let mut message = format!(
        "`$ref` target `{reference}` does not exist{in_file}: there is no `{missing}` under `{}`",
        if parent_pointer.is_empty() { "/" } else { &parent_pointer }
    );
    if let Some(s) = &suggestion {
        message.push_str(&format!(" (did you mean `{s}`?)"));
    }
    let hint = match suggestion {
        Some(s) => format!("fix the spelling of the reference (`{s}` exists), or define `{missing}` under `{parent_pointer}`"),
        None => format!(
            "define `{missing}` under `{}`, or fix the spelling of the reference",
            if parent_pointer.is_empty() { "/" } else { &parent_pointer }
        ),
    };
    src.diag_at(holder, message, hint)
}

/// The candidate closest to `name` (case-insensitive match or a small edit distance).
fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    let limit = (name.chars().count() / 4).clamp(1, 3);
    let mut best: Option<(usize, &str)> = None;
    for cand in candidates {
        let d = if cand.eq_ignore_ascii_case(name) { 0 } else { edit_distance(name, cand) };
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, cand));
        }
    }
    best.map(|(_, c)| c.to_string())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > 3 {
        return usize::MAX;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Rejects chains of bare references that never reach a definition.
fn check_cycles(src: &Source<'_>, doc: &Value, sites: &[Site]) -> Result<(), Diagnostic> {
    let mut ends: HashSet<String> = HashSet::new();
    for site in sites {
        if !site.target.starts_with('#') {
            continue;
        }
        // The holder itself starts the chain, so that a cycle is reported from the
        // first of its members in the document.
        let holder = format!("#{}", site.holder);
        let mut chain: Vec<String> = vec![holder.clone()];
        let mut in_chain: HashSet<String> = HashSet::from([holder]);
        let mut cur: &str = &site.target;
        loop {
            if ends.contains(cur) {
                break;
            }
            if !in_chain.insert(cur.to_string()) {
                let start = chain.iter().position(|c| c == cur).unwrap_or(0);
                let mut shown: Vec<&str> = chain[start..].iter().map(String::as_str).collect();
                shown.push(cur);
                let pointer = fragment_tokens(&cur[1..]).map(|t| tokens_pointer(&t)).unwrap_or_default();
                return Err(src.diag_at(
                    &pointer,
                    format!("`$ref` cycle that never reaches a definition: {}", shown.join(" → ")),
                    "replace one of these references with an actual schema or object; a reference must eventually lead to a definition (recursion through properties or items is fine)",
                ));
            }
            chain.push(cur.to_string());
            let next = fragment_tokens(&cur[1..]).and_then(|t| get(doc, &t).ok()).and_then(|node| node.get("$ref")).and_then(Value::as_str);
            match next {
                Some(next) if next.starts_with('#') => cur = next,
                _ => break,
            }
        }
        ends.extend(chain);
    }
    Ok(())
}

/// What replaces a reference to another file.
#[derive(Debug)]
enum Replacement {
    /// Point the `$ref` here instead.
    Ref(String),
    /// Put this node in place of the reference object.
    Node(Value),
}

fn apply(root: &mut Value, holder: &str, rep: Replacement) {
    let Some(node) = root.pointer_mut(holder) else { return };
    match rep {
        Replacement::Ref(r) => {
            if let Value::Object(map) = node {
                map.insert("$ref".into(), Value::String(r));
            }
        }
        Replacement::Node(value) => *node = value,
    }
}

fn insert_schemas(doc: &mut Value, schemas: Vec<(String, Value)>, swagger2: bool) {
    let Value::Object(root) = doc else { return };
    let target = if swagger2 {
        root.entry("definitions").or_insert_with(|| Value::Object(Default::default()))
    } else {
        let components = root.entry("components").or_insert_with(|| Value::Object(Default::default()));
        let Value::Object(components) = components else { return };
        components.entry("schemas").or_insert_with(|| Value::Object(Default::default()))
    };
    if let Value::Object(map) = target {
        for (name, schema) in schemas {
            map.insert(name, schema);
        }
    }
}

/// An external file: `None` is the main document.
type FileId = Option<usize>;

struct ExtFile {
    path: PathBuf,
    dir: PathBuf,
    text: String,
    format: Format,
    doc: Value,
}

/// Loads other files and merges their nodes into the main document.
struct External<'a> {
    main: Source<'a>,
    main_doc: &'a Value,
    main_dir: PathBuf,
    main_canon: Option<PathBuf>,
    swagger2: bool,
    files: Vec<ExtFile>,
    by_canon: HashMap<PathBuf, usize>,
    hoisted: HashMap<(usize, String), String>,
    queue: VecDeque<(usize, String, String)>,
    new_schemas: Vec<(String, Value)>,
    taken: HashSet<String>,
    inline_stack: Vec<(usize, String)>,
    /// Nodes copied out of other files so far (bounded like [`inline_local`]).
    inlined_nodes: usize,
}

const MAX_INLINE_DEPTH: usize = 64;

impl<'a> External<'a> {
    fn new(main: Source<'a>, main_doc: &'a Value, swagger2: bool) -> Self {
        let main_dir = main.path.parent().map(Path::to_path_buf).unwrap_or_default();
        let main_canon = std::fs::canonicalize(main.path).ok();
        let existing = if swagger2 { main_doc.get("definitions") } else { main_doc.get("components").and_then(|c| c.get("schemas")) };
        let taken = existing.and_then(Value::as_object).map(|m| m.keys().cloned().collect()).unwrap_or_default();
        External {
            main,
            main_doc,
            main_dir,
            main_canon,
            swagger2,
            files: Vec::new(),
            by_canon: HashMap::new(),
            hoisted: HashMap::new(),
            queue: VecDeque::new(),
            new_schemas: Vec::new(),
            taken,
            inline_stack: Vec::new(),
            inlined_nodes: 0,
        }
    }

    fn source(&self, file: FileId) -> Source<'_> {
        match file {
            None => self.main,
            Some(i) => {
                let f = &self.files[i];
                Source { path: &f.path, text: &f.text, format: f.format }
            }
        }
    }

    fn doc(&self, file: FileId) -> &Value {
        match file {
            None => self.main_doc,
            Some(i) => &self.files[i].doc,
        }
    }

    /// Loads (or finds in the cache) the file a reference names.
    fn target(&mut self, from: FileId, holder: &str, reference: &str) -> Result<(FileId, String), Diagnostic> {
        let (file_part, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if file_part.is_empty() {
            return Ok((from, fragment.to_string()));
        }
        if file_part.contains("://") || file_part.starts_with("//") {
            return Err(self.source(from).diag_at(
                holder,
                format!("`$ref` `{reference}` points to a remote document, which sdkgen does not fetch"),
                "download the referenced file next to the spec and refer to it by a relative path, e.g. `$ref: 'common.yaml#/components/schemas/Error'`",
            ));
        }
        let Some(name) = percent_decode(file_part) else {
            return Err(self.source(from).diag_at(
                holder,
                format!("`$ref` `{reference}` has an invalid percent-escape in its file name"),
                "write the file name as a plain relative path",
            ));
        };
        let dir = match from {
            None => self.main_dir.clone(),
            Some(i) => self.files[i].dir.clone(),
        };
        let path = dir.join(&name);
        let canon = std::fs::canonicalize(&path).ok();
        if let Some(canon) = &canon {
            if self.main_canon.as_ref() == Some(canon) {
                return Ok((None, fragment.to_string()));
            }
            if let Some(&i) = self.by_canon.get(canon) {
                return Ok((Some(i), fragment.to_string()));
            }
        }
        let text = {
            let site = RefSite { src: self.source(from), pointer: holder, reference };
            read::read_file(&path, &path, Some(site))?
        };
        let text = read::strip_bom(&text).to_string();
        let format = read::detect_format(&path, &text);
        let doc = read::parse(&Source { path: &path, text: &text, format })?;
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let index = self.files.len();
        self.files.push(ExtFile { path, dir, text, format, doc });
        if let Some(canon) = canon {
            self.by_canon.insert(canon, index);
        }
        Ok((Some(index), fragment.to_string()))
    }

    /// What to put in place of a reference that names another file (or, from inside
    /// another file, any reference).
    fn replacement(&mut self, from: FileId, holder: &str, reference: &str, in_schema: bool) -> Result<Replacement, Diagnostic> {
        let (file, fragment) = self.target(from, holder, reference)?;
        let Some(tokens) = fragment_tokens(&fragment) else {
            return Err(self.source(from).diag_at(
                holder,
                format!("`$ref` `{reference}` does not end in a JSON pointer"),
                "write the part after `#` as a JSON pointer, e.g. `other.yaml#/components/schemas/Pet`",
            ));
        };
        if let Err(depth) = get(self.doc(file), &tokens) {
            let shown = file.map(|i| self.files[i].path.clone());
            return Err(missing_target(&self.source(from), holder, reference, self.doc(file), &tokens, depth, shown.as_deref()));
        }
        let Some(index) = file else {
            return Ok(Replacement::Ref(format!("#{fragment}")));
        };
        if in_schema || looks_like_schema(&fragment) {
            Ok(Replacement::Ref(self.hoist(index, &fragment, &tokens)))
        } else {
            self.inline(index, &fragment, &tokens, from, holder).map(Replacement::Node)
        }
    }

    /// Registers a schema of another file for `components/schemas`; returns the
    /// local reference to it.
    fn hoist(&mut self, file: usize, fragment: &str, tokens: &[String]) -> String {
        let key = (file, fragment.to_string());
        let name = match self.hoisted.get(&key) {
            Some(name) => name.clone(),
            None => {
                let base = tokens
                    .iter()
                    .rev()
                    .find(|t| !t.is_empty())
                    .cloned()
                    .or_else(|| self.files[file].path.file_stem().and_then(|s| s.to_str()).map(str::to_string))
                    .unwrap_or_else(|| "Schema".to_string());
                let mut name = base.clone();
                let mut n = 2;
                while self.taken.contains(&name) {
                    name = format!("{base}_{n}");
                    n += 1;
                }
                self.taken.insert(name.clone());
                self.hoisted.insert(key, name.clone());
                self.queue.push_back((file, fragment.to_string(), name.clone()));
                name
            }
        };
        let base = if self.swagger2 { "#/definitions/" } else { "#/components/schemas/" };
        format!("{base}{}", escape_pointer_token(&name))
    }

    /// Copies a non-schema node of another file, with its references processed.
    fn inline(&mut self, file: usize, fragment: &str, tokens: &[String], from: FileId, holder: &str) -> Result<Value, Diagnostic> {
        let key = (file, fragment.to_string());
        if self.inline_stack.contains(&key) || self.inline_stack.len() >= MAX_INLINE_DEPTH {
            return Err(self.source(from).diag_at(
                holder,
                format!(
                    "`$ref`s to other files nest {} (through `{}#{}`)",
                    if self.inline_stack.contains(&key) { "in a cycle" } else { "too deeply" },
                    self.files[file].path.display(),
                    fragment
                ),
                "only schemas may refer to themselves; make the referenced parameter, response or path item a plain object",
            ));
        }
        let mut value = get(&self.files[file].doc, tokens).cloned().unwrap_or(Value::Null);
        // Copies hold references that are copied in turn: without a budget, a few
        // kilobytes of lists of references multiply without bound.
        self.inlined_nodes += node_count(&value, MAX_INLINED_NODES - self.inlined_nodes.min(MAX_INLINED_NODES) + 1);
        if self.inlined_nodes > MAX_INLINED_NODES {
            return Err(self.source(from).diag_at(
                holder,
                format!(
                    "copying `{}#{}` everywhere it is referenced would add more than {MAX_INLINED_NODES} nodes to the document: it holds references that are copied in turn, and the copies multiply",
                    self.files[file].path.display(),
                    fragment
                ),
                "make the shared parameter, response or path item an entry of `components` and refer to that: such references are kept, not copied",
            ));
        }
        self.inline_stack.push(key);
        let result = self.rewrite_inner(file, tokens, &mut value, Ctx::Object);
        self.inline_stack.pop();
        result.map(|()| value)
    }

    /// Processes the references inside a node copied out of `file`.
    fn rewrite_inner(&mut self, file: usize, base: &[String], value: &mut Value, ctx: Ctx) -> Result<(), Diagnostic> {
        let base_pointer = tokens_pointer(base);
        let sites =
            collect(value, ctx, self.swagger2).map_err(|(p, m, h)| self.source(Some(file)).diag_at(&format!("{base_pointer}{p}"), m, h))?;
        let mut reps = Vec::with_capacity(sites.len());
        for site in &sites {
            let holder = format!("{base_pointer}{}", site.holder);
            let rep = self.replacement(Some(file), &holder, &site.target, site.in_schema)?;
            reps.push((site.holder.clone(), rep));
        }
        for (holder, rep) in reps.into_iter().rev() {
            apply(value, &holder, rep);
        }
        Ok(())
    }

    /// Copies every registered schema (which may register more).
    fn drain_queue(&mut self) -> Result<(), Diagnostic> {
        while let Some((file, fragment, name)) = self.queue.pop_front() {
            let tokens = fragment_tokens(&fragment).unwrap_or_default();
            let mut value = get(&self.files[file].doc, &tokens).cloned().unwrap_or(Value::Null);
            self.rewrite_inner(file, &tokens, &mut value, Ctx::Schema)?;
            self.new_schemas.push((name, value));
        }
        Ok(())
    }
}

/// Fragments that name schemas in the usual places.
fn looks_like_schema(fragment: &str) -> bool {
    fragment.starts_with("/definitions/")
        || fragment.contains("/schemas/")
        || fragment.contains("/$defs/")
        || fragment.contains("/properties/")
}
