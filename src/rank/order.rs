//! The documented total order of results: score descending, then newer first, then id.

use std::cmp::Ordering;

use super::explanation::Recommendation;
use crate::article::Timestamp;

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

/// Sorts `items` best first in the [`total_order`] of their `key`s, keeping the first
/// `limit` only, chosen before the others are sorted. The order is total (ids are unique), so
/// selecting first leaves the same first `limit` as sorting everything.
pub(crate) fn best_first<'k, T>(
    items: &mut Vec<T>,
    limit: usize,
    key: impl Fn(&T) -> (f64, Option<Timestamp>, &'k str),
) {
    if limit == 0 {
        items.clear();
        return;
    }
    let order = |a: &T, b: &T| total_order(key(a), key(b));
    if items.len() > limit {
        items.select_nth_unstable_by(limit - 1, order);
        items.truncate(limit);
    }
    items.sort_unstable_by(order);
}
