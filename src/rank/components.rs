//! The components of the hybrid score before weights, and the formulas of those that come
//! from article metadata (tags, section); the index measures the text and entity similarity.

use super::explanation::Explanation;
use super::weights::Weights;

/// Each component of a candidate's score, before weights and recency.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Components {
    /// TF-IDF cosine, in [0, 1].
    pub(crate) text: f64,
    /// Weighted Jaccard of the entities, in [0, 1].
    pub(crate) entities: f64,
    /// Jaccard of the tags, in [0, 1].
    pub(crate) tags: f64,
    /// 1 for the same section, else 0.
    pub(crate) section: f64,
}

impl Components {
    /// The components an explanation gives.
    pub(crate) fn of(e: &Explanation) -> Components {
        Components {
            text: e.text,
            entities: e.entities,
            tags: e.tags,
            section: e.section,
        }
    }

    /// `(text·cos + entities·overlap + tags·tag_overlap + section·same_section) · recency`:
    /// the one formula of the score.
    pub(crate) fn score(&self, w: &Weights, recency: f64) -> f64 {
        (w.text * self.text + w.entities * self.entities + w.tags * self.tags + w.section * self.section)
            * recency
    }

    /// The explanation of these components under a recency factor, before the shared words
    /// and names are looked up.
    pub(crate) fn explain(&self, recency: f64) -> Explanation {
        Explanation {
            text: self.text,
            entities: self.entities,
            tags: self.tags,
            section: self.section,
            recency,
            shared_terms: Vec::new(),
            shared_entities: Vec::new(),
        }
    }
}

/// Jaccard of two sorted lists without repeats (0 for two empty lists).
pub(crate) fn jaccard(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    let shared = a.iter().filter(|x| b.binary_search(x).is_ok()).count();
    shared as f64 / (a.len() + b.len() - shared) as f64
}

/// 1 when both articles have the same section, else 0.
pub(crate) fn same_section(a: Option<&str>, b: Option<&str>) -> f64 {
    match (a, b) {
        (Some(a), Some(b)) if a == b => 1.0,
        _ => 0.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_jaccard_and_section() {
        let tags = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(jaccard(&tags(&["a", "b"]), &tags(&["b", "c"])), 1.0 / 3.0);
        assert_eq!(jaccard(&[], &[]), 0.0);
        assert_eq!(same_section(Some("sport"), Some("sport")), 1.0);
        assert_eq!(same_section(Some("sport"), None), 0.0);
    }

    #[test]
    fn score_is_the_weighted_sum_times_recency() {
        let c = Components {
            text: 0.5,
            entities: 0.25,
            tags: 1.0,
            section: 1.0,
        };
        let w = Weights::default();
        let expected = (0.9 * 0.5 + 0.1 * 0.25 + 0.1 * 1.0 + 0.05 * 1.0) * 0.5;
        assert!((c.score(&w, 0.5) - expected).abs() < 1e-15);
        assert_eq!(w.combine(&c.explain(0.5)), c.score(&w, 0.5));
    }
}
