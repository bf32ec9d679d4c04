#[weft::test(flavor = "foo")]
async fn unknown_flavor() {}

#[weft::test(flavor = "basic_scheduler")]
async fn old_flavor_name() {}

#[weft::test(flavor = 1)]
async fn flavor_not_a_string() {}

#[weft::test(flavor = "current_thread", flavor = "current_thread")]
async fn flavor_twice() {}

fn main() {}
