//! Measuring recommendation quality against human judgments.
//!
//! Metrics follow ../shared/eval/README.md exactly, so figures compare across tools:
//! nDCG@k with linear gain and 1/log2(rank+1) discount, the ideal from the query's own grades;
//! P@k, MRR and MAP with "relevant" meaning grade >= 0.5; every mean over the queries with at
//! least one grade > 0.
//!
//! The pieces, in the order a run uses them: [`Qrels`] or [`Pairs`] (the judgments),
//! [`RankingSet`] or [`PairSet`] (every judged query or pair scored once), then figures for any
//! [`Weights`](crate::Weights) ([`RankingSet::evaluate`], [`PairSet::evaluate`]); [`Variant`]s
//! for ablations and [`grid_search`] for tuning build on them.

mod ablate;
mod files;
mod pairs;
mod run;
mod tune;

use std::io::BufRead;

use hashbrown::HashMap;
use serde::Serialize;

use crate::error::{Error, Result, quoted};
use crate::index::Index;
pub use ablate::Variant;
pub use files::evaluate_files;
pub use pairs::{ColumnReport, Correlation, PairSet, Pairs, PairsReport};
pub use run::{QueryScores, Ranked, RankingSet};
pub use tune::{Grid, Trial, grid_search};

/// The grade from which a document counts as relevant for P@k, MRR and MAP.
pub const RELEVANT: f64 = 0.5;

/// Graded judgments: query id -> document id -> grade (unlisted pairs are grade 0).
///
/// # Examples
/// ```
/// let qrels = connexe::eval::Qrels::from_tsv("q1\td1\t1\nq1\td2\t0.5\n".as_bytes()).unwrap();
/// assert_eq!(qrels.grade("q1", "d2"), 0.5);
/// assert_eq!(qrels.grade("q1", "d9"), 0.0);
/// let err = connexe::eval::Qrels::from_tsv("q1\td1\n".as_bytes()).unwrap_err();
/// assert_eq!(err.to_string(), "line 1: expected `query_id<TAB>doc_id<TAB>grade`, got 2 fields");
/// ```
#[derive(Clone, Debug, Default)]
pub struct Qrels {
    grades: HashMap<String, HashMap<String, f64>>,
    /// Query ids in file order, for reproducible reports.
    order: Vec<String>,
    /// (line, query id, document id) of each judgment, to name the line of an unknown id.
    lines: Vec<(u64, String, String)>,
    /// Lines that judge a query against itself: left out, since the query is never a candidate.
    self_judgments: Vec<u64>,
}

/// Calls `row(line number, fields)` for each non-blank line of a tab-separated file, its
/// fields trimmed; a read error names the line.
pub(crate) fn tsv_rows<R: BufRead>(reader: R, mut row: impl FnMut(u64, &[&str]) -> Result<()>) -> Result<()> {
    for (n, line) in reader.lines().enumerate() {
        let n = n as u64 + 1;
        let line = line.map_err(|e| Error::io(format!("line {n}"), e))?;
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
        row(n, &fields)?;
    }
    Ok(())
}

impl Qrels {
    /// Reads `query_id<TAB>doc_id<TAB>grade` lines (no header; blank lines skipped). A line
    /// that judges a query against itself is left out (see [`Qrels::self_judgments`]).
    ///
    /// # Errors
    /// [`ErrorKind::Input`](crate::ErrorKind::Input) naming the line for a wrong number of
    /// fields or a grade that is not a finite number >= 0; [`ErrorKind::Io`](crate::ErrorKind::Io).
    pub fn from_tsv<R: BufRead>(reader: R) -> Result<Qrels> {
        let mut qrels = Qrels::default();
        tsv_rows(reader, |n, fields| {
            let [query, doc, grade] = fields[..] else {
                return Err(Error::input(format!(
                    "expected `query_id<TAB>doc_id<TAB>grade`, got {} fields",
                    fields.len()
                ))
                .at_line(n));
            };
            let grade: f64 = grade
                .parse()
                .ok()
                .filter(|g: &f64| g.is_finite() && *g >= 0.0)
                .ok_or_else(|| {
                    Error::input(format!("grade: expected a number >= 0, got {}", quoted(grade))).at_line(n)
                })?;
            if query == doc {
                qrels.self_judgments.push(n);
                return Ok(());
            }
            if !qrels.grades.contains_key(query) {
                qrels.order.push(query.to_owned());
            }
            qrels
                .grades
                .entry(query.to_owned())
                .or_default()
                .insert(doc.to_owned(), grade);
            qrels.lines.push((n, query.to_owned(), doc.to_owned()));
            Ok(())
        })?;
        Ok(qrels)
    }

    /// The lines that judged a query against itself, left out of every figure: a query is
    /// never its own candidate (../shared/eval/README.md).
    pub fn self_judgments(&self) -> &[u64] {
        &self.self_judgments
    }

    /// The grade of a pair (0 when not listed).
    pub fn grade(&self, query: &str, doc: &str) -> f64 {
        self.grades
            .get(query)
            .and_then(|g| g.get(doc))
            .copied()
            .unwrap_or(0.0)
    }

    /// The query ids with at least one grade > 0, in file order: the queries every mean is over.
    pub fn queries(&self) -> impl Iterator<Item = &str> {
        self.order
            .iter()
            .filter(|q| self.grades[*q].values().any(|&g| g > 0.0))
            .map(String::as_str)
    }

    /// Checks that every id of the judgments is in the index.
    ///
    /// # Errors
    /// [`ErrorKind::Input`](crate::ErrorKind::Input) naming the line and the id.
    pub fn check_ids(&self, index: &Index) -> Result<()> {
        for (line, query, doc) in &self.lines {
            for id in [query, doc] {
                if !index.contains(id) {
                    return Err(Error::input(format!("unknown article id {}", quoted(id))).at_line(*line));
                }
            }
        }
        Ok(())
    }

    fn grades_of(&self, query: &str) -> Vec<f64> {
        self.grades
            .get(query)
            .map(|g| g.values().copied().collect())
            .unwrap_or_default()
    }
}

/// nDCG@k of one ranking: `ranked` are the grades of the ranked documents, best first;
/// `all` the grades of every judged document of the query.
///
/// # Examples
/// ```
/// use connexe::eval::ndcg_at;
/// assert_eq!(ndcg_at(&[1.0, 0.0], &[1.0], 5), 1.0);
/// let ideal = 1.0 + 1.0 / 3f64.log2();
/// assert!((ndcg_at(&[0.0, 1.0, 1.0], &[1.0, 1.0], 5) - (1.0 / 3f64.log2() + 0.5) / ideal).abs() < 1e-12);
/// ```
pub fn ndcg_at(ranked: &[f64], all: &[f64], k: usize) -> f64 {
    let dcg = |grades: &mut dyn Iterator<Item = f64>| -> f64 {
        grades
            .take(k)
            .enumerate()
            .map(|(i, g)| g / ((i + 2) as f64).log2())
            .sum()
    };
    let mut ideal: Vec<f64> = all.to_vec();
    ideal.sort_by(|a, b| b.total_cmp(a));
    let best = dcg(&mut ideal.into_iter());
    if best > 0.0 {
        dcg(&mut ranked.iter().copied()) / best
    } else {
        0.0
    }
}

/// Share of relevant documents (grade >= 0.5) in the first `k`: always divided by `k`.
pub fn precision_at(ranked: &[f64], k: usize) -> f64 {
    if k == 0 {
        return 0.0;
    }
    ranked.iter().take(k).filter(|&&g| g >= RELEVANT).count() as f64 / k as f64
}

/// 1 / rank of the first relevant document; 0 when none is ranked.
pub fn reciprocal_rank(ranked: &[f64]) -> f64 {
    ranked
        .iter()
        .position(|&g| g >= RELEVANT)
        .map_or(0.0, |i| 1.0 / (i + 1) as f64)
}

/// Average precision: the mean, over all relevant documents of the query, of the precision
/// at the rank of each (0 for those not ranked).
pub fn average_precision(ranked: &[f64], all: &[f64]) -> f64 {
    let relevant = all.iter().filter(|&&g| g >= RELEVANT).count();
    if relevant == 0 {
        return 0.0;
    }
    let mut hits = 0;
    let mut sum = 0.0;
    for (i, &g) in ranked.iter().enumerate() {
        if g >= RELEVANT {
            hits += 1;
            sum += hits as f64 / (i + 1) as f64;
        }
    }
    sum / relevant as f64
}

/// Ranking-mode figures over a set of queries. As JSON, one object whose keys carry the
/// cut-off, as in ../shared/eval/README.md:
///
/// ```
/// let report = connexe::eval::RankingReport { queries: 2, k: 5, ndcg: 0.5, precision: 0.4, mrr: 1.0, map: 0.75 };
/// assert_eq!(
///     serde_json::to_string(&report).unwrap(),
///     r#"{"queries":2,"ndcg@5":0.5,"p@5":0.4,"mrr":1.0,"map":0.75}"#
/// );
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RankingReport {
    /// Queries with at least one grade > 0.
    pub queries: usize,
    /// The cut-off of nDCG and P.
    pub k: usize,
    /// Mean nDCG@k.
    pub ndcg: f64,
    /// Mean P@k.
    pub precision: f64,
    /// Mean reciprocal rank.
    pub mrr: f64,
    /// Mean average precision.
    pub map: f64,
}

impl Serialize for RankingReport {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry("queries", &self.queries)?;
        map.serialize_entry(&format!("ndcg@{}", self.k), &self.ndcg)?;
        map.serialize_entry(&format!("p@{}", self.k), &self.precision)?;
        map.serialize_entry("mrr", &self.mrr)?;
        map.serialize_entry("map", &self.map)?;
        map.end()
    }
}

/// Ranks every other article for each judged query with the index's own weights and computes
/// the mean figures (see [`RankingSet`] for how the ranking covers the whole corpus).
///
/// # Errors
/// An input error naming the line of the first judgment whose id the index lacks.
pub fn evaluate_ranking(index: &Index, qrels: &Qrels, k: usize) -> Result<RankingReport> {
    Ok(RankingSet::new(index, qrels)?.evaluate(&index.config().weights, k))
}

/// Pearson correlation of two equally long series; 0 when either is constant.
///
/// # Examples
/// ```
/// assert!((connexe::eval::pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.5]) - 0.9986).abs() < 1e-3);
/// ```
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().min(y.len());
    if n == 0 {
        return 0.0;
    }
    let mx = x[..n].iter().sum::<f64>() / n as f64;
    let my = y[..n].iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        let (dx, dy) = (x[i] - mx, y[i] - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx > 0.0 && syy > 0.0 {
        sxy / (sxx * syy).sqrt()
    } else {
        0.0
    }
}

/// Spearman correlation: Pearson of the ranks, ties given their average rank.
///
/// # Examples
/// ```
/// assert_eq!(connexe::eval::spearman(&[1.0, 5.0, 9.0], &[0.1, 0.2, 0.9]), 1.0);
/// ```
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    pearson(&ranks(x), &ranks(y))
}

/// 1-based ranks, ties averaged.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut out = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &o in &order[i..=j] {
            out[o] = rank;
        }
        i = j + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    /// Hand-computed on paper: grades 0.5, 0, 1 ranked, judged {1, 0.5, 0.5}.
    #[test]
    fn metrics_by_hand() {
        let ranked = [0.5, 0.0, 1.0];
        let all = [1.0, 0.5, 0.5];
        let dcg = 0.5 + 1.0 / 4f64.log2();
        let ideal = 1.0 + 0.5 / 3f64.log2() + 0.5 / 4f64.log2();
        close(ndcg_at(&ranked, &all, 3), dcg / ideal);
        close(ndcg_at(&ranked, &all, 1), 0.5 / 1.0);
        close(precision_at(&ranked, 3), 2.0 / 3.0);
        close(precision_at(&ranked, 5), 2.0 / 5.0);
        close(reciprocal_rank(&ranked), 1.0);
        close(reciprocal_rank(&[0.0, 0.2, 0.5]), 1.0 / 3.0);
        // relevant at ranks 1 and 3; the third relevant one is never ranked.
        close(average_precision(&ranked, &all), (1.0 + 2.0 / 3.0) / 3.0);
    }

    #[test]
    fn ties_and_empty_queries() {
        // Ties in the ideal ranking do not change the ideal DCG.
        close(ndcg_at(&[1.0, 1.0], &[1.0, 1.0], 2), 1.0);
        // A query without any positive grade scores 0 and is left out of the means.
        assert_eq!(ndcg_at(&[0.0], &[0.0], 5), 0.0);
        let qrels = Qrels::from_tsv("q\td\t0\nr\td\t1\n".as_bytes()).unwrap();
        assert_eq!(qrels.queries().collect::<Vec<_>>(), vec!["r"]);
        assert_eq!(precision_at(&[], 5), 0.0);
        assert_eq!(reciprocal_rank(&[]), 0.0);
    }

    #[test]
    fn spearman_averages_tied_ranks() {
        assert_eq!(ranks(&[3.0, 1.0, 3.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
        close(
            spearman(&[1.0, 1.0, 2.0], &[1.0, 2.0, 3.0]),
            pearson(&[1.5, 1.5, 3.0], &[1.0, 2.0, 3.0]),
        );
        assert_eq!(pearson(&[1.0, 1.0], &[1.0, 2.0]), 0.0);
    }

    #[test]
    fn bad_grade_names_line() {
        let err = Qrels::from_tsv("q\td\t1\n\nq\te\tNaN\n".as_bytes()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 3: grade: expected a number >= 0, got \"NaN\""
        );
        let err = Qrels::from_tsv("q\td\t-1\n".as_bytes()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 1: grade: expected a number >= 0, got \"-1\""
        );
    }

    #[test]
    fn self_judgments_are_left_out() {
        let qrels = Qrels::from_tsv("q\tq\t1\nq\td\t0.5\n".as_bytes()).unwrap();
        assert_eq!(qrels.self_judgments(), [1]);
        assert_eq!(qrels.grade("q", "q"), 0.0);
        assert_eq!(qrels.grades_of("q"), vec![0.5]);
    }
}
