//! [`AsyncReadExt`]: the `read_*` methods every [`AsyncRead`] gets.

use super::buf_traits::BufMut;
use super::chain::{chain, Chain};
use super::int_codec::{read_int, Le, ReadInt};
use super::read::{read, read_buf, read_exact, Read, ReadBufFuture, ReadExact};
use super::read_to_end::{read_to_end, read_to_string, ReadToEnd, ReadToString};
use super::take::{take, Take};
use crate::io::AsyncRead;

/// Declares `read_<int>` methods with their docs, one per line:
/// `name: codec => value type, example value, "big"/"little", to_bytes method`.
macro_rules! read_int_methods {
    ($($name:ident: $codec:ty => $ty:ty, $value:expr, $endian:literal, $to_bytes:ident;)*) => {$(
        #[doc = concat!("Reads a ", $endian, "-endian `", stringify!($ty), "` from this reader.")]
        ///
        /// Equivalent to `async fn(&mut self) -> io::Result<T>`.
        ///
        /// # Errors
        ///
        /// This method returns the same errors as
        /// [`AsyncReadExt::read_exact`]; a stream that ends early gives
        /// `ErrorKind::UnexpectedEof`.
        ///
        /// # Cancel safety
        ///
        /// This method is not cancellation safe. If the method is used as the
        /// event in a `weft::select!` statement and some other branch
        /// completes first, then some data may be lost.
        ///
        /// ```
        /// use weft::io::AsyncReadExt;
        ///
        /// # #[weft::main(flavor = "current_thread")]
        /// # async fn main() -> std::io::Result<()> {
        #[doc = concat!("let value: ", stringify!($ty), " = ", stringify!($value), ";")]
        #[doc = concat!("let bytes = value.", stringify!($to_bytes), "();")]
        /// let mut reader = &bytes[..];
        #[doc = concat!("assert_eq!(reader.", stringify!($name), "().await?, value);")]
        /// # Ok(())
        /// # }
        /// ```
        fn $name(&mut self) -> ReadInt<&mut Self, $codec>
        where
            Self: Unpin,
        {
            read_int(self)
        }
    )*};
}

/// Reads bytes from a source.
///
/// Implemented as an extension trait, adding utility methods to all
/// [`AsyncRead`] types. Callers will tend to import this trait instead of
/// [`AsyncRead`].
///
/// ```
/// use weft::io::{self, AsyncReadExt};
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> io::Result<()> {
/// let mut reader: &[u8] = b"hello";
/// let mut buffer = [0; 10];
///
/// // The `read` method is defined by this trait.
/// let n = reader.read(&mut buffer[..]).await?;
/// assert_eq!(&buffer[..n], b"hello");
/// # Ok(())
/// # }
/// ```
///
/// See [module][crate::io] documentation for more details.
pub trait AsyncReadExt: AsyncRead {
    /// Creates a new `AsyncRead` instance that chains this stream with
    /// `next`.
    ///
    /// The returned `AsyncRead` instance will first read all bytes from this
    /// object until EOF is encountered. Afterwards the output is equivalent to
    /// the output of `next`.
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut handle = (&b"foo"[..]).chain(&b"bar"[..]);
    /// let mut buffer = String::new();
    /// handle.read_to_string(&mut buffer).await?;
    /// assert_eq!(buffer, "foobar");
    /// # Ok(())
    /// # }
    /// ```
    fn chain<R>(self, next: R) -> Chain<Self, R>
    where
        Self: Sized,
        R: AsyncRead,
    {
        chain(self, next)
    }

    /// Pulls some bytes from this source into the specified buffer,
    /// returning how many bytes were read.
    ///
    /// Equivalent to `async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize>;`
    ///
    /// This method does not provide any guarantees about whether it completes
    /// immediately or asynchronously. If the return value of this method is
    /// `Ok(n)`, then it must be guaranteed that `0 <= n <= buf.len()`. A
    /// nonzero `n` value indicates that the buffer `buf` has been filled in
    /// with `n` bytes of data from this source. If `n` is `0`, then it can
    /// indicate one of two scenarios: this reader has reached its "end of
    /// file", or the buffer specified was 0 bytes in length.
    ///
    /// # Errors
    ///
    /// If this function encounters any form of I/O or other error, an error
    /// variant will be returned. If an error is returned then it must be
    /// guaranteed that no bytes were read.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe. If you use it as the event in a
    /// `weft::select!` statement and some other branch completes first, then
    /// it is guaranteed that no data was read.
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut reader: &[u8] = b"0123456789abc";
    /// let mut buffer = [0; 10];
    /// let n = reader.read(&mut buffer[..]).await?;
    /// assert_eq!(&buffer[..n], b"0123456789");
    /// # Ok(())
    /// # }
    /// ```
    fn read<'a>(&'a mut self, buf: &'a mut [u8]) -> Read<'a, Self>
    where
        Self: Unpin,
    {
        read(self, buf)
    }

    /// Pulls some bytes from this source into the specified buffer, advancing
    /// the buffer's internal cursor.
    ///
    /// Equivalent to `async fn read_buf<B: BufMut>(&mut self, buf: &mut B) -> io::Result<usize>;`
    ///
    /// Usually, only a single `read` syscall is issued, even if there is more
    /// space in the supplied buffer. The buffer grows (a `Vec<u8>`) or is
    /// consumed from the front (a `&mut [u8]`).
    ///
    /// A return value of `0` means EOF, or that the buffer has no room left.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: if it is dropped before completing, no
    /// data was read.
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut reader: &[u8] = b"abc";
    /// let mut buffer = Vec::new();
    /// let n = reader.read_buf(&mut buffer).await?;
    /// assert_eq!((n, &buffer[..]), (3, &b"abc"[..]));
    /// # Ok(())
    /// # }
    /// ```
    fn read_buf<'a, B>(&'a mut self, buf: &'a mut B) -> ReadBufFuture<'a, Self, B>
    where
        Self: Unpin,
        B: BufMut + ?Sized,
    {
        read_buf(self, buf)
    }

    /// Reads the exact number of bytes required to fill `buf`.
    ///
    /// Equivalent to `async fn read_exact(&mut self, buf: &mut [u8]) -> io::Result<usize>;`
    ///
    /// # Errors
    ///
    /// If the operation encounters an "end of file" before completely filling
    /// the buffer, it returns an error of the kind
    /// [`ErrorKind::UnexpectedEof`]. The contents of `buf` are unspecified in
    /// this case. If any other read error is encountered then the operation
    /// immediately returns. The contents of `buf` are unspecified in this
    /// case.
    ///
    /// # Cancel safety
    ///
    /// This method is not cancellation safe. If the method is used as the
    /// event in a `weft::select!` statement and some other branch completes
    /// first, then some data may already have been read into `buf`.
    ///
    /// [`ErrorKind::UnexpectedEof`]: std::io::ErrorKind::UnexpectedEof
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut reader: &[u8] = b"0123456789";
    /// let mut buffer = [0; 4];
    /// assert_eq!(reader.read_exact(&mut buffer).await?, 4);
    /// assert_eq!(&buffer, b"0123");
    /// # Ok(())
    /// # }
    /// ```
    fn read_exact<'a>(&'a mut self, buf: &'a mut [u8]) -> ReadExact<'a, Self>
    where
        Self: Unpin,
    {
        read_exact(self, buf)
    }

    read_int_methods! {
        read_u8: u8 => u8, 200, "big", to_be_bytes;
        read_i8: i8 => i8, -5, "big", to_be_bytes;
        read_u16: u16 => u16, 517, "big", to_be_bytes;
        read_i16: i16 => i16, -517, "big", to_be_bytes;
        read_u32: u32 => u32, 267_284, "big", to_be_bytes;
        read_i32: i32 => i32, -267_284, "big", to_be_bytes;
        read_u64: u64 => u64, 0x0102_0304_0506_0708, "big", to_be_bytes;
        read_i64: i64 => i64, i64::MIN + 3, "big", to_be_bytes;
        read_u128: u128 => u128, u128::MAX - 77, "big", to_be_bytes;
        read_i128: i128 => i128, i128::MIN + 77, "big", to_be_bytes;
        read_f32: f32 => f32, 1.25, "big", to_be_bytes;
        read_f64: f64 => f64, -1.5e300, "big", to_be_bytes;
        read_u16_le: Le<u16> => u16, 517, "little", to_le_bytes;
        read_i16_le: Le<i16> => i16, -517, "little", to_le_bytes;
        read_u32_le: Le<u32> => u32, 267_284, "little", to_le_bytes;
        read_i32_le: Le<i32> => i32, -267_284, "little", to_le_bytes;
        read_u64_le: Le<u64> => u64, 0x0102_0304_0506_0708, "little", to_le_bytes;
        read_i64_le: Le<i64> => i64, i64::MIN + 3, "little", to_le_bytes;
        read_u128_le: Le<u128> => u128, u128::MAX - 77, "little", to_le_bytes;
        read_i128_le: Le<i128> => i128, i128::MIN + 77, "little", to_le_bytes;
        read_f32_le: Le<f32> => f32, 1.25, "little", to_le_bytes;
        read_f64_le: Le<f64> => f64, -1.5e300, "little", to_le_bytes;
    }

    /// Reads all bytes until EOF in this source, placing them into `buf`.
    ///
    /// Equivalent to `async fn read_to_end(&mut self, buf: &mut Vec<u8>) -> io::Result<usize>;`
    ///
    /// All bytes read from this source will be appended to the specified
    /// buffer `buf`. This function will continuously call [`read()`] to append
    /// more data to `buf` until [`read()`] returns `Ok(0)`.
    ///
    /// If successful, the total number of bytes read is returned.
    ///
    /// # Errors
    ///
    /// If a read error is encountered then the `read_to_end` operation
    /// immediately completes. Any bytes which have already been read will be
    /// appended to `buf`.
    ///
    /// [`read()`]: AsyncReadExt::read
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut reader: &[u8] = b"all of it";
    /// let mut buffer = Vec::new();
    /// assert_eq!(reader.read_to_end(&mut buffer).await?, 9);
    /// assert_eq!(buffer, b"all of it");
    /// # Ok(())
    /// # }
    /// ```
    fn read_to_end<'a>(&'a mut self, buf: &'a mut Vec<u8>) -> ReadToEnd<'a, Self>
    where
        Self: Unpin,
    {
        read_to_end(self, buf)
    }

    /// Reads all bytes until EOF in this source, appending them to `buf`.
    ///
    /// Equivalent to `async fn read_to_string(&mut self, buf: &mut String) -> io::Result<usize>;`
    ///
    /// If successful, the number of bytes which were read and appended to
    /// `buf` is returned.
    ///
    /// # Errors
    ///
    /// If the data in this stream is *not* valid UTF-8 then an error is
    /// returned and `buf` is unchanged.
    ///
    /// # Cancel safety
    ///
    /// This method is not cancellation safe: while it runs, the contents of
    /// `buf` are moved into the future, so a dropped call leaves `buf` empty.
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut reader: &[u8] = "grüße".as_bytes();
    /// let mut text = String::new();
    /// reader.read_to_string(&mut text).await?;
    /// assert_eq!(text, "grüße");
    /// # Ok(())
    /// # }
    /// ```
    fn read_to_string<'a>(&'a mut self, dst: &'a mut String) -> ReadToString<'a, Self>
    where
        Self: Unpin,
    {
        read_to_string(self, dst)
    }

    /// Creates an adaptor which reads at most `limit` bytes from it.
    ///
    /// This function returns a new instance of `AsyncRead` which will read at
    /// most `limit` bytes, after which it will always return EOF (`Ok(0)`).
    /// Any read errors will not count towards the number of bytes read and
    /// future calls to [`read()`] may succeed.
    ///
    /// [`read()`]: fn@crate::io::AsyncReadExt::read
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut handle = (&b"0123456789"[..]).take(5);
    /// let mut buffer = Vec::new();
    /// handle.read_to_end(&mut buffer).await?;
    /// assert_eq!(buffer, b"01234");
    /// # Ok(())
    /// # }
    /// ```
    fn take(self, limit: u64) -> Take<Self>
    where
        Self: Sized,
    {
        take(self, limit)
    }
}

impl<R: AsyncRead + ?Sized> AsyncReadExt for R {}
