//! `ReadBuf`: uninitialised memory handled soundly (run this binary under
//! valgrind: `valgrind --error-exitcode=1 target/debug/deps/io_read_buf-*`).

use std::mem::MaybeUninit;
use weft::io::ReadBuf;

#[test]
fn uninit_buffer_is_never_read_before_written() {
    let mut storage = [MaybeUninit::<u8>::uninit(); 64];
    let mut buf = ReadBuf::uninit(&mut storage);
    assert_eq!(buf.capacity(), 64);
    assert!(buf.initialized().is_empty());
    buf.put_slice(b"hello");
    // Reading what is filled touches only written bytes.
    assert_eq!(buf.filled().iter().map(|&b| b as u32).sum::<u32>(), 532);
    let rest = buf.initialize_unfilled_to(10);
    assert!(rest.iter().all(|&b| b == 0));
    rest[..3].copy_from_slice(b" wo");
    buf.advance(3);
    assert_eq!(buf.filled(), b"hello wo");
    assert_eq!(buf.initialized().len(), 15);
    assert_eq!(buf.remaining(), 56);
}

#[test]
fn take_gives_a_window_that_writes_through() {
    let mut storage = [MaybeUninit::<u8>::uninit(); 16];
    let mut buf = ReadBuf::uninit(&mut storage);
    buf.put_slice(b"ab");
    let n = {
        let mut window = buf.take(4);
        assert_eq!(window.capacity(), 4);
        window.put_slice(b"cdef");
        window.filled().len()
    };
    // SAFETY: the window wrote `n` bytes into our unfilled region.
    unsafe { buf.assume_init(n) };
    buf.advance(n);
    assert_eq!(buf.filled(), b"abcdef");
    assert_eq!(buf.take(100).capacity(), 10);
}

#[test]
fn unfilled_mut_and_assume_init() {
    let mut storage = [MaybeUninit::<u8>::uninit(); 8];
    let mut buf = ReadBuf::uninit(&mut storage);
    // SAFETY: bytes are written before being declared initialised.
    unsafe {
        for (i, b) in buf.unfilled_mut()[..4].iter_mut().enumerate() {
            b.write(i as u8);
        }
        buf.assume_init(4);
    }
    buf.set_filled(4);
    assert_eq!(buf.filled(), &[0, 1, 2, 3]);
    // SAFETY: only initialised bytes are written through `inner_mut`.
    unsafe { buf.inner_mut()[0].write(9) };
    assert_eq!(buf.filled()[0], 9);
    buf.set_filled(1);
    buf.clear();
    assert_eq!(buf.initialized(), &[9, 1, 2, 3]);
}

#[test]
fn filled_mut_and_initialized_mut_edit_in_place() {
    let mut storage = [0u8; 4];
    let mut buf = ReadBuf::new(&mut storage);
    buf.put_slice(b"xy");
    buf.filled_mut()[1] = b'Y';
    buf.initialized_mut()[3] = b'!';
    assert_eq!(buf.initialized(), b"xY\0!");
    assert_eq!(&storage, b"xY\0!");
}

#[test]
#[should_panic(expected = "filled must not become larger than initialized")]
fn set_filled_past_initialized_panics() {
    let mut storage = [MaybeUninit::<u8>::uninit(); 4];
    let mut buf = ReadBuf::uninit(&mut storage);
    buf.set_filled(1);
}

#[test]
#[should_panic(expected = "filled overflow")]
fn advance_overflow_panics() {
    let mut storage = [0u8; 4];
    let mut buf = ReadBuf::new(&mut storage);
    buf.advance(1);
    buf.advance(usize::MAX);
}

#[test]
#[should_panic(expected = "buf.len() must fit in remaining()")]
fn put_slice_past_capacity_panics() {
    let mut storage = [0u8; 2];
    let mut buf = ReadBuf::new(&mut storage);
    buf.put_slice(b"abc");
}
