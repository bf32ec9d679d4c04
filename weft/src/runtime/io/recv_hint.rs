//! `RecvHint`: stream receives that also say whether they emptied the
//! socket's receive queue, so that readiness is cleared without a second,
//! failing `recv`.
//!
//! Readiness is edge-triggered (see `scheduled_io`): the driver sets it when
//! data arrives and the reader clears it when the queue is empty. A short
//! read proves the queue empty. A read that fills the caller's buffer exactly
//! (`read_exact` of a 64-byte message, a framed protocol reading its header)
//! proves nothing, so the next read has to try and fail with `EAGAIN` before
//! the task may wait: one wasted system call per message, which is a quarter
//! of the system calls of a request/response exchange over loopback.
//!
//! Linux can answer the question in the same call: with the `TCP_INQ` socket
//! option set, `recvmsg` returns a control message holding the number of
//! bytes still queued after the read. Zero means the queue is empty now, and
//! readiness is cleared at once, exactly as after a short read. (Bytes that
//! arrive after the read raise a new edge, and the tick check of
//! `ScheduledIo::clear_readiness` keeps an edge dispatched in between; the
//! kernel reports a received FIN as one byte left, so end-of-stream is
//! still read.)
//!
//! The option costs a `setsockopt`, so it is set lazily, by the first read
//! that fills its buffer exactly: connections read with large buffers (whose
//! reads end short) never pay for it. It is a per-socket receive option that
//! only adds a control message to `recvmsg` calls that ask for control data;
//! plain `recv`/`read` on the socket are unaffected.
//!
//! Elsewhere than Linux, and on kernels without the option (before 4.18),
//! reads are plain `recv` and the queue state stays unknown.

use crate::loom::sync::atomic::{AtomicU32, Ordering::Relaxed};
use std::io;
use std::mem::MaybeUninit;
use std::os::unix::io::RawFd;

/// `TCP_INQ` not set (yet): reads are plain `recv`.
const OFF: u32 = 0;
/// `TCP_INQ` is set: reads are `recvmsg` and report the bytes left.
const ON: u32 = 1;
/// Setting `TCP_INQ` failed: never try again.
const UNSUPPORTED: u32 = 2;

/// Whether this socket's receives report the queue they leave behind.
///
/// Only a cache of the socket option's state; racing readers (the halves of
/// a split stream) may both set the option, which is harmless, so `Relaxed`
/// is enough.
#[derive(Debug)]
pub(crate) struct RecvHint(AtomicU32);

impl RecvHint {
    pub(crate) fn new() -> RecvHint {
        RecvHint(AtomicU32::new(OFF))
    }

    /// Receives into `buf`; returns the byte count and, when known, the
    /// number of bytes still queued after this read.
    pub(crate) fn recv(
        &self,
        fd: RawFd,
        buf: &mut [MaybeUninit<u8>],
    ) -> io::Result<(usize, Option<usize>)> {
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if self.0.load(Relaxed) == ON {
            return recv_with_inq(fd, buf);
        }
        plain_recv(fd, buf).map(|n| (n, None))
    }

    /// A read filled its buffer and the queue state is unknown: ask the
    /// kernel to report it from the next read on.
    pub(crate) fn want_queue_state(&self, fd: RawFd) {
        if self.0.load(Relaxed) != OFF {
            return;
        }
        let state = if set_inq(fd, true) { ON } else { UNSUPPORTED };
        self.0.store(state, Relaxed);
    }

    /// The socket leaves the runtime (`into_std`): turn the option off again,
    /// so that its new owner's `recvmsg` calls see no control message they
    /// did not ask for.
    pub(crate) fn restore(&self, fd: RawFd) {
        if self.0.swap(OFF, Relaxed) == ON {
            set_inq(fd, false);
        }
    }

    #[cfg(all(test, not(loom)))]
    fn is_on(&self) -> bool {
        self.0.load(Relaxed) == ON
    }
}

fn plain_recv(fd: RawFd, buf: &mut [MaybeUninit<u8>]) -> io::Result<usize> {
    // SAFETY: `buf` is valid for writes of `buf.len()` bytes for the whole
    // call; `recv` writes at most that many and never reads them.
    let n = unsafe { libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), 0) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    // `n` is non-negative and at most `buf.len()`.
    Ok(n as usize)
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn set_inq(fd: RawFd, enable: bool) -> bool {
    let on = libc::c_int::from(enable);
    // SAFETY: the option value points at a live `c_int` of the given size.
    let rc = unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_TCP,
            libc::TCP_INQ,
            (&on as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    rc == 0
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn set_inq(_fd: RawFd, _enable: bool) -> bool {
    false
}

/// `recvmsg` with room for the `TCP_CM_INQ` control message.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn recv_with_inq(fd: RawFd, buf: &mut [MaybeUninit<u8>]) -> io::Result<(usize, Option<usize>)> {
    let mut iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    // One control message carrying a `c_int` needs CMSG_SPACE(4) bytes (24
    // on 64-bit targets); `u64` elements give `cmsghdr` its alignment.
    let mut control = [0_u64; 4];
    // SAFETY: `msghdr` is plain old data; all zeroes means no address, no
    // iovecs and no control buffer, which the fields below then fill in.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = std::mem::size_of_val(&control) as _;
    // SAFETY: `msg` points at `iov` (which covers `buf`, valid for writes of
    // its length) and at `control`; all three outlive the call.
    let n = unsafe { libc::recvmsg(fd, &mut msg, 0) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    let mut left = None;
    // SAFETY: `recvmsg` filled `msg.msg_control`/`msg_controllen` with whole
    // control messages; the CMSG_* walk stays within them, and the data of a
    // `TCP_CM_INQ` message is one `c_int` (read unaligned to be safe).
    unsafe {
        let mut cmsg = libc::CMSG_FIRSTHDR(&msg);
        while !cmsg.is_null() {
            if (*cmsg).cmsg_level == libc::SOL_TCP && (*cmsg).cmsg_type == libc::TCP_CM_INQ {
                let queued = libc::CMSG_DATA(cmsg).cast::<libc::c_int>().read_unaligned();
                left = usize::try_from(queued).ok();
            }
            cmsg = libc::CMSG_NXTHDR(&msg, cmsg);
        }
    }
    // `n` is non-negative and at most `buf.len()`.
    Ok((n as usize, left))
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::unix::io::AsRawFd;

    fn pair() -> (std::net::TcpStream, std::net::TcpStream) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let a = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (b, _) = listener.accept().unwrap();
        (a, b)
    }

    fn recv_exact(hint: &RecvHint, fd: RawFd, len: usize) -> (usize, Option<usize>) {
        let mut buf = vec![MaybeUninit::uninit(); len];
        hint.recv(fd, &mut buf).unwrap()
    }

    #[test]
    fn reports_bytes_left_once_enabled() {
        let (mut a, b) = pair();
        let fd = b.as_raw_fd();
        let hint = RecvHint::new();
        a.write_all(&[1; 10]).unwrap();
        // Blocking socket: each read waits for the bytes written before it.
        assert_eq!(recv_exact(&hint, fd, 4), (4, None), "off: no hint");
        hint.want_queue_state(fd);
        assert!(hint.is_on(), "TCP_INQ is supported on Linux >= 4.18");
        assert_eq!(recv_exact(&hint, fd, 4), (4, Some(2)));
        assert_eq!(recv_exact(&hint, fd, 2), (2, Some(0)), "drained");
        a.write_all(&[2; 3]).unwrap();
        assert_eq!(recv_exact(&hint, fd, 3), (3, Some(0)));
        // Handed back to std: the option is off again.
        hint.restore(fd);
        assert!(!hint.is_on());
        a.write_all(&[3; 2]).unwrap();
        assert_eq!(
            recv_with_inq(fd, &mut [MaybeUninit::uninit(); 2]).unwrap(),
            (2, None)
        );
    }

    #[test]
    fn end_of_stream_counts_as_a_byte_left() {
        let (mut a, b) = pair();
        let fd = b.as_raw_fd();
        let hint = RecvHint::new();
        hint.want_queue_state(fd);
        a.write_all(&[1; 4]).unwrap();
        a.shutdown(std::net::Shutdown::Write).unwrap();
        drop(a);
        // Wait until the FIN is queued behind the data.
        let mut pfd = libc::pollfd {
            fd,
            events: libc::POLLRDHUP,
            revents: 0,
        };
        // SAFETY: one valid `pollfd`, as the count says.
        assert_eq!(unsafe { libc::poll(&mut pfd, 1, -1) }, 1);
        let (n, left) = recv_exact(&hint, fd, 4);
        assert_eq!(n, 4);
        assert_ne!(left, Some(0), "the FIN must still be read");
        assert_eq!(recv_exact(&hint, fd, 4).0, 0, "end of stream");
    }

    #[test]
    fn not_a_tcp_socket_stays_plain() {
        let (a, mut b) = std::os::unix::net::UnixStream::pair().unwrap();
        let hint = RecvHint::new();
        hint.want_queue_state(a.as_raw_fd());
        assert!(!hint.is_on());
        b.write_all(b"xy").unwrap();
        assert_eq!(recv_exact(&hint, a.as_raw_fd(), 1), (1, None));
    }
}
