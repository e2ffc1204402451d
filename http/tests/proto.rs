//! The sans-IO framing, byte by byte: every split point of valid input
//! gives the same result as the whole, and a table of malformed inputs
//! gives the expected error and status. No sockets, no loop.

use aioli_http::proto::body::{request_framing, BodyDecoder, Decoded, Framing};
use aioli_http::proto::request_head::{parse_request_head, HeadLimits, RequestHead};
use aioli_http::proto::ParseError;
use aioli_http::{Method, Version};

const LIMITS: HeadLimits = HeadLimits { max_head_bytes: 64 * 1024, max_headers: 100, max_target_bytes: 8 * 1024 };

/// Feeds `pieces` to a decoder the way a connection does: append to a
/// buffer, decode, consume what was used. Returns (body, bytes after it).
fn decode_pieces(framing: Framing, pieces: &[&[u8]]) -> Result<(Vec<u8>, Vec<u8>), ParseError> {
    let mut decoder = BodyDecoder::new(framing);
    let mut buffer: Vec<u8> = Vec::new();
    let mut body = Vec::new();
    let mut done = decoder.is_done();
    for piece in pieces {
        buffer.extend_from_slice(piece);
        while !done {
            let (used, found) = decoder.decode(&buffer)?;
            assert!(used <= buffer.len());
            let stop = match found {
                Decoded::Data(data) => {
                    assert!(!data.is_empty(), "Data is never empty");
                    body.extend_from_slice(data);
                    false
                }
                Decoded::NeedMore => {
                    assert_eq!(used, buffer.len(), "NeedMore uses all input");
                    true
                }
                Decoded::Done => {
                    done = true;
                    true
                }
            };
            buffer.drain(..used);
            if stop {
                break;
            }
        }
    }
    if !done {
        decoder.finish_at_eof()?;
    }
    Ok((body, buffer))
}

/// Parses a complete message: head, framing, body. What the server does.
fn parse_message(input: &[u8]) -> Result<(RequestHead, Vec<u8>, Vec<u8>), ParseError> {
    let (head, used) = parse_request_head(input, &LIMITS)?.ok_or(ParseError::IncompleteBody)?;
    let framing = request_framing(&head.headers)?;
    let (body, rest) = decode_pieces(framing, &[&input[used..]])?;
    Ok((head, body, rest))
}

const VALID: &[(&str, &[u8], &str, &[u8])] = &[
    // (name, message, expected target, expected body)
    ("simple GET", b"GET /hello?x=1 HTTP/1.1\r\nHost: a\r\n\r\n", "/hello?x=1", b""),
    ("leading empty line", b"\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", "/", b""),
    ("HTTP/1.0 without Host", b"GET / HTTP/1.0\r\n\r\n", "/", b""),
    ("content-length body", b"POST /e HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello", "/e", b"hello"),
    ("equal repeated lengths", b"POST /e HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\n\r\nabc", "/e", b"abc"),
    (
        "chunked with extension and trailer",
        b"POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;name=val\r\nhello\r\n1 ; x\r\n!\r\n0\r\nExpires: never\r\n\r\n",
        "/c",
        b"hello!",
    ),
    (
        "chunked, upper-case hex",
        b"PUT /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n",
        "/c",
        b"0123456789",
    ),
    ("absolute form", b"GET http://example.com:8080/p?q HTTP/1.1\r\nHost: x\r\n\r\n", "/p?q", b""),
    ("absolute form without path", b"GET http://example.com HTTP/1.1\r\nHost: x\r\n\r\n", "/", b""),
    ("OPTIONS *", b"OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", "*", b""),
    ("obs-text value", b"GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf\xe9\r\n\r\n", "/", b""),
];

#[test]
fn valid_requests_parse_the_same_at_every_split_point() {
    let trailer = b"GET /next HTTP/1.1\r\n"; // the start of a pipelined request
    for (name, message, target, body) in VALID {
        let mut input = message.to_vec();
        input.extend_from_slice(trailer);
        let (head, used) = parse_request_head(&input, &LIMITS).unwrap().unwrap_or_else(|| panic!("{name}: incomplete"));
        assert_eq!(head.target, *target, "{name}");
        let framing = request_framing(&head.headers).unwrap();

        // Head: every prefix shorter than the head is "not yet", never an error.
        for cut in 0..used {
            assert_eq!(parse_request_head(&input[..cut], &LIMITS), Ok(None), "{name}: prefix of {cut} bytes");
        }
        // Body: two pieces at every split, and byte by byte.
        let rest = &input[used..];
        for cut in 0..=rest.len() {
            let (got, left) = decode_pieces(framing, &[&rest[..cut], &rest[cut..]]).unwrap();
            assert_eq!((got.as_slice(), left.as_slice()), (*body, &trailer[..]), "{name}: split at {cut}");
        }
        let bytes: Vec<&[u8]> = rest.chunks(1).collect();
        let (got, left) = decode_pieces(framing, &bytes).unwrap();
        assert_eq!((got.as_slice(), left.as_slice()), (*body, &trailer[..]), "{name}: byte by byte");
    }
}

#[test]
fn parsed_fields() {
    let (head, body, _) =
        parse_message(b"POST /form?a=1 HTTP/1.0\r\nHost: h\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nhi")
            .unwrap();
    assert_eq!(head.method, Method::Post);
    assert_eq!(head.version, Version::Http10);
    assert_eq!((head.path(), head.query()), ("/form", "a=1"));
    assert!(head.wants_keep_alive());
    assert_eq!(body, b"hi");
    let (head, _, _) = parse_message(b"GET http://Example.com:81/x HTTP/1.1\r\nHost: other\r\n\r\n").unwrap();
    assert_eq!(head.authority.as_deref(), Some("Example.com:81"));
    for host in ["", "a", "a:", "a:8080", "127.0.0.1:9", "[::1]", "[::1]:8080", "xn--caf-dma.test"] {
        let request = format!("GET / HTTP/1.1\r\nHost: {host}\r\n\r\n");
        assert!(parse_message(request.as_bytes()).is_ok(), "Host: {host}");
    }
    let (head, _, _) = parse_message(b"GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").unwrap();
    assert!(!head.wants_keep_alive());
    let (head, _, _) = parse_message(b"GET / HTTP/1.0\r\n\r\n").unwrap();
    assert!(!head.wants_keep_alive());
    let (head, _, _) =
        parse_message(b"POST / HTTP/1.0\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
            .unwrap();
    assert!(!head.wants_keep_alive(), "1.0 with a transfer coding closes");
}

/// (name, input, expected error). The status is checked from the error.
const MALFORMED: &[(&str, &[u8], ParseError, u16)] = &[
    ("no version", b"GET /\r\nHost: a\r\n\r\n", ParseError::BadRequestLine, 400),
    ("two spaces", b"GET  / HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::BadRequestLine, 400),
    ("lower-case version", b"GET / http/1.1\r\nHost: a\r\n\r\n", ParseError::BadRequestLine, 400),
    ("garbage version", b"GET / HTTX/1.1\r\nHost: a\r\n\r\n", ParseError::BadRequestLine, 400),
    ("method with a slash", b"GE/T / HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::BadRequestLine, 400),
    ("control byte in target", b"GET /a\x01b HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::BadRequestLine, 400),
    ("HTTP/2 preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", ParseError::UnsupportedVersion, 505),
    (
        "HTTP/2 preface after an empty line",
        b"\r\nPRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        ParseError::UnsupportedVersion,
        505,
    ),
    // Not a version problem: an unencoded space in the target.
    ("space in the target", b"GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::BadRequestLine, 400),
    ("space in the target, line cut", b"GET /a b HTTP/1.1", ParseError::BadRequestLine, 400),
    ("HTTP/1.2", b"GET / HTTP/1.2\r\nHost: a\r\n\r\n", ParseError::UnsupportedVersion, 505),
    ("HTTP/3.0", b"GET / HTTP/3.0\r\nHost: a\r\n\r\n", ParseError::UnsupportedVersion, 505),
    ("space before colon", b"GET / HTTP/1.1\r\nHost : a\r\n\r\n", ParseError::BadHeader, 400),
    ("no colon", b"GET / HTTP/1.1\r\nHost: a\r\nJunk\r\n\r\n", ParseError::BadHeader, 400),
    ("bad header name", b"GET / HTTP/1.1\r\nHost: a\r\nX(y): 1\r\n\r\n", ParseError::BadHeader, 400),
    ("empty header name", b"GET / HTTP/1.1\r\nHost: a\r\n: v\r\n\r\n", ParseError::BadHeader, 400),
    ("control byte in value", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\x01b\r\n\r\n", ParseError::BadHeader, 400),
    ("NUL in value", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\0b\r\n\r\n", ParseError::BadHeader, 400),
    ("whitespace before the first header", b"GET / HTTP/1.1\r\n Host: a\r\n\r\n", ParseError::BadHeader, 400),
    ("bare CR in request line", b"GET / HTTP/1.1\rHost: a\r\n\r\n", ParseError::BadRequestLine, 400),
    ("obs-fold", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n", ParseError::BadHeader, 400),
    ("bare CR in value", b"GET / HTTP/1.1\r\nHost: a\r\nX: a\rb\r\n\r\n", ParseError::BadHeader, 400),
    ("missing Host in 1.1", b"GET / HTTP/1.1\r\nX: 1\r\n\r\n", ParseError::MissingHost, 400),
    ("two Hosts", b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", ParseError::DuplicateHost, 400),
    ("two Hosts in 1.0", b"GET / HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n", ParseError::DuplicateHost, 400),
    ("Host with a path", b"GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", ParseError::BadHost, 400),
    ("Host with two colons", b"GET / HTTP/1.1\r\nHost: a:b:c\r\n\r\n", ParseError::BadHost, 400),
    ("Host port not a number", b"GET / HTTP/1.1\r\nHost: a:http\r\n\r\n", ParseError::BadHost, 400),
    ("Host IPv6 unclosed", b"GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", ParseError::BadHost, 400),
    ("Host IPv6 not hex", b"GET / HTTP/1.1\r\nHost: [::g]\r\n\r\n", ParseError::BadHost, 400),
    ("absolute form with two colons", b"GET http://a:1:2/ HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::BadTarget, 400),
    ("relative target", b"GET index.html HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::BadTarget, 400),
    ("fragment", b"GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::BadTarget, 400),
    ("* for GET", b"GET * HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::BadTarget, 400),
    ("non-ASCII target", b"GET /caf\xc3\xa9 HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::BadTarget, 400),
    ("CONNECT", b"CONNECT a:443 HTTP/1.1\r\nHost: a\r\n\r\n", ParseError::UnsupportedMethod, 501),
    (
        "length not a number",
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5x\r\n\r\n",
        ParseError::BadContentLength,
        400,
    ),
    (
        "length with plus",
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\n",
        ParseError::BadContentLength,
        400,
    ),
    ("negative length", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", ParseError::BadContentLength, 400),
    ("empty length", b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n", ParseError::BadContentLength, 400),
    (
        "length overflow",
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n",
        ParseError::BadContentLength,
        400,
    ),
    (
        "differing lengths",
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
        ParseError::BadContentLength,
        400,
    ),
    (
        "differing lengths in a list",
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\nhello!",
        ParseError::BadContentLength,
        400,
    ),
    (
        "length and chunked",
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        ParseError::ContentLengthAndTransferEncoding,
        400,
    ),
    (
        "chunked then length",
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
        ParseError::ContentLengthAndTransferEncoding,
        400,
    ),
    (
        "chunked not last",
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
        ParseError::ChunkedNotLast,
        400,
    ),
    ("gzip only", b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n", ParseError::ChunkedNotLast, 400),
    (
        "chunked twice",
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        ParseError::ChunkedNotLast,
        400,
    ),
    (
        "unknown coding before chunked",
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: foo, chunked\r\n\r\n0\r\n\r\n",
        ParseError::UnknownTransferCoding,
        501,
    ),
    (
        "gzip before chunked",
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n",
        ParseError::UnknownTransferCoding,
        501,
    ),
    (
        "chunk size not hex",
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        ParseError::BadChunkSize,
        400,
    ),
    (
        "chunk size missing",
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
        ParseError::BadChunkSize,
        400,
    ),
    (
        "chunk size with 0x",
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0x5\r\n",
        ParseError::BadChunkSize,
        400,
    ),
    (
        "chunk size overflow",
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n",
        ParseError::ChunkSizeOverflow,
        400,
    ),
    (
        "chunk data too long",
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
        ParseError::BadChunkFraming,
        400,
    ),
    (
        "bare LF after size",
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\nab\r\n0\r\n\r\n",
        ParseError::BadChunkSize,
        400,
    ),
    (
        "bare LF after data",
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\n0\r\n\r\n",
        ParseError::BadChunkFraming,
        400,
    ),
    (
        "control byte in extension",
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2;a\x01\r\nab\r\n0\r\n\r\n",
        ParseError::BadChunkFraming,
        400,
    ),
    (
        "body shorter than its length",
        b"POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc",
        ParseError::IncompleteBody,
        400,
    ),
    (
        "chunked body cut off",
        b"POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
        ParseError::IncompleteBody,
        400,
    ),
];

#[test]
fn malformed_requests_give_the_expected_error_and_status() {
    for (name, input, expected, status) in MALFORMED {
        let got = parse_message(input).map(|(head, _, _)| head.target);
        assert_eq!(got, Err(expected.clone()), "{name}");
        assert_eq!(expected.status().as_u16(), *status, "{name}");
        // Every error message names its cause in a sentence.
        assert!(expected.to_string().len() > 20, "{name}");
    }
}

#[test]
fn limits_give_414_and_431() {
    let limits = HeadLimits { max_head_bytes: 200, max_headers: 3, max_target_bytes: 20 };
    let long_target = format!("GET /{} HTTP/1.1\r\nHost: a\r\n\r\n", "a".repeat(20));
    assert_eq!(parse_request_head(long_target.as_bytes(), &limits), Err(ParseError::UriTooLong));
    // Detected while the target is still arriving.
    assert_eq!(parse_request_head(&long_target.as_bytes()[..30], &limits), Err(ParseError::UriTooLong));
    let exactly = format!("GET /{} HTTP/1.1\r\nHost: a\r\n\r\n", "a".repeat(19));
    assert!(parse_request_head(exactly.as_bytes(), &limits).unwrap().is_some());

    let many = b"GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
    assert_eq!(parse_request_head(many, &limits), Err(ParseError::TooManyHeaders));
    let three = b"GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n";
    assert!(parse_request_head(three, &limits).unwrap().is_some());

    let big = format!("GET / HTTP/1.1\r\nHost: a\r\nX: {}\r\n\r\n", "v".repeat(200));
    assert_eq!(parse_request_head(big.as_bytes(), &limits), Err(ParseError::HeadTooLarge));
    // An endless head is refused once the buffer passes the limit.
    assert_eq!(parse_request_head(&big.as_bytes()[..200], &limits), Err(ParseError::HeadTooLarge));
    assert_eq!(parse_request_head(&big.as_bytes()[..199], &limits), Ok(None));

    let wide = HeadLimits { max_headers: 150, ..LIMITS };
    let mut lots = String::from("GET / HTTP/1.1\r\nHost: a\r\n");
    for n in 0..140 {
        lots.push_str(&format!("X-{n}: {n}\r\n"));
    }
    lots.push_str("\r\n");
    assert_eq!(parse_request_head(lots.as_bytes(), &wide).unwrap().unwrap().0.headers.len(), 141);
}

#[test]
fn chunk_metadata_is_limited() {
    let mut input = b"1;".to_vec();
    input.extend(std::iter::repeat_n(b'x', 20 * 1024));
    assert_eq!(decode_pieces(Framing::Chunked, &[&input]), Err(ParseError::TrailersTooLarge));
    let mut trailers = b"0\r\n".to_vec();
    for _ in 0..2000 {
        trailers.extend_from_slice(b"X-Trailer: 1234\r\n");
    }
    assert_eq!(decode_pieces(Framing::Chunked, &[&trailers]), Err(ParseError::TrailersTooLarge));
}

#[test]
fn until_close_and_length_framings() {
    assert_eq!(decode_pieces(Framing::UntilClose, &[b"abc", b"def"]), Ok((b"abcdef".to_vec(), Vec::new())));
    assert_eq!(decode_pieces(Framing::Length(3), &[b"a", b"bcdef"]), Ok((b"abc".to_vec(), b"def".to_vec())));
    assert_eq!(decode_pieces(Framing::Empty, &[b"next"]), Ok((Vec::new(), b"next".to_vec())));
}

#[test]
fn chunked_encoding_round_trips_at_every_split_point() {
    use aioli_http::proto::encode::{write_chunk, LAST_CHUNK};
    let pieces: [&[u8]; 4] = [b"a", &[b'b'; 17], b"", &[b'c'; 300]];
    let mut wire = Vec::new();
    for piece in pieces {
        write_chunk(&mut wire, piece);
    }
    wire.extend_from_slice(LAST_CHUNK);
    let expected: Vec<u8> = pieces.concat();
    for cut in 0..=wire.len() {
        let (body, rest) = decode_pieces(Framing::Chunked, &[&wire[..cut], &wire[cut..]]).unwrap();
        assert_eq!((body.as_slice(), rest.len()), (expected.as_slice(), 0), "split at {cut}");
    }
}
