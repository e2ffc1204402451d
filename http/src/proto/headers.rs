//! `HeaderMap`: the header fields of a request or a response.
//!
//! A header map is a list, not a dictionary. HTTP allows a name to appear
//! several times (`Set-Cookie`, `Via`), and the order of those repeats is
//! meaningful; names compare without regard to case (`content-length` is
//! `Content-Length`); and a value is a sequence of bytes, not necessarily
//! UTF-8 (RFC 9110 §5.5 allows obs-text, bytes 0x80-0xFF). So the map keeps
//! every field as it arrived, in one byte buffer, with an index of
//! `(name range, value range)` entries in insertion order. Lookups walk the
//! index and compare names case-insensitively.
//!
//! A linear walk sounds slow, but a request has a dozen headers, and the
//! server caps them at 100: comparing a few short names is cheaper than
//! hashing, and one buffer costs one allocation where a map of `String`s
//! costs two per field. The `http` crate (hyper's) uses a Robin Hood hash
//! map with pre-interned standard names, which pays off for proxies that
//! touch many fields; aiohttp uses a `CIMultiDict`, the same list idea.
//!
//! The map does not validate what it stores: the encoder (`encode.rs`)
//! refuses a name that is not a token or a value holding CR, LF or NUL
//! before anything reaches the wire, so a header built from user input
//! cannot split a response in two.
//!
//! Chapter: docs/src/21-parsing-requests.md

use std::fmt;
use std::ops::Range;

/// Header fields: case-insensitive names, repeatable, in insertion order.
///
/// ```
/// use aioli_http::HeaderMap;
///
/// let mut headers = HeaderMap::new();
/// headers.append("Set-Cookie", "a=1");
/// headers.append("set-cookie", "b=2");
/// headers.insert("Content-Type", "text/plain");
/// assert_eq!(headers.get("SET-COOKIE"), Some("a=1"));
/// assert_eq!(headers.get_all("set-cookie").collect::<Vec<_>>(), ["a=1", "b=2"]);
/// headers.insert("content-type", "text/html"); // replaces
/// assert_eq!(headers.get("Content-Type"), Some("text/html"));
/// assert_eq!(headers.len(), 3);
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct HeaderMap {
    /// Every name and value, back to back. Removing a field leaves its
    /// bytes here (they are unreachable, not wrong); `clear` reclaims them.
    bytes: Vec<u8>,
    /// One entry per field, in the order the fields were added.
    entries: Vec<Entry>,
}

/// Where one field's name and value sit in `HeaderMap::bytes`.
#[derive(Clone, PartialEq, Eq)]
struct Entry {
    name: Range<usize>,
    value: Range<usize>,
}

impl HeaderMap {
    /// An empty map.
    pub fn new() -> HeaderMap {
        HeaderMap::default()
    }

    /// An empty map with room for `fields` fields of about 32 bytes each.
    pub fn with_capacity(fields: usize) -> HeaderMap {
        HeaderMap { bytes: Vec::with_capacity(fields * 32), entries: Vec::with_capacity(fields) }
    }

    /// How many fields (a repeated name counts once per value).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no fields.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Removes every field, keeping the allocations for reuse.
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.entries.clear();
    }

    /// The first value of `name` as text; `None` when the field is absent
    /// or its value is not UTF-8 (read those with [`get_bytes`](Self::get_bytes)).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.get_bytes(name).and_then(|value| std::str::from_utf8(value).ok())
    }

    /// The first value of `name`, as the bytes that arrived.
    pub fn get_bytes(&self, name: &str) -> Option<&[u8]> {
        self.position(name).map(|index| self.value_at(index))
    }

    /// Every value of `name` that is UTF-8 text, in order.
    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.get_all_bytes(name).filter_map(|value| std::str::from_utf8(value).ok())
    }

    /// Every value of `name`, as bytes, in order.
    pub fn get_all_bytes<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.entries
            .iter()
            .filter(move |entry| self.bytes[entry.name.clone()].eq_ignore_ascii_case(name.as_bytes()))
            .map(move |entry| &self.bytes[entry.value.clone()])
    }

    /// Whether at least one field is called `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.position(name).is_some()
    }

    /// Sets `name` to `value`, replacing every earlier value of `name`.
    /// The field keeps the position of the first one it replaces.
    pub fn insert(&mut self, name: impl AsRef<str>, value: impl AsRef<[u8]>) {
        let name = name.as_ref();
        match self.position(name) {
            Some(first) => {
                let value = self.push_bytes(value.as_ref());
                self.entries[first].value = value;
                // Drop the later repeats, keeping the first slot's place.
                let mut index = 0;
                self.entries.retain(|entry| {
                    let keep = index <= first || !self.bytes[entry.name.clone()].eq_ignore_ascii_case(name.as_bytes());
                    index += 1;
                    keep
                });
            }
            None => self.append(name, value),
        }
    }

    /// Adds a field, keeping the values `name` already has.
    pub fn append(&mut self, name: impl AsRef<str>, value: impl AsRef<[u8]>) {
        let name = self.push_bytes(name.as_ref().as_bytes());
        let value = self.push_bytes(value.as_ref());
        self.entries.push(Entry { name, value });
    }

    /// Removes every field called `name`; returns whether there was one.
    pub fn remove(&mut self, name: &str) -> bool {
        let before = self.entries.len();
        let bytes = &self.bytes;
        self.entries.retain(|entry| !bytes[entry.name.clone()].eq_ignore_ascii_case(name.as_bytes()));
        self.entries.len() != before
    }

    /// Every field as `(name, value)`, in insertion order, names as they
    /// were written. Values are bytes; `String::from_utf8_lossy` shows them.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> + '_ {
        self.entries.iter().map(move |entry| (self.name_at(entry), &self.bytes[entry.value.clone()]))
    }

    /// Whether the comma-separated list in the `name` fields holds `token`
    /// (case-insensitively), as in `Connection: keep-alive, Upgrade`.
    pub fn has_token(&self, name: &str, token: &str) -> bool {
        self.get_all_bytes(name).any(|value| {
            value.split(|&byte| byte == b',').any(|item| item.trim_ascii().eq_ignore_ascii_case(token.as_bytes()))
        })
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.entries.iter().position(|entry| self.bytes[entry.name.clone()].eq_ignore_ascii_case(name.as_bytes()))
    }

    fn value_at(&self, index: usize) -> &[u8] {
        &self.bytes[self.entries[index].value.clone()]
    }

    /// Every field as raw bytes, in order: for the encoder, which checks
    /// and copies bytes and has no use for `&str` names.
    pub(crate) fn iter_bytes(&self) -> impl Iterator<Item = (&[u8], &[u8])> + '_ {
        self.entries.iter().map(move |entry| (&self.bytes[entry.name.clone()], &self.bytes[entry.value.clone()]))
    }

    fn name_at(&self, entry: &Entry) -> &str {
        // Names enter only through `append(&str)`, so they are UTF-8; the
        // fallback is for the impossible case, not for peers.
        std::str::from_utf8(&self.bytes[entry.name.clone()]).unwrap_or("")
    }

    fn push_bytes(&mut self, data: &[u8]) -> Range<usize> {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(data);
        start..self.bytes.len()
    }
}

impl fmt::Debug for HeaderMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in self.iter() {
            map.entry(&name, &String::from_utf8_lossy(value));
        }
        map.finish()
    }
}

impl<N: AsRef<str>, V: AsRef<[u8]>> FromIterator<(N, V)> for HeaderMap {
    fn from_iter<I: IntoIterator<Item = (N, V)>>(iter: I) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in iter {
            map.append(name, value);
        }
        map
    }
}

/// Whether `name` is an HTTP token (RFC 9110 §5.6.2): the only bytes a
/// field name or a method may hold.
pub fn is_token(name: &[u8]) -> bool {
    !name.is_empty() && name.iter().all(|&byte| is_tchar(byte))
}

fn is_tchar(byte: u8) -> bool {
    // Ranges and bytes in one `matches!` (a table lookup once compiled):
    // every response checks its header names, and searching a string of
    // allowed bytes cost a walk per `-` in names like `Content-Type`.
    matches!(byte,
        b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9'
        | b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~')
}

/// Whether `value` may go on the wire as a field value: no CR, LF or NUL
/// (which would end the field early and let the rest forge new headers)
/// and no other control byte except horizontal tab.
pub fn is_valid_value(value: &[u8]) -> bool {
    value.iter().all(|&byte| byte == b'\t' || (byte >= 0x20 && byte != 0x7f))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_case_insensitive_and_order_is_kept() {
        let mut map = HeaderMap::new();
        map.append("A", "1");
        map.append("b", "2");
        map.append("a", "3");
        assert_eq!(map.get_all("A").collect::<Vec<_>>(), ["1", "3"]);
        let names: Vec<_> = map.iter().map(|(name, _)| name).collect();
        assert_eq!(names, ["A", "b", "a"]);
        map.insert("a", "4");
        assert_eq!(
            map.iter().map(|(n, v)| (n, v.to_vec())).collect::<Vec<_>>(),
            [("A", b"4".to_vec()), ("b", b"2".to_vec())]
        );
        assert!(map.remove("B"));
        assert!(!map.contains("b"));
        assert!(!map.remove("b"));
    }

    #[test]
    fn non_utf8_values_are_kept_as_bytes() {
        let mut map = HeaderMap::new();
        map.append("X", b"caf\xe9".as_slice());
        assert_eq!(map.get("x"), None);
        assert_eq!(map.get_bytes("x"), Some(b"caf\xe9".as_slice()));
    }

    #[test]
    fn tokens_in_lists() {
        let mut map = HeaderMap::new();
        map.append("Connection", "Keep-Alive, Upgrade");
        assert!(map.has_token("connection", "upgrade"));
        assert!(map.has_token("connection", "keep-alive"));
        assert!(!map.has_token("connection", "close"));
    }

    #[test]
    fn validity() {
        assert!(is_token(b"Content-Type"));
        assert!(!is_token(b"Bad Name"));
        assert!(!is_token(b""));
        assert!(is_valid_value(b"a\tb c"));
        assert!(!is_valid_value(b"a\r\nSet-Cookie: x"));
    }
}
