use super::*;
use crate::analysis::MEMO_WORD_BYTES;

#[test]
fn more_words_than_remembered_and_long_words_give_the_same_terms() {
    let fr = Analyzer::for_language(Language::French);
    let many: String = (0..MEMO_WORDS + 100).map(|i| format!("mot{i} ")).collect();
    let long = format!("{} fin", "2".repeat(MEMO_WORD_BYTES + 1));
    for text in [many.as_str(), long.as_str()] {
        let first = fr.terms(text);
        assert_eq!(fr.terms(text), first);
    }
    assert_eq!(fr.terms(&many).len(), MEMO_WORDS + 100);
    // An analyzer's memory stays bounded however much it reads.
    let nearly: String = (0..MEMO_WORDS - 1).map(|i| format!("m{i} ")).collect();
    for _ in 0..3 {
        assert_eq!(fr.terms(&nearly).len(), MEMO_WORDS - 1);
    }
    let memo = fr.terms.get().expect("this thread's memo").borrow();
    let remembered = memo.added() + memo.texts().len();
    assert!(remembered <= 2 * MEMO_WORDS, "{remembered} words remembered");
    drop(memo);
    assert_eq!(
        fr.terms(&long),
        ["2".repeat(MEMO_WORD_BYTES + 1), "fin".to_owned()]
    );
}

#[test]
fn remembered_words_give_the_same_terms_even_from_a_sink_that_analyses() {
    let fr = Analyzer::for_language(Language::French);
    let text = "L’Italie et l'État islamique: l'Italie reçoit Rome, États et Italie.";
    let first = fr.terms(text);
    assert_eq!(fr.terms(text), first);
    // A sink that analyses text finds the memo busy and runs the pipeline itself.
    let mut nested = Vec::new();
    fr.analyze(text, |word, term| {
        nested.push((term.to_owned(), fr.terms(word)));
    });
    let terms: Vec<String> = nested.iter().map(|(t, _)| t.clone()).collect();
    assert_eq!(terms, first);
    assert!(nested.iter().all(|(t, again)| again == &vec![t.clone()]));
}
