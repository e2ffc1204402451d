//! From PEM text to rustls configurations, and from rustls's errors to
//! one-sentence causes.
//!
//! The client trusts the public certificate authorities of `webpki-roots`
//! (Mozilla's list, compiled in, so https behaves the same on every
//! machine), plus any roots the program adds, or only those. rustls's
//! verifier (webpki) then checks each server the way browsers do: the
//! chain must lead to a trusted root, every certificate in it must be
//! within its dates, and the last one must name the host we asked for
//! (the SNI name; an IP address must appear as an IP address). The
//! server loads its certificate chain and private key from PEM.
//!
//! reqwest offers the same choice (`add_root_certificate`,
//! `tls_built_in_root_certs(false)`); Python's `ssl.create_default_context`
//! loads the system's store instead, which differs between machines.
//!
//! Chapter: docs/src/34-tls-on-the-loop.md

use std::fmt;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{AlertDescription, CertificateError};

/// The protocol both sides must speak over TLS: ALPN says so up front.
const ALPN_HTTP1: &[u8] = b"http/1.1";

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Every certificate in a PEM text (`-----BEGIN CERTIFICATE-----` blocks),
/// in order. No certificate at all is an error: an empty file is a
/// mistake, never a wish.
pub fn load_certificates(pem: &[u8], what: &str) -> io::Result<Vec<CertificateDer<'static>>> {
    let mut certificates = Vec::new();
    for certificate in CertificateDer::pem_slice_iter(pem) {
        certificates.push(certificate.map_err(|error| invalid(format!("{what} is not valid PEM: {error}")))?);
    }
    if certificates.is_empty() {
        return Err(invalid(format!("{what} holds no PEM certificate (no -----BEGIN CERTIFICATE----- block)")));
    }
    Ok(certificates)
}

// ANCHOR: client_config
/// The client's configuration: `extra_roots` are trusted besides the
/// public authorities of `webpki-roots`, or instead of them when
/// `public_roots` is false. ALPN offers `http/1.1` only.
pub fn client_config(
    extra_roots: &[CertificateDer<'static>],
    public_roots: bool,
) -> io::Result<Arc<rustls::ClientConfig>> {
    let mut roots = rustls::RootCertStore::empty();
    if public_roots {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    }
    for root in extra_roots {
        roots.add(root.clone()).map_err(|error| invalid(format!("a root certificate was refused: {error}")))?;
    }
    let mut config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|error| invalid(error.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![ALPN_HTTP1.to_vec()];
    Ok(Arc::new(config))
}
// ANCHOR_END: client_config

/// The server's configuration from a PEM certificate chain (the server's
/// own certificate first, then any intermediates) and a PEM private key
/// (PKCS#8, PKCS#1 or SEC1). Errors say which of the two is wrong.
pub fn server_config(cert_chain_pem: &[u8], key_pem: &[u8]) -> io::Result<Arc<rustls::ServerConfig>> {
    let chain = load_certificates(cert_chain_pem, "the certificate chain given to Server::tls")?;
    let key = PrivateKeyDer::from_pem_slice(key_pem)
        .map_err(|error| invalid(format!("the private key given to Server::tls is not a PEM private key: {error}")))?;
    let mut config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|error| invalid(error.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .map_err(|error| invalid(format!("the key given to Server::tls does not fit its certificate: {error}")))?;
    config.alpn_protocols = vec![ALPN_HTTP1.to_vec()];
    Ok(Arc::new(config))
}

// ANCHOR: failure
/// Why a TLS handshake failed, in the terms a person can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TlsFailure {
    /// The certificate does not chain to any root this side trusts.
    UnknownIssuer,
    /// The certificate (or one in its chain) is past its end date.
    Expired,
    /// The certificate is not yet valid (its start date is ahead).
    NotYetValid,
    /// The certificate does not name the host we connected to.
    NotValidForHost {
        /// The name or address we asked for.
        expected: String,
    },
    /// The handshake did not finish in time.
    TimedOut(Duration),
    /// The peer refused the handshake and said why with an alert.
    AlertReceived(String),
    /// The peer did not speak TLS (plain HTTP on a TLS port, say).
    NotTls,
    /// Anything else rustls reported.
    Other(String),
}

impl TlsFailure {
    /// Classifies a rustls error.
    pub fn from_rustls(error: &rustls::Error, host: &str) -> TlsFailure {
        match error {
            rustls::Error::InvalidCertificate(certificate) => match certificate {
                CertificateError::UnknownIssuer => TlsFailure::UnknownIssuer,
                CertificateError::Expired | CertificateError::ExpiredContext { .. } => TlsFailure::Expired,
                CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => TlsFailure::NotYetValid,
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                    TlsFailure::NotValidForHost { expected: host.to_owned() }
                }
                other => TlsFailure::Other(format!("the certificate was refused: {other:?}")),
            },
            rustls::Error::AlertReceived(alert) => TlsFailure::AlertReceived(alert_name(*alert)),
            rustls::Error::InvalidMessage(_) | rustls::Error::InappropriateMessage { .. } => TlsFailure::NotTls,
            other => TlsFailure::Other(other.to_string()),
        }
    }

    /// The cause behind an `io::Error` from [`connect`](super::connect),
    /// [`accept`](super::accept) or a [`TlsStream`](super::TlsStream), if
    /// it was a TLS error at all.
    pub fn from_io(error: &io::Error, host: &str) -> Option<TlsFailure> {
        let inner = error.get_ref()?.downcast_ref::<rustls::Error>()?;
        Some(TlsFailure::from_rustls(inner, host))
    }
}

/// `BadCertificate` → `bad_certificate`, as RFC 8446 spells alerts.
fn alert_name(alert: AlertDescription) -> String {
    let debug = format!("{alert:?}");
    let mut name = String::new();
    let mut after_lowercase = false;
    for c in debug.chars() {
        if c.is_ascii_uppercase() && after_lowercase {
            name.push('_');
        }
        after_lowercase = c.is_ascii_lowercase();
        name.push(c.to_ascii_lowercase());
    }
    name
}

impl fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TlsFailure::UnknownIssuer => f.write_str(
                "the certificate was issued by an authority this client does not trust (unknown issuer); \
                 trust its CA with ClientBuilder::add_root_certificate",
            ),
            TlsFailure::Expired => f.write_str("the certificate has expired"),
            TlsFailure::NotYetValid => f.write_str("the certificate is not valid yet (check the clocks)"),
            TlsFailure::NotValidForHost { expected } => {
                write!(f, "the certificate is not valid for {expected} (it names other hosts)")
            }
            TlsFailure::TimedOut(limit) => write!(f, "the TLS handshake timed out after {limit:?}"),
            TlsFailure::AlertReceived(alert) => write!(f, "the peer refused the handshake with the alert {alert}"),
            TlsFailure::NotTls => f.write_str("the peer does not speak TLS (is it a plain http:// server?)"),
            TlsFailure::Other(what) => write!(f, "{what}"),
        }
    }
}
// ANCHOR_END: failure

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alerts_are_named_as_the_rfc_writes_them() {
        assert_eq!(alert_name(AlertDescription::BadCertificate), "bad_certificate");
        assert_eq!(alert_name(AlertDescription::UnknownCA), "unknown_ca");
        assert_eq!(alert_name(AlertDescription::HandshakeFailure), "handshake_failure");
    }

    #[test]
    fn bad_pem_is_refused_with_what_it_was_for() {
        let error = load_certificates(b"hello", "the CA file").unwrap_err();
        assert!(error.to_string().contains("the CA file holds no PEM certificate"), "{error}");
        let error = server_config(b"", b"").unwrap_err();
        assert!(error.to_string().contains("Server::tls"), "{error}");
    }

    #[test]
    fn io_errors_carry_the_rustls_cause() {
        let error = io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer),
        );
        assert_eq!(TlsFailure::from_io(&error, "h"), Some(TlsFailure::UnknownIssuer));
        let plain = io::Error::other("x");
        assert_eq!(TlsFailure::from_io(&plain, "h"), None);
    }
}
