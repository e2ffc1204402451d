//! The WebSocket frame codec and message assembler, byte by byte: every
//! split point of a stream of frames decodes to the same messages as the
//! whole, and a table of malformed frames gives the expected close code.
//! No sockets, no loop.

use aioli_http::ws::frame::{apply_mask, encode, Frame, FrameDecoder, Opcode, ProtocolError, Role};
use aioli_http::ws::message::Assembler;
use aioli_http::ws::{CloseCode, CloseFrame, Message};

const LIMIT: usize = 1 << 20;

/// Feeds `pieces` the way the socket does: append, decode whole frames,
/// consume them, assemble messages. Stops at the first error.
fn receive(role: Role, limit: usize, pieces: &[&[u8]]) -> Result<Vec<Message>, ProtocolError> {
    let decoder = FrameDecoder::new(role, limit);
    let mut assembler = Assembler::new(limit);
    let mut buffer = Vec::new();
    let mut messages = Vec::new();
    for piece in pieces {
        buffer.extend_from_slice(piece);
        while let Some((frame, used)) = decoder.decode(&buffer)? {
            assert!(used <= buffer.len());
            buffer.drain(..used);
            if let Some(message) = assembler.push(frame)? {
                messages.push(message);
            }
        }
    }
    assert!(buffer.is_empty(), "{} bytes left undecoded", buffer.len());
    Ok(messages)
}

fn frame(fin: bool, opcode: Opcode, payload: &[u8]) -> Frame {
    Frame { fin, opcode, payload: payload.to_vec() }
}

/// A client's stream: a text, a fragmented text with a ping between its
/// fragments, a 300-byte binary (16-bit length), a 70000-byte binary
/// (64-bit length), a pong, and a close.
fn client_stream() -> (Vec<u8>, Vec<Message>) {
    let big: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
    let medium: Vec<u8> = (0..300u32).map(|i| i as u8).collect();
    let frames = [
        frame(true, Opcode::Text, "héllo".as_bytes()),
        frame(false, Opcode::Text, b"frag"),
        frame(true, Opcode::Ping, b"are you there"),
        frame(false, Opcode::Continuation, "men".as_bytes()),
        frame(true, Opcode::Continuation, "ted ✓".as_bytes()),
        frame(true, Opcode::Binary, &medium),
        frame(true, Opcode::Binary, &big),
        frame(true, Opcode::Pong, b""),
        frame(true, Opcode::Close, &[0x03, 0xE8, b'b', b'y', b'e']),
    ];
    let mut bytes = Vec::new();
    for (i, frame) in frames.iter().enumerate() {
        encode(frame, Some([i as u8, 0xA5, 0x5A, 0xFF]), &mut bytes);
    }
    let messages = vec![
        Message::text("héllo"),
        Message::Ping(b"are you there".to_vec()),
        Message::text("fragmented ✓"),
        Message::Binary(medium),
        Message::Binary(big),
        Message::Pong(Vec::new()),
        Message::Close(Some(CloseFrame::new(CloseCode::NORMAL, "bye"))),
    ];
    (bytes, messages)
}

#[test]
fn a_stream_decodes_the_same_at_every_split_point() {
    let (bytes, expected) = client_stream();
    assert_eq!(receive(Role::Server, LIMIT, &[&bytes]).as_ref(), Ok(&expected));
    // The small frames at every split; the big one at a spread of splits.
    for split in (0..bytes.len()).filter(|&at| at < 400 || at % 997 == 0 || at > bytes.len() - 40) {
        let (a, b) = bytes.split_at(split);
        assert_eq!(receive(Role::Server, LIMIT, &[a, b]).as_ref(), Ok(&expected), "split at {split}");
    }
}

#[test]
fn a_stream_decodes_the_same_one_byte_at_a_time() {
    let (bytes, expected) = client_stream();
    let pieces: Vec<&[u8]> = bytes.chunks(1).collect();
    assert_eq!(receive(Role::Server, LIMIT, &pieces), Ok(expected));
}

#[test]
fn every_length_form_round_trips_for_both_roles() {
    for len in [0, 1, 125, 126, 127, 65_535, 65_536, 100_000] {
        let payload: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
        let sent = frame(true, Opcode::Binary, &payload);
        for (mask, role) in [(None, Role::Client), (Some([9, 8, 7, 6]), Role::Server)] {
            let mut bytes = Vec::new();
            encode(&sent, mask, &mut bytes);
            let decoded = FrameDecoder::new(role, LIMIT).decode(&bytes);
            assert_eq!(decoded, Ok(Some((sent.clone(), bytes.len()))), "length {len}, {role:?}");
            // One byte short is never a frame.
            assert_eq!(FrameDecoder::new(role, LIMIT).decode(&bytes[..bytes.len() - 1]), Ok(None));
        }
    }
}

#[test]
fn masking_twice_gives_the_payload_back() {
    let mut payload = b"Hello, proxies".to_vec();
    apply_mask(&mut payload, [0x37, 0xfa, 0x21, 0x3d]);
    assert_ne!(payload, b"Hello, proxies");
    apply_mask(&mut payload, [0x37, 0xfa, 0x21, 0x3d]);
    assert_eq!(payload, b"Hello, proxies");
    // RFC 6455 §5.7: a masked "Hello" from a client.
    let bytes = [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58];
    assert_eq!(receive(Role::Server, LIMIT, &[&bytes]), Ok(vec![Message::text("Hello")]));
}

/// A masked client frame with raw header bytes: `first`, then the length
/// byte with MASK set, then `rest` (extended length), key 0, payload.
fn raw(first: u8, length: u8, extended: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut bytes = vec![first, 0x80 | length];
    bytes.extend_from_slice(extended);
    bytes.extend_from_slice(&[0, 0, 0, 0]);
    bytes.extend_from_slice(payload);
    bytes
}

#[test]
fn malformed_frames_close_with_the_right_code() {
    let long_ping = vec![0u8; 126];
    let cases: Vec<(&str, Vec<u8>, u16)> = vec![
        ("RSV1 set", raw(0x81 | 0x40, 1, &[], b"x"), 1002),
        ("RSV3 set", raw(0x81 | 0x10, 1, &[], b"x"), 1002),
        ("reserved opcode 3", raw(0x83, 0, &[], b""), 1002),
        ("reserved control opcode 0xB", raw(0x8B, 0, &[], b""), 1002),
        ("unmasked client frame", vec![0x81, 0x01, b'x'], 1002),
        ("fragmented ping", raw(0x09, 0, &[], b""), 1002),
        ("ping over 125 bytes", raw(0x89, 126, &[0, 126], &long_ping), 1002),
        ("16-bit length under 126", raw(0x82, 126, &[0, 5], b"12345"), 1002),
        ("64-bit length under 65536", raw(0x82, 127, &[0, 0, 0, 0, 0, 0, 0, 5], b"12345"), 1002),
        ("64-bit length with the top bit", raw(0x82, 127, &[0x80, 0, 0, 0, 0, 0, 0, 1], b""), 1002),
        ("continuation with nothing to continue", raw(0x80, 1, &[], b"x"), 1002),
        ("new text inside a fragmented message", [raw(0x01, 1, &[], b"a"), raw(0x81, 1, &[], b"b")].concat(), 1002),
        ("text that is not UTF-8", raw(0x81, 2, &[], &[0xC3, 0x28]), 1007),
        (
            "fragmented text not UTF-8 at the end",
            [raw(0x01, 1, &[], &[0xE2]), raw(0x80, 1, &[], &[0x28])].concat(),
            1007,
        ),
        ("close with a 1-byte payload", raw(0x88, 1, &[], &[3]), 1002),
        ("close with code 1005", raw(0x88, 2, &[], &[0x03, 0xED]), 1002),
        ("close with code 999", raw(0x88, 2, &[], &[0x03, 0xE7]), 1002),
        ("close with code 2000", raw(0x88, 2, &[], &[0x07, 0xD0]), 1002),
        ("close reason not UTF-8", raw(0x88, 3, &[], &[0x03, 0xE8, 0xFF]), 1007),
        ("frame over the limit (from its header)", raw(0x82, 127, &[0, 0, 0, 0, 0, 0x20, 0, 0], b""), 1009),
        (
            "fragments over the limit together",
            [raw(0x02, 100, &[], &[0; 100]), raw(0x80, 100, &[], &[0; 100])].concat(),
            1009,
        ),
    ];
    for (name, bytes, code) in cases {
        let got = receive(Role::Server, 150, &[&bytes]).map_err(|error| error.code.0);
        assert_eq!(got, Err(code), "{name}");
    }
    // And the mirror rule: a server must not mask.
    let masked = raw(0x81, 1, &[], b"x");
    assert_eq!(receive(Role::Client, LIMIT, &[&masked]).map_err(|error| error.code.0), Err(1002));
}

#[test]
fn a_valid_close_and_an_empty_close_are_messages() {
    let coded = raw(0x88, 2, &[], &[0x0F, 0xA0]); // 4000, an application code
    assert_eq!(
        receive(Role::Server, LIMIT, &[&coded]),
        Ok(vec![Message::Close(Some(CloseFrame::new(CloseCode(4000), "")))])
    );
    assert_eq!(receive(Role::Server, LIMIT, &[&raw(0x88, 0, &[], b"")]), Ok(vec![Message::Close(None)]));
}
