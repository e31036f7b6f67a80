//! tantivy MoreLikeThis as a peer of connexe (see ../README.md).
//!
//! tantivy_mlt bench --corpus FILE [--queries 1000] [--threads 2] [--budget-mb 512] [--lang fr]
//!     Reads the JSON Lines corpus (timed apart as read_s), indexes title and body with a
//!     stemming analyzer in an on-disk index in a temporary folder, commits and waits for the
//!     merges (build_s), then times one MoreLikeThis query per query id: the id's lookup, the
//!     query on that document, the top 6 hits and the self-hit dropped. Prints one JSON object.
//!
//! tantivy_mlt eval --dir ../../shared/eval/cnrec [--lang en] [--k 5] [--runs 10]
//!     nDCG@k of the same MoreLikeThis settings on corpus.jsonl + qrels.tsv, mean, min and max
//!     over `runs` passes over the queries (tantivy's term choice is not deterministic). Prints
//!     one JSON object.
//!
//! tantivy_mlt rank --corpus FILE [--queries QRELS] [--lang en] [--runs 1]
//!     The whole MoreLikeThis ranking (every hit, the article itself dropped) of each query as a
//!     TREC run file on stdout (`query_id Q0 doc_id rank score mlt<run>`), one block per run;
//!     the queries are the first column of QRELS, or every article. Articles without a hit are
//!     not listed: ../../quality/peers.py appends them. Used by benches/quality.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde::Deserialize;
use tantivy::collector::TopDocs;
use tantivy::columnar::Column;
use tantivy::query::{MoreLikeThisQuery, TermQuery};
use tantivy::schema::{FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{Language, LowerCaser, SimpleTokenizer, Stemmer, TextAnalyzer};
use tantivy::{DocAddress, Index, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

type Error = Box<dyn std::error::Error>;
type Result<T> = std::result::Result<T, Error>;

/// The settings of every query: 64 query terms, no minimum frequencies.
const MAX_QUERY_TERMS: usize = 64;
/// How many times `eval` runs its queries: tantivy picks the query terms through a `HashMap`
/// with a random seed, so ties among terms of equal weight at the 64-term cut, and the order
/// in which scores are summed, change from run to run (see ../README.md).
const EVAL_RUNS: usize = 10;
/// Hits asked of tantivy: the article itself is (nearly always) the first, and is dropped.
const TOP: usize = 6;

#[derive(Deserialize)]
struct Article {
    id: String,
    title: String,
    body: String,
}

struct Fields {
    title: Field,
    body: Field,
    ord: Field,
}

fn main() {
    if let Err(e) = run() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opt = |name: &str| -> Option<String> {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let num = |name: &str, default: usize| -> Result<usize> {
        Ok(opt(name).map(|v| v.parse()).transpose()?.unwrap_or(default))
    };
    let lang = match opt("--lang").as_deref().unwrap_or("fr") {
        "fr" => Language::French,
        "en" => Language::English,
        other => return Err(format!("--lang: fr or en, got {other:?}").into()),
    };
    match args.first().map(String::as_str) {
        Some("bench") => {
            let corpus = opt("--corpus").ok_or("bench needs --corpus FILE")?;
            bench(
                Path::new(&corpus),
                num("--queries", 1000)?,
                num("--threads", 2)?,
                num("--budget-mb", 512)?,
                lang,
            )
        }
        Some("eval") => {
            let dir = PathBuf::from(opt("--dir").ok_or("eval needs --dir DIR")?);
            eval(&dir, num("--k", 5)?, num("--runs", EVAL_RUNS)?.max(1), lang)
        }
        Some("rank") => {
            let corpus = PathBuf::from(opt("--corpus").ok_or("rank needs --corpus FILE")?);
            let queries = opt("--queries").map(PathBuf::from);
            rank(&corpus, queries.as_deref(), num("--runs", 1)?.max(1), lang)
        }
        _ => Err(
            "usage: tantivy_mlt bench --corpus FILE [--queries N] [--threads N] \
                  [--budget-mb N] [--lang fr|en] | eval --dir DIR [--k 5] [--runs 10] [--lang fr|en] \
                  | rank --corpus FILE [--queries QRELS] [--runs 1] [--lang fr|en]"
                .into(),
        ),
    }
}

fn read_corpus(path: &Path) -> Result<Vec<Article>> {
    let mut articles = Vec::new();
    for (n, line) in BufReader::new(File::open(path)?).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        articles.push(
            serde_json::from_str(&line).map_err(|e| format!("{}: line {}: {e}", path.display(), n + 1))?,
        );
    }
    Ok(articles)
}

/// Schema and index: title and body stored (MoreLikeThis reads a document's stored fields) and
/// indexed with frequencies (no positions: nothing here needs them) by the stemming analyzer;
/// `ord`, the article's place in the file, indexed (lookup) and fast (hit -> article), not stored,
/// so it never becomes a MoreLikeThis term.
fn create_index(dir: Option<&Path>, lang: Language) -> Result<(Index, Fields)> {
    let mut builder = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("stem")
                .set_index_option(IndexRecordOption::WithFreqs),
        )
        .set_stored();
    let fields = Fields {
        title: builder.add_text_field("title", text.clone()),
        body: builder.add_text_field("body", text),
        ord: builder.add_u64_field("ord", INDEXED | FAST),
    };
    let schema = builder.build();
    let index = match dir {
        Some(dir) => Index::create_in_dir(dir, schema)?,
        None => Index::create_in_ram(schema),
    };
    let analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(Stemmer::new(lang))
        .build();
    index.tokenizers().register("stem", analyzer);
    Ok((index, fields))
}

fn add_all(writer: &IndexWriter, fields: &Fields, articles: &[Article]) -> Result<()> {
    for (i, a) in articles.iter().enumerate() {
        let mut doc = TantivyDocument::default();
        doc.add_text(fields.title, &a.title);
        doc.add_text(fields.body, &a.body);
        doc.add_u64(fields.ord, i as u64);
        writer.add_document(doc)?;
    }
    Ok(())
}

/// A searcher over the committed index and, per segment, the column that maps a hit to `ord`.
struct Searching {
    searcher: Searcher,
    ords: Vec<Column<u64>>,
    ord_field: Field,
}

impl Searching {
    fn new(index: &Index, fields: &Fields) -> Result<Self> {
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let searcher = reader.searcher();
        let ords = searcher
            .segment_readers()
            .iter()
            .map(|s| s.fast_fields().u64("ord"))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Searching {
            searcher,
            ords,
            ord_field: fields.ord,
        })
    }

    /// The `ord`s of the articles most like article `ord`, best first, itself excluded.
    fn more_like(&self, ord: usize, k: usize) -> Result<Vec<usize>> {
        Ok(self
            .more_like_scored(ord, k)?
            .into_iter()
            .map(|(o, _)| o)
            .collect())
    }

    /// As `more_like`, with each hit's BM25 score.
    fn more_like_scored(&self, ord: usize, k: usize) -> Result<Vec<(usize, f32)>> {
        let lookup = TermQuery::new(
            Term::from_field_u64(self.ord_field, ord as u64),
            IndexRecordOption::Basic,
        );
        let found = self
            .searcher
            .search(&lookup, &TopDocs::with_limit(1).order_by_score())?;
        let address: DocAddress = found.first().ok_or("article not found")?.1;
        let query = MoreLikeThisQuery::builder()
            .with_max_query_terms(MAX_QUERY_TERMS)
            .with_min_doc_frequency(1)
            .with_min_term_frequency(1)
            .with_document(address);
        let hits = self
            .searcher
            .search(&query, &TopDocs::with_limit(k + 1).order_by_score())?;
        Ok(hits
            .into_iter()
            .filter(|(_, a)| *a != address)
            .take(k)
            .map(|(score, a)| {
                let ord = self.ords[a.segment_ord as usize]
                    .first(a.doc_id)
                    .expect("every document has an ord") as usize;
                (ord, score)
            })
            .collect())
    }
}

fn bench(path: &Path, queries: usize, threads: usize, budget_mb: usize, lang: Language) -> Result<()> {
    if queries == 0 || threads == 0 {
        return Err("--queries and --threads must be at least 1".into());
    }
    let started = Instant::now();
    let articles = read_corpus(path)?;
    let read_s = started.elapsed().as_secs_f64();
    if articles.len() < 2 {
        return Err("the corpus needs at least 2 articles".into());
    }

    let dir = tempfile::tempdir()?;
    let started = Instant::now();
    let (index, fields) = create_index(Some(dir.path()), lang)?;
    let mut writer: IndexWriter = index.writer_with_num_threads(threads, budget_mb << 20)?;
    add_all(&writer, &fields, &articles)?;
    writer.commit()?;
    writer.wait_merging_threads()?;
    let searching = Searching::new(&index, &fields)?;
    let build_s = started.elapsed().as_secs_f64();

    // Query ids spread evenly over the corpus in file order, as `connexe bench` picks them.
    let n = articles.len();
    let step = (n / queries).max(1);
    let picks: Vec<usize> = (0..queries).map(|i| (i * step) % n).collect();
    let mut us = Vec::with_capacity(picks.len());
    let mut returned = 0usize;
    for &ord in &picks {
        let t = Instant::now();
        let related = searching.more_like(ord, TOP - 1)?;
        us.push(t.elapsed().as_secs_f64() * 1e6);
        returned += related.len();
    }
    let mean = us.iter().sum::<f64>() / us.len() as f64;
    us.sort_by(f64::total_cmp);
    let pct = |p: f64| us[((us.len() - 1) as f64 * p).round() as usize];
    let report = serde_json::json!({
        "system": "tantivy 0.27.0 MoreLikeThis",
        "articles": n,
        "read_s": read_s,
        "build_s": build_s,
        "threads": threads,
        "memory_budget_mb": budget_mb,
        "segments": searching.searcher.segment_readers().len(),
        "index_mb": dir_size(dir.path()) as f64 / (1u64 << 20) as f64,
        "queries": picks.len(),
        "first_query": articles[picks[0]].id,
        "last_query": articles[*picks.last().unwrap()].id,
        "mean_results": returned as f64 / picks.len() as f64,
        "query_p50_us": pct(0.5),
        "query_p99_us": pct(0.99),
        "query_mean_us": mean,
        "peak_rss_mb": peak_rss_mb(),
    });
    println!("{report}");
    Ok(())
}

fn eval(dir: &Path, k: usize, runs: usize, lang: Language) -> Result<()> {
    let articles = read_corpus(&dir.join("corpus.jsonl"))?;
    let ord_of: HashMap<&str, usize> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let mut qrels: HashMap<String, HashMap<String, f64>> = HashMap::new();
    let qrels_path = dir.join("qrels.tsv");
    for (n, line) in std::fs::read_to_string(&qrels_path)?.lines().enumerate() {
        let f: Vec<&str> = line.split('\t').collect();
        if line.trim().is_empty() {
            continue;
        }
        if f.len() != 3 {
            return Err(format!("{}: line {}: 3 fields expected", qrels_path.display(), n + 1).into());
        }
        qrels
            .entry(f[0].to_owned())
            .or_default()
            .insert(f[1].to_owned(), f[2].trim().parse()?);
    }

    // One thread: document ids, and so ties, are the same on every run.
    let (index, fields) = create_index(None, lang)?;
    let mut writer: IndexWriter = index.writer_with_num_threads(1, 64 << 20)?;
    add_all(&writer, &fields, &articles)?;
    writer.commit()?;
    writer.wait_merging_threads()?;
    let searching = Searching::new(&index, &fields)?;

    let mut queries: Vec<&String> = qrels
        .iter()
        .filter(|(_, grades)| grades.values().any(|&g| g > 0.0))
        .map(|(q, _)| q)
        .collect();
    queries.sort();
    let dcg = |grades: &[f64]| -> f64 {
        grades
            .iter()
            .take(k)
            .enumerate()
            .map(|(i, g)| g / ((i + 2) as f64).log2())
            .sum()
    };
    let mut means = Vec::with_capacity(runs);
    for _ in 0..runs {
        let mut total = 0.0;
        for q in &queries {
            let grades = &qrels[*q];
            let ord = *ord_of
                .get(q.as_str())
                .ok_or_else(|| format!("query {q} is not in the corpus"))?;
            let ranked: Vec<f64> = searching
                .more_like(ord, k)?
                .into_iter()
                .map(|o| grades.get(&articles[o].id).copied().unwrap_or(0.0))
                .collect();
            let mut ideal: Vec<f64> = grades.values().copied().collect();
            ideal.sort_by(|a, b| b.total_cmp(a));
            total += dcg(&ranked) / dcg(&ideal);
        }
        means.push(total / queries.len().max(1) as f64);
    }
    let report = serde_json::json!({
        "system": "tantivy 0.27.0 MoreLikeThis",
        "set": dir.file_name().map(|n| n.to_string_lossy().into_owned()),
        "articles": articles.len(),
        "queries": queries.len(),
        "k": k,
        "runs": runs,
        "ndcg": means.iter().sum::<f64>() / runs as f64,
        "ndcg_min": means.iter().copied().fold(f64::INFINITY, f64::min),
        "ndcg_max": means.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    });
    println!("{report}");
    Ok(())
}

/// Every query's whole ranking as TREC run lines, `runs` times (tag `mlt<run>`).
fn rank(corpus: &Path, qrels: Option<&Path>, runs: usize, lang: Language) -> Result<()> {
    use std::io::Write;
    let articles = read_corpus(corpus)?;
    let ord_of: HashMap<&str, usize> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let mut queries: Vec<usize> = Vec::new();
    match qrels {
        Some(path) => {
            let mut seen = std::collections::HashSet::new();
            for (n, line) in std::fs::read_to_string(path)?.lines().enumerate() {
                let Some(id) = line.split('\t').next().filter(|id| !id.trim().is_empty()) else {
                    continue;
                };
                let ord = *ord_of
                    .get(id.trim())
                    .ok_or_else(|| format!("{}: line {}: unknown id {id:?}", path.display(), n + 1))?;
                if seen.insert(ord) {
                    queries.push(ord);
                }
            }
        }
        None => queries.extend(0..articles.len()),
    }
    // One thread: document ids, and so ties, are the same on every run.
    let (index, fields) = create_index(None, lang)?;
    let mut writer: IndexWriter = index.writer_with_num_threads(1, 64 << 20)?;
    add_all(&writer, &fields, &articles)?;
    writer.commit()?;
    writer.wait_merging_threads()?;
    let searching = Searching::new(&index, &fields)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for run in 0..runs {
        for &q in &queries {
            for (rank, (ord, score)) in searching
                .more_like_scored(q, articles.len())?
                .into_iter()
                .enumerate()
            {
                writeln!(
                    out,
                    "{} Q0 {} {} {score} mlt{run}",
                    articles[q].id,
                    articles[ord].id,
                    rank + 1
                )?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// The process's peak resident memory (Linux: VmHWM of /proc/self/status), 0 elsewhere.
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
            let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kb / 1024.0)
        })
        .unwrap_or(0.0)
}
