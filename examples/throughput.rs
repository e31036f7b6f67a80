//! The Rust side of `bindings/python/bench.py`: the same operations on the bundled corpus,
//! median of 5 runs, so the binding's cost can be read off the two outputs.
//!
//! `cargo run --release --example throughput`

use std::time::Instant;

use connexe::{Corpus, Index, PageConfig};

fn median(mut runs: Vec<f64>) -> f64 {
    runs.sort_by(f64::total_cmp);
    runs[runs.len() / 2]
}

fn time(repeat: usize, mut run: impl FnMut()) -> f64 {
    median(
        (0..repeat)
            .map(|_| {
                let t = Instant::now();
                run();
                t.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

fn main() -> Result<(), connexe::Error> {
    let text = include_str!("../data/masakhanews-fr/corpus.jsonl");
    let articles = Corpus::from_jsonl(text.as_bytes())?.articles;
    let ids: Vec<String> = articles.iter().map(|a| a.id.clone()).collect();
    let n = articles.len() as f64;
    let index = Index::builder().build(articles.clone())?;
    let config = PageConfig::default();
    index.page(&ids[0], &config)?;

    let rows = [
        (
            "add, one at a time",
            time(5, || {
                let mut index = Index::default();
                for a in &articles {
                    index.add(a.clone()).expect("valid");
                }
            }),
        ),
        (
            "build (bulk)",
            time(5, || {
                Index::builder().build(articles.clone()).expect("valid");
            }),
        ),
        (
            "similar(k=5)",
            time(5, || {
                for id in &ids {
                    index.similar(id, 5).expect("indexed");
                }
            }),
        ),
        (
            "page",
            time(5, || {
                for id in &ids {
                    index.page(id, &config).expect("indexed");
                }
            }),
        ),
    ];
    println!("{:<20} {:>12} {:>9}", "", "per second", "ms each");
    for (name, seconds) in rows {
        println!("{name:<20} {:>12.1} {:>9.3}", n / seconds, 1000.0 * seconds / n);
    }
    Ok(())
}
