//! Whole-corpus rankings: every other article of each judged query, scored once and ranked
//! under any weights.

use std::io::Write;

use hashbrown::HashSet;
use rayon::prelude::*;

use super::{Qrels, RankingReport, average_precision, ndcg_at, precision_at, reciprocal_rank};
use crate::article::Timestamp;
use crate::error::{Error, Result, quoted};
use crate::index::{Index, IndexConfig};
use crate::rank::{Components, Weights, best_first};

/// Weights under which every component counts and nothing decays: [`Index::similar_with`]
/// then returns every candidate its retrieval found, each with all its components.
const EVERY_COMPONENT: Weights = Weights {
    text: 1.0,
    entities: 1.0,
    tags: 1.0,
    section: 1.0,
    recency_half_life_days: 0.0,
};

/// One other article of a query, with the components of its score.
#[derive(Clone, Debug)]
struct Candidate {
    id: String,
    published: Option<Timestamp>,
    /// Found by the index's candidate retrieval, so [`Index::similar`] can return it.
    retrieved: bool,
    /// Recency is computed per weights.
    components: Components,
}

/// Every other article of one query with the components of its score, so that it can be
/// ranked under any [`Weights`] without scoring again (what makes ablations and tuning cheap).
///
/// The ranking is the list [`Index::similar_with`] returns (the articles the index's
/// retrieval found, scoring above 0, in the documented total order), then every other
/// article, by the same score and order: what a reader is shown first, and a complete list
/// for MAP.
///
/// # Examples
/// ```
/// use connexe::{Article, Index, Weights, eval::QueryScores};
///
/// let index = Index::builder().build([
///     Article::new("a", "Inflation record", "L'inflation atteint un record."),
///     Article::new("b", "La BCE et l'inflation", "L'inflation inquiète la BCE."),
///     Article::new("c", "Football", "Le Wydad remporte le championnat."),
/// ])?;
/// let scores = QueryScores::compute(&index, "a")?;
/// let ranked = scores.rank(&Weights::default());
/// assert_eq!(ranked.iter().map(|r| r.id).collect::<Vec<_>>(), ["b", "c"]);
/// assert_eq!(ranked[1].score, 0.0); // shares nothing, but still ranked
/// # Ok::<(), connexe::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct QueryScores {
    query: String,
    published: Option<Timestamp>,
    candidates: Vec<Candidate>,
}

/// One place of a ranking.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ranked<'a> {
    /// The article.
    pub id: &'a str,
    /// Its score under the weights of the ranking.
    pub score: f64,
}

impl QueryScores {
    /// Scores every other article of the index for article `query`.
    ///
    /// # Errors
    /// [`ErrorKind::UnknownId`](crate::ErrorKind::UnknownId) when `query` is not indexed.
    pub fn compute(index: &Index, query: &str) -> Result<QueryScores> {
        Self::compute_with(index, None, query)
    }

    /// As [`QueryScores::compute`]; `wide`, the same articles indexed with retrieval
    /// unbounded ([`wide_config`]), scores in one query what the index's retrieval left out,
    /// where [`Index::explain`] would take one call per article.
    fn compute_with(index: &Index, wide: Option<&Index>, query: &str) -> Result<QueryScores> {
        let published = index
            .get(query)
            .ok_or_else(|| Error::unknown_id(query))?
            .published;
        let candidate = |r: crate::rank::Recommendation, retrieved: bool| Candidate {
            id: r.id,
            published: r.published,
            retrieved,
            components: Components::of(&r.explain),
        };
        let mut candidates: Vec<Candidate> = index
            .similar_with(query, index.len(), &EVERY_COMPONENT)?
            .into_iter()
            .map(|r| candidate(r, true))
            .collect();
        let mut found: HashSet<String> = candidates.iter().map(|c| c.id.clone()).collect();
        if let Some(wide) = wide {
            for r in wide.similar_with(query, wide.len(), &EVERY_COMPONENT)? {
                if found.insert(r.id.clone()) {
                    candidates.push(candidate(r, false));
                }
            }
        }
        // What no retrieval found shares no term with the query (or only very common ones).
        let mut rest: Vec<&str> = index
            .articles()
            .map(|a| a.id.as_str())
            .filter(|id| *id != query && !found.contains(*id))
            .collect();
        rest.sort_unstable();
        for id in rest {
            candidates.push(candidate(index.explain(query, id)?, false));
        }
        Ok(QueryScores {
            query: query.to_owned(),
            published,
            candidates,
        })
    }

    /// The query's id.
    pub fn query(&self) -> &str {
        &self.query
    }

    /// Every other article, best first, under `weights`.
    pub fn rank(&self, weights: &Weights) -> Vec<Ranked<'_>> {
        self.order(weights)
            .into_iter()
            .map(|(i, score)| Ranked {
                id: &self.candidates[i].id,
                score,
            })
            .collect()
    }

    /// (candidate index, score), best first: the retrieved candidates scoring above 0 (the
    /// list `similar_with` gives), then the others; each part in the total order.
    fn order(&self, weights: &Weights) -> Vec<(usize, f64)> {
        let (mut head, mut rest): (Vec<_>, Vec<_>) = self
            .candidates
            .iter()
            .enumerate()
            .map(|(i, c)| {
                (
                    i,
                    c.components
                        .score(weights, weights.recency(self.published, c.published)),
                )
            })
            .partition(|&(i, score)| self.candidates[i].retrieved && score > 0.0);
        let key = |&(i, score): &(usize, f64)| {
            let c = &self.candidates[i];
            (score, c.published, c.id.as_str())
        };
        best_first(&mut head, usize::MAX, key);
        best_first(&mut rest, usize::MAX, key);
        head.extend(rest);
        head
    }
}

/// `config` with retrieval unbounded: every article sharing a term or an entity with the
/// query is scored. Scores do not depend on retrieval, so they are those of `config`.
fn wide_config(config: &IndexConfig) -> IndexConfig {
    let mut wide = config.clone();
    wide.retrieval.query_terms = usize::MAX;
    wide.retrieval.candidates = usize::MAX;
    wide.retrieval.max_df_ratio = 1.0;
    wide.retrieval.postings_per_term = usize::MAX;
    wide
}

/// One query of the judgments with its scores and its grades.
#[derive(Clone, Debug)]
struct Judged {
    scores: QueryScores,
    /// The grade of each candidate, in candidate order.
    grades: Vec<f64>,
    /// Every grade of the query (the ideal ranking).
    all: Vec<f64>,
}

impl Judged {
    /// Whether the means count this query: it has a grade > 0.
    fn counts(&self) -> bool {
        self.all.iter().any(|&g| g > 0.0)
    }

    /// The grades in ranked order under `weights`.
    fn ranked(&self, weights: &Weights) -> Vec<f64> {
        self.scores
            .order(weights)
            .into_iter()
            .map(|(i, _)| self.grades[i])
            .collect()
    }
}

/// Every query of a set of judgments, scored once against the whole corpus; figures for any
/// [`Weights`] follow without scoring again.
///
/// # Examples
/// ```
/// use connexe::{Article, Index, eval::{Qrels, RankingSet}};
///
/// let index = Index::builder().build([
///     Article::new("a", "Inflation record", "L'inflation atteint un record."),
///     Article::new("b", "La BCE et l'inflation", "L'inflation inquiète la BCE."),
///     Article::new("c", "Football", "Le Wydad remporte le championnat."),
/// ])?;
/// let qrels = Qrels::from_tsv("a\tb\t1\na\tc\t0\n".as_bytes())?;
/// let set = RankingSet::new(&index, &qrels)?;
/// let report = set.evaluate(&index.config().weights, 1);
/// assert_eq!((report.queries, report.ndcg, report.mrr), (1, 1.0, 1.0));
/// # Ok::<(), connexe::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct RankingSet {
    /// Every query of the judgments, in file order.
    queries: Vec<Judged>,
}

impl RankingSet {
    /// Scores every other article for each query of `qrels` (on all cores), with a second
    /// index of the same articles whose retrieval is unbounded (see [`QueryScores`]).
    ///
    /// # Errors
    /// [`ErrorKind::Input`](crate::ErrorKind::Input) naming the line of the first judgment
    /// whose id the index lacks.
    pub fn new(index: &Index, qrels: &Qrels) -> Result<RankingSet> {
        qrels.check_ids(index)?;
        let wide = Index::builder()
            .config(wide_config(index.config()))
            .aliases(index.aliases().clone())
            .build(index.articles().cloned())?;
        let queries = qrels
            .order
            .par_iter()
            .map(|query| {
                let scores = QueryScores::compute_with(index, Some(&wide), query)?;
                let grades = scores
                    .candidates
                    .iter()
                    .map(|c| qrels.grade(query, &c.id))
                    .collect();
                Ok(Judged {
                    all: qrels.grades_of(query),
                    grades,
                    scores,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(RankingSet { queries })
    }

    /// How many queries the means are over (those with a grade > 0).
    pub fn queries(&self) -> usize {
        self.queries.iter().filter(|q| q.counts()).count()
    }

    /// nDCG@k, P@k, MRR and MAP under `weights`, means over the queries with a grade > 0.
    pub fn evaluate(&self, weights: &Weights, k: usize) -> RankingReport {
        let mut report = RankingReport {
            k,
            ..RankingReport::default()
        };
        for judged in self.queries.iter().filter(|q| q.counts()) {
            let ranked = judged.ranked(weights);
            report.queries += 1;
            report.ndcg += ndcg_at(&ranked, &judged.all, k);
            report.precision += precision_at(&ranked, k);
            report.mrr += reciprocal_rank(&ranked);
            report.map += average_precision(&ranked, &judged.all);
        }
        if report.queries > 0 {
            let n = report.queries as f64;
            report.ndcg /= n;
            report.precision /= n;
            report.mrr /= n;
            report.map /= n;
        }
        report
    }

    /// Mean nDCG@k for k = 1 to `max_k` under `weights` (element `i` is nDCG@(i + 1)).
    pub fn ndcg_curve(&self, weights: &Weights, max_k: usize) -> Vec<f64> {
        let mut sums = vec![0.0; max_k];
        let mut n = 0;
        for judged in self.queries.iter().filter(|q| q.counts()) {
            let ranked = judged.ranked(weights);
            n += 1;
            for (i, sum) in sums.iter_mut().enumerate() {
                *sum += ndcg_at(&ranked, &judged.all, i + 1);
            }
        }
        if n > 0 {
            sums.iter_mut().for_each(|s| *s /= n as f64);
        }
        sums
    }

    /// Writes a TREC run file under `weights`: `query_id Q0 doc_id rank score tag` lines, every
    /// query of the judgments in file order, every other article ranked (rank from 1).
    ///
    /// # Errors
    /// [`ErrorKind::Input`](crate::ErrorKind::Input) for an id or tag holding whitespace (the
    /// format separates fields by it), [`ErrorKind::Io`](crate::ErrorKind::Io) when writing
    /// fails.
    pub fn write_run<W: Write>(&self, weights: &Weights, tag: &str, mut out: W) -> Result<()> {
        let field = |value: &str, what: &str| -> Result<()> {
            if value.is_empty() || value.chars().any(char::is_whitespace) {
                return Err(Error::input(format!(
                    "{what} {}: a TREC run file separates fields by whitespace, so it cannot hold \
                     an empty value or one with whitespace",
                    quoted(value)
                )));
            }
            Ok(())
        };
        field(tag, "run tag")?;
        let io = |e| Error::io("run file", e);
        for judged in &self.queries {
            let query = judged.scores.query();
            field(query, "article id")?;
            for (rank, r) in judged.scores.rank(weights).iter().enumerate() {
                field(r.id, "article id")?;
                writeln!(out, "{query} Q0 {} {} {:.6} {tag}", r.id, rank + 1, r.score).map_err(io)?;
            }
        }
        out.flush().map_err(io)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::Article;

    fn corpus() -> Index {
        // Entities supplied by the CMS, so the entity-only ranking has something to rank.
        let town = |a: Article| Article {
            entities: vec!["Greenfield".into()],
            ..a
        };
        let articles = [
            town(Article::new(
                "q",
                "Solar panels on the school roof",
                "The school roof gets solar panels this summer; the panels feed the school kitchen.",
            )),
            town(Article::new(
                "d1",
                "Solar panels for the town hall",
                "The town hall roof gets solar panels, like the school.",
            )),
            Article::new("d2", "A school kitchen", "The school kitchen serves local food."),
            Article::new("d3", "Football final", "The final ends two goals to one."),
            Article::new("d4", "Solar farm", "A solar farm opens near the river."),
        ];
        Index::builder().build(articles).unwrap()
    }

    /// The ranking's head is what `similar_with` returns, under any weights; the rest follows.
    #[test]
    fn head_is_the_list_similar_with_gives() {
        let index = corpus();
        let scores = QueryScores::compute(&index, "q").unwrap();
        for weights in [
            Weights::default(),
            Weights {
                entities: 0.0,
                ..Weights::default()
            },
            Weights {
                text: 0.0,
                ..Weights::default()
            },
            Weights {
                entities: 0.7,
                text: 0.3,
                ..Weights::default()
            },
        ] {
            let ranked = scores.rank(&weights);
            assert_eq!(ranked.len(), index.len() - 1);
            let similar = index.similar_with("q", index.len(), &weights).unwrap();
            assert!(!similar.is_empty());
            for (r, s) in ranked.iter().zip(&similar) {
                assert_eq!((r.id, r.score), (s.id.as_str(), s.score), "{weights:?}");
            }
            // The rest: never a retrieved article again, and every id once.
            let mut ids: Vec<&str> = ranked.iter().map(|r| r.id).collect();
            ids.sort_unstable();
            assert_eq!(ids, ["d1", "d2", "d3", "d4"]);
        }
    }

    /// The fast path (a wide index) and the slow one (`explain` per article) agree.
    #[test]
    fn wide_index_scores_like_explain() {
        let index = corpus();
        let config = IndexConfig {
            retrieval: crate::index::RetrievalOptions {
                candidates: 1,
                ..Default::default()
            },
            ..Default::default()
        };
        let narrow = Index::builder()
            .config(config)
            .build(index.articles().cloned())
            .unwrap();
        let wide = Index::builder()
            .config(wide_config(narrow.config()))
            .build(index.articles().cloned())
            .unwrap();
        let slow = QueryScores::compute(&narrow, "q").unwrap();
        let fast = QueryScores::compute_with(&narrow, Some(&wide), "q").unwrap();
        assert!(slow.candidates.iter().filter(|c| !c.retrieved).count() >= 2);
        for weights in [
            Weights::default(),
            Weights {
                text: 0.0,
                ..Weights::default()
            },
        ] {
            assert_eq!(slow.rank(&weights), fast.rank(&weights));
        }
    }

    #[test]
    fn run_file_lines_and_bad_tags() {
        let index = corpus();
        let qrels = Qrels::from_tsv("q\td1\t1\n".as_bytes()).unwrap();
        let set = RankingSet::new(&index, &qrels).unwrap();
        let mut out = Vec::new();
        set.write_run(&Weights::default(), "connexe", &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split(' ').collect()).collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(lines[0][..4], ["q", "Q0", "d1", "1"]);
        assert!(
            lines
                .iter()
                .enumerate()
                .all(|(i, l)| l[3] == (i + 1).to_string() && l[5] == "connexe")
        );
        let err = set
            .write_run(&Weights::default(), "my run", Vec::new())
            .unwrap_err();
        assert!(err.to_string().starts_with("run tag \"my run\": "), "{err}");
    }

    #[test]
    fn curve_matches_evaluate() {
        let index = corpus();
        let qrels = Qrels::from_tsv("q\td1\t1\nq\td2\t0.5\nq\td4\t0.5\n".as_bytes()).unwrap();
        let set = RankingSet::new(&index, &qrels).unwrap();
        let w = Weights::default();
        let curve = set.ndcg_curve(&w, 4);
        for k in 1..=4 {
            assert_eq!(curve[k - 1], set.evaluate(&w, k).ndcg);
        }
        let err = RankingSet::new(&index, &Qrels::from_tsv("q\tzz\t1\n".as_bytes()).unwrap()).unwrap_err();
        assert_eq!(err.to_string(), "line 1: unknown article id \"zz\"");
    }
}
