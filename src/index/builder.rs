//! Named construction of an index: settings by name, then the articles, instead of
//! positional `Default::default()` arguments.

use std::io::BufRead;

use super::{Index, IndexConfig};
use crate::article::Article;
use crate::entity::AliasTable;
use crate::error::Result;
use crate::jsonl::{JsonlReader, Warning};

/// The settings of an index to build ([`Index::builder`]); every one has a default.
///
/// # Examples
/// ```
/// use connexe::{AliasTable, Article, Index, IndexConfig, JsonlReader};
///
/// let config: IndexConfig = serde_json::from_str(r#"{"weights": {"entities": 0.3}}"#).unwrap();
/// let aliases = AliasTable::from_json(r#"{"Daech": ["EI"]}"#)?;
/// let index = Index::builder()
///     .config(config)
///     .aliases(aliases)
///     .build([Article::new("a", "Daech à Rome", "La coalition contre l'EI se réunit.")])?;
/// assert_eq!((index.len(), index.config().weights.entities), (1, 0.3));
///
/// let input = r#"{"id": "b", "title": "Rome", "body": "La coalition se réunit."}"#;
/// let (index, warnings) = Index::builder().from_jsonl(JsonlReader::new(input.as_bytes()), |_| {})?;
/// assert!(index.contains("b") && warnings.is_empty());
/// assert!(Index::builder().empty()?.is_empty());
/// # Ok::<(), connexe::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct IndexBuilder {
    config: IndexConfig,
    aliases: AliasTable,
}

impl Index {
    /// An index to build: set what differs from the defaults, then give the articles.
    ///
    /// # Examples
    /// ```
    /// use connexe::{Article, Index};
    ///
    /// let index = Index::builder().build([Article::new("a", "Rome", "La coalition à Rome.")])?;
    /// assert!(index.contains("a"));
    /// # Ok::<(), connexe::Error>(())
    /// ```
    pub fn builder() -> IndexBuilder {
        IndexBuilder::default()
    }
}

impl IndexBuilder {
    /// The configuration (default: [`IndexConfig::default`]).
    pub fn config(mut self, config: IndexConfig) -> Self {
        self.config = config;
        self
    }

    /// The entity aliases (default: none).
    pub fn aliases(mut self, aliases: AliasTable) -> Self {
        self.aliases = aliases;
        self
    }

    /// An empty index, to add articles to one at a time.
    ///
    /// # Errors
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) when the configuration is invalid.
    ///
    /// # Examples
    /// ```
    /// use connexe::{Index, IndexConfig, RetrievalOptions};
    ///
    /// let bad = IndexConfig { retrieval: RetrievalOptions { candidates: 0, ..Default::default() }, ..Default::default() };
    /// let err = Index::builder().config(bad).empty().unwrap_err();
    /// assert_eq!(err.kind(), connexe::ErrorKind::Config);
    /// assert!(Index::builder().empty()?.is_empty());
    /// # Ok::<(), connexe::Error>(())
    /// ```
    pub fn empty(self) -> Result<Index> {
        Index::with_aliases(self.config, self.aliases)
    }

    /// An index of `articles`; a repeated id replaces the earlier article.
    ///
    /// # Errors
    /// As [`IndexBuilder::empty`]; the first article that fails [`Article::validate`] or the
    /// [`Limits`](crate::Limits), named by its id.
    ///
    /// # Examples
    /// ```
    /// use connexe::{Article, Index, IndexConfig, Limits};
    ///
    /// let config = IndexConfig { limits: Limits { max_article_bytes: 12, ..Limits::default() }, ..IndexConfig::default() };
    /// let articles = [Article::new("a", "Rome", "Court."), Article::new("b", "Rome", "Bien trop long.")];
    /// let err = Index::builder().config(config).build(articles).unwrap_err();
    /// assert_eq!(err.to_string(), "article \"b\": field `body`: the article is 19 bytes, over the limit of 12 (limits.max_article_bytes)");
    /// ```
    pub fn build(self, articles: impl IntoIterator<Item = Article>) -> Result<Index> {
        let mut index = self.empty()?;
        index.upsert_articles(articles.into_iter(), true)?;
        Ok(index)
    }

    /// An index of the articles of a JSON Lines stream, read a bounded chunk of lines at a
    /// time, with the reader's warnings; `progress` gets the bytes read.
    ///
    /// # Errors
    /// As [`Corpus::from_jsonl`](crate::Corpus::from_jsonl) and [`IndexBuilder::empty`].
    ///
    /// # Examples
    /// ```
    /// use connexe::{Index, JsonlReader};
    ///
    /// let input = r#"{"id":"a","title":"Rome","body":"La coalition à Rome."}
    /// {"id":"a","title":"Rome (mis à jour)","body":"La coalition se réunit à Rome."}"#;
    /// let (index, warnings) = Index::builder().from_jsonl(JsonlReader::new(input.as_bytes()), |_| {})?;
    /// assert_eq!(index.get("a").unwrap().title, "Rome (mis à jour)");
    /// assert_eq!(warnings[0].line, 2);
    /// # Ok::<(), connexe::Error>(())
    /// ```
    pub fn from_jsonl<R: BufRead>(
        self,
        reader: JsonlReader<R>,
        progress: impl FnMut(u64),
    ) -> Result<(Index, Vec<Warning>)> {
        let mut index = self.empty()?;
        let warnings = index.upsert_jsonl(reader, progress)?;
        Ok((index, warnings))
    }
}
