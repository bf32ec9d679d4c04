//! `UdpSocket` socket options: broadcast, multicast, TTL, TOS, device.

use crate::net::UdpSocket;
use std::io;
use std::net::{Ipv4Addr, Ipv6Addr};

impl UdpSocket {
    /// Gets the value of the `SO_BROADCAST` option.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.set_broadcast(true)?;
    /// assert!(sock.broadcast()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn broadcast(&self) -> io::Result<bool> {
        self.io.broadcast()
    }

    /// Sets the value of the `SO_BROADCAST` option.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.set_broadcast(true)?;
    /// assert!(sock.broadcast()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_broadcast(&self, on: bool) -> io::Result<()> {
        self.io.set_broadcast(on)
    }

    /// Gets the value of the `IP_MULTICAST_LOOP` option.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.set_multicast_loop_v4(false)?;
    /// assert!(!sock.multicast_loop_v4()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn multicast_loop_v4(&self) -> io::Result<bool> {
        self.io.multicast_loop_v4()
    }

    /// Sets the value of the `IP_MULTICAST_LOOP` option.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.set_multicast_loop_v4(false)?;
    /// assert!(!sock.multicast_loop_v4()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_multicast_loop_v4(&self, on: bool) -> io::Result<()> {
        self.io.set_multicast_loop_v4(on)
    }

    /// Gets the value of the `IP_MULTICAST_TTL` option.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.set_multicast_ttl_v4(4)?;
    /// assert_eq!(sock.multicast_ttl_v4()?, 4);
    /// # Ok(())
    /// # }
    /// ```
    pub fn multicast_ttl_v4(&self) -> io::Result<u32> {
        self.io.multicast_ttl_v4()
    }

    /// Sets the value of the `IP_MULTICAST_TTL` option.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.set_multicast_ttl_v4(4)?;
    /// assert_eq!(sock.multicast_ttl_v4()?, 4);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_multicast_ttl_v4(&self, ttl: u32) -> io::Result<()> {
        self.io.set_multicast_ttl_v4(ttl)
    }

    /// Gets the value of the `IP_TTL` option.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.set_ttl(60)?;
    /// assert_eq!(sock.ttl()?, 60);
    /// # Ok(())
    /// # }
    /// ```
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.ttl()
    }

    /// Sets the value of the `IP_TTL` option.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.set_ttl(60)?;
    /// assert_eq!(sock.ttl()?, 60);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.set_ttl(ttl)
    }

    /// Gets the value of the `IPV6_MULTICAST_LOOP` option.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// if let Ok(sock6) = weft::net::UdpSocket::bind("[::1]:0").await {
    ///     sock6.set_multicast_loop_v6(false)?;
    ///     assert!(!sock6.multicast_loop_v6()?);
    /// }
    /// drop(sock);
    /// # Ok(())
    /// # }
    /// ```
    pub fn multicast_loop_v6(&self) -> io::Result<bool> {
        self.io.multicast_loop_v6()
    }

    /// Sets the value of the `IPV6_MULTICAST_LOOP` option.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// if let Ok(sock6) = weft::net::UdpSocket::bind("[::1]:0").await {
    ///     sock6.set_multicast_loop_v6(false)?;
    ///     assert!(!sock6.multicast_loop_v6()?);
    /// }
    /// drop(sock);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_multicast_loop_v6(&self, on: bool) -> io::Result<()> {
        self.io.set_multicast_loop_v6(on)
    }

    /// Gets `IPV6_TCLASS` (IPv6 sockets only).
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// if let Ok(sock6) = weft::net::UdpSocket::bind("[::1]:0").await {
    ///     sock6.set_tclass_v6(0x10)?;
    ///     assert_eq!(sock6.tclass_v6()?, 0x10);
    /// }
    /// drop(sock);
    /// # Ok(())
    /// # }
    /// ```
    pub fn tclass_v6(&self) -> io::Result<u32> {
        socket2::SockRef::from(self).tclass_v6()
    }

    /// Sets `IPV6_TCLASS` (IPv6 sockets only).
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// if let Ok(sock6) = weft::net::UdpSocket::bind("[::1]:0").await {
    ///     sock6.set_tclass_v6(0x10)?;
    ///     assert_eq!(sock6.tclass_v6()?, 0x10);
    /// }
    /// drop(sock);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_tclass_v6(&self, tclass: u32) -> io::Result<()> {
        socket2::SockRef::from(self).set_tclass_v6(tclass)
    }

    /// Gets `IP_TOS` (IPv4 sockets only).
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.set_tos_v4(0x10)?;
    /// assert_eq!(sock.tos_v4()?, 0x10);
    /// # Ok(())
    /// # }
    /// ```
    pub fn tos_v4(&self) -> io::Result<u32> {
        socket2::SockRef::from(self).tos_v4()
    }

    /// Gets `IP_TOS`. Renamed [`tos_v4`](UdpSocket::tos_v4), as in Tokio.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// # #[allow(deprecated)]
    /// let _ = sock.tos()?;
    /// # Ok(())
    /// # }
    /// ```
    #[deprecated(
        note = "`tos` related methods have been renamed `tos_v4` since they are IPv4-specific."
    )]
    pub fn tos(&self) -> io::Result<u32> {
        self.tos_v4()
    }

    /// Sets `IP_TOS` (IPv4 sockets only).
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.set_tos_v4(0x10)?;
    /// assert_eq!(sock.tos_v4()?, 0x10);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_tos_v4(&self, tos: u32) -> io::Result<()> {
        socket2::SockRef::from(self).set_tos_v4(tos)
    }

    /// Sets `IP_TOS`. Renamed [`set_tos_v4`](UdpSocket::set_tos_v4), as in Tokio.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// # #[allow(deprecated)]
    /// sock.set_tos(0)?;
    /// # Ok(())
    /// # }
    /// ```
    #[deprecated(
        note = "`tos` related methods have been renamed `set_tos_v4` since they are IPv4-specific."
    )]
    pub fn set_tos(&self, tos: u32) -> io::Result<()> {
        self.set_tos_v4(tos)
    }

    /// Gets `SO_BINDTODEVICE`: the interface the socket is bound to.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert_eq!(sock.device()?, None);
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))]
    pub fn device(&self) -> io::Result<Option<Vec<u8>>> {
        socket2::SockRef::from(self).device()
    }

    /// Sets `SO_BINDTODEVICE` (usually needs `CAP_NET_RAW`); `None` unbinds.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.bind_device(None)?;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(any(target_os = "android", target_os = "fuchsia", target_os = "linux"))]
    pub fn bind_device(&self, interface: Option<&[u8]>) -> io::Result<()> {
        socket2::SockRef::from(self).bind_device(interface)
    }

    /// Joins an IPv4 multicast group (`IP_ADD_MEMBERSHIP`) on `interface`.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let group = std::net::Ipv4Addr::new(239, 255, 0, 1);
    /// if sock.join_multicast_v4(group, std::net::Ipv4Addr::UNSPECIFIED).is_ok() {
    ///     sock.leave_multicast_v4(group, std::net::Ipv4Addr::UNSPECIFIED)?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn join_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.io.join_multicast_v4(&multiaddr, &interface)
    }

    /// Joins an IPv6 multicast group (`IPV6_ADD_MEMBERSHIP`) on interface index `interface` (0: any).
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// if let Ok(sock6) = weft::net::UdpSocket::bind("[::]:0").await {
    ///     let group: std::net::Ipv6Addr = "ff02::1:3".parse().unwrap();
    ///     if sock6.join_multicast_v6(&group, 0).is_ok() {
    ///         sock6.leave_multicast_v6(&group, 0)?;
    ///     }
    /// }
    /// drop(sock);
    /// # Ok(())
    /// # }
    /// ```
    pub fn join_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.io.join_multicast_v6(multiaddr, interface)
    }

    /// Leaves an IPv4 multicast group.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let group = std::net::Ipv4Addr::new(239, 255, 0, 1);
    /// if sock.join_multicast_v4(group, std::net::Ipv4Addr::UNSPECIFIED).is_ok() {
    ///     sock.leave_multicast_v4(group, std::net::Ipv4Addr::UNSPECIFIED)?;
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn leave_multicast_v4(&self, multiaddr: Ipv4Addr, interface: Ipv4Addr) -> io::Result<()> {
        self.io.leave_multicast_v4(&multiaddr, &interface)
    }

    /// Leaves an IPv6 multicast group.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// if let Ok(sock6) = weft::net::UdpSocket::bind("[::]:0").await {
    ///     let group: std::net::Ipv6Addr = "ff02::1:3".parse().unwrap();
    ///     if sock6.join_multicast_v6(&group, 0).is_ok() {
    ///         sock6.leave_multicast_v6(&group, 0)?;
    ///     }
    /// }
    /// drop(sock);
    /// # Ok(())
    /// # }
    /// ```
    pub fn leave_multicast_v6(&self, multiaddr: &Ipv6Addr, interface: u32) -> io::Result<()> {
        self.io.leave_multicast_v6(multiaddr, interface)
    }

    /// Returns the value of `SO_ERROR` (and clears it).
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(sock.take_error()?.is_none());
    /// # Ok(())
    /// # }
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }
}
