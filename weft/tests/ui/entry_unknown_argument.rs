#[weft::test(threads = 4)]
async fn unknown_name_value() {}

#[weft::test(multi_thread)]
async fn flavor_as_a_bare_word() {}

#[weft::test(worker_threads)]
async fn argument_without_value() {}

#[weft::test(core_threads = 2)]
async fn renamed_argument() {}

#[weft::test(flavor("current_thread"))]
async fn list_form() {}

fn main() {}
