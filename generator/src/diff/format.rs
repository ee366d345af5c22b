//! A changelog as a release note (text), a CHANGELOG entry (Markdown) or data
//! (JSON).

use std::fmt::Write as _;

use serde::Serialize;

use super::{Changelog, Entry, Impact, Level, Location, Section, Verdict};

/// Output formats of [`Changelog::render`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A release note for the terminal.
    Text,
    /// A CHANGELOG entry.
    Markdown,
    /// The changelog as JSON.
    Json,
}

pub(super) fn render(log: &Changelog, format: Format, current: &str) -> String {
    match format {
        Format::Text => text(log, current),
        Format::Markdown => markdown(log, current),
        Format::Json => json(log, current),
    }
}

fn summary(log: &Changelog, current: &str) -> String {
    let breaking = log.count(Level::Breaking);
    let additions = log.entries.iter().filter(|e| e.level != Level::Breaking && e.section() == Section::Added).count();
    let other = log.entries.len() - breaking - additions;
    if log.entries.is_empty() {
        return format!("sdkgen diff: no changes (the crate stays {current})");
    }
    let why = match log.level() {
        Some(Level::Breaking) => "breaking",
        Some(Level::NonBreaking) => "compatible changes",
        _ => "no API change",
    };
    let next = log.next_version(current).unwrap_or_else(|| "?".into());
    format!("sdkgen diff: {breaking} breaking, {additions} additions, {other} other (the crate goes {current} → {next}: {why})")
}

/// Where an entry is, as the start of its line.
fn place(e: &Entry) -> String {
    match &e.location {
        Location::Operation { id, method, path } => format!("`{id}` ({method} {path})"),
        Location::Schema { name, .. } => format!("`{name}`"),
        Location::SecurityScheme { name } => format!("`{name}`"),
    }
}

fn tail(e: &Entry) -> String {
    let mut s = format!(" [{}]", e.check);
    if let Impact::Breaking(reason) = &e.rust {
        let _ = write!(s, " — Rust: {reason}");
    }
    if let Impact::Breaking(reason) = &e.wire {
        let _ = write!(s, " — wire: breaking ({reason})");
    }
    s
}

fn marker(e: &Entry) -> &'static str {
    match e.section() {
        Section::Breaking => "BREAKING",
        Section::Added => "added",
        Section::Deprecated => "deprecated",
        Section::Changed if e.level == Level::Info => "info",
        Section::Changed => "changed",
    }
}

fn group(e: &Entry) -> u8 {
    match e.location {
        Location::Operation { .. } => 0,
        Location::Schema { .. } => 1,
        Location::SecurityScheme { .. } => 2,
    }
}

fn text(log: &Changelog, current: &str) -> String {
    let mut out = summary(log, current);
    out.push('\n');
    if log.old_api_version != log.new_api_version {
        let _ = writeln!(out, "API version {} → {}", log.old_api_version, log.new_api_version);
    }
    for (g, title) in [(0, "Operations"), (1, "Schemas"), (2, "Security schemes")] {
        let entries: Vec<&Entry> = log.entries.iter().filter(|e| group(e) == g).collect();
        if entries.is_empty() {
            continue;
        }
        let _ = writeln!(out, "## {title}");
        for e in entries {
            let _ = writeln!(out, "- {} {}: {}{}", marker(e), place(e), e.message, tail(e));
        }
    }
    out
}

fn markdown(log: &Changelog, current: &str) -> String {
    let version = log.next_version(current).unwrap_or_else(|| current.to_string());
    let mut out = format!("## {version}\n\n");
    if log.old_api_version != log.new_api_version {
        let _ = writeln!(out, "API version {} → {}.\n", log.old_api_version, log.new_api_version);
    }
    if log.entries.is_empty() {
        out.push_str("No changes.\n");
        return out;
    }
    for (section, title) in [
        (Section::Breaking, "Breaking changes"),
        (Section::Added, "Added"),
        (Section::Changed, "Changed"),
        (Section::Deprecated, "Deprecated"),
    ] {
        let mut entries: Vec<&Entry> = log.entries.iter().filter(|e| e.section() == section).collect();
        if entries.is_empty() {
            continue;
        }
        entries.sort_by_key(|e| group(e));
        let _ = writeln!(out, "### {title}\n");
        for e in entries {
            let _ = writeln!(out, "- {}: {}{}", place(e), e.message, tail(e));
        }
        out.push('\n');
    }
    out
}

#[derive(Serialize)]
struct Json<'a> {
    current_version: &'a str,
    next_version: Option<String>,
    verdict: Verdict,
    old_api_version: &'a str,
    new_api_version: &'a str,
    breaking: usize,
    non_breaking: usize,
    info: usize,
    entries: &'a [Entry],
}

fn json(log: &Changelog, current: &str) -> String {
    let doc = Json {
        current_version: current,
        next_version: log.next_version(current),
        verdict: log.verdict(current),
        old_api_version: &log.old_api_version,
        new_api_version: &log.new_api_version,
        breaking: log.count(Level::Breaking),
        non_breaking: log.count(Level::NonBreaking),
        info: log.count(Level::Info),
        entries: &log.entries,
    };
    // Plain data with string keys: serialising cannot fail.
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
