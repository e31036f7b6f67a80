//! Synthetic French-like corpora of any size, for benchmarks: the words and their frequencies
//! come from the bundled BBC Afrique corpus, the structure from real news.
//!
//! Each article draws a topic (one article of the bundled corpus): half its words come from
//! that article's own words, half from the corpus-wide frequencies, so articles cluster into
//! stories as real news does. Titles have about 10 words; bodies about 400 (log-normal) in 5
//! to 10 paragraphs; capitalised names come from a pool of first names and surnames found in
//! the bundled corpus; dates spread over five years from 2020. The same seed gives the same
//! corpus.
//!
//! Behind the `synth` feature (on with the default `cli` feature): it embeds the bundled
//! corpus, which a library user does not need.

use hashbrown::HashMap;
use unicode_segmentation::UnicodeSegmentation;

use crate::article::Article;
use crate::jsonl::Corpus;
use crate::language::Language;
use crate::timestamp::Timestamp;

const BUNDLED: &str = include_str!("../data/masakhanews-fr/corpus.jsonl");

/// SplitMix64: small, fast, and the same on every platform.
#[derive(Clone, Debug)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn below(&mut self, n: usize) -> usize {
        (self.unit() * n as f64) as usize % n.max(1)
    }

    fn between(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f64 {
        let u = self.unit().max(f64::MIN_POSITIVE);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// Words with their cumulative frequencies, for sampling in proportion to counts.
#[derive(Clone, Debug, Default)]
struct Distribution {
    words: Vec<String>,
    cumulative: Vec<u64>,
}

impl Distribution {
    fn new(counts: HashMap<String, u64>) -> Self {
        let mut pairs: Vec<(String, u64)> = counts.into_iter().collect();
        // Most frequent first, ties by text: the order (and so the corpus) is reproducible.
        pairs.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        let mut total = 0;
        let mut out = Distribution::default();
        for (word, count) in pairs {
            total += count;
            out.words.push(word);
            out.cumulative.push(total);
        }
        out
    }

    fn sample(&self, rng: &mut Rng) -> &str {
        let total = *self.cumulative.last().unwrap_or(&1);
        let target = rng.next() % total;
        let at = self.cumulative.partition_point(|&c| c <= target);
        &self.words[at.min(self.words.len() - 1)]
    }
}

/// A generator of synthetic articles.
///
/// # Examples
/// ```
/// let a: Vec<_> = connexe::synth::Generator::new(7).take(3).collect();
/// let b: Vec<_> = connexe::synth::Generator::new(7).take(3).collect();
/// assert_eq!(a, b);
/// assert_eq!(a[0].id, "syn-0000000");
/// assert!(a[0].body.split_whitespace().count() > 50);
/// assert!(a[0].paragraphs().len() >= 5);
/// ```
#[derive(Clone, Debug)]
pub struct Generator {
    rng: Rng,
    global: Distribution,
    topics: Vec<Distribution>,
    first_names: Vec<String>,
    surnames: Vec<String>,
    next_id: u64,
}

impl Generator {
    /// A generator for `seed`.
    pub fn new(seed: u64) -> Self {
        let corpus = Corpus::from_jsonl(BUNDLED.as_bytes()).expect("the bundled corpus parses");
        let mut global: HashMap<String, u64> = HashMap::new();
        let mut capitalised: HashMap<String, u64> = HashMap::new();
        let mut topics = Vec::with_capacity(corpus.articles.len());
        for article in &corpus.articles {
            let mut own: HashMap<String, u64> = HashMap::new();
            for word in article.body.unicode_words() {
                if word.chars().next().is_some_and(char::is_uppercase) {
                    if word.chars().count() > 3 && word.chars().skip(1).all(char::is_lowercase) {
                        *capitalised.entry(word.to_owned()).or_insert(0) += 1;
                    }
                    continue;
                }
                *own.entry(word.to_owned()).or_insert(0) += 1;
                *global.entry(word.to_owned()).or_insert(0) += 1;
            }
            if !own.is_empty() {
                topics.push(Distribution::new(own));
            }
        }
        // A name is a capitalised word the corpus never writes in lower case ("Pour" is not).
        capitalised.retain(|word, _| !global.contains_key(&word.to_lowercase()));
        let names = Distribution::new(capitalised);
        let (first_names, surnames) = names.words.split_at(names.words.len().min(400) / 2);
        Generator {
            rng: Rng(seed),
            global: Distribution::new(global),
            topics,
            first_names: first_names.to_vec(),
            surnames: surnames.iter().take(200).cloned().collect(),
            next_id: 0,
        }
    }

    fn name(&mut self) -> String {
        let first = &self.first_names[self.rng.below(self.first_names.len())];
        let last = &self.surnames[self.rng.below(self.surnames.len())];
        format!("{first} {last}")
    }

    fn sentence(&mut self, topic: usize, words: usize, names: &[String]) -> String {
        let mut out = String::new();
        for i in 0..words {
            if i > 0 {
                out.push(' ');
            }
            let roll = self.rng.unit();
            if roll < 0.06 {
                out.push_str(&names[self.rng.below(names.len())]);
                continue;
            }
            let word = if roll < 0.53 {
                self.topics[topic].sample(&mut self.rng)
            } else {
                self.global.sample(&mut self.rng)
            };
            if i == 0 {
                let mut chars = word.chars();
                if let Some(c) = chars.next() {
                    out.extend(c.to_uppercase());
                    out.push_str(chars.as_str());
                }
            } else {
                out.push_str(word);
            }
        }
        out.push('.');
        out
    }
}

impl Iterator for Generator {
    type Item = Article;

    fn next(&mut self) -> Option<Article> {
        let topic = self.rng.below(self.topics.len());
        let names: Vec<String> = (0..3).map(|_| self.name()).collect();
        let title = {
            let words = self.rng.between(7, 13);
            let mut t = self.sentence(topic, words, &names);
            t.pop();
            t
        };
        let target_words = (400f64.ln() + 0.45 * self.rng.normal()).exp().clamp(60.0, 3000.0) as usize;
        let paragraphs = self.rng.between(5, 10);
        let per_paragraph = (target_words / paragraphs).max(8);
        let mut body = String::new();
        for p in 0..paragraphs {
            if p > 0 {
                body.push_str("\n\n");
            }
            let mut written = 0;
            while written < per_paragraph {
                let words = self.rng.between(8, 25).min(per_paragraph - written).max(3);
                if written > 0 {
                    body.push(' ');
                }
                body.push_str(&self.sentence(topic, words, &names));
                written += words;
            }
        }
        const FIVE_YEARS: u64 = 5 * 365 * 86_400;
        let published = 1_577_836_800 + (self.rng.next() % FIVE_YEARS) as i64;
        let id = format!("syn-{:07}", self.next_id);
        self.next_id += 1;
        Some(Article {
            published: Some(Timestamp::from_unix_seconds(published)),
            lang: Some(Language::French),
            ..Article::new(id, title, body)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_look_like_news() {
        let articles: Vec<Article> = Generator::new(1).take(2000).collect();
        let words: Vec<usize> = articles
            .iter()
            .map(|a| a.body.split_whitespace().count())
            .collect();
        let mean = words.iter().sum::<usize>() as f64 / words.len() as f64;
        assert!((300.0..550.0).contains(&mean), "mean body {mean} words");
        let titles = articles
            .iter()
            .map(|a| a.title.split_whitespace().count())
            .sum::<usize>()
            / 2000;
        assert!((7..=13).contains(&titles), "{titles}");
        assert!(articles.iter().all(|a| (5..=10).contains(&a.paragraphs().len())));
        assert_ne!(Generator::new(2).next().unwrap().body, articles[0].body);
    }
}
