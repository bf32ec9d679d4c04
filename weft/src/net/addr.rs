//! `ToSocketAddrs`: what `bind`, `connect`, `send_to` and `lookup_host` accept.
//!
//! Literal addresses resolve at once; host names resolve with the system
//! resolver on the blocking pool (`getaddrinfo` blocks), so a slow DNS server
//! never stalls a worker.

use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, SocketAddrV4, SocketAddrV6};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Converts or resolves without blocking to one or more `SocketAddr` values.
///
/// Implemented for socket addresses, `(IpAddr, u16)` pairs, `&[SocketAddr]`,
/// and for strings (`"localhost:8080"`, `("example.com", 80)`) that are
/// resolved on the blocking pool. The trait is sealed: it cannot be
/// implemented outside weft.
///
/// ```
/// use weft::net::TcpListener;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let a = TcpListener::bind("127.0.0.1:0").await?;
/// let b = TcpListener::bind(("127.0.0.1", 0)).await?;
/// assert_ne!(a.local_addr()?, b.local_addr()?);
/// # Ok(())
/// # }
/// ```
pub trait ToSocketAddrs: sealed::ToSocketAddrsPriv {}

type ReadyFuture<T> = std::future::Ready<io::Result<T>>;

/// Resolves `arg` (crate-internal entry point of the sealed trait).
pub(crate) fn to_socket_addrs<T: ToSocketAddrs>(arg: T) -> T::Future {
    arg.to_socket_addrs(sealed::Internal)
}

impl<T: ToSocketAddrs + ?Sized> ToSocketAddrs for &T {}

impl<T: ToSocketAddrs + ?Sized> sealed::ToSocketAddrsPriv for &T {
    type Iter = T::Iter;
    type Future = T::Future;

    fn to_socket_addrs(&self, internal: sealed::Internal) -> Self::Future {
        (**self).to_socket_addrs(internal)
    }
}

macro_rules! ready_addr {
    ($ty:ty, |$me:ident| $conv:expr) => {
        impl ToSocketAddrs for $ty {}

        impl sealed::ToSocketAddrsPriv for $ty {
            type Iter = std::option::IntoIter<SocketAddr>;
            type Future = ReadyFuture<Self::Iter>;

            fn to_socket_addrs(&self, _: sealed::Internal) -> Self::Future {
                let $me = self;
                std::future::ready(Ok(Some($conv).into_iter()))
            }
        }
    };
}

ready_addr!(SocketAddr, |me| *me);
ready_addr!(SocketAddrV4, |me| SocketAddr::V4(*me));
ready_addr!(SocketAddrV6, |me| SocketAddr::V6(*me));
ready_addr!((IpAddr, u16), |me| SocketAddr::new(me.0, me.1));
ready_addr!((Ipv4Addr, u16), |me| SocketAddr::new(
    IpAddr::V4(me.0),
    me.1
));
ready_addr!((Ipv6Addr, u16), |me| SocketAddr::new(
    IpAddr::V6(me.0),
    me.1
));

impl ToSocketAddrs for &[SocketAddr] {}

impl sealed::ToSocketAddrsPriv for &[SocketAddr] {
    type Iter = std::vec::IntoIter<SocketAddr>;
    type Future = ReadyFuture<Self::Iter>;

    fn to_socket_addrs(&self, _: sealed::Internal) -> Self::Future {
        // Copied: the iterator must be `'static`.
        std::future::ready(Ok(Vec::from(*self).into_iter()))
    }
}

impl ToSocketAddrs for str {}

impl sealed::ToSocketAddrsPriv for str {
    type Iter = sealed::OneOrMore;
    type Future = sealed::MaybeReady;

    fn to_socket_addrs(&self, _: sealed::Internal) -> Self::Future {
        if let Ok(addr) = self.parse::<SocketAddr>() {
            return sealed::MaybeReady::ready(addr);
        }
        sealed::MaybeReady::resolve(self.to_owned())
    }
}

impl ToSocketAddrs for String {}

impl sealed::ToSocketAddrsPriv for String {
    type Iter = sealed::OneOrMore;
    type Future = sealed::MaybeReady;

    fn to_socket_addrs(&self, internal: sealed::Internal) -> Self::Future {
        self.as_str().to_socket_addrs(internal)
    }
}

impl ToSocketAddrs for (&str, u16) {}

impl sealed::ToSocketAddrsPriv for (&str, u16) {
    type Iter = sealed::OneOrMore;
    type Future = sealed::MaybeReady;

    fn to_socket_addrs(&self, _: sealed::Internal) -> Self::Future {
        let (host, port) = *self;
        if let Ok(ip) = host.parse::<IpAddr>() {
            return sealed::MaybeReady::ready(SocketAddr::new(ip, port));
        }
        sealed::MaybeReady::resolve((host.to_owned(), port))
    }
}

impl ToSocketAddrs for (String, u16) {}

impl sealed::ToSocketAddrsPriv for (String, u16) {
    type Iter = sealed::OneOrMore;
    type Future = sealed::MaybeReady;

    fn to_socket_addrs(&self, internal: sealed::Internal) -> Self::Future {
        (self.0.as_str(), self.1).to_socket_addrs(internal)
    }
}

pub(crate) mod sealed {
    //! The sealed half of `ToSocketAddrs`: public in a private module so that
    //! no one outside weft can name it.

    use super::*;
    use crate::task::JoinHandle;

    #[doc(hidden)]
    pub trait ToSocketAddrsPriv {
        type Iter: Iterator<Item = SocketAddr> + Send + 'static;
        type Future: Future<Output = io::Result<Self::Iter>> + Send + 'static;

        fn to_socket_addrs(&self, internal: Internal) -> Self::Future;
    }

    /// Proof of being called from inside weft.
    #[allow(missing_debug_implementations)]
    pub struct Internal;

    /// A literal address, or a lookup running on the blocking pool.
    #[doc(hidden)]
    #[derive(Debug)]
    pub struct MaybeReady(State);

    #[derive(Debug)]
    enum State {
        Ready(Option<SocketAddr>),
        Blocking(JoinHandle<io::Result<std::vec::IntoIter<SocketAddr>>>),
    }

    impl MaybeReady {
        pub(super) fn ready(addr: SocketAddr) -> MaybeReady {
            MaybeReady(State::Ready(Some(addr)))
        }

        #[track_caller]
        pub(super) fn resolve<A>(host: A) -> MaybeReady
        where
            A: std::net::ToSocketAddrs + Send + 'static,
        {
            MaybeReady(State::Blocking(crate::task::spawn_blocking(move || {
                std::net::ToSocketAddrs::to_socket_addrs(&host)
                    .map(|it| it.collect::<Vec<_>>().into_iter())
            })))
        }
    }

    /// The addresses a `MaybeReady` produced.
    #[doc(hidden)]
    #[derive(Debug)]
    pub enum OneOrMore {
        One(std::option::IntoIter<SocketAddr>),
        More(std::vec::IntoIter<SocketAddr>),
    }

    impl Iterator for OneOrMore {
        type Item = SocketAddr;

        fn next(&mut self) -> Option<SocketAddr> {
            match self {
                OneOrMore::One(it) => it.next(),
                OneOrMore::More(it) => it.next(),
            }
        }

        fn size_hint(&self) -> (usize, Option<usize>) {
            match self {
                OneOrMore::One(it) => it.size_hint(),
                OneOrMore::More(it) => it.size_hint(),
            }
        }
    }

    impl Future for MaybeReady {
        type Output = io::Result<OneOrMore>;

        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
            match &mut self.0 {
                State::Ready(addr) => Poll::Ready(Ok(OneOrMore::One(addr.take().into_iter()))),
                State::Blocking(join) => match std::task::ready!(Pin::new(join).poll(cx)) {
                    Ok(result) => Poll::Ready(result.map(OneOrMore::More)),
                    Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                    Err(_) => Poll::Ready(Err(io::Error::other("background task failed"))),
                },
            }
        }
    }
}
