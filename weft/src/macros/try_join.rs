//! `try_join!`: `join!` for futures returning `Result`, stopping at the first
//! error.
//!
//! The expansion is `join!`'s (see `join.rs`: tuple of
//! [`MaybeDone`](super::maybe_done::MaybeDone), rotation, two passes) with one
//! step added: right after a future completes with `Err`, the error is taken
//! out and returned, and the other futures are dropped with the `try_join!`
//! future, unfinished.

/// Waits on multiple concurrent branches, returning when **all** branches
/// complete with `Ok(_)` or on the first `Err(_)`.
///
/// The `try_join!` macro must be used inside of async functions, closures,
/// and blocks. Each async expression must produce a `Result` with the same
/// error type. If every branch succeeds, `try_join!` returns `Ok` of a tuple
/// of the values in order; as soon as one fails, it returns that error
/// without waiting for the others (which are dropped).
///
/// As with [`join!`](crate::join), the branches run concurrently on the
/// current task, each poll starts with a different branch unless `biased;`
/// is given, and nothing runs in parallel.
///
/// # Examples
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// async fn fetch(n: u32) -> Result<u32, String> {
///     if n < 10 { Ok(n * 2) } else { Err(format!("{n} is too large")) }
/// }
///
/// let both = weft::try_join!(fetch(1), fetch(2));
/// assert_eq!(both, Ok((2, 4)));
///
/// let failed = weft::try_join!(fetch(1), fetch(20), std::future::pending::<Result<(), String>>());
/// assert_eq!(failed, Err("20 is too large".to_string()));
/// # let _: Result<((), ), String> = weft::try_join!(biased; async { Ok(()) });
/// # }
/// ```
#[macro_export]
#[cfg_attr(docsrs, doc(cfg(feature = "macros")))]
macro_rules! try_join {
    // Internal, last step: every future numbered (see join.rs).
    (@{
        rotation = $rotation:ident;
        ( $($all:tt)* )
        ( $($count:tt)* )
        $( ( $($before:tt)* ) ( $($index:tt)* ) $e:expr, )*
    }) => {{
        let mut futures = ( $( $crate::macros::support::maybe_done($e), )* );
        // From here on the tuple is only reachable through this reference.
        let futures = &mut futures;
        let mut rotation = $crate::macros::support::$rotation::<{ $($count)* }>::new();
        $crate::macros::support::poll_fn(move |cx| {
            let first: u32 = rotation.first();
            let mut is_pending = false;
            for first_pass in [true, false] {
                $({
                    let index: u32 = $($index)*;
                    if (index >= first) == first_pass {
                        let ( $($before,)* fut, .. ) = &mut *futures;
                        // SAFETY: `fut` is a field of the tuple above, a local
                        // of the enclosing async block (pinned with it) that is
                        // shadowed and never moved; it is dropped in place.
                        let mut fut = unsafe { $crate::macros::support::Pin::new_unchecked(fut) };
                        if $crate::macros::support::Future::poll(fut.as_mut(), cx).is_pending() {
                            is_pending = true;
                        } else if let Some(err) = fut
                            .take_err()
                            .map($crate::macros::support::Result::Err)
                        {
                            // Passing `Err` as a function (not `Err(e)`) keeps an
                            // uninhabited error type from making this unreachable.
                            return $crate::macros::support::Poll::Ready(err);
                        }
                    }
                })*
            }
            if is_pending {
                return $crate::macros::support::Poll::Pending;
            }
            // An uninhabited `Ok` type makes the tuple unreachable; that is the
            // caller's type, not a mistake to warn about.
            #[allow(unreachable_code)]
            {
                $crate::macros::support::Poll::Ready($crate::macros::support::Result::Ok(( $({
                    let ( $($before,)* fut, .. ) = &mut *futures;
                    // SAFETY: as above, the tuple never moves.
                    let fut = unsafe { $crate::macros::support::Pin::new_unchecked(fut) };
                    fut.take_ok().expect("try_join! polled after completion")
                },)* )))
            }
        }).await
    }};

    // Internal: number the next future.
    (@{
        rotation = $rotation:ident;
        ( $($all:tt)* )
        ( $($count:tt)* )
        $($done:tt)*
    } $e:expr, $($rest:tt)*) => {
        $crate::try_join!(@{
            rotation = $rotation;
            ( $($all)* _ )
            ( $($count)* + 1 )
            $($done)*
            ( $($all)* ) ( $($count)* ) $e,
        } $($rest)*)
    };

    (biased; $($e:expr),+ $(,)?) => {
        $crate::try_join!(@{ rotation = InOrder; () (0) } $($e,)+)
    };
    ($($e:expr),+ $(,)?) => {
        $crate::try_join!(@{ rotation = RoundRobin; () (0) } $($e,)+)
    };
    (biased;) => { async { $crate::macros::support::Result::Ok(()) }.await };
    () => { async { $crate::macros::support::Result::Ok(()) }.await };
}
