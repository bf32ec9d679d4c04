//! `#[weft::main]` and `#[weft::test]`: what they expand to runs, in every
//! position a Tokio user puts them; bad arguments are compile errors with
//! Tokio's messages (trybuild, `tests/ui/`).
#![cfg(feature = "macros")]
#![deny(unused_braces)]

use weft::runtime::{Handle, RuntimeFlavor};

#[weft::test]
async fn test_defaults_to_current_thread() {
    assert_eq!(
        Handle::current().runtime_flavor(),
        RuntimeFlavor::CurrentThread
    );
    assert_eq!(weft::spawn(async { 1 }).await.unwrap(), 1);
}

#[weft::test(flavor = "current_thread")]
async fn explicit_current_thread() {
    assert_eq!(
        Handle::current().runtime_flavor(),
        RuntimeFlavor::CurrentThread
    );
}

#[weft::test(name = "a valid runtime name")]
async fn runtime_name() {
    assert_eq!(Handle::current().name(), Some("a valid runtime name"));
}

// `start_paused` needs the paused clock of `test-util`.
#[cfg(feature = "test-util")]
#[weft::test(flavor = "current_thread", start_paused = true)]
async fn start_paused_builds() {
    assert_eq!(weft::spawn(async { 2 }).await.unwrap(), 2);
}

#[weft::test]
async fn returns_result() -> Result<(), std::num::ParseIntError> {
    let n: u8 = "12".parse()?;
    assert_eq!(n, 12);
    Ok(())
}

#[weft::test]
#[should_panic(expected = "boom")]
async fn combined_with_should_panic() {
    weft::task::yield_now().await;
    panic!("boom");
}

#[should_panic(expected = "attribute order does not matter")]
#[weft::test]
async fn should_panic_before_the_macro() {
    panic!("attribute order does not matter");
}

#[weft::test]
async fn inner_attributes_are_kept() {
    #![allow(unused_variables)]
    let unused = 1;
}

#[rustfmt::skip]
#[weft::test]
async fn one_line_body() { assert_eq!(1 + 1, 2) }

mod nested {
    #[weft::test]
    async fn test_inside_a_module() {
        assert_eq!(weft::spawn(async { 3 }).await.unwrap(), 3);
    }

    pub mod deeper {
        #[weft::main(flavor = "current_thread")]
        pub async fn main_inside_a_module() -> u8 {
            4
        }
    }
}

#[test]
fn main_in_a_module_runs() {
    assert_eq!(nested::deeper::main_inside_a_module(), 4);
}

#[weft::main(flavor = "current_thread")]
async fn compute(x: usize) -> usize {
    weft::spawn(async move { x * 2 }).await.unwrap()
}

#[test]
fn main_on_any_function_returns_its_value() {
    assert_eq!(compute(21), 42);
}

#[weft::main(flavor = "current_thread")]
async fn fallible(fail: bool) -> Result<u8, String> {
    if fail {
        return Err("failed".into());
    }
    Ok(1)
}

#[test]
fn main_returning_result() {
    assert_eq!(fallible(false), Ok(1));
    assert_eq!(fallible(true), Err("failed".to_string()));
}

#[weft::main(worker_threads = 2)]
async fn multi_thread_main() -> RuntimeFlavor {
    Handle::current().runtime_flavor()
}

#[test]
fn main_defaults_to_multi_thread() {
    assert_eq!(multi_thread_main(), RuntimeFlavor::MultiThread);
}

#[allow(dead_code)]
#[weft::main]
async fn default_main_diverges() -> ! {
    panic!("never called")
}

#[weft::test(flavor = "multi_thread")]
async fn multi_thread_test() {
    assert_eq!(
        Handle::current().runtime_flavor(),
        RuntimeFlavor::MultiThread
    );
}

#[weft::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_threads_reach_the_builder() {
    assert_eq!(Handle::current().metrics().num_workers(), 2);
    assert_eq!(weft::spawn(async { 6 }).await.unwrap(), 6);
}

#[test]
fn main_in_a_trait_impl() {
    trait Run {
        fn run(self) -> u8;
    }
    impl Run for u8 {
        #[weft::main(flavor = "current_thread")]
        async fn run(self) -> u8 {
            self + 1
        }
    }
    assert_eq!(7u8.run(), 8);
}

mod via_use {
    use weft::test;

    #[test]
    async fn imported_test_attribute() {
        weft::spawn(async {}).await.unwrap();
    }
}

mod generated_by_macro_rules {
    macro_rules! make_test {
        (async fn $name:ident() $body:block) => {
            #[::weft::test]
            async fn $name() $body
        };
    }
    make_test!(
        async fn from_macro() {
            assert_eq!(weft::spawn(async { 2 }).await.unwrap(), 2);
        }
    );
}

mod renamed {
    use ::weft as tokio1;

    mod reexport {
        pub use ::weft;
    }

    #[tokio1::test(crate = "tokio1")]
    async fn crate_argument_names_an_alias() {
        assert_eq!(tokio1::spawn(async { 1 }).await.unwrap(), 1);
    }

    #[reexport::weft::test(crate = "reexport::weft")]
    async fn crate_argument_names_a_path() {
        assert_eq!(reexport::weft::spawn(async { 1 }).await.unwrap(), 1);
    }

    // `std` shadows nothing: the default path is absolute (`::weft`).
    #[allow(unused_imports)]
    use std as weft;

    #[tokio1::test]
    async fn default_path_is_absolute() {
        assert_eq!(tokio1::spawn(async { 1 }).await.unwrap(), 1);
    }
}

#[test]
fn bad_arguments_are_compile_errors() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
