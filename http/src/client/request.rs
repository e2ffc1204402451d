//! `RequestBuilder`: a request described step by step, sent by `send()`.
//!
//! `client.post(url).header(..).query(..).json(&value).send().await`: each
//! call adds one thing to a [`Request`] value, and `send` hands it to the
//! client. A mistake in a step (a URL that does not parse, a header name
//! with a space, a value that does not serialize) is kept and returned by
//! `send`, so the chain reads straight through and the error still says
//! which step it was. The builder owns a clone of the `Client` (a cheap
//! `Rc` clone), so it can outlive the expression that made it.
//!
//! aiohttp takes all of this as keyword arguments of one call
//! (`session.post(url, json=..., params=..., headers=..., timeout=...)`);
//! a builder is how Rust spells optional named arguments, as reqwest does.
//!
//! Chapter: docs/src/33-client-aiohttp-names.md

use std::time::Duration;

use super::error::Error;
use super::response::Response;
use super::url::{Url, UrlError};
use super::Client;
use crate::proto::headers::{is_token, is_valid_value};
use crate::{percent, HeaderMap, Method};

/// Anything that names a URL: `&str`, `String`, or a parsed [`Url`].
pub trait IntoUrl {
    /// Parses (or just passes on) the URL.
    fn into_url(self) -> Result<Url, UrlError>;
}

impl IntoUrl for &str {
    fn into_url(self) -> Result<Url, UrlError> {
        Url::parse(self)
    }
}

impl IntoUrl for String {
    fn into_url(self) -> Result<Url, UrlError> {
        Url::parse(&self)
    }
}

impl IntoUrl for &String {
    fn into_url(self) -> Result<Url, UrlError> {
        Url::parse(self)
    }
}

impl IntoUrl for Url {
    fn into_url(self) -> Result<Url, UrlError> {
        Ok(self)
    }
}

impl IntoUrl for &Url {
    fn into_url(self) -> Result<Url, UrlError> {
        Ok(self.clone())
    }
}

/// A request, ready to send.
#[derive(Debug, Clone)]
pub struct Request {
    /// The method.
    pub method: Method,
    /// Where it goes.
    pub url: Url,
    /// The caller's headers; the client adds `Host`, `Content-Length`,
    /// `Cookie` and its defaults when it sends.
    pub headers: HeaderMap,
    /// The body, if any.
    pub body: Option<Vec<u8>>,
    /// This request's total timeout, overriding the client's.
    pub timeout: Option<Duration>,
}

/// Builds a [`Request`] one step at a time; made by `Client::get` and
/// friends.
#[derive(Debug)]
#[must_use = "a request does nothing until .send().await"]
pub struct RequestBuilder {
    client: Client,
    /// The request so far, or the first mistake made building it.
    request: Result<Request, Error>,
}

impl RequestBuilder {
    pub(crate) fn new(client: Client, method: Method, url: Result<Url, UrlError>) -> RequestBuilder {
        let request = url
            .map(|url| Request { method, url, headers: HeaderMap::new(), body: None, timeout: None })
            .map_err(Error::InvalidUrl);
        RequestBuilder { client, request }
    }

    fn step(mut self, change: impl FnOnce(&mut Request) -> Result<(), Error>) -> RequestBuilder {
        if let Ok(request) = self.request.as_mut() {
            if let Err(error) = change(request) {
                self.request = Err(error);
            }
        }
        self
    }

    /// Sets a header, replacing an earlier value of the same name (and the
    /// client's default for it).
    pub fn header(self, name: &str, value: impl AsRef<str>) -> RequestBuilder {
        let value = value.as_ref().to_string();
        let name = name.to_string();
        self.step(move |request| {
            check_header(&name, &value)?;
            request.headers.insert(&name, value.as_bytes());
            Ok(())
        })
    }

    /// Adds `name=value` pairs to the URL's query string, encoded
    /// (aiohttp's `params=`). Pairs already in the URL are kept.
    pub fn query<I, K, V>(self, pairs: I) -> RequestBuilder
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let encoded = percent::encode_pairs(pairs);
        self.step(move |request| {
            request.url.append_query(&encoded);
            Ok(())
        })
    }

    /// Sets the body to these bytes, sent with a `Content-Length`.
    pub fn body(self, body: impl Into<Vec<u8>>) -> RequestBuilder {
        let body = body.into();
        self.step(move |request| {
            request.body = Some(body);
            Ok(())
        })
    }

    /// Sets the body to `value` as JSON, with `Content-Type:
    /// application/json` (aiohttp's `json=`).
    #[cfg(feature = "json")]
    pub fn json<T: serde::Serialize + ?Sized>(self, value: &T) -> RequestBuilder {
        let body = serde_json::to_vec(value)
            .map_err(|error| Error::InvalidRequest { what: format!("the JSON body could not be serialized: {error}") });
        self.step(move |request| {
            request.body = Some(body?);
            if !request.headers.contains("content-type") {
                request.headers.insert("Content-Type", "application/json");
            }
            Ok(())
        })
    }

    /// Sets the body to `pairs` as an HTML form
    /// (`application/x-www-form-urlencoded`; aiohttp's `data=dict`).
    pub fn form<I, K, V>(self, pairs: I) -> RequestBuilder
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let body = percent::encode_pairs(pairs).into_bytes();
        self.step(move |request| {
            request.body = Some(body);
            if !request.headers.contains("content-type") {
                request.headers.insert("Content-Type", "application/x-www-form-urlencoded");
            }
            Ok(())
        })
    }

    /// HTTP basic authentication: `Authorization: Basic base64(user:password)`
    /// (aiohttp's `auth=BasicAuth(user, password)`).
    pub fn basic_auth(self, user: &str, password: Option<&str>) -> RequestBuilder {
        let value = basic_credentials(user, password);
        self.step(move |request| {
            request.headers.insert("Authorization", value.as_bytes());
            Ok(())
        })
    }

    /// `Authorization: Bearer <token>`.
    pub fn bearer_auth(self, token: &str) -> RequestBuilder {
        let value = format!("Bearer {token}");
        self.header("Authorization", value)
    }

    /// A total timeout for this request alone (send to last body byte),
    /// in place of the client's.
    pub fn timeout(self, limit: Duration) -> RequestBuilder {
        self.step(move |request| {
            request.timeout = Some(limit);
            Ok(())
        })
    }

    /// The request as built so far, or the first mistake.
    pub fn build(self) -> Result<Request, Error> {
        self.request
    }

    /// Sends the request and waits for the response head.
    pub async fn send(self) -> Result<Response, Error> {
        let request = self.request?;
        self.client.execute(request).await
    }
}

fn check_header(name: &str, value: &str) -> Result<(), Error> {
    if !is_token(name.as_bytes()) {
        return Err(Error::InvalidRequest {
            what: format!("the header name {name:?} is not a token (letters, digits and !#$%&'*+-.^_`|~ only)"),
        });
    }
    if !is_valid_value(value.as_bytes()) {
        return Err(Error::InvalidRequest {
            what: format!("the value of header {name} holds a control character (CR, LF or NUL are never allowed)"),
        });
    }
    Ok(())
}

/// The `Authorization` value for basic authentication.
pub(crate) fn basic_credentials(user: &str, password: Option<&str>) -> String {
    let credentials = format!("{user}:{}", password.unwrap_or(""));
    format!("Basic {}", crate::proto::base64::encode(credentials.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_use_rfc4648_base64() {
        assert_eq!(basic_credentials("Aladdin", Some("open sesame")), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert_eq!(basic_credentials("u", None), "Basic dTo=");
    }

    #[test]
    fn steps_build_the_request_and_keep_the_first_error() {
        let client = Client::new();
        let request = client
            .post("http://h.test/p?a=1")
            .query([("b", "x y")])
            .header("X-One", "1")
            .form([("k", "v&w")])
            .basic_auth("u", Some("p"))
            .timeout(Duration::from_secs(1))
            .build()
            .unwrap();
        assert_eq!(request.url.request_target(), "/p?a=1&b=x+y");
        assert_eq!(request.body.as_deref(), Some(&b"k=v%26w"[..]));
        assert_eq!(request.headers.get("content-type"), Some("application/x-www-form-urlencoded"));
        assert_eq!(request.headers.get("authorization"), Some("Basic dTpw"));

        let bad = client.get("http://h.test/").header("Bad Name", "x").header("X-Fine", "y").build();
        assert!(matches!(bad, Err(Error::InvalidRequest { what }) if what.contains("Bad Name")));
        let bad = client.get("http://h.test/").header("X", "a\r\nInjected: 1").build();
        assert!(matches!(bad, Err(Error::InvalidRequest { .. })));
        let bad = client.get("ftp://h.test/").build();
        assert!(matches!(bad, Err(Error::InvalidUrl(_))));
    }
}
