//! Programs the tests drive but did not write (gdb, curl, python's
//! `websockets`, chromium): "peers". A learner's first `cargo test
//! --workspace` must pass with nothing but Rust installed, so a test whose
//! peer is missing says so on a visible line and passes. CI wants every
//! peer exercised, so `.ci/run` sets `AIOLI_REQUIRE_PEERS=1`, and there a
//! missing peer fails the test instead.

use std::io::Write;
use std::process::{Command, Stdio};

/// True when `program` runs (`program version_flag` exits 0). When it does
/// not, prints `skipped: <program> not found` straight to the terminal and
/// returns false, or panics if the environment asks for every peer.
pub fn peer_available(program: &str, version_flag: &str) -> bool {
    let runs = Command::new(program)
        .arg(version_flag)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if runs {
        return true;
    }
    if std::env::var_os("AIOLI_REQUIRE_PEERS").is_some_and(|value| value == "1") {
        panic!(
            "{program} is not installed (or not on PATH), and AIOLI_REQUIRE_PEERS=1 asks for every peer; \
             install it (.ci/run does: apt-get install {program})"
        );
    }
    // libtest captures print!/eprint! of passing tests; a direct write to
    // the stderr handle is not captured, so the line is always seen.
    let _ = writeln!(std::io::stderr(), "skipped: {program} not found");
    false
}
