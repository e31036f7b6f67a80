//! The article's tests: both ways of parsing a line against each other, paragraphs.

use super::*;

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2_048))]

    /// Parsed straight into strings or through a JSON value: the same article, or the
    /// same error. Fields repeat, have other types, or are null, missing or blank.
    #[test]
    fn both_ways_of_parsing_a_line_agree(
        valid_first in proptest::bool::ANY,
        fields in proptest::collection::vec(
            (
                proptest::sample::select(vec!["id", "title", "body", "lead", "url", "published", "section", "tags", "entities", "lang", "other"]),
                proptest::sample::select(vec![
                    r#""a""#, r#"" ""#, r#""""#, "null", "1", "true", r#"["x", "y"]"#, r#"["x", 2]"#, "[]", "{}",
                    r#""2024-03-01""#, r#""2024-13-01""#, r#""fr""#, r#""xx""#, r#""\u00e9t\u00e9""#,
                ]),
            ),
            0..8,
        )
    ) {
        let valid = [("id", r#""a""#), ("title", r#""T""#), ("body", r#""b""#)];
        let fields = valid.iter().filter(|_| valid_first).chain(&fields);
        let text = format!(
            "{{{}}}",
            fields.map(|(k, v)| format!("\"{k}\": {v}")).collect::<Vec<_>>().join(", ")
        );
        let fast = Article::from_json(&text).map_err(|e| e.to_string());
        let slow = Article::from_json_value(&text).map_err(|e| e.to_string());
        proptest::prop_assert_eq!(fast, slow, "{}", text);
    }
}

/// Lines a struct would read but a JSON value refuses: an array of the fields in order, and
/// unknown fields too deep, too large or with a lone surrogate.
#[test]
fn lines_a_struct_would_take_are_refused_as_before() {
    let valid = r#""id": "a", "title": "T", "body": "b""#;
    let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
    for text in [
        r#"["a", "T", "b", null, null, null, null, null, null, null]"#.to_owned(),
        format!("{{{valid}, \"x\": {deep}}}"),
        format!("{{{valid}, \"x\": 1e400}}"),
        format!("{{{valid}, \"x\": \"\\ud800\"}}"),
    ] {
        let err = Article::from_json(&text).unwrap_err().to_string();
        assert_eq!(err, Article::from_json_value(&text).unwrap_err().to_string());
    }
    // Unknown fields of any other value are ignored, as before.
    let other = format!("{{{valid}, \"x\": {{\"y\": [1, 2.5, null]}}}}");
    assert_eq!(Article::from_json(&other).unwrap(), Article::new("a", "T", "b"));
}

#[test]
fn optional_fields_parse_and_null_is_absent() {
    let a = Article::from_json(
        r#"{"id":"x","title":"T","body":"b","lead":null,"tags":["Maroc"],"entities":["Rome"],"section":"Monde","url":"https://e.x/a","extra":1}"#,
    )
    .unwrap();
    assert_eq!(a.lead, None);
    assert_eq!(a.tags, vec!["Maroc"]);
    assert_eq!(a.entities, vec!["Rome"]);
    assert_eq!(a.section.as_deref(), Some("Monde"));
}

#[test]
fn bodies_without_line_breaks_are_cut_after_sentences() {
    let sentence = "Le Maroc appelle la coalition à agir contre Daech en Afrique de l'Ouest. ";
    let body = sentence.repeat(30);
    let a = Article::new("a", "t", body.trim());
    let paragraphs = a.paragraphs();
    assert!(paragraphs.len() > 2, "{}", paragraphs.len());
    assert_eq!(paragraphs.join(" "), body.trim());
    for p in &paragraphs[..paragraphs.len() - 1] {
        assert!(p.ends_with('.'));
        let n = p.chars().count();
        assert!(
            (PARAGRAPH_CHARS..PARAGRAPH_CHARS + sentence.len()).contains(&n),
            "{n}"
        );
    }
    assert_eq!(Article::new("b", "t", "Court.").paragraphs(), vec!["Court."]);
    assert!(Article::new("c", "t", "  ").paragraphs().is_empty());
}

#[test]
fn sentence_cutting_is_linear() {
    // No cut ever happens here (lowercase after every stop): one pass, not one per stop.
    let body = "a. b. ".repeat(400_000);
    assert_eq!(Article::new("x", "t", body.trim()).paragraphs().len(), 1);
}

#[test]
fn serde_round_trip() {
    let mut a = Article::new("x", "T", "b");
    a.published = Some(Timestamp::parse("2021-06-28T10:00:00Z").unwrap());
    a.lang = Some(Language::Arabic);
    let json = serde_json::to_string(&a).unwrap();
    assert_eq!(Article::from_json(&json).unwrap(), a);
    assert_eq!(serde_json::from_str::<Article>(&json).unwrap(), a);
}
