//! The reader's tests: every error message of a malformed line, asserted exactly.

use super::*;

struct Case {
    name: &'static str,
    input: &'static [u8],
    expected: &'static str,
}

macro_rules! cases {
    ($($name:ident: $input:expr => $expected:expr;)*) => {
        &[$(Case { name: stringify!($name), input: $input, expected: $expected }),*]
    };
}

const GOOD: &str = r#"{"id":"ok","title":"T","body":"b"}"#;

#[test]
fn malformed_input_names_line_and_field() {
    let cases: &[Case] = cases! {
        broken_json: b"{\"id\":\"ok\",\"title\":\"T\",\"body\":\"b\"}\n{\"id\": \"x\", \"title\"" =>
            "line 2: invalid JSON: EOF while parsing an object at line 1 column 19";
        missing_title: b"{\"id\":\"x\",\"body\":\"b\"}" => "line 1: field `title`: missing";
        empty_title: b"{\"id\":\"x\",\"title\":\"  \",\"body\":\"b\"}" => "line 1: field `title`: must not be empty";
        missing_id: b"{\"title\":\"T\",\"body\":\"b\"}" => "line 1: field `id`: missing";
        missing_body: b"{\"id\":\"x\",\"title\":\"T\"}" => "line 1: field `body`: missing";
        numeric_title: b"{\"id\":\"x\",\"title\":42,\"body\":\"b\"}" =>
            "line 1: field `title`: expected a string, got a number \"42\"";
        unknown_lang: b"{\"id\":\"x\",\"title\":\"T\",\"body\":\"b\",\"lang\":\"xx\"}" =>
            "line 1: field `lang`: unknown language code \"xx\"; supported: ar, da, nl, en, fi, fr, de, el, hu, it, no, pl, pt, ro, ru, es, sv, ta, tr";
        bad_date: b"\n{\"id\":\"x\",\"title\":\"T\",\"body\":\"b\",\"published\":\"28/06\"}" =>
            "line 2: field `published`: expected RFC 3339 or YYYY-MM-DD, got \"28/06\"";
        bad_tags: b"{\"id\":\"x\",\"title\":\"T\",\"body\":\"b\",\"tags\":[\"a\",3]}" =>
            "line 1: field `tags`: item 1: expected a string, got a number \"3\"";
        not_an_object: b"[1,2]" => "line 1: expected a JSON object, got an array";
        invalid_utf8: b"{\"id\":\"x\",\"title\":\"caf\xe9\",\"body\":\"b\"}" =>
            "line 1: invalid UTF-8 at byte 22 of the line";
        empty_file: b"" => "no article found: the input is empty";
        only_blank_lines: b"\n  \n\n" => "no article found: the input is empty";
    };
    for case in cases {
        let err = Corpus::from_jsonl(case.input).expect_err(case.name);
        assert_eq!(err.to_string(), case.expected, "case {}", case.name);
    }
}

#[test]
fn reader_streams_and_skips_blank_lines() {
    let input = format!("{GOOD}\n\n\u{feff}{GOOD}\r\n");
    let items: Vec<u64> = JsonlReader::new(input.as_bytes()).map(|r| r.unwrap().0).collect();
    assert_eq!(items, vec![1, 3]);
}
