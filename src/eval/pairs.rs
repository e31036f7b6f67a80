//! Pair judgments: how similar humans find two articles, against our similarity.

use std::io::BufRead;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use super::{pearson, spearman};
use crate::article::Timestamp;
use crate::error::{Error, Result, quoted};
use crate::index::Index;
use crate::rank::{Explanation, Weights};

/// Rated pairs: a header `id_a<TAB>id_b<TAB>column...` (at least one human column, for
/// example `overall` and `entities`), then one pair a line with a number per column.
///
/// # Examples
/// ```
/// let pairs = connexe::eval::Pairs::from_tsv("id_a\tid_b\toverall\na\tb\t0.5\n".as_bytes())?;
/// assert_eq!((pairs.len(), pairs.columns()), (1, &["overall".to_owned()][..]));
/// let err = connexe::eval::Pairs::from_tsv("id_a\tid_b\toverall\na\tb\thigh\n".as_bytes()).unwrap_err();
/// assert_eq!(err.to_string(), "line 2: column `overall`: expected a number, got \"high\"");
/// # Ok::<(), connexe::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct Pairs {
    columns: Vec<String>,
    rows: Vec<Row>,
}

#[derive(Clone, Debug)]
struct Row {
    line: u64,
    a: String,
    b: String,
    values: Vec<f64>,
}

impl Pairs {
    /// Reads the header and the rated pairs (blank lines skipped).
    ///
    /// # Errors
    /// [`ErrorKind::Input`](crate::ErrorKind::Input) naming the line for a header that does
    /// not start with `id_a<TAB>id_b` or has no human column (or one named `pairs`, the key of
    /// the count in the JSON report), a wrong number of fields, or a value that is not a
    /// finite number; [`ErrorKind::Io`](crate::ErrorKind::Io).
    pub fn from_tsv<R: BufRead>(reader: R) -> Result<Pairs> {
        let mut pairs = Pairs::default();
        let mut header = false;
        super::tsv_rows(reader, |n, fields| {
            if !header {
                header = true;
                pairs.columns = Self::header(fields).map_err(|e| e.at_line(n))?;
                return Ok(());
            }
            if fields.len() != pairs.columns.len() + 2 {
                return Err(Error::input(format!(
                    "expected {} fields like the header, got {}",
                    pairs.columns.len() + 2,
                    fields.len()
                ))
                .at_line(n));
            }
            let values = fields[2..]
                .iter()
                .zip(&pairs.columns)
                .map(|(value, column)| {
                    value.parse().ok().filter(|v: &f64| v.is_finite()).ok_or_else(|| {
                        Error::input(format!(
                            "column `{column}`: expected a number, got {}",
                            quoted(value)
                        ))
                        .at_line(n)
                    })
                })
                .collect::<Result<Vec<f64>>>()?;
            pairs.rows.push(Row {
                line: n,
                a: fields[0].to_owned(),
                b: fields[1].to_owned(),
                values,
            });
            Ok(())
        })?;
        if !header {
            return Err(Error::input("no header: expected `id_a<TAB>id_b<TAB>overall...`"));
        }
        Ok(pairs)
    }

    fn header(fields: &[&str]) -> Result<Vec<String>> {
        let ["id_a", "id_b", columns @ ..] = fields else {
            return Err(Error::input(format!(
                "expected a header `id_a<TAB>id_b<TAB>overall...`, got {}",
                quoted(&fields.join("\t"))
            )));
        };
        if columns.is_empty() {
            return Err(Error::input(
                "the header names no human column after `id_a<TAB>id_b`",
            ));
        }
        for (i, column) in columns.iter().enumerate() {
            if column.is_empty() || *column == "pairs" || columns[..i].contains(column) {
                return Err(Error::input(format!(
                    "header: column {} is empty, repeated or reserved (`pairs` is the count)",
                    quoted(column)
                )));
            }
        }
        Ok(columns.iter().map(|c| (*c).to_owned()).collect())
    }

    /// The human columns, in file order.
    pub fn columns(&self) -> &[String] {
        &self.columns
    }

    /// Number of rated pairs.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether no pair is rated.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Checks that `known` accepts every id of the pairs (the corpus's ids: an article only
    /// in the background is not a pair's).
    ///
    /// # Errors
    /// [`ErrorKind::Input`](crate::ErrorKind::Input) naming the line and the id.
    pub fn check_ids(&self, known: impl Fn(&str) -> bool) -> Result<()> {
        for row in &self.rows {
            for id in [&row.a, &row.b] {
                if !known(id) {
                    return Err(Error::input(format!("unknown article id {}", quoted(id))).at_line(row.line));
                }
            }
        }
        Ok(())
    }
}

/// Pearson and Spearman of one series of ours against one human column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Correlation {
    /// Pearson's r.
    pub pearson: f64,
    /// Spearman's rho (average ranks for ties).
    pub spearman: f64,
}

impl Correlation {
    fn of(ours: &[f64], human: &[f64]) -> Correlation {
        Correlation {
            pearson: pearson(ours, human),
            spearman: spearman(ours, human),
        }
    }
}

/// One human column against our score and each of its components alone.
#[derive(Clone, Debug, PartialEq)]
pub struct ColumnReport {
    /// The column's name in the header.
    pub column: String,
    /// Our score ([`Index::explain`]'s).
    pub score: Correlation,
    /// The text cosine alone.
    pub text: Correlation,
    /// The entity overlap alone.
    pub entities: Correlation,
}

/// Pairs-mode figures. As JSON, one object: the count under `pairs`, then one object per human
/// column, `{"pearson", "spearman", "text": {..}, "entities": {..}}`:
///
/// ```json
/// {"pairs": 159, "overall": {"pearson": 0.52, "spearman": 0.63,
///   "text": {"pearson": 0.50, "spearman": 0.62}, "entities": {"pearson": 0.31, "spearman": 0.35}}}
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PairsReport {
    /// Rated pairs.
    pub pairs: usize,
    /// One report per human column, in file order.
    pub columns: Vec<ColumnReport>,
}

impl Serialize for PairsReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Column<'a> {
            pearson: f64,
            spearman: f64,
            text: &'a Correlation,
            entities: &'a Correlation,
        }
        let mut map = serializer.serialize_map(Some(1 + self.columns.len()))?;
        map.serialize_entry("pairs", &self.pairs)?;
        for c in &self.columns {
            let column = Column {
                pearson: c.score.pearson,
                spearman: c.score.spearman,
                text: &c.text,
                entities: &c.entities,
            };
            map.serialize_entry(&c.column, &column)?;
        }
        map.end()
    }
}

/// Every rated pair scored once ([`Index::explain`]); figures for any [`Weights`] follow.
///
/// # Examples
/// ```
/// use connexe::{Article, Index, eval::{PairSet, Pairs}};
///
/// let index = Index::builder().build([
///     Article::new("a", "Inflation record", "L'inflation atteint un record."),
///     Article::new("b", "La BCE et l'inflation", "L'inflation inquiète la BCE."),
///     Article::new("c", "Football", "Le Wydad remporte le championnat."),
/// ])?;
/// let pairs = Pairs::from_tsv("id_a\tid_b\toverall\na\tb\t0.8\na\tc\t0\nb\tc\t0.1\n".as_bytes())?;
/// let report = PairSet::new(&index, &pairs)?.evaluate(&index.config().weights);
/// assert_eq!(report.pairs, 3);
/// assert!(report.columns[0].score.pearson > 0.9);
/// # Ok::<(), connexe::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct PairSet {
    columns: Vec<String>,
    /// Per pair: both publication times and the components of the score.
    scored: Vec<(Option<Timestamp>, Option<Timestamp>, Explanation)>,
    /// Per column, the human values in pair order.
    human: Vec<Vec<f64>>,
}

impl PairSet {
    /// Scores every pair (`explain(id_a, id_b)`).
    ///
    /// # Errors
    /// [`ErrorKind::Input`](crate::ErrorKind::Input) naming the line of the first pair whose
    /// id the index lacks.
    pub fn new(index: &Index, pairs: &Pairs) -> Result<PairSet> {
        pairs.check_ids(|id| index.contains(id))?;
        let scored = pairs
            .rows
            .iter()
            .map(|row| {
                let r = index.explain(&row.a, &row.b)?;
                let a = index.get(&row.a).and_then(|a| a.published);
                Ok((a, r.published, r.explain))
            })
            .collect::<Result<Vec<_>>>()?;
        let human = (0..pairs.columns.len())
            .map(|c| pairs.rows.iter().map(|r| r.values[c]).collect())
            .collect();
        Ok(PairSet {
            columns: pairs.columns.clone(),
            scored,
            human,
        })
    }

    /// Pearson and Spearman of our score under `weights`, and of the text and entity
    /// components alone, against every human column.
    pub fn evaluate(&self, weights: &Weights) -> PairsReport {
        let score: Vec<f64> = self
            .scored
            .iter()
            .map(|(a, b, e)| {
                let mut e = e.clone();
                e.recency = weights.recency(*a, *b);
                weights.combine(&e)
            })
            .collect();
        let text: Vec<f64> = self.scored.iter().map(|s| s.2.text).collect();
        let entities: Vec<f64> = self.scored.iter().map(|s| s.2.entities).collect();
        PairsReport {
            pairs: self.scored.len(),
            columns: self
                .columns
                .iter()
                .zip(&self.human)
                .map(|(column, human)| ColumnReport {
                    column: column.clone(),
                    score: Correlation::of(&score, human),
                    text: Correlation::of(&text, human),
                    entities: Correlation::of(&entities, human),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_rows_errors_name_the_line() {
        let cases: [(&str, &str); 6] = [
            (
                "a\tb\toverall\n",
                "line 1: expected a header `id_a<TAB>id_b<TAB>overall...`, got \"a\\tb\\toverall\"",
            ),
            (
                "id_a\tid_b\n",
                "line 1: the header names no human column after `id_a<TAB>id_b`",
            ),
            (
                "id_a\tid_b\tpairs\n",
                "line 1: header: column \"pairs\" is empty, repeated or reserved (`pairs` is the count)",
            ),
            (
                "id_a\tid_b\tx\tx\n",
                "line 1: header: column \"x\" is empty, repeated or reserved (`pairs` is the count)",
            ),
            (
                "id_a\tid_b\toverall\n\na\tb\n",
                "line 3: expected 3 fields like the header, got 2",
            ),
            ("", "no header: expected `id_a<TAB>id_b<TAB>overall...`"),
        ];
        for (input, expected) in cases {
            let err = Pairs::from_tsv(input.as_bytes()).unwrap_err();
            assert_eq!(err.to_string(), expected);
        }
        let pairs = Pairs::from_tsv("id_a\tid_b\toverall\na\tb\t1\nc\tb\t0\n".as_bytes()).unwrap();
        let err = pairs.check_ids(|id| id != "c").unwrap_err();
        assert_eq!(err.to_string(), "line 3: unknown article id \"c\"");
    }

    #[test]
    fn json_has_one_object_per_column() {
        let c = |x: f64| Correlation {
            pearson: x,
            spearman: x / 2.0,
        };
        let report = PairsReport {
            pairs: 2,
            columns: vec![ColumnReport {
                column: "overall".into(),
                score: c(1.0),
                text: c(0.5),
                entities: c(0.0),
            }],
        };
        assert_eq!(
            serde_json::to_string(&report).unwrap(),
            r#"{"pairs":2,"overall":{"pearson":1.0,"spearman":0.5,"text":{"pearson":0.5,"spearman":0.25},"entities":{"pearson":0.0,"spearman":0.0}}}"#
        );
    }
}
