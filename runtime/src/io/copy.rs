//! `copy`: pump a reader into a writer until the reader ends.
//!
//! Chapter: docs/src/15-io.md

use std::io;

use super::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Copies everything from `reader` to `writer`, then flushes; returns the
/// number of bytes copied. An echo server is `copy(&mut read_half, &mut
/// write_half)`.
///
/// ```
/// aioli::run(async {
///     let mut out = Vec::new();
///     let copied = aioli::io::copy(&mut &b"some bytes"[..], &mut out).await.unwrap();
///     assert_eq!((copied, out.as_slice()), (10, &b"some bytes"[..]));
/// });
/// ```
pub async fn copy<R, W>(reader: &mut R, writer: &mut W) -> io::Result<u64>
where
    R: AsyncRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    // 64 KiB on the heap: large enough that a bulk transfer costs few
    // system calls per megabyte; on the heap so the future stays small.
    let mut chunk = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let n = reader.read(&mut chunk).await?;
        if n == 0 {
            writer.flush().await?;
            return Ok(total);
        }
        writer.write_all(&chunk[..n]).await?;
        total += n as u64;
    }
}
