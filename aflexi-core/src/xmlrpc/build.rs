//! Where the decoder puts what it reads: a [`Build`] makes the values of one representation.
//!
//! The client decodes into [`serde_json::Value`] ([`Json`]); the PHP extension implements
//! [`Build`] for PHP values, so that an answer becomes PHP arrays straight from the one
//! decoder, with its rules and limits, and no JSON in between.

use std::borrow::Cow;

use serde_json::{Map, Number, Value};

use super::value::BASE64_TAG;

/// Makes values as the decoder reads them, innermost first. The decoder checks everything
/// (types, numbers, depth, size); a builder only represents.
pub trait Build {
    /// A decoded value.
    type Value;
    /// An `<array>` being filled.
    type List;
    /// A `<struct>` being filled.
    type Members;

    /// `<nil/>`.
    fn null(&mut self) -> Self::Value;
    /// `<boolean>`.
    fn boolean(&mut self, value: bool) -> Self::Value;
    /// `<i4>`, `<int>`, `<i8>`.
    fn int(&mut self, value: i64) -> Self::Value;
    /// `<double>`; always finite.
    fn double(&mut self, value: f64) -> Self::Value;
    /// `<string>`, an untyped value, `<dateTime.iso8601>` (its text) and `<base64>` whose
    /// bytes are UTF-8.
    fn string(&mut self, text: Cow<'_, str>) -> Self::Value;
    /// `<base64>` whose bytes are not UTF-8, as its text without whitespace.
    fn binary(&mut self, base64: String) -> Self::Value;
    /// An empty `<array>`.
    fn list(&mut self) -> Self::List;
    /// Appends to an `<array>`.
    fn push(&mut self, list: &mut Self::List, item: Self::Value);
    /// The finished `<array>`.
    fn end_list(&mut self, list: Self::List) -> Self::Value;
    /// An empty `<struct>`.
    fn members(&mut self) -> Self::Members;
    /// Sets a member of a `<struct>`; a name seen before keeps its place and takes the new
    /// value.
    fn insert(&mut self, members: &mut Self::Members, name: Cow<'_, str>, value: Self::Value);
    /// The finished `<struct>`.
    fn end_members(&mut self, members: Self::Members) -> Self::Value;
}

/// Builds [`serde_json::Value`]s, with the conventions of [`value`](super::value): a binary
/// `<base64>` is `{"$base64": "<text>"}`.
pub struct Json;

impl Build for Json {
    type Value = Value;
    type List = Vec<Value>;
    type Members = Map<String, Value>;

    fn null(&mut self) -> Value {
        Value::Null
    }

    fn boolean(&mut self, value: bool) -> Value {
        Value::Bool(value)
    }

    fn int(&mut self, value: i64) -> Value {
        Value::from(value)
    }

    fn double(&mut self, value: f64) -> Value {
        Number::from_f64(value).map_or(Value::Null, Value::Number)
    }

    fn string(&mut self, text: Cow<'_, str>) -> Value {
        Value::String(text.into_owned())
    }

    fn binary(&mut self, base64: String) -> Value {
        let mut tagged = Map::with_capacity(1);
        tagged.insert(BASE64_TAG.to_owned(), Value::String(base64));
        Value::Object(tagged)
    }

    fn list(&mut self) -> Vec<Value> {
        Vec::new()
    }

    fn push(&mut self, list: &mut Vec<Value>, item: Value) {
        list.push(item);
    }

    fn end_list(&mut self, list: Vec<Value>) -> Value {
        Value::Array(list)
    }

    fn members(&mut self) -> Map<String, Value> {
        Map::new()
    }

    fn insert(&mut self, members: &mut Map<String, Value>, name: Cow<'_, str>, value: Value) {
        members.insert(name.into_owned(), value);
    }

    fn end_members(&mut self, members: Map<String, Value>) -> Value {
        Value::Object(members)
    }
}
