//! Percent-encoding: how URLs and HTML forms carry arbitrary bytes.
//!
//! A URL may only hold a small set of ASCII characters, so every other
//! byte travels as `%` and two hex digits (`é` in UTF-8 is `%C3%A9`).
//! Query strings and `application/x-www-form-urlencoded` bodies are
//! `name=value` pairs joined by `&`, where a form also writes a space as
//! `+` (an HTML 2.0 habit the WHATWG URL standard keeps).
//!
//! Decoding here is lenient the way browsers and servers are: a `%` not
//! followed by two hex digits is kept as it is, and bytes that are not
//! UTF-8 after decoding become U+FFFD instead of failing the request.
//! Encoding is strict: only the RFC 3986 *unreserved* characters
//! (`A-Z a-z 0-9 - . _ ~`) go out as themselves, which is always safe.
//! Python's `urllib.parse` (`quote`, `unquote_plus`, `parse_qsl`) and the
//! `percent-encoding` / `form_urlencoded` crates do the same jobs; ours are
//! a page of code that can be read in one go.
//!
//! Used by the router (path parameters), `Request::query`, `Request::form`,
//! and the client (query strings and form bodies).
//!
//! Chapter: docs/src/21-parsing-requests.md

use std::borrow::Cow;

/// Decodes `%XX` escapes into bytes. Invalid escapes stay as written.
///
/// ```
/// assert_eq!(&*aioli_http::percent::decode_bytes(b"a%20b%zz"), b"a b%zz");
/// ```
pub fn decode_bytes(input: &[u8]) -> Cow<'_, [u8]> {
    decode_inner(input, false)
}

/// Decodes a URL component (a path segment or a query value, `+` kept)
/// into text; bytes that are not UTF-8 become U+FFFD.
///
/// ```
/// assert_eq!(aioli_http::percent::decode("caf%C3%A9%2Fx+y"), "café/x+y");
/// ```
pub fn decode(input: &str) -> Cow<'_, str> {
    into_text(decode_inner(input.as_bytes(), false), input)
}

/// Decodes a form or query-string component: like [`decode`], and `+` is
/// a space.
///
/// ```
/// assert_eq!(aioli_http::percent::decode_form("a+b%2B"), "a b+");
/// ```
pub fn decode_form(input: &str) -> Cow<'_, str> {
    into_text(decode_inner(input.as_bytes(), true), input)
}

fn decode_inner(input: &[u8], plus_is_space: bool) -> Cow<'_, [u8]> {
    // Most components have nothing to decode: hand the input back as is.
    if !input.iter().any(|&byte| byte == b'%' || (plus_is_space && byte == b'+')) {
        return Cow::Borrowed(input);
    }
    let mut out = Vec::with_capacity(input.len());
    let mut index = 0;
    while index < input.len() {
        let byte = input[index];
        if byte == b'%' {
            let high = input.get(index + 1).and_then(|&b| hex_value(b));
            let low = input.get(index + 2).and_then(|&b| hex_value(b));
            if let (Some(high), Some(low)) = (high, low) {
                out.push(high << 4 | low);
                index += 3;
                continue;
            }
        }
        out.push(if plus_is_space && byte == b'+' { b' ' } else { byte });
        index += 1;
    }
    Cow::Owned(out)
}

fn into_text<'a>(decoded: Cow<'a, [u8]>, original: &'a str) -> Cow<'a, str> {
    match decoded {
        // Nothing was decoded, so the bytes are the (UTF-8) input.
        Cow::Borrowed(_) => Cow::Borrowed(original),
        Cow::Owned(bytes) => match String::from_utf8(bytes) {
            Ok(text) => Cow::Owned(text),
            Err(error) => Cow::Owned(String::from_utf8_lossy(error.as_bytes()).into_owned()),
        },
    }
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Whether a byte goes out as itself everywhere in a URL (RFC 3986's
/// unreserved set).
fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn encode_into(out: &mut String, input: &[u8], keep: impl Fn(u8) -> bool, space_as_plus: bool) {
    for &byte in input {
        if keep(byte) {
            out.push(byte as char);
        } else if space_as_plus && byte == b' ' {
            out.push('+');
        } else {
            out.push('%');
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 0xf)] as char);
        }
    }
}

/// Encodes one URL component (a path segment, a query name or value):
/// everything but the unreserved characters is escaped, `/` included.
///
/// ```
/// assert_eq!(aioli_http::percent::encode("a b/é"), "a%20b%2F%C3%A9");
/// ```
pub fn encode(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    encode_into(&mut out, input.as_bytes(), is_unreserved, false);
    out
}

/// Encodes a path, keeping its `/` separators.
///
/// ```
/// assert_eq!(aioli_http::percent::encode_path("/files/my file.txt"), "/files/my%20file.txt");
/// ```
pub fn encode_path(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    encode_into(&mut out, input.as_bytes(), |byte| is_unreserved(byte) || byte == b'/', false);
    out
}

/// Encodes a form component: as [`encode`], with a space written as `+`.
pub fn encode_form(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    encode_into(&mut out, input.as_bytes(), is_unreserved, true);
    out
}

/// Splits a query string or urlencoded form body into decoded
/// `(name, value)` pairs (`+` is a space). Empty pieces are skipped; a
/// piece without `=` has an empty value. Python: `urllib.parse.parse_qsl`.
///
/// ```
/// let pairs = aioli_http::percent::parse_pairs("q=rust+async&page=2&flag&&x=%41");
/// assert_eq!(pairs, [("q".into(), "rust async".into()), ("page".into(), "2".into()),
///                    ("flag".into(), "".into()), ("x".into(), "A".into())]);
/// ```
pub fn parse_pairs(input: &str) -> Vec<(String, String)> {
    pairs(input).map(|(name, value)| (name.into_owned(), value.into_owned())).collect()
}

/// The pairs of [`parse_pairs`], lazily and borrowing where nothing needed
/// decoding.
pub fn pairs(input: &str) -> impl Iterator<Item = (Cow<'_, str>, Cow<'_, str>)> {
    input.split('&').filter(|piece| !piece.is_empty()).map(|piece| {
        let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
        (decode_form(name), decode_form(value))
    })
}

/// Joins `(name, value)` pairs into `a=1&b=x+y`, the form of a query string
/// and of an `application/x-www-form-urlencoded` body. Python:
/// `urllib.parse.urlencode`.
///
/// ```
/// let body = aioli_http::percent::encode_pairs([("name", "Ada Lovelace"), ("lang", "en&fr")]);
/// assert_eq!(body, "name=Ada+Lovelace&lang=en%26fr");
/// ```
pub fn encode_pairs<I, N, V>(pairs: I) -> String
where
    I: IntoIterator<Item = (N, V)>,
    N: AsRef<str>,
    V: AsRef<str>,
{
    let mut out = String::new();
    for (name, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        encode_into(&mut out, name.as_ref().as_bytes(), is_unreserved, true);
        out.push('=');
        encode_into(&mut out, value.as_ref().as_bytes(), is_unreserved, true);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_byte() {
        let all: String = (0u8..=127).map(char::from).chain("é€😀".chars()).collect();
        assert_eq!(decode(&encode(&all)), all);
        assert_eq!(decode_form(&encode_form(&all)), all);
    }

    #[test]
    fn lenient_decoding() {
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%4"), "%4");
        assert_eq!(decode("%ff"), "\u{fffd}");
        assert!(matches!(decode("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn pairs_with_empty_and_repeated_names() {
        assert_eq!(
            parse_pairs("a=1&a=2&=x"),
            [("a".to_string(), "1".to_string()), ("a".to_string(), "2".to_string()), (String::new(), "x".to_string())]
        );
        assert!(parse_pairs("").is_empty());
    }
}
