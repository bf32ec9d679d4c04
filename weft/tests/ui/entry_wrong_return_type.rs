#[weft::main(flavor = "current_thread")]
async fn main() -> Result<(), ()> {
    Ok::<(), u8>(())
}
