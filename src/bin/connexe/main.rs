//! The `connexe` command line: related articles and pages for a JSON Lines corpus or a saved
//! index, index maintenance, and a demo on the bundled French corpus.

mod batch;
mod bench;
mod eval;
mod pages;
mod plot;
mod tune;

use std::fs::File;
use std::io::{BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand, ValueEnum};
use connexe::{AliasTable, Config, Corpus, Index, JsonlReader, PageRecommendations, Recommendation};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// mimalloc: building an index allocates many small strings on every core, and it takes
/// about 15 % less time than with the system allocator. The library leaves the choice of
/// allocator to the program that embeds it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How much of a corpus file one read takes: the thread that reads lines works while the others
/// wait, and 8 KiB reads made one system call per three lines.
const READ_BUFFER: usize = 1 << 20;

/// The bundled demo corpus: BBC Afrique articles from MasakhaNEWS (AFL-3.0), see
/// data/masakhanews-fr/README.md.
const DEMO_CORPUS: &str = include_str!("../../../data/masakhanews-fr/corpus.jsonl");
/// Aliases for names the demo corpus writes several ways.
const DEMO_ALIASES: &str = include_str!("../../../data/aliases-fr.json");
/// The demo's showcase article: will a Covid-19 vaccine be available soon?
const DEMO_ARTICLE: &str = "fra-dev-0173";

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
    /// The articles most related to one article, with explanations.
    Recommend {
        #[command(flatten)]
        source: Source,
        /// The article to find related articles for.
        #[arg(long)]
        id: String,
        /// How many related articles.
        #[arg(long, default_value_t = 5)]
        k: usize,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(flatten)]
        files: Files,
    },
    /// The page of one article: "À lire" links, "Aller plus loin", "Ces articles devraient
    /// vous intéresser".
    Page {
        #[command(flatten)]
        source: Source,
        /// The article whose page to build.
        #[arg(long)]
        id: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = PageFormat::Text)]
        format: PageFormat,
        #[command(flatten)]
        files: Files,
    },
    /// Builds an index file from a corpus, to open in a fraction of the time.
    Index {
        /// The corpus: JSON Lines, one article a line.
        #[arg(long)]
        corpus: PathBuf,
        /// The index file to write (replaced atomically).
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        files: Files,
    },
    /// Adds the articles of a corpus to an index file, replacing those with the same id.
    Add {
        /// The index file (rewritten atomically; unchanged on any error).
        #[arg(long)]
        index: PathBuf,
        /// The articles to add: JSON Lines.
        #[arg(long)]
        corpus: PathBuf,
    },
    /// Removes one article from an index file.
    Remove {
        /// The index file (rewritten atomically; unchanged on any error).
        #[arg(long)]
        index: PathBuf,
        /// The article to remove.
        #[arg(long)]
        id: String,
    },
    /// Writes a synthetic French-like corpus (JSON Lines) to stdout, for benchmarks.
    GenCorpus {
        /// How many articles.
        #[arg(long)]
        articles: usize,
        /// The same seed gives the same corpus.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Times build, `similar` and `page` on a synthetic corpus built in memory (or a file).
    Bench(bench::BenchArgs),
    /// The page of every article, computed on all cores, written as JSON Lines (one
    /// `connexe page --format json` page a line), with a progress bar and a summary on stderr.
    Batch(batch::BatchArgs),
    /// The page of an article of the bundled French corpus (BBC Afrique, MasakhaNEWS).
    Demo {
        /// The article to show (default: a showcase article, named in the output).
        #[arg(long)]
        id: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = PageFormat::Text)]
        format: PageFormat,
        #[command(flatten)]
        files: Files,
    },
    /// Quality against human judgments: nDCG@k, P@k, MRR and MAP of the rankings (--qrels),
    /// or correlations with rated pairs (--pairs); --ablate and --plot compare configurations.
    Eval(eval::EvalArgs),
    /// Grid search of the weights on one set of judgments, reported on other sets (--check).
    Tune(tune::TuneArgs),
}

/// Where the articles come from: a corpus to index now, or an index file.
#[derive(Args)]
#[group(required = true, multiple = false)]
struct Source {
    /// The corpus: JSON Lines, one article a line.
    #[arg(long)]
    corpus: Option<PathBuf>,
    /// An index file written by `connexe index`.
    #[arg(long)]
    index: Option<PathBuf>,
}

#[derive(Args)]
struct Files {
    /// Configuration: a .toml or .json file with `[index]` and `[page]` sections. With
    /// --index, the index keeps the settings it was built with and only `[page]` applies.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Entity aliases (JSON: {"Canonical name": ["variant", ...]}); with --index, the
    /// index keeps those it was built with.
    #[arg(long)]
    aliases: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum PageFormat {
    Text,
    Json,
    Html,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`connexe demo | head`) is the reader's choice, not a failure.
        Err(err)
            if err
                .downcast_ref::<std::io::Error>()
                .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {}", one_line(&err));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line, as `{:#}` prints them, without a cause that the
/// message before it already ends with (connexe's I/O errors name their cause and keep it
/// as their source).
fn one_line(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if line.ends_with(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

fn run(cli: Cli) -> Result<()> {
    // Commands that build or load an index, save it and end: its memory is written once and
    // never queried, the case for small pages (see `pages`).
    if matches!(
        cli.command,
        Command::Index { .. } | Command::Add { .. } | Command::Remove { .. }
    ) {
        return pages::building(|| run_command(cli.command));
    }
    run_command(cli.command)
}

fn run_command(command: Command) -> Result<()> {
    match command {
        Command::Recommend {
            source,
            id,
            k,
            format,
            files,
        } => {
            let (index, _, name) = source.load(&files)?;
            let related = index.similar(&id, k).with_context(|| name.clone())?;
            print_related(&index, &id, &related, format)
        }
        Command::Page {
            source,
            id,
            format,
            files,
        } => {
            let (index, config, name) = source.load(&files)?;
            let page = index.page(&id, &config.page).with_context(|| name.clone())?;
            print_page(&index, &page, format, None)
        }
        Command::Index { corpus, out, files } => {
            let started = Instant::now();
            let (config, aliases) = files.load(None)?;
            let index = load_corpus(&corpus, config, aliases)?;
            index.save(&out)?;
            let bytes = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
            eprintln!(
                "indexed {} articles into {} ({:.1} MB) in {:.1} s",
                index.len(),
                out.display(),
                bytes as f64 / 1e6,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Add { index: path, corpus } => {
            let mut index = Index::open(&path)?;
            // Every new line is read and checked before the index changes.
            let name = corpus.display().to_string();
            let file = File::open(&corpus).with_context(|| name.clone())?;
            let reader = JsonlReader::new(BufReader::new(file))
                .max_line_bytes(index.config().limits.max_json_line_bytes());
            let batch = Corpus::from_reader(reader, |_| {}).with_context(|| name.clone())?;
            for warning in &batch.warnings {
                eprintln!("warning: {name}: {warning}");
            }
            let (mut added, mut replaced) = (0, 0);
            for article in batch.articles {
                let id = article.id.clone();
                match index
                    .upsert(article)
                    .with_context(|| format!("{name}: id {id:?}"))?
                {
                    Some(_) => replaced += 1,
                    None => added += 1,
                }
            }
            index.save(&path)?;
            eprintln!(
                "added {added}, replaced {replaced}; {} holds {} articles",
                path.display(),
                index.len()
            );
            Ok(())
        }
        Command::Remove { index: path, id } => {
            let mut index = Index::open(&path)?;
            index.remove(&id).with_context(|| path.display().to_string())?;
            index.save(&path)?;
            eprintln!(
                "removed {id:?}; {} holds {} articles",
                path.display(),
                index.len()
            );
            Ok(())
        }
        Command::GenCorpus { articles, seed } => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            for article in connexe::synth::Generator::new(seed).take(articles) {
                serde_json::to_writer(&mut out, &article)?;
                out.write_all(b"\n")?;
            }
            out.flush()?;
            Ok(())
        }
        Command::Bench(args) => bench::run(args),
        Command::Batch(args) => batch::run(args),
        Command::Demo { id, format, files } => {
            let (config, aliases) = files.load(Some(DEMO_ALIASES))?;
            let reader = JsonlReader::new(DEMO_CORPUS.as_bytes());
            let (index, _) = Index::builder()
                .config(config.index)
                .aliases(aliases)
                .from_jsonl(reader, |_| {})
                .context("bundled corpus")?;
            let showcase = id.is_none();
            let id = id.unwrap_or_else(|| DEMO_ARTICLE.to_owned());
            let page = index.page(&id, &config.page).context("bundled corpus")?;
            let note = showcase
                .then_some("the showcase article; pick another with --id, from fra-dev-0000 to fra-dev-0210");
            print_page(&index, &page, format, note)
        }
        Command::Eval(args) => eval::run(args),
        Command::Tune(args) => tune::run(args),
    }
}

impl Source {
    /// The index (built from the corpus, or opened), the configuration, and the source's name
    /// for error messages.
    fn load(&self, files: &Files) -> Result<(Index, Config, String)> {
        match (&self.corpus, &self.index) {
            (Some(corpus), _) => {
                let (config, aliases) = files.load(None)?;
                let index = load_corpus(corpus, config.clone(), aliases)?;
                Ok((index, config, corpus.display().to_string()))
            }
            (None, Some(path)) => {
                if files.aliases.is_some() {
                    bail!(
                        "--aliases applies when indexing a corpus; {} keeps its own",
                        path.display()
                    );
                }
                let (config, _) = files.load(None)?;
                let index = Index::open(path)?;
                Ok((index, config, path.display().to_string()))
            }
            (None, None) => bail!("give --corpus or --index"),
        }
    }
}

impl Files {
    /// The configuration (the defaults without a file) and the alias table (from the file,
    /// else `default_aliases`, else empty).
    fn load(&self, default_aliases: Option<&str>) -> Result<(Config, AliasTable)> {
        let config = match &self.config {
            Some(path) => Config::from_path(path)?,
            None => Config::default(),
        };
        let aliases = match (&self.aliases, default_aliases) {
            (Some(path), _) => {
                let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
                AliasTable::from_json(&text).with_context(|| path.display().to_string())?
            }
            (None, Some(json)) => AliasTable::from_json(json).context("bundled aliases")?,
            (None, None) => AliasTable::new(),
        };
        Ok((config, aliases))
    }
}

/// Reads and indexes a corpus, with a progress bar on stderr once it takes over a second.
pub(crate) fn load_corpus(path: &Path, config: Config, aliases: AliasTable) -> Result<Index> {
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
    let reader = JsonlReader::new(BufReader::with_capacity(READ_BUFFER, file));
    let (index, warnings) = Index::builder()
        .config(config.index)
        .aliases(aliases)
        .from_jsonl(reader, progress)
        .with_context(|| name.clone())?;
    bar.finish_and_clear();
    for warning in warnings {
        eprintln!("warning: {name}: {warning}");
    }
    Ok(index)
}

fn print_related(index: &Index, id: &str, related: &[Recommendation], format: Format) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut out, related)?;
        writeln!(out)?;
        return Ok(());
    }
    let article = index.get(id).expect("similar() checked the id");
    let lang = index.language_of(id).map_or("?", |l| l.code());
    writeln!(out, "Related to {id} ({lang}, {} articles indexed)", index.len())?;
    writeln!(out, "  {}\n", article.title)?;
    if related.is_empty() {
        writeln!(out, "No article shares anything with this one.")?;
    }
    for (rank, r) in related.iter().enumerate() {
        writeln!(out, "{:2}. {:.3}  {}  {}", rank + 1, r.score, r.id, r.title)?;
        write_explanation(&mut out, &r.explain, "      ")?;
    }
    Ok(())
}

fn write_explanation(out: &mut impl Write, e: &connexe::Explanation, indent: &str) -> Result<()> {
    writeln!(
        out,
        "{indent}text {:.3} · entities {:.3} · tags {:.3} · section {:.0} · recency {:.2}",
        e.text, e.entities, e.tags, e.section, e.recency
    )?;
    if !e.shared_terms.is_empty() {
        writeln!(out, "{indent}shared words: {}", e.shared_terms.join(", "))?;
    }
    if !e.shared_entities.is_empty() {
        let shown: Vec<&str> = e.shared_entities.iter().take(6).map(String::as_str).collect();
        writeln!(out, "{indent}shared names: {}", shown.join(", "))?;
    }
    Ok(())
}

/// The page as the reference page reads: the body with its "À lire" links, then the lists.
fn print_page(
    index: &Index,
    page: &PageRecommendations,
    format: PageFormat,
    note: Option<&str>,
) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        PageFormat::Json => {
            serde_json::to_writer_pretty(&mut out, page)?;
            writeln!(out)?;
        }
        PageFormat::Html => write!(out, "{}", page.to_html())?,
        PageFormat::Text => {
            let article = index.get(&page.id).expect("page() checked the id");
            writeln!(out, "{}  [{}, {}]", article.title, page.id, page.lang)?;
            if let Some(note) = note {
                writeln!(out, "({note})")?;
            }
            for (i, paragraph) in article.paragraphs().iter().enumerate() {
                writeln!(out, "\n{paragraph}")?;
                for link in page.read_also.iter().filter(|l| l.after_paragraph == i) {
                    let flags = flags(link.pinned, link.fallback);
                    let label = &page.labels.read_also;
                    writeln!(
                        out,
                        "\n{label} : {}  [{}, {:.3}{flags}]",
                        link.title, link.id, link.score
                    )?;
                    write_explanation(&mut out, &link.explain, "    ")?;
                }
            }
            for (label, items) in [
                (page.labels.go_further.clone(), &page.go_further),
                (format!("{} :", page.labels.you_may_like), &page.you_may_like),
            ] {
                writeln!(out, "\n{label}")?;
                for item in items {
                    let flags = flags(item.pinned, item.fallback);
                    writeln!(out, "\n  {}  [{}, {:.3}{flags}]", item.title, item.id, item.score)?;
                    writeln!(out, "  {}", item.teaser)?;
                    write_explanation(&mut out, &item.explain, "    ")?;
                }
            }
            for note in &page.notes {
                writeln!(out, "\nnote: {note}")?;
            }
        }
    }
    Ok(())
}

fn flags(pinned: bool, fallback: bool) -> &'static str {
    match (pinned, fallback) {
        (true, _) => ", pinned",
        (false, true) => ", fallback",
        _ => "",
    }
}
