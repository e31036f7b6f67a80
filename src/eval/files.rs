//! Ranking-mode evaluation straight from the evaluation layout's files, a JSON Lines corpus
//! and its qrels, for a caller that wants one configuration's figures and nothing else
//! (the Python binding's `evaluate`). Every error names the file it comes from.
//!
//! Owns only the order of the steps; reading, indexing and the metrics are done by their own
//! modules.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use super::{Qrels, RankingReport, evaluate_ranking};
use crate::error::{Error, Result};
use crate::index::IndexBuilder;
use crate::jsonl::{JsonlReader, Warning};

/// Indexes the JSON Lines `corpus` with `index` (its configuration and aliases), reads the graded judgments of
/// `qrels` (`query_id<TAB>doc_id<TAB>grade` lines) and ranks every other article for each
/// judged query, as [`evaluate_ranking`] does with the cut-off `k`. Returns the figures and
/// the corpus reader's warnings (a repeated id, whose last version is the one indexed).
///
/// # Errors
/// [`ErrorKind::Io`](crate::ErrorKind::Io) when a file cannot be read; else the errors of
/// [`IndexBuilder::from_jsonl`](crate::IndexBuilder::from_jsonl), [`Qrels::from_tsv`] and [`evaluate_ranking`]. Every message starts
/// with the path of the file it is about.
///
/// # Examples
/// ```
/// use std::path::Path;
///
/// let dir = std::env::temp_dir().join(format!("connexe-evaluate-files-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let (corpus, qrels) = (dir.join("corpus.jsonl"), dir.join("qrels.tsv"));
/// std::fs::write(&corpus, r#"{"id": "a", "title": "Rome", "body": "La coalition à Rome."}
/// {"id": "b", "title": "Rome encore", "body": "La coalition se réunit à Rome."}
/// {"id": "c", "title": "Le Wydad champion", "body": "Le club remporte le titre."}
/// "#).unwrap();
/// std::fs::write(&qrels, "a\tb\t1\n").unwrap();
///
/// let (report, warnings) = connexe::eval::evaluate_files(&corpus, &qrels, connexe::Index::builder(), 5)?;
/// assert_eq!((report.queries, report.mrr), (1, 1.0));
/// assert!(warnings.is_empty());
///
/// let missing = dir.join("missing.tsv");
/// let err = connexe::eval::evaluate_files(&corpus, &missing, connexe::Index::builder(), 5).unwrap_err();
/// assert_eq!(err.kind(), connexe::ErrorKind::Io);
/// assert!(err.to_string().starts_with(&format!("{}: ", missing.display())));
/// std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), connexe::Error>(())
/// ```
pub fn evaluate_files(
    corpus: &Path,
    qrels: &Path,
    index: IndexBuilder,
    k: usize,
) -> Result<(RankingReport, Vec<Warning>)> {
    let file = File::open(corpus).map_err(|e| Error::io(corpus.display(), e))?;
    let reader = JsonlReader::new(BufReader::new(file));
    let (index, warnings) = index.from_jsonl(reader, |_| {}).map_err(|e| e.in_file(corpus))?;
    let file = File::open(qrels).map_err(|e| Error::io(qrels.display(), e))?;
    let judgments = Qrels::from_tsv(BufReader::new(file)).map_err(|e| e.in_file(qrels))?;
    let report = evaluate_ranking(&index, &judgments, k).map_err(|e| e.in_file(qrels))?;
    Ok((report, warnings))
}
