//! The names of an article's JSON fields, read from [`Article`]'s serde derive so that no one
//! keeps a list by hand: a field added to `Article` is a field every caller sees.
//!
//! Knows only the `Deserialize` impl's shape (a struct), nothing of how an article is parsed.

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use super::Article;

impl Article {
    /// The names of the fields an article's JSON may have, in the order `Article` declares
    /// them (the required `id`, `title`, `body` first): what a binding reads off an object
    /// that holds an article as attributes.
    ///
    /// # Examples
    /// ```
    /// let fields = connexe::Article::field_names();
    /// assert_eq!(fields[..3], ["id", "title", "body"]);
    /// assert!(fields.contains(&"published"));
    /// ```
    pub fn field_names() -> &'static [&'static str] {
        let mut fields = None;
        // The derive hands its field list to `deserialize_struct`, which records it and stops.
        let _ = Article::deserialize(FieldRecorder(&mut fields));
        fields.expect("Article's Deserialize asks for a struct")
    }
}

/// A deserializer that answers nothing: it only records the fields of the struct asked of it.
struct FieldRecorder<'a>(&'a mut Option<&'static [&'static str]>);

impl<'de> Deserializer<'de> for FieldRecorder<'_> {
    type Error = de::value::Error;

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = Some(fields);
        Err(de::Error::custom("field names recorded"))
    }

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("not a struct"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_in_declaration_order() {
        assert_eq!(
            Article::field_names(),
            [
                "id",
                "title",
                "body",
                "lead",
                "url",
                "published",
                "section",
                "tags",
                "entities",
                "lang"
            ]
        );
    }

    #[test]
    fn every_field_is_read_by_from_json() {
        // Each name, alone with a wrongly typed value, is the field the error names.
        for &field in Article::field_names() {
            let mut object = serde_json::json!({"id": "a", "title": "T", "body": "B"});
            object[field] = serde_json::json!({});
            let err = Article::from_json(&object.to_string()).unwrap_err();
            assert_eq!(err.field(), Some(field), "{err}");
        }
    }
}
