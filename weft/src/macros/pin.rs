//! `pin!`: pin values on the stack.
//!
//! Built on `std::pin::pin!`, whose temporary lifetime extension keeps the
//! value alive for the enclosing block; the variable is shadowed by the pinned
//! reference, so the value can never be moved again and no `unsafe` is needed.

/// Pins a value on the stack.
///
/// Calls to `async fn` return anonymous [`Future`](std::future::Future)
/// values that are `!Unpin`; they must be pinned before they can be polled,
/// for example by `(&mut fut).await` or in a [`select!`](crate::select) loop.
/// `pin!(fut)` moves `fut` to a place that cannot move and rebinds the name
/// to a `Pin<&mut _>` pointing at it. Several names can be given at once, or
/// values declared and pinned in one go with the `let` form.
///
/// # Examples
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// async fn my_async_fn() -> u32 { 3 }
///
/// let future = my_async_fn();
/// weft::pin!(future);
/// assert_eq!((&mut future).await, 3);
///
/// weft::pin! {
///     let a = my_async_fn();
///     let b = async { 4 };
/// }
/// assert_eq!(a.await + b.await, 7);
/// # }
/// ```
#[macro_export]
macro_rules! pin {
    ($($x:ident),* $(,)?) => { $(
        #[allow(unused_mut)]
        let mut $x = $crate::macros::support::pin!($x);
    )* };
    ($(
        let $x:ident = $init:expr;
    )*) => { $(
        let $x = $init;
        $crate::pin!($x);
    )* };
}
