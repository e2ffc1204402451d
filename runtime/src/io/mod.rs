//! Async IO traits: reading and writing that can say "not yet".
//!
//! `std::io::Read::read` blocks the thread until data arrives. Its async
//! counterpart, [`AsyncRead::poll_read`], instead returns `Poll::Pending`
//! when no data is there and arranges for the task to be woken when some
//! arrives (for a socket, through the reactor). [`AsyncWrite`] does the
//! same for writes, plus `poll_flush` and `poll_shutdown` (the end of the
//! write direction: TCP's FIN, asyncio's `write_eof`).
//!
//! The traits have the shape of the `futures-io` crate's (and tokio's
//! without its `ReadBuf`): poll methods taking `Pin<&mut Self>`. On top of
//! them, [`AsyncReadExt`] and [`AsyncWriteExt`] give the methods one
//! actually calls (`read`, `read_exact`, `write_all`, …) as futures, and
//! [`BufReader`] / [`BufWriter`] add buffering, with [`AsyncBufReadExt`]'s
//! `read_line` and `lines()` for line protocols. [`copy`] pumps a reader
//! into a writer.
//!
//! Chapter: docs/src/15-io.md

mod buf_reader;
mod buf_writer;
mod copy;
mod ext;
mod traits;

pub use buf_reader::{BufReader, Lines};
pub use buf_writer::BufWriter;
pub use copy::copy;
pub use ext::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};
pub use traits::{AsyncBufRead, AsyncRead, AsyncWrite};
