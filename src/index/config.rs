//! The index's configuration: field weights, retrieval, size limits, and the whole
//! `IndexConfig` with its checks. Plain serde types; they know nothing of how the index is
//! stored.

use serde::{Deserialize, Serialize};

use crate::analysis::AnalysisOptions;
use crate::article::Article;
use crate::error::{Error, Result};
use crate::language::Language;
use crate::rank::Weights;

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
