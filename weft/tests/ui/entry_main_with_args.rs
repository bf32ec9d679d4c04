#[weft::main]
async fn main(_x: u8) {}
