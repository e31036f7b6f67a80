use super::*;

proptest::proptest! {
    /// The loads of `tiny_key` and `ShortKey::new` pack a word as copying its bytes into
    /// zeroed integers does.
    #[test]
    fn word_keys_are_the_zero_padded_bytes_and_the_length(word in "[a-zé\0\u{10000}]{0,9}") {
        let bytes = word.as_bytes();
        let mut padded = [0_u8; 16];
        if bytes.len() <= SHORT_WORD_BYTES {
            padded[..bytes.len()].copy_from_slice(bytes);
            padded[15] = bytes.len() as u8;
        }
        let low = u64::from_le_bytes(padded[..8].try_into().unwrap());
        let high = u64::from_le_bytes(padded[8..].try_into().unwrap());
        let tiny = (bytes.len() <= TINY_WORD_BYTES).then(|| {
            u64::from_le_bytes(padded[..8].try_into().unwrap()) | (bytes.len() as u64) << 56
        });
        proptest::prop_assert_eq!(tiny_key(&word), tiny);
        let short = ShortKey::new(&word).map(|key| key.0);
        proptest::prop_assert_eq!(short, (bytes.len() <= SHORT_WORD_BYTES).then_some([low, high]));
    }
}

#[test]
fn remembered_words_of_every_length_keep_apart() {
    let mut words = Words::default();
    let fifteen = "é".repeat(7) + "a";
    let sixteen = "é".repeat(8);
    let longest = "a".repeat(MEMO_WORD_BYTES);
    let kept = [
        "a",
        "a\0",
        "\0a",
        "ab",
        "abcdefg",
        "abcdef\0",
        "abcdefgh",
        "é\0\0\0\0",
        &fifteen,
        &sixteen,
        &longest,
    ];
    for (i, word) in kept.iter().enumerate() {
        let i = u64::try_from(i).unwrap();
        words.insert(word, [i, i + 20]);
    }
    words.insert("le", [u64::MAX; 2]);
    words.insert(&"a".repeat(MEMO_WORD_BYTES + 1), [u64::MAX; 2]);
    assert_eq!(words.len(), kept.len() + 1, "the overlong word is not remembered");
    for (i, word) in kept.iter().enumerate() {
        let i = u64::try_from(i).unwrap();
        assert_eq!(words.get(word), Some([i, i + 20]), "{word:?}");
    }
    assert_eq!(words.get("le"), Some([u64::MAX; 2]));
    assert_eq!(words.get("abc"), None);
    assert_eq!(words.get(&"a".repeat(MEMO_WORD_BYTES + 1)), None);
    words.clear();
    assert_eq!((words.len(), words.get("a")), (0, None));
}

#[test]
fn more_words_than_remembered_are_forgotten_and_long_words_only_counted() {
    let mut memo = Memo::<usize, ()>::default();
    for i in 0..MEMO_WORDS + 100 {
        memo.insert(&format!("mot{i}"), i);
    }
    assert_eq!(memo.words.len(), 100, "forgotten all at once, at the bound");
    assert_eq!(
        memo.get(&format!("mot{}", MEMO_WORDS + 99)),
        Some(MEMO_WORDS + 99)
    );
    assert_eq!(memo.get("mot0"), None);
    let long = "2".repeat(MEMO_WORD_BYTES + 1);
    memo.insert(&long, 1);
    assert_eq!(memo.get(&long), None);
    assert_eq!(memo.added(), MEMO_WORDS + 101);
    // Replacing a value is no new word.
    memo.replace("mot0", 7);
    assert_eq!((memo.get("mot0"), memo.added()), (Some(7), MEMO_WORDS + 101));
}

#[test]
fn forgetting_words_keeps_the_texts_and_their_ids() {
    let mut memo = Memo::<u32, ()>::default();
    let id = memo.texts_mut().intern("rome");
    for i in 0..=MEMO_WORDS {
        memo.insert(&format!("m{i}"), 0);
    }
    assert_eq!(memo.texts().text(id), "rome");
    assert_eq!(memo.texts_mut().intern("rome"), id);
}
