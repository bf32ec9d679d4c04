//! [`AsyncWriteExt`]: the `write_*`, `flush` and `shutdown` methods every
//! [`AsyncWrite`] gets.

use super::buf_traits::Buf;
use super::int_codec::{write_int, Le, WriteInt};
use super::write::{
    flush, shutdown, write, write_all, write_all_buf, write_buf, write_vectored, Flush, Shutdown,
    Write, WriteAll, WriteAllBuf, WriteBuf, WriteVectored,
};
use crate::io::AsyncWrite;
use std::io::IoSlice;

/// Declares `write_<int>` methods with their docs, one per line:
/// `name: codec => value type, example value, "big"/"little", to_bytes method`.
macro_rules! write_int_methods {
    ($($name:ident: $codec:ty => $ty:ty, $value:expr, $endian:literal, $to_bytes:ident;)*) => {$(
        #[doc = concat!("Writes a `", stringify!($ty), "` to the underlying writer in ", $endian, "-endian order.")]
        ///
        /// Equivalent to `async fn(&mut self, n: T) -> io::Result<()>`.
        ///
        /// # Errors
        ///
        /// This method returns the same errors as
        /// [`AsyncWriteExt::write_all`]; a writer that accepts zero bytes
        /// gives `ErrorKind::WriteZero`.
        ///
        /// # Cancel safety
        ///
        /// This method is not cancellation safe: part of the number may have
        /// been written when the future is dropped.
        ///
        /// ```
        /// use weft::io::AsyncWriteExt;
        ///
        /// # #[weft::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        #[doc = concat!("let value: ", stringify!($ty), " = ", stringify!($value), ";")]
        /// let mut writer = Vec::new();
        #[doc = concat!("writer.", stringify!($name), "(value).await?;")]
        #[doc = concat!("assert_eq!(writer, value.", stringify!($to_bytes), "());")]
        /// # Ok(())
        /// # }
        /// ```
        fn $name(&mut self, n: $ty) -> WriteInt<&mut Self, $codec>
        where
            Self: Unpin,
        {
            write_int::<_, $codec>(self, n)
        }
    )*};
}

/// Writes bytes to a sink.
///
/// Implemented as an extension trait, adding utility methods to all
/// [`AsyncWrite`] types. Callers will tend to import this trait instead of
/// [`AsyncWrite`].
///
/// ```
/// use weft::io::{self, AsyncWriteExt};
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> io::Result<()> {
/// let mut out = Vec::new();
/// // `write_all` and `flush` are defined by this trait.
/// out.write_all(b"some bytes").await?;
/// out.flush().await?;
/// assert_eq!(out, b"some bytes");
/// # Ok(())
/// # }
/// ```
///
/// See [module][crate::io] documentation for more details.
pub trait AsyncWriteExt: AsyncWrite {
    /// Writes a buffer into this writer, returning how many bytes were
    /// written.
    ///
    /// Equivalent to `async fn write(&mut self, buf: &[u8]) -> io::Result<usize>;`
    ///
    /// This function will attempt to write the entire contents of `buf`, but
    /// the entire write may not succeed, or the write may also generate an
    /// error. A call to `write` represents *at most one* attempt to write to
    /// any wrapped object.
    ///
    /// # Cancel safety
    ///
    /// This method is cancellation safe in the sense that if it is used as the
    /// event in a `weft::select!` statement and some other branch completes
    /// first, then it is guaranteed that no data was written to this
    /// `AsyncWrite`.
    ///
    /// ```
    /// use weft::io::AsyncWriteExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut out = Vec::new();
    /// let n = out.write(b"some bytes").await?;
    /// assert_eq!(&out[..n], b"some bytes");
    /// # Ok(())
    /// # }
    /// ```
    fn write<'a>(&'a mut self, src: &'a [u8]) -> Write<'a, Self>
    where
        Self: Unpin,
    {
        write(self, src)
    }

    /// Like [`write`], except that it writes from a slice of buffers.
    ///
    /// Equivalent to `async fn write_vectored(&mut self, bufs: &[IoSlice<'_>]) -> io::Result<usize>;`
    ///
    /// See [`AsyncWrite::poll_write_vectored`] for more details.
    ///
    /// # Cancel safety
    ///
    /// This method is cancellation safe: if it is dropped before completing,
    /// no data was written.
    ///
    /// [`write`]: AsyncWriteExt::write
    ///
    /// ```
    /// use std::io::IoSlice;
    /// use weft::io::AsyncWriteExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut out = Vec::new();
    /// let bufs = [IoSlice::new(b"hello"), IoSlice::new(b" world")];
    /// let n = out.write_vectored(&bufs).await?;
    /// assert_eq!(&out[..n], &b"hello world"[..n]);
    /// # Ok(())
    /// # }
    /// ```
    fn write_vectored<'a, 'b>(&'a mut self, bufs: &'a [IoSlice<'b>]) -> WriteVectored<'a, 'b, Self>
    where
        Self: Unpin,
    {
        write_vectored(self, bufs)
    }

    /// Writes a buffer into this writer, advancing the buffer's internal
    /// cursor.
    ///
    /// Equivalent to `async fn write_buf<B: Buf>(&mut self, buf: &mut B) -> io::Result<usize>;`
    ///
    /// This function will attempt to write the entire contents of `buf`, but
    /// the entire write may not succeed. A call to `write_buf` represents *at
    /// most one* attempt to write. The buffer may be a `&[u8]`, a
    /// `VecDeque<u8>` or an `io::Cursor` over bytes.
    ///
    /// # Cancel safety
    ///
    /// This method is cancellation safe: if it is dropped before completing,
    /// no data was written and `buf` is unchanged.
    ///
    /// ```
    /// use std::io::Cursor;
    /// use weft::io::AsyncWriteExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut out = Vec::new();
    /// let mut buffer = Cursor::new(b"data to write");
    /// while out.write_buf(&mut buffer).await? > 0 {}
    /// assert_eq!(out, b"data to write");
    /// # Ok(())
    /// # }
    /// ```
    fn write_buf<'a, B>(&'a mut self, src: &'a mut B) -> WriteBuf<'a, Self, B>
    where
        Self: Sized + Unpin,
        B: Buf,
    {
        write_buf(self, src)
    }

    /// Attempts to write an entire buffer into this writer.
    ///
    /// Equivalent to `async fn write_all_buf(&mut self, buf: impl Buf) -> Result<(), io::Error>`.
    ///
    /// This method will continuously call [`write`] until
    /// [`buf.has_remaining()`] returns false. This method will not return
    /// until the entire buffer has been successfully written or an error
    /// occurs. The first error generated will be returned.
    ///
    /// When the writer [is vectored](AsyncWrite::is_write_vectored), up to
    /// 64 chunks of the buffer are written at once.
    ///
    /// # Cancel safety
    ///
    /// If `write_all_buf` is used as the event in a `weft::select!` statement
    /// and some other branch completes first, then the data in the provided
    /// buffer may have been partially written. However, it is guaranteed that
    /// the provided buffer has been advanced by the amount of bytes that have
    /// been partially written.
    ///
    /// [`write`]: AsyncWriteExt::write
    /// [`buf.has_remaining()`]: https://docs.rs/bytes/latest/bytes/trait.Buf.html#method.has_remaining
    ///
    /// ```
    /// use std::collections::VecDeque;
    /// use weft::io::AsyncWriteExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut out = Vec::new();
    /// let mut queue: VecDeque<u8> = b"queued".iter().copied().collect();
    /// out.write_all_buf(&mut queue).await?;
    /// assert_eq!(out, b"queued");
    /// assert!(queue.is_empty());
    /// # Ok(())
    /// # }
    /// ```
    fn write_all_buf<'a, B>(&'a mut self, src: &'a mut B) -> WriteAllBuf<'a, Self, B>
    where
        Self: Sized + Unpin,
        B: Buf,
    {
        write_all_buf(self, src)
    }

    /// Attempts to write an entire buffer into this writer.
    ///
    /// Equivalent to `async fn write_all(&mut self, buf: &[u8]) -> io::Result<()>;`
    ///
    /// This method will continuously call [`write`] until there is no more
    /// data to be written. This method will not return until the entire
    /// buffer has been successfully written or such an error occurs. The
    /// first error generated from this method will be returned.
    ///
    /// # Cancel safety
    ///
    /// This method is not cancellation safe. If it is used as the event in a
    /// `weft::select!` statement and some other branch completes first, then
    /// the provided buffer may have been partially written, but future calls
    /// to `write_all` will start over from the beginning of the buffer.
    ///
    /// # Errors
    ///
    /// This function will return the first error that [`write`] returns;
    /// a writer that accepts zero bytes gives `ErrorKind::WriteZero`.
    ///
    /// [`write`]: AsyncWriteExt::write
    ///
    /// ```
    /// use weft::io::AsyncWriteExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut out = Vec::new();
    /// out.write_all(b"some bytes").await?;
    /// assert_eq!(out, b"some bytes");
    /// # Ok(())
    /// # }
    /// ```
    fn write_all<'a>(&'a mut self, src: &'a [u8]) -> WriteAll<'a, Self>
    where
        Self: Unpin,
    {
        write_all(self, src)
    }

    write_int_methods! {
        write_u8: u8 => u8, 200, "big", to_be_bytes;
        write_i8: i8 => i8, -5, "big", to_be_bytes;
        write_u16: u16 => u16, 517, "big", to_be_bytes;
        write_i16: i16 => i16, -517, "big", to_be_bytes;
        write_u32: u32 => u32, 267_284, "big", to_be_bytes;
        write_i32: i32 => i32, -267_284, "big", to_be_bytes;
        write_u64: u64 => u64, 0x0102_0304_0506_0708, "big", to_be_bytes;
        write_i64: i64 => i64, i64::MIN + 3, "big", to_be_bytes;
        write_u128: u128 => u128, u128::MAX - 77, "big", to_be_bytes;
        write_i128: i128 => i128, i128::MIN + 77, "big", to_be_bytes;
        write_f32: f32 => f32, 1.25, "big", to_be_bytes;
        write_f64: f64 => f64, -1.5e300, "big", to_be_bytes;
        write_u16_le: Le<u16> => u16, 517, "little", to_le_bytes;
        write_i16_le: Le<i16> => i16, -517, "little", to_le_bytes;
        write_u32_le: Le<u32> => u32, 267_284, "little", to_le_bytes;
        write_i32_le: Le<i32> => i32, -267_284, "little", to_le_bytes;
        write_u64_le: Le<u64> => u64, 0x0102_0304_0506_0708, "little", to_le_bytes;
        write_i64_le: Le<i64> => i64, i64::MIN + 3, "little", to_le_bytes;
        write_u128_le: Le<u128> => u128, u128::MAX - 77, "little", to_le_bytes;
        write_i128_le: Le<i128> => i128, i128::MIN + 77, "little", to_le_bytes;
        write_f32_le: Le<f32> => f32, 1.25, "little", to_le_bytes;
        write_f64_le: Le<f64> => f64, -1.5e300, "little", to_le_bytes;
    }

    /// Flushes this output stream, ensuring that all intermediately buffered
    /// contents reach their destination.
    ///
    /// Equivalent to `async fn flush(&mut self) -> io::Result<()>;`
    ///
    /// # Errors
    ///
    /// It is considered an error if not all bytes could be written due to I/O
    /// errors or EOF being reached.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe. If `flush` is used as the event in a
    /// `weft::select!` statement and some other branch completes first, then
    /// the data in the buffered data in this `AsyncWrite` may have been
    /// partially flushed. However, it is guaranteed that the buffer is
    /// advanced by the amount of bytes that have been partially flushed.
    ///
    /// ```
    /// use weft::io::{AsyncWriteExt, BufWriter};
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut writer = BufWriter::new(Vec::new());
    /// writer.write_all(b"buffered").await?;
    /// assert!(writer.get_ref().is_empty());
    /// writer.flush().await?;
    /// assert_eq!(writer.get_ref(), b"buffered");
    /// # Ok(())
    /// # }
    /// ```
    fn flush(&mut self) -> Flush<'_, Self>
    where
        Self: Unpin,
    {
        flush(self)
    }

    /// Shuts down the output stream, ensuring that the value can be dropped
    /// cleanly.
    ///
    /// Equivalent to `async fn shutdown(&mut self) -> io::Result<()>;`
    ///
    /// Similar to [`flush`], all intermediately buffered is written to the
    /// underlying stream. Once the operation completes, the caller should no
    /// longer attempt to write to the stream. For example, the `TcpStream`
    /// implementation will issue a `shutdown(Write)` sys call.
    ///
    /// [`flush`]: fn@crate::io::AsyncWriteExt::flush
    ///
    /// ```
    /// use weft::io::{AsyncWriteExt, BufWriter};
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut writer = BufWriter::new(Vec::new());
    /// writer.write_all(b"last words").await?;
    /// writer.shutdown().await?;
    /// assert_eq!(writer.get_ref(), b"last words");
    /// # Ok(())
    /// # }
    /// ```
    fn shutdown(&mut self) -> Shutdown<'_, Self>
    where
        Self: Unpin,
    {
        shutdown(self)
    }
}

impl<W: AsyncWrite + ?Sized> AsyncWriteExt for W {}
