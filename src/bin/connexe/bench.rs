//! `connexe bench`: build, `similar` and `page` timed on a synthetic corpus (or a file).

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use anyhow::{Result, bail};
use connexe::{AliasTable, Config, Index};

use crate::{Format, load_corpus};

/// Figures of `connexe bench`.
#[derive(serde::Serialize)]
struct BenchReport {
    articles: usize,
    build_s: f64,
    similar_p50_us: f64,
    similar_p99_us: f64,
    page_p50_us: f64,
    page_p99_us: f64,
    peak_rss_mb: f64,
    postings: usize,
    /// Share of the exhaustive top 5 that the default retrieval finds (see [`recall_at_5`]).
    recall_at_5: f64,
}

pub(crate) fn run(
    articles: usize,
    corpus: Option<&Path>,
    queries: usize,
    seed: u64,
    format: Format,
) -> Result<()> {
    if articles < 2 || queries == 0 {
        bail!("--articles must be at least 2 and --queries at least 1");
    }
    let (mut index, started) = match corpus {
        Some(path) => {
            let started = Instant::now();
            (load_corpus(path, Config::default(), AliasTable::new())?, started)
        }
        None => {
            let generated: Vec<connexe::Article> =
                connexe::synth::Generator::new(seed).take(articles).collect();
            let started = Instant::now();
            (
                Index::build(Default::default(), Default::default(), generated)?,
                started,
            )
        }
    };
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
    let recall_at_5 = recall_at_5(&mut index, &ids[..ids.len().min(RECALL_QUERIES)])?;
    let pct = |v: &[f64], p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
    let report = BenchReport {
        articles: index.len(),
        build_s,
        similar_p50_us: pct(&similar, 0.5),
        similar_p99_us: pct(&similar, 0.99),
        page_p50_us: pct(&pages, 0.5),
        page_p99_us: pct(&pages, 0.99),
        peak_rss_mb: peak_rss_mb(),
        postings: index.stats().postings,
        recall_at_5,
    };
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => writeln!(out, "{}", serde_json::to_string(&report)?)?,
        Format::Text => {
            writeln!(out, "articles      {:>12}", report.articles)?;
            writeln!(out, "postings      {:>12}", report.postings)?;
            writeln!(out, "build         {:>12.2} s", report.build_s)?;
            writeln!(out, "similar p50   {:>12.0} µs", report.similar_p50_us)?;
            writeln!(out, "similar p99   {:>12.0} µs", report.similar_p99_us)?;
            writeln!(out, "page p50      {:>12.0} µs", report.page_p50_us)?;
            writeln!(out, "page p99      {:>12.0} µs", report.page_p99_us)?;
            writeln!(out, "peak memory   {:>12.0} MB", report.peak_rss_mb)?;
            writeln!(out, "recall@5      {:>12.3}", report.recall_at_5)?;
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

/// The share of the top 5 of an exhaustive search (every term, every posting, every article
/// that shares one scored) that the configured retrieval also returns: what reading only
/// part of the postings costs in results.
fn recall_at_5(index: &mut Index, ids: &[String]) -> Result<f64> {
    let configured = index.config().retrieval;
    let top5 = |index: &Index| -> Result<Vec<Vec<String>>> {
        ids.iter()
            .map(|id| Ok(index.similar(id, 5)?.into_iter().map(|r| r.id).collect()))
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
    let (mut found, mut total) = (0, 0);
    for (fast, exact) in fast.iter().zip(exhaustive?) {
        found += exact.iter().filter(|id| fast.contains(id)).count();
        total += exact.len();
    }
    Ok(if total == 0 {
        1.0
    } else {
        found as f64 / total as f64
    })
}
