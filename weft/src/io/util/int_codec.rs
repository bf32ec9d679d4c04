//! The futures behind `read_u8`..`read_f64_le` and `write_u8`..`write_f64_le`:
//! one generic reader and one generic writer over a fixed-size encoding,
//! instead of a type per integer.
//!
//! The type parameter `T` of [`ReadInt`]/[`WriteInt`] is the number type
//! itself for big-endian and [`Le<T>`] for little-endian.

use crate::io::{AsyncRead, AsyncWrite, ReadBuf};
use pin_project_lite::pin_project;
use std::future::Future;
use std::io;
use std::marker::PhantomData;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Longest encoding: `u128`/`i128`.
const MAX_LEN: usize = 16;

/// Marks a little-endian encoding of `T`.
#[derive(Debug)]
pub struct Le<T>(PhantomData<T>);

/// A fixed-size binary encoding (sealed: the module is private).
pub trait Codec {
    /// The number produced or consumed.
    type Value;
    /// Bytes in the encoding.
    const LEN: usize;
    /// Decodes from exactly `LEN` bytes.
    fn decode(bytes: &[u8]) -> Self::Value;
    /// Encodes into the first `LEN` bytes of `out`.
    fn encode(value: Self::Value, out: &mut [u8; MAX_LEN]);
}

/// Implements `Codec` for a number type (big-endian) and its `Le` marker.
macro_rules! codec {
    ($($ty:ty),*) => {$(
        impl Codec for $ty {
            type Value = $ty;
            const LEN: usize = std::mem::size_of::<$ty>();
            fn decode(bytes: &[u8]) -> $ty {
                <$ty>::from_be_bytes(bytes.try_into().expect("exact length"))
            }
            fn encode(value: $ty, out: &mut [u8; MAX_LEN]) {
                out[..Self::LEN].copy_from_slice(&value.to_be_bytes());
            }
        }

        impl Codec for Le<$ty> {
            type Value = $ty;
            const LEN: usize = std::mem::size_of::<$ty>();
            fn decode(bytes: &[u8]) -> $ty {
                <$ty>::from_le_bytes(bytes.try_into().expect("exact length"))
            }
            fn encode(value: $ty, out: &mut [u8; MAX_LEN]) {
                out[..Self::LEN].copy_from_slice(&value.to_le_bytes());
            }
        }
    )*};
}

codec!(u8, i8, u16, i16, u32, i32, u64, i64, u128, i128, f32, f64);

pin_project! {
    /// Future for the `read_*` integer methods of
    /// [`AsyncReadExt`](crate::io::AsyncReadExt).
    ///
    /// Not cancel safe: bytes already read are lost if the future is dropped.
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct ReadInt<R, T> {
        reader: R,
        buf: [u8; MAX_LEN],
        read: u8,
        _codec: PhantomData<fn() -> T>,
        #[pin]
        _pin: PhantomPinned,
    }
}

pub(crate) fn read_int<R, T>(reader: R) -> ReadInt<R, T> {
    ReadInt {
        reader,
        buf: [0; MAX_LEN],
        read: 0,
        _codec: PhantomData,
        _pin: PhantomPinned,
    }
}

impl<R: AsyncRead + Unpin, T: Codec> Future for ReadInt<R, T> {
    type Output = io::Result<T::Value>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<T::Value>> {
        let me = self.project();
        while usize::from(*me.read) < T::LEN {
            let before = usize::from(*me.read);
            let mut buf = ReadBuf::new(&mut me.buf[..T::LEN]);
            buf.set_filled(before);
            match ready!(Pin::new(&mut *me.reader).poll_read(cx, &mut buf)) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                res => res?,
            }
            let after = buf.filled().len();
            if after == before {
                return Poll::Ready(Err(io::ErrorKind::UnexpectedEof.into()));
            }
            // `after <= T::LEN <= 16` fits a u8.
            *me.read = after as u8;
        }
        Poll::Ready(Ok(T::decode(&me.buf[..T::LEN])))
    }
}

pin_project! {
    /// Future for the `write_*` integer methods of
    /// [`AsyncWriteExt`](crate::io::AsyncWriteExt).
    ///
    /// Not cancel safe: a dropped future may have written part of the number.
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct WriteInt<W, T> {
        writer: W,
        buf: [u8; MAX_LEN],
        written: u8,
        _codec: PhantomData<fn() -> T>,
        #[pin]
        _pin: PhantomPinned,
    }
}

pub(crate) fn write_int<W, T: Codec>(writer: W, value: T::Value) -> WriteInt<W, T> {
    let mut buf = [0; MAX_LEN];
    T::encode(value, &mut buf);
    WriteInt {
        writer,
        buf,
        written: 0,
        _codec: PhantomData,
        _pin: PhantomPinned,
    }
}

impl<W: AsyncWrite + Unpin, T: Codec> Future for WriteInt<W, T> {
    type Output = io::Result<()>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let me = self.project();
        while usize::from(*me.written) < T::LEN {
            let rest = &me.buf[usize::from(*me.written)..T::LEN];
            let n = match ready!(Pin::new(&mut *me.writer).poll_write(cx, rest)) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                res => res?,
            };
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            // `n <= rest.len() <= 16` for a correct writer; clamp a wrong one.
            *me.written += n.min(rest.len()) as u8;
        }
        Poll::Ready(Ok(()))
    }
}
