//! Procedural macros of the weft runtime: `#[weft::main]` and `#[weft::test]`,
//! plus the private helpers of `weft::select!`.
//!
//! Use them through the `weft` crate (feature `macros`), which re-exports them;
//! this crate is an implementation detail. Arguments, defaults and error
//! messages are those of `tokio-macros` 2.x, so that `#[tokio::main]` code
//! moves to weft unchanged.
//!
//! The examples here are marked `ignore`: this crate cannot depend on weft
//! (weft depends on it). The same examples run as doc tests of
//! `weft::main` and `weft::test`.
#![warn(missing_docs, rust_2018_idioms, unreachable_pub)]

mod config;
mod entry;
mod select;

use proc_macro::TokenStream;

/// Marks an `async fn main` to be run on a weft runtime.
///
/// The function body becomes a future that a freshly built runtime blocks on:
///
/// ```ignore
/// #[weft::main]
/// async fn main() {
///     println!("Hello world");
/// }
/// ```
///
/// is equivalent to
///
/// ```ignore
/// fn main() {
///     weft::runtime::Builder::new_multi_thread()
///         .enable_all()
///         .build()
///         .expect("Failed building the Runtime")
///         .block_on(async {
///             println!("Hello world");
///         })
/// }
/// ```
///
/// # Arguments
///
/// - `flavor = "multi_thread"` (the default) or `"current_thread"`.
/// - `worker_threads = N`: the number of worker threads (multi-thread only).
/// - `start_paused = true`: start with the clock paused (current-thread only;
///   needs the `test-util` feature of weft).
/// - `name = "..."`: the runtime's name.
/// - `crate = "path"`: where to find weft, when it is neither a dependency
///   named in Cargo.toml nor reachable as `::weft` (for example when it is
///   re-exported by another crate).
///
/// Arguments that are wrong (unknown, mistyped, in the wrong combination) are
/// compile errors pointing at the argument.
///
/// The examples are `ignore`d here because this crate cannot depend on weft;
/// weft's own documentation of the re-export runs them.
#[proc_macro_attribute]
pub fn main(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::main(args.into(), item.into(), true).into()
}

/// `#[weft::main]` when weft is built without `rt-multi-thread`: the same,
/// except that the multi-thread flavor (the default) is a compile error.
#[doc(hidden)]
#[proc_macro_attribute]
pub fn main_rt(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::main(args.into(), item.into(), false).into()
}

/// Marks an `async fn` as a test run on a weft runtime.
///
/// ```ignore
/// #[weft::test]
/// async fn my_test() {
///     assert!(true);
/// }
/// ```
///
/// The default flavor is `current_thread`; the arguments are those of
/// [`macro@main`]. Other attributes such as `#[should_panic]` can be combined
/// with it; a second `#[test]` is an error.
#[proc_macro_attribute]
pub fn test(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::test(args.into(), item.into(), true).into()
}

/// `#[weft::test]` when weft is built without `rt-multi-thread`: the same,
/// except that the multi-thread flavor is a compile error.
#[doc(hidden)]
#[proc_macro_attribute]
pub fn test_rt(args: TokenStream, item: TokenStream) -> TokenStream {
    entry::test(args.into(), item.into(), false).into()
}

/// Private helper of `select!`: declares its output enum and branch mask.
#[doc(hidden)]
#[proc_macro]
pub fn select_priv_declare_output_enum(input: TokenStream) -> TokenStream {
    select::declare_output_enum(input.into()).into()
}

/// Private helper of `select!`: names the output variant of a branch.
#[doc(hidden)]
#[proc_macro]
pub fn select_priv_variant(input: TokenStream) -> TokenStream {
    select::variant(input.into()).into()
}

/// Private helper of `select!`: removes `ref` and `mut` from a pattern.
#[doc(hidden)]
#[proc_macro]
pub fn select_priv_clean_pattern(input: TokenStream) -> TokenStream {
    select::clean_pattern(input.into()).into()
}
