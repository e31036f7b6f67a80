//! Times opening an index file and the first query after it (idf and norms are derived then).
//!
//! `cargo run --release --example open_index -- FILE [ID]`

use std::time::Instant;

fn main() -> Result<(), connexe::Error> {
    let path = std::env::args().nth(1).expect("an index file");
    let started = Instant::now();
    let index = connexe::Index::open(&path)?;
    let opened = started.elapsed();
    let id = std::env::args()
        .nth(2)
        .unwrap_or_else(|| index.articles().next().expect("an article").id.clone());
    let started = Instant::now();
    let related = index.similar(&id, 5)?;
    let first = started.elapsed();
    let started = Instant::now();
    let again = index.similar(&id, 5)?;
    let second = started.elapsed();
    assert_eq!(related, again);
    println!(
        "{} articles: open {:.3} s, first query {:.3} s, next query {:.3} ms",
        index.len(),
        opened.as_secs_f64(),
        first.as_secs_f64(),
        second.as_secs_f64() * 1e3
    );
    Ok(())
}
