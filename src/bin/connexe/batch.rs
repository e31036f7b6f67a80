//! `connexe batch`: the page of every article as JSON Lines, computed on all cores, for a
//! CMS that refreshes the related blocks of its whole archive at once.
//!
//! Memory stays that of the index: pages are computed [`CHUNK`] at a time (in parallel),
//! written in order, then dropped. The output goes to a temporary file next to `--out` (an
//! [`AtomicFile`]), renamed over it only once every page is written and synced, so an error
//! or an interrupted run never leaves a file that looks complete.

use std::io::{BufWriter, IsTerminal, StdoutLock, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Args;
use connexe::atomic_file::AtomicFile;
use connexe::{Index, PageConfig};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::{Files, Source};

/// Pages computed, and held, at a time: enough to keep every core busy, few enough that the
/// pages in flight weigh little beside the index.
const CHUNK: usize = 2048;

/// Arguments of `connexe batch`.
#[derive(Args)]
pub(crate) struct BatchArgs {
    #[command(flatten)]
    source: Source,
    /// The file to write: JSON Lines, one page a line, each the JSON of `connexe page
    /// --format json` for that article (on one line), in the index's order (for --corpus,
    /// that of the corpus file). Written to a temporary file beside it, renamed over it
    /// once complete; `-` streams to stdout.
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    files: Files,
}

pub(crate) fn run(args: BatchArgs) -> Result<()> {
    let BatchArgs { source, out, files } = args;
    // Before the (long) load, so that an unwritable --out fails at once.
    let mut sink = Sink::create(&out)?;
    let started = Instant::now();
    let (index, config, name) = source.load(&files)?;
    let load_s = started.elapsed().as_secs_f64();
    config.page.validate().context("page configuration")?;

    let started = Instant::now();
    let bar = ProgressBar::with_draw_target(Some(index.len() as u64), ProgressDrawTarget::hidden());
    if std::io::stderr().is_terminal() {
        bar.set_draw_target(ProgressDrawTarget::stderr());
    }
    bar.set_style(
        ProgressStyle::with_template("pages {bar:40} {human_pos}/{human_len} ({per_sec}, {eta})")
            .expect("a valid template"),
    );
    let mut ids = index.articles().map(|article| article.id.as_str());
    let mut chunk: Vec<&str> = Vec::with_capacity(CHUNK);
    let mut pages = 0usize;
    loop {
        chunk.clear();
        chunk.extend(ids.by_ref().take(CHUNK));
        if chunk.is_empty() {
            break;
        }
        let lines: Vec<Result<Vec<u8>>> = chunk
            .par_iter()
            .map(|id| page_line(&index, id, &config.page))
            .collect();
        // In order: the first failing article of the chunk is the one named.
        for (id, line) in chunk.iter().zip(lines) {
            let line = line.with_context(|| format!("{name}: article {id:?}"))?;
            sink.write(&line)?;
        }
        pages += chunk.len();
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    sink.finish()?;

    let pages_s = started.elapsed().as_secs_f64();
    eprintln!(
        "batch: the pages of {pages} articles to {} in {pages_s:.1} s ({:.0} pages/s; loading {name} took {load_s:.1} s)",
        out.display(),
        pages as f64 / pages_s.max(1e-9),
    );
    Ok(())
}

/// One line of the output: the page of `id` serialised as `connexe page --format json`
/// serialises it (the same `Serialize` of [`connexe::PageRecommendations`]), without the
/// pretty-printing's line breaks and indentation, then a newline.
fn page_line(index: &Index, id: &str, config: &PageConfig) -> Result<Vec<u8>> {
    let page = index.page(id, config)?;
    let mut line = serde_json::to_vec(&page)?;
    line.push(b'\n');
    Ok(line)
}

/// Where the pages go: stdout, or a temporary file renamed over `--out` by [`Sink::finish`]
/// (removed if the run fails before).
enum Sink {
    Stdout(BufWriter<StdoutLock<'static>>),
    File(AtomicFile),
}

impl Sink {
    fn create(out: &Path) -> Result<Sink> {
        if out == Path::new("-") {
            return Ok(Sink::Stdout(BufWriter::with_capacity(
                1 << 20,
                std::io::stdout().lock(),
            )));
        }
        let shown = out.display();
        if out.is_dir() {
            bail!("{shown}: is a directory; --out names the file to write");
        }
        if out.file_name().is_none() {
            bail!("{shown}: not a file name; --out names the file to write");
        }
        Ok(Sink::File(AtomicFile::create(out)?))
    }

    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        match self {
            // Unwrapped, so that a closed pipe stays the reader's choice (see `main`).
            Sink::Stdout(writer) => writer.write_all(bytes)?,
            Sink::File(file) => file.write_all(bytes).with_context(|| {
                format!(
                    "{}: writing {}",
                    file.path().display(),
                    file.temp_path().display()
                )
            })?,
        }
        Ok(())
    }

    /// Flushes the pages; for a file, syncs it and renames it over `--out`.
    fn finish(self) -> Result<()> {
        match self {
            Sink::Stdout(mut writer) => writer.flush()?,
            Sink::File(file) => file.commit()?,
        }
        Ok(())
    }
}
