//! Candidate retrieval: which articles are worth scoring for a query, read from the
//! postings of its strongest terms and of its entities. Never a scan of all articles.

use hashbrown::HashSet;

use super::member::DocKey;
use super::scratch::{Scratch, with_scratch};
use super::vectors::Query;
use super::{Derived, Index, Posting};

/// How many touched slots [`Index::best_touched`] scores before it knows a bound.
const BOUND_SAMPLE: usize = 1_024;

impl Index {
    /// The articles worth scoring for `query`, in storage order: the best by the query's
    /// strongest terms and the best by shared entities (see [`RetrievalOptions`](crate::RetrievalOptions)).
    pub(crate) fn retrieve(&self, query: &Query<'_>) -> Vec<DocKey> {
        let derived = self.derived();
        let found = with_scratch(self.docs.len(), self.term_postings.len(), |scratch| {
            self.candidates(query, derived, scratch)
        });
        found.into_iter().map(DocKey).collect()
    }

    /// The articles worth scoring in full: the best by the query's strongest terms, and the
    /// best by shared entities. Reads at most `postings_per_term` postings of each term and
    /// entity (see [`RetrievalOptions`](crate::RetrievalOptions)): never a scan of all articles.
    fn candidates(&self, query: &Query<'_>, derived: &Derived, scratch: &mut Scratch) -> Vec<u32> {
        let options = &self.config.retrieval;
        let n = self.len();
        let max_df = if n >= options.min_articles_for_df_cut {
            (options.max_df_ratio * n as f64).floor() as usize
        } else {
            usize::MAX
        };
        let mut strongest: Vec<(u32, f64)> = query
            .vector
            .terms
            .iter()
            .filter(|&&(t, _)| self.term_postings[t as usize].len() <= max_df)
            .copied()
            .collect();
        // Heaviest first, ties by text: a total order, so the strongest terms are the same
        // whatever their ids. Only the kept ones need sorting.
        let by_weight = |a: &(u32, f64), b: &(u32, f64)| {
            b.1.total_cmp(&a.1)
                .then_with(|| self.terms.text(a.0).cmp(self.terms.text(b.0)))
        };
        if strongest.len() > options.query_terms && options.query_terms > 0 {
            strongest.select_nth_unstable_by(options.query_terms - 1, by_weight);
        }
        strongest.truncate(options.query_terms);
        strongest.sort_unstable_by(by_weight);

        // Partial dot products by slot, in the dense accumulator; `touched` lists the slots set.
        let add = |slot: u32, weight: f64, scratch: &mut Scratch| {
            // A weight too small for f32 would leave the slot at 0 and list it again.
            let weight = weight as f32;
            if slot != query.slot && weight > 0.0 {
                let acc = &mut scratch.by_slot[slot as usize];
                if *acc == 0.0 {
                    scratch.touched.push(slot);
                }
                *acc += weight;
            }
        };
        // Each term's postings (of a long list, its heaviest articles only) and the factor
        // that makes a posting's tf its share of the dot product.
        let lists: Vec<(&[Posting], f32)> = strongest
            .iter()
            .map(|&(term, weight)| {
                let postings: &[Posting] = match derived.top_postings.get(&term) {
                    Some(top) => top,
                    None => &self.term_postings[term as usize][..],
                };
                (postings, (weight * derived.idf[term as usize]) as f32)
            })
            .collect();
        // The hot loop, without a branch on whether a slot is new: each posting writes its
        // slot at the end of `touched`, which grows only when the slot was still 0. It never
        // needs more room than postings read, nor than other articles (the query is skipped).
        let Scratch { by_slot, touched, .. } = &mut *scratch;
        let postings_read: usize = lists.iter().map(|(l, _)| l.len()).sum();
        touched.resize(postings_read.min(self.docs.len()), 0);
        let mut count = 0;
        for &(postings, factor) in &lists {
            for p in postings {
                // As in `add`: a weight that rounds to 0 is skipped.
                let weight = p.weight * factor;
                if p.slot != query.slot && weight > 0.0 {
                    let acc = &mut by_slot[p.slot as usize];
                    touched[count] = p.slot;
                    count += usize::from(*acc == 0.0);
                    *acc += weight;
                }
            }
        }
        touched.truncate(count);
        let mut pool = self.best_touched(scratch, options.candidates, |slot, dot| {
            dot * derived.inverse_norms[slot as usize]
        });

        for &(canonical, weight, _) in &query.entities {
            let longs = derived.learned.longs_of(canonical);
            let names = std::iter::once(&canonical).chain(longs);
            if names
                .clone()
                .map(|&e| self.entity_postings[e as usize].len())
                .sum::<usize>()
                > options.postings_per_term
            {
                continue;
            }
            // An article naming both the long name and the acronym counts once.
            let mut seen: HashSet<u32> = HashSet::new();
            for &e in names {
                for p in &self.entity_postings[e as usize] {
                    if longs.is_empty() || seen.insert(p.slot) {
                        add(p.slot, weight, scratch);
                    }
                }
            }
        }
        pool.extend(self.best_touched(scratch, options.candidates, |_, sum| sum));
        pool.sort_unstable();
        pool.dedup();
        pool
    }

    /// The `n` best of the touched slots by their accumulated score through `finish`, ties
    /// by id; leaves the accumulator zero and `touched` empty.
    fn best_touched(&self, scratch: &mut Scratch, n: usize, finish: impl Fn(u32, f32) -> f32) -> Vec<u32> {
        let Scratch {
            by_slot,
            touched,
            keys,
            ..
        } = scratch;
        keys.clear();
        // One u64 per slot, best first: the score's bits (scores are >= 0, so their bits
        // order like them) inverted above the slot. Choosing among tens of thousands of
        // slots is then one integer comparison per pair. Taking the score zeroes the slot.
        let key_of = |slot: u32, by_slot: &mut [f32]| {
            let score = finish(slot, std::mem::take(&mut by_slot[slot as usize]));
            (u64::from(u32::MAX - score.to_bits()) << 32) | u64::from(slot)
        };
        let score_of = |key: u64| key >> 32;
        // The n-th best score among the first slots bounds the n-th best of all: a later
        // slot scoring below it cannot be chosen, so only the others are kept to choose from.
        let sample = touched.len().min(BOUND_SAMPLE.max(n.saturating_mul(4)));
        keys.extend(touched[..sample].iter().map(|&slot| key_of(slot, by_slot)));
        let mut bound = u64::MAX;
        if n > 0 && keys.len() > n {
            keys.select_nth_unstable(n - 1);
            bound = score_of(keys[n - 1]);
        }
        for &slot in &touched[sample..] {
            let key = key_of(slot, by_slot);
            if score_of(key) <= bound {
                keys.push(key);
            }
        }
        touched.clear();
        let slot_of = |key: u64| key as u32;
        if keys.len() <= n {
            return keys.iter().map(|&k| slot_of(k)).collect();
        }
        if n == 0 {
            return Vec::new();
        }
        keys.select_nth_unstable(n - 1);
        // The cut may fall among equal scores: those take the smaller ids, not the smaller
        // slots, so the pool does not depend on where articles were stored.
        let cut = score_of(keys[n - 1]);
        let mut best: Vec<u32> = keys[..n]
            .iter()
            .filter(|&&k| score_of(k) < cut)
            .map(|&k| slot_of(k))
            .collect();
        let mut tied: Vec<u32> = keys
            .iter()
            .filter(|&&k| score_of(k) == cut)
            .map(|&k| slot_of(k))
            .collect();
        // At least one tied slot is kept (the one at the cut); only which ones matters.
        let room = n - best.len();
        if tied.len() > room {
            tied.select_nth_unstable_by(room - 1, |&a, &b| {
                self.doc(a).article.id.cmp(&self.doc(b).article.id)
            });
            tied.truncate(room);
        }
        best.extend(tied);
        best
    }
}
