use super::*;
use crate::analysis::AnalysisOptions;

/// A word too long for the memo ("l'" and 47 letters) and a shorter one (the 47 letters)
/// that give the same term: one term, counted twice.
#[test]
fn a_term_is_counted_once_whether_its_words_are_remembered_or_not() {
    let analyzers = Analyzers::new(AnalysisOptions::default());
    let letters = "a".repeat(47);
    for body in [format!("l'{letters} {letters}"), format!("{letters} l'{letters}")] {
        let article = Article::new("a", "Titre", body.as_str());
        let counts = term_counts(
            &article,
            &FieldWeights::default(),
            analyzers.get(Language::French),
        );
        let long: Vec<_> = counts.iter().filter(|(t, _, _)| t.len() > 40).collect();
        assert_eq!(long.len(), 1, "{counts:?}");
        assert_eq!(long[0].1, 2.0);
    }
}

/// Counts by field weight, words too long for the memo included, however many articles a
/// thread counts in a row (positions are reset between them).
#[test]
fn terms_are_counted_by_field_weight_in_order_of_first_appearance() {
    let analyzers = Analyzers::new(AnalysisOptions::default());
    let fields = FieldWeights::default();
    let long = "x".repeat(60);
    let mut article = Article::new(
        "a",
        format!("Rabat {long}"),
        format!("{long} Rabat, {long} l'État."),
    );
    article.lead = Some("États".into());
    article.tags = vec!["Rabat".into()];
    for _ in 0..3 {
        let counts = term_counts(&article, &fields, analyzers.get(Language::French));
        let counts: Vec<(&str, f64, &str)> = counts
            .iter()
            .map(|(t, tf, s)| (t.as_str(), *tf, s.as_str()))
            .collect();
        assert_eq!(
            counts,
            [
                ("rabat", 3.0 + 1.0 + 2.0, "rabat"),
                (long.as_str(), 3.0 + 2.0, long.as_str()),
                ("etat", 2.0 + 1.0, "états"),
            ]
        );
    }
}
