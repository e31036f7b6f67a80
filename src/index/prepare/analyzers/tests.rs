use std::cell::Cell;

use super::*;
use crate::analysis::{MEMO_WORD_BYTES, word_indices};

/// The terms of `text` found through a session of `analyzers`.
fn session_terms(analyzers: &Analyzers, lang: Language, text: &str) -> Vec<String> {
    analyzers.get(lang).session(|s| {
        let mut terms = Vec::new();
        for (_, word) in word_indices(text) {
            if let Some(ids) = s.word(word) {
                terms.push(s.text(ids.term).to_owned());
            }
        }
        terms
    })
}

#[test]
fn more_words_than_remembered_and_long_words_give_the_same_terms() {
    let analyzers = Analyzers::new(AnalysisOptions::default());
    let fr = Analyzer::for_language(Language::French);
    let many: String = (0..MEMO_WORDS + 100).map(|i| format!("mot{i} ")).collect();
    let long = format!("{} fin", "2".repeat(MEMO_WORD_BYTES + 1));
    for text in [many.as_str(), long.as_str()] {
        let first = session_terms(&analyzers, Language::French, text);
        assert_eq!(first, fr.terms(text));
        assert_eq!(session_terms(&analyzers, Language::French, text), first);
    }
    assert_eq!(
        session_terms(&analyzers, Language::French, &many).len(),
        MEMO_WORDS + 100
    );
    // The languages of one thread share one bound: a corpus of many languages keeps no more.
    let nearly: String = (0..MEMO_WORDS - 1).map(|i| format!("m{i} ")).collect();
    for lang in [Language::French, Language::English, Language::Spanish] {
        assert_eq!(session_terms(&analyzers, lang, &nearly).len(), MEMO_WORDS - 1);
    }
    let remembered = analyzers
        .memos
        .get()
        .expect("this thread's memos")
        .borrow()
        .0
        .iter()
        .map(|memo| memo.added() + memo.texts().len())
        .sum::<usize>();
    assert!(remembered <= 2 * MEMO_WORDS, "{remembered} words remembered");
    assert_eq!(
        session_terms(&analyzers, Language::French, &long),
        ["2".repeat(MEMO_WORD_BYTES + 1), "fin".to_owned()]
    );
}

#[test]
fn remembered_words_give_the_same_terms_even_in_a_nested_session() {
    let analyzers = Analyzers::new(AnalysisOptions::default());
    let text = "L’Italie et l'État islamique: l'Italie reçoit Rome, États et Italie.";
    let first = session_terms(&analyzers, Language::French, text);
    assert_eq!(first, Analyzer::for_language(Language::French).terms(text));
    assert_eq!(session_terms(&analyzers, Language::French, text), first);
    // A session inside a session finds the memo busy, and goes with a memory of its own.
    let nested = analyzers.get(Language::French).session(|s| {
        let outer = s.word("l'Italie").expect("a term");
        let inner = session_terms(&analyzers, Language::French, text);
        assert_eq!(s.text(outer.term), "ital");
        inner
    });
    assert_eq!(nested, first);
}

thread_local! {
    static FACTS_CALLS: Cell<usize> = const { Cell::new(0) };
}

/// Facts for tests: the id of the word in upper case, and its length; counts its calls.
fn test_facts(word: &str, _: Language, intern: &mut dyn FnMut(&str) -> TextId) -> Facts {
    FACTS_CALLS.with(|calls| calls.set(calls.get() + 1));
    u64::from(intern(&word.to_uppercase())) | (word.len() as u64) << 32
}

#[test]
fn facts_are_computed_once_per_remembered_word_and_on_every_call_otherwise() {
    let analyzers = Analyzers::new(AnalysisOptions::default());
    let calls = || FACTS_CALLS.with(Cell::get);
    let long = "x".repeat(MEMO_WORD_BYTES + 1);
    analyzers.get(Language::French).session(|s| {
        // Remembered without facts first: they are added on the first call that wants them.
        let ids = s.word("Rome");
        let before = calls();
        let (with, facts) = s.word_with("Rome", test_facts);
        assert_eq!((with, calls()), (ids, before + 1));
        assert_eq!((s.text(facts as TextId), facts >> 32), ("ROME", 4));
        assert_eq!(s.word_with("Rome", test_facts), (ids, facts));
        assert_eq!(s.word("Rome"), ids);
        assert_eq!(calls(), before + 1, "remembered");
        // A stop word has facts too; a word too long to remember has them every time.
        let (none, le) = s.word_with("le", test_facts);
        assert_eq!((none, s.text(le as TextId)), (None, "LE"));
        let before = calls();
        let (_, first) = s.word_with(&long, test_facts);
        assert_eq!(s.word_with(&long, test_facts).1, first);
        assert_eq!(calls(), before + 2, "not remembered");
        // A nested session has facts of its own ids.
        analyzers.get(Language::French).session(|inner| {
            let (_, nested) = inner.word_with("Rome", test_facts);
            assert_eq!(inner.text(nested as TextId), "ROME");
        });
    });
}

#[test]
fn a_session_gives_terms_and_surfaces_and_keeps_notes_while_it_remembers_the_text() {
    let analyzers = Analyzers::new(AnalysisOptions::default());
    let (ids, term, surface) = analyzers.get(Language::French).session(|s| {
        let ids = s.word("l'État").expect("a term");
        assert_eq!(s.word("le"), None, "a stop word");
        assert_eq!(*s.note(ids.term), NO_NOTE);
        s.note(ids.term)[1] = 7;
        (ids, s.text(ids.term).to_owned(), s.text(ids.surface).to_owned())
    });
    assert_eq!((term.as_str(), surface.as_str()), ("etat", "état"));
    analyzers.get(Language::French).session(|s| {
        assert_eq!(s.word("l'État"), Some(ids), "the same ids in the next session");
        assert_eq!(*s.note(ids.term), [u32::MAX, 7]);
        // A session inside a session goes without the memo: its notes start afresh.
        analyzers.get(Language::French).session(|inner| {
            let nested = inner.word("l'État").expect("a term");
            assert_eq!(inner.text(nested.term), "etat");
            assert_eq!(*inner.note(nested.term), NO_NOTE);
        });
    });
    // Another index's analyzers have their own memory, and their own notes; so does a
    // session of a memory of its own.
    Analyzers::new(AnalysisOptions::default())
        .get(Language::French)
        .session(|s| {
            let other = s.word("l'État").expect("a term");
            assert_eq!(*s.note(other.term), NO_NOTE);
        });
    Session::once(&Analyzer::for_language(Language::French), |s| {
        let once = s.word("l'État").expect("a term");
        assert_eq!(*s.note(once.term), NO_NOTE);
    });
}

#[test]
fn ids_pack_into_one_integer_and_back() {
    for ids in [
        None,
        Some(WordIds { term: 0, surface: 0 }),
        Some(WordIds {
            term: 7,
            surface: u32::MAX - 1,
        }),
        Some(WordIds {
            term: u32::MAX - 1,
            surface: 3,
        }),
    ] {
        assert_eq!(unpack(pack(ids)), ids);
    }
}
