//! The index against obviously correct oracles:
//! - its text scores and ranking against a brute-force TF-IDF cosine over every pair;
//! - an index changed article by article against one built from scratch on the final corpus.

use std::collections::BTreeMap;

use connexe::{Analyzer, Article, FieldWeights, Index, IndexConfig, Language, Timestamp, Weights};
use proptest::prelude::*;

const WORDS: &[&str] = &[
    "coalition",
    "réunion",
    "ministre",
    "terrorisme",
    "lutte",
    "sécurité",
    "économie",
    "inflation",
    "football",
    "championnat",
    "élection",
    "budget",
    "santé",
    "hôpital",
    "vaccin",
    "pétrole",
    "énergie",
    "climat",
    "sécheresse",
    "récolte",
    "frontière",
    "migration",
    "justice",
    "procès",
    "enquête",
    "police",
    "université",
    "étudiants",
    "grève",
    "salaires",
    "banque",
    "dette",
    "exportations",
    "port",
    "aéroport",
    "tourisme",
    "festival",
    "musique",
    "cinéma",
    "2021",
];

const NAMES: &[&str] = &[
    "Rome",
    "Maroc",
    "Daech",
    "Nasser Bourita",
    "Antony Blinken",
    "Afrique",
    "BCIJ",
];

/// The brute-force oracle: TF-IDF vectors built from scratch for every article, cosine of
/// every pair. Same definitions as DESIGN.md, none of the index's machinery.
fn oracle(articles: &[Article]) -> BTreeMap<String, Vec<(String, f64)>> {
    oracle_for(articles, &(0..articles.len()).collect::<Vec<_>>())
}

/// [`oracle`] for the articles at `queries` only.
fn oracle_for(articles: &[Article], queries: &[usize]) -> BTreeMap<String, Vec<(String, f64)>> {
    let analyzer = Analyzer::for_language(Language::French);
    let fields = FieldWeights::default();
    let tfs: Vec<BTreeMap<String, f64>> = articles
        .iter()
        .map(|a| {
            let mut tf = BTreeMap::new();
            for (text, weight) in [(&a.title, fields.title), (&a.body, fields.body)] {
                for term in analyzer.terms(text) {
                    *tf.entry(term).or_insert(0.0) += weight;
                }
            }
            tf
        })
        .collect();
    let n = articles.len() as f64;
    let mut df: BTreeMap<&str, f64> = BTreeMap::new();
    for tf in &tfs {
        for term in tf.keys() {
            *df.entry(term).or_insert(0.0) += 1.0;
        }
    }
    let vectors: Vec<BTreeMap<&str, f64>> = tfs
        .iter()
        .map(|tf| {
            tf.iter()
                .map(|(t, &f)| {
                    let sublinear = if f >= 1.0 { 1.0 + f.ln() } else { f };
                    let idf = ((1.0 + n) / (1.0 + df[t.as_str()])).ln() + 1.0;
                    (t.as_str(), sublinear * idf)
                })
                .collect()
        })
        .collect();
    let norm = |v: &BTreeMap<&str, f64>| v.values().map(|w| w * w).sum::<f64>().sqrt();
    let mut out = BTreeMap::new();
    for &i in queries {
        let a = &articles[i];
        let mut scores: Vec<(String, f64)> = articles
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .filter_map(|(j, b)| {
                let dot: f64 = vectors[i]
                    .iter()
                    .filter_map(|(t, w)| vectors[j].get(t).map(|v| w * v))
                    .sum();
                (dot > 0.0).then(|| (b.id.clone(), dot / (norm(&vectors[i]) * norm(&vectors[j]))))
            })
            .collect();
        scores.sort_by(|x, y| y.1.total_cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
        out.insert(a.id.clone(), scores);
    }
    out
}

fn words(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 1..max).prop_map(|w| w.join(" "))
}

fn text_only() -> IndexConfig {
    IndexConfig {
        weights: Weights {
            text: 1.0,
            entities: 0.0,
            tags: 0.0,
            section: 0.0,
            recency_half_life_days: 0.0,
        },
        ..IndexConfig::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn text_scores_equal_brute_force_cosine(
        docs in prop::collection::vec((words(6), words(30)), 2..18),
        k in 1usize..8,
    ) {
        let articles: Vec<Article> = docs
            .into_iter()
            .enumerate()
            .map(|(i, (title, body))| Article { lang: Some(Language::French), ..Article::new(format!("d{i:02}"), title, body) })
            .collect();
        let index = Index::builder().config(text_only()).build(articles.clone()).unwrap();
        let expected = oracle(&articles);
        for a in &articles {
            let got = index.similar(&a.id, k).unwrap();
            let want = &expected[&a.id];
            prop_assert_eq!(got.len(), want.len().min(k), "length for {}", a.id);
            for (g, w) in got.iter().zip(want) {
                // Term weights are stored as f32: scores agree to 1e-6. Equal scores may come
                // in either order between two float computations;
                // each returned id must carry its oracle score, in the oracle's score order.
                prop_assert!((g.score - w.1).abs() < 1e-6, "{}: {} {} vs {} {}", a.id, g.id, g.score, w.0, w.1);
                let own = want.iter().find(|(id, _)| *id == g.id).map(|(_, s)| *s);
                prop_assert!(own.is_some_and(|s| (s - g.score).abs() < 1e-6), "{} scored {}", g.id, g.score);
                prop_assert!((g.explain.text - w.1).abs() < 1e-6);
            }
        }
    }
}

/// More articles share a word with the query than the candidate cut scores before it bounds
/// the rest (1,024): with retrieval reading every posting, the top 5 must still be the
/// brute-force top 5.
#[test]
fn the_candidate_cut_is_exact_past_its_bound() {
    let mut seed: u64 = 7;
    let mut next = move |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n
    };
    let articles: Vec<Article> = (0..6_000)
        .map(|i| {
            let mut text = |len: usize| {
                (0..len)
                    .map(|_| WORDS[next(WORDS.len())])
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let (title, body) = (text(4), text(12 + i % 20));
            Article {
                lang: Some(Language::French),
                ..Article::new(format!("d{i:04}"), title, body)
            }
        })
        .collect();
    let mut config = text_only();
    config.retrieval.query_terms = 100;
    config.retrieval.postings_per_term = 100_000;
    config.retrieval.max_df_ratio = 1.0;
    config.retrieval.candidates = 5;
    let index = Index::builder().config(config).build(articles.clone()).unwrap();
    let queries: Vec<usize> = (0..articles.len()).step_by(397).collect();
    let expected = oracle_for(&articles, &queries);
    for &q in &queries {
        let id = &articles[q].id;
        let got = index.similar(id, 5).unwrap();
        let want = &expected[id];
        assert_eq!(got.len(), 5, "{id}");
        for (g, w) in got.iter().zip(want) {
            assert!(
                (g.score - w.1).abs() < 1e-6,
                "{id}: {} {} vs {} {}",
                g.id,
                g.score,
                w.0,
                w.1
            );
            let own = want.iter().find(|(other, _)| *other == g.id).map(|(_, s)| *s);
            assert!(
                own.is_some_and(|s| (s - g.score).abs() < 1e-6),
                "{id}: {} scored {}",
                g.id,
                g.score
            );
        }
    }
}

#[derive(Clone, Debug)]
enum Op {
    Upsert(usize, Box<Article>),
    Remove(usize),
}

fn article(id: usize) -> impl Strategy<Value = Article> {
    (
        words(5),
        prop::collection::vec(
            prop_oneof![prop::sample::select(WORDS), prop::sample::select(NAMES)],
            1..25,
        ),
        prop::option::of(0i64..2000),
        prop::collection::vec(prop::sample::select(&["Maroc", "Sport", "Économie"][..]), 0..2),
        prop::option::of(prop::sample::select(&["Monde", "Sport"][..])),
        any::<bool>(),
    )
        .prop_map(move |(title, body, day, tags, section, acronym)| {
            let mut body = body.join(" ");
            if acronym {
                body.push_str(". Le Bureau Central d'Investigations Judiciaires (BCIJ) enquête.");
            }
            Article {
                published: day.map(|d| Timestamp::from_unix_seconds(1_600_000_000 + d * 86_400)),
                tags: tags.into_iter().map(String::from).collect(),
                section: section.map(String::from),
                lang: Some(Language::French),
                ..Article::new(format!("a{id}"), title, body)
            }
        })
}

fn ops() -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(
        (0usize..12, any::<bool>()).prop_flat_map(|(id, remove)| {
            if remove {
                Just(Op::Remove(id)).boxed()
            } else {
                article(id).prop_map(move |a| Op::Upsert(id, Box::new(a))).boxed()
            }
        }),
        1..40,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn incremental_changes_equal_a_rebuild(ops in ops()) {
        let mut index = Index::default();
        let mut truth: BTreeMap<usize, Article> = BTreeMap::new();
        for op in ops {
            match op {
                Op::Upsert(id, a) => {
                    let replaced = index.upsert((*a).clone()).unwrap();
                    prop_assert_eq!(replaced, truth.insert(id, *a));
                }
                Op::Remove(id) => {
                    let removed = index.remove(&format!("a{id}")).ok();
                    prop_assert_eq!(removed, truth.remove(&id));
                }
            }
        }
        // Rebuild in reverse order so slots and term ids differ from the incremental index.
        let rebuilt = Index::builder().build(truth.values().rev().cloned()).unwrap();
        prop_assert_eq!(index.len(), rebuilt.len());
        for a in truth.values() {
            prop_assert_eq!(index.similar(&a.id, 10).unwrap(), rebuilt.similar(&a.id, 10).unwrap());
        }
    }
}

#[test]
fn k_zero_unknown_id_and_remove_are_clean() {
    let mut index = Index::default();
    index
        .add(Article::new(
            "a",
            "Rome et la coalition",
            "La coalition se réunit à Rome.",
        ))
        .unwrap();
    index
        .add(Article::new(
            "b",
            "La coalition à Rome",
            "Rome accueille la coalition.",
        ))
        .unwrap();
    assert!(index.similar("a", 0).unwrap().is_empty());
    assert_eq!(index.similar("a", 100).unwrap().len(), 1);
    assert_eq!(
        index.similar("zz", 3).unwrap_err().kind(),
        connexe::ErrorKind::UnknownId
    );
    assert_eq!(
        index.add(Article::new("a", "x", "y")).unwrap_err().kind(),
        connexe::ErrorKind::Input
    );
    assert_eq!(
        index.update(Article::new("c", "x", "y")).unwrap_err().kind(),
        connexe::ErrorKind::UnknownId
    );
    index.remove("b").unwrap();
    assert!(index.similar("a", 3).unwrap().is_empty());
    assert_eq!(
        index.remove("b").unwrap_err().kind(),
        connexe::ErrorKind::UnknownId
    );
}

#[test]
fn learned_acronym_links_articles_that_name_only_one_form() {
    let mut index = Index::new(IndexConfig {
        weights: Weights {
            text: 0.0,
            entities: 1.0,
            ..Weights::default()
        },
        ..IndexConfig::default()
    })
    .unwrap();
    let teach = "Le Bureau Central d'Investigations Judiciaires (BCIJ) a interpellé un suspect.";
    index
        .add(Article::new("teacher", "Interpellation", teach))
        .unwrap();
    index
        .add(Article::new(
            "long",
            "Enquête",
            "Une enquête du Bureau Central d'Investigations Judiciaires à Salé.",
        ))
        .unwrap();
    index
        .add(Article::new(
            "short",
            "Démantèlement",
            "Le BCIJ démantèle une cellule à Tanger.",
        ))
        .unwrap();
    let related = index.similar("long", 5).unwrap();
    assert!(related.iter().any(|r| r.id == "short"), "{related:?}");
    // Without the article that teaches the acronym, the two forms are strangers.
    index.remove("teacher").unwrap();
    assert!(index.similar("long", 5).unwrap().iter().all(|r| r.id != "short"));
}

/// When more articles tie at the candidate cut than it keeps, the smaller ids are kept,
/// whatever slots the articles landed in: forward, reversed and remove-then-add orders
/// agree, with postings cut short too.
#[test]
fn ties_at_the_candidate_cut_go_to_the_smaller_ids_in_any_build_order() {
    let mut config = text_only();
    config.retrieval.candidates = 3;
    config.retrieval.postings_per_term = 4;
    let twin = |i: usize| {
        Article::new(
            format!("t{i:02}"),
            "Volcan islandais",
            "Le volcan islandais se réveille.",
        )
    };
    let query = Article::new("q", "Volcan islandais", "Le volcan islandais se réveille encore.");
    let forward: Vec<Article> = (0..12).map(twin).chain([query.clone()]).collect();
    let mut backward = forward.clone();
    backward.reverse();
    let ids =
        |index: &Index| -> Vec<String> { index.similar("q", 3).unwrap().into_iter().map(|r| r.id).collect() };
    let a = Index::builder()
        .config(config.clone())
        .build(forward.clone())
        .unwrap();
    let b = Index::builder().config(config.clone()).build(backward).unwrap();
    let mut c = Index::builder().config(config).build(forward).unwrap();
    for i in [0, 1, 2] {
        c.remove(&format!("t{i:02}")).unwrap();
    }
    for i in [2, 0, 1] {
        c.add(twin(i)).unwrap();
    }
    assert_eq!(ids(&a), ["t00", "t01", "t02"]);
    assert_eq!(ids(&b), ids(&a));
    assert_eq!(ids(&c), ids(&a));
}

/// The same past the candidate cut's bound (it scores the first 1,024 touched articles, then
/// keeps only the others that reach the bound): 3,000 twins stored in the reverse order of
/// their ids, so the smallest ids are among the last articles touched, tied with the bound.
#[test]
fn ties_with_the_candidate_bound_still_go_to_the_smaller_ids() {
    let mut config = text_only();
    config.retrieval.candidates = 3;
    config.retrieval.postings_per_term = 100_000;
    config.retrieval.max_df_ratio = 1.0;
    let twins = (0..3_000).rev().map(|i| {
        Article::new(
            format!("t{i:04}"),
            "Volcan islandais",
            "Le volcan islandais se réveille.",
        )
    });
    let query = Article::new("q", "Volcan islandais", "Le volcan islandais se réveille encore.");
    let index = Index::builder()
        .config(config)
        .build(twins.chain([query]))
        .unwrap();
    let ids: Vec<String> = index.similar("q", 3).unwrap().into_iter().map(|r| r.id).collect();
    assert_eq!(ids, ["t0000", "t0001", "t0002"]);
}
