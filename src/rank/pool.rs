//! The candidate pool of one article: every candidate the index retrieves, its components
//! computed once, then ranked under any weights and filter as often as the caller needs
//! (`similar` once, the page once per block, eval through `similar_with` and `explain`). The
//! page reads the index only through its pool.

use super::components::{Components, jaccard, same_section};
use super::explanation::{Explanation, Recommendation};
use super::order::best_first;
use super::weights::Weights;
use crate::index::{DocKey, Index, Member, Query, TermVector};

/// One candidate of a pool: the article and its components.
#[derive(Clone, Debug)]
pub(crate) struct Candidate<'i> {
    pub(crate) member: Member<'i>,
    pub(crate) components: Components,
}

/// A candidate ranked under some weights.
#[derive(Clone, Debug)]
pub(crate) struct Scored<'i> {
    pub(crate) member: Member<'i>,
    pub(crate) score: f64,
    /// The components with their recency factor; the shared words and names are looked up
    /// only for what is shown ([`CandidatePool::recommendations`]).
    pub(crate) explain: Explanation,
}

/// A ranked candidate scored again against a paragraph ([`CandidatePool::against`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rescored {
    /// Its place in the ranked list given.
    pub(crate) at: usize,
    /// The text cosine of the paragraph and the candidate.
    pub(crate) text: f64,
    pub(crate) score: f64,
}

impl Rescored {
    /// The candidate `ranked[self.at]` with this text component and score.
    pub(crate) fn of<'i>(&self, ranked: &[Scored<'i>]) -> Scored<'i> {
        let scored = &ranked[self.at];
        Scored {
            member: scored.member,
            score: self.score,
            explain: Explanation {
                text: self.text,
                ..scored.explain.clone()
            },
        }
    }
}

/// Every candidate of one article, scored once.
pub(crate) struct CandidatePool<'i> {
    index: &'i Index,
    article: Member<'i>,
    query: Query<'i>,
    /// In key order, for lookups.
    candidates: Vec<Candidate<'i>>,
}

impl<'i> CandidatePool<'i> {
    /// The pool of `article`: the candidates the index retrieves for it.
    pub(crate) fn retrieve(index: &'i Index, article: Member<'i>) -> Self {
        let query = index.query(article.key);
        let found = index.retrieve(&query);
        Self::scored(index, article, query, &found, false)
    }

    /// The pool of `article` with `others` as its candidates, whatever retrieval would find:
    /// every component computed in full.
    pub(crate) fn of(index: &'i Index, article: Member<'i>, others: &[DocKey]) -> Self {
        let query = index.query(article.key);
        Self::scored(index, article, query, others, true)
    }

    fn scored(
        index: &'i Index,
        article: Member<'i>,
        query: Query<'i>,
        keys: &[DocKey],
        every_entity: bool,
    ) -> Self {
        let candidates = keys
            .iter()
            .zip(index.similarities(&query, keys, every_entity))
            .map(|(&key, similarity)| {
                let member = index.member(key);
                Candidate {
                    member,
                    components: Components {
                        text: similarity.text,
                        entities: similarity.entities,
                        tags: jaccard(article.tags, member.tags),
                        section: same_section(article.section, member.section),
                    },
                }
            })
            .collect();
        CandidatePool {
            index,
            article,
            query,
            candidates,
        }
    }

    /// The candidate for article `key`, when retrieval found it.
    pub(crate) fn candidate(&self, key: DocKey) -> Option<&Candidate<'i>> {
        self.candidates
            .binary_search_by_key(&key, |c| c.member.key)
            .ok()
            .map(|i| &self.candidates[i])
    }

    /// A candidate's score and explanation under `weights`, whatever the score.
    pub(crate) fn score(&self, candidate: &Candidate<'i>, weights: &Weights) -> Scored<'i> {
        let recency = weights.recency(self.article.article.published, candidate.member.article.published);
        Scored {
            member: candidate.member,
            score: candidate.components.score(weights, recency),
            explain: candidate.components.explain(recency),
        }
    }

    /// The candidates `keep` accepts that score above 0 under `weights`, in the documented
    /// total order; the first `limit` only.
    pub(crate) fn rank(
        &self,
        weights: &Weights,
        keep: &dyn Fn(&Member<'_>) -> bool,
        limit: usize,
    ) -> Vec<Scored<'i>> {
        let mut ranked: Vec<Scored<'i>> = self
            .candidates
            .iter()
            .filter(|c| keep(&c.member))
            .map(|c| self.score(c, weights))
            .filter(|s| s.score > 0.0)
            .collect();
        best_first(&mut ranked, limit, |s| {
            (s.score, s.member.article.published, s.member.article.id.as_str())
        });
        ranked
    }

    /// The vector of one paragraph of the pool's article, mixed with `share` of the whole
    /// article's.
    pub(crate) fn paragraph_vector(&self, paragraph: &str, share: f64) -> TermVector {
        self.index.paragraph_vector(&self.query, paragraph, share)
    }

    /// Ranked candidates scored against a paragraph instead of the whole article: the text
    /// component becomes the paragraph vector's cosine; those scoring above 0, in the order
    /// given.
    pub(crate) fn against(
        &self,
        vector: &TermVector,
        ranked: &[Scored<'i>],
        weights: &Weights,
    ) -> Vec<Rescored> {
        let keys: Vec<DocKey> = ranked.iter().map(|s| s.member.key).collect();
        ranked
            .iter()
            .zip(self.index.cosines_to(vector, &keys))
            .enumerate()
            .map(|(at, (scored, text))| {
                let components = Components {
                    text,
                    ..Components::of(&scored.explain)
                };
                Rescored {
                    at,
                    text,
                    score: components.score(weights, scored.explain.recency),
                }
            })
            .filter(|r| r.score > 0.0)
            .collect()
    }

    /// Text cosine of a vector (a paragraph's) and article `key`.
    pub(crate) fn cosine_to(&self, vector: &TermVector, key: DocKey) -> f64 {
        self.index.cosines_to(vector, &[key])[0]
    }

    /// Text cosine of the pool's article and `key`: the pool has it for its candidates.
    pub(crate) fn cosine_to_article(&self, key: DocKey) -> f64 {
        match self.candidate(key) {
            Some(c) => c.components.text,
            None => self.index.text_cosines(self.article.key, &[key])[0],
        }
    }

    /// Text cosines of article `from` and each of `tos` (near-duplicates, diversity).
    pub(crate) fn text_cosines(&self, from: DocKey, tos: &[DocKey]) -> Vec<f64> {
        self.index.text_cosines(from, tos)
    }

    /// The article with this id, for pins: any indexed article, candidate or not.
    pub(crate) fn member_of(&self, id: &str) -> crate::error::Result<Member<'i>> {
        self.index.member_of(id)
    }

    /// Every indexed article, for a block to fall back on when no candidate passes its
    /// filters.
    pub(crate) fn everyone(&self) -> impl Iterator<Item = Member<'i>> + 'i {
        self.index.members()
    }

    /// Recommendations for ranked candidates, with the words and names they share with the
    /// article (with one of its paragraphs' vectors, when given).
    pub(crate) fn recommendations(
        &self,
        ranked: Vec<Scored<'i>>,
        paragraph: Option<&TermVector>,
    ) -> Vec<Recommendation> {
        let keys: Vec<DocKey> = ranked.iter().map(|s| s.member.key).collect();
        let against = paragraph.unwrap_or(self.query.vector());
        let words = self.index.shared_words(&self.query, against, &keys);
        ranked
            .into_iter()
            .zip(words)
            .map(|(scored, shared_terms)| {
                let explain = Explanation {
                    shared_terms,
                    shared_entities: self.index.shared_entities(&self.query, scored.member.key),
                    ..scored.explain
                };
                Recommendation::of(scored.member.article, scored.score, explain)
            })
            .collect()
    }
}
