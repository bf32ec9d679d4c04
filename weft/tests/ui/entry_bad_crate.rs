#[weft::test(crate = "not a path")]
async fn unparsable_path() {}

#[weft::test(crate = 5)]
async fn path_not_a_string() {}

fn main() {}
