//! The vector space of the index: an article's TF-IDF vector and weighted entities as a
//! query, cosines against it, entity overlap, and the words and names two articles share.
//! These are measures between articles; turning them into a score is ranking's job.

use hashbrown::{HashMap, HashSet};

use super::member::DocKey;
use super::scratch::{Scratch, with_scratch};
use super::{Derived, Index};

/// One article as a query: its TF-IDF vector and its entities, weighted.
pub(crate) struct Query<'i> {
    /// The article: never a result, and the other side of tags, section and recency.
    pub(super) slot: u32,
    /// Its TF-IDF vector, in the article's term order.
    pub(super) vector: TermVector,
    /// (canonical entity id, weight, name to show), in key order.
    pub(super) entities: Vec<(u32, f64, &'i str)>,
    /// (canonical entity id, weight) of `entities`, in id order, and the sum of their
    /// weights: what the entity overlap of each candidate reads.
    entity_ids: Vec<(u32, f64)>,
    entity_total: f64,
}

impl Query<'_> {
    /// The article's TF-IDF vector.
    pub(crate) fn vector(&self) -> &TermVector {
        &self.vector
    }
}

/// A weighted term vector: (term id, weight) in a fixed term order, and its L2 norm.
pub(crate) struct TermVector {
    pub(super) terms: Vec<(u32, f64)>,
    pub(super) norm: f64,
}

/// Text cosine and entity overlap of a query and one article: the similarities that
/// ranking weighs.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Similarity {
    pub(crate) text: f64,
    pub(crate) entities: f64,
}

impl Index {
    /// Article `key` as a query.
    pub(crate) fn query(&self, key: DocKey) -> Query<'_> {
        let derived = self.derived();
        let slot = key.0;
        let doc = self.doc(slot);
        let terms = doc
            .terms
            .iter()
            .map(|&(t, tf)| (t, f64::from(tf) * derived.idf[t as usize]))
            .collect();
        let entities: Vec<(u32, f64, &str)> = self
            .entity_weights(slot, derived)
            .into_iter()
            .map(|(id, weight, name)| {
                let shown = self.aliases.display_name(self.entities.text(id)).unwrap_or(name);
                (id, weight, shown)
            })
            .collect();
        let entity_total = entities.iter().map(|e| e.1).sum();
        let mut entity_ids: Vec<(u32, f64)> = entities.iter().map(|e| (e.0, e.1)).collect();
        entity_ids.sort_unstable_by_key(|e| e.0);
        Query {
            slot,
            vector: TermVector {
                terms,
                norm: derived.norms[slot as usize],
            },
            entities,
            entity_ids,
            entity_total,
        }
    }

    /// The text cosine and entity overlap of the query and each of `keys`. Entities are
    /// compared only for articles that share one with the query, unless `every_entity`.
    pub(crate) fn similarities(
        &self,
        query: &Query<'_>,
        keys: &[DocKey],
        every_entity: bool,
    ) -> Vec<Similarity> {
        let derived = self.derived();
        let sharing = self.entity_ids_of(query, derived);
        self.with_loaded(&query.vector, derived, |scratch| {
            keys.iter()
                .map(|&DocKey(slot)| {
                    let shares = every_entity
                        || self
                            .doc(slot)
                            .entities
                            .iter()
                            .any(|e| sharing.binary_search(&e.0).is_ok());
                    Similarity {
                        text: self.cosine_to_loaded(scratch, slot, query.vector.norm, derived),
                        entities: if shares && !query.entities.is_empty() {
                            entity_overlap(query, &self.entity_weights(slot, derived))
                        } else {
                            0.0
                        },
                    }
                })
                .collect()
        })
    }

    /// The vector of one paragraph of the query's article: `(1 - share)·p̂ + share·â`, its own
    /// unit vector mixed with the whole article's.
    pub(crate) fn paragraph_vector(&self, query: &Query<'_>, paragraph: &str, share: f64) -> TermVector {
        let derived = self.derived();
        let analyzer = self.analyzers.get(self.doc(query.slot).lang);
        let mut counts: HashMap<u32, f64> = HashMap::new();
        analyzer.analyze(paragraph, |_, term| {
            if let Some(t) = self.terms.get(term) {
                *counts.entry(t).or_insert(0.0) += 1.0;
            }
        });
        let own: HashMap<u32, f64> = counts
            .into_iter()
            .map(|(t, tf)| (t, (1.0 + tf.ln()) * derived.idf[t as usize]))
            .collect();
        // Every term of the paragraph is a term of the article: the mix keeps the article's
        // term order, so sums run in one fixed order however the index was built.
        let article = &query.vector;
        let own_norm = unit_norm(article.terms.iter().filter_map(|(t, _)| own.get(t).copied()));
        let terms: Vec<(u32, f64)> = article
            .terms
            .iter()
            .map(|&(t, w)| {
                let a = if article.norm > 0.0 {
                    share * w / article.norm
                } else {
                    0.0
                };
                let p = match own.get(&t) {
                    Some(&v) if own_norm > 0.0 => (1.0 - share) * v / own_norm,
                    _ => 0.0,
                };
                (t, a + p)
            })
            .filter(|(_, w)| *w > 0.0)
            .collect();
        let norm = unit_norm(terms.iter().map(|(_, w)| *w));
        TermVector { terms, norm }
    }

    /// Text cosine of a vector and each of `keys`.
    pub(crate) fn cosines_to(&self, vector: &TermVector, keys: &[DocKey]) -> Vec<f64> {
        let derived = self.derived();
        self.with_loaded(vector, derived, |scratch| {
            keys.iter()
                .map(|&DocKey(s)| self.cosine_to_loaded(scratch, s, vector.norm, derived))
                .collect()
        })
    }

    /// Text cosine of article `a` and each of `bs` (near-duplicates, diversity), loading `a`
    /// once. Summed over the shared terms in their (common) text order, so the same however the
    /// index was built; `a` and `b` swapped may differ in the last bit.
    pub(crate) fn text_cosines(&self, a: DocKey, bs: &[DocKey]) -> Vec<f64> {
        let derived = self.derived();
        let terms = &self.doc(a.0).terms;
        let norm = derived.norms[a.0 as usize];
        with_scratch(0, self.term_postings.len(), |scratch| {
            // As `with_loaded` would load the article's TF-IDF vector, without building it:
            // this runs for every pair a page compares.
            for &(t, tf) in terms {
                let idf = derived.idf[t as usize];
                scratch.by_term[t as usize] = f64::from(tf) * idf * idf;
            }
            let cosines = bs
                .iter()
                .map(|&DocKey(b)| self.cosine_to_loaded(scratch, b, norm, derived))
                .collect();
            for &(t, _) in terms {
                scratch.by_term[t as usize] = 0.0;
            }
            cosines
        })
    }

    /// For each of `keys`, the words that weigh most in its dot product with `against` (the
    /// query's vector or one of its paragraphs'), as the query's article writes them,
    /// heaviest first (ties by text), at most `retrieval.explain_terms`.
    pub(crate) fn shared_words(
        &self,
        query: &Query<'_>,
        against: &TermVector,
        keys: &[DocKey],
    ) -> Vec<Vec<String>> {
        let derived = self.derived();
        let shared: Vec<Vec<u32>> = self.with_loaded(against, derived, |scratch| {
            keys.iter()
                .map(|&DocKey(s)| self.shared_terms(scratch, s))
                .collect()
        });
        let needed: HashSet<u32> = shared.iter().flatten().copied().collect();
        let words = self.surfaces_of(query.slot, &needed);
        shared
            .into_iter()
            .map(|terms| {
                let mut out: Vec<String> = Vec::with_capacity(terms.len());
                for t in terms {
                    let word = words.get(&t).copied().unwrap_or_else(|| self.terms.text(t));
                    if !out.iter().any(|w| w == word) {
                        out.push(word.to_owned());
                    }
                }
                out
            })
            .collect()
    }

    /// The entities both the query and article `key` name, heaviest first.
    pub(crate) fn shared_entities(&self, query: &Query<'_>, key: DocKey) -> Vec<String> {
        if query.entities.is_empty() {
            return Vec::new();
        }
        let theirs = self.entity_weights(key.0, self.derived());
        let mut both: Vec<(f64, &str)> = query
            .entities
            .iter()
            .filter_map(|&(id, w, name)| {
                let &(_, their, _) = theirs.iter().find(|e| e.0 == id)?;
                Some((w.min(their), name))
            })
            .collect();
        both.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        both.into_iter().map(|(_, name)| name.to_owned()).collect()
    }

    /// The entity ids an article must name to share an entity with the query: each of its
    /// canonical entities and the long names taught as them; sorted.
    pub(super) fn entity_ids_of(&self, query: &Query<'_>, derived: &Derived) -> Vec<u32> {
        let mut ids: Vec<u32> = Vec::new();
        for &(canonical, _, _) in &query.entities {
            ids.push(canonical);
            ids.extend_from_slice(derived.learned.longs_of(canonical));
        }
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Runs `f` with `vector` in this thread's dense query array, each weight times its
    /// term's idf, then clears it: a dot product with an article then needs only the
    /// article's tf, one array read per term.
    fn with_loaded<T>(&self, vector: &TermVector, derived: &Derived, f: impl FnOnce(&Scratch) -> T) -> T {
        with_scratch(0, self.term_postings.len(), |scratch| {
            for &(t, w) in &vector.terms {
                scratch.by_term[t as usize] = w * derived.idf[t as usize];
            }
            let out = f(scratch);
            for &(t, _) in &vector.terms {
                scratch.by_term[t as usize] = 0.0;
            }
            out
        })
    }

    /// Cosine of the loaded query (of norm `query_norm`) and article `slot`, summed in the
    /// article's term order.
    fn cosine_to_loaded(&self, scratch: &Scratch, slot: u32, query_norm: f64, derived: &Derived) -> f64 {
        let norm = derived.norms[slot as usize];
        if norm == 0.0 || query_norm == 0.0 {
            return 0.0;
        }
        let dot: f64 = self
            .doc(slot)
            .terms
            .iter()
            .map(|&(t, tf)| scratch.by_term[t as usize] * f64::from(tf))
            .sum();
        (dot / (norm * query_norm)).min(1.0)
    }

    /// The article's entities as (canonical entity id, idf × multiplier, name as written), in
    /// key order; a name and its acronym count once, with the larger weight. Entities are
    /// stored in key order, so only those that the corpus teaches as an acronym move: each is
    /// put where a stable sort by (key, heavier first) would put it, with a few comparisons of
    /// keys instead of a sort of all of them.
    fn entity_weights<'i>(&'i self, slot: u32, derived: &Derived) -> Vec<(u32, f64, &'i str)> {
        let entities = &self.doc(slot).entities;
        // Each with its place in the stored order, which breaks ties as a stable sort does.
        let mut out: Vec<(usize, (u32, f64, &str))> = Vec::with_capacity(entities.len());
        let mut renamed: Vec<(usize, (u32, f64, &str))> = Vec::new();
        for (place, (entity, multiplier, name)) in entities.iter().enumerate() {
            let short = derived.learned.to_short.get(entity).copied();
            let canonical = short.unwrap_or(*entity);
            let weight = derived.entity_idf[canonical as usize] * f64::from(*multiplier);
            let entry = (place, (canonical, weight, &**name));
            if short.is_some() {
                renamed.push(entry);
            } else {
                out.push(entry);
            }
        }
        if renamed.is_empty() {
            return out.into_iter().map(|(_, e)| e).collect();
        }
        let text = |e: u32| self.entities.text(e);
        let before = |a: &(usize, (u32, f64, &str)), b: &(usize, (u32, f64, &str))| {
            text(a.1.0)
                .cmp(text(b.1.0))
                .then(b.1.1.total_cmp(&a.1.1))
                .then(a.0.cmp(&b.0))
                .is_lt()
        };
        for entry in renamed {
            let at = out.partition_point(|e| before(e, &entry));
            out.insert(at, entry);
        }
        let mut out: Vec<(u32, f64, &str)> = out.into_iter().map(|(_, e)| e).collect();
        out.dedup_by(|later, earlier| later.0 == earlier.0);
        out
    }

    /// The terms that weigh most in the loaded query's dot product with `slot`, heaviest
    /// first (ties by text), at most `explain_terms`.
    fn shared_terms(&self, scratch: &Scratch, slot: u32) -> Vec<u32> {
        let mut shared: Vec<(f64, u32)> = self
            .doc(slot)
            .terms
            .iter()
            .filter_map(|&(t, tf)| {
                let q = scratch.by_term[t as usize];
                (q > 0.0).then(|| (q * f64::from(tf), t))
            })
            .collect();
        shared.sort_by(|a, b| {
            b.0.total_cmp(&a.0)
                .then_with(|| self.terms.text(a.1).cmp(self.terms.text(b.1)))
        });
        shared.truncate(self.config.retrieval.explain_terms);
        shared.into_iter().map(|(_, t)| t).collect()
    }

    /// How article `slot` first writes each of the `needed` terms, for readable explanations.
    fn surfaces_of(&self, slot: u32, needed: &HashSet<u32>) -> HashMap<u32, &str> {
        let doc = self.doc(slot);
        doc.terms
            .iter()
            .zip(&doc.surfaces)
            .filter(|((t, _), _)| needed.contains(t))
            .map(|(&(t, _), &s)| (t, self.surfaces.text(s)))
            .collect()
    }
}

/// Weighted Jaccard of the query's entities and a candidate's, Σ min / Σ max over the union,
/// computed as Σ min / (Σ a + Σ b − Σ min) with shared entities found by id. Each sum runs in
/// key order, so the score depends neither on ids (on the build order) nor on which article
/// is the query.
fn entity_overlap(query: &Query<'_>, theirs: &[(u32, f64, &str)]) -> f64 {
    let (mut min_sum, mut their_total) = (0.0, 0.0);
    for &(entity, b, _) in theirs {
        their_total += b;
        if let Ok(i) = query.entity_ids.binary_search_by_key(&entity, |e| e.0) {
            min_sum += query.entity_ids[i].1.min(b);
        }
    }
    let max_sum = query.entity_total + their_total - min_sum;
    if max_sum > 0.0 {
        (min_sum / max_sum).min(1.0)
    } else {
        0.0
    }
}

/// The L2 norm of a list of weights, summed in the order given.
fn unit_norm(weights: impl Iterator<Item = f64>) -> f64 {
    weights.map(|w| w * w).sum::<f64>().sqrt()
}
