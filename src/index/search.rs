//! Queries: candidates from the postings, every candidate scored in full once, then ranked
//! (and re-ranked, for a page's blocks) without scoring again.

use std::cell::RefCell;

use hashbrown::{HashMap, HashSet};

use super::{Derived, Index};
use crate::article::{Article, Timestamp};
use crate::error::{Error, Result};
use crate::rank::{Explanation, Recommendation, Weights, total_order};

/// One article as a query: its TF-IDF vector and its entities, weighted.
struct Query<'i> {
    /// The article: never a result, and the other side of tags, section and recency.
    slot: u32,
    /// (term id, TF-IDF weight), in the article's term order.
    terms: Vec<(u32, f64)>,
    norm: f64,
    /// (canonical entity id, weight, name to show), in key order.
    entities: Vec<(u32, f64, &'i str)>,
    /// (canonical entity id, weight) of `entities`, in id order, and the sum of their
    /// weights: what the entity overlap of each candidate reads.
    entity_ids: Vec<(u32, f64)>,
    entity_total: f64,
}

/// Learned aliases resolved for the current corpus: each long name's acronym, and the long
/// names behind each acronym.
#[derive(Debug, Default)]
pub(super) struct LearnedAliases {
    to_short: HashMap<u32, u32>,
    longs: HashMap<u32, Vec<u32>>,
}

impl LearnedAliases {
    pub(super) fn new(index: &Index) -> Self {
        // A long name taught with several acronyms takes the most taught, then the first by text.
        let mut best: HashMap<u32, (u32, u32)> = HashMap::new();
        for (&(long, short), &count) in &index.learned {
            let better = |(s, c): (u32, u32)| {
                count > c || (count == c && index.entities.text(short) < index.entities.text(s))
            };
            match best.get(&long) {
                Some(&current) if !better(current) => {}
                _ => {
                    best.insert(long, (short, count));
                }
            }
        }
        let mut learned = LearnedAliases::default();
        for (long, (short, _)) in best {
            learned.to_short.insert(long, short);
            learned.longs.entry(short).or_default().push(long);
        }
        learned
    }
}

impl LearnedAliases {
    /// How many articles name `entity` as itself or as one of the long names taught as it.
    pub(super) fn articles_naming(&self, index: &Index, entity: u32) -> usize {
        let longs = self.longs_of(entity);
        if longs.is_empty() {
            return index.entity_postings[entity as usize].len();
        }
        let mut slots: HashSet<u32> = HashSet::new();
        for &e in std::iter::once(&entity).chain(longs) {
            slots.extend(index.entity_postings[e as usize].iter().map(|p| p.slot));
        }
        slots.len()
    }

    /// The long names the corpus teaches as this acronym.
    fn longs_of(&self, acronym: u32) -> &[u32] {
        self.longs.get(&acronym).map_or(&[], Vec::as_slice)
    }
}

/// How many touched slots [`Index::best_touched`] scores before it knows a bound.
const BOUND_SAMPLE: usize = 1_024;

/// Dense per-thread work arrays, all zero between queries: score accumulators by slot and a
/// query vector by term id. Reused, so a query allocates nothing proportional to the corpus.
#[derive(Default)]
struct Scratch {
    /// Partial scores for choosing candidates, in f32: half the memory, fewer cache misses,
    /// and candidates are scored exactly afterwards.
    by_slot: Vec<f32>,
    by_term: Vec<f64>,
    /// The slots set in `by_slot`, and their keys (score bits above slot) once taken: kept between
    /// queries, as fresh lists of tens of thousands of entries cost more than filling them.
    touched: Vec<u32>,
    keys: Vec<u64>,
    /// Set while a query uses the arrays: still set on entry means the last one panicked
    /// half-way, and the arrays are zeroed before use.
    busy: bool,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Runs `f` with this thread's scratch arrays grown to the index; `f` must leave them zero.
fn with_scratch<T>(slots: usize, terms: usize, f: impl FnOnce(&mut Scratch) -> T) -> T {
    SCRATCH.with(|cell| {
        // A re-entrant call (never expected) gets fresh arrays instead of a borrow panic.
        let mut fresh = Scratch::default();
        let mut guard = cell.try_borrow_mut();
        let scratch = match guard.as_mut() {
            Ok(s) => &mut **s,
            Err(_) => &mut fresh,
        };
        if scratch.busy {
            scratch.touched.clear();
            scratch.by_slot.iter_mut().for_each(|x| *x = 0.0);
            scratch.by_term.iter_mut().for_each(|x| *x = 0.0);
        }
        if scratch.by_slot.len() < slots {
            scratch.by_slot.resize(slots, 0.0);
        }
        if scratch.by_term.len() < terms {
            scratch.by_term.resize(terms, 0.0);
        }
        scratch.busy = true;
        let out = f(scratch);
        scratch.busy = false;
        out
    })
}

/// One candidate of a pool: its components before weights.
#[derive(Clone, Debug)]
pub(crate) struct Candidate {
    pub(crate) slot: u32,
    /// Text, entities, tags and section; recency is set when the pool is ranked.
    components: Explanation,
}

impl Candidate {
    /// Text cosine of the pool's article and this candidate.
    pub(crate) fn text(&self) -> f64 {
        self.components.text
    }
}

/// Every candidate of one article, scored once; ranked as often as the page's blocks need.
pub(crate) struct Pool<'i> {
    query: Query<'i>,
    pub(crate) candidates: Vec<Candidate>,
}

/// A paragraph of the article as a query: `(1 - share)·p̂ + share·â`, its own unit vector
/// mixed with the whole article's.
pub(crate) struct ParagraphQuery {
    terms: Vec<(u32, f64)>,
    norm: f64,
}

impl Index {
    /// The `k` articles most related to article `id`, best first, in the documented total
    /// order (see [`total_order`](crate::rank::total_order)), each with its explanation.
    ///
    /// Articles that share nothing with `id` are never returned, so the list may be shorter
    /// than `k`; `k = 0` gives an empty list.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownId`](crate::ErrorKind::UnknownId) when `id` is not indexed.
    ///
    /// # Examples
    /// ```
    /// use connexe::{Article, Index};
    ///
    /// let mut index = Index::default();
    /// index.add(Article::new("a", "Inflation record en zone euro", "L'inflation atteint un record."))?;
    /// index.add(Article::new("b", "La BCE face à l'inflation", "L'inflation inquiète la BCE."))?;
    /// let related = index.similar("a", 5)?;
    /// assert_eq!(related.len(), 1);
    /// assert_eq!(related[0].explain.shared_terms, ["inflation"]);
    /// # Ok::<(), connexe::Error>(())
    /// ```
    pub fn similar(&self, id: &str, k: usize) -> Result<Vec<Recommendation>> {
        self.similar_with(id, k, &self.config.weights)
    }

    /// [`Index::similar`] with other weights than the configured ones.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownId`](crate::ErrorKind::UnknownId) when `id` is not indexed,
    /// [`ErrorKind::Config`](crate::ErrorKind::Config) when a weight is invalid.
    pub fn similar_with(&self, id: &str, k: usize, weights: &Weights) -> Result<Vec<Recommendation>> {
        weights.validate()?;
        let slot = self.slot_of(id)?;
        if k == 0 {
            return Ok(Vec::new());
        }
        let pool = self.pool(slot);
        let ranked = self.rank(&pool, weights, &|_| true, k);
        Ok(self.recommendations(&pool, ranked, None))
    }

    /// The score and explanation of article `to` as a recommendation for article `from`,
    /// whatever the retrieval would have done.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownId`](crate::ErrorKind::UnknownId) when either id is not indexed.
    pub fn explain(&self, from: &str, to: &str) -> Result<Recommendation> {
        let from_slot = self.slot_of(from)?;
        let to_slot = self.slot_of(to)?;
        let derived = self.derived();
        let query = self.query(from_slot, derived);
        let components = with_scratch(0, self.term_postings.len(), |scratch| {
            self.load_query(scratch, &query.terms, derived);
            let c = self.components(&query, to_slot, true, scratch, derived);
            self.unload_query(scratch, &query.terms);
            c
        });
        let pool = Pool {
            query,
            candidates: vec![Candidate {
                slot: to_slot,
                components,
            }],
        };
        let weights = &self.config.weights;
        let mut explain = pool.candidates[0].components.clone();
        explain.recency = weights.recency(
            self.doc(from_slot).article.published,
            self.doc(to_slot).article.published,
        );
        let score = weights.combine(&explain);
        Ok(self
            .recommendations(&pool, vec![(0, score, explain)], None)
            .remove(0))
    }

    pub(crate) fn slot_of(&self, id: &str) -> Result<u32> {
        self.slots.get(id).copied().ok_or_else(|| Error::unknown_id(id))
    }

    pub(crate) fn article_at(&self, slot: u32) -> &Article {
        &self.doc(slot).article
    }

    pub(crate) fn language_at(&self, slot: u32) -> crate::Language {
        self.doc(slot).lang
    }

    /// Every live slot, in slot order.
    pub(crate) fn live_slots(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.docs.len() as u32).filter(|&s| self.docs[s as usize].is_some())
    }

    /// The candidates of article `slot`, each with its components.
    pub(crate) fn pool(&self, slot: u32) -> Pool<'_> {
        let derived = self.derived();
        let query = self.query(slot, derived);
        let candidates = with_scratch(self.docs.len(), self.term_postings.len(), |scratch| {
            let found = self.candidates(&query, derived, scratch);
            let sharing = self.entity_ids_of(&query, derived);
            self.load_query(scratch, &query.terms, derived);
            let scored = found
                .into_iter()
                .map(|c| Candidate {
                    slot: c,
                    components: self.components(
                        &query,
                        c,
                        self.doc(c)
                            .entities
                            .iter()
                            .any(|e| sharing.binary_search(&e.0).is_ok()),
                        scratch,
                        derived,
                    ),
                })
                .collect();
            self.unload_query(scratch, &query.terms);
            scored
        });
        Pool { query, candidates }
    }

    /// The pool's candidates that `keep` accepts and that score above 0 with `weights`, as
    /// (candidate index, score, components with recency), in the documented total order; the
    /// first `limit` only, chosen before the others are sorted.
    pub(crate) fn rank(
        &self,
        pool: &Pool<'_>,
        weights: &Weights,
        keep: &dyn Fn(u32) -> bool,
        limit: usize,
    ) -> Vec<(usize, f64, Explanation)> {
        let published = self.doc(pool.query.slot).article.published;
        let mut ranked: Vec<(usize, f64, Explanation)> = pool
            .candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| keep(c.slot))
            .map(|(i, c)| {
                let mut explain = c.components.clone();
                explain.recency = weights.recency(published, self.doc(c.slot).article.published);
                (i, weights.combine(&explain), explain)
            })
            .filter(|(_, score, _)| *score > 0.0)
            .collect();
        let order = |a: &(usize, f64, Explanation), b: &(usize, f64, Explanation)| {
            total_order(
                self.order_key(a.1, pool.candidates[a.0].slot),
                self.order_key(b.1, pool.candidates[b.0].slot),
            )
        };
        // A total order (ties by id): selecting first leaves the same first `limit`.
        if limit == 0 {
            return Vec::new();
        }
        if ranked.len() > limit {
            ranked.select_nth_unstable_by(limit - 1, order);
            ranked.truncate(limit);
        }
        ranked.sort_unstable_by(order);
        ranked
    }

    /// Recommendations for ranked pool items, with the words and names they share with the
    /// article (or with a paragraph of it, when given).
    pub(crate) fn recommendations(
        &self,
        pool: &Pool<'_>,
        ranked: Vec<(usize, f64, Explanation)>,
        paragraph: Option<&ParagraphQuery>,
    ) -> Vec<Recommendation> {
        let derived = self.derived();
        let query_terms = paragraph.map_or(&pool.query.terms, |p| &p.terms);
        let shared: Vec<Vec<u32>> = with_scratch(0, self.term_postings.len(), |scratch| {
            self.load_query(scratch, query_terms, derived);
            let shared = ranked
                .iter()
                .map(|(i, _, _)| self.shared_terms(scratch, pool.candidates[*i].slot))
                .collect();
            self.unload_query(scratch, query_terms);
            shared
        });
        let needed: HashSet<u32> = shared.iter().flatten().copied().collect();
        let words = self.surfaces_of(pool.query.slot, &needed);
        ranked
            .into_iter()
            .zip(shared)
            .map(|((i, score, mut explain), terms)| {
                let slot = pool.candidates[i].slot;
                for t in terms {
                    let word = words
                        .get(&t)
                        .copied()
                        .unwrap_or_else(|| self.terms.text(t))
                        .to_owned();
                    if !explain.shared_terms.contains(&word) {
                        explain.shared_terms.push(word);
                    }
                }
                explain.shared_entities = self.shared_entities(&pool.query, slot, derived);
                let article = &self.doc(slot).article;
                Recommendation {
                    id: article.id.clone(),
                    title: article.title.clone(),
                    url: article.url.clone(),
                    published: article.published,
                    score,
                    explain,
                }
            })
            .collect()
    }

    /// The query of one paragraph of the pool's article (see [`ParagraphQuery`]).
    pub(crate) fn paragraph_query(&self, pool: &Pool<'_>, paragraph: &str, share: f64) -> ParagraphQuery {
        let derived = self.derived();
        let analyzer = self.analyzers.get(self.doc(pool.query.slot).lang);
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
        let own_norm = unit_norm(pool.query.terms.iter().filter_map(|(t, _)| own.get(t).copied()));
        let article_norm = pool.query.norm;
        let terms: Vec<(u32, f64)> = pool
            .query
            .terms
            .iter()
            .map(|&(t, w)| {
                let a = if article_norm > 0.0 {
                    share * w / article_norm
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
        ParagraphQuery { terms, norm }
    }

    /// Text cosine of a paragraph query and each of `slots`.
    pub(crate) fn paragraph_cosines(&self, query: &ParagraphQuery, slots: &[u32]) -> Vec<f64> {
        let derived = self.derived();
        with_scratch(0, self.term_postings.len(), |scratch| {
            self.load_query(scratch, &query.terms, derived);
            let out = slots
                .iter()
                .map(|&s| self.cosine_to_loaded(scratch, s, query.norm, derived))
                .collect();
            self.unload_query(scratch, &query.terms);
            out
        })
    }

    /// Cosine of two articles' TF-IDF vectors (near-duplicates, diversity). Summed over the
    /// shared terms in their (common) text order, so the same however the index was built;
    /// `a` and `b` swapped may differ in the last bit.
    pub(crate) fn text_cosine(&self, a: u32, b: u32) -> f64 {
        self.text_cosines(a, &[b])[0]
    }

    /// [`Index::text_cosine`] of `a` and each of `bs`, loading `a` once.
    pub(crate) fn text_cosines(&self, a: u32, bs: &[u32]) -> Vec<f64> {
        let derived = self.derived();
        let terms = &self.doc(a).terms;
        with_scratch(0, self.term_postings.len(), |scratch| {
            // As `load_query` would load the article's TF-IDF vector, without building it.
            for &(t, tf) in terms {
                let idf = derived.idf[t as usize];
                scratch.by_term[t as usize] = f64::from(tf) * idf * idf;
            }
            let norm = derived.norms[a as usize];
            let cosines = bs
                .iter()
                .map(|&b| self.cosine_to_loaded(scratch, b, norm, derived))
                .collect();
            for &(t, _) in terms {
                scratch.by_term[t as usize] = 0.0;
            }
            cosines
        })
    }

    fn order_key(&self, score: f64, slot: u32) -> (f64, Option<Timestamp>, &str) {
        let article = &self.doc(slot).article;
        (score, article.published, &article.id)
    }

    fn query<'i>(&'i self, slot: u32, derived: &'i Derived) -> Query<'i> {
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
            terms,
            norm: derived.norms[slot as usize],
            entities,
            entity_ids,
            entity_total,
        }
    }

    /// Puts a query's weights in the dense array, each times its term's idf: a dot product
    /// with an article then needs only the article's tf, one array read per term.
    fn load_query(&self, scratch: &mut Scratch, terms: &[(u32, f64)], derived: &Derived) {
        for &(t, w) in terms {
            scratch.by_term[t as usize] = w * derived.idf[t as usize];
        }
    }

    fn unload_query(&self, scratch: &mut Scratch, terms: &[(u32, f64)]) {
        for &(t, _) in terms {
            scratch.by_term[t as usize] = 0.0;
        }
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
        let lists: Vec<(&[super::Posting], f32)> = strongest
            .iter()
            .map(|&(term, weight)| {
                let postings: &[super::Posting] = match derived.top_postings.get(&term) {
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

    /// The entity ids an article must name to share an entity with the query: each of its
    /// canonical entities and the long names taught as them; sorted.
    fn entity_ids_of(&self, query: &Query<'_>, derived: &Derived) -> Vec<u32> {
        let mut ids: Vec<u32> = Vec::new();
        for &(canonical, _, _) in &query.entities {
            ids.push(canonical);
            ids.extend_from_slice(derived.learned.longs_of(canonical));
        }
        ids.sort_unstable();
        ids.dedup();
        ids
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

    /// Every component of the score of `candidate` but recency (set by [`Index::rank`]);
    /// the query's vector is loaded in `scratch`. Entities are compared only for candidates
    /// that share one.
    fn components(
        &self,
        query: &Query<'_>,
        candidate: u32,
        shares_entities: bool,
        scratch: &Scratch,
        derived: &Derived,
    ) -> Explanation {
        let doc = self.doc(candidate);
        let qdoc = self.doc(query.slot);
        let text = self.cosine_to_loaded(scratch, candidate, query.norm, derived);
        let entities = if shares_entities && !query.entities.is_empty() {
            entity_overlap(query, &self.entity_weights(candidate, derived))
        } else {
            0.0
        };
        Explanation {
            text,
            entities,
            tags: jaccard(&qdoc.tags, &doc.tags),
            section: match (&qdoc.section, &doc.section) {
                (Some(a), Some(b)) if a == b => 1.0,
                _ => 0.0,
            },
            recency: 1.0,
            shared_terms: Vec::new(),
            shared_entities: Vec::new(),
        }
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

    /// The entities both articles name, heaviest first.
    fn shared_entities(&self, query: &Query<'_>, slot: u32, derived: &Derived) -> Vec<String> {
        if query.entities.is_empty() {
            return Vec::new();
        }
        let theirs = self.entity_weights(slot, derived);
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
/// is the query; it can differ from [`crate::entity::weighted_jaccard`] in the last bit.
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

/// Jaccard of two sorted lists without repeats.
fn jaccard(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    let shared = a.iter().filter(|x| b.binary_search(x).is_ok()).count();
    shared as f64 / (a.len() + b.len() - shared) as f64
}
