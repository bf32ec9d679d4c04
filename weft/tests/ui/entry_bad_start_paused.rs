#[weft::test(flavor = "multi_thread", start_paused = true)]
async fn paused_on_multi_thread() {}

#[weft::test(start_paused = 1)]
async fn paused_not_a_bool() {}

#[weft::main(start_paused = true)]
async fn main() {}
