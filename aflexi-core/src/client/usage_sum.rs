//! `stats.getSummaries` answers summed while they are read: a [`Build`] that keeps, of a month
//! of daily figures, only each day's per-publisher contributions, never the tree of figures
//! (a quarter of the decoding time; docs/BENCHMARKS.md, "Concurrent usage queries").
//!
//! The answer is `{day: {operator: {group: {publisher: [cached, notCached, total]}}}}`
//! (docs/AFLEXI-API.md#stats). The decoder makes values innermost first, so the builder
//! counts the structs and arrays open to know what a value is: the answer (level 0), a day's
//! bucket (1), an operator's groups (2), a group's publishers (3), a figure (4 and deeper).
//! What each level keeps, and which `-1` subtotal wins, is the rule of [`Answer::totals`].

use std::borrow::Cow;
use std::collections::HashMap;

use indexmap::IndexMap;
use serde_json::Value;

use super::model;
use crate::xmlrpc::{Build, Json};
use crate::{Error, Result};

pub(super) const STATS: &str = "stats.getSummaries";

/// Each publisher's MB, or why its figure could not be read.
pub(super) type Figures = std::collections::BTreeMap<i64, Result<i64>>;

/// What one publisher's member adds to its total, in the order of the answer.
type Contributions = Vec<(i64, Result<i64>)>;

/// A decoded `stats.getSummaries` answer: the operator's contributions of each day bucket.
pub(super) enum Answer {
    /// The buckets by name (`YYYYMMDD`, or `-1` for the whole range), in the answer's order.
    Buckets(IndexMap<String, Contributions>),
    /// An empty array: PHP's empty array, no traffic.
    Nothing,
    /// Anything else: the error naming it.
    Unreadable(Error),
}

impl Answer {
    /// Each publisher's total: the whole-range bucket `-1` when present, else every day bucket;
    /// within the operator, the across-packages group `-1` when present, else every group;
    /// `-1` publisher keys are subtotals and skipped. A figure that is not a number makes only
    /// its publisher's total an error.
    pub(super) fn totals(self) -> Result<Figures> {
        let mut buckets = match self {
            Answer::Buckets(buckets) => buckets,
            Answer::Nothing => return Ok(Figures::new()),
            Answer::Unreadable(error) => return Err(error),
        };
        let mut totals = Figures::new();
        let chosen: Vec<Contributions> = match buckets.swap_remove("-1") {
            Some(total) => vec![total],
            None => buckets.into_values().collect(),
        };
        for (id, figure) in chosen.into_iter().flatten() {
            add(totals.entry(id).or_insert(Ok(0)), figure);
        }
        Ok(totals)
    }

    /// Each day's total of one publisher (`YYYYMMDD`, only the days in `from..=to`): what the
    /// usage chart draws. An answer that is not a struct has no days.
    pub(super) fn days_of(
        self,
        publisher: i64,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, i64)>> {
        let Answer::Buckets(buckets) = self else {
            return Ok(Vec::new());
        };
        let mut days = Vec::new();
        for (day, contributions) in buckets {
            if day == "-1" || day.len() != 8 || day.as_str() < from || day.as_str() > to {
                continue;
            }
            let mut total = None;
            for (id, figure) in contributions {
                if id == publisher {
                    add(total.get_or_insert(Ok(0)), figure);
                }
            }
            if let Some(total) = total {
                days.push((day, total?));
            }
        }
        Ok(days)
    }
}

/// Adds a figure to a total; an unreadable one makes the total unreadable.
pub(super) fn add(total: &mut Result<i64>, figure: Result<i64>) {
    if let Ok(sum) = total {
        match figure {
            Ok(mb) => *sum = sum.saturating_add(mb),
            Err(e) => *total = Err(e),
        }
    }
}

/// The builder of an [`Answer`] for one operator.
pub(super) struct UsageSum {
    operator: String,
    /// Structs and arrays open around the value being made.
    open: usize,
}

impl UsageSum {
    pub(super) fn new(operator_id: i64) -> Self {
        UsageSum {
            operator: operator_id.to_string(),
            open: 0,
        }
    }
}

/// A figure's total, or the first value in it that is not a number (boxed: a figure is made
/// for every number of the answer, and moves small).
type Total = std::result::Result<i64, Box<Value>>;

/// What a figure (level 4 and deeper) stands for.
pub(super) struct Figure {
    /// Its value when it is a number or a numeric text (the `[cached, notCached, total]` test).
    number: Option<i64>,
    /// Its total (nested figures summed), or the first value that is not a number.
    total: Total,
}

impl Figure {
    fn scalar(value: Value) -> Figure {
        let number = match &value {
            Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f.round() as i64)),
            Value::String(s) => numeric_text(s),
            _ => None,
        };
        Figure {
            number,
            total: number.ok_or_else(|| Box::new(value)),
        }
    }

    fn nested(total: Total) -> Figure {
        Figure {
            number: None,
            total,
        }
    }
}

fn numeric_text(s: &str) -> Option<i64> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .map(|f| f.round() as i64)
}

/// Adds a nested figure's total to a sum; the first value that is not a number stays.
fn add_figure(sum: &mut Total, total: Total) {
    if let Ok(s) = sum {
        match total {
            Ok(mb) => *s = s.saturating_add(mb),
            Err(bad) => *sum = Err(bad),
        }
    }
}

/// A value as far as the answer's shape needs it.
pub(super) enum Node {
    /// Boxed: made once per answer, while the other variants are made for every value.
    Answer(Box<Answer>),
    /// A bucket, an operator's groups or a group: the contributions it makes.
    Part(Contributions),
    Figure(Figure),
    /// What a level above the figures skips (not a struct).
    Skipped,
}

impl Node {
    fn answer(answer: Answer) -> Node {
        Node::Answer(Box::new(answer))
    }

    /// The answer a decoded response is (the decoder makes the answer at level 0).
    pub(super) fn into_answer(self) -> Answer {
        match self {
            Node::Answer(answer) => *answer,
            _ => Answer::Unreadable(Error::Protocol(format!("{STATS}: no answer was read"))),
        }
    }
}

/// A struct being read, by level.
pub(super) enum Members {
    Answer(IndexMap<String, Contributions>),
    /// A bucket keeps only the operator's member.
    Bucket(Option<Contributions>),
    Groups(IndexMap<String, Contributions>),
    Publishers(PublisherFigures),
    Figure(IndexMap<String, Figure>),
}

/// A publisher's member name: its id when written plainly (the usual case, kept without a
/// copy), else the name as written, so that `7` and `007` stay two members as in the tree.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(super) enum PublisherKey {
    Id(i64),
    Written(String),
}

impl PublisherKey {
    /// The key of a member whose name is a positive id (`-1` subtotals and others: `None`).
    fn of(name: Cow<'_, str>) -> Option<PublisherKey> {
        let digits = name.as_bytes();
        let plain = matches!(digits.first(), Some(b'1'..=b'9'))
            && digits.len() <= 18
            && digits.iter().all(u8::is_ascii_digit);
        if plain {
            return name.parse().ok().map(PublisherKey::Id);
        }
        let positive = name.trim().parse::<i64>().is_ok_and(|id| id > 0);
        positive.then(|| PublisherKey::Written(name.into_owned()))
    }

    fn id(&self) -> i64 {
        match self {
            PublisherKey::Id(id) => *id,
            PublisherKey::Written(name) => name.trim().parse().unwrap_or(0),
        }
    }

    fn written(&self) -> Cow<'_, str> {
        match self {
            PublisherKey::Id(id) => Cow::Owned(id.to_string()),
            PublisherKey::Written(name) => Cow::Borrowed(name),
        }
    }
}

/// A group's publishers in the answer's order; a member named again takes the new figure in
/// its first place, as a struct's member does.
#[derive(Default)]
pub(super) struct PublisherFigures {
    list: Vec<(PublisherKey, Figure)>,
    /// Where each key is in `list`: made only once a member is not the next higher id
    /// (answers list publishers by ascending id, so usually never; a map per group and day
    /// is a tenth of the summing time).
    index: Option<HashMap<PublisherKey, usize>>,
}

impl PublisherFigures {
    fn insert(&mut self, key: PublisherKey, figure: Figure) {
        let index = match &mut self.index {
            Some(index) => index,
            None => {
                let ascending = match (self.list.last(), &key) {
                    (None, _) => true,
                    (Some((PublisherKey::Id(last), _)), PublisherKey::Id(id)) => id > last,
                    _ => false,
                };
                if ascending {
                    self.list.push((key, figure));
                    return;
                }
                let seen = self
                    .list
                    .iter()
                    .enumerate()
                    .map(|(at, (k, _))| (k.clone(), at));
                self.index.insert(seen.collect())
            }
        };
        match index.get(&key) {
            Some(&at) => self.list[at].1 = figure,
            None => {
                index.insert(key.clone(), self.list.len());
                self.list.push((key, figure));
            }
        }
    }
}

/// An array being read, by level.
pub(super) enum List {
    /// Above the figures: only whether it is empty matters.
    Outer { empty: bool },
    /// A figure: `[cached, notCached, total]` of numbers, or nested figures to sum.
    Figure {
        count: usize,
        all_numbers: bool,
        third: Option<i64>,
        sum: Total,
    },
}

const FIGURES: usize = 4;

impl UsageSum {
    fn scalar(&mut self, value: Value) -> Node {
        match self.open {
            0 => Node::answer(Answer::Unreadable(unreadable_answer(&value))),
            level if level >= FIGURES => Node::Figure(Figure::scalar(value)),
            _ => Node::Skipped,
        }
    }

    fn part(node: Node) -> Contributions {
        match node {
            Node::Part(contributions) => contributions,
            _ => Vec::new(),
        }
    }
}

fn unreadable_answer(value: &Value) -> Error {
    model::unreadable(STATS, "(answer)", value, "a struct")
}

impl Build for UsageSum {
    type Value = Node;
    type List = List;
    type Members = Members;

    fn null(&mut self) -> Node {
        self.scalar(Value::Null)
    }

    fn boolean(&mut self, value: bool) -> Node {
        self.scalar(Json.boolean(value))
    }

    fn int(&mut self, value: i64) -> Node {
        self.scalar(Json.int(value))
    }

    fn double(&mut self, value: f64) -> Node {
        self.scalar(Json.double(value))
    }

    fn string(&mut self, text: Cow<'_, str>) -> Node {
        if self.open >= FIGURES {
            // Most figures are numbers in text: no copy unless it is not one.
            let number = numeric_text(&text);
            return Node::Figure(Figure {
                number,
                total: number.ok_or_else(|| Box::new(Value::String(text.into_owned()))),
            });
        }
        self.scalar(Value::String(text.into_owned()))
    }

    /// The JSON client reads a binary `<base64>` as the struct `{"$base64": text}`: as a
    /// figure it is its text's number, but not a number itself.
    fn binary(&mut self, base64: String) -> Node {
        match self.open {
            0 => Node::answer(Answer::Buckets(IndexMap::new())),
            level if level >= FIGURES => {
                Node::Figure(Figure::nested(Figure::scalar(Value::String(base64)).total))
            }
            _ => Node::Skipped,
        }
    }

    fn list(&mut self) -> List {
        let list = if self.open >= FIGURES {
            List::Figure {
                count: 0,
                all_numbers: true,
                third: None,
                sum: Ok(0),
            }
        } else {
            List::Outer { empty: true }
        };
        self.open += 1;
        list
    }

    fn push(&mut self, list: &mut List, item: Node) {
        match list {
            List::Outer { empty } => *empty = false,
            List::Figure {
                count,
                all_numbers,
                third,
                sum,
            } => {
                if let Node::Figure(figure) = item {
                    *all_numbers &= figure.number.is_some();
                    if *count == 2 {
                        *third = figure.number;
                    }
                    add_figure(sum, figure.total);
                }
                *count += 1;
            }
        }
    }

    fn end_list(&mut self, list: List) -> Node {
        self.open -= 1;
        match list {
            List::Outer { empty: true } if self.open == 0 => Node::answer(Answer::Nothing),
            List::Outer { .. } if self.open == 0 => Node::answer(Answer::Unreadable(
                unreadable_answer(&Value::Array(Vec::new())),
            )),
            List::Outer { .. } => Node::Skipped,
            List::Figure {
                count,
                all_numbers,
                third,
                sum,
            } => Node::Figure(Figure::nested(if count >= 3 && all_numbers {
                Ok(third.unwrap_or(0))
            } else {
                sum
            })),
        }
    }

    fn members(&mut self) -> Members {
        let members = match self.open {
            0 => Members::Answer(IndexMap::new()),
            1 => Members::Bucket(None),
            2 => Members::Groups(IndexMap::new()),
            3 => Members::Publishers(PublisherFigures::default()),
            _ => Members::Figure(IndexMap::new()),
        };
        self.open += 1;
        members
    }

    fn insert(&mut self, members: &mut Members, name: Cow<'_, str>, value: Node) {
        match members {
            Members::Answer(buckets) => {
                buckets.insert(name.into_owned(), Self::part(value));
            }
            Members::Bucket(operator) => {
                if name == self.operator {
                    *operator = Some(Self::part(value));
                }
            }
            Members::Groups(groups) => {
                groups.insert(name.into_owned(), Self::part(value));
            }
            Members::Publishers(publishers) => {
                if let (Some(key), Node::Figure(figure)) = (PublisherKey::of(name), value) {
                    publishers.insert(key, figure);
                }
            }
            Members::Figure(parts) => {
                if let Node::Figure(figure) = value {
                    parts.insert(name.into_owned(), figure);
                }
            }
        }
    }

    fn end_members(&mut self, members: Members) -> Node {
        self.open -= 1;
        match members {
            Members::Answer(buckets) => Node::answer(Answer::Buckets(buckets)),
            Members::Bucket(operator) => Node::Part(operator.unwrap_or_default()),
            Members::Groups(mut groups) => Node::Part(match groups.swap_remove("-1") {
                Some(all) => all,
                None => groups.into_values().flatten().collect(),
            }),
            Members::Publishers(publishers) => Node::Part(
                publishers
                    .list
                    .into_iter()
                    .map(|(key, figure)| {
                        let total = figure.total.map_err(|bad| {
                            model::unreadable(STATS, &key.written(), &bad, "a number")
                        });
                        (key.id(), total)
                    })
                    .collect(),
            ),
            Members::Figure(parts) => {
                let mut sum = Ok(0);
                for (name, figure) in parts {
                    if name != "-1" {
                        add_figure(&mut sum, figure.total);
                    }
                }
                Node::Figure(Figure::nested(sum))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::xmlrpc::{decode_response, decode_response_into, encode_response};

    const MAX: usize = crate::defaults::MAX_RESPONSE_BYTES;

    /// `answer` as the server sends it, summed while read.
    fn answer(value: &Value, operator_id: i64) -> Answer {
        let body = encode_response(value).unwrap();
        let decoded = decode_response_into(body.as_bytes(), MAX, &mut UsageSum::new(operator_id));
        decoded.unwrap().unwrap().into_answer()
    }

    fn summed(value: &Value, operator_id: i64) -> Result<Figures> {
        answer(value, operator_id).totals()
    }

    /// The tree a JSON client decodes from the same body.
    fn tree(value: &Value) -> Value {
        let body = encode_response(value).unwrap();
        decode_response(body.as_bytes(), MAX).unwrap().unwrap()
    }

    /// How the chart read one publisher's days from the tree before [`Answer::days_of`].
    fn tree_days(
        answer: &Value,
        op: i64,
        publisher: i64,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, i64)>> {
        let mut days = Vec::new();
        let Value::Object(buckets) = answer else {
            return Ok(days);
        };
        for (day, bucket) in buckets {
            if day == "-1" || day.len() != 8 || day.as_str() < from || day.as_str() > to {
                continue;
            }
            let one = json!({ day.clone(): bucket });
            if let Some(mb) = tree_totals(&one, op)?.remove(&publisher) {
                days.push((day.clone(), mb?));
            }
        }
        Ok(days)
    }

    /// Every figure of `publisher` in every bucket and group, replaced by `figure`.
    fn set_figures(answer: &mut Value, publisher: i64, figure: &Value) {
        for bucket in answer
            .as_object_mut()
            .into_iter()
            .flat_map(|b| b.values_mut())
        {
            for groups in bucket
                .as_object_mut()
                .into_iter()
                .flat_map(|o| o.values_mut())
            {
                for group in groups
                    .as_object_mut()
                    .into_iter()
                    .flat_map(|g| g.values_mut())
                {
                    if let Some(leaf) = group.get_mut(publisher.to_string()) {
                        *leaf = figure.clone();
                    }
                }
            }
        }
    }

    /// The variants of a sandbox answer to compare on: as sent, without the range total,
    /// without the across-packages groups, with another operator, with figures that are not
    /// plain triples (nested, fractional, texts, unreadable).
    fn variants(sent: &Value, op: i64, ids: &[i64]) -> Vec<Value> {
        let mut days = sent.clone();
        days.as_object_mut().unwrap().shift_remove("-1");
        let mut groups = days.clone();
        for bucket in groups.as_object_mut().unwrap().values_mut() {
            if let Some(g) = bucket
                .get_mut(op.to_string())
                .and_then(Value::as_object_mut)
            {
                g.shift_remove("-1");
            }
        }
        let mut rival = groups.clone();
        for bucket in rival.as_object_mut().unwrap().values_mut() {
            let copy = bucket[op.to_string()].clone();
            bucket
                .as_object_mut()
                .unwrap()
                .insert((op + 1).to_string(), copy);
        }
        let mut odd = groups.clone();
        let figures = [
            json!([[1, 2, 3], [4, 5, 6]]),
            json!([1.5, 2.25, 3.5]),
            json!(["1", " 2 ", "7.6"]),
            json!({"a": [1, 2, 3], "-1": [9, 9, 9], "b": 4}),
            json!([1, 2]),
            json!(12),
            json!([1, 2, {"$base64": "MTIz"}]),
            json!([1, 2, "lots"]),
            json!(true),
            json!([1, 2, 3, false]),
        ];
        for (id, figure) in ids.iter().zip(figures.iter()) {
            set_figures(&mut odd, *id, figure);
        }
        let mut odd_total = sent.clone();
        for (id, figure) in ids.iter().rev().zip(figures.iter()) {
            set_figures(&mut odd_total, *id, figure);
        }
        vec![sent.clone(), days, groups, rival, odd, odd_total]
    }

    #[test]
    fn sandbox_answers_sum_as_the_tree_did() {
        let config = aflexi_sandbox::Config {
            operators: vec![
                ("acme".into(), "key-a".into()),
                ("rival".into(), "key-r".into()),
            ],
            ..Default::default()
        };
        let sandbox = aflexi_sandbox::Shared::new(&config).unwrap();
        let active = aflexi_sandbox::state::LinkStatus::Active;
        let (mut ids, _) = sandbox
            .seed_publishers("acme", 40, "gold", "g", active)
            .unwrap();
        ids.extend(
            sandbox
                .seed_publishers("acme", 10, "silver", "s", active)
                .unwrap()
                .0,
        );
        sandbox
            .seed_publishers("rival", 5, "gold", "r", active)
            .unwrap();
        let mut compared = 0;
        for kind in ["HTTP", "RTMP"] {
            for only in [None, Some(&ids[5..45])] {
                let mut query = json!({
                    "summary": "DAILY", "type": kind, "resultFormat": "DETAIL",
                    "startDate": "2026-03-01", "endDate": "2026-03-31",
                });
                if let Some(only) = only {
                    query["publisher"] = json!(only);
                }
                let params = [
                    json!("acme"),
                    json!("key-a"),
                    json!("groupByOperator"),
                    query,
                ];
                let sent = sandbox.execute("stats.getSummaries", &params).unwrap();
                let op: i64 = sent["-1"]
                    .as_object()
                    .unwrap()
                    .keys()
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap();
                for value in variants(&sent, op, &ids[5..]) {
                    let tree = tree(&value);
                    let old = tree_totals(&tree, op);
                    assert!(old.as_ref().is_ok_and(|t| t.len() >= 40), "{old:?}");
                    assert_eq!(summed(&value, op), old);
                    for &publisher in ids.iter().step_by(3).take(6) {
                        assert_eq!(
                            answer(&value, op).days_of(publisher, "20260301", "20260315"),
                            tree_days(&tree, op, publisher, "20260301", "20260315"),
                        );
                    }
                    compared += 1;
                }
            }
        }
        assert_eq!(compared, 24);
    }

    /// The reference: how the client summed an answer decoded into a tree before [`UsageSum`]
    /// (the same rule as [`Answer::totals`]), to prove the two agree. The whole-range
    /// bucket `-1` when present, else every day bucket; within the operator, the across-packages
    /// group `-1` when present, else every group; `-1` publisher keys are subtotals and skipped.
    /// A figure that is not a number makes only its publisher's total an error.
    /// Publishers listed out of id order, one named twice and one spelled `007`: the summing
    /// builder keeps its ascending-order shortcut only while it holds, and agrees with the tree.
    #[test]
    fn publishers_out_of_order_or_named_twice_sum_as_the_tree_did() {
        let figure = |name: &str, total: i64| {
            format!(
                "<member><name>{name}</name><value><array><data><value><int>0</int></value>\
                 <value><int>{total}</int></value><value><int>{total}</int></value></data>\
                 </array></value></member>"
            )
        };
        for members in [
            [("3", 30), ("9", 90), ("5", 50), ("9", 900), ("007", 70)],
            [("1", 10), ("2", 20), ("2", 200), ("7", 70), ("007", 7)],
            [("007", 7), ("7", 70), ("3", 30), ("-1", 1), ("3", 300)],
        ] {
            let group: String = members.iter().map(|(n, t)| figure(n, *t)).collect();
            let body = format!(
                "<methodResponse><params><param><value><struct><member><name>20260301</name>\
                 <value><struct><member><name>4</name><value><struct><member><name>-1</name>\
                 <value><struct>{group}</struct></value></member></struct></value></member>\
                 </struct></value></member></struct></value></param></params></methodResponse>"
            );
            let tree = decode_response(body.as_bytes(), MAX).unwrap().unwrap();
            let read = decode_response_into(body.as_bytes(), MAX, &mut UsageSum::new(4));
            let summed = read.unwrap().unwrap().into_answer().totals();
            assert_eq!(summed, tree_totals(&tree, 4), "{members:?}");
            assert!(summed.unwrap().len() >= 2, "{members:?}");
        }
    }

    fn tree_totals(answer: &Value, operator_id: i64) -> Result<Figures> {
        let mut totals = Figures::new();
        let buckets = match answer {
            Value::Object(buckets) => buckets,
            // An empty PHP array is encoded as an empty XML-RPC array.
            Value::Array(items) if items.is_empty() => return Ok(totals),
            other => return Err(model::unreadable(STATS, "(answer)", other, "a struct")),
        };
        let chosen: Vec<&Value> = match buckets.get("-1") {
            Some(total) => vec![total],
            None => buckets.values().collect(),
        };
        let op_key = operator_id.to_string();
        for bucket in chosen {
            let Some(groups) = bucket.get(&op_key).and_then(Value::as_object) else {
                continue;
            };
            let groups: Vec<&Value> = match groups.get("-1") {
                Some(all) => vec![all],
                None => groups.values().collect(),
            };
            for group in groups {
                let Some(publishers) = group.as_object() else {
                    continue;
                };
                for (key, leaf) in publishers {
                    if let Ok(id) = key.trim().parse::<i64>() {
                        if id > 0 {
                            add(totals.entry(id).or_insert(Ok(0)), leaf_total(leaf, key));
                        }
                    }
                }
            }
        }
        Ok(totals)
    }

    const STATS: &str = "stats.getSummaries";

    /// The `total` of a `[cached, notCached, total]` leaf, summing nested leaves. Figures are MB
    /// and may be fractional (rounded); anything that is not a number is an error naming the
    /// publisher's member, never counted as zero.
    fn leaf_total(leaf: &Value, key: &str) -> Result<i64> {
        let number = |v: &Value| match v {
            Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f.round() as i64)),
            Value::String(s) => s
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(|f| f.round() as i64),
            _ => None,
        };
        match leaf {
            Value::Array(items)
                if items.len() >= 3 && items.iter().all(|v| number(v).is_some()) =>
            {
                Ok(number(&items[2]).unwrap_or(0))
            }
            Value::Array(items) => items.iter().map(|v| leaf_total(v, key)).sum(),
            Value::Object(map) => map
                .iter()
                .filter(|(k, _)| k.as_str() != "-1")
                .map(|(_, v)| leaf_total(v, key))
                .sum(),
            other => number(other).ok_or_else(|| model::unreadable(STATS, key, other, "a number")),
        }
    }

    #[test]
    fn usage_reads_the_whole_range_bucket_and_skips_subtotals() {
        let answer = json!({
            "20261101": {"3": {"-1": {"10": [1, 2, 3]}}},
            "-1": {"3": {"5": {"10": [10, 20, 30]}, "-1": {"10": [10, 20, 30], "11": [0, 5, 5], "-1": [10, 25, 35]}},
                   "4": {"-1": {"99": [1, 1, 2]}}}
        });
        let totals = summed(&answer, 3).unwrap();
        assert_eq!(totals.get(&10), Some(&Ok(30)));
        assert_eq!(totals.get(&11), Some(&Ok(5)));
        assert_eq!(totals.get(&99), None, "another operator's publisher");
        assert_eq!(totals.len(), 2);
    }

    #[test]
    fn usage_sums_day_buckets_when_there_is_no_total() {
        let answer = json!({
            "20261101": {"3": {"8": {"10": [1, 2, 3]}}},
            "20261102": {"3": {"8": {"10": [1, 1, 2]}, "9": {"10": [0, 1, 1]}}}
        });
        assert_eq!(summed(&answer, 3).unwrap().get(&10), Some(&Ok(6)));
        assert!(summed(&json!([]), 3).unwrap().is_empty());
        assert!(summed(&json!("nothing"), 3).is_err());
    }

    #[test]
    fn usage_figures_that_are_not_numbers_are_errors_of_their_publisher_not_zero() {
        let answer =
            json!({"-1": {"3": {"-1": {"10": [1, 2, "lots"], "11": true, "12": [1, 2, 3]}}}});
        let totals = summed(&answer, 3).unwrap();
        let text = totals[&10].as_ref().unwrap_err().to_string();
        assert!(text.contains("stats.getSummaries"), "{text}");
        assert!(totals[&11].is_err());
        assert_eq!(totals[&12], Ok(3), "the others are kept");
        let doubles = json!({"-1": {"3": {"-1": {"10": [1.0, 2.0, 3.4]}}}});
        assert_eq!(summed(&doubles, 3).unwrap().get(&10), Some(&Ok(3)));
    }

    #[test]
    fn an_unreadable_figure_stays_unreadable_when_added_to() {
        let mut total = Ok(5);
        add(&mut total, Ok(7));
        assert_eq!(total, Ok(12));
        add(&mut total, Err(Error::Protocol("bad".into())));
        add(&mut total, Ok(1));
        assert!(total.is_err());
    }
}
