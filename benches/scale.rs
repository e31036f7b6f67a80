//! The hot path at newsroom scale, on synthetic French-like corpora (`connexe::synth`):
//! `similar` and `page` latency on 10k and 100k articles, and the cost of changing an index
//! one article at a time (add, update, remove) and of the first query after a change.
//!
//! `cargo bench --bench scale` (building the 100k index takes about 15 s before its benches
//! start). Each bench asserts on its result inside the timed loop.

use std::hint::black_box;

use connexe::synth::Generator;
use connexe::{Article, Index, PageConfig};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

/// An index of `n` synthetic articles (seed 1, as `connexe bench`), ready to answer.
fn index_of(n: usize) -> (Index, Vec<String>) {
    let articles: Vec<Article> = Generator::new(1).take(n).collect();
    let ids = articles.iter().map(|a| a.id.clone()).collect();
    let index = Index::builder().build(articles).unwrap();
    (index, ids)
}

fn queries(c: &mut Criterion) {
    let page_config = PageConfig::default();
    let mut group = c.benchmark_group("query");
    group.sample_size(50);
    for n in [10_000, 100_000] {
        let (index, ids) = index_of(n);
        index.similar(&ids[0], 5).unwrap(); // derive idf and norms before timing
        let mut i = 0;
        group.bench_with_input(BenchmarkId::new("similar_k5", n), &n, |b, _| {
            b.iter(|| {
                i = (i + 7919) % ids.len();
                let related = index.similar(black_box(&ids[i]), 5).unwrap();
                assert!(!related.is_empty());
            })
        });
        group.bench_with_input(BenchmarkId::new("page", n), &n, |b, _| {
            b.iter(|| {
                i = (i + 7919) % ids.len();
                let page = index.page(black_box(&ids[i]), &page_config).unwrap();
                assert!(!page.go_further.is_empty());
            })
        });
    }
    group.finish();
}

fn changes(c: &mut Criterion) {
    let (mut index, ids) = index_of(10_000);
    // Articles the index has never seen, taken in turn.
    let fresh: Vec<Article> = Generator::new(2)
        .take(1_000)
        .enumerate()
        .map(|(i, mut a)| {
            a.id = format!("fresh-{i}");
            a
        })
        .collect();
    let mut group = c.benchmark_group("change_10k");
    let mut i = 0;
    group.bench_function("add_then_remove", |b| {
        b.iter(|| {
            i = (i + 1) % fresh.len();
            index.add(black_box(fresh[i].clone())).unwrap();
            let removed = index.remove(&fresh[i].id).unwrap();
            assert_eq!(removed.id, fresh[i].id);
        })
    });
    group.bench_function("update", |b| {
        b.iter(|| {
            i = (i + 1) % fresh.len();
            let mut article = fresh[i].clone();
            article.id = ids[i].clone();
            let old = index.update(black_box(article)).unwrap();
            assert_eq!(old.id, ids[i]);
        })
    });
    // After any change, the first query derives idf, norms and the short postings lists again.
    group.sample_size(20);
    group.bench_function("update_then_similar", |b| {
        b.iter(|| {
            i = (i + 1) % fresh.len();
            let mut article = fresh[i].clone();
            article.id = ids[i].clone();
            index.update(article).unwrap();
            let related = index.similar(black_box(&ids[i]), 5).unwrap();
            assert!(!related.is_empty());
        })
    });
    group.finish();
}

criterion_group!(benches, queries, changes);
criterion_main!(benches);
