//! Scoring: the hybrid score, its explanation, and the total order of results.

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use crate::article::Timestamp;
use crate::error::{Error, Result};

/// How much each component counts in the hybrid score.
///
/// `score = (text·cos + entities·overlap + tags·tag_overlap + section·same_section) · recency`,
/// with `recency = 2^(-|days apart| / recency_half_life_days)` when both articles have a date
/// (1 otherwise, or when the half-life is 0).
///
/// The defaults were tuned on ../shared/eval (cnrec, masakhanews-fr, semeval22; run
/// `cargo run --release --example quality`): entities add to the text on the ranking sets at
/// a tenth of the weight and cost correlation on the pairs above that. Tags and section are
/// absent from those sets; their weights are editorial defaults.
///
/// # Examples
/// ```
/// let w = connexe::Weights::default();
/// assert!(w.text > w.entities);
/// assert!(w.validate().is_ok());
/// let bad = connexe::Weights { text: f64::NAN, ..w };
/// assert!(bad.validate().is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    /// TF-IDF cosine of the texts.
    pub text: f64,
    /// Weighted Jaccard of the named entities.
    pub entities: f64,
    /// Jaccard of the editorial tags.
    pub tags: f64,
    /// 1 when both articles are in the same section.
    pub section: f64,
    /// Days after which the recency factor halves; 0 turns it off.
    pub recency_half_life_days: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            text: 0.9,
            entities: 0.1,
            tags: 0.1,
            section: 0.05,
            recency_half_life_days: 730.0,
        }
    }
}

impl Weights {
    /// Checks that every weight is finite and not negative.
    ///
    /// # Errors
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) naming the weight and its value.
    pub fn validate(&self) -> Result<()> {
        for (name, value) in [
            ("text", self.text),
            ("entities", self.entities),
            ("tags", self.tags),
            ("section", self.section),
            ("recency_half_life_days", self.recency_half_life_days),
        ] {
            if !value.is_finite() || value < 0.0 {
                return Err(Error::config(format!(
                    "weight `{name}` must be a finite number >= 0, got {value}"
                )));
            }
        }
        Ok(())
    }

    /// The recency factor between two publication times.
    pub fn recency(&self, a: Option<Timestamp>, b: Option<Timestamp>) -> f64 {
        match (a, b) {
            (Some(a), Some(b)) if self.recency_half_life_days > 0.0 => {
                (-a.days_until(b).abs() / self.recency_half_life_days).exp2()
            }
            _ => 1.0,
        }
    }

    /// Combines the components into the score.
    pub fn combine(&self, e: &Explanation) -> f64 {
        (self.text * e.text + self.entities * e.entities + self.tags * e.tags + self.section * e.section)
            * e.recency
    }
}

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

/// The documented total order of results: score descending, then newer first (undated
/// last), then id ascending. The same corpus and configuration always give the same lists.
///
/// # Examples
/// ```
/// use std::cmp::Ordering;
/// use connexe::{Timestamp, rank::total_order};
///
/// let new = Some(Timestamp::from_unix_seconds(100));
/// assert_eq!(total_order((0.5, None, "a"), (0.4, new, "b")), Ordering::Less);
/// assert_eq!(total_order((0.5, None, "a"), (0.5, new, "b")), Ordering::Greater);
/// assert_eq!(total_order((0.5, new, "a"), (0.5, new, "b")), Ordering::Less);
/// ```
pub fn total_order(a: (f64, Option<Timestamp>, &str), b: (f64, Option<Timestamp>, &str)) -> Ordering {
    b.0.total_cmp(&a.0)
        .then_with(|| b.1.cmp(&a.1))
        .then_with(|| a.2.cmp(b.2))
}

impl Recommendation {
    /// [`total_order`] applied to two recommendations.
    pub fn order(&self, other: &Recommendation) -> Ordering {
        total_order(
            (self.score, self.published, &self.id),
            (other.score, other.published, &other.id),
        )
    }
}

/// Maximal marginal relevance: picks up to `k` items one at a time, each the item with the
/// best `λ · relevance − (1 − λ) · (highest similarity to an item already picked)`. Ties go
/// to the earlier item, so input in the total order gives a deterministic pick.
///
/// `relevance` and `similarity` should share a scale (both in [0, 1]).
///
/// # Examples
/// ```
/// // Items 0 and 1 are near copies; with diversity, 2 comes before 1.
/// let sim = |a: usize, b: usize| if a.min(b) == 0 && a.max(b) == 1 { 0.95 } else { 0.1 };
/// assert_eq!(connexe::rank::mmr(&[1.0, 0.9, 0.6], 2, 0.7, sim), vec![0, 2]);
/// assert_eq!(connexe::rank::mmr(&[1.0, 0.9, 0.6], 2, 1.0, sim), vec![0, 1]);
/// ```
pub fn mmr(
    relevance: &[f64],
    k: usize,
    lambda: f64,
    mut similarity: impl FnMut(usize, usize) -> f64,
) -> Vec<usize> {
    let mut picked: Vec<usize> = Vec::with_capacity(k.min(relevance.len()));
    // For each item, its highest similarity to the picked ones so far.
    let mut closest = vec![0.0f64; relevance.len()];
    let mut taken = vec![false; relevance.len()];
    while picked.len() < k {
        let mut best: Option<(usize, f64)> = None;
        for (i, &rel) in relevance.iter().enumerate() {
            if taken[i] {
                continue;
            }
            let value = lambda * rel - (1.0 - lambda) * closest[i];
            if best.is_none_or(|(_, b)| value > b) {
                best = Some((i, value));
            }
        }
        let Some((chosen, _)) = best else { break };
        taken[chosen] = true;
        picked.push(chosen);
        for i in 0..relevance.len() {
            if !taken[i] {
                closest[i] = closest[i].max(similarity(i, chosen));
            }
        }
    }
    picked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recency_halves_at_half_life() {
        let w = Weights {
            recency_half_life_days: 10.0,
            ..Weights::default()
        };
        let a = Some(Timestamp::from_unix_seconds(0));
        let b = Some(Timestamp::from_unix_seconds(10 * 86_400));
        assert!((w.recency(a, b) - 0.5).abs() < 1e-12);
        assert!((w.recency(b, a) - 0.5).abs() < 1e-12);
        assert_eq!(w.recency(a, None), 1.0);
        let off = Weights {
            recency_half_life_days: 0.0,
            ..w
        };
        assert_eq!(off.recency(a, b), 1.0);
    }

    #[test]
    fn negative_and_infinite_weights_are_refused() {
        for bad in [-1.0, f64::INFINITY, f64::NAN] {
            let w = Weights {
                entities: bad,
                ..Weights::default()
            };
            let err = w.validate().unwrap_err();
            assert!(
                err.to_string()
                    .starts_with("weight `entities` must be a finite number >= 0"),
                "{err}"
            );
        }
    }
}
