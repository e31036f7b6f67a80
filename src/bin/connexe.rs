//! The `connexe` command line: related articles for a JSON Lines corpus, and a demo on the
//! bundled French corpus.

use std::fs::File;
use std::io::{BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use connexe::{AliasTable, Config, Index, JsonlReader, PageRecommendations, Recommendation};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// The bundled demo corpus: BBC Afrique articles from MasakhaNEWS (AFL-3.0), see
/// data/masakhanews-fr/README.md.
const DEMO_CORPUS: &str = include_str!("../../data/masakhanews-fr/corpus.jsonl");
/// Aliases for names the demo corpus writes several ways.
const DEMO_ALIASES: &str = include_str!("../../data/aliases-fr.json");
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
    /// The page of one article: "À lire" links, "Aller plus loin", "Ces articles devraient
    /// vous intéresser".
    Page {
        /// The corpus: JSON Lines, one article a line.
        #[arg(long)]
        corpus: PathBuf,
        /// The article whose page to build.
        #[arg(long)]
        id: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = PageFormat::Text)]
        format: PageFormat,
        #[command(flatten)]
        files: Files,
    },
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
}

#[derive(clap::Args)]
struct Options {
    /// How many related articles.
    #[arg(long, default_value_t = 5)]
    k: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(flatten)]
    files: Files,
}

#[derive(clap::Args)]
struct Files {
    /// Configuration: a .toml or .json file with `[index]` and `[page]` sections.
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
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Recommend { corpus, id, options } => {
            let (config, aliases) = options.files.load(None)?;
            let index = load_corpus(&corpus, config, aliases)?;
            let related = index
                .similar(&id, options.k)
                .with_context(|| corpus.display().to_string())?;
            print_related(&index, &id, &related, options.format)
        }
        Command::Page {
            corpus,
            id,
            format,
            files,
        } => {
            let (config, aliases) = files.load(None)?;
            let page_config = config.page.clone();
            let index = load_corpus(&corpus, config, aliases)?;
            let page = index
                .page(&id, &page_config)
                .with_context(|| corpus.display().to_string())?;
            print_page(&index, &page, format, None)
        }
        Command::Demo { id, format, files } => {
            let (config, aliases) = files.load(Some(DEMO_ALIASES))?;
            let reader = JsonlReader::new(DEMO_CORPUS.as_bytes());
            let (index, _) =
                Index::from_jsonl(config.index, aliases, reader, |_| {}).context("bundled corpus")?;
            let showcase = id.is_none();
            let id = id.unwrap_or_else(|| DEMO_ARTICLE.to_owned());
            let page = index.page(&id, &config.page).context("bundled corpus")?;
            let note = showcase
                .then_some("the showcase article; pick another with --id, from fra-dev-0000 to fra-dev-0210");
            print_page(&index, &page, format, note)
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
fn load_corpus(path: &Path, config: Config, aliases: AliasTable) -> Result<Index> {
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
        Index::from_jsonl(config.index, aliases, reader, progress).with_context(|| name.clone())?;
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
