async fn f() -> u8 {
    weft::select! {
        v = async { 1u8 } => v,
        _ = async {} => "not a number",
    }
}

fn main() {}
