//! URLs, parsed by hand: `http://host:port/path?query` into its parts.
//!
//! A client needs four things from a URL: where to connect (host and
//! port), what to ask for (the request target, `path?query`), what to put
//! in the `Host` header (the authority), and how to follow a relative
//! `Location` on a redirect ([`Url::join`]). [`Url::parse`] reads the
//! string left to right in the order RFC 3986 writes it: the scheme up to
//! `://`, the authority up to the first `/`, `?` or `#` (optional
//! `user:password@`, then the host, an IPv6 literal in brackets, then
//! `:port`), the path up to `?`, the query up to `#`; the fragment is
//! dropped, as browsers never send it. Characters a request line cannot
//! carry (spaces, non-ASCII) are percent-encoded on the way in, and a `%`
//! that is not followed by two hex digits is an error. Every error quotes
//! the part it rejects.
//!
//! `http://` and `https://` are accepted (port 80 and 443 by default);
//! `https://` with the `tls` feature off gives an error saying so. The `url` crate (what reqwest uses) follows the WHATWG
//! URL standard, with IDNA host names and every browser quirk; aiohttp
//! relies on `yarl`. We parse the plain RFC 3986 subset a client meets,
//! in one file a reader can check against the RFC.
//!
//! Chapter: docs/src/30-client-request-on-the-loop.md

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// A parsed `http://` or `https://` URL.
///
/// ```
/// use aioli_http::client::Url;
///
/// let url = Url::parse("http://[::1]:8080/a b?x=1#top").unwrap();
/// assert_eq!(url.host(), "::1");
/// assert_eq!(url.port(), 8080);
/// assert_eq!(url.request_target(), "/a%20b?x=1");
/// assert_eq!(url.to_string(), "http://[::1]:8080/a%20b?x=1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Url {
    /// `http` or `https`: the pool's key, the default port and `Display`.
    scheme: &'static str,
    /// The host as parsed: a lowercased name, or an IP address.
    host: Host,
    /// The host as text without brackets, rendered once at parse time so
    /// `host()` can lend it (what DNS, the pool and errors use).
    host_text: String,
    /// The port to connect to: the one written, or 80 (443 for https).
    port: u16,
    /// Whether the port was written (then the `Host` header carries it).
    explicit_port: bool,
    /// `user:password` from before the `@`, percent-decoded, if any.
    userinfo: Option<(String, String)>,
    /// The path, percent-encoded, always starting with `/`.
    path: String,
    /// The query without its `?`, percent-encoded, if there was a `?`.
    query: Option<String>,
}

/// The host part of a URL.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Host {
    /// A name to resolve through DNS, lowercased (`example.com`).
    Domain(String),
    /// An IPv4 literal (`127.0.0.1`): no lookup needed.
    Ipv4(Ipv4Addr),
    /// An IPv6 literal, written in brackets (`[::1]`): no lookup needed.
    Ipv6(Ipv6Addr),
}

/// Why a URL was rejected. The message quotes the URL and the bad part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlError {
    /// The URL as it was given.
    input: String,
    /// What is wrong with it.
    kind: UrlErrorKind,
}

/// What was wrong with a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlErrorKind {
    /// No `scheme://` at the start.
    MissingScheme,
    /// `https://` in a build without the `tls` feature.
    TlsNotSupported,
    /// A scheme other than `http` (the scheme, as written).
    UnsupportedScheme(String),
    /// Nothing between `http://` and the path.
    MissingHost,
    /// A host with a character a host name cannot have (the host).
    InvalidHost(String),
    /// A bracketed host that is not an IPv6 address (what was inside).
    InvalidIpv6(String),
    /// A port that is not a number from 1 to 65535 (the port, as written).
    InvalidPort(String),
    /// A `%` not followed by two hex digits (the three characters from `%`).
    InvalidPercent(String),
    /// A control character, which no part of a URL may hold (its code).
    ControlCharacter(u32),
}

impl UrlError {
    fn new(input: &str, kind: UrlErrorKind) -> UrlError {
        UrlError { input: input.to_string(), kind }
    }

    /// What was wrong.
    pub fn kind(&self) -> &UrlErrorKind {
        &self.kind
    }

    /// The URL as it was given.
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = &self.input;
        match &self.kind {
            UrlErrorKind::MissingScheme => {
                write!(f, "invalid URL {url:?}: it has no scheme; write it as http://host/path")
            }
            UrlErrorKind::TlsNotSupported => write!(
                f,
                "invalid URL {url:?}: https:// needs TLS, and aioli-http was built without its `tls` feature; enable it or use http://"
            ),
            UrlErrorKind::UnsupportedScheme(scheme) => {
                write!(f, "invalid URL {url:?}: the scheme {scheme:?} is not supported; only http:// and https:// are")
            }
            UrlErrorKind::MissingHost => write!(f, "invalid URL {url:?}: there is no host after http://"),
            UrlErrorKind::InvalidHost(host) => write!(
                f,
                "invalid URL {url:?}: the host {host:?} is not a valid host name \
                 (letters, digits, '-', '.' and '_' only)"
            ),
            UrlErrorKind::InvalidIpv6(inside) => {
                write!(f, "invalid URL {url:?}: [{inside}] is not an IPv6 address")
            }
            UrlErrorKind::InvalidPort(port) => {
                write!(f, "invalid URL {url:?}: the port {port:?} is not a number from 1 to 65535")
            }
            UrlErrorKind::InvalidPercent(part) => {
                write!(
                    f,
                    "invalid URL {url:?}: {part:?} is not a percent-escape (% must be followed by two hex digits)"
                )
            }
            UrlErrorKind::ControlCharacter(code) => {
                write!(f, "invalid URL {url:?}: it contains the control character U+{code:04X}")
            }
        }
    }
}

impl std::error::Error for UrlError {}

impl Url {
    /// Parses an absolute `http://` URL.
    pub fn parse(input: &str) -> Result<Url, UrlError> {
        let fail = |kind| Err(UrlError::new(input, kind));
        let text = input.trim();
        if let Some(bad) = text.chars().find(|c| c.is_control()) {
            return fail(UrlErrorKind::ControlCharacter(bad as u32));
        }
        let Some((scheme, rest)) = text.split_once("://") else {
            return fail(UrlErrorKind::MissingScheme);
        };
        // A scheme is letters, digits, '+', '-', '.'; anything else before
        // "://" means the "://" belongs to something else (a path, a query).
        let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
        if !scheme_ok {
            return fail(UrlErrorKind::MissingScheme);
        }
        let (scheme, default_port): (&'static str, u16) = match scheme.to_ascii_lowercase().as_str() {
            "http" => ("http", 80),
            "https" if cfg!(feature = "tls") => ("https", 443),
            "https" => return fail(UrlErrorKind::TlsNotSupported),
            _ => return fail(UrlErrorKind::UnsupportedScheme(scheme.to_string())),
        };

        // The authority ends at the first '/', '?' or '#'.
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);
        let (userinfo, host_port) = match authority.rsplit_once('@') {
            Some((userinfo, host_port)) => (Some(parse_userinfo(input, userinfo)?), host_port),
            None => (None, authority),
        };
        let (host, port_text) = split_host_port(input, host_port)?;
        let host = parse_host(input, host)?;
        let host_text = match &host {
            Host::Domain(name) => name.clone(),
            Host::Ipv4(ip) => ip.to_string(),
            Host::Ipv6(ip) => ip.to_string(),
        };
        let (port, explicit_port) = match port_text {
            // "http://host:/" is allowed by RFC 3986 and means the default.
            None | Some("") => (default_port, false),
            Some(text) => match text.parse::<u16>() {
                Ok(port) if port != 0 && text.bytes().all(|b| b.is_ascii_digit()) => (port, true),
                _ => return fail(UrlErrorKind::InvalidPort(text.to_string())),
            },
        };

        let (path, query) = split_path_query(input, tail)?;
        Ok(Url { scheme, host, host_text, port, explicit_port, userinfo, path, query })
    }

    /// The scheme, `"http"` or `"https"`.
    pub fn scheme(&self) -> &str {
        self.scheme
    }

    /// The host without brackets: `example.com`, `127.0.0.1`, `::1`.
    pub fn host(&self) -> &str {
        &self.host_text
    }

    /// The parsed host.
    pub fn host_kind(&self) -> &Host {
        &self.host
    }

    /// The port to connect to (80, or 443 for https, unless the URL names one).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The path, percent-encoded, starting with `/`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query without its `?`, if the URL has one.
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }

    /// `user` and `password` from `http://user:password@host/`, decoded.
    pub fn userinfo(&self) -> Option<(&str, &str)> {
        self.userinfo.as_ref().map(|(user, password)| (user.as_str(), password.as_str()))
    }

    /// What the request line asks for: `path?query`.
    pub fn request_target(&self) -> String {
        match &self.query {
            Some(query) => format!("{}?{}", self.path, query),
            None => self.path.clone(),
        }
    }

    /// The `Host` header's value: the host, and the port if it was written
    /// (`example.com`, `127.0.0.1:8080`, `[::1]:8080`).
    pub fn authority(&self) -> String {
        let host = match &self.host {
            Host::Domain(name) => name.clone(),
            Host::Ipv4(ip) => ip.to_string(),
            Host::Ipv6(ip) => format!("[{ip}]"),
        };
        if self.explicit_port {
            format!("{host}:{}", self.port)
        } else {
            host
        }
    }

    /// Appends `encoded` (already `name=value&...`) to the query.
    pub fn append_query(&mut self, encoded: &str) {
        if encoded.is_empty() {
            return;
        }
        self.query = Some(match self.query.take() {
            Some(existing) if !existing.is_empty() => format!("{existing}&{encoded}"),
            _ => encoded.to_string(),
        });
    }

    /// Resolves a reference against this URL, as a redirect's `Location`
    /// is resolved (RFC 3986 §5.2): an absolute URL replaces this one,
    /// `//host/p` keeps the scheme, `/p` keeps the authority, `p` is taken
    /// relative to this path's directory, `?q` keeps the path.
    pub fn join(&self, reference: &str) -> Result<Url, UrlError> {
        let reference = reference.trim();
        let fail = |kind| Err(UrlError::new(reference, kind));
        if let Some(bad) = reference.chars().find(|c| c.is_control()) {
            return fail(UrlErrorKind::ControlCharacter(bad as u32));
        }
        // Absolute: it has a scheme before any '/', '?' or '#'.
        if let Some(colon) = reference.find(':') {
            let before = &reference[..colon];
            if !before.is_empty() && !before.contains(['/', '?', '#']) {
                return Url::parse(reference);
            }
        }
        if reference.starts_with("//") {
            return Url::parse(&format!("{}:{reference}", self.scheme));
        }
        let reference = reference.split('#').next().unwrap_or("");
        let mut joined = self.clone();
        if reference.is_empty() {
            return Ok(joined);
        }
        let (path, query) = split_path_query(reference, reference)?;
        if reference.starts_with('?') {
            joined.query = query;
            return Ok(joined);
        }
        let merged = if reference.starts_with('/') {
            path
        } else {
            // Relative: replace everything after the base path's last '/'.
            let directory = &self.path[..self.path.rfind('/').map_or(0, |i| i + 1)];
            format!("{directory}{}", path.trim_start_matches('/'))
        };
        joined.path = remove_dot_segments(&merged);
        joined.query = query;
        Ok(joined)
    }

    /// The key a connection pool files this URL's connections under:
    /// scheme, host and port.
    pub(crate) fn origin(&self) -> Origin {
        Origin { scheme: self.scheme, host: self.host_text.clone(), port: self.port }
    }
}

/// Where a connection goes: the pool's key (scheme, host, port).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin {
    /// `http` or `https`: part of the key, so a plain connection is never
    /// handed to an https request to the same host and port, or back.
    pub scheme: &'static str,
    /// The host without brackets.
    pub host: String,
    /// The port.
    pub port: u16,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The password is never printed: URLs end up in logs and errors.
        let user = match &self.userinfo {
            Some((user, _)) => format!("{user}@"),
            None => String::new(),
        };
        write!(f, "{}://{user}{}{}", self.scheme, self.authority(), self.request_target())
    }
}

impl std::str::FromStr for Url {
    type Err = UrlError;

    fn from_str(text: &str) -> Result<Url, UrlError> {
        Url::parse(text)
    }
}

/// `user:password` (either may be empty), percent-decoded.
fn parse_userinfo(input: &str, userinfo: &str) -> Result<(String, String), UrlError> {
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    Ok((decode_component(input, user)?, decode_component(input, password)?))
}

/// Splits `host:port`, minding the colons inside an IPv6 literal.
fn split_host_port<'a>(input: &str, host_port: &'a str) -> Result<(&'a str, Option<&'a str>), UrlError> {
    if let Some(after_bracket) = host_port.strip_prefix('[') {
        let Some(close) = after_bracket.find(']') else {
            return Err(UrlError::new(input, UrlErrorKind::InvalidIpv6(after_bracket.to_string())));
        };
        let (literal, rest) = (&host_port[..close + 2], &after_bracket[close + 1..]);
        return match rest.strip_prefix(':') {
            Some(port) => Ok((literal, Some(port))),
            None if rest.is_empty() => Ok((literal, None)),
            None => Err(UrlError::new(input, UrlErrorKind::InvalidPort(rest.to_string()))),
        };
    }
    Ok(match host_port.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (host_port, None),
    })
}

/// A host: `[v6]`, a dotted IPv4 address, or a name (lowercased).
fn parse_host(input: &str, host: &str) -> Result<Host, UrlError> {
    if host.is_empty() {
        return Err(UrlError::new(input, UrlErrorKind::MissingHost));
    }
    if let Some(inside) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        // Zone ids (`fe80::1%eth0`) are left out: they name an interface
        // of this machine and have no meaning in a Host header.
        return inside
            .parse::<Ipv6Addr>()
            .map(Host::Ipv6)
            .map_err(|_| UrlError::new(input, UrlErrorKind::InvalidIpv6(inside.to_string())));
    }
    if host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return host
            .parse::<Ipv4Addr>()
            .map(Host::Ipv4)
            .map_err(|_| UrlError::new(input, UrlErrorKind::InvalidHost(host.to_string())));
    }
    let valid = host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_');
    if !valid || host.starts_with('.') || host.contains("..") {
        return Err(UrlError::new(input, UrlErrorKind::InvalidHost(host.to_string())));
    }
    Ok(Host::Domain(host.to_ascii_lowercase()))
}

/// `/path?query#fragment` into an encoded path (at least `/`) and query.
fn split_path_query(input: &str, tail: &str) -> Result<(String, Option<String>), UrlError> {
    let tail = tail.split('#').next().unwrap_or("");
    let (path, query) = match tail.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (tail, None),
    };
    let mut path = encode_part(input, path, false)?;
    if !path.starts_with('/') {
        path.insert(0, '/');
    }
    let query = query.map(|query| encode_part(input, query, true)).transpose()?;
    Ok((path, query))
}

/// Percent-encodes the bytes a request line cannot carry as they are,
/// keeping `%XX` escapes that are already there (and checking them).
fn encode_part(input: &str, part: &str, is_query: bool) -> Result<String, UrlError> {
    let bytes = part.as_bytes();
    let mut out = String::with_capacity(part.len());
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte == b'%' {
            let escape = bytes.get(i + 1..i + 3);
            if !escape.is_some_and(|pair| pair.iter().all(u8::is_ascii_hexdigit)) {
                let shown: String = part[i..].chars().take(3).collect();
                return Err(UrlError::new(input, UrlErrorKind::InvalidPercent(shown)));
            }
            out.push_str(&part[i..i + 3]);
            i += 3;
            continue;
        }
        // RFC 3986's pchar: unreserved, sub-delims, ':' and '@' (and '/'
        // between segments); a query may also hold '?'.
        let plain = byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&byte) || (is_query && byte == b'?');
        if plain {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
        i += 1;
    }
    Ok(out)
}

/// Decodes `%XX` escapes in a URL component (the userinfo), after
/// checking them: the shared decoder is lenient, a URL is not.
fn decode_component(input: &str, part: &str) -> Result<String, UrlError> {
    let checked = encode_part(input, part, false)?;
    Ok(crate::percent::decode(&checked).into_owned())
}

/// RFC 3986 §5.2.4: `/a/b/../c/./d` → `/a/c/d`.
fn remove_dot_segments(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    let ends_in_directory = path.ends_with("/.") || path.ends_with("/..") || path.ends_with('/');
    for segment in path.split('/').skip(1) {
        match segment {
            "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut out = String::from("/");
    out.push_str(&segments.join("/"));
    if ends_in_directory && !out.ends_with('/') {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(input: &str) -> UrlErrorKind {
        Url::parse(input).unwrap_err().kind
    }

    #[test]
    fn parses_every_part() {
        let url = Url::parse("HTTP://User:p%40ss@Example.COM:8080/a/b?x=1&y=2#frag").unwrap();
        assert_eq!(url.scheme(), "http");
        assert_eq!(url.host(), "example.com");
        assert_eq!(url.port(), 8080);
        assert_eq!(url.path(), "/a/b");
        assert_eq!(url.query(), Some("x=1&y=2"));
        assert_eq!(url.userinfo(), Some(("User", "p@ss")));
        assert_eq!(url.authority(), "example.com:8080");
        assert_eq!(url.to_string(), "http://User@example.com:8080/a/b?x=1&y=2");
    }

    #[test]
    fn defaults_and_literals() {
        let url = Url::parse("http://example.com").unwrap();
        assert_eq!((url.port(), url.path(), url.query()), (80, "/", None));
        assert_eq!(url.authority(), "example.com");
        let url = Url::parse("http://127.0.0.1:9/").unwrap();
        assert_eq!(url.host_kind(), &Host::Ipv4(Ipv4Addr::new(127, 0, 0, 1)));
        let url = Url::parse("http://[::1]/x").unwrap();
        assert_eq!((url.host(), url.port(), url.authority()), ("::1", 80, "[::1]".to_string()));
        let url = Url::parse("http://host?q").unwrap();
        assert_eq!(url.request_target(), "/?q");
        let url = Url::parse("http://host:/p").unwrap();
        assert_eq!(url.port(), 80);
    }

    #[test]
    fn encodes_what_a_request_line_cannot_carry() {
        let url = Url::parse("http://h/caf\u{e9} au lait?q=a b|c").unwrap();
        assert_eq!(url.request_target(), "/caf%C3%A9%20au%20lait?q=a%20b%7Cc");
        let url = Url::parse("http://h/already%2Fencoded").unwrap();
        assert_eq!(url.path(), "/already%2Fencoded");
    }

    #[test]
    fn errors_quote_the_bad_part() {
        assert_eq!(kind("example.com/x"), UrlErrorKind::MissingScheme);
        if cfg!(feature = "tls") {
            let url = Url::parse("https://example.com/x").unwrap();
            assert_eq!((url.scheme(), url.port(), url.authority()), ("https", 443, "example.com".to_string()));
            assert_ne!(url.origin(), Url::parse("http://example.com:443/").unwrap().origin());
        } else {
            assert_eq!(kind("https://example.com/"), UrlErrorKind::TlsNotSupported);
        }
        assert_eq!(kind("ftp://example.com/"), UrlErrorKind::UnsupportedScheme("ftp".into()));
        assert_eq!(kind("http:///path"), UrlErrorKind::MissingHost);
        assert_eq!(kind("http://exa mple.com/"), UrlErrorKind::InvalidHost("exa mple.com".into()));
        assert_eq!(kind("http://h:80x/"), UrlErrorKind::InvalidPort("80x".into()));
        assert_eq!(kind("http://h:70000/"), UrlErrorKind::InvalidPort("70000".into()));
        assert_eq!(kind("http://h:0/"), UrlErrorKind::InvalidPort("0".into()));
        assert_eq!(kind("http://[::g]/"), UrlErrorKind::InvalidIpv6("::g".into()));
        assert_eq!(kind("http://[::1/"), UrlErrorKind::InvalidIpv6("::1".into()));
        assert_eq!(kind("http://[::1]x/"), UrlErrorKind::InvalidPort("x".into()));
        assert_eq!(kind("http://999.1.1.1/"), UrlErrorKind::InvalidHost("999.1.1.1".into()));
        assert_eq!(kind("http://h/a%zzb"), UrlErrorKind::InvalidPercent("%zz".into()));
        assert_eq!(kind("http://h/a%4"), UrlErrorKind::InvalidPercent("%4".into()));
        assert_eq!(kind("http://h/a\nb"), UrlErrorKind::ControlCharacter(10));

        let message = UrlError::new("https://example.com/", UrlErrorKind::TlsNotSupported).to_string();
        assert!(message.contains("TLS") && message.contains("https://example.com/"), "{message}");
        let message = Url::parse("http://h:80x/").unwrap_err().to_string();
        assert!(message.contains("\"80x\""), "{message}");
    }

    #[test]
    fn joins_references_like_a_browser() {
        let base = Url::parse("http://a.test:8080/b/c/d?q").unwrap();
        let join = |reference: &str| base.join(reference).unwrap().to_string();
        assert_eq!(join("g"), "http://a.test:8080/b/c/g");
        assert_eq!(join("./g/"), "http://a.test:8080/b/c/g/");
        assert_eq!(join("../g"), "http://a.test:8080/b/g");
        assert_eq!(join("../../../g"), "http://a.test:8080/g");
        assert_eq!(join("/g?x=1"), "http://a.test:8080/g?x=1");
        assert_eq!(join("?y"), "http://a.test:8080/b/c/d?y");
        assert_eq!(join("//other.test/p"), "http://other.test/p");
        assert_eq!(join("http://x.test/"), "http://x.test/");
        assert_eq!(join(""), "http://a.test:8080/b/c/d?q");
        assert_eq!(base.join("ftp://x.test/").unwrap_err().kind, UrlErrorKind::UnsupportedScheme("ftp".into()));
    }

    #[test]
    fn appends_query_pairs() {
        let mut url = Url::parse("http://h/p").unwrap();
        url.append_query("a=1");
        url.append_query("b=2");
        assert_eq!(url.request_target(), "/p?a=1&b=2");
    }
}
