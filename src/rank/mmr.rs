//! Maximal marginal relevance: relevance traded against diversity, one pick at a time.

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
