//! [`AsyncBufReadExt`]: line and delimiter reading for every [`AsyncBufRead`].

use super::buf_read::{fill_buf, read_line, read_until, FillBuf, ReadLine, ReadUntil};
use super::lines::{lines, Lines};
use super::split::{split, Split};
use crate::io::AsyncBufRead;
use std::pin::Pin;

/// An extension trait which adds utility methods to [`AsyncBufRead`] types.
///
/// ```
/// use weft::io::AsyncBufReadExt;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut reader: &[u8] = b"first\nsecond\n";
/// let mut line = String::new();
/// reader.read_line(&mut line).await?;
/// assert_eq!(line, "first\n");
/// # Ok(())
/// # }
/// ```
pub trait AsyncBufReadExt: AsyncBufRead {
    /// Reads all bytes into `buf` until the delimiter `byte` or EOF is
    /// reached.
    ///
    /// Equivalent to `async fn read_until(&mut self, byte: u8, buf: &mut Vec<u8>) -> io::Result<usize>;`
    ///
    /// This function will read bytes from the underlying stream until the
    /// delimiter or EOF is found. Once found, all bytes up to, and including,
    /// the delimiter (if found) will be appended to `buf`.
    ///
    /// If successful, this function will return the total number of bytes
    /// read.
    ///
    /// If this function returns `Ok(0)`, the stream has reached EOF.
    ///
    /// # Errors
    ///
    /// This function will ignore all instances of `ErrorKind::Interrupted`
    /// only as far as the underlying reader does, and will otherwise return
    /// any errors returned by `fill_buf`. If an I/O error is encountered then
    /// all bytes read so far will be present in `buf` and its length will
    /// have been adjusted appropriately.
    ///
    /// # Cancel safety
    ///
    /// If the method is used as the event in a `weft::select!` statement and
    /// some other branch completes first, then some data may have been
    /// partially read. Any partially read bytes are appended to `buf`, and
    /// the method can be called again to continue reading until `byte`.
    ///
    /// This method returns the total number of bytes read. If you cancel the
    /// call to `read_until` and then call it again to continue reading, the
    /// counter is reset.
    ///
    /// ```
    /// use weft::io::AsyncBufReadExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut cursor: &[u8] = b"lorem-ipsum";
    /// let mut buf = vec![];
    /// assert_eq!(cursor.read_until(b'-', &mut buf).await?, 6);
    /// assert_eq!(buf, b"lorem-");
    /// buf.clear();
    /// assert_eq!(cursor.read_until(b'-', &mut buf).await?, 5);
    /// assert_eq!(buf, b"ipsum");
    /// # Ok(())
    /// # }
    /// ```
    fn read_until<'a>(&'a mut self, byte: u8, buf: &'a mut Vec<u8>) -> ReadUntil<'a, Self>
    where
        Self: Unpin,
    {
        read_until(self, byte, buf)
    }

    /// Reads all bytes until a newline (the 0xA byte) is reached, and appends
    /// them to the provided buffer.
    ///
    /// Equivalent to `async fn read_line(&mut self, buf: &mut String) -> io::Result<usize>;`
    ///
    /// This function will read bytes from the underlying stream until the
    /// newline delimiter (the 0xA byte) or EOF is found. Once found, all bytes
    /// up to, and including, the delimiter (if found) will be appended to
    /// `buf`.
    ///
    /// If successful, this function will return the total number of bytes
    /// read.
    ///
    /// If this function returns `Ok(0)`, the stream has reached EOF.
    ///
    /// # Errors
    ///
    /// This function has the same error semantics as [`read_until`] and will
    /// also return an error if the read bytes are not valid UTF-8. If an I/O
    /// error is encountered then `buf` may contain some bytes already read in
    /// the event that all data read so far was valid UTF-8.
    ///
    /// # Cancel safety
    ///
    /// This method is not cancellation safe. If the method is used as the
    /// event in a `weft::select!` statement and some other branch completes
    /// first, then some data may have been partially read, and this data is
    /// lost. There are no guarantees regarding the contents of `buf` when the
    /// call is cancelled. The current implementation replaces `buf` with the
    /// empty string, but this may change in the future.
    ///
    /// This function does not behave like [`read_until`] because of the
    /// requirement that a string contains only valid utf-8. If you need a
    /// cancellation safe `read_line`, there are three options:
    ///
    ///  * Call [`read_until`] with a newline character and manually perform
    ///    the utf-8 check.
    ///  * The stream returned by [`lines`] has a cancellation safe
    ///    [`next_line`] method.
    ///  * Use `LinesCodec` from `tokio-util`.
    ///
    /// [`read_until`]: Self::read_until
    /// [`lines`]: Self::lines
    /// [`next_line`]: crate::io::Lines::next_line
    ///
    /// ```
    /// use weft::io::AsyncBufReadExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut cursor: &[u8] = b"foo\nbar";
    /// let mut buf = String::new();
    /// assert_eq!(cursor.read_line(&mut buf).await?, 4);
    /// assert_eq!(buf, "foo\n");
    /// buf.clear();
    /// assert_eq!(cursor.read_line(&mut buf).await?, 3);
    /// assert_eq!(buf, "bar");
    /// buf.clear();
    /// assert_eq!(cursor.read_line(&mut buf).await?, 0);
    /// # Ok(())
    /// # }
    /// ```
    fn read_line<'a>(&'a mut self, buf: &'a mut String) -> ReadLine<'a, Self>
    where
        Self: Unpin,
    {
        read_line(self, buf)
    }

    /// Returns a stream of the contents of this reader split on the byte
    /// `byte`.
    ///
    /// This method is the asynchronous equivalent to
    /// [`BufRead::split`](std::io::BufRead::split).
    ///
    /// The stream returned from this function will yield instances of
    /// `io::Result<Option<Vec<u8>>>`. Each vector returned will *not* have the
    /// delimiter byte at the end.
    ///
    /// # Errors
    ///
    /// Each item of the stream has the same error semantics as
    /// [`AsyncBufReadExt::read_until`](AsyncBufReadExt::read_until).
    ///
    /// ```
    /// use weft::io::AsyncBufReadExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut segments = weft::io::BufReader::new(&b"a b"[..]).split(b' ');
    /// assert_eq!(segments.next_segment().await?, Some(b"a".to_vec()));
    /// # Ok(())
    /// # }
    /// ```
    fn split(self, byte: u8) -> Split<Self>
    where
        Self: Sized + Unpin,
    {
        split(self, byte)
    }

    /// Returns the contents of the internal buffer, filling it with more
    /// data from the inner reader if it is empty.
    ///
    /// This function is a lower-level call. It needs to be paired with the
    /// [`consume`] method to function properly. When calling this method,
    /// none of the contents will be "read" in the sense that later calling
    /// `read` may return the same contents. As such, [`consume`] must be
    /// called with the number of bytes that are consumed from this buffer to
    /// ensure that the bytes are never returned twice.
    ///
    /// An empty buffer returned indicates that the stream has reached EOF.
    ///
    /// Equivalent to `async fn fill_buf(&mut self) -> io::Result<&[u8]>;`
    ///
    /// # Errors
    ///
    /// This function will return an I/O error if the underlying reader was
    /// read, but returned an error.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe. If you use it as the event in a
    /// `weft::select!` statement and some other branch completes first, then
    /// it is guaranteed that no data was read.
    ///
    /// [`consume`]: crate::io::AsyncBufReadExt::consume
    ///
    /// ```
    /// use weft::io::AsyncBufReadExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut reader: &[u8] = b"peek";
    /// assert_eq!(reader.fill_buf().await?, b"peek");
    /// reader.consume(2);
    /// assert_eq!(reader.fill_buf().await?, b"ek");
    /// # Ok(())
    /// # }
    /// ```
    fn fill_buf(&mut self) -> FillBuf<'_, Self>
    where
        Self: Unpin,
    {
        fill_buf(self)
    }

    /// Tells this buffer that `amt` bytes have been consumed from the
    /// buffer, so they should no longer be returned in calls to [`read`].
    ///
    /// This function is a lower-level call. It needs to be paired with the
    /// [`fill_buf`] method to function properly. This function does not
    /// perform any I/O, it simply informs this object that some amount of its
    /// buffer, returned from [`fill_buf`], has been consumed and should no
    /// longer be returned. As such, this function may do odd things if
    /// [`fill_buf`] isn't called before calling it.
    ///
    /// The `amt` must be less than the number of bytes in the buffer returned
    /// by [`fill_buf`].
    ///
    /// [`read`]: crate::io::AsyncReadExt::read
    /// [`fill_buf`]: crate::io::AsyncBufReadExt::fill_buf
    ///
    /// ```
    /// use weft::io::AsyncBufReadExt;
    ///
    /// let mut reader: &[u8] = b"skip";
    /// reader.consume(3);
    /// assert_eq!(reader, b"p");
    /// ```
    fn consume(&mut self, amt: usize)
    where
        Self: Unpin,
    {
        Pin::new(self).consume(amt)
    }

    /// Returns a stream over the lines of this reader.
    /// This method is the async equivalent to [`BufRead::lines`](std::io::BufRead::lines).
    ///
    /// The stream returned from this function will yield instances of
    /// `io::Result<Option<String>>`. Each string returned will *not* have a
    /// newline byte (the 0xA byte) or `CRLF` (0xD, 0xA bytes) at the end.
    ///
    /// # Errors
    ///
    /// Each line of the stream has the same error semantics as
    /// [`AsyncBufReadExt::read_line`].
    ///
    /// ```
    /// use weft::io::AsyncBufReadExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut lines = (&b"lorem\nipsum\r\ndolor"[..]).lines();
    /// assert_eq!(lines.next_line().await?, Some(String::from("lorem")));
    /// assert_eq!(lines.next_line().await?, Some(String::from("ipsum")));
    /// assert_eq!(lines.next_line().await?, Some(String::from("dolor")));
    /// assert_eq!(lines.next_line().await?, None);
    /// # Ok(())
    /// # }
    /// ```
    fn lines(self) -> Lines<Self>
    where
        Self: Sized,
    {
        lines(self)
    }
}

impl<R: AsyncBufRead + ?Sized> AsyncBufReadExt for R {}
