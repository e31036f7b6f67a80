//! Runs `similar` and `page` for many articles of an index file, for profiling the query path
//! alone (`perf record cargo run --release --example query_loop -- FILE [QUERIES]`).

use std::time::Instant;

fn main() -> Result<(), connexe::Error> {
    let path = std::env::args().nth(1).expect("an index file");
    let queries: usize = std::env::args()
        .nth(2)
        .map_or(1000, |q| q.parse().expect("a number"));
    let index = connexe::Index::open(&path)?;
    let ids: Vec<String> = index.articles().map(|a| a.id.clone()).collect();
    let step = (ids.len() / queries).max(1);
    let config = connexe::PageConfig::default();
    index.similar(&ids[0], 5)?;
    // QUERY_LOOP=similar leaves pages out, to profile `similar` alone.
    let similar_only = std::env::var("QUERY_LOOP").is_ok_and(|v| v == "similar");
    let mut found = 0;
    let mut similar = Vec::new();
    let mut page = vec![0];
    for id in ids.iter().step_by(step).take(queries) {
        let started = Instant::now();
        found += index.similar(id, 5)?.len();
        similar.push(started.elapsed().as_micros());
        if !similar_only {
            let started = Instant::now();
            found += index.page(id, &config)?.you_may_like.len();
            page.push(started.elapsed().as_micros());
        }
    }
    assert!(found > 0, "no article related to any other");
    similar.sort_unstable();
    page.sort_unstable();
    println!(
        "{} queries: similar p50 {} µs, page p50 {} µs",
        similar.len(),
        similar[similar.len() / 2],
        page[page.len() / 2]
    );
    Ok(())
}
