//! The cookie jar: `Set-Cookie` in, `Cookie` out (RFC 6265, the core).
//!
//! A server hands out state with `Set-Cookie: name=value; Path=/; Max-Age=60`
//! and expects it back on later requests as `Cookie: name=value`. The jar
//! keeps each cookie with the scope its attributes give it: a host (only
//! the one that set it, or a whole domain with `Domain=`), a path prefix,
//! and an expiry (`Max-Age` seconds or an `Expires` date; a date in the
//! past or `Max-Age=0` deletes it). [`CookieJar::store`] reads one header
//! after every response, redirects included, and
//! [`CookieJar::header_for`] builds the `Cookie` header for the next
//! request, longest paths first as RFC 6265 §5.4 asks.
//!
//! Left out on purpose: the public-suffix list (a browser's defence
//! against `Domain=com`; we only accept a domain the host is inside of),
//! `Secure` cookies are sent over `https://` only.
//! aiohttp's `CookieJar` does the same matching with `http.cookies` for
//! the parsing; reqwest's `cookie_store` crate follows the RFC in full.
//!
//! Chapter: docs/src/33-client-aiohttp-names.md

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::url::{Host, Url};

/// One stored cookie.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cookie {
    /// Its name.
    pub name: String,
    /// Its value, as the server sent it.
    pub value: String,
    /// The host (or, with `host_only` false, the domain) it is sent to.
    pub domain: String,
    /// True unless the server gave a `Domain=` attribute.
    pub host_only: bool,
    /// The path prefix it is sent under.
    pub path: String,
    /// When it stops being sent; `None` lasts as long as the jar.
    pub expires: Option<SystemTime>,
    /// `Secure`: sent over `https://` only.
    pub secure: bool,
}

/// The cookies a client has been given. Shared by all requests of one
/// `Client` (aiohttp: `ClientSession.cookie_jar`).
#[derive(Debug, Default, Clone)]
pub struct CookieJar {
    cookies: Vec<Cookie>,
}

impl CookieJar {
    /// An empty jar.
    pub fn new() -> CookieJar {
        CookieJar::default()
    }

    /// Reads one `Set-Cookie` value received from `url`. A header the jar
    /// cannot use (no `=`, a `Domain` the host is not in) is ignored, as
    /// RFC 6265 tells user agents to do.
    pub fn store(&mut self, url: &Url, set_cookie: &str) {
        self.store_at(url, set_cookie, SystemTime::now());
    }

    fn store_at(&mut self, url: &Url, set_cookie: &str, now: SystemTime) {
        let mut parts = set_cookie.split(';');
        let Some((name, value)) = parts.next().and_then(|pair| pair.split_once('=')) else {
            return;
        };
        let (name, value) = (name.trim(), value.trim().trim_matches('"'));
        if name.is_empty() {
            return;
        }
        let host = url.host().to_string();
        let mut cookie = Cookie {
            name: name.to_string(),
            value: value.to_string(),
            domain: host.clone(),
            host_only: true,
            path: default_path(url.path()),
            expires: None,
            secure: false,
        };
        let mut max_age_seen = false;
        for attribute in parts {
            let (key, val) = attribute.split_once('=').unwrap_or((attribute, ""));
            let (key, val) = (key.trim().to_ascii_lowercase(), val.trim());
            match key.as_str() {
                // Max-Age wins over Expires whatever their order (§5.3 step 3).
                "max-age" => {
                    if let Ok(seconds) = val.parse::<i64>() {
                        max_age_seen = true;
                        cookie.expires = Some(match u64::try_from(seconds) {
                            Ok(seconds) if seconds > 0 => now + Duration::from_secs(seconds),
                            _ => UNIX_EPOCH,
                        });
                    }
                }
                "expires" if !max_age_seen => {
                    if let Some(date) = parse_http_date(val) {
                        cookie.expires = Some(date);
                    }
                }
                "domain" => {
                    let domain = val.trim_start_matches('.').to_ascii_lowercase();
                    if domain.is_empty() {
                        continue;
                    }
                    // A domain cookie from an IP address, or for a domain
                    // the host is not inside of, is refused whole.
                    let is_ip = !matches!(url.host_kind(), Host::Domain(_));
                    if is_ip || !domain_matches(&host, &domain) {
                        return;
                    }
                    cookie.domain = domain;
                    cookie.host_only = false;
                }
                "path" if val.starts_with('/') => cookie.path = val.to_string(),
                "secure" => cookie.secure = true,
                _ => {}
            }
        }
        self.cookies.retain(|old| !(old.name == cookie.name && old.domain == cookie.domain && old.path == cookie.path));
        let expired = cookie.expires.is_some_and(|when| when <= now);
        if !expired {
            self.cookies.push(cookie);
        }
    }

    /// The `Cookie` header value for a request to `url`, if any cookie
    /// applies: `a=1; b=2`.
    pub fn header_for(&self, url: &Url) -> Option<String> {
        self.header_at(url, SystemTime::now())
    }

    fn header_at(&self, url: &Url, now: SystemTime) -> Option<String> {
        let host = url.host();
        let mut matching: Vec<&Cookie> = self
            .cookies
            .iter()
            .filter(|cookie| {
                let host_ok =
                    if cookie.host_only { cookie.domain == host } else { domain_matches(host, &cookie.domain) };
                host_ok
                    && path_matches(url.path(), &cookie.path)
                    && (!cookie.secure || url.scheme() == "https")
                    && cookie.expires.is_none_or(|when| when > now)
            })
            .collect();
        if matching.is_empty() {
            return None;
        }
        // Longer paths first (§5.4 step 2); the sort is stable, so cookies
        // with equal paths keep the order they were set in.
        matching.sort_by_key(|cookie| std::cmp::Reverse(cookie.path.len()));
        let pairs: Vec<String> = matching.iter().map(|cookie| format!("{}={}", cookie.name, cookie.value)).collect();
        Some(pairs.join("; "))
    }

    /// The value of the first live cookie called `name`, whatever its scope.
    pub fn get(&self, name: &str) -> Option<&str> {
        let now = SystemTime::now();
        self.cookies
            .iter()
            .find(|cookie| cookie.name == name && cookie.expires.is_none_or(|when| when > now))
            .map(|cookie| cookie.value.as_str())
    }

    /// Every stored cookie, in the order they were set.
    pub fn iter(&self) -> impl Iterator<Item = &Cookie> {
        self.cookies.iter()
    }

    /// How many cookies are stored (expired ones until they are replaced).
    pub fn len(&self) -> usize {
        self.cookies.len()
    }

    /// Whether the jar is empty.
    pub fn is_empty(&self) -> bool {
        self.cookies.is_empty()
    }

    /// Forgets every cookie.
    pub fn clear(&mut self) {
        self.cookies.clear();
    }
}

/// §5.1.3: `host` is `domain`, or ends with `.domain`.
fn domain_matches(host: &str, domain: &str) -> bool {
    host == domain || (host.ends_with(domain) && host[..host.len() - domain.len()].ends_with('.'))
}

/// §5.1.4: the request path is the cookie path, or below it.
fn path_matches(request_path: &str, cookie_path: &str) -> bool {
    request_path == cookie_path
        || (request_path.starts_with(cookie_path)
            && (cookie_path.ends_with('/') || request_path[cookie_path.len()..].starts_with('/')))
}

/// §5.1.4: the directory of the request path (`/a/b` → `/a`, `/a` → `/`).
fn default_path(path: &str) -> String {
    match path.rfind('/') {
        Some(0) | None => "/".to_string(),
        Some(last) => path[..last].to_string(),
    }
}

/// An IMF-fixdate, the date format HTTP sends (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn parse_http_date(text: &str) -> Option<SystemTime> {
    let mut fields = text.split_whitespace().skip(1);
    let day: u64 = fields.next()?.parse().ok()?;
    const MONTHS: [&str; 12] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let month_name = fields.next()?.to_ascii_lowercase();
    let month = MONTHS.iter().position(|name| *name == month_name)? as u64 + 1;
    let year: u64 = fields.next()?.parse().ok()?;
    let mut clock = fields.next()?.split(':').map(|part| part.parse::<u64>().ok());
    let (hour, minute, second) = (clock.next()??, clock.next()??, clock.next()??);
    if !(1..=31).contains(&day) || year < 1970 || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    // Days from 1970-01-01 to the civil date (Howard Hinnant's algorithm).
    let (y, m) = if month <= 2 { (year - 1, month + 9) } else { (year, month - 3) };
    let era = y / 400;
    let year_of_era = y - era * 400;
    let day_of_year = (153 * m + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = (era * 146_097 + day_of_era).checked_sub(719_468)?;
    Some(UNIX_EPOCH + Duration::from_secs(days * 86_400 + hour * 3600 + minute * 60 + second))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn a_cookie_goes_back_to_the_host_that_set_it() {
        let mut jar = CookieJar::new();
        jar.store(&url("http://a.test/login"), "session=abc; Path=/; HttpOnly");
        assert_eq!(jar.header_for(&url("http://a.test/account")).as_deref(), Some("session=abc"));
        assert_eq!(jar.header_for(&url("http://b.test/")), None);
        assert_eq!(jar.header_for(&url("http://sub.a.test/")), None, "host-only");
        assert_eq!(jar.get("session"), Some("abc"));
    }

    #[test]
    fn domain_and_path_scopes() {
        let mut jar = CookieJar::new();
        jar.store(&url("http://www.a.test/x/y"), "wide=1; Domain=.a.test; Path=/");
        jar.store(&url("http://www.a.test/x/y"), "deep=2; Path=/x");
        jar.store(&url("http://www.a.test/"), "evil=3; Domain=b.test");
        assert_eq!(jar.header_for(&url("http://api.a.test/x/z")).as_deref(), Some("wide=1"));
        assert_eq!(jar.header_for(&url("http://www.a.test/x/z")).as_deref(), Some("deep=2; wide=1"));
        assert_eq!(jar.header_for(&url("http://www.a.test/xy")).as_deref(), Some("wide=1"));
        assert_eq!(jar.len(), 2, "a Domain the host is not inside of is refused");
    }

    #[test]
    fn default_path_is_the_directory() {
        let mut jar = CookieJar::new();
        jar.store(&url("http://a.test/docs/page"), "k=v");
        assert_eq!(jar.iter().next().map(|c| c.path.as_str()), Some("/docs"));
        assert_eq!(jar.header_for(&url("http://a.test/other")), None);
    }

    #[test]
    fn expiry_replaces_and_deletes() {
        let mut jar = CookieJar::new();
        let site = url("http://a.test/");
        let now = SystemTime::now();
        jar.store_at(&site, "k=1", now);
        jar.store_at(&site, "k=2", now);
        assert_eq!(jar.header_at(&site, now).as_deref(), Some("k=2"));
        jar.store_at(&site, "short=1; Max-Age=10", now);
        assert_eq!(jar.header_at(&site, now + Duration::from_secs(11)).as_deref(), Some("k=2"));
        jar.store_at(&site, "k=gone; Max-Age=0", now);
        jar.store_at(&site, "short=x; Expires=Thu, 01 Jan 1970 00:00:00 GMT", now);
        assert_eq!(jar.header_at(&site, now), None);
        assert!(jar.is_empty());
    }

    #[test]
    fn parses_imf_fixdates() {
        let date = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(date.duration_since(UNIX_EPOCH).unwrap().as_secs(), 784_111_777);
        assert_eq!(parse_http_date("yesterday"), None);
    }
}
