async fn f() {
    weft::select! {}
}

fn main() {}
