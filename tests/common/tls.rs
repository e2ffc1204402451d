//! Certificates for the TLS tests, made by the `openssl` command (a peer:
//! see peers.rs) in a fresh temporary directory: a trusted CA, a server
//! certificate for 127.0.0.1 signed by it, one for another host name, one
//! already expired, and one from a CA nobody trusts. RSA keys, so that a
//! server can also be limited to RSA-only cipher suites (the alert test).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::peers::peer_available;

/// The files, all PEM.
pub struct Pki {
    pub dir: PathBuf,
    /// The CA the tests trust.
    pub ca: PathBuf,
    /// For 127.0.0.1, signed by `ca`: the good one.
    pub good: (PathBuf, PathBuf),
    /// For `wrong.example` only, signed by `ca`.
    pub wrong_host: (PathBuf, PathBuf),
    /// For 127.0.0.1, signed by `ca`, its end date already past.
    pub expired: (PathBuf, PathBuf),
    /// For 127.0.0.1, signed by a CA the tests never trust.
    pub unknown_ca: (PathBuf, PathBuf),
}

fn openssl(dir: &Path, args: &[&str]) {
    let output = Command::new("openssl").args(args).current_dir(dir).output().expect("run openssl");
    assert!(output.status.success(), "openssl {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
}

fn make_ca(dir: &Path, name: &str) {
    let (key, pem, subject) = (format!("{name}.key"), format!("{name}.pem"), format!("/CN=aioli test {name}"));
    openssl(
        dir,
        &[
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", &key, "-out", &pem, "-days", "30", "-subj",
            &subject,
        ],
    );
}

/// A leaf certificate named `name`, for `san`, signed by CA `ca`, valid
/// for `days` (negative: it ended before it began, so it has expired).
fn make_leaf(dir: &Path, name: &str, san: &str, ca: &str, days: &str) -> (PathBuf, PathBuf) {
    let ext = format!("{name}.ext");
    std::fs::write(
        dir.join(&ext),
        format!("subjectAltName={san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n"),
    )
    .expect("write the extensions file");
    let (key, csr, pem) = (format!("{name}.key"), format!("{name}.csr"), format!("{name}.pem"));
    openssl(
        dir,
        &["req", "-newkey", "rsa:2048", "-nodes", "-keyout", &key, "-out", &csr, "-subj", "/CN=aioli test server"],
    );
    let (ca_pem, ca_key) = (format!("{ca}.pem"), format!("{ca}.key"));
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &csr,
            "-CA",
            &ca_pem,
            "-CAkey",
            &ca_key,
            "-CAcreateserial",
            "-out",
            &pem,
            "-days",
            days,
            "-extfile",
            &ext,
        ],
    );
    (dir.join(pem), dir.join(key))
}

impl Pki {
    /// Makes every certificate, or returns `None` (after the visible
    /// "skipped" line) when openssl is missing.
    pub fn make(test: &str) -> Option<Pki> {
        if !peer_available("openssl", "version") {
            return None;
        }
        let dir = std::env::temp_dir().join(format!("aioli-tls-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("make the certificate directory");
        make_ca(&dir, "ca");
        make_ca(&dir, "other-ca");
        Some(Pki {
            ca: dir.join("ca.pem"),
            good: make_leaf(&dir, "good", "IP:127.0.0.1", "ca", "30"),
            wrong_host: make_leaf(&dir, "wrong-host", "DNS:wrong.example", "ca", "30"),
            expired: make_leaf(&dir, "expired", "IP:127.0.0.1", "ca", "-1"),
            unknown_ca: make_leaf(&dir, "unknown-ca", "IP:127.0.0.1", "other-ca", "30"),
            dir,
        })
    }

    pub fn read(path: &Path) -> Vec<u8> {
        std::fs::read(path).expect("read a certificate file")
    }
}

impl Drop for Pki {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
