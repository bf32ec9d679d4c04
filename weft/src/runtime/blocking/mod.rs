//! The blocking pool: threads for work that blocks (`spawn_blocking`).

mod idle;
pub(crate) mod pool;
mod schedule;
mod task;

pub(crate) use pool::{BlockingPool, Spawner};
pub(crate) use schedule::BlockingSchedule;
pub(crate) use task::BlockingTask;
