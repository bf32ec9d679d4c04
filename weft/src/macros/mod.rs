//! Declarative macros: `select!`, `join!`, `try_join!`, `pin!`.
//!
//! The macros are exported at the crate root (`weft::select!`, ...) and reach
//! everything they need through `$crate::macros::support`, so they work
//! whatever name the user gives the crate (`tokio = { package = "weft" }`).
//! `pin!` is always available; the others come with the
//! `macros` feature, as in Tokio.

// No `#[macro_use]`: the macros are reached by path (`crate::pin!`,
// `$crate::select!`), so that inside weft an unqualified `pin!` stays std's
// `std::pin::pin!` where a module imports it (textual macro scope would
// otherwise shadow the import).
mod pin;

#[cfg(feature = "macros")]
mod join;
#[cfg(feature = "macros")]
mod maybe_done;
#[cfg(feature = "macros")]
mod rotation;
#[cfg(feature = "macros")]
mod select;
#[cfg(feature = "macros")]
mod try_join;

#[doc(hidden)]
pub mod support;

/// Runs an `async fn` on a weft runtime built for it: marks `main` (or any
/// function) so that its body is the future the runtime blocks on.
///
/// The default flavor is `multi_thread`; `flavor = "current_thread"`,
/// `worker_threads = N`, `start_paused = true`, `name = "..."` and
/// `crate = "path"` are Tokio's arguments, with Tokio's meaning. Bad arguments
/// are compile errors.
///
/// ```
/// #[weft::main(flavor = "current_thread")]
/// async fn main() {
///     let answer = weft::spawn(async { 42 }).await.unwrap();
///     assert_eq!(answer, 42);
/// }
/// ```
///
/// Any function can be marked, and its return value is passed through:
///
/// ```
/// #[weft::main(flavor = "current_thread")]
/// async fn double(x: u32) -> Result<u32, String> {
///     Ok(weft::spawn(async move { x * 2 }).await.map_err(|e| e.to_string())?)
/// }
///
/// assert_eq!(double(21), Ok(42));
/// ```
#[cfg(all(feature = "macros", feature = "rt-multi-thread"))]
pub use weft_macros::main;
/// Runs an `async fn` on a weft runtime built for it.
///
/// Without the `rt-multi-thread` feature, only `flavor = "current_thread"`
/// is available.
///
/// ```
/// #[weft::main(flavor = "current_thread")]
/// async fn main() {
///     assert_eq!(weft::spawn(async { 42 }).await.unwrap(), 42);
/// }
/// ```
#[cfg(all(feature = "macros", not(feature = "rt-multi-thread")))]
pub use weft_macros::main_rt as main;

/// Runs an `async fn` test on a weft runtime built for it (current-thread
/// by default).
///
/// Takes the arguments of [`main`](macro@main); combines with other
/// attributes such as `#[should_panic]`, and the test may return a `Result`.
///
/// ```no_run
/// #[weft::test]
/// async fn spawned_task_runs() {
///     assert_eq!(weft::spawn(async { 1 }).await.unwrap(), 1);
/// }
///
/// #[weft::test(flavor = "multi_thread", worker_threads = 2)]
/// async fn on_two_workers() -> Result<(), weft::task::JoinError> {
///     weft::spawn(async {}).await
/// }
/// ```
#[cfg(all(feature = "macros", feature = "rt-multi-thread"))]
pub use weft_macros::test;
/// Runs an `async fn` test on a weft runtime built for it (current-thread).
///
/// ```no_run
/// #[weft::test]
/// async fn spawned_task_runs() {
///     assert_eq!(weft::spawn(async { 1 }).await.unwrap(), 1);
/// }
/// ```
#[cfg(all(feature = "macros", not(feature = "rt-multi-thread")))]
pub use weft_macros::test_rt as test;

#[cfg(all(test, not(loom), feature = "macros"))]
mod tests {
    // Inside weft the entry macros find the crate as "itself" and emit
    // `::weft`, which lib.rs makes resolvable.
    #[crate::test]
    async fn entry_macro_works_inside_weft() {
        assert_eq!(crate::spawn(async { 1 }).await.unwrap(), 1);
    }

    #[weft::test(flavor = "current_thread")]
    async fn select_and_join_inside_weft() {
        let (a, b) = crate::join!(async { 1 }, async { 2 });
        let c = crate::select! { c = async { 3 } => c };
        assert_eq!(a + b + c, 6);
    }
}
