//! Quality floors on ../shared/eval: the default scorer must stay at or above the best
//! figure a Python user gets today (../shared/eval/README.md). Skipped where the data is absent.

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

use connexe::eval::{Qrels, evaluate_ranking};
use connexe::{Corpus, Index};

fn ndcg5(set: &str) -> Option<f64> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/eval")
        .join(set);
    if !dir.exists() {
        eprintln!("skipped: {} is absent", dir.display());
        return None;
    }
    let corpus = Corpus::from_jsonl(BufReader::new(File::open(dir.join("corpus.jsonl")).unwrap())).unwrap();
    let index = Index::builder().build(corpus.articles).unwrap();
    let qrels = Qrels::from_tsv(BufReader::new(File::open(dir.join("qrels.tsv")).unwrap())).unwrap();
    let report = evaluate_ranking(&index, &qrels, 5).unwrap();
    eprintln!("{set}: {report:?}");
    Some(report.ndcg)
}

#[test]
fn cnrec_ndcg5_at_or_above_the_best_peer() {
    if let Some(ndcg) = ndcg5("cnrec") {
        assert!(
            ndcg >= 0.718,
            "cnrec nDCG@5 {ndcg:.3} < 0.718 (tantivy MoreLikeThis)"
        );
    }
}

#[test]
fn masakhanews_ndcg5_at_or_above_the_best_peer() {
    if let Some(ndcg) = ndcg5("masakhanews-fr") {
        assert!(
            ndcg >= 0.723,
            "masakhanews-fr nDCG@5 {ndcg:.3} < 0.723 (scikit-learn + Snowball)"
        );
    }
}
