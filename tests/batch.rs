//! `connexe batch`: one line per article in the index's order, each line the page that
//! `connexe page --format json` prints, the same output from a corpus and from its index file,
//! byte for byte on every run, and no partial file on an error.

use std::path::{Path, PathBuf};

#[allow(dead_code)]
mod common;
use common::{connexe, stderr};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/masakhanews-fr/corpus.jsonl")
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Runs `connexe batch` with `args`, checks it succeeded, and returns the written file.
fn batch(args: &[&str], out: &Path) -> Vec<u8> {
    let mut all = vec!["batch"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", s(out)]);
    let run = connexe(&all);
    assert!(run.status.success(), "{}", stderr(&run));
    let summary = stderr(&run);
    // Warnings (a repeated id) may come first; the summary is one last line.
    let last = summary.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("batch: the pages of ") && last.contains(" pages/s"),
        "{summary}"
    );
    assert_eq!(summary.matches("batch: ").count(), 1, "{summary}");
    std::fs::read(out).unwrap()
}

/// `json` without the whitespace between its tokens: pretty-printed JSON turned into the
/// compact form, text for text (strings, numbers and their spelling untouched).
fn minify(json: &str) -> String {
    let (mut out, mut in_string, mut escaped) = (String::new(), false, false);
    for c in json.chars() {
        if in_string {
            out.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if !c.is_ascii_whitespace() {
            out.push(c);
        }
    }
    out
}

/// The ids of a corpus file, in file order, each once (a repeated id keeps its first place).
fn corpus_ids(path: &Path) -> Vec<String> {
    let mut ids = Vec::new();
    for line in std::fs::read_to_string(path).unwrap().lines() {
        let article: serde_json::Value = serde_json::from_str(line).unwrap();
        let id = article["id"].as_str().unwrap().to_owned();
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

#[test]
fn one_line_per_article_in_corpus_order_each_the_page_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("pages.jsonl");
    let bytes = batch(&["--corpus", s(&corpus())], &out);
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.ends_with('\n'));
    let lines: Vec<&str> = text.lines().collect();
    let ids = corpus_ids(&corpus());
    assert_eq!(lines.len(), ids.len());
    for (line, id) in lines.iter().zip(&ids) {
        let page: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(page["id"], id.as_str(), "the corpus order");
    }
    for (n, id) in [
        (0, "fra-dev-0000"),
        (173, "fra-dev-0173"),
        (ids.len() - 1, ids.last().unwrap().as_str()),
    ] {
        assert_eq!(ids[n], id);
        let page = connexe(&["page", "--corpus", s(&corpus()), "--id", id, "--format", "json"]);
        assert!(page.status.success(), "{}", stderr(&page));
        let pretty = String::from_utf8(page.stdout).unwrap();
        assert_eq!(lines[n], minify(&pretty), "{id}: the page's JSON, on one line");
        let (a, b): (serde_json::Value, serde_json::Value) = (
            serde_json::from_str(lines[n]).unwrap(),
            serde_json::from_str(&pretty).unwrap(),
        );
        assert_eq!(a, b, "{id}");
    }
    // Nothing left beside the output.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["pages.jsonl"]);
}

#[test]
fn index_and_corpus_agree_and_runs_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let aliases = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/aliases-fr.json");
    let config = dir.path().join("connexe.toml");
    std::fs::write(
        &config,
        "[page.go_further]\ncount = 3\n\n[page.you_may_like]\ncount = 5\n",
    )
    .unwrap();
    let index = dir.path().join("news.connexe");
    // The same corpus, aliases and configuration for `index` and for `batch --corpus`.
    let corpus_path = corpus();
    let sources = [
        "--corpus",
        s(&corpus_path),
        "--aliases",
        s(&aliases),
        "--config",
        s(&config),
    ];
    let built = connexe(&[&["index"], &sources[..], &["--out", s(&index)]].concat());
    assert!(built.status.success(), "{}", stderr(&built));

    let from_corpus = batch(&sources, &dir.path().join("a.jsonl"));
    let from_index = batch(
        &["--index", s(&index), "--config", s(&config)],
        &dir.path().join("b.jsonl"),
    );
    let again = batch(
        &["--index", s(&index), "--config", s(&config)],
        &dir.path().join("c.jsonl"),
    );
    assert!(from_corpus == from_index, "--corpus and --index differ");
    assert!(from_index == again, "two runs differ");
    // The configuration applies.
    let first: serde_json::Value =
        serde_json::from_str(std::str::from_utf8(&from_index).unwrap().lines().next().unwrap()).unwrap();
    assert_eq!(first["go_further"].as_array().unwrap().len(), 3);

    // After `remove` and `add`: every article of the index once, the new one included.
    let one = dir.path().join("one.jsonl");
    std::fs::write(
        &one,
        r#"{"id": "zz-new", "title": "Le Maroc et la coalition", "body": "Nasser Bourita est à Rome."}"#,
    )
    .unwrap();
    for args in [
        vec!["remove", "--index", s(&index), "--id", "fra-dev-0003"],
        vec!["add", "--index", s(&index), "--corpus", s(&one)],
    ] {
        let run = connexe(&args);
        assert!(run.status.success(), "{}", stderr(&run));
    }
    let changed = batch(&["--index", s(&index)], &dir.path().join("d.jsonl"));
    let changed = String::from_utf8(changed).unwrap();
    assert_eq!(changed.lines().count(), corpus_ids(&corpus()).len());
    assert!(
        changed
            .lines()
            .all(|l| !l.contains(r#""id":"fra-dev-0003","lang""#))
    );
    assert!(changed.contains(r#"{"id":"zz-new","#));
}

#[test]
fn stdout_streams_the_same_lines() {
    let dir = tempfile::tempdir().unwrap();
    let file = batch(&["--corpus", s(&corpus())], &dir.path().join("pages.jsonl"));
    let run = connexe(&["batch", "--corpus", s(&corpus()), "--out", "-"]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert!(run.stdout == file, "stdout and file differ");
}

#[test]
fn unwritable_out_is_a_clear_error_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-folder").join("pages.jsonl");
    let run = connexe(&["batch", "--corpus", s(&corpus()), "--out", s(&missing)]);
    assert!(!run.status.success());
    let err = stderr(&run);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: ") && err.contains(s(&missing)),
        "names --out: {err}"
    );
    assert!(!missing.exists());

    let folder = dir.path().join("a-folder");
    std::fs::create_dir(&folder).unwrap();
    let run = connexe(&["batch", "--corpus", s(&corpus()), "--out", s(&folder)]);
    assert!(!run.status.success());
    assert!(stderr(&run).contains("is a directory"), "{}", stderr(&run));

    // A file where a folder should be.
    let under_file = dir.path().join("a-file.txt");
    std::fs::write(&under_file, "").unwrap();
    let run = connexe(&[
        "batch",
        "--corpus",
        s(&corpus()),
        "--out",
        s(&under_file.join("pages.jsonl")),
    ]);
    assert!(!run.status.success());
    assert!(stderr(&run).contains(s(&under_file)), "{}", stderr(&run));

    // An error after the temporary file is created (a bad corpus) removes it and leaves a
    // previous output untouched.
    let out = dir.path().join("pages.jsonl");
    std::fs::write(&out, "previous\n").unwrap();
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"id\":\"a\",\"title\":\"T\",\"body\":\"b\"}\n{\"id\": \"b\"",
    )
    .unwrap();
    let run = connexe(&["batch", "--corpus", s(&bad), "--out", s(&out)]);
    assert!(!run.status.success());
    let err = stderr(&run);
    assert!(err.contains(s(&bad)) && err.contains("line 2"), "{err}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "previous\n");
    let mut names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["a-file.txt", "a-folder", "bad.jsonl", "pages.jsonl"]);

    // --aliases with --index, as for `connexe page`.
    let run = connexe(&[
        "batch",
        "--index",
        s(&bad),
        "--aliases",
        s(&bad),
        "--out",
        s(&out),
    ]);
    assert!(!run.status.success());
    assert!(stderr(&run).contains("--aliases"), "{}", stderr(&run));
}

#[test]
fn a_repeated_id_keeps_its_first_place_with_its_last_text() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("small.jsonl");
    std::fs::write(
        &corpus,
        concat!(
            r#"{"id": "b", "title": "Le Maroc à Rome contre Daech", "body": "Nasser Bourita représente le Maroc à Rome."}"#,
            "\n",
            r#"{"id": "a", "title": "Daech en Afrique", "body": "Le Maroc appelle la coalition à agir contre Daech."}"#,
            "\n",
            r#"{"id": "b", "title": "Le Maroc à Rome contre Daech (mis à jour)", "body": "Nasser Bourita représente le Maroc à Rome, contre Daech."}"#,
            "\n",
            r#"{"id": "c", "title": "La coalition se réunit à Rome", "body": "La coalition contre Daech se réunit à Rome."}"#,
            "\n",
        ),
    )
    .unwrap();
    let out = dir.path().join("pages.jsonl");
    let text = String::from_utf8(batch(&["--corpus", s(&corpus)], &out)).unwrap();
    let ids: Vec<String> = text
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(ids, ["b", "a", "c"]);
    assert_eq!(corpus_ids(&corpus), ids);
    let page_a = connexe(&["page", "--corpus", s(&corpus), "--id", "a", "--format", "json"]);
    assert_eq!(
        text.lines().nth(1).unwrap(),
        minify(&String::from_utf8(page_a.stdout).unwrap())
    );
    assert!(text.contains("(mis à jour)"));
}
