//! Base64 (RFC 4648, the standard alphabet with `=` padding), just enough
//! for `Authorization: Basic …` headers and the WebSocket handshake's keys.
//!
//! Three bytes are 24 bits; base64 writes them as four 6-bit digits from a
//! 64-letter alphabet. A last group of one or two bytes is padded with `=`
//! so the text stays a multiple of four. The test app's `/basic-auth`
//! route decodes the header with [`decode`]; the client builds one with
//! [`encode`]; the WebSocket handshake (`ws/handshake.rs`) encodes its
//! nonce and accept key and checks the client's key with [`decode`].
//!
//! Production code would use the `base64` crate (fast, every alphabet,
//! no padding variants); twenty lines keep the idea visible and spare a
//! dependency for a few headers.
//!
//! Chapter: docs/src/23-routing-and-middleware.md

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Encodes `bytes` as padded base64.
///
/// ```
/// use aioli_http::proto::base64;
/// assert_eq!(base64::encode(b"user:pass"), "dXNlcjpwYXNz");
/// assert_eq!(base64::encode(b"a"), "YQ==");
/// ```
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let b = [group[0], *group.get(1).unwrap_or(&0), *group.get(2).unwrap_or(&0)];
        let bits = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            // A group of n bytes carries n + 1 digits; the rest is padding.
            if i <= group.len() {
                out.push(char::from(ALPHABET[((bits >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes padded base64; `None` if `text` is not valid base64 (a letter
/// outside the alphabet, a length that is not a multiple of 4, padding in
/// the middle).
///
/// ```
/// use aioli_http::proto::base64;
/// assert_eq!(base64::decode("dXNlcjpwYXNz").as_deref(), Some(&b"user:pass"[..]));
/// assert_eq!(base64::decode("not base64!"), None);
/// ```
pub fn decode(text: &str) -> Option<Vec<u8>> {
    let text = text.as_bytes();
    if text.len() % 4 != 0 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let groups = text.len() / 4;
    for (index, group) in text.chunks(4).enumerate() {
        let padding = group.iter().rev().take_while(|&&c| c == b'=').count();
        // Padding is only allowed at the very end, and at most two letters.
        if padding > 2 || (padding > 0 && index + 1 != groups) {
            return None;
        }
        let mut bits = 0u32;
        for &c in &group[..4 - padding] {
            let digit = ALPHABET.iter().position(|&a| a == c)? as u32;
            bits = (bits << 6) | digit;
        }
        bits <<= 6 * padding as u32;
        let decoded = [(bits >> 16) as u8, (bits >> 8) as u8, bits as u8];
        out.extend_from_slice(&decoded[..3 - padding]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_length_and_byte() {
        let all: Vec<u8> = (0..=255).collect();
        for len in 0..all.len() {
            let encoded = encode(&all[..len]);
            assert_eq!(encoded.len() % 4, 0);
            assert_eq!(decode(&encoded).as_deref(), Some(&all[..len]), "length {len}");
        }
    }

    #[test]
    fn known_vectors_from_rfc_4648() {
        for (plain, coded) in
            [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE=")]
        {
            assert_eq!(encode(plain.as_bytes()), coded);
            assert_eq!(decode(coded).as_deref(), Some(plain.as_bytes()));
        }
    }

    #[test]
    fn rejects_what_is_not_base64() {
        for bad in ["abc", "ab!d", "Zg==Zg==", "Z===", "===="] {
            assert_eq!(decode(bad), None, "{bad:?}");
        }
    }
}
