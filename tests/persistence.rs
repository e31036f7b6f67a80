//! Index files as a CMS uses them: built once, opened many times, changed article by article,
//! and always answering as an index rebuilt from the same articles would.

use std::path::Path;
use std::process::{Command, Output};

use connexe::{Article, Index, IndexConfig, Language, PageConfig};
use proptest::prelude::*;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/masakhanews-fr/corpus.jsonl");

fn connexe(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_connexe"))
        .args(args)
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "connexe {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn page(source: &str, path: &Path, id: &str) -> String {
    String::from_utf8(
        connexe(&[
            "page",
            source,
            path.to_str().unwrap(),
            "--id",
            id,
            "--format",
            "json",
        ])
        .stdout,
    )
    .unwrap()
}

#[test]
fn index_add_remove_keep_the_page_of_a_rebuild() {
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<&str> = std::fs::read_to_string(CORPUS).unwrap().leak().lines().collect();
    let (first, rest) = lines.split_at(150);
    let write = |name: &str, lines: &[&str]| {
        let path = dir.path().join(name);
        std::fs::write(&path, lines.join("\n")).unwrap();
        path
    };
    let a = write("a.jsonl", first);
    let b = write("b.jsonl", rest);
    let index = dir.path().join("news.connexe");

    connexe(&[
        "index",
        "--corpus",
        a.to_str().unwrap(),
        "--out",
        index.to_str().unwrap(),
    ]);
    assert_eq!(
        page("--index", &index, "fra-dev-0007"),
        page("--corpus", &a, "fra-dev-0007")
    );

    connexe(&[
        "add",
        "--index",
        index.to_str().unwrap(),
        "--corpus",
        b.to_str().unwrap(),
    ]);
    let all = Path::new(CORPUS);
    for id in ["fra-dev-0173", "fra-dev-0007", "fra-dev-0200"] {
        assert_eq!(
            page("--index", &index, id),
            page("--corpus", all, id),
            "after add, page of {id}"
        );
    }

    connexe(&[
        "remove",
        "--index",
        index.to_str().unwrap(),
        "--id",
        "fra-dev-0180",
    ]);
    let without: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| !l.contains("\"fra-dev-0180\""))
        .collect();
    let rebuilt = write("without.jsonl", &without);
    assert_eq!(without.len(), 210);
    assert_eq!(
        page("--index", &index, "fra-dev-0173"),
        page("--corpus", &rebuilt, "fra-dev-0173")
    );
}

#[test]
fn a_failed_add_leaves_the_index_file_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("news.connexe");
    connexe(&["index", "--corpus", CORPUS, "--out", index.to_str().unwrap()]);
    let before = std::fs::read(&index).unwrap();
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"id\":\"new\",\"title\":\"T\",\"body\":\"b\"}\n{\"id\":\"x\",\"body\":\"no title\"}\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_connexe"))
        .args([
            "add",
            "--index",
            index.to_str().unwrap(),
            "--corpus",
            bad.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 2: field `title`: missing"), "{err}");
    assert_eq!(std::fs::read(&index).unwrap(), before);
}

fn article(id: usize, words: Vec<&'static str>) -> Article {
    let body = words.join(" ");
    let title: String = words.iter().take(4).copied().collect::<Vec<_>>().join(" ");
    Article {
        lang: Some(Language::French),
        ..Article::new(format!("a{id}"), title, body)
    }
}

const WORDS: &[&str] = &[
    "Rome",
    "Maroc",
    "Daech",
    "coalition",
    "vaccin",
    "santé",
    "football",
    "budget",
    "élection",
    "2021",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Save, open, change, save, open: always the answers of the index in memory.
    #[test]
    fn save_open_round_trips(
        docs in prop::collection::vec((0usize..10, prop::collection::vec(prop::sample::select(WORDS), 1..12)), 1..20),
        removals in prop::collection::vec(0usize..10, 0..4),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("i.connexe");
        let mut index = Index::new(IndexConfig::default()).unwrap();
        for (id, words) in docs {
            index.upsert(article(id, words)).unwrap();
        }
        index.save(&path).unwrap();
        let mut opened = Index::open(&path).unwrap();
        for id in removals {
            let id = format!("a{id}");
            prop_assert_eq!(index.remove(&id).is_ok(), opened.remove(&id).is_ok());
        }
        opened.save(&path).unwrap();
        let opened = Index::open(&path).unwrap();
        prop_assert_eq!(opened.len(), index.len());
        for a in index.articles() {
            prop_assert_eq!(opened.similar(&a.id, 5).unwrap(), index.similar(&a.id, 5).unwrap());
            prop_assert_eq!(opened.page(&a.id, &PageConfig::default()).unwrap(), index.page(&a.id, &PageConfig::default()).unwrap());
        }
    }
}

/// The bytes of `index`'s file.
fn file_bytes(index: &Index) -> Vec<u8> {
    let mut out = Vec::new();
    index.write_to(&mut out).unwrap();
    out
}

#[test]
#[cfg(feature = "synth")]
fn add_many_gives_the_index_that_add_gives_and_stops_at_the_first_bad_article() {
    // More than one batch of 2,048, onto an index that already holds articles.
    let articles: Vec<Article> = connexe::synth::Generator::new(7).take(2_500).collect();
    let (first, rest) = articles.split_at(100);
    let mut one_by_one = Index::default();
    let mut many = Index::default();
    for a in first {
        one_by_one.add(a.clone()).unwrap();
        many.add(a.clone()).unwrap();
    }
    for a in rest {
        one_by_one.add(a.clone()).unwrap();
    }
    many.add_many(rest.iter().cloned()).unwrap();
    assert_eq!(file_bytes(&many), file_bytes(&one_by_one));

    // A repeated id, in the index or earlier in the same call, stops at that article.
    let fresh: Vec<Article> = connexe::synth::Generator::new(8)
        .take(3)
        .enumerate()
        .map(|(i, mut a)| {
            a.id = format!("new-{i}");
            a
        })
        .collect();
    let before = many.len();
    let err = many
        .add_many([
            fresh[0].clone(),
            fresh[1].clone(),
            fresh[0].clone(),
            fresh[2].clone(),
        ])
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "article id \"new-0\" is already indexed; update or upsert it instead"
    );
    assert_eq!(many.len(), before + 2);
    assert!(many.contains("new-1") && !many.contains("new-2"));
    let mut empty_id = fresh[2].clone();
    empty_id.id = String::new();
    assert!(many.add_many([fresh[2].clone(), empty_id]).is_err());
    assert!(many.contains("new-2"));
    assert_eq!(many.len(), before + 3);

    // Past a full batch: the 2,100 before the repeat are added, the repeat and after are not.
    let mut batched = Index::default();
    let call = articles[..2_100]
        .iter()
        .chain([&articles[0], &articles[2_100]])
        .cloned();
    assert!(batched.add_many(call).is_err());
    assert_eq!(batched.len(), 2_100);
    assert!(!batched.contains(&articles[2_100].id));
}

/// A bulk build inserts one chunk of a batch while it analyses the next: ids repeated within
/// a chunk, across chunks and across batches still replace the earlier article, giving the
/// index that upserting one article at a time gives.
#[test]
#[cfg(feature = "synth")]
fn a_bulk_build_with_repeated_ids_gives_the_index_of_upserts_one_by_one() {
    let articles: Vec<Article> = connexe::synth::Generator::new(11)
        .take(2_600)
        .enumerate()
        .map(|(i, mut a)| {
            // Every id comes back: 300 articles later (in the same chunk of 1,024 or the
            // next), and 2,100 later (two chunks on); some twice within a few articles.
            a.id = format!(
                "a{}",
                if i % 97 == 5 {
                    i - 3
                } else {
                    i % 300 + (i / 2_100) * 7
                }
            );
            a
        })
        .collect();
    let mut one_by_one = Index::default();
    for a in &articles {
        one_by_one.upsert(a.clone()).unwrap();
    }
    // The same articles as JSON Lines, with blank lines, CRLF endings and no final newline:
    // chunks of lines then split other than chunks of articles, and ids must not depend on it.
    let mut jsonl = String::new();
    for (i, a) in articles.iter().enumerate() {
        if i % 41 == 0 {
            jsonl.push_str("\n  \n");
        }
        jsonl.push_str(&serde_json::to_string(a).unwrap());
        jsonl.push_str(if i % 3 == 0 { "\r\n" } else { "\n" });
    }
    let jsonl = jsonl.trim_end();
    let built = Index::builder().build(articles).unwrap();
    assert_eq!(built.len(), one_by_one.len());
    assert_eq!(file_bytes(&built), file_bytes(&one_by_one));
    let (read, warnings) = Index::builder()
        .from_jsonl(connexe::JsonlReader::new(jsonl.as_bytes()), |_| {})
        .unwrap();
    assert_eq!(warnings.len(), 2_600 - one_by_one.len());
    assert_eq!(file_bytes(&read), file_bytes(&one_by_one));
}
