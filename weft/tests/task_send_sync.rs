//! Send/Sync/Unpin of the task module's public types and futures, as Tokio
//! has them (its `async_send_sync` test; style rule 7).
#![cfg(feature = "rt")]
#![allow(dead_code, clippy::let_underscore_future)]

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

type BoxFuture<T> = Pin<Box<dyn Future<Output = T>>>;
type BoxFutureSend<T> = Pin<Box<dyn Future<Output = T> + Send>>;
type BoxFutureSync<T> = Pin<Box<dyn Future<Output = T> + Send + Sync>>;

fn require_send<T: Send>(_: &T) {}
fn require_sync<T: Sync>(_: &T) {}
fn require_unpin<T: Unpin>(_: &T) {}

// `!Trait` checks: the call resolves only if exactly one impl applies, that
// is, only if the type does *not* implement the trait.
trait AmbiguousIfSend<A> {
    fn some_item(&self) {}
}
impl<T: ?Sized> AmbiguousIfSend<()> for T {}
impl<T: ?Sized + Send> AmbiguousIfSend<u8> for T {}

trait AmbiguousIfSync<A> {
    fn some_item(&self) {}
}
impl<T: ?Sized> AmbiguousIfSync<()> for T {}
impl<T: ?Sized + Sync> AmbiguousIfSync<u8> for T {}

trait AmbiguousIfUnpin<A> {
    fn some_item(&self) {}
}
impl<T: ?Sized> AmbiguousIfUnpin<()> for T {}
impl<T: ?Sized + Unpin> AmbiguousIfUnpin<u8> for T {}

macro_rules! check {
    ($v:expr, Send) => {
        require_send(&$v)
    };
    ($v:expr, !Send) => {
        AmbiguousIfSend::some_item(&$v)
    };
    ($v:expr, Sync) => {
        require_sync(&$v)
    };
    ($v:expr, !Sync) => {
        AmbiguousIfSync::some_item(&$v)
    };
    ($v:expr, Unpin) => {
        require_unpin(&$v)
    };
    ($v:expr, !Unpin) => {
        AmbiguousIfUnpin::some_item(&$v)
    };
}

/// `checks!(v; Send & !Sync & Unpin)`.
macro_rules! checks {
    ($v:expr;) => {};
    ($v:expr; ! $tr:ident $(& $($rest:tt)+)?) => {
        check!($v, !$tr);
        checks!($v; $($($rest)+)?);
    };
    ($v:expr; $tr:ident $(& $($rest:tt)+)?) => {
        check!($v, $tr);
        checks!($v; $($($rest)+)?);
    };
}

macro_rules! assert_value {
    ($ty:ty: $($traits:tt)+) => {{
        let f = |v: $ty| {
            checks!(v; $($traits)+);
        };
        let _ = f;
    }};
}

macro_rules! assert_future {
    ($fut:expr => $($traits:tt)+) => {{
        let fut = $fut;
        checks!(fut; $($traits)+);
    }};
}

weft::task_local! {
    static K_CELL: Cell<u32>;
    static K_RC: Rc<u32>;
    static K_U32: u32;
}

fn any<T>() -> T {
    unreachable!()
}

#[test]
fn value_types() {
    assert_value!(weft::task::JoinSet<Rc<u32>>: !Send & !Sync & Unpin);
    assert_value!(weft::task::JoinSet<Cell<u32>>: Send & Sync & Unpin);
    assert_value!(weft::task::JoinSet<u32>: Send & Sync & Unpin);
    assert_value!(weft::task::LocalSet: !Send & !Sync & Unpin);
    assert_value!(weft::task::LocalEnterGuard: !Send & !Sync & Unpin);
    assert_value!(weft::runtime::EnterGuard<'_>: !Send & Sync & Unpin);
    assert_value!(weft::task::coop::RestoreOnPending: !Send & !Sync & Unpin);
    assert_value!(weft::runtime::LocalRuntime: !Send & !Sync & Unpin);
    assert_value!(weft::task::LocalKey<Rc<u32>>: Send & Sync & Unpin);
}

/// Never run: only its compilation matters.
#[allow(unreachable_code, unused_variables, clippy::diverging_sub_expression)]
fn futures_of_the_api() {
    return;
    let mut set_cell: weft::task::JoinSet<Cell<u32>> = any();
    assert_future!(set_cell.join_next() => Send & Sync & !Unpin);
    assert_future!(set_cell.shutdown() => Send & Sync & !Unpin);
    let mut set_rc: weft::task::JoinSet<Rc<u32>> = any();
    assert_future!(set_rc.join_next() => !Send & !Sync & !Unpin);
    let mut set_u32: weft::task::JoinSet<u32> = any();
    assert_future!(set_u32.join_next() => Send & Sync & !Unpin);
    assert_future!(set_u32.join_next_with_id() => Send & Sync & !Unpin);

    assert_future!(K_CELL.scope(any(), any::<BoxFuture<()>>()) => !Send & !Sync & !Unpin);
    assert_future!(K_CELL.scope(any(), any::<BoxFutureSend<()>>()) => Send & !Sync & !Unpin);
    assert_future!(K_CELL.scope(any(), any::<BoxFutureSync<()>>()) => Send & !Sync & !Unpin);
    assert_future!(K_RC.scope(any(), any::<BoxFutureSync<()>>()) => !Send & !Sync & !Unpin);
    assert_future!(K_U32.scope(any(), any::<BoxFuture<()>>()) => !Send & !Sync & !Unpin);
    assert_future!(K_U32.scope(any(), any::<BoxFutureSend<()>>()) => Send & !Sync & !Unpin);
    assert_future!(K_U32.scope(any(), any::<BoxFutureSync<()>>()) => Send & Sync & !Unpin);

    let local: weft::task::LocalSet = any();
    assert_future!(local.run_until(any::<BoxFutureSync<()>>()) => !Send & !Sync & !Unpin);
    assert_future!(weft::task::unconstrained(any::<BoxFuture<()>>()) => !Send & !Sync & Unpin);
    assert_future!(weft::task::unconstrained(any::<BoxFutureSend<()>>()) => Send & !Sync & Unpin);
    assert_future!(weft::task::unconstrained(any::<BoxFutureSync<()>>()) => Send & Sync & Unpin);
}

#[test]
fn futures_compile() {
    futures_of_the_api();
}
