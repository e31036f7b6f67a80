//! The languages connexe analyses, and the only place that maps them to a stemmer, stop words,
//! elisions and the language detector.

use std::fmt;
use std::str::FromStr;

use rust_stemmers::Algorithm;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result, quoted};

/// A language of articles: the 18 languages of the Snowball stemmers, plus Polish (no
/// Snowball stemmer exists for it: its terms are cut to their first five characters instead,
/// see [`AnalysisOptions::prefix_stem_chars`](crate::analysis::AnalysisOptions)).
///
/// Written as its ISO 639-1 code in JSON and on the command line.
///
/// # Examples
/// ```
/// use connexe::Language;
///
/// let fr: Language = "fr".parse().unwrap();
/// assert_eq!(fr, Language::French);
/// assert_eq!(fr.code(), "fr");
/// assert_eq!("FR-ca".parse::<Language>().unwrap(), Language::French);
/// assert!("xx".parse::<Language>().is_err());
/// ```
/// The default, French, is the language connexe's own demo and first users write in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum Language {
    Arabic,
    Danish,
    Dutch,
    English,
    Finnish,
    #[default]
    French,
    German,
    Greek,
    Hungarian,
    Italian,
    Norwegian,
    Polish,
    Portuguese,
    Romanian,
    Russian,
    Spanish,
    Swedish,
    Tamil,
    Turkish,
}

/// (language, ISO 639-1, ISO 639-3 as whatlang names it)
const TABLE: [(Language, &str, &str); 19] = [
    (Language::Arabic, "ar", "ara"),
    (Language::Danish, "da", "dan"),
    (Language::Dutch, "nl", "nld"),
    (Language::English, "en", "eng"),
    (Language::Finnish, "fi", "fin"),
    (Language::French, "fr", "fra"),
    (Language::German, "de", "deu"),
    (Language::Greek, "el", "ell"),
    (Language::Hungarian, "hu", "hun"),
    (Language::Italian, "it", "ita"),
    (Language::Norwegian, "no", "nob"),
    (Language::Polish, "pl", "pol"),
    (Language::Portuguese, "pt", "por"),
    (Language::Romanian, "ro", "ron"),
    (Language::Russian, "ru", "rus"),
    (Language::Spanish, "es", "spa"),
    (Language::Swedish, "sv", "swe"),
    (Language::Tamil, "ta", "tam"),
    (Language::Turkish, "tr", "tur"),
];

impl Language {
    /// Every supported language, in code order of the table above.
    pub const ALL: [Language; 19] = {
        let mut all = [Language::Arabic; 19];
        let mut i = 0;
        while i < TABLE.len() {
            all[i] = TABLE[i].0;
            i += 1;
        }
        all
    };

    /// The ISO 639-1 code (`"fr"`).
    pub fn code(self) -> &'static str {
        TABLE[self as usize].1
    }

    /// The language of an ISO 639-1 code, case-insensitive; a region suffix (`fr-CA`, `pt_BR`)
    /// is ignored. `None` for codes connexe does not analyse.
    pub fn from_code(code: &str) -> Option<Language> {
        let primary = code.split(['-', '_']).next().unwrap_or_default().trim();
        let primary = if primary.eq_ignore_ascii_case("nb") || primary.eq_ignore_ascii_case("nn") {
            "no"
        } else {
            primary
        };
        TABLE
            .iter()
            .find(|(_, iso1, _)| iso1.eq_ignore_ascii_case(primary))
            .map(|(lang, _, _)| *lang)
    }

    /// Detects the language of a text; `None` when the detector is unsure or finds a language
    /// connexe does not analyse.
    ///
    /// # Examples
    /// ```
    /// use connexe::Language;
    ///
    /// let text = "Le ministre des Affaires étrangères représente le Maroc à la réunion de la coalition.";
    /// assert_eq!(Language::detect(text), Some(Language::French));
    /// ```
    pub fn detect(text: &str) -> Option<Language> {
        let info = whatlang::detect(text)?;
        // whatlang's confidence is the margin over the runner-up; a quarter already means a
        // clear lead on a sentence or more.
        if !info.is_reliable() && info.confidence() < 0.25 {
            return None;
        }
        let iso3 = info.lang().code();
        TABLE
            .iter()
            .find(|(_, _, code)| *code == iso3)
            .map(|(lang, _, _)| *lang)
    }

    pub(crate) fn stemmer(self) -> Option<Algorithm> {
        Some(match self {
            Language::Arabic => Algorithm::Arabic,
            Language::Danish => Algorithm::Danish,
            Language::Dutch => Algorithm::Dutch,
            Language::English => Algorithm::English,
            Language::Finnish => Algorithm::Finnish,
            Language::French => Algorithm::French,
            Language::German => Algorithm::German,
            Language::Greek => Algorithm::Greek,
            Language::Hungarian => Algorithm::Hungarian,
            Language::Italian => Algorithm::Italian,
            Language::Norwegian => Algorithm::Norwegian,
            Language::Polish => return None,
            Language::Portuguese => Algorithm::Portuguese,
            Language::Romanian => Algorithm::Romanian,
            Language::Russian => Algorithm::Russian,
            Language::Spanish => Algorithm::Spanish,
            Language::Swedish => Algorithm::Swedish,
            Language::Tamil => Algorithm::Tamil,
            Language::Turkish => Algorithm::Turkish,
        })
    }

    /// The stop words removed from the text: NLTK's short lists (they keep content words
    /// such as "affaires" that the longer lists drop), Stopwords-ISO where NLTK has none.
    pub(crate) fn stop_words(self) -> &'static [&'static str] {
        stop_words::lookup(self.code()).unwrap_or_default()
    }

    /// Words written with a capital that are no names: sentence openers ("Selon", "Après")
    /// that the short stop lists keep, and English days and months.
    pub(crate) fn not_names(self) -> &'static [&'static str] {
        match self {
            Language::French => &[
                "selon",
                "après",
                "avant",
                "depuis",
                "pendant",
                "lors",
                "alors",
                "ainsi",
                "malgré",
                "face",
                "outre",
                "chez",
                "contre",
                "vers",
                "sans",
                "sous",
                "entre",
                "parmi",
                "durant",
                "dès",
                "hier",
                "demain",
                "aujourd'hui",
                "mais",
                "donc",
                "car",
                "cependant",
                "pourtant",
                "enfin",
                "puis",
                "ensuite",
                "toutefois",
                "néanmoins",
                "certes",
                "désormais",
                "jusqu'ici",
                "cette",
                "ces",
                "ce",
                "cet",
                "tous",
                "tout",
                "toutes",
                "chaque",
                "plusieurs",
                "certains",
                "quelques",
                "aucun",
                "aucune",
                "comme",
                "quand",
                "lorsque",
                "si",
                "où",
                "voici",
                "voilà",
                "là",
                "ici",
                "aussi",
                "encore",
                "déjà",
                "surtout",
                "notamment",
                "actuellement",
            ],
            Language::English => &[
                "according",
                "after",
                "before",
                "since",
                "during",
                "despite",
                "however",
                "meanwhile",
                "yesterday",
                "today",
                "tomorrow",
                "although",
                "though",
                "while",
                "when",
                "also",
                "many",
                "several",
                "every",
                "each",
                "last",
                "next",
                "earlier",
                "later",
                "still",
                "instead",
                "indeed",
                "moreover",
                "now",
                "even",
                "among",
                "like",
                "monday",
                "tuesday",
                "wednesday",
                "thursday",
                "friday",
                "saturday",
                "sunday",
                "january",
                "february",
                "april",
                "june",
                "july",
                "september",
                "october",
                "november",
                "december",
            ],
            _ => &[],
        }
    }

    /// Common nouns written with a capital by convention ("l'État", "la République"): a
    /// name only as part of a longer one ("État islamique", "République centrafricaine").
    pub(crate) fn capitalised_nouns(self) -> &'static [&'static str] {
        match self {
            Language::French => &[
                "état",
                "etat",
                "république",
                "gouvernement",
                "président",
                "premier",
                "ministre",
            ],
            _ => &[],
        }
    }

    /// Elided articles and pronouns written before an apostrophe (`l'`, `qu'`), dropped from
    /// the text terms.
    pub(crate) fn elisions(self) -> &'static [&'static str] {
        match self {
            Language::French => &[
                "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu",
            ],
            Language::Italian => &["l", "d", "dell", "dall", "nell", "sull", "all", "un", "c"],
            _ => &[],
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Language {
    type Err = Error;

    fn from_str(code: &str) -> Result<Language> {
        Language::from_code(code).ok_or_else(|| {
            let known: Vec<&str> = TABLE.iter().map(|(_, iso1, _)| *iso1).collect();
            Error::input(format!(
                "unknown language code {}; supported: {}",
                quoted(code),
                known.join(", ")
            ))
        })
    }
}

impl Serialize for Language {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Language {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let code = String::deserialize(deserializer)?;
        code.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_table_is_in_enum_order() {
        for (i, lang) in Language::ALL.iter().enumerate() {
            assert_eq!(*lang as usize, i);
            assert_eq!(Language::from_code(lang.code()), Some(*lang));
        }
    }

    #[test]
    fn every_language_but_polish_has_a_stemmer_and_all_have_stop_words() {
        for lang in Language::ALL {
            assert_eq!(lang.stemmer().is_none(), lang == Language::Polish, "{lang}");
            assert!(!lang.stop_words().is_empty(), "{lang} has no stop words");
        }
    }

    #[test]
    fn unknown_code_error_lists_supported_codes() {
        let err = "klingon".parse::<Language>().unwrap_err();
        assert!(err.to_string().contains("unknown language code \"klingon\""));
        assert!(err.to_string().contains("fr"));
    }

    #[test]
    fn detects_english_and_arabic() {
        assert_eq!(
            Language::detect("The minister said on Monday that the talks in Rome would continue next week."),
            Some(Language::English)
        );
        assert_eq!(
            Language::detect("قال وزير الخارجية إن المحادثات في روما ستستمر الأسبوع المقبل"),
            Some(Language::Arabic)
        );
    }
}
