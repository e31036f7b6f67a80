//! Corpus-wide figures derived from the postings after the last change (idf, norms, the
//! heaviest postings of common terms, learned aliases), never stored: an index changed article
//! by article derives exactly what one built from scratch does. Knows nothing of how articles
//! get in or of the file.

use hashbrown::HashMap;

use super::Index;
use super::learned::LearnedAliases;
use super::store::Posting;

/// Corpus-wide figures derived from the postings after the last change.
#[derive(Debug)]
pub(super) struct Derived {
    /// idf of each term id.
    pub(super) idf: Vec<f64>,
    /// L2 norm of each slot's TF-IDF vector (0 for free slots).
    pub(super) norms: Vec<f64>,
    /// 1 / norm in f32 (0 for a zero norm), for choosing candidates: half the memory of
    /// `norms` and a product instead of a division, on the one read per touched article.
    pub(super) inverse_norms: Vec<f32>,
    /// For each term in more than `retrieval.postings_per_term` articles, that many of its
    /// articles: those where it weighs most (tf / norm, ties by id). The only postings a query
    /// reads for that term, so a common word costs the same as a rare one.
    pub(super) top_postings: HashMap<u32, Box<[Posting]>>,
    pub(super) learned: LearnedAliases,
    /// idf of each entity id as a canonical entity: its articles are those of its key and of
    /// every long name that the corpus teaches as its acronym.
    pub(super) entity_idf: Vec<f64>,
}

impl Index {
    /// idf = ln((1 + N) / (1 + df)) + 1: smooth, and positive for every term.
    fn idf(&self, df: usize) -> f64 {
        ((1.0 + self.len() as f64) / (1.0 + df as f64)).ln() + 1.0
    }

    /// The figures of the current postings, derived on the first call after a change.
    pub(super) fn derived(&self) -> &Derived {
        use rayon::prelude::*;
        self.derived.get_or_init(|| {
            let idf: Vec<f64> = self.term_postings.iter().map(|p| self.idf(p.len())).collect();
            let norms: Vec<f64> = self
                .docs
                .par_iter()
                .map(|doc| match doc {
                    Some(doc) => doc
                        .terms
                        .iter()
                        .map(|&(t, tf)| {
                            let w = f64::from(tf) * idf[t as usize];
                            w * w
                        })
                        .sum::<f64>()
                        .sqrt(),
                    None => 0.0,
                })
                .collect();
            let keep = self.config.retrieval.postings_per_term;
            let top_postings = self
                .term_postings
                .par_iter()
                .enumerate()
                .filter(|(_, postings)| postings.len() > keep)
                .map(|(term, postings)| {
                    // Heaviest first, ties by id; an article's weight for the term is tf·idf / norm.
                    let mut by_weight: Vec<(f64, Posting)> = postings
                        .iter()
                        .map(|&p| {
                            let norm = norms[p.slot as usize];
                            let w = if norm > 0.0 {
                                f64::from(p.weight) / norm
                            } else {
                                0.0
                            };
                            (w, p)
                        })
                        .collect();
                    let cmp = |a: &(f64, Posting), b: &(f64, Posting)| {
                        b.0.total_cmp(&a.0)
                            .then_with(|| self.doc(a.1.slot).article.id.cmp(&self.doc(b.1.slot).article.id))
                    };
                    by_weight.select_nth_unstable_by(keep - 1, cmp);
                    by_weight.truncate(keep);
                    // Slot order, as in the full list, for memory locality.
                    let mut top: Vec<Posting> = by_weight.into_iter().map(|(_, p)| p).collect();
                    top.sort_unstable_by_key(|p| p.slot);
                    (term as u32, top.into_boxed_slice())
                })
                .collect::<Vec<_>>()
                .into_iter()
                .collect();
            let inverse_norms = norms
                .iter()
                .map(|&n| if n > 0.0 { (1.0 / n) as f32 } else { 0.0 })
                .collect();
            let learned = LearnedAliases::new(self);
            let entity_idf = (0..self.entity_postings.len() as u32)
                .map(|entity| self.idf(learned.articles_naming(self, entity)))
                .collect();
            Derived {
                idf,
                norms,
                inverse_norms,
                top_postings,
                learned,
                entity_idf,
            }
        })
    }
}
