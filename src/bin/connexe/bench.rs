//! `connexe bench`: build, `similar` and `page` timed on a synthetic corpus (or a file).

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Args;
use connexe::{Index, IndexConfig, RetrievalOptions};

use crate::Format;
use crate::eval::read_articles;

/// Arguments of `connexe bench`.
#[derive(Args)]
pub(crate) struct BenchArgs {
    /// How many synthetic articles.
    #[arg(long, default_value_t = 10_000)]
    articles: usize,
    /// Time a corpus file (JSON Lines) instead of a synthetic corpus: reading it (`read_s`),
    /// then building the index of what was read (`build_s`), as the peers are timed.
    #[arg(long, conflicts_with = "index")]
    corpus: Option<PathBuf>,
    /// Time an index file written by `connexe index`; the build time is then the time to
    /// open it.
    #[arg(long)]
    index: Option<PathBuf>,
    /// Retrieval options as JSON, e.g. '{"postings_per_term": 1000}', to measure their
    /// speed and recall without rebuilding anything.
    #[arg(long)]
    retrieval: Option<String>,
    /// How many queries of each kind.
    #[arg(long, default_value_t = 1000)]
    queries: usize,
    /// Seed of the synthetic corpus.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Figures of `connexe bench`.
#[derive(serde::Serialize)]
struct BenchReport {
    articles: usize,
    /// Reading and parsing `--corpus` into articles; none for the other sources.
    read_s: Option<f64>,
    /// Building the index and deriving what its first query needs (idf, norms), or opening
    /// `--index`.
    build_s: f64,
    similar_p50_us: f64,
    similar_p99_us: f64,
    page_p50_us: f64,
    page_p99_us: f64,
    peak_rss_mb: f64,
    postings: usize,
    /// Share of the exhaustive top 5 that the configured retrieval finds (see [`recall_at_5`]).
    recall_at_5: f64,
    /// Summed score of the retrieval's top 5 over that of the exhaustive top 5: near 1 when
    /// what it misses are near-ties.
    score_at_5: f64,
}

pub(crate) fn run(args: BenchArgs) -> Result<()> {
    let BenchArgs {
        articles,
        corpus,
        index,
        retrieval,
        queries,
        seed,
        format,
    } = args;
    if articles < 2 || queries == 0 {
        bail!("--articles must be at least 2 and --queries at least 1");
    }
    let retrieval: Option<RetrievalOptions> = retrieval
        .map(|json| serde_json::from_str(&json).context("--retrieval"))
        .transpose()?;
    // Articles read from a file are timed apart from the build, as the peers time their
    // reading apart from their fit (benches/peers): `connexe index` streams the same work.
    let (mut index, read_s, started) = match (corpus, index) {
        (Some(path), _) => {
            let started = Instant::now();
            let config = IndexConfig::default();
            let articles = read_articles(&path, &config)?;
            let read_s = started.elapsed().as_secs_f64();
            let started = Instant::now();
            let index = Index::builder()
                .config(config)
                .build(articles)
                .with_context(|| path.display().to_string())?;
            (index, Some(read_s), started)
        }
        (None, Some(path)) => {
            let started = Instant::now();
            (Index::open(&path)?, None, started)
        }
        (None, None) => {
            let generated: Vec<connexe::Article> =
                connexe::synth::Generator::new(seed).take(articles).collect();
            let started = Instant::now();
            (Index::builder().build(generated)?, None, started)
        }
    };
    if let Some(options) = retrieval {
        index.set_retrieval(options).context("--retrieval")?;
    }
    if index.len() < 2 {
        bail!("the index has {} article(s); bench needs at least 2", index.len());
    }
    // The first query derives idf and norms: part of making the index ready.
    let first = index.articles().next().expect("articles").id.clone();
    index.similar(&first, 5)?;
    let build_s = started.elapsed().as_secs_f64();

    // Query ids spread evenly over the corpus in file order (the order of `articles()` for an
    // index that never lost an article), the same for both kinds of query and for peers.
    let all: Vec<&str> = index.articles().map(|a| a.id.as_str()).collect();
    let step = (all.len() / queries).max(1);
    let ids: Vec<String> = (0..queries)
        .map(|i| all[(i * step) % all.len()].to_owned())
        .collect();
    let time = |f: &dyn Fn(&str) -> Result<()>| -> Result<Vec<f64>> {
        let mut us = Vec::with_capacity(ids.len());
        for id in &ids {
            let t = Instant::now();
            f(id)?;
            us.push(t.elapsed().as_secs_f64() * 1e6);
        }
        us.sort_by(f64::total_cmp);
        Ok(us)
    };
    let similar = time(&|id| {
        let related = index.similar(id, 5)?;
        anyhow::ensure!(!related.is_empty(), "no related article for {id}");
        Ok(())
    })?;
    let page_config = connexe::PageConfig::default();
    let pages = time(&|id| {
        let page = index.page(id, &page_config)?;
        anyhow::ensure!(!page.go_further.is_empty(), "empty page for {id}");
        Ok(())
    })?;
    let (recall_at_5, score_at_5) = recall_at_5(&mut index, &ids[..ids.len().min(RECALL_QUERIES)])?;
    let pct = |v: &[f64], p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
    let report = BenchReport {
        articles: index.len(),
        read_s,
        build_s,
        similar_p50_us: pct(&similar, 0.5),
        similar_p99_us: pct(&similar, 0.99),
        page_p50_us: pct(&pages, 0.5),
        page_p99_us: pct(&pages, 0.99),
        peak_rss_mb: peak_rss_mb(),
        postings: index.stats().postings,
        recall_at_5,
        score_at_5,
    };
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => writeln!(out, "{}", serde_json::to_string(&report)?)?,
        Format::Text => {
            writeln!(out, "articles      {:>12}", report.articles)?;
            writeln!(out, "postings      {:>12}", report.postings)?;
            if let Some(read_s) = report.read_s {
                writeln!(out, "read          {:>12.2} s", read_s)?;
            }
            writeln!(out, "build         {:>12.2} s", report.build_s)?;
            writeln!(out, "similar p50   {:>12.0} µs", report.similar_p50_us)?;
            writeln!(out, "similar p99   {:>12.0} µs", report.similar_p99_us)?;
            writeln!(out, "page p50      {:>12.0} µs", report.page_p50_us)?;
            writeln!(out, "page p99      {:>12.0} µs", report.page_p99_us)?;
            writeln!(out, "peak memory   {:>12.0} MB", report.peak_rss_mb)?;
            writeln!(out, "recall@5      {:>12.3}", report.recall_at_5)?;
            writeln!(out, "score@5       {:>12.3}", report.score_at_5)?;
        }
    }
    Ok(())
}

/// The process's peak resident memory (Linux: VmHWM of /proc/self/status), 0 elsewhere.
pub(crate) fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
            let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kb / 1024.0)
        })
        .unwrap_or(0.0)
}

/// How many queries [`recall_at_5`] checks: exhaustive queries are slow.
const RECALL_QUERIES: usize = 50;

/// What reading only part of the postings costs in results, against an exhaustive search
/// (every term, every posting, every article that shares one scored): the share of its top 5
/// that the configured retrieval also returns, and the summed score of the retrieval's top 5
/// over that of the exhaustive top 5.
fn recall_at_5(index: &mut Index, ids: &[String]) -> Result<(f64, f64)> {
    let configured = index.config().retrieval;
    let top5 = |index: &Index| -> Result<Vec<Vec<(String, f64)>>> {
        ids.iter()
            .map(|id| {
                Ok(index
                    .similar(id, 5)?
                    .into_iter()
                    .map(|r| (r.id, r.score))
                    .collect())
            })
            .collect()
    };
    let fast = top5(index)?;
    index.set_retrieval(connexe::RetrievalOptions {
        query_terms: usize::MAX,
        max_df_ratio: 1.0,
        candidates: index.len(),
        postings_per_term: usize::MAX,
        ..configured
    })?;
    let exhaustive = top5(index);
    index.set_retrieval(configured)?;
    let (mut found, mut total, mut score, mut best) = (0, 0, 0.0, 0.0);
    for (fast, exact) in fast.iter().zip(exhaustive?) {
        found += exact
            .iter()
            .filter(|(id, _)| fast.iter().any(|f| &f.0 == id))
            .count();
        total += exact.len();
        score += fast.iter().map(|f| f.1).sum::<f64>();
        best += exact.iter().map(|e| e.1).sum::<f64>();
    }
    let ratio = |a: f64, b: f64| if b == 0.0 { 1.0 } else { a / b };
    Ok((ratio(found as f64, total as f64), ratio(score, best)))
}
