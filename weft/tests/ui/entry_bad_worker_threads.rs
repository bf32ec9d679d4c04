#[weft::test(flavor = "multi_thread", worker_threads = 0)]
async fn zero_workers() {}

#[weft::test(flavor = "multi_thread", worker_threads = "4")]
async fn workers_not_an_integer() {}

#[weft::test(worker_threads = 4)]
async fn workers_on_current_thread() {}

#[weft::main(flavor = "current_thread", worker_threads = 2)]
async fn main() {}
