//! The filter and option conventions of every `.get` method (docs/AFLEXI-API.md#filters, #options, #paging).
//!
//! * A filter is a struct; an array where a struct is expected is a fault 400 (the reason the
//!   old cPanel code put a `_hack` key in "empty" filters).
//! * A scalar value means equality, an array value means IN (an empty array matches nothing),
//!   a key may be a dotted path into a nested entity (`publisher.username`).
//! * `id`-like keys take ints only (strict, docs/AFLEXI-API.md#filters); text keys also take an int and compare its
//!   decimal text (the PHP numeric-key quirk, docs/AFLEXI-API.md#wire-format); usernames and emails compare
//!   case-insensitively, everything else exactly.
//! * Keys that the entity does not know are ignored (docs/AFLEXI-API.md#filters), and so are unknown options.
//! * `disjunction: true` ORs the top-level criteria; the default is AND (docs/AFLEXI-API.md#options). A filter
//!   without criteria matches everything.
//! * `firstResultIndex` (0-based) and `maximumResults` are honoured exactly; no limit when
//!   absent (docs/AFLEXI-API.md#paging).
//! * `extract` is a strict projection (docs/AFLEXI-API.md#options): see [`Extract`].
//!
//! This module knows nothing of the entities: the caller gives a schema (path → kind) and
//! reads fields through a closure, see `query`.

use serde_json::{Map, Value};

use crate::api_fault::ApiFault;

/// How a filterable field compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// An entity id or reference: filter values must be ints.
    Id,
    /// Another integer field: ints only.
    Int,
    /// Text compared case-insensitively (username, email); an int value is compared as text.
    TextNoCase,
    /// Text compared exactly; an int value is compared as text.
    Text,
    /// A boolean flag: booleans only.
    Bool,
}

/// A field value read from an entity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scalar<'a> {
    /// An integer.
    Int(i64),
    /// Text.
    Text(&'a str),
    /// A boolean.
    Bool(bool),
    /// The entity has no such value (an operator's agent): matches nothing.
    Missing,
}

#[derive(Clone, Debug, PartialEq)]
enum Expected {
    Int(i64),
    Text(String),
    Bool(bool),
}

/// Case-insensitive equality without allocating in the usual ASCII case.
pub fn eq_no_case(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        a.to_lowercase() == b.to_lowercase()
    }
}

/// One `key = value` (or `key IN [...]`) criterion.
#[derive(Clone, Debug, PartialEq)]
pub struct Criterion {
    path: String,
    kind: FieldKind,
    expected: Vec<Expected>,
}

impl Criterion {
    /// Checks the filter value against the kind of the field.
    pub fn new(path: &str, kind: FieldKind, value: &Value) -> Result<Criterion, ApiFault> {
        let expected = match value {
            Value::Array(items) => items
                .iter()
                .map(|item| expected_value(path, kind, item))
                .collect::<Result<Vec<_>, _>>()?,
            single => vec![expected_value(path, kind, single)?],
        };
        Ok(Criterion {
            path: path.to_string(),
            kind,
            expected,
        })
    }

    /// A criterion `path IN ids` built by the method itself (e.g. `self: true`).
    pub fn ids(path: &str, ids: &[i64]) -> Criterion {
        Criterion {
            path: path.to_string(),
            kind: FieldKind::Id,
            expected: ids.iter().map(|&id| Expected::Int(id)).collect(),
        }
    }

    /// The field path.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The expected ints (for index lookups); `None` when the kind is not an integer kind.
    pub fn int_values(&self) -> Option<Vec<i64>> {
        self.expected
            .iter()
            .map(|e| match e {
                Expected::Int(i) => Some(*i),
                _ => None,
            })
            .collect()
    }

    /// The expected texts (for index lookups).
    pub fn text_values(&self) -> Vec<&str> {
        self.expected
            .iter()
            .filter_map(|e| match e {
                Expected::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect()
    }

    /// True when the field value equals one of the expected values.
    pub fn matches(&self, actual: Scalar<'_>) -> bool {
        self.expected.iter().any(|e| match (e, actual) {
            (Expected::Int(a), Scalar::Int(b)) => *a == b,
            (Expected::Bool(a), Scalar::Bool(b)) => *a == b,
            (Expected::Text(a), Scalar::Text(b)) => match self.kind {
                FieldKind::TextNoCase => eq_no_case(a, b),
                _ => a == b,
            },
            _ => false,
        })
    }
}

fn expected_value(path: &str, kind: FieldKind, value: &Value) -> Result<Expected, ApiFault> {
    let wrong = |what: &str| ApiFault::invalid(format!("filter {path:?} expects {what}"));
    match kind {
        FieldKind::Id | FieldKind::Int => value
            .as_i64()
            .map(Expected::Int)
            .ok_or_else(|| wrong("an int or an array of ints")),
        FieldKind::Text | FieldKind::TextNoCase => match value {
            Value::String(s) => Ok(Expected::Text(s.clone())),
            Value::Number(n) if n.is_i64() || n.is_u64() => Ok(Expected::Text(n.to_string())),
            _ => Err(wrong("a string or an array of strings")),
        },
        FieldKind::Bool => value
            .as_bool()
            .map(Expected::Bool)
            .ok_or_else(|| wrong("a boolean")),
    }
}

/// A compiled filter.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    criteria: Vec<Criterion>,
    disjunction: bool,
}

impl Filter {
    /// A filter without criteria (matches everything).
    pub fn new(disjunction: bool) -> Filter {
        Filter {
            criteria: Vec::new(),
            disjunction,
        }
    }

    /// Compiles every key the schema knows; unknown keys are ignored.
    pub fn from_map(
        map: &Map<String, Value>,
        disjunction: bool,
        schema: impl Fn(&str) -> Option<FieldKind>,
    ) -> Result<Filter, ApiFault> {
        let mut filter = Filter::new(disjunction);
        for (key, value) in map {
            if let Some(kind) = schema(key) {
                filter.push(Criterion::new(key, kind, value)?);
            }
        }
        Ok(filter)
    }

    /// Adds a criterion.
    pub fn push(&mut self, criterion: Criterion) {
        self.criteria.push(criterion);
    }

    /// The criteria.
    pub fn criteria(&self) -> &[Criterion] {
        &self.criteria
    }

    /// True when the criteria are ORed and there is more than one, so no single
    /// criterion restricts the result (and an index cannot be used).
    pub fn is_disjunctive(&self) -> bool {
        self.disjunction && self.criteria.len() > 1
    }

    /// The first criterion on one of `paths`, when every criterion must hold.
    pub fn required(&self, paths: &[&str]) -> Option<&Criterion> {
        if self.is_disjunctive() {
            return None;
        }
        self.criteria.iter().find(|c| paths.contains(&c.path()))
    }

    /// Evaluates the filter; `get` reads a field by path.
    pub fn matches<'a>(&self, get: impl Fn(&str) -> Scalar<'a>) -> bool {
        if self.criteria.is_empty() {
            return true;
        }
        let hit = |c: &Criterion| c.matches(get(c.path()));
        if self.disjunction {
            self.criteria.iter().any(hit)
        } else {
            self.criteria.iter().all(hit)
        }
    }
}

/// The struct form of a param, or a 400 naming it (an array is refused, see the module doc).
pub fn expect_struct<'a>(value: &'a Value, what: &str) -> Result<&'a Map<String, Value>, ApiFault> {
    match value {
        Value::Object(map) => Ok(map),
        Value::Array(_) => Err(ApiFault::invalid(format!(
            "{what} must be a struct, not an array"
        ))),
        _ => Err(ApiFault::invalid(format!("{what} must be a struct"))),
    }
}

/// A projection (`extract`).
///
/// A field listed with `true` is included (a nested entity whole); a nested entity listed
/// with a struct includes only the listed sub-fields; fields not listed are left out. A
/// dotted key (`"publisher.id": true`) is the same as `publisher: {id: true}`.
#[derive(Clone, Debug, PartialEq)]
pub enum Extract {
    /// The whole value.
    All,
    /// Only these fields (in the entity's own order when applied).
    Fields(Vec<(String, Extract)>),
}

impl Extract {
    /// Parses an `extract` struct; `false` and other values leave a key out.
    pub fn parse(map: &Map<String, Value>) -> Extract {
        let mut fields: Vec<(String, Extract)> = Vec::new();
        for (key, value) in map {
            let spec = match value {
                Value::Bool(true) => Extract::All,
                Value::Number(n) if n.as_i64().is_some_and(|i| i != 0) => Extract::All,
                Value::Object(sub) => Extract::parse(sub),
                _ => continue,
            };
            let mut parts = key.rsplit('.');
            let mut spec = spec;
            let last = parts.next().unwrap_or(key).to_string();
            let mut name = last;
            for parent in parts {
                spec = Extract::Fields(vec![(name, spec)]);
                name = parent.to_string();
            }
            merge_into(&mut fields, name, spec);
        }
        Extract::Fields(fields)
    }

    /// Applies the projection to one result.
    pub fn apply(&self, value: Value) -> Value {
        match (self, value) {
            (Extract::All, v) => v,
            (Extract::Fields(fields), Value::Object(map)) => {
                let mut out = Map::new();
                for (key, v) in map {
                    if let Some((_, spec)) = fields.iter().find(|(name, _)| *name == key) {
                        out.insert(key, spec.apply(v));
                    }
                }
                Value::Object(out)
            }
            (Extract::Fields(_), scalar) => scalar,
        }
    }
}

fn merge_into(fields: &mut Vec<(String, Extract)>, name: String, spec: Extract) {
    match fields.iter_mut().find(|(n, _)| *n == name) {
        None => fields.push((name, spec)),
        Some((_, existing)) => {
            let merged = match (std::mem::replace(existing, Extract::All), spec) {
                (Extract::All, _) | (_, Extract::All) => Extract::All,
                (Extract::Fields(mut a), Extract::Fields(b)) => {
                    for (n, s) in b {
                        merge_into(&mut a, n, s);
                    }
                    Extract::Fields(a)
                }
            };
            *existing = merged;
        }
    }
}

/// The options struct of a `.get` (param 4); the default is AND, everything, no projection.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Options {
    /// OR the filter keys instead of AND.
    pub disjunction: bool,
    /// `firstResultIndex`: rows to skip.
    pub first: usize,
    /// `maximumResults`: page size; `None` = everything.
    pub max: Option<usize>,
    /// The projection, if any.
    pub extract: Option<Extract>,
}

impl Options {
    /// Parses param 4 (absent = defaults). A negative index or size is a 400.
    pub fn parse(value: Option<&Value>) -> Result<Options, ApiFault> {
        let Some(value) = value else {
            return Ok(Options::default());
        };
        let map = expect_struct(value, "options (param 4)")?;
        let mut options = Options::default();
        if let Some(v) = map.get("disjunction") {
            options.disjunction = match v {
                Value::Bool(b) => *b,
                Value::Number(n) if n.is_i64() => n.as_i64() != Some(0),
                _ => {
                    return Err(ApiFault::invalid(
                        "option \"disjunction\" must be a boolean",
                    ))
                }
            };
        }
        let count = |key: &str| -> Result<Option<usize>, ApiFault> {
            match map.get(key) {
                None => Ok(None),
                Some(v) => v
                    .as_i64()
                    .and_then(|i| usize::try_from(i).ok())
                    .map(Some)
                    .ok_or_else(|| {
                        ApiFault::invalid(format!("option {key:?} must be a non-negative int"))
                    }),
            }
        };
        options.first = count("firstResultIndex")?.unwrap_or(0);
        options.max = count("maximumResults")?;
        if let Some(v) = map.get("extract") {
            options.extract = Some(Extract::parse(expect_struct(v, "option \"extract\"")?));
        }
        Ok(options)
    }

    /// Skips and limits an ordered stream of matches lazily.
    pub fn page<I: Iterator>(&self, items: I) -> impl Iterator<Item = I::Item> {
        items.skip(self.first).take(self.max.unwrap_or(usize::MAX))
    }

    /// Applies the projection, if any.
    pub fn project(&self, value: Value) -> Value {
        match &self.extract {
            Some(extract) => extract.apply(value),
            None => value,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema(path: &str) -> Option<FieldKind> {
        match path {
            "id" => Some(FieldKind::Id),
            "username" => Some(FieldKind::TextNoCase),
            "name" | "status" => Some(FieldKind::Text),
            "flag" => Some(FieldKind::Bool),
            _ => None,
        }
    }

    fn row<'a>(id: i64, username: &'a str, name: &'a str) -> impl Fn(&str) -> Scalar<'a> {
        move |path| match path {
            "id" => Scalar::Int(id),
            "username" => Scalar::Text(username),
            "name" => Scalar::Text(name),
            _ => Scalar::Missing,
        }
    }

    fn compile(filter: Value, disjunction: bool) -> Result<Filter, ApiFault> {
        Filter::from_map(filter.as_object().unwrap(), disjunction, schema)
    }

    #[test]
    fn scalar_is_equality_and_array_is_in() {
        let f = compile(json!({"id": [1, 3]}), false).unwrap();
        assert!(f.matches(row(3, "a", "b")));
        assert!(!f.matches(row(2, "a", "b")));
        let none = compile(json!({"id": []}), false).unwrap();
        assert!(!none.matches(row(1, "a", "b")));
    }

    #[test]
    fn keys_are_anded_unless_disjunction() {
        let and = compile(json!({"id": 1, "name": "x"}), false).unwrap();
        let or = compile(json!({"id": 1, "name": "x"}), true).unwrap();
        assert!(!and.matches(row(1, "a", "y")));
        assert!(or.matches(row(1, "a", "y")));
        assert!(or.matches(row(9, "a", "x")));
        assert!(!or.matches(row(9, "a", "y")));
    }

    #[test]
    fn unknown_keys_are_ignored() {
        let f = compile(json!({"_hack": true}), false).unwrap();
        assert!(f.criteria().is_empty());
        assert!(f.matches(row(1, "a", "b")));
    }

    #[test]
    fn id_must_be_an_int() {
        let err = compile(json!({"id": "1"}), false).unwrap_err();
        assert_eq!(err.code, crate::api_fault::INVALID_PARAMS);
        assert!(compile(json!({"id": [1, "2"]}), false).is_err());
        assert!(compile(json!({"flag": 1}), false).is_err());
    }

    #[test]
    fn names_compare_as_text_even_when_sent_as_ints() {
        let f = compile(json!({"name": [123, "gold"]}), false).unwrap();
        assert!(f.matches(row(1, "a", "123")));
        assert!(!f.matches(row(1, "a", "Gold")));
    }

    #[test]
    fn usernames_compare_without_case() {
        let f = compile(json!({"username": "ÄBC/1"}), false).unwrap();
        assert!(f.matches(row(1, "äbc/1", "x")));
        assert!(compile(json!({"username": "ab"}), false)
            .unwrap()
            .matches(row(1, "AB", "x")));
    }

    #[test]
    fn missing_fields_match_nothing() {
        let f = compile(json!({"status": "ACTIVE"}), false).unwrap();
        assert!(!f.matches(row(1, "a", "b")));
    }

    #[test]
    fn an_array_is_not_a_struct() {
        let err = expect_struct(&json!([]), "filter (param 3)").unwrap_err();
        assert_eq!(err.code, 400);
        assert!(Options::parse(Some(&json!([]))).is_err());
    }

    #[test]
    fn options_parse_paging_and_refuse_negatives() {
        let o = Options::parse(Some(
            &json!({"firstResultIndex": 5, "maximumResults": 2, "x": 1}),
        ))
        .unwrap();
        assert_eq!((o.first, o.max), (5, Some(2)));
        let got: Vec<i32> = o.page(0..10).collect();
        assert_eq!(got, vec![5, 6]);
        assert!(Options::parse(Some(&json!({"maximumResults": -1}))).is_err());
        assert_eq!(Options::parse(None).unwrap().max, None);
    }

    #[test]
    fn extract_is_a_strict_nested_projection() {
        let link = json!({
            "publisher": {"id": 3, "username": "u", "email": "e", "agent": {"id": 1}},
            "operator": {"id": 1, "username": "op"},
            "status": "ACTIVE",
            "bandwidthPackage": {"id": 7, "name": "gold"},
        });
        let spec = json!({"publisher": {"username": true, "id": true}, "status": true,
                          "bandwidthPackage": true, "operator": false});
        let out = Extract::parse(spec.as_object().unwrap()).apply(link);
        assert_eq!(
            out,
            json!({"publisher": {"id": 3, "username": "u"}, "status": "ACTIVE",
                   "bandwidthPackage": {"id": 7, "name": "gold"}})
        );
    }

    #[test]
    fn dotted_extract_keys_merge_with_nested_ones() {
        let spec = json!({"publisher": {"username": true}, "publisher.id": true, "a.b.c": true});
        let e = Extract::parse(spec.as_object().unwrap());
        let out = e.apply(
            json!({"publisher": {"id": 1, "username": "u", "email": "x"},
                                 "a": {"b": {"c": 1, "d": 2}, "z": 0}}),
        );
        assert_eq!(
            out,
            json!({"publisher": {"id": 1, "username": "u"}, "a": {"b": {"c": 1}}})
        );
    }

    #[test]
    fn an_empty_extract_leaves_everything_out() {
        let e = Extract::parse(&Map::new());
        assert_eq!(e.apply(json!({"id": 1})), json!({}));
    }

    #[test]
    fn required_criteria_are_only_offered_in_and_mode() {
        let and = compile(json!({"name": "x", "id": 4}), false).unwrap();
        assert_eq!(
            and.required(&["id"]).and_then(|c| c.int_values()),
            Some(vec![4])
        );
        let or = compile(json!({"name": "x", "id": 4}), true).unwrap();
        assert!(or.required(&["id"]).is_none());
        let single_or = compile(json!({"id": 4}), true).unwrap();
        assert!(single_or.required(&["id"]).is_some());
    }
}
