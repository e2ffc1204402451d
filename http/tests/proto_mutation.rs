//! 100 000 mutated requests through the parser and the body decoders.
//!
//! Valid requests are damaged by a hand-written xorshift generator with a
//! fixed seed (flip, insert or delete a few bytes), so every run tests the
//! same inputs and a failure can be replayed. For each one: no panic, and
//! the outcome is either a parsed request or a typed error whose status is
//! one a server answers with. On top, the body decoder must agree with
//! itself whether the input arrives whole or split at a random point.

use aioli_http::proto::body::{request_framing, BodyDecoder, Decoded, Framing};
use aioli_http::proto::request_head::{parse_request_head, HeadLimits};
use aioli_http::proto::ParseError;

/// xorshift64 (Marsaglia, 2003): three shifts and xors, good enough to
/// scatter mutations, and ours, so the sequence never changes under us.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const SEEDS: &[&[u8]] = &[
    b"GET /a/b?c=d HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\n\r\n",
    b"POST /echo HTTP/1.1\r\nHost: h\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world",
    b"PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nT: v\r\n\r\n",
    b"GET http://h:80/p HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    b"DELETE /items/7 HTTP/1.1\r\nHost: h\r\nCookie: a=1; b=2\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n",
];

/// Bytes that make interesting damage: delimiters and framing characters.
const SPICE: &[u8] = b"\r\n :;,0123456789abcdefABCDEF\t\x00\x7f\xff/?#%-chunked";

fn mutate(rng: &mut XorShift, seed: &[u8]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..=rng.below(3) {
        let at = rng.below(bytes.len() + 1);
        let byte = if rng.below(2) == 0 { SPICE[rng.below(SPICE.len())] } else { rng.next() as u8 };
        match rng.below(3) {
            0 if at < bytes.len() => bytes[at] = byte,
            1 if at < bytes.len() => {
                bytes.remove(at);
            }
            _ => bytes.insert(at, byte),
        }
    }
    bytes
}

/// Decodes `input` fed as the given pieces; returns the body and whether
/// the decoder finished, or the error.
fn decode(framing: Framing, pieces: &[&[u8]]) -> Result<(Vec<u8>, bool), ParseError> {
    let mut decoder = BodyDecoder::new(framing);
    let mut buffer = Vec::new();
    let mut body = Vec::new();
    for piece in pieces {
        buffer.extend_from_slice(piece);
        loop {
            let (used, found) = decoder.decode(&buffer)?;
            assert!(used <= buffer.len(), "a decoder used more than it was given");
            let more = matches!(found, Decoded::Data(_));
            if let Decoded::Data(data) = found {
                body.extend_from_slice(data);
            }
            buffer.drain(..used);
            if decoder.is_done() || !more {
                break;
            }
        }
        if decoder.is_done() {
            break;
        }
    }
    Ok((body, decoder.is_done()))
}

#[test]
fn hundred_thousand_mutated_requests() {
    let limits = HeadLimits { max_head_bytes: 1024, max_headers: 16, max_target_bytes: 256 };
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let (mut parsed, mut refused, mut partial) = (0, 0, 0);
    for _ in 0..100_000 {
        let seed = SEEDS[rng.below(SEEDS.len())];
        let input = mutate(&mut rng, seed);
        let outcome = parse_request_head(&input, &limits).and_then(|found| match found {
            None => Ok(None),
            Some((head, used)) => request_framing(&head.headers).map(|framing| Some((head, used, framing))),
        });
        match outcome {
            Ok(None) => partial += 1,
            Ok(Some((head, used, framing))) => {
                assert!(used <= input.len());
                assert!(head.target.starts_with('/') || head.target == "*", "target {:?}", head.target);
                let rest = &input[used..];
                let whole = decode(framing, &[rest]);
                let cut = rng.below(rest.len() + 1);
                let split = decode(framing, &[&rest[..cut], &rest[cut..]]);
                assert_eq!(whole, split, "whole and split decoding disagree on {:?}", String::from_utf8_lossy(&input));
                match whole {
                    Ok(_) => parsed += 1,
                    Err(error) => {
                        assert_eq!(
                            error.status().as_u16(),
                            if error == ParseError::TrailersTooLarge { 431 } else { 400 }
                        );
                        refused += 1;
                    }
                }
            }
            Err(error) => {
                let status = error.status().as_u16();
                assert!([400, 414, 431, 501, 505].contains(&status), "{error:?} -> {status}");
                refused += 1;
            }
        }
    }
    println!("parsed {parsed}, refused {refused}, incomplete {partial}");
    // The mutations must reach both sides, or the test proves little.
    assert!(parsed > 10_000 && refused > 10_000, "parsed {parsed}, refused {refused}");
}
