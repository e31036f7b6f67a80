use super::*;
use crate::entity::facts::elision;

fn names(text: &str, lang: Language, aliases: &AliasTable) -> Vec<String> {
    extract(text, lang, aliases)
        .mentions
        .into_iter()
        .map(|m| m.name)
        .collect()
}

proptest::proptest! {
    #[test]
    fn a_key_filter_lets_through_every_key_inserted(keys in proptest::collection::vec(proptest::num::u32::ANY, 0..40)) {
        let mut filter = KeyFilter::default();
        keys.iter().for_each(|&key| filter.insert(key));
        proptest::prop_assert!(keys.iter().all(|&key| filter.may_contain(key)));
    }
}

/// The facts of the words of `text`, and the keys they name.
fn facts_of(text: &str, lang: Language) -> (Vec<(usize, &str)>, Vec<u64>, Vec<String>) {
    let segmented = crate::analysis::word_indices(text);
    let mut keys = Vec::new();
    let facts: Vec<u64> = segmented
        .iter()
        .map(|&(_, word)| {
            word_facts(word, lang, &mut |key| {
                keys.push(key.to_owned());
                (keys.len() - 1) as TextId
            })
        })
        .collect();
    (segmented, facts, keys)
}

proptest::proptest! {
    /// Words skipped by the search for apostrophes (no byte that starts one) have the
    /// elision and name part that the search would give them, and every word the key of
    /// its name part.
    #[test]
    fn words_without_an_apostrophe_byte_need_no_search(
        text in "([lLdD]?['’ʼ‘′`]?[a-zA-ZéÉ'’ʼ‘′]{0,6}[ ,.\n«»—]{1,2}){0,12}",
        english in proptest::bool::ANY,
    ) {
        let lang = if english { Language::English } else { Language::French };
        let (segmented, facts, keys) = facts_of(&text, lang);
        let words = Words { text: &text, segmented: &segmented, facts: &facts };
        for (i, &(start, word)) in segmented.iter().enumerate() {
            let w = words.get(i);
            let (text_of, elided, main) = elision(word, lang);
            let main = start + main;
            proptest::prop_assert_eq!((w.text, w.elided, w.main), (text_of, elided, main), "{:?}", word);
            proptest::prop_assert_eq!(&keys[w.key as usize], &key(w.main_text()), "{:?}", word);
        }
    }
}

proptest::proptest! {
    /// A binary search over words made when read finds what one over a slice finds.
    #[test]
    fn first_where_is_a_partition_point(text in "[a-zA-Z’' .«»]{0,40}", at in 0..45_usize) {
        let (segmented, facts, _) = facts_of(&text, Language::English);
        let words = Words { text: &text, segmented: &segmented, facts: &facts };
        let all: Vec<Word<'_>> = (0..words.len()).map(|i| words.get(i)).collect();
        proptest::prop_assert_eq!(words.first_where(|w| w.start >= at), all.partition_point(|w| w.start < at));
        proptest::prop_assert_eq!(words.first_where(|w| w.end > at), all.partition_point(|w| w.end <= at));
    }
}

#[test]
fn runs_particles_elisions_and_sentence_starts() {
    let text = "Créée en 2014, la coalition se réunit à Rome. Le ministre de l’Italie, Luigi Di Maio, \
                reçoit Antony Blinken. Au cours des travaux, le Bureau Central d’Investigations Judiciaires (BCIJ) \
                a parlé. Discuter avec Rome reste utile. Selon Nasser Bourita, le Maroc est prêt.";
    let got = names(text, Language::French, &AliasTable::new());
    assert_eq!(
        got,
        vec![
            "Rome",
            "Italie",
            "Luigi Di Maio",
            "Antony Blinken",
            "Bureau Central d’Investigations Judiciaires",
            "BCIJ",
            "Rome",
            "Nasser Bourita",
            "Maroc"
        ]
    );
}

#[test]
fn a_sentence_start_seen_in_lower_case_is_no_name_even_when_its_key_is_a_stop_word() {
    // "Sûr" is no stop word, but its key "sur" is: it must still be looked for in lower case.
    let text = "Il est sûr de lui. Sûr de Rome, il part. Le Maroc reçoit.";
    assert_eq!(
        names(text, Language::French, &AliasTable::new()),
        ["Rome", "Maroc"]
    );
}

#[test]
fn acronym_in_parentheses_is_learned() {
    let text = "Le Bureau Central d'Investigations Judiciaires (BCIJ) a interpellé un suspect.";
    let learned = extract(text, Language::French, &AliasTable::new()).learned;
    assert_eq!(
        learned,
        vec![(
            "bureau central d'investigations judiciaires".to_owned(),
            "bcij".to_owned()
        )]
    );
    let unrelated = extract(
        "La Banque mondiale (FMI) prête.",
        Language::French,
        &AliasTable::new(),
    )
    .learned;
    assert!(unrelated.is_empty());
}

#[test]
fn quoted_names_and_alias_phrases() {
    let aliases = AliasTable::from_json(r#"{"Daech": ["État islamique", "EI"]}"#).unwrap();
    let text = "Le groupe « État islamique » menace. Les réseaux de l’EI et de l'état islamique recrutent.";
    let got: Vec<String> = extract(text, Language::French, &aliases)
        .mentions
        .into_iter()
        .map(|m| m.key)
        .collect();
    assert_eq!(got, vec!["daech", "daech", "daech"]);
}

#[test]
fn english_possessives_and_elision_like_prefixes() {
    // Found by fuzzing: a possessive after an elision-like prefix cut a word to nothing.
    for text in ["d's", "Ben's car", "l’s", "'s"] {
        extract(text, Language::English, &AliasTable::new());
    }
    let got = names(
        "Yesterday Apple’s chief met Ben's lawyer.",
        Language::English,
        &AliasTable::new(),
    );
    assert_eq!(got, vec!["Apple", "Ben"]);
}

#[test]
fn hyphenated_and_arabic_particles() {
    let got = names(
        "Des frappes visent les États-Unis et Bachar al-Assad depuis Abou Dhabi.",
        Language::French,
        &AliasTable::new(),
    );
    assert_eq!(got, vec!["États-Unis", "Bachar al-Assad", "Abou Dhabi"]);
}
