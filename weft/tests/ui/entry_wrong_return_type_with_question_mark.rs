// The declared return type reaches the body: `?` converts into it, and a
// mismatch is reported at the user's line.
#[weft::main(flavor = "current_thread")]
async fn returns_the_wrong_type() -> Result<(), String> {
    let n: u8 = "1".parse().map_err(|_| "bad".to_string())?;
    Ok(n)
}

fn main() {
    let _ = returns_the_wrong_type();
}
