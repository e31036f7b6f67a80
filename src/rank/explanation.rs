//! What a ranked result says about itself: its score's components and what the two
//! articles share.

use serde::{Deserialize, Serialize};

use crate::article::Timestamp;

/// Why an article was recommended: each component of its score, and what the two share.
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
