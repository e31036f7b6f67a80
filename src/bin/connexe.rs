//! The `connexe` command line: related articles for a JSON Lines corpus, and a demo on the
//! bundled French corpus.

use std::fs::File;
use std::io::{BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use connexe::{AliasTable, Index, IndexConfig, JsonlReader, Recommendation};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The bundled demo corpus: BBC Afrique articles from MasakhaNEWS (AFL-3.0), see
/// data/masakhanews-fr/README.md.
const DEMO_CORPUS: &str = include_str!("../../data/masakhanews-fr/corpus.jsonl");
/// Aliases for names the demo corpus writes several ways.
const DEMO_ALIASES: &str = include_str!("../../data/aliases-fr.json");
/// The demo's showcase article: the 2022 coup attempt in Burkina Faso.
const DEMO_ARTICLE: &str = "fra-dev-0035";

#[derive(Parser)]
#[command(
    name = "connexe",
    version,
    about = "Related-article recommendations for news sites"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The articles most related to one article of a corpus, with explanations.
    Recommend {
        /// The corpus: JSON Lines, one article a line.
        #[arg(long)]
        corpus: PathBuf,
        /// The article to find related articles for.
        #[arg(long)]
        id: String,
        #[command(flatten)]
        options: Options,
    },
    /// Related articles on the bundled French corpus (BBC Afrique, MasakhaNEWS).
    Demo {
        /// The article to show (default: a showcase article, named in the output).
        #[arg(long)]
        id: Option<String>,
        #[command(flatten)]
        options: Options,
    },
}

#[derive(clap::Args)]
struct Options {
    /// How many related articles.
    #[arg(long, default_value_t = 5)]
    k: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Index configuration (JSON; see `IndexConfig` in the docs).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Entity aliases (JSON: {"Canonical name": ["variant", ...]}).
    #[arg(long)]
    aliases: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Recommend { corpus, id, options } => {
            let config = load_config(options.config.as_deref())?;
            let aliases = match &options.aliases {
                Some(path) => load_aliases(path)?,
                None => AliasTable::new(),
            };
            let index = load_corpus(&corpus, config, aliases)?;
            let related = index
                .similar(&id, options.k)
                .with_context(|| corpus.display().to_string())?;
            print(&index, &id, &related, options.format, None)
        }
        Command::Demo { id, options } => {
            let config = load_config(options.config.as_deref())?;
            let aliases = match &options.aliases {
                Some(path) => load_aliases(path)?,
                None => AliasTable::from_json(DEMO_ALIASES).context("bundled aliases")?,
            };
            let reader = JsonlReader::new(DEMO_CORPUS.as_bytes());
            let (index, _) = Index::from_jsonl(config, aliases, reader, |_| {}).context("bundled corpus")?;
            let showcase = id.is_none();
            let id = id.unwrap_or_else(|| DEMO_ARTICLE.to_owned());
            let related = index.similar(&id, options.k).context("bundled corpus")?;
            let note = showcase
                .then_some("the showcase article; pick another with --id, from fra-dev-0000 to fra-dev-0210");
            print(&index, &id, &related, options.format, note)
        }
    }
}

fn load_config(path: Option<&Path>) -> Result<IndexConfig> {
    let Some(path) = path else {
        return Ok(IndexConfig::default());
    };
    let text = std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
    let config: IndexConfig = serde_json::from_str(&text).with_context(|| format!("{}", path.display()))?;
    config.validate().with_context(|| format!("{}", path.display()))?;
    Ok(config)
}

fn load_aliases(path: &Path) -> Result<AliasTable> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
    AliasTable::from_json(&text).with_context(|| format!("{}", path.display()))
}

/// Reads and indexes a corpus, with a progress bar on stderr once it takes over a second.
fn load_corpus(path: &Path, config: IndexConfig, aliases: AliasTable) -> Result<Index> {
    let name = path.display().to_string();
    let file = File::open(path).with_context(|| name.clone())?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let bar = ProgressBar::with_draw_target(Some(size), ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template("indexing {bar:40} {bytes}/{total_bytes} ({eta})")
            .expect("a valid template"),
    );
    let started = Instant::now();
    let mut shown = false;
    let progress = |bytes: u64| {
        if !shown && started.elapsed() > Duration::from_secs(1) && std::io::stderr().is_terminal() {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            shown = true;
        }
        bar.set_position(bytes);
    };
    let reader = JsonlReader::new(BufReader::new(file));
    let (index, warnings) =
        Index::from_jsonl(config, aliases, reader, progress).with_context(|| name.clone())?;
    bar.finish_and_clear();
    for warning in warnings {
        eprintln!("warning: {name}: {warning}");
    }
    Ok(index)
}

fn print(
    index: &Index,
    id: &str,
    related: &[Recommendation],
    format: Format,
    note: Option<&str>,
) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, related)?;
            writeln!(out)?;
        }
        Format::Text => {
            let article = index.get(id).expect("similar() checked the id");
            let lang = index.language_of(id).map_or("?", |l| l.code());
            writeln!(out, "Related to {id} ({lang}, {} articles indexed)", index.len())?;
            writeln!(out, "  {}", article.title)?;
            if let Some(note) = note {
                writeln!(out, "  ({note})")?;
            }
            writeln!(out)?;
            if related.is_empty() {
                writeln!(out, "No article shares anything with this one.")?;
            }
            for (rank, r) in related.iter().enumerate() {
                let e = &r.explain;
                writeln!(out, "{:2}. {:.3}  {}  {}", rank + 1, r.score, r.id, r.title)?;
                writeln!(
                    out,
                    "      text {:.3} · entities {:.3} · tags {:.3} · section {:.0} · recency {:.2}",
                    e.text, e.entities, e.tags, e.section, e.recency
                )?;
                if !e.shared_terms.is_empty() {
                    writeln!(out, "      shared words: {}", e.shared_terms.join(", "))?;
                }
                if !e.shared_entities.is_empty() {
                    let shown: Vec<&str> = e.shared_entities.iter().take(6).map(String::as_str).collect();
                    writeln!(out, "      shared names: {}", shown.join(", "))?;
                }
            }
        }
    }
    Ok(())
}
