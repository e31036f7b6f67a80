//! The command line as a user runs it: outputs, exit codes, one-line errors.

use std::path::Path;

#[allow(dead_code)]
mod common;
use common::{connexe, stderr};

const GOOD: &str = r#"{"id": "a", "title": "Le Maroc à la réunion de la coalition contre Daech", "body": "Nasser Bourita représente le Maroc à Rome.", "lang": "fr"}
{"id": "b", "title": "Daech en Afrique : le Maroc appelle à mutualiser les efforts", "body": "Le Maroc appelle la coalition à agir.", "lang": "fr"}"#;

struct Case {
    name: &'static str,
    input: &'static [u8],
    expected: &'static str,
}

#[test]
fn malformed_corpora_exit_non_zero_naming_line_and_field() {
    let cases = [
        Case { name: "broken_json", input: b"{\"id\":\"a\",\"title\":\"T\",\"body\":\"b\"}\n{\"id\": \"b\", \"title\"", expected: "line 2: invalid JSON" },
        Case { name: "missing_title", input: b"{\"id\":\"a\",\"body\":\"b\"}\n", expected: "line 1: field `title`: missing" },
        Case { name: "unknown_lang", input: b"{\"id\":\"a\",\"title\":\"T\",\"body\":\"b\",\"lang\":\"zz\"}", expected: "line 1: field `lang`: unknown language code \"zz\"" },
        Case { name: "bad_date", input: b"{\"id\":\"a\",\"title\":\"T\",\"body\":\"b\",\"published\":\"28/06/2021\"}", expected: "line 1: field `published`: expected RFC 3339 or YYYY-MM-DD, got \"28/06/2021\"" },
        Case { name: "empty_file", input: b"", expected: "no article found: the input is empty" },
        Case { name: "invalid_utf8", input: b"{\"id\":\"a\",\"title\":\"T\",\"body\":\"b\"}\n{\"id\":\"b\",\"title\":\"\xff\",\"body\":\"b\"}", expected: "line 2: invalid UTF-8" },
    ];
    let dir = tempfile::tempdir().unwrap();
    for case in cases {
        let path = dir.path().join(format!("{}.jsonl", case.name));
        std::fs::write(&path, case.input).unwrap();
        let out = connexe(&["recommend", "--corpus", path.to_str().unwrap(), "--id", "a"]);
        assert!(!out.status.success(), "{} exited 0", case.name);
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{}: one line, got {err:?}", case.name);
        assert!(err.starts_with("error: "), "{}: {err}", case.name);
        assert!(
            err.contains(path.to_str().unwrap()),
            "{}: names the file: {err}",
            case.name
        );
        assert!(
            err.contains(case.expected),
            "{}: expected {:?} in {err:?}",
            case.name,
            case.expected
        );
    }
}

#[test]
fn missing_file_and_unknown_id_are_one_line_errors() {
    let out = connexe(&["recommend", "--corpus", "/nonexistent/corpus.jsonl", "--id", "a"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).starts_with("error: /nonexistent/corpus.jsonl: "),
        "{}",
        stderr(&out)
    );

    // The cause once, though connexe's error names it and keeps it as its source.
    let out = connexe(&["page", "--index", "/nonexistent/news.connexe", "--id", "a"]);
    let message = stderr(&out);
    assert!(!out.status.success());
    assert_eq!(message.lines().count(), 1, "{message}");
    assert_eq!(message.matches("No such file").count(), 1, "{message}");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.jsonl");
    std::fs::write(&path, GOOD).unwrap();
    let out = connexe(&["recommend", "--corpus", path.to_str().unwrap(), "--id", "zz"]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("unknown article id \"zz\""),
        "{}",
        stderr(&out)
    );
}

#[test]
fn recommend_json_items_have_id_title_score_explain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.jsonl");
    std::fs::write(&path, format!("{GOOD}\n{}", r#"{"id": "a", "title": "Le Maroc à Rome contre Daech", "body": "Nasser Bourita à Rome.", "lang": "fr"}"#)).unwrap();
    let out = connexe(&[
        "recommend",
        "--corpus",
        path.to_str().unwrap(),
        "--id",
        "a",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("line 3: id \"a\" repeats line 1; the later line replaces it"),
        "{}",
        stderr(&out)
    );
    let items: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 1);
    for key in ["id", "title", "score", "explain"] {
        assert!(items[0].get(key).is_some(), "{key} missing");
    }
    assert_eq!(items[0]["id"], "b");
}

#[test]
fn demo_shows_the_whole_page_without_arguments() {
    let out = connexe(&["demo"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("[fra-dev-0173, fr]"), "{text}");
    assert!(text.contains("showcase article"));
    for heading in [
        "\nÀ lire : ",
        "\nAller plus loin\n",
        "\nCes articles devraient vous intéresser :\n",
    ] {
        assert!(text.contains(heading), "{heading:?} missing in {text}");
    }
    assert!(text.contains("shared words:"));

    let out = connexe(&["demo", "--id", "fra-dev-0007", "--format", "json"]);
    let page: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(page["id"], "fra-dev-0007");
    assert_eq!(page["go_further"].as_array().unwrap().len(), 4);
}

#[test]
fn page_json_on_the_bundled_corpus_has_the_three_blocks() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/masakhanews-fr/corpus.jsonl");
    let out = connexe(&[
        "page",
        "--corpus",
        corpus.to_str().unwrap(),
        "--id",
        "fra-dev-0173",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for (block, extra) in [
        ("read_also", "after_paragraph"),
        ("go_further", "teaser"),
        ("you_may_like", "teaser"),
    ] {
        let items = page[block]
            .as_array()
            .unwrap_or_else(|| panic!("{block} is not a list"));
        assert!(!items.is_empty(), "{block} is empty");
        for item in items {
            for key in ["id", "title", "score", "explain", extra] {
                assert!(item.get(key).is_some(), "{block}: {key} missing in {item}");
            }
        }
    }
    assert_eq!(
        page["labels"]["you_may_like"],
        "Ces articles devraient vous intéresser"
    );

    let html = connexe(&[
        "page",
        "--corpus",
        corpus.to_str().unwrap(),
        "--id",
        "fra-dev-0173",
        "--format",
        "html",
    ]);
    let html = String::from_utf8(html.stdout).unwrap();
    assert!(
        html.contains(r#"<section class="connexe-go-further" lang="fr">"#),
        "{html}"
    );
}

#[test]
fn bad_config_files_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("page.toml");
    std::fs::write(&path, "[page.go_further]\ncount = 9\n").unwrap();
    let out = connexe(&["demo", "--config", path.to_str().unwrap()]);
    assert!(!out.status.success());
    assert_eq!(
        stderr(&out).trim(),
        format!(
            "error: {}: page config: `go_further.count` must be 0 (off) or 3 to 5, got 9",
            path.display()
        )
    );
    std::fs::write(&path, "[page.go_further]\ncount = 5\nchronology = \"require\"\n").unwrap();
    assert!(
        connexe(&["demo", "--config", path.to_str().unwrap()])
            .status
            .success()
    );
}

#[test]
fn recommend_on_cnrec_prints_json() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/cnrec/corpus.jsonl");
    if !corpus.exists() {
        eprintln!("skipped: {} is absent", corpus.display());
        return;
    }
    let out = connexe(&[
        "recommend",
        "--corpus",
        corpus.to_str().unwrap(),
        "--id",
        "cnrec-000",
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let items: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 5);
    for item in items {
        for key in ["id", "title", "score", "explain"] {
            assert!(item.get(key).is_some(), "{key} missing in {item}");
        }
    }
}
