//! Quality of the default scorer on ../shared/eval (skipped where the data is absent):
//! nDCG@5, P@5, MRR and MAP on the ranking sets, Pearson and Spearman on the SemEval pairs.
//!
//! `cargo run --release --example quality [-- WEIGHTS_JSON]`

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use connexe::eval::{Qrels, evaluate_ranking, pearson, spearman};
use connexe::{Corpus, Index, IndexConfig};

fn load(dir: &Path, config: &IndexConfig) -> Index {
    let file = File::open(dir.join("corpus.jsonl")).expect("corpus.jsonl");
    let corpus = Corpus::from_jsonl(BufReader::new(file)).expect("a valid corpus");
    Index::builder()
        .config(config.clone())
        .build(corpus.articles)
        .expect("an index")
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval");
    if !root.exists() {
        eprintln!("skipped: {} is absent", root.display());
        return;
    }
    let mut config = IndexConfig::default();
    if let Some(json) = std::env::args().nth(1) {
        config = serde_json::from_str(&json).expect("an IndexConfig as JSON");
    }
    for set in ["cnrec", "masakhanews-fr"] {
        let dir = root.join(set);
        let index = load(&dir, &config);
        let qrels = Qrels::from_tsv(BufReader::new(File::open(dir.join("qrels.tsv")).unwrap())).unwrap();
        let r = evaluate_ranking(&index, &qrels, 5).unwrap();
        println!(
            "{set:16} queries {:3}  nDCG@5 {:.3}  P@5 {:.3}  MRR {:.3}  MAP {:.3}",
            r.queries, r.ndcg, r.precision, r.mrr, r.map
        );
    }
    for lang in ["ar", "de", "en", "es", "fr", "pl", "tr"] {
        let dir = root.join("semeval22").join(lang);
        let index = load(&dir, &config);
        let text = std::fs::read_to_string(dir.join("pairs.tsv")).unwrap();
        let (mut ours, mut human) = (Vec::new(), Vec::new());
        for line in text.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            ours.push(index.explain(f[0], f[1]).unwrap().score);
            human.push(f[2].parse::<f64>().unwrap());
        }
        println!(
            "semeval22/{lang}     pairs {:3}  Pearson {:.3}  Spearman {:.3}",
            ours.len(),
            pearson(&ours, &human),
            spearman(&ours, &human)
        );
    }
}
