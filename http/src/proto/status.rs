//! `StatusCode`: the three digits that open every response.
//!
//! A status is a number from 100 to 999 with a class in its first digit
//! (1xx informational, 2xx success, 3xx redirection, 4xx client error,
//! 5xx server error). The reason phrase after it is for people only
//! (RFC 9112 §4: clients ignore it), so this type is a `u16` with a table
//! of the usual phrases. aiohttp names statuses as exception classes
//! (`web.HTTPNotFound`); Python's `http.HTTPStatus` and the `http` crate's
//! `StatusCode` are this same newtype with constants.
//!
//! Chapter: docs/src/22-writing-responses.md

use std::fmt;

/// An HTTP status code, 100 to 999.
///
/// ```
/// use aioli_http::StatusCode;
/// assert_eq!(StatusCode::NOT_FOUND.as_u16(), 404);
/// assert_eq!(StatusCode::NOT_FOUND.reason(), "Not Found");
/// assert_eq!(StatusCode::from_u16(299).map(|s| s.is_success()), Ok(true));
/// assert!(StatusCode::from_u16(42).is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatusCode(u16);

/// A number outside 100..=999 given as a status code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidStatusCode(pub u16);

impl fmt::Display for InvalidStatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} is not an HTTP status code: it must be a number from 100 to 999", self.0)
    }
}

impl std::error::Error for InvalidStatusCode {}

macro_rules! statuses {
    ($($name:ident = $code:expr, $reason:expr;)*) => {
        impl StatusCode {
            $(
                #[doc = concat!("`", stringify!($code), " ", $reason, "`")]
                pub const $name: StatusCode = StatusCode($code);
            )*

            /// The standard reason phrase, or `""` for a code without one.
            pub fn reason(self) -> &'static str {
                match self.0 {
                    $($code => $reason,)*
                    _ => "",
                }
            }
        }
    };
}

statuses! {
    CONTINUE = 100, "Continue";
    SWITCHING_PROTOCOLS = 101, "Switching Protocols";
    OK = 200, "OK";
    CREATED = 201, "Created";
    ACCEPTED = 202, "Accepted";
    NO_CONTENT = 204, "No Content";
    PARTIAL_CONTENT = 206, "Partial Content";
    MOVED_PERMANENTLY = 301, "Moved Permanently";
    FOUND = 302, "Found";
    SEE_OTHER = 303, "See Other";
    NOT_MODIFIED = 304, "Not Modified";
    TEMPORARY_REDIRECT = 307, "Temporary Redirect";
    PERMANENT_REDIRECT = 308, "Permanent Redirect";
    BAD_REQUEST = 400, "Bad Request";
    UNAUTHORIZED = 401, "Unauthorized";
    FORBIDDEN = 403, "Forbidden";
    NOT_FOUND = 404, "Not Found";
    METHOD_NOT_ALLOWED = 405, "Method Not Allowed";
    NOT_ACCEPTABLE = 406, "Not Acceptable";
    REQUEST_TIMEOUT = 408, "Request Timeout";
    CONFLICT = 409, "Conflict";
    GONE = 410, "Gone";
    LENGTH_REQUIRED = 411, "Length Required";
    PAYLOAD_TOO_LARGE = 413, "Content Too Large";
    URI_TOO_LONG = 414, "URI Too Long";
    UNSUPPORTED_MEDIA_TYPE = 415, "Unsupported Media Type";
    EXPECTATION_FAILED = 417, "Expectation Failed";
    IM_A_TEAPOT = 418, "I'm a teapot";
    UNPROCESSABLE_ENTITY = 422, "Unprocessable Content";
    UPGRADE_REQUIRED = 426, "Upgrade Required";
    TOO_MANY_REQUESTS = 429, "Too Many Requests";
    REQUEST_HEADER_FIELDS_TOO_LARGE = 431, "Request Header Fields Too Large";
    INTERNAL_SERVER_ERROR = 500, "Internal Server Error";
    NOT_IMPLEMENTED = 501, "Not Implemented";
    BAD_GATEWAY = 502, "Bad Gateway";
    SERVICE_UNAVAILABLE = 503, "Service Unavailable";
    GATEWAY_TIMEOUT = 504, "Gateway Timeout";
    HTTP_VERSION_NOT_SUPPORTED = 505, "HTTP Version Not Supported";
}

impl StatusCode {
    /// The status `code`, if it is in 100..=999.
    pub fn from_u16(code: u16) -> Result<StatusCode, InvalidStatusCode> {
        if (100..=999).contains(&code) {
            Ok(StatusCode(code))
        } else {
            Err(InvalidStatusCode(code))
        }
    }

    /// The number.
    pub fn as_u16(self) -> u16 {
        self.0
    }

    /// 1xx: an interim answer; the final one follows.
    pub fn is_informational(self) -> bool {
        (100..200).contains(&self.0)
    }

    /// 2xx.
    pub fn is_success(self) -> bool {
        (200..300).contains(&self.0)
    }

    /// 3xx.
    pub fn is_redirection(self) -> bool {
        (300..400).contains(&self.0)
    }

    /// 4xx.
    pub fn is_client_error(self) -> bool {
        (400..500).contains(&self.0)
    }

    /// 5xx.
    pub fn is_server_error(self) -> bool {
        (500..600).contains(&self.0)
    }

    /// Whether a response with this status never has a body (RFC 9110
    /// §6.4.1): 1xx, 204 and 304. A HEAD response has none either, but
    /// that depends on the request, not the status.
    pub fn forbids_body(self) -> bool {
        self.is_informational() || self.0 == 204 || self.0 == 304
    }
}

impl fmt::Display for StatusCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.0, self.reason())
    }
}

impl TryFrom<u16> for StatusCode {
    type Error = InvalidStatusCode;

    fn try_from(code: u16) -> Result<StatusCode, InvalidStatusCode> {
        StatusCode::from_u16(code)
    }
}
