//! The index: term and entity postings over the articles, updated one article at a time.
//!
//! Weights that depend on the whole corpus (idf, vector norms) are never stored per article:
//! they are derived from the postings on the first query after a change. That is what makes an
//! index changed article by article answer exactly as one built from scratch.
//!
//! The files, one job each: `config` (what shapes an index), `ingest` (how articles get in and
//! out), `prepare` (what an article becomes), `store` (postings, documents, vocabularies),
//! `derived` and `learned` (corpus-wide figures), `member` (the handles ranking and the page
//! hold), `retrieve` (candidates), `vectors` (cosines, entity overlap, shared words), `scratch`
//! (per-thread query arrays), `persist` (the index file), `builder` (named construction),
//! `chunks` (a long stream added a chunk at a time). This one holds the `Index` and its
//! read-only accessors.

mod builder;
mod chunks;
mod config;
mod derived;
mod ingest;
mod learned;
mod member;
mod persist;
mod prepare;
mod retrieve;
mod scratch;
mod store;
mod vectors;

use std::sync::OnceLock;

use hashbrown::HashMap;
use serde::Serialize;

use crate::article::Article;
use crate::entity::AliasTable;
use crate::error::Result;
use crate::language::Language;
pub use builder::IndexBuilder;
pub use config::{FieldWeights, IndexConfig, Limits, RetrievalOptions};
use derived::Derived;
pub(crate) use member::{DocKey, Member};
use prepare::Analyzers;
use store::{Doc, Posting, Vocabulary};
pub(crate) use vectors::{Query, TermVector};

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
    /// An empty index; [`Index::builder`] also sets the aliases.
    ///
    /// # Errors
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) when the configuration is invalid.
    ///
    /// # Examples
    /// ```
    /// let config: connexe::IndexConfig = serde_json::from_str(r#"{"fields": {"title": 2}}"#).unwrap();
    /// let index = connexe::Index::new(config)?;
    /// assert_eq!((index.len(), index.config().fields.title), (0, 2.0));
    /// # Ok::<(), connexe::Error>(())
    /// ```
    pub fn new(config: IndexConfig) -> Result<Index> {
        Index::with_aliases(config, AliasTable::new())
    }

    /// An empty index that maps entity variants through `aliases`.
    ///
    /// # Errors
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) when the configuration is invalid.
    pub(crate) fn with_aliases(config: IndexConfig, aliases: AliasTable) -> Result<Index> {
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

    fn doc(&self, slot: u32) -> &Doc {
        self.docs[slot as usize].as_ref().expect("a live slot")
    }
}
