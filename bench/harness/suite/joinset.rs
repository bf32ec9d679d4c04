//! `JoinSet` benchmark (Tokio and weft; smol has no `JoinSet`).

use super::Benchmark;
use crate::runtime::api::JoinSetApi;
use crate::runtime::Rt;
use criterion::{black_box, Bencher};

/// Tasks spawned into the set per iteration.
pub const JOIN_SET_TASKS: usize = 10_000;

/// From inside a task, spawn 10,000 trivial tasks into a `JoinSet`, then
/// `join_next` until it is empty.
#[derive(Debug)]
pub struct JoinSetSpawnJoin;

impl Benchmark for JoinSetSpawnJoin {
    const NAME: &'static str = "join_set";

    fn applies<R: Rt>() -> Result<(), String> {
        <R::Lib as JoinSetApi>::MISSING.map_or(Ok(()), |r| Err(r.to_owned()))
    }

    fn bench<R: Rt>(rt: &R, b: &mut Bencher<'_>) {
        b.iter(|| {
            rt.block_on(async {
                R::spawn(async {
                    let mut set = <R::Lib as JoinSetApi>::join_set::<usize>();
                    for i in 0..JOIN_SET_TASKS {
                        <R::Lib as JoinSetApi>::spawn_into(&mut set, async move { black_box(i) });
                    }
                    let mut joined = 0;
                    while <R::Lib as JoinSetApi>::join_next(&mut set).await.is_some() {
                        joined += 1;
                    }
                    assert_eq!(joined, JOIN_SET_TASKS);
                })
                .await
            })
        });
    }
}
