//! Articles, their validation, and reading them from JSON Lines with line numbers.

mod field_names;

use std::fmt;
use std::io::BufRead;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};

use crate::error::{Error, Result, quoted};
use crate::language::Language;

/// A news article as a CMS hands it over.
///
/// `body` is plain text; paragraphs are separated by blank lines (or by single newlines when
/// the text has no blank line). Only `id`, `title` and `body` are required.
///
/// # Examples
/// ```
/// use connexe::{Article, Language};
///
/// let line = r#"{"id": "a1", "title": "Rome accueille la coalition", "body": "Texte.", "lang": "fr", "published": "2021-06-28"}"#;
/// let article = Article::from_json(line).unwrap();
/// assert_eq!(article.lang, Some(Language::French));
/// assert_eq!(article.published.unwrap().to_string(), "2021-06-28T00:00:00Z");
///
/// let err = Article::from_json(r#"{"id": "a2", "body": "x"}"#).unwrap_err();
/// assert_eq!(err.to_string(), "field `title`: missing");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Unique id in the corpus (the CMS's own).
    pub id: String,
    /// Headline.
    pub title: String,
    /// Plain-text body, paragraphs separated by blank lines.
    pub body: String,
    /// Standfirst / chapeau, when the CMS has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<String>,
    /// Canonical URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Publication time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<Timestamp>,
    /// Section or rubrique ("Politique", "Sport").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// Editorial tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Named entities the CMS already knows (people, places, organisations).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<String>,
    /// Language; detected from the text when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Language>,
}

impl Article {
    /// An article with the three required fields and nothing else.
    ///
    /// # Examples
    /// ```
    /// let a = connexe::Article::new("a1", "Titre", "Corps.");
    /// assert_eq!(a.id, "a1");
    /// assert!(a.lang.is_none());
    /// ```
    pub fn new(id: impl Into<String>, title: impl Into<String>, body: impl Into<String>) -> Self {
        Article {
            id: id.into(),
            title: title.into(),
            body: body.into(),
            ..Article::default()
        }
    }

    /// Parses one JSON object, with errors that name the field and the value.
    ///
    /// Unknown fields are ignored; `null` counts as absent for optional fields.
    ///
    /// # Errors
    /// [`ErrorKind::Input`](crate::ErrorKind::Input) when the text is not a JSON object, a
    /// required field is missing or empty, a field has the wrong type, the language code is
    /// unknown or the date is malformed.
    pub fn from_json(text: &str) -> Result<Article> {
        // Most lines are an object of known fields, each of its type: parsed straight into
        // strings. Any other line is parsed again as a JSON value, whose errors name the field
        // and value. (A struct would also read an array, and would skip unknown fields without
        // the value's checks of depth, numbers and escapes: those lines go the value's way.)
        if text.trim_start().starts_with('{')
            && let Ok(fields) = serde_json::from_str::<Fields>(text)
        {
            return fields.into_article();
        }
        Article::from_json_value(text)
    }

    /// [`Article::from_json`] through a JSON value, whatever the types of the fields.
    fn from_json_value(text: &str) -> Result<Article> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| Error::input(format!("invalid JSON: {e}")))?;
        let Value::Object(mut map) = value else {
            return Err(Error::input(format!(
                "expected a JSON object, got {}",
                type_name(&value)
            )));
        };
        let article = Article {
            id: required(string(&mut map, "id")?, "id")?,
            title: required(string(&mut map, "title")?, "title")?,
            body: string(&mut map, "body")?.ok_or_else(|| Error::bad_field("body", "missing"))?,
            lead: string(&mut map, "lead")?,
            url: string(&mut map, "url")?,
            published: timestamp(string(&mut map, "published")?)?,
            section: string(&mut map, "section")?,
            tags: strings(&mut map, "tags")?,
            entities: strings(&mut map, "entities")?,
            lang: language(string(&mut map, "lang")?)?,
        };
        article.validate()?;
        Ok(article)
    }

    /// Checks what a typed `Article` cannot: a non-blank id and title.
    ///
    /// # Errors
    /// [`ErrorKind::Input`](crate::ErrorKind::Input) naming the field.
    pub fn validate(&self) -> Result<()> {
        if self.id.trim().is_empty() {
            return Err(Error::bad_field("id", "must not be empty"));
        }
        if self.title.trim().is_empty() {
            return Err(Error::bad_field("title", "must not be empty"));
        }
        Ok(())
    }

    /// The body's paragraphs, trimmed, without empty ones: split at blank lines, or at every
    /// newline when the body has no blank line. A body with no line break at all (text
    /// scraped without its markup) is cut after sentences into paragraphs of about
    /// [`PARAGRAPH_CHARS`] characters.
    ///
    /// # Examples
    /// ```
    /// let a = connexe::Article::new("a", "t", "Un.\n\nDeux\nsuite.\n\n\nTrois.");
    /// assert_eq!(a.paragraphs(), vec!["Un.", "Deux\nsuite.", "Trois."]);
    /// let b = connexe::Article::new("b", "t", "Un.\nDeux.");
    /// assert_eq!(b.paragraphs(), vec!["Un.", "Deux."]);
    /// ```
    pub fn paragraphs(&self) -> Vec<&str> {
        let body = self.body.trim();
        if body.lines().any(|l| l.trim().is_empty()) {
            let mut out = Vec::new();
            let mut start: Option<usize> = None;
            let mut end = 0;
            let mut offset = 0;
            for line in body.split_inclusive('\n') {
                if line.trim().is_empty() {
                    if let Some(s) = start.take() {
                        out.push(body[s..end].trim());
                    }
                } else {
                    start.get_or_insert(offset);
                    end = offset + line.len();
                }
                offset += line.len();
            }
            if let Some(s) = start {
                out.push(body[s..end].trim());
            }
            out
        } else if body.contains('\n') {
            body.lines().map(str::trim).filter(|l| !l.is_empty()).collect()
        } else {
            sentence_paragraphs(body)
        }
    }
}

/// The length [`Article::paragraphs`] aims at when it has to cut a body without line breaks.
pub const PARAGRAPH_CHARS: usize = 600;

/// Cuts a text without line breaks after the sentence that brings a paragraph past
/// [`PARAGRAPH_CHARS`]; a sentence ends at `.`, `!`, `?` or `…` (and closing quotes after
/// them) followed by a space and a capital, a digit or an opening quote.
fn sentence_paragraphs(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    // Characters since `start`, counted as they go by: one pass over the text.
    let mut since = 0usize;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        since += 1;
        if !matches!(c, '.' | '!' | '?' | '…') || since <= PARAGRAPH_CHARS {
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, q)) = chars.peek() {
            if matches!(q, '»' | '"' | '”' | ')') {
                end = j + q.len_utf8();
                since += 1;
                chars.next();
            } else {
                break;
            }
        }
        let rest = &text[end..];
        let after_space = rest.trim_start_matches([' ', '\u{a0}']);
        let opens = after_space
            .chars()
            .next()
            .is_some_and(|n| n.is_uppercase() || n.is_numeric() || matches!(n, '«' | '"' | '“'));
        if after_space.len() < rest.len() && opens {
            out.push(text[start..end].trim());
            start = end;
            since = 0;
        }
    }
    if !text[start..].trim().is_empty() {
        out.push(text[start..].trim());
    }
    out
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn short(value: &Value) -> String {
    quoted(&value.to_string())
}

/// The string `field` of `map`, taken out of it (fields are read once: no copy).
fn string(map: &mut Map<String, Value>, field: &'static str) -> Result<Option<String>> {
    match map.remove(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(Error::bad_field(
            field,
            format!("expected a string, got {} {}", type_name(&other), short(&other)),
        )),
    }
}

/// The fields of an article's JSON object when each has its type (`null` for absent) and
/// there are no others.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields {
    id: Option<String>,
    title: Option<String>,
    body: Option<String>,
    lead: Option<String>,
    url: Option<String>,
    published: Option<String>,
    section: Option<String>,
    tags: Option<Vec<String>>,
    entities: Option<Vec<String>>,
    lang: Option<String>,
}

impl Fields {
    /// The article, checked as [`Article::from_json`] checks it, in the same order.
    fn into_article(self) -> Result<Article> {
        let article = Article {
            id: required(self.id, "id")?,
            title: required(self.title, "title")?,
            body: self.body.ok_or_else(|| Error::bad_field("body", "missing"))?,
            lead: self.lead,
            url: self.url,
            published: timestamp(self.published)?,
            section: self.section,
            tags: self.tags.unwrap_or_default(),
            entities: self.entities.unwrap_or_default(),
            lang: language(self.lang)?,
        };
        article.validate()?;
        Ok(article)
    }
}

fn timestamp(published: Option<String>) -> Result<Option<Timestamp>> {
    published
        .map(|s| Timestamp::parse(&s).map_err(|msg| Error::bad_field("published", msg)))
        .transpose()
}

fn language(code: Option<String>) -> Result<Option<Language>> {
    code.map(|code| {
        code.parse::<Language>()
            .map_err(|e| Error::bad_field("lang", e.to_string()))
    })
    .transpose()
}

/// A required string field: present and not blank.
fn required(value: Option<String>, field: &'static str) -> Result<String> {
    let value = value.ok_or_else(|| Error::bad_field(field, "missing"))?;
    if value.trim().is_empty() {
        return Err(Error::bad_field(field, "must not be empty"));
    }
    Ok(value)
}

fn strings(map: &mut Map<String, Value>, field: &'static str) -> Result<Vec<String>> {
    match map.remove(field) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| match item {
                Value::String(s) => Ok(s),
                other => Err(Error::bad_field(
                    field,
                    format!(
                        "item {i}: expected a string, got {} {}",
                        type_name(&other),
                        short(&other)
                    ),
                )),
            })
            .collect(),
        Some(other) => Err(Error::bad_field(
            field,
            format!(
                "expected an array of strings, got {} {}",
                type_name(&other),
                short(&other)
            ),
        )),
    }
}

/// A publication time, to the second, in UTC.
///
/// Parsed from RFC 3339 (`2021-06-28T09:30:00+02:00`) or a date (`2021-06-28`, taken as
/// midnight UTC); written as RFC 3339 in UTC.
///
/// # Examples
/// ```
/// use connexe::Timestamp;
///
/// let t = Timestamp::parse("2021-06-28T09:30:00+02:00").unwrap();
/// assert_eq!(t.to_string(), "2021-06-28T07:30:00Z");
/// assert_eq!(Timestamp::parse("2021-06-28").unwrap().unix_seconds(), 1_624_838_400);
/// assert!(Timestamp::parse("28/06").is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The time `seconds` after 1970-01-01T00:00:00Z.
    pub fn from_unix_seconds(seconds: i64) -> Self {
        Timestamp(seconds)
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    pub fn unix_seconds(self) -> i64 {
        self.0
    }

    /// Parses RFC 3339 or `YYYY-MM-DD`.
    ///
    /// # Errors
    /// A message naming the accepted forms and the value given.
    pub fn parse(text: &str) -> std::result::Result<Timestamp, String> {
        let text = text.trim();
        if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
            return Ok(Timestamp(t.unix_timestamp()));
        }
        let date_only = time::macros::format_description!("[year]-[month]-[day]");
        if let Ok(d) = Date::parse(text, &date_only) {
            return Ok(Timestamp(d.midnight().assume_utc().unix_timestamp()));
        }
        Err(format!("expected RFC 3339 or YYYY-MM-DD, got {}", quoted(text)))
    }

    /// Days from `self` to `other`, positive when `other` is later.
    pub fn days_until(self, other: Timestamp) -> f64 {
        // In f64: any two i64 times (an index file may hold any) subtract without overflow.
        (other.0 as f64 - self.0 as f64) / 86_400.0
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match OffsetDateTime::from_unix_timestamp(self.0)
            .ok()
            .and_then(|t| t.format(&Rfc3339).ok())
        {
            Some(s) => f.write_str(&s),
            None => write!(f, "@{}", self.0),
        }
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Timestamp::parse(&text).map_err(serde::de::Error::custom)
    }
}

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
            max_line_bytes: usize::MAX,
        }
    }

    /// Refuses lines longer than `max` bytes, before reading them whole: a hostile 10 GB
    /// line is an error, not an allocation.
    pub fn max_line_bytes(mut self, max: usize) -> Self {
        self.max_line_bytes = max;
        self
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

    /// Bytes consumed so far (for progress reporting).
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }
}

impl<R: BufRead> JsonlReader<R> {
    /// Reads into `into`, emptied first, up to `lines` lines (fewer when they hold `bytes` or
    /// more together) with their numbers; returns the error that stopped the reading, if one
    /// did. The lines are checked for length only (their text is checked and parsed by
    /// [`parse_line`], on any core).
    pub(crate) fn next_lines(&mut self, into: &mut Lines, lines: usize, bytes: usize) -> Option<Error> {
        debug_assert!(lines > 0 && bytes > 0, "a chunk holds at least one line");
        into.clear();
        while into.ends.len() < lines && into.bytes.len() < bytes {
            match self.next_line(&mut into.bytes) {
                Some(Ok(line)) => into.ends.push((line, into.bytes.len())),
                Some(Err(e)) => return Some(e),
                None => break,
            }
        }
        None
    }

    /// Whether [`JsonlReader::next_lines`] may give more lines: it has not met the end of
    /// the input nor an error.
    pub(crate) fn has_more(&self) -> bool {
        !self.ended && !self.failed
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

/// Lines of JSON read at once, end to end in one buffer that the next lines reuse: no
/// allocation per line, and no memory freed and faulted in again between chunks.
#[derive(Default)]
pub(crate) struct Lines {
    bytes: Vec<u8>,
    /// Each line's number and where it ends in `bytes` (it starts where the one before ends).
    ends: Vec<(u64, usize)>,
}

impl Lines {
    /// Empties the lines, keeping the memory of a full chunk ([`PARSE_CHUNK_BYTES`]) at most:
    /// not that of a chunk that one huge line made larger.
    fn clear(&mut self) {
        self.bytes.clear();
        self.bytes.shrink_to(PARSE_CHUNK_BYTES);
        self.ends.clear();
    }

    /// Each line with its number, in order, for any number of cores.
    pub(crate) fn par_iter(&self) -> impl rayon::iter::IndexedParallelIterator<Item = (u64, &[u8])> {
        use rayon::prelude::*;
        (0..self.ends.len()).into_par_iter().map(|i| {
            let start = i.checked_sub(1).map_or(0, |before| self.ends[before].1);
            let (line, end) = self.ends[i];
            (line, &self.bytes[start..end])
        })
    }
}

/// The article of one line read by [`JsonlReader::next_lines`] (`None` for a blank line), or
/// its error naming the line.
pub(crate) fn parse_line((line, bytes): (u64, &[u8])) -> Result<Option<(u64, Article)>> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::input(format!("invalid UTF-8 at byte {} of the line", e.valid_up_to())).at_line(line)
    })?;
    let text = text.trim_start_matches('\u{feff}').trim();
    if text.is_empty() {
        return Ok(None);
    }
    Article::from_json(text)
        .map(|article| Some((line, article)))
        .map_err(|e| e.at_line(line))
}

impl<R: BufRead> Iterator for JsonlReader<R> {
    type Item = Result<(u64, Article)>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let mut buffer = std::mem::take(&mut self.buffer);
            buffer.clear();
            let next = self.next_line(&mut buffer);
            let result = next.map(|read| read.and_then(|line| parse_line((line, &buffer))));
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

/// A whole corpus read from JSON Lines, with the warnings the reader has for the caller.
#[derive(Clone, Debug, Default)]
pub struct Corpus {
    /// The articles, in file order; a repeated id keeps the place of its first line and the
    /// content of its last.
    pub articles: Vec<Article>,
    /// What the caller should know: repeated ids, and anything else worked around.
    pub warnings: Vec<Warning>,
}

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
    pub fn from_reader<R: BufRead>(reader: JsonlReader<R>, progress: impl FnMut(u64)) -> Result<Corpus> {
        let mut articles: Vec<Article> = Vec::new();
        let mut positions: hashbrown::HashMap<String, usize> = hashbrown::HashMap::new();
        let warnings = read_each(reader, progress, |article| {
            match positions.get(&article.id) {
                Some(&at) => articles[at] = article,
                None => {
                    positions.insert(article.id.clone(), articles.len());
                    articles.push(article);
                }
            }
            Ok(())
        })?;
        Ok(Corpus { articles, warnings })
    }
}

/// Feeds every article of `reader` to `each`, in order, and returns the warnings: one for
/// each id that repeats an earlier line (`each` sees both; the later one must win).
///
/// # Errors
/// The first malformed line, the first error of `each` (with its line), or an input error
/// when the stream holds no article.
pub(crate) fn read_each<R: BufRead>(
    mut reader: JsonlReader<R>,
    mut progress: impl FnMut(u64),
    mut each: impl FnMut(Article) -> Result<()>,
) -> Result<Vec<Warning>> {
    use rayon::prelude::*;
    let mut repeats = Repeats::default();
    let (mut lines, mut next) = (Lines::default(), Lines::default());
    let mut stopped = reader.next_lines(&mut lines, PARSE_CHUNK, PARSE_CHUNK_BYTES);
    loop {
        // Lines are parsed on every core, a chunk at a time, while this thread reads the next
        // chunk (the reader stays on this thread). They are then taken in file order, so the
        // first error in the file is the one reported.
        let more = stopped.is_none() && reader.has_more();
        let bytes_read = reader.bytes_read();
        let mut parsed: Vec<Result<Option<(u64, Article)>>> = Vec::new();
        let mut next_stopped = None;
        rayon::in_place_scope(|scope| {
            scope.spawn(|_| parsed = lines.par_iter().map(parse_line).collect());
            if more {
                next_stopped = reader.next_lines(&mut next, PARSE_CHUNK, PARSE_CHUNK_BYTES);
            }
        });
        for item in parsed {
            let Some((line, article)) = item? else {
                continue;
            };
            repeats.note(&article.id, line);
            each(article).map_err(|e| e.at_line(line))?;
        }
        progress(bytes_read);
        if let Some(e) = stopped {
            return Err(e);
        }
        if !more {
            break;
        }
        std::mem::swap(&mut lines, &mut next);
        stopped = next_stopped;
    }
    repeats.finish()
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

/// Lines parsed at once by [`read_each`], and the most text they may hold together (in
/// [`read_each`] and `Index::from_jsonl`): lines may be up to tens of megabytes each.
const PARSE_CHUNK: usize = 2_048;
pub(crate) const PARSE_CHUNK_BYTES: usize = 64 << 20;

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_048))]

        /// Parsed straight into strings or through a JSON value: the same article, or the
        /// same error. Fields repeat, have other types, or are null, missing or blank.
        #[test]
        fn both_ways_of_parsing_a_line_agree(
            valid_first in proptest::bool::ANY,
            fields in proptest::collection::vec(
                (
                    proptest::sample::select(vec!["id", "title", "body", "lead", "url", "published", "section", "tags", "entities", "lang", "other"]),
                    proptest::sample::select(vec![
                        r#""a""#, r#"" ""#, r#""""#, "null", "1", "true", r#"["x", "y"]"#, r#"["x", 2]"#, "[]", "{}",
                        r#""2024-03-01""#, r#""2024-13-01""#, r#""fr""#, r#""xx""#, r#""\u00e9t\u00e9""#,
                    ]),
                ),
                0..8,
            )
        ) {
            let valid = [("id", r#""a""#), ("title", r#""T""#), ("body", r#""b""#)];
            let fields = valid.iter().filter(|_| valid_first).chain(&fields);
            let text = format!(
                "{{{}}}",
                fields.map(|(k, v)| format!("\"{k}\": {v}")).collect::<Vec<_>>().join(", ")
            );
            let fast = Article::from_json(&text).map_err(|e| e.to_string());
            let slow = Article::from_json_value(&text).map_err(|e| e.to_string());
            proptest::prop_assert_eq!(fast, slow, "{}", text);
        }
    }

    /// Lines a struct would read but a JSON value refuses: an array of the fields in order, and
    /// unknown fields too deep, too large or with a lone surrogate.
    #[test]
    fn lines_a_struct_would_take_are_refused_as_before() {
        let valid = r#""id": "a", "title": "T", "body": "b""#;
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        for text in [
            r#"["a", "T", "b", null, null, null, null, null, null, null]"#.to_owned(),
            format!("{{{valid}, \"x\": {deep}}}"),
            format!("{{{valid}, \"x\": 1e400}}"),
            format!("{{{valid}, \"x\": \"\\ud800\"}}"),
        ] {
            let err = Article::from_json(&text).unwrap_err().to_string();
            assert_eq!(err, Article::from_json_value(&text).unwrap_err().to_string());
        }
        // Unknown fields of any other value are ignored, as before.
        let other = format!("{{{valid}, \"x\": {{\"y\": [1, 2.5, null]}}}}");
        assert_eq!(Article::from_json(&other).unwrap(), Article::new("a", "T", "b"));
    }

    struct Case {
        name: &'static str,
        input: &'static [u8],
        expected: &'static str,
    }

    macro_rules! cases {
        ($($name:ident: $input:expr => $expected:expr;)*) => {
            &[$(Case { name: stringify!($name), input: $input, expected: $expected }),*]
        };
    }

    const GOOD: &str = r#"{"id":"ok","title":"T","body":"b"}"#;

    #[test]
    fn malformed_input_names_line_and_field() {
        let cases: &[Case] = cases! {
            broken_json: b"{\"id\":\"ok\",\"title\":\"T\",\"body\":\"b\"}\n{\"id\": \"x\", \"title\"" =>
                "line 2: invalid JSON: EOF while parsing an object at line 1 column 19";
            missing_title: b"{\"id\":\"x\",\"body\":\"b\"}" => "line 1: field `title`: missing";
            empty_title: b"{\"id\":\"x\",\"title\":\"  \",\"body\":\"b\"}" => "line 1: field `title`: must not be empty";
            missing_id: b"{\"title\":\"T\",\"body\":\"b\"}" => "line 1: field `id`: missing";
            missing_body: b"{\"id\":\"x\",\"title\":\"T\"}" => "line 1: field `body`: missing";
            numeric_title: b"{\"id\":\"x\",\"title\":42,\"body\":\"b\"}" =>
                "line 1: field `title`: expected a string, got a number \"42\"";
            unknown_lang: b"{\"id\":\"x\",\"title\":\"T\",\"body\":\"b\",\"lang\":\"xx\"}" =>
                "line 1: field `lang`: unknown language code \"xx\"; supported: ar, da, nl, en, fi, fr, de, el, hu, it, no, pl, pt, ro, ru, es, sv, ta, tr";
            bad_date: b"\n{\"id\":\"x\",\"title\":\"T\",\"body\":\"b\",\"published\":\"28/06\"}" =>
                "line 2: field `published`: expected RFC 3339 or YYYY-MM-DD, got \"28/06\"";
            bad_tags: b"{\"id\":\"x\",\"title\":\"T\",\"body\":\"b\",\"tags\":[\"a\",3]}" =>
                "line 1: field `tags`: item 1: expected a string, got a number \"3\"";
            not_an_object: b"[1,2]" => "line 1: expected a JSON object, got an array";
            invalid_utf8: b"{\"id\":\"x\",\"title\":\"caf\xe9\",\"body\":\"b\"}" =>
                "line 1: invalid UTF-8 at byte 22 of the line";
            empty_file: b"" => "no article found: the input is empty";
            only_blank_lines: b"\n  \n\n" => "no article found: the input is empty";
        };
        for case in cases {
            let err = Corpus::from_jsonl(case.input).expect_err(case.name);
            assert_eq!(err.to_string(), case.expected, "case {}", case.name);
        }
    }

    #[test]
    fn reader_streams_and_skips_blank_lines() {
        let input = format!("{GOOD}\n\n\u{feff}{GOOD}\r\n");
        let items: Vec<u64> = JsonlReader::new(input.as_bytes()).map(|r| r.unwrap().0).collect();
        assert_eq!(items, vec![1, 3]);
    }

    #[test]
    fn optional_fields_parse_and_null_is_absent() {
        let a = Article::from_json(
            r#"{"id":"x","title":"T","body":"b","lead":null,"tags":["Maroc"],"entities":["Rome"],"section":"Monde","url":"https://e.x/a","extra":1}"#,
        )
        .unwrap();
        assert_eq!(a.lead, None);
        assert_eq!(a.tags, vec!["Maroc"]);
        assert_eq!(a.entities, vec!["Rome"]);
        assert_eq!(a.section.as_deref(), Some("Monde"));
    }

    #[test]
    fn bodies_without_line_breaks_are_cut_after_sentences() {
        let sentence = "Le Maroc appelle la coalition à agir contre Daech en Afrique de l'Ouest. ";
        let body = sentence.repeat(30);
        let a = Article::new("a", "t", body.trim());
        let paragraphs = a.paragraphs();
        assert!(paragraphs.len() > 2, "{}", paragraphs.len());
        assert_eq!(paragraphs.join(" "), body.trim());
        for p in &paragraphs[..paragraphs.len() - 1] {
            assert!(p.ends_with('.'));
            let n = p.chars().count();
            assert!(
                (PARAGRAPH_CHARS..PARAGRAPH_CHARS + sentence.len()).contains(&n),
                "{n}"
            );
        }
        assert_eq!(Article::new("b", "t", "Court.").paragraphs(), vec!["Court."]);
        assert!(Article::new("c", "t", "  ").paragraphs().is_empty());
    }

    #[test]
    fn sentence_cutting_is_linear_and_extreme_times_do_not_overflow() {
        // No cut ever happens here (lowercase after every stop): one pass, not one per stop.
        let body = "a. b. ".repeat(400_000);
        assert_eq!(Article::new("x", "t", body.trim()).paragraphs().len(), 1);
        let (min, max) = (
            Timestamp::from_unix_seconds(i64::MIN),
            Timestamp::from_unix_seconds(i64::MAX),
        );
        assert!(min.days_until(max) > 0.0 && max.days_until(min) < 0.0);
    }

    #[test]
    fn serde_round_trip() {
        let mut a = Article::new("x", "T", "b");
        a.published = Some(Timestamp::parse("2021-06-28T10:00:00Z").unwrap());
        a.lang = Some(Language::Arabic);
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(Article::from_json(&json).unwrap(), a);
        assert_eq!(serde_json::from_str::<Article>(&json).unwrap(), a);
    }
}
