//! Hostile and odd input: every case has a defined outcome (an error that names line and
//! field, or a documented behaviour), and none panics.

use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use connexe::{Article, Config, Corpus, ErrorKind, Index, IndexConfig, Language, Limits, PageConfig};

fn index_of(articles: impl IntoIterator<Item = Article>) -> Index {
    Index::builder().build(articles).expect("an index")
}

fn french(id: &str, title: &str, body: &str) -> Article {
    Article {
        lang: Some(Language::French),
        ..Article::new(id, title, body)
    }
}

fn neighbours() -> Vec<Article> {
    vec![
        french(
            "n1",
            "La coalition contre Daech réunie à Rome",
            "Le Maroc participe à la réunion de Rome contre Daech.",
        ),
        french(
            "n2",
            "Daech menace l'Afrique",
            "La coalition veut contrer Daech en Afrique.",
        ),
    ]
}

/// Adds `article` beside two ordinary ones, then asks for everything a CMS would.
fn survives(article: Article) -> Index {
    let id = article.id.clone();
    let mut index = index_of(neighbours());
    index.add(article).expect("accepted");
    index.similar(&id, 5).expect("similar");
    index.page(&id, &PageConfig::default()).expect("page");
    index.similar("n1", 5).expect("similar of a neighbour");
    let mut bytes = Vec::new();
    index.write_to(&mut bytes).expect("saved");
    let reopened = Index::from_bytes(&bytes).expect("reopened");
    assert_eq!(reopened.similar(&id, 5).unwrap(), index.similar(&id, 5).unwrap());
    index
}

#[test]
fn empty_body_is_accepted_and_related_by_its_title() {
    let index = survives(french("x", "Daech menace Rome", ""));
    let related: Vec<String> = index.similar("x", 5).unwrap().into_iter().map(|r| r.id).collect();
    assert_eq!(
        related,
        ["n2", "n1"],
        "\"Daech menace\" first, then \"Daech\", \"Rome\""
    );
    let page = index.page("x", &PageConfig::default()).unwrap();
    assert!(page.read_also.is_empty(), "no paragraph, no inline link");
}

#[test]
fn ten_megabyte_article_is_accepted_under_the_default_limit_and_refused_under_a_lower_one() {
    let body = "La coalition contre Daech se réunit à Rome. ".repeat(10 * 1024 * 1024 / 44);
    assert!(body.len() > 10_000_000);
    survives(french("big", "Rome", &body));
    let config = IndexConfig {
        limits: Limits {
            max_article_bytes: 1 << 20,
            ..Limits::default()
        },
        ..IndexConfig::default()
    };
    let mut index = Index::new(config).unwrap();
    let err = index.add(french("big", "Rome", &body)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Input);
    assert_eq!(err.field(), Some("body"));
    assert!(
        err.to_string()
            .contains("over the limit of 1048576 (limits.max_article_bytes)"),
        "{err}"
    );
}

#[test]
fn a_single_million_character_word_is_no_term() {
    let word = "a".repeat(1_000_000);
    let index = survives(french("w", "Daech menace Rome", &word));
    let related = index.similar("w", 5).unwrap();
    assert!(related[0].explain.shared_terms.iter().all(|t| t.len() < 100));
    // A capitalised giant is no entity either.
    let giant = format!("A{}", "b".repeat(1_000_000));
    survives(french("g", "Daech", &format!("Selon {giant} et {giant}, Rome.")));
}

#[test]
fn invalid_utf8_names_the_line() {
    let input = b"{\"id\":\"a\",\"title\":\"T\",\"body\":\"b\"}\n{\"id\":\"b\",\"title\":\"caf\xe9\",\"body\":\"b\"}\n";
    let err = Corpus::from_jsonl(&input[..]).unwrap_err();
    assert_eq!(err.line(), Some(2));
    assert_eq!(err.to_string(), "line 2: invalid UTF-8 at byte 22 of the line");
}

#[test]
fn nul_bytes_escaped_are_kept_raw_are_an_error() {
    // Escaped in JSON: valid text, stored as given, ignored by the analysis.
    let line = r#"{"id":"nul","title":"Daech\u0000 menace Rome","body":"Rome\u0000Daech"}"#;
    let article = Article::from_json(line).unwrap();
    assert_eq!(article.title, "Daech\0 menace Rome");
    survives(Article {
        lang: Some(Language::French),
        ..article
    });
    // Raw in the line: JSON forbids control characters in strings.
    let raw = b"{\"id\":\"nul\",\"title\":\"a\x00b\",\"body\":\"b\"}";
    let err = Corpus::from_jsonl(&raw[..]).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("line 1: invalid JSON: control character"),
        "{err}"
    );
}

#[test]
fn control_characters_are_kept_and_ignored() {
    let body = "Daech\u{7}\u{1b}[31m menace\u{8} Rome\r\n\u{c}La coalition\u{200b}\u{feff} répond.";
    let index = survives(french("ctl", "Daech\tmenace\u{b}Rome", body));
    assert_eq!(index.get("ctl").unwrap().body, body, "stored exactly as given");
}

#[test]
fn right_to_left_and_mixed_scripts() {
    let arabic = Article {
        lang: Some(Language::Arabic),
        ..Article::new(
            "ar",
            "داعش يهدد روما",
            "اجتمع التحالف ضد داعش في روما. Daech menace Rome ‏(Rome)‎ 2021.",
        )
    };
    survives(arabic);
    let mixed = french(
        "mix",
        "Rome 東京 Москва",
        "Daech \u{202e}emoR\u{202c} menace Rome, Москва et 東京.",
    );
    survives(mixed);
    let mut index = index_of(neighbours());
    index
        .add(Article {
            lang: Some(Language::Arabic),
            ..Article::new("ar2", "داعش", "التحالف ضد داعش")
        })
        .unwrap();
    // Same language by default: the French page shows no Arabic article.
    let page = index.page("n1", &PageConfig::default()).unwrap();
    assert!(
        page.go_further
            .iter()
            .chain(&page.you_may_like)
            .all(|i| i.id != "ar2")
    );
}

#[test]
fn unknown_language_names_line_and_field() {
    let err = Corpus::from_jsonl(&b"\n{\"id\":\"a\",\"title\":\"T\",\"body\":\"b\",\"lang\":\"tlh\"}"[..])
        .unwrap_err();
    assert_eq!((err.line(), err.field()), (Some(2), Some("lang")));
    // A language the detector cannot tell falls back to the configured default.
    let index = survives(Article::new("zz", "Qapla'", "Heghlu'meH QaQ jajvam"));
    assert_eq!(index.language_of("zz"), Some(Language::French));
}

#[test]
fn duplicate_ids_warn_and_the_later_line_wins() {
    let input = "{\"id\":\"a\",\"title\":\"First\",\"body\":\"b\"}\n{\"id\":\"a\",\"title\":\"Second\",\"body\":\"b\"}\n";
    let corpus = Corpus::from_jsonl(input.as_bytes()).unwrap();
    assert_eq!(corpus.articles.len(), 1);
    assert_eq!(corpus.articles[0].title, "Second");
    assert_eq!(corpus.warnings[0].line, 2);
    let mut index = index_of(neighbours());
    assert_eq!(
        index.add(french("n1", "Again", "x")).unwrap_err().kind(),
        ErrorKind::Input
    );
}

#[test]
fn ten_thousand_character_id_is_refused_naming_the_field() {
    let id = "é".repeat(10_000);
    let mut index = index_of(neighbours());
    let err = index.add(french(&id, "Rome", "Daech")).unwrap_err();
    assert_eq!(err.field(), Some("id"));
    assert_eq!(
        err.to_string(),
        "field `id`: 20000 bytes, over the limit of 1024 (limits.max_id_bytes)"
    );
    assert_eq!(index.len(), 2, "the index is unchanged");
    // Under a raised limit it is an ordinary id, and messages quote it cut short.
    let config = IndexConfig {
        limits: Limits {
            max_id_bytes: 1 << 16,
            ..Limits::default()
        },
        ..IndexConfig::default()
    };
    let mut roomy = Index::builder().config(config).build(neighbours()).unwrap();
    roomy.add(french(&id, "Rome", "Daech")).unwrap();
    let missing = roomy.similar(&format!("{id}x"), 3).unwrap_err().to_string();
    assert!(missing.len() < 300, "{} bytes", missing.len());
}

#[test]
fn nan_negative_and_infinite_weights_are_config_errors() {
    for (toml, key) in [
        ("[index.weights]\ntext = nan\n", "text"),
        ("[index.weights]\nentities = -1.0\n", "entities"),
        (
            "[index.weights]\nrecency_half_life_days = inf\n",
            "recency_half_life_days",
        ),
        ("[index.fields]\ntitle = -inf\n", "fields.title"),
    ] {
        let err = Config::from_toml(toml).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(
            err.to_string()
                .contains(&format!("`{key}` must be a finite number >= 0")),
            "{err}"
        );
    }
    let err = Config::from_json(r#"{"index": {"weights": {"text": "heavy"}}}"#).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    let index = index_of(neighbours());
    let bad = connexe::Weights {
        text: f64::NAN,
        ..Default::default()
    };
    assert_eq!(
        index.similar_with("n1", 3, &bad).unwrap_err().kind(),
        ErrorKind::Config
    );
}

#[test]
fn k_zero_k_beyond_the_corpus_and_unknown_ids() {
    let index = index_of(neighbours());
    assert!(index.similar("n1", 0).unwrap().is_empty());
    assert_eq!(index.similar("n1", usize::MAX).unwrap().len(), 1);
    let err = index.similar("nope", 5).unwrap_err();
    assert_eq!(
        (err.kind(), err.to_string().as_str()),
        (ErrorKind::UnknownId, "unknown article id \"nope\"")
    );
    assert_eq!(
        index.page("nope", &PageConfig::default()).unwrap_err().kind(),
        ErrorKind::UnknownId
    );
    let mut index = index;
    assert_eq!(index.remove("nope").unwrap_err().kind(), ErrorKind::UnknownId);
}

#[test]
fn overlong_lines_are_refused_before_they_are_read_whole() {
    let line = format!(
        "{{\"id\":\"a\",\"title\":\"T\",\"body\":\"{}\"}}\n",
        "x".repeat(10_000)
    );
    let reader = connexe::JsonlReader::new(line.as_bytes()).max_line_bytes(1000);
    let err = Corpus::from_reader(reader, |_| {}).unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 1: longer than 1000 bytes (limits.max_article_bytes)"
    );
    // IndexBuilder::from_jsonl applies the index's own limit: twice the article limit, plus 64 KiB.
    let long = format!(
        "{{\"id\":\"a\",\"title\":\"T\",\"body\":\"{}\"}}\n",
        "x".repeat(70_000)
    );
    let limits = Limits {
        max_article_bytes: 1000,
        ..Limits::default()
    };
    let config = IndexConfig {
        limits,
        ..IndexConfig::default()
    };
    let reader = connexe::JsonlReader::new(long.as_bytes());
    let err = Index::builder()
        .config(config)
        .from_jsonl(reader, |_| {})
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 1: longer than 67536 bytes (limits.max_article_bytes)"
    );
}

/// Reads `data`, then fails: an input that breaks part-way (a network file system, a pipe).
struct BreaksAfter<'d>(&'d [u8]);

impl std::io::Read for BreaksAfter<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.0.is_empty() {
            return Err(std::io::Error::other("connection reset"));
        }
        let n = self.0.len().min(buf.len()).min(7);
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

#[test]
fn an_input_that_breaks_part_way_is_an_error_naming_the_line() {
    let line = "{\"id\":\"a\",\"title\":\"Rome\",\"body\":\"La coalition à Rome.\"}\n";
    // Broken after two whole lines, then in the middle of the third.
    for data in [line.repeat(2), line.repeat(2) + &line[..20]] {
        let read = || connexe::JsonlReader::new(std::io::BufReader::new(BreaksAfter(data.as_bytes())));
        let err = Corpus::from_reader(read(), |_| {}).unwrap_err();
        assert!(err.to_string().starts_with("line 3: "), "{err}");
        assert!(err.to_string().contains("connection reset"), "{err}");
        let err = Index::builder().from_jsonl(read(), |_| {}).unwrap_err();
        assert!(err.to_string().starts_with("line 3: "), "{err}");
        // The line-by-line reader gives the two articles, then the error, then nothing.
        let items: Vec<_> = read().collect();
        assert_eq!(items.len(), 3);
        assert!(items[..2].iter().all(Result::is_ok));
        assert!(items[2].as_ref().unwrap_err().to_string().starts_with("line 3: "));
    }
}

/// The index is shared by many readers while one writer changes it: readers always see one
/// consistent index (every result is in it, and asking twice under one lock gives the same).
#[test]
fn readers_see_a_consistent_index_while_a_writer_updates() {
    fn is_send_sync<T: Send + Sync>() {}
    is_send_sync::<Index>();

    let corpus = Corpus::from_jsonl(include_str!("../data/masakhanews-fr/corpus.jsonl").as_bytes()).unwrap();
    let (first, rest) = corpus.articles.split_at(120);
    let shared = Arc::new(RwLock::new(index_of(first.to_vec())));
    let deadline = Instant::now() + Duration::from_millis(1500);
    let readers: Vec<_> = (0..3)
        .map(|r| {
            let shared = Arc::clone(&shared);
            std::thread::spawn(move || {
                let mut queries = 0;
                while Instant::now() < deadline {
                    let index = shared.read().unwrap();
                    let ids: Vec<String> = index.articles().map(|a| a.id.clone()).collect();
                    let id = &ids[(queries * 7 + r) % ids.len()];
                    let related = index.similar(id, 5).unwrap();
                    assert!(related.iter().all(|x| index.contains(&x.id) && x.id != *id));
                    assert!(related.windows(2).all(|w| w[0].order(&w[1]).is_lt()));
                    assert_eq!(related, index.similar(id, 5).unwrap(), "one snapshot, one answer");
                    let page = index.page(id, &PageConfig::default()).unwrap();
                    assert!(page.go_further.iter().all(|i| index.contains(&i.id)));
                    queries += 1;
                }
                queries
            })
        })
        .collect();
    let mut changes = 0;
    let mut cycle = rest.iter().cycle();
    while Instant::now() < deadline {
        let article = cycle.next().unwrap().clone();
        let mut index = shared.write().unwrap();
        if index.contains(&article.id) {
            index.remove(&article.id).unwrap();
        } else {
            index.add(article).unwrap();
        }
        changes += 1;
        drop(index);
        std::thread::sleep(Duration::from_millis(2));
    }
    let queries: usize = readers
        .into_iter()
        .map(|r| r.join().expect("a reader panicked"))
        .sum();
    assert!(
        queries > 10 && changes > 10,
        "{queries} queries, {changes} changes"
    );
}

/// Line `i` of a corpus of valid articles, ids "a1", "a2"…, for tests that cross chunks.
fn numbered_line(i: usize) -> String {
    format!("{{\"id\":\"a{i}\",\"title\":\"Titre {i}\",\"body\":\"Le corps {i} à Rome.\"}}\n")
}

/// IndexBuilder::from_jsonl parses lines on every core, a chunk at a time: past the first chunk, a
/// repeated id still warns with both line numbers, and the first bad line in the file is the
/// one reported, whether the index refuses it, it does not parse, or it is too long to read.
#[test]
fn from_jsonl_reports_in_file_order_across_parse_chunks() {
    let mut input: String = (1..=3_000).map(numbered_line).collect();
    input.push_str("{\"id\":\"a5\",\"title\":\"Encore\",\"body\":\"Le corps à Rome.\"}\n");
    let reader = connexe::JsonlReader::new(input.as_bytes());
    let (index, warnings) = Index::builder().from_jsonl(reader, |_| {}).unwrap();
    assert_eq!(index.len(), 3_000);
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].line, 3_001);
    assert_eq!(
        warnings[0].message,
        "id \"a5\" repeats line 5; the later line replaces it"
    );

    // Line 2501 parses but is refused by the index (its body is over 1,000 bytes); 2502 does
    // not parse; 2503 is not even read whole.
    let mut bad: String = (1..=2_500).map(numbered_line).collect();
    bad.push_str(&format!(
        "{{\"id\":\"b\",\"title\":\"T\",\"body\":\"{}\"}}\n",
        "z".repeat(2_000)
    ));
    bad.push_str("{\"id\": oops}\n");
    bad.push_str(&format!(
        "{{\"id\":\"c\",\"title\":\"T\",\"body\":\"{}\"}}\n",
        "y".repeat(100_000)
    ));
    // The last line is longer than this index reads (2 × 1,000 bytes + 64 KiB).
    let config = IndexConfig {
        limits: Limits {
            max_article_bytes: 1_000,
            ..Limits::default()
        },
        ..IndexConfig::default()
    };
    let reader = connexe::JsonlReader::new(bad.as_bytes());
    let err = Index::builder()
        .config(config.clone())
        .from_jsonl(reader, |_| {})
        .unwrap_err();
    assert!(err.to_string().starts_with("line 2501: "), "{err}");
    let only_long: String = (1..=2_500)
        .map(numbered_line)
        .chain([bad.lines().last().unwrap().to_owned()])
        .collect();
    let reader = connexe::JsonlReader::new(only_long.as_bytes());
    let err = Index::builder()
        .config(config.clone())
        .from_jsonl(reader, |_| {})
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 2501: longer than 67536 bytes (limits.max_article_bytes)"
    );

    // Text is checked on every core too: invalid UTF-8 past the first chunk is reported
    // before a later line that is too long, and a line of white space only (a no-break space
    // after a byte-order mark) is no article.
    let mut bytes = (1..=2_500).map(numbered_line).collect::<String>().into_bytes();
    bytes.extend_from_slice("\u{feff}\u{a0} \n".as_bytes());
    bytes.extend_from_slice(b"{\"id\":\"d\",\"title\":\"\xff\",\"body\":\"b\"}\n");
    bytes.extend_from_slice(bad.lines().last().unwrap().as_bytes());
    let reader = connexe::JsonlReader::new(bytes.as_slice());
    let err = Index::builder()
        .config(config)
        .from_jsonl(reader, |_| {})
        .unwrap_err();
    assert_eq!(err.to_string(), "line 2502: invalid UTF-8 at byte 19 of the line");
    let blank_then_good = format!("{}\u{feff}\u{a0} \n{}", numbered_line(1), numbered_line(2));
    let reader = connexe::JsonlReader::new(blank_then_good.as_bytes());
    let (index, _) = Index::builder().from_jsonl(reader, |_| {}).unwrap();
    assert_eq!(index.len(), 2);
}

/// Corpus::from_reader parses a chunk of lines on every core while it reads the next one: the
/// first bad line in the file is still the one reported, when a later one is in the chunk
/// being read ahead, and progress counts the bytes of the chunks taken, up to the whole input.
#[test]
fn corpus_reports_in_file_order_while_reading_ahead() {
    let mut input: String = (1..=5_000).map(numbered_line).collect();
    input.push_str("{\"id\":\"a5\",\"title\":\"Encore\",\"body\":\"Le corps à Rome.\"}\n");
    let mut seen = Vec::new();
    let corpus = Corpus::from_reader(connexe::JsonlReader::new(input.as_bytes()), |bytes| {
        seen.push(bytes)
    })
    .unwrap();
    assert_eq!(corpus.articles.len(), 5_000);
    assert_eq!(corpus.articles[4].title, "Encore");
    assert_eq!(corpus.warnings.len(), 1);
    assert_eq!(corpus.warnings[0].line, 5_001);
    assert!(seen.len() >= 3 && seen.is_sorted(), "{seen:?}");
    assert_eq!(seen.last(), Some(&(input.len() as u64)));

    // Line 2001 (first chunk) does not parse; line 2100 (second chunk, read while the first
    // is parsed) is too long to read, and the input breaks in the third.
    let mut bad: String = (1..=2_000).map(numbered_line).collect();
    bad.push_str("{\"id\": oops}\n");
    bad.extend((2_002..=2_099).map(numbered_line));
    bad.push_str(&format!(
        "{{\"id\":\"c\",\"title\":\"T\",\"body\":\"{}\"}}\n",
        "y".repeat(2_000)
    ));
    let read = |text: &str| {
        Corpus::from_reader(
            connexe::JsonlReader::new(text.as_bytes()).max_line_bytes(1_000),
            |_| {},
        )
    };
    let err = read(&bad).unwrap_err();
    assert!(err.to_string().starts_with("line 2001: invalid JSON"), "{err}");
    let only_long = bad.replace("{\"id\": oops}", numbered_line(2_001).trim_end());
    assert_eq!(
        read(&only_long).unwrap_err().to_string(),
        "line 2100: longer than 1000 bytes (limits.max_article_bytes)"
    );
    let broken: String = (1..=4_100).map(numbered_line).collect::<String>() + &bad[..30];
    let reader = connexe::JsonlReader::new(std::io::BufReader::new(BreaksAfter(broken.as_bytes())));
    let err = Corpus::from_reader(reader, |_| {}).unwrap_err();
    assert!(
        err.to_string().starts_with("line 4101: ") && err.to_string().contains("connection reset"),
        "{err}"
    );
}
