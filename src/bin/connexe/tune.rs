//! `connexe tune`: a grid search of the weights on one set of judgments, and the best
//! configuration's figures on other sets. Figures on the tuning set are in-sample: they say
//! how well the grid fits that set, not how well the configuration works.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;
use connexe::eval::{Grid, RankingReport, RankingSet, grid_search};
use connexe::{AliasTable, FieldWeights, Index, IndexConfig, Weights};
use serde::Serialize;

use crate::Files;
use crate::eval::{EvalFormat, read_articles, read_qrels, set_name};

/// What the output says about figures on the tuning set.
const IN_SAMPLE: &str = "figures on the tuning set are in-sample (the grid was fitted to it): \
                         not a result. Judge the tuned configuration on the --check sets.";

#[derive(Args)]
pub struct TuneArgs {
    /// The corpus to tune on: JSON Lines, one article a line.
    #[arg(long)]
    corpus: PathBuf,
    /// Its graded judgments: `query_id<TAB>doc_id<TAB>grade` lines.
    #[arg(long)]
    qrels: PathBuf,
    /// Another set to report the tuned configuration on, as CORPUS:QRELS (repeatable).
    #[arg(long = "check", value_name = "CORPUS:QRELS")]
    check: Vec<String>,
    /// The objective is nDCG@k (MAP breaks ties).
    #[arg(long, default_value_t = 5)]
    k: usize,
    /// Entities' shares of the text + entity weight to try.
    #[arg(long, value_delimiter = ',', value_name = "SHARES")]
    entity_shares: Option<Vec<f64>>,
    /// Title field weights to try.
    #[arg(long, value_delimiter = ',', value_name = "WEIGHTS")]
    title: Option<Vec<f64>>,
    /// Lead field weights to try (only when some article has a lead).
    #[arg(long, value_delimiter = ',', value_name = "WEIGHTS")]
    lead: Option<Vec<f64>>,
    /// How many of the best configurations the table lists.
    #[arg(long, default_value_t = 5)]
    top: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = EvalFormat::Table)]
    format: EvalFormat,
    #[command(flatten)]
    files: Files,
}

/// The part of a configuration file that tuning sets: `[index.weights]` and `[index.fields]`.
#[derive(Serialize)]
struct Tuned {
    index: TunedIndex,
}

#[derive(Serialize)]
struct TunedIndex {
    weights: Weights,
    fields: FieldWeights,
}

/// One set's figures, with the configuration given and the tuned one.
#[derive(Serialize)]
struct SetReport {
    corpus: String,
    qrels: String,
    /// The set the grid was fitted to.
    in_sample: bool,
    configured: RankingReport,
    tuned: RankingReport,
}

#[derive(Serialize)]
struct Report<'a> {
    objective: String,
    trials: usize,
    best: &'a Tuned,
    sets: &'a [SetReport],
    note: &'a str,
}

pub fn run(args: TuneArgs) -> Result<()> {
    if args.k == 0 {
        bail!("--k must be at least 1");
    }
    let checks = args
        .check
        .iter()
        .map(|spec| match spec.rsplit_once(':') {
            Some((corpus, qrels)) if !corpus.is_empty() && !qrels.is_empty() => {
                Ok((PathBuf::from(corpus), PathBuf::from(qrels)))
            }
            _ => bail!("--check {spec:?}: expected CORPUS:QRELS, two paths joined by a colon"),
        })
        .collect::<Result<Vec<_>>>()?;
    let (config, aliases) = args.files.load(None)?;
    let base = config.index;
    let defaults = Grid::default();
    let grid = Grid {
        entity_shares: args.entity_shares.clone().unwrap_or(defaults.entity_shares),
        title: args.title.clone().unwrap_or(defaults.title),
        lead: args.lead.clone().unwrap_or(defaults.lead),
    };

    let articles = read_articles(&args.corpus, &base)?;
    let qrels = read_qrels(&args.qrels)?;
    let leads = articles.iter().any(|a| a.lead.is_some());
    let trials = grid_search(&articles, &aliases, &qrels, &base, &grid, args.k)
        .with_context(|| args.qrels.display().to_string())?;
    let Some(best) = trials.first() else {
        bail!("the grid has no configuration");
    };
    let round = |x: f64| (x * 1e6).round() / 1e6;
    let tuned_config = {
        let mut c = best.config.clone();
        c.weights.text = round(c.weights.text);
        c.weights.entities = round(c.weights.entities);
        c
    };
    let tuned = Tuned {
        index: TunedIndex {
            weights: tuned_config.weights,
            fields: tuned_config.fields,
        },
    };

    let mut sets = vec![compare(
        &args.corpus,
        &args.qrels,
        true,
        &base,
        &tuned_config,
        &aliases,
        args.k,
    )?];
    for (corpus, qrels) in &checks {
        sets.push(compare(
            corpus,
            qrels,
            false,
            &base,
            &tuned_config,
            &aliases,
            args.k,
        )?);
    }

    let mut out = std::io::stdout().lock();
    if args.format == EvalFormat::Json {
        let report = Report {
            objective: format!("ndcg@{}", args.k),
            trials: trials.len(),
            best: &tuned,
            sets: &sets,
            note: IN_SAMPLE,
        };
        writeln!(out, "{}", serde_json::to_string(&report)?)?;
        return Ok(());
    }
    let k = args.k;
    writeln!(
        out,
        "Grid search on {} + {}: {} configurations (entity share x title weight{}), objective nDCG@{k}, MAP on ties\n",
        args.corpus.display(),
        args.qrels.display(),
        trials.len(),
        if leads {
            " x lead weight"
        } else {
            "; no article has a lead, so its weight is not searched"
        }
    )?;
    writeln!(out, "Best configurations on the tuning set (in-sample):")?;
    writeln!(
        out,
        "{:>4} {:>9} {:>9} {:>6} {:>6} {:>8} {:>8}",
        "",
        "text",
        "entities",
        "title",
        "lead",
        format!("nDCG@{k}"),
        "MAP"
    )?;
    for (i, t) in trials.iter().take(args.top.max(1)).enumerate() {
        let c = &t.config;
        writeln!(
            out,
            "{:>4} {:>9.3} {:>9.3} {:>6} {:>6} {:>8.3} {:>8.3}",
            i + 1,
            c.weights.text,
            c.weights.entities,
            c.fields.title,
            c.fields.lead,
            t.report.ndcg,
            t.report.map
        )?;
    }
    writeln!(out, "\nThe best, as a configuration file (--config FILE.toml):\n")?;
    write!(out, "{}", toml::to_string(&tuned)?)?;
    writeln!(
        out,
        "\n{:<40} {:<11} {:>8} {:>8} {:>8} {:>8}",
        "set",
        "config",
        format!("nDCG@{k}"),
        format!("P@{k}"),
        "MRR",
        "MAP"
    )?;
    for set in &sets {
        let label = format!(
            "{}{}",
            set_name(Path::new(&set.corpus)),
            if set.in_sample {
                " (tuning set)"
            } else {
                " (held out)"
            }
        );
        for (which, r) in [("configured", &set.configured), ("tuned", &set.tuned)] {
            let label = if which == "configured" { label.as_str() } else { "" };
            writeln!(
                out,
                "{label:<40} {which:<11} {:>8.3} {:>8.3} {:>8.3} {:>8.3}",
                r.ndcg, r.precision, r.mrr, r.map
            )?;
        }
    }
    writeln!(out, "\nNote: {IN_SAMPLE}")?;
    if checks.is_empty() {
        writeln!(out, "No --check set was given: nothing above is a result yet.")?;
    }
    Ok(())
}

/// The figures of the configured and the tuned configuration on one set.
fn compare(
    corpus: &Path,
    qrels_path: &Path,
    in_sample: bool,
    configured: &IndexConfig,
    tuned: &IndexConfig,
    aliases: &AliasTable,
    k: usize,
) -> Result<SetReport> {
    let articles = read_articles(corpus, configured)?;
    let qrels = read_qrels(qrels_path)?;
    let name = qrels_path.display().to_string();
    let figures = |config: &IndexConfig| -> Result<RankingReport> {
        let index = Index::builder()
            .config(config.clone())
            .aliases(aliases.clone())
            .build(articles.iter().cloned())?;
        let set = RankingSet::new(&index, &qrels).with_context(|| name.clone())?;
        Ok(set.evaluate(&config.weights, k))
    };
    Ok(SetReport {
        corpus: corpus.display().to_string(),
        qrels: name.clone(),
        in_sample,
        configured: figures(configured)?,
        tuned: figures(tuned)?,
    })
}
