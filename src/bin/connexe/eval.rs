//! `connexe eval`: the figures of a configuration against human judgments (rankings or rated
//! pairs), its ablations, and a picture of nDCG@k. The metrics live in `connexe::eval`.

use std::collections::HashSet;
use std::fs::File;
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use connexe::atomic_file::AtomicFile;
use connexe::eval::{PairSet, Pairs, PairsReport, Qrels, RankingReport, RankingSet, Variant};
use connexe::{AliasTable, Article, Corpus, Index, IndexConfig, JsonlReader};
use serde::Serialize;

use crate::Files;

/// The largest k of `--plot`.
const PLOT_MAX_K: usize = 10;

/// The tag of every line of a `--run` file.
const RUN_TAG: &str = "connexe";

#[derive(Args)]
pub struct EvalArgs {
    /// The corpus: JSON Lines, one article a line. Every article is a candidate for every
    /// query, the query itself excluded.
    #[arg(long)]
    corpus: PathBuf,
    /// Ranking mode: graded judgments, `query_id<TAB>doc_id<TAB>grade` lines (no header; an
    /// unlisted pair is grade 0).
    #[arg(long, required_unless_present = "pairs", conflicts_with = "pairs")]
    qrels: Option<PathBuf>,
    /// Pairs mode: rated pairs, a header `id_a<TAB>id_b<TAB>overall[<TAB>...]`, then one pair
    /// a line with a number per human column.
    #[arg(long)]
    pairs: Option<PathBuf>,
    /// Pairs mode: more articles (JSON Lines), indexed only for term and entity statistics;
    /// never part of a pair.
    #[arg(long)]
    background: Option<PathBuf>,
    /// Ranking mode: the cut-off of nDCG@k and P@k.
    #[arg(long, default_value_t = 5)]
    k: usize,
    /// Ranking mode: writes the configuration's rankings as a TREC run file
    /// (`query_id Q0 doc_id rank score tag`, every other article of every query), replaced
    /// whole once written.
    #[arg(long)]
    run: Option<PathBuf>,
    /// Also evaluates the configuration without each of its parts: text only, entities only,
    /// without stemming, without title weighting.
    #[arg(long)]
    ablate: bool,
    /// Ranking mode: draws nDCG@k for k = 1..10 of each configuration to an SVG file.
    #[arg(long)]
    plot: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = EvalFormat::Table)]
    format: EvalFormat,
    #[command(flatten)]
    files: Files,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvalFormat {
    /// A table for people.
    Table,
    /// One JSON object (an array of them, one per configuration, with --ablate).
    Json,
}

/// One configuration's figures in an --ablate JSON array.
#[derive(Serialize)]
struct Labelled<'a, R: Serialize> {
    configuration: &'a str,
    #[serde(flatten)]
    report: &'a R,
}

pub fn run(args: EvalArgs) -> Result<()> {
    if args.k == 0 {
        bail!("--k must be at least 1");
    }
    // Checked here: clap drops `requires` when the required argument conflicts with a given one.
    if args.pairs.is_some() {
        for (given, flag) in [(args.run.is_some(), "--run"), (args.plot.is_some(), "--plot")] {
            if given {
                bail!("{flag} needs rankings: give --qrels instead of --pairs");
            }
        }
    } else if args.background.is_some() {
        bail!("--background applies to rated pairs (--pairs)");
    }
    let (config, aliases) = args.files.load(None)?;
    let base = config.index;
    let articles = read_articles(&args.corpus, &base)?;
    let variants: Vec<Variant> = if args.ablate {
        Variant::ALL.to_vec()
    } else {
        vec![Variant::Configured]
    };
    match (&args.qrels, &args.pairs) {
        (Some(qrels), _) => ranking(&args, qrels, &base, &aliases, articles, &variants),
        (None, Some(pairs)) => rated_pairs(&args, pairs, &base, &aliases, articles, &variants),
        (None, None) => bail!("give --qrels (ranking mode) or --pairs (pairs mode)"),
    }
}

/// Reads a whole corpus, printing the reader's warnings; errors name the file.
pub fn read_articles(path: &Path, config: &IndexConfig) -> Result<Vec<Article>> {
    let name = path.display().to_string();
    let file = File::open(path).with_context(|| name.clone())?;
    let reader = JsonlReader::new(BufReader::with_capacity(crate::READ_BUFFER, file))
        .max_line_bytes(config.limits.max_json_line_bytes());
    let corpus = Corpus::from_reader(reader, |_| {}).with_context(|| name.clone())?;
    for warning in &corpus.warnings {
        eprintln!("warning: {name}: {warning}");
    }
    Ok(corpus.articles)
}

/// Reads a qrels file; errors name the file.
pub fn read_qrels(path: &Path) -> Result<Qrels> {
    let name = path.display().to_string();
    let file = File::open(path).with_context(|| name.clone())?;
    Qrels::from_tsv(BufReader::new(file)).with_context(|| name.clone())
}

/// A corpus path as a set's name: its folder when the file is the layout's `corpus.jsonl`.
pub fn set_name(corpus: &Path) -> String {
    let file = corpus.file_name().map(|f| f.to_string_lossy().into_owned());
    match (file.as_deref(), corpus.parent().and_then(Path::file_name)) {
        (Some("corpus.jsonl"), Some(dir)) => dir.to_string_lossy().into_owned(),
        _ => corpus.display().to_string(),
    }
}

/// An index of `articles` under the variant's configuration.
fn build(variant: Variant, base: &IndexConfig, aliases: &AliasTable, articles: &[Article]) -> Result<Index> {
    Ok(Index::builder()
        .config(variant.apply(base))
        .aliases(aliases.clone())
        .build(articles.iter().cloned())?)
}

fn ranking(
    args: &EvalArgs,
    path: &Path,
    base: &IndexConfig,
    aliases: &AliasTable,
    articles: Vec<Article>,
    variants: &[Variant],
) -> Result<()> {
    let name = path.display().to_string();
    let qrels = read_qrels(path)?;
    for line in qrels.self_judgments() {
        eprintln!(
            "warning: {name}: line {line}: a query judged against itself is left out (a query \
             is never its own candidate)"
        );
    }
    // One index and one scoring pass for every variant that only changes the weights.
    let index = build(Variant::Configured, base, aliases, &articles)?;
    let shared = RankingSet::new(&index, &qrels).with_context(|| name.clone())?;
    if let Some(run) = &args.run {
        let run_name = run.display().to_string();
        let mut file = AtomicFile::create(run)?;
        shared
            .write_run(&base.weights, RUN_TAG, &mut file)
            .with_context(|| run_name.clone())?;
        file.commit()?;
    }
    let mut rows: Vec<(Variant, RankingReport, Vec<f64>)> = Vec::new();
    for &variant in variants {
        let config = variant.apply(base);
        let own;
        let set = if variant.reindexes() {
            let index = build(variant, base, aliases, &articles)?;
            own = RankingSet::new(&index, &qrels).with_context(|| name.clone())?;
            &own
        } else {
            &shared
        };
        let report = set.evaluate(&config.weights, args.k);
        let curve = match args.plot {
            Some(_) => set.ndcg_curve(&config.weights, PLOT_MAX_K),
            None => Vec::new(),
        };
        rows.push((variant, report, curve));
    }
    if rows[0].1.queries == 0 {
        eprintln!("warning: {name}: no query has a grade > 0, so every figure is 0");
    }
    if let Some(plot) = &args.plot {
        let series: Vec<(&str, Vec<f64>, bool)> = rows
            .iter()
            .map(|(v, _, c)| (v.key(), c.clone(), *v == Variant::Configured))
            .collect();
        let title = format!(
            "nDCG@k on {}, {} queries",
            set_name(&args.corpus),
            rows[0].1.queries
        );
        crate::plot::ndcg_curves(plot, &title, &series)?;
    }

    let mut out = std::io::stdout().lock();
    match args.format {
        EvalFormat::Json if args.ablate => {
            let labelled: Vec<_> = rows
                .iter()
                .map(|(v, report, _)| Labelled {
                    configuration: v.key(),
                    report,
                })
                .collect();
            writeln!(out, "{}", serde_json::to_string(&labelled)?)?;
        }
        EvalFormat::Json => writeln!(out, "{}", serde_json::to_string(&rows[0].1)?)?,
        EvalFormat::Table => {
            writeln!(
                out,
                "{} ({} articles), {name}: {} queries with a grade > 0, every other article ranked\n",
                args.corpus.display(),
                articles.len(),
                rows[0].1.queries
            )?;
            let k = args.k;
            writeln!(
                out,
                "{:<20} {:>8} {:>8} {:>8} {:>8}",
                "configuration",
                format!("nDCG@{k}"),
                format!("P@{k}"),
                "MRR",
                "MAP"
            )?;
            for (variant, r, _) in &rows {
                writeln!(
                    out,
                    "{:<20} {:>8.3} {:>8.3} {:>8.3} {:>8.3}",
                    variant.key(),
                    r.ndcg,
                    r.precision,
                    r.mrr,
                    r.map
                )?;
            }
        }
    }
    Ok(())
}

fn rated_pairs(
    args: &EvalArgs,
    path: &Path,
    base: &IndexConfig,
    aliases: &AliasTable,
    articles: Vec<Article>,
    variants: &[Variant],
) -> Result<()> {
    let name = path.display().to_string();
    let file = File::open(path).with_context(|| name.clone())?;
    let pairs = Pairs::from_tsv(BufReader::new(file)).with_context(|| name.clone())?;
    if pairs.is_empty() {
        bail!("{name}: no rated pair after the header");
    }
    let corpus_ids: HashSet<String> = articles.iter().map(|a| a.id.clone()).collect();
    // An id only in the background is unknown too: background articles are never pairs.
    pairs
        .check_ids(|id| corpus_ids.contains(id))
        .with_context(|| name.clone())?;
    let mut indexed = articles;
    let mut background = 0;
    if let Some(path) = &args.background {
        let extra = read_articles(path, base)?;
        let before = extra.len();
        indexed.extend(extra.into_iter().filter(|a| !corpus_ids.contains(&a.id)));
        background = indexed.len() - corpus_ids.len();
        if background < before {
            eprintln!(
                "note: {}: background articles with an id the corpus also has: {}; the corpus's version is used",
                path.display(),
                before - background
            );
        }
    }
    let mut rows: Vec<(Variant, PairsReport)> = Vec::new();
    let mut shared: Option<PairSet> = None;
    for &variant in variants {
        let config = variant.apply(base);
        let report = if variant.reindexes() {
            let index = build(variant, base, aliases, &indexed)?;
            PairSet::new(&index, &pairs)
                .with_context(|| name.clone())?
                .evaluate(&config.weights)
        } else {
            if shared.is_none() {
                let index = build(Variant::Configured, base, aliases, &indexed)?;
                shared = Some(PairSet::new(&index, &pairs).with_context(|| name.clone())?);
            }
            shared.as_ref().expect("set above").evaluate(&config.weights)
        };
        rows.push((variant, report));
    }

    let mut out = std::io::stdout().lock();
    match args.format {
        EvalFormat::Json if args.ablate => {
            let labelled: Vec<_> = rows
                .iter()
                .map(|(v, report)| Labelled {
                    configuration: v.key(),
                    report,
                })
                .collect();
            writeln!(out, "{}", serde_json::to_string(&labelled)?)?;
        }
        EvalFormat::Json => writeln!(out, "{}", serde_json::to_string(&rows[0].1)?)?,
        EvalFormat::Table => {
            let background = match background {
                0 => String::new(),
                n => format!(" + {n} background"),
            };
            writeln!(
                out,
                "{} ({} articles{background}), {name}: {} pairs; Pearson / Spearman against each \
                 human column\n",
                args.corpus.display(),
                corpus_ids.len(),
                pairs.len()
            )?;
            if args.ablate {
                write!(out, "{:<20}", "configuration")?;
                for column in pairs.columns() {
                    write!(out, " {:>17}", format!("{column} r / rho"))?;
                }
                writeln!(out)?;
                for (variant, report) in &rows {
                    write!(out, "{:<20}", variant.key())?;
                    for c in &report.columns {
                        write!(out, " {:>8.3} {:>8.3}", c.score.pearson, c.score.spearman)?;
                    }
                    writeln!(out)?;
                }
            } else {
                writeln!(
                    out,
                    "{:<16} {:>17} {:>17} {:>17}",
                    "human column", "score r / rho", "text alone", "entities alone"
                )?;
                for c in &rows[0].1.columns {
                    writeln!(
                        out,
                        "{:<16} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3}",
                        c.column,
                        c.score.pearson,
                        c.score.spearman,
                        c.text.pearson,
                        c.text.spearman,
                        c.entities.pearson,
                        c.entities.spearman
                    )?;
                }
            }
        }
    }
    Ok(())
}
