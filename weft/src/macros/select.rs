//! `select!`: wait for the first of several futures whose output matches its
//! pattern, then run that branch's handler.
//!
//! The macro is a token muncher: the entry arms pick the start policy
//! (random, or `biased;`), then one step per branch normalizes it to
//!
//! ```text
//! ( _ _ ) ( 0 + 1 + 1 ) PATTERN = FUTURE, if CONDITION => HANDLER,
//! ```
//!
//! (the `_`s, one per branch before this one, pick its future out of the
//! futures tuple; the second group is its index), and the last arm expands
//! everything at once:
//!
//! 1. Declare `Out` (one variant per branch, plus `Disabled`) and `Mask`
//!    (one bit per branch) with a helper proc macro, in a module private to
//!    this expansion.
//! 2. Evaluate every precondition; a false one disables its branch.
//! 3. Evaluate every future expression (disabled branches too, as Tokio
//!    documents) into a tuple, then convert each into a future. The tuple is
//!    a local of the caller's async block, shadowed by a `&mut`, so it never
//!    moves: that makes `Pin::new_unchecked` sound.
//! 4. `poll_fn`: return `Pending` if the task's coop budget is spent; else
//!    poll each enabled branch once, starting at the start branch and
//!    wrapping around. A branch whose future completes is disabled for good;
//!    if its output matches the pattern (checked on a reference, with a
//!    pattern cleaned of `ref`/`mut`), return it as `Out::_k`. If none is
//!    pending any more, return `Out::Disabled`.
//! 5. After the `.await`, and outside the closure (so that `return`, `break`,
//!    `continue` and `.await` in a handler mean what the user wrote), match
//!    the output against the real pattern and run the handler, or the `else`
//!    expression (by default a panic) for `Disabled`.
//!
//! The state held across `.await` is the futures tuple, the mask and the
//! closure (two references): the same as Tokio's, whose tests check the size
//! of a `select!` future.

/// Waits on multiple concurrent branches, returning when the **first** branch
/// completes, cancelling the remaining branches.
///
/// The `select!` macro must be used inside of async functions, closures, and
/// blocks. It accepts one or more branches of the form
///
/// ```text
/// <pattern> = <async expression> (, if <precondition>)? => <handler>,
/// ```
///
/// and an optional `else => <expression>` branch last. Up to 64 branches.
///
/// 1. All preconditions are evaluated; a branch whose precondition is false
///    is disabled for this call.
/// 2. All async expressions are evaluated (also of disabled branches) into
///    futures.
/// 3. The futures of enabled branches are polled concurrently on the current
///    task. When one completes, its output is matched against its pattern: on
///    a match, every other future is dropped and the handler runs with the
///    pattern's bindings; on a mismatch the branch is disabled and the others
///    keep running.
/// 4. If every branch is disabled, the `else` expression is evaluated; without
///    an `else` branch, `select!` panics with "all branches are disabled and
///    there is no else branch".
///
/// By default each poll starts with a randomly chosen branch, so that no
/// branch is favoured. With `biased;` as the first line, branches are polled
/// in the order written: cheaper, and lets the first branches take priority.
///
/// `select!` takes part in cooperative scheduling: when the task's budget is
/// spent it returns `Pending` (and the task runs again soon) even if a branch
/// is ready.
///
/// Dropping the other branches cancels them: only futures that are
/// cancel-safe can be selected on in a loop without losing work (pass `&mut
/// fut` to keep an uncompleted future for the next iteration).
///
/// # Examples
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// use std::future::{pending, ready};
///
/// let v = weft::select! {
///     v = ready(1) => v,
///     _ = pending::<()>() => unreachable!(),
/// };
/// assert_eq!(v, 1);
///
/// // A pattern that does not match disables its branch.
/// let v = weft::select! {
///     biased;
///     Some(v) = ready(None::<u32>) => v,
///     v = ready(2) => v,
/// };
/// assert_eq!(v, 2);
///
/// // Preconditions, and `else` once nothing is left.
/// let done = true;
/// let v = weft::select! {
///     v = ready(3), if !done => v,
///     else => 0,
/// };
/// assert_eq!(v, 0);
/// # }
/// ```
#[macro_export]
#[cfg_attr(docsrs, doc(cfg(feature = "macros")))]
macro_rules! select {
    // Internal, last step: every branch normalized (see the module doc).
    (@{
        start = $start:path;
        ( $($all:tt)* )
        ( $($count:tt)* )
        $( ( $($before:tt)* ) ( $($index:tt)* ) $bind:pat = $fut:expr, if $cond:expr => $handler:expr, )+
        ; $else:expr
    }) => {{
        #[doc(hidden)]
        mod __weft_select {
            $crate::macros::support::select_priv_declare_output_enum!( ( $($all)* ) );
        }

        let mut disabled: __weft_select::Mask = 0;
        $(
            if !$cond {
                let bit: __weft_select::Mask = 1 << ( $($index)* );
                disabled |= bit;
            }
        )+

        // `mut`: a handler pattern may bind `ref mut`.
        #[allow(unused_mut)]
        let mut output = {
            // A tuple first: temporaries borrowed by a branch's expression
            // (`&mut ready(())`) then live until the end of this block.
            let futures_init = ( $( $fut, )+ );
            let mut futures = ( $(
                $crate::macros::support::IntoFuture::into_future({
                    let ( $($before,)* fut, .. ) = futures_init;
                    fut
                }),
            )+ );
            // From here on the tuple is only reachable through this reference.
            let futures = &mut futures;
            $crate::macros::support::poll_fn(|cx| {
                $crate::macros::support::ready!(
                    $crate::macros::support::poll_budget_available(cx)
                );
                let start: u32 = $start( $($count)* );
                let mut any_pending = false;
                // Two passes: branches `start..N`, then `0..start`.
                for first_pass in [true, false] {
                    $(
                        // A branch whose output type is uninhabited makes the
                        // rest of its block unreachable, by the caller's types.
                        #[allow(unreachable_code)]
                        'branch: {
                            let index: u32 = $($index)*;
                            let bit: __weft_select::Mask = 1 << index;
                            if (index >= start) != first_pass || disabled & bit != 0 {
                                break 'branch;
                            }
                            let ( $($before,)* fut, .. ) = &mut *futures;
                            // SAFETY: `fut` is a field of the tuple above, a
                            // local of the enclosing async block (pinned with
                            // it) that is shadowed and never moved; it is
                            // dropped in place.
                            let fut = unsafe { $crate::macros::support::Pin::new_unchecked(fut) };
                            // The diverging `Pending` arm matters for type
                            // inference, as in Tokio: an output type nothing else
                            // constrains (`poll_fn(|_| panic!())`) falls back to
                            // `()` instead of being an error.
                            let out = match $crate::macros::support::Future::poll(fut, cx) {
                                $crate::macros::support::Poll::Ready(out) => out,
                                $crate::macros::support::Poll::Pending => {
                                    any_pending = true;
                                    break 'branch;
                                }
                            };
                            // Completed: never poll it again.
                            disabled |= bit;
                            #[allow(unused_variables, unused_mut)]
                            match &out {
                                $crate::macros::support::select_priv_clean_pattern!($bind) => {}
                                // Unreachable for an irrefutable pattern.
                                #[allow(unreachable_patterns)]
                                _ => break 'branch,
                            }
                            return $crate::macros::support::Poll::Ready(
                                $crate::macros::support::select_priv_variant!(
                                    { __weft_select::Out } ( $($before)* ) (out)
                                )
                            );
                        }
                    )+
                }
                if any_pending {
                    $crate::macros::support::Poll::Pending
                } else {
                    $crate::macros::support::Poll::Ready(__weft_select::Out::Disabled)
                }
            }).await
        };

        match output {
            $(
                $crate::macros::support::select_priv_variant!(
                    { __weft_select::Out } ( $($before)* ) ($bind)
                ) => $handler,
            )+
            __weft_select::Out::Disabled => $else,
            #[allow(unreachable_patterns)]
            _ => $crate::macros::support::unreachable!("select!: a pattern matched once and not again"),
        }
    }};

    // Internal: the `else` branch closes the list.
    (@{ $($state:tt)* } else => $else:expr $(,)?) => {
        $crate::select!(@{ $($state)* ; $else })
    };

    // Internal: no `else` branch, so running out of branches panics.
    (@{ $($state:tt)* }) => {
        $crate::select!(@{
            $($state)* ;
            $crate::macros::support::panic!("all branches are disabled and there is no else branch")
        })
    };

    // Internal: number the next branch, in one step (64 branches must fit in
    // the recursion limit). Its handler is a block followed by a comma, a
    // block without one, the last expression, or an expression and a comma;
    // a branch without precondition gets `if true`.
    (@{ start = $start:path; ( $($all:tt)* ) ( $($count:tt)* ) $($done:tt)* }
        $bind:pat = $fut:expr, if $cond:expr => $handler:block, $($rest:tt)*) => {
        $crate::select!(@{
            start = $start; ( $($all)* _ ) ( $($count)* + 1 ) $($done)*
            ( $($all)* ) ( $($count)* ) $bind = $fut, if $cond => $handler,
        } $($rest)*)
    };
    (@{ start = $start:path; ( $($all:tt)* ) ( $($count:tt)* ) $($done:tt)* }
        $bind:pat = $fut:expr, if $cond:expr => $handler:block $($rest:tt)*) => {
        $crate::select!(@{
            start = $start; ( $($all)* _ ) ( $($count)* + 1 ) $($done)*
            ( $($all)* ) ( $($count)* ) $bind = $fut, if $cond => $handler,
        } $($rest)*)
    };
    (@{ start = $start:path; ( $($all:tt)* ) ( $($count:tt)* ) $($done:tt)* }
        $bind:pat = $fut:expr, if $cond:expr => $handler:expr) => {
        $crate::select!(@{
            start = $start; ( $($all)* _ ) ( $($count)* + 1 ) $($done)*
            ( $($all)* ) ( $($count)* ) $bind = $fut, if $cond => $handler,
        })
    };
    (@{ start = $start:path; ( $($all:tt)* ) ( $($count:tt)* ) $($done:tt)* }
        $bind:pat = $fut:expr, if $cond:expr => $handler:expr, $($rest:tt)*) => {
        $crate::select!(@{
            start = $start; ( $($all)* _ ) ( $($count)* + 1 ) $($done)*
            ( $($all)* ) ( $($count)* ) $bind = $fut, if $cond => $handler,
        } $($rest)*)
    };
    (@{ start = $start:path; ( $($all:tt)* ) ( $($count:tt)* ) $($done:tt)* }
        $bind:pat = $fut:expr => $handler:block, $($rest:tt)*) => {
        $crate::select!(@{
            start = $start; ( $($all)* _ ) ( $($count)* + 1 ) $($done)*
            ( $($all)* ) ( $($count)* ) $bind = $fut, if true => $handler,
        } $($rest)*)
    };
    (@{ start = $start:path; ( $($all:tt)* ) ( $($count:tt)* ) $($done:tt)* }
        $bind:pat = $fut:expr => $handler:block $($rest:tt)*) => {
        $crate::select!(@{
            start = $start; ( $($all)* _ ) ( $($count)* + 1 ) $($done)*
            ( $($all)* ) ( $($count)* ) $bind = $fut, if true => $handler,
        } $($rest)*)
    };
    (@{ start = $start:path; ( $($all:tt)* ) ( $($count:tt)* ) $($done:tt)* }
        $bind:pat = $fut:expr => $handler:expr) => {
        $crate::select!(@{
            start = $start; ( $($all)* _ ) ( $($count)* + 1 ) $($done)*
            ( $($all)* ) ( $($count)* ) $bind = $fut, if true => $handler,
        })
    };
    (@{ start = $start:path; ( $($all:tt)* ) ( $($count:tt)* ) $($done:tt)* }
        $bind:pat = $fut:expr => $handler:expr, $($rest:tt)*) => {
        $crate::select!(@{
            start = $start; ( $($all)* _ ) ( $($count)* + 1 ) $($done)*
            ( $($all)* ) ( $($count)* ) $bind = $fut, if true => $handler,
        } $($rest)*)
    };

    // Entry points.
    ($(biased;)? else => $else:expr $(,)?) => {{
        $else
    }};
    (biased; $bind:pat = $($rest:tt)*) => {
        $crate::select!(@{ start = $crate::macros::support::biased_start; () (0) } $bind = $($rest)*)
    };
    ($bind:pat = $($rest:tt)*) => {
        $crate::select!(@{ start = $crate::macros::support::random_start; () (0) } $bind = $($rest)*)
    };
    () => {
        compile_error!("select! requires at least one branch.")
    };
}
