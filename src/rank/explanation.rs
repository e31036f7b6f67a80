//! What a ranked result says about itself: its score's components and what the two
//! articles share.

use serde::{Deserialize, Serialize};

use crate::article::{Article, Timestamp};

/// Why an article was recommended: each component of its score, and what the two share.
///
/// # Examples
/// ```
/// use connexe::{Article, Index};
///
/// let mut index = Index::default();
/// index.add(Article::new("a", "Daech menace Rome", "La coalition contre Daech se réunit à Rome."))?;
/// index.add(Article::new("b", "Rome et Daech", "À Rome, la coalition parle de Daech."))?;
/// let why = &index.similar("a", 1)?[0].explain;
/// assert!(why.text > 0.0 && why.text <= 1.0);
/// assert!(why.shared_terms.iter().any(|t| t == "coalition"));
/// assert_eq!(why.shared_entities, ["Daech", "Rome"]);
/// assert_eq!(why.recency, 1.0); // undated articles do not decay
/// # Ok::<(), connexe::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Explanation {
    /// TF-IDF cosine, in [0, 1].
    pub text: f64,
    /// Weighted Jaccard of the entities, in [0, 1].
    pub entities: f64,
    /// Jaccard of the tags, in [0, 1].
    pub tags: f64,
    /// 1 for the same section, else 0.
    pub section: f64,
    /// Recency factor, in (0, 1].
    pub recency: f64,
    /// The words that weigh most in the text score, as the article writes them.
    pub shared_terms: Vec<String>,
    /// The entities both articles name, heaviest first.
    pub shared_entities: Vec<String>,
}

/// One related article.
///
/// # Examples
/// ```
/// use connexe::{Article, Index};
///
/// let mut index = Index::default();
/// index.add(Article::new("a", "Inflation record", "L'inflation atteint un record."))?;
/// index.add(Article {
///     url: Some("https://example.fr/bce".into()),
///     ..Article::new("b", "La BCE et l'inflation", "L'inflation inquiète la BCE.")
/// })?;
/// let r = &index.similar("a", 1)?[0];
/// assert_eq!((r.id.as_str(), r.title.as_str()), ("b", "La BCE et l'inflation"));
/// assert_eq!(r.url.as_deref(), Some("https://example.fr/bce"));
/// assert_eq!(r.score, index.config().weights.combine(&r.explain));
/// # Ok::<(), connexe::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its URL, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Its publication time, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<Timestamp>,
    /// The hybrid score.
    pub score: f64,
    /// How the score came about.
    pub explain: Explanation,
}

impl Recommendation {
    /// `article` recommended with this score and explanation.
    pub(crate) fn of(article: &Article, score: f64, explain: Explanation) -> Recommendation {
        Recommendation {
            id: article.id.clone(),
            title: article.title.clone(),
            url: article.url.clone(),
            published: article.published,
            score,
            explain,
        }
    }
}
