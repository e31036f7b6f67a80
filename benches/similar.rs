//! Hot-path benchmarks on the bundled French corpus: analysis (French and English), index
//! build, `similar`. `benches/scale.rs` times queries and changes on 10k and 100k articles.
//!
//! `cargo bench --bench similar`. Each bench asserts on its result inside the timed loop, so a
//! change that makes it do nothing fails instead of looking fast.

use std::hint::black_box;

use connexe::{Analyzer, Corpus, Index, Language};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const CORPUS: &str = include_str!("../data/masakhanews-fr/corpus.jsonl");

/// English news-like text written for this bench (no corpus text copied), repeated.
const ENGLISH: &str = "The city council approved on Tuesday a plan to rebuild the harbour \
bridge, closed since the storms of last winter. Engineers from the regional transport agency \
said the work would start in the spring and cost about 40 million euros, half of it paid by \
the national government. Shop owners near the old ferry terminal welcomed the decision, \
though several residents' groups asked why the council had waited eleven months. The mayor, \
Helen Carter, told reporters that the delay came from safety inspections that found cracks in \
two of the four pillars. Traffic will use the temporary crossing until the bridge reopens.";

fn articles() -> Vec<connexe::Article> {
    Corpus::from_jsonl(CORPUS.as_bytes())
        .expect("the demo corpus parses")
        .articles
}

fn analysis(c: &mut Criterion) {
    let articles = articles();
    let text: String = articles
        .iter()
        .map(|a| a.body.as_str())
        .collect::<Vec<_>>()
        .join("\n\n");
    let analyzer = Analyzer::for_language(Language::French);
    let expected = analyzer.terms(&text).len();
    let mut group = c.benchmark_group("analysis");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("french_bodies", |b| {
        b.iter(|| {
            let mut n = 0;
            analyzer.analyze(black_box(&text), |_, _| n += 1);
            assert_eq!(n, expected);
        })
    });
    let english = [ENGLISH; 200].join("\n\n");
    let analyzer = Analyzer::for_language(Language::English);
    let expected = analyzer.terms(&english).len();
    group.throughput(Throughput::Bytes(english.len() as u64));
    group.bench_function("english_news", |b| {
        b.iter(|| {
            let mut n = 0;
            analyzer.analyze(black_box(&english), |_, _| n += 1);
            assert_eq!(n, expected);
        })
    });
    group.finish();
}

fn build(c: &mut Criterion) {
    let articles = articles();
    let mut group = c.benchmark_group("index");
    group.throughput(Throughput::Elements(articles.len() as u64));
    group.sample_size(10);
    group.bench_function("build_demo_corpus", |b| {
        b.iter(|| {
            let index = Index::builder().build(black_box(articles.clone())).unwrap();
            assert_eq!(index.len(), 211);
        })
    });
    group.finish();
}

fn similar(c: &mut Criterion) {
    let index = Index::builder().build(articles()).unwrap();
    let ids: Vec<String> = index.articles().map(|a| a.id.clone()).collect();
    index.similar(&ids[0], 5).unwrap(); // derive idf and norms before timing queries
    let mut i = 0;
    c.bench_function("similar_k5_demo_corpus", |b| {
        b.iter(|| {
            i = (i + 1) % ids.len();
            let related = index.similar(black_box(&ids[i]), 5).unwrap();
            assert!(!related.is_empty());
        })
    });
}

criterion_group!(benches, analysis, build, similar);
criterion_main!(benches);
