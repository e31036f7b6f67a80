//! The page's promises, on random corpora and configurations.

use std::collections::HashSet;

use connexe::page::{Chronology, teaser};
use connexe::{Article, Index, Language, PageConfig, Timestamp};
use proptest::prelude::*;

const WORDS: &[&str] = &[
    "coalition",
    "réunion",
    "ministre",
    "terrorisme",
    "lutte",
    "sécurité",
    "économie",
    "inflation",
    "football",
    "championnat",
    "élection",
    "budget",
    "santé",
    "hôpital",
    "vaccin",
    "pétrole",
    "énergie",
    "climat",
    "frontière",
    "justice",
    "Rome",
    "Maroc",
    "Daech",
    "Afrique",
    "2021",
    "l'enquête",
    "police",
];

fn sentence() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(WORDS), 3..12).prop_map(|w| format!("{}.", w.join(" ")))
}

fn article(i: usize) -> impl Strategy<Value = Article> {
    (
        prop::collection::vec(prop::sample::select(WORDS), 2..7),
        prop::collection::vec(prop::collection::vec(sentence(), 1..4), 1..7),
        prop::option::of(prop::collection::vec(prop::sample::select(WORDS), 5..40)),
        prop::option::of(0i64..1000),
        prop::option::of(prop::sample::select(&["Monde", "Sport", "Santé"][..])),
        prop::bool::weighted(0.1),
    )
        .prop_map(move |(title, paragraphs, lead, day, section, english)| {
            let body = paragraphs
                .iter()
                .map(|p| p.join(" "))
                .collect::<Vec<_>>()
                .join("\n\n");
            Article {
                lead: lead.map(|w| w.join(" ")),
                published: day.map(|d| Timestamp::from_unix_seconds(1_600_000_000 + d * 86_400)),
                section: section.map(String::from),
                lang: Some(if english {
                    Language::English
                } else {
                    Language::French
                }),
                ..Article::new(format!("a{i:02}"), title.join(" "), body)
            }
        })
}

fn corpus() -> impl Strategy<Value = Vec<Article>> {
    (2usize..25).prop_flat_map(|n| (0..n).map(article).collect::<Vec<_>>())
}

fn config(n: usize) -> impl Strategy<Value = PageConfig> {
    let ids = move || prop::collection::vec((0..n).prop_map(|i| format!("a{i:02}")), 0..3);
    (
        0usize..=3,
        prop_oneof![Just(0usize), 3usize..=5],
        prop_oneof![Just(0usize), 4usize..=8],
        prop::sample::select(&[Chronology::Prefer, Chronology::Require, Chronology::Ignore][..]),
        any::<bool>(),
        (ids(), ids(), ids()),
        30usize..200,
    )
        .prop_map(|(links, gf, ym, chronology, exclude_shown, pins, chars)| {
            let mut c = PageConfig::default();
            c.read_also.links = links;
            c.go_further.count = gf;
            c.go_further.chronology = chronology;
            c.go_further.teaser_chars = chars;
            c.you_may_like.count = ym;
            c.you_may_like.exclude_shown = exclude_shown;
            c.you_may_like.teaser_chars = chars;
            (c.pins.read_also, c.pins.go_further, c.pins.you_may_like) = pins;
            c
        })
}

fn normalised(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A teaser is the source (white space folded) whole, or cut at a word boundary to at most
/// `max` characters and followed by `...`.
fn check_teaser(teaser: &str, article: &Article, max: usize) -> Result<(), TestCaseError> {
    let source = normalised(
        article
            .lead
            .as_deref()
            .filter(|l| !l.trim().is_empty())
            .unwrap_or(&article.body),
    );
    match teaser.strip_suffix("...") {
        Some(core) if source.chars().count() > max => {
            prop_assert!(
                core.chars().count() <= max,
                "{} chars > {max}: {teaser:?}",
                core.chars().count()
            );
            prop_assert!(source.starts_with(core), "{core:?} is not a prefix of {source:?}");
            let next = source[core.len()..].chars().next();
            prop_assert!(
                next.is_none_or(|c| !c.is_alphanumeric()),
                "cut inside a word: {core:?} + {next:?}"
            );
        }
        _ => prop_assert_eq!(teaser, source.as_str()),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn page_promises((articles, config) in corpus().prop_flat_map(|a| { let n = a.len(); (Just(a), config(n)) })) {
        let index = Index::builder().build(articles.clone()).unwrap();
        for article in &articles {
            let page = index.page(&article.id, &config).unwrap();
            prop_assert_eq!(&page, &index.page(&article.id, &config).unwrap(), "deterministic");

            let mut seen = HashSet::new();
            let ids = page.read_also.iter().map(|l| &l.id)
                .chain(page.go_further.iter().map(|i| &i.id))
                .chain(page.you_may_like.iter().map(|i| &i.id));
            for id in ids {
                prop_assert!(*id != article.id, "the article itself on its page");
                if config.you_may_like.exclude_shown {
                    prop_assert!(seen.insert(id.clone()), "{} twice on the page of {}", id, article.id);
                }
            }

            prop_assert!(page.read_also.len() <= config.read_also.links);
            prop_assert!(page.go_further.len() <= config.go_further.count);
            prop_assert!(page.you_may_like.len() <= config.you_may_like.count);
            let paragraphs = article.paragraphs().len();
            for pair in page.read_also.windows(2) {
                prop_assert!(pair[1].after_paragraph >= pair[0].after_paragraph + config.read_also.min_gap);
            }
            for link in &page.read_also {
                prop_assert!(link.after_paragraph + 1 < paragraphs, "a link after the last paragraph");
            }

            for (items, pins) in [(&page.go_further, &config.pins.go_further), (&page.you_may_like, &config.pins.you_may_like)] {
                let pinned = items.iter().take_while(|i| i.pinned).count();
                prop_assert!(items[pinned..].iter().all(|i| !i.pinned), "pinned items come first");
                for item in &items[..pinned] {
                    prop_assert!(pins.contains(&item.id));
                }
                for item in items {
                    let source = articles.iter().find(|a| a.id == item.id).unwrap();
                    check_teaser(&item.teaser, source, config.go_further.teaser_chars)?;
                }
            }
            if config.go_further.chronology == Chronology::Require && let Some(mine) = article.published {
                for item in page.go_further.iter().filter(|i| !i.pinned) {
                    prop_assert!(item.published.is_none_or(|t| t <= mine), "{} is newer", item.id);
                }
            }
            // Same language by default: the English articles never show on French pages.
            for item in page.go_further.iter().chain(&page.you_may_like).filter(|i| !i.pinned) {
                prop_assert_eq!(index.language_of(&item.id), index.language_of(&article.id));
            }
        }
    }

    #[test]
    fn teaser_is_a_word_prefix(words in prop::collection::vec("[a-zé]{1,12}[,.]?", 0..60), max in 20usize..200) {
        let text = words.join("  \n ");
        let a = Article::new("x", "t", text.clone());
        check_teaser(&teaser(&text, max), &a, max)?;
    }
}

#[test]
fn blocks_stay_non_empty_while_a_candidate_passes() {
    let mut index = Index::default();
    index
        .add(Article::new(
            "a",
            "Le budget de la ville",
            "Le conseil vote le budget.\n\nLe maire se félicite.",
        ))
        .unwrap();
    index
        .add(Article::new(
            "b",
            "Football : victoire du Wydad",
            "Le Wydad gagne le match.",
        ))
        .unwrap();
    let page = index.page("a", &PageConfig::default()).unwrap();
    assert_eq!(page.go_further.len(), 1);
    assert!(page.go_further[0].fallback);
    assert!(
        page.notes
            .iter()
            .any(|n| n.starts_with("go_further: nothing related passes the filters")),
        "{:?}",
        page.notes
    );
    // Nothing left for the last block: it stays empty rather than repeat.
    assert!(page.you_may_like.is_empty());
}

#[test]
fn html_special_titles_are_escaped() {
    let mut index = Index::default();
    let french = |a: Article| Article {
        lang: Some(Language::French),
        ..a
    };
    index
        .add(french(Article::new(
            "a",
            "Daech menace Rome",
            "Daech menace Rome.\n\nLa coalition répond.\n\nFin.",
        )))
        .unwrap();
    let hostile = Article {
        lang: Some(Language::French),
        url: Some("javascript:alert('x')".into()),
        lead: Some("<img src=x onerror=alert(1)> & \"quotes\" 'single'".into()),
        ..Article::new(
            "b",
            "<script>alert('x')</script> Daech & \"Rome\"",
            "Daech menace Rome encore.",
        )
    };
    index.add(hostile).unwrap();
    let title = "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Daech &amp; &quot;Rome&quot;";
    // As an "À lire" link...
    let html = index.page("a", &PageConfig::default()).unwrap().to_html();
    assert!(
        html.contains("connexe-read-also") && html.contains(title),
        "{html}"
    );
    // ...and as a list item with its teaser.
    let mut no_links = PageConfig::default();
    no_links.read_also.links = 0;
    let html2 = index.page("a", &no_links).unwrap().to_html();
    assert!(
        html2.contains("connexe-go-further") && html2.contains(title),
        "{html2}"
    );
    assert!(
        html2.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot; &#39;single&#39;"),
        "{html2}"
    );
    for html in [html, html2] {
        assert!(!html.contains("<script>") && !html.contains("<img"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }
}

#[test]
fn pins_come_first_and_unknown_pins_are_noted() {
    let mut index = Index::default();
    for (id, title) in [
        ("a", "Daech menace Rome"),
        ("b", "Daech et Rome"),
        ("c", "Rome contre Daech"),
        ("d", "Le Wydad gagne"),
    ] {
        index
            .add(Article::new(
                id,
                title,
                format!("{title}.\n\nSuite de l'article.\n\nFin."),
            ))
            .unwrap();
    }
    let mut config = PageConfig::default();
    config.pins.go_further = vec!["d".into(), "zz".into(), "a".into()];
    let page = index.page("a", &config).unwrap();
    assert_eq!(page.go_further[0].id, "d");
    assert!(page.go_further[0].pinned);
    assert!(
        page.notes
            .contains(&"go_further: pin \"zz\" is not in the index".to_string()),
        "{:?}",
        page.notes
    );
    assert!(
        page.notes
            .contains(&"go_further: pin \"a\" is the article itself".to_string()),
        "{:?}",
        page.notes
    );
    // More pins than places: the rest are noted, not dropped silently.
    config.go_further.count = 3;
    config.pins.go_further = vec!["b".into(), "c".into(), "d".into(), "b2".into()];
    index
        .add(Article::new("b2", "Daech et Rome encore", "Daech et Rome."))
        .unwrap();
    let page = index.page("a", &config).unwrap();
    let ids: Vec<&str> = page.go_further.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["b", "c", "d"]);
    let note = "go_further: pin \"b2\" does not fit: the block holds 3".to_string();
    assert!(page.notes.contains(&note), "{:?}", page.notes);
}
