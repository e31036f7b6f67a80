//! `connexe batch`: the page of every article as JSON Lines, computed on all cores, for a
//! CMS that refreshes the related blocks of its whole archive at once.
//!
//! Memory stays that of the index: pages are computed [`CHUNK`] at a time (in parallel),
//! written in order, then dropped. The output goes to a temporary file next to `--out`,
//! renamed over it only once every page is written and synced, so an error or an interrupted
//! run never leaves a file that looks complete.

use std::fs::File;
use std::io::{BufWriter, IsTerminal, StdoutLock, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Args;
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

/// Where the pages go: stdout, or a temporary file renamed over `--out` by [`Sink::finish`].
enum Sink {
    Stdout(BufWriter<StdoutLock<'static>>),
    File { writer: BufWriter<File>, staged: Staged },
}

/// The temporary file of a [`Sink::File`], removed unless it was renamed into place
/// (on an error or a panic; after a kill, a hidden `.NAME.PID.tmp` file remains).
struct Staged {
    tmp: PathBuf,
    out: PathBuf,
    renamed: bool,
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.renamed {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
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
        let Some(file_name) = out.file_name() else {
            bail!("{shown}: not a file name; --out names the file to write");
        };
        let mut tmp_name = std::ffi::OsString::from(".");
        tmp_name.push(file_name);
        tmp_name.push(format!(".{}.tmp", std::process::id()));
        let tmp = folder_of(out).join(tmp_name);
        let file = File::create(&tmp)
            .with_context(|| format!("{shown}: cannot create the temporary file {}", tmp.display()))?;
        Ok(Sink::File {
            writer: BufWriter::with_capacity(1 << 20, file),
            staged: Staged {
                tmp,
                out: out.to_path_buf(),
                renamed: false,
            },
        })
    }

    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        match self {
            // Unwrapped, so that a closed pipe stays the reader's choice (see `main`).
            Sink::Stdout(writer) => writer.write_all(bytes)?,
            Sink::File { writer, staged } => writer
                .write_all(bytes)
                .with_context(|| format!("{}: writing {}", staged.out.display(), staged.tmp.display()))?,
        }
        Ok(())
    }

    /// Flushes the pages; for a file, syncs it and renames it over `--out`.
    fn finish(self) -> Result<()> {
        match self {
            Sink::Stdout(mut writer) => writer.flush()?,
            Sink::File { writer, mut staged } => {
                let context = || format!("{}: writing {}", staged.out.display(), staged.tmp.display());
                let file = writer
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .with_context(context)?;
                file.sync_all().with_context(context)?;
                drop(file);
                std::fs::rename(&staged.tmp, &staged.out).with_context(|| {
                    format!(
                        "{}: renaming {} over it",
                        staged.out.display(),
                        staged.tmp.display()
                    )
                })?;
                staged.renamed = true;
                // The rename itself survives a crash once the folder is synced (best effort:
                // not every system lets a folder be opened).
                if let Ok(dir) = File::open(folder_of(&staged.out)) {
                    let _ = dir.sync_all();
                }
            }
        }
        Ok(())
    }
}

/// The folder a file is in (`.` for a bare file name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}
