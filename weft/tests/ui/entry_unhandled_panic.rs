#[weft::test(flavor = "current_thread", unhandled_panic = "shutdown_runtime")]
async fn unstable_option() {}

fn main() {}
