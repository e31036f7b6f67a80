//! Reading articles from JSON Lines: the one reader every caller goes through ([`Corpus`],
//! `IndexBuilder::from_jsonl`, the command line).
//!
//! Lines are read on one thread, a bounded chunk at a time ([`JsonlReader::next_chunk`]), and
//! parsed on every core ([`Lines::parse`]), their results taken in file order so that the
//! first bad line in the file is the one reported; [`Repeats`] warns of repeated ids. What a
//! line becomes after it is parsed (an article of a corpus, an article prepared for an index)
//! is the caller's: this module knows nothing of the index.

use std::fmt;
use std::io::BufRead;

use serde::Serialize;

use crate::article::Article;
use crate::error::{Error, Result, quoted};

/// A problem the reader worked around, so the caller can show it (never silently).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// The 1-based line the warning is about.
    pub line: u64,
    /// What happened.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Streams articles out of JSON Lines, one line at a time (a 1 GB file is never one string).
///
/// Blank lines are skipped. Each item is the article with its 1-based line number, or an
/// error that names the line (and the field, when one is at fault). Iteration stops after
/// the first error.
///
/// # Examples
/// ```
/// use connexe::JsonlReader;
///
/// let input = "{\"id\":\"a\",\"title\":\"A\",\"body\":\"x\"}\n\n{\"id\":\"b\",\"body\":\"y\"}\n";
/// let mut reader = JsonlReader::new(input.as_bytes());
/// let (line, first) = reader.next().unwrap().unwrap();
/// assert_eq!((line, first.id.as_str()), (1, "a"));
/// let err = reader.next().unwrap().unwrap_err();
/// assert_eq!(err.to_string(), "line 3: field `title`: missing");
/// assert!(reader.next().is_none());
/// ```
pub struct JsonlReader<R> {
    reader: R,
    buffer: Vec<u8>,
    line: u64,
    bytes_read: u64,
    failed: bool,
    /// The end of the input was met (see [`JsonlReader::has_more`]).
    ended: bool,
    /// The error that stopped [`JsonlReader::next_chunk`], given by its next call.
    stopped: Option<Error>,
    max_line_bytes: usize,
}

impl<R: BufRead> JsonlReader<R> {
    /// Reads from any buffered reader (a `BufReader<File>`, a byte slice, stdin's lock).
    pub fn new(reader: R) -> Self {
        JsonlReader {
            reader,
            buffer: Vec::new(),
            line: 0,
            bytes_read: 0,
            failed: false,
            ended: false,
            stopped: None,
            max_line_bytes: usize::MAX,
        }
    }

    /// Refuses lines longer than `max` bytes, before reading them whole: a hostile 10 GB
    /// line is an error, not an allocation. An index reads the lines its articles may fill:
    /// [`Limits::max_json_line_bytes`](crate::Limits::max_json_line_bytes).
    pub fn max_line_bytes(mut self, max: usize) -> Self {
        self.max_line_bytes = max;
        self
    }

    /// Bytes consumed so far (for progress reporting).
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// Reads into `into`, emptied first, up to `lines` lines with their numbers (fewer when
    /// they hold [`CHUNK_BYTES`] or more together); `Ok(false)` once no line is left. The
    /// lines are checked for length only (their text is checked and parsed by
    /// [`Lines::parse`], on any core). An error that stops the reading comes from the call
    /// after the one that gives the lines before it, so those are taken first.
    pub(crate) fn next_chunk(&mut self, into: &mut Lines, lines: usize) -> Result<bool> {
        debug_assert!(lines > 0, "a chunk holds at least one line");
        if let Some(e) = self.stopped.take() {
            return Err(e);
        }
        if !self.has_more() {
            return Ok(false);
        }
        into.clear();
        while into.ends.len() < lines && into.bytes.len() < CHUNK_BYTES {
            match self.next_line(&mut into.bytes) {
                Some(Ok(line)) => into.ends.push((line, into.bytes.len())),
                Some(Err(e)) => {
                    self.stopped = Some(e);
                    break;
                }
                None => break,
            }
        }
        Ok(true)
    }

    /// Whether [`JsonlReader::next_chunk`] may give more lines: it has not met the end of
    /// the input nor an error.
    fn has_more(&self) -> bool {
        !self.ended && !self.failed
    }

    /// Appends one line to `out`, up to one byte past the limit (which tells an overlong line);
    /// `Ok(false)` at the end of input.
    fn read_line(&mut self, out: &mut Vec<u8>) -> std::io::Result<bool> {
        let start = out.len();
        loop {
            let available = match self.reader.fill_buf() {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                return Ok(out.len() > start);
            }
            let (take, done) = match memchr::memchr(b'\n', available) {
                Some(at) => (at + 1, true),
                None => (available.len(), false),
            };
            let room = self
                .max_line_bytes
                .saturating_add(1)
                .saturating_sub(out.len() - start);
            out.extend_from_slice(&available[..take.min(room)]);
            self.reader.consume(take);
            self.bytes_read += take as u64;
            if done || out.len() - start > self.max_line_bytes {
                return Ok(true);
            }
        }
    }

    /// Appends the next line to `out` and gives its number, checked for length only; after an
    /// error, `None`.
    fn next_line(&mut self, out: &mut Vec<u8>) -> Option<Result<u64>> {
        if self.failed {
            return None;
        }
        let start = out.len();
        match self.read_line(out) {
            Ok(false) => {
                self.ended = true;
                return None;
            }
            Ok(true) => {}
            Err(e) => {
                self.failed = true;
                out.truncate(start);
                return Some(Err(Error::io(format!("line {}", self.line + 1), e)));
            }
        }
        self.line += 1;
        if out.len() - start > self.max_line_bytes {
            self.failed = true;
            out.truncate(start);
            return Some(Err(Error::input(format!(
                "longer than {} bytes (limits.max_article_bytes)",
                self.max_line_bytes
            ))
            .at_line(self.line)));
        }
        Some(Ok(self.line))
    }
}

impl<R: BufRead> Iterator for JsonlReader<R> {
    type Item = Result<(u64, Article)>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let mut buffer = std::mem::take(&mut self.buffer);
            buffer.clear();
            let next = self.next_line(&mut buffer);
            let result = next.map(|read| {
                read.and_then(|line| parse_line(line, &buffer).map(|article| article.map(|a| (line, a))))
            });
            self.buffer = buffer;
            let result = result?;
            self.failed = result.is_err();
            match result {
                Ok(None) => continue,
                Ok(Some(article)) => return Some(Ok(article)),
                Err(e) => return Some(Err(e)),
            }
        }
    }
}

/// The most text a chunk of lines holds ([`JsonlReader::next_chunk`]): lines may be up to
/// tens of megabytes each.
const CHUNK_BYTES: usize = 64 << 20;

/// Lines of JSON read at once, end to end in one buffer that the next lines reuse: no
/// allocation per line, and no memory freed and faulted in again between chunks.
#[derive(Default)]
pub(crate) struct Lines {
    bytes: Vec<u8>,
    /// Each line's number and where it ends in `bytes` (it starts where the one before ends).
    ends: Vec<(u64, usize)>,
}

impl Lines {
    /// Empties the lines, keeping the memory of a full chunk ([`CHUNK_BYTES`]) at most: not
    /// that of a chunk that one huge line made larger.
    fn clear(&mut self) {
        self.bytes.clear();
        self.bytes.shrink_to(CHUNK_BYTES);
        self.ends.clear();
    }

    /// The article of each line (none for a blank line) with its number, made into a `T` by
    /// `make`, on every core, in line order; each error names its line.
    pub(crate) fn parse<T: Send>(
        &self,
        make: impl Fn(Article) -> Result<T> + Sync,
    ) -> Vec<Result<Option<(u64, T)>>> {
        use rayon::prelude::*;
        (0..self.ends.len())
            .into_par_iter()
            .map(|i| {
                let start = i.checked_sub(1).map_or(0, |before| self.ends[before].1);
                let (line, end) = self.ends[i];
                let Some(article) = parse_line(line, &self.bytes[start..end])? else {
                    return Ok(None);
                };
                make(article)
                    .map(|made| Some((line, made)))
                    .map_err(|e| e.at_line(line))
            })
            .collect()
    }
}

/// The article of line number `line` (`None` for a blank line), or its error naming the line.
fn parse_line(line: u64, bytes: &[u8]) -> Result<Option<Article>> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::input(format!("invalid UTF-8 at byte {} of the line", e.valid_up_to())).at_line(line)
    })?;
    let text = text.trim_start_matches('\u{feff}').trim();
    if text.is_empty() {
        return Ok(None);
    }
    Article::from_json(text).map(Some).map_err(|e| e.at_line(line))
}

/// The ids of a stream's articles with the line that last gave each: a later line with the
/// same id replaces the article, with a warning.
#[derive(Default)]
pub(crate) struct Repeats {
    lines: hashbrown::HashMap<String, u64>,
    warnings: Vec<Warning>,
}

impl Repeats {
    /// The article of `line` has this id.
    pub(crate) fn note(&mut self, id: &str, line: u64) {
        let first = match self.lines.get_mut(id) {
            Some(at) => std::mem::replace(at, line),
            None => {
                self.lines.insert(id.to_owned(), line);
                return;
            }
        };
        self.warnings.push(Warning {
            line,
            message: format!(
                "id {} repeats line {first}; the later line replaces it",
                quoted(id)
            ),
        });
    }

    /// The warnings, or an input error when the stream held no article.
    pub(crate) fn finish(self) -> Result<Vec<Warning>> {
        if self.lines.is_empty() {
            return Err(Error::input("no article found: the input is empty"));
        }
        Ok(self.warnings)
    }
}

/// A whole corpus read from JSON Lines, with the warnings the reader has for the caller.
#[derive(Clone, Debug, Default)]
pub struct Corpus {
    /// The articles, in file order; a repeated id keeps the place of its first line and the
    /// content of its last.
    pub articles: Vec<Article>,
    /// What the caller should know: repeated ids, and anything else worked around.
    pub warnings: Vec<Warning>,
}

/// Lines [`Corpus::from_reader`] parses at once.
const CORPUS_CHUNK: usize = 2_048;

impl Corpus {
    /// Reads every article of a JSON Lines stream.
    ///
    /// A repeated id replaces the earlier article, with a [`Warning`] naming both lines.
    ///
    /// # Errors
    /// The first malformed line (see [`JsonlReader`]), or
    /// [`ErrorKind::Input`](crate::ErrorKind::Input) when the stream holds no article.
    ///
    /// # Examples
    /// ```
    /// let input = r#"{"id":"a","title":"Old","body":"x"}
    /// {"id":"a","title":"New","body":"y"}"#;
    /// let corpus = connexe::Corpus::from_jsonl(input.as_bytes()).unwrap();
    /// assert_eq!(corpus.articles.len(), 1);
    /// assert_eq!(corpus.articles[0].title, "New");
    /// assert_eq!(corpus.warnings[0].to_string(), "line 2: id \"a\" repeats line 1; the later line replaces it");
    /// ```
    pub fn from_jsonl<R: BufRead>(reader: R) -> Result<Corpus> {
        Corpus::from_reader(JsonlReader::new(reader), |_| {})
    }

    /// Like [`Corpus::from_jsonl`], calling `progress` with the bytes read after each chunk of
    /// lines (2,048 lines, or 64 MiB).
    ///
    /// # Errors
    /// As [`Corpus::from_jsonl`].
    pub fn from_reader<R: BufRead>(
        mut reader: JsonlReader<R>,
        mut progress: impl FnMut(u64),
    ) -> Result<Corpus> {
        let mut articles: Vec<Article> = Vec::new();
        let mut positions: hashbrown::HashMap<String, usize> = hashbrown::HashMap::new();
        let mut repeats = Repeats::default();
        let (mut lines, mut next) = (Lines::default(), Lines::default());
        let mut more = reader.next_chunk(&mut lines, CORPUS_CHUNK)?;
        while more {
            // Lines are parsed on every core, a chunk at a time, while this thread reads the
            // next chunk (the reader stays on this thread). They are then taken in file
            // order, so the first error in the file is the one reported.
            let bytes_taken = reader.bytes_read();
            let mut parsed = Vec::new();
            let mut read_ahead = Ok(false);
            rayon::in_place_scope(|scope| {
                scope.spawn(|_| parsed = lines.parse(Ok));
                read_ahead = reader.next_chunk(&mut next, CORPUS_CHUNK);
            });
            for item in parsed {
                let Some((line, article)) = item? else {
                    continue;
                };
                repeats.note(&article.id, line);
                match positions.get(&article.id) {
                    Some(&at) => articles[at] = article,
                    None => {
                        positions.insert(article.id.clone(), articles.len());
                        articles.push(article);
                    }
                }
            }
            progress(bytes_taken);
            more = read_ahead?;
            std::mem::swap(&mut lines, &mut next);
        }
        let warnings = repeats.finish()?;
        Ok(Corpus { articles, warnings })
    }
}

#[cfg(test)]
mod tests;
