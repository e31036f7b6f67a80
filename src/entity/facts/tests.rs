use super::*;
use crate::entity::key;

proptest::proptest! {
    #[test]
    fn facts_come_back_from_their_integer(
        key in proptest::num::u32::ANY,
        main in proptest::num::u8::ANY,
        cut in proptest::num::u8::ANY,
        flags in 0..8_u8,
    ) {
        let facts = NameFacts { key, main, cut, elided: flags & 1 != 0, capitalised: flags & 2 != 0, acronym: flags & 4 != 0 };
        proptest::prop_assert_ne!(facts.pack(), u64::MAX);
        proptest::prop_assert_eq!(NameFacts::unpack(facts.pack()), facts);
    }
}

/// The shortcuts of `NameFacts::of` (the bytes that start an apostrophe) and `is_particle`
/// hold for the lists they stand for.
#[test]
fn apostrophes_start_with_a_marked_byte_and_particles_are_short() {
    for c in APOSTROPHES.iter().chain(&['\'']) {
        let first = c.to_string().as_bytes()[0];
        assert!(
            matches!(first, b'\'' | 0xE2 | 0xCA),
            "{c:?} starts with {first:#x}"
        );
    }
    assert!(PARTICLES.iter().all(|p| p.len() <= 5));
}

/// The longest elided prefixes and possessives fit the bytes that [`NameFacts`] has for them.
#[test]
fn elided_prefixes_and_possessives_fit_their_facts() {
    let apostrophes: Vec<char> = APOSTROPHES.iter().copied().chain(['\'']).collect();
    for lang in Language::ALL {
        for head in lang.elisions().iter().chain(PARTICLES) {
            // Upper case, and the Kelvin sign (3 bytes) for a "k": the longest heads that
            // lower-case to one of the lists'.
            let upper: String = head
                .chars()
                .map(|c| {
                    if c == 'k' {
                        '\u{212a}'
                    } else {
                        c.to_ascii_uppercase()
                    }
                })
                .collect();
            for &apostrophe in &apostrophes {
                let word = format!("{upper}{apostrophe}Abcd's");
                let facts = NameFacts::of(&word, lang, &mut |_| 0);
                let (_, elided, main) = elision(&word, lang);
                assert!(elided, "{word:?}");
                assert_eq!(usize::from(facts.main), main, "{word:?}");
            }
        }
    }
}

#[test]
fn a_word_borrowed_as_its_own_key_is_its_key() {
    for word in [
        "rome",
        "aujourd'hui",
        "12.9",
        "Rome",
        "état",
        "l’Italie",
        "ÉTAT",
        "co-op",
        "x",
        "a\u{b}b",
    ] {
        assert_eq!(word_key_into(word, &mut String::new()), key(word), "{word}");
    }
}
