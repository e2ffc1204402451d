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

/// A Python with the `websockets` package (version 14 or later, for
/// `send(..., text=True)`): `$AIOLI_PYTHON` if set (`.ci/run` makes a
/// virtualenv with a pinned version and exports it), else `python3`. When
/// neither has it, prints `skipped: python websockets not found` and
/// returns `None`, or panics under `AIOLI_REQUIRE_PEERS=1`.
pub fn python_websockets() -> Option<String> {
    let python = std::env::var("AIOLI_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let check = "import sys, websockets; sys.exit(int(websockets.__version__.split('.')[0]) < 14)";
    let has_it = Command::new(&python)
        .args(["-c", check])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if has_it {
        return Some(python);
    }
    if std::env::var_os("AIOLI_REQUIRE_PEERS").is_some_and(|value| value == "1") {
        panic!(
            "{python} cannot import websockets >= 14, and AIOLI_REQUIRE_PEERS=1 asks for every peer; \
             make a virtualenv with it and point AIOLI_PYTHON at its python (.ci/run does)"
        );
    }
    let _ = writeln!(std::io::stderr(), "skipped: python websockets not found");
    None
}
