//! Cookies: reading `Cookie` and building `Set-Cookie`.
//!
//! A browser sends back the cookies a server set as one header,
//! `Cookie: a=1; b=2` (RFC 6265 §5.4): `parse_cookie_header` splits it
//! into name/value pairs without copying. A server sets a cookie with one
//! `Set-Cookie` header per cookie, carrying the value and its attributes
//! (`Path`, `Max-Age`, `HttpOnly`, ...): `Cookie` is a builder for that
//! line. aiohttp exposes the same as `request.cookies` and
//! `response.set_cookie(name, value, path=..., max_age=...)`; the `cookie`
//! crate (used with hyper) adds signing and jars, which we leave out.
//!
//! Chapter: docs/src/23-routing-and-middleware.md

use std::fmt;
use std::time::Duration;

/// Splits a `Cookie` header value into `(name, value)` pairs. Malformed
/// pieces (no `=`) are skipped, as browsers do; double quotes around a
/// value are removed.
///
/// ```
/// let pairs: Vec<_> = aioli_http::cookie::parse_cookie_header("a=1; b=\"two\"; junk").collect();
/// assert_eq!(pairs, [("a", "1"), ("b", "two")]);
/// ```
pub fn parse_cookie_header(value: &str) -> impl Iterator<Item = (&str, &str)> {
    value.split(';').filter_map(|piece| {
        let (name, value) = piece.split_once('=')?;
        let name = name.trim();
        let value = value.trim();
        let value = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value);
        (!name.is_empty()).then_some((name, value))
    })
}

/// The `SameSite` attribute: when the browser sends the cookie on
/// requests that start from another site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    /// Only on same-site requests.
    Strict,
    /// Also on top-level navigations from other sites (browsers' default).
    Lax,
    /// Always (requires `Secure`).
    None,
}

/// A `Set-Cookie` header, built up attribute by attribute.
///
/// ```
/// use std::time::Duration;
/// use aioli_http::Cookie;
///
/// let cookie = Cookie::new("session", "abc123").path("/").max_age(Duration::from_secs(3600)).http_only(true);
/// assert_eq!(cookie.to_string(), "session=abc123; Path=/; Max-Age=3600; HttpOnly");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cookie {
    name: String,
    value: String,
    path: Option<String>,
    domain: Option<String>,
    max_age: Option<Duration>,
    expires: Option<std::time::SystemTime>,
    http_only: bool,
    secure: bool,
    same_site: Option<SameSite>,
}

impl Cookie {
    /// A cookie `name=value` with no attributes: the browser keeps it until
    /// it closes, for this host and the path the response came from.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Cookie {
        Cookie {
            name: name.into(),
            value: value.into(),
            path: None,
            domain: None,
            max_age: None,
            expires: None,
            http_only: false,
            secure: false,
            same_site: None,
        }
    }

    /// A cookie that deletes `name` in the browser (empty, `Max-Age=0`).
    /// Give it the same `path` and `domain` the cookie was set with.
    pub fn removal(name: impl Into<String>) -> Cookie {
        Cookie::new(name, "").max_age(Duration::ZERO)
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The value.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// `Path=`: only sent for URLs under this path.
    pub fn path(mut self, path: impl Into<String>) -> Cookie {
        self.path = Some(path.into());
        self
    }

    /// `Domain=`: also sent to subdomains of this domain.
    pub fn domain(mut self, domain: impl Into<String>) -> Cookie {
        self.domain = Some(domain.into());
        self
    }

    /// `Max-Age=`: forgotten after this long (whole seconds).
    pub fn max_age(mut self, age: Duration) -> Cookie {
        self.max_age = Some(age);
        self
    }

    /// `Expires=`: forgotten at this time (older browsers' `Max-Age`).
    pub fn expires(mut self, at: std::time::SystemTime) -> Cookie {
        self.expires = Some(at);
        self
    }

    /// `HttpOnly`: invisible to JavaScript.
    pub fn http_only(mut self, on: bool) -> Cookie {
        self.http_only = on;
        self
    }

    /// `Secure`: only sent over HTTPS.
    pub fn secure(mut self, on: bool) -> Cookie {
        self.secure = on;
        self
    }

    /// `SameSite=`.
    pub fn same_site(mut self, same_site: SameSite) -> Cookie {
        self.same_site = Some(same_site);
        self
    }
}

/// The `Set-Cookie` header value. The encoder refuses the header if a
/// name or value smuggles in CR or LF, so a cookie from user input cannot
/// split the response.
impl fmt::Display for Cookie {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.name, self.value)?;
        if let Some(path) = &self.path {
            write!(f, "; Path={path}")?;
        }
        if let Some(domain) = &self.domain {
            write!(f, "; Domain={domain}")?;
        }
        if let Some(age) = self.max_age {
            write!(f, "; Max-Age={}", age.as_secs())?;
        }
        if let Some(at) = self.expires {
            write!(f, "; Expires={}", crate::proto::date::format(at))?;
        }
        if self.http_only {
            f.write_str("; HttpOnly")?;
        }
        if self.secure {
            f.write_str("; Secure")?;
        }
        match self.same_site {
            Some(SameSite::Strict) => f.write_str("; SameSite=Strict")?,
            Some(SameSite::Lax) => f.write_str("; SameSite=Lax")?,
            Some(SameSite::None) => f.write_str("; SameSite=None")?,
            None => {}
        }
        Ok(())
    }
}
