//! The article a CMS hands over: its fields, its checks, and its paragraphs. Reading one
//! from a JSON object is here (its errors name the field and the value); reading many from
//! JSON Lines is `jsonl`'s. Knows nothing of analysis or of the index.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result, quoted};
use crate::language::Language;
// The type of `published`; page, rank, eval and index::search import it from here.
pub(crate) use crate::timestamp::Timestamp;

mod field_names;

/// A news article as a CMS hands it over.
///
/// `body` is plain text; paragraphs are separated by blank lines (or by single newlines when
/// the text has no blank line). Only `id`, `title` and `body` are required.
///
/// # Examples
/// ```
/// use connexe::{Article, Language};
///
/// let line = r#"{"id": "a1", "title": "Rome accueille la coalition", "body": "Texte.", "lang": "fr", "published": "2021-06-28"}"#;
/// let article = Article::from_json(line).unwrap();
/// assert_eq!(article.lang, Some(Language::French));
/// assert_eq!(article.published.unwrap().to_string(), "2021-06-28T00:00:00Z");
///
/// let err = Article::from_json(r#"{"id": "a2", "body": "x"}"#).unwrap_err();
/// assert_eq!(err.to_string(), "field `title`: missing");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Article {
    /// Unique id in the corpus (the CMS's own).
    pub id: String,
    /// Headline.
    pub title: String,
    /// Plain-text body, paragraphs separated by blank lines.
    pub body: String,
    /// Standfirst / chapeau, when the CMS has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lead: Option<String>,
    /// Canonical URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Publication time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<Timestamp>,
    /// Section or rubrique ("Politique", "Sport").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
    /// Editorial tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Named entities the CMS already knows (people, places, organisations).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<String>,
    /// Language; detected from the text when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Language>,
}

impl Article {
    /// An article with the three required fields and nothing else.
    ///
    /// # Examples
    /// ```
    /// let a = connexe::Article::new("a1", "Titre", "Corps.");
    /// assert_eq!(a.id, "a1");
    /// assert!(a.lang.is_none());
    /// ```
    pub fn new(id: impl Into<String>, title: impl Into<String>, body: impl Into<String>) -> Self {
        Article {
            id: id.into(),
            title: title.into(),
            body: body.into(),
            ..Article::default()
        }
    }

    /// Parses one JSON object, with errors that name the field and the value.
    ///
    /// Unknown fields are ignored; `null` counts as absent for optional fields.
    ///
    /// # Errors
    /// [`ErrorKind::Input`](crate::ErrorKind::Input) when the text is not a JSON object, a
    /// required field is missing or empty, a field has the wrong type, the language code is
    /// unknown or the date is malformed.
    pub fn from_json(text: &str) -> Result<Article> {
        // Most lines are an object of known fields, each of its type: parsed straight into
        // strings. Any other line is parsed again as a JSON value, whose errors name the field
        // and value. (A struct would also read an array, and would skip unknown fields without
        // the value's checks of depth, numbers and escapes: those lines go the value's way.)
        if text.trim_start().starts_with('{')
            && let Ok(fields) = serde_json::from_str::<Fields>(text)
        {
            return fields.into_article();
        }
        Article::from_json_value(text)
    }

    /// [`Article::from_json`] through a JSON value, whatever the types of the fields.
    fn from_json_value(text: &str) -> Result<Article> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| Error::input(format!("invalid JSON: {e}")))?;
        let Value::Object(map) = value else {
            return Err(Error::input(format!(
                "expected a JSON object, got {}",
                type_name(&value)
            )));
        };
        Fields::<Option<Value>, Option<Value>>::deserialize(KnownFields(map))
            .map_err(|e| Error::input(format!("invalid JSON: {e}")))?
            .into_article()
    }

    /// Checks what a typed `Article` cannot: a non-blank id and title.
    ///
    /// # Errors
    /// [`ErrorKind::Input`](crate::ErrorKind::Input) naming the field.
    pub fn validate(&self) -> Result<()> {
        if self.id.trim().is_empty() {
            return Err(Error::bad_field("id", "must not be empty"));
        }
        if self.title.trim().is_empty() {
            return Err(Error::bad_field("title", "must not be empty"));
        }
        Ok(())
    }

    /// The body's paragraphs, trimmed, without empty ones: split at blank lines, or at every
    /// newline when the body has no blank line. A body with no line break at all (text
    /// scraped without its markup) is cut after sentences into paragraphs of about
    /// 600 characters.
    ///
    /// # Examples
    /// ```
    /// let a = connexe::Article::new("a", "t", "Un.\n\nDeux\nsuite.\n\n\nTrois.");
    /// assert_eq!(a.paragraphs(), vec!["Un.", "Deux\nsuite.", "Trois."]);
    /// let b = connexe::Article::new("b", "t", "Un.\nDeux.");
    /// assert_eq!(b.paragraphs(), vec!["Un.", "Deux."]);
    /// ```
    pub fn paragraphs(&self) -> Vec<&str> {
        let body = self.body.trim();
        if body.lines().any(|l| l.trim().is_empty()) {
            let mut out = Vec::new();
            let mut start: Option<usize> = None;
            let mut end = 0;
            let mut offset = 0;
            for line in body.split_inclusive('\n') {
                if line.trim().is_empty() {
                    if let Some(s) = start.take() {
                        out.push(body[s..end].trim());
                    }
                } else {
                    start.get_or_insert(offset);
                    end = offset + line.len();
                }
                offset += line.len();
            }
            if let Some(s) = start {
                out.push(body[s..end].trim());
            }
            out
        } else if body.contains('\n') {
            body.lines().map(str::trim).filter(|l| !l.is_empty()).collect()
        } else {
            sentence_paragraphs(body)
        }
    }
}

/// The length [`Article::paragraphs`] aims at when it has to cut a body without line breaks.
pub(crate) const PARAGRAPH_CHARS: usize = 600;

/// Cuts a text without line breaks after the sentence that brings a paragraph past
/// [`PARAGRAPH_CHARS`]; a sentence ends at `.`, `!`, `?` or `…` (and closing quotes after
/// them) followed by a space and a capital, a digit or an opening quote.
fn sentence_paragraphs(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    // Characters since `start`, counted as they go by: one pass over the text.
    let mut since = 0usize;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        since += 1;
        if !matches!(c, '.' | '!' | '?' | '…') || since <= PARAGRAPH_CHARS {
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, q)) = chars.peek() {
            if matches!(q, '»' | '"' | '”' | ')') {
                end = j + q.len_utf8();
                since += 1;
                chars.next();
            } else {
                break;
            }
        }
        let rest = &text[end..];
        let after_space = rest.trim_start_matches([' ', '\u{a0}']);
        let opens = after_space
            .chars()
            .next()
            .is_some_and(|n| n.is_uppercase() || n.is_numeric() || matches!(n, '«' | '"' | '“'));
        if after_space.len() < rest.len() && opens {
            out.push(text[start..end].trim());
            start = end;
            since = 0;
        }
    }
    if !text[start..].trim().is_empty() {
        out.push(text[start..].trim());
    }
    out
}

/// The fields of an article's JSON object, `null` for absent, before they are checked: as
/// strings and lists of strings when each has its type (`S` and `L` by default), or as the
/// JSON values the object holds (`Option<Value>`), whose errors name the field and value.
/// The one list of the fields that [`Article::from_json`] reads.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields<S = Option<String>, L = Option<Vec<String>>> {
    id: S,
    title: S,
    body: S,
    lead: S,
    url: S,
    published: S,
    section: S,
    tags: L,
    entities: L,
    lang: S,
}

impl<S: FieldValue<Option<String>>, L: FieldValue<Vec<String>>> Fields<S, L> {
    /// The article, each field checked in turn: the same checks in the same order, and so
    /// the same first error, whichever way the fields were read.
    fn into_article(self) -> Result<Article> {
        Ok(Article {
            id: required(self.id.read("id")?, "id")?,
            title: required(self.title.read("title")?, "title")?,
            body: self
                .body
                .read("body")?
                .ok_or_else(|| Error::bad_field("body", "missing"))?,
            lead: self.lead.read("lead")?,
            url: self.url.read("url")?,
            published: timestamp(self.published.read("published")?)?,
            section: self.section.read("section")?,
            tags: self.tags.read("tags")?,
            entities: self.entities.read("entities")?,
            lang: language(self.lang.read("lang")?)?,
        })
    }
}

/// A field's value as [`Fields`] holds it, checked for its type `T` when it is read.
trait FieldValue<T> {
    fn read(self, field: &'static str) -> Result<T>;
}

impl FieldValue<Option<String>> for Option<String> {
    fn read(self, _: &'static str) -> Result<Option<String>> {
        Ok(self)
    }
}

impl FieldValue<Vec<String>> for Option<Vec<String>> {
    fn read(self, _: &'static str) -> Result<Vec<String>> {
        Ok(self.unwrap_or_default())
    }
}

impl FieldValue<Option<String>> for Option<Value> {
    fn read(self, field: &'static str) -> Result<Option<String>> {
        match self {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(Error::bad_field(
                field,
                format!("expected a string, got {} {}", type_name(&other), short(&other)),
            )),
        }
    }
}

impl FieldValue<Vec<String>> for Option<Value> {
    fn read(self, field: &'static str) -> Result<Vec<String>> {
        match self {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Value::String(s) => Ok(s),
                    other => Err(Error::bad_field(
                        field,
                        format!(
                            "item {i}: expected a string, got {} {}",
                            type_name(&other),
                            short(&other)
                        ),
                    )),
                })
                .collect(),
            Some(other) => Err(Error::bad_field(
                field,
                format!(
                    "expected an array of strings, got {} {}",
                    type_name(&other),
                    short(&other)
                ),
            )),
        }
    }
}

/// A JSON object read as a struct that takes only the fields it names: the others are left
/// out, not refused (serde gives `deserialize_struct` the struct's fields).
struct KnownFields(Map<String, Value>);

impl<'de> serde::Deserializer<'de> for KnownFields {
    type Error = serde_json::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        serde::Deserializer::deserialize_any(Value::Object(self.0), visitor)
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        mut self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.retain(|key, _| fields.contains(&key.as_str()));
        self.deserialize_any(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn short(value: &Value) -> String {
    quoted(&value.to_string())
}

fn timestamp(published: Option<String>) -> Result<Option<Timestamp>> {
    published
        .map(|s| Timestamp::parse(&s).map_err(|msg| Error::bad_field("published", msg)))
        .transpose()
}

fn language(code: Option<String>) -> Result<Option<Language>> {
    code.map(|code| {
        code.parse::<Language>()
            .map_err(|e| Error::bad_field("lang", e.to_string()))
    })
    .transpose()
}

/// A required string field: present and not blank.
fn required(value: Option<String>, field: &'static str) -> Result<String> {
    let value = value.ok_or_else(|| Error::bad_field(field, "missing"))?;
    if value.trim().is_empty() {
        return Err(Error::bad_field(field, "must not be empty"));
    }
    Ok(value)
}

#[cfg(test)]
mod tests;
