//! The weights of the hybrid score: what each component counts, and the recency decay.

use serde::{Deserialize, Serialize};

use super::components::Components;
use super::explanation::Explanation;
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

    /// Combines the components of an explanation into the score.
    pub fn combine(&self, e: &Explanation) -> f64 {
        Components::of(e).score(self, e.recency)
    }
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
