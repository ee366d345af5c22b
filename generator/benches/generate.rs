//! `cargo bench -p sdkgen`: how long regenerating every SDK under `specs/` takes
//! and how much memory it needs, run through the real `sdkgen` binary.
//!
//! Prints, per run of `sdkgen check` (render everything, compare with disk, write
//! nothing) and `sdkgen generate` (nothing to write when up to date): median and
//! minimum wall time over several runs, and the peak resident memory the kernel
//! reports for the child (`/usr/bin/time`, when installed). Machines are noisy:
//! compare figures from one run, not across runs.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

const RUNS: usize = 15;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf();
    let bin = env!("CARGO_BIN_EXE_sdkgen");
    for command in ["check", "generate"] {
        let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let start = Instant::now();
            let status = Command::new(bin).arg(command).current_dir(&root).output().expect("sdkgen runs");
            times.push(start.elapsed());
            assert!(status.status.success(), "sdkgen {command} failed: {}", String::from_utf8_lossy(&status.stderr));
        }
        times.sort();
        let peak = peak_kib(bin, command, &root);
        println!(
            "sdkgen {command:<8} median {:>6.1} ms   min {:>6.1} ms   peak RSS {}",
            times[RUNS / 2].as_secs_f64() * 1e3,
            times[0].as_secs_f64() * 1e3,
            peak.map_or("n/a (no /usr/bin/time)".to_string(), |k| format!("{:.1} MiB", k as f64 / 1024.0)),
        );
    }
}

/// Peak resident set of one run, via GNU time's `%M` (KiB).
fn peak_kib(bin: &str, command: &str, root: &PathBuf) -> Option<u64> {
    let out = Command::new("/usr/bin/time").args(["-f", "%M", bin, command]).current_dir(root).output().ok()?;
    String::from_utf8_lossy(&out.stderr).lines().last()?.trim().parse().ok()
}
