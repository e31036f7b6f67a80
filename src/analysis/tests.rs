use std::borrow::Cow;

use super::*;
use crate::language::Language;

struct Case {
    name: &'static str,
    lang: Language,
    input: &'static str,
    expected: &'static [&'static str],
}

macro_rules! cases {
    ($($name:ident: $lang:ident, $input:expr => $expected:expr;)*) => {
        &[$(Case { name: stringify!($name), lang: Language::$lang, input: $input, expected: &$expected }),*]
    };
}

#[test]
fn default_pipelines() {
    let cases: &[Case] = cases! {
        fr_elisions_all_apostrophes: French, "l’Italie, l'Italie, lʼItalie, qu’il, jusqu'à, aujourd'hui" =>
            ["ital", "ital", "ital", "aujourd'hui"];
        fr_stop_words_and_stems: French, "Le Maroc mène une lutte acharnée contre le terrorisme" =>
            ["maroc", "men", "lutt", "acharn", "contr", "terror"];
        fr_accents_fold_after_stemming: French, "État ETAT Etat états" => ["etat", "etat", "etat", "etat"];
        fr_numbers_kept: French, "Créée en 2014, 83 pays" => ["cre", "2014", "83", "pay"];
        en_stems_and_possessive: English, "Apple's suppliers are preparing the iPads" =>
            ["appl", "supplier", "prepar", "ipad"];
        en_decimal_and_hyphen: English, "a 12.9-inch display" => ["12.9", "inch", "display"];
        // Snowball's Arabic stemmer reads the initial و of وزير as "and".
        ar_stop_words_and_stems: Arabic, "قال وزير الخارجية إن المحادثات في روما" =>
            ["قال", "زير", "خارج", "محادث", "روم"];
        ar_harakat_folded: Arabic, "وَزِير" => ["زير"];
        pl_stop_words_and_prefixes: Polish, "Minister spraw zagranicznych i premier ministrów" =>
            ["minis", "spraw", "zagra", "premi", "minis"];
        // Cut after accents are folded (ł has none to fold), composed or not; numbers whole.
        pl_prefix_counts_characters: Polish, "Łódź Żółtą źdźbła 1500000 1,5" =>
            ["łodz", "zołta", "zdzbł", "1500000", "1,5"];
        pl_prefix_of_decomposed_text: Polish, "Z\u{307}o\u{301}łta\u{328}" => ["zołta"];
        de_umlauts_after_stemming: German, "Die Außenminister trafen sich in Rom" =>
            ["aussenminist", "traf", "rom"];
        empty: French, "" => [];
        overlong_word_dropped: French, "Rome aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa Maroc" => ["rom", "maroc"];
        punctuation_only: French, " ... !? « » " => [];
    };
    for case in cases {
        let got = Analyzer::for_language(case.lang).terms(case.input);
        assert_eq!(got, case.expected, "case {}", case.name);
    }
}

/// Every stage must keep these promises: it never panics, never returns an empty token
/// from a non-empty one unless it drops it, and borrows text it leaves unchanged.
macro_rules! stage_conformance {
    ($($name:ident: $stage:expr;)*) => {$(
        #[test]
        fn $name() {
            let stage = $stage;
            for input in ["", "a", "É", "l'", "'", "ǅemal", "straße", "12.9", "ﬁn", "قال", "தமிழ்", "x\u{0}y"] {
                match stage.filter(Cow::Borrowed(input)) {
                    Some(out) => {
                        assert!(input.is_empty() || !out.is_empty(), "{input:?} became empty");
                        if out == input {
                            assert!(matches!(out, Cow::Borrowed(_)), "{input:?} copied for nothing");
                        }
                    }
                    None => {}
                }
            }
        }
    )*};
}

stage_conformance! {
    conformance_unify_apostrophes: UnifyApostrophes;
    conformance_lowercase: Lowercase;
    conformance_elision: Elision::new(Language::French);
    conformance_stop_words: StopWords::new(Language::French);
    conformance_single_letters: DropSingleLetters;
    conformance_max_chars: MaxChars(3);
    conformance_stem_fr: Stem::new(Language::French).unwrap();
    conformance_stem_ta: Stem::new(Language::Tamil).unwrap();
    conformance_fold_accents: FoldAccents;
}

#[test]
fn options_switch_stages() {
    let raw = Analyzer::with_options(
        Language::French,
        AnalysisOptions {
            stemming: false,
            stop_words: false,
            ..AnalysisOptions::default()
        },
    );
    assert_eq!(raw.terms("Le Maroc mène"), vec!["le", "maroc", "mene"]);
}

#[test]
fn analyze_reports_surface_forms() {
    let mut pairs = Vec::new();
    Analyzer::for_language(Language::French).analyze("Les Marocains résidant", |s, t| {
        pairs.push((s.to_owned(), t.to_owned()))
    });
    assert_eq!(
        pairs,
        vec![
            ("Marocains".into(), "marocain".into()),
            ("résidant".into(), "resid".into())
        ]
    );
}

#[test]
fn analyzers_of_one_language_with_other_stages_give_their_own_terms() {
    let words = Analyzer::builder(Language::French).filter(Lowercase).build();
    assert_eq!(words.terms("Italie"), ["italie"]);
    assert_eq!(Analyzer::for_language(Language::French).terms("Italie"), ["ital"]);
}

#[test]
fn a_word_gives_its_term_and_surface_as_the_ids_of_its_texts() {
    let fr = Analyzer::for_language(Language::French);
    let mut texts = Interner::<()>::default();
    let ids = fr.word_ids("l'État", |text| texts.intern(text)).expect("a term");
    assert_eq!((texts.text(ids.term), texts.text(ids.surface)), ("etat", "état"));
    assert_eq!(
        fr.word_ids("États", |text| texts.intern(text))
            .map(|ids| ids.term),
        Some(ids.term)
    );
    assert_eq!(fr.word_ids("le", |text| texts.intern(text)), None, "a stop word");
}
