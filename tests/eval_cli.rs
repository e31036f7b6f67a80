//! `connexe eval` and `connexe tune` as a user runs them, on the hand-written fixtures of
//! tests/data/eval (nine short English articles; their rankings are worked out by hand below).

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use connexe::eval::{Qrels, evaluate_ranking};
use connexe::{Corpus, Index};
use serde_json::Value;

#[allow(dead_code)]
mod common;
use common::connexe;

fn data(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/eval")
        .join(name)
        .display()
        .to_string()
}

/// Runs connexe, expecting success, and returns stdout.
fn ok(args: &[&str]) -> String {
    let out = connexe(args);
    assert!(
        out.status.success(),
        "connexe {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Runs connexe, expecting failure, and returns stderr (one line).
fn fails(args: &[&str]) -> String {
    let out = connexe(args);
    assert!(!out.status.success(), "connexe {args:?} exited 0");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(err.starts_with("error: "), "{err}");
    err
}

fn json(args: &[&str]) -> Value {
    let out = ok(args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}

fn close(a: f64, b: f64, what: &str) {
    assert!((a - b).abs() < 1e-9, "{what}: {a} != {b}");
}

fn num(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("no number at {key:?} in {v}"))
}

fn log2(x: f64) -> f64 {
    x.log2()
}

/// The rankings of corpus.jsonl, as the --run file shows them (checked in `run_file`):
///
/// q1: a (1), b (0.5), c (0), d (1), e (0.25), f, q2, q3: c and d are the same text, so they
///     tie and the id orders them; e, f, q2 and q3 share nothing with q1 (score 0, by id).
/// q2: e (0.25), f (1), a, b (0.5), c, d, q1, q3: only e and f share anything with q2.
/// q3: judged, but no grade > 0: left out of every mean.
#[test]
fn ranking_figures_match_hand_computed_values() {
    let v = json(&[
        "eval",
        "--corpus",
        &data("corpus.jsonl"),
        "--qrels",
        &data("qrels.tsv"),
        "--format",
        "json",
    ]);
    assert_eq!(v["queries"], 2, "{v}");
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys.len(), 5, "{v}");
    for key in ["queries", "ndcg@5", "p@5", "mrr", "map"] {
        assert!(v.get(key).is_some(), "{key} missing in {v}");
    }

    // q1: grades in rank order 1, 0.5, 0, 1, 0.25; ideal 1, 1, 0.5, 0.25, 0.
    let dcg1 = 1.0 + 0.5 / log2(3.0) + 0.0 + 1.0 / log2(5.0) + 0.25 / log2(6.0);
    let ideal1 = 1.0 + 1.0 / log2(3.0) + 0.5 / log2(4.0) + 0.25 / log2(5.0);
    // q2: grades in rank order 0.25, 1, 0, 0.5, 0; ideal 1, 0.5, 0.25.
    let dcg2 = 0.25 + 1.0 / log2(3.0) + 0.0 + 0.5 / log2(5.0);
    let ideal2 = 1.0 + 0.5 / log2(3.0) + 0.25 / log2(4.0);
    close(num(&v, "ndcg@5"), (dcg1 / ideal1 + dcg2 / ideal2) / 2.0, "nDCG@5");
    // Relevant (grade >= 0.5) in the first 5: a, b, d for q1; f, b for q2.
    close(num(&v, "p@5"), (3.0 / 5.0 + 2.0 / 5.0) / 2.0, "P@5");
    // First relevant: rank 1 for q1, rank 2 for q2.
    close(num(&v, "mrr"), (1.0 + 1.0 / 2.0) / 2.0, "MRR");
    // q1: relevant at ranks 1, 2, 4 of 3 relevant; q2: ranks 2, 4 of 2.
    let ap1 = (1.0 + 2.0 / 2.0 + 3.0 / 4.0) / 3.0;
    let ap2 = (1.0 / 2.0 + 2.0 / 4.0) / 2.0;
    close(num(&v, "map"), (ap1 + ap2) / 2.0, "MAP");

    // k = 3: q1 has 1, 0.5, 0 (ideal 1, 1, 0.5); q2 has 0.25, 1, 0 (ideal 1, 0.5, 0.25).
    let v = json(&[
        "eval",
        "--corpus",
        &data("corpus.jsonl"),
        "--qrels",
        &data("qrels.tsv"),
        "--k",
        "3",
        "--format",
        "json",
    ]);
    let n1 = (1.0 + 0.5 / log2(3.0)) / (1.0 + 1.0 / log2(3.0) + 0.5 / 2.0);
    let n2 = (0.25 + 1.0 / log2(3.0)) / (1.0 + 0.5 / log2(3.0) + 0.25 / 2.0);
    close(num(&v, "ndcg@3"), (n1 + n2) / 2.0, "nDCG@3");
    close(num(&v, "p@3"), (2.0 / 3.0 + 1.0 / 3.0) / 2.0, "P@3");

    let table = ok(&[
        "eval",
        "--corpus",
        &data("corpus.jsonl"),
        "--qrels",
        &data("qrels.tsv"),
    ]);
    assert!(table.contains("2 queries with a grade > 0"), "{table}");
    let row = table
        .lines()
        .find(|l| l.starts_with("text+entities"))
        .expect("a row");
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells[1..], ["0.844", "0.500", "0.750", "0.708"], "{table}");
}

#[test]
fn run_file() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("out.run");
    ok(&[
        "eval",
        "--corpus",
        &data("corpus.jsonl"),
        "--qrels",
        &data("qrels.tsv"),
        "--run",
        run.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&run).unwrap();
    let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split(' ').collect()).collect();
    // Every query of the judgments (q3 too), every other article once.
    assert_eq!(lines.len(), 3 * 8, "{text}");
    for (i, line) in lines.iter().enumerate() {
        assert_eq!(line.len(), 6, "query_id Q0 doc_id rank score tag: {line:?}");
        assert_eq!((line[1], line[5]), ("Q0", "connexe"));
        assert_eq!(line[3], (i % 8 + 1).to_string(), "ranks count from 1: {line:?}");
        assert_ne!(line[0], line[2], "a query is never its own candidate");
        let score: f64 = line[4].parse().unwrap();
        if i % 8 > 0 {
            let previous: f64 = lines[i - 1][4].parse().unwrap();
            assert!(score <= previous, "scores never rise down a ranking: {text}");
        }
    }
    let order = |q: &str| -> Vec<&str> { lines.iter().filter(|l| l[0] == q).map(|l| l[2]).collect() };
    assert_eq!(order("q1"), ["a", "b", "c", "d", "e", "f", "q2", "q3"]);
    assert_eq!(order("q2"), ["e", "f", "a", "b", "c", "d", "q1", "q3"]);
    // c and d tie (the same text): the same score, ordered by id.
    assert_eq!(lines[2][4], lines[3][4]);
    assert_ne!(lines[2][4], "0.000000");
}

#[test]
fn unknown_ids_and_bad_values_name_file_and_line() {
    let corpus = data("corpus.jsonl");
    let cases: [(&[&str], String); 4] = [
        (
            &["--qrels", &data("qrels-unknown-id.tsv")],
            format!(
                "{}: line 3: unknown article id \"zz\"",
                data("qrels-unknown-id.tsv")
            ),
        ),
        (
            &["--qrels", &data("qrels-bad-grade.tsv")],
            format!(
                "{}: line 2: grade: expected a number >= 0, got \"high\"",
                data("qrels-bad-grade.tsv")
            ),
        ),
        (
            // bg1 is only in the background: never a pair's article.
            &[
                "--pairs",
                &data("pairs-background-id.tsv"),
                "--background",
                &data("background.jsonl"),
            ],
            format!(
                "{}: line 3: unknown article id \"bg1\"",
                data("pairs-background-id.tsv")
            ),
        ),
        (
            &["--pairs", &data("pairs-bad-value.tsv")],
            format!(
                "{}: line 3: column `overall`: expected a number, got \"very\"",
                data("pairs-bad-value.tsv")
            ),
        ),
    ];
    for (args, expected) in cases {
        let mut all = vec!["eval", "--corpus", corpus.as_str()];
        all.extend_from_slice(args);
        let err = fails(&all);
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(err.contains(&expected), "expected {expected:?} in {err:?}");
    }
    assert!(
        fails(&[
            "eval",
            "--corpus",
            &corpus,
            "--qrels",
            &data("qrels.tsv"),
            "--k",
            "0"
        ])
        .contains("--k")
    );
}

/// Pearson of two series, written out plainly.
fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let cov: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    cov / (vx * vy).sqrt()
}

/// Ranks from 1, ties sharing the mean of the ranks they span.
fn average_ranks(x: &[f64]) -> Vec<f64> {
    x.iter()
        .map(|v| {
            let below = x.iter().filter(|w| *w < v).count() as f64;
            let equal = x.iter().filter(|w| *w == v).count() as f64;
            below + (equal + 1.0) / 2.0
        })
        .collect()
}

fn read_corpus(name: &str) -> Vec<connexe::Article> {
    Corpus::from_jsonl(BufReader::new(File::open(data(name)).unwrap()))
        .unwrap()
        .articles
}

/// Our score, text and entities for each pair of pairs.tsv, and its two human columns.
fn expected_pairs(index: &Index) -> (Vec<[f64; 3]>, Vec<[f64; 2]>) {
    let text = std::fs::read_to_string(data("pairs.tsv")).unwrap();
    let (mut ours, mut human) = (Vec::new(), Vec::new());
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let r = index.explain(f[0], f[1]).unwrap();
        ours.push([r.score, r.explain.text, r.explain.entities]);
        human.push([f[2].parse().unwrap(), f[3].parse().unwrap()]);
    }
    (ours, human)
}

fn check_pairs(v: &Value, index: &Index) {
    let (ours, human) = expected_pairs(index);
    assert_eq!(v["pairs"], 7, "{v}");
    assert_eq!(v.as_object().unwrap().len(), 3, "pairs, overall, entities: {v}");
    for (c, column) in ["overall", "entities"].iter().enumerate() {
        let h: Vec<f64> = human.iter().map(|x| x[c]).collect();
        for (i, part) in [None, Some("text"), Some("entities")].iter().enumerate() {
            let o: Vec<f64> = ours.iter().map(|x| x[i]).collect();
            let got = match part {
                None => &v[column],
                Some(part) => &v[column][part],
            };
            let what = format!("{column} {part:?}");
            close(num(got, "pearson"), pearson(&o, &h), &what);
            close(
                num(got, "spearman"),
                pearson(&average_ranks(&o), &average_ranks(&h)),
                &what,
            );
        }
    }
}

#[test]
fn pairs_mode_correlates_our_score_and_each_component() {
    let index = Index::builder().build(read_corpus("corpus.jsonl")).unwrap();
    let (ours, _) = expected_pairs(&index);
    // The fixture exercises every component: entities differ, and ties among human values.
    assert!(ours.iter().any(|x| x[2] > 0.0) && ours.iter().any(|x| x[2] == 0.0));
    let plain = json(&[
        "eval",
        "--corpus",
        &data("corpus.jsonl"),
        "--pairs",
        &data("pairs.tsv"),
        "--format",
        "json",
    ]);
    check_pairs(&plain, &index);

    // With a background: its articles count in term and entity statistics; "c", also in the
    // corpus, keeps the corpus's text.
    let mut articles = read_corpus("background.jsonl");
    articles.retain(|a| a.id != "c");
    articles.extend(read_corpus("corpus.jsonl"));
    let index = Index::builder().build(articles).unwrap();
    let with = json(&[
        "eval",
        "--corpus",
        &data("corpus.jsonl"),
        "--pairs",
        &data("pairs.tsv"),
        "--background",
        &data("background.jsonl"),
        "--format",
        "json",
    ]);
    check_pairs(&with, &index);
    assert_ne!(
        plain["overall"]["text"], with["overall"]["text"],
        "the background changes idf"
    );

    let table = ok(&[
        "eval",
        "--corpus",
        &data("corpus.jsonl"),
        "--pairs",
        &data("pairs.tsv"),
    ]);
    assert!(table.contains("7 pairs"), "{table}");
    assert!(
        table.lines().any(|l| l.starts_with("overall")) && table.lines().any(|l| l.starts_with("entities"))
    );
}

const VARIANTS: [&str; 5] = [
    "text-only",
    "entities-only",
    "text+entities",
    "no-stemming",
    "no-title-weighting",
];

#[test]
fn ablation_lists_every_configuration() {
    let args = [
        "eval",
        "--corpus",
        &data("corpus.jsonl"),
        "--qrels",
        &data("qrels.tsv"),
        "--format",
        "json",
    ];
    let plain = json(&args);
    let ablate = json(&[&args[..], &["--ablate"]].concat());
    let rows = ablate.as_array().expect("an array");
    let names: Vec<&str> = rows
        .iter()
        .map(|r| r["configuration"].as_str().unwrap())
        .collect();
    assert_eq!(names, VARIANTS);
    let default = rows[2].as_object().unwrap();
    for (key, value) in plain.as_object().unwrap() {
        assert_eq!(&default[key], value, "{key}");
    }

    // qrels-ablate.tsv: q3 (a chess player "wins") judges c (engineers "win") relevant. Text
    // ranks c first (d ties, after it by id); q3 names no entity, so entities alone score every
    // article 0 and the id order puts c third (a, b, c); without stemming "wins" is not "win",
    // and c is third again. nDCG@5 is then 1 or 1/log2(4), MRR 1 or 1/3.
    let expected = [1.0, 0.5, 1.0, 0.5, 1.0];
    let v = json(&[
        "eval",
        "--corpus",
        &data("corpus.jsonl"),
        "--qrels",
        &data("qrels-ablate.tsv"),
        "--format",
        "json",
        "--ablate",
    ]);
    for (row, ndcg) in v.as_array().unwrap().iter().zip(expected) {
        close(num(row, "ndcg@5"), ndcg, row["configuration"].as_str().unwrap());
        close(num(row, "mrr"), if ndcg == 1.0 { 1.0 } else { 1.0 / 3.0 }, "MRR");
    }

    let table = ok(&[&args[..5], &["--ablate"]].concat());
    for name in VARIANTS {
        assert!(
            table.lines().any(|l| l.starts_with(name)),
            "{name} missing: {table}"
        );
    }

    let pairs = json(&[
        "eval",
        "--corpus",
        &data("corpus.jsonl"),
        "--pairs",
        &data("pairs.tsv"),
        "--format",
        "json",
        "--ablate",
    ]);
    let rows = pairs.as_array().expect("an array");
    assert_eq!(rows.len(), 5);
    // Text only: our score is the text component.
    assert_eq!(
        rows[0]["overall"]["pearson"],
        rows[0]["overall"]["text"]["pearson"]
    );
}

#[test]
fn plot_draws_one_line_per_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("ndcg.svg");
    let base = [
        "eval",
        "--corpus",
        &data("corpus.jsonl"),
        "--qrels",
        &data("qrels.tsv"),
    ];
    ok(&[&base[..], &["--ablate", "--plot", svg.to_str().unwrap()]].concat());
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.starts_with("<svg"), "{}", &text[..100.min(text.len())]);
    // A line and a legend sample per configuration.
    assert!(text.matches("<polyline").count() >= 2 * VARIANTS.len(), "{text}");
    for name in VARIANTS {
        assert!(
            text.contains(&format!(">\n{name}\n</text>")),
            "{name} missing from the legend"
        );
    }
    assert!(!dir.path().join("ndcg.svg.tmp").exists());

    ok(&[&base[..], &["--plot", svg.to_str().unwrap()]].concat());
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains("text+entities") && !text.contains("no-stemming"));
    let err = fails(&[
        "eval",
        "--corpus",
        &data("corpus.jsonl"),
        "--pairs",
        &data("pairs.tsv"),
        "--plot",
        svg.to_str().unwrap(),
    ]);
    assert!(err.contains("--plot needs rankings"), "{err}");
    let err = fails(&[&base[..], &["--background", &data("background.jsonl")]].concat());
    assert!(err.contains("--background applies to rated pairs"), "{err}");
}

#[test]
fn tune_reports_a_configuration_that_eval_reproduces() {
    let dir = tempfile::tempdir().unwrap();
    let check = format!("{}:{}", data("corpus.jsonl"), data("qrels.tsv"));
    let v = json(&[
        "tune",
        "--corpus",
        &data("corpus.jsonl"),
        "--qrels",
        &data("qrels.tsv"),
        "--check",
        &check,
        "--entity-shares",
        "0,0.5,1",
        "--title",
        "1,3",
        "--format",
        "json",
    ]);
    assert_eq!(v["trials"], 6, "{v}");
    assert!(v["note"].as_str().unwrap().contains("not a result"));
    let sets = v["sets"].as_array().unwrap();
    assert_eq!(
        (sets[0]["in_sample"].as_bool(), sets[1]["in_sample"].as_bool()),
        (Some(true), Some(false))
    );
    // The best configuration, saved as a configuration file, gives eval the tuned figures.
    let config = dir.path().join("tuned.json");
    std::fs::write(&config, serde_json::to_string(&v["best"]).unwrap()).unwrap();
    let tuned = json(&[
        "eval",
        "--corpus",
        &data("corpus.jsonl"),
        "--qrels",
        &data("qrels.tsv"),
        "--config",
        config.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(tuned, sets[0]["tuned"]);
    assert!(num(&sets[0]["tuned"], "ndcg@5") >= num(&sets[0]["configured"], "ndcg@5"));

    let table = ok(&[
        "tune",
        "--corpus",
        &data("corpus.jsonl"),
        "--qrels",
        &data("qrels.tsv"),
        "--title",
        "1,3",
    ]);
    assert!(
        table.contains("[index.weights]") && table.contains("[index.fields]"),
        "{table}"
    );
    assert!(table.contains("No --check set was given"), "{table}");
    let err = fails(&[
        "tune",
        "--corpus",
        &data("corpus.jsonl"),
        "--qrels",
        &data("qrels.tsv"),
        "--check",
        "x",
    ]);
    assert!(err.contains("CORPUS:QRELS"), "{err}");
}

/// The real sets of ../shared/eval, when present: the command line and the library agree.
#[test]
fn shared_eval_sets_when_present() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/cnrec");
    if !dir.join("qrels.tsv").exists() {
        eprintln!("skipped: {} is absent", dir.display());
        return;
    }
    let corpus = dir.join("corpus.jsonl").display().to_string();
    let qrels = dir.join("qrels.tsv").display().to_string();
    let v = json(&["eval", "--corpus", &corpus, "--qrels", &qrels, "--format", "json"]);
    let articles = Corpus::from_jsonl(BufReader::new(File::open(&corpus).unwrap()))
        .unwrap()
        .articles;
    let index = Index::builder().build(articles).unwrap();
    let judgments = Qrels::from_tsv(BufReader::new(File::open(&qrels).unwrap())).unwrap();
    let report = evaluate_ranking(&index, &judgments, 5).unwrap();
    assert_eq!(v, serde_json::to_value(&report).unwrap());
    assert_eq!(report.queries, 149);
}
