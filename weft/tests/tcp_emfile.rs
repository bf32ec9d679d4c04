//! An accept loop that hits EMFILE (too many open files) gets the error and
//! goes on accepting once descriptors are free. Alone in its file: it lowers
//! the process's descriptor limit.
#![cfg(all(feature = "full", target_os = "linux"))]

use weft::net::TcpListener;

#[test]
fn accept_survives_emfile() {
    let rt = weft::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        // Connections wait in the backlog; accepting each needs a new fd.
        let clients: Vec<_> = (0..3)
            .map(|_| std::net::TcpStream::connect(addr).unwrap())
            .collect();

        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: `lim` is a valid rlimit to write into.
        assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
        let saved = lim;
        lim.rlim_cur = 256;
        // SAFETY: lowering the soft limit is always allowed.
        assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) }, 0);

        // Use up every descriptor.
        let mut hogs = Vec::new();
        while let Ok(f) = std::fs::File::open("/dev/null") {
            hogs.push(f);
        }
        let err = listener.accept().await.unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::EMFILE), "{err:?}");
        // Still failing, still not hanging.
        assert!(listener.accept().await.is_err());

        drop(hogs);
        // SAFETY: `saved` came from getrlimit.
        assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &saved) }, 0);
        for _ in 0..clients.len() {
            let (stream, peer) = listener.accept().await.unwrap();
            assert_eq!(stream.peer_addr().unwrap(), peer);
        }
    });
}
