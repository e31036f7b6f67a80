//! # connexe: related articles for news sites
//!
//! For every article of a corpus, connexe finds the most related ones and says why, scoring
//! with TF-IDF and named-entity overlap. The pipeline, in order:
//!
//! 1. [`Article`]: the CMS's article (serde; [`JsonlReader`] and [`Corpus`] read JSON Lines
//!    with line numbers in every error).
//! 2. [`Analyzer`] ([`analysis`]): Unicode words, apostrophes, lower case, elisions, stop
//!    words, Snowball stemming, accent folding, per [`Language`].
//! 3. Entities ([`entity`]): capitalised runs, acronyms, « quoted » names, CMS-supplied
//!    entities and tags, folded keys, an [`AliasTable`], aliases learned from
//!    "Long Name (ACRONYM)".
//! 4. [`Index`]: term and entity postings, updated one article at a time.
//! 5. Candidates: the postings of the article's strongest terms and of its entities.
//! 6. Scoring ([`rank`]): [`Weights`] over text cosine, entity overlap, tags, section and
//!    recency, each result with its [`Explanation`], in a documented total order.
//! 7. The page ([`page`]): "À lire" links after paragraphs, "Aller plus loin" and "Ces
//!    articles devraient vous intéresser" lists, with filters, pins, teasers and labels
//!    ([`Index::page`], [`PageRecommendations`], JSON or HTML).
//!
//! ```
//! use connexe::{Article, Index};
//!
//! let corpus = r#"
//! {"id": "1", "title": "Le Maroc à la réunion de la coalition contre Daech", "body": "Nasser Bourita représente le Maroc à Rome, à la réunion de la coalition mondiale contre Daech.", "lang": "fr"}
//! {"id": "2", "title": "Daech en Afrique : le Maroc appelle à mutualiser les efforts", "body": "Le Maroc appelle la coalition contre Daech à agir en Afrique.", "lang": "fr"}
//! {"id": "3", "title": "Le Wydad remporte le championnat", "body": "Le club de Casablanca remporte le titre.", "lang": "fr"}
//! "#;
//! let articles = connexe::Corpus::from_jsonl(corpus.trim().as_bytes())?.articles;
//! let index = Index::builder().build(articles)?;
//!
//! let related = index.similar("1", 3)?;
//! assert_eq!(related[0].id, "2");
//! assert!(related[0].explain.shared_entities.iter().any(|e| e == "Daech"));
//! assert!(related[0].explain.shared_terms.iter().any(|t| t == "coalition"));
//! assert!(related.iter().all(|r| r.id != "3"));
//! # Ok::<(), connexe::Error>(())
//! ```

#![deny(missing_docs)]

pub mod analysis;
mod article;
pub mod atomic_file;
mod buffers;
mod config;
pub mod entity;
mod error;
pub mod eval;
mod index;
mod jsonl;
mod language;
pub mod page;
pub mod rank;
#[cfg(feature = "synth")]
pub mod synth;
mod timestamp;

pub use analysis::{AnalysisOptions, Analyzer};
pub use article::Article;
pub use config::Config;
pub use entity::AliasTable;
pub use error::{Error, ErrorKind, Result};
pub use index::{FieldWeights, Index, IndexBuilder, IndexConfig, IndexStats, Limits, RetrievalOptions};
pub use jsonl::{Corpus, JsonlReader, Warning};
pub use language::Language;
pub use page::{PageConfig, PageRecommendations};
pub use rank::{Explanation, Recommendation, Weights};
pub use timestamp::Timestamp;

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
