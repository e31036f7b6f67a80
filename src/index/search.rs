//! Queries: candidates from the postings, then every candidate scored in full.

use hashbrown::{HashMap, HashSet};

use super::{Derived, Index};
use crate::entity::weighted_jaccard;
use crate::error::{Error, Result};
use crate::rank::{Explanation, Recommendation, Weights, total_order};

/// One article (or one of its paragraphs) as a query: a TF-IDF vector and the article's
/// entities, weighted.
struct Query<'i> {
    /// The article the query is for: never a result, and the other side of tags, section
    /// and recency.
    slot: u32,
    /// term id -> TF-IDF weight.
    terms: HashMap<u32, f64>,
    norm: f64,
    /// (canonical entity key, weight, name), in key order.
    entities: Vec<(&'i str, f64, &'i str)>,
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

/// Entity idf by canonical entity id, filled as a query meets entities.
type EntityIdf = HashMap<u32, f64>;

/// The words of one query article as it writes them, by term: computed once per page (an
/// analysis of the whole article), shared by all its queries.
pub(crate) type Surfaces = std::cell::OnceCell<HashMap<String, String>>;

/// What text of an article a query matches.
#[derive(Clone, Copy, Debug)]
pub(crate) enum QueryText<'a> {
    /// The whole article.
    Article,
    /// One paragraph, mixed with the whole article's vector at `article_share` (0..=1).
    Paragraph { text: &'a str, article_share: f64 },
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
        Ok(self
            .related(slot, QueryText::Article, weights, k, &|_| true, &Surfaces::new())
            .into_iter()
            .map(|(_, r)| r)
            .collect())
    }

    pub(crate) fn slot_of(&self, id: &str) -> Result<u32> {
        self.slots.get(id).copied().ok_or_else(|| Error::unknown_id(id))
    }

    pub(crate) fn article_at(&self, slot: u32) -> &crate::Article {
        &self.doc(slot).article
    }

    pub(crate) fn language_at(&self, slot: u32) -> crate::Language {
        self.doc(slot).lang
    }

    /// Every live slot, in slot order.
    pub(crate) fn live_slots(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.docs.len() as u32).filter(|&s| self.docs[s as usize].is_some())
    }

    /// The `limit` best articles for a query on article `slot`, among those `keep` accepts,
    /// in the documented total order, with their explanations.
    pub(crate) fn related(
        &self,
        slot: u32,
        text: QueryText<'_>,
        weights: &Weights,
        limit: usize,
        keep: &dyn Fn(u32) -> bool,
        surfaces: &Surfaces,
    ) -> Vec<(u32, Recommendation)> {
        if limit == 0 {
            return Vec::new();
        }
        let derived = self.derived();
        let mut idf_cache = EntityIdf::new();
        let mut query = self.query(slot, derived, &mut idf_cache);
        if let QueryText::Paragraph { text, article_share } = text {
            self.mix_paragraph(&mut query, text, article_share, derived);
        }
        let mut scored: Vec<(f64, Explanation, u32)> = self
            .candidates(&query, derived)
            .into_iter()
            .filter(|&candidate| keep(candidate))
            .map(|candidate| {
                let explain = self.components(&query, candidate, derived, &mut idf_cache, weights);
                (weights.combine(&explain), explain, candidate)
            })
            .filter(|(score, _, _)| *score > 0.0)
            .collect();
        scored.sort_by(|a, b| total_order(self.order_key(a.0, a.2), self.order_key(b.0, b.2)));
        scored.truncate(limit);
        let surfaces = surfaces.get_or_init(|| self.surfaces(slot));
        scored
            .into_iter()
            .map(|(score, explain, candidate)| {
                (
                    candidate,
                    self.recommendation(&query, candidate, score, explain, derived, surfaces),
                )
            })
            .collect()
    }

    /// Replaces the query's text vector by `(1 - share)·p̂ + share·â`: the paragraph's own
    /// unit vector `p̂` mixed with the whole article's `â`.
    fn mix_paragraph(&self, query: &mut Query<'_>, paragraph: &str, share: f64, derived: &Derived) {
        let analyzer = self.analyzers.get(self.doc(query.slot).lang);
        let mut counts: HashMap<u32, f64> = HashMap::new();
        analyzer.analyze(paragraph, |_, term| {
            if let Some(t) = self.terms.get(term) {
                *counts.entry(t).or_insert(0.0) += 1.0;
            }
        });
        let mut weights: Vec<(u32, f64)> = counts
            .into_iter()
            .map(|(t, tf)| (t, (1.0 + tf.ln()) * derived.idf[t as usize]))
            .collect();
        // Sums run in term order: the same query gives the same bits however the index was built.
        weights.sort_by(|a, b| self.terms.text(a.0).cmp(self.terms.text(b.0)));
        let p_norm = weights.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
        let a_norm = query.norm;
        let mut mixed: HashMap<u32, f64> = HashMap::new();
        if a_norm > 0.0 {
            for (&t, &w) in &query.terms {
                mixed.insert(t, share * w / a_norm);
            }
        }
        if p_norm > 0.0 {
            for (t, w) in weights {
                *mixed.entry(t).or_insert(0.0) += (1.0 - share) * w / p_norm;
            }
        }
        let mut squares: Vec<(&str, f64)> =
            mixed.iter().map(|(&t, &w)| (self.terms.text(t), w * w)).collect();
        squares.sort_by(|a, b| a.0.cmp(b.0));
        query.norm = squares.iter().map(|(_, w)| w).sum::<f64>().sqrt();
        query.terms = mixed;
    }

    /// Cosine of two articles' TF-IDF vectors (near-duplicates, diversity).
    pub(crate) fn text_cosine(&self, a: u32, b: u32) -> f64 {
        let derived = self.derived();
        let (na, nb) = (derived.norms[a as usize], derived.norms[b as usize]);
        if na == 0.0 || nb == 0.0 {
            return 0.0;
        }
        let (ta, tb) = (&self.doc(a).terms, &self.doc(b).terms);
        let (mut i, mut j, mut dot) = (0, 0, 0.0);
        while i < ta.len() && j < tb.len() {
            match self.terms.text(ta[i].0).cmp(self.terms.text(tb[j].0)) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    let idf = derived.idf[ta[i].0 as usize];
                    dot += f64::from(ta[i].1) * f64::from(tb[j].1) * idf * idf;
                    i += 1;
                    j += 1;
                }
            }
        }
        (dot / (na * nb)).min(1.0)
    }

    /// The score and explanation of article `to` as a recommendation for article `from`,
    /// whatever the retrieval would have done.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownId`](crate::ErrorKind::UnknownId) when either id is not indexed.
    pub fn explain(&self, from: &str, to: &str) -> Result<Recommendation> {
        let from_slot = *self.slots.get(from).ok_or_else(|| Error::unknown_id(from))?;
        let to_slot = *self.slots.get(to).ok_or_else(|| Error::unknown_id(to))?;
        let derived = self.derived();
        let mut idf_cache = EntityIdf::new();
        let query = self.query(from_slot, derived, &mut idf_cache);
        let weights = &self.config.weights;
        let explain = self.components(&query, to_slot, derived, &mut idf_cache, weights);
        let score = weights.combine(&explain);
        let surfaces = self.surfaces(from_slot);
        Ok(self.recommendation(&query, to_slot, score, explain, derived, &surfaces))
    }

    fn order_key(&self, score: f64, slot: u32) -> (f64, Option<crate::Timestamp>, &str) {
        let article = &self.doc(slot).article;
        (score, article.published, &article.id)
    }

    fn query<'i>(&'i self, slot: u32, derived: &'i Derived, idf_cache: &mut EntityIdf) -> Query<'i> {
        let doc = self.doc(slot);
        let terms = doc
            .terms
            .iter()
            .map(|&(t, tf)| (t, f64::from(tf) * derived.idf[t as usize]))
            .collect();
        Query {
            slot,
            terms,
            norm: derived.norms[slot as usize],
            entities: self.weighted_entities(slot, derived, idf_cache),
        }
    }

    /// The article's entities under their canonical keys, weighted by idf × multiplier, in
    /// key order; a name and its acronym count once.
    fn weighted_entities<'i>(
        &'i self,
        slot: u32,
        derived: &Derived,
        idf_cache: &mut EntityIdf,
    ) -> Vec<(&'i str, f64, &'i str)> {
        let mut out: Vec<(&str, f64, &str)> = Vec::new();
        for (entity, multiplier, name) in &self.doc(slot).entities {
            let canonical = derived.learned.to_short.get(entity).copied().unwrap_or(*entity);
            let idf = self.entity_idf(canonical, derived, idf_cache);
            let display = self
                .aliases
                .display_name(self.entities.text(canonical))
                .unwrap_or(name);
            out.push((
                self.entities.text(canonical),
                idf * f64::from(*multiplier),
                display,
            ));
        }
        out.sort_by(|a, b| a.0.cmp(b.0).then(b.1.total_cmp(&a.1)));
        out.dedup_by(|later, earlier| later.0 == earlier.0);
        out
    }

    /// idf of a canonical entity: its articles are those of its key and of every long name
    /// that the corpus teaches as its acronym.
    fn entity_idf(&self, canonical: u32, derived: &Derived, cache: &mut EntityIdf) -> f64 {
        *cache.entry(canonical).or_insert_with(|| {
            let longs = derived
                .learned
                .longs
                .get(&canonical)
                .map_or(&[][..], Vec::as_slice);
            let df = if longs.is_empty() {
                self.entity_postings[canonical as usize].len()
            } else {
                let mut slots: HashSet<u32> = HashSet::new();
                for &e in std::iter::once(&canonical).chain(longs) {
                    slots.extend(self.entity_postings[e as usize].iter().map(|p| p.slot));
                }
                slots.len()
            };
            self.idf(df)
        })
    }

    /// The articles worth scoring in full: the best by the query's strongest terms, and the
    /// best by shared entities. Never a scan of all articles.
    fn candidates(&self, query: &Query<'_>, derived: &Derived) -> Vec<u32> {
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
            .filter(|&(&t, _)| self.term_postings[t as usize].len() <= max_df)
            .map(|(&t, &w)| (t, w))
            .collect();
        strongest.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then_with(|| self.terms.text(a.0).cmp(self.terms.text(b.0)))
        });
        strongest.truncate(options.query_terms);

        let mut by_text: HashMap<u32, f64> = HashMap::new();
        for (term, weight) in strongest {
            let idf = derived.idf[term as usize];
            for p in &self.term_postings[term as usize] {
                if p.slot != query.slot {
                    *by_text.entry(p.slot).or_insert(0.0) += weight * f64::from(p.weight) * idf;
                }
            }
        }
        let by_text = by_text.into_iter().map(|(slot, dot)| {
            let norm = derived.norms[slot as usize];
            (slot, if norm > 0.0 { dot / norm } else { 0.0 })
        });

        let mut by_entity: HashMap<u32, f64> = HashMap::new();
        for &(key, weight, _) in &query.entities {
            let Some(canonical) = self.entities.get(key) else {
                continue;
            };
            let longs = derived
                .learned
                .longs
                .get(&canonical)
                .map_or(&[][..], Vec::as_slice);
            let mut seen: HashSet<u32> = HashSet::new();
            for &e in std::iter::once(&canonical).chain(longs) {
                for p in &self.entity_postings[e as usize] {
                    if p.slot != query.slot && seen.insert(p.slot) {
                        *by_entity.entry(p.slot).or_insert(0.0) += weight;
                    }
                }
            }
        }

        let mut pool: Vec<u32> = self.best(by_text, options.candidates);
        pool.extend(self.best(by_entity.into_iter(), options.candidates));
        pool.sort_unstable();
        pool.dedup();
        pool
    }

    /// The `n` best slots by score, ties by id.
    fn best(&self, scores: impl Iterator<Item = (u32, f64)>, n: usize) -> Vec<u32> {
        let mut all: Vec<(u32, f64)> = scores.collect();
        let cmp = |a: &(u32, f64), b: &(u32, f64)| {
            b.1.total_cmp(&a.1)
                .then_with(|| self.doc(a.0).article.id.cmp(&self.doc(b.0).article.id))
        };
        if all.len() > n {
            all.select_nth_unstable_by(n - 1, cmp);
            all.truncate(n);
        }
        all.into_iter().map(|(slot, _)| slot).collect()
    }

    /// Every component of the score of `candidate` for `query`; shared words and entities
    /// are left for [`Index::recommendation`], which runs only for the results kept.
    fn components(
        &self,
        query: &Query<'_>,
        candidate: u32,
        derived: &Derived,
        idf_cache: &mut EntityIdf,
        weights: &Weights,
    ) -> Explanation {
        let doc = self.doc(candidate);
        let qdoc = self.doc(query.slot);
        let text = {
            let norm = derived.norms[candidate as usize];
            if norm > 0.0 && query.norm > 0.0 {
                let dot: f64 = doc
                    .terms
                    .iter()
                    .filter_map(|&(t, tf)| {
                        query
                            .terms
                            .get(&t)
                            .map(|q| q * f64::from(tf) * derived.idf[t as usize])
                    })
                    .sum();
                (dot / (norm * query.norm)).min(1.0)
            } else {
                0.0
            }
        };
        let entities = if query.entities.is_empty() {
            0.0
        } else {
            let theirs = self.weighted_entities(candidate, derived, idf_cache);
            let a: Vec<(&str, f64)> = query.entities.iter().map(|e| (e.0, e.1)).collect();
            let b: Vec<(&str, f64)> = theirs.iter().map(|e| (e.0, e.1)).collect();
            weighted_jaccard(&a, &b)
        };
        let tags = jaccard(&qdoc.tags, &doc.tags);
        let section = match (&qdoc.section, &doc.section) {
            (Some(a), Some(b)) if a == b => 1.0,
            _ => 0.0,
        };
        Explanation {
            text,
            entities,
            tags,
            section,
            recency: weights.recency(qdoc.article.published, doc.article.published),
            shared_terms: Vec::new(),
            shared_entities: Vec::new(),
        }
    }

    fn recommendation(
        &self,
        query: &Query<'_>,
        candidate: u32,
        score: f64,
        mut explain: Explanation,
        derived: &Derived,
        surfaces: &HashMap<String, String>,
    ) -> Recommendation {
        let doc = self.doc(candidate);
        let mut shared: Vec<(f64, &str)> = doc
            .terms
            .iter()
            .filter_map(|&(t, tf)| {
                let q = query.terms.get(&t)?;
                Some((q * f64::from(tf) * derived.idf[t as usize], self.terms.text(t)))
            })
            .collect();
        shared.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        for (_, term) in shared {
            if explain.shared_terms.len() == self.config.retrieval.explain_terms {
                break;
            }
            let word = surfaces.get(term).map_or(term, String::as_str);
            if !explain.shared_terms.iter().any(|w| w == word) {
                explain.shared_terms.push(word.to_owned());
            }
        }
        if !query.entities.is_empty() {
            let mut idf_cache = EntityIdf::new();
            let theirs = self.weighted_entities(candidate, derived, &mut idf_cache);
            let mut both: Vec<(f64, &str)> = query
                .entities
                .iter()
                .filter_map(|&(key, w, name)| {
                    let other = theirs.binary_search_by(|e| e.0.cmp(key)).ok()?;
                    Some((w.min(theirs[other].1), name))
                })
                .collect();
            both.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
            explain.shared_entities = both.into_iter().map(|(_, name)| name.to_owned()).collect();
        }
        Recommendation {
            id: doc.article.id.clone(),
            title: doc.article.title.clone(),
            url: doc.article.url.clone(),
            published: doc.article.published,
            score,
            explain,
        }
    }

    /// term -> the word as the article first writes it, for readable explanations.
    fn surfaces(&self, slot: u32) -> HashMap<String, String> {
        let doc = self.doc(slot);
        let analyzer = self.analyzers.get(doc.lang);
        let mut out: HashMap<String, String> = HashMap::new();
        let a = &doc.article;
        for text in [Some(&a.title), a.lead.as_ref(), Some(&a.body)]
            .into_iter()
            .flatten()
            .chain(&a.tags)
        {
            analyzer.analyze(text, |surface, term| {
                if !out.contains_key(term) {
                    let word = crate::analysis::without_elision(surface, doc.lang);
                    out.insert(term.to_owned(), word.to_lowercase());
                }
            });
        }
        out
    }
}

/// Jaccard of two sorted lists without repeats.
fn jaccard(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    let shared = a.iter().filter(|x| b.binary_search(x).is_ok()).count();
    shared as f64 / (a.len() + b.len() - shared) as f64
}
