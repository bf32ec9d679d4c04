//! `join!`: wait for several futures at once, in the same task.
//!
//! Expansion, for `join!(a, b, c)`:
//!
//! 1. Each expression is converted into a future and wrapped in a
//!    [`MaybeDone`](super::maybe_done::MaybeDone); the three sit in one tuple,
//!    a local of the caller's async block, which is shadowed by a `&mut` to
//!    it so that it can never move again (this is what makes the
//!    `Pin::new_unchecked` below sound).
//! 2. A `poll_fn` polls the futures that are not done yet, starting with the
//!    one its rotation ([`RoundRobin`](super::rotation::RoundRobin), or
//!    [`InOrder`](super::rotation::InOrder) for `biased;`) names, and wrapping
//!    around: two passes, `first..N` then `0..first`.
//! 3. When none is pending, the outputs are taken out of the tuple, in
//!    declaration order.
//!
//! To pick future `k` out of the tuple without naming a field (macros cannot
//! make the literal `k`), each future carries one `_` per future before it,
//! and `let (_, _, fut, ..) = &mut *futures;` binds the third. Each future
//! also carries its index as the expression `0 + 1 + 1`.
//!
//! The state held across `.await` is the tuple plus the `poll_fn` closure
//! (one reference and the rotation): the same as Tokio's, whose tests check
//! the size of a `join!` future.

/// Waits on multiple concurrent branches, returning when **all** branches
/// complete.
///
/// The `join!` macro must be used inside of async functions, closures, and
/// blocks. It takes a list of async expressions (anything implementing
/// [`IntoFuture`](std::future::IntoFuture)) and evaluates them concurrently
/// on the same task. It returns a tuple of all their outputs, in order.
///
/// Since all branches run on the same task, they run *concurrently* but not in
/// *parallel*: if one branch blocks the thread, the others cannot proceed. To
/// run on several threads, spawn each future with [`spawn`](crate::task)
/// and join the handles.
///
/// # Fairness
///
/// By default each poll of `join!` starts with a different branch (the next
/// one along), so that a branch that is always ready cannot starve the others.
/// With `biased;` as the first argument, the branches are always polled in the
/// order written, which is cheaper and predictable.
///
/// # Examples
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// async fn do_stuff_async() -> u32 { 1 }
/// async fn more_async_work() -> &'static str { "two" }
///
/// let (first, second) = weft::join!(do_stuff_async(), more_async_work());
/// assert_eq!((first, second), (1, "two"));
///
/// // In declaration order on every poll.
/// let (a, b) = weft::join!(biased; async { 'a' }, async { 'b' });
/// assert_eq!((a, b), ('a', 'b'));
///
/// // No branch: the empty tuple.
/// let () = weft::join!();
/// # }
/// ```
#[macro_export]
#[cfg_attr(docsrs, doc(cfg(feature = "macros")))]
macro_rules! join {
    // Internal, last step: every future numbered (see the module doc).
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
                        let fut = unsafe { $crate::macros::support::Pin::new_unchecked(fut) };
                        if $crate::macros::support::Future::poll(fut, cx).is_pending() {
                            is_pending = true;
                        }
                    }
                })*
            }
            if is_pending {
                return $crate::macros::support::Poll::Pending;
            }
            // An output of an uninhabited type makes the tuple unreachable; that
            // is the caller's type, not a mistake to warn about.
            #[allow(unreachable_code)]
            {
                $crate::macros::support::Poll::Ready(( $({
                    let ( $($before,)* fut, .. ) = &mut *futures;
                    // SAFETY: as above, the tuple never moves.
                    let fut = unsafe { $crate::macros::support::Pin::new_unchecked(fut) };
                    fut.take_output().expect("join! polled after completion")
                },)* ))
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
        $crate::join!(@{
            rotation = $rotation;
            ( $($all)* _ )
            ( $($count)* + 1 )
            $($done)*
            ( $($all)* ) ( $($count)* ) $e,
        } $($rest)*)
    };

    (biased; $($e:expr),+ $(,)?) => {
        $crate::join!(@{ rotation = InOrder; () (0) } $($e,)+)
    };
    ($($e:expr),+ $(,)?) => {
        $crate::join!(@{ rotation = RoundRobin; () (0) } $($e,)+)
    };
    (biased;) => { async {}.await };
    () => { async {}.await };
}
