//! [`AsyncSeekExt`]: `seek`, `rewind` and `stream_position` for every
//! [`AsyncSeek`], and the [`Seek`] future behind them.

use crate::io::AsyncSeek;
use pin_project_lite::pin_project;
use std::future::Future;
use std::io::{self, SeekFrom};
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// An extension trait that adds utility methods to [`AsyncSeek`] types.
///
/// ```
/// use std::io::{Cursor, SeekFrom};
/// use weft::io::{AsyncReadExt, AsyncSeekExt};
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut cursor = Cursor::new(b"abcdefg");
///
/// // the `seek` method is defined by this trait
/// cursor.seek(SeekFrom::Start(3)).await?;
///
/// let mut buf = [0; 1];
/// let n = cursor.read(&mut buf).await?;
/// assert_eq!(n, 1);
/// assert_eq!(buf, [b'd']);
/// # Ok(())
/// # }
/// ```
///
/// See [module][crate::io] documentation for more details.
pub trait AsyncSeekExt: AsyncSeek {
    /// Creates a future which will seek an IO object, and then yield the new
    /// position in the object and the object itself.
    ///
    /// Equivalent to `async fn seek(&mut self, pos: SeekFrom) -> io::Result<u64>;`
    ///
    /// In the case of an error the buffer and the object will be discarded,
    /// with the error yielded.
    ///
    /// ```
    /// use std::io::{Cursor, SeekFrom};
    /// use weft::io::AsyncSeekExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut cursor = Cursor::new(vec![0u8; 10]);
    /// assert_eq!(cursor.seek(SeekFrom::End(-4)).await?, 6);
    /// # Ok(())
    /// # }
    /// ```
    fn seek(&mut self, pos: SeekFrom) -> Seek<'_, Self>
    where
        Self: Unpin,
    {
        seek(self, pos)
    }

    /// Creates a future which will rewind to the beginning of the stream.
    ///
    /// This is convenience method, equivalent to `self.seek(SeekFrom::Start(0))`.
    ///
    /// ```
    /// use std::io::{Cursor, SeekFrom};
    /// use weft::io::AsyncSeekExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut cursor = Cursor::new(vec![0u8; 10]);
    /// cursor.seek(SeekFrom::Start(5)).await?;
    /// cursor.rewind().await?;
    /// assert_eq!(cursor.position(), 0);
    /// # Ok(())
    /// # }
    /// ```
    fn rewind(&mut self) -> Seek<'_, Self>
    where
        Self: Unpin,
    {
        self.seek(SeekFrom::Start(0))
    }

    /// Creates a future which will return the current seek position from the
    /// start of the stream.
    ///
    /// This is equivalent to `self.seek(SeekFrom::Current(0))`.
    ///
    /// ```
    /// use std::io::{Cursor, SeekFrom};
    /// use weft::io::AsyncSeekExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut cursor = Cursor::new(vec![0u8; 10]);
    /// cursor.seek(SeekFrom::Start(7)).await?;
    /// assert_eq!(cursor.stream_position().await?, 7);
    /// # Ok(())
    /// # }
    /// ```
    fn stream_position(&mut self) -> Seek<'_, Self>
    where
        Self: Unpin,
    {
        self.seek(SeekFrom::Current(0))
    }
}

impl<S: AsyncSeek + ?Sized> AsyncSeekExt for S {}

pin_project! {
    /// Future for the [`seek`](AsyncSeekExt::seek) method.
    ///
    /// It first waits out any seek already in flight (`poll_complete`), then
    /// starts its own and waits for that.
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Seek<'a, S: ?Sized> {
        seek: &'a mut S,
        // `Some` until this future's own seek has been started.
        pos: Option<SeekFrom>,
        #[pin]
        _pin: PhantomPinned,
    }
}

pub(crate) fn seek<S: AsyncSeek + ?Sized + Unpin>(seek: &mut S, pos: SeekFrom) -> Seek<'_, S> {
    Seek {
        seek,
        pos: Some(pos),
        _pin: PhantomPinned,
    }
}

impl<S: AsyncSeek + ?Sized + Unpin> Future for Seek<'_, S> {
    type Output = io::Result<u64>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let me = self.project();
        match *me.pos {
            Some(pos) => {
                // Finish a seek still in flight first: `start_seek` may
                // refuse to start a second one.
                ready!(Pin::new(&mut **me.seek).poll_complete(cx))?;
                Pin::new(&mut **me.seek).start_seek(pos)?;
                *me.pos = None;
                Pin::new(&mut **me.seek).poll_complete(cx)
            }
            None => Pin::new(&mut **me.seek).poll_complete(cx),
        }
    }
}
