//! `sdkgen generate` / `sdkgen check` / `sdkgen init` / `sdkgen templates`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use sdkgen::settings::{self, SdkJob};

// Rendering makes millions of small allocations; mimalloc is markedly faster at
// that than the system allocator (measured: see README, Performance).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use sdkgen::workflow;

/// Generates idiomatic Rust client crates from API descriptions: OpenAPI 3.0
/// and 3.1, and Swagger 2.0.
#[derive(Parser)]
#[command(
    name = "sdkgen",
    version,
    after_help = "Settings (specs/<sdk>/sdkgen.toml): spec, overlays, templates, untagged, default_tag, \
                  [crate] (name, version, description, client, license, runtime), [docs], [pagination], \
                  [auth] and [auth.schemes.<name>], [responses], [operations.<id>], [app].\n\
                  Start a new SDK with `sdkgen init --spec FILE`: it writes specs/<name>/sdkgen.toml listing \
                  every setting. The settings reference is in README.md (Settings)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate SDKs (by default every `specs/<sdk>/` into `generated/<sdk>/`).
    Generate(Target),
    /// Check that the generated SDKs match what the generator would write.
    /// Exit 0 when they do, 1 with a diff when they drift, 2 on bad input.
    Check(Target),
    /// Compare two descriptions of an API: what changed, what it means on the
    /// wire and for the generated crate, and the crate's next version.
    /// Exit 0, 1 when --fail-on is reached, 2 on bad input.
    Diff(DiffArgs),
    /// Start a new SDK: write specs/<name>/sdkgen.toml (what the description
    /// holds, and every setting commented out) and copy the description beside it.
    Init(InitArgs),
    /// List the built-in templates, or export them to start overrides from.
    Templates(TemplatesArgs),
}

#[derive(Args)]
struct DiffArgs {
    /// The old side: a description file, a generated crate's folder (the
    /// description it was generated from, kept in `.sdkgen/description.json`)
    /// or an SDK's settings folder (`specs/<sdk>/`).
    old: PathBuf,
    /// The new side, named the same ways (`specs/<sdk>/` applies its overlays
    /// and settings to both sides).
    new: PathBuf,
    /// Settings applied to both (overlays, credential parameters, crate version).
    #[arg(long)]
    settings: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: sdkgen::diff::Format,
    /// Exit 1 when the crate's version bump is this or larger (for 0.x crates a
    /// breaking change is a minor bump).
    #[arg(long, value_enum)]
    fail_on: Option<sdkgen::diff::Verdict>,
    /// The crate's current version (default: the settings' `[crate] version`, else 0.1.0).
    #[arg(long)]
    version: Option<String>,
}

fn diff(args: &DiffArgs) -> ExitCode {
    let result = (|| {
        // The new side first: an SDK folder there names the settings both use.
        let (new, settings, settings_path) = sdkgen::diff::load_side(&args.new, args.settings.as_deref())?;
        let (old, _, _) = sdkgen::diff::load_side(&args.old, settings_path.as_deref())?;
        let log = sdkgen::diff::compare(&old, &new, &settings);
        let version = sdkgen::diff::current_version(args.version.as_deref(), &settings, settings_path.as_deref())?;
        Ok::<_, sdkgen::Diagnostic>((log, version))
    })();
    match result {
        Ok((log, version)) => {
            print!("{}", log.render(args.format, &version));
            let failed = args.fail_on.is_some_and(|level| log.verdict(&version) >= level);
            if failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
        }
        Err(d) => {
            eprintln!("{d}");
            ExitCode::from(2)
        }
    }
}

#[derive(Args)]
struct InitArgs {
    /// The API description (OpenAPI 3.0/3.1 or Swagger 2.0, JSON or YAML).
    #[arg(long)]
    spec: PathBuf,
    /// The SDK's name: its folder under specs/ and generated/ (default: the
    /// description's title as a cargo package name).
    #[arg(long)]
    name: Option<String>,
    /// Repository root holding `specs/` (default: found from the current
    /// folder upwards, else the current folder).
    #[arg(long)]
    root: Option<PathBuf>,
}

#[derive(Args)]
#[command(group(clap::ArgGroup::new("action").required(true).args(["list", "export"])))]
struct TemplatesArgs {
    /// Print each template's name and what it renders.
    #[arg(long)]
    list: bool,
    /// Write every built-in template as DIR/<name>.tera (creating DIR).
    #[arg(long, value_name = "DIR")]
    export: Option<PathBuf>,
    /// With --export: replace files that exist already.
    #[arg(long, requires = "export")]
    force: bool,
}

#[derive(Args)]
struct Target {
    /// A single API description to generate from (needs --out).
    #[arg(long, requires = "out")]
    spec: Option<PathBuf>,
    /// Output folder for --spec.
    #[arg(long, requires = "spec")]
    out: Option<PathBuf>,
    /// Settings file for --spec (see README.md).
    #[arg(long, requires = "spec")]
    settings: Option<PathBuf>,
    /// Repository root holding `specs/` and `generated/` (default: found from the
    /// current folder upwards).
    #[arg(long)]
    root: Option<PathBuf>,
    /// Write into an output folder sdkgen does not own (one without its
    /// manifest `.sdkgen/FILES`): files it generates are overwritten, nothing
    /// is deleted.
    #[arg(long)]
    force: bool,
    /// How the generated crates reach the runtime crate `sdkgen-runtime`:
    /// `vendor` (a copy in the output folder's vendor/, so the SDK builds
    /// offline anywhere), `registry` (by version only) or a path to a checkout
    /// of it. Default: the settings' `runtime`, else the repository's
    /// `runtime/` when there is one, else `vendor`.
    #[arg(long, value_name = "vendor|registry|PATH")]
    runtime: Option<String>,
    /// A folder of `<name>.tera` files replacing built-in templates (see
    /// `sdkgen templates`). Wins over the settings' `templates`.
    #[arg(long, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// (generate) When the API changed since the crate was generated, set the
    /// crate's version to what the change calls for (cargo's semver rules)
    /// and add the change to CHANGELOG.md beside the settings.
    #[arg(long)]
    bump: bool,
}

fn jobs(target: &Target) -> Result<(Vec<SdkJob>, PathBuf), sdkgen::Diagnostic> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let root = target.root.clone().unwrap_or_else(|| workflow::find_repo_root(&cwd));
    let mut jobs = match (&target.spec, &target.out) {
        (Some(spec), Some(out)) => vec![settings::single(spec, out, target.settings.as_deref())?],
        _ => settings::discover(&root.join("specs"), &root.join("generated"))?,
    };
    if let Some(runtime) = &target.runtime {
        for job in &mut jobs {
            job.runtime = sdkgen::runtime::Runtime::parse(runtime, &cwd, &job.out_dir);
        }
    }
    if let Some(dir) = &target.templates {
        // Absolute, so that resolving it against the settings file's folder
        // leaves it as given.
        for job in &mut jobs {
            job.settings.templates = Some(cwd.join(dir));
        }
    }
    Ok((jobs, root))
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    let (target, mode) = match &cli.command {
        Command::Generate(t) => (t, workflow::Mode::Write { force: t.force }),
        Command::Check(t) => (t, workflow::Mode::Check),
        Command::Diff(args) => return diff(args),
        Command::Init(args) => return init(args),
        Command::Templates(args) => return templates(args),
    };
    let write = mode != workflow::Mode::Check;
    if target.bump && !write {
        eprintln!("error: --bump changes versions; use it with `sdkgen generate`");
        return ExitCode::from(2);
    }
    let mut bumps = Vec::new();
    let mut api_changes = Vec::new();
    let result = jobs(target).map_err(workflow::Failure::from).and_then(|(mut jobs, root)| {
        if target.bump {
            for job in &mut jobs {
                if let Some(bump) = sdkgen::bump::prepare(job)? {
                    bumps.push(bump);
                }
            }
        }
        let outcomes = workflow::run(&jobs, &root, mode)?;
        // Only a crate whose recorded description drifted can have an API
        // change to tell: the others need no second load of their description.
        for (job, outcome) in jobs.iter().zip(&outcomes) {
            let recorded = std::path::Path::new(sdkgen::output::DESCRIPTION);
            if !write && outcome.drift.changed.iter().any(|p| p == recorded) {
                if let Some(change) = sdkgen::bump::api_change(job)? {
                    api_changes.push((job.name.clone(), change));
                }
            }
        }
        Ok(outcomes)
    });
    let outcomes = match result {
        Ok(o) => o,
        Err(failure) => {
            eprintln!("{failure}");
            return ExitCode::from(2);
        }
    };
    // The crate is written: now its version and changelog beside the settings.
    for bump in &bumps {
        if let Err(d) = bump.write() {
            eprintln!("{d}");
            return ExitCode::from(2);
        }
        println!("{}: version {} → {} ({} updated)", bump.name, bump.from, bump.to, bump.changelog.0.display());
    }
    let mut drifted = false;
    for (name, change) in &api_changes {
        println!("{name}: {}", change.summary());
    }
    for o in &outcomes {
        let d = &o.drift;
        if write {
            if d.is_empty() {
                println!("{}: {} files, up to date ({})", o.name, o.files, o.out_dir.display());
            } else {
                println!(
                    "{}: {} files, {} written, {} removed ({})",
                    o.name,
                    o.files,
                    d.added.len() + d.changed.len(),
                    d.removed.len(),
                    o.out_dir.display()
                );
                if !d.unowned.is_empty() {
                    println!("  overwrote {} files sdkgen had not written before (--force); it owns them now", d.unowned.len());
                }
            }
        } else if d.is_empty() {
            println!("{}: up to date ({} files)", o.name, o.files);
        } else {
            drifted = true;
            print!("{}", o.report);
            println!(
                "{}: {} changed, {} missing, {} stale in {}",
                o.name,
                d.changed.len(),
                d.added.len(),
                d.removed.len(),
                o.out_dir.display()
            );
        }
    }
    if drifted {
        let mut fix = outcomes.iter().find(|o| !o.drift.is_empty()).map_or(String::new(), |o| o.regenerate.clone());
        if let Some(dir) = &target.templates {
            fix.push_str(&format!(" --templates {}", dir.display()));
        }
        println!("generated code drifted from the generator; to fix it run:\n    {fix}");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}

fn init(args: &InitArgs) -> ExitCode {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let root = args.root.clone().unwrap_or_else(|| workflow::find_repo_root(&cwd));
    match sdkgen::init::init(&args.spec, args.name.as_deref(), &root) {
        Ok(done) => {
            for warning in &done.warnings {
                eprintln!("warning: {warning}");
            }
            if done.copied {
                println!("copied {} to {}", args.spec.display(), done.spec_path.display());
            }
            println!("wrote {}", done.settings_path.display());
            println!("next: edit it, then run `sdkgen generate --root {}` to write generated/{}/", root.display(), done.name);
            ExitCode::SUCCESS
        }
        Err(d) => {
            eprintln!("{d}");
            ExitCode::from(2)
        }
    }
}

fn templates(args: &TemplatesArgs) -> ExitCode {
    if let Some(dir) = &args.export {
        return match sdkgen::render::export(dir, args.force) {
            Ok(written) => {
                println!("wrote {} templates to {}", written.len(), dir.display());
                println!(
                    "keep the ones you change, delete the rest, and name the folder in sdkgen.toml (`templates = \"...\"`) or with --templates"
                );
                ExitCode::SUCCESS
            }
            Err(d) => {
                eprintln!("{d}");
                ExitCode::from(2)
            }
        };
    }
    let builtins = sdkgen::render::builtins();
    let width = builtins.iter().map(|b| b.name.len()).max().unwrap_or(0);
    for b in builtins {
        println!("{:<width$}  {}", b.name, b.description);
    }
    ExitCode::SUCCESS
}
