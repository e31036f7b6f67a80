//! The index: term and entity postings over the articles, updated one article at a time.
//!
//! Weights that depend on the whole corpus (idf, vector norms) are never stored per article:
//! they are derived from the postings on the first query after a change. That is what makes an
//! index changed article by article answer exactly as one built from scratch.

mod persist;
mod prepare;
mod search;

use std::sync::OnceLock;

use hashbrown::{HashMap, HashSet};
use serde::{Deserialize, Serialize};

use crate::analysis::AnalysisOptions;
use crate::article::Article;
use crate::entity::AliasTable;
use crate::error::{Error, Result, quoted};
use crate::language::Language;
use crate::rank::Weights;
pub use persist::{FORMAT_VERSION, MAGIC};
use prepare::{Analyzers, Prepared};
pub(crate) use search::{ParagraphQuery, Pool};

/// How much an occurrence in each field counts in a term's frequency.
///
/// # Examples
/// ```
/// let f = connexe::FieldWeights::default();
/// assert_eq!((f.title, f.lead, f.body, f.tags), (3.0, 2.0, 1.0, 2.0));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FieldWeights {
    /// Title (default 3).
    pub title: f64,
    /// Lead (default 2).
    pub lead: f64,
    /// Body (default 1).
    pub body: f64,
    /// Each tag (default 2).
    pub tags: f64,
}

impl Default for FieldWeights {
    fn default() -> Self {
        FieldWeights {
            title: 3.0,
            lead: 2.0,
            body: 1.0,
            tags: 2.0,
        }
    }
}

/// How candidates are retrieved before they are scored.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetrievalOptions {
    /// How many of the article's strongest terms make the query (default 32: on 100k
    /// articles, with `postings_per_term` 1000, faster than 64 with 500 and closer to an
    /// exhaustive search; docs/performance.md).
    pub query_terms: usize,
    /// Terms found in more than this share of the corpus are left out of the query
    /// (default 0.5), once the corpus has `min_articles_for_df_cut` articles.
    pub max_df_ratio: f64,
    /// Below this many articles, document frequencies say too little to drop a term
    /// (default 20).
    pub min_articles_for_df_cut: usize,
    /// How many candidates, by text and again by entities, are scored in full (default 60:
    /// quality on ../shared/eval is the same from 30 to 200, and a page needs 50).
    pub candidates: usize,
    /// How many shared words an explanation lists (default 5).
    pub explain_terms: usize,
    /// A query reads at most this many articles of each term and entity (default 1000): for
    /// a term, those where it weighs most; an entity in more articles brings no candidates on
    /// its own. Only which articles are scored changes; their scores stay exact.
    pub postings_per_term: usize,
}

impl Default for RetrievalOptions {
    fn default() -> Self {
        RetrievalOptions {
            query_terms: 32,
            max_df_ratio: 0.5,
            min_articles_for_df_cut: 20,
            candidates: 60,
            explain_terms: 5,
            postings_per_term: 1000,
        }
    }
}

/// Sizes past which an article is refused, so hostile input cannot exhaust memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest article, all its text fields together (default 16 MiB).
    pub max_article_bytes: usize,
    /// Longest id (default 1024 bytes).
    pub max_id_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_article_bytes: 16 << 20,
            max_id_bytes: 1024,
        }
    }
}

impl Limits {
    /// The longest JSON line that may hold an article within these limits: JSON escapes can
    /// double the bytes of a text, and the field names and punctuation need some room.
    ///
    /// # Examples
    /// ```
    /// let limits = connexe::Limits { max_article_bytes: 1000, ..Default::default() };
    /// assert_eq!(limits.max_json_line_bytes(), 2000 + 65_536);
    /// ```
    pub fn max_json_line_bytes(&self) -> usize {
        self.max_article_bytes.saturating_mul(2).saturating_add(1 << 16)
    }

    /// Checks an article against the limits.
    ///
    /// # Errors
    /// [`ErrorKind::Input`](crate::ErrorKind::Input) naming the field and its size.
    ///
    /// # Examples
    /// ```
    /// let limits = connexe::Limits { max_id_bytes: 8, ..Default::default() };
    /// let err = limits.check(&connexe::Article::new("a-very-long-id", "t", "b")).unwrap_err();
    /// assert_eq!(err.to_string(), "field `id`: 14 bytes, over the limit of 8 (limits.max_id_bytes)");
    /// ```
    pub fn check(&self, article: &Article) -> Result<()> {
        if article.id.len() > self.max_id_bytes {
            return Err(Error::bad_field(
                "id",
                format!(
                    "{} bytes, over the limit of {} (limits.max_id_bytes)",
                    article.id.len(),
                    self.max_id_bytes
                ),
            ));
        }
        let fields = [
            ("title", article.title.len()),
            ("body", article.body.len()),
            ("lead", article.lead.as_ref().map_or(0, String::len)),
            ("tags", article.tags.iter().map(String::len).sum()),
            ("entities", article.entities.iter().map(String::len).sum()),
        ];
        let total: usize = fields.iter().map(|f| f.1).sum::<usize>()
            + article.url.as_ref().map_or(0, String::len)
            + article.section.as_ref().map_or(0, String::len);
        if total > self.max_article_bytes {
            let largest = fields.iter().max_by_key(|f| f.1).map_or("body", |f| f.0);
            return Err(Error::bad_field(
                largest,
                format!(
                    "the article is {total} bytes, over the limit of {} (limits.max_article_bytes)",
                    self.max_article_bytes
                ),
            ));
        }
        Ok(())
    }
}

/// Everything that shapes an index; serde-loadable, each field with a documented default.
///
/// # Examples
/// ```
/// let config: connexe::IndexConfig = serde_json::from_str(r#"{"weights": {"entities": 0.5}}"#).unwrap();
/// assert_eq!(config.weights.entities, 0.5);
/// assert_eq!(config.default_language, connexe::Language::French);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct IndexConfig {
    /// The language of articles without `lang` whose language the detector cannot tell
    /// (default French).
    pub default_language: Language,
    /// Optional analysis stages.
    pub analysis: AnalysisOptions,
    /// Field weights of term frequencies.
    pub fields: FieldWeights,
    /// Weights of the hybrid score.
    pub weights: Weights,
    /// Candidate retrieval.
    pub retrieval: RetrievalOptions,
    /// Largest article and id accepted.
    pub limits: Limits,
}

impl IndexConfig {
    /// Checks every number.
    ///
    /// # Errors
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) naming the value.
    pub fn validate(&self) -> Result<()> {
        self.weights.validate()?;
        for (name, value) in [
            ("fields.title", self.fields.title),
            ("fields.lead", self.fields.lead),
            ("fields.body", self.fields.body),
            ("fields.tags", self.fields.tags),
        ] {
            if !value.is_finite() || value < 0.0 {
                return Err(Error::config(format!(
                    "`{name}` must be a finite number >= 0, got {value}"
                )));
            }
        }
        let r = &self.retrieval;
        if !(r.max_df_ratio > 0.0 && r.max_df_ratio <= 1.0) {
            return Err(Error::config(format!(
                "`retrieval.max_df_ratio` must be in (0, 1], got {}",
                r.max_df_ratio
            )));
        }
        if self.analysis.max_token_chars == 0 {
            return Err(Error::config("`analysis.max_token_chars` must be at least 1"));
        }
        if r.query_terms == 0 || r.candidates == 0 || r.postings_per_term == 0 {
            return Err(Error::config(
                "`retrieval.query_terms`, `retrieval.candidates` and `retrieval.postings_per_term` must be at least 1",
            ));
        }
        Ok(())
    }
}

/// How many articles [`Index::add_many`] queues before analysing and indexing them (on every
/// core, [`PIPELINE_CHUNK`] at a time): it bounds the memory of queued articles.
const BATCH: usize = 2048;

/// How many articles are inserted while the next as many are analysed: small enough that the
/// last chunk, inserted alone, costs little, and that a stream holds few articles at once;
/// large enough that the pauses between chunks, where one thread reads lines and interns new
/// words, are few (1,024 took 3 to 7 % off a build against 256).
const PIPELINE_CHUNK: usize = 1024;

/// What preparing an article reads of the index.
#[derive(Clone, Copy)]
struct Preparer<'i> {
    config: &'i IndexConfig,
    aliases: &'i AliasTable,
    analyzers: &'i Analyzers,
    known: prepare::Vocabularies<'i>,
}

impl Preparer<'_> {
    /// What `add`, `update` and `upsert` check before they change anything.
    fn check(&self, article: &Article) -> Result<()> {
        article.validate()?;
        self.config.limits.check(article)
    }

    fn prepare(&self, article: Article) -> Prepared {
        prepare::prepare(
            article,
            self.config.default_language,
            &self.config.fields,
            self.analyzers,
            self.aliases,
            self.known,
        )
    }
}

/// A prepared article whose new texts have their ids (see [`Index::resolve`]): what
/// [`Contents::insert`] takes.
struct Resolved(Prepared);

/// What inserting and removing articles change in the index, borrowed apart from what
/// preparing one reads, so that the two can run at once.
struct Contents<'i> {
    docs: &'i mut Vec<Option<Doc>>,
    free: &'i mut Vec<u32>,
    slots: &'i mut HashMap<String, u32>,
    term_postings: &'i mut Vec<Vec<Posting>>,
    entities: &'i mut Vocabulary,
    entity_postings: &'i mut Vec<Vec<Posting>>,
    learned: &'i mut HashMap<(u32, u32), u32>,
    derived: &'i mut OnceLock<Derived>,
}

impl Contents<'_> {
    /// Inserts the article, replacing the one of the same id.
    fn upsert(&mut self, r: Resolved) {
        if self.slots.contains_key(&r.0.article.id) {
            self.remove(&r.0.article.id).expect("a contained id");
        }
        self.insert(r);
    }

    fn insert(&mut self, Resolved(p): Resolved) {
        let prepare::PreparedTerms {
            ids: terms,
            surfaces,
            new,
        } = p.terms;
        debug_assert!(new.is_empty(), "texts interned by Index::resolve");
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                self.docs.push(None);
                u32::try_from(self.docs.len() - 1).expect("fewer than 2^32 articles")
            }
        };
        for &(id, weight) in &terms {
            if id as usize >= self.term_postings.len() {
                self.term_postings.resize_with(id as usize + 1, Vec::new);
            }
            self.term_postings[id as usize].push(Posting { slot, weight });
        }
        let mut entities = Vec::with_capacity(p.entities.len());
        for (key, weight, name) in p.entities {
            let id = self.intern_entity(&key);
            self.entity_postings[id as usize].push(Posting { slot, weight });
            entities.push((id, weight, name.into_boxed_str()));
        }
        let mut learned = Vec::with_capacity(p.learned.len());
        for (long, short) in &p.learned {
            let pair = (self.intern_entity(long), self.intern_entity(short));
            *self.learned.entry(pair).or_insert(0) += 1;
            learned.push(pair);
        }
        self.slots.insert(p.article.id.clone(), slot);
        self.docs[slot as usize] = Some(Doc {
            article: p.article,
            lang: p.lang,
            terms,
            surfaces,
            entities,
            learned,
            tags: p.tags,
            section: p.section,
        });
        *self.derived = OnceLock::new();
    }

    fn intern_entity(&mut self, key: &str) -> u32 {
        let id = self.entities.intern(key);
        if id as usize == self.entity_postings.len() {
            self.entity_postings.push(Vec::new());
        }
        id
    }

    fn remove(&mut self, id: &str) -> Result<Article> {
        let slot = self.slots.remove(id).ok_or_else(|| Error::unknown_id(id))?;
        let doc = self.docs[slot as usize]
            .take()
            .expect("a mapped slot holds a document");
        for &(term, _) in &doc.terms {
            self.term_postings[term as usize].retain(|p| p.slot != slot);
        }
        for (entity, _, _) in &doc.entities {
            self.entity_postings[*entity as usize].retain(|p| p.slot != slot);
        }
        for pair in &doc.learned {
            if let Some(count) = self.learned.get_mut(pair) {
                *count -= 1;
                if *count == 0 {
                    self.learned.remove(pair);
                }
            }
        }
        self.free.push(slot);
        *self.derived = OnceLock::new();
        Ok(doc.article)
    }
}

/// Sizes of an index ([`Index::stats`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct IndexStats {
    /// Articles.
    pub articles: usize,
    /// Distinct terms in at least one article.
    pub terms: usize,
    /// (term, article) pairs.
    pub postings: usize,
    /// Distinct entity keys in at least one article.
    pub entities: usize,
    /// (entity, article) pairs.
    pub entity_postings: usize,
}

/// Ids for strings (terms, entity keys): postings hold `u32`s, not strings.
#[derive(Debug, Default)]
struct Vocabulary {
    ids: HashMap<Box<str>, u32>,
    texts: Vec<Box<str>>,
}

impl Vocabulary {
    fn intern(&mut self, text: &str) -> u32 {
        if let Some(&id) = self.ids.get(text) {
            return id;
        }
        let id = u32::try_from(self.texts.len()).expect("fewer than 2^32 distinct terms");
        self.texts.push(text.into());
        self.ids.insert(text.into(), id);
        id
    }

    fn get(&self, text: &str) -> Option<u32> {
        self.ids.get(text).copied()
    }

    fn text(&self, id: u32) -> &str {
        &self.texts[id as usize]
    }
}

/// One article's entry in a posting list.
#[derive(Clone, Copy, Debug)]
struct Posting {
    slot: u32,
    /// Sublinear tf for terms; weight multiplier for entities.
    weight: f32,
}

/// What the index keeps of one article.
#[derive(Debug)]
struct Doc {
    article: Article,
    lang: Language,
    /// (term id, sublinear tf), in term text order.
    terms: Vec<(u32, f32)>,
    /// The surface id of each of `terms`: how the article first writes it.
    surfaces: Vec<u32>,
    /// (entity id, multiplier, name as written), in key text order.
    entities: Vec<(u32, f32, Box<str>)>,
    /// (long name, acronym) entity ids this article teaches.
    learned: Vec<(u32, u32)>,
    tags: Vec<String>,
    section: Option<String>,
}

/// Corpus-wide figures derived from the postings after the last change.
#[derive(Debug)]
struct Derived {
    /// idf of each term id.
    idf: Vec<f64>,
    /// L2 norm of each slot's TF-IDF vector (0 for free slots).
    norms: Vec<f64>,
    /// 1 / norm in f32 (0 for a zero norm), for choosing candidates: half the memory of
    /// `norms` and a product instead of a division, on the one read per touched article.
    inverse_norms: Vec<f32>,
    /// For each term in more than `retrieval.postings_per_term` articles, that many of its
    /// articles: those where it weighs most (tf / norm, ties by id). The only postings a query
    /// reads for that term, so a common word costs the same as a rare one.
    top_postings: HashMap<u32, Box<[Posting]>>,
    learned: search::LearnedAliases,
    /// idf of each entity id as a canonical entity: its articles are those of its key and of
    /// every long name that the corpus teaches as its acronym.
    entity_idf: Vec<f64>,
}

/// The related-articles index.
///
/// Add, update and remove articles one at a time; after any sequence of changes, results are
/// exactly those of an index built from scratch on the final set of articles.
///
/// # Examples
/// ```
/// use connexe::{Article, Index};
///
/// let mut index = Index::default();
/// index.add(Article::new("a", "Le Maroc et la coalition contre Daech", "Nasser Bourita était à Rome pour la coalition contre Daech."))?;
/// index.add(Article::new("b", "Rome accueille la coalition", "La coalition contre Daech se réunit à Rome."))?;
/// index.add(Article::new("c", "Football : le Wydad champion", "Le Wydad remporte le championnat."))?;
///
/// let related = index.similar("a", 2)?;
/// assert_eq!(related[0].id, "b");
/// assert!(related[0].explain.shared_entities.contains(&"Daech".to_string()));
/// assert_eq!(related.len(), 1); // "c" shares nothing with "a"
/// # Ok::<(), connexe::Error>(())
/// ```
#[derive(Debug)]
pub struct Index {
    config: IndexConfig,
    aliases: AliasTable,
    analyzers: Analyzers,
    docs: Vec<Option<Doc>>,
    free: Vec<u32>,
    slots: HashMap<String, u32>,
    terms: Vocabulary,
    /// Words as articles write them (see `Doc::surfaces`).
    surfaces: Vocabulary,
    term_postings: Vec<Vec<Posting>>,
    entities: Vocabulary,
    entity_postings: Vec<Vec<Posting>>,
    /// (long, acronym) -> how many articles teach it.
    learned: HashMap<(u32, u32), u32>,
    derived: OnceLock<Derived>,
}

impl Default for Index {
    fn default() -> Self {
        Index::new(IndexConfig::default()).expect("the default configuration is valid")
    }
}

impl Index {
    /// An empty index.
    ///
    /// # Errors
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) when the configuration is invalid.
    pub fn new(config: IndexConfig) -> Result<Index> {
        Index::with_aliases(config, AliasTable::new())
    }

    /// An empty index that maps entity variants through `aliases`.
    ///
    /// # Errors
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) when the configuration is invalid.
    pub fn with_aliases(config: IndexConfig, aliases: AliasTable) -> Result<Index> {
        config.validate()?;
        Ok(Index {
            analyzers: Analyzers::new(config.analysis),
            config,
            aliases,
            docs: Vec::new(),
            free: Vec::new(),
            slots: HashMap::new(),
            terms: Vocabulary::default(),
            surfaces: Vocabulary::default(),
            term_postings: Vec::new(),
            entities: Vocabulary::default(),
            entity_postings: Vec::new(),
            learned: HashMap::new(),
            derived: OnceLock::new(),
        })
    }

    /// An index of `articles`; a repeated id replaces the earlier article.
    ///
    /// # Errors
    /// As [`Index::with_aliases`]; the first article that fails [`Article::validate`] or the
    /// [`Limits`], named by its id.
    ///
    /// ```
    /// use connexe::{Article, Index, IndexConfig, Limits};
    ///
    /// let config = IndexConfig { limits: Limits { max_article_bytes: 12, ..Limits::default() }, ..IndexConfig::default() };
    /// let articles = [Article::new("a", "Rome", "Court."), Article::new("b", "Rome", "Bien trop long.")];
    /// let err = Index::build(config, Default::default(), articles).unwrap_err();
    /// assert_eq!(err.to_string(), "article \"b\": field `body`: the article is 19 bytes, over the limit of 12 (limits.max_article_bytes)");
    /// ```
    pub fn build(
        config: IndexConfig,
        aliases: AliasTable,
        articles: impl IntoIterator<Item = Article>,
    ) -> Result<Index> {
        let mut index = Index::with_aliases(config, aliases)?;
        index.upsert_articles(articles.into_iter(), true)?;
        Ok(index)
    }

    /// Upserts the articles in order, [checked](Preparer::check) first when `check` is set.
    ///
    /// # Errors
    /// The first article that fails the check. The index then holds only some of the
    /// articles before it: callers that build an index drop it.
    fn upsert_articles(&mut self, articles: impl Iterator<Item = Article>, check: bool) -> Result<()> {
        // Fused: asked again after its end, an iterator may not stay ended.
        let mut articles = articles.fuse();
        self.upsert_stream(
            Vec::with_capacity(PIPELINE_CHUNK),
            |chunk: &mut Vec<Article>| {
                chunk.extend(articles.by_ref().take(PIPELINE_CHUNK));
                Ok(!chunk.is_empty())
            },
            |preparer, chunk| {
                use rayon::prelude::*;
                chunk
                    .par_drain(..)
                    .map(|article| {
                        if check {
                            preparer.check(&article).map_err(|e| e.in_article(&article.id))?;
                        }
                        Ok(Some((0, preparer.prepare(article))))
                    })
                    .collect()
            },
            |_, _| {},
        )
    }

    /// Upserts, in order, the articles of a stream of chunks: `fill` fills `chunk` with the
    /// next items (`false` when there are none left; it is not called again), and `make`
    /// prepares their articles on every core, each with a number for `accept` (`None` for an
    /// item without one, such as a blank line). A chunk is made and prepared while the one before it is inserted, with no
    /// pause between batches; `accept` sees the articles in order.
    ///
    /// # Errors
    /// The first error in item order, of `fill` or of `make`. The index then holds only
    /// some of the articles before it: callers that build an index drop it.
    fn upsert_stream<C: Send>(
        &mut self,
        mut chunk: C,
        mut fill: impl FnMut(&mut C) -> Result<bool>,
        make: impl Fn(&Preparer<'_>, &mut C) -> Vec<Result<Option<(u64, Prepared)>>> + Sync,
        mut accept: impl FnMut(u64, &Article),
    ) -> Result<()> {
        let mut ready: Vec<Resolved> = Vec::new();
        let mut ended = false;
        loop {
            // Not asked again once it has said there is nothing left.
            let more = !ended && fill(&mut chunk)?;
            ended = !more;
            if ended && ready.is_empty() {
                return Ok(());
            }
            let (preparer, mut contents) = self.split();
            let (prepared, ()) = rayon::join(
                || {
                    if more {
                        make(&preparer, &mut chunk)
                    } else {
                        Vec::new()
                    }
                },
                || ready.drain(..).for_each(|r| contents.upsert(r)),
            );
            // Interned in article order, before the next chunk is prepared: the same ids as
            // inserting one article at a time.
            for item in prepared {
                if let Some((n, p)) = item? {
                    accept(n, &p.article);
                    ready.push(self.resolve(p));
                }
            }
        }
    }

    /// Upserts checked articles in order, analysing them on all cores first.
    fn upsert_batch(&mut self, articles: Vec<Article>) {
        self.upsert_articles(articles.into_iter(), false)
            .expect("checked articles are prepared without error");
    }

    /// See [`Preparer::check`].
    fn check(&self, article: &Article) -> Result<()> {
        self.preparer().check(article)
    }

    /// [`Index::check`], and that the id is new: neither indexed nor `pending` (the ids of
    /// articles about to be added with it).
    fn check_new(&self, article: &Article, pending: impl Fn(&str) -> bool) -> Result<()> {
        self.check(article)?;
        if self.contains(&article.id) || pending(&article.id) {
            return Err(Error::input(format!(
                "article id {} is already indexed; update or upsert it instead",
                quoted(&article.id)
            )));
        }
        Ok(())
    }

    /// An index of the articles of a JSON Lines stream, read a bounded chunk of lines at a time
    /// (the file is never held whole), with the reader's warnings. `progress` gets the bytes
    /// read.
    ///
    /// # Errors
    /// As [`Corpus::from_jsonl`](crate::Corpus::from_jsonl) and [`Index::with_aliases`].
    ///
    /// # Examples
    /// ```
    /// use connexe::{Index, JsonlReader};
    ///
    /// let input = r#"{"id":"a","title":"Rome","body":"La coalition à Rome."}
    /// {"id":"a","title":"Rome (mis à jour)","body":"La coalition se réunit à Rome."}"#;
    /// let (index, warnings) = Index::from_jsonl(Default::default(), Default::default(), JsonlReader::new(input.as_bytes()), |_| {})?;
    /// assert_eq!(index.get("a").unwrap().title, "Rome (mis à jour)");
    /// assert_eq!(warnings[0].line, 2);
    /// # Ok::<(), connexe::Error>(())
    /// ```
    pub fn from_jsonl<R: std::io::BufRead>(
        config: IndexConfig,
        aliases: AliasTable,
        reader: crate::JsonlReader<R>,
        mut progress: impl FnMut(u64),
    ) -> Result<(Index, Vec<crate::Warning>)> {
        let mut index = Index::with_aliases(config, aliases)?;
        let mut reader = reader.max_line_bytes(index.config.limits.max_json_line_bytes());
        // Lines are read on this thread, then parsed, checked and analysed on every core.
        let mut stopped = None;
        let fill = |lines: &mut crate::article::Lines| {
            if let Some(e) = stopped.take() {
                return Err(e);
            }
            if !reader.has_more() {
                return Ok(false);
            }
            // An error comes after the lines before it.
            stopped = reader.next_lines(lines, PIPELINE_CHUNK, crate::article::PARSE_CHUNK_BYTES);
            progress(reader.bytes_read());
            Ok(true)
        };
        let mut repeats = crate::article::Repeats::default();
        index.upsert_stream(
            crate::article::Lines::default(),
            fill,
            |preparer, lines| {
                use rayon::prelude::*;
                lines
                    .par_iter()
                    .map(|raw| {
                        let Some((line, article)) = crate::article::parse_line(raw)? else {
                            return Ok(None);
                        };
                        preparer.check(&article).map_err(|e| e.at_line(line))?;
                        Ok(Some((line, preparer.prepare(article))))
                    })
                    .collect()
            },
            |line, article| repeats.note(&article.id, line),
        )?;
        let warnings = repeats.finish()?;
        Ok((index, warnings))
    }

    /// Sizes of the index, for monitoring and benchmarks.
    ///
    /// # Examples
    /// ```
    /// let mut index = connexe::Index::default();
    /// index.add(connexe::Article::new("a", "Rome", "La coalition se réunit à Rome."))?;
    /// let stats = index.stats();
    /// assert_eq!((stats.articles, stats.terms, stats.postings), (1, 3, 3)); // rome, coalit, réun
    /// # Ok::<(), connexe::Error>(())
    /// ```
    pub fn stats(&self) -> IndexStats {
        IndexStats {
            articles: self.len(),
            terms: self.term_postings.iter().filter(|p| !p.is_empty()).count(),
            postings: self.term_postings.iter().map(Vec::len).sum(),
            entities: self.entity_postings.iter().filter(|p| !p.is_empty()).count(),
            entity_postings: self.entity_postings.iter().map(Vec::len).sum(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &IndexConfig {
        &self.config
    }

    /// Changes how candidates are retrieved. Nothing stored depends on these options, so an
    /// index (or an opened index file) can be tuned without rebuilding it.
    ///
    /// # Errors
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) naming an invalid value; the index
    /// is unchanged.
    ///
    /// # Examples
    /// ```
    /// let mut index = connexe::Index::default();
    /// let fewer = connexe::RetrievalOptions { candidates: 20, ..Default::default() };
    /// index.set_retrieval(fewer)?;
    /// assert_eq!(index.config().retrieval.candidates, 20);
    /// # Ok::<(), connexe::Error>(())
    /// ```
    pub fn set_retrieval(&mut self, options: RetrievalOptions) -> Result<()> {
        let config = IndexConfig {
            retrieval: options,
            ..self.config.clone()
        };
        config.validate()?;
        self.config = config;
        self.derived = OnceLock::new();
        Ok(())
    }

    /// The alias table.
    pub fn aliases(&self) -> &AliasTable {
        &self.aliases
    }

    /// Number of articles.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether the index holds no article.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Whether an article with this id is indexed.
    pub fn contains(&self, id: &str) -> bool {
        self.slots.contains_key(id)
    }

    /// The article with this id.
    pub fn get(&self, id: &str) -> Option<&Article> {
        self.slots.get(id).map(|&slot| &self.doc(slot).article)
    }

    /// The language the index analysed this article in (given, detected or the default).
    pub fn language_of(&self, id: &str) -> Option<Language> {
        self.slots.get(id).map(|&slot| self.doc(slot).lang)
    }

    /// Every indexed article, in no particular order.
    pub fn articles(&self) -> impl Iterator<Item = &Article> {
        self.docs.iter().flatten().map(|d| &d.article)
    }

    /// Adds a new article.
    ///
    /// # Errors
    /// [`ErrorKind::Input`](crate::ErrorKind::Input) when the article is invalid, over the
    /// [`Limits`], or its id is
    /// already indexed (use [`Index::update`] or [`Index::upsert`]); the index is unchanged.
    pub fn add(&mut self, article: Article) -> Result<()> {
        self.check_new(&article, |_| false)?;
        let prepared = self.prepare(article);
        self.insert(prepared);
        Ok(())
    }

    /// Adds new articles, analysing them on every core: the index that [`Index::add`] of
    /// each in turn would give, in less time.
    ///
    /// # Errors
    /// As [`Index::add`], for the first article that cannot be added (an id already indexed
    /// includes one earlier in `articles`). The articles before it are added (so
    /// [`Index::len`] grew by their number); it and those after it are not.
    ///
    /// # Examples
    /// ```
    /// use connexe::{Article, Index};
    ///
    /// let mut index = Index::default();
    /// index.add_many([
    ///     Article::new("a", "Rome", "La coalition se réunit à Rome."),
    ///     Article::new("b", "Rabat", "Le Maroc reçoit la coalition."),
    /// ])?;
    /// let again = index.add_many([Article::new("c", "Rome", "Rome."), Article::new("a", "Rome", "Rome.")]);
    /// assert!(again.unwrap_err().to_string().contains("already indexed"));
    /// assert_eq!(index.len(), 3); // "c" was added before the error
    /// # Ok::<(), connexe::Error>(())
    /// ```
    pub fn add_many(&mut self, articles: impl IntoIterator<Item = Article>) -> Result<()> {
        let articles = articles.into_iter();
        let mut batch = Vec::with_capacity(articles.size_hint().0.min(BATCH));
        let mut batch_ids: HashSet<String> = HashSet::new();
        for article in articles {
            if let Err(e) = self.check_new(&article, |id| batch_ids.contains(id)) {
                self.upsert_batch(batch);
                return Err(e);
            }
            batch_ids.insert(article.id.clone());
            batch.push(article);
            if batch.len() == BATCH {
                self.upsert_batch(std::mem::take(&mut batch));
                batch_ids.clear();
            }
        }
        self.upsert_batch(batch);
        Ok(())
    }

    /// Replaces the article with the same id, returning the old one.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownId`](crate::ErrorKind::UnknownId) when no article has that id,
    /// [`ErrorKind::Input`](crate::ErrorKind::Input) when the article is invalid; the index
    /// is unchanged.
    pub fn update(&mut self, article: Article) -> Result<Article> {
        self.check(&article)?;
        if !self.contains(&article.id) {
            return Err(Error::unknown_id(&article.id));
        }
        let prepared = self.prepare(article);
        let old = self.remove(&prepared.article.id)?;
        self.insert(prepared);
        Ok(old)
    }

    /// Adds the article, or replaces the one with the same id; returns the replaced one.
    ///
    /// # Errors
    /// [`ErrorKind::Input`](crate::ErrorKind::Input) when the article is invalid; the index
    /// is unchanged.
    pub fn upsert(&mut self, article: Article) -> Result<Option<Article>> {
        if self.contains(&article.id) {
            self.update(article).map(Some)
        } else {
            self.add(article).map(|()| None)
        }
    }

    /// Removes the article with this id and returns it.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownId`](crate::ErrorKind::UnknownId) when no article has that id.
    pub fn remove(&mut self, id: &str) -> Result<Article> {
        self.split().1.remove(id)
    }

    fn prepare(&self, article: Article) -> Prepared {
        self.preparer().prepare(article)
    }

    /// What preparing an article reads.
    fn preparer(&self) -> Preparer<'_> {
        Preparer {
            config: &self.config,
            aliases: &self.aliases,
            analyzers: &self.analyzers,
            known: prepare::Vocabularies {
                terms: &self.terms,
                surfaces: &self.surfaces,
            },
        }
    }

    /// What preparing an article reads, and apart from it what inserting one changes.
    fn split(&mut self) -> (Preparer<'_>, Contents<'_>) {
        let Index {
            config,
            aliases,
            analyzers,
            terms,
            surfaces,
            docs,
            free,
            slots,
            term_postings,
            entities,
            entity_postings,
            learned,
            derived,
        } = self;
        let preparer = Preparer {
            config,
            aliases,
            analyzers,
            known: prepare::Vocabularies { terms, surfaces },
        };
        let contents = Contents {
            docs,
            free,
            slots,
            term_postings,
            entities,
            entity_postings,
            learned,
            derived,
        };
        (preparer, contents)
    }

    /// The prepared article with the ids of its new texts, interned in term order.
    fn resolve(&mut self, mut p: Prepared) -> Resolved {
        let terms = &mut p.terms;
        for (surface, at, text) in terms.new.drain(..) {
            if surface {
                terms.surfaces[at as usize] = self.surfaces.intern(&text);
            } else {
                terms.ids[at as usize].0 = self.terms.intern(&text);
            }
        }
        Resolved(p)
    }

    fn insert(&mut self, p: Prepared) {
        let resolved = self.resolve(p);
        self.split().1.insert(resolved);
    }

    fn doc(&self, slot: u32) -> &Doc {
        self.docs[slot as usize].as_ref().expect("a live slot")
    }

    /// idf = ln((1 + N) / (1 + df)) + 1: smooth, and positive for every term.
    fn idf(&self, df: usize) -> f64 {
        ((1.0 + self.len() as f64) / (1.0 + df as f64)).ln() + 1.0
    }

    fn derived(&self) -> &Derived {
        use rayon::prelude::*;
        self.derived.get_or_init(|| {
            let idf: Vec<f64> = self.term_postings.iter().map(|p| self.idf(p.len())).collect();
            let norms: Vec<f64> = self
                .docs
                .par_iter()
                .map(|doc| match doc {
                    Some(doc) => doc
                        .terms
                        .iter()
                        .map(|&(t, tf)| {
                            let w = f64::from(tf) * idf[t as usize];
                            w * w
                        })
                        .sum::<f64>()
                        .sqrt(),
                    None => 0.0,
                })
                .collect();
            let keep = self.config.retrieval.postings_per_term;
            let top_postings = self
                .term_postings
                .par_iter()
                .enumerate()
                .filter(|(_, postings)| postings.len() > keep)
                .map(|(term, postings)| {
                    // Heaviest first, ties by id; an article's weight for the term is tf·idf / norm.
                    let mut by_weight: Vec<(f64, Posting)> = postings
                        .iter()
                        .map(|&p| {
                            let norm = norms[p.slot as usize];
                            let w = if norm > 0.0 {
                                f64::from(p.weight) / norm
                            } else {
                                0.0
                            };
                            (w, p)
                        })
                        .collect();
                    let cmp = |a: &(f64, Posting), b: &(f64, Posting)| {
                        b.0.total_cmp(&a.0)
                            .then_with(|| self.doc(a.1.slot).article.id.cmp(&self.doc(b.1.slot).article.id))
                    };
                    by_weight.select_nth_unstable_by(keep - 1, cmp);
                    by_weight.truncate(keep);
                    // Slot order, as in the full list, for memory locality.
                    let mut top: Vec<Posting> = by_weight.into_iter().map(|(_, p)| p).collect();
                    top.sort_unstable_by_key(|p| p.slot);
                    (term as u32, top.into_boxed_slice())
                })
                .collect::<Vec<_>>()
                .into_iter()
                .collect();
            let inverse_norms = norms
                .iter()
                .map(|&n| if n > 0.0 { (1.0 / n) as f32 } else { 0.0 })
                .collect();
            let learned = search::LearnedAliases::new(self);
            let entity_idf = (0..self.entity_postings.len() as u32)
                .map(|entity| self.idf(learned.articles_naming(self, entity)))
                .collect();
            Derived {
                idf,
                norms,
                inverse_norms,
                top_postings,
                learned,
                entity_idf,
            }
        })
    }
}
